// The reports stage: computes kpis.json for a period and writes it with dashboard.html and one SVG
// per chart. Called by the monthly close (pipelines/monthly-close.ts) and by `recon report`.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Database } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import { CHART_IDS, renderCharts, type Chart } from './charts.ts';
import { renderDashboard } from './dashboard.ts';
import { LANGS, type Lang } from './format.ts';
import { translator } from './i18n.ts';
import { computeKpis, type ReportKpis } from './kpis.ts';
import { checkPeriod } from './scope.ts';

export type { ReportKpis } from './kpis.ts';

export interface ReportOptions {
  period: string;
  /** YYYY-MM-DD; default: defaultAsOf(period). */
  asOf?: string;
  lang?: Lang;
  /** Also write the dashboard in these languages, as dashboard.<lang>.html beside the main one. */
  twins?: Lang[];
  /** Files go to this folder directly. */
  outDir: string;
}

export interface ReportResult {
  kpisPath: string;
  dashboardPath: string;
  /** dashboard.<lang>.html for each twin language asked for. */
  twinPaths: string[];
  /** Each chart's file and the vega mark class its SVG must contain. */
  charts: Array<{ id: string; path: string; mark: Chart['mark'] }>;
  kpis: ReportKpis;
}

/**
 * Writes kpis.json (deterministic: byte-identical for the same database, period and as-of date),
 * dashboard.html and chart-<id>.svg into `outDir`, plus dashboard.<lang>.html for each twin language.
 */
/**
 * A report of a period the database holds no invoices of would be an all-zero dashboard that
 * looks like a real one (a mistyped --period, or a billing export not loaded): refused, naming
 * the periods there are.
 */
export async function requireInvoices(db: Database, period: string, nothing = 'nothing to report'): Promise<void> {
  const row = await db.one<{ n: bigint; periods: string | null }>(
    `SELECT count(*) FILTER (WHERE period = $1) AS n, string_agg(DISTINCT period, ', ' ORDER BY period) AS periods FROM invoices`,
    [period],
  );
  if (!row || row.n === 0n) {
    throw new UsageError(`no invoices of period ${period} in the database${row?.periods ? ` (periods with invoices: ${row.periods})` : ' (no billing export loaded)'}; ${nothing}`);
  }
}

/**
 * The absolute path of an output folder (the report's, the monthly close's --out), refused with a
 * one-line reason when it, or a folder above it, is a file (before: EEXIST and a stack trace, and the
 * monthly close found out only after its billing import, ingest and matching).
 */
export function checkOutputFolder(dir: string, flag = '--out'): string {
  const path = resolve(dir);
  let up = path;
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  if (!statSync(up).isDirectory()) throw new UsageError(`${flag} ${path}: ${up} is a file, not a folder; expected the folder to write the report into`);
  return path;
}

export async function writeReport(db: Database, opts: ReportOptions): Promise<ReportResult> {
  const { period, asOf } = checkPeriod(opts.period, opts.asOf);
  await requireInvoices(db, period);
  const tr = translator(opts.lang ?? 'vi');
  const kpis = await computeKpis(db, period, asOf);
  const charts = await renderCharts(kpis, tr);
  const outDir = checkOutputFolder(opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const kpisPath = join(outDir, 'kpis.json');
  writeFileSync(kpisPath, `${JSON.stringify(kpis, null, 2)}\n`);
  const chartFiles = charts.map((c) => {
    const path = join(outDir, `chart-${c.id}.svg`);
    writeFileSync(path, c.svg);
    return { id: c.id, path, mark: c.mark };
  });
  // A chart without data is not drawn: its file from an earlier report into this folder (the same
  // period at another as-of date, or before the exceptions were dismissed) would otherwise stay
  // beside this kpis.json, showing figures it no longer holds.
  for (const id of CHART_IDS) {
    if (!charts.some((c) => c.id === id)) rmSync(join(outDir, `chart-${id}.svg`), { force: true });
  }
  const dashboardPath = join(outDir, 'dashboard.html');
  writeFileSync(dashboardPath, renderDashboard(kpis, charts, tr));
  const twinPaths: string[] = [];
  for (const lang of opts.twins ?? []) {
    const twinTr = translator(lang);
    const path = join(outDir, `dashboard.${lang}.html`);
    writeFileSync(path, renderDashboard(kpis, await renderCharts(kpis, twinTr), twinTr));
    twinPaths.push(path);
  }
  // A twin this report does not write (the language of its own dashboard.html, after an earlier
  // report in the other language; or any, when no twin is asked for) would show earlier figures.
  for (const lang of LANGS) {
    if (!(opts.twins ?? []).includes(lang)) rmSync(join(outDir, `dashboard.${lang}.html`), { force: true });
  }
  return { kpisPath, dashboardPath, twinPaths, charts: chartFiles, kpis };
}
