// The one place that opens DuckDB: connection, settings, migrations, transactions, SQL files,
// and the single helper that quotes the few values DuckDB cannot bind (COPY paths, SET values).
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { DatabaseLockedError, RunFailedError, UsageError } from '../errors.ts';

import { DEFAULT_MEMORY_LIMIT, PROJECT_ROOT, SQL_DIR } from './paths.ts';
import { registerFunctions } from './functions.ts';

export { DEFAULT_MEMORY_LIMIT, PROJECT_ROOT, SQL_DIR } from './paths.ts';

/** WAL size (as DuckDB estimates it) that makes a commit checkpoint; see Database.open. */
const CHECKPOINT_THRESHOLD = '1GB';

export interface OpenOptions {
  /** Database file; ':memory:' for a throw-away database. */
  path: string;
  memoryLimit?: string;
  /** Where DuckDB spills large joins and sorts; defaults to `<db>.tmp`. */
  tempDir?: string;
  threads?: number;
}

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

/** A DuckDB connection with the few operations the stages need. */
export class Database {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /** Where DuckDB writes each statement's profile when plans are checked (RECON_CHECK_PLANS), else null. */
  private readonly planFile = planFile();

  static async open(opts: OpenOptions): Promise<Database> {
    const path = opts.path === ':memory:' ? ':memory:' : resolve(opts.path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const memoryLimit = checkMemoryLimit(opts.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
    const tempDir = opts.tempDir ?? (path === ':memory:' ? join(PROJECT_ROOT, 'tmp', 'duckdb') : `${path}.tmp`);
    // The native binding loads on first open, so commands that never touch the database start fast.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        memory_limit: memoryLimit,
        temp_directory: tempDir,
        preserve_insertion_order: 'false',
        // A bulk insert writes its rows to the database file as it goes (optimistic writes), yet
        // each commit of one counted its size against the 16 MB default and checkpointed
        // (duckdb/duckdb#20335): a checkpoint per ingest batch, slower as the tables grow. Commands
        // that load in many transactions checkpoint once when done (Database.checkpoint).
        checkpoint_threshold: CHECKPOINT_THRESHOLD,
        ...(opts.threads ? { threads: String(opts.threads) } : {}),
      });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/lock/i.test(msg)) {
        const pid = /PID (\d+)/.exec(msg)?.[1];
        throw new DatabaseLockedError(
          `database ${path} is in use by another recon process${pid ? ` (PID ${pid})` : ''}; wait for it to finish or use another --db`,
        );
      }
      throw new UsageError(`cannot open database ${path}: ${msg}`);
    }
    const conn = await instance.connect();
    await registerFunctions(conn);
    const db = new Database(path, instance, conn);
    await db.run("SET TimeZone = 'Asia/Ho_Chi_Minh'");
    await db.runFile('common/identifiers.sql');
    if (db.planFile) {
      await db.run("PRAGMA enable_profiling = 'json'");
      await db.run(`PRAGMA profiling_output = ${quoteLiteral(db.planFile)}`);
    }
    await db.migrate();
    // A table macro binds the tables it reads when it is created, so it follows the migrations.
    await db.runFile('common/period_files.sql');
    return db;
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.execute(sql, () => this.conn.run(sql, params));
  }

  /** Rows as plain objects; BIGINT columns arrive as bigint. */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.execute(sql, () => this.conn.runAndReadAll(sql, params));
    return reader.getRowObjectsJS() as T[];
  }

  /** Runs one statement, with the optional trace (RECON_TRACE_SQL) and plan check (RECON_CHECK_PLANS). */
  private async execute<T>(sql: string, fn: () => Promise<T>): Promise<T> {
    const t0 = TRACE ? performance.now() : 0;
    const cpu0 = TRACE ? process.cpuUsage() : undefined;
    if (this.planFile) rmSync(this.planFile, { force: true });
    const result = await fn();
    if (TRACE) trace(sql, t0, process.cpuUsage(cpu0));
    if (this.planFile) checkPlan(this.planFile, sql);
    return result;
  }

  async one<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Writes everything committed into the database file (see CHECKPOINT_THRESHOLD). */
  async checkpoint(): Promise<void> {
    await this.run('CHECKPOINT');
  }

  /** Runs `fn` inside one transaction; rolls back on any error. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await fn();
      await this.run('COMMIT');
      return result;
    } catch (e) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /** Runs every statement of a file under sql/ (path relative to sql/). */
  async runFile(relPath: string, params?: Params): Promise<void> {
    const text = readSql(relPath);
    if (params) {
      await this.conn.run(text, params);
    } else {
      for (const stmt of splitStatements(text)) await this.run(stmt);
    }
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
    if (this.planFile) rmSync(this.planFile, { force: true });
  }

  private async migrate(): Promise<void> {
    await this.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`);
    const rows = await this.all<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    const applied = new Set(rows.map((r) => r.version));
    const known = listMigrations();
    // A database a newer recon migrated has tables and columns this code does not know: reading it
    // would misreport, writing it could break it for the newer version. Before, it was used as is.
    const unknown = rows.filter((r) => !known.some((m) => m.version === r.version));
    if (unknown.length > 0) {
      throw new UsageError(
        `database ${this.path} was migrated by a newer recon (migration ${unknown.map((r) => r.name).join(', ')}; this recon knows up to ${known.at(-1)?.name ?? 'none'}); use that version of recon, or another --db`,
      );
    }
    for (const m of known) {
      if (applied.has(m.version)) continue;
      try {
        await this.transaction(async () => {
          for (const stmt of splitStatements(readFileSync(m.path, 'utf8'))) await this.run(stmt);
          await this.run('INSERT INTO schema_migrations VALUES ($1, $2, now())', [m.version, m.name]);
        });
      } catch (e) {
        throw new RunFailedError(`database ${this.path}: migration ${m.name} failed and was rolled back, the database is as it was: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
  }
}

/**
 * RECON_TRACE_SQL=1 writes each statement that took RECON_TRACE_SQL_MS (default 50) ms or more to stderr (wall milliseconds,
 * the process's CPU milliseconds, DuckDB's threads included, and the statement's first line): a profiling aid, off by
 * default. CPU time is what to compare on a machine shared with other work, where wall time swings.
 */
const TRACE = process.env.RECON_TRACE_SQL === '1';
const TRACE_MIN_MS = Number(process.env.RECON_TRACE_SQL_MS ?? 50);

/** The first lines of a statement, comments left out, for messages. */
function head(sql: string): string {
  return sql.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('--')).slice(0, 2).join(' ').slice(0, 160);
}

function trace(sql: string, t0: number, cpu: NodeJS.CpuUsage): void {
  const ms = performance.now() - t0;
  if (ms < TRACE_MIN_MS) return;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stderr.write(`[sql ${ms.toFixed(0).padStart(6)} ms, cpu ${cpuMs.toFixed(0).padStart(6)} ms] ${head(sql)}\n`);
  if (process.env.RECON_TRACE_SQL_FILE) appendFileSync(process.env.RECON_TRACE_SQL_FILE, `-- [${ms.toFixed(0)} ms, cpu ${cpuMs.toFixed(0)} ms]\n${sql};\n\n`);
}

/**
 * RECON_CHECK_PLANS=1 fails every statement whose executed plan holds a nested-loop join, unless
 * the statement says "nested-loop join allowed" in a comment. Such a join compares every row with
 * every row: harmless on test data, hours at EVN scale (a condition on one side alone in an ON
 * clause is enough to get one). tests/pipeline/plans.test.ts runs the
 * monthly close with it. DuckDB writes each statement's profile (JSON) to this file.
 */
function planFile(): string | null {
  return process.env.RECON_CHECK_PLANS === '1' ? join(tmpdir(), `recon-plans-${process.pid}-${++planFiles}.json`) : null;
}
let planFiles = 0;

function checkPlan(file: string, sql: string): void {
  // A statement may allow one where no equality can be hashed and both sides stay small; it must
  // say why in a comment holding these words.
  if (!existsSync(file) || sql.includes('nested-loop join allowed')) return;
  const found = /"(NESTED_LOOP_JOIN|BLOCKWISE_NL_JOIN)"/.exec(readFileSync(file, 'utf8'));
  if (found) throw new Error(`the plan of this statement holds a ${found[1]} (RECON_CHECK_PLANS): ${head(sql)}`);
}

export interface Migration { version: number; name: string; path: string }

export function listMigrations(): Migration[] {
  const dir = join(SQL_DIR, 'schema');
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, path: join(dir, f) }));
}

const sqlCache = new Map<string, string>();
/** Text of a file under sql/. */
export function readSql(relPath: string): string {
  let text = sqlCache.get(relPath);
  if (text === undefined) {
    text = readFileSync(join(SQL_DIR, relPath), 'utf8');
    sqlCache.set(relPath, text);
  }
  return text;
}

/**
 * Splits a SQL script on semicolons that end a line, outside quotes and comments.
 * Our own scripts only; user text never reaches here.
 */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inStr = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!inStr && trimmed.startsWith('--')) continue;
    cur += `${line}\n`;
    for (const ch of line) if (ch === "'") inStr = !inStr;
    if (!inStr && trimmed.endsWith(';')) {
      if (cur.trim() !== ';') out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * Quotes a value for the few places DuckDB cannot bind a parameter (COPY … TO paths, SET values).
 * Rejects control characters so nothing but a plain literal can come out.
 */
export function quoteLiteral(value: string): string {
  if (/[\u0000-\u001f]/.test(value)) throw new UsageError(`refusing a value with control characters: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}

function checkMemoryLimit(v: string): string {
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(v.trim())) {
    throw new UsageError(`--memory-limit ${JSON.stringify(v)}: expected a size such as 4GB or 512MB`);
  }
  return v.trim();
}
