// `recon bench` (npm run bench): the EVN-scale benchmark; see bench/benchmark.ts and README.
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { DEFAULT_MEMORY_LIMIT } from '../db/paths.ts';
import { checkPeriod } from './options.ts';

/** The sizes `--curve` measures. */
export const CURVE = [100_000, 1_000_000, 3_000_000, 10_000_000];

export function register(program: Command): void {
  program
    .command('bench')
    .description('generate a month (kept under bench/data/), run the monthly close from a fresh database and the bare-DuckDB floor on the same files; results to bench/results/')
    .option('--customers <n>', 'customers in the generated month (30000000 = a real EVN month)', customersOption, 1_000_000)
    .option('--curve', `measure ${CURVE.map((n) => n.toLocaleString('en')).join(', ')} customers and plot the scale curve`, false)
    .option('--seed <n>', 'generator seed', (v) => Number.parseInt(v, 10), 1)
    .option('--period <YYYY-MM>', 'billing period generated and closed', '2026-10')
    .option('--memory-limit <size>', 'DuckDB memory limit for recon and the floor', DEFAULT_MEMORY_LIMIT)
    .option('--no-floor', 'skip the bare-DuckDB floor')
    .option('--keep', 'keep the benchmark database and outputs under bench/data/run-n<N>/', false)
    .action(async (opts: { customers: number; curve: boolean; seed: number; period: string; memoryLimit: string; floor: boolean; keep: boolean }) => {
      checkPeriod(opts.period);
      const { runBenchmark } = await import('../../bench/benchmark.ts');
      await runBenchmark(
        { customers: opts.curve ? CURVE : [opts.customers], seed: opts.seed, period: opts.period, memoryLimit: opts.memoryLimit, keep: opts.keep, floor: opts.floor },
        (s) => process.stderr.write(`${s}\n`),
      );
    });
}

/** --customers: a whole number of at least 100, as typed (before, `abc` was reported as NaN). */
function customersOption(v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < 100) throw new UsageError(`--customers ${JSON.stringify(v)}: expected a whole number ≥ 100`);
  return Number(v);
}
