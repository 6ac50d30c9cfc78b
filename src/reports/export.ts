// `recon export`: the rows behind the dashboard for analysts and auditors, in CSV, XLSX, Parquet,
// Arrow IPC or JSON. Each dataset is one query in sql/reports/export_<dataset>.sql (kpis: the
// computed kpis.json flattened to rows); results are streamed chunk by chunk, Parquet is written
// by DuckDB's COPY.
import { closeSync, existsSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import { quoteLiteral, type Database } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import { CHANNEL_GROUPS } from '../ingest/profile.ts';
import { openWriter, type Column, type ColumnType } from './export-writers.ts';
import { ratio } from './kpi-shape.ts';
import { computeKpis, type AreaKpis, type ReportKpis } from './kpis.ts';
import { reportSql, runReport, usedParams } from './query.ts';
import { checkPeriod } from './scope.ts';

import { DATASETS, FORMATS, type Dataset, type ExportFormat } from './export-catalog.ts';

export { DATASETS, FORMATS, type Dataset, type ExportFormat } from './export-catalog.ts';

export interface ExportOptions {
  dataset: Dataset;
  period: string;
  asOf?: string;
  format: ExportFormat;
  out: string;
}

export interface ExportResult {
  path: string;
  rows: number;
}

/** Writes one dataset of a period to a file. */
export async function runExport(db: Database, opts: ExportOptions): Promise<ExportResult> {
  const { period, asOf } = checkPeriod(opts.period, opts.asOf);
  const path = await exportPath(db, opts.out);
  // Written beside the target and renamed over it when complete: an existing file is replaced only
  // by a whole export, and a failed one leaves it as it was.
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  // Whether the folder takes a file, asked once for every format: a writer's stream (or DuckDB's
  // COPY) would otherwise fail later, each its own way (a stack trace, or no word at all).
  try {
    closeSync(openSync(partial, 'w'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`--out ${path}: cannot create a file in ${dirname(path)} (${err.code ?? err.message})`);
  }
  try {
    const rows = await writeExport(db, opts, period, asOf, partial);
    renameSync(partial, path);
    return { path, rows };
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * The one check of an export's --out, whatever the format (Parquet's path goes on into DuckDB's
 * COPY through quoteLiteral): the absolute path of a file to create or replace, its folder created.
 * Refused, each with a one-line reason: control characters in the name, a folder, the database
 * itself (its .wal or spill folder too) and a file the database loaded (a partner file, a billing
 * export), since replacing those loses data; a folder that is a file.
 */
export async function exportPath(db: Database, out: string): Promise<string> {
  const path = resolve(out);
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new UsageError(`--out ${JSON.stringify(out)}: a file name with control characters (a line break, a tab) is refused`);
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : p);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--out ${path} is a folder; expected a file name, e.g. ${join(path, 'export.csv')}`);
  if (db.path !== ':memory:') {
    const dbFile = real(db.path);
    const target = real(path);
    if ([dbFile, `${dbFile}.wal`].includes(target) || target.startsWith(`${dbFile}.tmp/`)) {
      throw new UsageError(`--out ${path} is the database file (or its write-ahead log); choose another file name`);
    }
  }
  const loaded = await db.one<{ file_id: bigint }>('SELECT file_id FROM source_files WHERE path = $1 OR path = $2 LIMIT 1', [path, real(path)]);
  if (loaded) throw new UsageError(`--out ${path} is a file the database loaded (file ${loaded.file_id}, recon files); choose another file name`);
  const folder = dirname(path);
  let up = folder;
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  if (!statSync(up).isDirectory()) throw new UsageError(`--out ${path}: ${up} is a file, not a folder`);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (e) {
    throw new UsageError(`--out ${path}: cannot create the folder ${folder} (${e instanceof Error ? e.message : String(e)})`);
  }
  return path;
}

/** Writes the dataset to `path` (the partial file runExport renames); the rows written. */
async function writeExport(db: Database, opts: ExportOptions, period: string, asOf: string, path: string): Promise<number> {
  let sql: string;
  if (opts.dataset === 'kpis') {
    await loadKpiRows(db, await computeKpis(db, period, asOf));
    sql = 'SELECT * EXCLUDE (row_no) FROM export_kpis ORDER BY row_no';
  } else {
    sql = reportSql(`export_${opts.dataset}`);
  }
  const params = usedParams(sql, { period, as_of: asOf });
  if (opts.format === 'parquet') {
    const result = await db.conn.run(`COPY (${sql.trim().replace(/;$/, '')}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`, params);
    return Number(result.rowsChanged);
  }
  const result = await db.conn.stream(sql, params);
  const columns: Column[] = result.columnNames().map((name, i) => ({ name, type: columnType(String(result.columnType(i))) }));
  const writer = openWriter(opts.format, path, columns);
  let rows = 0;
  try {
    for await (const chunk of result) {
      await writer.write(chunk.getRows());
      rows += chunk.rowCount;
    }
  } finally {
    await writer.close();
  }
  return rows;
}

function columnType(duck: string): ColumnType {
  return (['BIGINT', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'DATE', 'TIMESTAMP'] as const).find((t) => t === duck) ?? 'VARCHAR';
}

/** Flattens kpis.json into export_kpis: the total, each channel group, power corporation, unit, partner. */
async function loadKpiRows(db: Database, k: ReportKpis): Promise<void> {
  await runReport(db, 'export_kpis');
  const c = k.headline.counts;
  const r = k.headline.ratios;
  const rows: DuckDBValue[][] = [
    ['total', null, c.invoices, c.invoiced_vnd, c.allocated_vnd, c.invoices_settled, c.cashless_allocated_vnd, c.customers_with_allocation,
      r.collection_rate_amount, r.collection_rate_count, null, null, r.cashless_share_amount, r.cashless_share_customers],
    ...CHANNEL_GROUPS.map((g) => ['channel_group', g, c.invoices_by_group[g], null, c.allocated_vnd_by_group[g], null, null, c.customers_by_group[g],
      null, null, r.channel_share_invoices[g], r.channel_share_amount[g], null, null]),
    ...k.by_pc.map((a) => areaRow('pc', a.pc, a)),
    ...k.by_unit.map((a) => areaRow('unit', a.unit, a)),
    ...k.by_partner.map((p) => ['partner', p.partner_id, p.invoices, null, p.allocated_vnd, null, p.cashless_allocated_vnd, p.customers,
      null, null, null, ratio(p.allocated_vnd, c.allocated_vnd), ratio(p.cashless_allocated_vnd, p.allocated_vnd), null]),
  ];
  const placeholders = Array.from({ length: 15 }, (_, i) => `$${i + 1}`).join(', ');
  for (const [i, row] of rows.entries()) {
    await db.run(`INSERT INTO export_kpis VALUES (${placeholders})`, [i, ...row]);
  }
}

function areaRow(dimension: 'pc' | 'unit', key: string | null, a: AreaKpis): DuckDBValue[] {
  return [dimension, key, a.invoices, a.invoiced_vnd, a.allocated_vnd, a.invoices_settled, a.cashless_allocated_vnd, a.customers_with_allocation,
    a.collection_rate_amount, a.collection_rate_count, null, null, a.cashless_share_amount, a.cashless_share_customers];
}
