// The monthly close: billing import → partner ingest → matching → KPIs and dashboard, one run.
// Each stage reads and writes tables; this module only composes them and times them.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from '../src/db/database.ts';
import { UsageError } from '../src/errors.ts';
import { importBilling, ingestFiles, loadProfiles } from '../src/ingest/index.ts';
import { runMatch } from '../src/match/index.ts';
import { defaultAsOf } from '../src/reports/kpi-shape.ts';
import { requireInvoices, writeReport } from '../src/reports/index.ts';
import type { Run } from '../src/runs/ledger.ts';

export interface MonthlyCloseOptions {
  /** Folder holding billing/ (customers, invoices) and partners/ (settlement files). */
  data: string;
  /** Billing period YYYY-MM; default: the latest period among the loaded invoices. */
  period?: string;
  /** As-of date YYYY-MM-DD; default: the last day of the month after the period. */
  asOf?: string;
  /** Output root; the report goes to OUT/<period>/. */
  out: string;
  lang: 'vi' | 'en';
  /** Folder of partner profiles. */
  profiles?: string;
}

export interface MonthlyCloseResult {
  period: string;
  asOf: string;
  kpisPath: string;
  dashboardPath: string;
  /** The same dashboard in the other language (dashboard.en.html when the main one is Vietnamese). */
  twinDashboardPath: string;
  /**
   * Billing and partner files of this run whose records the KPIs do not count: no profile claims the
   * file (or two do), it failed, or its control totals quarantined it. A second delivery of bytes
   * already received is not listed (its records are counted once, from the first).
   */
  filesNotLoaded: Array<{ path: string; status: string; message: string }>;
}

/** Outcomes that leave a file's records out of the KPIs (a byte-identical resend is not one). */
const NOT_LOADED = new Set(['unrecognised', 'failed', 'quarantined']);

export async function monthlyClose(db: Database, run: Run, opts: MonthlyCloseOptions): Promise<MonthlyCloseResult> {
  const data = resolve(opts.data);
  for (const sub of ['billing', 'partners']) {
    const p = join(data, sub);
    if (!existsSync(p) || !statSync(p).isDirectory()) throw new UsageError(`--data ${opts.data}: expected a folder with ${sub}/ inside (${p} not found)`);
  }
  const profiles = loadProfiles(opts.profiles);

  const billing = await run.stage('billing', () => importBilling(db, run, join(data, 'billing')));
  // A period asked for but never billed is refused before the long stages, not after them.
  if (opts.period) await requireInvoices(db, opts.period);
  // Known before the ingest (it reads only the billing): the files the close records keep it.
  const period = opts.period ?? (await latestPeriod(db));
  const ingest = await run.stage('ingest', () => ingestFiles(db, run, [join(data, 'partners')], { profiles, period }));
  const filesNotLoaded = [...billing.files, ...ingest.files]
    .filter((f) => NOT_LOADED.has(f.status))
    .map((f) => ({ path: f.path, status: f.status, message: f.message }));

  const asOf = opts.asOf ?? defaultAsOf(period);
  await run.stage('match', () => runMatch(db, run, { asOf }));
  // The dashboard in the chosen language, and its twin in the other one for the other readers.
  const twin = opts.lang === 'vi' ? 'en' : 'vi';
  const report = await run.stage('report', () => writeReport(db, { period, asOf, lang: opts.lang, twins: [twin], outDir: join(resolve(opts.out), period) }));
  return { period, asOf, kpisPath: report.kpisPath, dashboardPath: report.dashboardPath, twinDashboardPath: report.twinPaths[0]!, filesNotLoaded };
}

async function latestPeriod(db: Database): Promise<string> {
  const row = await db.one<{ period: string | null }>('SELECT max(period) AS period FROM invoices');
  if (!row?.period) throw new UsageError('no invoices loaded: the billing folder holds no invoices-YYYY-MM.csv, so there is no period to close');
  return row.period;
}
