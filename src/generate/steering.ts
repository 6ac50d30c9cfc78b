// Channel steering for the evn-2020 calibration: each customer-period goes to the channel option
// that brings the running KPIs of its period closest to the article's figures (error diffusion).
// The running totals are the truth KPIs themselves, so the generated month lands on the targets
// whatever the noise did, at any N.
import type { KpiCounts } from '../reports/kpi-shape.ts';

export const OPTIONS = ['bank', 'bank_cash', 'intermediary', 'retail_agent', 'evn_counter'] as const;
export type ChannelOption = (typeof OPTIONS)[number];

export interface Calibration {
  invoices: { bank_and_intermediary: number; retail_agent: number; evn_counter: number };
  amount: { bank_and_intermediary: number; retail_agent: number; evn_counter: number };
  cashlessCustomers: number;
  cashlessAmount: number;
  /** Share of intermediaries within bank + intermediary invoices (not in the article; a plausible split). */
  intermediaryOfBank: number;
}

/** The article's figures (src/generate/calibration/evn-2020.json, from the seed article), as fractions. */
export const EVN_2020: Calibration = {
  invoices: { bank_and_intermediary: 0.7444, retail_agent: 0.2138, evn_counter: 0.0418 },
  amount: { bank_and_intermediary: 0.9368, retail_agent: 0.0446, evn_counter: 0.0186 },
  cashlessCustomers: 0.7025,
  cashlessAmount: 0.9154,
  intermediaryOfBank: 0.22,
};

/** Picks the option minimising the squared distance of period k's running KPIs from the targets. */
export function steer(c: KpiCounts, t: Calibration, invoices: number, amount: number): ChannelOption {
  let best: ChannelOption = 'bank';
  let bestCost = Infinity;
  const inv = c.invoices_with_allocation + invoices;
  const amt = c.allocated_vnd + amount;
  const cust = c.customers_with_allocation + 1;
  for (const o of OPTIONS) {
    const g = o === 'bank_cash' ? 'bank' : o;
    const add = (group: string, v: number) => (g === group ? v : 0);
    const invBank = c.invoices_by_group.bank + add('bank', invoices);
    const invInter = c.invoices_by_group.intermediary + add('intermediary', invoices);
    const invRetail = c.invoices_by_group.retail_agent + add('retail_agent', invoices);
    const invCounter = c.invoices_by_group.evn_counter + add('evn_counter', invoices);
    const amtRetail = c.allocated_vnd_by_group.retail_agent + add('retail_agent', amount);
    const amtCounter = c.allocated_vnd_by_group.evn_counter + add('evn_counter', amount);
    const cash = o === 'bank_cash' || o === 'retail_agent' || o === 'evn_counter';
    const cashlessAmt = c.cashless_allocated_vnd + (cash ? 0 : amount);
    const cashlessCust = c.customers_all_cashless + (cash ? 0 : 1);
    const e = [
      (invBank + invInter) / inv - t.invoices.bank_and_intermediary,
      invRetail / inv - t.invoices.retail_agent,
      invCounter / inv - t.invoices.evn_counter,
      (amt - amtRetail - amtCounter) / amt - t.amount.bank_and_intermediary,
      amtRetail / amt - t.amount.retail_agent,
      amtCounter / amt - t.amount.evn_counter,
      cashlessAmt / amt - t.cashlessAmount,
      cashlessCust / cust - t.cashlessCustomers,
      0.3 * (invInter / Math.max(1, invBank + invInter) - t.intermediaryOfBank),
    ];
    const cost = e.reduce((s, x) => s + x * x, 0);
    if (cost < bestCost) {
      bestCost = cost;
      best = o;
    }
  }
  return best;
}
