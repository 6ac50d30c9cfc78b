import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Database, listMigrations, quoteLiteral, splitStatements } from '../../src/db/database.ts';
import { DatabaseLockedError, UsageError } from '../../src/errors.ts';
import { Run } from '../../src/runs/ledger.ts';

const RECON = join(import.meta.dirname, '..', '..', 'bin', 'recon.mjs');
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'recon-db-')), 'recon.duckdb');
}

describe('Database', () => {
  it('applies every migration once, in order, and records it', async () => {
    const path = tempDb();
    const first = await Database.open({ path });
    first.close();
    const db = await Database.open({ path }); // reopening must not re-apply anything
    open.push(db);
    const rows = await db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
  });

  it('refuses a database a newer recon migrated, from the CLI in one line with exit 2', async () => {
    const path = tempDb();
    const db = await Database.open({ path });
    await db.run("INSERT INTO schema_migrations VALUES (999, '999_future.sql', now())");
    db.close();
    await expect(Database.open({ path })).rejects.toThrow(UsageError);
    await expect(Database.open({ path })).rejects.toThrow(/was migrated by a newer recon \(migration 999_future\.sql; this recon knows up to \d{3}_\w+\.sql\)/);
    const r = spawnSync(process.execPath, [RECON, 'runs', '--db', path], { encoding: 'utf8' });
    expect([r.status, r.stderr.trimEnd().split('\n').length]).toEqual([2, 1]);
  });

  it('sets the memory limit and a spill directory', async () => {
    const path = tempDb();
    const db = await Database.open({ path, memoryLimit: '1GB' });
    open.push(db);
    const row = await db.one<{ m: string; t: string }>("SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t");
    expect(row?.m).toMatch(/^(953\.6 MiB|1\.0 GiB|1000\.0 MB)$/);
    expect(row?.t).toBe(`${path}.tmp`);
  });

  it('refuses a malformed memory limit as bad usage', async () => {
    await expect(Database.open({ path: ':memory:', memoryLimit: 'lots' })).rejects.toThrow(UsageError);
  });

  it('rolls a failed transaction back', async () => {
    const db = await Database.open({ path: ':memory:' });
    open.push(db);
    await expect(
      db.transaction(async () => {
        await db.run("INSERT INTO partners VALUES ('p1', 'P1', 'bank', NULL, 'transfer', 'h')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.one<{ n: bigint }>('SELECT count(*) AS n FROM partners'))?.n).toBe(0n);
  });

  it('tells a second process clearly that the file is in use', async () => {
    const path = tempDb();
    const db = await Database.open({ path });
    open.push(db);
    const res = spawnSync(process.execPath, [RECON, 'runs', '--db', path], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/is in use by another recon process/);
    expect(DatabaseLockedError.prototype).toBeInstanceOf(UsageError);
  });
});

describe('quoteLiteral', () => {
  it.each([
    ['/tmp/out.parquet', "'/tmp/out.parquet'"],
    ["/tmp/o'brien.csv", "'/tmp/o''brien.csv'"],
  ])('quotes %s as %s', (input, quoted) => {
    expect(quoteLiteral(input)).toBe(quoted);
  });

  it('refuses control characters', () => {
    expect(() => quoteLiteral("a';\nDROP TABLE x;--")).toThrow(UsageError);
  });
});

describe('splitStatements', () => {
  it('splits on statement ends outside string literals and skips comment lines', () => {
    expect(splitStatements("-- note\nSELECT 'a;\nb';\nSELECT 2;\n")).toEqual(["SELECT 'a;\nb';", 'SELECT 2;']);
  });
});

describe('RECON_CHECK_PLANS', () => {
  const before = process.env.RECON_CHECK_PLANS;
  afterEach(() => {
    if (before === undefined) delete process.env.RECON_CHECK_PLANS;
    else process.env.RECON_CHECK_PLANS = before;
  });

  it('fails a statement whose plan holds a nested-loop join and passes hash joins', async () => {
    process.env.RECON_CHECK_PLANS = '1';
    const db = await Database.open({ path: ':memory:' });
    try {
      await db.run('CREATE TABLE t AS SELECT range AS id, range % 2 AS grp FROM range(100)');
      await db.run('CREATE TABLE u AS SELECT range AS id FROM range(50)');
      // A condition on one side alone in the ON clause: DuckDB plans a blockwise nested-loop join.
      await expect(db.all('SELECT count(*) AS n FROM t LEFT JOIN u ON t.grp = 0 AND u.id = t.id')).rejects.toThrow(/BLOCKWISE_NL_JOIN/);
      // The same with equalities between both sides only: a hash join.
      expect(await db.all('SELECT count(u.id) AS n FROM t LEFT JOIN (SELECT 0 AS grp, id FROM u) u ON u.grp = t.grp AND u.id = t.id')).toEqual([{ n: 25n }]);
      // A statement may allow one, saying why.
      expect(await db.all('SELECT count(*) AS n FROM t /* nested-loop join allowed: test */ JOIN u ON t.id & u.id <> 0')).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});

describe('runs ledger', () => {
  it('stamps a run id with the Vietnam wall clock, as `recon runs` shows its start', async () => {
    const db = await Database.open({ path: ':memory:' });
    open.push(db);
    // 18:30 UTC on 30 November is 01:30 on 1 December in Hà Nội: a close run then belongs to December.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-30T18:30:00Z'));
    try {
      const run = await Run.start(db, 'test', {}, mkdtempSync(join(tmpdir(), 'recon-runs-')));
      // Before, the stamp was UTC with no zone marker: 20261130T183000, the day before.
      expect(run.runId).toMatch(/^20261201T013000-[0-9a-f]{8}$/);
      const row = await db.one<{ local: string }>("SELECT strftime(started_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y%m%dT%H%M%S') AS local FROM runs WHERE run_id = $1", [run.runId]);
      expect(run.runId.startsWith(row!.local)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
