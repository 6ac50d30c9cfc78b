// Match-stage benchmark: builds a synthetic month of N customers in SQL (no files, no ingest) and
// times runMatch on it, rule file by rule file. Not a test: run it by hand and record the numbers
// in README "match".
//   node --import tsx bench/match.ts --customers 1000000 [--threads 2] [--memory-limit 5GB] [--keep]
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Database, PROJECT_ROOT } from '../src/db/database.ts';
import { runMatch } from '../src/match/index.ts';
import { Run } from '../src/runs/ledger.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    threads: { type: 'string' },
    'memory-limit': { type: 'string', default: '5GB' },
    keep: { type: 'boolean', default: false },
  },
});
const n = Number.parseInt(values.customers, 10);
const path = join(PROJECT_ROOT, 'bench', 'data', `match-${n}.duckdb`);
rmSync(path, { force: true });
rmSync(`${path}.wal`, { force: true });

const db = await Database.open({
  path,
  memoryLimit: values['memory-limit'],
  ...(values.threads ? { threads: Number.parseInt(values.threads, 10) } : {}),
});
const t0 = performance.now();
await db.run('CREATE TEMP TABLE bench_ctx AS SELECT $1::BIGINT AS n', [n]);
await db.runFile('match/000_macros.sql');
await db.runFile('match/bench/synthetic_month.sql');
await db.run('CHECKPOINT');
const built = performance.now() - t0;
const counts = await db.one<{ customers: bigint; invoices: bigint; payments: bigint }>(
  `SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM invoices) AS invoices, (SELECT count(*) FROM payments) AS payments`,
);
process.stdout.write(`built ${JSON.stringify(counts, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))} in ${(built / 1000).toFixed(1)} s\n`);

const run = await Run.start(db, 'bench-match', { customers: n }, join(PROJECT_ROOT, 'bench', 'data'));
const steps: string[] = [];
const t1 = performance.now();
const summary = await runMatch(db, run, {
  asOf: '2026-03-31',
  onStep: (step, ms) => steps.push(`${step} ${ms} ms`),
});
const matched = performance.now() - t1;
await run.finish('succeeded');
process.stdout.write(`${steps.join('\n')}\n`);
process.stdout.write(`${JSON.stringify({ ...summary, aging: undefined, data_tests: undefined, stages: run.stages }, null, 1)}\n`);
process.stdout.write(`match stage: ${(matched / 1000).toFixed(1)} s for ${n} customers, peak RSS ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB\n`);
db.close();
if (!values.keep) {
  rmSync(path, { force: true });
  rmSync(`${path}.tmp`, { recursive: true, force: true });
}
