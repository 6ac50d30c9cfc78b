// KPIs of the hand-made fixture (tests/reports/fixture.ts), computed by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { partnerWindowEnd } from '../../src/reports/kpi-shape.ts';
import { computeKpis, type ReportKpis } from '../../src/reports/kpis.ts';
import { checkPeriod } from '../../src/reports/scope.ts';
import { fixtureDb } from './fixture.ts';

let db: Database;
let k: ReportKpis;

beforeAll(async () => {
  db = await fixtureDb();
  k = await computeKpis(db, '2026-01', '2026-02-28');
});
afterAll(() => db.close());

describe('headline KPIs of the fixture, 2026-01 as of 2026-02-28', () => {
  // Counted allocations (paid at or before 2026-02-28 23:59:59 local):
  //   I1 100,000 vcb transfer; I5 50,000 vcb transfer; I2 100,000 agent1 cash; I2 100,000 momo ewallet;
  //   I3 300,000 vcb cash (bank counter); I4 10,000 momo ewallet (23:59:59 local on the as-of day).
  //   Not counted: E1 390,000 to I4 (paid 2026-03-02); M3 is reversed and has no allocation.
  it('counts invoices, amounts and settled invoices', () => {
    expect(k.headline.counts).toMatchObject({
      invoices: 5, // I1..I5
      invoiced_vnd: 1_050_000, // 100 + 200 + 300 + 400 + 50 thousand
      allocated_vnd: 660_000, // 100 + 50 + 100 + 100 + 300 + 10 thousand
      invoices_settled: 4, // I1, I2, I3, I5; I4 has 10,000 of 400,000
      invoices_with_allocation: 5,
    });
  });

  it('attributes invoices to the group that allocated most, a tie to the earliest first payment', () => {
    // I1, I5, I3 bank; I4 intermediary; I2 is 100,000 retail (agent1, 12/01) vs 100,000 intermediary
    // (momo, 13/01): the tie goes to retail_agent, whose first payment came first.
    expect(k.headline.counts.invoices_by_group).toEqual({ bank: 3, intermediary: 1, retail_agent: 1, evn_counter: 0 });
    expect(k.headline.counts.allocated_vnd_by_group).toEqual({ bank: 450_000, intermediary: 110_000, retail_agent: 100_000, evn_counter: 0 });
    // bank: C1, C3; intermediary: C2, C4; retail: C2 (C2 counts under two groups).
    expect(k.headline.counts.customers_by_group).toEqual({ bank: 2, intermediary: 2, retail_agent: 1, evn_counter: 0 });
  });

  it('takes cashless from the instrument, not the channel group', () => {
    // Cashless: I1 100,000 + I5 50,000 + M1 100,000 + M2 10,000 = 260,000 (T2 is cash at a bank).
    // Customers all cashless: C1 (transfers), C4 (M2 only; E1 is after the as-of date) = 2 of 4.
    expect(k.headline.counts.cashless_allocated_vnd).toBe(260_000);
    expect(k.headline.counts.customers_with_allocation).toBe(4);
    expect(k.headline.counts.customers_all_cashless).toBe(2);
  });

  it('derives the ratios, rounded to 6 decimals', () => {
    expect(k.headline.ratios).toEqual({
      collection_rate_amount: 0.628571, // 660,000 / 1,050,000
      collection_rate_count: 0.8, // 4 / 5
      channel_share_invoices: { bank: 0.6, intermediary: 0.2, retail_agent: 0.2, evn_counter: 0 },
      channel_share_amount: { bank: 0.681818, intermediary: 0.166667, retail_agent: 0.151515, evn_counter: 0 },
      cashless_share_amount: 0.393939, // 260 / 660
      cashless_share_customers: 0.5,
    });
  });

  it('cuts off at the end of the local as-of day', async () => {
    // M2 (10,000 to I4) was paid at 23:59:59 local on 28/02: counted as of 28/02, not as of 27/02.
    const earlier = await computeKpis(db, '2026-01', '2026-02-27');
    expect(earlier.headline.counts.allocated_vnd).toBe(650_000);
    expect(earlier.headline.counts.customers_with_allocation).toBe(3);
  });
});

describe('comparisons and breakdowns', () => {
  it('compares with the previous period at its own default as-of date', () => {
    // 2025-12: H1 100,000 paid in full by vcb transfer on 2026-01-05.
    expect(k.previous?.as_of).toBe('2026-01-31');
    expect(k.previous?.counts).toMatchObject({ invoices: 1, invoiced_vnd: 100_000, allocated_vnd: 100_000, invoices_settled: 1 });
    expect(k.cashless_trend.map((t) => [t.period, t.cashless_share_amount])).toEqual([
      ['2025-12', 1],
      ['2026-01', 0.393939],
    ]);
  });

  it('breaks collection down by power corporation and unit', () => {
    expect(k.by_pc.map((a) => [a.pc, a.invoiced_vnd, a.allocated_vnd, a.collection_rate_amount, a.collection_rate_count])).toEqual([
      ['EVNHANOI', 350_000, 350_000, 1, 1], // I1, I2, I5
      ['EVNHCMC', 300_000, 300_000, 1, 1], // I3
      ['EVNNPC', 400_000, 10_000, 0.025, 0], // I4
    ]);
    expect(k.by_unit.map((a) => a.unit)).toEqual(['PD0100', 'PE0100', 'PA0300']);
  });

  it('breaks allocations down by partner, counting an invoice paid by two partners under both', () => {
    // vcb: T1 → I1, I5 (C1) and T2 → I3 (C3); momo: M1 → I2 (C2), M2 → I4 (C4); agent1: A1 → I2 (C2).
    // I2 is paid by momo and agent1; evnhn's E1 is after the as-of date.
    expect(k.by_partner.map((p) => [p.partner_id, p.allocated_vnd, p.cashless_allocated_vnd, p.payments, p.invoices, p.customers])).toEqual([
      ['vcb', 450_000, 150_000, 2, 3, 2],
      ['momo', 110_000, 110_000, 2, 2, 2],
      ['agent1', 100_000, 0, 1, 1, 1],
    ]);
  });

  it('scores partners on the payments of the period month and on their files', () => {
    // January payments (the billing period's month; the as-of month February holds only late ones):
    // T0 100,000 and T1 150,000, both settled T+1 and allocated.
    const vcb = k.partner_scorecard.find((p) => p.partner_id === 'vcb')!;
    expect(vcb).toMatchObject({ payments: 2, amount_vnd: 250_000, lag_median_days: 1, lag_p95_days: 1, unmatched: 0, unmatched_rate: 0 });
    // Files: 10 records read, 1 rejected, 1 duplicate (the skipped duplicate file adds none).
    expect(vcb).toMatchObject({ files: 2, records_read: 10, reject_rate: 0.1, duplicate_rate: 0.1 });
    // M1 100,000 and M3 400,000 (reversed later, still a payment momo received); M2 is February's.
    const momo = k.partner_scorecard.find((p) => p.partner_id === 'momo')!;
    expect(momo).toMatchObject({ payments: 2, amount_vnd: 500_000, unmatched: 0 });
    // A1 settled T+3; A3 (October 2025) is outside the window.
    const agent = k.partner_scorecard.find((p) => p.partner_id === 'agent1')!;
    expect(agent).toMatchObject({ payments: 1, amount_vnd: 100_000, lag_median_days: 3 });
  });

  it('ends the partner window at the as-of date when it comes before the period ends', async () => {
    const early = await computeKpis(db, '2026-01', '2026-01-09');
    // Only T0 (05/01) of vcb's January payments was made by 09/01.
    expect(early.partner_scorecard.find((p) => p.partner_id === 'vcb')).toMatchObject({ payments: 1, amount_vnd: 100_000 });
    expect(partnerWindowEnd('2026-01', '2026-02-28')).toBe('2026-01-31');
    expect(partnerWindowEnd('2026-01', '2026-01-09')).toBe('2026-01-09');
    expect(partnerWindowEnd('2028-02', '2028-03-31')).toBe('2028-02-29');
  });

  it('ages the exception queue from the paid date to the as-of date', () => {
    expect(k.exceptions.by_reason_age).toEqual([
      { reason: 'duplicate_payment', age_bucket: '8-30', exceptions: 1, amount_vnd: 55_000 }, // 20/02 → 28/02
      { reason: 'unknown_customer', age_bucket: '>90', exceptions: 1, amount_vnd: 70_000 }, // 01/10/2025
    ]);
  });

  it('reports data quality from the partner files of the period only', () => {
    // Files 1 (vcb), 2 (momo), 3 (agent1) hold January payments; file 4 is a second delivery of
    // file 1 (same bytes) and goes with it; file 5 (evnhn) holds only E1, paid in March.
    expect(k.data_quality).toMatchObject({
      files: 4,
      files_loaded: 2,
      files_quarantined: 1,
      files_skipped_duplicate: 1,
      records_rejected: 1,
      control_mismatches: 1, // momo: 6 stated, 5 read
      rejects_by_reason: [{ reason: 'bad_amount', records: 1 }],
    });
  });

  it('is the same document when computed twice', async () => {
    expect(JSON.stringify(await computeKpis(db, '2026-01', '2026-02-28'))).toBe(JSON.stringify(k));
  });
});

describe('checkPeriod', () => {
  it.each([
    ['2026-13', undefined, '--period "2026-13": expected YYYY-MM, e.g. 2026-01'],
    ['2026-01', '2026-02-30', '--as-of "2026-02-30": expected a calendar date YYYY-MM-DD, e.g. 2026-02-28'],
    ['2026-01', '2025-12-31', '--as-of 2025-12-31 is before period 2026-01 begins; expected 2026-01-01 or later'],
  ] satisfies Array<[string, string | undefined, string]>)('rejects %s as of %s', (period, asOf, message) => {
    expect(() => checkPeriod(period, asOf)).toThrow(message);
  });

  it('defaults the as-of date to the last day of the next month', () => {
    expect(checkPeriod('2025-12')).toEqual({ period: '2025-12', asOf: '2026-01-31' });
  });
});

describe('codes billing does not list', () => {
  it('counts an invoice of a customer missing from customers under the PC and unit its code names', async () => {
    const db2 = await fixtureDb();
    try {
      await db2.run(`DELETE FROM customers WHERE customer_code = 'PE01000000003'`);
      const k2 = await computeKpis(db2, '2026-01', '2026-02-28');
      expect(k2.by_pc.map((a) => [a.pc, a.invoiced_vnd])).toEqual([['EVNHANOI', 350_000], ['EVNHCMC', 300_000], ['EVNNPC', 400_000]]);
      expect(k2.by_unit.map((a) => a.unit)).toEqual(['PD0100', 'PE0100', 'PA0300']);
    } finally {
      db2.close();
    }
  });
});

describe('a period present only through arrears', () => {
  it('is neither the previous period nor a point of the trend', async () => {
    const db2 = await fixtureDb();
    try {
      // H1 (2025-12) brought forward by the 2026-01 export, as a first export does: 2025-12 was never billed here.
      await db2.run(`UPDATE invoices SET file_id = 90 WHERE invoice_no = 'H1'`);
      const k2 = await computeKpis(db2, '2026-01', '2026-02-28');
      expect(k2.previous).toBeNull();
      expect(k2.cashless_trend.map((t) => t.period)).toEqual(['2026-01']);
      expect(k2.headline.counts.invoices).toBe(k.headline.counts.invoices); // 2026-01's own figures are unchanged
    } finally {
      db2.close();
    }
  });
});
