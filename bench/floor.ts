// The engine's own floor: bare DuckDB SQL over the same files recon ingests. It reads every partner
// file with its pinned dialect into one table, joins it to the invoices on customer code and amount,
// and computes the channel totals: what the month costs with no accounting, no rejects, no rules.
// Files DuckDB cannot decode itself (Windows-1258, UTF-16) are read from UTF-8 copies made
// beforehand; that copying is timed on its own line.
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import iconv from 'iconv-lite';
import { Database } from '../src/db/database.ts';
import { listFiles, recognise } from '../src/ingest/recognise.ts';
import type { PartnerProfile } from '../src/ingest/profile.ts';

export interface FloorResult {
  prepare_ms: number;
  prepared_files: number;
  read_ms: number;
  join_ms: number;
  totals_ms: number;
  rows_read: number;
  rows_joined: number;
  channel_totals: Array<{ channel_group: string; payments: number; amount_vnd: number }>;
}

/** What the floor needs to know of one file to read it with DuckDB alone. */
interface FloorFile {
  profile: PartnerProfile;
  path: string; // UTF-8 (original or copy)
  skip: number; // lines before the first data record
  columns: number; // fields per record
  customerIndex: number | null;
  amountIndex: number;
}

export async function runFloor(dataDir: string, profiles: PartnerProfile[], workDir: string, memoryLimit: string): Promise<FloorResult> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const t0 = performance.now();
  const files: FloorFile[] = [];
  let prepared = 0;
  for (const r of recognise(listFiles([join(dataDir, 'partners')]), profiles)) {
    if ('problem' in r || r.profile.format.type !== 'delimited') continue;
    const f = await describeFile(r.path, r.profile, workDir);
    if (f.path !== r.path) prepared++;
    files.push(f);
  }
  const prepare_ms = Math.round(performance.now() - t0);

  const db = await Database.open({ path: join(workDir, 'floor.duckdb'), memoryLimit });
  try {
    await db.run('CREATE TABLE floor_rows (partner_id VARCHAR, customer_code VARCHAR, amount_vnd BIGINT)');
    const t1 = performance.now();
    for (const f of files) await readInto(db, f);
    await db.run(`CREATE TABLE floor_invoices AS SELECT * FROM read_csv($1, header = true, auto_detect = false,
      columns = {'invoice_no': 'VARCHAR', 'customer_code': 'VARCHAR', 'period': 'VARCHAR', 'series': 'VARCHAR', 'number': 'VARCHAR',
                 'issued_on': 'DATE', 'due_on': 'DATE', 'amount_vnd': 'BIGINT'})`, [join(dataDir, 'billing', 'invoices-*.csv')]);
    const read_ms = Math.round(performance.now() - t1);

    const t2 = performance.now();
    await db.run(`CREATE TABLE floor_join AS
      SELECT r.partner_id, i.invoice_no, r.amount_vnd
        FROM floor_rows r JOIN floor_invoices i ON i.customer_code = r.customer_code AND i.amount_vnd = r.amount_vnd`);
    const join_ms = Math.round(performance.now() - t2);

    const t3 = performance.now();
    const groups = profiles.map((p) => `(${sqlString(p.id)}, ${sqlString(p.channel_group)})`).join(', ');
    const totals = await db.all<{ channel_group: string; payments: bigint; amount_vnd: bigint }>(
      `SELECT g.channel_group, count(*) AS payments, sum(j.amount_vnd)::BIGINT AS amount_vnd
         FROM floor_join j JOIN (VALUES ${groups}) g(partner_id, channel_group) USING (partner_id)
        GROUP BY ALL ORDER BY 1`,
    );
    const totals_ms = Math.round(performance.now() - t3);
    const counts = await db.one<{ r: bigint; j: bigint }>('SELECT (SELECT count(*) FROM floor_rows) AS r, (SELECT count(*) FROM floor_join) AS j');
    return {
      prepare_ms,
      prepared_files: prepared,
      read_ms,
      join_ms,
      totals_ms,
      rows_read: Number(counts?.r ?? 0),
      rows_joined: Number(counts?.j ?? 0),
      channel_totals: totals.map((t) => ({ channel_group: t.channel_group, payments: Number(t.payments), amount_vnd: Number(t.amount_vnd) })),
    };
  } finally {
    db.close();
  }
}

/** Profile ids and channel groups are our own configuration (validated slugs and an enum). */
function sqlString(s: string): string {
  if (!/^[a-z0-9_-]+$/.test(s)) throw new Error(`unexpected identifier ${s}`);
  return `'${s}'`;
}

async function readInto(db: Database, f: FloorFile): Promise<void> {
  const fmt = f.profile.format;
  if (fmt.type !== 'delimited') return;
  const amount = f.profile.fields.amount;
  const af = amount.format;
  const cols = Array.from({ length: f.columns }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  // The amount text without grouping, decimal separator as '.', cast like any bare query would.
  const grouping = af.grouping === '' ? '' : af.grouping;
  const amountExpr = `TRY_CAST(replace(${grouping ? `replace(c${f.amountIndex}, $grp, '')` : `c${f.amountIndex}`}, ',', '.') AS DECIMAL(18, 2))::BIGINT`;
  const customerExpr = f.customerIndex === null ? 'NULL' : `trim(c${f.customerIndex})`;
  await db.run(
    `INSERT INTO floor_rows
     SELECT $partner, ${customerExpr}, ${amountExpr}
       FROM read_csv($path, delim = $delim, quote = $quote, escape = $escape, header = false, skip = $skip,
                     auto_detect = false, columns = {${cols}}, ignore_errors = true)`,
    {
      partner: f.profile.id,
      path: f.path,
      delim: fmt.delimiter,
      quote: fmt.quote,
      escape: fmt.escape ?? fmt.quote,
      skip: f.skip,
      ...(grouping ? { grp: grouping } : {}),
    },
  );
}

/** Reads the top of a file (decoding a copy to UTF-8 when DuckDB cannot) to find skip and columns. */
async function describeFile(path: string, profile: PartnerProfile, workDir: string): Promise<FloorFile> {
  let utf8Path = path;
  if (profile.encoding === 'windows-1258' || profile.encoding === 'utf-16le' || profile.encoding === 'utf-16be') {
    utf8Path = join(workDir, `${profile.id}-${basename(path)}.utf8`);
    const label = profile.encoding === 'windows-1258' ? 'win1258' : profile.encoding;
    const out = createWriteStream(utf8Path);
    for await (const chunk of createReadStream(path).pipe(iconv.decodeStream(label))) {
      if (!out.write((chunk as string).normalize('NFC'))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  }
  const fmt = profile.format;
  if (fmt.type !== 'delimited') throw new Error('floor reads delimited files only');
  const head = await firstLines(utf8Path, 200);
  let skip = 0;
  if (profile.preamble && 'lines' in profile.preamble) skip = profile.preamble.lines;
  if (profile.preamble && 'until' in profile.preamble) {
    const re = new RegExp(profile.preamble.until);
    skip = Math.max(0, head.findIndex((l) => re.test(l)));
  }
  let names: string[];
  if (profile.header.type === 'names') {
    names = (head[skip] ?? '').replace(/^\uFEFF/, '').split(fmt.delimiter).map((s) => s.replace(/^"|"$/g, '').trim());
    skip += 1;
  } else {
    names = profile.header.columns;
  }
  const index = (name: string) => names.indexOf(name);
  const amount = profile.fields.amount;
  const amountIndex = index('column' in amount ? amount.column : amount.credit_column);
  const cc = profile.fields.customer_code ? index(profile.fields.customer_code.column) : -1;
  return { profile, path: utf8Path, skip, columns: names.length, customerIndex: cc < 0 ? null : cc, amountIndex };
}

async function firstLines(path: string, n: number): Promise<string[]> {
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    lines.push(line);
    if (lines.length >= n) break;
  }
  rl.close();
  return lines;
}
