// Test helpers: a scratch folder with profiles and files, an in-memory database and a run.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
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

/**
 * Encodes text as Windows-1258 the way Vietnamese software does: precomposed base letters
 * (â, ơ, …) plus a combining tone mark. (iconv-lite cannot decompose and writes "?".)
 */
export function encodeWindows1258(text: string): Buffer {
  const table = new Map<string, number>();
  const dec = new TextDecoder('windows-1258');
  for (let b = 0; b < 256; b++) table.set(dec.decode(Uint8Array.of(b)), b);
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const direct = table.get(ch);
    if (direct !== undefined) {
      out.push(direct);
      continue;
    }
    const [base, ...marks] = [...ch.normalize('NFD')];
    // Compose the base with its vowel mark (circumflex, breve, horn); the tone mark stays combining.
    const vowel = marks.find((m) => m === '\u0302' || m === '\u0306' || m === '\u031b');
    const head = vowel ? `${base}${vowel}`.normalize('NFC') : base!;
    const rest = marks.filter((m) => m !== vowel);
    for (const c of [head, ...rest]) {
      const b = table.get(c);
      if (b === undefined) throw new Error(`cannot encode ${JSON.stringify(c)} in windows-1258`);
      out.push(b);
    }
  }
  return Buffer.from(out);
}
