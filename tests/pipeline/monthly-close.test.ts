// The monthly close end to end from the CLI on the committed sample-data: exit code, outputs,
// byte-identical kpis.json on a rerun, and a rerun that adds nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RECON = join(ROOT, 'bin', 'recon.mjs');
const dir = mkdtempSync(join(tmpdir(), 'recon-close-'));
const db = join(dir, 'recon.duckdb');
const out = join(dir, 'out');

function close(...extra: string[]) {
  return spawnSync(process.execPath, [RECON, 'run', 'monthly-close', '--data', join(ROOT, 'sample-data'), '--db', db, '--out', out, '--json', ...extra], {
    encoding: 'utf8',
  });
}

async function tableCounts(): Promise<Record<string, number>> {
  const d = await Database.open({ path: db });
  try {
    const row = await d.one<Record<string, bigint>>(
      `SELECT (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM allocations) AS allocations,
              (SELECT count(*) FROM exceptions) AS exceptions, (SELECT count(*) FROM rejects) AS rejects,
              (SELECT count(*) FROM invoices) AS invoices, (SELECT count(*) FROM runs) AS runs`,
    );
    return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
  } finally {
    d.close();
  }
}

describe('recon run monthly-close on sample-data', () => {
  let first: ReturnType<typeof close>;
  let firstKpis: string;
  let firstCounts: Record<string, number>;

  beforeAll(async () => {
    first = close();
    const result = JSON.parse(first.stdout || '{}') as { kpisPath?: string };
    firstKpis = result.kpisPath ? readFileSync(result.kpisPath, 'utf8') : '';
    firstCounts = await tableCounts();
  }, 600_000);

  it('exits 0 and writes kpis.json and dashboard.html for the latest period', () => {
    expect(first.status, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout) as { period: string; asOf: string; kpisPath: string; dashboardPath: string; twinDashboardPath: string };
    expect(result.period).toBe('2026-03');
    expect(result.asOf).toBe('2026-04-30');
    expect(result.kpisPath).toBe(join(out, '2026-03', 'kpis.json'));
    expect(result.dashboardPath).toBe(join(out, '2026-03', 'dashboard.html'));
    expect(readFileSync(result.dashboardPath, 'utf8')).toMatch(/<html lang="vi"/);
    expect(result.twinDashboardPath).toBe(join(out, '2026-03', 'dashboard.en.html'));
    expect(readFileSync(result.twinDashboardPath, 'utf8')).toMatch(/<html lang="en"/);
    expect(firstCounts.payments).toBeGreaterThan(1000);
    expect(firstCounts.allocations).toBeGreaterThan(1000);
  });

  it('gives a byte-identical kpis.json and adds no payments or allocations when run again', async () => {
    const second = close();
    expect(second.status, second.stderr).toBe(0);
    const result = JSON.parse(second.stdout) as { kpisPath: string };
    expect(readFileSync(result.kpisPath, 'utf8')).toBe(firstKpis);
    const counts = await tableCounts();
    expect({ ...counts, runs: 0 }).toEqual({ ...firstCounts, runs: 0 });
    expect(counts.runs).toBe((firstCounts.runs ?? 0) + 1); // only the ledger grows
  });

  it('holds no run ids or timestamps in kpis.json', () => {
    expect(firstKpis).not.toMatch(/run_id|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it('records the run in the ledger with input hashes and per-stage timings', () => {
    const result = spawnSync(process.execPath, [RECON, 'runs', '--db', db, '--json'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const runs = JSON.parse(result.stdout) as Array<{ command: string; status: string }>;
    expect(runs[0]).toMatchObject({ command: 'run monthly-close', status: 'succeeded' });
    const manifestDir = join(out, 'runs');
    const manifest = JSON.parse(readFileSync(join(manifestDir, `${(runs[0] as unknown as { run_id: string }).run_id}.json`), 'utf8')) as {
      inputs: Array<{ sha256: string }>;
      stages: Array<{ stage: string }>;
    };
    expect(manifest.inputs.length).toBeGreaterThan(300);
    expect(manifest.inputs.every((i) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
    expect(manifest.stages.map((s) => s.stage)).toEqual(expect.arrayContaining(['billing', 'ingest', 'match', 'report']));
  });

  it('refuses a data folder that does not exist with exit code 2', () => {
    const r = spawnSync(process.execPath, [RECON, 'run', 'monthly-close', '--data', join(dir, 'nope'), '--db', join(dir, 'other.duckdb')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/expected a folder with billing\/ inside/);
  });

  it('refuses a malformed period with exit code 2', () => {
    const r = spawnSync(process.execPath, [RECON, 'run', 'monthly-close', '--data', join(ROOT, 'sample-data'), '--period', '2026-13', '--db', join(dir, 'other.duckdb')], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--period "2026-13": expected YYYY-MM/);
  });
});
