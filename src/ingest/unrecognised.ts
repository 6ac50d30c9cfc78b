// Partner files that no profile claims, or that two claim: nothing is read from them, but each is
// recorded in source_files (status `unrecognised`, the cause and what to do in status_reason), so
// `recon files` and the data-quality figures account for every file received. Once a profile
// claims the file and it is read, its unrecognised row reads `replaced`, naming the row of that
// receipt. See README, section "Ingest".
import { basename } from 'node:path';
import { fileName } from './recognise.ts';
import type { Database } from '../db/database.ts';
import { fingerprint, type InputFile, type Run } from '../runs/ledger.ts';
import type { FileOutcome } from './load.ts';

interface Earlier {
  file_id: bigint;
  path: string;
  status: string;
  status_reason: string | null;
  loaded: string;
}

/**
 * Records a partner file no single profile claims (`reason`: recognise's problem), or finds its
 * earlier record: the same bytes under the same name are the same delivery, as for files that
 * load, so a second ingest of the folder adds no row (a changed reason, say a second profile
 * claiming it now, is updated in place). Bytes that were read before under this name (a profile
 * claimed them then) are skipped: that receipt accounts for them.
 */
export async function recordUnrecognised(db: Database, run: Run, path: string, reason: string): Promise<FileOutcome> {
  const fp = await fingerprint(path);
  run.addInput(fp);
  const outcome: FileOutcome = { path, partner_id: null, file_id: null, status: 'unrecognised', message: '', records_read: 0, records_loaded: 0, records_rejected: 0, records_duplicate: 0 };
  const earlier = await db.all<Earlier & Record<string, unknown>>(
    `SELECT file_id, path, status, status_reason, strftime(loaded_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS loaded
       FROM source_files
      WHERE kind = 'partner' AND sha256 = $1 AND nfc_normalize(file_name) = $2 AND status NOT IN ('failed', 'replaced')
      ORDER BY status = 'unrecognised', file_id LIMIT 1`,
    [fp.sha256, fileName(path)],
  );
  const e = earlier[0];
  if (e && e.status !== 'unrecognised') {
    return { ...outcome, file_id: Number(e.file_id), status: 'skipped', message: `${path}: skipped, identical (sha256) to file ${e.file_id} ${e.path} received ${e.loaded} (${e.status}), although no single profile claims its name now` };
  }
  if (e) {
    if (e.status_reason !== reason) await db.run('UPDATE source_files SET status_reason = $2 WHERE file_id = $1', [e.file_id, reason]);
    return { ...outcome, file_id: Number(e.file_id), message: `${path}: ${reason}; nothing read (recorded as unrecognised file ${e.file_id} since ${e.loaded})` };
  }
  const fileId = await db.transaction(async () => {
    const next = Number((await db.one<{ id: bigint }>('SELECT coalesce(max(file_id), 0) + 1 AS id FROM source_files'))!.id);
    await db.run(
      `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, status, status_reason, run_id, loaded_at)
       VALUES ($1, 'partner', NULL, $2, $3, $4, $5, 'unrecognised', $6, $7, now())`,
      [next, fp.path, basename(fp.path), fp.sha256, fp.bytes, reason, run.runId],
    );
    return next;
  });
  return { ...outcome, file_id: fileId, message: `${path}: ${reason}; nothing read (recorded as unrecognised file ${fileId})` };
}

/**
 * Whether an earlier receipt of these bytes under this name was recorded as unrecognised (from the
 * receipts a batch reads anyway, so a file that never was costs no statement).
 */
export function wasUnrecognised(earlier: Array<{ path: string; sha256: string; status: string }>, fp: InputFile): boolean {
  return earlier.some((r) => r.sha256 === fp.sha256 && r.status === 'unrecognised' && fileName(r.path) === fileName(fp.path));
}

/**
 * A profile claims the file now and it has a row of its own (`fileId`: loaded, quarantined, failed
 * or a second delivery): its unrecognised rows (same bytes, same name) read `replaced`, naming that
 * row. Runs inside the caller's transaction when there is one.
 */
export async function supersedeUnrecognised(db: Database, fp: InputFile, fileId: number, profileId: string): Promise<void> {
  await db.run(
    `UPDATE source_files SET status = 'replaced', status_reason = $4
      WHERE kind = 'partner' AND status = 'unrecognised' AND sha256 = $1 AND nfc_normalize(file_name) = $2 AND file_id <> $3`,
    [fp.sha256, fileName(fp.path), fileId, `profile ${profileId} claims the file name now: received again as file ${fileId}`],
  );
}
