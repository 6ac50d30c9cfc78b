// `recon` run inside the test's own process: the program bin/recon.mjs runs (src/program.ts, its
// commands and its exit codes), with what it writes to stdout and stderr captured, as spawnSync
// returns them. It spares each command a new Node process booting tsx and the sources (1.5-3 s of
// CPU). Tests of the process itself (another process holding the database, a kill, the binary's
// own streams and exit code) spawn bin/recon.mjs; cli-usage.test.ts checks that the binary and
// this give the same answers.
import { runCli } from '../../src/program.ts';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

let running = false;

/** Runs `recon ...args` in process; stdout and stderr are not terminals, as in a spawned process. */
export async function recon(...args: string[]): Promise<CliResult> {
  if (running) throw new Error('recon() in process: one command at a time (it captures process.stdout and process.stderr)');
  running = true;
  const out: string[] = [];
  const err: string[] = [];
  const restore = [capture(process.stdout, out), capture(process.stderr, err)];
  try {
    const status = await runCli(args);
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    for (const r of restore) r();
    running = false;
  }
}

/** Sends what is written to `stream` into `into` instead; returns what puts the stream back. */
function capture(stream: NodeJS.WriteStream, into: string[]): () => void {
  const write = Object.getOwnPropertyDescriptor(stream, 'write');
  const isTTY = Object.getOwnPropertyDescriptor(stream, 'isTTY');
  Object.defineProperty(stream, 'isTTY', { value: false, configurable: true, writable: true });
  Object.defineProperty(stream, 'write', {
    configurable: true,
    writable: true,
    value: (chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof encoding === 'function' ? encoding : cb;
      if (done) process.nextTick(done);
      return true;
    },
  });
  return () => {
    for (const [key, d] of [['write', write], ['isTTY', isTTY]] as const) {
      if (d) Object.defineProperty(stream, key, d);
      else delete (stream as unknown as Record<string, unknown>)[key];
    }
  };
}
