// The runs ledger: every command that changes the database records one run, in the `runs` table
// and as out/runs/<run_id>.json. Business tables never hold run ids that would make outputs differ.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../db/database.ts';
import { PROJECT_ROOT } from '../db/paths.ts';

export const VERSION: string = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface InputFile { path: string; sha256: string; bytes: number }
/** Wall time of a stage and the process's peak resident memory (MiB) when it ended. */
export interface StageTiming { stage: string; ms: number; peak_rss_mib: number }

/** One run in progress: collects inputs, counts and stage timings, then finishes into the ledger. */
export class Run {
  readonly inputs: InputFile[] = [];
  readonly stages: StageTiming[] = [];
  readonly counts: Record<string, number> = {};
  private constructor(
    private readonly db: Database,
    private readonly startedAt: Date,
    readonly runId: string,
    readonly command: string,
    readonly params: Record<string, unknown>,
    private readonly outDir: string,
  ) {}

  static async start(db: Database, command: string, params: Record<string, unknown>, outDir = join(PROJECT_ROOT, 'out')): Promise<Run> {
    const startedAt = new Date();
    // The id starts with the run's start on the Vietnam wall clock (UTC+7, no DST), as `recon runs`
    // shows it: a close run at 01:30 on the 1st in Hà Nội is not stamped with the day before.
    const stamp = new Date(startedAt.getTime() + 7 * 3600_000).toISOString().replace(/[-:]/g, '').replace(/\..+/, '');
    const run = new Run(db, startedAt, `${stamp}-${randomUUID().slice(0, 8)}`, command, params, outDir);
    // A run still 'running' belongs to a process that is gone: DuckDB's file lock makes this process
    // the database's only user. Killed or stopped with the machine, it says so now.
    await db.run(
      `UPDATE runs SET status = 'interrupted', error = 'the process ended before the run finished (killed, or the machine stopped); found by run ' || $1
         WHERE status = 'running'`,
      [run.runId],
    );
    await db.run(
      `INSERT INTO runs (run_id, command, params, status, version, started_at) VALUES ($1, $2, $3, 'running', $4, $5::TIMESTAMPTZ)`,
      [run.runId, command, JSON.stringify(params), VERSION, run.startedAt.toISOString()],
    );
    return run;
  }

  /** Times one stage of the run. */
  async stage<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    if (process.env.RECON_TRACE_SQL === '1') process.stderr.write(`[stage ${name}]\n`);
    try {
      return await fn();
    } finally {
      // maxRSS is the process's peak so far (KiB), DuckDB's native memory included.
      this.stages.push({ stage: name, ms: Math.round(performance.now() - t0), peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024) });
    }
  }

  addInput(file: InputFile): void {
    this.inputs.push(file);
  }

  count(name: string, n: number): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }

  async finish(status: 'succeeded' | 'failed', error?: string): Promise<string> {
    const finishedAt = new Date();
    await this.db.run(
      `UPDATE runs SET status = $2, error = $3, inputs = $4, counts = $5, stages = $6, finished_at = $7::TIMESTAMPTZ WHERE run_id = $1`,
      [this.runId, status, error ?? null, JSON.stringify(this.inputs), JSON.stringify(this.counts), JSON.stringify(this.stages), finishedAt.toISOString()],
    );
    const manifest = {
      run_id: this.runId,
      command: this.command,
      params: this.params,
      status,
      error: error ?? null,
      version: VERSION,
      started_at: this.startedAt.toISOString(),
      finished_at: finishedAt.toISOString(),
      inputs: this.inputs,
      counts: this.counts,
      stages: this.stages,
    };
    const dir = join(this.outDir, 'runs');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${this.runId}.json`);
    writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
    return path;
  }
}

/** sha256 and size of a file, streamed. */
export async function fingerprint(path: string): Promise<InputFile> {
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', resolve)
      .on('error', reject);
  });
  return { path, sha256: hash.digest('hex'), bytes: statSync(path).size };
}
