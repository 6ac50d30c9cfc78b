// `recon run <pipeline>`: runs a batch pipeline from pipelines/ as one recorded run.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { printResult, withDbOptions, withRun, type GlobalOptions } from './context.ts';
import { checkDate, checkPeriod } from './options.ts';

interface RunOptions extends GlobalOptions {
  data: string;
  period?: string;
  asOf?: string;
  out: string;
  lang: string;
  profiles?: string;
  billingLayout?: string;
}

const PIPELINES = ['monthly-close'] as const;

export function register(program: Command): void {
  withDbOptions(program.command('run'))
    .argument('<pipeline>', `pipeline to run: ${PIPELINES.join(', ')}`)
    .description('run a batch pipeline end to end (monthly-close: billing import, partner ingest, matching, KPIs, dashboard)')
    .requiredOption('--data <dir>', 'data folder with billing/ and partners/')
    .option('--period <YYYY-MM>', 'billing period to close (default: latest period in the billing data)')
    .option('--as-of <YYYY-MM-DD>', 'count payments made up to the end of this day (default: last day of the month after the period)')
    .option('--out <dir>', 'output folder; the report goes to OUT/<period>/', 'out')
    .option('--lang <vi|en>', 'dashboard language', 'vi')
    .option('--profiles <dir>', 'partner profiles folder (default: pipelines/partners)')
    .option('--billing-layout <file>', 'billing layout: how DATA/billing is written (default: pipelines/billing.json when present, else customers.csv and invoices-YYYY-MM.csv)')
    .action(async (pipeline: string, opts: RunOptions) => {
      if (!(PIPELINES as readonly string[]).includes(pipeline)) throw new UsageError(`unknown pipeline ${JSON.stringify(pipeline)}; expected one of ${PIPELINES.join(', ')}`);
      checkPeriod(opts.period);
      checkDate(opts.asOf);
      if (opts.lang !== 'vi' && opts.lang !== 'en') throw new UsageError(`--lang ${JSON.stringify(opts.lang)}: expected vi or en`);
      const lang = opts.lang;
      const { checkOutputFolder } = await import('../reports/index.ts');
      checkOutputFolder(opts.out);
      const { checkCloseInputs, monthlyClose, nothingToClose } = await import('../../pipelines/monthly-close.ts');
      // Refused before the database opens: a mistyped --data, a broken profile, or no partner file
      // for a database that does not exist yet (it could hold no payment) creates no file.
      const inputs = checkCloseInputs(opts);
      if (inputs.partnerFiles === 0 && opts.db !== ':memory:' && !existsSync(resolve(opts.db))) throw nothingToClose(inputs.data, {});
      const result = await withRun(opts, `run ${pipeline}`, { ...opts }, (db, run) =>
        monthlyClose(db, run, {
          data: opts.data,
          out: opts.out,
          lang,
          ...(opts.period ? { period: opts.period } : {}),
          ...(opts.asOf ? { asOf: opts.asOf } : {}),
          ...(opts.profiles ? { profiles: opts.profiles } : {}),
          ...(opts.billingLayout ? { billingLayout: opts.billingLayout } : {}),
        }, inputs),
        { create: true },
      );
      // Files the KPIs count nothing from are named here, where the close is read: a mistyped file
      // name would otherwise leave its payments out of a close that said nothing of it.
      const notLoaded = result.filesNotLoaded.length === 0 ? [] : [
        `${result.filesNotLoaded.length} file(s) not loaded, the KPIs count nothing from them (\`recon files\` lists them with their reasons):`,
        ...result.filesNotLoaded.map((f) => `  ${f.status}: ${f.message}`),
      ];
      const { formatCount, formatMoney, formatPercent } = await import('../reports/format.ts');
      const n = (x: number) => formatCount(x, 'en');
      const pct = (x: number | null) => formatPercent(x, 'en');
      const { billing, ingest, match, kpis } = result.summary;
      const others = (files: Record<string, number>) => {
        const o = Object.entries(files).filter(([status, k]) => status !== 'loaded' && k > 0).map(([status, k]) => `${n(k)} ${status}`);
        return o.length > 0 ? ` (${o.join(', ')})` : '';
      };
      // What each stage did, in one line each, before the paths: an analyst sees the month's
      // numbers (and a manager the headline) without opening the dashboard.
      const stages = [
        `  billing:   ${n(billing.files['loaded'] ?? 0)} file(s) imported${others(billing.files)}${billing.rejected > 0 ? `, ${n(billing.rejected)} row(s) rejected` : ''}; ${n(billing.customers)} customers and ${n(billing.invoices)} invoices in the database`,
        `  partners:  ${n(ingest.files['loaded'] ?? 0)} file(s) loaded${others(ingest.files)}; ${n(ingest.records_loaded)} records loaded, ${n(ingest.records_rejected)} rejected, ${n(ingest.records_duplicate)} duplicate${ingest.records_quarantined > 0 ? `, ${n(ingest.records_quarantined)} held in quarantined files` : ''}`,
        `  matching:  ${n(match.payments)} payments, ${n(match.allocations)} allocations of ${formatMoney(match.allocated_vnd, 'en')} (all loaded payments); ${n(match.open_exceptions)} open exception(s) of ${formatMoney(match.open_exception_vnd, 'en')} among payments made by ${result.asOf} (\`recon exceptions --period ${result.period}\`)`,
        `  KPIs:      collection rate ${pct(kpis.collection_rate_amount)} of the amount billed (${pct(kpis.collection_rate_count)} of invoices settled); cashless ${pct(kpis.cashless_share_amount)} of the amount collected, ${pct(kpis.cashless_share_customers)} of paying customers`,
      ];
      printResult(opts.json, result, () =>
        [`closed ${result.period} as of ${result.asOf}`, ...stages, `  kpis:      ${result.kpisPath}`, `  dashboard: ${result.dashboardPath}`, `  twin:      ${result.twinDashboardPath}`, ...notLoaded].join('\n'),
      );
    });
}
