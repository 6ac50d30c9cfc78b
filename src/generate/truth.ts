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
  return compareTxn(a.txn, b.txn);
}

/** Larger than any number of 38 digits: the key of an id that is not all digits. */
const NOT_A_NUMBER = 2n ** 127n - 1n;

/**
 * Transaction ids in the matcher's order (txn_number in sql/common/identifiers.sql): an id made only
 * of digits (up to 38 significant) by its value, before any other id; then as text.
 */
export function compareTxn(a: string, b: string): number {
  const na = txnNumber(a);
  const nb = txnNumber(b);
  if (na !== nb) return na < nb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function txnNumber(t: string): bigint {
  return /^[0-9]+$/.test(t) && t.replace(/^0+/, '').length <= 38 ? BigInt(t) : NOT_A_NUMBER;
}

/**
 * Runs the rule cascade over one customer's loaded records. Every loaded invoice of the customer
 * is open to every payment, whatever its issue date (the rules do not restrict by date): a payment
 * made before a later invoice was issued may still take it, as the matcher recomputes over
 * everything loaded.
 */
export function settle(invoices: readonly TruthInvoice[], records: readonly TruthRecord[]): Outcome {
  const s = new Settlement(invoices);
  const payments = records.filter((r) => r.kind === 'payment');
  const amount = payments.map((p) => p.amount);

  // Rule 1: reversals void, refunds reduce, the original payment (same partner).
  for (const r of records) {
    if (r.kind === 'payment') continue;
    const target = r.reverses ?? r.txn;
    const j = payments.findIndex((p) => p.partnerId === r.partnerId && p.txn === target);
    if (j < 0) s.out.exceptions.push({ rec: r, reason: 'orphan_reversal' });
    else amount[j] = r.kind === 'reversal' ? 0 : Math.max(0, amount[j]! - r.amount);
  }

  const order = payments.map((_, j) => j).filter((j) => amount[j]! > 0);
  order.sort((a, b) => earlier(payments[a]!, payments[b]!));
  for (const j of order) s.apply(payments[j]!, amount[j]!);
  return s.out;
}

/** Residuals of one customer's invoices while its payments are applied in time order. */
class Settlement {
  readonly out: Outcome = { allocations: [], exceptions: [] };
  private readonly residual: number[];
  private anySettled = false;

  private readonly invoices: readonly TruthInvoice[];

  constructor(invoices: readonly TruthInvoice[]) {
    // Oldest first: period, then issue day, then id (the order rules 4–7 walk).
    this.invoices = [...invoices].sort((a, b) => a.k - b.k || a.issuedDay - b.issuedDay || (a.no < b.no ? -1 : a.no > b.no ? 1 : 0));
    this.residual = this.invoices.map((i) => i.amount);
  }

  private take(p: TruthRecord, j: number, a: number): void {
    this.out.allocations.push({ rec: p, inv: this.invoices[j]!, amount: a });
    this.residual[j]! -= a;
    if (this.residual[j] === 0) this.anySettled = true;
  }

  /** Rules 3–11 for one payment of (effective) amount `left`. */
  apply(p: TruthRecord, left: number): void {
    const open: number[] = [];
    let ref = -1;
    this.invoices.forEach((inv, j) => {
      if (inv.no === p.invoiceRef) ref = j;
      if (this.residual[j]! > 0) open.push(j);
    });
    if (p.code === 'unknown') {
      this.out.exceptions.push({ rec: p, reason: 'unknown_customer' });
      return;
    }
    if (p.code === 'mistyped') {
      // Rule 9: suggested, never applied.
      const hit = open.some((j) => this.residual[j] === left);
      this.out.exceptions.push({ rec: p, reason: hit ? 'suggested_match' : 'unknown_customer' });
      return;
    }
    const paid = left;
    // Rule 3: the invoice reference; what it leaves goes on through rules 4–7.
    if (ref >= 0 && this.residual[ref]! > 0) {
      const a = Math.min(left, this.residual[ref]!);
      left -= a;
      this.take(p, ref, a);
      if (left === 0) return;
    }
    const exact = open.find((j) => this.residual[j] === left);
    if (exact !== undefined) {
      this.take(p, exact, left); // rule 4
      return;
    }
    // Rules 5–7: oldest first (rule 5 is the prefix-sum case of the same walk).
    for (const j of open) {
      if (left === 0) break;
      const a = Math.min(left, this.residual[j]!);
      if (a > 0) {
        this.take(p, j, a);
        left -= a;
      }
    }
    if (left === 0) return;
    // Rule 7 when the payment took anything (the rest is customer credit), else rules 10–11.
    const reason = left < paid ? 'overpayment_credit' : this.anySettled ? 'duplicate_payment' : 'no_open_invoice';
    this.out.exceptions.push({ rec: p, reason });
  }
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
