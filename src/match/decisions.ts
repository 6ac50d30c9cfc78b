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
  const { partnerId, txnRef } = d.payment;
  if (!d.by.trim()) throw new UsageError('--by: name who decides');
  if (!d.reason.trim()) throw new UsageError('--reason: say why');
  const found = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM payments WHERE partner_id = $1 AND txn_ref = $2`, [partnerId, txnRef]);
  if (!found || found.n === 0n) throw new UsageError(`no payment ${partnerId}:${txnRef} is loaded; check the partner id and transaction id`);
  if (d.action === 'match') {
    if (!d.invoiceNo) throw new UsageError('decide match needs the INVOICE_NO the payment pays');
    const inv = await db.one(`SELECT invoice_no FROM invoices WHERE invoice_no = $1`, [d.invoiceNo]);
    if (!inv) throw new UsageError(`no invoice ${JSON.stringify(d.invoiceNo)} is loaded`);
  } else if (d.invoiceNo) {
    throw new UsageError(`decide ${d.action} takes no invoice`);
  }
  const row = await db.one<{ id: bigint }>(
    `INSERT INTO decisions (decision_id, partner_id, txn_ref, action, invoice_no, decided_by, reason, decided_at, run_id)
     VALUES (nextval('decision_ids'), $1, $2, $3, $4, $5, $6, now(), $7) RETURNING decision_id AS id`,
    [partnerId, txnRef, d.action, d.invoiceNo ?? null, d.by.trim(), d.reason.trim(), d.runId],
  );
  return row!.id;
}
