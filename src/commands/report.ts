// `recon report`: writes kpis.json, dashboard.html and the chart SVGs of one period.
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { LANGS, type Lang } from '../reports/format.ts';
import { printResult, withDb, withDbOptions, type GlobalOptions } from './context.ts';

interface ReportCommandOptions extends GlobalOptions {
  period: string;
  asOf?: string;
  lang: string;
  out?: string;
}

export function register(program: Command): void {
  withDbOptions(program.command('report'))
    .description('write the KPIs (kpis.json), the dashboard (dashboard.html, self-contained, offline) and one SVG per chart for a billing period')
    .requiredOption('--period <YYYY-MM>', 'billing period')
    .option('--as-of <YYYY-MM-DD>', 'count payments made up to the end of this day, Vietnam time (default: last day of the month after the period)')
    .option('--lang <vi|en>', 'dashboard language', 'vi')
    .option('--out <dir>', 'output folder (default: out/<period>)')
    .action(async (opts: ReportCommandOptions) => {
      if (!(LANGS as readonly string[]).includes(opts.lang)) throw new UsageError(`--lang ${JSON.stringify(opts.lang)}: expected vi or en`);
      const outDir = opts.out ?? join('out', opts.period);
      const result = await withDb(opts, (db) =>
        import('../reports/index.ts').then(({ writeReport }) => writeReport(db, { period: opts.period, lang: opts.lang as Lang, outDir, ...(opts.asOf ? { asOf: opts.asOf } : {}) })),
      );
      const { kpis, ...paths } = result;
      printResult(opts.json, { ...paths, headline: kpis.headline }, () =>
        [
          `report ${kpis.period} as of ${kpis.as_of}`,
          `  kpis:      ${result.kpisPath}`,
          `  dashboard: ${result.dashboardPath}`,
          `  charts:    ${result.charts.length} SVG files`,
        ].join('\n'),
      );
    });
}
