// Every command of the CLI, in the order `recon --help` lists them. One file per command.
import type { Command } from 'commander';
import { register as run } from './run.ts';
import { register as runs } from './runs.ts';
import { register as bench } from './bench.ts';
import { register as ingest } from './ingest.ts';
import { register as partners } from './partners.ts';
import { register as files } from './files.ts';
import { register as report } from './report.ts';
import { register as exportCmd } from './export.ts';
import { register as generate } from './generate.ts';
import { register as matchCmd } from './match.ts';
import { register as decide } from './decide.ts';
import { register as explain } from './explain.ts';
import { register as exceptionsCmd } from './exceptions.ts';
import { register as evalCmd } from './eval.ts';

export const COMMANDS: Array<(program: Command) => void> = [
  run,
  runs,
  ingest,
  matchCmd,
  decide,
  explain,
  exceptionsCmd,
  evalCmd,
  partners,
  files,
  report,
  exportCmd,
  generate,
  bench,
];
