// The rule cascade: runs the files of sql/match/ in order, building its results in working tables
// (sql/match/005_outputs.sql) outside any transaction, then publishes them in one (publish.sql). A
// file named *_turn.sql runs once per turn (the n-th payment of every contested account), so that the
// earlier payment takes a residual whichever rule found it, while each turn stays one set-based pass.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../db/database.ts';
import { SQL_DIR } from '../db/database.ts';

export interface CascadeEffects {
  /** Called after each file (and each turn) with what ran and how long it took. */
  onStep?: (step: string, ms: number) => void;
}

function ruleFiles(): string[] {
  return readdirSync(join(SQL_DIR, 'match'))
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
}

/**
 * Recomputes allocations, exceptions and payment_match from what is loaded into the session's
 * working tables (m_allocations, m_exceptions, m_match_facts, m_match_plain); publishCascade makes
 * them the results. Must run outside a transaction: each working table is committed as it is built,
 * because DuckDB scans a temp table of a still-open transaction several times slower.
 * Returns the number of turns run (0 when no account is contested).
 */
export async function runCascade(db: Database, effects: CascadeEffects = {}): Promise<number> {
  const timed = async (step: string, fn: () => Promise<void>) => {
    const t0 = performance.now();
    await fn();
    effects.onStep?.(step, Math.round(performance.now() - t0));
  };
  let turns = 0;
  for (const file of ruleFiles()) {
    if (file.endsWith('_turn.sql')) {
      const row = await db.one<{ turns: number | null }>(`SELECT max(seq) AS turns FROM m_pay_turn`);
      turns = row?.turns ?? 0;
      for (let turn = 1; turn <= turns; turn++) {
        // A session variable, folded to a constant: a one-row table read by a subquery became a
        // nested-loop join in every turn's plans.
        await db.run('SET VARIABLE match_turn = $1::INTEGER', [turn]);
        await timed(`${file}#${turn}`, () => db.runFile(`match/${file}`));
      }
    } else {
      await timed(file, () => db.runFile(`match/${file}`));
    }
  }
  return turns;
}

/** Replaces allocations, exceptions and payment_match with the cascade's working tables, in one transaction. */
export async function publishCascade(db: Database): Promise<void> {
  await db.transaction(() => db.runFile('match/publish.sql'));
}

/** Frees the session's working tables once the transaction is over. */
export async function dropWorkTables(db: Database): Promise<void> {
  // Views first: they read the tables.
  const views = await db.all<{ view_name: string }>(
    `SELECT view_name FROM duckdb_views() WHERE temporary AND starts_with(view_name, 'm_')`,
  );
  for (const { view_name } of views) await db.run(`DROP VIEW IF EXISTS temp.main."${view_name}"`);
  const rows = await db.all<{ table_name: string }>(
    `SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, 'm_')`,
  );
  for (const { table_name } of rows) await db.run(`DROP TABLE IF EXISTS temp.main."${table_name}"`);
}
