// `recon run <pipeline>`: runs a batch pipeline from pipelines/ as one recorded run.
import type { Command } from 'commander';
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
    .action(async (pipeline: string, opts: RunOptions) => {
      if (!(PIPELINES as readonly string[]).includes(pipeline)) throw new UsageError(`unknown pipeline ${JSON.stringify(pipeline)}; expected one of ${PIPELINES.join(', ')}`);
      checkPeriod(opts.period);
      checkDate(opts.asOf);
      if (opts.lang !== 'vi' && opts.lang !== 'en') throw new UsageError(`--lang ${JSON.stringify(opts.lang)}: expected vi or en`);
      const lang = opts.lang;
      const { checkOutputFolder } = await import('../reports/index.ts');
      checkOutputFolder(opts.out);
      const { monthlyClose } = await import('../../pipelines/monthly-close.ts');
      const result = await withRun(opts, `run ${pipeline}`, { ...opts }, (db, run) =>
        monthlyClose(db, run, {
          data: opts.data,
          out: opts.out,
          lang,
          ...(opts.period ? { period: opts.period } : {}),
          ...(opts.asOf ? { asOf: opts.asOf } : {}),
          ...(opts.profiles ? { profiles: opts.profiles } : {}),
        }),
        { create: true },
      );
      // Files the KPIs count nothing from are named here, where the close is read: a mistyped file
      // name would otherwise leave its payments out of a close that said nothing of it.
      const notLoaded = result.filesNotLoaded.length === 0 ? [] : [
        `${result.filesNotLoaded.length} file(s) not loaded, the KPIs count nothing from them (\`recon files\` lists them with their reasons):`,
        ...result.filesNotLoaded.map((f) => `  ${f.status}: ${f.message}`),
      ];
      printResult(opts.json, result, () =>
        [`closed ${result.period} as of ${result.asOf}`, `  kpis:      ${result.kpisPath}`, `  dashboard: ${result.dashboardPath}`, `  twin:      ${result.twinDashboardPath}`, ...notLoaded].join('\n'),
      );
    });
}
