// The CLI's answers to what users get wrong: each a one-line message and exit code 2, never a stack
// trace, and nothing of theirs overwritten. Run in process (support/cli.ts); the last test checks
// that bin/recon.mjs, as a process, answers exactly the same.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recon, type CliResult } from '../support/cli.ts';
import { copySampleClose, RECON, SAMPLE } from '../support/sample-close.ts';

/** Exit code 2 and exactly one line on stderr matching `message`, no stack trace. */
function refused(r: CliResult, message: RegExp): void {
  expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(message)]);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('output paths', () => {
  it('refuses to export over the database, a loaded partner file or a folder, and leaves them as they were', async () => {
    const copy = await copySampleClose();
    const size = statSync(copy.dbPath).size;
    refused(await recon('export', 'allocations', '--period', '2026-03', '--db', copy.dbPath, '--out', copy.dbPath), /--out .* is the database file/);
    expect(statSync(copy.dbPath).size).toBe(size);
    expect((await recon('runs', '--db', copy.dbPath)).status).toBe(0); // still a database
    const partnerFile = join(SAMPLE, 'partners', 'acb', 'ACB_EVN_202601.csv');
    const before = readFileSync(partnerFile);
    refused(await recon('export', 'rejects', '--period', '2026-01', '--db', copy.dbPath, '--out', partnerFile), /--out .*ACB_EVN_202601\.csv is a file the database loaded \(file \d+/);
    expect(readFileSync(partnerFile)).toEqual(before);
    refused(await recon('export', 'allocations', '--period', '2026-03', '--format', 'parquet', '--db', copy.dbPath, '--out', copy.dir), /--out .* is a folder; expected a file name/);
    // A folder that takes no file: one line in every format (xlsx and json once exited 13 saying
    // nothing, arrow with a stack trace, parquet as an unexpected error).
    for (const format of ['csv', 'xlsx', 'json', 'arrow', 'parquet']) {
      refused(await recon('export', 'payments', '--period', '2026-03', '--format', format, '--db', copy.dbPath, '--out', `/proc/recon-export.${format}`), new RegExp(`--out /proc/recon-export\\.${format}: cannot create a file in /proc \\(ENOENT\\)`));
    }
  }, 300_000);

  it('refuses a report or close folder that is a file before any work', async () => {
    const copy = await copySampleClose();
    const file = join(copy.dir, 'not-a-folder');
    writeFileSync(file, 'x');
    refused(await recon('report', '--period', '2026-03', '--db', copy.dbPath, '--out', file), /--out .*not-a-folder: .* is a file, not a folder/);
    refused(await recon('report', '--period', '2026-03', '--db', copy.dbPath, '--out', join(file, 'sub')), /is a file, not a folder/);
    refused(await recon('run', 'monthly-close', '--data', SAMPLE, '--db', copy.dbPath, '--out', file), /--out .*not-a-folder: .* is a file, not a folder/);
    expect(existsSync(join(copy.dir, 'runs'))).toBe(false);
  }, 300_000);
});

describe('periods, numbers and matching with nothing loaded', () => {
  it('refuses a period with no invoices in the queue and in exports, naming the periods there are', async () => {
    const copy = await copySampleClose();
    const out = join(copy.dir, 'x.csv');
    refused(await recon('exceptions', '--period', '2030-01', '--db', copy.dbPath), /no invoices of period 2030-01 in the database \(periods with invoices: .*2026-03\); nothing to list/);
    for (const dataset of ['allocations', 'rejects']) {
      refused(await recon('export', dataset, '--period', '2030-01', '--db', copy.dbPath, '--out', out), /no invoices of period 2030-01 in the database .*nothing to export/);
    }
    expect(existsSync(out)).toBe(false);
    // Partner files run a few days past the last billed period: their payments and rejects export.
    expect((await recon('export', 'payments', '--period', '2026-05', '--db', copy.dbPath, '--out', out)).status).toBe(0);
    for (const [args, message] of [
      [['--min-amount', '-5'], /--min-amount "-5": expected a whole number of đồng, from 0 to 1000000000000000/],
      [['--older-than', 'abc'], /--older-than "abc": expected a whole number of days, from 0 to 1000000/],
      [['--as-of', '2026-02-01'], /--as-of 2026-02-01 is before period 2026-03 begins; expected 2026-03-01 or later/],
    ] as const) {
      refused(await recon('exceptions', '--period', '2026-03', ...args, '--db', copy.dbPath), message);
    }
  }, 300_000);

  it('says what explain looked for when nothing has the name: a payment key, or an invoice number', async () => {
    const copy = await copySampleClose();
    refused(await recon('explain', 'acb:NO-SUCH-TXN', '--db', copy.dbPath), /^recon: "acb:NO-SUCH-TXN": no payment of partner "acb" with transaction id "NO-SUCH-TXN" is loaded, and no invoice has this number\n$/);
    refused(await recon('explain', 'HD-NOPE', '--db', copy.dbPath), /^recon: "HD-NOPE": no invoice with this number is loaded \(a payment is named PARTNER:TXN_REF, e\.g\. vietcombank:FT26300012345\)\n$/);
  }, 300_000);

  it('refuses to match a database with no payment, or with payments and no billing export', async () => {
    const copy = await copySampleClose();
    const db = join(copy.dir, 'fresh.duckdb');
    const empty = join(copy.dir, 'no-files');
    mkdirSync(empty);
    expect((await recon('ingest', empty, '--db', db)).status).toBe(0);
    refused(await recon('match', '--db', db), /nothing to match: no payment is loaded in .*fresh\.duckdb; load the partner files first/);
    expect((await recon('ingest', join(SAMPLE, 'partners', 'acb'), '--db', db)).status).toBe(0);
    refused(await recon('match', '--db', db), /no billing export is loaded in .*fresh\.duckdb, so every payment would be an unknown customer/);
  }, 300_000);
});

describe('a refused ingest or close', () => {
  it('creates no database file when it is refused for its arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-refused-'));
    refused(await recon('ingest', '--db', join(dir, 'a.duckdb'), join(dir, 'no-such-folder')), /no-such-folder: no such file or folder/);
    refused(await recon('ingest', '--db', join(dir, 'b.duckdb'), '--partner', 'no-such-bank', dir), /--partner no-such-bank: no such partner profile/);
    refused(await recon('run', 'monthly-close', '--db', join(dir, 'c.duckdb'), '--data', join(dir, 'nowhere'), '--out', join(dir, 'out')), /--data .*nowhere: expected a folder with billing\/ inside/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('of a month with no payment, instead of a dashboard of 0 % collected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-no-payment-'));
    const data = join(dir, 'data');
    mkdirSync(join(data, 'billing'), { recursive: true });
    mkdirSync(join(data, 'partners'));
    for (const f of ['customers.csv', 'invoices-2026-02.csv']) writeFileSync(join(data, 'billing', f), readFileSync(join(SAMPLE, 'billing', f)));
    const db = join(dir, 'recon.duckdb');
    const close = () => recon('run', 'monthly-close', '--db', db, '--data', data, '--out', join(dir, 'out'));
    // No partner file and no database yet: refused before the database is made.
    refused(await close(), /nothing to close: no payment is loaded, and .*partners holds no partner file; a dashboard would show 0 % collected/);
    expect(existsSync(db)).toBe(false);
    // A file no profile claims: recorded (recon files names it), and the close still refused.
    writeFileSync(join(data, 'partners', 'NOBODY_202602.csv'), 'a,b\n1,2\n');
    refused(await close(), /none of the 1 file\(s\) in .*partners loaded a payment \(1 unrecognised; `recon files` lists them/);
    expect(existsSync(join(dir, 'out', '2026-02'))).toBe(false);
    const files = await recon('files', '--db', db, '--status', 'unrecognised');
    expect([files.status, files.stdout]).toEqual([0, expect.stringContaining('NOBODY_202602.csv')]);
    // Payments loaded by `recon ingest`, then a close of a folder whose partners/ is empty (a
    // corrected billing export closed again): it closes what is loaded. It once failed with a stack
    // trace (an empty list of file ids bound to SQL), after its billing import had committed.
    rmSync(join(data, 'partners', 'NOBODY_202602.csv'));
    const vcb = readdirSync(join(SAMPLE, 'partners', 'vietcombank')).find((f) => f.includes('202602'))!;
    expect((await recon('ingest', '--db', db, join(SAMPLE, 'partners', 'vietcombank', vcb))).status).toBe(0);
    const closed = await close();
    expect([closed.status, closed.stderr]).toEqual([0, '']);
    expect(existsSync(join(dir, 'out', '2026-02', 'kpis.json'))).toBe(true);
  }, 120_000);
});

describe('a DuckDB that runs out of memory', () => {
  // It once marked every file it hit `failed` (a file's fault, as if unreadable) and the close went
  // on to publish a collection rate without them, exit 0.
  it('fails the run in one line saying to raise --memory-limit, and records no file as failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-oom-'));
    const db = join(dir, 'recon.duckdb');
    const vcb = join(SAMPLE, 'partners', 'vietcombank');
    const r = await recon('ingest', '--db', db, '--memory-limit', '20MB', vcb);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^recon: run failed: loading .*VCB_EVN_2026\d\d\.csv: DuckDB ran out of memory \(.*\): raise --memory-limit \(default 5GB\)/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    const files = await recon('files', '--db', db, '--json');
    expect(JSON.parse(files.stdout)).toEqual([]);
    // With memory, the same files load.
    expect((await recon('ingest', '--db', db, vcb)).status).toBe(0);
  }, 120_000);
});

describe('recon eval on a database never matched', () => {
  it('refuses instead of reporting recall 0 %', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-eval-unmatched-'));
    const db = join(dir, 'recon.duckdb');
    const empty = join(dir, 'no-files');
    mkdirSync(empty);
    expect((await recon('ingest', empty, '--db', db)).status).toBe(0);
    refused(await recon('eval', SAMPLE, '--db', db), /^recon: nothing to evaluate: no payment is loaded in .*recon\.duckdb and nothing was matched; run recon run monthly-close/);
    expect((await recon('ingest', join(SAMPLE, 'partners', 'acb'), '--db', db)).status).toBe(0);
    refused(await recon('eval', SAMPLE, '--db', db), /^recon: nothing to evaluate: .*recon\.duckdb was never matched; run recon match/);
  }, 120_000);
});

describe('recon generate --out', () => {
  it('replaces only a folder it generated, never a file or a folder holding anything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-generate-out-'));
    const mine = join(dir, 'notes');
    mkdirSync(mine);
    writeFileSync(join(mine, 'keep.txt'), 'mine');
    const args = ['--period', '2026-01', '--customers', '10'];
    refused(await recon('generate', '--out', mine, ...args), /--out .*notes holds "keep\.txt", which the generator did not write/);
    expect(readFileSync(join(mine, 'keep.txt'), 'utf8')).toBe('mine');
    const file = join(dir, 'a-file.csv');
    writeFileSync(file, 'x');
    refused(await recon('generate', '--out', file, ...args), /--out .*a-file\.csv is a file/);
    expect(readFileSync(file, 'utf8')).toBe('x');
    const generated = join(dir, 'month');
    expect((await recon('generate', '--out', generated, ...args)).status).toBe(0);
    expect((await recon('generate', '--out', generated, ...args)).status).toBe(0); // its own folder: regenerated
    expect(readdirSync(generated).sort()).toEqual(['billing', 'partners', 'truth']);
  }, 120_000);
});

describe('--help', () => {
  it('marks the options a command cannot run without, and only those', async () => {
    expect((await recon('report', '--help')).stdout).toMatch(/--period <YYYY-MM> +billing period \(required\)\n/);
    const exportHelp = (await recon('export', '--help')).stdout;
    expect(exportHelp).toMatch(/--out <file> +file to write \(required\)\n/);
    expect(exportHelp).not.toMatch(/--format.*\(required\)/);
    expect((await recon('run', '--help')).stdout).toMatch(/--data <dir> +data folder with billing\/ and partners\/ \(required\)\n/);
    expect((await recon('runs', '--help')).stdout).not.toMatch(/required/);
  });

  it('of files release names the database options it takes from `recon files`', async () => {
    const r = await recon('files', 'release', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--db <file> \(env RECON_DB\), --memory-limit <size>, --threads <n>, --json/);
  });
});

describe('file-system errors on a path', () => {
  it('are one line with exit 2, not a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-fs-'));
    const file = join(dir, 'profiles.txt');
    writeFileSync(file, 'x');
    refused(await recon('ingest', '--db', join(file, 'recon.duckdb'), dir), /^recon: EEXIST: file already exists, mkdir '.*profiles\.txt'\n$/);
    refused(await recon('bench', '--customers', 'abc'), /--customers "abc": expected a whole number ≥ 100/);
  });

  it('name a --profiles folder that is missing, or is a file, in every command that takes one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-fs-'));
    const file = join(dir, 'acb.json');
    writeFileSync(file, '{}');
    const isFile = /^recon: partner profile folder .*acb\.json is a file; expected the folder holding the profiles \(<id>\.json\)\n$/;
    const missing = /^recon: partner profile folder .*nowhere does not exist\n$/;
    for (const args of [['partners', 'list'], ['partners', 'check'], ['partners', 'show', 'acb'], ['explain', 'acb:1', '--db', join(dir, 'none.duckdb')], ['ingest', '--db', join(dir, 'x.duckdb'), dir]]) {
      refused(await recon(...args, '--profiles', file), isFile);
      refused(await recon(...args, '--profiles', join(dir, 'nowhere')), missing);
    }
  });
});

describe('bin/recon.mjs', () => {
  it('answers as the program run in process does: exit code, stdout and stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-bin-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const args of [
      ['--version'], // 0, commander's own exit
      ['report', '--help'], // 0, help on stdout
      ['partners', 'list', '--json'], // 0, a command's result on stdout
      ['report'], // 2, commander's usage error and help on stderr
      ['runs', '--db', join(dir, 'none.duckdb')], // 2, recon's usage error
      ['ingest', '--db', join(file, 'recon.duckdb'), dir], // 2, a file-system error on a path
    ]) {
      const r = spawnSync(process.execPath, [RECON, ...args], { encoding: 'utf8' });
      const { status, stdout, stderr } = await recon(...args);
      expect([args, r.status, r.stdout, r.stderr]).toEqual([args, status, stdout, stderr]);
    }
  }, 120_000);
});
