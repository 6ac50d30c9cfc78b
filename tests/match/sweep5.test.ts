// A fifth sweep of matching and reports, as a finance analyst, an auditor and a manager use them.
import { describe, expect, it } from 'vitest';
import { recordDecision } from '../../src/match/decisions.ts';
import { computeKpis } from '../../src/reports/kpis.ts';
import { freshWorlds, match, outcomeRows } from './fixture.ts';
import { oracleBreakdowns, oracleKpis, oracleMatch5, randomWorld5 } from './oracle.ts';

const fresh = freshWorlds();

// ---------------------------------------------------------------------------------------------
// The rules and the KPI glossary read a second time (tests/match/oracle.ts) on worlds of what
// sweep4's random worlds leave out: several power corporations and units, auditor decisions,
// reversals reusing the payment's id, two refunds of one payment; and the breakdowns.
// ---------------------------------------------------------------------------------------------

// SWEEP5_SEEDS=4,5,6 runs other worlds (seeds 1-11 agreed when written).
describe('a plain reading of the rules, decisions and the KPI breakdowns agrees with the SQL', () => {
  it.each((process.env.SWEEP5_SEEDS ?? '1,2,3').split(",").map(Number))('on random world %i: allocations, exceptions, headline and breakdowns at three as-of dates', async (seed) => {
    const world = randomWorld5(seed, 120);
    const expected = oracleMatch5(world);
    const db = await fresh(world);
    for (const d of world.decisions) {
      await recordDecision(db, { action: d.action, payment: { partnerId: d.partner, txnRef: d.txn }, ...(d.invoice ? { invoiceNo: d.invoice } : {}), by: 'auditor', reason: 'checked', runId: 'test' });
    }
    await match(db, '2026-11-30');
    const got = await outcomeRows(db);
    expect({ alloc: got.alloc.map((a) => a.split(' ').slice(0, 3).join(' ')).sort(), exc: [...got.exc].sort() }).toEqual({ alloc: expected.alloc, exc: expected.exc });
    expect(new Set(expected.exc.map((e) => e.split(' ')[1]))).toEqual(new Set(['duplicate_payment', 'overpayment_credit', 'no_open_invoice', 'auditor_unmatched']));
    for (const [period, asOf] of [['2026-10', '2026-11-30'], ['2026-10', '2026-10-20'], ['2026-11', '2026-12-31']] as const) {
      const k = await computeKpis(db, period, asOf);
      expect(k.headline.counts, `${period} as of ${asOf}`).toEqual(oracleKpis(world, expected, period, asOf));
      const o = oracleBreakdowns(world, expected, period, asOf);
      const area = (r: (typeof k.by_pc)[number], key: string | null) => ({
        key, invoices: r.invoices, invoiced_vnd: r.invoiced_vnd, allocated_vnd: r.allocated_vnd, invoices_settled: r.invoices_settled,
        cashless_allocated_vnd: r.cashless_allocated_vnd, customers_with_allocation: r.customers_with_allocation, customers_all_cashless: r.customers_all_cashless,
      });
      const byKey = <T extends { key: string | null }>(rows: T[]) => [...rows].sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : 1));
      expect(byKey(k.by_pc.map((r) => area(r, r.pc))), `by_pc ${period} as of ${asOf}`).toEqual(o.by_pc);
      expect(byKey(k.by_unit.map((r) => area(r, r.unit))), `by_unit ${period} as of ${asOf}`).toEqual(o.by_unit);
      expect(
        byKey(k.by_partner.map((r) => ({ key: r.partner_id, allocated_vnd: r.allocated_vnd, cashless_allocated_vnd: r.cashless_allocated_vnd, payments: r.payments, invoices: r.invoices, customers: r.customers }))),
        `by_partner ${period} as of ${asOf}`,
      ).toEqual(o.by_partner);
    }
  });
});
