// format.overflow_column: a free-text column (a bank's memo) written unquoted while it holds the
// delimiter. A record with more fields than the columns has its surplus joined back into that column
// (last column: the fields after it; in the middle: the fields before it from the start, the fields
// after it from the end) and is typed as any other; on the staging copy and read in place alike,
// with its physical line, its text as written when it is rejected, control totals over every record
// read, and a second ingest changing nothing. Without the option such a record stays a column_count
// reject, whose message points at the option.
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { absorbSurplus, MORE_FIELDS_HINT, readerFields } from '../../src/ingest/overflow.ts';
import { BASE_PROFILE, openTestDb, restoreIngestEnvAfterEach, Scratch, SWEEP_MODES, withProfile } from './helpers.ts';

restoreIngestEnvAfterEach();

const TIME = '27/10/2026 08:15:00';
const CODE = 'PE0100123456';

/** A profile reading `memo` whose text may hold the delimiter, with the file's columns in `header` order. */
function overflowProfile(extra: Record<string, unknown> = {}) {
  return withProfile({ format: { type: 'delimited', delimiter: ',', quote: '"', overflow_column: 'memo' }, ...extra });
}

async function ingestFolder(s: Scratch, env: Record<string, string>) {
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  return { db, run, summary };
}

async function tables(db: Database) {
  return {
    files: await db.all(`SELECT status, records_read, records_loaded, records_rejected, records_duplicate, amount_read, control_count, control_amount, rejected_amount, status_reason FROM source_files ORDER BY file_id`),
    payments: await db.all('SELECT line_no, txn_ref, customer_code, memo, amount_vnd FROM payments ORDER BY line_no'),
    rejects: await db.all('SELECT line_no, field, value, reason, message, raw FROM rejects ORDER BY line_no'),
  };
}

/** Whether the batch was read in place (the direct path types into its own table). */
async function readInPlace(db: Database): Promise<boolean> {
  return (await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'ingest_typed_direct'`)).length > 0;
}

const shortName = (m: unknown) => String(m).slice(String(m).lastIndexOf('/') + 1);

describe('format.overflow_column', () => {
  // ref,time,customer,memo,amount: the memo in the middle, the amount after it taken from the end.
  const middle = [
    'ref,time,customer,memo,amount',
    `A1,${TIME},${CODE},THANH TOAN TIEN DIEN,1.250.000`, // no delimiter in the memo
    `A2,${TIME},${CODE},THANH TOAN TIEN DIEN, KY 10/2026,2.000.000`, // one
    `A3,${TIME},${CODE},TT TIEN DIEN, KH ${CODE}, KY 10, 2026,3.000.000`, // three
    `A4,${TIME},${CODE},"THANH TOAN, DA QUOTE",4.000.000`, // quoted: one field as before
    `A5,${TIME},${CODE},"TT ""NHA"" 5",5.000.000`, // a doubled quote inside a quoted memo
    `A6,${TIME},${CODE},TT, KY 10,12,3a4`, // surplus in the memo, then a bad amount: a typed reject
    `A7,${TIME},${CODE}`, // fewer fields: still a column_count reject
    `A8,${TIME},${CODE},TT "KY" 10, 2026,8.000`, // a quote inside the unquoted memo is text
    `A9,${TIME},${CODE},"TT" 9, KY 10,9.000`, // text after a closing quote: the reader refuses it, a reject as before
    '',
  ];

  for (const [mode, env] of SWEEP_MODES) {
    it(`joins the surplus of a memo in the middle back into it, a quoted memo unchanged (${mode})`, async () => {
      const s = new Scratch();
      s.profile(overflowProfile());
      s.file('T_1.csv', middle.join('\n'));
      const { db, summary } = await ingestFolder(s, env);
      expect(await readInPlace(db)).toBe(mode !== 'as configured');
      const t = await tables(db);
      expect(summary.files.map((f) => [f.status, f.records_read, f.records_loaded, f.records_rejected, f.records_duplicate])).toEqual([['loaded', 9, 6, 3, 0]]);
      expect(t.payments).toEqual([
        { line_no: 2n, txn_ref: 'A1', customer_code: CODE, memo: 'THANH TOAN TIEN DIEN', amount_vnd: 1250000n },
        { line_no: 3n, txn_ref: 'A2', customer_code: CODE, memo: 'THANH TOAN TIEN DIEN, KY 10/2026', amount_vnd: 2000000n },
        { line_no: 4n, txn_ref: 'A3', customer_code: CODE, memo: `TT TIEN DIEN, KH ${CODE}, KY 10, 2026`, amount_vnd: 3000000n },
        { line_no: 5n, txn_ref: 'A4', customer_code: CODE, memo: 'THANH TOAN, DA QUOTE', amount_vnd: 4000000n },
        { line_no: 6n, txn_ref: 'A5', customer_code: CODE, memo: 'TT "NHA" 5', amount_vnd: 5000000n },
        { line_no: 9n, txn_ref: 'A8', customer_code: CODE, memo: 'TT "KY" 10, 2026', amount_vnd: 8000n },
      ]);
      expect(t.rejects.map((r) => ({ ...r, message: shortName(r.message) }))).toEqual([
        {
          line_no: 7n, field: 'amount', value: '3a4', reason: 'bad_amount',
          message: 'T_1.csv, line 7, field amount (column amount): not a valid amount: got "3a4", expected a whole amount in đồng like 1.234.567 (grouping ".", no decimals)',
          raw: `A6,${TIME},${CODE},TT, KY 10,12,3a4`, // as written, not re-quoted
        },
        {
          line_no: 8n, field: null, value: null, reason: 'column_count',
          message: 'T_1.csv, line 8: found 3 columns, expected 5 (ref, time, customer, memo, amount)',
          raw: `A7,${TIME},${CODE}`,
        },
        {
          line_no: 10n, field: null, value: null, reason: 'column_count',
          message: 'T_1.csv, line 10: a quoted field holds a quote that is not doubled (Value with unterminated quote found.), expected a quote inside a quoted field written twice ("") or the field unquoted; the record could not be split into fields',
          raw: `A9,${TIME},${CODE},"TT" 9, KY 10,9.000`,
        },
      ]);
      db.close();
    });
  }

  // ref,time,customer,amount,memo: the memo last, its surplus every field after it; a trailer
  // counting every record and summing their amounts, which now all parse.
  const last = (eol: string) =>
    [
      'Ngân hàng T,,,,',
      'ref,time,customer,amount,memo',
      `B1,${TIME},${CODE},1.000.000,THANH TOAN TIEN DIEN, KY 10/2026`,
      `B2,${TIME},${CODE},2.000.000,TT, KH ${CODE}, KY 10, 2026`,
      `B3,${TIME},${CODE},3.000.000,"DA QUOTE, KY 10"`,
      '',
      `B4,${TIME},${CODE},4.000.000,TIEN DIEN`,
      `B2,${TIME},${CODE},2.000.000,TT, KH ${CODE}, KY 10, 2026`, // a repeat: a duplicate record
      'Tổng cộng: 5 giao dịch,,,12.000.000,',
      '',
    ].join(eol);
  const lastProfile = overflowProfile({
    preamble: { lines: 1 },
    trailer: { match: '^Tổng cộng', count: { regex: '(\\d+) giao dịch' }, amount: { field: 4 } },
  });

  for (const [mode, env] of SWEEP_MODES) {
    it(`joins the fields after a memo in the last column into it, the trailer's count and sum met (${mode})`, async () => {
      const s = new Scratch();
      s.profile(lastProfile);
      s.file('T_1.csv', last('\n'));
      const { db, run, summary } = await ingestFolder(s, env);
      expect(await readInPlace(db)).toBe(mode !== 'as configured');
      const t = await tables(db);
      expect(t.files).toEqual([
        { status: 'loaded', records_read: 5n, records_loaded: 4n, records_rejected: 0n, records_duplicate: 1n, amount_read: 12000000n, control_count: 5n, control_amount: 12000000n, rejected_amount: null, status_reason: null },
      ]);
      expect(t.payments).toEqual([
        { line_no: 3n, txn_ref: 'B1', customer_code: CODE, memo: 'THANH TOAN TIEN DIEN, KY 10/2026', amount_vnd: 1000000n },
        { line_no: 4n, txn_ref: 'B2', customer_code: CODE, memo: `TT, KH ${CODE}, KY 10, 2026`, amount_vnd: 2000000n },
        { line_no: 5n, txn_ref: 'B3', customer_code: CODE, memo: 'DA QUOTE, KY 10', amount_vnd: 3000000n },
        { line_no: 7n, txn_ref: 'B4', customer_code: CODE, memo: 'TIEN DIEN', amount_vnd: 4000000n },
      ]);
      expect(await db.all('SELECT line_no, first_line_no FROM duplicate_records')).toEqual([{ line_no: 8n, first_line_no: 4n }]);
      expect(t.rejects).toEqual([]);
      // A second ingest of the same folder changes nothing.
      const again = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
      expect(again.files.map((f) => f.status)).toEqual(['skipped']);
      expect(await tables(db)).toEqual(t);
      expect(summary.files).toHaveLength(1);
      db.close();
    });
  }

  it('takes surplus fields on the staging copy when a quoted field spans lines, in a batch of several files', async () => {
    const s = new Scratch();
    s.profile(overflowProfile());
    s.file('T_1.csv', ['ref,time,customer,memo,amount', `C1,${TIME},${CODE},"DONG 1`, `DONG 2",1.000`, `C2,${TIME},${CODE},TT, KY 10,2.000`, ''].join('\n'));
    s.file('T_2.csv', ['ref,time,customer,memo,amount', `C3,${TIME},${CODE},TT, KY 11,3.000`, `C4,${TIME},${CODE},"A, B",4.000`, ''].join('\n'));
    const { db, summary } = await ingestFolder(s, {});
    expect(await readInPlace(db)).toBe(false); // both files in one batch, one staging file
    expect(summary.files.map((f) => [f.records_read, f.records_loaded, f.records_rejected])).toEqual([[2, 2, 0], [2, 2, 0]]);
    expect(await db.all('SELECT file_id, line_no, txn_ref, memo FROM payments ORDER BY payment_id')).toEqual([
      { file_id: 1n, line_no: 2n, txn_ref: 'C1', memo: 'DONG 1\nDONG 2' },
      { file_id: 1n, line_no: 4n, txn_ref: 'C2', memo: 'TT, KY 10' },
      { file_id: 2n, line_no: 2n, txn_ref: 'C3', memo: 'TT, KY 11' },
      { file_id: 2n, line_no: 3n, txn_ref: 'C4', memo: 'A, B' },
    ]);
    db.close();
  });

  it('joins the surplus of an unquoted backslash-escaped file (MySQL) into the memo, escapes and all', async () => {
    const s = new Scratch();
    s.profile(withProfile({ format: { type: 'delimited', delimiter: '|', quote: '', escape: '\\', overflow_column: 'memo' } }));
    s.file('T_1.csv', ['ref|time|customer|memo|amount', `D1|${TIME}|${CODE}|TT \\| KY 10| 2026|1.000`, `D2|${TIME}|\\N|TT| KY 11|2.000`, ''].join('\n'));
    const { db } = await ingestFolder(s, {});
    expect(await db.all('SELECT line_no, customer_code, memo, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { line_no: 2n, customer_code: CODE, memo: 'TT | KY 10| 2026', amount_vnd: 1000n },
      { line_no: 3n, customer_code: null, memo: 'TT| KY 11', amount_vnd: 2000n },
    ]);
    db.close();
  });

  it('leaves a record with too many fields a column_count reject without the option, its message pointing at it', async () => {
    const s = new Scratch();
    s.profile(withProfile({}));
    s.file('T_1.csv', ['ref,time,customer,memo,amount', `E1,${TIME},${CODE},TT, KY 10, 2026,1.000`, `E2,${TIME},${CODE},TT`, ''].join('\n'));
    const { db } = await ingestFolder(s, {});
    const rejects = await db.all<{ line_no: bigint; message: string; raw: string }>('SELECT line_no, message, raw FROM rejects ORDER BY line_no');
    expect(rejects.map((r) => [r.line_no, shortName(r.message), r.raw])).toEqual([
      [2n, `T_1.csv, line 2: found 7 columns, expected 5 (ref, time, customer, memo, amount)${MORE_FIELDS_HINT}`, `E1,${TIME},${CODE},TT, KY 10, 2026,1.000`],
      [3n, 'T_1.csv, line 3: found 4 columns, expected 5 (ref, time, customer, memo, amount)', `E2,${TIME},${CODE},TT`],
    ]);
    db.close();
  });

  it.each([
    ['a column no field reads', { overflow_column: 'nội dung' }, /bank-t\.json: format\.overflow_column: "nội dung" is not a column the fields read \("ref", "time", "amount", "customer", "memo"\): name the free-text column/],
    ['an empty name', { overflow_column: '' }, /bank-t\.json: format\.overflow_column: Too small/],
  ])('refuses a profile whose overflow_column is %s, naming the key', (_name, format, error) => {
    const s = new Scratch();
    s.profile(withProfile({ format: { ...BASE_PROFILE.format, ...format } }));
    expect(() => loadProfiles(s.profiles)).toThrow(error);
  });

  it('refuses overflow_column outside a delimited format', () => {
    const s = new Scratch();
    s.profile(withProfile({ format: { type: 'xlsx', overflow_column: 'memo' } }));
    expect(() => loadProfiles(s.profiles)).toThrow(/bank-t\.json: format: Unrecognized key: "overflow_column"/);
  });

  it('keeps a quoted field after the memo that holds the delimiter one field, taken from the end', async () => {
    const s = new Scratch();
    s.profile(overflowProfile({ fields: { ...BASE_PROFILE.fields, amount: { column: 'amount', format: { grouping: ',', decimal: null } } } }));
    s.file('T_1.csv', ['ref,time,customer,memo,amount', `G1,${TIME},${CODE},TT, KY 10,"1,250,000"`, ''].join('\n'));
    const { db } = await ingestFolder(s, { RECON_INGEST_DIRECT_MB: '0' });
    expect(await readInPlace(db)).toBe(true);
    expect(await db.all('SELECT memo, amount_vnd FROM payments')).toEqual([{ memo: 'TT, KY 10', amount_vnd: 1250000n }]);
    db.close();
  });

  it('finds the column as the fields\' columns are found: in any case, spaces aside', async () => {
    const s = new Scratch();
    s.profile(withProfile({
      format: { type: 'delimited', delimiter: ';', quote: '"', overflow_column: 'Nội  DUNG' },
      fields: { ...BASE_PROFILE.fields, memo: { column: 'nội dung' } },
    }));
    s.file('T_1.csv', ['ref;time;customer;Nội dung;amount', `F1;${TIME};${CODE};TT; KY 10;1.000`, ''].join('\n'));
    const { db } = await ingestFolder(s, {});
    expect(await db.all('SELECT memo FROM payments')).toEqual([{ memo: 'TT; KY 10' }]);
    db.close();
  });

  it('reads the same tables on the staging copy and in place', async () => {
    const s = new Scratch();
    s.profile(overflowProfile());
    s.file('T_1.csv', middle.join('\r\n'));
    const results = [];
    for (const [, env] of SWEEP_MODES) {
      const { db } = await ingestFolder(s, env);
      results.push(await tables(db));
      db.close();
    }
    expect(results[1]).toEqual(results[0]);
  });
});

describe('splitting a refused record and joining its surplus', () => {
  it.each([
    ['a,b,c', '"', ['a', 'b', 'c']],
    ['a,"b,c",d', '"', ['a', 'b,c', 'd']],
    ['a,"b""c",d', '"', ['a', 'b"c', 'd']],
    ['a,b"c,d', '"', ['a', 'b"c', 'd']], // a quote inside an unquoted field is text
    ['a,,b,', '"', ['a', '', 'b', '']],
    ['"a",', '"', ['a', '']],
    ['a,\\N,b', '"', ['a', null, 'b']], // the reader's NULL text
    ['a,"b,c"', '', ['a', '"b', 'c"']], // no quote character: every delimiter splits
    ['a,"b"c,d', '"', null], // text after a closing quote: the reader refuses it
    ['a,"b', '"', null], // a quote never closed
  ] satisfies Array<[string, string, (string | null)[] | null]>)('reads %j as the reader splits it (quote %j)', (text, quote, fields) => {
    expect(readerFields(text, ',', quote, ['\\N'])).toEqual(fields);
  });

  it.each([
    [['a', 'b', ' c', ' d'], 1, 2, ['a', 'b, c, d']], // the last column: every field after it
    [['a', 'b', ' c', ' d', 'e'], 1, 3, ['a', 'b, c, d', 'e']], // the middle: the fields after it from the end
    [['a', ' b', 'c'], 0, 2, ['a, b', 'c']], // the first column
    [['a', 'b', 'c'], 1, 3, ['a', 'b', 'c']], // as many fields as columns: unchanged
  ] satisfies Array<[string[], number, number, string[]]>)('joins %j into column %i of %i', (fields, at, width, joined) => {
    expect(absorbSurplus(fields, at, width, (parts) => parts.join(','))).toEqual(joined);
  });
});
