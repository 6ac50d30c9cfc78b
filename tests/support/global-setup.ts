// Vitest global setup: one scratch folder per test run, removed when the run ends.
// - `sharedDir` (provided to every worker) holds expensive fixtures built once on demand (see
//   sample-close.ts).
// - TMPDIR points into it for the workers and every CLI process they spawn, so the scratch
//   databases and folders tests make with `mkdtempSync(join(tmpdir(), …))` go with it instead of
//   piling up in the machine's /tmp run after run (they once left ~45 MB per run there).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'recon-tests-'));
  const dir = join(root, 'shared');
  const scratch = join(root, 'tmp');
  mkdirSync(dir);
  mkdirSync(scratch);
  project.provide('sharedDir', dir);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
