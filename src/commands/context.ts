// What every command shares: global options, opening the database, the run ledger, and output.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Database } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import { DEFAULT_MEMORY_LIMIT, PROJECT_ROOT } from '../db/paths.ts';
import type { Run } from '../runs/ledger.ts';

export interface GlobalOptions {
  db: string;
  memoryLimit: string;
  threads?: number;
  json: boolean;
}

/** Adds --db, --memory-limit, --threads and --json to a command. */
export function withDbOptions(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'DuckDB database file (env RECON_DB)', process.env.RECON_DB ?? './recon.duckdb')
    .option('--memory-limit <size>', 'DuckDB memory limit; larger joins spill to disk', DEFAULT_MEMORY_LIMIT)
    .option('--threads <n>', 'DuckDB worker threads (default: all cores)', (v) => positiveInt('--threads', v))
    .option('--json', 'print machine-readable JSON on stdout', false);
}

/** A command-line number that must be a whole number of at least 1. */
export function positiveInt(option: string, v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > 1_000_000_000) throw new UsageError(`${option} ${JSON.stringify(v)}: expected a whole number from 1 to 1000000000`);
  return Number(v);
}

/** Which commands may create the database: those that load data into it. */
export interface OpenMode {
  create?: boolean;
}

/**
 * Opens the database; the DuckDB binding loads here, on first use, not at CLI start. Only commands
 * that load data create a missing file: any other would report on an empty database made from a
 * mistyped --db (an all-zero dashboard, exit 0).
 */
export async function openDb(opts: GlobalOptions, mode: OpenMode = {}): Promise<Database> {
  const path = resolve(opts.db);
  if (!mode.create && opts.db !== ':memory:' && !existsSync(path)) {
    throw new UsageError(`database ${path} does not exist; load data first (recon run monthly-close, recon ingest) or give the right --db`);
  }
  const { Database } = await import('../db/database.ts');
  return Database.open({ path: opts.db, memoryLimit: opts.memoryLimit, ...(opts.threads ? { threads: opts.threads } : {}) });
}

/**
 * Runs a command that changes the database inside a ledger run: opens the database, records the
 * run, and always closes. The run is marked failed (and the error rethrown) if `fn` throws.
 */
export async function withRun<T>(
  opts: GlobalOptions & { out?: string },
  command: string,
  params: Record<string, unknown>,
  fn: (db: Database, run: Run) => Promise<T>,
  mode: OpenMode = {},
): Promise<T> {
  const db = await openDb(opts, mode);
  const { Run } = await import('../runs/ledger.ts');
  try {
    const run = await Run.start(db, command, params, resolve(opts.out ?? join(PROJECT_ROOT, 'out')));
    try {
      const result = await fn(db, run);
      const manifest = await run.finish('succeeded');
      progress(`run ${run.runId} recorded in ${manifest}`);
      return result;
    } catch (e) {
      await run.finish('failed', e instanceof Error ? e.message : String(e)).catch(() => undefined);
      throw e;
    }
  } finally {
    db.close();
  }
}

/** Read-only commands: open, work, close. */
export async function withDb<T>(opts: GlobalOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDb(opts);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/** Progress lines go to stderr, and only when it is a terminal. */
export function progress(msg: string): void {
  if (process.stderr.isTTY) process.stderr.write(`${msg}\n`);
}

/** Results: JSON (with bigint as number) or text on stdout. */
export function printResult(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${toJson(value)}\n` : `${text()}\n`);
}

export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), indent);
}

/** A plain text table for terminal output. */
export function textTable(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return '(none)';
  const cols = columns ?? Object.keys(rows[0]!);
  const cells = rows.map((r) => cols.map((c) => formatCell(r[c])));
  const widths = cols.map((c, i) => Math.max(width(c), ...cells.map((row) => width(row[i]!))));
  const line = (vals: string[]) => vals.map((v, i) => v + ' '.repeat(widths[i]! - width(v))).join('  ').trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Columns a text takes on a terminal: combining marks (a name written decomposed, NFD) take none. */
function width(s: string): number {
  return [...s.replace(/\p{M}/gu, '')].length;
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
  return String(v);
}
