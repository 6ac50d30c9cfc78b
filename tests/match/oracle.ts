// A second reading of README "Matching" (rules 1, 3-7, 10) and the KPI glossary, written plainly in
// TypeScript, one account and one payment at a time, for random worlds of the shape the rules are
// about: customers with a few invoices of a few periods, payments by code (some naming an invoice,
// their own or another customer's), reversals and partial refunds, several partners of the four
// channel groups, instants shared by several payments and instants on both sides of an as-of date.
// tests/match/sweep4.test.ts compares it with the SQL cascade and the report (the SQL is set-based
// and takes turns over every account at once; this walks each account in time order).
import { dammOf } from '../../src/generate/codes.ts';
import { Rng } from '../../src/generate/random.ts';
import type { InvoiceSpec, PartnerSpec, PaymentSpec, World } from './fixture.ts';

export const ORACLE_PARTNERS: PartnerSpec[] = [
  { id: 'acb', group: 'bank' },
  { id: 'vcb', group: 'bank' },
  { id: 'momo', group: 'intermediary' },
  { id: 'ag', group: 'retail_agent' },
  { id: 'evn', group: 'evn_counter' },
];
const INSTRUMENTS: Record<string, string[]> = { acb: ['transfer', 'qr', 'cash'], vcb: ['transfer', 'cash'], momo: ['ewallet'], ag: ['cash'], evn: ['cash', 'card'] };
const GROUP: Record<string, string> = Object.fromEntries(ORACLE_PARTNERS.map((p) => [p.id, p.group]));
const GROUPS = ['bank', 'intermediary', 'retail_agent', 'evn_counter'];

/** Customer k: PE0100 + 5 digits + a Damm digit, so no two codes are one typo apart (rule 9 never fires). */
const code = (k: number): string => {
  const s = `PE0100${String(k).padStart(5, '0')}`;
  return s + String(dammOf(s));
};

// Local wall-clock instants, repeated so that payments tie; the last three straddle the end of 2026-11-30.
const TIMES = ['2026-10-10T08:00:00', '2026-10-10T08:00:00', '2026-10-20T09:00:00', '2026-11-05T10:00:00', '2026-11-30T23:59:59', '2026-12-01T00:00:00', '2026-12-05T00:00:00'];
const PERIODS = ['2026-09', '2026-10', '2026-11'];
const INVOICE_AMOUNTS = [100, 150, 200, 250, 300];
const PAYMENT_AMOUNTS = [50, 100, 150, 200, 250, 300, 350, 400, 450, 600];

/**
 * A partner's transaction ids, unique per partner: all-digit ids (compared by value) and ids with
 * letters (after them, as text); `zeros` adds all-digit ids with leading zeros.
 */
function txnIds(rng: Rng, zeros: boolean): (partner: string) => string {
  const used = new Set<string>();
  return (partner) => {
    for (;;) {
      const n = rng.int(1, 4000);
      const t = rng.chance(0.7) ? String(n) : zeros && rng.chance(0.5) ? `00${n}` : `T${n}`;
      if (!used.has(`${partner}:${t}`)) {
        used.add(`${partner}:${t}`);
        return t;
      }
    }
  };
}

/** 0–3 invoices for each of `accounts` customers, of random periods and amounts. */
function randomInvoices(rng: Rng, accounts: number, codeOf: (k: number) => string): InvoiceSpec[] {
  const invoices: InvoiceSpec[] = [];
  for (let a = 1; a <= accounts; a++) {
    for (let k = rng.int(0, 3); k > 0; k--) {
      const period = rng.pick(PERIODS);
      invoices.push({ no: `INV${String(invoices.length + 1).padStart(6, '0')}`, customer: codeOf(a), amount: rng.pick(INVOICE_AMOUNTS), period, issued_on: `${period}-05` });
    }
  }
  return invoices;
}

/** A random world of `accounts` customers (seeded: the same seed gives the same world). */
export function randomWorld(seed: number, accounts: number): World {
  const rng = new Rng('sweep4-oracle', seed);
  const payments: PaymentSpec[] = [];
  const txnFor = txnIds(rng, true);
  const invoices = randomInvoices(rng, accounts, code);
  for (let a = 1; a <= accounts; a++) {
    for (let k = rng.int(1, 4); k > 0; k--) {
      const partner = rng.pick(ORACLE_PARTNERS).id;
      const txn = txnFor(partner);
      const p: PaymentSpec = { txn, partner, amount: rng.pick(PAYMENT_AMOUNTS), code: code(a), at: rng.pick(TIMES), instrument: rng.pick(INSTRUMENTS[partner]!) };
      if (invoices.length > 0 && rng.chance(0.15)) {
        const own = invoices.filter((i) => i.customer === p.code);
        p.ref = (own.length > 0 && rng.chance(0.8) ? rng.pick(own) : rng.pick(invoices)).no;
      }
      payments.push(p);
      if (rng.chance(0.08)) payments.push({ txn: txnFor(partner), partner, kind: 'reversal', reverses: txn, amount: p.amount, at: rng.pick(TIMES) });
      else if (rng.chance(0.08)) payments.push({ txn: txnFor(partner), partner, kind: 'refund', reverses: txn, amount: 50, at: rng.pick(TIMES) });
    }
  }
  return { partners: ORACLE_PARTNERS, customers: Array.from({ length: accounts }, (_, i) => code(i + 1)), invoices, payments };
}

const txnValue = (t: string): bigint | null => (/^\d+$/.test(t) ? BigInt(t) : null);

/** The time order of payments: paid time, partner id, an all-digit transaction id by value (before the others), then as text. */
export function timeOrder(a: PaymentSpec, b: PaymentSpec): number {
  if (a.at !== b.at) return a.at! < b.at! ? -1 : 1;
  if (a.partner !== b.partner) return a.partner! < b.partner! ? -1 : 1;
  const [x, y] = [txnValue(a.txn), txnValue(b.txn)];
  if (x !== null && y !== null && x !== y) return x < y ? -1 : 1;
  if ((x === null) !== (y === null)) return x === null ? 1 : -1;
  return a.txn < b.txn ? -1 : a.txn > b.txn ? 1 : 0;
}

export interface OracleOutcome {
  /** `PARTNER:TXN INVOICE AMOUNT`, sorted. */
  alloc: string[];
  /** `PARTNER:TXN REASON AMOUNT[ → INVOICE]`, sorted. */
  exc: string[];
  allocations: Array<{ payment: PaymentSpec; invoice: string; amount: number }>;
}

/**
 * README rules 1, 3-7 and 10 for a world of known codes: a reversal voids its payment, refunds
 * lower it (all of it: void); a payment naming an invoice competes for that invoice's customer,
 * else for its code's; within a customer, payments take turns in time order; the named invoice
 * takes min(amount, residual), the rest goes to an open residual equal to it (oldest of equals),
 * all open residuals when it equals their total, oldest first when less, all and a credit when
 * more; nothing open: duplicate_payment (related to the named invoice, else the newest of the
 * customer's invoices of exactly its amount) or no_open_invoice.
 */
export function oracleMatch(w: World): OracleOutcome {
  const invoices = w.invoices ?? [];
  const byNo = new Map(invoices.map((i) => [i.no, i]));
  const records = w.payments ?? [];
  const turns = new Map<string, Array<{ payment: PaymentSpec; x: number; target?: string }>>();
  for (const p of records.filter((r) => (r.kind ?? 'payment') === 'payment')) {
    const adjustments = records.filter((r) => r.kind !== undefined && r.kind !== 'payment' && r.partner === p.partner && r.reverses === p.txn);
    if (adjustments.some((r) => r.kind === 'reversal')) continue;
    const x = p.amount - adjustments.reduce((sum, r) => sum + r.amount, 0);
    if (x <= 0) continue;
    const target = p.ref ? byNo.get(p.ref) : undefined;
    const account = target ? target.customer : p.code!;
    turns.set(account, [...(turns.get(account) ?? []), { payment: p, x, ...(target ? { target: target.no } : {}) }]);
  }
  const out: OracleOutcome = { alloc: [], exc: [], allocations: [] };
  for (const [account, list] of turns) {
    const own = invoices
      .filter((i) => i.customer === account)
      .sort((a, b) => (`${a.period}${a.issued_on}${a.no}` < `${b.period}${b.issued_on}${b.no}` ? -1 : 1));
    const residual = new Map(own.map((i) => [i.no, i.amount]));
    for (const { payment, x, target } of list.sort((a, b) => timeOrder(a.payment, b.payment))) {
      const got = new Map<string, number>();
      const give = (no: string, amount: number) => {
        if (amount <= 0) return;
        got.set(no, (got.get(no) ?? 0) + amount);
        residual.set(no, residual.get(no)! - amount);
      };
      const targeted = target ? Math.min(x, residual.get(target)!) : 0;
      if (target) give(target, targeted);
      const r = x - targeted;
      const total = own.reduce((sum, i) => sum + residual.get(i.no)!, 0);
      let mode: string;
      if (r === 0) mode = 'none';
      else if (total === 0) mode = targeted > 0 ? 'credit' : own.length > 0 ? 'duplicate' : 'no_invoice';
      else if (own.some((i) => residual.get(i.no) === r)) mode = 'exact';
      else mode = r === total ? 'all' : r < total ? 'oldest_first' : 'over';
      if (mode === 'exact') give(own.find((i) => residual.get(i.no) === r)!.no, r);
      if (mode === 'all' || mode === 'over') for (const i of own) give(i.no, residual.get(i.no)!);
      if (mode === 'oldest_first') {
        let left = r;
        for (const i of own) {
          const take = Math.min(left, residual.get(i.no)!);
          give(i.no, take);
          left -= take;
        }
      }
      const key = `${payment.partner}:${payment.txn}`;
      const allocated = [...got.values()].reduce((sum, v) => sum + v, 0);
      for (const [no, amount] of got) {
        out.alloc.push(`${key} ${no} ${amount}`);
        out.allocations.push({ payment, invoice: no, amount });
      }
      if (allocated === x) continue;
      if (mode === 'duplicate') {
        const related = target ?? own.filter((i) => i.amount === x).at(-1)?.no;
        out.exc.push(`${key} duplicate_payment ${x}${related ? ` → ${related}` : ''}`);
      } else if (mode === 'no_invoice') out.exc.push(`${key} no_open_invoice ${x}`);
      else out.exc.push(`${key} overpayment_credit ${x - allocated}`);
    }
  }
  out.alloc.sort();
  out.exc.sort();
  return out;
}

/** KPI glossary counts of period P as of A (YYYY-MM-DD; allocations of payments paid up to the end of A, local time). */
export function oracleKpis(w: World, m: OracleOutcome, period: string, asOf: string) {
  const zero = () => Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<string, number>;
  const ofP = (w.invoices ?? []).filter((i) => i.period === period);
  const counted = m.allocations.filter((a) => a.payment.at!.slice(0, 10) <= asOf);
  const c = {
    invoices: ofP.length,
    invoiced_vnd: ofP.reduce((sum, i) => sum + i.amount, 0),
    allocated_vnd: 0,
    invoices_settled: 0,
    invoices_with_allocation: 0,
    invoices_by_group: zero(),
    allocated_vnd_by_group: zero(),
    customers_by_group: zero(),
    cashless_allocated_vnd: 0,
    customers_with_allocation: 0,
    customers_all_cashless: 0,
  };
  const customers = new Map<string, { groups: Set<string>; cashless: boolean }>();
  for (const i of ofP) {
    const mine = counted.filter((a) => a.invoice === i.no);
    const sum = mine.reduce((s, a) => s + a.amount, 0);
    c.allocated_vnd += sum;
    if (sum >= i.amount) c.invoices_settled++;
    if (mine.length === 0) continue;
    c.invoices_with_allocation++;
    const byGroup = new Map<string, { amount: number; first: PaymentSpec }>();
    const customer = customers.get(i.customer) ?? { groups: new Set<string>(), cashless: true };
    for (const a of mine) {
      const g = GROUP[a.payment.partner!]!;
      c.allocated_vnd_by_group[g]! += a.amount;
      if (a.payment.instrument !== 'cash') c.cashless_allocated_vnd += a.amount;
      else customer.cashless = false;
      customer.groups.add(g);
      const e = byGroup.get(g);
      if (!e) byGroup.set(g, { amount: a.amount, first: a.payment });
      else {
        e.amount += a.amount;
        if (timeOrder(a.payment, e.first) < 0) e.first = a.payment;
      }
    }
    customers.set(i.customer, customer);
    // The group that allocated most; on a tie, the one whose first payment to the invoice came first.
    const [attributed] = [...byGroup.entries()].sort(([, a], [, b]) => b.amount - a.amount || timeOrder(a.first, b.first))[0]!;
    c.invoices_by_group[attributed]!++;
  }
  for (const customer of customers.values()) {
    c.customers_with_allocation++;
    if (customer.cashless) c.customers_all_cashless++;
    for (const g of customer.groups) c.customers_by_group[g]!++;
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// The fifth sweep's worlds (tests/match/sweep5.test.ts): what randomWorld leaves out. Customers
// of four units in three power corporations (codes of 12 and 13 characters), auditor `match`
// decisions (to the payment's own invoice or another customer's) and `unmatch` decisions, some
// overruled by a later one, a decision on a payment later reversed, reversals that reuse the
// payment's transaction id, two refunds of one payment (together its whole amount or less), and the
// KPI breakdowns by power corporation, unit and partner.
// ---------------------------------------------------------------------------------------------

/** An auditor decision, in the order recorded (the latest match/unmatch of a payment is in force). */
export interface DecisionSpec {
  partner: string;
  txn: string;
  action: 'match' | 'unmatch';
  invoice?: string;
}

export interface World5 extends World {
  decisions: DecisionSpec[];
}

const UNITS5 = ['PE0100', 'PE0200', 'PD0100', 'PA03HL'];
/** Customer k of unit k mod 4: a serial of 5 digits (6 for the 13-character PA03HL codes) + a Damm digit, no two a typo apart. */
const code5 = (k: number): string => {
  const unit = UNITS5[k % UNITS5.length]!;
  const s = `${unit}${String(k).padStart(unit === 'PA03HL' ? 6 : 5, '0')}`;
  return s + String(dammOf(s));
};

/** A random world of the fifth sweep (seeded; another stream than randomWorld's). */
export function randomWorld5(seed: number, accounts: number): World5 {
  const rng = new Rng('sweep5-oracle', seed);
  const payments: PaymentSpec[] = [];
  const decisions: DecisionSpec[] = [];
  const txnFor = txnIds(rng, false);
  const invoices = randomInvoices(rng, accounts, code5);
  for (let a = 1; a <= accounts; a++) {
    for (let k = rng.int(1, 4); k > 0; k--) {
      const partner = rng.pick(ORACLE_PARTNERS).id;
      const txn = txnFor(partner);
      const p: PaymentSpec = { txn, partner, amount: rng.pick(PAYMENT_AMOUNTS), code: code5(a), at: rng.pick(TIMES), instrument: rng.pick(INSTRUMENTS[partner]!) };
      if (invoices.length > 0 && rng.chance(0.1)) {
        const own = invoices.filter((i) => i.customer === p.code);
        p.ref = (own.length > 0 && rng.chance(0.8) ? rng.pick(own) : rng.pick(invoices)).no;
      }
      payments.push(p);
      const u = rng.next();
      if (u < 0.05) payments.push({ txn: txnFor(partner), partner, kind: 'reversal', reverses: txn, amount: p.amount, at: rng.pick(TIMES) });
      // A reversal reusing the payment's own id (identity is partner + id + kind).
      else if (u < 0.09) payments.push({ txn, partner, kind: 'reversal', amount: p.amount, at: rng.pick(TIMES) });
      else if (u < 0.15) payments.push({ txn: txnFor(partner), partner, kind: 'refund', reverses: txn, amount: 50, at: rng.pick(TIMES) });
      // Two refunds: together the whole amount (void) or less.
      else if (u < 0.2) {
        const first = rng.pick([50, 100]);
        const second = rng.chance(0.5) ? p.amount - first : 50;
        // Refunds beyond the payment (refund_exceeds_payment) are left to the hand-made tests.
        if (second > 0 && first + second <= p.amount) {
          payments.push({ txn: txnFor(partner), partner, kind: 'refund', reverses: txn, amount: first, at: rng.pick(TIMES) });
          payments.push({ txn: txnFor(partner), partner, kind: 'refund', reverses: txn, amount: second, at: rng.pick(TIMES) });
        }
      }
      if (invoices.length > 0 && rng.chance(0.12)) {
        const own = invoices.filter((i) => i.customer === p.code);
        const invoice = (own.length > 0 && rng.chance(0.6) ? rng.pick(own) : rng.pick(invoices)).no;
        decisions.push(rng.chance(0.75) ? { partner, txn, action: 'match', invoice } : { partner, txn, action: 'unmatch' });
        // Sometimes overruled by a later decision.
        if (rng.chance(0.25)) decisions.push(rng.chance(0.5) ? { partner, txn, action: 'unmatch' } : { partner, txn, action: 'match', invoice: rng.pick(invoices).no });
      }
    }
  }
  return { partners: ORACLE_PARTNERS, customers: Array.from({ length: accounts }, (_, i) => code5(i + 1)), invoices, payments, decisions };
}

/** oracleMatch for a World5: decisions in force route payments (match: the invoice is the target and its owner the account; unmatch: out, auditor_unmatched). */
export function oracleMatch5(w: World5): OracleOutcome {
  const inForce = new Map<string, DecisionSpec>();
  for (const d of w.decisions) inForce.set(`${d.partner}:${d.txn}`, d);
  const records = w.payments ?? [];
  // A reversal reusing the payment's id names it as reverses_txn_ref would.
  const named = records.map((r) => (r.kind === 'reversal' && !r.reverses ? { ...r, reverses: r.txn } : r));
  const unmatched: string[] = [];
  const routed = named.flatMap((p) => {
    if ((p.kind ?? 'payment') !== 'payment') return [p];
    const d = inForce.get(`${p.partner}:${p.txn}`);
    if (!d) return [p];
    const adjustments = named.filter((r) => r.kind !== undefined && r.kind !== 'payment' && r.partner === p.partner && r.reverses === p.txn);
    const x = p.amount - adjustments.reduce((sum, r) => sum + r.amount, 0);
    if (d.action === 'unmatch') {
      if (!adjustments.some((r) => r.kind === 'reversal') && x > 0) unmatched.push(`${p.partner}:${p.txn} auditor_unmatched ${x}`);
      return [];
    }
    return [{ ...p, ref: d.invoice! }];
  });
  const out = oracleMatch({ ...w, payments: routed });
  out.exc = [...out.exc, ...unmatched].sort();
  return out;
}

const pcOf = (customer: string): string => ({ PE: 'EVNHCMC', PD: 'EVNHANOI', PA: 'EVNNPC' })[customer.slice(0, 2)]!;

/** The KPI breakdowns of period P as of A: by power corporation, by unit (the customer's code), by partner. */
export function oracleBreakdowns(w: World, m: OracleOutcome, period: string, asOf: string) {
  const ofP = (w.invoices ?? []).filter((i) => i.period === period);
  const counted = m.allocations.filter((a) => a.payment.at!.slice(0, 10) <= asOf && ofP.some((i) => i.no === a.invoice));
  const area = (key: (customer: string) => string) => {
    const rows = new Map<string, { invoices: number; invoiced_vnd: number; allocated_vnd: number; invoices_settled: number; cashless_allocated_vnd: number; customers: Map<string, boolean> }>();
    for (const i of ofP) {
      const r = rows.get(key(i.customer)) ?? { invoices: 0, invoiced_vnd: 0, allocated_vnd: 0, invoices_settled: 0, cashless_allocated_vnd: 0, customers: new Map() };
      rows.set(key(i.customer), r);
      const mine = counted.filter((a) => a.invoice === i.no);
      const sum = mine.reduce((s, a) => s + a.amount, 0);
      r.invoices++;
      r.invoiced_vnd += i.amount;
      r.allocated_vnd += sum;
      if (sum >= i.amount) r.invoices_settled++;
      for (const a of mine) {
        const cashless = a.payment.instrument !== 'cash';
        if (cashless) r.cashless_allocated_vnd += a.amount;
        r.customers.set(i.customer, (r.customers.get(i.customer) ?? true) && cashless);
      }
    }
    return [...rows.entries()]
      .map(([k, { customers, ...r }]) => ({ key: k, ...r, customers_with_allocation: customers.size, customers_all_cashless: [...customers.values()].filter(Boolean).length }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  };
  const partners = new Map<string, { allocated_vnd: number; cashless_allocated_vnd: number; payments: Set<string>; invoices: Set<string>; customers: Set<string> }>();
  for (const a of counted) {
    const r = partners.get(a.payment.partner!) ?? { allocated_vnd: 0, cashless_allocated_vnd: 0, payments: new Set(), invoices: new Set(), customers: new Set() };
    partners.set(a.payment.partner!, r);
    r.allocated_vnd += a.amount;
    if (a.payment.instrument !== 'cash') r.cashless_allocated_vnd += a.amount;
    r.payments.add(a.payment.txn);
    r.invoices.add(a.invoice);
    r.customers.add(ofP.find((i) => i.no === a.invoice)!.customer);
  }
  return {
    by_pc: area(pcOf),
    by_unit: area((c) => c.slice(0, 6)),
    by_partner: [...partners.entries()]
      .map(([k, r]) => ({ key: k, allocated_vnd: r.allocated_vnd, cashless_allocated_vnd: r.cashless_allocated_vnd, payments: r.payments.size, invoices: r.invoices.size, customers: r.customers.size }))
      .sort((a, b) => (a.key < b.key ? -1 : 1)),
  };
}
