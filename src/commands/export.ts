// `recon export`: one dataset of a period to CSV, XLSX, Parquet, Arrow IPC or JSON.
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { DATASETS, FORMATS, type Dataset, type ExportFormat } from '../reports/export-catalog.ts';
import type { Database } from '../db/database.ts';
import { requireInvoices } from '../reports/index.ts';
import { printResult, withDb, withDbOptions, type GlobalOptions } from './context.ts';

interface ExportCommandOptions extends GlobalOptions {
  period: string;
  asOf?: string;
  format: string;
  out: string;
}

const DESCRIBED: Record<Dataset, string> = {
  allocations: 'allocations the KPIs count: partner_id, txn_ref, invoice_no, amount_vnd, rule, source file and line',
  exceptions: 'exceptions as of the as-of date: partner_id, txn_ref, invoice_no (related: suggested for suggested_match, already settled for duplicate_payment), amount_vnd, reason, age',
  payments: "payment records paid in the billing period's month (up to the as-of date), with what matching made of them",
  kpis: 'KPI rows: total, channel groups, power corporations, units, partners',
  arrears: 'open invoices of the period and earlier, by unit and days overdue',
  credits: 'customer credit balances (over-payments) to carry to the next bill',
  refunds: 'duplicate payments due back to the payer',
  rejects: "records that could not be loaded, of the period's files (README 'Files of a period'; billing: the period's invoice export and every customer list): file, line, reason, field, value, message, text",
};

/**
 * A period the database knows nothing of (a mistyped --period) gave an empty file, or every
 * exception as of a far date, with exit 0. Refused like `recon report`: the period must have
 * invoices; `payments` and `rejects`, which are about the partner files, also take a period with
 * payments paid in its month (partner files loaded before its billing).
 */
async function requirePeriodData(db: Database, dataset: Dataset, period: string): Promise<void> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) return; // runExport says what is wrong with it
  if (dataset === 'payments' || dataset === 'rejects') {
    const paid = await db.one<{ n: bigint }>(
      "SELECT count(*) AS n FROM (SELECT 1 FROM payments WHERE strftime(paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m') = $1 LIMIT 1)",
      [period],
    );
    if (paid && paid.n > 0n) return;
  }
  await requireInvoices(db, period, dataset === 'payments' || dataset === 'rejects' ? 'and no payment paid in it; nothing to export' : 'nothing to export');
}

export function register(program: Command): void {
  withDbOptions(program.command('export'))
    .argument('<dataset>', `what to export: ${DATASETS.join(' | ')}`)
    .description('export the rows behind the report (datasets listed below)')
    .addHelpText('after', `\nDatasets:\n${DATASETS.map((d) => `  ${d.padEnd(12)}${DESCRIBED[d]}`).join('\n')}\n\nEvery column of each dataset: README, "Reports: dashboard, KPIs and exports".`)
    .requiredOption('--period <YYYY-MM>', 'billing period')
    .option('--as-of <YYYY-MM-DD>', 'as-of date, Vietnam time (default: last day of the month after the period)')
    .option('--format <fmt>', `${FORMATS.join(' | ')} (CSV is UTF-8 with BOM, formula-like cells neutralised)`, 'csv')
    .requiredOption('--out <file>', 'file to write')
    .action(async (dataset: string, opts: ExportCommandOptions) => {
      if (!(DATASETS as readonly string[]).includes(dataset)) throw new UsageError(`unknown dataset ${JSON.stringify(dataset)}; expected one of ${DATASETS.join(', ')}`);
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`--format ${JSON.stringify(opts.format)}: expected one of ${FORMATS.join(', ')}`);
      const { runExport } = await import('../reports/export.ts');
      const result = await withDb(opts, async (db) => {
        await requirePeriodData(db, dataset as Dataset, opts.period);
        return runExport(db, { dataset: dataset as Dataset, period: opts.period, format: opts.format as ExportFormat, out: opts.out, ...(opts.asOf ? { asOf: opts.asOf } : {}) });
      });
      printResult(opts.json, result, () => `exported ${result.rows} ${dataset} rows to ${result.path}`);
    });
}
