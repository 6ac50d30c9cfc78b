// Every command of the CLI, in the order `recon --help` lists them. One file per command.
import type { Command } from 'commander';
import { register as run } from './run.ts';
import { register as runs } from './runs.ts';
import { register as ingest } from './ingest.ts';
import { register as partners } from './partners.ts';
import { register as files } from './files.ts';
import { register as report } from './report.ts';
import { register as exportCmd } from './export.ts';
import { register as generate } from './generate.ts';

export const COMMANDS: Array<(program: Command) => void> = [
  run,
  runs,
  ingest,
  partners,
  files,
  report,
  exportCmd,
  generate,
];
