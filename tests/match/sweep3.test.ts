// A third adversarial sweep, written from DOMAIN.md: a month closed and the next one billed
// (replace-by-period, arrears carried), a corrected billing export under standing auditor decisions,
// adjustments arriving in a later month, credit carried to the next bill, ties at the same instant,
// refunds of a payment that paid several invoices, code conflicts, typos with two neighbours, local
// midnight at the KPI and aging boundaries, and the KPI formulas with every kind of exception present.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { importBilling, ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { recordDecision } from '../../src/match/decisions.ts';
import { exceptionQueue } from '../../src/match/exception-queue.ts';
import { explainPayment } from '../../src/match/explain.ts';
import { runExport } from '../../src/reports/export.ts';
import { computeKpis } from '../../src/reports/kpis.ts';
import { Run } from '../../src/runs/ledger.ts';
import { BASE_PROFILE, HEADER, Scratch } from '../ingest/helpers.ts';
import { allocations, exceptions, exceptionText, freshWorlds, load, match, reversedWorld, vietqr, type World } from './fixture.ts';

const fresh = freshWorlds();

async function rows(db: Database) {
  return {
    alloc: (await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.amount} ${a.rule}`),
    exc: (await exceptions(db)).map(exceptionText),
  };
}

const reversed = reversedWorld;

/** The world's outcome, checked to be the same when its rows are loaded in the opposite order. */
async function outcomeEitherOrder(world: World, asOf?: string) {
  const forward = await fresh(world);
  await match(forward, asOf);
  const backward = await fresh(reversed(world));
  await match(backward, asOf);
  const got = await rows(forward);
  expect(await rows(backward)).toEqual(got);
  return got;
}

const PARTNERS: World['partners'] = [
  { id: 'VCB', group: 'bank' },
  { id: 'MOMO', group: 'intermediary' },
  { id: 'AG', group: 'retail_agent' },
  { id: 'EVN', group: 'evn_counter' },
];

const code = (n: number) => `PE01000000${String(n).padStart(2, '0')}`;
const [C1, C2, C3, C4, C5] = [1, 2, 3, 4, 5].map(code) as [string, string, string, string, string];

// ---------------------------------------------------------------------------------------------
// Two months through the billing import: October closed, then November billed with October's
// arrears carried forward, then November's export corrected.
// ---------------------------------------------------------------------------------------------

const INV_HEAD = 'invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd';
const inv = (no: string, customer: string, period: string, amount: number) =>
  `${no},${customer},${period},1K26TAA,${no.replace(/\D/g, '').padStart(8, '0')},${period}-05,${period}-20,${amount}`;

class Billing {
  readonly dir = mkdtempSync(join(tmpdir(), 'recon-sweep3-billing-'));
  constructor() {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'customers.csv'), ['customer_code,name,pc,unit,segment', ...[C1, C2, C3, C4, C5].map((c) => `${c},Khach ${c},EVNHCMC,PE0100,residential`)].join('\n'));
  }
  export(period: string, lines: string[]): void {
    writeFileSync(join(this.dir, `invoices-${period}.csv`), [INV_HEAD, ...lines].join('\n') + '\n');
  }
  async import(db: Database) {
    const run = await Run.start(db, 'test', {}, join(tmpdir(), 'recon-test-out'));
    return importBilling(db, run, this.dir);
  }
}

const headline = async (db: Database, period: string, asOf: string) => (await computeKpis(db, period, asOf)).headline.counts;

describe('a month closed, then the next billed with arrears carried, then that billing corrected', () => {
  it('keeps allocations, exceptions and both periods\' KPIs right at every step, decisions applied throughout', async () => {
    const billing = new Billing();
    billing.export('2026-10', [inv('O1', C1, '2026-10', 100), inv('O2', C2, '2026-10', 200), inv('O3', C3, '2026-10', 300)]);
    const db = await fresh({ partners: PARTNERS });
    await billing.import(db);
    await load(db, {
      payments: [
        { txn: 'P1', partner: 'VCB', amount: 100, code: C1, at: '2026-10-10T09:00:00' },
        { txn: 'P2', partner: 'VCB', amount: 50, code: C2, at: '2026-10-12T09:00:00' },
        // 100 more than C3 owes: credit for its next bill.
        { txn: 'P3', partner: 'MOMO', instrument: 'ewallet', amount: 400, code: C3, at: '2026-10-15T09:00:00' },
      ],
    });
    await match(db, '2026-11-30');
    expect(await rows(db)).toEqual({
      alloc: ['MOMO:P3 O3 300 overpayment', 'VCB:P1 O1 100 amount_equals_invoice', 'VCB:P2 O2 50 oldest_first_partial'],
      exc: ['MOMO:P3 overpayment_credit 100'],
    });
    expect(await headline(db, '2026-10', '2026-11-30')).toMatchObject({ invoices: 3, invoiced_vnd: 600, allocated_vnd: 450, invoices_settled: 2 });

    // November: its own bills, O2 brought forward (150 still owed), and a 0 đ line the billing
    // system should never send (DOMAIN: invoices have positive amounts): rejected, not loaded.
    billing.export('2026-11', [
      inv('N1', C1, '2026-11', 110),
      inv('N2', C2, '2026-11', 220),
      inv('N3', C3, '2026-11', 330),
      inv('N9', C4, '2026-11', 999),
      inv('O2', C2, '2026-10', 200),
      inv('N0', C5, '2026-11', 0),
    ]);
    const nov = await billing.import(db);
    expect(nov.files.filter((f) => f.status === 'loaded').map((f) => [f.records_read, f.records_loaded, f.records_rejected])).toEqual([[6, 5, 1]]);
    expect(await db.all(`SELECT value, reason FROM rejects`)).toEqual([{ value: '0', reason: 'bad_amount' }]);
    await load(db, {
      payments: [
        // Arrears + current: exactly what C2 owes in all.
        { txn: 'A4', partner: 'AG', instrument: 'cash', amount: 370, code: C2, at: '2026-11-05T09:00:00' },
        // C3 pays its November bill less the October credit.
        { txn: 'P5', partner: 'VCB', amount: 230, code: C3, at: '2026-11-06T09:00:00' },
        // Nobody's code: an auditor finds it is C1's November bill.
        { txn: 'Q1', partner: 'VCB', amount: 110, code: null, memo: 'tien dien nha ba ngoai', at: '2026-11-20T09:00:00' },
        // An auditor ties it to N9, which the corrected export will no longer carry.
        { txn: 'Q2', partner: 'VCB', amount: 999, code: null, memo: 'tt hoa don', at: '2026-11-21T09:00:00' },
      ],
    });
    const decide = (txn: string, invoiceNo: string) =>
      recordDecision(db, { action: 'match', payment: { partnerId: 'VCB', txnRef: txn }, invoiceNo, by: 'auditor', reason: 'phoned', runId: 'test' });
    await decide('Q1', 'N1');
    await decide('Q2', 'N9');
    await match(db, '2026-12-31');
    // Matching from scratch: October's overpayment now pays November's bill in part (the earlier
    // payment takes a residual: DOMAIN), and the credit is gone.
    expect(await rows(db)).toEqual({
      alloc: [
        'AG:A4 N2 220 amount_equals_open_total',
        'AG:A4 O2 150 amount_equals_open_total',
        'MOMO:P3 N3 100 oldest_first_partial',
        'MOMO:P3 O3 300 oldest_first_partial',
        'VCB:P1 O1 100 amount_equals_invoice',
        'VCB:P2 O2 50 oldest_first_partial',
        'VCB:P5 N3 230 amount_equals_invoice',
        'VCB:Q1 N1 110 decision',
        'VCB:Q2 N9 999 decision',
      ],
      exc: [],
    });
    // October as of its own as-of date: the arrears paid in November count in October.
    const oct = await headline(db, '2026-10', '2026-11-30');
    expect(oct).toMatchObject({ invoices: 3, invoiced_vnd: 600, allocated_vnd: 600, invoices_settled: 3 });
    const novK = await computeKpis(db, '2026-11', '2026-12-31');
    expect(novK.headline.counts).toMatchObject({ invoices: 4, invoiced_vnd: 1659, allocated_vnd: 1659, invoices_settled: 4 });
    expect(novK.previous?.counts).toEqual(oct);

    // November corrected: N2 was 250, not 220; N9 was billed in error and is dropped.
    billing.export('2026-11', [
      inv('N1', C1, '2026-11', 110),
      inv('N2', C2, '2026-11', 250),
      inv('N3', C3, '2026-11', 330),
      inv('O2', C2, '2026-10', 200),
    ]);
    await billing.import(db);
    await match(db, '2026-12-31');
    expect(await rows(db)).toEqual({
      alloc: [
        // 370 is now less than the 400 C2 owes: oldest first, N2 keeps 30 open.
        'AG:A4 N2 220 oldest_first_partial',
        'AG:A4 O2 150 oldest_first_partial',
        'MOMO:P3 N3 100 oldest_first_partial',
        'MOMO:P3 O3 300 oldest_first_partial',
        'VCB:P1 O1 100 amount_equals_invoice',
        'VCB:P2 O2 50 oldest_first_partial',
        'VCB:P5 N3 230 amount_equals_invoice',
        'VCB:Q1 N1 110 decision',
      ],
      // The decision naming N9 no longer applies: the payment goes back to the rules, which find no customer.
      exc: ['VCB:Q2 unknown_customer 999'],
    });
    const q2 = await explainPayment(db, { partnerId: 'VCB', txnRef: 'Q2' });
    expect(q2?.records[0]?.rules.find((r) => r.rule === '2 auditor decision')?.why).toMatch(/names invoice N9, which is not loaded: ignored/);
    expect(await headline(db, '2026-10', '2026-11-30')).toEqual(oct);
    expect(await headline(db, '2026-11', '2026-12-31')).toMatchObject({ invoices: 3, invoiced_vnd: 690, allocated_vnd: 660, invoices_settled: 2 });
  });
});

// ---------------------------------------------------------------------------------------------
// Worlds matched twice, loaded in opposite orders.
// ---------------------------------------------------------------------------------------------

type Case = [name: string, world: World, expected: { alloc: string[]; exc: string[] }];

describe('time, adjustments and credit', () => {
  const cases: Case[] = [
    [
      // DOMAIN: the earlier payment (paid time, then partner id, then transaction id) takes a
      // residual; a reversed payment is void whatever the date of its reversal.
      'two partners at the same instant: the smaller partner id takes the residual, unless it is reversed, even a month later',
      {
        customers: [C1, C2],
        invoices: [
          { no: 'I1', customer: C1, amount: 100 },
          { no: 'I2', customer: C2, amount: 200 },
        ],
        payments: [
          { txn: 'Z1', partner: 'ZALO', amount: 100, code: C1, at: '2026-02-10T10:00:00' },
          { txn: 'A1', partner: 'ACB', amount: 100, code: C1, at: '2026-02-10T10:00:00' },
          { txn: 'Z2', partner: 'ZALO', amount: 200, code: C2, at: '2026-02-10T10:00:00' },
          { txn: 'A2', partner: 'ACB', amount: 200, code: C2, at: '2026-02-10T10:00:00' },
          // In March's file: A2 is void, so Z2 takes I2 after all.
          { txn: 'RV2', partner: 'ACB', kind: 'reversal', reverses: 'A2', amount: 200, at: '2026-03-03T08:00:00' },
        ],
      },
      {
        alloc: ['ACB:A1 I1 100 amount_equals_invoice', 'ZALO:Z2 I2 200 amount_equals_invoice'],
        exc: ['ZALO:Z1 duplicate_payment 100 → I1'],
      },
    ],
    [
      // DOMAIN is silent on which invoice a partial refund reopens. The payment keeps what was not
      // refunded and that amount is matched as any payment is: a refund of exactly the arrears
      // leaves the current bill paid (rule 4) and the arrears open, as an auditor reading "the
      // arrears were refunded" expects; any other refund leaves the newest invoice part-open
      // (oldest first). A refund a month later that makes room lets a later payment of the
      // customer take what it freed (time order within the account).
      'a refund of a payment that paid arrears + current: the refunded part reopens the arrears when it is their amount, else the newest invoice',
      {
        customers: [C1, C2, C3],
        invoices: [
          { no: 'A1', customer: C1, amount: 100, period: '2025-12' },
          { no: 'B1', customer: C1, amount: 200, period: '2026-01' },
          { no: 'A2', customer: C2, amount: 100, period: '2025-12' },
          { no: 'B2', customer: C2, amount: 200, period: '2026-01' },
          { no: 'A3', customer: C3, amount: 100, period: '2025-12' },
          { no: 'B3', customer: C3, amount: 200, period: '2026-01' },
        ],
        payments: [
          { txn: 'T1', amount: 300, code: C1, at: '2026-02-10T10:00:00' },
          { txn: 'RF1', kind: 'refund', reverses: 'T1', amount: 100, at: '2026-02-12T10:00:00' },
          { txn: 'T2', amount: 300, code: C2, at: '2026-02-10T10:00:00' },
          { txn: 'RF2', kind: 'refund', reverses: 'T2', amount: 50, at: '2026-02-12T10:00:00' },
          // C3 pays all, then the arrears again at an agent; the bank refunds the arrears in March.
          { txn: 'T3', amount: 300, code: C3, at: '2026-02-10T10:00:00' },
          { txn: 'G3', partner: 'AG', instrument: 'cash', amount: 100, code: C3, at: '2026-02-20T10:00:00' },
          { txn: 'RF3', kind: 'refund', reverses: 'T3', amount: 100, at: '2026-03-05T10:00:00' },
        ],
      },
      {
        alloc: [
          'AG:G3 A3 100 amount_equals_invoice',
          'VCB:T1 B1 200 amount_equals_invoice',
          'VCB:T2 A2 100 oldest_first_partial',
          'VCB:T2 B2 150 oldest_first_partial',
          'VCB:T3 B3 200 amount_equals_invoice',
        ],
        exc: [],
      },
    ],
    [
      // DOMAIN: "pay more than is owed (credit)", and the earlier payment takes a residual whichever
      // rule found it. Matching uses every payment and invoice loaded, so once the next bill is
      // loaded the credit pays it (rule 7 spreads the overpayment over every open invoice): the
      // customer's own payment of that bill, later, is then a duplicate (refund due), even when it
      // names the bill.
      'an overpayment\'s credit pays the next bill once it is loaded; the customer\'s later payment of that bill is the refund question',
      {
        customers: [C1, C2],
        invoices: [
          { no: 'O1', customer: C1, amount: 100, period: '2026-01' },
          { no: 'N1', customer: C1, amount: 150, period: '2026-02' },
          { no: 'O2', customer: C2, amount: 100, period: '2026-01' },
          { no: 'N2', customer: C2, amount: 150, period: '2026-02' },
        ],
        payments: [
          { txn: 'T1', amount: 300, code: C1, at: '2026-01-20T10:00:00' },
          { txn: 'T2', amount: 150, code: C1, at: '2026-02-20T10:00:00' },
          { txn: 'U1', amount: 200, code: C2, at: '2026-01-20T10:00:00' },
          { txn: 'U2', amount: 150, ref: 'N2', at: '2026-02-20T10:00:00' },
        ],
      },
      {
        alloc: [
          'VCB:T1 N1 150 overpayment',
          'VCB:T1 O1 100 overpayment',
          'VCB:U1 N2 100 oldest_first_partial',
          'VCB:U1 O2 100 oldest_first_partial',
          'VCB:U2 N2 50 invoice_ref',
        ],
        exc: ['VCB:T1 overpayment_credit 50', 'VCB:T2 duplicate_payment 150 → N1', 'VCB:U2 overpayment_credit 100'],
      },
    ],
    [
      // The refund DOMAIN says is due, once the partner's file carries it, answers the question:
      // a duplicate refunded in full is void (no exception left); an overpayment whose credit is
      // refunded pays exactly what was owed.
      'a refunded duplicate leaves no exception; a refunded credit leaves an exact payment',
      {
        customers: [C1, C2],
        invoices: [
          { no: 'I1', customer: C1, amount: 100 },
          { no: 'I2', customer: C2, amount: 200 },
        ],
        payments: [
          { txn: 'G1', partner: 'AG', instrument: 'cash', amount: 100, code: C1, at: '2026-02-01T10:00:00' },
          { txn: 'V1', amount: 100, code: C1, at: '2026-02-02T10:00:00' },
          { txn: 'RF1', kind: 'refund', reverses: 'V1', amount: 100, at: '2026-03-02T10:00:00' },
          { txn: 'V2', amount: 260, code: C2, at: '2026-02-02T10:00:00' },
          { txn: 'RF2', kind: 'refund', reverses: 'V2', amount: 60, at: '2026-03-02T10:00:00' },
        ],
      },
      { alloc: ['AG:G1 I1 100 amount_equals_invoice', 'VCB:V2 I2 200 amount_equals_invoice'], exc: [] },
    ],
    [
      // The related invoice of a duplicate_payment (the refunds export's "invoice already settled")
      // is the newest of the customer's invoices of its amount: the bill a February payment meant is
      // February's, whatever the invoice ids' text order.
      'a duplicate names the newest settled invoice of its amount, not the greatest invoice id',
      {
        customers: [C1],
        invoices: [
          { no: 'B-2601', customer: C1, amount: 100, period: '2026-01' },
          { no: 'A-2602', customer: C1, amount: 100, period: '2026-02' },
        ],
        payments: [
          { txn: 'V1', amount: 100, code: C1, at: '2026-01-10T10:00:00' },
          { txn: 'V2', amount: 100, code: C1, at: '2026-01-12T10:00:00' },
          { txn: 'V3', amount: 100, code: C1, at: '2026-02-12T10:00:00' },
        ],
      },
      {
        alloc: ['VCB:V1 B-2601 100 amount_equals_invoice', 'VCB:V2 A-2602 100 amount_equals_invoice'],
        exc: ['VCB:V3 duplicate_payment 100 → A-2602'],
      },
    ],
  ];
  it.each(cases)('%s', async (_name, world, expected) => {
    expect(await outcomeEitherOrder(world)).toEqual(expected);
  });
});

describe('who the payment names', () => {
  it('a VietQR payload naming one customer and a code field naming another: read as naming both, the amount decides, else ambiguous', async () => {
    // DOMAIN: QR payments carry the customer code in the transfer reference; it does not rank the
    // partner's code field above the payer's own QR code. A finance auditor would not have money
    // the payload (CRC valid) says is for C2 silently applied to C1: the two codes are read as a
    // memo naming two customers is (rule 8), the one with an invoice of exactly the amount takes it,
    // otherwise the payment is ambiguous_customer.
    const got = await outcomeEitherOrder({
      customers: [C1, C2, C3, C4, C5],
      invoices: [C1, C2, C3, C4, C5].map((c, n) => ({ no: `I${n + 1}`, customer: c, amount: 101 + n })),
      payments: [
        { txn: 'T1', amount: 101, code: C1, memo: vietqr(C2, { sub: '01' }) },
        { txn: 'T2', amount: 102, code: C3, memo: `CK ${vietqr(C2, { sub: '08' })} tien dien` },
        // An unknown code in the field gives way to the payload's real one.
        { txn: 'T3', amount: 103, code: 'PE0100999999', memo: vietqr(C3, { sub: '05' }) },
        { txn: 'T4', amount: 150, code: C4, memo: vietqr(C5, { sub: '01' }) },
        // The payload names the field's own customer: no conflict.
        { txn: 'T5', amount: 105, code: C5, memo: vietqr(C5, { sub: '01' }) },
      ],
    });
    expect(got).toEqual({
      alloc: [
        'VCB:T1 I1 101 amount_equals_invoice',
        'VCB:T2 I2 102 amount_equals_invoice',
        'VCB:T3 I3 103 amount_equals_invoice',
        'VCB:T5 I5 105 amount_equals_invoice',
      ],
      exc: ['VCB:T4 ambiguous_customer 150'],
    });
    const db = await fresh({
      customers: [C4, C5],
      invoices: [{ no: 'I4', customer: C4, amount: 104 }, { no: 'I5', customer: C5, amount: 105 }],
      payments: [{ txn: 'T4', amount: 150, code: C4, memo: vietqr(C5, { sub: '01' }) }],
    });
    await match(db);
    const why = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'T4' }))?.records[0]?.rules.find((r) => r.rule === '8 code in memo')?.why;
    expect(why).toMatch(new RegExp(`names customers ${C4}, ${C5} and none of them has an invoice of exactly this amount`));
    // Explain says why the field's customer was taken over the payload's.
    const one = await fresh({ customers: [C1, C2], invoices: [{ no: 'I1', customer: C1, amount: 101 }, { no: 'I2', customer: C2, amount: 102 }],
      payments: [{ txn: 'T1', amount: 101, code: C1, memo: vietqr(C2, { sub: '01' }) }] });
    await match(one);
    expect((await explainPayment(one, { partnerId: 'VCB', txnRef: 'T1' }))?.records[0]?.rules.find((r) => r.rule === '8 code in memo')?.why).toBe(
      `code ${C1} from the customer code field; the memo's VietQR payload names another customer, and only ${C1} has an invoice of exactly this amount`,
    );
  });

  it('a mistyped code one character from two real codes that both owe the amount: suggested, never applied, at lower confidence, the same invoice in any load order', async () => {
    const [N11, N13, N21] = ['PE0100000011', 'PE0100000013', 'PE0100000021'];
    const world: World = {
      customers: [N11, N13, N21],
      invoices: [
        { no: 'X11', customer: N11, amount: 500, period: '2026-01' },
        // Older: the suggestion names the oldest invoice that fits, whichever customer holds it.
        { no: 'X13', customer: N13, amount: 500, period: '2025-12' },
        { no: 'X21', customer: N21, amount: 700, period: '2026-01' },
      ],
      payments: [
        // PE0100000012: one substitution from N11 and from N13 (and from no one owing 500 else).
        { txn: 'T1', amount: 500, code: 'PE0100000012', at: '2026-02-01T10:00:00' },
        // PE0100000103 is a transposition of N13's code ("01" for "10"), and two characters from N11: one fits.
        { txn: 'T2', amount: 500, code: 'PE0100000103', at: '2026-02-01T10:00:00' },
        // PE0100000027: one from N21 only, which owes 700, not 500: nothing fits.
        { txn: 'T4', amount: 500, code: 'PE0100000027', at: '2026-02-01T10:00:00' },
        // One neighbour fits.
        { txn: 'T3', amount: 700, code: 'PE0100000022', at: '2026-02-01T10:00:00' },
      ],
    };
    expect(await outcomeEitherOrder(world)).toEqual({
      alloc: [],
      exc: ['VCB:T1 suggested_match 500 → X13', 'VCB:T2 suggested_match 500 → X13', 'VCB:T3 suggested_match 700 → X21', 'VCB:T4 unknown_customer 500'],
    });
    const db = await fresh(world);
    await match(db);
    const sure = await db.all<{ txn_ref: string; confidence: number; detail: string }>(
      `SELECT p.txn_ref, e.confidence, e.detail FROM exceptions e JOIN payments p USING (payment_id) WHERE e.reason = 'suggested_match' ORDER BY 1`,
    );
    expect(sure.map((r) => [r.txn_ref, r.confidence])).toEqual([['T1', 0.5], ['T2', 0.9], ['T3', 0.9]]);
    expect(sure[0]!.detail).toMatch(/\(2 customers fit: PE0100000011 on invoice X11, PE0100000013 on invoice X13\)/);
  });
});

describe('local midnight at the boundaries (Asia/Ho_Chi_Minh, UTC+7)', () => {
  // Times are local wall clock; each pair straddles a local midnight that is 17:00 UTC the day before,
  // so a UTC date would put every second one on the wrong side.
  const world: World = {
    partners: PARTNERS,
    customers: [C1, C2],
    invoices: [
      { no: 'F1', customer: C1, amount: 1000, period: '2026-02', issued_on: '2026-02-05' },
      { no: 'F2', customer: C2, amount: 1000, period: '2026-02', issued_on: '2026-02-05' },
    ],
    payments: [
      // Unknown codes: exceptions aged to 2026-03-31 (README: 0–7, 8–30, 31–90, >90 days).
      ...(
        [
          ['E0', '2026-03-31T23:59:59'],
          ['E7', '2026-03-24T00:00:00'],
          ['E8', '2026-03-23T23:59:59'],
          ['E30', '2026-03-01T00:00:00'],
          ['E31', '2026-02-28T23:59:59'],
          ['E90', '2025-12-31T00:00:00'],
          ['E91', '2025-12-30T23:59:59'],
          ['LATE', '2026-04-01T00:00:00'],
        ] as const
      ).map(([txn, at]) => ({ txn, amount: 10, code: 'PZ9', at })),
      // The partner window of February (its payments paid in February, local time).
      { txn: 'W1', amount: 100, code: C1, at: '2026-01-31T23:59:59' },
      { txn: 'W2', amount: 100, code: C1, at: '2026-02-01T00:00:00' },
      { txn: 'W3', amount: 100, code: C1, at: '2026-02-28T23:59:59' },
      { txn: 'W4', amount: 100, code: C1, at: '2026-03-01T00:00:00' },
      // As of 2026-03-31: 23:30 local on the as-of day counts; 06:00 local the day after (23:00 UTC
      // on the as-of date) does not.
      { txn: 'K1', partner: 'MOMO', instrument: 'ewallet', amount: 300, code: C2, at: '2026-03-31T23:30:00' },
      { txn: 'K2', partner: 'MOMO', instrument: 'ewallet', amount: 700, code: C2, at: '2026-04-01T06:00:00' },
    ],
  };
  const expected = [
    ['E91', 91, '>90'],
    ['E90', 90, '31-90'],
    ['E31', 31, '31-90'],
    ['E30', 30, '8-30'],
    ['E8', 8, '8-30'],
    ['E7', 7, '0-7'],
    ['E0', 0, '0-7'],
  ];

  it('ages the queue, the report and the export from the local paid date, each bucket closed at its upper bound', async () => {
    const db = await fresh(world);
    await match(db, '2026-03-31');
    const queue = await exceptionQueue(db, { asOf: '2026-03-31' });
    expect(queue.map((r) => [r.txn_ref, Number(r.age_days), r.aging])).toEqual(expected);

    const k = await computeKpis(db, '2026-02', '2026-03-31');
    expect(k.exceptions.by_reason_age).toEqual([
      { reason: 'unknown_customer', age_bucket: '0-7', exceptions: 2, amount_vnd: 20 },
      { reason: 'unknown_customer', age_bucket: '8-30', exceptions: 2, amount_vnd: 20 },
      { reason: 'unknown_customer', age_bucket: '31-90', exceptions: 2, amount_vnd: 20 },
      { reason: 'unknown_customer', age_bucket: '>90', exceptions: 1, amount_vnd: 10 },
    ]);
    const ages = new Map(k.exceptions.largest.map((e) => [e.txn_ref, e.age_days]));
    expect(expected.map(([txn]) => ages.get(txn as string))).toEqual(expected.map(([, age]) => age));

    const out = join(mkdtempSync(join(tmpdir(), 'recon-sweep3-')), 'exceptions.json');
    await runExport(db, { dataset: 'exceptions', period: '2026-02', asOf: '2026-03-31', format: 'json', out });
    const exported = JSON.parse(readFileSync(out, 'utf8')) as Array<{ txn_ref: string; age_days: number; age_bucket: string }>;
    expect(
      exported
        .map((r) => [r.txn_ref, r.age_days, r.age_bucket])
        .sort((a, b) => Number(b[1]) - Number(a[1])),
    ).toEqual(expected);
  });

  it('puts a payment in the partner window of its local month and counts allocations up to the end of the local as-of day', async () => {
    const db = await fresh(world);
    await match(db, '2026-03-31');
    const k = await computeKpis(db, '2026-02', '2026-03-31');
    // February's window: W2, W3 and the February unknown-code payments (E31: 28 Feb 23:59:59).
    expect(k.partner_scorecard.find((p) => p.partner_id === 'VCB')?.payments).toBe(3);
    // F1: W1 (paid in January: an advance, counted) … W4 all counted; F2: K1 only.
    expect(k.headline.counts).toMatchObject({ invoices: 2, invoiced_vnd: 2000, allocated_vnd: 700, invoices_settled: 0 });
    expect(k.headline.counts.cashless_allocated_vnd).toBe(700);
  });
});

describe('KPI formulas with refunds, reversals, duplicates and credits present (2026-01 as of 2026-02-28)', () => {
  const jan = (no: string, customer: string, amount: number) => ({ no, customer, amount, period: '2026-01', issued_on: '2026-01-05' });
  const world: World = {
    partners: PARTNERS,
    customers: [C1, C2, C3, C4, C5],
    invoices: [
      jan('I1', C1, 100),
      jan('I2', C2, 200),
      jan('I3', C3, 300),
      jan('I4', C4, 400),
      { no: 'H5', customer: C5, amount: 50, period: '2025-12', issued_on: '2025-12-05' },
      jan('I5', C5, 500),
    ],
    payments: [
      // Credit: only what pays I1 counts (DOMAIN: allocations), not the 50 over.
      { txn: 'M1', partner: 'MOMO', instrument: 'ewallet', amount: 150, code: C1, at: '2026-01-08T10:00:00' },
      // Cash at an agent, then the same bill again by transfer: a duplicate, allocated nothing.
      { txn: 'G2', partner: 'AG', instrument: 'cash', amount: 200, code: C2, at: '2026-01-10T10:00:00' },
      { txn: 'V2', partner: 'VCB', amount: 200, code: C2, at: '2026-01-12T10:00:00' },
      // Partly refunded transfer (200 kept), the rest in cash: I3 settled, C3 not all-cashless.
      { txn: 'V3', partner: 'VCB', amount: 300, code: C3, at: '2026-01-05T10:00:00' },
      { txn: 'RF3', partner: 'VCB', kind: 'refund', reverses: 'V3', amount: 100, at: '2026-01-20T10:00:00' },
      { txn: 'G3', partner: 'AG', instrument: 'cash', amount: 100, code: C3, at: '2026-01-25T10:00:00' },
      // Reversed after the as-of date: void all the same; the e-wallet payment after it takes I4.
      { txn: 'V4', partner: 'VCB', amount: 400, code: C4, at: '2026-01-06T10:00:00' },
      { txn: 'RV4', partner: 'VCB', kind: 'reversal', reverses: 'V4', amount: 400, at: '2026-03-10T10:00:00' },
      { txn: 'M4', partner: 'MOMO', instrument: 'ewallet', amount: 400, code: C4, at: '2026-01-20T10:00:00' },
      // Cash at a bank counter: bank channel, not cashless; December's arrears first.
      { txn: 'V5', partner: 'VCB', instrument: 'cash', amount: 300, code: C5, at: '2026-01-15T10:00:00' },
    ],
  };

  it('matches as DOMAIN says', async () => {
    expect(await outcomeEitherOrder(world, '2026-02-28')).toEqual({
      alloc: [
        'AG:G2 I2 200 amount_equals_invoice',
        'AG:G3 I3 100 amount_equals_invoice',
        'MOMO:M1 I1 100 overpayment',
        'MOMO:M4 I4 400 amount_equals_invoice',
        'VCB:V3 I3 200 oldest_first_partial',
        'VCB:V5 H5 50 oldest_first_partial',
        'VCB:V5 I5 250 oldest_first_partial',
      ],
      exc: ['MOMO:M1 overpayment_credit 50', 'VCB:V2 duplicate_payment 200 → I2'],
    });
  });

  it('counts every KPI by the glossary\'s exact formulas', async () => {
    const db = await fresh(world);
    await match(db, '2026-02-28');
    const k = await computeKpis(db, '2026-01', '2026-02-28');
    expect(k.headline.counts).toEqual({
      invoices: 5,
      invoiced_vnd: 1500,
      allocated_vnd: 1250, // I1 100, I2 200, I3 200 + 100, I4 400, I5 250 (H5 is December's)
      invoices_settled: 4, // I1 I2 I3 I4
      invoices_with_allocation: 5,
      invoices_by_group: { bank: 2, intermediary: 2, retail_agent: 1, evn_counter: 0 }, // I3 (200 > 100), I5 | I1, I4 | I2
      allocated_vnd_by_group: { bank: 450, intermediary: 500, retail_agent: 300, evn_counter: 0 },
      customers_by_group: { bank: 2, intermediary: 2, retail_agent: 2, evn_counter: 0 }, // C3 C5 | C1 C4 | C2 C3
      cashless_allocated_vnd: 700, // M1 100 + M4 400 + V3 200
      customers_with_allocation: 5,
      customers_all_cashless: 2, // C1, C4
    });
    expect(k.headline.ratios).toEqual({
      collection_rate_amount: 0.833333,
      collection_rate_count: 0.8,
      channel_share_invoices: { bank: 0.4, intermediary: 0.4, retail_agent: 0.2, evn_counter: 0 },
      channel_share_amount: { bank: 0.36, intermediary: 0.4, retail_agent: 0.24, evn_counter: 0 },
      cashless_share_amount: 0.56,
      cashless_share_customers: 0.4,
    });
    // The same document whatever order the rows were loaded in (payment_id breaks no tie).
    const backward = await fresh(reversed(world));
    await match(backward, '2026-02-28');
    expect(await computeKpis(backward, '2026-01', '2026-02-28')).toEqual(k);
    // December's arrears count in December.
    expect((await computeKpis(db, '2025-12', '2026-01-31')).headline.counts).toMatchObject({ invoices: 1, invoiced_vnd: 50, allocated_vnd: 50, invoices_settled: 1, cashless_allocated_vnd: 0 });
  });
});

describe('amounts of 0 đ and negative amounts, from the file to the match', () => {
  it('rejects 0 đ; reads a negative amount as a reversal: of the payment whose id it reuses, else an orphan', async () => {
    const s = new Scratch();
    s.profile({ ...BASE_PROFILE, fields: { ...BASE_PROFILE.fields, amount: { column: 'amount', format: { grouping: '.', allow_negative: true } } } });
    s.file('T_1.csv', [
      HEADER,
      `A1,01/03/2026 08:00:00,${C1},tt,100`,
      `Z0,01/03/2026 08:05:00,${C1},zero,0`,
      `A1,05/03/2026 08:00:00,${C1},huy,-100`,
      `N1,06/03/2026 08:00:00,${C2},hoan,-200`,
      `A2,07/03/2026 08:00:00,${C1},tt lai,100`,
    ].join('\n'));
    const db = await fresh({
      customers: [C1, C2],
      invoices: [
        { no: 'I1', customer: C1, amount: 100, period: '2026-02' },
        { no: 'I2', customer: C2, amount: 200, period: '2026-02' },
      ],
    });
    const run = await Run.start(db, 'test', {}, join(tmpdir(), 'recon-test-out'));
    const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(summary.files.map((f) => [f.records_read, f.records_loaded, f.records_rejected])).toEqual([[5, 4, 1]]);
    expect(await db.all('SELECT line_no, reason FROM rejects')).toEqual([{ line_no: 3n, reason: 'bad_amount' }]);
    await match(db, '2026-03-31');
    // A1 is void (reversed: its reversal reuses its id), so A2 pays I1; N1 names no payment of the partner.
    expect(await rows(db)).toEqual({ alloc: ['bank-t:A2 I1 100 amount_equals_invoice'], exc: ['bank-t:N1 orphan_reversal 200'] });
  });
});

describe('a dismissal keeps the money it closed out of later matches', () => {
  // A duplicate_payment an auditor dismissed ("refund done": the money went back outside any
  // partner file) used to compete again when the next bill was loaded: matching from scratch let it,
  // the earlier payment, take February's bill, and the customer's own February payment became the
  // duplicate; February's KPIs counted refunded money as collected. A dismissal now records the
  // exception it closed (reason, amount, related invoice: migration 015), and every match keeps
  // that money out of the rules.
  it('the documented way, unmatch then dismiss, keeps a refunded duplicate out of the next bill', async () => {
    const db = await fresh({
      customers: [C1],
      invoices: [{ no: 'O1', customer: C1, amount: 100, period: '2026-01' }],
      payments: [
        { txn: 'G1', partner: 'AG', amount: 100, code: C1, at: '2026-01-10T10:00:00' },
        { txn: 'V1', amount: 100, code: C1, at: '2026-01-12T10:00:00' },
      ],
    });
    await match(db);
    for (const action of ['unmatch', 'dismiss'] as const) {
      await recordDecision(db, { action, payment: { partnerId: 'VCB', txnRef: 'V1' }, by: 'auditor', reason: 'refund done', runId: 'test' });
    }
    await load(db, {
      invoices: [{ no: 'N1', customer: C1, amount: 100, period: '2026-02' }],
      payments: [{ txn: 'V2', amount: 100, code: C1, at: '2026-02-12T10:00:00' }],
    });
    await match(db);
    expect(await rows(db)).toEqual({
      alloc: ['AG:G1 O1 100 amount_equals_invoice', 'VCB:V2 N1 100 amount_equals_invoice'],
      exc: ['VCB:V1 auditor_unmatched 100 (dismissed)'],
    });
  });

  it('a duplicate dismissed as refunded does not pay the next bill', async () => {
    const db = await fresh({
      customers: [C1],
      invoices: [{ no: 'O1', customer: C1, amount: 100, period: '2026-01' }],
      payments: [
        { txn: 'G1', partner: 'AG', amount: 100, code: C1, at: '2026-01-10T10:00:00' },
        { txn: 'V1', amount: 100, code: C1, at: '2026-01-12T10:00:00' },
      ],
    });
    await match(db);
    await recordDecision(db, { action: 'dismiss', payment: { partnerId: 'VCB', txnRef: 'V1' }, by: 'auditor', reason: 'refund done', runId: 'test' });
    await load(db, {
      invoices: [{ no: 'N1', customer: C1, amount: 100, period: '2026-02' }],
      payments: [{ txn: 'V2', amount: 100, code: C1, at: '2026-02-12T10:00:00' }],
    });
    await match(db);
    expect(await rows(db)).toEqual({
      alloc: ['AG:G1 O1 100 amount_equals_invoice', 'VCB:V2 N1 100 amount_equals_invoice'],
      exc: ['VCB:V1 duplicate_payment 100 → O1 (dismissed)'],
    });
    const steps = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'V1' }))!.records[0]!.rules.map((r) => `${r.rule} | ${r.why}`);
    expect(steps.at(-1)).toBe(
      '2 auditor decision (dismiss) | decision #1 dismissed the duplicate_payment exception of 100 đ the payment had then: that money was dealt with outside recon (refunded, posted by hand) and every match since keeps it out of the rules; nothing is left to allocate',
    );
  });

  it('a dismissed credit stays out of the next bill while the allocated part stays; an unknown customer dismissed stays out once billed', async () => {
    const db = await fresh({
      customers: [C1],
      invoices: [{ no: 'O1', customer: C1, amount: 100, period: '2026-01' }],
      payments: [
        { txn: 'P1', amount: 130, code: C1, at: '2026-01-10T10:00:00' }, // 30 đ credit, refunded
        { txn: 'U1', amount: 70, code: C2, at: '2026-01-11T10:00:00' }, // C2 not billed yet: refunded to the payer
      ],
    });
    await match(db);
    expect(await rows(db)).toEqual({ alloc: ['VCB:P1 O1 100 overpayment'], exc: ['VCB:P1 overpayment_credit 30', 'VCB:U1 unknown_customer 70'] });
    for (const txnRef of ['P1', 'U1']) {
      await recordDecision(db, { action: 'dismiss', payment: { partnerId: 'VCB', txnRef }, by: 'auditor', reason: 'refund done', runId: 'test' });
    }
    await load(db, {
      customers: [C2],
      invoices: [
        { no: 'N1', customer: C1, amount: 100, period: '2026-02' },
        { no: 'N2', customer: C2, amount: 70, period: '2026-02' },
      ],
      payments: [{ txn: 'V2', amount: 100, code: C1, at: '2026-02-12T10:00:00' }],
    });
    await match(db);
    expect(await rows(db)).toEqual({
      alloc: ['VCB:P1 O1 100 amount_equals_invoice', 'VCB:V2 N1 100 amount_equals_invoice'],
      exc: ['VCB:P1 overpayment_credit 30 (dismissed)', 'VCB:U1 unknown_customer 70 (dismissed)'],
    });
    // N2 stays open: the refunded 70 đ is not a payment of it.
    expect(await db.all(`SELECT count(*) AS n FROM allocations WHERE invoice_no = 'N2'`)).toEqual([{ n: 0n }]);
    const p1 = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'P1' }))!.records[0]!.rules.map((r) => r.why);
    expect(p1.at(-1)).toMatch(/dismissed the overpayment_credit exception of 30 đ .* the rest, 100 đ, went through the rules above$/);
  });
});
