// A seeded mutation fuzz of ingest: valid partner files of every shape (the sample profiles'
// files, the sweep fixtures: CSV, fixed width, Windows-1258, UTF-16, XLSX, JSON, MySQL-escaped,
// record types with trailers) are damaged with a seeded PRNG (bytes flipped, inserted, deleted;
// truncation, also inside a UTF-8 character, a quoted field or an XLSX zip entry; lines duplicated,
// shuffled, dropped; NUL, CR, BOM, form feeds; very long fields; delimiters swapped; the trailer
// damaged; the encoding changed) and ingested. Whatever the input, ingest must not throw or hang,
// every file's accounting must hold (records read = loaded + rejected + duplicate; a quarantined
// file's valid records wait in quarantined_payments), every reject names its file and line, every
// payment has an amount > 0 and a line inside the file, and a second ingest changes nothing.
// A few seeds run by default; `FUZZ_SEEDS=500 npx vitest run tests/ingest/fuzz.test.ts` runs more
// (`FUZZ_FROM=N` starts at seed N, `FUZZ_CLI_EVERY=K` sends every K-th mutant through the CLI too).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { ingestFiles, loadProfiles, type PartnerProfile } from '../../src/ingest/index.ts';
import { listFiles, recognise } from '../../src/ingest/recognise.ts';
import { Scratch, openTestDb } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32): the same seed gives the same mutant on every machine.
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed * 0x9e3779b1) >>> 0 || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------------------------------------
// The corpus: every valid file with the folder of the profile that claims it.
interface Base {
  profiles: string;
  profile: PartnerProfile;
  path: string;
}

const profileCache = new Map<string, PartnerProfile[]>();
function profilesOf(dir: string): PartnerProfile[] {
  if (!profileCache.has(dir)) profileCache.set(dir, loadProfiles(dir));
  return profileCache.get(dir)!;
}

function corpus(): Base[] {
  const out: Base[] = [];
  const add = (profileDir: string, files: string[]): void => {
    for (const r of recognise(files, profilesOf(profileDir))) if ('profile' in r) out.push({ profiles: profileDir, profile: r.profile, path: r.path });
  };
  // The sample partners: each partner's smallest file (one shape per partner).
  const sample = join(root, 'sample-data/partners');
  for (const id of readdirSync(sample).sort()) {
    const files = listFiles([join(sample, id)]).filter((f) => !/resend/i.test(f));
    files.sort((a, b) => statSync(a).size - statSync(b).size || (a < b ? -1 : 1));
    if (files.length > 0) add(join(root, 'pipelines/partners'), [files[Math.min(1, files.length - 1)]!]);
  }
  for (const sweep of ['sweep', 'sweep2', 'sweep3', 'sweep4', 'sweep5']) add(join(fixtures, sweep, 'partners'), listFiles([join(fixtures, sweep, 'files')]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Mutators. Each takes the bytes and returns new bytes; a short name says what it did.
type Mutator = (b: Buffer, r: Rng, ctx: Base) => [Buffer, string];

const INTERESTING: Buffer[] = [
  Buffer.from([0]), Buffer.from('\r'), Buffer.from('\n'), Buffer.from('\r\n'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\f'),
  Buffer.from('"'), Buffer.from(','), Buffer.from(';'), Buffer.from('\t'), Buffer.from('|'), Buffer.from('\\'), Buffer.from([0x1a]),
  Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from('ệ'), Buffer.from('\u00a0'), Buffer.from('-'), Buffer.from('0'),
  Buffer.from('99999999999999999999'), Buffer.from('1.5'), Buffer.from('1E+15'), Buffer.from('31/02/2026'), Buffer.from('NULL'),
  Buffer.from('\\N'), Buffer.from('""'), Buffer.from('\u2028'), Buffer.from([0xff, 0xfe]), Buffer.from('='), Buffer.from('{'), Buffer.from(']'),
];

function lines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 0x0a) {
    out.push(b.subarray(start, i + 1));
    start = i + 1;
  }
  if (start < b.length) out.push(b.subarray(start));
  return out;
}

const pos = (b: Buffer, r: Rng): number => r.int(b.length + 1);
const splice = (b: Buffer, at: number, del: number, ins: Buffer): Buffer => Buffer.concat([b.subarray(0, at), ins, b.subarray(at + del)]);

const flip: Mutator = (b, r) => {
  if (b.length === 0) return [b, 'flip(empty)'];
  const c = Buffer.from(b);
  const n = 1 + r.int(4);
  for (let k = 0; k < n; k++) {
    const i = r.int(c.length);
    c[i] = c[i]! ^ (1 << r.int(8));
  }
  return [c, `flip×${n}`];
};
const insert: Mutator = (b, r) => {
  const at = pos(b, r);
  const ins = r.chance(0.7) ? r.pick(INTERESTING) : Buffer.from(Array.from({ length: 1 + r.int(8) }, () => r.int(256)));
  return [splice(b, at, 0, ins), `insert@${at}:${JSON.stringify(ins.toString('latin1'))}`];
};
const del: Mutator = (b, r) => {
  const at = r.int(Math.max(1, b.length));
  const n = 1 + r.int(r.chance(0.8) ? 4 : 200);
  return [splice(b, at, n, Buffer.alloc(0)), `delete@${at}+${n}`];
};
const truncate: Mutator = (b, r) => {
  const kinds = ['anywhere', 'utf8', 'quoted', 'end'];
  const kind = r.pick(kinds);
  let at = r.int(b.length + 1);
  if (kind === 'utf8') {
    const cont = [...b.keys()].filter((i) => (b[i]! & 0xc0) === 0x80);
    if (cont.length > 0) at = r.pick(cont);
  } else if (kind === 'quoted') {
    const q = [...b.keys()].filter((i) => b[i] === 0x22);
    if (q.length > 0) at = r.pick(q) + 1 + r.int(3);
  } else if (kind === 'end') at = Math.max(0, b.length - 1 - r.int(12));
  return [b.subarray(0, Math.min(at, b.length)), `truncate(${kind})@${at}`];
};
const dupLine: Mutator = (b, r) => {
  const ls = lines(b);
  if (ls.length === 0) return [b, 'dupLine(empty)'];
  const i = r.int(ls.length);
  const j = r.int(ls.length + 1);
  ls.splice(j, 0, ls[i]!);
  return [Buffer.concat(ls), `dupLine ${i + 1}→${j + 1}`];
};
const dropLine: Mutator = (b, r) => {
  const ls = lines(b);
  if (ls.length === 0) return [b, 'dropLine(empty)'];
  const i = r.int(ls.length);
  ls.splice(i, 1);
  return [Buffer.concat(ls), `dropLine ${i + 1}`];
};
const shuffle: Mutator = (b, r) => {
  const ls = lines(b);
  if (ls.length > 0 && ls[ls.length - 1]![ls[ls.length - 1]!.length - 1] !== 0x0a) ls[ls.length - 1] = Buffer.concat([ls[ls.length - 1]!, Buffer.from('\n')]);
  const from = r.int(ls.length);
  const to = Math.min(ls.length, from + 2 + r.int(6));
  const part = ls.slice(from, to);
  for (let i = part.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [part[i], part[j]] = [part[j]!, part[i]!];
  }
  ls.splice(from, part.length, ...part);
  return [Buffer.concat(ls), `shuffle lines ${from + 1}-${to}`];
};
const lineNoise: Mutator = (b, r) => {
  // NUL, CR, BOM, form feeds, blank or delimiter-only lines at a line start.
  const ls = lines(b);
  const i = r.int(ls.length + 1);
  const ins = r.pick([Buffer.from('\f'), Buffer.from('\f\f\n'), Buffer.from('\r'), Buffer.from([0]), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\n'), Buffer.from(',,,,\n'), Buffer.from(';;;;;;\r\n'), Buffer.from('  \u00a0 \n'), Buffer.from([0x1a])]);
  ls.splice(i, 0, ins);
  return [Buffer.concat(ls), `lineNoise@line${i + 1}:${JSON.stringify(ins.toString('latin1'))}`];
};
const longField: Mutator = (b, r) => {
  const n = r.pick([300, 5000, 70_000, 1_100_000]);
  const ch = r.pick(['A', 'ệ', '9', ' ', '"']);
  const delims = [...b.keys()].filter((i) => b[i] === 0x2c || b[i] === 0x3b || b[i] === 0x7c || b[i] === 0x09);
  const at = delims.length > 0 && r.chance(0.7) ? r.pick(delims) + 1 : pos(b, r);
  return [splice(b, at, 0, Buffer.from(ch.repeat(n))), `longField@${at}:${JSON.stringify(ch)}×${n}`];
};
const swapDelim: Mutator = (b, r) => {
  const ds = [',', ';', '\t', '|'];
  const from = r.pick(ds);
  const to = r.pick(ds.filter((d) => d !== from));
  const s = b.toString('latin1');
  const all = r.chance(0.5);
  if (all) return [Buffer.from(s.split(from).join(to), 'latin1'), `swapDelim all ${JSON.stringify(from)}→${JSON.stringify(to)}`];
  const ls = s.split('\n');
  const i = r.int(ls.length);
  ls[i] = ls[i]!.split(from).join(to);
  return [Buffer.from(ls.join('\n'), 'latin1'), `swapDelim line ${i + 1} ${JSON.stringify(from)}→${JSON.stringify(to)}`];
};
const trailer: Mutator = (b, r) => {
  const ls = lines(b);
  let i = ls.length - 1;
  while (i > 0 && ls[i]!.toString('latin1').trim() === '') i--;
  if (i < 0) return [b, 'trailer(empty)'];
  const t = ls[i]!.toString('latin1');
  const how = r.pick(['digits', 'drop', 'append', 'blank-digits', 'double']);
  let nt = t;
  if (how === 'digits') nt = t.replace(/\d/g, (d) => (r.chance(0.3) ? String(r.int(10)) : d));
  else if (how === 'drop') nt = '';
  else if (how === 'append') nt = t.replace(/(\d)(\D*)$/, `$1${r.int(10)}$2`);
  else if (how === 'blank-digits') nt = t.replace(/\d+/, '');
  else nt = t + t;
  ls[i] = Buffer.from(nt, 'latin1');
  return [Buffer.concat(ls), `trailer(${how}) line ${i + 1}`];
};
const recode: Mutator = (b, r, ctx) => {
  const from = ctx.profile.encoding === 'utf-8-bom' ? 'utf-8' : ctx.profile.encoding ?? 'utf-8';
  const text = from === 'windows-1258' ? iconv.decode(b, 'windows-1258') : iconv.decode(b, from === 'utf-16be' ? 'utf-16be' : from === 'utf-16le' ? 'utf-16le' : 'utf-8');
  const to = r.pick(['utf-8', 'utf-16le', 'utf-16be', 'windows-1258', 'latin1', 'utf-8-bom', 'nfd']);
  if (to === 'utf-8-bom') return [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'recode→utf-8+BOM'];
  if (to === 'nfd') return [iconv.encode(text.normalize('NFD'), from === 'windows-1258' ? 'utf-8' : from), `recode→NFD`];
  return [iconv.encode(text, to, { addBOM: r.chance(0.5) }), `recode ${from}→${to}`];
};
const spliceOther: Mutator = (b, r) => {
  // Half of the file repeated: a resend appended, or the head of the file twice.
  const cut = r.int(b.length + 1);
  return r.chance(0.5) ? [Buffer.concat([b, b.subarray(cut)]), `append tail@${cut}`] : [Buffer.concat([b.subarray(0, cut), b]), `prepend head@${cut}`];
};
const digits: Mutator = (b, r) => {
  // A run of digits (an amount, a date, a count) replaced by another number.
  const s = b.toString('latin1');
  const runs = [...s.matchAll(/\d+/g)];
  if (runs.length === 0) return [b, 'digits(none)'];
  const m = r.pick(runs);
  const rep = r.pick(['0', '-1', '00', '9'.repeat(19), '9'.repeat(25), '1' + '0'.repeat(15), String(r.int(1e9)), '1,5', '1.5', '']);
  return [Buffer.from(s.slice(0, m.index) + rep + s.slice(m.index! + m[0].length), 'latin1'), `digits@${m.index}:${m[0]}→${JSON.stringify(rep)}`];
};

const TEXT_MUTATORS: [Mutator, number][] = [
  [flip, 2], [insert, 3], [del, 2], [truncate, 3], [dupLine, 2], [dropLine, 1], [shuffle, 1], [lineNoise, 2], [longField, 1], [swapDelim, 1],
  [trailer, 2], [recode, 1], [spliceOther, 1], [digits, 3],
];
function pickMutator(r: Rng): Mutator {
  const total = TEXT_MUTATORS.reduce((a, [, w]) => a + w, 0);
  let x = r.int(total);
  for (const [m, w] of TEXT_MUTATORS) if ((x -= w) < 0) return m;
  return flip;
}

/** Mutates an XLSX: the zip's bytes, or the XML of one entry re-zipped, or an entry cut short. */
async function mutateXlsx(b: Buffer, r: Rng, ctx: Base): Promise<[Buffer, string[]]> {
  const how = r.int(10);
  if (how < 2) {
    const [m, d] = r.chance(0.5) ? truncate(b, r, ctx) : flip(b, r, ctx);
    return [m, [`zip:${d}`]];
  }
  const zip = await JSZip.loadAsync(b);
  const names = Object.keys(zip.files).filter((n) => /sheet\d*\.xml$|sharedStrings\.xml$|workbook\.xml$/.test(n));
  const name = r.pick(names.length > 0 ? names : Object.keys(zip.files));
  const body = await zip.file(name)!.async('nodebuffer');
  const done: string[] = [];
  let m = body;
  if (how === 2) {
    m = body.subarray(0, r.int(body.length)); // an entry cut short inside the XML
    done.push('cut entry');
  } else if (how === 3) {
    // A cell value of a number of another shape.
    const s = m.toString('utf8');
    const vs = [...s.matchAll(/<v>([^<]*)<\/v>/g)];
    if (vs.length > 0) {
      const v = r.pick(vs);
      const rep = r.pick(['', '-5', '0', '1e300', 'NaN', '46322.34375', '1.5', '99999999999999999999', 'abc', '&amp;']);
      m = Buffer.from(s.slice(0, v.index) + `<v>${rep}</v>` + s.slice(v.index! + v[0].length));
      done.push(`<v>${v[1]}</v>→<v>${rep}</v>`);
    }
  } else {
    const n = 1 + r.int(2);
    for (let k = 0; k < n; k++) {
      const mut = pickMutator(r);
      const [x, d] = mut(m, r, { ...ctx, profile: { ...ctx.profile, encoding: 'utf-8' } });
      m = x;
      done.push(d);
    }
  }
  zip.file(name, m);
  const out = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  return [out, done.map((d) => `${name}:${d}`)];
}

async function mutate(b: Buffer, r: Rng, ctx: Base): Promise<[Buffer, string[]]> {
  if (ctx.profile.format.type === 'xlsx' && r.chance(0.85)) return mutateXlsx(b, r, ctx);
  const n = 1 + r.int(3);
  const done: string[] = [];
  for (let k = 0; k < n; k++) {
    const [x, d] = pickMutator(r)(b, r, ctx);
    b = x;
    done.push(d);
  }
  return [b, done];
}

// ---------------------------------------------------------------------------------------------
// The checks.
const STATUSES = new Set(['loaded', 'quarantined', 'failed', 'skipped', 'skipped_duplicate']);

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`hang: ${what} took more than ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/** More than the physical lines a file can have in any encoding (each line end holds a 0x0A or 0x0D byte). */
function lineBound(b: Buffer): number {
  let n = 1;
  for (const x of b) if (x === 0x0a || x === 0x0d) n++;
  return n;
}

const n = (x: unknown): number => Number(x);

async function tableCounts(db: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['source_files', 'payments', 'rejects', 'quarantined_payments', 'duplicate_records', 'file_events']) {
    out[t] = n((await db.all<{ c: bigint }>(`SELECT count(*) AS c FROM ${t}`))[0]!.c);
  }
  return out;
}

/** Every problem found with one mutant's ingest (empty: all well). */
async function check(db: Database, path: string, bytes: Buffer, xlsx: boolean): Promise<string[]> {
  const problems: string[] = [];
  const name = basename(path);
  const bound = xlsx ? Number.MAX_SAFE_INTEGER : lineBound(bytes);
  const files = await db.all<Record<string, unknown>>('SELECT * FROM source_files');
  for (const f of files) {
    const id = f.file_id as bigint;
    const [read, loaded, rejected, dup] = [n(f.records_read), n(f.records_loaded), n(f.records_rejected), n(f.records_duplicate)];
    const count = async (sql: string): Promise<number> => n((await db.all<{ c: bigint }>(sql, [id]))[0]!.c);
    const pay = await count('SELECT count(*) AS c FROM payments WHERE file_id = $1');
    const quar = await count('SELECT count(*) AS c FROM quarantined_payments WHERE file_id = $1');
    const rej = await count('SELECT count(*) AS c FROM rejects WHERE file_id = $1');
    if (!STATUSES.has(String(f.status))) problems.push(`source_files status ${String(f.status)}`);
    if (f.status === 'loaded' && read !== loaded + rejected + dup) problems.push(`accounting: read ${read} ≠ loaded ${loaded} + rejected ${rejected} + duplicate ${dup}`);
    if (f.status === 'quarantined' && (loaded !== 0 || read !== quar + rejected + dup)) problems.push(`quarantined accounting: read ${read}, loaded ${loaded}, quarantined ${quar}, rejected ${rejected}, duplicate ${dup}`);
    if (pay !== loaded) problems.push(`payments rows ${pay} ≠ records_loaded ${loaded}`);
    if (rej !== rejected) problems.push(`rejects rows ${rej} ≠ records_rejected ${rejected}`);
    if (f.status === 'quarantined' && !String(f.status_reason ?? '').includes(name)) problems.push(`quarantine reason does not name the file: ${String(f.status_reason)}`);
  }
  const rejects = await db.all<{ line_no: bigint; message: string; reason: string }>('SELECT line_no, message, reason FROM rejects');
  for (const r of rejects) {
    const line = n(r.line_no);
    if (!r.message || !r.message.includes(name) || !r.message.includes(`line ${line}`)) problems.push(`reject message does not name file and line ${line}: ${JSON.stringify(r.message?.slice(0, 300))}`);
    if (/undefined|\[object|NaN|null,|Conversion Error|Invalid Input Error/.test(r.message)) problems.push(`reject message reads as a bug: ${JSON.stringify(r.message.slice(0, 300))}`);
    if (!(line >= 1 && line <= bound)) problems.push(`reject line ${line} outside 1..${bound}`);
  }
  for (const t of ['payments', 'quarantined_payments']) {
    const bad = await db.all<{ line_no: bigint; amount_vnd: bigint; txn_ref: string }>(`SELECT line_no, amount_vnd, txn_ref FROM ${t} WHERE amount_vnd <= 0 OR line_no < 1 OR line_no > $1 OR txn_ref = ''`, [bound]);
    for (const p of bad) problems.push(`${t} row line ${p.line_no} amount ${p.amount_vnd} txn_ref ${JSON.stringify(p.txn_ref)} out of bounds (lines ≤ ${bound})`);
  }
  return problems;
}

/** The transaction ids the unmutated file loads (once per base file). */
const originalRefs = new Map<string, string[]>();
async function refsOf(base: Base): Promise<string[]> {
  if (!originalRefs.has(base.path)) {
    const { db, run } = await openTestDb();
    try {
      await ingestFiles(db, run, [base.path], { profiles: profilesOf(base.profiles) });
      originalRefs.set(base.path, (await db.all<{ txn_ref: string }>('SELECT txn_ref FROM payments UNION SELECT txn_ref FROM quarantined_payments')).map((r) => r.txn_ref).filter((t) => t.length >= 6));
    } finally {
      db.close();
    }
  }
  return originalRefs.get(base.path)!;
}

/**
 * Lost records: a transaction id of the original that the mutant still holds, as text, must come out
 * somewhere (a payment, a waiting or duplicate record, a reject's raw text or value, a memo or
 * reference of another record) when the file loaded (a failed or quarantined file says so to a person:
 * e.g. records moved above the header are preamble by the profile, and the trailer's count disagrees).
 */
async function lostRefs(db: Database, bytes: Buffer, refs: string[]): Promise<string[]> {
  const texts = [bytes.toString('latin1'), bytes.toString('utf16le'), bytes.subarray(1).toString('utf16le')];
  const present = refs.filter((t) => texts.some((x) => x.includes(t)));
  if (present.length === 0) return [];
  const seen = (await db.all<{ t: string | null }>(
    `SELECT txn_ref || ' ' || coalesce(reverses_txn_ref, '') || ' ' || coalesce(memo, '') || ' ' || coalesce(invoice_ref, '') AS t FROM payments
     UNION ALL SELECT txn_ref || ' ' || coalesce(reverses_txn_ref, '') || ' ' || coalesce(memo, '') FROM quarantined_payments
     UNION ALL SELECT txn_ref FROM duplicate_records
     UNION ALL SELECT coalesce(raw, '') || ' ' || coalesce(value, '') FROM rejects`,
  )).map((r) => r.t ?? '').join('\n');
  return present.filter((t) => !seen.includes(t));
}

interface Outcome {
  seed: number;
  base: string;
  mutations: string[];
  statuses: string[];
  messages: string[];
  problems: string[];
  ms: number;
}

/** Builds mutant `seed` and checks ingest of it (and, with `cli`, the CLI's exit). */
export async function runSeed(seed: number, bases: Base[], cli = false): Promise<Outcome & { file: string; bytes: Buffer }> {
  const r = new Rng(seed);
  const base = bases[r.int(bases.length)]!;
  const original = readFileSync(base.path);
  const [bytes, mutations] = await mutate(original, r, base);
  const s = new Scratch();
  const file = s.file(basename(base.path), bytes);
  const started = Date.now();
  const problems: string[] = [];
  let statuses: string[] = [];
  let messages: string[] = [];
  const { db, run } = await openTestDb();
  try {
    const profiles = profilesOf(base.profiles);
    const what = `seed ${seed} (${basename(base.path)}: ${mutations.join('; ')})`;
    try {
      const first = await withTimeout(ingestFiles(db, run, [s.files], { profiles }), 60_000, what);
      statuses = first.files.map((f) => f.status);
      messages = first.files.map((f) => f.message);
      for (const f of first.files) {
        if (!STATUSES.has(f.status)) problems.push(`status ${f.status}: ${f.message}`);
        if (!f.message || !f.message.includes(basename(base.path))) problems.push(`outcome message does not name the file: ${JSON.stringify(f.message)}`);
        if (f.status === 'loaded' && f.records_read !== f.records_loaded + f.records_rejected + f.records_duplicate) problems.push(`outcome accounting ${JSON.stringify(f)}`);
        if (f.status === 'failed' && /\n\s+at |TypeError|RangeError|ReferenceError|Cannot read prop|is not a function|undefined/.test(f.message)) problems.push(`failed with a bug's message: ${f.message.slice(0, 500)}`);
      }
      problems.push(...(await check(db, file, bytes, base.profile.format.type === 'xlsx')));
      if (first.files.every((f) => f.status === 'loaded') && base.profile.format.type !== 'xlsx') {
        const lost = await lostRefs(db, bytes, await refsOf(base));
        if (lost.length > 0) problems.push(`lost: the mutant holds ${lost.slice(0, 5).join(', ')} but no payment, reject or duplicate does`);
      }
      const before = await tableCounts(db);
      const second = await withTimeout(ingestFiles(db, run, [s.files], { profiles }), 60_000, `${what}, second ingest`);
      const after = await tableCounts(db);
      if (JSON.stringify(before) !== JSON.stringify(after)) problems.push(`second ingest changed the tables: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      for (const f of second.files) if (f.status !== 'skipped' && f.status !== 'failed') problems.push(`second ingest: ${f.status}: ${f.message}`);
    } catch (e) {
      problems.push(`threw: ${(e as Error).stack ?? String(e)}`.slice(0, 2000));
    }
  } finally {
    db.close();
  }
  if (cli) {
    const dbPath = join(s.dir, 'cli.duckdb');
    const res = spawnSync(process.execPath, [join(root, 'bin/recon.mjs'), 'ingest', '--db', dbPath, '--profiles', base.profiles, '--json', s.files], { cwd: s.dir, timeout: 120_000, encoding: 'utf8', env: { ...process.env, RECON_CHECK_PLANS: '1' } });
    if (res.error) problems.push(`cli: ${res.error.message}`);
    else if (res.status !== 0) problems.push(`cli exit ${res.status}: ${res.stderr.slice(0, 1000)}`);
    else if (/\n\s+at /.test(res.stderr)) problems.push(`cli printed a stack trace: ${res.stderr.slice(0, 1000)}`);
  }
  return { seed, base: `${basename(base.profiles === join(root, 'pipelines/partners') ? 'sample' : join(base.profiles, '..'))}/${basename(base.path)}`, mutations, statuses, messages, problems, ms: Date.now() - started, file, bytes };
}

// ---------------------------------------------------------------------------------------------
const BASES = corpus();
const SEEDS = Number(process.env.FUZZ_SEEDS ?? 0);
const FROM = Number(process.env.FUZZ_FROM ?? 1);
const CLI_EVERY = Number(process.env.FUZZ_CLI_EVERY ?? 25);
/** The default seeds: a few, fixed, chosen to cover several shapes; they run in seconds. */
const DEFAULT_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('ingest fuzz: damaged partner files', () => {
  it('has a corpus of every shape', () => {
    const types = new Set(BASES.map((b) => `${b.profile.format.type}/${b.profile.encoding ?? 'utf-8'}`));
    expect(types.size).toBeGreaterThanOrEqual(6);
  });

  if (SEEDS > 0) {
    it(`survives ${SEEDS} mutants from seed ${FROM}`, async () => {
      const failures: Outcome[] = [];
      const started = Date.now();
      const tally: Record<string, number> = {};
      const only = process.env.FUZZ_ONLY?.split(',').map(Number);
      for (const seed of only ?? Array.from({ length: SEEDS }, (_, i) => FROM + i)) {
        const o = await runSeed(seed, BASES, CLI_EVERY > 0 && seed % CLI_EVERY === 0);
        if (process.env.FUZZ_KEEP) {
          mkdirSync(join(process.env.FUZZ_KEEP, String(seed)), { recursive: true });
          writeFileSync(join(process.env.FUZZ_KEEP, String(seed), basename(o.file)), o.bytes);
        }
        for (const st of o.statuses) tally[st] = (tally[st] ?? 0) + 1;
        if (o.problems.length > 0) {
          failures.push(o);
          console.log(`FAIL seed ${o.seed} ${o.base} [${o.mutations.join('; ')}] ${o.ms} ms\n  ${o.problems.slice(0, 5).join('\n  ')}`);
        }
        if (process.env.FUZZ_VERBOSE) console.log(`seed ${o.seed} ${o.base} [${o.mutations.join('; ')}] ${o.statuses.join(',')}: ${o.messages.join(' | ').slice(0, 400)}`);
        if (o.ms > 20_000) console.log(`SLOW seed ${o.seed} ${o.base} [${o.mutations.join('; ')}] ${o.ms} ms`);
      }
      console.log(`fuzz: ${SEEDS} mutants in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(tally)}; ${failures.length} failing`);
      expect(failures.map((f) => `seed ${f.seed}: ${f.problems[0]}`)).toEqual([]);
    }, 24 * 3600_000);
  } else {
    it.each(DEFAULT_SEEDS)('seed %i: no crash, no lost record, a clear message, a second ingest changes nothing', async (seed) => {
      const o = await runSeed(seed, BASES, seed === DEFAULT_SEEDS[0]);
      expect(o.problems, `${o.base} [${o.mutations.join('; ')}]`).toEqual([]);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Defects the fuzz found, each from its minimised input.
describe('ingest fuzz: regressions', () => {
  /** The sweep3 SEABANK workbook (3 records, no trailer) with one zip entry's XML cut at `cut`. */
  async function cutEntry(entry: string, cut: (xml: string) => string): Promise<{ db: Database; outcome: { status: string; message: string; records_read: number } }> {
    const zip = await JSZip.loadAsync(readFileSync(join(fixtures, 'sweep3/files/SEABANK_EVN_20261027.xlsx')));
    zip.file(entry, cut(await zip.file(entry)!.async('string')));
    const s = new Scratch();
    s.file('SEABANK_EVN_20261027.xlsx', await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const { db, run } = await openTestDb();
    const summary = await ingestFiles(db, run, [s.files], { profiles: profilesOf(join(fixtures, 'sweep3/partners')) });
    return { db, outcome: summary.files[0]! };
  }

  it('a sheet whose XML stops after a row (entry cut short, zip intact) fails, where it loaded its first rows as the whole file', async () => {
    // Seed 1 of FUZZ_SEEDS (xl/sharedStrings.xml cut) and this shape: 1 of 3 records read, "loaded".
    const { db, outcome } = await cutEntry('xl/worksheets/sheet1.xml', (xml) => xml.slice(0, xml.indexOf('</row>', xml.indexOf('</row>') + 1) + '</row>'.length));
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toContain('not a readable XLSX workbook (xl/worksheets/sheet1.xml ends before its closing </worksheet> tag');
    expect(await db.all('SELECT * FROM payments')).toEqual([]);
    db.close();
  });

  /** Ingests the sweep3 SEABANK workbook (3 records) with its bytes changed by `damage`. */
  async function damaged(damage: (zip: Buffer) => Buffer, compression: 'STORE' | 'DEFLATE' = 'DEFLATE'): Promise<{ db: Database; outcome: { status: string; message: string } }> {
    const zip = await JSZip.loadAsync(readFileSync(join(fixtures, 'sweep3/files/SEABANK_EVN_20261027.xlsx')));
    const s = new Scratch();
    s.file('SEABANK_EVN_20261027.xlsx', damage(await zip.generateAsync({ type: 'nodebuffer', compression })));
    const { db, run } = await openTestDb();
    const summary = await withTimeout(ingestFiles(db, run, [s.files], { profiles: profilesOf(join(fixtures, 'sweep3/partners')) }), 30_000, 'ingest');
    return { db, outcome: summary.files[0]! };
  }
  const sheetData = (b: Buffer): number => b.indexOf('xl/worksheets/sheet1.xml') + 'xl/worksheets/sheet1.xml'.length + 20;

  it('a zip cut short after a damaged entry fails, where the ingest never settled (the CLI exited 13, saying nothing)', async () => {
    // Seed 511: TECHCOMBANK_STRICT's zip, a form feed inserted in the sheet's deflated bytes, cut at 3,784 bytes.
    const { db, outcome } = await damaged((b) => {
      const at = sheetData(b);
      return Buffer.concat([b.subarray(0, at), Buffer.from('\f'), b.subarray(at, b.indexOf('xl/sharedStrings.xml'))]);
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toContain('a damaged zip (its end (the central directory) is missing: the file is cut short), not a readable XLSX workbook: ask the partner to send the file again');
    db.close();
  });

  it('a zip with a byte inserted (its directory off by one) fails as damaged, not as "a zip archive of 0 file(s): unzip it"', async () => {
    const { db, outcome } = await damaged((b) => Buffer.concat([b.subarray(0, 100), Buffer.from('\f'), b.subarray(100)]));
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toMatch(/a damaged zip \(its central directory lists \d+ entries, 0 of them readable\)/);
    db.close();
  });

  it('a stored sheet with one digit changed in transit fails on its CRC-32, where it loaded 7,250,000 đồng for 1,250,000', async () => {
    const { db, outcome } = await damaged((b) => {
      const c = Buffer.from(b);
      c[c.indexOf('1250000')] = '7'.charCodeAt(0);
      return c;
    }, 'STORE');
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toContain('not a readable XLSX workbook (xl/worksheets/sheet1.xml: its bytes do not match the checksum (CRC-32) the zip states for them: the file is damaged)');
    expect(await db.all('SELECT * FROM payments')).toEqual([]);
    db.close();
  });

  it('a workbook whose whole XML is intact still loads (also with line ends after the root\'s end tag)', async () => {
    const { db, outcome } = await cutEntry('xl/worksheets/sheet1.xml', (xml) => `${xml}\r\n`);
    expect([outcome.status, outcome.records_read]).toEqual(['loaded', 3]);
    db.close();
  });
});
