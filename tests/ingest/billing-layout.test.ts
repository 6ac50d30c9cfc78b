// The billing layout (pipelines/billing.json, --billing-layout): a billing export written the way
// the utility's billing system (CMIS) writes it (its own column names, semicolons, a BOM, periods
// MM/YYYY and YYYYMM in the file name, dates DD/MM/YYYY, dot-grouped amounts) imports without being
// rewritten; a layout with a mistyped key is refused naming the file and JSON path; without a layout
// the export is read as before.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type Database } from '../../src/db/database.ts';
import { importBilling } from '../../src/ingest/index.ts';
import { builtInBillingLayout, DEFAULT_BILLING_LAYOUT_FILE, loadBillingLayout, parseBillingLayoutFile } from '../../src/ingest/billing-layout.ts';
import { CMIS_LAYOUT } from '../support/billing-layout.ts';
import { openTestDb, restoreIngestEnvAfterEach, Scratch } from './helpers.ts';

restoreIngestEnvAfterEach();


const BOM = '\uFEFF';
const CUSTOMERS = [
  'MA_KHANG;TEN_KHANG;MA_NHOMKH;DIA_CHI',
  'PE0100123456;Nguyễn Văn Ánh;SH;"12 Lê Lợi; Quận 1"',
  'PD0100000002;Trần Thị Bích;KD;Hà Nội',
  'PD0100000003;Lê Văn Cường;XX;Hà Nội',
];
const INVOICES = [
  'ID_HDON;MA_KHANG;KY_HDON;KY_HIEU;SO_HDON;NGAY_PHANH;HAN_TTOAN;TONG_TIEN',
  '9000001;PE0100123456;03/2026;1K26TAA;0000123;15/03/2026;29/03/2026;1.234.567',
  '9000002;PD0100000002;03/2026;1K26TBB;0000124;15/03/2026;29/03/2026;500.000,00',
  '9000003;PD0100000002;02/2026;1K26TBB;0000100;15/02/2026;01/03/2026;450.000',
  '9000004;PE0100123456;04/2026;1K26TAA;0000130;15/03/2026;29/03/2026;1.000',
  '9000005;PE0100123456;03/2026;1K26TAA;0000131;31/02/2026;29/03/2026;2.000',
  '9000006;PE0100123456;03/2026;1K26TAA;0000132;15/03/2026;29/03/2026;1.234,50',
  '9000007;PE0100123456;2026-03;1K26TAA;0000133;15/03/2026;29/03/2026;3.000',
];

function cmisExport(s: Scratch, layout: Record<string, unknown> = CMIS_LAYOUT): { dir: string; layout: string } {
  s.file('billing/KHANG_202603.csv', BOM + CUSTOMERS.join('\r\n') + '\r\n');
  s.file('billing/HDON_202603.csv', BOM + INVOICES.join('\r\n') + '\r\n');
  // Today's file names are not this layout's: not read.
  s.file('billing/invoices-2026-03.csv', 'invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd\nX1,PE0100123456,2026-03,1K26TAA,1,2026-03-01,2026-03-15,100\n');
  const path = join(s.dir, 'billing.json');
  writeFileSync(path, JSON.stringify(layout, null, 2));
  return { dir: join(s.files, 'billing'), layout: path };
}

const tables = async (db: Database) => ({
  files: await db.all<Record<string, unknown>>('SELECT file_id, kind, file_name, period, records_read, records_loaded, records_rejected, records_duplicate, status FROM source_files ORDER BY file_id'),
  customers: await db.all<Record<string, unknown>>('SELECT customer_code, pc, unit, segment, name FROM customers ORDER BY customer_code'),
  invoices: await db.all<Record<string, unknown>>('SELECT invoice_no, customer_code, period, series, number, CAST(issued_on AS VARCHAR) AS issued_on, CAST(due_on AS VARCHAR) AS due_on, amount_vnd, line_no FROM invoices ORDER BY invoice_no'),
  rejects: await db.all<Record<string, unknown>>('SELECT file_id, line_no, field, value, reason, message, raw FROM rejects ORDER BY file_id, line_no'),
});

describe('billing layout', () => {
  it('imports a CMIS-like export: its column names, semicolons, BOM, periods MM/YYYY and YYYYMM, dates DD/MM/YYYY, dot-grouped amounts', async () => {
    const s = new Scratch();
    const { dir, layout } = cmisExport(s);
    const { db, run } = await openTestDb();
    const summary = await importBilling(db, run, dir, loadBillingLayout(layout));
    const t = await tables(db);
    expect(summary.files.map((f) => [f.path.slice(dir.length + 1), f.records_read, f.records_loaded, f.records_rejected])).toEqual([
      ['KHANG_202603.csv', 3, 2, 1],
      ['HDON_202603.csv', 7, 3, 4],
    ]);
    expect(t.files.map((f) => [f['kind'], f['file_name'], f['period']])).toEqual([['customers', 'KHANG_202603.csv', null], ['invoices', 'HDON_202603.csv', '2026-03']]);
    expect(t.customers).toEqual([
      { customer_code: 'PD0100000002', pc: 'EVNHANOI', unit: 'PD0100', segment: 'business', name: 'Trần Thị Bích' },
      { customer_code: 'PE0100123456', pc: 'EVNHCMC', unit: 'PE0100', segment: 'residential', name: 'Nguyễn Văn Ánh' },
    ]);
    // Stored canonical: periods YYYY-MM, dates, whole đồng (a zero fraction read).
    expect(t.invoices).toEqual([
      { invoice_no: '9000001', customer_code: 'PE0100123456', period: '2026-03', series: '1K26TAA', number: '0000123', issued_on: '2026-03-15', due_on: '2026-03-29', amount_vnd: 1234567n, line_no: 2n },
      { invoice_no: '9000002', customer_code: 'PD0100000002', period: '2026-03', series: '1K26TBB', number: '0000124', issued_on: '2026-03-15', due_on: '2026-03-29', amount_vnd: 500000n, line_no: 3n },
      { invoice_no: '9000003', customer_code: 'PD0100000002', period: '2026-02', series: '1K26TBB', number: '0000100', issued_on: '2026-02-15', due_on: '2026-03-01', amount_vnd: 450000n, line_no: 4n },
    ]);
    // Each reject names the field and the export's column, the value as written and what the layout expects.
    expect(t.rejects.map((r) => [r['line_no'], r['field'], r['value'], r['reason']])).toEqual([
      [4n, 'segment', 'XX', 'unknown_code'],
      [5n, 'period', '04/2026', 'bad_date'],
      [6n, 'issued_on', '31/02/2026', 'bad_date'],
      [7n, 'amount_vnd', '1.234,50', 'bad_amount'],
      [8n, 'period', '2026-03', 'bad_date'],
    ]);
    const messages = t.rejects.map((r) => String(r['message']));
    expect(messages[0]).toBe(`${dir}/KHANG_202603.csv, line 4, field segment (column MA_NHOMKH): unknown code: got "XX", expected a code listed in customers.segment_map (SH, KD, SX, HCSN)`);
    expect(messages[1]).toBe(`${dir}/HDON_202603.csv, line 5, field period (column KY_HDON): not valid: got "04/2026", expected a period MM/YYYY no later than the file name's, 03/2026`);
    expect(messages[2]).toBe(`${dir}/HDON_202603.csv, line 6, field issued_on (column NGAY_PHANH): not valid: got "31/02/2026", expected a date DD/MM/YYYY`);
    expect(messages[3]).toMatch(/field amount_vnd \(column TONG_TIEN\): not valid: got "1\.234,50", expected a positive whole amount in đồng like 1\.234\.567,00 \(grouping "\.", decimal ",", fraction zero \(VND has no minor unit\)\)/);
    expect(t.rejects[0]!['raw']).toBe('PD0100000003;Lê Văn Cường;XX;Hà Nội');
    db.close();
  });

  it('reads a big CMIS export in place (the direct path) exactly as when it is staged', async () => {
    const s = new Scratch();
    const { dir, layout } = cmisExport(s);
    const load = async (directMb: string) => {
      process.env.RECON_INGEST_DIRECT_MB = directMb;
      const { db, run } = await openTestDb();
      await importBilling(db, run, dir, loadBillingLayout(layout));
      const t = await tables(db);
      db.close();
      return t;
    };
    const staged = await load('100000');
    expect(staged.invoices).toHaveLength(3);
    expect(await load('0')).toEqual(staged);
  });

  it('replaces by period and skips bytes already imported under the layout as without one', async () => {
    const s = new Scratch();
    const { dir, layout } = cmisExport(s);
    const { db, run } = await openTestDb();
    const l = loadBillingLayout(layout);
    await importBilling(db, run, dir, l);
    const again = await importBilling(db, run, dir, l);
    expect(again.files.map((f) => f.status)).toEqual(['skipped', 'skipped']);
    // A corrected March export: 9000002 re-issued, the February arrears 9000003 no longer carried; the first becomes replaced.
    s.file('billing/HDON_202603.csv', BOM + [INVOICES[0], INVOICES[1], INVOICES[2]!.replace('500.000,00', '510.000')].join('\r\n'));
    await importBilling(db, run, dir, l);
    expect(await db.all(`SELECT file_id, status FROM source_files WHERE kind = 'invoices' ORDER BY file_id`)).toEqual([{ file_id: 2n, status: 'replaced' }, { file_id: 3n, status: 'loaded' }]);
    expect(await db.all('SELECT invoice_no, period, amount_vnd FROM invoices ORDER BY invoice_no')).toEqual([
      { invoice_no: '9000001', period: '2026-03', amount_vnd: 1234567n },
      { invoice_no: '9000002', period: '2026-03', amount_vnd: 510000n },
    ]);
    expect(await db.all('SELECT invoice_no, amount_vnd FROM invoice_versions ORDER BY invoice_no')).toEqual([{ invoice_no: '9000002', amount_vnd: 500000n }, { invoice_no: '9000003', amount_vnd: 450000n }]);
    db.close();
  });

  it('reads an export without a period column as the file name\'s period, staged and in place', async () => {
    const s = new Scratch();
    const { dir, layout } = cmisExport(s, { ...CMIS_LAYOUT, invoices: { ...CMIS_LAYOUT.invoices, columns: { ...CMIS_LAYOUT.invoices.columns, period: null } } });
    // The same export without KY_HDON: every row is March's, the file name's period.
    const noPeriod = INVOICES.map((l) => l.split(';').filter((_, i) => i !== 2).join(';'));
    s.file('billing/HDON_202603.csv', BOM + noPeriod.join('\r\n') + '\r\n');
    for (const directMb of ['100000', '0']) {
      process.env.RECON_INGEST_DIRECT_MB = directMb;
      const { db, run } = await openTestDb();
      const summary = await importBilling(db, run, dir, loadBillingLayout(layout));
      // 9000004 (April) and 9000007 (2026-03 written otherwise) are March's now; the bad date and fraction stay rejects.
      expect(summary.files.map((f) => [f.records_read, f.records_loaded, f.records_rejected])).toEqual([[3, 2, 1], [7, 5, 2]]);
      expect(await db.all('SELECT DISTINCT period FROM invoices')).toEqual([{ period: '2026-03' }]);
      expect(await db.all('SELECT field FROM rejects WHERE file_id = 2 ORDER BY line_no')).toEqual([{ field: 'issued_on' }, { field: 'amount_vnd' }]);
      db.close();
    }
  });

  it('passes over title lines above the header (preamble) and a closing total line (skip), staged and in place, counting physical lines', async () => {
    const s = new Scratch();
    const { dir, layout } = cmisExport(s, {
      ...CMIS_LAYOUT,
      customers: { ...CMIS_LAYOUT.customers, preamble: { until: '^MA_KHANG;' } },
      invoices: { ...CMIS_LAYOUT.invoices, preamble: { lines: 3 }, skip: ['^Tổng cộng;'] },
    });
    // As CMIS prints a report: the corporation, the title and a blank line, then the table and its total.
    s.file('billing/KHANG_202603.csv', BOM + ['TỔNG CÔNG TY ĐIỆN LỰC TP.HCM', 'DANH SÁCH KHÁCH HÀNG', ...CUSTOMERS].join('\r\n') + '\r\n');
    s.file('billing/HDON_202603.csv', BOM + ['TỔNG CÔNG TY ĐIỆN LỰC TP.HCM', 'DANH SÁCH HÓA ĐƠN KỲ 03/2026', '', ...INVOICES, 'Tổng cộng;;;;;;;1.741.567'].join('\r\n') + '\r\n');
    for (const directMb of ['100000', '0']) {
      process.env.RECON_INGEST_DIRECT_MB = directMb;
      const { db, run } = await openTestDb();
      const summary = await importBilling(db, run, dir, loadBillingLayout(layout));
      const t = await tables(db);
      db.close();
      // The same records as the export without them; lines are the file's own (DOMAIN: physical lines).
      expect(summary.files.map((f) => [f.records_read, f.records_loaded, f.records_rejected, f.status])).toEqual([[3, 2, 1, 'loaded'], [7, 3, 4, 'loaded']]);
      expect(t.invoices.map((i) => [i['invoice_no'], i['amount_vnd'], i['line_no']])).toEqual([['9000001', 1234567n, 5n], ['9000002', 500000n, 6n], ['9000003', 450000n, 7n]]);
      expect(t.rejects.map((r) => [r['file_id'], r['line_no'], r['field']])).toEqual([
        [1n, 6n, 'segment'],
        [2n, 8n, 'period'],
        [2n, 9n, 'issued_on'],
        [2n, 10n, 'amount_vnd'],
        [2n, 11n, 'period'],
      ]);
    }
    // Without the skip, the total line is a record, rejected with the reason: nothing is lost either way.
    const { layout: noSkip } = cmisExport(new Scratch(), {
      ...CMIS_LAYOUT,
      customers: { ...CMIS_LAYOUT.customers, preamble: { until: '^MA_KHANG;' } },
      invoices: { ...CMIS_LAYOUT.invoices, preamble: { lines: 3 } },
    });
    const { db, run } = await openTestDb();
    const summary = await importBilling(db, run, dir, loadBillingLayout(noSkip));
    expect(summary.files.map((f) => [f.records_read, f.records_rejected])).toEqual([[3, 1], [8, 5]]);
    expect(await db.one('SELECT line_no, field, raw FROM rejects WHERE line_no = 12')).toEqual({ line_no: 12n, field: 'customer_code', raw: 'Tổng cộng;;;;;;;1.741.567' });
    db.close();
  });

  it('checks the total line (trailer) of an export: count and sum as read, or the export is not imported', async () => {
    const s = new Scratch();
    const totals = {
      ...CMIS_LAYOUT,
      customers: { ...CMIS_LAYOUT.customers, trailer: { match: '^Tổng số khách hàng', count: { regex: '(\\d+)$' } } },
      invoices: { ...CMIS_LAYOUT.invoices, trailer: { match: '^Tổng cộng', count: { regex: '(\\d+) hóa đơn' }, amount: { field: 8 } } },
    };
    const { dir, layout } = cmisExport(s, totals);
    const write = (invoices: string[], total: string | null) =>
      s.file('billing/HDON_202603.csv', BOM + [...invoices, ...(total === null ? [] : [total])].join('\r\n') + '\r\n');
    s.file('billing/KHANG_202603.csv', BOM + [...CUSTOMERS.slice(0, 3), 'Tổng số khách hàng: 2'].join('\r\n') + '\r\n');
    const controls = (db: Database) => db.all('SELECT kind, records_read, amount_read, control_count, control_amount, rejected_amount, status FROM source_files ORDER BY file_id');
    for (const directMb of ['100000', '0']) {
      process.env.RECON_INGEST_DIRECT_MB = directMb;
      write(INVOICES.slice(0, 4), 'Tổng cộng: 3 hóa đơn;;;;;;;2.184.567');
      const { db, run } = await openTestDb();
      let summary = await importBilling(db, run, dir, loadBillingLayout(layout));
      expect(summary.files.map((f) => [f.records_read, f.records_loaded, f.status])).toEqual([[2, 2, 'loaded'], [3, 3, 'loaded']]);
      expect(await controls(db)).toEqual([
        { kind: 'customers', records_read: 2n, amount_read: null, control_count: 2n, control_amount: null, rejected_amount: null, status: 'loaded' },
        { kind: 'invoices', records_read: 3n, amount_read: 2184567n, control_count: 3n, control_amount: 2184567n, rejected_amount: null, status: 'loaded' },
      ]);
      // A corrected export that lost a line on the way: not imported, the period keeps what it had.
      write([...INVOICES.slice(0, 3), '9000008;PE0100123456;03/2026;1K26TAA;0000140;15/03/2026;29/03/2026;7.000'], 'Tổng cộng: 4 hóa đơn;;;;;;;2.191.567');
      summary = await importBilling(db, run, dir, loadBillingLayout(layout));
      expect(summary.files.map((f) => f.status)).toEqual(['skipped', 'failed']);
      expect(summary.files[1]!.message).toBe(
        `${dir}/HDON_202603.csv, line 5: the total line states 4 records, the export has 3; an export cut short would replace what the period holds with part of it: ask the billing team for the whole export; nothing imported from this file`,
      );
      // The sum disagreeing with no record rejected, and the total line missing altogether: the same.
      write(INVOICES.slice(0, 4), 'Tổng cộng: 3 hóa đơn;;;;;;;2.184.568');
      expect((await importBilling(db, run, dir, loadBillingLayout(layout))).files[1]!.message).toMatch(/line 5: the total line states 2184568 đồng, the invoices sum to 2184567; an export cut short .*; nothing imported from this file$/);
      write(INVOICES.slice(0, 3), null);
      expect((await importBilling(db, run, dir, loadBillingLayout(layout))).files[1]!.message).toMatch(/HDON_202603\.csv: no line matches invoices\.trailer\.match \/\^Tổng cộng\/, the total line the billing layout expects: the export may be cut short/);
      // A total figure that is no number names the key and the line's fields.
      write(INVOICES.slice(0, 4), 'Tổng cộng: 3 hóa đơn;;;;;;;hai triệu');
      expect((await importBilling(db, run, dir, loadBillingLayout(layout))).files[1]!.message).toMatch(/line 5, field invoices\.trailer\.amount: got "hai triệu", expected .*set invoices\.trailer\.amount\.field to the one holding it/);
      expect(await db.all('SELECT invoice_no, file_id FROM invoices ORDER BY invoice_no')).toEqual([
        { invoice_no: '9000001', file_id: 2n }, { invoice_no: '9000002', file_id: 2n }, { invoice_no: '9000003', file_id: 2n },
      ]);
      db.close();
      // Records rejected: the count still holds; the sum they miss is the amount in rejected records.
      write(INVOICES, 'Tổng cộng: 7 hóa đơn;;;;;;;2.191.567');
      const fresh = await openTestDb();
      summary = await importBilling(fresh.db, fresh.run, dir, loadBillingLayout(layout));
      expect(summary.files.map((f) => [f.records_read, f.records_loaded, f.records_rejected, f.status])).toEqual([[2, 2, 0, 'loaded'], [7, 3, 4, 'loaded']]);
      expect((await controls(fresh.db))[1]).toEqual({ kind: 'invoices', records_read: 7n, amount_read: 2190567n, control_count: 7n, control_amount: 2191567n, rejected_amount: 7000n, status: 'loaded' });
      fresh.db.close();
    }
  });

  it('refuses a trailer that states nothing, or an amount for customers', () => {
    const s = new Scratch();
    const path = join(s.dir, 'billing.json');
    writeFileSync(path, JSON.stringify({
      ...CMIS_LAYOUT,
      customers: { ...CMIS_LAYOUT.customers, trailer: { match: '^Tổng', amount: { field: 2 } } },
      invoices: { ...CMIS_LAYOUT.invoices, trailer: { match: '^Tổng' } },
    }));
    const { problems } = parseBillingLayoutFile(path);
    expect(problems).toEqual([
      expect.stringMatching(/customers\.trailer\.amount: a customers export has no amounts: its trailer can state only the count/),
      expect.stringMatching(/invoices\.trailer: a trailer states the record count, the amount sum or both/),
    ]);
  });

  it('fails a file whose header lacks a column the layout names, naming the layout key', async () => {
    const s = new Scratch();
    const { dir, layout } = cmisExport(s, { ...CMIS_LAYOUT, invoices: { ...CMIS_LAYOUT.invoices, columns: { ...CMIS_LAYOUT.invoices.columns, amount_vnd: 'TIEN_HDON' } } });
    const { db, run } = await openTestDb();
    const summary = await importBilling(db, run, dir, loadBillingLayout(layout));
    expect(summary.files.map((f) => f.status)).toEqual(['loaded', 'failed']);
    expect(summary.files[1]!.message).toMatch(/HDON_202603\.csv: column "TIEN_HDON" named by invoices\.columns\.amount_vnd of .*billing\.json is not in the file; its columns are "ID_HDON", .*"TONG_TIEN"/);
    db.close();
  });

  it('refuses a layout with a mistyped key or a format it cannot read, naming the file and JSON path', () => {
    const s = new Scratch();
    const path = join(s.dir, 'billing.json');
    const { columns, ...rest } = CMIS_LAYOUT.invoices;
    writeFileSync(path, JSON.stringify({ ...CMIS_LAYOUT, delimeter: ';', invoices: { ...rest, colums: columns, date_format: 'dd/MM/yyyy', file_patterns: ['HDON_*.csv'] } }));
    const { layout, problems } = parseBillingLayoutFile(path);
    expect(layout).toBeUndefined();
    const shown = problems.map((p) => p.replace(/^.*billing\.json: /, 'billing.json: '));
    expect(shown).toEqual(expect.arrayContaining([
      'billing.json: (root): Unrecognized key: "delimeter"',
      'billing.json: invoices: Unrecognized key: "colums"',
      expect.stringMatching(/^billing\.json: invoices\.date_format: unknown token .*\(tokens are upper-case as partner profiles write them: DD\/MM\/YYYY\)$/),
      expect.stringMatching(/^billing\.json: invoices\.file_patterns\[0\]: a pattern holds \{period\} once/),
    ]));
    expect(() => loadBillingLayout(path)).toThrow(/^invalid billing layout:\n {2}(.*billing\.json: .*\n {2}){3}.*billing\.json: \(root\): Unrecognized key: "delimeter"$/);
    expect(() => loadBillingLayout(join(s.dir, 'missing.json'))).toThrow(/billing layout .*missing\.json does not exist/);
    writeFileSync(path, JSON.stringify({ invoices: { period_format: 'MM/DD' } }));
    expect(parseBillingLayoutFile(path).problems).toEqual([expect.stringMatching(/invoices\.period_format: "MM\/DD" is not a period format/)]);
  });

  it('without a layout file reads the export as before: customers.csv, invoices-YYYY-MM.csv, messages without column names', async () => {
    expect(existsSync(DEFAULT_BILLING_LAYOUT_FILE)).toBe(false); // the repository ships none
    expect(loadBillingLayout()).toEqual(builtInBillingLayout());
    const s = new Scratch();
    // An empty layout file is the built-in layout.
    const empty = join(s.dir, 'empty.json');
    writeFileSync(empty, '{}');
    expect({ ...loadBillingLayout(empty), source: null, file: null }).toEqual(builtInBillingLayout());
    s.file('billing/customers.csv', 'customer_code,name,pc,unit,segment\nPE0100123456,Nguyễn Văn A,EVNHCMC,PE0100,residential\n');
    s.file('billing/invoices-2026-03.csv', 'invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd\nJ1,PE0100123456,2026-03,1K26TAA,1,2026-03-01,2026-03-15,100\nJ2,PE0100123456,03/2026,1K26TAA,2,2026-03-01,2026-03-15,1.000\n');
    s.file('billing/HDON_202603.csv', BOM + INVOICES.join('\r\n'));
    const { db, run } = await openTestDb();
    const summary = await importBilling(db, run, join(s.files, 'billing'));
    expect(summary.files.map((f) => f.path.replace(/^.*\//, ''))).toEqual(['customers.csv', 'invoices-2026-03.csv']);
    expect(await db.all('SELECT invoice_no, period, amount_vnd FROM invoices')).toEqual([{ invoice_no: 'J1', period: '2026-03', amount_vnd: 100n }]);
    const rejects = await db.all<{ message: string }>('SELECT message FROM rejects');
    expect(rejects.map((r) => r.message.replace(/^.*\//, ''))).toEqual(['invoices-2026-03.csv, line 3, field amount_vnd: not valid: got "1.000", expected a positive whole amount in đồng (digits only), at most 1000000000000000']);
    db.close();
    const none = new Scratch();
    none.file('billing/HDON_202603.csv', 'x');
    const { db: db2, run: run2 } = await openTestDb();
    await expect(importBilling(db2, run2, join(none.files, 'billing'))).rejects.toThrow(/holds neither customers\.csv nor invoices-YYYY-MM\.csv$/);
    db2.close();
  });

  it("README's example layout validates and reads the CMIS-like export it shows", async () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Billing layout (`pipelines/billing.json`)'));
    const json = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    const s = new Scratch();
    const { dir, layout } = cmisExport(s, { ...JSON.parse(json), encoding: 'utf-8-bom', invoices: { ...JSON.parse(json).invoices, amount: CMIS_LAYOUT.invoices.amount } });
    const { db, run } = await openTestDb();
    const summary = await importBilling(db, run, dir, loadBillingLayout(layout));
    expect(summary.invoices).toBe(3);
    db.close();
  });
});
