// Unquoted files whose fields escape what they hold with a backslash, as MySQL's
// `SELECT … INTO OUTFILE` and `mysqldump --tab` write them by default (FIELDS TERMINATED BY '\t'
// ESCAPED BY '\\' LINES TERMINATED BY '\n', no enclosure): format.escape with quote "". Every record
// loads with the values the database held, at the physical line where it starts; a bad record is
// still a reject naming file, line, field and value, its text as the partner wrote it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { profileSchema } from '../../src/ingest/profile.ts';
import { splitEscaped, splitQuotedEscaped, splitRecords, type RecordLayout } from '../../src/ingest/records.ts';
import { ingestScratch, Scratch, withProfile } from './helpers.ts';

const T = '\t';
const B = '\\';
const time = '01/02/2026 08:00:00';
/** A record of the tab-delimited file: its fields already escaped as MySQL writes them. */
const rec = (...fields: string[]) => fields.join(T);

const MYSQL = { type: 'delimited', delimiter: T, quote: '', escape: B };
const profile = withProfile({ file_patterns: ['T_*.txt'], format: MYSQL });

const FILE = [
  rec('ref', 'time', 'customer', 'amount', 'memo'), // line 1
  rec('M1', time, 'PE0100123456', '1.250.000', `TT${B}${T}tab`), // 2: an escaped delimiter (backslash + tab)
  rec('M2', time, 'PD0100000001', '500.000', `C:${B}${B}EVN${B}${B}T10`), // 3: escaped backslashes
  rec('M3', time, 'PE0200654321', '842.300', `dong 1${B}`), // 4: backslash + LF: the memo goes on…
  'dong 2', // 5: …on this line
  rec('M4', time, 'PE0300111222', '100.000', `${B}N`), // 6: NULL
  rec('M5', time, 'PE0300111223', '12a', `ghi chu ${B}${T} x`), // 7: a bad amount in a record holding an escape
  rec('M6', time, `PE0400999888${B}0${B}0`, '200.000', `path C:${B}${B}`), // 8: BINARY(14) NUL padding; an escaped backslash ends the line
  rec('M7', time, 'PE0500123456', '300.000', '"gấp" 12" B'), // 9: quotes are text in an unquoted file
  rec('M8', time, `too${B}${T}few`, '400.000'), // 10: four fields, one holding an escaped tab
  rec('M9', time, 'PE0600123456', `${B}N`, 'x'), // 11: no amount (NULL)
].join('\n') + '\n';

async function tables(db: Database) {
  return {
    files: await db.all('SELECT status, records_read, records_loaded, records_rejected, records_duplicate FROM source_files'),
    payments: await db.all<{ line_no: bigint; txn_ref: string; customer_code: string | null; amount_vnd: bigint; memo: string | null }>(
      'SELECT line_no, txn_ref, customer_code, amount_vnd, memo FROM payments ORDER BY line_no',
    ),
    rejects: await db.all<{ line_no: bigint; field: string | null; value: string | null; reason: string; message: string; raw: string }>(
      'SELECT line_no, field, value, reason, message, raw FROM rejects ORDER BY line_no',
    ),
  };
}

describe('unquoted fields with backslash escapes (MySQL INTO OUTFILE)', () => {
  const dbs: Database[] = [];
  afterEach(() => {
    delete process.env.RECON_INGEST_DIRECT_MB;
    for (const db of dbs.splice(0)) db.close();
  });

  for (const [name, directMb] of [['staged', undefined], ['scanned for the direct path first', '0']] as const) {
    it(`loads every record with its exact values and physical line (${name})`, async () => {
      const s = new Scratch();
      s.profile(profile);
      const path = s.file('T_1.txt', FILE);
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      dbs.push(db);
      const t = await tables(db);
      expect(t.files).toEqual([{ status: 'loaded', records_read: 9n, records_loaded: 6n, records_rejected: 3n, records_duplicate: 0n }]);
      expect(t.payments.map((p) => [p.line_no, p.txn_ref, p.customer_code, p.amount_vnd, p.memo])).toEqual([
        [2n, 'M1', 'PE0100123456', 1250000n, 'TT\ttab'],
        [3n, 'M2', 'PD0100000001', 500000n, 'C:\\EVN\\T10'],
        [4n, 'M3', 'PE0200654321', 842300n, 'dong 1\ndong 2'],
        [6n, 'M4', 'PE0300111222', 100000n, null],
        [8n, 'M6', 'PE0400999888', 200000n, 'path C:\\'],
        [9n, 'M7', 'PE0500123456', 300000n, '"gấp" 12" B'],
      ]);
      expect(t.rejects.map((r) => ({ ...r, message: r.message.replace(path, 'T_1.txt') }))).toEqual([
        {
          line_no: 7n, field: 'amount', value: '12a', reason: 'bad_amount',
          message: 'T_1.txt, line 7, field amount (column amount): not a valid amount: got "12a", expected a whole amount in đồng like 1.234.567 (grouping ".", no decimals)',
          raw: rec('M5', time, 'PE0300111223', '12a', `ghi chu ${B}${T} x`), // as written, escapes and all
        },
        {
          line_no: 10n, field: null, value: null, reason: 'column_count',
          message: 'T_1.txt, line 10: found 4 columns, expected 5 (ref, time, customer, amount, memo)',
          raw: rec('M8', time, `too${B}${T}few`, '400.000'),
        },
        {
          line_no: 11n, field: 'amount', value: '', reason: 'missing_field',
          message: 'T_1.txt, line 11, field amount (column amount): missing: got "", expected a whole amount in đồng like 1.234.567 (grouping ".", no decimals)',
          raw: rec('M9', time, 'PE0600123456', '', 'x'), // a NULL shows as an empty field
        },
      ]);
    });
  }

  it('splits at escaped line ends only: an odd run of backslashes before the LF (or before the CR of a CR LF)', async () => {
    const layout = { format: { type: 'delimited', delimiter: '|', quote: '', escape: B }, header: { type: 'names' }, skip: [] } as RecordLayout;
    const text = ['a|b', `1|x${B}`, `y${B}${B}`, `2|z${B}${B}${B}`, 'w', `3|crlf${B}\r`, 'v\r', '4|end'].join('\n');
    const staged: string[] = [];
    const out = { put: (prefix: string, src: Buffer, start: number, end: number) => staged.push(prefix + src.toString('utf8', start, end)) };
    // 7-byte chunks: a run of backslashes and its LF arrive in different chunks.
    async function* chunks() {
      const b = Buffer.from(text);
      for (let i = 0; i < b.length; i += 7) yield b.subarray(i, i + 7);
    }
    const split = await splitRecords(chunks(), layout, 'T.txt', out as never, 1);
    expect(split.rejects).toEqual([]);
    expect(split.lines).toBe(8);
    expect(split.direct.possible).toBe(false);
    expect(staged).toEqual(['1|2|1|\x1ex\ny\\\x1e', '1|4|2|\x1ez\\\nw\x1e', '1|6|3|\x1ecrlf\nv\x1e', '1|8|4|end']);
  });

  it('reads a file whose only escapes are NULLs (\\N fields) in place (direct path), and a file holding another escape only by staging', async () => {
    const layout = { format: { type: 'delimited', delimiter: '|', quote: '', escape: B }, header: { type: 'names' }, skip: [] } as RecordLayout;
    const scan = (text: string) => splitRecords((async function* () { yield Buffer.from(text); })(), layout, 'T.txt', null, 1);
    expect((await scan('a|b\n1|x\n2|"y"\n')).direct.possible).toBe(true);
    expect((await scan('a|b|c\n1|x|\\N\n\\N|\\N|\\N\n2|y|z\n')).direct.possible).toBe(true);
    const broken = { ...layout, format: { ...layout.format, delimiter: '¦' } } as RecordLayout; // a delimiter of two bytes in UTF-8
    const scanBroken = (text: string) => splitRecords((async function* () { yield Buffer.from(text); })(), broken, 'T.txt', null, 1);
    expect((await scanBroken('a¦b\n\\N¦\\N\n')).direct.possible).toBe(true);
    expect((await scanBroken('a¦b\n\\N¦x\\¦y\n')).direct.possible).toBe(false);
    for (const escaped of ['2|y\\|z', '2|x\\N', '2|\\\\N', '2|\\Nx', '2|\\N\\|', '2|a\\\nb']) {
      expect((await scan(`a|b\n1|x\n${escaped}\n3|z\n`)).direct.possible, escaped).toBe(false);
    }
    // Read in place with the same dialect as staged: a quote starting a field is text, \N is NULL,
    // and the text \N (written \\N) stays text.
    const s = new Scratch();
    s.profile(profile);
    const header = rec('ref', 'time', 'customer', 'amount', 'memo');
    s.file('T_2.txt', [header, rec('N1', time, 'PE0100123456', '1.000', '"gấp"'), rec('N2', time, `${B}N`, '2.000', ''), rec('N3', time, 'PE0100123458', '3.000', `${B}N`)].join('\n') + '\n');
    s.file('T_3.txt', [header, rec('N4', time, 'PE0100123459', '4.000', `${B}${B}N`), rec('N5', time, `${B}N`, '5.000', `${B}N`)].join('\n') + '\n');
    const memos = async (directMb: string | undefined) => {
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      dbs.push(db);
      return db.all('SELECT line_no, txn_ref, customer_code, memo FROM payments ORDER BY txn_ref');
    };
    const expected = [
      { line_no: 2n, txn_ref: 'N1', customer_code: 'PE0100123456', memo: '"gấp"' },
      { line_no: 3n, txn_ref: 'N2', customer_code: null, memo: null },
      { line_no: 4n, txn_ref: 'N3', customer_code: 'PE0100123458', memo: null },
      { line_no: 2n, txn_ref: 'N4', customer_code: 'PE0100123459', memo: '\\N' }, // \\N: the text \N
      { line_no: 3n, txn_ref: 'N5', customer_code: null, memo: null },
    ];
    expect(await memos(undefined)).toEqual(expected);
    expect(await memos('0')).toEqual(expected);
  });

  it('unescapes fields as MySQL LOAD DATA reads them', () => {
    expect(splitEscaped('a\\|b|c\\\\|\\N|x\\N|\\n\\t\\r\\0|end\\', '|', '\\')).toEqual(['a|b', 'c\\', null, 'xN', '\n\t  ', 'end\\']);
    expect(splitEscaped('crlf\\\r\nx|cr\rx||', '|', '\\')).toEqual(['crlf\nx', 'cr x', '', '']);
    expect(splitEscaped('', ',', '\\')).toEqual(['']);
  });

  it('unescapes the fields of a quoted file with a backslash escape as MySQL LOAD DATA reads ENCLOSED BY \'"\' ESCAPED BY \'\\\\\'', () => {
    expect(splitQuotedEscaped('"a\\"b",\\N,"\\N","c:\\\\","x, y","l1\\\nl2",7,"q""q",', ',', '"', '\\')).toEqual(['a"b', null, 'N', 'c:\\', 'x, y', 'l1\nl2', '7', 'q"q', '']);
    expect(splitQuotedEscaped('"\\t\\0\\r\\n",un\\,q,end\\', ',', '"', '\\')).toEqual(['\t \n', 'un,q', 'end\\']);
  });

  it('accepts format.escape with quote "" and refuses an escape that is the delimiter or not printable ASCII', () => {
    const issues = (format: Record<string, unknown>) => profileSchema.safeParse(withProfile({ format })).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(issues(MYSQL)).toEqual([]);
    expect(issues({ ...MYSQL, delimiter: '|' })).toEqual([]);
    expect(issues({ ...MYSQL, delimiter: '|', escape: '|' })).toEqual(['format.escape']);
    expect(issues({ ...MYSQL, escape: '\n' })).toEqual(['format.escape']);
    expect(issues({ ...MYSQL, escape: '' })).toEqual([]);
  });
});
