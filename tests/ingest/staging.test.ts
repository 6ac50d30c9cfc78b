// Staging folders of killed processes are removed by the next recon process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stagingDir } from '../../src/ingest/load.ts';

describe('staging folders', () => {
  it('removes the folder of a process that no longer runs, keeps a running one\'s', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited by now
    const deadDir = join(tmpdir(), `recon-ingest-${dead}`);
    mkdirSync(deadDir, { recursive: true });
    writeFileSync(join(deadDir, 'batch-x.txt'), 'left by a killed ingest');
    const aliveDir = join(tmpdir(), `recon-ingest-${process.ppid}`); // the test runner's parent runs
    mkdirSync(aliveDir, { recursive: true });
    try {
      const mine = stagingDir();
      expect(mine).toBe(join(tmpdir(), `recon-ingest-${process.pid}`));
      expect(existsSync(deadDir)).toBe(false);
      expect(existsSync(aliveDir)).toBe(true);
    } finally {
      // aliveDir may be a real process's folder only if that process is recon; ours was made empty.
      spawnSync('rmdir', [aliveDir]);
    }
  });
});
