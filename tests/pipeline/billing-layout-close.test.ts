// The monthly close from the CLI of a billing export in the billing system's own layout
// (`--billing-layout`): Windows-1258, semicolons, CMIS column names, HDON_202603.csv, periods
// 03/2026, dates DD/MM/YYYY, dot-grouped amounts, closed with partner files of two existing
// profiles; and a layout with a mistyped key refused before any database is made.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CMIS_LAYOUT } from '../support/billing-layout.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { recon } from '../support/cli.ts';
import { encodeWindows1258 } from '../support/windows1258.ts';

const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratch = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'recon-billing-layout-'));
  dirs.push(d);
  return d;
};

/** The CMIS-like layout, in Windows-1258, its amounts dot-grouped with no decimals. */
const LAYOUT = { ...CMIS_LAYOUT, encoding: 'windows-1258', invoices: { ...CMIS_LAYOUT.invoices, amount: { grouping: '.' } } };

/** A data folder: the CMIS export (Windows-1258, CR LF) and a Vietcombank statement and a MoMo file, as their profiles read them. */
function dataFolder(dir: string): string {
  const data = join(dir, 'data');
  for (const sub of ['billing', 'partners/vietcombank', 'partners/momo']) mkdirSync(join(data, sub), { recursive: true });
  const cp1258 = (lines: string[]) => encodeWindows1258(lines.join('\r\n') + '\r\n');
  writeFileSync(join(data, 'billing', 'KHANG_202603.csv'), cp1258([
    'MA_KHANG;TEN_KHANG;MA_NHOMKH;ĐỊA_CHỈ',
    'PE0100123456;Nguyễn Văn Ánh;SH;Quận 1',
    'PD0100000002;Trần Thị Bích;KD;Hà Nội',
  ]));
  writeFileSync(join(data, 'billing', 'HDON_202603.csv'), cp1258([
    'ID_HDON;MA_KHANG;KY_HDON;KY_HIEU;SO_HDON;NGAY_PHANH;HAN_TTOAN;TONG_TIEN',
    '9000001;PE0100123456;03/2026;1K26TAA;0000123;15/03/2026;29/03/2026;1.234.567',
    '9000002;PD0100000002;03/2026;1K26TBB;0000124;15/03/2026;29/03/2026;500.000',
    '9000003;PD0100000002;02/2026;1K26TBB;0000100;15/02/2026;01/03/2026;450.000',
    '9000004;PE0100123456;03/2026;1K26TAA;0000125;15/03/2026;29/03/2026;12.34.567',
  ]));
  writeFileSync(join(data, 'partners', 'vietcombank', 'VCB_EVN_202603.csv'), [
    'Statement of EVN bill collections - Vietcombank',
    'Account 1221450633; period 03/2026',
    'TransactionID;TransactionTime;ValueDate;CustomerID;BillNo;Amount;Currency;Narrative;TxnType;OrigTransactionID;Channel',
    '000000000001;2026-03-20T09:15:00+07:00;2026-03-23;PE0100123456;9000001;1.234.567,00;VND;Tien dien T03;C;;IBFT',
  ].join('\n') + '\n');
  writeFileSync(join(data, 'partners', 'momo', 'MOMO_EVN_20260321.csv'), [
    'transaction_id,created_at,settlement_date,bill_code,credit,debit,description,ref_transaction_id',
    '4000000001,2026-03-21T10:00:00+07:00,2026-03-22,PD0100000002,650000,,THANH TOAN TIEN DIEN,',
  ].join('\n') + '\n');
  return data;
}

describe('recon run monthly-close --billing-layout', () => {
  it('closes a month billed in a CMIS-like export: invoices loaded in canonical form, KPIs, a rejected row named by its column', async () => {
    const dir = scratch();
    const data = dataFolder(dir);
    const layout = join(dir, 'cmis.json');
    writeFileSync(layout, JSON.stringify(LAYOUT, null, 2));
    const dbPath = join(dir, 'recon.duckdb');
    const r = await recon('run', 'monthly-close', '--data', data, '--billing-layout', layout, '--db', dbPath, '--out', join(dir, 'out'), '--json');
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { period: string; kpisPath: string; summary: { billing: Record<string, unknown>; ingest: { records_loaded: number } } };
    expect(result.period).toBe('2026-03');
    expect(result.summary.billing).toEqual({ files: { loaded: 2 }, customers: 2, invoices: 3, rejected: 1 });
    expect(result.summary.ingest.records_loaded).toBe(2);
    // March: 1.734.567 đồng billed in two invoices, 1.234.567 + 200.000 collected (MoMo's 650.000 paid
    // the February arrears first), one settled.
    const kpis = JSON.parse(readFileSync(result.kpisPath, 'utf8')) as { headline: { counts: Record<string, unknown>; ratios: Record<string, unknown> } };
    expect(kpis.headline.counts).toMatchObject({ invoices: 2, invoiced_vnd: 1734567, allocated_vnd: 1434567, invoices_settled: 1 });
    expect(kpis.headline.ratios).toMatchObject({ collection_rate_amount: Number((1434567 / 1734567).toFixed(6)), collection_rate_count: 0.5 });
    const db = await Database.open({ path: dbPath });
    try {
      expect(await db.all('SELECT customer_code, name, segment FROM customers ORDER BY customer_code')).toEqual([
        { customer_code: 'PD0100000002', name: 'Trần Thị Bích', segment: 'business' },
        { customer_code: 'PE0100123456', name: 'Nguyễn Văn Ánh', segment: 'residential' },
      ]);
      expect(await db.all('SELECT invoice_no, period, CAST(issued_on AS VARCHAR) AS issued_on, CAST(due_on AS VARCHAR) AS due_on, amount_vnd FROM invoices ORDER BY invoice_no')).toEqual([
        { invoice_no: '9000001', period: '2026-03', issued_on: '2026-03-15', due_on: '2026-03-29', amount_vnd: 1234567n },
        { invoice_no: '9000002', period: '2026-03', issued_on: '2026-03-15', due_on: '2026-03-29', amount_vnd: 500000n },
        { invoice_no: '9000003', period: '2026-02', issued_on: '2026-02-15', due_on: '2026-03-01', amount_vnd: 450000n },
      ]);
      expect(await db.all('SELECT invoice_no, amount_vnd FROM allocations ORDER BY invoice_no')).toEqual([
        { invoice_no: '9000001', amount_vnd: 1234567n },
        { invoice_no: '9000002', amount_vnd: 200000n },
        { invoice_no: '9000003', amount_vnd: 450000n },
      ]);
      const rejects = await db.all<{ line_no: bigint; field: string; value: string; reason: string; message: string }>('SELECT line_no, field, value, reason, message FROM rejects');
      expect(rejects).toEqual([{
        line_no: 5n, field: 'amount_vnd', value: '12.34.567', reason: 'bad_amount',
        message: `${join(data, 'billing', 'HDON_202603.csv')}, line 5, field amount_vnd (column TONG_TIEN): not valid: got "12.34.567", expected a positive whole amount in đồng like 1.234.567 (grouping ".", no decimals), at most 1000000000000000`,
      }]);
      // The layout file is among the run's inputs, as the files it read are.
      const run = await db.one<{ inputs: string }>(`SELECT inputs FROM runs WHERE command = 'run monthly-close'`);
      expect((JSON.parse(run!.inputs) as Array<{ path: string }>).map((i) => i.path)).toContain(layout);
    } finally {
      db.close();
    }
  }, 300_000);

  it('refuses a layout with a mistyped key, naming the file and JSON path, before any database is made', async () => {
    const dir = scratch();
    const data = dataFolder(dir);
    const layout = join(dir, 'cmis.json');
    const { amount, ...invoices } = LAYOUT.invoices;
    writeFileSync(layout, JSON.stringify({ ...LAYOUT, invoices: { ...invoices, amount_format: amount } }, null, 2));
    const dbPath = join(dir, 'recon.duckdb');
    const r = await recon('run', 'monthly-close', '--data', data, '--billing-layout', layout, '--db', dbPath, '--out', join(dir, 'out'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/invalid billing layout:\n {2}\S*cmis\.json: invoices: Unrecognized key: "amount_format"\n$/);
    expect(existsSync(dbPath)).toBe(false);
    const missing = await recon('run', 'monthly-close', '--data', data, '--billing-layout', join(dir, 'nope.json'), '--db', dbPath, '--out', join(dir, 'out'));
    expect([missing.status, missing.stderr]).toEqual([2, expect.stringMatching(/billing layout .*nope\.json does not exist/)]);
    expect(existsSync(dbPath)).toBe(false);
  }, 120_000);
});
