// `recon decide match|unmatch|dismiss PARTNER:TXN_REF [INVOICE_NO] --by NAME --reason TEXT`:
// appends an auditor decision, then recomputes matching so it takes effect at once.
import type { Command } from 'commander';
import { DECISION_ACTIONS, recordDecision, type DecisionAction } from '../match/decisions.ts';
import { requirePaymentKey } from '../match/payment-key.ts';
import { UsageError } from '../errors.ts';
import { printResult, withDbOptions, withRun, type GlobalOptions } from './context.ts';

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
        return { decision_id: decisionId, action, payment, invoice_no: invoiceNo ?? null, rematched: opts.rematch };
      });
      printResult(opts.json, result, () =>
        `decision #${result.decision_id} recorded: ${action} ${payment}${invoiceNo ? ` → ${invoiceNo}` : ''}` +
        (opts.rematch ? '; matching recomputed' : '; run `recon match` to apply it'),
      );
    });
}
