// Two consecutive months prepared by hand, not by `recon generate` (fixtures/two-months-2028,
// make.mts): February 2028 (a leap year) with arrears of December and January, closed, then the
// auditor's decisions and February closed again; then March's billing and files dropped into the same
// data folder, March closed, decided on, closed again. Every figure below was worked out by hand
// from DOMAIN.md and README "Matching" before the closes were run; the comments say how.
//
// Customers (all in customers.csv), invoices (February's export carries the arrears; March's brings
// forward HD2802000102 and HD2802000110 unchanged):
//   C01 PE0100000101  Dec HD2712000101 210.000, Jan HD2801000101 230.000, Feb 250.000, Mar 260.000
//   C02 PE0100000102  Jan HD2801000102 300.000, Feb 320.000, Mar 310.000
//   C03 PE0200000103  Feb 400.000, Mar 380.000
//   C04 PD0100000104  Feb 300.000, Mar 300.000
//   C05 PD0100000105  Feb 200.000, Mar 210.000
//   C06 PD0200000106  Feb 350.000, Mar 340.000
//   C07 PE0100000107  Feb 260.000, Mar 270.000
//   C08 PE0100000108  Feb 190.000, Mar 200.000
//   C09 PA03HL0000129 Feb 415.000, Mar 420.000
//   C10 PA03HL0000110 Feb 505.000, Mar 495.000
//   C11 PE0200000111  Feb 150.000, Mar 160.000
//   C12 PD0100000112  Feb 200.000, Mar 210.000
//   C13 PD0100000113  Feb 200.000, Mar 205.000
//   C14 PD0200000114  Feb 330.000, Mar 340.000
//   C15 PE0100000115  Feb 600.000, Mar 580.000
//   C16 PA03HL0000116 Feb 220.000, Mar 230.000
// Invoice numbers are HD + yymm + 0001cc (cc the customer). February: 16 invoices, 4.890.000 đ
// (EVNHCMC 7 / 2.170.000, EVNHANOI 6 / 1.580.000, EVNNPC 3 / 1.140.000). March: 16 invoices,
// 4.910.000 đ (EVNHCMC 7 / 2.160.000, EVNHANOI 6 / 1.605.000, EVNNPC 3 / 1.145.000).
// Channels: Sacombank bank (IB transfer, TM cash), VNPAY intermediary (QR), ZaloPay intermediary
// (e-wallet), Bình Minh agents retail (cash).
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { monthlyClose, type MonthlyCloseResult } from '../../pipelines/monthly-close.ts';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { recordDecision } from '../../src/match/decisions.ts';
import { exceptionQueue } from '../../src/match/exception-queue.ts';
import { explainPayment } from '../../src/match/explain.ts';
import { Run } from '../../src/runs/ledger.ts';
import { recon as cli } from '../support/cli.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'two-months-2028');
const PROFILES = join(FIXTURE, 'profiles');

type Row = Record<string, unknown>;
type Alloc = [partner: string, txn: string, invoice: string, amount: number, rule: string, confidence: number];
type Exc = [partner: string, txn: string, reason: string, amount: number, invoice: string | null, confidence: number | null, status: string];
/** What `recon run monthly-close --json` prints. */
type CloseResult = MonthlyCloseResult;

let dir: string;
let work: string;

async function recon(db: string, ...args: string[]): Promise<string> {
  const r = await cli(...args, '--db', db);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}
const main = () => join(dir, 'recon.duckdb');
async function close(): Promise<{ result: CloseResult; kpis: Row }> {
  const result = JSON.parse(await recon(main(), 'run', 'monthly-close', '--data', work, '--profiles', PROFILES, '--out', join(dir, 'out'), '--json')) as CloseResult;
  return { result, kpis: JSON.parse(readFileSync(result.kpisPath, 'utf8')) as Row };
}
/** The close again, in process (the CLI close is tested by each month's first close). */
async function closeAgain(): Promise<Row> {
  const result = await withDb(main(), async (db) => monthlyClose(db, await Run.start(db, 'run', {}, join(dir, 'out')), { data: work, profiles: PROFILES, out: join(dir, 'out'), lang: 'vi' }));
  return JSON.parse(readFileSync(result.kpisPath, 'utf8')) as Row;
}
/** A decision recorded in process, without recomputing (the close that follows does). */
async function record(action: 'match' | 'unmatch' | 'dismiss', partnerId: string, txnRef: string, reason: string, invoiceNo?: string): Promise<void> {
  await withDb(main(), async (db) => {
    await recordDecision(db, { action, payment: { partnerId, txnRef }, by: 'Lan', reason, runId: (await Run.start(db, 'decide', {}, join(dir, 'out'))).runId, ...(invoiceNo ? { invoiceNo } : {}) });
  });
}
async function decide(...args: string[]): Promise<Row> {
  return JSON.parse(await recon(main(), 'decide', ...args, '--by', 'Lan', '--json')) as Row;
}

async function withDb<T>(path: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open({ path });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}
const allocations = (path = main()) => withDb(path, async (db) => (await db.all(
  `SELECT p.partner_id, p.txn_ref, a.invoice_no, a.amount_vnd::INTEGER AS amount, a.rule, a.confidence
   FROM allocations a JOIN payments p USING (payment_id) ORDER BY p.partner_id, p.txn_ref, a.invoice_no`,
)).map((r) => [r['partner_id'], r['txn_ref'], r['invoice_no'], r['amount'], r['rule'], r['confidence']] as Alloc));
const exceptions = (path = main()) => withDb(path, async (db) => (await db.all(
  `SELECT p.partner_id, p.txn_ref, e.reason, e.amount_vnd::INTEGER AS amount, e.suggested_invoice_no, e.confidence, e.status
   FROM exceptions e JOIN payments p USING (payment_id) ORDER BY p.partner_id, p.txn_ref, e.reason`,
)).map((r) => [r['partner_id'], r['txn_ref'], r['reason'], r['amount'], r['suggested_invoice_no'],
  r['reason'] === 'suggested_match' && r['status'] === 'open' ? r['confidence'] : null, r['status']] as Exc));

const headline = (kpis: Row) => (kpis['headline'] as Row)['counts'];
const counts = (
  invoices: number, invoiced: number, allocated: number, settled: number, withAllocation: number,
  groupInvoices: [number, number, number], groupVnd: [number, number, number], groupCustomers: [number, number, number],
  cashless: number, customers: number, allCashless: number,
) => ({
  invoices, invoiced_vnd: invoiced, allocated_vnd: allocated, invoices_settled: settled, invoices_with_allocation: withAllocation,
  invoices_by_group: { bank: groupInvoices[0], intermediary: groupInvoices[1], retail_agent: groupInvoices[2], evn_counter: 0 },
  allocated_vnd_by_group: { bank: groupVnd[0], intermediary: groupVnd[1], retail_agent: groupVnd[2], evn_counter: 0 },
  customers_by_group: { bank: groupCustomers[0], intermediary: groupCustomers[1], retail_agent: groupCustomers[2], evn_counter: 0 },
  cashless_allocated_vnd: cashless, customers_with_allocation: customers, customers_all_cashless: allCashless,
});

// ---- February, before any decision -------------------------------------------------------------
const FEB_ALLOCATIONS: Alloc[] = [
  // Bình Minh: AG0001-00000021 came half an hour after VNPAY's payment of the same bill (duplicate);
  // AG0002-00000005 names an unknown code (suggested). Nothing allocated.
  // Arrears of December and January plus February's bill, exactly (rule 5).
  ['sacombank', '2001', 'HD2712000101', 210000, 'amount_equals_open_total', 0.97],
  ['sacombank', '2001', 'HD2801000101', 230000, 'amount_equals_open_total', 0.97],
  ['sacombank', '2001', 'HD2802000101', 250000, 'amount_equals_open_total', 0.97],
  // 500.000 of 620.000 owed: January first, February partly (rule 6).
  ['sacombank', '2002', 'HD2801000102', 300000, 'oldest_first_partial', 0.9],
  ['sacombank', '2002', 'HD2802000102', 200000, 'oldest_first_partial', 0.9],
  // 450.000 for 400.000: 50.000 credit (rule 7).
  ['sacombank', '2003', 'HD2802000103', 400000, 'overpayment', 0.85],
  ['sacombank', '2005', 'HD2802000111', 150000, 'amount_equals_invoice', 0.98],
  // Sacombank 2006 came a minute after ZaloPay's 280218000015: duplicate. 2007: no customer.
  // The same transaction id as ZaloPay's payment of C07: another payment.
  ['vnpay', '280216000777', 'HD2802000108', 190000, 'amount_equals_invoice', 0.98],
  // 100.000 refunded, the refund reversed: the whole 300.000 again.
  ['vnpay', 'VNP2802001', 'HD2802000104', 300000, 'amount_equals_invoice', 0.98],
  // 200.000 less the 50.000 refunded: part of the bill.
  ['vnpay', 'VNP2802004', 'HD2802000105', 150000, 'oldest_first_partial', 0.9],
  ['vnpay', 'VNP2802006', 'HD2802000106', 350000, 'amount_equals_invoice', 0.98],
  // The bill reference (C14's invoice) wins over the code field (C12): 1 × 0.9.
  ['vnpay', 'VNP2802007', 'HD2802000114', 330000, 'invoice_ref', 0.9],
  // 07:30 on the leap day, before the agent's 08:00 though the agent's file is loaded first.
  ['vnpay', 'VNP2802008', 'HD2802000116', 220000, 'amount_equals_invoice', 0.98],
  ['zalopay', '280216000777', 'HD2802000107', 260000, 'amount_equals_invoice', 0.98],
  // 09:59 in Hà Nội, before Sacombank's 10:00 though Sacombank's file is loaded first.
  ['zalopay', '280218000015', 'HD2802000115', 600000, 'amount_equals_invoice', 0.98],
  // 23:45 on 29 February in Hà Nội.
  ['zalopay', '280229000031', 'HD2802000113', 200000, 'amount_equals_invoice', 0.98],
];
const FEB_EXCEPTIONS: Exc[] = [
  ['agent-binhminh', 'AG0001-00000021', 'duplicate_payment', 220000, 'HD2802000116', null, 'open'],
  // PA03HL0000170: one substitution from PA03HL0000110, whose bill is exactly 505.000.
  ['agent-binhminh', 'AG0002-00000005', 'suggested_match', 505000, 'HD2802000110', 0.9, 'open'],
  ['sacombank', '2003', 'overpayment_credit', 50000, null, null, 'open'],
  // PA03HL0000192: the last two digits of PA03HL0000129 swapped; its bill is exactly 415.000.
  ['sacombank', '2004', 'suggested_match', 415000, 'HD2802000129', 0.9, 'open'],
  ['sacombank', '2006', 'duplicate_payment', 600000, 'HD2802000115', null, 'open'],
  // The memo names invoices of two customers: neither taken, and no customer read.
  ['sacombank', '2007', 'unknown_customer', 200000, null, null, 'open'],
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'recon-two-months-'));
  work = join(dir, 'data');
  cpSync(join(FIXTURE, 'data', '2028-02'), work, { recursive: true });
});

describe('two hand-made months (2028-02 with arrears, then 2028-03) closed through the CLI', () => {
  it('closes February: arrears oldest first, refunds, the time rule across partners and files', async () => {
    const { result, kpis } = await close();
    expect([result.period, result.asOf, result.filesNotLoaded]).toEqual(['2028-02', '2028-03-31', []]);
    expect(await allocations()).toEqual(FEB_ALLOCATIONS);
    expect(await exceptions()).toEqual(FEB_EXCEPTIONS);
    // Aged in Vietnam days to 31 March across the leap day: 29 February is 31 days before it.
    const queue = await withDb(main(), (db) => exceptionQueue(db, { asOf: '2028-03-31' }));
    expect(queue.map((r) => [r.partner_id, r.txn_ref, r.paid_at_local, Number(r.age_days), r.aging, r.file_name, Number(r.line_no)])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['sacombank', '2003', '2028-02-20 14:00:00', 40, '31-90', 'SCB_EVN_022028.csv', 7],
      ['sacombank', '2004', '2028-02-15 08:00:00', 45, '31-90', 'SCB_EVN_022028.csv', 8],
      ['sacombank', '2006', '2028-02-18 10:00:00', 42, '31-90', 'SCB_EVN_022028.csv', 10],
      ['sacombank', '2007', '2028-02-22 11:00:00', 38, '31-90', 'SCB_EVN_022028.csv', 11],
      ['agent-binhminh', 'AG0001-00000021', '2028-02-29 08:00:00', 31, '31-90', 'BINHMINH_EVN_202802.txt', 2],
      ['agent-binhminh', 'AG0002-00000005', '2028-02-14 09:30:00', 46, '31-90', 'BINHMINH_EVN_202802.txt', 3],
    ]);
    // February's invoices: bank 250 + 200 + 400 + 150 (cash) = 1.000.000 on 4 invoices of C01, C02, C03,
    // C11; intermediary 300 + 150 + 350 + 260 + 190 + 200 + 330 + 600 + 220 = 2.600.000 on 9. Settled:
    // all 13 paid but HD2802000102 and HD2802000105 (partly) → 11. Cashless: all but 2005's cash.
    expect(headline(kpis)).toEqual(counts(16, 4890000, 3600000, 11, 13, [4, 9, 0], [1000000, 2600000, 0], [4, 9, 0], 3450000, 13, 12));
    expect((kpis['headline'] as Row)['ratios']).toMatchObject({
      collection_rate_amount: 0.736196, // 3.600.000 / 4.890.000
      collection_rate_count: 0.6875, // 11 / 16
      cashless_share_amount: 0.958333, // 3.450.000 / 3.600.000
      cashless_share_customers: 0.923077, // 12 / 13
    });
    // January is present only through the arrears February's export carried: no billing period of
    // its own, so no previous period (README "Reports"), though both its invoices were paid.
    expect(kpis['previous']).toBeNull();
  }, 60_000);

  it('gives the same allocations when February\'s files are ingested one by one in the reverse order', async () => {
    // In process: the order of ingests is the point here, not the CLI.
    const other = join(dir, 'reordered.duckdb');
    await withDb(other, async (db) => {
      const profiles = loadProfiles(PROFILES);
      for (const rel of ['zalopay/zalopay_evn_202802.json', 'vnpay/VNPAY_EVN_2028-02.csv', 'sacombank/SCB_EVN_022028.csv', 'binhminh/BINHMINH_EVN_202802.txt']) {
        await ingestFiles(db, await Run.start(db, 'ingest', {}, join(dir, 'out')), [join(work, 'partners', rel)], { profiles });
      }
      const result = await monthlyClose(db, await Run.start(db, 'run', {}, join(dir, 'out')), { data: work, profiles: PROFILES, out: join(dir, 'out-reordered'), lang: 'en' });
      expect(result.period).toBe('2028-02');
    });
    expect(await allocations(other)).toEqual(FEB_ALLOCATIONS);
    expect(await exceptions(other)).toEqual(FEB_EXCEPTIONS);
  }, 60_000);

  it('applies the auditor\'s decisions from the CLI, and February closed again keeps them', async () => {
    expect(await decide('match', 'sacombank:2004', 'HD2802000129', '--reason', 'customer confirmed the code by phone')).toMatchObject({ action: 'match', no_effect: null });
    await record('unmatch', 'sacombank', '2005', 'cash paid for a neighbour, to be moved');
    expect(await decide('dismiss', 'sacombank:2006', '--reason', 'refunded by the bank')).toMatchObject({
      action: 'dismiss', no_effect: null, closed_reason: 'duplicate_payment', closed_vnd: 600000,
    });
    const kpis = await closeAgain();
    const expected = [...FEB_ALLOCATIONS.filter(([, txn]) => txn !== '2005'), ['sacombank', '2004', 'HD2802000129', 415000, 'decision', 1] as Alloc]
      .sort((a, b) => (a[0] + a[1] + a[2] < b[0] + b[1] + b[2] ? -1 : 1));
    expect(await allocations()).toEqual(expected);
    expect(await exceptions()).toEqual([
      FEB_EXCEPTIONS[0], FEB_EXCEPTIONS[1], FEB_EXCEPTIONS[2],
      ['sacombank', '2005', 'auditor_unmatched', 150000, null, null, 'open'],
      ['sacombank', '2006', 'duplicate_payment', 600000, 'HD2802000115', null, 'dismissed'],
      FEB_EXCEPTIONS[5],
    ]);
    // +415.000 (HD2802000129 settled, bank, transfer), −150.000 (HD2802000111 open, the only cash).
    expect(headline(kpis)).toEqual(counts(16, 4890000, 3865000, 11, 13, [4, 9, 0], [1265000, 2600000, 0], [4, 9, 0], 3865000, 13, 13));
    expect((kpis['headline'] as Row)['ratios']).toMatchObject({ collection_rate_amount: 0.790389, collection_rate_count: 0.6875, cashless_share_amount: 1, cashless_share_customers: 1 });
    const keys = ['pc', 'invoices', 'invoiced_vnd', 'allocated_vnd', 'invoices_settled', 'cashless_allocated_vnd', 'customers_with_allocation', 'customers_all_cashless'];
    expect((kpis['by_pc'] as Row[]).map((r) => keys.map((k) => r[k]))).toEqual([
      ['EVNHANOI', 6, 1580000, 1330000, 4, 1330000, 5, 5],
      ['EVNHCMC', 7, 2170000, 1900000, 5, 1900000, 6, 6],
      ['EVNNPC', 3, 1140000, 635000, 2, 635000, 2, 2],
    ]);
  }, 90_000);

  it('explains the reference that outweighed the code field, and the memo naming two customers\' invoices', async () => {
    await withDb(main(), async (db) => {
      const why = async (txnRef: string, rule: string) =>
        (await explainPayment(db, { partnerId: txnRef.startsWith('VNP') ? 'vnpay' : 'sacombank', txnRef }, { profiles: PROFILES }))
          ?.records[0]?.rules.find((r) => r.rule.startsWith(rule))?.why;
      expect(await why('VNP2802007', '3 ')).toBe(
        'reference "HD2802000114" is invoice HD2802000114 (by invoice no) of customer PD0200000114; the customer code says PD0100000112: the reference wins',
      );
      expect(await why('2007', '3 ')).toMatch(/^the memo matches several invoices \(HD2802000112 of PD0100000112, HD2802000113 of PD0100000113\)/);
      const detail = await db.one<{ detail: string }>(`SELECT e.detail FROM exceptions e JOIN payments p USING (payment_id) WHERE p.partner_id = 'sacombank' AND p.txn_ref = '2007'`);
      expect(detail?.detail).toBe('no customer code in the code field, memo or VietQR payload; the memo names several invoices (HD2802000112, HD2802000113)');
    });
  });

  // ---- March ------------------------------------------------------------------------------------
  // All payments loaded, from scratch: a February payment now meets March's invoice too.
  const MAR_ALLOCATIONS: Alloc[] = [
    // The duplicate of the leap day is no longer a duplicate: C16's March bill was open, so it pays
    // 220.000 of 230.000 (rule 6). Nobody refunded it (no dismissal).
    ['agent-binhminh', 'AG0001-00000021', 'HD2803000116', 220000, 'oldest_first_partial', 0.9],
    // C11's March bill, exactly (the unmatched 2005 is kept out; February's stays open).
    ['agent-binhminh', 'AG0001-00000030', 'HD2803000111', 160000, 'amount_equals_invoice', 0.98],
    ['agent-binhminh', 'AG0001-00000031', 'HD2803000112', 210000, 'amount_equals_invoice', 0.98],
    // February's 505.000 (brought forward) + March's 495.000.
    ['agent-binhminh', 'AG0002-00000009', 'HD2802000110', 505000, 'amount_equals_open_total', 0.97],
    ['agent-binhminh', 'AG0002-00000009', 'HD2803000110', 495000, 'amount_equals_open_total', 0.97],
    // 690.000 against 950.000 owed now that March is billed: the oldest three, by rule 6.
    ['sacombank', '2001', 'HD2712000101', 210000, 'oldest_first_partial', 0.9],
    ['sacombank', '2001', 'HD2801000101', 230000, 'oldest_first_partial', 0.9],
    ['sacombank', '2001', 'HD2802000101', 250000, 'oldest_first_partial', 0.9],
    ['sacombank', '2002', 'HD2801000102', 300000, 'oldest_first_partial', 0.9],
    ['sacombank', '2002', 'HD2802000102', 200000, 'oldest_first_partial', 0.9],
    // February's credit of 50.000 carries to March's bill.
    ['sacombank', '2003', 'HD2802000103', 400000, 'oldest_first_partial', 0.9],
    ['sacombank', '2003', 'HD2803000103', 50000, 'oldest_first_partial', 0.9],
    ['sacombank', '2004', 'HD2802000129', 415000, 'decision', 1],
    ['sacombank', '3001', 'HD2803000101', 260000, 'amount_equals_invoice', 0.98],
    // February's remaining 120.000 + March's 310.000.
    ['sacombank', '3002', 'HD2802000102', 120000, 'amount_equals_open_total', 0.97],
    ['sacombank', '3002', 'HD2803000102', 310000, 'amount_equals_open_total', 0.97],
    // March's 380.000 less the 50.000 credit.
    ['sacombank', '3003', 'HD2803000103', 330000, 'amount_equals_invoice', 0.98],
    // VNP2802006 reversed in March's file: February's bill open again, and this pays it.
    ['sacombank', '3004', 'HD2802000106', 350000, 'amount_equals_invoice', 0.98],
    ['sacombank', '3005', 'HD2803000129', 420000, 'amount_equals_invoice', 0.98],
    // 2006 was dismissed as refunded: it stays out, and C15's own March payment pays March.
    ['sacombank', '3006', 'HD2803000115', 580000, 'amount_equals_invoice', 0.98],
    ['vnpay', '280216000777', 'HD2802000108', 190000, 'amount_equals_invoice', 0.98],
    // 300.000 = either bill of C04: the oldest.
    ['vnpay', 'VNP2802001', 'HD2802000104', 300000, 'amount_equals_invoice', 0.98],
    ['vnpay', 'VNP2802004', 'HD2802000105', 150000, 'oldest_first_partial', 0.9],
    ['vnpay', 'VNP2802007', 'HD2802000114', 330000, 'invoice_ref', 0.9],
    ['vnpay', 'VNP2802008', 'HD2802000116', 220000, 'amount_equals_invoice', 0.98],
    ['vnpay', 'VNP2803002', 'HD2802000105', 50000, 'amount_equals_open_total', 0.97],
    ['vnpay', 'VNP2803002', 'HD2803000105', 210000, 'amount_equals_open_total', 0.97],
    ['vnpay', 'VNP2803003', 'HD2803000108', 200000, 'amount_equals_invoice', 0.98],
    ['vnpay', 'VNP2803004', 'HD2803000114', 340000, 'amount_equals_invoice', 0.98],
    ['zalopay', '280216000777', 'HD2802000107', 260000, 'amount_equals_invoice', 0.98],
    ['zalopay', '280218000015', 'HD2802000115', 600000, 'amount_equals_invoice', 0.98],
    ['zalopay', '280229000031', 'HD2802000113', 200000, 'amount_equals_invoice', 0.98],
    ['zalopay', '280305000101', 'HD2803000107', 270000, 'amount_equals_invoice', 0.98],
    ['zalopay', '280331000202', 'HD2803000113', 205000, 'amount_equals_invoice', 0.98],
    // C11's February bill, the unmatched 2005 kept out; paid on 1 April in Hà Nội, so February as of
    // 31 March does not count it (in UTC it is still 31 March).
    ['zalopay', '280401000303', 'HD2802000111', 150000, 'amount_equals_invoice', 0.98],
  ];
  // March's invoices: bank 260 + 310 + 380 (50 + 330) + 420 + 580 (cash) = 1.950.000 on 5; intermediary
  // 210 + 270 + 200 + 205 + 340 = 1.225.000 on 5; agents (cash) 495 + 160 + 210 + 220 = 1.085.000 on 4.
  // Open: HD2803000104, HD2803000106; HD2803000116 short 10.000. Cash 580.000 + 1.085.000.
  // Customers all cashless: C01, C02, C03, C09; C05, C07, C08, C13, C14 → 9 of 14.
  const MARCH = counts(16, 4910000, 4260000, 13, 14, [5, 5, 4], [1950000, 1225000, 1085000], [5, 5, 4], 2595000, 14, 9);

  it('closes March: the credit, the reversal of a February payment and the unrefunded duplicate carry over', async () => {
    cpSync(join(FIXTURE, 'data', '2028-03'), work, { recursive: true });
    const { result, kpis } = await close();
    expect([result.period, result.asOf, result.filesNotLoaded]).toEqual(['2028-03', '2028-04-30', []]);
    expect(await allocations()).toEqual(MAR_ALLOCATIONS);
    expect(await exceptions()).toEqual([
      // At its time (14 February) C10 owed exactly 505.000 on February's bill: still the suggestion.
      ['agent-binhminh', 'AG0002-00000005', 'suggested_match', 505000, 'HD2802000110', 0.9, 'open'],
      ['sacombank', '2005', 'auditor_unmatched', 150000, null, null, 'open'],
      ['sacombank', '2006', 'duplicate_payment', 600000, 'HD2802000115', null, 'dismissed'],
      ['sacombank', '2007', 'unknown_customer', 200000, null, null, 'open'],
    ]);
    expect(headline(kpis)).toEqual(MARCH);
    // February as of 31 March: + 120.000 (3002), + 50.000 (VNP2803002), + 505.000 (agent, cash),
    // 350.000 moved from VNPAY (reversed) to Sacombank (3004) → 4.540.000, 14 settled (HD2802000111
    // and HD2802000112 open). Bank 250 + 320 + 400 + 350 + 415 = 1.735.000 on 5 invoices.
    expect((kpis['previous'] as Row)['as_of']).toBe('2028-03-31');
    expect((kpis['previous'] as Row)['counts']).toEqual(counts(16, 4890000, 4540000, 14, 14, [5, 8, 1], [1735000, 2300000, 505000], [5, 8, 1], 4035000, 14, 13));
  }, 60_000);

  it('takes March\'s decisions on February\'s payments, and March closed again keeps them', async () => {
    expect(await decide('match', 'sacombank:2007', 'HD2802000112', '--reason', 'payer named Lý Thị Ngọc')).toMatchObject({ no_effect: null });
    await record('dismiss', 'agent-binhminh', 'AG0002-00000005', 'agent returned the cash');
    const kpis = await closeAgain();
    const expected = [...MAR_ALLOCATIONS, ['sacombank', '2007', 'HD2802000112', 200000, 'decision', 1] as Alloc]
      .sort((a, b) => (a[0] + a[1] + a[2] < b[0] + b[1] + b[2] ? -1 : 1));
    expect(await allocations()).toEqual(expected);
    expect(await exceptions()).toEqual([
      // A dismissed exception keeps what the dismissal recorded: reason, amount, related invoice.
      ['agent-binhminh', 'AG0002-00000005', 'suggested_match', 505000, 'HD2802000110', null, 'dismissed'],
      ['sacombank', '2005', 'auditor_unmatched', 150000, null, null, 'open'],
      ['sacombank', '2006', 'duplicate_payment', 600000, 'HD2802000115', null, 'dismissed'],
    ]);
    const queue = await withDb(main(), (db) => exceptionQueue(db, { asOf: '2028-04-30' }));
    expect(queue.map((r) => [r.partner_id, r.txn_ref, r.reason, Number(r.age_days)])).toEqual([['sacombank', '2005', 'auditor_unmatched', 74]]);
    // March's invoices untouched by the decisions on February's payments.
    expect(headline(kpis)).toEqual(MARCH);
    expect((kpis['headline'] as Row)['ratios']).toMatchObject({ collection_rate_amount: 0.867617, collection_rate_count: 0.8125, cashless_share_amount: 0.609155, cashless_share_customers: 0.642857 });
    // February: + 200.000 by decision (bank, transfer) → 4.740.000, 15 settled; HD2802000111 paid after
    // its as-of date.
    expect((kpis['previous'] as Row)['counts']).toEqual(counts(16, 4890000, 4740000, 15, 15, [6, 8, 1], [1935000, 2300000, 505000], [6, 8, 1], 4235000, 15, 14));
    const keys = ['pc', 'invoices', 'invoiced_vnd', 'allocated_vnd', 'invoices_settled', 'cashless_allocated_vnd', 'customers_with_allocation', 'customers_all_cashless'];
    expect((kpis['by_pc'] as Row[]).map((r) => keys.map((k) => r[k]))).toEqual([
      ['EVNHANOI', 6, 1605000, 965000, 4, 755000, 4, 3],
      ['EVNHCMC', 7, 2160000, 2160000, 7, 1420000, 7, 5],
      ['EVNNPC', 3, 1145000, 1135000, 2, 420000, 3, 1],
    ]);
  }, 90_000);
});
