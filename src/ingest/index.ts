// Ingest: the public face of the stage. Partner files and the billing export go in; payments,
// rejects, source_files, customers and invoices come out. See README, section "Ingest".
import { listValue } from '@duckdb/node-api';
import type { Database } from '../db/database.ts';
import type { Run } from '../runs/ledger.ts';
import { loadPartnerFiles, recordFailure, type FileOutcome } from './load.ts';
import type { PartnerProfile } from './profile.ts';
import { upsertPartners } from './profiles.ts';
import { listFiles, recognise, type Unreadable } from './recognise.ts';
import { recordUnrecognised } from './unrecognised.ts';
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
  /**
   * Records of quarantined files held out of payments until `recon files release` (their rejects
   * and duplicates are counted as such), so read = loaded + rejected + duplicate + these.
   */
  records_quarantined: number;
  /** Files per outcome: loaded, quarantined, skipped, skipped_duplicate, failed, unrecognised. */
  by_status: Record<string, number>;
}

export interface IngestOptions {
  /**
   * Only this partner's profile is used: a file another single profile claims is skipped; one no
   * profile claims (or two do) is recorded as unrecognised all the same.
   */
  partner?: string;
  profiles: PartnerProfile[];
  /**
   * The billing period of the monthly close this ingest is part of: the partner files it records
   * keep it (`source_files.period`), and a file with no dated record (unrecognised, failed, empty)
   * belongs to that period's data quality (sql/common/period_files.sql). Unset for `recon ingest`.
   */
  period?: string;
}

/**
 * The profiles an ingest uses and the files it reads, or a UsageError (unknown --partner, missing
 * path): the command calls it before opening the database, so a refused ingest leaves no new file.
 */
export function checkIngestUsage(paths: string[], opts: Pick<IngestOptions, 'profiles' | 'partner'>): { profiles: PartnerProfile[]; found: string[]; unreadable: Unreadable[] } {
  let profiles = opts.profiles;
  if (opts.partner) {
    profiles = profiles.filter((p) => p.id === opts.partner);
    if (profiles.length === 0) throw new UsageError(`--partner ${opts.partner}: no such partner profile; known: ${opts.profiles.map((p) => p.id).join(', ')}`);
  }
  const unreadable: Unreadable[] = [];
  return { profiles, found: listFiles(paths, unreadable), unreadable };
}

/**
 * Ingests partner settlement files (files or folders, recursive) in batches: the files of one
 * profile, in listed order (sorted paths), profiles in the order of their first file; one
 * transaction per batch. Outcomes come back in listed order.
 * Upserts `partners` from the profiles first. Never throws for bad data: each file's outcome
 * says what happened; throws UsageError only for bad usage (unknown --partner, missing path).
 */
export async function ingestFiles(db: Database, run: Run, paths: string[], opts: IngestOptions): Promise<IngestSummary> {
  const { profiles, found, unreadable } = checkIngestUsage(paths, opts);
  await upsertPartners(db, opts.profiles);
  const listed = recognise(found, profiles);
  // With --partner, what every profile makes of a file the chosen one does not claim.
  const overall = opts.partner ? recognise(found, opts.profiles) : listed;
  const byProfile = new Map<PartnerProfile, string[]>();
  for (const r of listed) if ('profile' in r) byProfile.set(r.profile, [...(byProfile.get(r.profile) ?? []), r.path]);
  const done = new Map<string, FileOutcome>();
  for (const [profile, files] of byProfile) for (const o of await loadPartnerFiles(db, run, files, profile)) done.set(o.path, o);
  const files: FileOutcome[] = [];
  for (const [i, r] of listed.entries()) {
    const all = overall[i]!;
    if (!('problem' in r)) files.push(done.get(r.path)!);
    else if ('problem' in all) files.push(await recordUnrecognised(db, run, r.path, all.problem));
    else files.push({ path: r.path, partner_id: all.profile.id, file_id: null, status: 'skipped', message: `${r.path}: skipped, profile ${all.profile.id} claims it (--partner ${opts.partner})`, records_read: 0, records_loaded: 0, records_rejected: 0, records_duplicate: 0 });
  }
  // A link to nothing (or an entry that cannot be read) is a file that may be missing: recorded as
  // failed (no bytes: no sha256), so the close names it among the files not loaded and `recon files`
  // lists it; a link back into a folder already read loses nothing and is only reported.
  for (const u of unreadable) {
    if (!u.lost) {
      files.push({ path: u.path, partner_id: null, file_id: null, status: 'skipped', message: `${u.path}: skipped, ${u.problem}`, records_read: 0, records_loaded: 0, records_rejected: 0, records_duplicate: 0 });
      continue;
    }
    const message = `${u.path}: ${u.problem}; nothing read from it`;
    const fileId = await recordFailure(db, run, { path: u.path, sha256: '', bytes: 0 }, 'partner', null, message);
    files.push({ path: u.path, partner_id: null, file_id: fileId, status: 'failed', message, records_read: 0, records_loaded: 0, records_rejected: 0, records_duplicate: 0 });
  }
  // Once such a path is read (the share mounted again), its failed row reads `replaced`, naming the
  // file it became, so the file counts once and no longer as not loaded.
  const unread = await db.all<{ file_id: bigint; path: string }>(`SELECT file_id, path FROM source_files WHERE kind = 'partner' AND status = 'failed' AND sha256 = ''`);
  for (const row of unread) {
    const now = files.find((f) => f.path === row.path && f.file_id !== null && f.status !== 'failed' && f.status !== 'unrecognised');
    if (now) await db.run(`UPDATE source_files SET status = 'replaced', status_reason = $2 WHERE file_id = $1`, [row.file_id, `read as file ${now.file_id}`]);
  }
  if (opts.period !== undefined) {
    // This run's files, and those it found already received (skipped) that no close stamped yet: an
    // earlier close killed between its ingest's commits and this statement left them undated.
    // With no file found (an empty partners/ folder) there is no list to bind: DuckDB cannot type an
    // empty one, and this run then stamped nothing either.
    const ids = files.flatMap((f) => (f.file_id === null ? [] : [BigInt(f.file_id)]));
    if (ids.length > 0) {
      await db.run(
        `UPDATE source_files SET period = $1 WHERE kind = 'partner' AND period IS NULL AND (run_id = $2 OR list_contains($3::BIGINT[], file_id))`,
        [opts.period, run.runId, listValue(ids)],
      );
    }
  }
  // One checkpoint for all the batches rather than one per commit (src/db/database.ts).
  await db.checkpoint();
  const sum = (k: 'records_read' | 'records_loaded' | 'records_rejected' | 'records_duplicate') => files.reduce((a, f) => a + f[k], 0);
  const by_status = countByStatus(files);
  const summary: IngestSummary = {
    files,
    records_read: sum('records_read'),
    records_loaded: sum('records_loaded'),
    records_rejected: sum('records_rejected'),
    records_duplicate: sum('records_duplicate'),
    records_quarantined: files
      .filter((f) => f.status === 'quarantined')
      .reduce((n, f) => n + f.records_read - f.records_loaded - f.records_rejected - f.records_duplicate, 0),
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

/** Files per outcome (loaded, quarantined, skipped, …), for a summary. */
export function countByStatus(files: readonly FileOutcome[]): Record<string, number> {
  const by: Record<string, number> = {};
  for (const f of files) by[f.status] = (by[f.status] ?? 0) + 1;
  return by;
}
