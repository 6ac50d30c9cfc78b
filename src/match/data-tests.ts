// Data tests: each file in sql/tests/ is a SELECT returning the rows that break an invariant;
// zero rows is a pass. They run after every match. sql/tests/setup/ computes, once, sums several
// tests read; its temporary tables are dropped when the tests are done.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Row } from '../db/database.ts';
import { readSql, SQL_DIR } from '../db/database.ts';

export interface DataTestResult {
  name: string;
  /** Number of offending rows. */
  failures: number;
  /** A few offending rows, to name in the error. */
  sample: Row[];
}

const SAMPLE_ROWS = 3;

export function listDataTests(): string[] {
  return readdirSync(join(SQL_DIR, 'tests'))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => f.slice(0, -'.sql'.length));
}

/** Runs every data test; returns one result per test, failing or not. */
export async function runDataTests(db: Database): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  await db.runFile('tests/setup/sums.sql');
  try {
    for (const name of listDataTests()) {
      const query = readSql(`tests/${name}.sql`).trim().replace(/;$/, '');
      const count = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM (${query}) t`);
      const failures = Number(count?.n ?? 0n);
      const sample = failures > 0 ? await db.all(`SELECT * FROM (${query}) t LIMIT ${SAMPLE_ROWS}`) : [];
      results.push({ name, failures, sample });
    }
  } finally {
    await db.run('DROP TABLE IF EXISTS dt_invoice_alloc');
    await db.run('DROP TABLE IF EXISTS dt_payment');
  }
  return results;
}

/** One message naming each failing test and a few of its offending rows. */
export function describeFailures(results: DataTestResult[]): string {
  return results
    .filter((r) => r.failures > 0)
    .map((r) => `data test ${r.name} failed with ${r.failures} offending row(s), e.g. ${r.sample.map(formatRow).join('; ')}`)
    .join('\n');
}

function formatRow(row: Row): string {
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
