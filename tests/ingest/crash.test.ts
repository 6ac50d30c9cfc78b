// Crash safety: SIGKILL in the middle of a batch (while its large file is being staged), then a
// rerun, gives exactly the tables of an uninterrupted run: an earlier batch stays committed, every
// file of the killed batch is wholly absent (one transaction per batch; ids continue from the
// table, not a sequence). The same with the big file read in place (the direct path, its own batch).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database, PROJECT_ROOT } from '../../src/db/database.ts';
import { BASE_PROFILE, HEADER, Scratch } from './helpers.ts';

const CLI = join(PROJECT_ROOT, 'bin', 'recon.mjs');

function bigFile(rows: number): string {
  const out: string[] = [HEADER];
  for (let i = 1; i <= rows; i++) {
    const ref = i % 1000 === 0 ? `R${i - 1}` : `R${i}`; // some duplicates
    const day = i % 5000 === 0 ? 31 : (i % 28) + 1; // some 31/02 → bad_date in February
    out.push(`${ref},${String(day).padStart(2, '0')}/02/2026 10:00:00,PE0100${String(i).padStart(6, '0')},"TIEN DIEN, T2",${(i % 900) + 1}.000`);
  }
  return `${out.join('\n')}\n`;
}

function ingestArgs(db: string, s: Scratch): string[] {
  return [CLI, 'ingest', '--db', db, '--profiles', s.profiles, s.files];
}

/** Runs the CLI's ingest, files ≥ 1 MB read in place when `direct`. */
function spawnOptions(direct: boolean) {
  return { env: { ...process.env, RECON_INGEST_DIRECT_MB: direct ? '1' : '100000' } };
}

/** Whether `path` exists and was written since `since` (ms). */
function fresh(path: string, since: number): boolean {
  try {
    return statSync(path).mtimeMs >= since;
  } catch {
    return false; // removed meanwhile
  }
}

/**
 * The files of folder `dir` written since `since`; none when it does not exist or is removed while
 * read (the child removes its staging folder when a batch is done: between an existsSync and the
 * readdirSync, that failed a full run with an uncaught ENOENT).
 */
function freshNames(dir: string, since: number): string[] {
  try {
    return readdirSync(dir).filter((f) => fresh(join(dir, f), since));
  } catch {
    return [];
  }
}

/** A file's size, 0 once it is removed. */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Row count and an order-independent fingerprint of every column of each business table. */
async function snapshot(path: string) {
  const db = await Database.open({ path });
  const q = async (from: string) => (await db.one<{ n: bigint; fp: string }>(`SELECT count(*) AS n, CAST(sum(hash(t)) AS VARCHAR) AS fp FROM ${from}`))!;
  const result = {
    payments: await q('payments t'),
    rejects: await q('rejects t'),
    duplicates: await q('duplicate_records t'),
    files: await q('(SELECT * EXCLUDE (run_id, loaded_at) FROM source_files) t'),
    sample: await db.all('SELECT * FROM payments ORDER BY payment_id LIMIT 3'),
  };
  db.close();
  return result;
}

describe('crash safety', () => {
  it.each([false, true])('a rerun after SIGKILL mid-batch equals an uninterrupted run (direct path: %s)', async (direct) => {
    const s = new Scratch();
    s.profile(BASE_PROFILE);
    // Another partner's file, listed first: its batch commits before bank-t's batch starts.
    s.profile({ ...BASE_PROFILE, id: 'bank-a', file_patterns: ['A_*.csv'] });
    s.file('A_0.csv', `${HEADER}\nS1,01/02/2026 08:00:00,PE0100123456,QR,5.000\n`);
    s.file('T_0.csv', `${HEADER}\nS1,01/02/2026 08:00:00,PE0100123456,QR,5.000\n`);
    s.file('T_1.csv', bigFile(80_000));
    s.file('T_2.csv', `${HEADER}\nS2,02/02/2026 08:00:00,PE0100123456,QR,7.000\nR5,02/02/2026 08:00:00,PE0100123456,QR,7.000\n`);
    const killed = join(s.dir, 'killed.duckdb');
    const clean = join(s.dir, 'clean.duckdb');

    const spawnedAt = Date.now() - 1000; // mtime resolution
    const child = spawn(process.execPath, ingestArgs(killed, s), { stdio: 'ignore', ...spawnOptions(direct) });
    const staging = join(tmpdir(), `recon-ingest-${child.pid}`);
    // Kill once the big file's staging file is being written: its transaction cannot have committed.
    // On the direct path the file stays empty; T_0 (A_0's bytes, skipped_duplicate) and T_1 form
    // bank-t's first batch, so its staging file's existence marks that batch under way.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        // Only files this child wrote: a killed process with the same pid (pids are reused) may have left its own.
        const names = freshNames(staging, spawnedAt);
        const hit = direct ? names.find((f) => f.startsWith('batch-bank-t-')) : names.find((f) => fresh(join(staging, f), spawnedAt) && sizeOf(join(staging, f)) > 1_000_000);
        if (hit) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the ingest finished before it could be killed'));
      });
    });
    await new Promise((r) => child.on('exit', r));
    const partial = await snapshot(killed);
    expect(partial.files.n).toBe(1n); // only A_0's batch committed (staging path: T_0, T_1, T_2 were one batch)
    expect(partial.payments.n).toBe(1n);

    expect(spawnSync(process.execPath, ingestArgs(killed, s), spawnOptions(direct)).status).toBe(0);
    expect(spawnSync(process.execPath, ingestArgs(clean, s), spawnOptions(direct)).status).toBe(0);
    const after = await snapshot(killed);
    const expected = await snapshot(clean);
    expect(after.files.n).toBe(4n);
    expect(after.payments.n).toBeGreaterThan(79_000n);
    expect(after).toEqual(expected);
    // The ledger tells the story: the killed run is marked interrupted by the rerun, not left 'running'.
    const db = await Database.open({ path: killed });
    expect(await db.all('SELECT status, error FROM runs ORDER BY started_at')).toEqual([
      { status: 'interrupted', error: expect.stringMatching(/^the process ended before the run finished \(killed, or the machine stopped\); found by run \d{8}T\d{6}-/) },
      { status: 'succeeded', error: null },
    ]);
    db.close();
  });
});
