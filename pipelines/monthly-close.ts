// The monthly close: billing import → partner ingest → matching → KPIs and dashboard, one run.
// Each stage reads and writes tables; this module only composes them and times them.
import { listValue } from '@duckdb/node-api';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from '../src/db/database.ts';
import { UsageError } from '../src/errors.ts';
import { countByStatus, importBilling, ingestFiles, loadProfiles } from '../src/ingest/index.ts';
import { loadBillingLayout, type BillingLayout } from '../src/ingest/billing-layout.ts';
import { listFiles } from '../src/ingest/recognise.ts';
import type { PartnerProfile } from '../src/ingest/profile.ts';
import { runMatch } from '../src/match/index.ts';
import { defaultAsOf } from '../src/reports/kpi-shape.ts';
import { requireInvoices, writeReport } from '../src/reports/index.ts';
import { fingerprint, type Run } from '../src/runs/ledger.ts';

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
  /** Billing layout file; default pipelines/billing.json when present, else the built-in layout. */
  billingLayout?: string;
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
   * file (or two do), it failed, or its control totals quarantined it. Bytes already received are
   * not listed again (their records are counted once, from the first receipt) unless that receipt
   * still waits in quarantine, as when the close runs again before anyone released it.
   */
  filesNotLoaded: Array<{ path: string; status: string; message: string }>;
  /** What each stage did, for the close's closing lines: counts, amounts in đồng, the headline ratios. */
  summary: CloseSummary;
}

export interface CloseSummary {
  /** Billing files of this run by outcome; customers and invoices: what the database holds after it. */
  billing: { files: Record<string, number>; customers: number; invoices: number; rejected: number };
  /** Partner files by outcome (loaded, quarantined, skipped, …) and their records. */
  ingest: { files: Record<string, number>; records_read: number; records_loaded: number; records_rejected: number; records_duplicate: number; records_quarantined: number };
  match: { payments: number; allocations: number; allocated_vnd: number; open_exceptions: number; open_exception_vnd: number };
  /** The period's headline ratios (kpis.json headline.ratios; null when undefined). */
  kpis: { collection_rate_amount: number | null; collection_rate_count: number | null; cashless_share_amount: number | null; cashless_share_customers: number | null };
}

/** Outcomes that leave a file's records out of the KPIs (a byte-identical resend is not one). */
const NOT_LOADED = new Set(['unrecognised', 'failed', 'quarantined']);

/**
 * The close's inputs, checked before any database is opened (the command calls it first, so a
 * refused close leaves no new database file): the data folder's billing/ and partners/, and the
 * partner profiles and the billing layout, loaded.
 */
export interface CloseInputs { data: string; profiles: PartnerProfile[]; billingLayout: BillingLayout; partnerFiles: number }

export function checkCloseInputs(opts: Pick<MonthlyCloseOptions, 'data' | 'profiles' | 'billingLayout'>): CloseInputs {
  const data = resolve(opts.data);
  for (const sub of ['billing', 'partners']) {
    const p = join(data, sub);
    if (!existsSync(p) || !statSync(p).isDirectory()) throw new UsageError(`--data ${opts.data}: expected a folder with ${sub}/ inside (${p} not found)`);
  }
  return { data, profiles: loadProfiles(opts.profiles), billingLayout: loadBillingLayout(opts.billingLayout), partnerFiles: listFiles([join(data, 'partners')]).length };
}

/**
 * A close with no payment at all would publish a dashboard of 0 % collected, as if nobody had paid:
 * refused instead (as `recon match` refuses), naming what became of the partner files, if any.
 */
export function nothingToClose(data: string, files: Record<string, number>): UsageError {
  const partners = join(data, 'partners');
  const counted = Object.entries(files).filter(([, k]) => k > 0);
  const what = counted.length === 0
    ? `${partners} holds no partner file`
    : `none of the ${counted.reduce((n, [, k]) => n + k, 0)} file(s) in ${partners} loaded a payment (${counted.map(([status, k]) => `${k} ${status}`).join(', ')}; \`recon files\` lists them with their reasons)`;
  return new UsageError(`nothing to close: no payment is loaded, and ${what}; a dashboard would show 0 % collected. Put the month's settlement files under ${partners}/ (or load them with recon ingest), then close again`);
}

/** `checked`: the inputs the caller already checked (checkCloseInputs), so they are not read again. */
export async function monthlyClose(db: Database, run: Run, opts: MonthlyCloseOptions, checked?: CloseInputs): Promise<MonthlyCloseResult> {
  const { data, profiles, billingLayout } = checked ?? checkCloseInputs(opts);

  // The layout file is an input of the run, as the files it reads are: the same export read in
  // another layout is another import.
  if (billingLayout.file) run.addInput(await fingerprint(billingLayout.file));
  const billing = await run.stage('billing', () => importBilling(db, run, join(data, 'billing'), billingLayout));
  // A period asked for but never billed is refused before the long stages, not after them.
  if (opts.period) await requireInvoices(db, opts.period);
  // Known before the ingest (it reads only the billing): the files the close records keep it.
  const period = opts.period ?? (await latestPeriod(db));
  const ingest = await run.stage('ingest', () => ingestFiles(db, run, [join(data, 'partners')], { profiles, period }));
  const loaded = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM payments');
  if (!loaded || loaded.n === 0n) throw nothingToClose(data, ingest.by_status);
  const filesNotLoaded = [...billing.files, ...ingest.files]
    .filter((f) => NOT_LOADED.has(f.status))
    .map((f) => ({ path: f.path, status: f.status, message: f.message }));
  // A file skipped as already received whose receipt still waits in quarantine (a close run again
  // before anyone released it) is still out of the KPIs: named too, with the receipt's reason.
  const skipped = ingest.files.filter((f) => f.status === 'skipped' && f.file_id !== null).map((f) => f.file_id!);
  if (skipped.length > 0) {
    const waiting = await db.all<{ file_id: bigint; status_reason: string | null }>(
      `SELECT file_id, status_reason FROM source_files WHERE status = 'quarantined' AND list_contains($1::BIGINT[], file_id) ORDER BY file_id`,
      [listValue(skipped.map((id) => BigInt(id)))],
    );
    for (const w of waiting) {
      const f = ingest.files.find((x) => x.file_id === Number(w.file_id) && x.status === 'skipped')!;
      filesNotLoaded.push({
        path: f.path,
        status: 'quarantined',
        message: `still quarantined as file ${w.file_id} since it was first received: ${w.status_reason ?? `${f.path}: control totals disagree`}; nothing loaded until \`recon files release ${w.file_id} --by NAME --reason TEXT\``,
      });
    }
  }

  const asOf = opts.asOf ?? defaultAsOf(period);
  const match = await run.stage('match', () => runMatch(db, run, { asOf }));
  // The dashboard in the chosen language, and its twin in the other one for the other readers.
  const twin = opts.lang === 'vi' ? 'en' : 'vi';
  const report = await run.stage('report', () => writeReport(db, { period, asOf, lang: opts.lang, twins: [twin], outDir: join(resolve(opts.out), period) }));
  const r = report.kpis.headline.ratios;
  const summary: CloseSummary = {
    billing: {
      files: countByStatus(billing.files),
      customers: billing.customers,
      invoices: billing.invoices,
      rejected: billing.files.reduce((n, f) => n + f.records_rejected, 0),
    },
    ingest: {
      files: ingest.by_status,
      records_read: ingest.records_read,
      records_loaded: ingest.records_loaded,
      records_rejected: ingest.records_rejected,
      records_duplicate: ingest.records_duplicate,
      records_quarantined: ingest.records_quarantined,
    },
    match: {
      payments: match.payments,
      allocations: match.allocations,
      allocated_vnd: match.allocated_vnd,
      open_exceptions: match.aging.reduce((n, a) => n + a.count, 0),
      open_exception_vnd: match.aging.reduce((n, a) => n + a.amount_vnd, 0),
    },
    kpis: {
      collection_rate_amount: r.collection_rate_amount,
      collection_rate_count: r.collection_rate_count,
      cashless_share_amount: r.cashless_share_amount,
      cashless_share_customers: r.cashless_share_customers,
    },
  };
  return { period, asOf, kpisPath: report.kpisPath, dashboardPath: report.dashboardPath, twinDashboardPath: report.twinPaths[0]!, filesNotLoaded, summary };
}

async function latestPeriod(db: Database): Promise<string> {
  const row = await db.one<{ period: string | null }>('SELECT max(period) AS period FROM invoices');
  if (!row?.period) throw new UsageError('no invoices loaded: the billing folder holds no invoices-YYYY-MM.csv, so there is no period to close');
  return row.period;
}
