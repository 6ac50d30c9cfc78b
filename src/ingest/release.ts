// `recon files release`: an auditor's decision to load a quarantined file after all, recorded in
// file_events with who and why.
import type { Database } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import type { Run } from '../runs/ledger.ts';
import { runIngestSql } from './sql.ts';

export interface ReleaseResult {
  file_id: number;
  records_loaded: number;
  records_duplicate: number;
  message: string;
}

/**
 * The quarantined file a release names, or a UsageError (no --by or --reason, no such file, not
 * quarantined). The command checks it before it starts a run, so a refused release records nothing.
 */
export async function checkRelease(db: Database, fileId: number, by: string, reason: string) {
  if (!by.trim() || !reason.trim()) throw new UsageError('release needs --by NAME and --reason TEXT');
  const f = await db.one<{ status: string; path: string; records_read: bigint; records_rejected: bigint; records_duplicate: bigint }>(
    'SELECT status, path, records_read, records_rejected, records_duplicate FROM source_files WHERE file_id = $1',
    [fileId],
  );
  if (!f) throw new UsageError(`file ${fileId}: no such file; see \`recon files --status quarantined\``);
  if (f.status !== 'quarantined') throw new UsageError(`file ${fileId} (${f.path}) is ${f.status}, not quarantined; only quarantined files can be released`);
  return f;
}

/** Loads a quarantined file's waiting payments into `payments` and marks the file released. */
export async function releaseFile(db: Database, run: Run, fileId: number, by: string, reason: string): Promise<ReleaseResult> {
  const f = await checkRelease(db, fileId, by, reason);
  return db.transaction(async () => {
    const before = Number((await db.one<{ n: bigint }>('SELECT count(*) AS n FROM payments'))!.n);
    await runIngestSql(db, 'ingest/release_file.sql', { file_id: fileId });
    const loaded = Number((await db.one<{ n: bigint }>('SELECT count(*) AS n FROM payments'))!.n) - before;
    const duplicate = Number(f.records_read) - Number(f.records_rejected) - loaded;
    await db.run(
      `INSERT INTO duplicate_records (file_id, line_no, partner_id, txn_ref, kind, first_file_id, first_line_no)
       SELECT q.file_id, q.line_no, q.partner_id, q.txn_ref, q.kind, p.file_id, p.line_no
       FROM quarantined_payments q JOIN payments p ON p.partner_id = q.partner_id AND p.txn_ref = q.txn_ref AND p.kind = q.kind
       WHERE q.file_id = $1 AND p.file_id <> q.file_id`,
      [fileId],
    );
    // A repeat inside the file pointed at the file's own first occurrence; when that turned out a
    // duplicate above, the repeat points where the first did: at the record holding the identity.
    await db.run(
      `UPDATE duplicate_records d SET first_file_id = p.file_id, first_line_no = p.line_no
       FROM quarantined_payments q JOIN payments p ON p.partner_id = q.partner_id AND p.txn_ref = q.txn_ref AND p.kind = q.kind
       WHERE q.file_id = $1 AND p.file_id <> q.file_id
         AND d.file_id = q.file_id AND d.first_file_id = q.file_id AND d.first_line_no = q.line_no`,
      [fileId],
    );
    await db.run('DELETE FROM quarantined_payments WHERE file_id = $1', [fileId]);
    await db.run(
      `UPDATE source_files SET status = 'released', records_loaded = $2, records_duplicate = $3,
         status_reason = status_reason || ' — released by ' || $4 || ': ' || $5 WHERE file_id = $1`,
      [fileId, loaded, duplicate, by, reason],
    );
    await db.run(`INSERT INTO file_events VALUES ($1, 'released', $2, $3, now(), $4)`, [fileId, by, reason, run.runId]);
    run.count('ingest.released_files', 1);
    run.count('ingest.records_loaded', loaded);
    return { file_id: fileId, records_loaded: loaded, records_duplicate: duplicate, message: `file ${fileId} (${f.path}) released by ${by}: ${loaded} loaded, ${duplicate} duplicate` };
  });
}
