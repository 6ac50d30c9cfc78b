// Running the multi-statement files under sql/ingest/ with named parameters: each statement is
// bound with only the parameters it mentions (DuckDB refuses unused ones). A file may leave
// `/*{name}*/` slots for SQL generated from a profile (column references, a read_csv call);
// values never go there, they are bound or set as session variables.
import type { DuckDBValue } from '@duckdb/node-api';
import { readSql, splitStatements, type Database } from '../db/database.ts';

/** Generated SQL for the slots of a template file. */
export type Slots = Record<string, string>;

function fill(stmt: string, slots: Slots): string {
  return stmt.replace(/\/\*\{([a-z_]+)\}\*\//g, (_, name: string) => {
    const v = slots[name];
    if (v === undefined) throw new Error(`SQL slot ${name} not filled`);
    return v;
  });
}

function bound(stmt: string, params: Record<string, DuckDBValue>): Record<string, DuckDBValue> | undefined {
  const used = Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(stmt));
  return used.length > 0 ? Object.fromEntries(used) : undefined;
}

/** Runs every statement of `sql/<relPath>`, binding the named parameters each one uses. */
export async function runIngestSql(db: Database, relPath: string, params: Record<string, DuckDBValue> = {}, slots: Slots = {}): Promise<void> {
  for (const raw of splitStatements(readSql(relPath))) {
    const stmt = fill(raw, slots);
    await db.run(stmt, bound(stmt, params));
  }
}

/** Runs the single statement of `sql/<relPath>` and returns its first row (an INSERT's is `{ Count }`). */
export async function ingestSqlRow<T extends Record<string, unknown>>(db: Database, relPath: string, params: Record<string, DuckDBValue> = {}): Promise<T> {
  return (await ingestSqlRows<T>(db, relPath, params))[0]!;
}

/** Runs the single statement of `sql/<relPath>` and returns its rows. */
export async function ingestSqlRows<T extends Record<string, unknown>>(db: Database, relPath: string, params: Record<string, DuckDBValue> = {}): Promise<T[]> {
  const stmt = readSql(relPath);
  return db.all<T>(stmt, bound(stmt, params));
}
