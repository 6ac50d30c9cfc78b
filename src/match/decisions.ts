// Auditor decisions: appended to the decisions table (never updated or deleted), keyed by partner
// and transaction id so that every recompute re-applies them (sql/match/020_decisions.sql).
import type { Database } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import type { PaymentKey } from './payment-key.ts';

export const DECISION_ACTIONS = ['match', 'unmatch', 'dismiss'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export interface DecisionInput {
  action: DecisionAction;
  payment: PaymentKey;
  /** Required for match: the invoice the payment pays. */
  invoiceNo?: string;
  by: string;
  reason: string;
  runId: string;
}

/** Validates and appends one decision; returns its id. Takes effect at the next match. */
export async function recordDecision(db: Database, d: DecisionInput): Promise<bigint> {
  await checkDecision(db, d);
  const { partnerId, txnRef } = d.payment;
  // A dismissal records what it closes: the payment's open exception as the auditor sees it now
  // (migration 015). That amount stays out of every later match (sql/match/020_decisions.sql).
  const closed = d.action === 'dismiss' ? await openException(db, d.payment) : NOTHING_CLOSED;
  const row = await db.one<{ id: bigint }>(
    `INSERT INTO decisions (decision_id, partner_id, txn_ref, action, invoice_no, decided_by, reason, decided_at, run_id,
                            closed_reason, closed_vnd, closed_invoice_no, closed_refunded_vnd)
     VALUES (nextval('decision_ids'), $1, $2, $3, $4, $5, $6, now(), $7, $8, $9, $10, $11) RETURNING decision_id AS id`,
    [partnerId, txnRef, d.action, d.invoiceNo ?? null, d.by.trim(), d.reason.trim(), d.runId, closed.reason, closed.amount, closed.invoiceNo, closed.refunded],
  );
  return row!.id;
}

/**
 * A UsageError when a decision cannot be recorded: no --by or --reason, no payment record of the
 * identity loaded (saying where it was received, if anywhere), an unknown invoice, an invoice given
 * to unmatch or dismiss. The command checks it before it starts a run, so a refused decision
 * records nothing.
 */
export async function checkDecision(db: Database, d: Omit<DecisionInput, 'runId'>): Promise<void> {
  const { partnerId, txnRef } = d.payment;
  if (!d.by.trim()) throw new UsageError('--by: name who decides');
  if (!d.reason.trim()) throw new UsageError('--reason: say why');
  const found = await db.one<{ n: bigint; payments: bigint; other: string | null; names: string | null }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE kind = 'payment') AS payments,
            min(kind) FILTER (WHERE kind <> 'payment') AS other, min(reverses_txn_ref) FILTER (WHERE kind <> 'payment') AS names
     FROM payments WHERE partner_id = $1 AND txn_ref = $2`,
    [partnerId, txnRef],
  );
  if (!found || found.n === 0n) {
    throw new UsageError(`no payment ${partnerId}:${txnRef} is loaded${(await whereReceived(db, d.payment)) ?? '; check the partner id and transaction id'}`);
  }
  // A reversal's or refund's own record pays no invoice: only a dismissal (of its exception, such as
  // orphan_reversal) applies to it.
  if (found.payments === 0n && d.action !== 'dismiss') {
    const names = found.names ? `; decide on the payment it names, ${partnerId}:${found.names}` : '';
    throw new UsageError(`${partnerId}:${txnRef} is a ${found.other} record, not a payment: decide ${d.action} applies to payments (dismiss closes its exception)${names}`);
  }
  if (d.action === 'match') {
    if (!d.invoiceNo) throw new UsageError('decide match needs the INVOICE_NO the payment pays');
    const inv = await db.one(`SELECT invoice_no FROM invoices WHERE invoice_no = $1`, [d.invoiceNo]);
    if (!inv) throw new UsageError(`no invoice ${JSON.stringify(d.invoiceNo)} is loaded`);
  } else if (d.invoiceNo) {
    throw new UsageError(`decide ${d.action} takes no invoice`);
  }
}

interface Closed {
  reason: string | null;
  amount: bigint | null;
  invoiceNo: string | null;
  /** What rule 1 had refunded of the payment at that match (migration 016): a refund reported later lowers the amount kept out. */
  refunded: bigint | null;
}

const NOTHING_CLOSED: Closed = { reason: null, amount: null, invoiceNo: null, refunded: null };

/**
 * The open exception a dismissal of this payment closes, from the latest match: its reason and
 * amount. Amount null when there is none to freeze: no open exception (a dismissal recorded before
 * a match showed one), an auditor_unmatched one or one on a reversal or refund record (such money is
 * kept out of the rules already, by the unmatch or because an adjustment allocates nothing); such a
 * dismissal closes whatever exception the payment has at every match, as dismissals recorded
 * before migration 015 do.
 */
async function openException(db: Database, key: PaymentKey): Promise<Closed> {
  const e = await db.one<{ reason: string; amount_vnd: bigint; kind: string; suggested_invoice_no: string | null; refunded_vnd: bigint | null }>(
    `SELECT e.reason, e.amount_vnd, p.kind, e.suggested_invoice_no, m.refunded_vnd
     FROM exceptions e JOIN payments p USING (payment_id)
     LEFT JOIN payment_match m ON m.payment_id = e.payment_id
     WHERE p.partner_id = $1 AND p.txn_ref = $2 AND e.status = 'open'
     ORDER BY p.kind = 'payment' DESC, e.amount_vnd DESC LIMIT 1`,
    [key.partnerId, key.txnRef],
  );
  if (!e) return NOTHING_CLOSED;
  if (e.kind !== 'payment' || e.reason === 'auditor_unmatched') return { ...NOTHING_CLOSED, reason: e.reason };
  return { reason: e.reason, amount: e.amount_vnd, invoiceNo: e.suggested_invoice_no, refunded: e.refunded_vnd ?? 0n };
}

/**
 * Where a payment identity that is not loaded was received, as explain says it: `; it was received
 * in file N (name) line L, in a quarantined file: …` (or rejected: its message); null when nowhere.
 */
export async function whereReceived(db: Database, key: PaymentKey): Promise<string | null> {
  const { paymentReceivedAgain, receivedPlaces } = await import('./explain.ts');
  const where = (await paymentReceivedAgain(db, key)).filter((w) => w['received_as'] !== 'duplicate record');
  return where.length === 0 ? null : `; it was received in ${receivedPlaces(where)}`;
}
