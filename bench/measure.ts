// Runs a child command and measures its wall time and peak resident memory (VmHWM from /proc,
// polled; it is the kernel's own high-water mark, so polling only delays, never lowers, the peak).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  ms: number;
  peakRssMib: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

export async function measure(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Measured> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peakKib = 0;
  const poll = setInterval(() => {
    peakKib = Math.max(peakKib, readHwmKib(child.pid));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  return { ms: Math.round(performance.now() - t0), peakRssMib: Math.round(peakKib / 1024), stdout, stderr, code };
}

function readHwmKib(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process has just exited
  }
}
