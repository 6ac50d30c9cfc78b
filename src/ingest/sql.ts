// Running the multi-statement files under sql/ingest/ with named parameters: each statement is
// bound with only the parameters it mentions (DuckDB refuses unused ones).
import type { DuckDBValue } from '@duckdb/node-api';
import { readSql, splitStatements, type Database } from '../db/database.ts';

/** Runs every statement of `sql/<relPath>`, binding the named parameters each one uses. */
export async function runIngestSql(db: Database, relPath: string, params: Record<string, DuckDBValue> = {}): Promise<void> {
  for (const stmt of splitStatements(readSql(relPath))) {
    const used = Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(stmt)));
    await db.run(stmt, Object.keys(used).length > 0 ? used : undefined);
  }
}
