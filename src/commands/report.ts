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
    .description('write the KPIs (kpis.json), the dashboard (dashboard.html, self-contained, offline, in --lang; its twin in the other language beside it) and one SVG per chart for a billing period')
    .requiredOption('--period <YYYY-MM>', 'billing period')
    .option('--as-of <YYYY-MM-DD>', 'count payments made up to the end of this day, Vietnam time (default: last day of the month after the period)')
    .option('--lang <vi|en>', 'dashboard language', 'vi')
    .option('--out <dir>', 'output folder (default: out/<period>)')
    .action(async (opts: ReportCommandOptions) => {
      if (!(LANGS as readonly string[]).includes(opts.lang)) throw new UsageError(`--lang ${JSON.stringify(opts.lang)}: expected vi or en`);
      const outDir = opts.out ?? join('out', opts.period);
      // The twin in the other language is written too, as by the monthly close: a twin left from an
      // earlier report into the same folder would show other figures beside the new ones.
      const lang = opts.lang as Lang;
      const twins = LANGS.filter((l) => l !== lang);
      const result = await withDb(opts, (db) =>
        import('../reports/index.ts').then(({ writeReport }) => writeReport(db, { period: opts.period, lang, twins, outDir, ...(opts.asOf ? { asOf: opts.asOf } : {}) })),
      );
      const { kpis, ...paths } = result;
      printResult(opts.json, { ...paths, headline: kpis.headline }, () =>
        [
          `report ${kpis.period} as of ${kpis.as_of}`,
          `  kpis:      ${result.kpisPath}`,
          `  dashboard: ${result.dashboardPath}`,
          ...result.twinPaths.map((p) => `  twin:      ${p}`),
          `  charts:    ${result.charts.length} SVG files`,
        ].join('\n'),
      );
    });
}
