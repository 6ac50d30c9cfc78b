// `recon files [--status S]` and `recon files release FILE_ID --by NAME --reason TEXT`.
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { printResult, textTable, withDb, withDbOptions, withRun, type GlobalOptions } from './context.ts';

const STATUSES = ['loaded', 'quarantined', 'released', 'skipped_duplicate', 'failed', 'unrecognised', 'replaced'];

export function register(program: Command): void {
  const files = withDbOptions(program.command('files'))
    .description(`list received files with their accounting (read = loaded + rejected + duplicate) and status (${STATUSES.join(', ')})`)
    .option('--status <status>', `only files with this status: ${STATUSES.join(' | ')}`)
    .action(async (opts: GlobalOptions & { status?: string }) => {
      if (opts.status && !STATUSES.includes(opts.status)) throw new UsageError(`--status ${opts.status}: expected one of ${STATUSES.join(', ')}`);
      const rows = await withDb(opts, (db) =>
        db.all(
          `SELECT file_id, kind, partner_id, file_name, status, records_read AS read, records_loaded AS loaded,
                  records_rejected AS rejected, records_duplicate AS duplicate, control_count, control_amount,
                  rejected_amount, status_reason, path
             FROM source_files WHERE $1::VARCHAR IS NULL OR status = $1 ORDER BY file_id`,
          [opts.status ?? null],
        ),
      );
      printResult(opts.json, rows, () => textTable(rows, ['file_id', 'kind', 'partner_id', 'file_name', 'status', 'read', 'loaded', 'rejected', 'duplicate', 'control_count', 'control_amount', 'rejected_amount', 'status_reason']));
    });

  // The database options belong to `files` itself (commander gives them to the parent command).
  files
    .command('release')
    .description('load a quarantined file after all; who and why are recorded in file_events')
    .argument('<file_id>', 'the quarantined file (see `recon files --status quarantined`)')
    .requiredOption('--by <name>', 'who decides')
    .requiredOption('--reason <text>', 'why the file may load despite its control totals')
    .option('--no-rematch', 'only load the file; its payments are matched at the next `recon match`')
    .addHelpText('after', '\nAlso the database options of `recon files`: --db <file> (env RECON_DB), --memory-limit <size>, --threads <n>, --json.')
    .action(async (fileId: string, local: { by: string; reason: string; rematch: boolean }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { by: string; reason: string }>();
      if (!/^\d+$/.test(fileId)) throw new UsageError(`file id ${JSON.stringify(fileId)}: expected a number`);
      // Refused before a run starts, so a refused release records nothing.
      const { checkRelease } = await import('../ingest/release.ts');
      await withDb(opts, (db) => checkRelease(db, Number(fileId), local.by, local.reason));
      // Released payments are matched at once, as a decision is: a report run next must count them.
      const result = await withRun(opts, 'files release', { file_id: Number(fileId), by: opts.by, reason: opts.reason }, async (db, run) => {
        const released = await (await import('../ingest/release.ts')).releaseFile(db, run, Number(fileId), local.by, local.reason);
        if (local.rematch) await (await import('../match/index.ts')).runMatch(db, run);
        return { ...released, rematched: local.rematch };
      });
      printResult(opts.json, result, () => `${result.message}${result.rematched ? '; matching recomputed' : '; run `recon match` to match its payments'}`);
    });
}
