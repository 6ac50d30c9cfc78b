// `recon explain PARTNER:TXN_REF | INVOICE_NO`: why a payment ended where it did, or an invoice's history.
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { profileFiles } from '../ingest/profiles.ts';
import { explainInvoice, explainPayment, paymentReceivedAgain, receivedPlaces, type InvoiceExplanation, type PaymentExplanation } from '../match/explain.ts';
import { parsePaymentKey } from '../match/payment-key.ts';
import type { Row } from '../db/database.ts';
import { printResult, textTable, withDb, withDbOptions, type GlobalOptions } from './context.ts';

export function register(program: Command): void {
  withDbOptions(program.command('explain'))
    .description('explain a payment (PARTNER:TXN_REF): source file, line and raw row, each rule, allocations, decisions; or an invoice (INVOICE_NO): its billing history (versions re-issued, dropped or withdrawn) and residual history')
    .argument('<what>', 'PARTNER:TXN_REF or INVOICE_NO')
    .option('--profiles <dir>', "folder of partner profiles the raw row is read with, as ingest read the file (default: the repository's pipelines/partners)")
    .action(async (what: string, opts: GlobalOptions & { profiles?: string }) => {
      if (opts.profiles !== undefined) profileFiles(opts.profiles); // a missing folder, or a file, is refused before any work
      const { result, waiting, meant } = await withDb(opts, async (db) => {
        const key = parsePaymentKey(what);
        const payment = key ? await explainPayment(db, key, opts.profiles !== undefined ? { profiles: opts.profiles } : {}) : undefined;
        const found = payment ?? (await explainInvoice(db, what));
        // Not loaded: an auditor must still learn where the record waits (a quarantined file).
        // A partner id typed in another case (VIETCOMBANK for vietcombank): the one meant, to suggest.
        const meant = !found && key
          ? (await db.all<{ partner_id: string }>('SELECT partner_id FROM partners WHERE lower(partner_id) = lower($1) AND partner_id <> $1 ORDER BY partner_id', [key.partnerId])).map((p) => p.partner_id)
          : [];
        return { result: found, waiting: !found && key ? await paymentReceivedAgain(db, key) : [], meant };
      });
      if (!result) {
        const where = receivedPlaces(waiting);
        const key = parsePaymentKey(what);
        const none = key
          ? `no payment of partner ${JSON.stringify(key.partnerId)} with transaction id ${JSON.stringify(key.txnRef)} is loaded, and no invoice has this number`
          : 'no invoice with this number is loaded (a payment is named PARTNER:TXN_REF, e.g. vietcombank:FT26300012345)';
        const hint = key && meant.length > 0 ? `; partner ids are written as profiles name them: did you mean ${meant.map((p) => `${p}:${key.txnRef}`).join(' or ')}?` : '';
        throw new UsageError(`${JSON.stringify(what)}: ${none}${where ? `; the payment was received in ${where}` : ''}${hint}`);
      }
      printResult(opts.json, result, () => (result.kind === 'payment' ? formatPayment(result) : formatInvoice(result)));
    });
}

export function formatPayment(e: PaymentExplanation): string {
  const out: string[] = [];
  for (const r of e.records) {
    const p = r.payment;
    out.push(
      `${String(p['kind'])} ${e.key.partnerId}:${e.key.txnRef}  ${String(p['amount_vnd'])} đ  paid ${String(p['paid_at_local'])}  route ${p['route'] === null || p['route'] === undefined ? '(not matched yet: run `recon match`)' : String(p['route'])}`,
      `  source: ${r.source.file ?? '(unknown file)'} ${r.source.sheet !== undefined ? `sheet ${JSON.stringify(r.source.sheet)} row` : 'line'} ${r.source.line}${r.source.path ? ` (${r.source.path})` : ''}`,
      `  raw:    ${r.source.raw ?? '(file not available)'}`,
      ...(r.source.note !== undefined ? [`  note:   ${r.source.note}`] : []),
      `  fields: code=${String(p['customer_code'] ?? '')} invoice_ref=${String(p['invoice_ref'] ?? '')} memo=${JSON.stringify(p['memo'] ?? '')}`,
      '',
      textTable(r.rules.map((s) => ({ rule: s.rule, applied: s.applied ? 'yes' : 'no', why: s.why }))),
      '',
      'allocations:',
      textTable(r.allocations),
      'exceptions:',
      textTable(r.exceptions),
      '',
    );
  }
  out.push('decisions (the last one is in force):', textTable(e.decisions));
  if (e.receivedAgain.length > 0) out.push('', 'received again (not loaded twice):', textTable(e.receivedAgain));
  for (const inv of e.invoices) {
    out.push('', `invoice ${inv.invoice_no} residual history:`);
    // One line per billing change, so a residual history starting at another amount reads right.
    for (const v of inv.billing_changes) out.push(`  billing: ${String(v['amount_vnd'])} đ from ${billedBy(v)} ${replacedBy(v)}; recon explain ${inv.invoice_no} shows its billing history`);
    out.push(textTable(inv.history));
  }
  return out.join('\n');
}

/** The export and line a billed row came from. */
function billedBy(v: Row): string {
  const line = v['line_no'] === null || v['line_no'] === undefined ? 'line not recorded' : `line ${String(v['line_no'])}`;
  return `${String(v['file_name'] ?? '(unknown file)')} ${line} (file ${String(v['file_id'])})`;
}

const CHANGE_TEXT: Record<string, string> = {
  reissued: 're-issued by',
  dropped: 'dropped by',
  withdrawn: 'withdrawn by',
};

/** What became of a replaced row: the import that replaced it (file, run, when) and what it changed. */
function replacedBy(v: Row): string {
  const by = `${CHANGE_TEXT[String(v['change'])] ?? String(v['change'])} ${String(v['replaced_by_file_name'] ?? '(unknown file)')} (file ${String(v['replaced_by_file_id'])}, run ${String(v['replaced_by_run_id'] ?? '?')} at ${String(v['replaced_at_local'] ?? '?')})`;
  const changes = ((v['changes'] as Array<{ field: string; before: string | null; after: string | null }> | null) ?? []).map((c) => `${c.field} ${c.before ?? '(none)'} → ${c.after ?? '(none)'}`);
  return v['change'] === 'withdrawn'
    ? `${by}: no loaded export carries it any more`
    : v['change'] === 'dropped'
      ? `${by}, which no longer carries it; another export's row stands: ${changes.join(', ')}`
      : `${by}: ${changes.join(', ')}`;
}

export function formatInvoice(e: InvoiceExplanation): string {
  const i = e.invoice;
  return [
    i
      ? `invoice ${String(i['invoice_no'])} of ${String(i['customer_code'])} (${String(i['pc'] ?? '')}) period ${String(i['period'])}: ${String(i['amount_vnd'])} đ, residual ${String(i['residual_vnd'])} đ`
      : `invoice ${String(e.billing_history[0]?.['invoice_no'] ?? '')} is not loaded: billing loaded it and withdrew it since (below)`,
    '',
    'billing history (oldest first, then the current row):',
    ...e.billing_history.map(
      (v) => `  ${String(v['amount_vnd'])} đ  period ${String(v['period'])}  due ${String(v['due_on'] ?? '-')}  from ${billedBy(v)}  ${v['change'] === 'current' ? 'current' : replacedBy(v)}`,
    ),
    '',
    'residual history:',
    textTable(e.history),
    '',
    'payments naming it without being allocated to it:',
    textTable(e.claims),
  ].join('\n');
}
