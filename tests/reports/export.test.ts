// Exports of the fixture month: every dataset in every format reads back with the same rows, the
// auditor columns are there under their names, and CSV is safe to open in a spreadsheet.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { csvCell } from '../../src/reports/export-writers.ts';
import { DATASETS, runExport, type ExportFormat } from '../../src/reports/export.ts';
import { load, match, openDb } from '../match/fixture.ts';
import { FORMULA_MEMO, fixtureDb, XSS_MEMO } from './fixture.ts';

let db: Database;
const dir = mkdtempSync(join(tmpdir(), 'recon-export-'));
const period = '2026-01';

beforeAll(async () => {
  db = await fixtureDb();
});
afterAll(() => db.close());

/** Reads an export back as row objects (numbers for numbers, strings for text). */
async function readBack(path: string, format: ExportFormat): Promise<Record<string, unknown>[]> {
  const norm = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
  switch (format) {
    case 'json':
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
    case 'arrow':
      return tableFromIPC(readFileSync(path)).toArray().map((r: { toJSON(): Record<string, unknown> }) => norm(r.toJSON()));
    case 'parquet':
      return (await db.all(`SELECT * FROM read_parquet($1)`, [path])).map(norm);
    case 'xlsx': {
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(path);
      const values = book.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
      const [header, ...rows] = values.map((r) => r.slice(1));
      return rows.map((r) => Object.fromEntries(header!.map((h, i) => [String(h), r[i] ?? null])));
    }
    case 'csv': {
      const text = readFileSync(path, 'utf8');
      const [header, ...lines] = text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      return lines.map((l) => Object.fromEntries(header!.split(',').map((h, i) => [h, l.split(',')[i]])));
    }
  }
}

describe('export', () => {
  it("writes exactly the columns README's export table lists for each dataset, in order", async () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| dataset | rows | columns |'));
    const listed = new Map<string, string[]>();
    for (const line of table.split('\n').slice(2)) {
      if (!line.startsWith('|')) break;
      const cells = line.split(' | ');
      const dataset = /^\| `([a-z]+)`$/.exec(cells[0]!)?.[1];
      const columns = /^`([^`]+)` \|$/.exec(cells[cells.length - 1]!)?.[1];
      expect(dataset && columns, `README export table row ${JSON.stringify(line)}`).toBeTruthy();
      listed.set(dataset!, columns!.split(', '));
    }
    expect([...listed.keys()]).toEqual([...DATASETS]);
    for (const dataset of DATASETS) {
      const out = join(dir, `columns-${dataset}.csv`);
      await runExport(db, { dataset, period, format: 'csv', out });
      const header = readFileSync(out, 'utf8').replace(/^\uFEFF/, '').split('\r\n')[0]!.split(',');
      expect(listed.get(dataset), `README's columns of ${dataset}`).toEqual(header);
    }
  });

  it.each(DATASETS)('writes %s identically in every format', async (dataset) => {
    const counts = new Map<ExportFormat, number>();
    for (const format of ['json', 'arrow', 'parquet', 'xlsx'] as const) {
      const out = join(dir, `${dataset}.${format}`);
      const result = await runExport(db, { dataset, period, format, out });
      const rows = await readBack(out, format);
      expect(rows).toHaveLength(result.rows);
      counts.set(format, rows.length);
    }
    expect(new Set(counts.values()).size).toBe(1);
  });

  it('carries partner_id, txn_ref, invoice_no, amount_vnd and the rule of each counted allocation', async () => {
    const out = join(dir, 'alloc.json');
    await runExport(db, { dataset: 'allocations', period, format: 'json', out });
    const rows = await readBack(out, 'json');
    // The six allocations counted in kpis.test.ts: E1 (paid after the as-of date) and H1 (2025-12) are not.
    expect(rows.map((r) => [r.partner_id, r.txn_ref, r.invoice_no, r.amount_vnd, r.rule])).toEqual([
      ['agent1', 'A1', 'I2', 100_000, 'customer_amount'],
      ['momo', 'M1', 'I2', 100_000, 'customer_amount'],
      ['momo', 'M2', 'I4', 10_000, 'customer_amount'],
      ['vcb', 'T1', 'I1', 100_000, 'customer_amount'],
      ['vcb', 'T1', 'I5', 50_000, 'customer_amount'],
      ['vcb', 'T2', 'I3', 300_000, 'customer_amount'],
    ]);
    expect(rows[0]).toMatchObject({ source_file: 'f3.csv', source_line: 3, paid_at_local: '2026-01-12 09:00:00' });
  });

  it('lists the exception queue with reasons, ages and the suggested invoice as invoice_no', async () => {
    const out = join(dir, 'exc.arrow');
    await runExport(db, { dataset: 'exceptions', period, format: 'arrow', out });
    const rows = await readBack(out, 'arrow');
    expect(rows.map((r) => [r.partner_id, r.txn_ref, r.invoice_no, r.amount_vnd, r.reason, r.age_bucket])).toEqual([
      ['agent1', 'A3', null, 70_000, 'unknown_customer', '>90'],
      ['vcb', 'T3', 'I1', 55_000, 'duplicate_payment', '8-30'],
    ]);
    const table = tableFromIPC(readFileSync(out));
    expect(String(table.schema.fields.find((f) => f.name === 'amount_vnd')!.type)).toBe('Int64');
  });

  it('lists arrears with days overdue, and refunds due', async () => {
    await runExport(db, { dataset: 'arrears', period, format: 'json', out: join(dir, 'arrears.json') });
    // I4: 400,000 billed, 10,000 paid by 28/02 (E1 came later); due 12/02 → 16 days overdue.
    expect(await readBack(join(dir, 'arrears.json'), 'json')).toEqual([
      expect.objectContaining({ unit: 'PA0300', invoice_no: 'I4', open_vnd: 390_000, days_overdue: 16, age_bucket: '1-30' }),
    ]);
    await runExport(db, { dataset: 'refunds', period, format: 'json', out: join(dir, 'refunds.json') });
    expect(await readBack(join(dir, 'refunds.json'), 'json')).toEqual([expect.objectContaining({ partner_id: 'vcb', txn_ref: 'T3', invoice_no: 'I1', amount_vnd: 55_000 })]);
  });

  it("lists the payments of the period's month, as the partner scorecard counts them", async () => {
    await runExport(db, { dataset: 'payments', period, format: 'json', out: join(dir, 'payments-window.json') });
    const rows = await readBack(join(dir, 'payments-window.json'), 'json');
    // January 2026, local time: T0, T1, A1, M1, and M3 with its reversal; February's T2, T3, M2 are not.
    expect(rows.map((r) => `${r.txn_ref}:${r.kind}`).sort()).toEqual(['A1:payment', 'M1:payment', 'M3:payment', 'M3:reversal', 'T0:payment', 'T1:payment']);
  });

  it('writes local dates and times as dates in XLSX, Arrow and Parquet, and as text in CSV and JSON', async () => {
    const t1 = (rows: Record<string, unknown>[]) => rows.find((r) => r.txn_ref === 'T1')!;
    const at = async (format: ExportFormat) => {
      const out = join(dir, `dates.${format}`);
      await runExport(db, { dataset: 'allocations', period, format, out });
      return t1(await readBack(out, format));
    };
    // T1: paid 2026-01-10 10:00 Vietnam time, settled 2026-01-11.
    expect(await at('json')).toMatchObject({ paid_at_local: '2026-01-10 10:00:00', settled_on: '2026-01-11' });
    expect(await at('csv')).toMatchObject({ paid_at_local: '2026-01-10 10:00:00', settled_on: '2026-01-11' });
    const xlsx = await at('xlsx');
    expect([xlsx.paid_at_local, xlsx.settled_on]).toEqual([new Date(Date.UTC(2026, 0, 10, 10, 0, 0)), new Date(Date.UTC(2026, 0, 11))]);
    const arrowOut = join(dir, 'dates.arrow');
    await runExport(db, { dataset: 'allocations', period, format: 'arrow', out: arrowOut });
    const table = tableFromIPC(readFileSync(arrowOut));
    expect(String(table.schema.fields.find((f) => f.name === 'paid_at_local')!.type)).toBe('Timestamp<MILLISECOND>');
    expect(String(table.schema.fields.find((f) => f.name === 'settled_on')!.type)).toBe('Date32<DAY>');
    const parquet = await db.all<{ t: string; d: string }>(
      `SELECT typeof(paid_at_local) AS t, typeof(settled_on) AS d FROM read_parquet($1) LIMIT 1`,
      [await runExport(db, { dataset: 'allocations', period, format: 'parquet', out: join(dir, 'dates.parquet') }).then((r) => r.path)],
    );
    expect(parquet[0]).toEqual({ t: 'TIMESTAMP', d: 'DATE' });
  });

  it('writes a time with a fraction of a second as 19 characters in CSV and JSON, cut to the second as explain shows it', async () => {
    await db.run(`UPDATE payments SET paid_at = paid_at + INTERVAL 250 MILLISECOND WHERE txn_ref = 'T1'`);
    try {
      for (const format of ['json', 'csv'] as const) {
        const out = join(dir, `fraction.${format}`);
        await runExport(db, { dataset: 'allocations', period, format, out });
        expect((await readBack(out, format)).find((r) => r.txn_ref === 'T1')).toMatchObject({ paid_at_local: '2026-01-10 10:00:00', settled_on: '2026-01-11' });
      }
      // Arrow keeps the milliseconds.
      const arrowOut = join(dir, 'fraction.arrow');
      await runExport(db, { dataset: 'allocations', period, format: 'arrow', out: arrowOut });
      const row = (await readBack(arrowOut, 'arrow')).find((r) => r.txn_ref === 'T1')!;
      expect(Number(row.paid_at_local)).toBe(Date.UTC(2026, 0, 10, 10, 0, 0, 250));
    } finally {
      await db.run(`UPDATE payments SET paid_at = paid_at - INTERVAL 250 MILLISECOND WHERE txn_ref = 'T1'`);
    }
  });

  it('lists every reject with its file, line, reason and text', async () => {
    await runExport(db, { dataset: 'rejects', period, format: 'json', out: join(dir, 'rejects.json') });
    expect(await readBack(join(dir, 'rejects.json'), 'json')).toEqual([
      { file_kind: 'partner', partner_id: 'vcb', file_id: 1, source_file: 'f1.csv', source_path: 'f1.csv', source_line: 7, reason: 'bad_amount', field: 'amount', value: '12,3a4', message: 'bad amount', raw: 'raw', file_status: 'loaded' },
    ]);
  });

  it('names the refund\'s customer by the settled invoice when the payment carried no code (a reference or memo alone)', async () => {
    await db.run(`UPDATE payments SET customer_code = NULL WHERE txn_ref = 'T3'`);
    try {
      await runExport(db, { dataset: 'refunds', period, format: 'json', out: join(dir, 'refunds2.json') });
      expect(await readBack(join(dir, 'refunds2.json'), 'json')).toEqual([
        expect.objectContaining({ txn_ref: 'T3', customer_code: 'PD01000000001', pc: 'EVNHANOI', unit: 'PD0100' }),
      ]);
    } finally {
      await db.run(`UPDATE payments SET customer_code = 'PD01000000001' WHERE txn_ref = 'T3'`);
    }
  });

  it('writes CSV as UTF-8 with a BOM and neutralises formula-like cells', async () => {
    const out = join(dir, 'exc.csv');
    await runExport(db, { dataset: 'exceptions', period, format: 'csv', out });
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain(`"'${FORMULA_MEMO.replaceAll('"', '""')}"`);
    expect(text).toContain(XSS_MEMO);
    expect(text.split('\r\n')[0]).toBe(
      '\uFEFFpartner_id,txn_ref,invoice_no,amount_vnd,reason,status,confidence,detail,customer_code,identified_customer,paid_at_local,age_days,age_bucket,memo,source_file,source_line,source_path',
    );
  });

  it.each([
    ['=1+2', "'=1+2"],
    ['+84901234567', "'+84901234567"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['Tiền điện T10', 'Tiền điện T10'],
    [-5n, '-5'],
    [null, ''],
  ] satisfies Array<[string | bigint | null, string]>)('csvCell(%s) is %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes KPI rows whose total equals the headline', async () => {
    await runExport(db, { dataset: 'kpis', period, format: 'parquet', out: join(dir, 'kpis.parquet') });
    const rows = await readBack(join(dir, 'kpis.parquet'), 'parquet');
    expect(rows[0]).toMatchObject({ dimension: 'total', invoices: 5, invoiced_vnd: 1_050_000, allocated_vnd: 660_000, collection_rate_amount: 0.628571 });
    expect(rows.filter((r) => r.dimension === 'channel_group').map((r) => r.share_invoices)).toEqual([0.6, 0.2, 0.2, 0]);
  });
});

describe('export --out', () => {
  it('writes to a path with spaces, quotes, an apostrophe and Vietnamese letters in every format, its folders created', async () => {
    const folder = join(dir, "thư mục 'Q1' \"x\"");
    for (const format of ['csv', 'json', 'arrow', 'parquet', 'xlsx'] as const) {
      const out = join(folder, `phân bổ 'tháng' "1".${format}`);
      const result = await runExport(db, { dataset: 'allocations', period, format, out });
      expect(result.path).toBe(out);
      expect(await readBack(out, format)).toHaveLength(result.rows);
    }
    expect(readdirSync(folder).filter((f) => f.startsWith('.'))).toEqual([]); // no partial file left
  });

  it('replaces an existing file only with a whole export; a failed export leaves it as it was', async () => {
    const out = join(dir, 'existing.json');
    writeFileSync(out, 'earlier');
    const result = await runExport(db, { dataset: 'allocations', period, format: 'json', out });
    expect(await readBack(out, 'json')).toHaveLength(result.rows);
    writeFileSync(out, 'earlier');
    await expect(runExport(db, { dataset: 'allocations', period: '2026-13', format: 'json', out })).rejects.toThrow(/--period/);
    const failing = { dataset: 'nosuch' as never, period, format: 'json' as const, out };
    await expect(runExport(db, failing)).rejects.toThrow();
    expect(readFileSync(out, 'utf8')).toBe('earlier');
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('refuses a folder, a name with control characters, a path under a file and a file the database loaded, saying why', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder, { recursive: true });
    const refused = async (out: string) => runExport(db, { dataset: 'allocations', period, format: 'parquet', out }).then(() => 'written', (e: Error) => `${e.name}: ${e.message}`);
    expect(await refused(folder)).toMatch(/^UsageError: --out .*a-folder is a folder; expected a file name/);
    expect(await refused(join(dir, 'a\nb.parquet'))).toMatch(/^UsageError: --out .*control characters/);
    writeFileSync(join(dir, 'plain.txt'), 'x');
    expect(await refused(join(dir, 'plain.txt', 'x.parquet'))).toMatch(/^UsageError: --out .*plain\.txt is a file, not a folder/);
    const source = join(dir, 'loaded.csv');
    writeFileSync(source, 'ref,time\n');
    await db.run(`INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, status, run_id, loaded_at)
                  VALUES (999001, 'partner', 'vcb', $1, 'loaded.csv', 'sha999001', 9, 'loaded', 'r1', '2026-03-01 00:00:00+07')`, [source]);
    try {
      expect(await refused(source)).toMatch(/^UsageError: --out .*loaded\.csv is a file the database loaded \(file 999001,/);
      expect(readFileSync(source, 'utf8')).toBe('ref,time\n');
    } finally {
      await db.run('DELETE FROM source_files WHERE file_id = 999001');
    }
    expect(existsSync(join(dir, 'a\nb.parquet'))).toBe(false);
  });
});

describe('export payments: void and refunds', () => {
  // January 2026: P1 plain; P2 reversed by R2 the next day; P3 partly refunded by RF3 in February
  // (outside the window, yet it refunds P3); P4 refunded in full by two refunds. Each pays its own
  // customer's invoice.
  let mdb: Database;
  beforeAll(async () => {
    mdb = await openDb();
    const customers = ['PD0100000001', 'PD0100000002', 'PD0100000003', 'PD0100000004'];
    await load(mdb, {
      customers,
      invoices: customers.map((c, i) => ({ no: `I${i + 1}`, customer: c, amount: 500_000 })),
      payments: [
        { txn: 'P1', amount: 100_000, code: customers[0]!, at: '2026-01-10T10:00:00' },
        { txn: 'P2', amount: 200_000, code: customers[1]!, at: '2026-01-11T10:00:00' },
        { txn: 'R2', kind: 'reversal', reverses: 'P2', amount: 200_000, code: customers[1]!, at: '2026-01-12T10:00:00' },
        { txn: 'P3', amount: 300_000, code: customers[2]!, at: '2026-01-13T10:00:00' },
        { txn: 'RF3', kind: 'refund', reverses: 'P3', amount: 50_000, code: customers[2]!, at: '2026-02-03T10:00:00' },
        { txn: 'P4', amount: 400_000, code: customers[3]!, at: '2026-01-14T10:00:00' },
        { txn: 'RF4B', kind: 'refund', reverses: 'P4', amount: 150_000, code: customers[3]!, at: '2026-01-16T10:00:00' },
        { txn: 'RF4A', kind: 'refund', reverses: 'P4', amount: 250_000, code: customers[3]!, at: '2026-01-15T10:00:00' },
      ],
    });
    await match(mdb);
  });
  afterAll(() => mdb.close());

  // In the export's order: partner, then transaction id (txn_number, sql/common/identifiers.sql).
  const expected = [
    { txn_ref: 'P1', kind: 'payment', amount_vnd: 100_000, allocated_vnd: 100_000, void_reason: null, refunded_vnd: 0, adjusted_by: null },
    { txn_ref: 'P2', kind: 'payment', amount_vnd: 200_000, allocated_vnd: 0, void_reason: 'reversed', refunded_vnd: 0, adjusted_by: 'reversal R2' },
    { txn_ref: 'P3', kind: 'payment', amount_vnd: 300_000, allocated_vnd: 250_000, void_reason: null, refunded_vnd: 50_000, adjusted_by: 'refund RF3' },
    { txn_ref: 'P4', kind: 'payment', amount_vnd: 400_000, allocated_vnd: 0, void_reason: 'refunded', refunded_vnd: 400_000, adjusted_by: 'refund RF4A;refund RF4B' },
    { txn_ref: 'R2', kind: 'reversal', amount_vnd: 200_000, allocated_vnd: 0, void_reason: null, refunded_vnd: 0, adjusted_by: null },
    { txn_ref: 'RF4A', kind: 'refund', amount_vnd: 250_000, allocated_vnd: 0, void_reason: null, refunded_vnd: 0, adjusted_by: null },
    { txn_ref: 'RF4B', kind: 'refund', amount_vnd: 150_000, allocated_vnd: 0, void_reason: null, refunded_vnd: 0, adjusted_by: null },
  ];

  it.each(['json', 'csv', 'xlsx', 'arrow', 'parquet'] as const)('says which payments are void, why, by which records, and how much was refunded (%s)', async (format) => {
    const out = join(dir, `payments-void.${format}`);
    await runExport(mdb, { dataset: 'payments', period, format, out });
    const rows = (await readBack(out, format)).map((r) =>
      Object.fromEntries(Object.keys(expected[0]!).map((k) => {
        const v = r[k] ?? null;
        // CSV reads back as text, an empty cell as ''; XLSX leaves an empty cell out.
        return [k, format === 'csv' ? (v === '' ? null : /^\d+$/.test(String(v)) ? Number(v) : v) : v];
      })),
    );
    expect(rows).toEqual(expected);
  });

  it('types refunded_vnd as a whole number in Parquet and Arrow', async () => {
    const path = (await runExport(mdb, { dataset: 'payments', period, format: 'parquet', out: join(dir, 'payments-types.parquet') })).path;
    expect(await mdb.all(`SELECT typeof(refunded_vnd) AS r, typeof(void_reason) AS v, typeof(adjusted_by) AS a FROM read_parquet($1) LIMIT 1`, [path])).toEqual([{ r: 'BIGINT', v: 'VARCHAR', a: 'VARCHAR' }]);
    const arrowOut = join(dir, 'payments-types.arrow');
    await runExport(mdb, { dataset: 'payments', period, format: 'arrow', out: arrowOut });
    expect(String(tableFromIPC(readFileSync(arrowOut)).schema.fields.find((f) => f.name === 'refunded_vnd')!.type)).toBe('Int64');
  });
});
