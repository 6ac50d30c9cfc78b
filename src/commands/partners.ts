// `recon partners list|show ID|check|sniff FILE`: onboarding helpers for partner profiles.
import type { Command } from 'commander';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { DEFAULT_PROFILE_DIR, loadProfiles, parseProfileFile, profileFiles } from '../ingest/profiles.ts';
import { printResult, textTable } from './context.ts';

interface ProfileDirOption {
  profiles: string;
  json: boolean;
}

const withProfileDir = (cmd: Command): Command =>
  cmd.option('--profiles <dir>', 'folder of partner profiles', DEFAULT_PROFILE_DIR).option('--json', 'print machine-readable JSON on stdout', false);

export function register(program: Command): void {
  const partners = program.command('partners').description('partner profiles: list, show, check, and sniff a new partner file');

  withProfileDir(partners.command('list'))
    .description('list the partner profiles')
    .action((opts: ProfileDirOption) => {
      const rows = loadProfiles(opts.profiles).map((p) => ({
        id: p.id, name: p.name, channel_group: p.channel_group, bin: p.bin ?? '', instrument: p.default_instrument,
        format: p.format.type, encoding: p.encoding, patterns: p.file_patterns.join(' '),
      }));
      printResult(opts.json, rows, () => textTable(rows));
    });

  withProfileDir(partners.command('show'))
    .description('print one partner profile as validated (defaults filled in)')
    .argument('<id>', 'partner id')
    .action((id: string, opts: ProfileDirOption) => {
      const profile = loadProfiles(opts.profiles).find((p) => p.id === id);
      if (!profile) throw new UsageError(`no partner profile with id ${JSON.stringify(id)} in ${opts.profiles}`);
      printResult(true, profile, () => '');
    });

  withProfileDir(partners.command('check'))
    .description('validate every partner profile; lists each problem with its file and JSON path (exit 2 if any)')
    .action((opts: ProfileDirOption) => {
      const { abs, files } = profileFiles(opts.profiles);
      const results = files.map((f) => ({ file: f, problems: parseProfileFile(join(abs, f)).problems }));
      loadProfiles(opts.profiles); // throws (exit 2) with every problem listed
      printResult(opts.json, results, () => `${files.length} partner profile(s) valid in ${opts.profiles}`);
    });

  partners
    .command('sniff')
    .description('guess the layout of a new partner file (XLSX by content, delimited text with its encoding and dialect, or fixed width), its preamble, header, date and amount formats, and print a draft profile')
    .argument('<file>', 'a sample file from the partner')
    .action(async (file: string) => {
      process.stdout.write(`${JSON.stringify(await (await import('../ingest/sniff.ts')).sniffFile(file), null, 2)}\n`);
    });
}
