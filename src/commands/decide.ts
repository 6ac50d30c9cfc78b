// `recon decide match|unmatch|dismiss PARTNER:TXN_REF [INVOICE_NO] --by NAME --reason TEXT`:
// appends an auditor decision, then recomputes matching so it takes effect at once.
import type { Command } from 'commander';
import type { Database } from '../db/database.ts';
import { checkDecision, DECISION_ACTIONS, recordDecision, type DecisionAction } from '../match/decisions.ts';
import { requirePaymentKey, type PaymentKey } from '../match/payment-key.ts';
import { UsageError } from '../errors.ts';
import { printResult, withDb, withDbOptions, withRun, type GlobalOptions } from './context.ts';

interface DecideOptions extends GlobalOptions {
  by: string;
  reason: string;
  rematch: boolean;
}

export function register(program: Command): void {
  withDbOptions(program.command('decide'))
    .description('record an auditor decision on a payment (match it to an invoice, unmatch it, or dismiss its exception), kept across every recompute')
    .argument('<action>', `one of ${DECISION_ACTIONS.join(', ')}`)
    .argument('<payment>', 'the payment as PARTNER:TXN_REF')
    .argument('[invoice_no]', 'for match: the invoice the payment pays')
    .requiredOption('--by <name>', 'who decides')
    .requiredOption('--reason <text>', 'why (e.g. "customer confirmed by phone", "refund done")')
    .option('--no-rematch', 'only record the decision; it takes effect at the next match')
    .action(async (action: string, payment: string, invoiceNo: string | undefined, opts: DecideOptions) => {
      if (!(DECISION_ACTIONS as readonly string[]).includes(action)) {
        throw new UsageError(`unknown action ${JSON.stringify(action)}; expected one of ${DECISION_ACTIONS.join(', ')}`);
      }
      const key = requirePaymentKey(payment);
      // Refused before a run starts, so a refused decision records nothing.
      const input = { action: action as DecisionAction, payment: key, ...(invoiceNo ? { invoiceNo } : {}), by: opts.by, reason: opts.reason };
      await withDb(opts, (db) => checkDecision(db, input));
      const result = await withRun(opts, 'decide', { action, payment, invoiceNo: invoiceNo ?? null, by: opts.by }, async (db, run) => {
        const decisionId = await recordDecision(db, {
          action: action as DecisionAction,
          payment: key,
          ...(invoiceNo ? { invoiceNo } : {}),
          by: opts.by,
          reason: opts.reason,
          runId: run.runId,
        });
        if (opts.rematch) await (await import('../match/index.ts')).runMatch(db, run);
        const effect = opts.rematch ? await decisionEffect(db, key, decisionId, action as DecisionAction) : null;
        // What a dismissal recorded as closed (migration 015): the auditor sees what stays out of matching.
        const closed = await db.one<{ closed_reason: string | null; closed_vnd: bigint | null }>(
          'SELECT closed_reason, closed_vnd FROM decisions WHERE decision_id = $1',
          [decisionId],
        );
        return {
          decision_id: decisionId, action, payment, invoice_no: invoiceNo ?? null, rematched: opts.rematch, no_effect: effect,
          closed_reason: closed?.closed_reason ?? null, closed_vnd: closed?.closed_vnd ?? null,
        };
      });
      printResult(opts.json, result, () =>
        `decision #${result.decision_id} recorded: ${action} ${payment}${invoiceNo ? ` → ${invoiceNo}` : ''}` +
        (opts.rematch ? '; matching recomputed' : '; run `recon match` to apply it') +
        (result.closed_vnd !== null && result.closed_vnd > 0n
          ? `\nit closes the ${result.closed_reason} exception of ${result.closed_vnd} đ: that money was dealt with outside recon and stays out of matching from now on`
          : '') +
        (result.no_effect ? `\nnote: it has no effect now: ${result.no_effect}` : ''),
      );
    });
}

/**
 * Why a decision just recorded has no effect after the recompute, or null when it took effect:
 * the payment is void (reversed or refunded), matching did not apply it (e.g. the invoice is not
 * loaded), a match decision's invoice was settled by earlier payments (it took nothing), or a
 * dismissal found no exception to close. The decision stays on record either way
 * (decisions are append-only, and a later load may make it apply); the auditor must know.
 */
export async function decisionEffect(db: Database, key: PaymentKey, decisionId: bigint | number, action: DecisionAction): Promise<string | null> {
  const m = await db.one<{ void_reason: string | null; decision_id: bigint | null; decision_invoice_no: string | null; target_rule: string | null; open: bigint; dismissed_by_it: bigint; decision_allocated: bigint }>(
    `SELECT m.void_reason, m.decision_id, m.decision_invoice_no, m.target_rule,
            (SELECT count(*) FROM exceptions e WHERE e.payment_id = m.payment_id AND e.status = 'open') AS open,
            (SELECT count(*) FROM exceptions e WHERE e.payment_id = m.payment_id AND e.decision_id = $3) AS dismissed_by_it,
            (SELECT count(*) FROM allocations a WHERE a.payment_id = m.payment_id AND a.rule = 'decision') AS decision_allocated
     FROM payment_match m WHERE m.partner_id = $1 AND m.txn_ref = $2 AND m.kind = 'payment'`,
    [key.partnerId, key.txnRef, decisionId],
  );
  if (!m) return await notLoaded(db, key, decisionId, action);
  if (m.void_reason) return `the payment is void (${m.void_reason}), so it allocates nothing and has no exception`;
  if (action === 'dismiss') return m.dismissed_by_it > 0n ? null : 'the payment has no exception to close (a later one will be closed by it)';
  if (m.decision_id === null || Number(m.decision_id) !== Number(decisionId)) return 'matching did not apply it (see `recon explain`)';
  // A match decision is a target that still respects the time rule: an invoice settled by earlier
  // payments takes nothing of it, and the payment goes by the customer rules (before, decide said
  // nothing and the auditor took the payment for matched to the invoice).
  if (action === 'match' && m.target_rule === 'decision' && m.decision_allocated === 0n) {
    return `invoice ${m.decision_invoice_no} was already settled by earlier payments when this payment's turn came (an earlier payment takes a residual), so it took nothing of this payment, which went by the customer rules instead (see \`recon explain\`)`;
  }
  return null;
}

/**
 * Why a decision recorded on an identity with no payment record has no effect: the id is a
 * reversal's or refund's own record (only a dismissal is recorded on one) and it has no exception
 * to close.
 */
async function notLoaded(db: Database, key: PaymentKey, decisionId: bigint | number, action: DecisionAction): Promise<string | null> {
  const other = await db.one<{ kind: string; file_name: string; line_no: bigint; reverses_txn_ref: string | null; closed: bigint }>(
    `SELECT p.kind, coalesce(f.file_name, 'file ' || p.file_id) AS file_name, p.line_no, p.reverses_txn_ref,
            (SELECT count(*) FROM exceptions e WHERE e.payment_id = p.payment_id AND e.decision_id = $3) AS closed
     FROM payments p LEFT JOIN source_files f USING (file_id)
     WHERE p.partner_id = $1 AND p.txn_ref = $2 AND p.kind <> 'payment' ORDER BY p.payment_id LIMIT 1`,
    [key.partnerId, key.txnRef, decisionId],
  );
  if (other) {
    if (action === 'dismiss' && other.closed > 0n) return null;
    const names = other.reverses_txn_ref ? `; decide on the payment it names, ${key.partnerId}:${other.reverses_txn_ref}` : '';
    // Only a dismissal is recorded on such a record (checkDecision refuses the others).
    return `${key.partnerId}:${key.txnRef} is a ${other.kind} record (${other.file_name} line ${other.line_no}), not a payment, and it has no exception to close${names}`;
  }
  // checkDecision refused an identity with no record at all, so this is not reached after it.
  return 'no payment record of this identity is loaded';
}
