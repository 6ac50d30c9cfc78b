// `recon ingest [--partner ID] FILE|DIR...`: load partner settlement files through their profiles.
import type { Command } from 'commander';
import { printResult, textTable, withDbOptions, withRun, type GlobalOptions } from './context.ts';

export function register(program: Command): void {
  withDbOptions(program.command('ingest'))
    .description("load partner settlement files (files or folders, recursive) through their partner profiles; each batch of one partner's files loads wholly or not at all")
    .argument('<paths...>', 'files or folders to ingest')
    .option('--partner <id>', 'use only this partner profile')
    .option('--profiles <dir>', 'folder of partner profiles', 'pipelines/partners')
    .action(async (paths: string[], opts: GlobalOptions & { partner?: string; profiles: string }) => {
      const { checkIngestUsage, ingestFiles, loadProfiles } = await import('../ingest/index.ts');
      const profiles = loadProfiles(opts.profiles);
      // Refused before the database opens: a mistyped path or partner creates no database file.
      checkIngestUsage(paths, { profiles, ...(opts.partner ? { partner: opts.partner } : {}) });
      const summary = await withRun(opts, 'ingest', { paths, partner: opts.partner ?? null }, (db, run) =>
        run.stage('ingest', () => ingestFiles(db, run, paths, { profiles, ...(opts.partner ? { partner: opts.partner } : {}) })),
        { create: true },
      );
      printResult(opts.json, summary, () =>
        [
          textTable(summary.files.map((f) => ({ file_id: f.file_id, partner: f.partner_id, status: f.status, read: f.records_read, loaded: f.records_loaded, rejected: f.records_rejected, duplicate: f.records_duplicate, path: f.path }))),
          '',
          ...summary.files.filter((f) => f.status !== 'loaded' || f.warning !== undefined).map((f) => (f.status === 'loaded' ? `loaded, check: ${f.message}` : `${f.status}: ${f.message}`)),
          `records read ${summary.records_read} = loaded ${summary.records_loaded} + rejected ${summary.records_rejected} + duplicate ${summary.records_duplicate}${summary.records_quarantined > 0 ? ` + held in quarantined files ${summary.records_quarantined} (loaded on \`recon files release\`)` : ''}`,
        ].join('\n'),
      );
    });
}
