// Test helpers: a scratch folder with profiles and files, an in-memory database and a run.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { Run } from '../../src/runs/ledger.ts';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';

export const BASE_PROFILE = {
  id: 'bank-t',
  name: 'Test bank',
  channel_group: 'bank',
  bin: '970436',
  default_instrument: 'transfer',
  file_patterns: ['T_*.csv'],
  format: { type: 'delimited', delimiter: ',', quote: '"' },
  header: { type: 'names' },
  fields: {
    txn_ref: { column: 'ref' },
    paid_at: { column: 'time', format: 'DD/MM/YYYY HH:mm:ss' },
    amount: { column: 'amount', format: { grouping: '.', decimal: null } },
    customer_code: { column: 'customer' },
    memo: { column: 'memo' },
  },
};

export const HEADER = 'ref,time,customer,memo,amount';

/** Scratch folders of the current test file, removed when it is done. */
const scratchDirs: string[] = [];
afterAll(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'recon-ingest-test-'));
  readonly profiles = join(this.dir, 'profiles');
  readonly files = join(this.dir, 'files');
  constructor() {
    scratchDirs.push(this.dir);
    mkdirSync(this.profiles);
    mkdirSync(this.files);
  }
  profile(p: Record<string, unknown>, name = `${String(p.id)}.json`): string {
    const path = join(this.profiles, name);
    writeFileSync(path, JSON.stringify(p, null, 2));
    return path;
  }
  file(name: string, content: string | Buffer): string {
    const path = join(this.files, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  }
}

export async function openTestDb(): Promise<{ db: Database; run: Run }> {
  const db = await Database.open({ path: ':memory:' });
  const run = await Run.start(db, 'test', {}, join(tmpdir(), 'recon-test-out'));
  return { db, run };
}

/**
 * Ingests a scratch folder into a fresh in-memory database with one ingest environment setting
 * (e.g. RECON_INGEST_BATCH_MB, RECON_INGEST_DIRECT_MB) set, or removed when undefined.
 */
export async function ingestScratch(s: Scratch, env: string, value: string | undefined): Promise<Database> {
  if (value === undefined) delete process.env[env];
  else process.env[env] = value;
  const { db, run } = await openTestDb();
  await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  return db;
}

/** Deep clone with overrides merged at the top level of `fields`/others. */
export function withProfile(over: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(BASE_PROFILE), ...over };
}

export { encodeWindows1258 } from '../support/windows1258.ts';

/** The ingest settings the sweeps load their files under: as configured, and file by file, read in place where possible. */
export const SWEEP_MODES = [
  ['as configured', {}],
  ['file by file, read in place where possible', { RECON_INGEST_DIRECT_MB: '0', RECON_INGEST_BATCH_MB: '0' }],
] as const;

/**
 * Puts RECON_INGEST_DIRECT_MB and RECON_INGEST_BATCH_MB back as they were when the calling test file
 * loaded, after each of its tests (which may set them: SWEEP_MODES, or a test of its own).
 */
export function restoreIngestEnvAfterEach(): void {
  const keys = ['RECON_INGEST_DIRECT_MB', 'RECON_INGEST_BATCH_MB'] as const;
  const saved = keys.map((k) => process.env[k]);
  afterEach(() => keys.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i]))));
}

/**
 * A sweep's fixture folder (`partners/`, `files/`) ingested into a fresh database under one of
 * SWEEP_MODES' settings: the database, run, profiles and summary, and each file's outcome as
 * [file name, partner, status, read, loaded, rejected, duplicate].
 */
export async function ingestSweep(dir: string, env: Record<string, string>) {
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  const { db, run } = await openTestDb();
  const profiles = loadProfiles(`${dir}partners`);
  const summary = await ingestFiles(db, run, [`${dir}files`], { profiles });
  const outcomes = summary.files.map((f) => [f.path.slice(f.path.lastIndexOf('/') + 1), f.partner_id, f.status, f.records_read, f.records_loaded, f.records_rejected, f.records_duplicate]);
  return { db, run, profiles, summary, outcomes };
}

