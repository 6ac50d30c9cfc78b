// Runs the report SQL files of sql/reports/. Each file names the parameters it uses ($period,
// $as_of, …); DuckDB refuses parameters a statement does not use, so only those are bound.
import type { DuckDBValue } from '@duckdb/node-api';
import { readSql, type Database, type Row } from '../db/database.ts';

export type ReportParams = Record<string, DuckDBValue>;

/** The text of sql/reports/<name>.sql. */
export function reportSql(name: string): string {
  return readSql(`reports/${name}.sql`);
}

/** The subset of `params` that `sql` refers to as $name. */
export function usedParams(sql: string, params: ReportParams): ReportParams {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
}

/** Runs a statement file (CREATE TEMP TABLE …) with the parameters it uses. */
export async function runReport(db: Database, name: string, params: ReportParams = {}): Promise<void> {
  const sql = reportSql(name);
  await db.run(sql, usedParams(sql, params));
}

/** Rows of a query file, with the parameters it uses. */
export async function queryReport<T extends Row>(db: Database, name: string, params: ReportParams = {}): Promise<T[]> {
  const sql = reportSql(name);
  return db.all<T>(sql, usedParams(sql, params));
}
