// Loading one partner's files in batches. A batch is a run of consecutive files of one profile
// with the same columns, up to a size cap: the files are fingerprinted, skipped if already
// received, decoded and split into ONE staging file (each record prefixed with its file's
// position in the batch and its line), then read, typed, validated, deduplicated and loaded by a
// handful of set-based statements for the whole batch, with each file's accounting and control
// totals taken GROUP BY file. Everything a batch writes to persistent tables commits in one
// transaction, opened only once the batch is typed: the temp tables built before it are committed
// and so fast to read (DuckDB scans a table created in the still-open transaction much slower). The
// result equals loading the files one by one in the given order (see README, section "Ingest").
import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileName } from './recognise.ts';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Database } from '../db/database.ts';
import { engineTrouble, RunFailedError } from '../errors.ts';
import { fingerprint, type InputFile, type Run } from '../runs/ledger.ts';
import { crLineEnds, decodeFile, dosEofBytes, Utf8Repairs } from './decode.ts';
import { FileError } from './file-error.ts';
import { describeAmountFormat, parseControlAmount } from './formats.ts';
import { fixedColumns, rawProjection, setIngestVariable, stagedColumns, typingVariables, withFields, type ColumnSet } from './mapping.ts';
import type { AmountFormat, PartnerProfile } from './profile.ts';
import { readerDialect, scanRecords, splitRecords, stageSeparator, unquotedEscape, type RecordLayout, type SplitResult, type Trailer } from './records.ts';
import { MORE_FIELDS_HINT, overflowIndex, typeOverflowRecords } from './overflow.ts';
import { ingestSqlRow, ingestSqlRows, runIngestSql } from './sql.ts';
import { directSource, stagedNames, stageSource, type StageSource } from './stage.ts';
import { StageWriter } from './stage-writer.ts';
import { readJson } from './json.ts';
import { readXlsx } from './xlsx.ts';
import { supersedeUnrecognised, wasUnrecognised } from './unrecognised.ts';

export type FileStatus = 'loaded' | 'quarantined' | 'released' | 'skipped_duplicate' | 'failed' | 'unrecognised';

/** What became of one input file. */
export interface FileOutcome {
  path: string;
  partner_id: string | null;
  file_id: number | null;
  /**
   * `skipped` = nothing to do: identical content already received, or (with --partner) another
   * profile's file; no change to the database. `unrecognised`: no profile claims it, or two do.
   */
  status: FileStatus | 'skipped';
  message: string;
  /** Set on a loaded file that needs a look all the same (its trailer's total below its valid records' sum). */
  warning?: string;
  records_read: number;
  records_loaded: number;
  records_rejected: number;
  records_duplicate: number;
}

/**
 * Default cap on a batch's input bytes: bounds the staging file on disk and the typed rows DuckDB
 * holds (it spills beyond its memory limit). A file larger than the cap is a batch of its own;
 * files are never split. Override with RECON_INGEST_BATCH_MB.
 */
export const DEFAULT_BATCH_BYTES = 256 * 1024 * 1024;

/** The batch cap in bytes (RECON_INGEST_BATCH_MB, else the default). */
export function batchBytes(): number {
  const mb = Number(process.env.RECON_INGEST_BATCH_MB);
  return Number.isFinite(mb) && mb >= 0 && process.env.RECON_INGEST_BATCH_MB ? mb * 1024 * 1024 : DEFAULT_BATCH_BYTES;
}

/**
 * Size from which a UTF-8 delimited file is read in place when its records are each one physical
 * line (the direct path: no staging copy, see README "Direct path"); such a file is a batch of its
 * own. 64 MB unless RECON_INGEST_DIRECT_MB says otherwise: on 2 M-row files the direct path took
 * about a fifth less CPU than the staging copy (README), while for small files the batch of many
 * files is what saves time.
 */
export const DEFAULT_DIRECT_BYTES = 64 * 1024 * 1024;

/** The direct-path threshold in bytes (RECON_INGEST_DIRECT_MB, else the default). */
export function directBytes(): number {
  const mb = Number(process.env.RECON_INGEST_DIRECT_MB);
  return Number.isFinite(mb) && mb >= 0 && process.env.RECON_INGEST_DIRECT_MB ? mb * 1024 * 1024 : DEFAULT_DIRECT_BYTES;
}

/** A file that may be read in place: delimited UTF-8 of at least the threshold. */
function directCandidate(fp: InputFile, profile: PartnerProfile): boolean {
  return profile.format.type === 'delimited' && (profile.encoding === 'utf-8' || profile.encoding === 'utf-8-bom') && fp.bytes >= directBytes();
}

/** Whether the file starts with a UTF-8 byte-order mark (then its first line must not be read in place). */
function startsWithBom(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(3);
    return readSync(fd, b, 0, 3, 0) === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  } finally {
    closeSync(fd);
  }
}

const macrosReady = new WeakSet<Database>();

/** Temp macros used by the typing passes (once per connection). */
export async function ensureMacros(db: Database): Promise<void> {
  if (macrosReady.has(db)) return;
  await db.runFile('ingest/macros.sql');
  macrosReady.add(db);
}

/**
 * A per-process scratch folder for staging files. The first call also removes the folders of recon
 * processes that no longer run (killed mid-batch, they never cleaned up): their staging copies can
 * be as large as the files they held, and a new process given the same pid must start empty.
 */
export function stagingDir(): string {
  const dir = join(tmpdir(), `recon-ingest-${process.pid}`);
  if (!sweptStaging) {
    sweptStaging = true;
    rmSync(dir, { recursive: true, force: true }); // our pid's folder is a dead process's
    for (const name of readdirSync(tmpdir())) {
      const pid = /^recon-ingest-(\d+)$/.exec(name)?.[1];
      if (pid && Number(pid) !== process.pid && !processRuns(Number(pid))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}
let sweptStaging = false;

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
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

interface Receipt {
  file_id: bigint;
  path: string;
  sha256: string;
  status: string;
  loaded: string;
}

/** Every earlier receipt of the given contents, oldest first. */
async function receipts(db: Database, shas: string[]): Promise<Receipt[]> {
  return db.all<Receipt & Record<string, unknown>>(
    `SELECT file_id, path, sha256, status, strftime(loaded_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS loaded
       FROM source_files WHERE list_contains($1::VARCHAR[], sha256) ORDER BY file_id`,
    [listValue(shas)],
  );
}

/** Next file id: continues the table's numbering so a rerun after a crash gives the same ids. */
async function nextFileId(db: Database): Promise<number> {
  const r = await db.one<{ id: bigint }>('SELECT coalesce(max(file_id), 0) + 1 AS id FROM source_files');
  return Number(r!.id);
}

/**
 * Writes the row of a file that cannot be loaded at all (status failed), inside the caller's
 * transaction. A failed file is retried on the next ingest; its earlier failed row (`previous`)
 * is replaced rather than repeated, so reruns change nothing.
 */
async function insertFailure(db: Database, run: Run, fp: InputFile, kind: string, partnerId: string | null, message: string, fileId: number, previous: boolean): Promise<void> {
  if (previous) {
    // The same file failing again: its row keeps the receipt it records (run, time) when the
    // failure is the same, so ingesting a folder again changes nothing; another failure (or
    // another profile's) is recorded in place.
    await db.run(
      `UPDATE source_files SET partner_id = $2, status_reason = $3, run_id = $4, loaded_at = now()
        WHERE file_id = $1 AND (status_reason IS DISTINCT FROM $3 OR partner_id IS DISTINCT FROM $2)`,
      [fileId, partnerId, message, run.runId],
    );
    return;
  }
  await db.run(
    `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, status, status_reason, run_id, loaded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', $8, $9, now())`,
    [fileId, kind, partnerId, fp.path, basename(fp.path), fp.sha256, fp.bytes, message, run.runId],
  );
}

/** The failed rows of this file (same bytes, same path) other than `fileId` read `replaced`, naming it. */
async function supersedeFailed(db: Database, fp: InputFile, fileId: number): Promise<void> {
  await db.run(
    `UPDATE source_files SET status = 'replaced', status_reason = $4
      WHERE kind = 'partner' AND status = 'failed' AND sha256 = $1 AND path = $2 AND file_id <> $3`,
    [fp.sha256, fp.path, fileId, `read again as file ${fileId}`],
  );
}

/** Records a failed file in its own transaction (see insertFailure); returns its file id. */
export async function recordFailure(db: Database, run: Run, fp: InputFile, kind: string, partnerId: string | null, message: string): Promise<number> {
  return db.transaction(async () => {
    const prev = await db.one<{ file_id: bigint }>(`SELECT file_id FROM source_files WHERE sha256 = $1 AND path = $2 AND status = 'failed'`, [fp.sha256, fp.path]);
    const fileId = prev ? Number(prev.file_id) : await nextFileId(db);
    await insertFailure(db, run, fp, kind, partnerId, message, fileId, prev !== undefined);
    return fileId;
  });
}

/**
 * The text of a staged record (an SQL expression, evaluated for rejects only): its fields joined
 * with the file's delimiter, a field holding the delimiter, the quote or a line break written
 * quoted again (quote doubled), so the text reads back as the same fields.
 */
export function joinedText(n: number, delimiterExpr: string, quoteExpr: string): string {
  return `concat_ws(${delimiterExpr}, ${stagedNames(n).map((c) => `ingest_field_text(${c}, ${delimiterExpr}, ${quoteExpr})`).join(', ')})`;
}

/**
 * The text of a staged record of an unquoted file with escapes (format.escape with quote ""), for
 * rejects: its fields joined with the delimiter, each with the escape before an escape, a delimiter
 * or a line feed it holds, as MySQL's INTO OUTFILE writes them (a NULL as an empty field).
 */
export function escapedText(n: number, delimiterExpr: string, escapeExpr: string): string {
  return `concat_ws(${delimiterExpr}, ${stagedNames(n).map((c) => `ingest_field_escaped(${c}, ${delimiterExpr}, ${escapeExpr})`).join(', ')})`;
}

interface Control {
  count: number | null;
  amount: bigint | null;
}

/** A field written as Excel's text formula (`="0012345"`, a quote inside doubled) as its text; any other as it is. */
function unformula(s: string): string {
  return /^="(?:[^"]|"")*"$/.test(s) ? s.slice(2, -1).replaceAll('""', '"') : s;
}

/** Where a trailer states its control values (a partner profile's `trailer`, a billing layout's). */
export type ControlSpec = Pick<NonNullable<PartnerProfile['trailer']>, 'count' | 'amount' | 'credit' | 'debit'>;

/** Control count and amount stated by the trailer, parsed with the profile's rules. */
function controlValues(profile: PartnerProfile, trailer: Trailer, shown: string): Control {
  return parseControls(profile.trailer!, profile.trailer!.amount_format ?? profile.fields.amount.format, profile.format.type === 'fixed_width', trailer, shown);
}

/**
 * Control count and amount a trailer states where `t` says (the amount in `fmt`), or a FileError
 * naming the line, the key (`key`.count, …) and what was found. Partner files and billing exports.
 */
export function parseControls(t: ControlSpec, fmt: AmountFormat, fixedWidth: boolean, trailer: Trailer, shown: string, key = 'trailer'): Control {
  const pick = (spec: { field: number } | { regex: string }, what: string): string => {
    // A summary block of several lines (setTrailer): ^ and $ stand at each of its lines.
    const v = 'field' in spec ? trailer.fields[spec.field - 1] : new RegExp(spec.regex, (trailer.lines ?? 1) > 1 ? 'm' : '').exec(trailer.text)?.[1];
    // A statement's credit or debit total left blank (no money moved that way that day) is zero, as
    // its `0` or `-` is; the sum check still catches a field number pointing at the wrong blank.
    if (v !== undefined && v.trim() === '' && 'field' in spec && (what === 'credit' || what === 'debit')) return '0';
    if (v === undefined || v.trim() === '') {
      throw new FileError(`${shown}, line ${trailer.line}: ${key} ${what} not found (${'field' in spec ? `field ${spec.field}` : `regex /${spec.regex}/`}), got ${JSON.stringify(trailer.text.slice(0, 120))}${fieldsHint(spec, what)}`);
    }
    // A trailer's field written as Excel's text formula, `="3"`, is its text, as a record's is
    // (ingest_unformula in sql/ingest/macros.sql): before, the file failed ("expected a whole number").
    return 'field' in spec ? unformula(v.trim()) : v.trim();
  };
  // A field number that found no figure: the trailer's fields as numbered, to pick the right one.
  const fieldsHint = (spec: { field: number } | { regex: string }, what: string): string => {
    if (!('field' in spec)) return '';
    const listed = trailer.fields.map((f, k) => [k + 1, f.trim()] as const).filter(([, f]) => f !== '');
    const words = fixedWidth ? ' (a fixed-width trailer\'s fields are its words between spaces: figures run together need {"regex":…})' : '';
    return `; the trailer's fields are ${listed.map(([k, f]) => `${k} ${JSON.stringify(f.slice(0, 40))}`).join(', ')}${listed.length < trailer.fields.length ? ' (empty ones left out)' : ''}: set ${key}.${what}.field to the one holding it, or use {"regex":…}${words}`;
  };
  let count: number | null = null;
  if (t.count) {
    const text = pick(t.count, 'count');
    const digits = text.replace(/[.,\s]/g, '');
    if (!/^\d+$/.test(digits)) throw new FileError(`${shown}, line ${trailer.line}, field ${key}.count: got ${JSON.stringify(text)}, expected a whole number of records${fieldsHint(t.count, 'count')}`);
    count = Number(digits);
  }
  const money = (spec: { field: number } | { regex: string }, what: string): bigint => {
    const text = pick(spec, what);
    const v = parseControlAmount(text, fmt);
    const at = `${shown}, line ${trailer.line}, field ${key}.${what}: got ${JSON.stringify(text)}`;
    if (v === null) throw new FileError(`${at}, expected ${describeAmountFormat(fmt)}${fieldsHint(spec, what)}`);
    if ('fraction' in v) {
      throw new FileError(`${at}, a total with a fraction of a đồng (${v.fraction}), which no whole amounts sum to (VND has no minor unit): expected a whole total, as ${describeAmountFormat(fmt)}, or a zero fraction; ask the partner for a corrected file`);
    }
    return v.value;
  };
  let amount: bigint | null = null;
  if (t.amount) amount = money(t.amount, 'amount');
  // Separate totals of money in and out: the records' signed sum (credits less debits) is their difference.
  else if (t.credit && t.debit) {
    const debit = money(t.debit, 'debit');
    amount = money(t.credit, 'credit') - (debit < 0n ? -debit : debit); // a debit total may be written with its sign
  }
  return { count, amount };
}

/** Why a declared trailer may be missing: the file cut short, or what the profile looks for not finding it. */
function noTrailerWhy(profile: PartnerProfile): string {
  const t = profile.trailer!;
  if (t.in === 'preamble') return `no line of the preamble matches trailer.match /${t.match}/: check it against the file's totals line`;
  const codes = profile.record_types?.trailer ?? [];
  if (!t.match && codes.length > 0) return `no line of record type ${codes.join(', ')} (record_types.trailer): the file may be truncated`;
  if (t.match) return `no line matches trailer.match /${t.match}/: the file may be truncated, or the regex misses its total row, which is then read as a record (see its reject)`;
  return 'the file may be truncated';
}

/** A file staged into the batch. */
interface Member {
  seq: number;
  fileId: number;
  fp: InputFile;
  split: SplitResult;
  /** Control totals stated by the trailer (null fields when the profile declares none). */
  control: Control;
  /** The trailer the profile expects is missing. */
  noTrailer: boolean;
  /** Read in place (the direct path), not from the staging file; then the batch's only file. */
  direct: boolean;
  outcome: FileOutcome;
}

/** Column layout shared by the files of a batch. */
interface Layout {
  columns: ColumnSet;
  projection: string;
  /** SQL expression of a staged record's text, for rejects. */
  rawText: string;
  /** Identifies the layout: a file with other columns starts a new batch. */
  key: string;
}

/**
 * Splits one file into the staging file and works out its column layout; throws FileError. A
 * direct candidate is first only scanned: when its records are each one physical line it stays
 * unstaged (`direct`), else it is split again into the staging file.
 */
async function stageFile(fp: InputFile, profile: PartnerProfile, out: StageWriter, seq: number, candidate: boolean): Promise<{ split: SplitResult; layout: Layout; direct: boolean }> {
  const shown = fp.path;
  const f = profile.format;
  let split!: SplitResult;
  let columns: ColumnSet;
  let rawText: string;
  let direct = false;
  if (f.type === 'xlsx' || f.type === 'json') {
    split = f.type === 'xlsx' ? await readXlsx(fp.path, profile, shown, out, seq) : await readJson(fp.path, profile, shown, out, seq);
    columns = stagedColumns(split.header ?? (profile.header.type === 'none' ? profile.header.columns : []));
    rawText = joinedText(columns.names.length, "','", "'\"'");
  } else {
    // One survey of a file with bytes that are not UTF-8, shared by the scan and the split.
    const repairs = new Utf8Repairs();
    const scan = candidate ? await scanForDirect(fp.path, profile.encoding, profile, shown, repairs) : null;
    if (scan) {
      split = scan;
      direct = true;
    } else {
      split = await splitRecords(decodeFile(fp.path, profile.encoding, shown, f.type === 'fixed_width', repairs), profile, shown, out, seq, repairs);
    }
    if (f.type === 'fixed_width') {
      columns = fixedColumns(profile);
      rawText = 'raw';
    } else {
      const names = profile.header.type === 'none' ? profile.header.columns : split.header;
      if (!names) {
        throw new FileError(split.lines === 0 ? `${shown}: the file is empty (no lines), expected a header line and records` : `${shown}: no header line found after the preamble, expected a line naming the columns`);
      }
      columns = stagedColumns(names);
      // An unquoted file with escapes: a reject's text escaped again, as the partner wrote it.
      rawText = unquotedEscape(f) !== null ? escapedText(names.length, "getvariable('ingest').delimiter", "getvariable('ingest').escape") : joinedText(names.length, "getvariable('ingest').delimiter", "getvariable('ingest').quote");
    }
  }
  const projection = rawProjection(profile, columns, shown);
  return { split, direct, layout: { columns, projection, rawText, key: JSON.stringify(columns.names) } };
}

type Counts = Record<string, bigint | null>;

/** Thrown when a batch's SQL fails: how many of the given files the batch took. */
class BatchError extends Error {
  constructor(readonly consumed: number, override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Loads one profile's files, in the given order, batch by batch. Never throws for bad data: each
 * file's outcome (in the given order) says what happened. When a batch's SQL fails as a whole
 * (DuckDB refusing a staged text), its files are retried one by one, so only the culprit fails.
 */
export async function loadPartnerFiles(db: Database, run: Run, paths: string[], profile: PartnerProfile, cap = batchBytes()): Promise<FileOutcome[]> {
  await ensureMacros(db);
  const fps: InputFile[] = [];
  for (const path of paths) {
    const fp = await fingerprint(path);
    run.addInput(fp);
    fps.push(fp);
  }
  const outcomes: FileOutcome[] = [];
  let i = 0;
  while (i < fps.length) {
    try {
      const done = await loadBatch(db, run, fps.slice(i), profile, cap);
      outcomes.push(...done);
      i += done.length;
    } catch (e) {
      if (!(e instanceof BatchError)) throw e;
      const files = fps.slice(i, i + e.consumed);
      if (files.length > 1) {
        for (const fp of files) outcomes.push(...(await loadAlone(db, run, fp, profile)));
      } else {
        outcomes.push(await failAlone(db, run, files[0]!, profile, e.cause));
      }
      i += e.consumed;
    }
  }
  return outcomes;
}

async function loadAlone(db: Database, run: Run, fp: InputFile, profile: PartnerProfile): Promise<FileOutcome[]> {
  try {
    return await loadBatch(db, run, [fp], profile, 0);
  } catch (e) {
    if (!(e instanceof BatchError)) throw e;
    return [await failAlone(db, run, fp, profile, e.cause)];
  }
}

async function failAlone(db: Database, run: Run, fp: InputFile, profile: PartnerProfile, cause: unknown): Promise<FileOutcome> {
  const trouble = engineTrouble(cause);
  if (trouble !== null) throw new RunFailedError(`loading ${fp.path}: ${trouble}`);
  const message = `${fp.path}: could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`;
  const fileId = await recordFailure(db, run, fp, 'partner', profile.id, message);
  if (wasUnrecognised(await receipts(db, [fp.sha256]), fp)) await supersedeUnrecognised(db, fp, fileId, profile.id);
  return { ...emptyOutcome(fp.path, profile.id), file_id: fileId, status: 'failed', message: `${message}; nothing loaded from this file` };
}

function emptyOutcome(path: string, partnerId: string): FileOutcome {
  return { path, partner_id: partnerId, file_id: null, status: 'loaded', message: '', records_read: 0, records_loaded: 0, records_rejected: 0, records_duplicate: 0 };
}

/** A write to a persistent table decided before the batch's transaction opens, run inside it in order. */
type Write = () => Promise<void>;

/**
 * Loads the next batch from the front of `fps` in one transaction; returns the outcomes of the
 * files it took (a prefix of `fps`). Throws BatchError when the batch's SQL fails. Everything that
 * only reads persistent tables or builds temp tables and session variables runs before BEGIN
 * (receipts, id bases, staging, typing, counts, repeats); the transaction holds only the writes, so
 * a kill or a failure before it leaves nothing. The id bases stay valid because DuckDB's file lock
 * makes this process the database's only writer.
 */
async function loadBatch(db: Database, run: Run, fps: InputFile[], profile: PartnerProfile, cap: number): Promise<FileOutcome[]> {
  const stagePath = join(stagingDir(), `batch-${profile.id.replace(/[^a-z0-9_-]/gi, '_')}-${fps[0]!.sha256.slice(0, 16)}.txt`);
  const out = new StageWriter(stagePath);
  const outcomes: FileOutcome[] = [];
  const writes: Write[] = []; // source_files rows of files skipped or failed while staging
  const members: Member[] = [];
  let open = false;
  try {
    const earlier = await receipts(db, fps.map((f) => f.sha256));
    const base = (await db.one<{ next_id: bigint; floor: bigint }>(
      'SELECT (SELECT coalesce(max(file_id), 0) + 1 FROM source_files) AS next_id, (SELECT coalesce(max(payment_id), 0) FROM payments) AS floor',
    ))!;
    let nextId = Number(base.next_id);
    const floor = Number(base.floor);
    const taken = new Map<string, Member>(); // sha256 → the batch's file with those bytes
    let layout: Layout | null = null;
    let bytes = 0;

    for (const fp of fps) {
      const shown = fp.path;
      const outcome = emptyOutcome(fp.path, profile.id);
      // Rows that are no receipt of the bytes: a failure (retried), a file no profile claimed then
      // (its row reads replaced once one does, below).
      const prior = earlier.filter((r) => r.sha256 === fp.sha256 && !['failed', 'unrecognised', 'replaced'].includes(r.status));
      const claimed = (fileId: number): void => {
        if (wasUnrecognised(earlier, fp)) writes.push(() => supersedeUnrecognised(db, fp, fileId, profile.id));
        // A file that failed before and is read now (its profile fixed): the failed row reads
        // replaced, naming this one, so the file counts once.
        if (earlier.some((r) => r.sha256 === fp.sha256 && r.path === fp.path && r.status === 'failed' && Number(r.file_id) !== fileId)) {
          writes.push(() => supersedeFailed(db, fp, fileId));
        }
      };
      // The same bytes under the same name (the same folder again, or a month's folder holding files
      // an earlier month's folder held too) are the same delivery: skipped, no row; only another
      // name is a second delivery.
      const sameFile = prior.find((r) => fileName(r.path) === fileName(fp.path));
      if (sameFile) {
        outcomes.push({ ...outcome, file_id: Number(sameFile.file_id), status: 'skipped', message: `${shown}: skipped, identical (sha256) to file ${sameFile.file_id} ${sameFile.path} received ${sameFile.loaded} (${sameFile.status})` });
        continue;
      }
      const twin = taken.get(fp.sha256);
      if (twin && fileName(twin.fp.path) === fileName(fp.path)) {
        outcomes.push({ ...outcome, file_id: twin.fileId, status: 'skipped', message: `${shown}: skipped, identical (sha256) to file ${twin.fileId} ${twin.fp.path} received in this run` });
        continue;
      }
      if (prior.length > 0 || twin) {
        // The same bytes under another name: recorded once, so the second delivery is visible to auditors.
        const firstId = prior.length > 0 ? Number(prior[0]!.file_id) : twin!.fileId;
        const firstPath = prior.length > 0 ? prior[0]!.path : twin!.fp.path;
        const when = prior.length > 0 ? `received ${prior[0]!.loaded}` : 'received in this run';
        const fileId = nextId++;
        claimed(fileId);
        writes.push(() => db.run(
          `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, status, status_reason, run_id, loaded_at)
           VALUES ($1, 'partner', $2, $3, $4, $5, $6, 'skipped_duplicate', $7, $8, now())`,
          [fileId, profile.id, fp.path, basename(fp.path), fp.sha256, fp.bytes, `identical to file ${firstId} ${firstPath}`, run.runId],
        ));
        outcomes.push({ ...outcome, file_id: fileId, status: 'skipped_duplicate', message: `${shown}: not loaded, identical (sha256) to file ${firstId} ${firstPath} ${when}` });
        continue;
      }
      const candidate = directCandidate(fp, profile);
      if (members.length > 0 && (bytes + fp.bytes > cap || candidate)) break;
      const mark = out.mark();
      const seq = members.length + 1;
      try {
        const staged = await stageFile(fp, profile, out, seq, candidate);
        if (layout && staged.layout.key !== layout.key) {
          // Other columns than the batch's: this file starts the next batch.
          out.rewind(mark);
          break;
        }
        const t = profile.trailer;
        const expectsTrailer = t !== undefined && (t.count !== undefined || t.amount !== undefined || t.credit !== undefined);
        const control = expectsTrailer && staged.split.trailer ? controlValues(profile, staged.split.trailer, shown) : { count: null, amount: null };
        layout ??= staged.layout;
        const member: Member = { seq, fileId: nextId++, fp, split: staged.split, control, noTrailer: expectsTrailer && !staged.split.trailer, direct: staged.direct, outcome };
        members.push(member);
        claimed(member.fileId);
        taken.set(fp.sha256, member);
        bytes += fp.bytes;
        outcomes.push(outcome);
        if (staged.direct) break;
      } catch (e) {
        if (!(e instanceof FileError)) throw new BatchError(outcomes.length + 1, e);
        out.rewind(mark);
        const prev = earlier.find((r) => r.sha256 === fp.sha256 && r.path === fp.path && r.status === 'failed');
        const fileId = prev ? Number(prev.file_id) : nextId++;
        claimed(fileId);
        writes.push(() => insertFailure(db, run, fp, 'partner', profile.id, e.message, fileId, prev !== undefined));
        outcomes.push({ ...outcome, file_id: fileId, status: 'failed', message: `${e.message}; nothing loaded from this file` });
      }
    }
    out.close();
    let typed: TypedBatch | null = null;
    try {
      if (members.length > 0) typed = await typeMembers(db, profile, members, layout!, stagePath, floor);
      await db.run('BEGIN TRANSACTION');
      open = true;
      for (const write of writes) await write();
      if (typed) await writeMembers(db, run, profile, typed);
      await db.run('COMMIT');
      open = false;
    } catch (e) {
      throw new BatchError(outcomes.length, e);
    }
    return outcomes;
  } catch (e) {
    if (open) await db.run('ROLLBACK').catch(() => undefined);
    // Refusals of a failed batch must not be counted for the next one.
    await runIngestSql(db, 'ingest/clear_csv_errors.sql').catch(() => undefined);
    throw e instanceof BatchError ? e : new BatchError(Math.max(1, outcomes.length), e);
  } finally {
    out.close();
    removeStaging(stagePath);
    // The direct path's view would stop the next batch from creating its table of that name.
    if (members[0]?.direct) await dropTypedView(db);
  }
}

/** Drops the direct path's view ingest_typed if it exists (typing may have failed before making it). */
export async function dropTypedView(db: Database): Promise<void> {
  const view = await db.one(`SELECT 1 AS found FROM duckdb_views() WHERE view_name = 'ingest_typed' AND temporary`);
  if (view) await db.run('DROP VIEW ingest_typed');
}

/**
 * The direct path after typing: the view ingest_typed gives every row its physical line (rows
 * after an empty or refused line shift, sql/ingest/direct_gaps.sql) and drops blank rows and
 * non-detail lines; refusals of non-detail lines are dropped too. loadBatch drops the view.
 */
async function placeDirectRows(db: Database, d: SplitResult['direct']): Promise<void> {
  const refusals = Number((await db.one<{ n: bigint }>('SELECT count(*) AS n FROM ingest_csv_errors'))!.n);
  const base = (await db.one<{ base: bigint | null }>('SELECT min(rowid) AS base FROM ingest_typed_direct'))!.base ?? 0n;
  await setIngestVariable(db, { first: d.dataFrom, base, empty: { ints: d.empty }, non_detail: { ints: d.nonDetail } }, 'ingest_direct');
  const gaps = d.empty.length > 0 || refusals > 0;
  if (gaps) await runIngestSql(db, 'ingest/direct_gaps.sql');
  await runIngestSql(db, 'ingest/direct_view.sql', {}, gaps ? { shift: 'coalesce(p.shift, 0)', join: 'LEFT JOIN ingest_placed p ON p.row_id = t.rowid' } : { shift: '0', join: '' });
  if (refusals > 0) await runIngestSql(db, 'ingest/direct_errors.sql');
}

/**
 * Runs a typing file (sql/ingest/type_*.sql, slots typed_table and keep) so that `ingest_typed`
 * holds the typed rows with their physical lines: straight from the staging file, or on the direct
 * path (`direct`: the scan's facts) as a view over every row read in place (see placeDirectRows);
 * the caller drops that view when done.
 */
export async function typeRows(db: Database, file: string, params: Record<string, DuckDBValue>, slots: Record<string, string>, direct: SplitResult['direct'] | null): Promise<void> {
  if (!direct) {
    await runIngestSql(db, file, params, { ...slots, typed_table: 'ingest_typed', keep: 'NOT r.blank' });
    return;
  }
  // Rows must be stored in file order for their rowids to be positions (recon runs with
  // preserve_insertion_order = false, see src/db/database.ts).
  await db.run('SET preserve_insertion_order = true');
  try {
    await runIngestSql(db, file, params, { ...slots, typed_table: 'ingest_typed_direct', keep: 'true' });
  } finally {
    await db.run('SET preserve_insertion_order = false');
  }
  await placeDirectRows(db, direct);
}

/**
 * Scans a file (one the caller found big enough) for the direct path: the scan's facts when its
 * records may be read in place, else null (then the caller stages it). A UTF-8 byte-order mark on
 * the first data line rules the file out.
 */
export async function scanForDirect(path: string, encoding: PartnerProfile['encoding'], layout: RecordLayout, shown: string, repairs?: Utf8Repairs): Promise<SplitResult | null> {
  const scan = await scanRecords(decodeFile(path, encoding, shown, false, repairs), layout, shown, repairs);
  // DuckDB would read a DOS end-of-file marker (Ctrl-Z) as a last row the scan never saw, and
  // lines ended by CR alone (read as LF by decodeFile) are not the lines its pinned dialect splits.
  return scan && (scan.direct.dataFrom > 1 || !startsWithBom(path)) && dosEofBytes(path) === 0 && !crLineEnds(path, encoding) ? scan : null;
}

/** One file's accounting after typing, and what its control totals decide. */
interface FileFacts {
  m: Member;
  read: number;
  rejected: number;
  /** Records that parsed but failed a field check (in ingest_typed). */
  typedRejects: number;
  valid: number;
  amountRead: bigint;
  reason: string | null;
  /** Why a loaded file needs a look all the same (its status_reason): a trailer total below the valid records' sum. */
  warning: string | null;
  /** The stated count differs from the records read (the reason says so). */
  countDiffers: boolean;
  /** Records the count is checked against: all read, or the completed payments (trailer.counts "paid"). */
  counted: number;
  rejectedAmount: bigint | null;
  status: FileStatus;
}

/** A typed batch: ingest_typed and ingest_repeats built, ready for writeMembers. */
interface TypedBatch {
  members: Member[];
  facts: FileFacts[];
  /** Some record was refused by DuckDB's CSV reader (ingest_csv_errors holds it). */
  refused: boolean;
  /** The batch is one file read in place. */
  direct: boolean;
  floor: number;
}

/**
 * The set-based part of a batch that writes only temp tables and session variables (run before
 * the transaction): type, account per file, check control totals, find the repeats.
 */
async function typeMembers(db: Database, profile: PartnerProfile, members: Member[], layout: Layout, stagePath: string, floor: number): Promise<TypedBatch> {
  const f = profile.format;
  const maxRecordBytes = Math.max(...members.map((m) => m.split.maxRecordBytes));
  const sep = stageSeparator(profile);
  const direct = members[0]!.direct ? members[0]!.split.direct : null;
  let read: StageSource;
  if (f.type === 'fixed_width') read = stageSource(stagePath, { delimiter: sep, quote: '', escape: '', columns: 1, maxRecordBytes });
  else if (f.type === 'xlsx' || f.type === 'json') read = stageSource(stagePath, { delimiter: ',', quote: '"', escape: '"', columns: layout.columns.names.length, maxRecordBytes });
  else {
    const dialect = { delimiter: f.delimiter, ...readerDialect(f), columns: layout.columns.names.length, maxRecordBytes };
    read = direct ? directSource(members[0]!.fp.path, dialect, direct.dataFrom) : stageSource(stagePath, dialect);
  }
  const source = withFields(layout.columns, f.type === 'fixed_width' ? `(SELECT seq, line_no, c1 AS raw FROM ${read.sql})` : read.sql);
  // payment_id base per file: the table's maximum before the batch + the lines of earlier files.
  const idBase: number[] = [];
  let lines = floor;
  for (const m of members) {
    idBase.push(lines);
    lines += m.split.lines;
  }
  await setIngestVariable(db, {
    ...typingVariables(profile),
    delimiter: f.type === 'delimited' ? f.delimiter : ',',
    quote: f.type === 'delimited' ? f.quote : '"',
    escape: f.type === 'delimited' ? (unquotedEscape(f) ?? '') : '',
    stage_sep: sep,
    columns: layout.columns.names.join(', '),
    files: members.map((m) => m.fp.path),
    file_ids: { ints: members.map((m) => m.fileId) },
    id_base: { ints: idBase },
    more_hint: f.type === 'delimited' && f.overflow_column === undefined ? MORE_FIELDS_HINT : '',
  });
  await typeRows(db, 'ingest/type_payments.sql', read.params, { source, raw_projection: layout.projection, raw_text: layout.rawText }, direct);
  const overflowAt = overflowIndex(f, layout.columns.names);
  if (overflowAt >= 0 && f.type === 'delimited') {
    const dialect = readerDialect(f);
    const batch = { delimiter: f.delimiter, quote: dialect.quote, nulls: dialect.nulls ?? [], columns: layout.columns, projection: layout.projection, typedTable: direct ? 'ingest_typed_direct' : 'ingest_typed' } as const;
    await typeOverflowRecords(db, batch, overflowAt);
  }

  const bySeq = new Map<number, Counts>();
  for (const c of await ingestSqlRows<Counts>(db, 'ingest/file_counts.sql')) bySeq.set(Number(c.seq), c);
  const refused = new Map<number, number>();
  for (const c of await ingestSqlRows<{ seq: bigint; refused: bigint }>(db, 'ingest/csv_counts.sql')) refused.set(Number(c.seq), Number(c.refused));

  // Per file: records read, rejected, and the control totals (DOMAIN.md, "Ingest semantics").
  const n = (m: Member, k: string): number => Number(bySeq.get(m.seq)?.[k] ?? 0);
  const facts = members.map((m): FileFacts => {
    const csv = refused.get(m.seq) ?? 0;
    const rejected = n(m, 'rejected_typed') + csv + m.split.rejects.length;
    const readCount = n(m, 'typed') + csv + m.split.rejects.length;
    const amountRead = bySeq.get(m.seq)?.amount_read ?? 0n;
    const amountAccepted = bySeq.get(m.seq)?.amount_accepted ?? 0n;
    // Totals of completed payments only (trailer.counts "paid"): the records that are none are left
    // out of the count and the sum they are checked against.
    const paidOnly = profile.trailer?.counts === 'paid';
    const notPaid = paidOnly ? n(m, 'not_paid') : 0;
    const counted = readCount - notPaid;
    const countedRejects = rejected - notPaid;
    const amountCounted = amountRead - (paidOnly ? (bySeq.get(m.seq)?.amount_not_paid ?? 0n) : 0n);
    const what = paidOnly ? 'completed payments' : 'records';
    const shown = m.fp.path;
    const line = m.split.trailer?.line;
    let reason: string | null = null;
    let rejectedAmount: bigint | null = null;
    if (m.noTrailer) reason = `${shown}: no trailer/total row found (the profile expects one); ${noTrailerWhy(profile)}`;
    else if (m.control.count !== null && m.control.count !== counted) reason = `${shown}, line ${line}: trailer states ${m.control.count} ${what}, the file has ${counted}`;
    else if (m.control.amount !== null && countedRejects === 0 && m.control.amount !== amountCounted) reason = `${shown}, line ${line}: trailer states a total of ${m.control.amount} đồng, the ${what} sum to ${amountCounted}`;
    else if (m.control.amount !== null && countedRejects > 0) rejectedAmount = m.control.amount - amountAccepted;
    const countDiffers = !m.noTrailer && m.control.count !== null && m.control.count !== counted;
    // Records read after a closing total row (a footer such as "Người lập bảng" the profile neither
    // skips nor ends at): they are what the count is missing. Only for a total closing a staged text
    // or sheet (a JSON summary line, or totals in the preamble, may come before the records).
    const afterTrailer = countDiffers && direct === null && profile.format.type !== 'json' && profile.trailer?.in !== 'preamble' && m.split.trailerAfter !== undefined
      ? readCount - m.split.trailerAfter : 0;
    if (reason !== null && afterTrailer > 0 && counted - afterTrailer === m.control.count) {
      reason += `, ${afterTrailer} of them after the total row: lines after it are read as records, so a footer must be named in \`skip\``;
    }
    // A count that takes in the header and trailer lines too (two or more): the partner counted the
    // file's lines. Records missing would give the same count, so the stated sum decides: when it
    // is the records' sum (nothing rejected), none is missing; when it is not, the hint is not given.
    const framing = m.split.framingLines ?? 0;
    if (reason !== null && countDiffers && framing >= 2 && counted + framing === m.control.count) {
      const sumAgrees = m.control.amount === null || countedRejects > 0 ? null : m.control.amount === amountCounted;
      if (sumAgrees === true) reason += `, and ${framing} header and trailer lines besides, and the ${what} sum to the stated total: the trailer counts the file's lines, but it must count its ${what} only`;
      else if (sumAgrees === null) reason += `, and ${framing} header and trailer lines besides: the trailer may count the file's lines (it must count its ${what} only), or ${framing} ${what} are missing`;
    }
    // A loaded file whose trailer total is below its valid records' sum: the rejected records would
    // have to be money out. Kept as the file's status_reason, so `recon files` shows it too.
    const warning = reason === null && rejectedAmount !== null && rejectedAmount < 0n
      ? `line ${line}: the trailer's total is ${-rejectedAmount} đồng below what the valid records sum to, which rejected records account for only if they are money out; check the trailer`
      : null;
    return { m, read: readCount, rejected, typedRejects: n(m, 'rejected_typed'), valid: n(m, 'valid'), amountRead, reason, warning, countDiffers, counted, rejectedAmount, status: reason ? 'quarantined' : 'loaded' };
  });
  await setIngestVariable(db, { quarantined: { ints: facts.filter((x) => x.status === 'quarantined').map((x) => x.m.seq) } }, 'ingest_status');
  await runIngestSql(db, 'ingest/repeats.sql');
  return { members, facts, refused: refused.size > 0, direct: direct !== null, floor };
}

/**
 * The writes of a typed batch, inside its transaction: rejects, payments, duplicate and
 * quarantined records, file events and the files' source_files rows; fills in the outcomes.
 */
async function writeMembers(db: Database, run: Run, profile: PartnerProfile, batch: TypedBatch): Promise<void> {
  const { members, facts, direct, floor } = batch;
  const quarantined = facts.filter((x) => x.status === 'quarantined');

  for (const m of members) {
    for (const r of m.split.rejects) {
      await db.run('INSERT INTO rejects (file_id, line_no, field, value, reason, message, raw) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        m.fileId, r.line, r.field, r.value, r.reason, r.message, r.raw,
      ]);
    }
  }
  if (batch.refused) {
    // A record's own fields, counted in its text, where quotes are doubled inside quoted fields (not
    // where an escape character escapes quotes or, MySQL's, delimiters: the message then says "more than").
    const f = profile.format;
    const plain = f.type === 'delimited' && (f.escape === undefined || f.escape === '' || f.escape === f.quote);
    const fieldCount = plain ? "ingest_field_count(raw, getvariable('ingest').delimiter, getvariable('ingest').quote)" : 'NULL';
    await runIngestSql(db, 'ingest/csv_rejects.sql', {}, { prefix_columns: direct ? '0' : '2', field_count: fieldCount, more_hint: "getvariable('ingest').more_hint" });
    await runIngestSql(db, 'ingest/clear_csv_errors.sql');
  }
  if (facts.some((x) => x.typedRejects > 0)) await runIngestSql(db, 'ingest/typed_rejects.sql', {}, { txn_ref: "CASE WHEN field IS DISTINCT FROM 'txn_ref' THEN txn_ref END" });

  const params = { partner_id: profile.id, id_floor: floor };
  const validLoading = facts.reduce((a, x) => a + (x.status === 'loaded' ? x.valid : 0), 0);
  const inserted = validLoading > 0 ? Number((await ingestSqlRow<{ Count: bigint }>(db, 'ingest/insert_payments.sql', params)).Count) : 0;
  const dups = new Map<number, number>();
  if (inserted < validLoading || quarantined.length > 0) {
    await runIngestSql(db, 'ingest/insert_duplicates.sql', params);
    for (const d of await ingestSqlRows<{ file_id: bigint; duplicate: bigint }>(db, 'ingest/duplicate_counts.sql')) dups.set(Number(d.file_id), Number(d.duplicate));
  }
  const seen = new Map<number, number>();
  if (quarantined.length > 0) {
    await runIngestSql(db, 'ingest/insert_quarantined.sql', params);
    // Repeats of already loaded payments count as duplicates now; release decides them again.
    for (const s of await ingestSqlRows<{ seq: bigint; seen: bigint }>(db, 'ingest/count_seen.sql', params)) seen.set(Number(s.seq), Number(s.seen));
  }

  let loadedTotal = 0;
  const rows: DuckDBValue[][] = [];
  for (const x of facts) {
    const { m } = x;
    const duplicate = (dups.get(m.fileId) ?? 0) + (seen.get(m.seq) ?? 0);
    const loaded = x.status === 'loaded' ? x.valid - duplicate : 0;
    loadedTotal += loaded;
    // A count that leaves out exactly the duplicate records: the partner counted each transaction
    // once (a row sent twice, a resend appended), where a trailer counts every record the file lists.
    if (x.countDiffers && duplicate > 0 && x.counted - duplicate === m.control.count) {
      x.reason += `, ${duplicate} of them ${duplicate === 1 ? 'a duplicate record' : 'duplicate records'} (an identity listed or loaded before): the trailer seems to count each transaction once, but it counts every record the file lists, duplicates included`;
    }
    if (x.status === 'quarantined') await db.run(`INSERT INTO file_events VALUES ($1, 'quarantined', NULL, $2, now(), $3)`, [m.fileId, x.reason, run.runId]);
    rows.push([m.fileId, m.fp.path, basename(m.fp.path), m.fp.sha256, m.fp.bytes, x.read, loaded, x.rejected, duplicate, x.amountRead,
      m.control.count, m.control.amount, x.rejectedAmount, x.status, x.reason ?? (x.warning === null ? null : `${m.fp.path}, ${x.warning}`)]);
    const shown = m.fp.path;
    Object.assign(m.outcome, {
      file_id: m.fileId, status: x.status, records_read: x.read, records_loaded: loaded, records_rejected: x.rejected, records_duplicate: duplicate,
      message: x.status === 'loaded'
        ? `${shown}: ${x.read} records read, ${loaded} loaded, ${x.rejected} rejected, ${duplicate} duplicate${x.rejectedAmount === null ? '' : `, ${x.rejectedAmount} đồng in rejected records`}${x.warning === null ? '' : `; ${x.warning}`}`
        : `${x.reason}; quarantined as file ${m.fileId}: nothing loaded until \`recon files release ${m.fileId} --by NAME --reason TEXT\``,
    });
    if (x.warning !== null) m.outcome.warning = x.warning;
    if (m.split.trailer === null && x.read === 0) m.outcome.message = `${shown}: no records (header only)`;
  }
  // One statement for the batch's files (a statement per file costs more than the batch's typing).
  const width = rows[0]!.length;
  const values = rows.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 3}`).join(', ')})`).join(', ');
  await db.run(
    `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, records_read, records_loaded,
       records_rejected, records_duplicate, amount_read, control_count, control_amount, rejected_amount, status,
       status_reason, run_id, loaded_at)
     SELECT v.col0, 'partner', $1, v.col1, v.col2, v.col3, v.col4, v.col5, v.col6, v.col7, v.col8, v.col9, v.col10, v.col11, v.col12, v.col13, v.col14, $2, now()
     FROM (VALUES ${values}) v`,
    [profile.id, run.runId, ...rows.flat()],
  );
  // Each file's loaded count comes from its duplicates; together they must be what the insert loaded.
  if (loadedTotal !== inserted) {
    throw new Error(`accounting broken: the files' loaded counts sum to ${loadedTotal}, the insert loaded ${inserted} (${members.map((m) => m.fp.path).join(', ')})`);
  }
}
