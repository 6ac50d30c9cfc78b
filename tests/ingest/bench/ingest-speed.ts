// Ingest speed against DuckDB's bare reader (issue 4): `npx tsx tests/ingest/bench/ingest-speed.ts [ROWS]`.
// Data goes under bench/data/ (gitignored) and is deleted afterwards.
// Writes a ROWS-line UTF-8 partner file (no line breaks inside records), then times, each into a
// fresh database file: (1) a bare read_csv of it into a table with the same pinned dialect,
// (2) `ingestFiles` of it through its profile with the staging copy, (3) the same with the direct
// path (read in place; the default from 64 MB). Prints the times and ratios to (1) (target ≤ 1.5).
import { mkdirSync, rmSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Database, PROJECT_ROOT } from '../../../src/db/database.ts';
import { ingestFiles } from '../../../src/ingest/index.ts';
import { profileSchema } from '../../../src/ingest/profile.ts';
import { Run } from '../../../src/runs/ledger.ts';

const rows = Number(process.argv[2] ?? 5_000_000);
const dir = join(PROJECT_ROOT, 'bench', 'data', 'ingest-speed');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'files'), { recursive: true });
const file = join(dir, 'files', 'BENCH_20260301.csv');

const out = createWriteStream(file);
out.write('ref,time,customer,memo,amount\n');
for (let i = 1; i <= rows; i++) {
  const line = `TX${i},${String((i % 28) + 1).padStart(2, '0')}/02/2026 ${String(i % 24).padStart(2, '0')}:15:00,PE0100${String(i % 1e6).padStart(6, '0')},THANH TOAN TIEN DIEN PE0100${String(i % 1e6).padStart(6, '0')} T2,${(i % 900) + 1}.000\n`;
  if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
}
await new Promise<void>((r) => out.end(() => r()));

const profile = profileSchema.parse({
  id: 'bench', name: 'Bench bank', channel_group: 'bank', default_instrument: 'transfer', file_patterns: ['BENCH_*.csv'],
  format: { type: 'delimited', delimiter: ',', quote: '"' }, header: { type: 'names' },
  fields: {
    txn_ref: { column: 'ref' }, paid_at: { column: 'time', format: 'DD/MM/YYYY HH:mm:ss' },
    amount: { column: 'amount', format: { grouping: '.', decimal: null } }, customer_code: { column: 'customer' }, memo: { column: 'memo' },
  },
});

async function timed(name: string, fn: (db: Database) => Promise<unknown>): Promise<number> {
  const path = join(dir, `${name}.duckdb`);
  const db = await Database.open({ path });
  const t0 = performance.now();
  await fn(db);
  const ms = performance.now() - t0;
  db.close();
  rmSync(path, { force: true });
  return ms;
}

const bare = await timed('bare', (db) =>
  db.run(
    `CREATE TABLE bare AS SELECT * FROM read_csv($path, delim = ',', quote = '"', escape = '"', header = true, auto_detect = false,
       columns = {'ref': 'VARCHAR', 'time': 'VARCHAR', 'customer': 'VARCHAR', 'memo': 'VARCHAR', 'amount': 'VARCHAR'})`,
    { path: file },
  ),
);
/** recon's ingest of the file; `direct` reads it in place (RECON_INGEST_DIRECT_MB=0), else through the staging copy. */
async function ingest(direct: boolean): Promise<number> {
  process.env.RECON_INGEST_DIRECT_MB = direct ? '0' : '1000000';
  return timed(direct ? 'direct' : 'ingest', async (db) => {
    const run = await Run.start(db, 'bench-ingest', {}, join(dir, 'out'));
    const s = await ingestFiles(db, run, [file], { profiles: [profile] });
    if (s.records_loaded !== rows) throw new Error(`loaded ${s.records_loaded} of ${rows}: ${s.files[0]?.message}`);
    // Line numbers at scale: record TX<i> is on physical line i + 1 (the direct path maps row positions to lines).
    const off = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM payments WHERE txn_ref <> 'TX' || (line_no - 1)`);
    if (off!.n !== 0n) throw new Error(`${off!.n} payments carry a wrong line number`);
  });
}
const staged = await ingest(false);
const direct = await ingest(true);
delete process.env.RECON_INGEST_DIRECT_MB;
const result = {
  rows, bare_read_csv_ms: Math.round(bare), ingest_ms: Math.round(staged), ratio: Number((staged / bare).toFixed(2)),
  direct_ingest_ms: Math.round(direct), direct_ratio: Number((direct / bare).toFixed(2)),
};
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(result));
