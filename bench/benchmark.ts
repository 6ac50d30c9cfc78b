// The EVN-scale benchmark: generate a month (once, kept under bench/data/), run the monthly close
// from a fresh database in a child process, run the engine's floor on the same files, and record
// per stage wall time, rows per second, peak memory and database size, with the machine.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/db/database.ts';
import { loadProfiles } from '../src/ingest/index.ts';
import { compile } from 'vega-lite';
import { parse, View } from 'vega';
import { measure, type Measured } from './measure.ts';
import { runFloor, type FloorResult } from './floor.ts';
import { measureDashboard, type RenderResult } from './render.ts';

export interface BenchOptions {
  customers: number[];
  seed: number;
  period: string;
  memoryLimit: string;
  keep: boolean;
  floor: boolean;
}

interface StageRow {
  stage: string;
  ms: number;
  rows: number | null;
  rows_per_s: number | null;
  peak_rss_mib: number;
  floor_ms: number | null;
  ratio: number | null;
}

export interface BenchResult {
  customers: number;
  date: string;
  machine: { cores: number; memory_gib: number; node: string; duckdb: string; cpu: string };
  generate: { ms: number; peak_rss_mib: number; reused: boolean; bytes: number };
  stages: StageRow[];
  end_to_end: { ms: number; floor_ms: number | null; ratio: number | null; peak_rss_mib: number };
  db_bytes: number;
  dashboard: RenderResult;
  counts: Record<string, number>;
  floor: FloorResult | null;
}

const RECON = join(PROJECT_ROOT, 'bin', 'recon.mjs');
const BENCH_DIR = join(PROJECT_ROOT, 'bench');

export async function runBenchmark(opts: BenchOptions, log: (s: string) => void): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const n of opts.customers) {
    const r = await benchOne(n, opts, log);
    results.push(r);
    const stem = join(BENCH_DIR, 'results', `${r.date}-${n}`);
    mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
    writeFileSync(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
    writeFileSync(`${stem}.md`, markdown(r));
    log(markdown(r));
  }
  if (results.length > 1) {
    const stem = join(BENCH_DIR, 'results', `${results[0]!.date}-curve`);
    writeFileSync(`${stem}.svg`, await curveSvg(results));
    writeFileSync(`${stem}.md`, curveMarkdown(results));
    log(curveMarkdown(results));
  }
  return results;
}

async function benchOne(n: number, opts: BenchOptions, log: (s: string) => void): Promise<BenchResult> {
  const dataDir = join(BENCH_DIR, 'data', `n${n}-s${opts.seed}-${opts.period}`);
  const work = join(BENCH_DIR, 'data', `run-n${n}`);
  let gen: Measured | null = null;
  if (!existsSync(join(dataDir, 'truth', 'kpis.json'))) {
    rmSync(dataDir, { recursive: true, force: true });
    log(`generating ${n} customers into ${dataDir}`);
    gen = await measure(process.execPath, [RECON, 'generate', '--out', dataDir, '--period', opts.period, '--customers', String(n), '--seed', String(opts.seed)]);
    if (gen.code !== 0) throw new Error(`generate failed: ${gen.stderr}`);
  }
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const dbPath = join(work, 'recon.duckdb');
  log(`monthly close of ${n} customers`);
  const close = await measure(process.execPath, [
    RECON, 'run', 'monthly-close', '--data', dataDir, '--period', opts.period, '--db', dbPath, '--out', join(work, 'out'), '--memory-limit', opts.memoryLimit, '--json',
  ]);
  if (close.code !== 0) throw new Error(`monthly close failed (exit ${close.code}): ${close.stderr}`);
  const manifest = readManifest(join(work, 'out', 'runs'));
  const dbBytes = statSync(dbPath).size;
  const dashboard = await measureDashboard((JSON.parse(close.stdout) as { dashboardPath: string }).dashboardPath);

  let floor: FloorResult | null = null;
  if (opts.floor) {
    log('floor: bare DuckDB over the same files');
    floor = await runFloor(dataDir, loadProfiles(), join(work, 'floor'), opts.memoryLimit);
  }
  const stageMs = (name: string) => manifest.stages.filter((s) => s.stage === name).reduce((a, s) => a + s.ms, 0);
  const peak = (name: string) => manifest.stages.find((s) => s.stage === name)?.peak_rss_mib ?? 0;
  const c = manifest.counts;
  const ingestRows = (c['ingest.records_read'] ?? 0) || null;
  const paymentRows = (c['ingest.records_loaded'] ?? 0) || null;
  const invoiceRows = (c['billing.invoices_loaded'] ?? 0) || null;
  const row = (stage: string, rows: number | null, floorMs: number | null): StageRow => {
    const ms = stageMs(stage);
    return {
      stage,
      ms,
      rows,
      rows_per_s: rows && ms ? Math.round((rows / ms) * 1000) : null,
      peak_rss_mib: peak(stage),
      floor_ms: floorMs,
      ratio: floorMs ? round2(ms / floorMs) : null,
    };
  };
  const stages = [
    row('billing', invoiceRows, null),
    row('ingest', ingestRows, floor ? floor.read_ms : null),
    row('match', paymentRows, floor ? floor.join_ms : null),
    row('report', invoiceRows, floor ? floor.totals_ms : null),
  ];
  const e2e = stages.reduce((a, s) => a + s.ms, 0);
  const floorE2e = floor ? floor.read_ms + floor.join_ms + floor.totals_ms : null;
  const result: BenchResult = {
    customers: n,
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    generate: { ms: gen?.ms ?? 0, peak_rss_mib: gen?.peakRssMib ?? 0, reused: gen === null, bytes: folderBytes(dataDir) },
    stages,
    end_to_end: { ms: e2e, floor_ms: floorE2e, ratio: floorE2e ? round2(e2e / floorE2e) : null, peak_rss_mib: close.peakRssMib },
    db_bytes: dbBytes,
    dashboard,
    counts: c,
    floor,
  };
  if (!opts.keep) rmSync(work, { recursive: true, force: true });
  return result;
}

interface Manifest { stages: Array<{ stage: string; ms: number; peak_rss_mib: number }>; counts: Record<string, number> }

function readManifest(dir: string): Manifest {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const last = files[files.length - 1];
  if (!last) throw new Error(`no run manifest in ${dir}`);
  return JSON.parse(readFileSync(join(dir, last), 'utf8')) as Manifest;
}

function machine(): BenchResult['machine'] {
  const duckdbPkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')) as { version: string };
  return {
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    duckdb: duckdbPkg.version,
    cpu: cpus()[0]?.model ?? 'unknown',
  };
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return total;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const secs = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(1));

function markdown(r: BenchResult): string {
  const lines = [
    `# Benchmark: ${r.customers.toLocaleString('en')} customers, ${r.date}`,
    '',
    `Machine: ${r.machine.cores} cores, ${r.machine.memory_gib} GiB, ${r.machine.cpu}; Node ${r.machine.node}; DuckDB node-api ${r.machine.duckdb}.`,
    `Generation: ${r.generate.reused ? 'reused existing data' : `${secs(r.generate.ms)} s, peak ${r.generate.peak_rss_mib} MiB`}; data ${(r.generate.bytes / 2 ** 20).toFixed(0)} MiB.`,
    '',
    '| stage | wall s | rows | rows/s | peak RSS MiB | floor s | recon ÷ floor |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...r.stages.map((s) => `| ${s.stage} | ${secs(s.ms)} | ${s.rows?.toLocaleString('en') ?? '–'} | ${s.rows_per_s?.toLocaleString('en') ?? '–'} | ${s.peak_rss_mib} | ${secs(s.floor_ms)} | ${s.ratio ?? '–'} |`),
    `| **end to end** | ${secs(r.end_to_end.ms)} | | | ${r.end_to_end.peak_rss_mib} | ${secs(r.end_to_end.floor_ms)} | ${r.end_to_end.ratio ?? '–'} |`,
    '',
    `Database file: ${(r.db_bytes / 2 ** 20).toFixed(0)} MiB.`,
    `Dashboard: ${(r.dashboard.bytes / 1024).toFixed(0)} KiB; headless Chromium loads it from disk and lays out its ${r.dashboard.svg_charts} SVG charts in ${r.dashboard.load_ms} ms.`,
  ];
  if (r.floor) lines.push(`Floor preparation (UTF-8 copies of ${r.floor.prepared_files} Windows-1258/UTF-16 files, header scan): ${secs(r.floor.prepare_ms)} s, not counted in the floor.`);
  return `${lines.join('\n')}\n`;
}

function curveMarkdown(rs: BenchResult[]): string {
  const base = rs.find((r) => r.customers === 1_000_000) ?? rs[0]!;
  const perRow = (r: BenchResult) => r.end_to_end.ms / r.customers;
  return [
    '# Scale curve',
    '',
    '| customers | end to end s | µs per customer | vs 1 M | peak RSS MiB |',
    '|---:|---:|---:|---:|---:|',
    ...rs.map((r) => `| ${r.customers.toLocaleString('en')} | ${secs(r.end_to_end.ms)} | ${(perRow(r) * 1000).toFixed(1)} | ${round2(perRow(r) / perRow(base))} | ${r.end_to_end.peak_rss_mib} |`),
    '',
  ].join('\n');
}

async function curveSvg(rs: BenchResult[]): Promise<string> {
  const values = rs.flatMap((r) => r.stages.map((s) => ({ customers: r.customers, stage: s.stage, seconds: s.ms / 1000 })));
  const spec = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'recon monthly close: wall time per stage by customers',
    width: 480,
    height: 300,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'customers', type: 'quantitative', scale: { type: 'log' }, title: 'customers (log)' },
      y: { field: 'seconds', type: 'quantitative', title: 'wall time (s)' },
      color: { field: 'stage', type: 'nominal' },
    },
  }).spec;
  const view = new View(parse(spec), { renderer: 'none' });
  return view.toSVG();
}
