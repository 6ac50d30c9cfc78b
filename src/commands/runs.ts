// `recon runs`: the runs ledger, newest first.
import type { Command } from 'commander';
import { positiveInt, printResult, textTable, withDb, withDbOptions, type GlobalOptions } from './context.ts';

export function register(program: Command): void {
  withDbOptions(program.command('runs'))
    .description('list recorded runs (id, command, status, duration, counts), newest first')
    .option('--limit <n>', 'how many runs to show', (v) => positiveInt('--limit', v), 20)
    .action(async (opts: GlobalOptions & { limit: number }) => {
      const rows = await withDb(opts, (db) =>
        db.all(
          `SELECT run_id, command, status, version,
                  strftime(started_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS started,
                  round(epoch(finished_at - started_at), 1) AS seconds,
                  counts, error
             FROM runs ORDER BY started_at DESC, run_id DESC LIMIT $1`,
          [opts.limit],
        ),
      );
      // DuckDB hands a JSON column over as its text: --json gives the counts as the object they are, as
      // the run's manifest does, not as a string to parse again.
      const json = rows.map((r) => ({ ...r, counts: typeof r['counts'] === 'string' ? (JSON.parse(r['counts']) as unknown) : r['counts'] }));
      printResult(opts.json, json, () => textTable(rows, ['run_id', 'command', 'status', 'started', 'seconds', 'counts', 'error']));
    });
}
