// The recon command line's process: runs the program (src/program.ts, where the commands are
// registered and errors become exit codes) on the process's arguments and exits with its code.
import { runCli } from './program.ts';

// `recon explain … | head`: a reader that stops early is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
