// explain: why a payment ended where it did (each rule, applied or not, and why), traced to its
// file and line; or an invoice's billing history, residual history and the payments that named it.
import { existsSync } from 'node:fs';
import type { Database, Row } from '../db/database.ts';
import { readSql } from '../db/database.ts';
import type { PaymentKey } from './payment-key.ts';
import { profileForExplain, readSourceRecord, type ProfileForExplain } from './source-record.ts';

export interface RuleStep {
  rule: string;
  applied: boolean;
  why: string;
}

export interface PaymentRecordExplanation {
  payment: Row;
  /**
   * `line` is the physical line, or for an XLSX file the row of `sheet`. `raw` is the record as
   * ingest split it with the partner's profile; `note` says when it may not be (the profile is
   * missing, changed since the file was loaded, or does not read the file).
   */
  source: { file: string | null; path: string | null; line: number; sheet?: string; raw: string | null; note?: string };
  rules: RuleStep[];
  allocations: Row[];
  exceptions: Row[];
}

export interface PaymentExplanation {
  kind: 'payment';
  key: PaymentKey;
  records: PaymentRecordExplanation[];
  decisions: Row[];
  /** The invoices the payment allocated to or names; billing_changes: the rows billing imports replaced (see InvoiceExplanation). */
  invoices: Array<{ invoice_no: string; history: Row[]; billing_changes: Row[] }>;
  /** The identity received again: duplicate records, and records waiting in quarantined files. */
  receivedAgain: Row[];
}

export interface InvoiceExplanation {
  kind: 'invoice';
  /** Null for a number billing imports loaded once and withdrew since (billing_history says by which files). */
  invoice: Row | null;
  history: Row[];
  claims: Row[];
  /**
   * Each row a billing import replaced (`change` reissued, dropped or withdrawn; its file and line,
   * the import that replaced it, what it changed), oldest first, then the current row (`current`).
   */
  billing_history: Row[];
}

/**
 * Explains every record of a payment identity; undefined if none is loaded. `profiles`: the folder
 * of partner profiles the raw row is read with (default pipelines/partners, as `recon ingest`).
 */
export async function explainPayment(db: Database, key: PaymentKey, opts: { profiles?: string } = {}): Promise<PaymentExplanation | undefined> {
  const ident = { partner: key.partnerId, txn: key.txnRef };
  const rows = await db.all(readSql('match/queries/explain_payment.sql'), ident);
  if (rows.length === 0) return undefined;
  const receivedAgain = await paymentReceivedAgain(db, key);
  const decisions = await db.all(readSql('match/queries/payment_decisions.sql'), ident);
  const records: PaymentRecordExplanation[] = [];
  const invoices = new Set<string>();
  const withdrawn = new Set<string>();
  let profile: ProfileForExplain | undefined; // read once, when a text file needs it
  const readProfile = async () => (profile ??= await profileForExplain(db, key.partnerId, opts.profiles));
  for (const p of rows) {
    const id = { payment_id: p['payment_id'] as bigint };
    const allocations = await db.all(readSql('match/queries/payment_allocations.sql'), id);
    const exceptions = await db.all(readSql('match/queries/payment_exceptions.sql'), id);
    for (const a of allocations) invoices.add(a['invoice_no'] as string);
    for (const name of [p['target_invoice_no'], ...exceptions.map((e) => e['suggested_invoice_no'])]) {
      if (typeof name === 'string') invoices.add(name);
    }
    // A reference to an invoice billing withdrew since matches none; its billing history says why.
    if (p['ref_status'] === 'not_found' && typeof p['invoice_ref'] === 'string') withdrawn.add(p['invoice_ref'].trim());
    const path = (p['file_path'] as string | null) ?? null;
    const line = Number(p['line_no']);
    records.push({
      payment: p,
      source: { file: (p['file_name'] as string | null) ?? null, path, line, ...(await sourceRecord(path, line, key.txnRef, readProfile)) },
      rules: ruleTrace(p, allocations, exceptions, decisions),
      allocations,
      exceptions,
    });
  }
  const histories = [];
  for (const invoice_no of [...new Set([...invoices, ...withdrawn])].sort()) {
    const billing_changes = (await billingHistory(db, invoice_no)).filter((v) => v['change'] !== 'current');
    if (!invoices.has(invoice_no) && billing_changes.length === 0) continue;
    histories.push({ invoice_no, history: await db.all(readSql('match/queries/invoice_history.sql'), { invoice: invoice_no }), billing_changes });
  }
  return { kind: 'payment', key, records, decisions, invoices: histories, receivedAgain };
}

/** The record's raw text from its file (a text file's record as ingest split it, an XLSX sheet's row), null when the file is gone. */
async function sourceRecord(path: string | null, line: number, txnRef: string, profile: () => Promise<ProfileForExplain>): Promise<{ sheet?: string; raw: string | null; note?: string }> {
  if (!path || !existsSync(path)) return { raw: null };
  const r = await readSourceRecord(path, line, txnRef, profile);
  return { ...r, raw: rawExcerpt(r.raw, txnRef) };
}

/** Where a payment identity was received (paymentReceivedAgain's rows), as messages say it: `file 7 (X.csv) line 12, rejected: …; …`. */
export function receivedPlaces(rows: Row[]): string {
  return rows.map((w) => `file ${String(w['file_id'])} (${String(w['file_name'])}) line ${String(w['line_no'])}, ${String(w['received_as'])}: ${String(w['note'])}`).join('; ');
}

/** Duplicate records of a payment identity and its records waiting in quarantined files (file, line, note). */
export async function paymentReceivedAgain(db: Database, key: PaymentKey): Promise<Row[]> {
  return db.all(readSql('match/queries/payment_received_again.sql'), { partner: key.partnerId, txn: key.txnRef });
}

/** An invoice's billing history: the rows billing imports replaced, oldest first, then the current row. */
async function billingHistory(db: Database, invoiceNo: string): Promise<Row[]> {
  return db.all(readSql('match/queries/invoice_billing_history.sql'), { invoice: invoiceNo });
}

/** Explains an invoice, also one billing loaded and withdrew since; undefined if no billing import ever loaded it. */
export async function explainInvoice(db: Database, typed: string): Promise<InvoiceExplanation | undefined> {
  const invoiceNo = typed.trim(); // as a payment key is read: spaces pasted around the number are no part of it
  const invoice = (await db.one(readSql('match/queries/explain_invoice.sql'), { invoice: invoiceNo })) ?? null;
  const billing_history = await billingHistory(db, invoiceNo);
  if (!invoice && billing_history.length === 0) return undefined;
  return {
    kind: 'invoice',
    invoice,
    history: await db.all(readSql('match/queries/invoice_history.sql'), { invoice: invoiceNo }),
    claims: await db.all(readSql('match/queries/invoice_claims.sql'), { invoice: invoiceNo }),
    billing_history,
  };
}

/** Rules 4–7: [number, allocation rule name, what it means]. */
const CUSTOMER_RULES: Array<[number, string, string]> = [
  [4, 'amount_equals_invoice', 'the amount equals one open invoice residual (the oldest of equals)'],
  [5, 'amount_equals_open_total', 'the amount equals the total open residual (arrears + current)'],
  [6, 'oldest_first_partial', 'less than the total open residual: oldest first, the last partially'],
  [7, 'overpayment', 'more than the total open residual: every open invoice, the rest is credit'],
];

/** The cascade, rule by rule, for one payment record, from what the match recorded and the decisions on its identity. */
export function ruleTrace(p: Row, allocations: Row[], exceptions: Row[], decisions: Row[] = []): RuleStep[] {
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const route = s(p['route']);
  const rules = new Set(allocations.map((a) => s(a['rule'])));
  const reasons = new Set(exceptions.map((e) => s(e['reason'])));
  const steps: RuleStep[] = [];

  if (p['kind'] !== 'payment') {
    const orphan = reasons.has('orphan_reversal');
    const excess = exceptions.find((e) => e['reason'] === 'refund_exceeds_payment');
    const short = exceptions.find((e) => e['reason'] === 'partial_reversal');
    steps.push({
      rule: '1 reversals and refunds',
      applied: true,
      why: orphan
        ? `orphan_reversal: ${s(exceptions.find((e) => e['reason'] === 'orphan_reversal')?.['detail'])}`
        : excess
          ? `refund_exceeds_payment: ${s(excess['detail'])}; the payment is void`
          : short
            ? `partial_reversal: ${s(short['detail'])}`
          : p['kind'] === 'reversal' && (p['original_payment_id'] === null || p['original_payment_id'] === undefined)
            ? `this reversal takes back ${s(p['amount_vnd'])} đ of refund ${s(p['reverses_txn_ref']) || s(p['txn_ref'])} of ${s(p['partner_id'])}: that refund returns that much less (nothing once its reversals reach its amount), and its payment allocates that much more`
          : `this ${s(p['kind'])} record adjusts payment ${s(p['reverses_txn_ref']) || s(p['txn_ref'])} of ${s(p['partner_id'])}`,
    });
    return steps;
  }
  const adjusted = (p['adjusted_by'] as string[] | null) ?? [];
  steps.push({
    rule: '1 reversals and refunds',
    applied: route === 'void' || Number(p['refunded_vnd'] ?? 0) > 0,
    why:
      route === 'void'
        ? `void (${s(p['void_reason'])} by ${adjusted.join(', ')}): allocates nothing`
        : Number(p['refunded_vnd'] ?? 0) > 0
          ? `partially refunded by ${adjusted.join(', ')}: ${s(p['refunded_vnd'])} đ less to allocate`
          : adjusted.length > 0
            ? `named by ${adjusted.join(', ')}, cancelled by its reversal: nothing less to allocate`
            : 'no reversal or refund names this payment',
  });
  if (route === 'void') return steps;

  const action = s(p['decision_action']);
  // Only match/unmatch route a payment; a dismissal alone is a decision too, and says so below.
  const dismissals = decisions.filter((d) => d['action'] === 'dismiss').map((d) => `#${s(d['decision_id'])}`);
  steps.push({
    rule: '2 auditor decision',
    applied: action !== '' && (action !== 'match' || p['target_rule'] === 'decision'),
    why: !action
      ? dismissals.length === 0
        ? 'no decision'
        : `no match or unmatch decision; dismissal ${dismissals.join(', ')} only closes an exception (below)`
      : action === 'match'
        ? p['target_rule'] === 'decision'
          ? `decision #${s(p['decision_id'])}: match to ${s(p['decision_invoice_no'])}` +
            // A decision is a target like a reference and still respects the time rule: an invoice
            // earlier payments settled takes nothing of it (before, explain said only "match to X"
            // while the money went elsewhere).
            (rules.has('decision')
              ? ''
              : `; ${s(p['decision_invoice_no'])} was already settled by earlier payments when this payment's turn came (an earlier payment takes a residual), so it took nothing of this payment, which went by the rules below`)
          : `decision #${s(p['decision_id'])} names invoice ${s(p['decision_invoice_no'])}, which is not loaded: ignored`
        : `decision #${s(p['decision_id'])}: ${action}`,
  });
  if (route === 'unmatched') return steps;
  // The money dismissals closed (migration 015): kept out of the rules at every match since, one
  // dismissed exception per dismissal that recorded its amount.
  const recorded = new Set(decisions.filter((d) => d['closed_vnd'] !== null && d['closed_vnd'] !== undefined).map((d) => s(d['decision_id'])));
  const kept = exceptions
    .filter((e) => e['status'] === 'dismissed' && recorded.has(s(e['decision_id'])))
    .sort((a, b) => Number(a['decision_id']) - Number(b['decision_id']));
  const keptVnd = kept.reduce((sum, e) => sum + BigInt(String(e['amount_vnd'])), 0n);
  const keptSteps = (rest: string): RuleStep[] =>
    kept.map((e, n) => ({
      rule: '2 auditor decision (dismiss)',
      applied: true,
      why: `decision #${s(e['decision_id'])} dismissed the ${s(e['reason'])} exception of ${s(e['amount_vnd'])} đ the payment had then: that money was dealt with outside recon (refunded, posted by hand) and every match since keeps it out of the rules${n === kept.length - 1 ? `; ${rest}` : ''}`,
    }));
  if (route === 'dismissed') {
    steps.push(...keptSteps('nothing is left to allocate'));
    return steps;
  }

  const refStatus = s(p['ref_status']);
  // A reference read from the memo (040: no reference field, no known code in the code field).
  const memoRef = refStatus.startsWith('memo_');
  const refText = memoRef ? 'the memo' : `reference ${JSON.stringify(s(p['invoice_ref']))}`;
  const disagree = p['code_known'] === true && p['ref_customer_code'] && p['claimed_code'] !== p['ref_customer_code'];
  // The invoices a reference naming several could mean ("1001 of PE0100123456"), from migration 017.
  const candidates = Array.isArray(p['ref_candidates']) && p['ref_candidates'].length > 0 ? ` (${(p['ref_candidates'] as unknown[]).map(String).join(', ')})` : '';
  steps.push({
    rule: '3 invoice reference',
    applied: rules.has('invoice_ref'),
    why: !refStatus
      ? 'no invoice reference'
      : refStatus === 'not_found'
        ? `reference ${JSON.stringify(s(p['invoice_ref']))} matches no invoice (a series + number is looked up among the invoices of the payer's power corporation when its code names one)`
        : refStatus === 'several_invoices' || refStatus === 'memo_several_invoices'
          ? `${refText} names several invoices${candidates}, all of customer ${s(p['ref_customer_code'])}: the payment is that customer's; ` +
            (rules.has('invoice_ref')
              ? `the invoices named take it first, oldest first (the allocations by rule invoice_ref below), and what is left goes to the customer's other open invoices by the customer rules (4-7)`
              : p['target_rule'] === 'decision'
                ? `decision #${s(p['decision_id'])} names invoice ${s(p['decision_invoice_no'])}, and a decision comes first (rule 2)`
                : 'the invoices named were already settled by earlier payments')
        : refStatus === 'word_other_customer'
          ? `${refText}: a word in it is the id of an invoice of another customer than the customer code ${s(p['claimed_code'])} names; a word among others does not outweigh the code, which decides`
        : refStatus === 'ambiguous' || refStatus === 'memo_ambiguous'
          ? `${refText} matches several invoices${candidates} (it names more than one invoice, or a series + number that several power corporations billed): none is taken (an auditor can name the one it pays: recon decide match)`
          : `${refText} ${memoRef ? 'names' : 'is'} invoice ${s(p['ref_invoice_no'])} (by ${refStatus.replace('memo_', '').replace('_', ' ')}) of customer ${s(p['ref_customer_code'])}` +
            (disagree ? `; the customer code says ${s(p['claimed_code'])}: the reference wins` : '') +
            (rules.has('invoice_ref')
              ? ''
              : p['target_rule'] === 'decision'
                ? `; decision #${s(p['decision_id'])} names invoice ${s(p['decision_invoice_no'])}, and a decision comes first (rule 2)`
                : '; it was already settled by an earlier payment'),
  });
  for (const [n, rule, text] of CUSTOMER_RULES) {
    steps.push({ rule: `${n} ${rule}`, applied: rules.has(rule), why: rules.has(rule) ? text : 'did not apply' });
  }
  const source = s(p['code_source']);
  const ambiguous = exceptions.find((e) => e['reason'] === 'ambiguous_customer');
  steps.push({
    rule: '8 code in memo',
    applied: (source === 'memo' || source === 'vietqr' || source === 'reference') && p['code_known'] === true,
    why: ambiguous
      ? `${s(ambiguous['detail'])} (a memo naming several customers is read only when exactly one of them has an invoice of the amount)`
      : p['qr_status'] === 'crc_failed'
        ? 'the memo is a VietQR payload whose CRC does not validate: not read'
        : source === 'memo' || source === 'vietqr' || source === 'reference'
          ? `code ${s(p['claimed_code'])} read from the ${source === 'vietqr' ? 'VietQR payload' : source === 'reference' ? 'invoice reference field' : 'memo text'}${p['code_known'] ? '' : ' (not a customer)'}` +
            // The code field named someone else: say so, and why it gave way (before, explain was
            // silent, so money applied against the partner's code field read as unremarkable).
            (p['field_code'] && p['field_code'] !== p['claimed_code']
              ? p['field_known'] === true && source === 'vietqr'
                ? `; the customer code field names customer ${s(p['field_code'])}, the payer's VietQR payload ${s(p['claimed_code'])}, and only ${s(p['claimed_code'])} has an invoice of exactly this amount`
                : `; the customer code field says ${s(p['field_code'])}${p['field_known'] === true ? '' : ', no customer'}`
              : '')
          : source === 'field' && p['code_known'] === true && p['qr_status'] === 'valid'
            ? `code ${s(p['claimed_code'])} from the customer code field; the memo's VietQR payload names another customer, and only ${s(p['claimed_code'])} has an invoice of exactly this amount`
            : source === 'field'
            ? `code ${s(p['claimed_code'])} from the customer code field${p['code_known'] ? '' : ' (not a customer)'}`
            : 'no customer code found',
  });
  const exc = (reason: string) => exceptions.find((e) => e['reason'] === reason && !kept.includes(e));
  const sug = exc('suggested_match');
  steps.push({ rule: '9 mistyped code', applied: !!sug, why: sug ? s(sug['detail']) : 'not considered or no near code owes this amount' });
  const dup = exc('duplicate_payment');
  steps.push({ rule: '10 duplicate payment', applied: !!dup, why: dup ? s(dup['detail']) : 'did not apply' });
  const last = exc('unknown_customer') ?? exc('ambiguous_customer') ?? exc('no_open_invoice');
  steps.push({ rule: '11 unknown customer / no open invoice', applied: !!last, why: last ? `${s(last['reason'])}: ${s(last['detail'])}` : 'did not apply' });
  const credit = exc('overpayment_credit');
  if (credit) steps.push({ rule: 'credit', applied: true, why: s(credit['detail']) });
  const dismissed = exceptions.find((e) => e['status'] === 'dismissed' && !kept.includes(e));
  if (kept.length > 0) {
    const effective = p['effective_vnd'];
    steps.push(...keptSteps(`the rest, ${effective === undefined || effective === null ? '' : BigInt(String(effective)) - keptVnd} đ, went through the rules above`));
  }
  if (dismissed) steps.push({ rule: '2 auditor decision (dismiss)', applied: true, why: `exception ${s(dismissed['reason'])} dismissed by decision #${s(dismissed['decision_id'])}` });
  else if (dismissals.length > 0 && kept.length === 0) {
    steps.push({ rule: '2 auditor decision (dismiss)', applied: false, why: `dismissal ${dismissals.join(', ')} closes nothing now: no exception is open, or a later match/unmatch reopened the question` });
  }
  return steps;
}

/** The most of a record's raw text explain shows whole. */
const RAW_MAX = 4000;

/**
 * A record's raw text, or of a line too long to show (a minified JSON array on one line, megabytes):
 * the stretch around the first place the transaction id (or, for a joined one, its first part)
 * stands, else its start, saying how long the line is.
 */
export function rawExcerpt(raw: string | null, txnRef: string): string | null {
  if (raw === null || raw.length <= RAW_MAX) return raw;
  const needle = [txnRef, txnRef.split(/[^\p{L}\p{N}]/u)[0] ?? ''].find((n) => n.length >= 3 && raw.includes(n));
  const at = needle === undefined ? 0 : raw.indexOf(needle);
  const from = Math.max(0, Math.min(at - RAW_MAX / 4, raw.length - RAW_MAX));
  const to = Math.min(raw.length, from + RAW_MAX);
  return `${from > 0 ? '…' : ''}${raw.slice(from, to)}${to < raw.length ? '…' : ''} (${to - from} of the line's ${raw.length} characters${needle === undefined ? '' : ', around the transaction id'})`;
}
