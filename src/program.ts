// The recon command line as a function: the program with every command registered (each lives in
// src/commands/<name>.ts and registers itself), and the one place errors become exit codes:
// 0 completed, 1 run failed, 2 bad usage/config. src/cli.ts runs it on the process's arguments;
// the tests run it in process too (tests/support/cli.ts).
import { Command, CommanderError, Help, type Option } from 'commander';
import { engineTrouble, RunFailedError, UsageError } from './errors.ts';
import { VERSION } from './runs/ledger.ts';
import { COMMANDS } from './commands/index.ts';

/** A new `recon` program (commander keeps what one parse read, so one per run). */
export function createProgram(): Command {
  const commanderHelp = new Help();
  const program = new Command('recon')
    .description('Payment reconciliation and collection analytics for electricity-bill collection (EVN)')
    .version(VERSION)
    .showHelpAfterError()
    // Commander's help does not mark a required option; --help must tell which options a command needs.
    // Set before the commands are registered, which inherit it.
    .configureHelp({ optionDescription: (option: Option) => `${commanderHelp.optionDescription(option)}${option.mandatory ? ' (required)' : ''}` })
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs recon on its arguments (those after the script's path); resolves to the exit code. */
export async function runCli(args: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(args, { from: 'user' });
    return 0;
  } catch (e) {
    return exitCodeFor(e);
  }
}

function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    // --help and --version arrive here with exit code 0.
    return e.exitCode === 0 ? 0 : 2;
  }
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof UsageError) {
    process.stderr.write(`recon: ${message}\n`);
    return 2;
  }
  if (e instanceof RunFailedError) {
    process.stderr.write(`recon: run failed: ${message}\n`);
    return 1;
  }
  // A file-system error on a path (a folder given where a file goes, a missing or unreadable file,
  // no space left) says so in one line, not as a stack trace; a path the user got wrong is bad usage.
  const sys = e as NodeJS.ErrnoException;
  if (e instanceof Error && typeof sys.code === 'string' && typeof sys.syscall === 'string' && typeof sys.path === 'string') {
    process.stderr.write(`recon: ${message}\n`);
    return ['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EACCES', 'EPERM', 'EROFS', 'ENAMETOOLONG', 'ELOOP'].includes(sys.code) ? 2 : 1;
  }
  const trouble = engineTrouble(e);
  if (trouble !== null) {
    process.stderr.write(`recon: run failed: ${trouble}\n`);
    return 1;
  }
  process.stderr.write(`recon: unexpected error: ${e instanceof Error ? (e.stack ?? message) : message}\n`);
  return 1;
}
