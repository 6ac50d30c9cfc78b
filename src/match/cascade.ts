// The rule cascade: runs the files of sql/match/ in order, building its results in output tables
// of the same columns as the published ones (createOutputTables) outside any transaction, then
// publishes them in one (publishCascade). A file named *_turn.sql runs once per turn (the n-th payment
// of every contested account), so that the earlier payment takes a residual whichever rule found
// it, while each turn stays one set-based pass.
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
 * Recomputes allocations, exceptions and payment_match from what is loaded into the output tables
 * (m_allocations, m_exceptions, m_match_facts, m_match_plain, see createOutputTables);
 * publishCascade makes them the results. Must run outside a transaction: each working table is
 * committed as it is built, because DuckDB scans a temp table of a still-open transaction several
 * times slower (measured on 3 M payments: a GROUP BY 1.5 s against 0.44 s, an insert from it 6.9 s
 * against 3.8 s), and the cascade reads its own tables many times.
 * Returns the number of turns run (0 when no account is contested).
 */
export async function runCascade(db: Database, effects: CascadeEffects = {}): Promise<number> {
  const timed = async (step: string, fn: () => Promise<void>) => {
    const t0 = performance.now();
    await fn();
    effects.onStep?.(step, Math.round(performance.now() - t0));
  };
  await timed('outputs', () => createOutputTables(db));
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

/**
 * The published results and the output table the cascade builds for each: allocations, exceptions
 * and payment_match (its two tables, migrations 011 and 012).
 */
const OUTPUT_TABLES = [
  ['allocations', 'm_allocations'],
  ['exceptions', 'm_exceptions'],
  ['payment_match_facts', 'm_match_facts'],
  ['payment_match_plain', 'm_match_plain'],
] as const;

/**
 * Creates the cascade's output tables, empty, as persistent tables with the published tables'
 * exact definitions (columns, defaults, checks; read from the catalog, so a migration that changes
 * a published table changes its output table too). Publishing then renames them into place, so the
 * results are written once: as temp tables they were written, then copied (30 M payments: 35 s
 * for allocations and payment_match_facts alone). An output table left by a run that died is
 * replaced.
 */
export async function createOutputTables(db: Database): Promise<void> {
  for (const [published, work] of OUTPUT_TABLES) {
    const row = await db.one<{ sql: string }>(
      `SELECT sql FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' AND table_name = $1`,
      [published],
    );
    const head = new RegExp(`^CREATE TABLE ${published}\\s*\\(`);
    if (!row || !head.test(row.sql)) throw new Error(`cannot read the definition of table ${published} to build ${work}`);
    await db.run(`DROP TABLE IF EXISTS main.${work}`);
    await db.run(row.sql.replace(head, `CREATE TABLE main.${work}(`));
  }
}

/**
 * Makes the cascade's output tables the published results, in one transaction: readers see the old
 * results or the new, never a mix. Each published table is dropped and its output table takes its
 * name; a rename writes no rows, and the view payment_match reads its two tables by name.
 */
export async function publishCascade(db: Database): Promise<void> {
  await db.transaction(async () => {
    for (const [published, work] of OUTPUT_TABLES) {
      await db.run(`DROP TABLE main.${published}`);
      await db.run(`ALTER TABLE main.${work} RENAME TO ${published}`);
    }
  });
}

/**
 * Drops what a cascade leaves behind, whether it published or failed: the session's working tables
 * and views (m_*), and output tables that were never published (after publishing they are gone:
 * renamed).
 */
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
  for (const [, work] of OUTPUT_TABLES) await db.run(`DROP TABLE IF EXISTS main.${work}`);
}
