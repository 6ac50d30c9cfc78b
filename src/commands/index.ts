// Every command of the CLI, in the order `recon --help` lists them. One file per command.
import type { Command } from 'commander';
import { register as runs } from './runs.ts';

export const COMMANDS: Array<(program: Command) => void> = [
  runs,
];
