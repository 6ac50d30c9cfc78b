// Evaluation against a generated month's ground truth (DIR/truth/allocations.csv and
// exceptions.csv): precision and recall of allocated amounts, exception-reason agreement, and a
// confusion table of reasons.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from '../db/database.ts';
import { readSql } from '../db/database.ts';
import { UsageError } from '../errors.ts';

export interface RuleAccuracy {
  rule: string;
  db_vnd: number;
  truth_vnd: number;
  correct_vnd: number;
  db_rows: number;
  exact_rows: number;
}

export interface ConfusionCell {
  truth_reason: string;
  db_reason: string;
  payments: number;
}

export interface Evaluation {
  truth_dir: string;
  /** Allocated amount on the right invoice ÷ allocated amount. */
  precision: number | null;
  /** Allocated amount on the right invoice ÷ truth-allocated amount. */
  recall: number | null;
  /** Payments whose exception reasons agree ÷ payments with an exception on either side. */
  reason_agreement: number | null;
  allocated_vnd: number;
  truth_allocated_vnd: number;
  correct_vnd: number;
  by_rule: RuleAccuracy[];
  confusion: ConfusionCell[];
}

/** Compares the database with DIR/truth/. */
export async function evaluate(db: Database, dir: string): Promise<Evaluation> {
  const truthDir = resolve(dir, 'truth');
  const files = { allocations: join(truthDir, 'allocations.csv'), exceptions: join(truthDir, 'exceptions.csv') };
  for (const f of Object.values(files)) {
    if (!existsSync(f)) throw new UsageError(`${f}: not found; expected the generator's ground truth in DIR/truth/`);
  }
  // A database never matched has no allocation and no exception: every figure would read as a
  // failed match (recall 0 %, exit 0) instead of as nothing to compare.
  const matched = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM (SELECT 1 FROM payment_match_facts LIMIT 1)');
  if (!matched || matched.n === 0n) {
    const loaded = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM (SELECT 1 FROM payments LIMIT 1)');
    throw new UsageError(
      loaded && loaded.n > 0n
        ? `nothing to evaluate: ${db.path} was never matched; run recon match (or recon run monthly-close --data DIR) first`
        : `nothing to evaluate: no payment is loaded in ${db.path} and nothing was matched; run recon run monthly-close --data DIR first`,
    );
  }
  const rules = (await db.all(readSql('match/queries/eval_allocations.sql'), { path: files.allocations })).map((r) => ({
    rule: r['rule'] as string,
    db_vnd: Number(r['db_vnd']),
    truth_vnd: Number(r['truth_vnd']),
    correct_vnd: Number(r['correct_vnd']),
    db_rows: Number(r['db_rows']),
    exact_rows: Number(r['exact_rows']),
  }));
  const confusion = (await db.all(readSql('match/queries/eval_exceptions.sql'), { path: files.exceptions })).map((r) => ({
    truth_reason: r['truth_reason'] as string,
    db_reason: r['db_reason'] as string,
    payments: Number(r['payments']),
  }));
  const sum = (f: (r: RuleAccuracy) => number) => rules.reduce((n, r) => n + f(r), 0);
  const allocated = sum((r) => r.db_vnd);
  const truth = sum((r) => r.truth_vnd);
  const correct = sum((r) => r.correct_vnd);
  const cells = confusion.reduce((n, c) => n + c.payments, 0);
  const agree = confusion.filter((c) => c.truth_reason === c.db_reason).reduce((n, c) => n + c.payments, 0);
  return {
    truth_dir: truthDir,
    precision: allocated === 0 ? null : correct / allocated,
    recall: truth === 0 ? null : correct / truth,
    reason_agreement: cells === 0 ? null : agree / cells,
    allocated_vnd: allocated,
    truth_allocated_vnd: truth,
    correct_vnd: correct,
    by_rule: rules,
    confusion,
  };
}
