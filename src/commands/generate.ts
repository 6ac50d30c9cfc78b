// `recon generate`: the synthetic EVN month(s) with ground truth (src/generate/), and the partner
// profiles the generator's layouts describe (`--write-profiles`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { printResult, progress, textTable } from './context.ts';
import { checkPeriod } from './options.ts';

interface GenerateFlags {
  out?: string;
  period?: string;
  months: number;
  customers?: number;
  seed: number;
  calibration: string;
  noise?: string;
  writeProfiles?: string;
  json: boolean;
}

const int = (flag: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} ${JSON.stringify(v)}: expected an integer ≥ ${min}`);
  return n;
};

export function register(program: Command): void {
  program
    .command('generate')
    .description('write a synthetic EVN data folder (billing, partner files, ground truth); same arguments, same bytes')
    .option('--out <dir>', 'data folder to (re)create (required, unless --write-profiles)')
    .option('--period <YYYY-MM>', 'first billing period (required, unless --write-profiles)')
    .option('--months <k>', 'consecutive billing periods', int('--months', 1), 1)
    .option('--customers <n>', 'customers billed in the first period (required, unless --write-profiles)', int('--customers', 1))
    .option('--seed <s>', 'random seed', int('--seed', 0), 1)
    .option('--calibration <name>', 'KPI targets the channel mix is steered to', 'evn-2020')
    .option('--noise <file>', 'JSON overriding noise rates (see README "generate")')
    .option('--write-profiles <dir>', 'only write the partner profiles (pipelines/partners) and exit')
    .option('--json', 'print the summary as JSON', false)
    .action(async (f: GenerateFlags) => {
      if (f.writeProfiles) {
        const { PARTNERS, profileOf } = await import('../generate/partners.ts');
        mkdirSync(f.writeProfiles, { recursive: true });
        for (const p of PARTNERS) writeFileSync(join(f.writeProfiles, `${p.id}.json`), `${JSON.stringify(profileOf(p), null, 2)}\n`);
        printResult(f.json, { profiles: PARTNERS.length }, () => `${PARTNERS.length} profiles written to ${f.writeProfiles}`);
        return;
      }
      if (!f.out || !f.period || f.customers === undefined) throw new UsageError('generate needs --out DIR, --period YYYY-MM and --customers N');
      checkPeriod(f.period);
      if (f.calibration !== 'evn-2020') throw new UsageError(`--calibration ${JSON.stringify(f.calibration)}: the only calibration is evn-2020`);
      const [{ generate }, { loadNoise }, { EVN_2020 }] = await Promise.all([
        import('../generate/generate.ts'),
        import('../generate/noise.ts'),
        import('../generate/steering.ts'),
      ]);
      const started = Date.now();
      progress(`generating ${f.customers} customers × ${f.months} month(s) into ${f.out}`);
      const s = generate({ out: f.out, period: f.period, months: f.months, customers: f.customers, seed: f.seed, noise: loadNoise(f.noise), calibration: EVN_2020 });
      const summary = { out: f.out, periods: s.periods, customers: s.customers, invoices: s.invoices, records: s.records, files: s.files, seconds: (Date.now() - started) / 1000 };
      printResult(f.json, { ...summary, stats: s.stats, kpis: s.kpis }, () =>
        [
          `${s.customers} customers, ${s.invoices} invoices, ${s.records} partner records in ${s.files} files (${summary.seconds.toFixed(1)} s)`,
          textTable(
            s.periods.map((p) => {
              const r = s.kpis[p]!.ratios;
              const pct = (v: number | null) => (v === null ? '' : (v * 100).toFixed(2));
              return {
                period: p,
                collection_amount: pct(r.collection_rate_amount),
                bank_inter_inv: pct((r.channel_share_invoices.bank ?? 0) + (r.channel_share_invoices.intermediary ?? 0)),
                retail_inv: pct(r.channel_share_invoices.retail_agent),
                counter_inv: pct(r.channel_share_invoices.evn_counter),
                bank_inter_amt: pct((r.channel_share_amount.bank ?? 0) + (r.channel_share_amount.intermediary ?? 0)),
                retail_amt: pct(r.channel_share_amount.retail_agent),
                counter_amt: pct(r.channel_share_amount.evn_counter),
                cashless_cust: pct(r.cashless_share_customers),
                cashless_amt: pct(r.cashless_share_amount),
              };
            }),
          ),
        ].join('\n'),
      );
    });
}
