// Ground truth for one customer: what correct processing of the loaded records yields under the
// matching rules (issue 5) and DOMAIN.md. Every customer's payments touch only that customer's
// invoices, so truth is computed customer by customer, in constant memory.
import type { ChannelGroup, Instrument, Kind } from '../ingest/profile.ts';
import type { KpiCounts } from '../reports/kpi-shape.ts';
import { CHANNEL_GROUPS } from '../ingest/profile.ts';

export interface TruthInvoice {
  no: string;
  /** Index of its period in the generated window (-1: arrears from before the window). */
  k: number;
  issuedDay: number;
  amount: number;
}

/** A record as the pipeline loads it (malformed records and quarantined files never get here). */
export interface TruthRecord {
  partnerId: string;
  group: ChannelGroup;
  txn: string;
  kind: Kind;
  reverses?: string;
  /** Paid time as the file states it, local seconds. */
  paid: number;
  amount: number;
  instrument: Instrument;
  invoiceRef?: string;
  /** What the customer code (column, else memo) resolves to. */
  code: 'self' | 'mistyped' | 'unknown';
}

export type ExceptionReason = 'orphan_reversal' | 'overpayment_credit' | 'suggested_match' | 'duplicate_payment' | 'unknown_customer' | 'no_open_invoice';

export interface Allocation {
  rec: TruthRecord;
  inv: TruthInvoice;
  amount: number;
}

export interface Outcome {
  allocations: Allocation[];
  exceptions: Array<{ rec: TruthRecord; reason: ExceptionReason }>;
}

/** Paid time, then partner id, then transaction id: the order that decides who takes a residual. */
export function earlier(a: TruthRecord, b: TruthRecord): number {
  if (a.paid !== b.paid) return a.paid - b.paid;
  if (a.partnerId !== b.partnerId) return a.partnerId < b.partnerId ? -1 : 1;
  return a.txn < b.txn ? -1 : a.txn > b.txn ? 1 : 0;
}

/**
 * Runs the rule cascade over one customer's loaded records. `onlyIssued` hides invoices issued
 * after the payment's day: the generator runs both ways and keeps only scenarios where the two
 * agree, so truth never depends on that reading of the rules.
 */
export function settle(invoices: readonly TruthInvoice[], records: readonly TruthRecord[], onlyIssued: boolean): Outcome {
  const out: Outcome = { allocations: [], exceptions: [] };
  const residual = new Map(invoices.map((i) => [i, i.amount]));
  const settledBy = new Set<TruthInvoice>();
  const amount = new Map<TruthRecord, number>();
  const payments = records.filter((r) => r.kind === 'payment');
  for (const p of payments) amount.set(p, p.amount);

  // Rule 1: reversals void, refunds reduce, the original payment (same partner).
  for (const r of records) {
    if (r.kind === 'payment') continue;
    const target = r.reverses ?? r.txn;
    const orig = payments.find((p) => p.partnerId === r.partnerId && p.txn === target);
    if (!orig) {
      out.exceptions.push({ rec: r, reason: 'orphan_reversal' });
      continue;
    }
    amount.set(orig, r.kind === 'reversal' ? 0 : Math.max(0, amount.get(orig)! - r.amount));
  }

  const ordered = payments.filter((p) => amount.get(p)! > 0).sort(earlier);
  for (const p of ordered) {
    let left = amount.get(p)!;
    const paidDay = Math.floor(p.paid / 86_400);
    const visible = invoices.filter((i) => !onlyIssued || i.issuedDay <= paidDay);
    const open = () => visible.filter((i) => residual.get(i)! > 0);
    const take = (inv: TruthInvoice, a: number) => {
      out.allocations.push({ rec: p, inv, amount: a });
      const r = residual.get(inv)! - a;
      residual.set(inv, r);
      if (r === 0) settledBy.add(inv);
      left -= a;
    };
    if (p.code === 'unknown') {
      out.exceptions.push({ rec: p, reason: 'unknown_customer' });
      continue;
    }
    if (p.code === 'mistyped') {
      // Rule 9: suggested, never applied.
      const hit = open().some((i) => residual.get(i) === left);
      out.exceptions.push({ rec: p, reason: hit ? 'suggested_match' : 'unknown_customer' });
      continue;
    }
    // Rule 3: the invoice reference.
    const ref = p.invoiceRef ? visible.find((i) => i.no === p.invoiceRef) : undefined;
    if (ref && residual.get(ref)! > 0) take(ref, Math.min(left, residual.get(ref)!));
    if (left === 0) continue;
    const candidates = open();
    const total = candidates.reduce((s, i) => s + residual.get(i)!, 0);
    const exact = candidates.find((i) => residual.get(i) === left);
    if (exact) take(exact, left); // rule 4
    else if (total > 0) {
      // rules 5–7: oldest first (rule 5 is the prefix-sum case of the same walk)
      for (const i of candidates) {
        if (left === 0) break;
        take(i, Math.min(left, residual.get(i)!));
      }
      if (left > 0) out.exceptions.push({ rec: p, reason: 'overpayment_credit' });
    } else {
      out.exceptions.push({ rec: p, reason: settledBy.size > 0 ? 'duplicate_payment' : 'no_open_invoice' });
    }
  }
  return out;
}

/** Whether two outcomes are the same allocations and exceptions. */
export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.allocations.length !== b.allocations.length || a.exceptions.length !== b.exceptions.length) return false;
  const key = (o: Outcome) => [
    ...o.allocations.map((x) => `${x.rec.partnerId}|${x.rec.txn}|${x.inv.no}|${x.amount}`).sort(),
    ...o.exceptions.map((x) => `${x.rec.partnerId}|${x.rec.txn}|${x.reason}`).sort(),
  ].join('\n');
  return key(a) === key(b);
}

const zero = (): Record<ChannelGroup, number> => Object.fromEntries(CHANNEL_GROUPS.map((g) => [g, 0])) as Record<ChannelGroup, number>;

export function emptyCounts(): KpiCounts {
  return {
    invoices: 0, invoiced_vnd: 0, allocated_vnd: 0, invoices_settled: 0, invoices_with_allocation: 0,
    invoices_by_group: zero(), allocated_vnd_by_group: zero(), customers_by_group: zero(),
    cashless_allocated_vnd: 0, customers_with_allocation: 0, customers_all_cashless: 0,
  };
}

/**
 * Adds one customer's contribution to the KPIs of period k, counting only allocations of payments
 * paid at or before `asOfEnd` (local seconds of 23:59:59 on the as-of date).
 */
export function addKpis(c: KpiCounts, k: number, invoices: readonly TruthInvoice[], allocations: readonly Allocation[], asOfEnd: number): void {
  const mine = allocations.filter((a) => a.inv.k === k && a.rec.paid <= asOfEnd);
  const groups = new Set<ChannelGroup>();
  let allCashless = true;
  for (const inv of invoices) {
    if (inv.k !== k) continue;
    c.invoices++;
    c.invoiced_vnd += inv.amount;
    const its = mine.filter((a) => a.inv === inv);
    if (its.length === 0) continue;
    c.invoices_with_allocation++;
    let paid = 0;
    const by = new Map<ChannelGroup, { sum: number; first: TruthRecord }>();
    for (const a of its) {
      paid += a.amount;
      const e = by.get(a.rec.group);
      if (!e) by.set(a.rec.group, { sum: a.amount, first: a.rec });
      else {
        e.sum += a.amount;
        if (earlier(a.rec, e.first) < 0) e.first = a.rec;
      }
    }
    if (paid === inv.amount) c.invoices_settled++;
    let best: [ChannelGroup, { sum: number; first: TruthRecord }] | undefined;
    for (const entry of by) {
      if (!best || entry[1].sum > best[1].sum || (entry[1].sum === best[1].sum && earlier(entry[1].first, best[1].first) < 0)) best = entry;
    }
    c.invoices_by_group[best![0]]++;
  }
  for (const a of mine) {
    c.allocated_vnd += a.amount;
    c.allocated_vnd_by_group[a.rec.group] += a.amount;
    groups.add(a.rec.group);
    if (a.rec.instrument === 'cash') allCashless = false;
    else c.cashless_allocated_vnd += a.amount;
  }
  if (mine.length > 0) {
    c.customers_with_allocation++;
    if (allCashless) c.customers_all_cashless++;
    for (const g of groups) c.customers_by_group[g]++;
  }
}
