// Loading one partner file: fingerprint, skip if already received, decode, split, stage in
// DuckDB, type, validate, dedup, check control totals, and write source_files, payments (or
// quarantined_payments), rejects and duplicate_records, all in one transaction.
import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import type { Database } from '../db/database.ts';
import { fingerprint, type InputFile, type Run } from '../runs/ledger.ts';
import { decodeFile } from './decode.ts';
import { FileError } from './file-error.ts';
import { parseAmount } from './formats.ts';
import { fixedColumns, rawProjection, setIngestVariable, stagedColumns, typingVariables, type ColumnSet } from './mapping.ts';
import type { PartnerProfile } from './profile.ts';
import { FIXED_SEPARATOR, splitRecords, type EarlyReject, type SplitResult, type Trailer } from './records.ts';
import { ingestSqlRow, runIngestSql } from './sql.ts';
import { stagedNames, stageSource, type StageSource } from './stage.ts';
import { readXlsx } from './xlsx.ts';

export type FileStatus = 'loaded' | 'quarantined' | 'released' | 'skipped_duplicate' | 'failed';

/** What became of one input file. */
export interface FileOutcome {
  path: string;
  partner_id: string | null;
  file_id: number | null;
  /** `skipped` = identical content already received (no change to the database). `unrecognised`: no profile claims it. */
  status: FileStatus | 'skipped' | 'unrecognised';
  message: string;
  records_read: number;
  records_loaded: number;
  records_rejected: number;
  records_duplicate: number;
}

const macrosReady = new WeakSet<Database>();

/** Temp macros used by the typing passes (once per connection). */
export async function ensureMacros(db: Database): Promise<void> {
  if (macrosReady.has(db)) return;
  await db.runFile('ingest/macros.sql');
  macrosReady.add(db);
}

/** A per-process scratch folder for staging files. */
export function stagingDir(): string {
  const dir = join(tmpdir(), `recon-ingest-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Deletes a staging file and, when it was the last, the process's scratch folder. */
export function removeStaging(stagePath: string): void {
  rmSync(stagePath, { force: true });
  try {
    rmdirSync(dirname(stagePath));
  } catch {
    // not empty (another file is staged) or already gone
  }
}

/** The earlier receipt of the same bytes, if any, for the skip message. */
export async function earlierReceipt(db: Database, sha256: string, kinds: string[]) {
  return db.one<{ file_id: bigint; path: string; status: string; loaded: string }>(
    `SELECT file_id, path, status, strftime(loaded_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS loaded
       FROM source_files WHERE sha256 = $1 AND status IN (SELECT unnest($2::VARCHAR[])) ORDER BY file_id LIMIT 1`,
    [sha256, listValue(kinds)],
  );
}

/**
 * One look-up per file: the earlier receipt of the same bytes (any status but failed), whether it
 * was under the same path, and the next file id (the table's numbering continues, so a rerun after
 * a crash gives the same ids; one process holds the database, so it cannot be taken meanwhile).
 */
async function receipt(db: Database, sha256: string, path: string) {
  return (await db.one<{ next_id: bigint; file_id: bigint | null; path: string | null; status: string | null; loaded: string | null; same_path: boolean }>(
    `SELECT (SELECT coalesce(max(file_id), 0) + 1 FROM source_files) AS next_id, e.file_id, e.path, e.status,
            strftime(e.loaded_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS loaded,
            EXISTS (SELECT 1 FROM source_files WHERE sha256 = $1 AND path = $2 AND status <> 'failed') AS same_path
       FROM (SELECT 1) LEFT JOIN (SELECT * FROM source_files WHERE sha256 = $1 AND status <> 'failed' ORDER BY file_id LIMIT 1) e ON true`,
    [sha256, path],
  ))!;
}

/** Next file id: continues the table's numbering so a rerun after a crash gives the same ids. */
async function nextFileId(db: Database): Promise<number> {
  const r = await db.one<{ id: bigint }>('SELECT coalesce(max(file_id), 0) + 1 AS id FROM source_files');
  return Number(r!.id);
}

/**
 * Records a file that cannot be loaded at all (status failed). A failed file is retried on the
 * next ingest; its row is replaced rather than repeated, so reruns change nothing.
 */
export async function recordFailure(db: Database, run: Run, fp: InputFile, kind: string, partnerId: string | null, message: string): Promise<number> {
  return db.transaction(async () => {
    const prev = await db.one<{ file_id: bigint }>(`SELECT file_id FROM source_files WHERE sha256 = $1 AND path = $2 AND status = 'failed'`, [fp.sha256, fp.path]);
    const fileId = prev ? Number(prev.file_id) : await nextFileId(db);
    if (prev) await db.run('DELETE FROM source_files WHERE file_id = $1', [fileId]);
    await db.run(
      `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, status, status_reason, run_id, loaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', $8, $9, now())`,
      [fileId, kind, partnerId, fp.path, basename(fp.path), fp.sha256, fp.bytes, message, run.runId],
    );
    return fileId;
  });
}

interface Staged {
  split: SplitResult;
  columns: ColumnSet;
  /** The read_csv call over the staging file, with its bound dialect. */
  source: StageSource;
  /** SQL expression of a staged record's text, for rejects. */
  rawText: string;
  /** Separator between the line number and the record in the staging file (for reader refusals). */
  stageSep: string;
}

/** Decodes and splits a delimited/fixed-width/xlsx file into a staging file DuckDB then reads. */
async function stage(path: string, profile: PartnerProfile, shown: string, stagePath: string): Promise<Staged> {
  const f = profile.format;
  if (f.type === 'xlsx') {
    const split = await readXlsx(path, profile, shown, stagePath);
    const names = split.header ?? (profile.header.type === 'none' ? profile.header.columns : []);
    const source = stageSource(stagePath, { delimiter: ',', quote: '"', escape: '"', columns: names.length, maxRecordBytes: split.maxRecordBytes });
    return { split, columns: stagedColumns(names), source, rawText: joinedText(names.length, "','"), stageSep: ',' };
  }
  const split = await splitRecords(decodeFile(path, profile.encoding, shown), profile, shown, stagePath);
  if (f.type === 'fixed_width') {
    const read = stageSource(stagePath, { delimiter: FIXED_SEPARATOR, quote: '', escape: '', columns: 1, maxRecordBytes: split.maxRecordBytes });
    const source = { ...read, sql: `(SELECT line_no, c1 AS raw FROM ${read.sql})` };
    return { split, columns: fixedColumns(profile), source, rawText: 'raw', stageSep: FIXED_SEPARATOR };
  }
  const names = profile.header.type === 'none' ? profile.header.columns : split.header;
  if (!names) {
    throw new FileError(split.lines === 0 ? `${shown}: the file is empty (no lines), expected a header line and records` : `${shown}: no header line found after the preamble, expected a line naming the columns`);
  }
  const source = stageSource(stagePath, { delimiter: f.delimiter, quote: f.quote, escape: f.escape ?? f.quote, columns: names.length, maxRecordBytes: split.maxRecordBytes });
  return { split, columns: stagedColumns(names), source, rawText: joinedText(names.length, 'getvariable(\'ingest\').delimiter'), stageSep: f.delimiter };
}

/** The text of a staged record: its fields joined with the file's delimiter (an SQL expression). */
export function joinedText(n: number, delimiterExpr: string): string {
  return `concat_ws(${delimiterExpr}, ${stagedNames(n).map((c) => `coalesce(${c}, '')`).join(', ')})`;
}

/** Control count and amount stated by the trailer, parsed with the profile's rules. */
function controlValues(profile: PartnerProfile, trailer: Trailer, shown: string): { count: number | null; amount: bigint | null } {
  const t = profile.trailer!;
  const pick = (spec: { field: number } | { regex: string }, what: string): string => {
    const v = 'field' in spec ? trailer.fields[spec.field - 1] : new RegExp(spec.regex).exec(trailer.text)?.[1];
    if (v === undefined || v.trim() === '') {
      throw new FileError(`${shown}, line ${trailer.line}: trailer ${what} not found (${'field' in spec ? `field ${spec.field}` : `regex /${spec.regex}/`}), got ${JSON.stringify(trailer.text.slice(0, 120))}`);
    }
    return v.trim();
  };
  let count: number | null = null;
  if (t.count) {
    const text = pick(t.count, 'count');
    const digits = text.replace(/[.,\s]/g, '');
    if (!/^\d+$/.test(digits)) throw new FileError(`${shown}, line ${trailer.line}, field trailer.count: got ${JSON.stringify(text)}, expected a whole number of records`);
    count = Number(digits);
  }
  let amount: bigint | null = null;
  if (t.amount) {
    const text = pick(t.amount, 'amount');
    const fmt = t.amount_format ?? profile.fields.amount.format;
    amount = parseAmount(text, fmt);
    if (amount === null) throw new FileError(`${shown}, line ${trailer.line}, field trailer.amount: got ${JSON.stringify(text)}, expected an amount in the profile's format`);
  }
  return { count, amount };
}

async function insertEarlyRejects(db: Database, fileId: number, rejects: EarlyReject[]): Promise<void> {
  for (const r of rejects) {
    await db.run('INSERT INTO rejects (file_id, line_no, field, value, reason, message, raw) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      fileId, r.line, r.field, r.value, r.reason, r.message, r.raw,
    ]);
  }
}

/** Loads one partner file through its profile; never throws for bad data (the outcome says what happened). */
export async function loadPartnerFile(db: Database, run: Run, path: string, profile: PartnerProfile): Promise<FileOutcome> {
  const fp = await fingerprint(path);
  run.addInput(fp);
  const shown = path;
  const outcome: FileOutcome = { path, partner_id: profile.id, file_id: null, status: 'loaded', message: '', records_read: 0, records_loaded: 0, records_rejected: 0, records_duplicate: 0 };

  const seen = await receipt(db, fp.sha256, path);
  if (seen.file_id !== null) {
    if (seen.same_path) {
      outcome.file_id = Number(seen.file_id);
      outcome.status = 'skipped';
      outcome.message = `${shown}: skipped, identical (sha256) to file ${seen.file_id} ${seen.path} received ${seen.loaded} (${seen.status})`;
      return outcome;
    }
    // The same bytes under another name: recorded once, so the second delivery is visible to auditors.
    const fileId = Number(seen.next_id);
    await db.run(
      `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, status, status_reason, run_id, loaded_at)
       VALUES ($1, 'partner', $2, $3, $4, $5, $6, 'skipped_duplicate', $7, $8, now())`,
      [fileId, profile.id, path, basename(path), fp.sha256, fp.bytes, `identical to file ${seen.file_id} ${seen.path}`, run.runId],
    );
    outcome.file_id = fileId;
    outcome.status = 'skipped_duplicate';
    outcome.message = `${shown}: not loaded, identical (sha256) to file ${seen.file_id} ${seen.path} received ${seen.loaded}`;
    return outcome;
  }

  await ensureMacros(db);
  const fileId = Number(seen.next_id);
  const stagePath = join(stagingDir(), `stage-${fileId}-${fp.sha256.slice(0, 16)}.txt`);
  try {
    return await db.transaction(async () => {
      const staged = await stage(path, profile, shown, stagePath);
      outcome.file_id = fileId;
      await setIngestVariable(db, {
        ...typingVariables(profile, shown),
        delimiter: profile.format.type === 'delimited' ? profile.format.delimiter : ',',
        stage_sep: staged.stageSep,
        columns: staged.columns.names.join(', '),
      });
      await runIngestSql(db, 'ingest/type_payments.sql', staged.source.params, {
        source: staged.source.sql,
        raw_projection: rawProjection(profile, staged.columns, shown),
        raw_text: staged.rawText,
      });
      await runIngestSql(db, 'ingest/repeats.sql');
      const c = await ingestSqlRow<Record<string, bigint | null>>(db, 'ingest/file_counts.sql');
      const n = (k: string): number => Number(c[k] ?? 0);
      const rejected = n('rejected_typed') + n('rejected_csv') + staged.split.rejects.length;
      const read = n('typed') + n('rejected_csv') + staged.split.rejects.length;
      const amountRead = c.amount_read ?? 0n;

      // Control totals (DOMAIN.md, "Ingest semantics").
      let status: FileStatus = 'loaded';
      let reason: string | null = null;
      let control: { count: number | null; amount: bigint | null } = { count: null, amount: null };
      let rejectedAmount: bigint | null = null;
      const t = profile.trailer;
      if (t && (t.count || t.amount)) {
        if (!staged.split.trailer) {
          status = 'quarantined';
          reason = `${shown}: no trailer/total row found (the profile expects one); the file may be truncated`;
        } else {
          control = controlValues(profile, staged.split.trailer, shown);
          if (control.count !== null && control.count !== read) {
            status = 'quarantined';
            reason = `${shown}, line ${staged.split.trailer.line}: trailer states ${control.count} records, the file has ${read}`;
          } else if (control.amount !== null && rejected === 0 && control.amount !== amountRead) {
            status = 'quarantined';
            reason = `${shown}, line ${staged.split.trailer.line}: trailer states a total of ${control.amount} đồng, the records sum to ${amountRead}`;
          } else if (control.amount !== null && rejected > 0) {
            rejectedAmount = control.amount - (c.amount_accepted ?? 0n);
          }
        }
      }

      await insertEarlyRejects(db, fileId, staged.split.rejects);
      if (n('rejected_csv') > 0) {
        await runIngestSql(db, 'ingest/csv_rejects.sql', { file_id: fileId });
        await runIngestSql(db, 'ingest/clear_csv_errors.sql');
      }
      if (n('rejected_typed') > 0) await runIngestSql(db, 'ingest/typed_rejects.sql', { file_id: fileId });
      const params = { file_id: fileId, partner_id: profile.id };
      let loaded = 0;
      let duplicate: number;
      if (status === 'loaded') {
        loaded = Number((await ingestSqlRow<{ Count: bigint }>(db, 'ingest/insert_payments.sql', params)).Count);
        duplicate = n('valid') - loaded;
        if (duplicate > 0) await runIngestSql(db, 'ingest/insert_duplicates.sql', { ...params, within_file_only: false });
      } else {
        await runIngestSql(db, 'ingest/insert_quarantined.sql', params);
        // Repeats inside the file are duplicates whatever happens; repeats of loaded payments are decided at release.
        if (n('later_repeats') > 0) await runIngestSql(db, 'ingest/insert_duplicates.sql', { ...params, within_file_only: true });
        duplicate = n('later_repeats') + Number((await ingestSqlRow<{ seen: bigint }>(db, 'ingest/count_seen.sql', params)).seen);
        await db.run(`INSERT INTO file_events VALUES ($1, 'quarantined', NULL, $2, now(), $3)`, [fileId, reason, run.runId]);
      }
      if (read !== loaded + rejected + duplicate && status === 'loaded') {
        throw new Error(`${shown}: accounting broken: read ${read} ≠ loaded ${loaded} + rejected ${rejected} + duplicate ${duplicate}`);
      }
      await db.run(
        `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, records_read, records_loaded,
           records_rejected, records_duplicate, amount_read, control_count, control_amount, rejected_amount, status,
           status_reason, run_id, loaded_at)
         VALUES ($1, 'partner', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, now())`,
        [fileId, profile.id, path, basename(path), fp.sha256, fp.bytes, read, loaded, rejected, duplicate, amountRead,
          control.count, control.amount, rejectedAmount, status, reason, run.runId],
      );
      Object.assign(outcome, { status, records_read: read, records_loaded: loaded, records_rejected: rejected, records_duplicate: duplicate });
      outcome.message =
        status === 'loaded'
          ? `${shown}: ${read} records read, ${loaded} loaded, ${rejected} rejected, ${duplicate} duplicate${rejectedAmount !== null ? `, ${rejectedAmount} đồng in rejected records` : ''}`
          : `${reason}; quarantined as file ${fileId}: nothing loaded until \`recon files release ${fileId} --by NAME --reason TEXT\``;
      if (staged.split.trailer === null && read === 0) outcome.message = `${shown}: no records (header only)`;
      return outcome;
    });
  } catch (e) {
    // Whatever broke (a FileError, or DuckDB refusing the staged text), the file's transaction
    // is rolled back and the file is recorded as failed; the other files go on.
    // Refusals of a rolled-back file must not be counted for the next one.
    await runIngestSql(db, 'ingest/clear_csv_errors.sql').catch(() => undefined);
    const message = e instanceof FileError ? e.message : `${shown}: could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    const fileId = await recordFailure(db, run, fp, 'partner', profile.id, message);
    Object.assign(outcome, { file_id: fileId, status: 'failed', message: `${message}; nothing loaded from this file` });
    return outcome;
  } finally {
    removeStaging(stagePath);
  }
}
