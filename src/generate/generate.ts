// The synthetic EVN month(s): customers, invoices, partner settlement files and ground truth,
// generated customer by customer in one pass. Everything about a customer (its invoices, its
// payments across the whole window, their truth) is decided and written before the next one, so
// memory stays bounded at any N; only per-file buffers, per-unit and per-partner counters and the
// KPI totals live across customers.
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { join } from 'node:path';
import type { Instrument, Kind } from '../ingest/profile.ts';
import { defaultAsOf, ratiosFrom, KPI_SCHEMA_VERSION, type HeadlineKpis, type KpiCounts } from '../reports/kpi-shape.ts';
import { addMonths, DAY, dayOf, formatTime, isBankHoliday, isoDate, memoByDay, periodDays, settleDay, truncateTo } from './calendar.ts';
import { customerCode, invoiceId, invoiceSeries, makeUnits, mistype, PC_SHARE, PCS, unknownCode, type Pc } from './codes.ts';
import { csvField, csvLine, formatAmount, PartnerFile, Spool, type FilePlan } from './files.ts';
import { roleOf, type Layout } from './layouts.ts';
import type { Noise } from './noise.ts';
import { canWriteCash, PARTNERS, type Partner } from './partners.ts';
import { cumulate, hash, pickWeighted, Rng } from './random.ts';
import { steer, EVN_2020, type Calibration, type ChannelOption } from './steering.ts';
import { customerName, stripAccents, type Segment } from './text.ts';
import { addKpis, emptyCounts, settle, type ExceptionReason, type TruthInvoice, type TruthRecord } from './truth.ts';
import { vietQrPayload } from './vietqr.ts';

export type RejectReason = 'bad_amount' | 'bad_date' | 'missing_field' | 'column_count' | 'negative_amount' | 'unknown_code';

export interface GenerateOptions {
  out: string;
  period: string;
  months: number;
  customers: number;
  seed: number;
  noise: Noise;
  calibration?: Calibration;
}

export interface GenerateSummary {
  periods: string[];
  customers: number;
  invoices: number;
  records: number;
  files: number;
  /** How often each format feature (per file) and noise kind (per record) occurred. */
  stats: Record<string, number>;
  kpis: Record<string, HeadlineKpis>;
}

/** A record as the partner writes it, with what the generator knows about it. */
interface Planned {
  partner: Partner;
  txn: string;
  agent?: string;
  receipt?: string;
  kind: Kind;
  reverses?: string;
  paid: number;
  settledDay: number;
  amount: number;
  instrument: Instrument;
  codeText: string;
  code: TruthRecord['code'];
  /** The invoice the reference names (truth), and how the file writes it (id, or series + number). */
  invoiceRef?: string;
  refText?: string;
  memo: string;
  dupRow: boolean;
  /** The noise scenario this record belongs to, counted in the summary. */
  tag?: string;
  malformed?: RejectReason;
  /** Eligible for row-level noise (malformed, duplicate): a plain payment of one scenario. */
  plain: boolean;
  fileRel: string;
  loaded: boolean;
}

interface Inv extends TruthInvoice {
  period: string;
  series: string;
  number: number;
  dueDay: number;
}

const SEGMENTS: Array<[Segment, number, number, number, number, number]> = [
  // segment, cumulative share, median, sigma, min, max
  ['residential', 0.9, 400_000, 0.75, 15_000, 30_000_000],
  ['business', 0.97, 3_000_000, 1.0, 100_000, 500_000_000],
  ['industrial', 0.985, 30_000_000, 1.3, 1_000_000, 2_000_000_000],
  ['administrative', 1, 8_000_000, 1.0, 200_000, 1_000_000_000],
];

const SMALL_BILL = 3_000_000;

/** Generates the data folder; returns what it wrote and the truth KPIs. */
export function generate(o: GenerateOptions): GenerateSummary {
  const g = new Generator(o);
  return g.run();
}

class Generator {
  private readonly periods: string[];
  private readonly asOfEnd: number[];
  private readonly units;
  private readonly unitCounters: Int32Array;
  private readonly unitsByPc: Map<Pc, number[]>;
  private readonly pcCum: number[];
  private readonly invoiceCounters = new Map<string, number>();
  private readonly seriesCounters = new Map<string, number>();
  private readonly txnCounters = new Map<string, number>();
  private orphanCounter = 0;
  private readonly files = new Map<string, PartnerFile>();
  private readonly counts: KpiCounts[];
  private readonly calibration: Calibration;
  private readonly optionPartners: Map<ChannelOption, { partners: Partner[]; cum: number[] }>;
  private readonly joinersPerPeriod: number;
  private readonly total: number;
  private records = 0;
  private invoiceRows = 0;
  private customersSpool!: Spool;
  private invoiceSpools!: Spool[];
  private allocSpool!: Spool;
  private excSpool!: Spool;
  private rejectSpool!: Spool;

  constructor(private readonly o: GenerateOptions) {
    this.periods = Array.from({ length: o.months }, (_, k) => addMonths(o.period, k));
    this.asOfEnd = this.periods.map((p) => {
      const [y, m, d] = defaultAsOf(p).split('-').map(Number) as [number, number, number];
      return (dayOf(y, m, d) + 1) * DAY - 1;
    });
    this.units = makeUnits(o.customers);
    this.unitCounters = new Int32Array(this.units.length);
    this.unitsByPc = new Map(PCS.map((pc) => [pc, this.units.flatMap((u, i) => (u.pc === pc ? [i] : []))]));
    this.pcCum = cumulate(PCS.map((pc) => PC_SHARE[pc]));
    this.counts = this.periods.map(() => emptyCounts());
    this.calibration = o.calibration ?? EVN_2020;
    const eligible = (opt: ChannelOption) =>
      PARTNERS.filter((p) =>
        opt === 'bank_cash' ? p.group === 'bank' && canWriteCash(p) : opt === 'bank' ? p.group === 'bank' : p.group === opt,
      );
    this.optionPartners = new Map(
      (['bank', 'bank_cash', 'intermediary', 'retail_agent', 'evn_counter'] as const).map((opt) => {
        const partners = eligible(opt);
        return [opt, { partners, cum: cumulate(partners.map((p) => p.weight)) }];
      }),
    );
    this.joinersPerPeriod = Math.round(o.customers * o.noise.join);
    this.total = o.customers + this.joinersPerPeriod * o.months;
  }

  run(): GenerateSummary {
    const o = this.o;
    checkReplaceable(o.out);
    rmSync(o.out, { recursive: true, force: true });
    mkdirSync(o.out, { recursive: true });
    this.customersSpool = new Spool(join(o.out, 'billing', 'customers.csv'));
    this.customersSpool.write('customer_code,name,pc,unit,segment\n');
    this.invoiceSpools = this.periods.map((p) => {
      const s = new Spool(join(o.out, 'billing', `invoices-${p}.csv`));
      s.write('invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd\n');
      return s;
    });
    this.allocSpool = new Spool(join(o.out, 'truth', 'allocations.csv'));
    this.allocSpool.write('partner_id,txn_ref,invoice_no,amount_vnd\n');
    this.excSpool = new Spool(join(o.out, 'truth', 'exceptions.csv'));
    this.excSpool.write('partner_id,txn_ref,reason\n');
    this.rejectSpool = new Spool(join(o.out, 'truth', 'rejects.csv'));
    this.rejectSpool.write('file,line,reason\n');

    for (let i = 0; i < this.total; i++) this.customer(i);

    for (const f of [...this.files.keys()].sort()) this.files.get(f)!.close();
    for (const s of [this.customersSpool, ...this.invoiceSpools, this.allocSpool, this.excSpool, this.rejectSpool]) s.flush();
    const kpis: Record<string, HeadlineKpis> = {};
    this.periods.forEach((p, k) => {
      const c = this.counts[k]!;
      kpis[p] = { schema_version: KPI_SCHEMA_VERSION, period: p, as_of: defaultAsOf(p), counts: c, ratios: ratiosFrom(c) };
    });
    writeFileSync(join(o.out, 'truth', 'kpis.json'), `${JSON.stringify(kpis, null, 2)}\n`);
    const stats = Object.fromEntries([...this.stats].sort(([a], [b]) => (a < b ? -1 : 1)));
    return { periods: this.periods, customers: this.total, invoices: this.invoiceRows, records: this.records, files: this.files.size, stats, kpis };
  }

  // ---- customers and invoices ----

  private customer(i: number): void {
    const o = this.o;
    const K = o.months;
    const rng = new Rng(o.seed, 'customer', i);
    const joinK = i < o.customers ? 0 : 1 + Math.floor((i - o.customers) / Math.max(1, this.joinersPerPeriod));
    let leaveK = K;
    if (i < o.customers) for (let k = 1; k < K; k++) if (leaveK === K && rng.chance(o.noise.leave)) leaveK = k;
    const su = rng.next();
    const seg = SEGMENTS.find((s) => su < s[1])!;
    const pc = PCS[pickWeighted(this.pcCum, rng.next())]!;
    const pcUnits = this.unitsByPc.get(pc)!;
    const ui = pcUnits[Math.floor(rng.next() * pcUnits.length)]!;
    const unit = this.units[ui]!;
    const code = customerCode(unit, ++this.unitCounters[ui]!);
    const name = customerName(seg[0], rng);
    const base = Math.round(Math.min(seg[5], Math.max(seg[4], rng.logNormal(seg[2], seg[3]))));
    this.customersSpool.write(csvLine([code, name, pc, unit.code, seg[0]]));

    // Billing cycle: each unit reads meters on its own days.
    const cycle = 1 + (hash(unit.code) % 24);
    const invoices: Inv[] = [];
    // Amounts differ between a customer's invoices, so "the invoice whose residual equals the amount" is one.
    const distinct = (a: number) => {
      let v = Math.max(1_000, a);
      while (invoices.some((x) => x.amount === v)) v++;
      return v;
    };
    const bill = (k: number, amount: number, issuedDay: number): Inv => {
      const period = addMonths(o.period, k);
      const id = invoiceId(period, this.bump(this.invoiceCounters, period));
      const year = Number(isoDate(issuedDay).slice(0, 4));
      const number = this.bump(this.seriesCounters, `${pc}${year}`);
      const inv: Inv = { no: id, k, period, issuedDay, dueDay: issuedDay + 14, amount: distinct(Math.round(amount)), series: invoiceSeries(year), number };
      invoices.push(inv);
      this.invoiceSpools[Math.max(0, k)]!.write(
        csvLine([inv.no, code, period, inv.series, String(number).padStart(7, '0'), isoDate(issuedDay), isoDate(inv.dueDay), inv.amount]),
      );
      this.invoiceRows++;
      return inv;
    };
    if (joinK === 0 && rng.chance(o.noise.initial_arrears)) {
      const pd = periodDays(addMonths(o.period, -1));
      bill(-1, base * (0.8 + 0.4 * rng.next()), pd.first + cycle - 1 + rng.int(0, 2));
    }
    for (let k = joinK; k < leaveK && k < K; k++) {
      const pd = periodDays(this.periods[k]!);
      const season = 1 + 0.15 * Math.sin(((Number(this.periods[k]!.slice(5)) - 3) / 12) * 2 * Math.PI);
      const issued = pd.first + cycle - 1 + rng.int(0, 2);
      bill(k, base * season * (0.85 + 0.3 * rng.next()), issued);
      if (rng.chance(o.noise.adjustment_invoice)) bill(k, base * (0.05 + 0.25 * rng.next()), Math.min(pd.first + pd.days - 1, issued + rng.int(4, 10)));
    }

    const ctx: CustomerCtx = { i, code, name, pc, base, small: base < SMALL_BILL, leaveK, joinK };
    const plan = this.plan(ctx, invoices, new Rng(o.seed, 'plan', i));
    const outcome = this.truthOf(invoices, plan);
    this.write(ctx, plan);
    for (const a of outcome.allocations) this.allocSpool.write(csvLine([a.rec.partnerId, a.rec.txn, a.inv.no, a.amount]));
    for (const e of outcome.exceptions) this.excSpool.write(csvLine([e.rec.partnerId, e.rec.txn, e.reason]));
    this.periods.forEach((_, k) => addKpis(this.counts[k]!, k, invoices, outcome.allocations, this.asOfEnd[k]!));
  }

  private bump(m: Map<string, number>, key: string): number {
    const n = (m.get(key) ?? 0) + 1;
    m.set(key, n);
    return n;
  }

  /** Truth of a plan: what correct processing of its loaded records yields. */
  private truthOf(invoices: Inv[], plan: Planned[]) {
    const recs: TruthRecord[] = plan
      .filter((p) => p.loaded)
      .map((p) => ({
        partnerId: p.partner.id, group: p.partner.group, txn: p.txn, kind: p.kind, reverses: p.reverses, paid: p.paid, amount: p.amount,
        instrument: p.instrument, invoiceRef: p.invoiceRef, code: p.code,
      }));
    return settle(invoices, recs);
  }

  // ---- payments ----

  private plan(c: CustomerCtx, invoices: Inv[], rng: Rng): Planned[] {
    const o = this.o;
    const n = o.noise;
    const K = o.months;
    const out: Planned[] = [];
    const chance = (p: number) => rng.chance(p);
    let carry = invoices.filter((x) => x.k === -1);

    if (c.joinK >= K) {
      // Registered, first bill after the window: a deposit finds no open invoice.
      if (chance(n.no_open_invoice)) {
        const partner = this.partnerFor(c, 'bank', K - 1);
        const pd = periodDays(this.periods[K - 1]!);
        out.push(tag('no_open_invoice', this.record(c, rng, partner, 'payment', this.timeOn(rng, pd.first + rng.int(5, 25), partner), 100_000 * rng.int(2, 10), {})));
      }
    }

    for (let k = c.joinK; k < Math.min(K, c.leaveK); k++) {
      const mine = invoices.filter((x) => x.k === k);
      const due = [...carry, ...mine];
      const amountK = mine.reduce((s, x) => s + x.amount, 0);
      const option = steer(this.counts[k]!, this.calibration, mine.length, amountK);
      const partner = this.partnerFor(c, option, k);
      const cash = option === 'bank_cash';
      const pay = (who: Partner, t: number, amount: number, opt: { inv?: Inv; noRef?: boolean; code?: 'mistyped' | 'unknown'; codeText?: string } = {}) =>
        this.record(c, rng, who, 'payment', t, amount, { ...opt, cash: cash && who === partner });
      const noLater = k === Math.min(K, c.leaveK) - 1;
      const asOfEnd = this.asOfEnd[k]!;
      const main = mine[0]!;
      const when = (day: number) => Math.min(this.timeOn(rng, day, partner), asOfEnd);
      const payDay = main.issuedDay + lagDays(rng);

      if (chance(n.unknown_customer) && roleOf(partner.layout, 'code')) {
        out.push(tag('unknown_customer', pay(partner, when(payDay), Math.round(rng.logNormal(400_000, 0.6)), { code: 'unknown', codeText: unknownCode(rng) })));
      }
      if (chance(n.orphan_reversal) && partner.layout.kindMap) {
        const ref = this.orphanRef(partner);
        out.push(tag('orphan_reversal', this.record(c, rng, partner, 'reversal', when(payDay), Math.round(rng.logNormal(400_000, 0.6)), { reverses: ref })));
      }

      if (c.small && chance(n.unpaid)) {
        carry = due;
        continue;
      }
      if (c.small && chance(n.late)) {
        const t = asOfEnd + 1 + rng.int(0, 2) * DAY + rng.int(8 * 3600, 17 * 3600);
        out.push(tag('after_as_of', pay(partner, t, sum(due))));
        carry = [];
        continue;
      }

      const t0 = when(payDay);
      const single = due.length === 1;
      if (!single && chance(n.multi_invoice)) {
        out.push(tag('multi_invoice', pay(partner, t0, sum(due), { noRef: true })));
      } else if (!single) {
        due.forEach((inv, j) => out.push(pay(partner, when(Math.max(payDay, inv.issuedDay) + j), inv.amount, { inv })));
      } else {
        const s = rng.next();
        const extra = 10_000 * rng.int(1, 50);
        const reversible = partner.layout.reversals !== 'none' || roleOf(partner.layout, 'debit') !== undefined;
        let acc = 0;
        if (c.small && s < (acc += n.partial)) {
          const first = Math.max(1_000, Math.round((main.amount * (0.3 + 0.4 * rng.next())) / 1_000) * 1_000);
          out.push(tag('partial', pay(partner, t0, first, { inv: main })));
          const t1 = Math.min(this.timeOn(rng, payDay + rng.int(5, 20), partner), asOfEnd + (rng.chance(0.2) ? 5 * DAY : 0));
          out.push(pay(partner, t1, main.amount - first, {}));
        } else if (noLater && s < (acc += n.overpayment)) {
          out.push(tag('overpayment', pay(partner, t0, main.amount + extra, { noRef: true })));
        } else if (reversible && s < (acc += n.partial_refund)) {
          const p = pay(partner, t0, main.amount + extra, { noRef: true });
          out.push(p, tag('partial_refund', this.reversalOf(c, rng, p, 'refund', extra)));
        } else if (reversible && s < (acc += n.reversal)) {
          const p = pay(partner, t0, main.amount, { inv: main });
          out.push(p, tag('reversal', this.reversalOf(c, rng, p, roleOf(partner.layout, 'debit') ? 'refund' : 'reversal', main.amount)));
          out.push(pay(partner, Math.min(p.paid + rng.int(3, 6) * DAY, asOfEnd), main.amount, { inv: main }));
        } else if (noLater && s < (acc += n.second_channel)) {
          out.push(pay(partner, t0, main.amount, { inv: main }));
          const other = this.partnerFor(c, option === 'bank' || option === 'bank_cash' ? 'intermediary' : 'bank', k);
          out.push(tag('second_channel', pay(other, Math.min(t0 + rng.int(1, 10) * DAY, asOfEnd), main.amount, { inv: main })));
        } else if (noLater && c.small && roleOf(partner.layout, 'code') && s < (acc += n.mistyped_code)) {
          out.push(tag('mistyped_code', pay(partner, t0, main.amount, { code: 'mistyped', codeText: mistype(c.code, rng) })));
        } else {
          const p = pay(partner, t0, main.amount, { inv: main });
          p.plain = true;
          out.push(p);
        }
      }
      carry = [];
    }
    for (const p of out) this.place(p, rng);
    return out;
  }

  /** Decides the file of a record, its row-level noise, and whether it gets loaded. */
  private place(p: Planned, rng: Rng): void {
    const l = p.partner.layout;
    const key = l.files === 'daily' ? isoDate(p.settledDay).replaceAll('-', '') : isoDate(Math.floor(p.paid / DAY)).slice(0, 7).replace('-', '');
    p.fileRel = `partners/${p.partner.id}/${l.fileStem}_EVN_${key}.${l.extension}`;
    const filePlan = this.filePlan(p.partner, key);
    const special = filePlan.badTrailer !== undefined || filePlan.resendAs !== undefined;
    if (p.plain && !special && this.o.noise.malformed > 0 && rng.chance(this.o.noise.malformed)) {
      const reasons: RejectReason[] = ['bad_amount', 'bad_date', 'missing_field', 'column_count'];
      if (roleOf(l, 'amount')) reasons.push('negative_amount');
      if (l.kindMap || l.instrumentMap) reasons.push('unknown_code');
      p.malformed = rng.pick(reasons);
    } else if (p.plain && rng.chance(this.o.noise.duplicate_row)) p.dupRow = true;
    p.loaded = p.malformed === undefined && filePlan.badTrailer === undefined;
  }

  /** The designated quarantined and resent files: a few per month, fixed by partner and date. */
  private filePlan(partner: Partner, key: string): FilePlan {
    const day = key.length === 8 ? dayOf(Number(key.slice(0, 4)), Number(key.slice(4, 6)), Number(key.slice(6))) : undefined;
    const nth = day === undefined ? 0 : businessDayOfMonth(day);
    if (partner.id === 'kienlongbank' && nth === 8) return { badTrailer: 'count' };
    if (partner.id === 'vnpost' && nth === 12) return { badTrailer: 'sum' };
    if (partner.id === 'momo' && nth === 5) return { resendAs: `${partner.layout.fileStem}_EVN_${key}_resend.${partner.layout.extension}` };
    if (partner.id === 'acb' && key.length === 6) return { resendAs: `${partner.layout.fileStem}_EVN_${key} (1).${partner.layout.extension}` };
    return {};
  }

  private partnerFor(c: CustomerCtx, option: ChannelOption, k: number): Partner {
    if (option === 'evn_counter') return PARTNERS.find((p) => p.group === 'evn_counter' && p.pc === c.pc)!;
    const { partners, cum } = this.optionPartners.get(option)!;
    // Habit: the same partner month after month, with an occasional switch.
    const u = hash(this.o.seed, 'partner', c.i, option, Math.floor(k / 6)) / 4294967296;
    return partners[pickWeighted(cum, u)]!;
  }

  /** A local time on `day` that suits the partner's channel (auto-debit at night, counters in office hours). */
  private timeOn(rng: Rng, day: number, partner: Partner): number {
    const from = partner.group === 'evn_counter' ? 7.5 : 6;
    const to = partner.group === 'evn_counter' ? 17 : 22.5;
    return day * DAY + Math.floor((from + (to - from) * rng.next()) * 3600);
  }

  private txnRef(partner: Partner, paid: number, n: number): string {
    const t = partner.layout.template;
    const d = formatTime(paid, 'YYYYMMDD').slice(2);
    switch (t) {
      case 'vn_bank_csv':
        return `FT${d}${String(n).padStart(8, '0')}`;
      case 'gateway_pipe':
        return `${partner.layout.fileStem.slice(0, 3)}${d}${String(n).padStart(8, '0')}`;
      case 'counter_tab':
        return `PT${String(n).padStart(9, '0')}`;
      case 'wallet_csv':
        return String(4_000_000_000 + n);
      default:
        return String(n).padStart(12, '0');
    }
  }

  private orphanRef(partner: Partner): string {
    // Never issued: counters stay far below 900 million.
    return this.txnRef(partner, 0, 900_000_000 + ++this.orphanCounter);
  }

  private record(
    c: CustomerCtx, rng: Rng, partner: Partner, kind: Kind, paidRaw: number, amount: number,
    opt: { inv?: Inv; noRef?: boolean; code?: 'mistyped' | 'unknown'; codeText?: string; reverses?: string; cash?: boolean },
  ): Planned {
    const l = partner.layout;
    const paid = truncateTo(paidRaw, l.paidFormat);
    const n = this.bump(this.txnCounters, partner.id);
    const instrument = opt.cash && canWriteCash(partner) ? 'cash' : this.instrumentOf(c, partner);
    const settled = settleDay(Math.floor(paidRaw / DAY), partner.lag + (rng.chance(0.1) ? 1 : 0));
    const p: Planned = {
      partner, txn: this.txnRef(partner, paidRaw, n), kind, paid, settledDay: settled, amount, instrument,
      codeText: opt.codeText ?? c.code, code: opt.code ?? 'self', memo: '', dupRow: false, plain: false, fileRel: '', loaded: true,
      ...(opt.reverses ? { reverses: opt.reverses } : {}),
    };
    if (partner.agentPrefix) {
      const pool = Math.max(10, Math.ceil((this.o.customers * 0.2138 * partner.weight) / 100 / 100));
      p.agent = `${partner.agentPrefix}${String(hash(this.o.seed, 'agent', c.i, partner.id) % pool).padStart(5, '0')}`;
      p.receipt = String(n).padStart(8, '0');
      p.txn = `${p.agent}-${p.receipt}`;
    }
    if (kind !== 'payment') {
      if (l.reversals === 'same_id' && opt.reverses) {
        p.txn = opt.reverses;
        delete p.reverses;
      }
      return p;
    }
    const month = formatTime(paidRaw, 'MM/YYYY');
    if (opt.code === undefined) {
      const hasMemo = roleOf(l, 'memo') !== undefined;
      if (instrument === 'qr' && hasMemo && partner.bin && rng.chance(this.o.noise.vietqr_memo)) {
        p.memo = vietQrPayload(partner.bin, '1221000999', amount, c.code, `TT TIEN DIEN T${month.slice(0, 2)}`);
        p.codeText = '';
      } else if (hasMemo && rng.chance(this.o.noise.memo_only)) {
        p.memo = memoWithCode(c, rng, month);
        p.codeText = '';
      }
      if (opt.inv && !opt.noRef && roleOf(l, 'invoice') && rng.chance(this.o.noise.invoice_ref)) {
        p.invoiceRef = opt.inv.no;
        p.refText = rng.chance(this.o.noise.invoice_ref_series) ? seriesNumber(opt.inv, rng) : opt.inv.no;
      }
    }
    if (!p.memo && roleOf(l, 'memo')) p.memo = plainMemo(c, rng, month);
    return p;
  }

  private reversalOf(c: CustomerCtx, rng: Rng, orig: Planned, kind: Kind, amount: number): Planned {
    const t = orig.paid + rng.int(1, 3) * DAY;
    return this.record(c, rng, orig.partner, kind, t, amount, { reverses: orig.txn, cash: orig.instrument === 'cash' });
  }

  /** A bank customer's habitual non-cash instrument, among those the partner's files can state. */
  private instrumentOf(c: CustomerCtx, partner: Partner): Instrument {
    const map = partner.layout.instrumentMap;
    if (partner.group !== 'bank' || !map) return partner.defaultInstrument;
    const usable = partner.instruments.filter((x) => Object.values(map).includes(x));
    return usable[hash(this.o.seed, 'instrument', c.i) % usable.length]!;
  }

  // ---- writing ----

  private write(c: CustomerCtx, plan: Planned[]): void {
    for (const p of plan) {
      let f = this.files.get(p.fileRel);
      const l = p.partner.layout;
      if (!f) {
        const key = p.fileRel.slice(p.fileRel.lastIndexOf('_EVN_') + 5, p.fileRel.lastIndexOf('.'));
        const label = key.length === 8 ? `${key.slice(6)}/${key.slice(4, 6)}/${key.slice(0, 4)}` : `${key.slice(4)}/${key.slice(0, 4)}`;
        f = new PartnerFile(this.o.out, p.fileRel, l, { partnerName: p.partner.name, bin: p.partner.bin, account: `1221${hash(p.partner.id) % 1_000_000}`, key, label }, this.filePlan(p.partner, key));
        this.files.set(p.fileRel, f);
        for (const feature of formatFeatures(l)) this.stat(feature);
        if (f.plan.badTrailer) this.stat(`noise:trailer_disagrees_${f.plan.badTrailer}`);
        if (f.plan.resendAs) this.stat('noise:file_delivered_twice');
      }
      const fields = this.render(c, p, f.records + 1);
      let raw: string | undefined;
      if (p.malformed === 'column_count') raw = [...fields, 'x'].map((v) => csvField(v, l.delimiter, l.quoteAll)).join(l.delimiter);
      const line = f.add(fields, p.amount, raw);
      this.records++;
      this.countNoise(p);
      if (p.malformed) this.rejectSpool.write(csvLine([p.fileRel, line, p.malformed]));
      if (p.dupRow) {
        this.stat('noise:duplicate_row');
        f.add(this.render(c, p, f.records + 1), p.amount);
        this.records++;
      }
    }
  }

  private readonly stats = new Map<string, number>();

  private stat(key: string): void {
    this.stats.set(key, (this.stats.get(key) ?? 0) + 1);
  }

  private countNoise(p: Planned): void {
    const l = p.partner.layout;
    if (p.tag) this.stat(`noise:${p.tag}`);
    if (p.kind !== 'payment') this.stat(`kind:${p.kind}`);
    if (p.malformed) this.stat(`reject:${p.malformed}`);
    if (p.invoiceRef) this.stat(p.refText === p.invoiceRef ? 'noise:invoice_ref' : 'noise:invoice_ref_series_number');
    if (p.kind === 'payment' && p.code === 'self' && !p.codeText) this.stat(p.memo.startsWith('000201') ? 'noise:vietqr_memo' : 'noise:code_in_memo_only');
    if (p.kind === 'payment' && p.code === 'self' && p.codeText && !p.invoiceRef) this.stat('noise:customer_code_only');
    if (p.memo.includes(l.delimiter) && !p.malformed) this.stat('format:quoted_memo_with_delimiter');
    if (p.memo.includes('\n')) this.stat('format:quoted_memo_with_line_break');
  }

  private render(c: CustomerCtx, p: Planned, seq: number): string[] {
    const l = p.partner.layout;
    const bad = p.malformed;
    const amountText = (v: number) => (bad === 'bad_amount' ? '#VALUE!' : bad === 'negative_amount' ? `-${formatAmount(v, l.amountFormat)}` : formatAmount(v, l.amountFormat));
    const code = (map: Record<string, string> | undefined, v: string) => (bad === 'unknown_code' ? 'ZZ' : Object.keys(map ?? {}).find((k) => map![k] === v) ?? '');
    return l.columns.map((col) => {
      switch (col.role) {
        case 'seq':
          return String(seq);
        case 'rectype':
          return 'D';
        case 'txn':
          return bad === 'missing_field' ? '' : p.txn;
        case 'agent':
          return p.agent!;
        case 'receipt':
          return bad === 'missing_field' ? '' : p.receipt!;
        case 'paid':
          return bad === 'bad_date' ? impossibleDate(l.paidFormat, p.paid) : formatTime(p.paid, l.paidFormat);
        case 'settled':
          return formatTime(p.settledDay * DAY, l.settledFormat!);
        case 'amount':
          return amountText(p.amount);
        case 'credit':
          return p.kind === 'payment' ? amountText(p.amount) : '';
        case 'debit':
          return p.kind === 'payment' ? '' : amountText(p.amount);
        case 'code':
          return p.codeText;
        case 'invoice':
          return p.refText ?? '';
        case 'memo':
          return p.memo;
        case 'payer':
          return c.name;
        case 'kind':
          return code(l.kindMap, p.kind);
        case 'reverses':
          return p.reverses ?? '';
        case 'instrument':
          return code(l.instrumentMap, p.instrument);
        case 'currency':
          return 'VND';
      }
    });
  }
}

interface CustomerCtx {
  i: number;
  code: string;
  name: string;
  pc: Pc;
  base: number;
  small: boolean;
  leaveK: number;
  joinK: number;
}

/** The format features a file of this layout shows (counted once per file). */
function formatFeatures(l: Layout): string[] {
  const names: Record<string, string> = { ',': 'comma', ';': 'semicolon', '|': 'pipe', '\t': 'tab' };
  const header = !l.headerNames ? 'none' : l.columns.some((c) => /[^\x00-\x7f]/.test(c.name)) ? 'vietnamese' : 'english';
  const g = l.amountFormat.grouping;
  return [
    `format:delimiter_${names[l.delimiter]}`,
    `format:encoding_${l.encoding}`,
    `format:header_${header}`,
    ...(l.preamble ? ['format:preamble'] : []),
    ...(l.trailer ? [`format:trailer_${l.trailer.style}`] : []),
    ...(l.pageBreak ? ['format:page_break_lines'] : []),
    `format:amount_${g === '.' ? 'dot' : g === ',' ? 'comma' : g === ' ' ? 'space' : 'plain'}_grouping${l.amountFormat.decimal ? '_decimal_comma' : ''}`,
    `format:date_${l.paidFormat}`,
    ...(l.settledFormat ? [`format:date_${l.settledFormat}`] : []),
    `format:files_${l.files}`,
  ];
}

const tag = (t: string, p: Planned): Planned => {
  p.tag = t;
  return p;
};

const sum = (xs: Inv[]) => xs.reduce((s, x) => s + x.amount, 0);

/** Days from issue to payment: most pay within ten days, some near the due date, a few late. */
function lagDays(rng: Rng): number {
  const u = rng.next();
  if (u < 0.6) return rng.int(0, 10);
  if (u < 0.9) return rng.int(10, 25);
  return rng.int(25, 45);
}

/** Business day number within its month (1 = first business day), 0 for a holiday. */
const businessDayOfMonth: (day: number) => number = memoByDay(countBusinessDays);

function countBusinessDays(day: number): number {
  if (isBankHoliday(day)) return 0;
  const first = periodDays(isoDate(day).slice(0, 7)).first;
  let n = 0;
  for (let d = first; d <= day; d++) if (!isBankHoliday(d)) n++;
  return n;
}

/** A date of the right shape that does not exist (31 February). */
function impossibleDate(format: string, sec: number): string {
  const year = formatTime(sec, 'YYYY');
  if (format === 'ISO') return `${year}-02-31T10:00:00+07:00`;
  return format.replace('YYYY', year).replace('MM', '02').replace('DD', '31').replace('HH', '10').replace('mm', '00').replace('ss', '00');
}

/** An e-invoice quoted by series + number as payers write it: padded, with a dash, or run together. */
function seriesNumber(inv: Inv, rng: Rng): string {
  switch (rng.int(0, 2)) {
    case 0:
      return `${inv.series} ${String(inv.number).padStart(7, '0')}`;
    case 1:
      return `${inv.series}-${inv.number}`;
    default:
      return `${inv.series}${inv.number}`;
  }
}

function memoWithCode(c: CustomerCtx, rng: Rng, month: string): string {
  switch (rng.int(0, 2)) {
    case 0:
      return `THANH TOAN TIEN DIEN ${c.code} T${month.slice(0, 2)}`;
    case 1:
      return `tt tien dien ma kh ${c.code.toLowerCase()} ky ${month}`;
    default:
      return `Thanh toán tiền điện, mã KH ${c.code}\nKỳ ${month}`;
  }
}

function plainMemo(c: CustomerCtx, rng: Rng, month: string): string {
  switch (rng.int(0, 3)) {
    case 0:
      return `Thanh toán tiền điện kỳ ${month}`;
    case 1:
      return stripAccents(`Thanh toán hóa đơn điện ${c.name}`).toUpperCase();
    case 2:
      return `Thanh toán tiền điện, kỳ ${month}\n${c.name}`;
    default:
      return `Tien dien "T${month.slice(0, 2)}" - ${stripAccents(c.name)}`;
  }
}

/** What a generated data folder holds at its top; nothing else is ever deleted by a rerun. */
const GENERATED_ENTRIES = new Set(['billing', 'partners', 'truth']);

/**
 * The generator recreates its --out folder. Before, it deleted whatever was there: `--out .` in the
 * repository, `--out ~`, or a file (`--out README.md`) went with no question asked. Only a folder
 * that does not exist, is empty, or holds nothing but what the generator writes (billing/,
 * partners/, truth/) is replaced; anything else is refused, naming what is there.
 */
export function checkReplaceable(out: string): void {
  const path = resolve(out);
  if (!existsSync(path)) return;
  if (!lstatSync(path).isDirectory()) throw new UsageError(`--out ${path} is a file; expected a data folder to create (the generator replaces its --out folder)`);
  const foreign = readdirSync(path).filter((e) => !GENERATED_ENTRIES.has(e));
  if (foreign.length > 0) {
    throw new UsageError(
      `--out ${path} holds ${foreign.slice(0, 3).map((e) => JSON.stringify(e)).join(', ')}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''}, which the generator did not write; it replaces its --out folder whole, so give a new or empty folder (or one it generated: billing/, partners/, truth/ only)`,
    );
  }
}
