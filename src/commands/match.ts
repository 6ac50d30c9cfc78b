// `recon match`: recomputes allocations and exceptions from what is loaded, then the data tests.
import type { Command } from 'commander';
import type { MatchSummary } from '../match/index.ts';
import { printResult, progress, textTable, withDbOptions, withRun, type GlobalOptions } from './context.ts';
import { checkDate } from './options.ts';

export function register(program: Command): void {
  withDbOptions(program.command('match'))
    .description('match every loaded payment to invoices or the exception queue (rules in README "match"), then run the data tests')
    .option('--as-of <YYYY-MM-DD>', 'age the exception summary to this date (default: today); matching always uses every payment loaded')
    .action(async (opts: GlobalOptions & { asOf?: string }) => {
      checkDate(opts.asOf);
      const { runMatch } = await import('../match/index.ts');
      const summary = await withRun(opts, 'match', { asOf: opts.asOf ?? null }, (db, run) =>
        runMatch(db, run, { ...(opts.asOf ? { asOf: opts.asOf } : {}), onStep: (step, ms) => progress(`${step} ${ms} ms`) }),
      );
      printResult(opts.json, summary, () => formatSummary(summary));
    });
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
