// Ingest: the public face of the stage. Partner files and the billing export go in; payments,
// rejects, source_files, customers and invoices come out. See README, section "Ingest".
import type { Database } from '../db/database.ts';
import type { Run } from '../runs/ledger.ts';
import { loadPartnerFiles, type FileOutcome } from './load.ts';
import type { PartnerProfile } from './profile.ts';
import { upsertPartners } from './profiles.ts';
import { listFiles, recognise } from './recognise.ts';
import { UsageError } from '../errors.ts';

export { loadProfiles, parseProfileFile, profileHash, upsertPartners, DEFAULT_PROFILE_DIR } from './profiles.ts';
export { importBilling, type BillingSummary } from './billing.ts';
export { releaseFile } from './release.ts';
export type { FileOutcome, FileStatus } from './load.ts';
export type { PartnerProfile } from './profile.ts';

export interface IngestSummary {
  files: FileOutcome[];
  records_read: number;
  records_loaded: number;
  records_rejected: number;
  records_duplicate: number;
  /** Files per outcome: loaded, quarantined, skipped, skipped_duplicate, failed, unrecognised. */
  by_status: Record<string, number>;
}

export interface IngestOptions {
  /** Only this partner's profile is used (files it does not claim are reported as unrecognised). */
  partner?: string;
  profiles: PartnerProfile[];
}

/**
 * Ingests partner settlement files (files or folders, recursive) in batches: the files of one
 * profile, in listed order (sorted paths), profiles in the order of their first file; one
 * transaction per batch. Outcomes come back in listed order.
 * Upserts `partners` from the profiles first. Never throws for bad data: each file's outcome
 * says what happened; throws UsageError only for bad usage (unknown --partner, missing path).
 */
export async function ingestFiles(db: Database, run: Run, paths: string[], opts: IngestOptions): Promise<IngestSummary> {
  let profiles = opts.profiles;
  if (opts.partner) {
    profiles = profiles.filter((p) => p.id === opts.partner);
    if (profiles.length === 0) throw new UsageError(`--partner ${opts.partner}: no such partner profile; known: ${opts.profiles.map((p) => p.id).join(', ')}`);
  }
  await upsertPartners(db, opts.profiles);
  const listed = recognise(listFiles(paths), profiles);
  const byProfile = new Map<PartnerProfile, string[]>();
  for (const r of listed) if ('profile' in r) byProfile.set(r.profile, [...(byProfile.get(r.profile) ?? []), r.path]);
  const done = new Map<string, FileOutcome>();
  for (const [profile, files] of byProfile) for (const o of await loadPartnerFiles(db, run, files, profile)) done.set(o.path, o);
  // One checkpoint for all the batches rather than one per commit (src/db/database.ts).
  await db.checkpoint();
  const files: FileOutcome[] = listed.map((r) =>
    'problem' in r
      ? { path: r.path, partner_id: null, file_id: null, status: 'unrecognised', message: r.problem, records_read: 0, records_loaded: 0, records_rejected: 0, records_duplicate: 0 }
      : done.get(r.path)!,
  );
  const sum = (k: 'records_read' | 'records_loaded' | 'records_rejected' | 'records_duplicate') => files.reduce((a, f) => a + f[k], 0);
  const by_status: Record<string, number> = {};
  for (const f of files) by_status[f.status] = (by_status[f.status] ?? 0) + 1;
  const summary: IngestSummary = {
    files,
    records_read: sum('records_read'),
    records_loaded: sum('records_loaded'),
    records_rejected: sum('records_rejected'),
    records_duplicate: sum('records_duplicate'),
    by_status,
  };
  run.count('ingest.files', files.length);
  for (const [k, v] of Object.entries(by_status)) run.count(`ingest.files_${k}`, v);
  run.count('ingest.records_read', summary.records_read);
  run.count('ingest.records_loaded', summary.records_loaded);
  run.count('ingest.records_rejected', summary.records_rejected);
  run.count('ingest.records_duplicate', summary.records_duplicate);
  return summary;
}
