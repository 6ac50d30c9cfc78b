// Review of two changes, written from DOMAIN.md and README "Matching":
//  - rule 3: a reference or memo naming several invoices of one customer pays exactly those invoices
//    (oldest first among them, the rest by rules 4-7), with time deciding between payments that
//    compete for them;
//  - a dismissal records the exception it closes and every later match keeps that money out of
//    the rules (two dismissals in a row, reopening, every kind of exception, refunds and reversals
//    arriving after it, decide's note, explain, exports and KPIs).
// Worlds whose outcome the load order could change are matched loaded in both orders.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisionEffect } from '../../src/commands/decide.ts';
import type { Database } from '../../src/db/database.ts';
import { recordDecision, type DecisionAction } from '../../src/match/decisions.ts';
import { explainPayment } from '../../src/match/explain.ts';
import { runExport } from '../../src/reports/export.ts';
import { computeKpis } from '../../src/reports/kpis.ts';
import { allocations, exceptions, exceptionText, freshWorlds, load, match, reversedWorld, type World } from './fixture.ts';

const fresh = freshWorlds();

async function rows(db: Database) {
  return {
    alloc: (await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.amount} ${a.rule} ${a.confidence}`),
    exc: (await exceptions(db)).map(exceptionText),
  };
}

const reversed = reversedWorld;

/** The world's outcome, checked to be the same when its rows are loaded in the opposite order. */
async function outcomeEitherOrder(world: World) {
  const forward = await fresh(world);
  await match(forward);
  const backward = await fresh(reversed(world));
  await match(backward);
  const got = await rows(forward);
  expect(await rows(backward)).toEqual(got);
  return got;
}

const steps = async (db: Database, txnRef: string, partnerId = 'VCB') =>
  (await explainPayment(db, { partnerId, txnRef }))!.records[0]!.rules.map((r) => `${r.rule} | ${r.why}`);

const decide = (db: Database, action: DecisionAction, txnRef: string, invoiceNo?: string) =>
  recordDecision(db, { action, payment: { partnerId: 'VCB', txnRef }, ...(invoiceNo ? { invoiceNo } : {}), by: 'auditor', reason: 'refund done', runId: 'test' });

const K = 'PE0100000001';
const K2 = 'PE0100000002';
const K3 = 'PE0100000003';
// Customer K owes A (oldest), B and C; K2 owes D.
const [A, B, C, D] = ['261000000001', '261100000002', '261200000003', '261200000009'];
const billed: World = {
  customers: [K, K2],
  invoices: [
    { no: A, customer: K, amount: 100, period: '2026-10' },
    { no: B, customer: K, amount: 120, period: '2026-11' },
    { no: C, customer: K, amount: 130, period: '2026-12' },
    { no: D, customer: K2, amount: 500, period: '2026-12' },
  ],
};
const at = (day: number) => `2026-12-${String(day).padStart(2, '0')}T08:00:00`;

describe('rule 3: a reference naming several invoices of one customer, against time', () => {
  it('an earlier payment naming B keeps B; a later one naming B and C pays C and the rest by rules 4-7; a code-only payment takes what is left when its turn comes', async () => {
    expect(await outcomeEitherOrder({
      ...billed,
      payments: [
        { txn: 'T1', amount: 120, ref: B, at: at(1) },
        { txn: 'T2', amount: 250, ref: `${B} ${C}`, at: at(2) },
        { txn: 'T3', amount: 100, code: K, at: at(3) },
      ],
    })).toEqual({
      alloc: [
        `VCB:T1 ${B} 120 invoice_ref 1`,
        // Rule 7 through a reference: 0.85 × 0.95.
        `VCB:T2 ${A} 100 overpayment 0.8075`,
        `VCB:T2 ${C} 130 invoice_ref 0.97`,
      ],
      // T3 came last: K's invoices were settled by earlier payments.
      exc: ['VCB:T2 overpayment_credit 20', 'VCB:T3 duplicate_payment 100 → ' + A],
    });
  });

  it('a code-only payment earlier than the several-invoice one takes what rule 4 gives it, even a named invoice; later, only what is left', async () => {
    // T0 (code only, amount of B) comes first: rule 4 gives it B. T1 named B and C: C, and its
    // rest goes to A (time decides who gets a residual, whichever rule found it).
    expect(await outcomeEitherOrder({
      ...billed,
      payments: [
        { txn: 'T0', amount: 120, code: K, at: at(1) },
        { txn: 'T1', amount: 250, memo: `TT ${B} ${C}`, at: at(2) },
      ],
    })).toEqual({
      alloc: [`VCB:T0 ${B} 120 amount_equals_invoice 0.98`, `VCB:T1 ${A} 100 overpayment 0.8075`, `VCB:T1 ${C} 130 invoice_ref 0.9215`],
      exc: ['VCB:T1 overpayment_credit 20'],
    });
    // The same payments the other way round in time: the named invoices go to T1, A to T0.
    expect(await outcomeEitherOrder({
      ...billed,
      payments: [
        { txn: 'T0', amount: 100, code: K, at: at(3) },
        { txn: 'T1', amount: 250, memo: `TT ${B} ${C}`, at: at(2) },
      ],
    })).toEqual({
      alloc: [`VCB:T0 ${A} 100 amount_equals_invoice 0.98`, `VCB:T1 ${B} 120 invoice_ref 0.9215`, `VCB:T1 ${C} 130 invoice_ref 0.9215`],
      exc: [],
    });
  });

  it('same instant: partner id, then transaction id as a number, decide which payment takes B', async () => {
    expect(await outcomeEitherOrder({
      ...billed,
      payments: [
        { txn: '10', amount: 250, ref: `${B} ${C}`, at: at(2) },
        { txn: '9', amount: 120, ref: B, at: at(2) },
      ],
    })).toEqual({
      alloc: [`VCB:10 ${A} 100 overpayment 0.8075`, `VCB:10 ${C} 130 invoice_ref 0.97`, `VCB:9 ${B} 120 invoice_ref 1`],
      exc: ['VCB:10 overpayment_credit 20'],
    });
  });

  it('oldest first among the named by period, not by id; partial and over amounts; a code field of the same customer changes nothing', async () => {
    // Ids sort against the periods: X (2026-10) > Z (2026-12) as text.
    const world: World = {
      customers: [K],
      invoices: [
        { no: '991000000001', customer: K, amount: 100, period: '2026-10' },
        { no: '551100000002', customer: K, amount: 120, period: '2026-11' },
        { no: '111200000003', customer: K, amount: 130, period: '2026-12' },
      ],
    };
    expect(await outcomeEitherOrder({ ...world, payments: [{ txn: 'T1', amount: 150, ref: '111200000003 991000000001' }] })).toEqual({
      alloc: ['VCB:T1 111200000003 50 invoice_ref 0.97', 'VCB:T1 991000000001 100 invoice_ref 0.97'],
      exc: [],
    });
    expect(await outcomeEitherOrder({ ...world, payments: [{ txn: 'T1', amount: 400, code: K, ref: '111200000003 991000000001' }] })).toEqual({
      alloc: ['VCB:T1 111200000003 130 invoice_ref 0.97', 'VCB:T1 551100000002 120 overpayment 0.8075', 'VCB:T1 991000000001 100 invoice_ref 0.97'],
      exc: ['VCB:T1 overpayment_credit 50'],
    });
  });

  it('named invoices all settled by earlier payments: duplicate_payment whose related invoice is one it named; explain says they were settled', async () => {
    const world: World = {
      ...billed,
      payments: [
        { txn: 'T0', amount: 250, ref: `${B} ${C}`, at: at(1) },
        { txn: 'T9', amount: 100, code: K, at: at(1) },
        { txn: 'T1', amount: 250, ref: `${B} ${C}`, at: at(2) },
      ],
    };
    // Before, no related invoice (none of K's invoices is of 250 đ): the refunds export named none.
    expect(await outcomeEitherOrder(world)).toEqual({
      alloc: [`VCB:T0 ${B} 120 invoice_ref 0.97`, `VCB:T0 ${C} 130 invoice_ref 0.97`, `VCB:T9 ${A} 100 amount_equals_invoice 0.98`],
      exc: [`VCB:T1 duplicate_payment 250 → ${C}`],
    });
    // One of the named of exactly its amount is the one.
    expect((await outcomeEitherOrder({ ...world, payments: [...world.payments!.slice(0, 2), { txn: 'T1', amount: 120, ref: `${C} ${B}`, at: at(2) }] })).exc).toEqual([
      `VCB:T1 duplicate_payment 120 → ${B}`,
    ]);
    const db = await fresh(world);
    await match(db);
    expect((await steps(db, 'T1')).find((s) => s.startsWith('3 '))).toBe(
      `3 invoice reference | reference "${B} ${C}" names several invoices (${B} of ${K}, ${C} of ${K}), all of customer ${K}: the payment is that customer's; the invoices named were already settled by earlier payments`,
    );
  });

  it('a match decision on the same payment comes first: its invoice is the target, the rest by rules 4-7; explain says so', async () => {
    const world: World = { ...billed, payments: [{ txn: 'T1', amount: 250, ref: `${B} ${C}` }] };
    const db = await fresh(world);
    await match(db);
    await decide(db, 'match', 'T1', D);
    await match(db);
    expect(await rows(db)).toEqual({ alloc: [`VCB:T1 ${D} 250 decision 1`], exc: [] });
    expect((await steps(db, 'T1')).find((s) => s.startsWith('3 '))).toBe(
      `3 invoice reference | reference "${B} ${C}" names several invoices (${B} of ${K}, ${C} of ${K}), all of customer ${K}: the payment is that customer's; decision #1 names invoice ${D}, and a decision comes first (rule 2)`,
    );
    // A decision naming one of the named: that one by the decision, the rest by the rules (rule 4 here).
    const db2 = await fresh(world);
    await decide(db2, 'match', 'T1', C);
    await match(db2);
    expect(await rows(db2)).toEqual({ alloc: [`VCB:T1 ${B} 120 amount_equals_invoice 0.931`, `VCB:T1 ${C} 130 decision 1`], exc: [] });
  });

  it('a reversal voids it and the named invoices stay open for others; a partial refund lowers what the named invoices get', async () => {
    expect(await outcomeEitherOrder({
      ...billed,
      payments: [
        { txn: 'T1', amount: 250, ref: `${B},${C}`, at: at(1) },
        { txn: 'T2', amount: 120, code: K, at: at(2) },
        { txn: 'R1', kind: 'reversal', reverses: 'T1', amount: 250, at: at(5) },
      ],
    })).toEqual({ alloc: [`VCB:T2 ${B} 120 amount_equals_invoice 0.98`], exc: [] });
  });

  it('a partial refund of it: the older named invoice in full, the newer partially, A untouched', async () => {
    expect(await outcomeEitherOrder({
      ...billed,
      payments: [
        { txn: 'T1', amount: 250, ref: `${B},${C}`, at: at(1) },
        { txn: 'F1', kind: 'refund', reverses: 'T1', amount: 50, at: at(5) },
      ],
    })).toEqual({ alloc: [`VCB:T1 ${B} 120 invoice_ref 0.97`, `VCB:T1 ${C} 80 invoice_ref 0.97`], exc: [] });
  });

  it('invoices of two customers, or a known code naming another customer: not several (the code routes it, as README says)', async () => {
    expect(await outcomeEitherOrder({
      ...billed,
      payments: [
        { txn: 'T1', amount: 250, memo: `TT ${B} ${D}` },
        { txn: 'T2', amount: 250, code: K2, ref: `${B} ${C}` },
      ],
    })).toEqual({ alloc: [`VCB:T2 ${D} 250 oldest_first_partial 0.9`], exc: ['VCB:T1 unknown_customer 250'] });
  });
});

describe('a dismissal keeps what it closed out of the rules: the cases around it', () => {
  const dupWorld: World = {
    customers: [K],
    invoices: [{ no: 'O1', customer: K, amount: 100, period: '2026-01' }],
    payments: [
      { txn: 'G1', amount: 100, code: K, at: '2026-01-10T10:00:00' },
      { txn: 'V1', amount: 100, code: K, at: '2026-01-12T10:00:00' },
    ],
  };

  it('two dismissals in a row: the second closes nothing and says so; explain shows the first (it failed with a TypeError before)', async () => {
    const db = await fresh(dupWorld);
    await match(db);
    const first = await decide(db, 'dismiss', 'V1');
    await match(db);
    expect(await decisionEffect(db, { partnerId: 'VCB', txnRef: 'V1' }, first, 'dismiss')).toBeNull();
    const second = await decide(db, 'dismiss', 'V1');
    await match(db);
    expect(await rows(db)).toEqual({ alloc: ['VCB:G1 O1 100 amount_equals_invoice 0.98'], exc: ['VCB:V1 duplicate_payment 100 → O1 (dismissed)'] });
    expect(await decisionEffect(db, { partnerId: 'VCB', txnRef: 'V1' }, second, 'dismiss')).toBe('the payment has no exception to close (a later one will be closed by it)');
    expect((await steps(db, 'V1')).at(-1)).toBe(
      '2 auditor decision (dismiss) | decision #1 dismissed the duplicate_payment exception of 100 đ the payment had then: that money was dealt with outside recon (refunded, posted by hand) and every match since keeps it out of the rules; nothing is left to allocate',
    );
  });

  it('a credit dismissed, then an earlier payment makes the rest a duplicate: each dismissal keeps its own exception as it was; a dismissal that recorded nothing closes the new one without failing the data tests', async () => {
    const world: World = {
      customers: [K],
      invoices: [{ no: 'O1', customer: K, amount: 100, period: '2026-01' }],
      payments: [{ txn: 'P1', amount: 130, code: K, at: '2026-01-10T10:00:00' }],
    };
    const earlier: World = { payments: [{ txn: 'P0', partner: 'AG', amount: 100, code: K, at: '2026-01-05T10:00:00' }] };
    // (a) the second dismissal recorded when nothing was open: before, the match failed the data test payment_unaccounted.
    const a = await fresh(world);
    await match(a);
    await decide(a, 'dismiss', 'P1');
    await match(a);
    await decide(a, 'dismiss', 'P1');
    await load(a, earlier);
    await match(a);
    expect(await rows(a)).toEqual({
      alloc: ['AG:P0 O1 100 amount_equals_invoice 0.98'],
      exc: ['VCB:P1 duplicate_payment 100 → O1 (dismissed)', 'VCB:P1 overpayment_credit 30 (dismissed)'],
    });
    // (b) the second dismissal of the open duplicate: before, both were one row, 'duplicate_payment 130'.
    const b = await fresh(world);
    await match(b);
    await decide(b, 'dismiss', 'P1');
    await load(b, earlier);
    await match(b);
    expect((await rows(b)).exc).toEqual(['VCB:P1 duplicate_payment 100 → O1', 'VCB:P1 overpayment_credit 30 (dismissed)']);
    await decide(b, 'dismiss', 'P1');
    await match(b);
    expect((await rows(b)).exc).toEqual(['VCB:P1 duplicate_payment 100 → O1 (dismissed)', 'VCB:P1 overpayment_credit 30 (dismissed)']);
    expect((await steps(b, 'P1')).slice(-2)).toEqual([
      '2 auditor decision (dismiss) | decision #1 dismissed the overpayment_credit exception of 30 đ the payment had then: that money was dealt with outside recon (refunded, posted by hand) and every match since keeps it out of the rules',
      '2 auditor decision (dismiss) | decision #2 dismissed the duplicate_payment exception of 100 đ the payment had then: that money was dealt with outside recon (refunded, posted by hand) and every match since keeps it out of the rules; nothing is left to allocate',
    ]);
    // The exceptions export lists both, dismissed, in a stable order.
    const out = join(mkdtempSync(join(tmpdir(), 'recon-review-s11-')), 'exceptions.json');
    await runExport(b, { dataset: 'exceptions', period: '2026-01', asOf: '2026-02-28', format: 'json', out });
    const exported = JSON.parse(readFileSync(out, 'utf8')) as Array<{ txn_ref: string; reason: string; status: string; amount_vnd: number }>;
    expect(exported.map((e) => `${e.txn_ref} ${e.reason} ${e.amount_vnd} ${e.status}`)).toEqual([
      'P1 duplicate_payment 100 dismissed',
      'P1 overpayment_credit 30 dismissed',
    ]);
  });

  it('dismiss, then match, then dismiss, then unmatch: each routing decision reopens the question', async () => {
    const db = await fresh({
      ...dupWorld,
      invoices: [...dupWorld.invoices!, { no: 'O2', customer: K, amount: 100, period: '2026-02' }],
      payments: [...dupWorld.payments!, { txn: 'V0', amount: 100, code: K, at: '2026-01-11T10:00:00' }],
    });
    await match(db);
    expect((await rows(db)).exc).toEqual(['VCB:V1 duplicate_payment 100 → O2']);
    await decide(db, 'dismiss', 'V1');
    await match(db);
    expect((await rows(db)).exc).toEqual(['VCB:V1 duplicate_payment 100 → O2 (dismissed)']);
    // The auditor matches it to O2 after all: the dismissal no longer holds; the time rule still does (V0 took O2).
    await decide(db, 'match', 'V1', 'O2');
    await match(db);
    expect(await rows(db)).toEqual({
      alloc: ['VCB:G1 O1 100 amount_equals_invoice 0.98', 'VCB:V0 O2 100 amount_equals_invoice 0.98'],
      exc: ['VCB:V1 duplicate_payment 100 → O2'],
    });
    await decide(db, 'dismiss', 'V1');
    await match(db);
    expect((await rows(db)).exc).toEqual(['VCB:V1 duplicate_payment 100 → O2 (dismissed)']);
    await decide(db, 'unmatch', 'V1');
    await match(db);
    expect((await rows(db)).exc).toEqual(['VCB:V1 auditor_unmatched 100']);
  });

  it('suggested_match, ambiguous_customer and no_open_invoice dismissed stay out once the customer can take them', async () => {
    const db = await fresh({
      customers: [K, K2, K3],
      invoices: [
        { no: 'O1', customer: K, amount: 100 },
        { no: 'O2', customer: K2, amount: 70 },
      ],
      payments: [
        { txn: 'S1', amount: 100, code: 'PE0100000010' }, // one typo from K, whose O1 is 100: suggested
        { txn: 'M1', amount: 50, memo: `${K} ${K2}` }, // two customers, neither owes 50
        { txn: 'N1', amount: 40, code: K3 }, // K3 has no invoice yet
      ],
    });
    await match(db);
    expect((await rows(db)).exc).toEqual(['VCB:M1 ambiguous_customer 50', 'VCB:N1 no_open_invoice 40', 'VCB:S1 suggested_match 100 → O1']);
    for (const txn of ['S1', 'M1', 'N1']) await decide(db, 'dismiss', txn);
    await load(db, { invoices: [{ no: 'O3', customer: K3, amount: 40, period: '2026-02' }] });
    await match(db);
    expect(await rows(db)).toEqual({
      alloc: [],
      exc: ['VCB:M1 ambiguous_customer 50 (dismissed)', 'VCB:N1 no_open_invoice 40 (dismissed)', 'VCB:S1 suggested_match 100 → O1 (dismissed)'],
    });
  });

  it('an orphan reversal dismissed (on the reversal record) closes it; once its payment is loaded it voids it and nothing is left open', async () => {
    const db = await fresh({ customers: [K], invoices: [{ no: 'O1', customer: K, amount: 100 }], payments: [{ txn: 'R1', kind: 'reversal', reverses: 'P1', amount: 100 }] });
    await match(db);
    await decide(db, 'dismiss', 'R1');
    await match(db);
    expect((await rows(db)).exc).toEqual(['VCB:R1 orphan_reversal 100 (dismissed)']);
    // It took effect: no "no effect" note, though no payment of the id is loaded (a reversal's record is).
    const id = (await db.one<{ id: bigint }>('SELECT max(decision_id) AS id FROM decisions'))!.id;
    expect(await decisionEffect(db, { partnerId: 'VCB', txnRef: 'R1' }, id, 'dismiss')).toBeNull();
    expect(await db.all(`SELECT closed_vnd FROM decisions`)).toEqual([{ closed_vnd: null }]);
    await load(db, { payments: [{ txn: 'P1', amount: 100, code: K, at: '2026-02-01T10:00:00' }] });
    await match(db);
    expect(await rows(db)).toEqual({ alloc: [], exc: [] });
    // Dismissed again, with nothing left to close: the note says what the record is and names its payment.
    await decide(db, 'dismiss', 'R1');
    await match(db);
    const again = (await db.one<{ id: bigint }>('SELECT max(decision_id) AS id FROM decisions'))!.id;
    expect(await decisionEffect(db, { partnerId: 'VCB', txnRef: 'R1' }, again, 'dismiss')).toMatch(/^VCB:R1 is a reversal record \(.+ line \d+\), not a payment, and it has no exception to close; decide on the payment it names, VCB:P1$/);
  });

  it('a credit dismissed as refunded, then the partner\'s refund record of it: the bill stays paid in full (before, 30 đ short)', async () => {
    // Judgment: a refund reported after the dismissal is the refund the auditor dismissed the
    // credit for (a partner refunds the overpaid part), so it lowers the money kept out, not the
    // payment's allocation; a customer who paid in full must not be shown owing 30 đ.
    const db = await fresh({
      partners: [{ id: 'VCB', group: 'bank' }],
      customers: [K],
      invoices: [{ no: 'O1', customer: K, amount: 100 }],
      payments: [{ txn: 'P1', amount: 130, code: K, at: '2026-01-10T10:00:00' }],
    });
    await match(db);
    await decide(db, 'dismiss', 'P1');
    await load(db, { payments: [{ txn: 'F1', kind: 'refund', reverses: 'P1', amount: 30, at: '2026-01-15T10:00:00' }] });
    await match(db);
    expect(await rows(db)).toEqual({ alloc: ['VCB:P1 O1 100 amount_equals_invoice 0.98'], exc: [] });
    const k = await computeKpis(db, '2026-01', '2026-02-28');
    expect(k.headline.counts).toMatchObject({ invoices: 1, invoiced_vnd: 100, allocated_vnd: 100, invoices_settled: 1 });
  });

  it('a refund recorded before the dismissal is not taken off again; a duplicate dismissed then partly refunded keeps out what is left', async () => {
    const db = await fresh({
      customers: [K],
      invoices: [{ no: 'O1', customer: K, amount: 100 }],
      payments: [
        { txn: 'P1', amount: 130, code: K, at: '2026-01-10T10:00:00' },
        { txn: 'F1', kind: 'refund', reverses: 'P1', amount: 10, at: '2026-01-11T10:00:00' },
        { txn: 'G1', amount: 100, code: K, at: '2026-01-05T10:00:00' },
        { txn: 'V1', amount: 100, code: K, at: '2026-01-12T10:00:00' },
      ],
    });
    await match(db);
    // P1 is a duplicate of 120 (G1 paid O1 first; no invoice of 120 đ to relate); V1 one of 100.
    expect((await rows(db)).exc).toEqual(['VCB:P1 duplicate_payment 120', 'VCB:V1 duplicate_payment 100 → O1']);
    await decide(db, 'dismiss', 'P1');
    await decide(db, 'dismiss', 'V1');
    await load(db, { payments: [{ txn: 'F2', kind: 'refund', reverses: 'V1', amount: 40, at: '2026-01-20T10:00:00' }] });
    await match(db);
    expect(await rows(db)).toEqual({
      alloc: ['VCB:G1 O1 100 amount_equals_invoice 0.98'],
      exc: ['VCB:P1 duplicate_payment 120 (dismissed)', 'VCB:V1 duplicate_payment 60 → O1 (dismissed)'],
    });
  });

  it('a dismissed payment later reversed is void: no exception, decide says so; a dismissal recorded before any match closes what the match finds', async () => {
    const db = await fresh(dupWorld);
    await match(db);
    const id = await decide(db, 'dismiss', 'V1');
    await load(db, { payments: [{ txn: 'X1', kind: 'reversal', reverses: 'V1', amount: 100, at: '2026-01-20T10:00:00' }] });
    await match(db);
    expect(await rows(db)).toEqual({ alloc: ['VCB:G1 O1 100 amount_equals_invoice 0.98'], exc: [] });
    expect(await decisionEffect(db, { partnerId: 'VCB', txnRef: 'V1' }, id, 'dismiss')).toBe('the payment is void (reversed), so it allocates nothing and has no exception');

    const before = await fresh(dupWorld);
    await decide(before, 'dismiss', 'V1');
    expect(await before.all(`SELECT closed_vnd FROM decisions`)).toEqual([{ closed_vnd: null }]);
    await match(before);
    expect((await rows(before)).exc).toEqual(['VCB:V1 duplicate_payment 100 → O1 (dismissed)']);
  });

  it('KPIs count no dismissed money: a dismissed duplicate keeps out of the next bill and the collection figures', async () => {
    const db = await fresh({ partners: [{ id: 'VCB', group: 'bank' }], ...dupWorld });
    await match(db);
    await decide(db, 'dismiss', 'V1');
    await load(db, { invoices: [{ no: 'N1', customer: K, amount: 100, period: '2026-02' }] });
    await match(db);
    expect((await rows(db)).exc).toEqual(['VCB:V1 duplicate_payment 100 → O1 (dismissed)']);
    const k = await computeKpis(db, '2026-02', '2026-03-31');
    expect(k.headline.counts).toMatchObject({ invoices: 1, invoiced_vnd: 100, allocated_vnd: 0, invoices_settled: 0 });
  });
});
