// A month prepared by hand, not by `recon generate`: January 2027 with December 2026's arrears,
// five partners in shapes of their own (profiles in fixtures/year-end-2027-01/profiles, written
// from the README), closed through the CLI. Every figure below was worked out by hand from
// DOMAIN.md's definitions before the close was run; the comments say how.
//
// Customers (all in customers.csv; PK02DA0000111 has no invoice):
//   C1  PE0100000011  Dec HD2612000011 380.000, Jan HD2701000011 412.000
//   C2  PE0100000022  Jan HD2701000022 1.250.000
//   C3  PE0200000033  Jan HD2701000033 305.000
//   C4  PD0100000044  Dec HD2612000044 520.000, Jan HD2701000044 610.000
//   C5  PD0100000055  Jan HD2701000055 275.000
//   C6  PA03HL0000066 Dec HD2612000066 210.000 in December's export, re-issued at 180.000 in January's; Jan HD2701000066 198.000
//   C7  PA03HL0000077 Dec HD2612000077 290.000, Jan HD2701000077 455.000
//   C8  PB01AD0000088 Jan HD2701000088 330.000 (HD2701000200 of C8 is a billing reject: amount "330.000")
//   C9  PQ0200000099  Jan HD2701000099 720.000
//   C10 PE0200000100  Jan HD2701000100 540.000
//   C12 PD0100000123  Dec HD2612000123 350.000, Jan HD2701000123 360.000
//   C13 PD0200000131  Jan HD2701000131 600.000
//   C14 PE0100000144  Dec HD2612000144 300.000, Jan HD2701000144 300.000
//   C15 PA03HL0000155 Dec HD2612000155 250.000, Jan HD2701000155 260.000
//   C16 PB01AD0000166 Jan HD2701000166 415.000
//   C17 PQ0200000177  Jan HD2701000177 150.000
// January: 16 invoices, 7.180.000 đ. December: 7 invoices, 2.270.000 đ (HD2612000066 at 180.000).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { runExport } from '../../src/reports/export.ts';
import type { Dataset } from '../../src/reports/export-catalog.ts';
import { recon as cli } from '../support/cli.ts';
import type { MonthlyCloseResult } from '../../pipelines/monthly-close.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'year-end-2027-01');
const DATA = join(FIXTURE, 'data');
const PROFILES = join(FIXTURE, 'profiles');

type Row = Record<string, unknown>;
/** What `recon run monthly-close --json` prints. */
type CloseResult = MonthlyCloseResult;

let dir: string;
let db: Database;
let close: CloseResult;
let kpis: Record<string, unknown>;
let queue: { as_of: string; count: number; exceptions: Row[] };

async function recon(...args: string[]): Promise<string> {
  const r = await cli(...args, '--db', join(dir, 'recon.duckdb'));
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

async function exported(dataset: Dataset, period = '2027-01', asOf?: string): Promise<Row[]> {
  const out = join(dir, `${dataset}-${period}-${asOf ?? 'default'}.json`);
  await runExport(db, { dataset, period, format: 'json', out, ...(asOf ? { asOf } : {}) });
  return JSON.parse(readFileSync(out, 'utf8')) as Row[];
}

const pick = (rows: Row[], keys: string[]) => rows.map((r) => keys.map((k) => r[k]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recon-year-end-'));
  close = JSON.parse(await recon('run', 'monthly-close', '--data', DATA, '--profiles', PROFILES, '--out', join(dir, 'out'), '--json')) as CloseResult;
  kpis = JSON.parse(readFileSync(close.kpisPath, 'utf8')) as Record<string, unknown>;
  queue = JSON.parse(await recon('exceptions', '--period', '2027-01', '--json')) as typeof queue;
  db = await Database.open({ path: join(dir, 'recon.duckdb') });
}, 120_000);

afterAll(() => db?.close());

describe('a hand-made year-end month (2027-01 with December arrears) closed through the CLI', () => {
  it('closes the latest billed period at its default as-of date and names the files it did not load', () => {
    expect([close.period, close.asOf]).toEqual(['2027-01', '2027-02-28']);
    // The supplementary VNPAY file's dashed name fits no file pattern: nothing is read from it, and
    // the close names it (it is in `recon files` too, below). The February agent file's trailer
    // counts 3 records for 2.
    expect(close.filesNotLoaded.map((f) => [basename(f.path), f.status])).toEqual([
      ['BINHMINH_EVN_202702.txt', 'quarantined'],
      ['VNPAY-EVN-2027-01-bosung.csv', 'unrecognised'],
    ]);
    expect(close.filesNotLoaded[1]!.message).toMatch(/no partner profile recognises the file name "VNPAY-EVN-2027-01-bosung.csv"/);
  });

  it('accounts for every file and record', async () => {
    const rows = await db.all(
      `SELECT file_name, status, records_read::INTEGER AS r, records_loaded::INTEGER AS l, records_rejected::INTEGER AS j,
              records_duplicate::INTEGER AS d, control_count::INTEGER AS cc, control_amount AS ca
       FROM source_files ORDER BY file_id`,
    );
    expect(rows.map((r) => [r['file_name'], r['status'], r['r'], r['l'], r['j'], r['d'], r['cc'], r['ca'] === null ? null : Number(r['ca'])])).toEqual([
      ['customers.csv', 'loaded', 17, 17, 0, 0, null, null],
      ['invoices-2026-12.csv', 'loaded', 7, 7, 0, 0, null, null],
      // 20 rows + one amount typed "330.000" (bad_amount).
      ['invoices-2027-01.csv', 'loaded', 21, 20, 1, 0, null, null],
      // A1 twice (duplicate record), A4 dated 32/01 (bad_date): the trailer's 5 records and
      // 1.755.000 đ hold; rejected amount 1.755.000 − (2 × 500.000 + 455.000 + 200.000) = 100.000.
      ['BINHMINH_EVN_202701.txt', 'loaded', 5, 3, 1, 1, 5, 1755000],
      ['BINHMINH_EVN_202702.txt', 'quarantined', 2, 0, 0, 0, 3, 755000],
      ['QUAYTHU_PD0100_202701.csv', 'loaded', 3, 3, 0, 0, null, null],
      // 1006's amount "1.2a0.000,00" is rejected; 4.027.000 stated − 3.907.000 read = 120.000.
      ['SCB_EVN_012027.csv', 'loaded', 9, 8, 1, 0, 9, 4027000],
      ['SCB_EVN_012027 (1).csv', 'skipped_duplicate', 0, 0, 0, 0, null, null],
      ['VNPAY_EVN_2027-01.csv', 'loaded', 12, 12, 0, 0, null, null],
      // VNP2701009 sent again (duplicate record) and the reversal of VNP2701012 reusing its id.
      ['VNPAY_EVN_2027-03-02.csv', 'loaded', 2, 1, 0, 1, null, null],
      // The FAILED attempt is a not_paid reject.
      ['zalopay_evn_202701.json', 'loaded', 4, 3, 1, 0, 4, 1765000],
      // Recorded after the files the profiles claim, nothing read from it.
      ['VNPAY-EVN-2027-01-bosung.csv', 'unrecognised', 0, 0, 0, 0, null, null],
    ]);
    const unrecognised = await db.one<{ partner_id: string | null; status_reason: string; period: string }>(
      `SELECT partner_id, status_reason, period FROM source_files WHERE status = 'unrecognised'`,
    );
    expect(unrecognised).toEqual({
      partner_id: null,
      status_reason: 'no partner profile recognises the file name "VNPAY-EVN-2027-01-bosung.csv" (no profile\'s file_patterns match it); add a pattern to the partner\'s profile, or rename the file, and ingest it again',
      period: '2027-01',
    });
  });

  it('allocates every payment by the rule DOMAIN.md gives it, whatever its period or date', async () => {
    const rows = await db.all(
      `SELECT p.partner_id, p.txn_ref, a.invoice_no, a.amount_vnd::INTEGER AS amount, a.rule, a.confidence
       FROM allocations a JOIN payments p USING (payment_id) ORDER BY p.partner_id, p.txn_ref, a.invoice_no`,
    );
    expect(pick(rows, ['partner_id', 'txn_ref', 'invoice_no', 'amount', 'rule', 'confidence'])).toEqual([
      // Part now (rule 6), the rest by ZaloPay on 5 February (rule 4).
      ['agent-binhminh', 'AG0001-00000012', 'HD2701000022', 500000, 'oldest_first_partial', 0.9],
      // The counter's December payment, its January one (2027-01-12), and a date without a time on
      // 28/02 (00:00 local, within the as-of date) for C12's January bill.
      ['evn-hanoi-quay', 'BL26120045', 'HD2612000044', 520000, 'amount_equals_invoice', 0.98],
      ['evn-hanoi-quay', 'BL27010012', 'HD2701000044', 610000, 'amount_equals_invoice', 0.98],
      ['evn-hanoi-quay', 'BL27020099', 'HD2701000123', 360000, 'amount_equals_invoice', 0.98],
      // 23:45 on 31/12 in Hà Nội: December's arrears of C7 (its amount, not January's 455.000).
      ['sacombank', '1001', 'HD2612000077', 290000, 'amount_equals_invoice', 0.98],
      // Arrears + current in one payment (rule 5).
      ['sacombank', '1002', 'HD2612000011', 380000, 'amount_equals_open_total', 0.97],
      ['sacombank', '1002', 'HD2701000011', 412000, 'amount_equals_open_total', 0.97],
      ['sacombank', '1005', 'HD2701000100', 540000, 'amount_equals_invoice', 0.98],
      // Same instant as VNP2701010: sacombank < vnpay by partner id, so 1007 comes first and pays part.
      ['sacombank', '1007', 'HD2701000131', 300000, 'oldest_first_partial', 0.9],
      // No code; the memo names both invoices of C15 (several invoices of one customer, from the memo).
      ['sacombank', '1008', 'HD2612000155', 250000, 'invoice_ref', 0.9215],
      ['sacombank', '1008', 'HD2701000155', 260000, 'invoice_ref', 0.9215],
      // No code field; the code is in the memo text (0.98 × 0.95).
      ['sacombank', '1009', 'HD2701000166', 415000, 'amount_equals_invoice', 0.931],
      // VietQR payload naming C6 (0.98 × 0.98); December's corrected arrears of 180.000 stays open.
      ['vnpay', 'VNP2701001', 'HD2701000066', 198000, 'amount_equals_invoice', 0.9604],
      // 400.000 for 305.000: the rest is credit.
      ['vnpay', 'VNP2701002', 'HD2701000033', 305000, 'overpayment', 0.85],
      // VNP2701003 reversed by VNP2701004; paid again.
      ['vnpay', 'VNP2701005', 'HD2701000088', 330000, 'amount_equals_invoice', 0.98],
      // 800.000 less the 80.000 refunded.
      ['vnpay', 'VNP2701006', 'HD2701000099', 720000, 'amount_equals_invoice', 0.98],
      // Only "1K27TAA 00000055" in the memo: series + number read from the memo (0.99 × 0.95).
      ['vnpay', 'VNP2701009', 'HD2701000055', 275000, 'invoice_ref', 0.9405],
      ['vnpay', 'VNP2701010', 'HD2701000131', 300000, 'amount_equals_invoice', 0.98],
      // Meant for January (memo "T01/2027"), but the oldest of two equal residuals is December's.
      ['vnpay', 'VNP2701011', 'HD2612000144', 300000, 'amount_equals_invoice', 0.98],
      // VNP2701012 is reversed on 2 March (after the as-of date): void all the same, nothing allocated.
      // 2027-01-31T18:00:00Z is 01:00 on 1 February in Hà Nội: December's arrears, after December's as-of date.
      ['zalopay', '270131000123', 'HD2612000123', 350000, 'amount_equals_invoice', 0.98],
      ['zalopay', '270205000045', 'HD2701000022', 750000, 'amount_equals_invoice', 0.98],
    ]);
  });

  it('lists the open exceptions of payments made by the as-of date, aged in Vietnam days', async () => {
    const rows = await exported('exceptions');
    expect(pick(rows, ['partner_id', 'txn_ref', 'reason', 'amount_vnd', 'invoice_no', 'identified_customer', 'age_days', 'age_bucket', 'source_file', 'source_line'])).toEqual([
      ['agent-binhminh', 'AG0001-00000013', 'no_open_invoice', 200000, null, 'PK02DA0000111', 25, '8-30', 'BINHMINH_EVN_202701.txt', 6],
      // PA03HL0000071 is one character off C7, whose January bill is exactly 455.000: suggested, not applied.
      ['agent-binhminh', 'AG0002-00000007', 'suggested_match', 455000, 'HD2701000077', null, 38, '31-90', 'BINHMINH_EVN_202701.txt', 4],
      // C4 paid January at the counter on 12/01, then again by QR on 14/01: refund due. Line 8: the
      // memo of 1002 spans lines 6 and 7.
      ['sacombank', '1003', 'duplicate_payment', 610000, 'HD2701000044', 'PD0100000044', 45, '31-90', 'SCB_EVN_012027.csv', 8],
      ['sacombank', '1004', 'unknown_customer', 450000, null, null, 43, '31-90', 'SCB_EVN_012027.csv', 9],
      ['vnpay', 'VNP2701002', 'overpayment_credit', 95000, null, 'PE0200000033', 50, '31-90', 'VNPAY_EVN_2027-01.csv', 3],
      ['vnpay', 'VNP2701008', 'orphan_reversal', 100000, null, null, 34, '31-90', 'VNPAY_EVN_2027-01.csv', 9],
      // Not listed: ZaloPay 270228000999, C12's second payment of January's bill (a duplicate_payment),
      // made at 2027-02-28T17:30:00Z = 00:30 on 1 March in Hà Nội, after the as-of date.
    ]);
    const all = await db.all(`SELECT p.txn_ref, e.reason FROM exceptions e JOIN payments p USING (payment_id) WHERE p.partner_id = 'zalopay'`);
    expect(all).toEqual([{ txn_ref: '270228000999', reason: 'duplicate_payment' }]);
  });

  it('shows the queue from the CLI with the same payments', () => {
    expect([queue.as_of, queue.count]).toEqual(['2027-02-28', 6]);
    expect(queue.exceptions.map((r) => `${r['partner_id']}:${r['txn_ref']}`).sort()).toEqual([
      'agent-binhminh:AG0001-00000013', 'agent-binhminh:AG0002-00000007', 'sacombank:1003', 'sacombank:1004', 'vnpay:VNP2701002', 'vnpay:VNP2701008',
    ]);
  });

  it('exports the rejects of the period, the arrears, the credit and the refund due', async () => {
    // ZaloPay's FAILED attempt is dated 10 February: its file holds no record paid in January
    // (270131000123 is 1 February in Hà Nội), so it is no file of the period and its reject is not listed.
    expect(pick(await exported('rejects'), ['source_file', 'source_line', 'reason', 'field', 'value'])).toEqual([
      ['invoices-2027-01.csv', 14, 'bad_amount', 'amount_vnd', '330.000'],
      ['BINHMINH_EVN_202701.txt', 5, 'bad_date', 'paid_at', '20270132101500'],
      ['SCB_EVN_012027.csv', 11, 'bad_amount', 'amount', '1.2a0.000,00'],
    ]);
    expect(pick(await exported('arrears'), ['invoice_no', 'amount_vnd', 'open_vnd', 'days_overdue', 'age_bucket'])).toEqual([
      ['HD2612000066', 180000, 180000, 64, '61-90'],
      ['HD2701000077', 455000, 455000, 33, '31-60'],
      ['HD2701000144', 300000, 300000, 35, '31-60'],
      ['HD2701000177', 150000, 150000, 31, '31-60'],
    ]);
    expect(pick(await exported('credits'), ['customer_code', 'credit_vnd', 'last_paid_on'])).toEqual([['PE0200000033', 95000, '2027-01-09']]);
    expect(pick(await exported('refunds'), ['txn_ref', 'invoice_no', 'amount_vnd', 'customer_code', 'instrument'])).toEqual([['1003', 'HD2701000044', 610000, 'PD0100000044', 'qr']]);
  });

  it('says what reversals and refunds did to each payment of January', async () => {
    const rows = (await exported('payments')).filter((r) => r['void_reason'] || Number(r['refunded_vnd']) > 0 || r['kind'] !== 'payment');
    expect(pick(rows, ['txn_ref', 'kind', 'amount_vnd', 'allocated_vnd', 'void_reason', 'refunded_vnd', 'adjusted_by'])).toEqual([
      ['VNP2701003', 'payment', 330000, 0, 'reversed', 0, 'reversal VNP2701004'],
      ['VNP2701004', 'reversal', 330000, 0, null, 0, null],
      ['VNP2701006', 'payment', 800000, 720000, null, 80000, 'refund VNP2701007'],
      ['VNP2701007', 'refund', 80000, 0, null, 0, null],
      ['VNP2701008', 'reversal', 100000, 0, null, 0, null],
      ['VNP2701012', 'payment', 150000, 0, 'reversed', 0, 'reversal VNP2701012'],
    ]);
  });

  it('computes January\'s headline KPIs as counted by hand', () => {
    // Counted allocations to January invoices (paid by 28/02 23:59:59 in Hà Nội):
    //   bank: 1002 412.000 (transfer), 1005 540.000 (cash at the counter), 1007 300.000, 1008 260.000,
    //         1009 415.000 (QR)                                                         = 1.927.000
    //   intermediary: ZaloPay 750.000; VNPAY 305.000 + 275.000 + 198.000 + 330.000 + 720.000 + 300.000 = 2.878.000
    //   retail agent: 500.000; EVN counter: 610.000 + 360.000                                  = 970.000
    //   total 6.275.000 of 7.180.000; cash 540.000 + 500.000 + 970.000 = 2.010.000, cashless 4.265.000.
    // Open: HD2701000077 (suggestion only), HD2701000144 (its payment went to December's equal
    // arrears; the payment in the unclaimed file is not loaded), HD2701000177 (reversed on 2 March).
    // HD2701000131: 300.000 bank + 300.000 intermediary, a tie; the first payment (same instant,
    // partner id sacombank first) is the bank's. HD2701000022: retail 500.000 < intermediary 750.000.
    // Customers: 13 paid; all cashless except C2 (agent cash), C4, C10, C12 → 9.
    const headline = kpis['headline'] as Row;
    expect(headline['counts']).toEqual({
      invoices: 16, invoiced_vnd: 7180000, allocated_vnd: 6275000, invoices_settled: 13, invoices_with_allocation: 13,
      invoices_by_group: { bank: 5, intermediary: 6, retail_agent: 0, evn_counter: 2 },
      allocated_vnd_by_group: { bank: 1927000, intermediary: 2878000, retail_agent: 500000, evn_counter: 970000 },
      customers_by_group: { bank: 5, intermediary: 7, retail_agent: 1, evn_counter: 2 },
      cashless_allocated_vnd: 4265000, customers_with_allocation: 13, customers_all_cashless: 9,
    });
    expect(headline['ratios']).toEqual({
      collection_rate_amount: 0.873955, // 6.275.000 / 7.180.000
      collection_rate_count: 0.8125, // 13 / 16
      channel_share_invoices: { bank: 0.384615, intermediary: 0.461538, retail_agent: 0, evn_counter: 0.153846 },
      channel_share_amount: { bank: 0.307092, intermediary: 0.458645, retail_agent: 0.079681, evn_counter: 0.154582 },
      cashless_share_amount: 0.679681, // 4.265.000 / 6.275.000
      cashless_share_customers: 0.692308, // 9 / 13
    });
  });

  it('counts December as of its own as-of date, with the re-issued amount, in previous and the trend', () => {
    // D1 380.000 (1002, 05/01, transfer), D4 520.000 (counter, cash), D7 290.000 (1001, 31/12 23:45,
    // transfer), D14 300.000 (VNPAY QR, 15/01), D15 250.000 (1008, transfer). D12 was paid at 01:00 on
    // 1 February in Hà Nội (31 January in UTC): after 31/01, not counted. D6 180.000 open.
    const previous = kpis['previous'] as Row;
    expect(previous['as_of']).toBe('2027-01-31');
    expect(previous['counts']).toEqual({
      invoices: 7, invoiced_vnd: 2270000, allocated_vnd: 1740000, invoices_settled: 5, invoices_with_allocation: 5,
      invoices_by_group: { bank: 3, intermediary: 1, retail_agent: 0, evn_counter: 1 },
      allocated_vnd_by_group: { bank: 920000, intermediary: 300000, retail_agent: 0, evn_counter: 520000 },
      customers_by_group: { bank: 3, intermediary: 1, retail_agent: 0, evn_counter: 1 },
      cashless_allocated_vnd: 1220000, customers_with_allocation: 5, customers_all_cashless: 4,
    });
    expect(kpis['cashless_trend']).toEqual([
      { period: '2026-12', as_of: '2027-01-31', collection_rate_amount: 0.76652, cashless_share_amount: 0.701149, cashless_share_customers: 0.8 },
      { period: '2027-01', as_of: '2027-02-28', collection_rate_amount: 0.873955, cashless_share_amount: 0.679681, cashless_share_customers: 0.692308 },
    ]);
  });

  it('breaks January down by power corporation and unit from the customer codes', () => {
    const keys = ['pc', 'unit', 'invoices', 'invoiced_vnd', 'allocated_vnd', 'invoices_settled', 'cashless_allocated_vnd', 'customers_with_allocation', 'customers_all_cashless',
      'collection_rate_amount', 'collection_rate_count', 'cashless_share_amount', 'cashless_share_customers'];
    expect(pick(kpis['by_pc'] as Row[], keys)).toEqual([
      ['EVNCPC', null, 2, 870000, 720000, 1, 720000, 1, 1, 0.827586, 0.5, 1, 1],
      ['EVNHANOI', null, 4, 1845000, 1845000, 4, 875000, 4, 2, 1, 1, 0.474255, 0.5],
      ['EVNHCMC', null, 5, 2807000, 2507000, 4, 1467000, 4, 2, 0.893124, 0.8, 0.585162, 0.5],
      ['EVNNPC', null, 3, 913000, 458000, 2, 458000, 2, 2, 0.501643, 0.666667, 1, 1],
      ['EVNSPC', null, 2, 745000, 745000, 2, 745000, 2, 2, 1, 1, 1, 1],
    ]);
    expect(pick(kpis['by_unit'] as Row[], keys)).toEqual([
      ['EVNCPC', 'PQ0200', 2, 870000, 720000, 1, 720000, 1, 1, 0.827586, 0.5, 1, 1],
      ['EVNHANOI', 'PD0100', 3, 1245000, 1245000, 3, 275000, 3, 1, 1, 1, 0.220884, 0.333333],
      ['EVNHANOI', 'PD0200', 1, 600000, 600000, 1, 600000, 1, 1, 1, 1, 1, 1],
      ['EVNHCMC', 'PE0100', 3, 1962000, 1662000, 2, 1162000, 2, 1, 0.847095, 0.666667, 0.699158, 0.5],
      ['EVNHCMC', 'PE0200', 2, 845000, 845000, 2, 305000, 2, 1, 1, 1, 0.360947, 0.5],
      ['EVNNPC', 'PA03HL', 3, 913000, 458000, 2, 458000, 2, 2, 0.501643, 0.666667, 1, 1],
      ['EVNSPC', 'PB01AD', 2, 745000, 745000, 2, 745000, 2, 2, 1, 1, 1, 1],
    ]);
  });

  it('scores each partner on its January payments and files', () => {
    expect(pick(kpis['by_partner'] as Row[], ['partner_id', 'allocated_vnd', 'cashless_allocated_vnd', 'payments', 'invoices', 'customers'])).toEqual([
      ['vnpay', 2128000, 2128000, 6, 6, 6],
      ['sacombank', 1927000, 1387000, 5, 5, 5],
      ['evn-hanoi-quay', 970000, 0, 2, 2, 2],
      ['zalopay', 750000, 750000, 1, 1, 1],
      ['agent-binhminh', 500000, 0, 1, 1, 1],
    ]);
    // Payments paid in January in Hà Nội. Sacombank: 1002-1005, 1007-1009 (1001 is 31/12); lags
    // 0, 1, 2, 0, 0, 1, 2 days → median 1, p95 2; 1003 and 1004 unmatched. VNPAY: 9 payment records
    // (reversals and refunds are not payments), gross 3.083.000. ZaloPay: none (1 February onwards).
    // Files of January: the resend counts for Sacombank; VNPAY's 2 March file holds a repeat of a
    // January record; the quarantined agent file holds a record dated 30/01.
    const keys = ['partner_id', 'payments', 'amount_vnd', 'allocated_to_period_vnd', 'lag_median_days', 'lag_p95_days', 'unmatched', 'unmatched_rate',
      'files', 'records_read', 'records_rejected', 'records_duplicate', 'reject_rate', 'duplicate_rate'];
    expect(pick(kpis['partner_scorecard'] as Row[], keys)).toEqual([
      ['sacombank', 7, 3617000, 1927000, 1, 2, 2, 0.285714, 2, 9, 1, 0, 0.111111, 0],
      ['vnpay', 9, 3083000, 2128000, null, null, 0, 0, 2, 14, 0, 1, 0, 0.071429],
      ['zalopay', 0, 0, 750000, null, null, 0, null, 0, 0, 0, 0, null, null],
      ['agent-binhminh', 2, 955000, 500000, null, null, 1, 0.5, 2, 7, 1, 1, 0.142857, 0.142857],
      ['evn-hanoi-quay', 1, 610000, 970000, null, null, 0, 0, 1, 3, 0, 0, 0, 0],
    ]);
  });

  it('reports the exception ageing and the data quality of January\'s files', () => {
    const exc = kpis['exceptions'] as { by_reason_age: Row[] };
    expect(pick(exc.by_reason_age, ['reason', 'age_bucket', 'exceptions', 'amount_vnd'])).toEqual([
      ['duplicate_payment', '31-90', 1, 610000],
      ['no_open_invoice', '8-30', 1, 200000],
      ['orphan_reversal', '31-90', 1, 100000],
      ['overpayment_credit', '31-90', 1, 95000],
      ['suggested_match', '31-90', 1, 455000],
      ['unknown_customer', '31-90', 1, 450000],
    ]);
    // 8 files (ZaloPay's holds no January record; the unclaimed VNPAY file, read by nothing, belongs
    // to the close that received it): read 9 + 5 + 2 + 3 + 12 + 2 = 33 = loaded 27 + rejected 2 +
    // duplicate 2 + quarantined 2.
    expect(kpis['data_quality']).toEqual({
      files: 8, files_loaded: 5, files_quarantined: 1, files_skipped_duplicate: 1, files_failed: 0, files_unrecognised: 1,
      records_read: 33, records_loaded: 27, records_rejected: 2, records_duplicate: 2, records_quarantined: 2,
      control_mismatches: 1, rejected_amount_vnd: 220000,
      rejects_by_reason: [{ reason: 'bad_amount', records: 1 }, { reason: 'bad_date', records: 1 }],
    });
    // The dashboard marks the file read by nothing, in Vietnamese by default.
    expect(readFileSync(close.dashboardPath, 'utf8')).toContain('<div class="stat warn"><div class="value">1</div><div class="label">Tệp không đọc được (lỗi hoặc không nhận diện được đối tác)</div></div>');
  });

  it('changes no file record and no figure when the month is closed again', async () => {
    const snapshot = () => db.all('SELECT * FROM source_files ORDER BY file_id');
    const before = await snapshot();
    const kpisBefore = readFileSync(close.kpisPath, 'utf8');
    db.close();
    const again = JSON.parse(await recon('run', 'monthly-close', '--data', DATA, '--profiles', PROFILES, '--out', join(dir, 'out'), '--json')) as CloseResult;
    db = await Database.open({ path: join(dir, 'recon.duckdb') });
    // The unclaimed file is named again (nothing was read from it) and keeps its one row; so is the
    // quarantined one, skipped as a byte-identical resend but still waiting for a release.
    expect(again.filesNotLoaded.map((f) => [basename(f.path), f.status])).toEqual([
      ['VNPAY-EVN-2027-01-bosung.csv', 'unrecognised'],
      ['BINHMINH_EVN_202702.txt', 'quarantined'],
    ]);
    expect(again.filesNotLoaded[1]!.message).toMatch(/^still quarantined as file (\d+) since it was first received: .*BINHMINH_EVN_202702\.txt, line \d+: trailer .*; nothing loaded until `recon files release \1 --by NAME --reason TEXT`$/);
    expect(await snapshot()).toEqual(before);
    expect(readFileSync(again.kpisPath, 'utf8')).toBe(kpisBefore);
  }, 120_000);
});
