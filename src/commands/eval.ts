// `recon eval DIR`: compares the database after a monthly close with the generator's DIR/truth/.
import type { Command } from 'commander';
import { evaluate, type Evaluation } from '../match/evaluate.ts';
import { printResult, textTable, withDb, withDbOptions, type GlobalOptions } from './context.ts';

export function register(program: Command): void {
  withDbOptions(program.command('eval'))
    .description('compare matching with DIR/truth/ (allocations.csv, exceptions.csv): precision, recall, reason agreement, confusion table')
    .argument('<dir>', 'a generated data folder with truth/')
    .action(async (dir: string, opts: GlobalOptions) => {
      const result = await withDb(opts, (db) => evaluate(db, dir));
      printResult(opts.json, result, () => formatEvaluation(result));
    });
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(3)} %`);

function formatEvaluation(e: Evaluation): string {
  return [
    `truth: ${e.truth_dir}`,
    `precision        ${pct(e.precision)}  (${e.correct_vnd} of ${e.allocated_vnd} đ allocated are on the right invoice)`,
    `recall           ${pct(e.recall)}  (of ${e.truth_allocated_vnd} đ allocated in truth)`,
    `reason agreement ${pct(e.reason_agreement)}`,
    '',
    'by rule:',
    textTable(e.by_rule as unknown as Record<string, unknown>[]),
    '',
    'exception reasons (truth × database):',
    textTable(e.confusion as unknown as Record<string, unknown>[]),
  ].join('\n');
}
