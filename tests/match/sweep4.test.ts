// A fourth adversarial sweep, written from DOMAIN.md over months nobody tuned for: two months closed
// through the monthly close with the repository's partner profiles (times written in UTC, a
// date-only counter file, an agent file in minutes; a reversal and a refund in the next month's
// files; October closed again after November's files), partners writing times in other zones, the
// DOMAIN VietQR test vector, auditor decisions that time overrules, what the refunds export and
// explain say about the customer matching chose, a code field billing bills but does not list, and
// a second, plain reading of the rules and the KPI glossary compared with the SQL on random worlds.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monthlyClose } from '../../pipelines/monthly-close.ts';
import { decisionEffect } from '../../src/commands/decide.ts';
import type { Database } from '../../src/db/database.ts';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { recordDecision } from '../../src/match/decisions.ts';
import { exceptionQueue } from '../../src/match/exception-queue.ts';
import { explainPayment } from '../../src/match/explain.ts';
import { runExport } from '../../src/reports/export.ts';
import { computeKpis, type ReportKpis } from '../../src/reports/kpis.ts';
import { Run } from '../../src/runs/ledger.ts';
import { BASE_PROFILE, Scratch } from '../ingest/helpers.ts';
import { freshWorlds, match, outcomeRows, vietqr, type World } from './fixture.ts';
import { oracleKpis, oracleMatch, randomWorld } from './oracle.ts';

const fresh = freshWorlds();
const OUT = mkdtempSync(join(tmpdir(), 'recon-sweep4-'));
const run = (db: Database, command = 'test') => Run.start(db, command, {}, OUT);

/** The rules of one explained payment record, as `rule | why`. */
async function why(db: Database, partnerId: string, txnRef: string, rule: string): Promise<string | undefined> {
  const e = await explainPayment(db, { partnerId, txnRef });
  return e?.records.find((r) => r.payment['kind'] === 'payment')?.rules.find((s) => s.rule === rule)?.why;
}

// Codes of 12, 13 and 11 characters (DOMAIN: accept 11-13), of three power corporations.
const C1 = 'PE0100100001';
const C2 = 'PE0100200002';
const C3 = 'PA03HL0012345';
const C4 = 'PD010012345';
const C5 = 'PE0100500005';

// ---------------------------------------------------------------------------------------------
// October closed, then November's billing and files, then October closed again: the monthly close
// (the function `recon run monthly-close` runs) over files laid out as the repository's profiles
// read them: Techcombank (ISO times, here in UTC), MoMo (ISO with +07:00, refunds in a debit
// column), the HCMC counter (a date without a time in one file), the agents (minutes, a total row).
// ---------------------------------------------------------------------------------------------

const INV_HEAD = 'invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd';
const inv = (no: string, customer: string, period: string, amount: number) =>
  `${no},${customer},${period},1K26TAA,${no.replace(/\D/g, '').padStart(8, '0')},${period}-05,${period}-20,${amount}`;
const TCB_HEAD = [
  'Statement of EVN bill collections - Techcombank',
  'Account 122156838; period 10/2026',
  '"TransactionID","TransactionTime","ValueDate","CustomerID","BillNo","Amount","Currency","Narrative","TxnType","OrigTransactionID","Channel"',
];
const tcb = (id: string, at: string, valueDate: string, customer: string, amount: string, type = 'C', original = '', channel = 'IBFT') =>
  `"${id}","${at}","${valueDate}","${customer}","","${amount}","VND","Thanh toan tien dien","${type}","${original}","${channel}"`;
const MOMO_HEAD = 'transaction_id,created_at,settlement_date,bill_code,credit,debit,description,ref_transaction_id';
const COUNTER_HEAD = ['TỔNG CÔNG TY ĐIỆN LỰC TP HỒ CHÍ MINH - QUẦY THU', 'Bảng kê thu tiền điện tại quầy', 'Số phiếu thu\tNgày thu\tMã khách hàng\tID hóa đơn\tSố tiền\tTên khách hàng'];
const AGENT_HEAD = ['ĐẠI LÝ THU HỘ CÁ NHÂN', 'BẢNG KÊ THU HỘ TIỀN ĐIỆN', 'Mã đại lý;Số biên nhận;Thời gian thu;Mã KH;Tên KH;Số tiền;Ghi chú'];

function put(root: string, path: string, lines: string[]): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), lines.join('\n') + '\n');
}

describe('October closed, November loaded, October closed again (the monthly close, real profiles)', () => {
  it('counts what DOMAIN says at every close; the second October close equals November\'s previous period', async () => {
    const data = mkdtempSync(join(tmpdir(), 'recon-sweep4-data-'));
    put(data, 'billing/customers.csv', ['customer_code,name,pc,unit,segment', ...[C1, C2, C3, C4, C5].map((c) => `${c},Khach ${c},,,residential`)]);
    // September is billed by an export of its own: its invoice counts in September (arrears).
    put(data, 'billing/invoices-2026-09.csv', [INV_HEAD, inv('S1', C1, '2026-09', 100_000)]);
    put(data, 'billing/invoices-2026-10.csv', [
      INV_HEAD,
      inv('O1', C1, '2026-10', 200_000),
      inv('O2', C2, '2026-10', 300_000),
      inv('O3', C3, '2026-10', 400_000),
      inv('O4', C4, '2026-10', 150_000),
      inv('O5', C5, '2026-10', 250_000),
    ]);
    put(data, 'partners/techcombank/TCB_EVN_202610.csv', [
      ...TCB_HEAD,
      // 08:00 local on 5 October, written in UTC; by QR: September's arrears + October (rule 5).
      tcb('1001', '2026-10-05T01:00:00Z', '2026-10-06', C1, '300.000,00', 'C', '', 'QR'),
      // 17:30 UTC on 31 October is 00:30 local on 1 November: November's partner window, settled T+1.
      tcb('1003', '2026-10-31T17:30:00Z', '2026-11-02', C3, '400.000,00'),
      // 17:00 UTC on 30 November is 00:00 local on 1 December: after October's as-of date.
      tcb('1005', '2026-11-30T17:00:00Z', '2026-12-02', C5, '250.000,00'),
    ]);
    // The same instant at two partners for one residual: the smaller partner id (the counter) takes it.
    put(data, 'partners/momo/MOMO_EVN_20261020.csv', [MOMO_HEAD, `M2,2026-10-20T23:30:00+07:00,2026-10-21,${C2},300000,,Tien dien T10,`]);
    put(data, 'partners/evn/EVNHCMC_QUAY_EVN_202610.tsv', [...COUNTER_HEAD, `PT000001\t20/10/2026 23:30:00\t${C2}\t\t300 000\tKhach 2`]);
    // 23:59 on the as-of day, in an agent file written in minutes: counted.
    put(data, 'partners/agent/DAILY_THUHO_EVN_20261130.csv', [...AGENT_HEAD, `DL00001;00000001;30/11/2026 23:59;${C4};Khach 4;150.000;tt`, 'Tổng cộng;1;;;;150.000;']);

    const db = await fresh();
    const close = async (period: string) => {
      const r = await run(db, 'run monthly-close');
      const result = await monthlyClose(db, r, { data, out: join(OUT, 'out'), lang: 'en', period });
      return JSON.parse(readFileSync(result.kpisPath, 'utf8')) as ReportKpis;
    };

    const oct1 = await close('2026-10');
    expect(oct1.as_of).toBe('2026-11-30');
    expect(await outcomeRows(db)).toEqual({
      alloc: [
        'evn-hcmc-counter:PT000001 O2 300000 amount_equals_invoice',
        'agent-coop:DL00001-00000001 O4 150000 amount_equals_invoice',
        'techcombank:1001 O1 200000 amount_equals_open_total',
        'techcombank:1001 S1 100000 amount_equals_open_total',
        'techcombank:1003 O3 400000 amount_equals_invoice',
        'techcombank:1005 O5 250000 amount_equals_invoice',
      ].sort(),
      exc: ['momo:M2 duplicate_payment 300000 → O2'],
    });
    // Counted: O1 200k (QR), O2 300k (counter cash), O3 400k (transfer, 1 Nov 00:30), O4 150k
    // (agent cash, 30 Nov 23:59). Not O5 (1 Dec 00:00 local).
    expect(oct1.headline.counts).toEqual({
      invoices: 5,
      invoiced_vnd: 1_300_000,
      allocated_vnd: 1_050_000,
      invoices_settled: 4,
      invoices_with_allocation: 4,
      invoices_by_group: { bank: 2, intermediary: 0, retail_agent: 1, evn_counter: 1 },
      allocated_vnd_by_group: { bank: 600_000, intermediary: 0, retail_agent: 150_000, evn_counter: 300_000 },
      customers_by_group: { bank: 2, intermediary: 0, retail_agent: 1, evn_counter: 1 },
      cashless_allocated_vnd: 600_000,
      customers_with_allocation: 4,
      customers_all_cashless: 2, // C1, C3
    });
    // September at its own as-of date (31 October): S1 paid on 5 October.
    expect(oct1.previous?.counts).toMatchObject({ invoices: 1, allocated_vnd: 100_000, invoices_settled: 1, cashless_allocated_vnd: 100_000 });
    // October's partner window is local October: Techcombank's 1003 (1 Nov local) is not in it, nor
    // the agent's only payment (30 Nov); MoMo's duplicate is unmatched.
    const card = Object.fromEntries(oct1.partner_scorecard.map((p) => [p.partner_id, [p.payments, p.amount_vnd, p.lag_median_days, p.unmatched, p.files]]));
    expect(card).toEqual({
      techcombank: [1, 300_000, 1, 0, 1],
      momo: [1, 300_000, 1, 1, 1],
      'evn-hcmc-counter': [1, 300_000, null, 0, 1],
      'agent-coop': [0, 0, null, 0, 0],
    });
    expect(oct1.data_quality).toMatchObject({ files: 3, records_read: 5, records_loaded: 5 });
    expect(oct1.exceptions.by_reason_age).toEqual([{ reason: 'duplicate_payment', age_bucket: '31-90', exceptions: 1, amount_vnd: 300_000 }]);
    const t1003 = await explainPayment(db, { partnerId: 'techcombank', txnRef: '1003' });
    expect(t1003?.records[0]?.payment['paid_at_local']).toBe('2026-11-01 00:30:00');
    expect(t1003?.records[0]?.source.raw).toContain('"2026-10-31T17:30:00Z"');

    // November: its billing, a reversal of October's 1001 and a refund of MoMo's duplicate in
    // November's files, and the customers' November payments (one of C1's for October's bill).
    put(data, 'billing/invoices-2026-11.csv', [INV_HEAD, inv('N1', C1, '2026-11', 210_000), inv('N2', C2, '2026-11', 310_000), inv('N3', C3, '2026-11', 410_000), inv('N5', C5, '2026-11', 260_000)]);
    put(data, 'partners/techcombank/TCB_EVN_202611.csv', [
      ...TCB_HEAD,
      tcb('2001', '2026-11-10T10:00:00+07:00', '2026-11-10', '', '300.000,00', 'R', '1001'),
      tcb('2006', '2026-11-12T10:00:00+07:00', '2026-11-13', C1, '210.000,00'),
      tcb('2010', '2026-11-20T10:00:00+07:00', '2026-11-23', C1, '150.000,00'),
    ]);
    put(data, 'partners/momo/MOMO_EVN_20261105.csv', [MOMO_HEAD, `MR2,2026-11-05T09:00:00+07:00,2026-11-05,${C2},,300000,Hoan tien,M2`]);
    put(data, 'partners/agent/DAILY_THUHO_EVN_20261115.csv', [...AGENT_HEAD, `DL00001;00000007;15/11/2026 10:00;${C2};Khach 2;310.000;tt`, 'Tổng cộng;1;;;;310.000;']);
    // A date without a time: 00:00 local on 1 December.
    put(data, 'partners/evn/EVNHCMC_QUAY_EVN_202612.tsv', [...COUNTER_HEAD, `PT000008\t01/12/2026\t${C3}\t\t410 000\tKhach 3`]);

    const nov = await close('2026-11');
    expect(await outcomeRows(db)).toEqual({
      alloc: [
        'agent-coop:DL00001-00000001 O4 150000 amount_equals_invoice',
        'agent-coop:DL00001-00000007 N2 310000 amount_equals_invoice',
        'evn-hcmc-counter:PT000001 O2 300000 amount_equals_invoice',
        'evn-hcmc-counter:PT000008 N3 410000 amount_equals_invoice',
        'techcombank:1003 O3 400000 amount_equals_invoice',
        'techcombank:1005 O5 250000 amount_equals_invoice',
        // 1001 is void: C1 owes S1 100k, O1 200k, N1 210k; 2006 (210k) takes N1 (rule 4), 2010
        // (150k) the oldest first: S1, then 50k of O1.
        'techcombank:2006 N1 210000 amount_equals_invoice',
        'techcombank:2010 O1 50000 oldest_first_partial',
        'techcombank:2010 S1 100000 oldest_first_partial',
      ].sort(),
      // M2 is refunded in full: void, the duplicate is answered.
      exc: [],
    });
    expect(nov.headline.counts).toEqual({
      invoices: 4,
      invoiced_vnd: 1_190_000,
      allocated_vnd: 930_000, // N1 210k, N2 310k, N3 410k (1 Dec 00:00, before the end of 31 Dec)
      invoices_settled: 3,
      invoices_with_allocation: 3,
      invoices_by_group: { bank: 1, intermediary: 0, retail_agent: 1, evn_counter: 1 },
      allocated_vnd_by_group: { bank: 210_000, intermediary: 0, retail_agent: 310_000, evn_counter: 410_000 },
      customers_by_group: { bank: 1, intermediary: 0, retail_agent: 1, evn_counter: 1 },
      cashless_allocated_vnd: 210_000,
      customers_with_allocation: 3,
      customers_all_cashless: 1,
    });
    // November's window: 1003 (1 Nov 00:30 local, value date 2 Nov: T+1, not T+2 as its UTC date
    // would give), 2006 (T+1), 2010 (T+3); the reversal 2001 is no payment; 1005 is December's.
    const tcbNov = nov.partner_scorecard.find((p) => p.partner_id === 'techcombank');
    expect(tcbNov).toMatchObject({ payments: 3, amount_vnd: 760_000, lag_median_days: 1, lag_p95_days: 3, files: 2 });
    expect(nov.partner_scorecard.find((p) => p.partner_id === 'agent-coop')).toMatchObject({ payments: 2, amount_vnd: 460_000, files: 2 });

    // October closed again: the reversal of 1001 (whatever its date) took O1's 200k back; 2010,
    // paid on 20 November, pays 50k of it; the rest stays as it was, and 1005 (1 Dec) still does
    // not count. What November's report shows as its previous period is exactly this.
    const oct2 = await close('2026-10');
    expect(oct2.headline.counts).toEqual({
      invoices: 5,
      invoiced_vnd: 1_300_000,
      allocated_vnd: 900_000,
      invoices_settled: 3, // O2, O3, O4
      invoices_with_allocation: 4,
      invoices_by_group: { bank: 2, intermediary: 0, retail_agent: 1, evn_counter: 1 },
      allocated_vnd_by_group: { bank: 450_000, intermediary: 0, retail_agent: 150_000, evn_counter: 300_000 },
      customers_by_group: { bank: 2, intermediary: 0, retail_agent: 1, evn_counter: 1 },
      cashless_allocated_vnd: 450_000,
      customers_with_allocation: 4,
      customers_all_cashless: 2,
    });
    expect(oct2.headline).toEqual(nov.previous);
    // September as of 31 October: 1001 is void and 2010 (20 Nov) came after its as-of date.
    expect(oct2.previous?.counts).toMatchObject({ invoices: 1, allocated_vnd: 0, invoices_settled: 0 });
    // October's files are still the three that hold October payments (the refund of M2 is November's).
    expect(oct2.data_quality).toMatchObject({ files: 3, records_read: 5 });
    expect(oct2.exceptions.by_reason_age).toEqual([]);
    expect(await why(db, 'techcombank', '1001', '1 reversals and refunds')).toBe('void (reversed by reversal 2001): allocates nothing');

    // October as of an explicit 15 November: only what was paid by then (O2, O3); September at
    // its own as-of date (31 October, before 15 November).
    const early = await computeKpis(db, '2026-10', '2026-11-15');
    expect(early.headline.counts).toMatchObject({
      allocated_vnd: 700_000,
      invoices_settled: 2,
      invoices_with_allocation: 2,
      invoices_by_group: { bank: 1, intermediary: 0, retail_agent: 0, evn_counter: 1 },
      cashless_allocated_vnd: 400_000,
      customers_with_allocation: 2,
      customers_all_cashless: 1,
    });
    expect(early.previous?.as_of).toBe('2026-10-31');

    // Closing the months out of order changes nothing: November closed again is the same document.
    expect(await close('2026-11')).toEqual(nov);
  }, 240_000);
});

// ---------------------------------------------------------------------------------------------
// Partners writing local times of other zones (DOMAIN: local time is Asia/Ho_Chi_Minh): the turn
// order and the as-of cut-off go by the instant, not by the wall clock as written.
// ---------------------------------------------------------------------------------------------

describe('partners writing times of other zones', () => {
  it('orders turns and cuts off the KPIs by the instant; a date alone is 00:00 local and ties by partner id', async () => {
    const s = new Scratch();
    const zoned = (id: string, pattern: string, timezone: string | undefined, format = 'DD/MM/YYYY HH:mm:ss') =>
      s.profile({ ...BASE_PROFILE, id, file_patterns: [pattern], fields: { ...BASE_PROFILE.fields, paid_at: { column: 'time', format, ...(timezone ? { timezone } : {}) } } });
    zoned('seoul', 'KR_*.csv', 'UTC+09:00');
    zoned('newyork', 'NY_*.csv', 'America/New_York');
    zoned('mumbai', 'IN_*.csv', 'UTC+05:30');
    zoned('local', 'VN_*.csv', undefined);
    zoned('daily', 'DAY_*.csv', undefined, 'DD/MM/YYYY');
    const head = 'ref,time,customer,memo,amount';
    // 08:30 in Seoul is 06:30 in Hà Nội: before the local 07:00 payment, though written later.
    s.file('KR_1.csv', [head, `K1,01/11/2026 08:30:00,${C1},tt,100`].join('\n'));
    s.file('VN_1.csv', [head, `L1,01/11/2026 07:00:00,${C1},tt,100`, `L3,05/11/2026 00:00:00,${C3},tt,300`, `L5,04/11/2026 23:50:00,${C5},tt,500`].join('\n'));
    // 12:30 EST on 30 November is 00:30 on 1 December in Hà Nội: allocated, not counted as of 30
    // November; 11:59:59 EST is 23:59:59 local on the as-of day: counted.
    s.file('NY_1.csv', [head, `N2,30/11/2026 12:30:00,${C2},tt,200`, `N4,30/11/2026 11:59:59,${C4},tt,400`].join('\n'));
    // Three partners at the same instant, 00:00 local on 5 November, written three ways: the
    // smallest partner id (daily) takes the residual; the others are duplicates. 22:15 at UTC+05:30
    // is 23:45 local, before the local 23:50 (read as UTC+05:00 before, it was 00:15, after it).
    s.file('IN_1.csv', [head, `S3,04/11/2026 22:30:00,${C3},tt,300`, `S5,04/11/2026 22:15:00,${C5},tt,500`].join('\n'));
    s.file('DAY_1.csv', [head, `D3,05/11/2026,${C3},tt,300`].join('\n'));
    const db = await fresh({
      customers: [C1, C2, C3, C4, C5],
      invoices: [
        { no: 'I1', customer: C1, amount: 100, period: '2026-10' },
        { no: 'I2', customer: C2, amount: 200, period: '2026-10' },
        { no: 'I3', customer: C3, amount: 300, period: '2026-10' },
        { no: 'I4', customer: C4, amount: 400, period: '2026-10' },
        { no: 'I5', customer: C5, amount: 500, period: '2026-10' },
      ],
    });
    const summary = await ingestFiles(db, await run(db), [s.files], { profiles: loadProfiles(s.profiles) });
    expect(summary.files.map((f) => [f.records_loaded, f.records_rejected])).toEqual([[1, 0], [2, 0], [1, 0], [2, 0], [3, 0]]);
    await match(db, '2026-11-30');
    expect(await outcomeRows(db)).toEqual({
      alloc: [
        'daily:D3 I3 300 amount_equals_invoice',
        'mumbai:S5 I5 500 amount_equals_invoice',
        'newyork:N2 I2 200 amount_equals_invoice',
        'newyork:N4 I4 400 amount_equals_invoice',
        'seoul:K1 I1 100 amount_equals_invoice',
      ],
      exc: ['local:L1 duplicate_payment 100 → I1', 'local:L3 duplicate_payment 300 → I3', 'local:L5 duplicate_payment 500 → I5', 'mumbai:S3 duplicate_payment 300 → I3'],
    });
    const k = await computeKpis(db, '2026-10', '2026-11-30');
    expect(k.headline.counts).toMatchObject({ invoices: 5, invoiced_vnd: 1500, allocated_vnd: 1300, invoices_settled: 4, invoices_with_allocation: 4 });
    // The queue ages from the local paid date: 1, 4 and 5 November to 30 November.
    expect((await exceptionQueue(db, { asOf: '2026-11-30' })).map((r) => [`${r.partner_id}:${r.txn_ref}`, r.paid_at_local, Number(r.age_days)])).toEqual([
      ['local:L1', '2026-11-01 07:00:00', 29],
      ['local:L5', '2026-11-04 23:50:00', 26],
      ['local:L3', '2026-11-05 00:00:00', 25],
      ['mumbai:S3', '2026-11-05 00:00:00', 25],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// VietQR: the public test vector DOMAIN.md quotes.
// ---------------------------------------------------------------------------------------------

describe('the VietQR test vector of DOMAIN.md', () => {
  const VECTOR = '00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C';
  it('validates its CRC: a payload naming no customer is not a CRC failure; the text after it is read; a changed CRC is one', async () => {
    const db = await fresh({
      customers: [C1],
      invoices: [{ no: 'I1', customer: C1, amount: 120_000 }],
      payments: [
        { txn: 'T1', amount: 120_000, code: null, memo: VECTOR },
        { txn: 'T2', amount: 120_000, code: null, memo: `${VECTOR} KH ${C1}` },
        { txn: 'T3', amount: 120_000, code: null, memo: VECTOR.replace(/C15C$/, 'C15D') },
      ],
    });
    await match(db);
    expect(await outcomeRows(db)).toEqual({
      alloc: ['VCB:T2 I1 120000 amount_equals_invoice'],
      exc: ['VCB:T1 unknown_customer 120000', 'VCB:T3 unknown_customer 120000'],
    });
    const detail = await db.all<{ txn_ref: string; qr_status: string; detail: string }>(
      `SELECT p.txn_ref, m.qr_status, e.detail FROM payments p JOIN payment_match m USING (payment_id) LEFT JOIN exceptions e USING (payment_id) ORDER BY 1`,
    );
    expect(detail.map((r) => [r.txn_ref, r.qr_status, r.detail])).toEqual([
      ['T1', 'valid', 'no customer code in the code field, memo or VietQR payload'],
      ['T2', 'valid', null],
      ['T3', 'crc_failed', 'the memo is a VietQR payload whose CRC does not validate'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// What an auditor is told.
// ---------------------------------------------------------------------------------------------

describe('what decide, explain and the refunds export say', () => {
  const world: World = {
    partners: [{ id: 'VCB', group: 'bank' }],
    customers: [C1, C2],
    invoices: [
      { no: 'O1', customer: C1, amount: 100, period: '2026-01' },
      { no: 'N1', customer: C1, amount: 100, period: '2026-02' },
      { no: 'I2', customer: C2, amount: 200, period: '2026-01' },
    ],
    payments: [
      { txn: 'T1', amount: 100, code: C1, at: '2026-02-01T10:00:00' },
      // No code: an auditor matches it to O1, which T1 settled the day before.
      { txn: 'T2', amount: 100, code: null, memo: 'tien dien', at: '2026-02-02T10:00:00' },
    ],
  };

  it('a match decision to an invoice an earlier payment settled took nothing of it: decide and explain say so (before, "match to O1" and no note)', async () => {
    const db = await fresh(world);
    const decisionId = await recordDecision(db, { action: 'match', payment: { partnerId: 'VCB', txnRef: 'T2' }, invoiceNo: 'O1', by: 'Lan', reason: 'phoned', runId: 'test' });
    await match(db);
    // Time decides a decision's target too (README): T2 goes to C1's other invoice by rule 4.
    expect(await outcomeRows(db)).toEqual({ alloc: ['VCB:T1 O1 100 amount_equals_invoice', 'VCB:T2 N1 100 amount_equals_invoice'], exc: [] });
    expect(await decisionEffect(db, { partnerId: 'VCB', txnRef: 'T2' }, decisionId, 'match')).toBe(
      "invoice O1 was already settled by earlier payments when this payment's turn came (an earlier payment takes a residual), so it took nothing of this payment, which went by the customer rules instead (see `recon explain`)",
    );
    expect(await why(db, 'VCB', 'T2', '2 auditor decision')).toBe(
      `decision #${decisionId}: match to O1; O1 was already settled by earlier payments when this payment's turn came (an earlier payment takes a residual), so it took nothing of this payment, which went by the rules below`,
    );
    // A decision whose invoice still owes something takes it, and nothing more is said.
    const open = await fresh({ ...world, payments: world.payments!.filter((p) => p.txn === 'T2') });
    const id2 = await recordDecision(open, { action: 'match', payment: { partnerId: 'VCB', txnRef: 'T2' }, invoiceNo: 'N1', by: 'Lan', reason: 'phoned', runId: 'test' });
    await match(open);
    expect(await outcomeRows(open)).toEqual({ alloc: ['VCB:T2 N1 100 decision'], exc: [] });
    expect(await decisionEffect(open, { partnerId: 'VCB', txnRef: 'T2' }, id2, 'match')).toBeNull();
    expect(await why(open, 'VCB', 'T2', '2 auditor decision')).toBe(`decision #${id2}: match to N1`);
  });

  it('the refunds export names the customer matching identified from a memo when no settled invoice has the duplicate\'s amount (before, none, nor PC or unit)', async () => {
    const db = await fresh({
      ...world,
      invoices: [{ no: 'O1', customer: C1, amount: 100, period: '2026-01' }],
      payments: [
        { txn: 'T1', amount: 100, code: C1, at: '2026-01-10T10:00:00' },
        // C1 again, named in the memo only, 150 đ: no invoice of C1 is of that amount.
        { txn: 'T2', amount: 150, code: null, memo: `tt tien dien ${C1.toLowerCase()}`, at: '2026-01-12T10:00:00' },
        // C1 again by its code field, 100 đ: the related invoice is O1.
        { txn: 'T3', amount: 100, code: C1, at: '2026-01-13T10:00:00' },
      ],
    });
    await match(db, '2026-02-28');
    expect((await outcomeRows(db)).exc).toEqual(['VCB:T2 duplicate_payment 150', 'VCB:T3 duplicate_payment 100 → O1']);
    const out = join(OUT, 'refunds.json');
    await runExport(db, { dataset: 'refunds', period: '2026-01', format: 'json', out });
    const refunds = JSON.parse(readFileSync(out, 'utf8')) as Array<Record<string, unknown>>;
    expect(refunds.map((r) => [r['txn_ref'], r['invoice_no'], r['amount_vnd'], r['customer_code'], r['pc'], r['unit']])).toEqual([
      ['T2', null, 150, C1, 'EVNHCMC', 'PE0100'],
      ['T3', 'O1', 100, C1, 'EVNHCMC', 'PE0100'],
    ]);
    // The exceptions export: the code each payment carried, and the customer matching took it for
    // (T2's from its memo; before, only the empty code field).
    const excOut = join(OUT, 'exceptions.json');
    await runExport(db, { dataset: 'exceptions', period: '2026-01', format: 'json', out: excOut });
    const exc = JSON.parse(readFileSync(excOut, 'utf8')) as Array<Record<string, unknown>>;
    expect(exc.map((r) => [r['txn_ref'], r['customer_code'], r['identified_customer']])).toEqual([
      ['T2', null, C1],
      ['T3', C1, C1],
    ]);
  });

  it('a mistyped code one edit from two real customers that both owe the amount is suggested at 0.5, never applied, its detail naming both (before, "2 customers fit" only)', async () => {
    // PE0100000012 is one substitution from PE0100000011 (owing 300 on one invoice) and from
    // PE0100000017 (owing 300 in all: arrears 100 + current 200). The suggestion is the oldest
    // invoice that fits, B0; the detail names both customers.
    const [A, B] = ['PE0100000011', 'PE0100000017'];
    const db = await fresh({
      customers: [A, B],
      invoices: [
        { no: 'A1', customer: A, amount: 300, period: '2026-01' },
        { no: 'B0', customer: B, amount: 100, period: '2025-12' },
        { no: 'B1', customer: B, amount: 200, period: '2026-01' },
      ],
      payments: [{ txn: 'T1', amount: 300, code: 'PE0100000012' }],
    });
    await match(db);
    expect(await outcomeRows(db)).toEqual({ alloc: [], exc: ['VCB:T1 suggested_match 300 → B0'] });
    const [e] = await db.all<{ confidence: number; detail: string }>(`SELECT confidence, detail FROM exceptions`);
    expect(e).toEqual({
      confidence: 0.5,
      detail:
        'customer code PE0100000012 does not exist; PE0100000017 differs by one character and owes exactly this amount in all, oldest open invoice B0 ' +
        '(2 customers fit: PE0100000011 on invoice A1, PE0100000017 on invoice B0)',
    });
  });

  it('explain says what the code field named when a VietQR payload or the memo named the customer taken', async () => {
    const db = await fresh({
      customers: [C1, C2],
      invoices: [
        { no: 'I1', customer: C1, amount: 100 },
        { no: 'I2', customer: C2, amount: 200 },
      ],
      payments: [
        // The field names C1, the payer's QR code C2, whose invoice is of exactly the amount (rule 8).
        { txn: 'T1', amount: 200, code: C1, memo: vietqr(C2, { sub: '05' }) },
        // An unknown code in the field gives way to the memo's real one.
        { txn: 'T2', amount: 100, code: 'PE0100999999', memo: `tien dien ${C1}`, at: '2026-02-11T10:00:00' },
      ],
    });
    await match(db);
    expect(await outcomeRows(db)).toEqual({ alloc: ['VCB:T1 I2 200 amount_equals_invoice', 'VCB:T2 I1 100 amount_equals_invoice'], exc: [] });
    expect(await why(db, 'VCB', 'T1', '8 code in memo')).toBe(
      `code ${C2} read from the VietQR payload; the customer code field names customer ${C1}, the payer's VietQR payload ${C2}, and only ${C2} has an invoice of exactly this amount`,
    );
    expect(await why(db, 'VCB', 'T2', '8 code in memo')).toBe(`code ${C1} read from the memo text; the customer code field says PE0100999999, no customer`);
  });
});

// ---------------------------------------------------------------------------------------------
// A code field of a customer the billing export bills but its customer list misses.
// ---------------------------------------------------------------------------------------------

describe('a code field naming a customer that owns invoices but is missing from customers.csv', () => {
  it('is the payment\'s customer as a listed one is: a memo naming another household does not take the money (before, it did)', async () => {
    const X = 'PE0100300003'; // billed, not listed
    const got = await fresh({
      customers: [C1, C2],
      invoices: [
        { no: 'I1', customer: C1, amount: 100 },
        { no: 'IX', customer: X, amount: 100 },
      ],
      payments: [
        { txn: 'T1', amount: 100, code: X, memo: `tien dien nha ong ${C1}` },
        // The same shape with a listed customer in the field: the field's customer, as README says.
        { txn: 'T2', amount: 100, code: C2, memo: `tien dien nha ong ${C1}` },
      ],
    });
    await match(got);
    expect(await outcomeRows(got)).toEqual({ alloc: ['VCB:T1 IX 100 amount_equals_invoice'], exc: ['VCB:T2 no_open_invoice 100'] });
    expect(await why(got, 'VCB', 'T1', '8 code in memo')).toBe(`code ${X} from the customer code field`);
  });
});

// ---------------------------------------------------------------------------------------------
// The rules and the KPI glossary read a second time (tests/match/oracle.ts), on random worlds.
// ---------------------------------------------------------------------------------------------

describe('a plain reading of rules 1, 3-7, 10 and the KPI glossary agrees with the SQL', () => {
  it.each([1, 2])('on random world %i: every allocation, exception and headline count at three as-of dates', async (seed) => {
    const world = randomWorld(seed, 120);
    const expected = oracleMatch(world);
    const db = await fresh(world);
    await match(db, '2026-11-30');
    const got = await outcomeRows(db);
    expect({ alloc: got.alloc.map((a) => a.split(' ').slice(0, 3).join(' ')).sort(), exc: [...got.exc].sort() }).toEqual({ alloc: expected.alloc, exc: expected.exc });
    // The worlds are not trivial: every outcome occurs.
    expect(new Set(expected.exc.map((e) => e.split(' ')[1]))).toEqual(new Set(['duplicate_payment', 'overpayment_credit', 'no_open_invoice']));
    for (const [period, asOf] of [['2026-10', '2026-11-30'], ['2026-10', '2026-10-20'], ['2026-11', '2026-12-31']] as const) {
      expect((await computeKpis(db, period, asOf)).headline.counts, `${period} as of ${asOf}`).toEqual(oracleKpis(world, expected, period, asOf));
    }
  });
});
