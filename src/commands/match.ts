// `recon match`: recomputes allocations and exceptions from what is loaded, then the data tests.
import type { Command } from 'commander';
import type { Database } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import type { MatchSummary } from '../match/index.ts';
import { printResult, progress, textTable, withDbOptions, withRun, type GlobalOptions } from './context.ts';
import { checkDate } from './options.ts';

export function register(program: Command): void {
  withDbOptions(program.command('match'))
    .description('match every loaded payment to invoices or the exception queue (rules in README "Matching"), then run the data tests')
    .option('--as-of <YYYY-MM-DD>', 'age the exception summary to this date (default: today); matching always uses every payment loaded')
    .action(async (opts: GlobalOptions & { asOf?: string }) => {
      checkDate(opts.asOf);
      const { runMatch } = await import('../match/index.ts');
      const summary = await withRun(opts, 'match', { asOf: opts.asOf ?? null }, async (db, run) => {
        await requireLoaded(db);
        return runMatch(db, run, { ...(opts.asOf ? { asOf: opts.asOf } : {}), onStep: (step, ms) => progress(`${step} ${ms} ms`) });
      });
      printResult(opts.json, summary, () => formatSummary(summary));
    });
}

/**
 * Matching needs payments and the invoices they pay. Before, `recon match` on a database with
 * neither said "0 payment records" and exit 0, and with partner files but no billing export it put
 * every payment in the queue as unknown_customer, exit 0.
 */
async function requireLoaded(db: Database): Promise<void> {
  const n = await db.one<{ payments: bigint; invoices: bigint }>('SELECT (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM invoices) AS invoices');
  if (!n || n.payments === 0n) {
    throw new UsageError(`nothing to match: no payment is loaded in ${db.path}; load the partner files first (recon ingest DIR, or recon run monthly-close --data DIR)`);
  }
  if (n.invoices === 0n) {
    throw new UsageError(`no billing export is loaded in ${db.path}, so every payment would be an unknown customer; import the billing first (recon run monthly-close --data DIR reads DIR/billing)`);
  }
}

export function formatSummary(s: MatchSummary): string {
  const reasons = Object.entries(s.exceptions).map(([reason, e]) => ({ reason, count: e.count, amount_vnd: e.amount_vnd }));
  return [
    `${s.payments} payment records; ${s.allocations} allocations, ${s.allocated_vnd} đ allocated (${s.turns} turn(s))`,
    `routes: ${Object.entries(s.routes).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '',
    textTable(reasons),
    '',
    `open exceptions by age as of ${s.as_of}:`,
    textTable(s.aging as unknown as Record<string, unknown>[]),
    '',
    `data tests: ${s.data_tests.length} passed`,
  ].join('\n');
}
