// Matching: every payment applied to the right invoice, or in the exception queue with a reason.
// runMatch is the stage the pipelines and `recon match` call.
import type { Database } from '../db/database.ts';
import { RunFailedError } from '../errors.ts';
import type { Run } from '../runs/ledger.ts';
import { dropWorkTables, publishCascade, runCascade } from './cascade.ts';
import { describeFailures, runDataTests, type DataTestResult } from './data-tests.ts';
import { agingSummary, type AgingRow } from './exception-queue.ts';

export interface MatchSummary {
  payments: number;
  allocations: number;
  allocated_vnd: number;
  /** Payments by route: allocate, void, adjustment, unmatched, unidentified. */
  routes: Record<string, number>;
  /** Exceptions by reason (open and dismissed). */
  exceptions: Record<string, { count: number; amount_vnd: number }>;
  /** Open exceptions by age as of `as_of`. */
  aging: AgingRow[];
  as_of: string;
  turns: number;
  data_tests: Array<Pick<DataTestResult, 'name' | 'failures'>>;
}

export interface MatchOptions {
  /** Date (YYYY-MM-DD) the exception queue is aged to; default today in Asia/Ho_Chi_Minh. Matching itself uses every payment loaded. */
  asOf?: string;
  /** Called after each rule file (and each turn) with its duration, for benchmarks and progress. */
  onStep?: (step: string, ms: number) => void;
}

/**
 * Recomputes allocations and exceptions from scratch from what is loaded (payments, invoices,
 * customers, decisions), replacing the earlier results in one transaction, then runs every data
 * test in sql/tests/. Must not be called inside a transaction (see runCascade).
 * @throws RunFailedError naming the failing data tests and a few offending rows.
 */
export async function runMatch(db: Database, run: Run, opts: MatchOptions = {}): Promise<MatchSummary> {
  const turns = await run.stage('match.cascade', async () => {
    try {
      const n = await runCascade(db, opts.onStep ? { onStep: opts.onStep } : {});
      await publishCascade(db);
      return n;
    } finally {
      await dropWorkTables(db);
    }
  });
  const tests = await run.stage('match.data_tests', () => runDataTests(db));
  const summary = await summarise(db, turns, tests, opts.asOf ?? todayInVietnam());
  run.count('allocations', summary.allocations);
  run.count('exceptions', Object.values(summary.exceptions).reduce((n, e) => n + e.count, 0));
  if (tests.some((t) => t.failures > 0)) throw new RunFailedError(describeFailures(tests));
  return summary;
}

async function summarise(db: Database, turns: number, tests: DataTestResult[], asOf: string): Promise<MatchSummary> {
  const totals = await db.one<{ payments: bigint; allocations: bigint; allocated_vnd: bigint | null }>(
    `SELECT (SELECT count(*) FROM payments) AS payments, count(*) AS allocations, sum(amount_vnd) AS allocated_vnd FROM allocations`,
  );
  // Counted on the two tables behind the view payment_match: a plain payment's route is always
  // allocate, and counting through the view joins every payment for nothing (10 M: 1.2 s).
  const routes = await db.all<{ route: string; n: bigint }>(
    `SELECT route, sum(n)::BIGINT AS n
     FROM (SELECT route, count(*) AS n FROM payment_match_facts GROUP BY route
           UNION ALL SELECT 'allocate', count(*) FROM payment_match_plain)
     GROUP BY route HAVING sum(n) > 0 ORDER BY route`,
  );
  const reasons = await db.all<{ reason: string; n: bigint; amount_vnd: bigint }>(
    `SELECT reason, count(*) AS n, sum(amount_vnd) AS amount_vnd FROM exceptions GROUP BY reason ORDER BY reason`,
  );
  return {
    payments: Number(totals?.payments ?? 0n),
    allocations: Number(totals?.allocations ?? 0n),
    allocated_vnd: Number(totals?.allocated_vnd ?? 0n),
    routes: Object.fromEntries(routes.map((r) => [r.route, Number(r.n)])),
    exceptions: Object.fromEntries(reasons.map((r) => [r.reason, { count: Number(r.n), amount_vnd: Number(r.amount_vnd) }])),
    aging: await agingSummary(db, asOf),
    as_of: asOf,
    turns,
    data_tests: tests.map(({ name, failures }) => ({ name, failures })),
  };
}

/** Today's date in Asia/Ho_Chi_Minh (UTC+7, no DST). */
export function todayInVietnam(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}
