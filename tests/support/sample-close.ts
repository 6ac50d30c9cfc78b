// The monthly close of sample-data/, run once per test run from the CLI and shared by the tests that
// read its results (golden KPIs, accuracy against truth, rerun stability). Workers race for a lock
// folder; the winner runs the close, the others wait for its "done" (or "failed") marker. Tests
// that change the database work on their own copy (copySampleClose).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { PROJECT_ROOT } from '../../src/db/database.ts';

export const SAMPLE = join(PROJECT_ROOT, 'sample-data');
export const RECON = join(PROJECT_ROOT, 'bin', 'recon.mjs');

export interface SampleClose {
  dbPath: string;
  outDir: string;
  /** What `recon run monthly-close --json` printed. */
  result: { period: string; asOf: string; kpisPath: string; dashboardPath: string; twinDashboardPath: string; summary: import('../../pipelines/monthly-close.ts').CloseSummary };
}

/** The shared close of sample-data (runs it the first time any worker asks). */
export async function sampleClose(): Promise<SampleClose> {
  const dir = join(inject('sharedDir'), 'sample-close');
  const done = join(dir, 'done.json');
  const failed = join(dir, 'failed.txt');
  let mine = false;
  try {
    mkdirSync(dir);
    mine = true;
  } catch {
    // another worker is running it
  }
  if (mine) {
    try {
      const stdout = execFileSync(process.execPath, [RECON, 'run', 'monthly-close', '--data', SAMPLE, '--db', join(dir, 'recon.duckdb'), '--out', join(dir, 'out'), '--json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      writeFileSync(done, stdout);
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      writeFileSync(failed, err.stderr || err.message);
    }
  }
  while (!existsSync(done)) {
    if (existsSync(failed)) throw new Error(`monthly close of sample-data failed:\n${readFileSync(failed, 'utf8')}`);
    await sleep(250);
  }
  return { dbPath: join(dir, 'recon.duckdb'), outDir: join(dir, 'out'), result: JSON.parse(readFileSync(done, 'utf8')) as SampleClose['result'] };
}

/** A private copy of the shared close's database, for tests that write to it. */
export async function copySampleClose(): Promise<{ dbPath: string; dir: string; shared: SampleClose }> {
  const shared = await sampleClose();
  const dir = mkdtempSync(join(inject('sharedDir'), 'copy-'));
  const dbPath = join(dir, 'recon.duckdb');
  copyFileSync(shared.dbPath, dbPath);
  if (existsSync(`${shared.dbPath}.wal`)) copyFileSync(`${shared.dbPath}.wal`, `${dbPath}.wal`);
  return { dbPath, dir, shared };
}
