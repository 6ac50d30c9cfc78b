// Review of two changes, written from DOMAIN.md and README "Matching":
//  - rule 3: a reference or memo naming several invoices of one customer pays exactly those invoices
//    (oldest first among them, the rest by rules 4-7), with time deciding between payments that
//    compete for them;
//  - a dismissal records the exception it closes and every later match keeps that money out of
//    the rules (two dismissals in a row, reopening, every kind of exception, refunds and reversals
//    arriving after it, decide's note, explain, exports and KPIs).
// Worlds whose outcome the load order could change are matched loaded in both orders.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { recordDecision, type DecisionAction } from '../../src/match/decisions.ts';
import { explainPayment } from '../../src/match/explain.ts';
import { allocations, exceptions, load, match, openDb, type World } from './fixture.ts';

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function fresh(world: World = {}): Promise<Database> {
  const db = await openDb();
  open.push(db);
  await load(db, world);
  return db;
}

async function rows(db: Database) {
  return {
    alloc: (await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.amount} ${a.rule} ${a.confidence}`),
    exc: (await exceptions(db)).map((e) => `${e.txn} ${e.reason} ${e.amount}${e.suggested ? ` → ${e.suggested}` : ''}${e.status === 'open' ? '' : ` (${e.status})`}`),
  };
}

const reversed = (w: World): World => ({
  ...w,
  customers: [...(w.customers ?? [])].reverse(),
  invoices: [...(w.invoices ?? [])].reverse(),
  payments: [...(w.payments ?? [])].reverse(),
});

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
      `3 invoice reference | reference "${B} ${C}" names several invoices, all of customer ${K}: the payment is that customer's; the invoices named were already settled by earlier payments`,
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
      `3 invoice reference | reference "${B} ${C}" names several invoices, all of customer ${K}: the payment is that customer's; decision #1 names invoice ${D}, and a decision comes first (rule 2)`,
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
