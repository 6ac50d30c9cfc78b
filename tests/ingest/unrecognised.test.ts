// Files no profile claims, or two claim: recorded as `unrecognised` (nothing read), listed by
// `recon files`, counted among the files of a period, never recorded twice, and loaded once a
// profile claims them, their unrecognised row then reading `replaced`.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { Run } from '../../src/runs/ledger.ts';
import { recon as cli } from '../support/cli.ts';
import { BASE_PROFILE, HEADER, Scratch, openTestDb } from './helpers.ts';

interface Listed {
  file_id: number;
  partner_id: string | null;
  file_name: string;
  status: string;
  read: number;
  loaded: number;
  status_reason: string | null;
}

const UNCLAIMED = 'no partner profile recognises the file name "T-3.csv" (no profile\'s file_patterns match it); add a pattern to the partner\'s profile, or rename the file, and ingest it again';
const TWICE = 'claimed by more than one partner profile (bank-t, bank-u); make their file_patterns disjoint and ingest it again';

/** A folder with a file bank-t claims, one nobody claims (a dash for the underscore) and one both bank-t and bank-u claim. */
function folder(): Scratch {
  const s = new Scratch();
  s.profile(BASE_PROFILE);
  s.profile({ ...BASE_PROFILE, id: 'bank-u', file_patterns: ['U_*.csv', 'T_2*.csv'] });
  s.file('T_1.csv', `${HEADER}\nA1,01/03/2026 08:00:00,PE0100123456,TIEN DIEN,1.250.000\n`);
  s.file('T-3.csv', `${HEADER}\nC1,03/03/2026 08:00:00,PE0100123456,TIEN DIEN,300.000\n`);
  s.file('T_20.csv', `${HEADER}\nB1,02/03/2026 08:00:00,PD0100000001,QR,500.000\n`);
  return s;
}

/** The profiles fixed: bank-t also claims dashed names, bank-u no longer claims T_2*. */
function fixProfiles(s: Scratch): void {
  s.profile({ ...BASE_PROFILE, file_patterns: ['T_*.csv', 'T-*.csv'] });
  s.profile({ ...BASE_PROFILE, id: 'bank-u', file_patterns: ['U_*.csv'] });
}

describe('partner files no single profile claims', () => {
  it('records them with the reason, lists them by status, adds nothing on a second ingest, and loads them once a profile claims them', async () => {
    const s = folder();
    const db = join(s.dir, 'recon.duckdb');
    const recon = async (...args: string[]) => {
      const r = await cli(...args, '--db', db, '--json');
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as unknown;
    };
    const ingest = async () => ((await recon('ingest', '--profiles', s.profiles, s.files)) as { files: Array<{ file_id: number; status: string; message: string }> }).files;
    const files = async (...status: string[]) => (await recon('files', ...(status.length ? ['--status', ...status] : []))) as Listed[];
    const shown = (rows: Listed[]) => rows.map((r) => [r.file_id, r.file_name, r.partner_id, r.status, r.read, r.loaded, r.status_reason]);

    // Listed order: T-3 ("-" sorts before "_"), T_1, T_20.
    const first = await ingest();
    expect(first.map((f) => [f.file_id, f.status])).toEqual([[2, 'unrecognised'], [1, 'loaded'], [3, 'unrecognised']]);
    expect(first[0]!.message).toBe(`${join(s.files, 'T-3.csv')}: ${UNCLAIMED}; nothing read (recorded as unrecognised file 2)`);
    const unrecognised = [
      [2, 'T-3.csv', null, 'unrecognised', 0, 0, UNCLAIMED],
      [3, 'T_20.csv', null, 'unrecognised', 0, 0, TWICE],
    ];
    expect(shown(await files('unrecognised'))).toEqual(unrecognised);
    const all = await files();
    expect(shown(all)).toEqual([[1, 'T_1.csv', 'bank-t', 'loaded', 1, 1, null], ...unrecognised]);

    // The same folder again: the same rows, nothing added or rewritten; still reported.
    const second = await ingest();
    expect(second.map((f) => [f.file_id, f.status])).toEqual([[2, 'unrecognised'], [1, 'skipped'], [3, 'unrecognised']]);
    expect(second[0]!.message).toMatch(/; nothing read \(recorded as unrecognised file 2 since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)$/);
    expect(await files()).toEqual(all);

    // The profiles fixed: both files load, as new rows; their unrecognised rows read replaced,
    // naming the row that took over, so none is listed as unrecognised any more.
    fixProfiles(s);
    const third = await ingest();
    expect(third.map((f) => [f.file_id, f.status])).toEqual([[4, 'loaded'], [1, 'skipped'], [5, 'loaded']]);
    expect(await files('unrecognised')).toEqual([]);
    expect(shown(await files())).toEqual([
      [1, 'T_1.csv', 'bank-t', 'loaded', 1, 1, null],
      [2, 'T-3.csv', null, 'replaced', 0, 0, 'profile bank-t claims the file name now: received again as file 4'],
      [3, 'T_20.csv', null, 'replaced', 0, 0, 'profile bank-t claims the file name now: received again as file 5'],
      [4, 'T-3.csv', 'bank-t', 'loaded', 1, 1, null],
      [5, 'T_20.csv', 'bank-t', 'loaded', 1, 1, null],
    ]);
    const fixed = await files();
    expect((await ingest()).map((f) => f.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(await files()).toEqual(fixed);
  });

  it('counts an unrecognised file among the files of the close that received it, and a replaced row in none', async () => {
    const s = folder();
    const { db, run } = await openTestDb();
    const filesOf = async (period: string, asOf: string) =>
      (await db.all<{ file_id: bigint }>('SELECT file_id FROM period_files($1, $2) ORDER BY file_id', [period, asOf])).map((r) => Number(r.file_id));
    // Received by a close of 2026-04: the two files nothing dates belong to April (not March, when
    // T_1's payment was made, nor to the month of today's receipt).
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles), period: '2026-04' });
    expect(await filesOf('2026-03', '2026-04-30')).toEqual([1]);
    expect(await filesOf('2026-04', '2026-05-31')).toEqual([2, 3]);
    const periods = await db.all<{ file_id: bigint; period: string | null }>('SELECT file_id, period FROM source_files ORDER BY file_id');
    expect(periods.map((r) => [Number(r.file_id), r.period])).toEqual([[1, '2026-04'], [2, '2026-04'], [3, '2026-04']]);

    // Claimed since: the loaded rows count where their payments were made; the replaced rows nowhere.
    fixProfiles(s);
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(await filesOf('2026-03', '2026-04-30')).toEqual([1, 4, 5]);
    expect(await filesOf('2026-04', '2026-05-31')).toEqual([]);
    db.close();
  });

  it('dates the files a close finds already received and undated, as when an earlier close was killed before dating them', async () => {
    const s = folder();
    const { db, run } = await openTestDb();
    // Received with no close (a close killed between its ingest's commits and the dating, or `recon ingest`).
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    const periods = async () => (await db.all<{ file_id: bigint; period: string | null }>('SELECT file_id, period FROM source_files ORDER BY file_id')).map((r) => [Number(r.file_id), r.period]);
    expect(await periods()).toEqual([[1, null], [2, null], [3, null]]);
    // The close of April finds all three already received (skipped, or unrecognised again): now April's.
    const again = await Run.start(db, 'test', {}, join(tmpdir(), 'recon-test-out'));
    const summary = await ingestFiles(db, again, [s.files], { profiles: loadProfiles(s.profiles), period: '2026-04' });
    expect(summary.files.map((f) => [f.file_id, f.status]).sort()).toEqual([[1, 'skipped'], [2, 'unrecognised'], [3, 'unrecognised']]);
    expect(await periods()).toEqual([[1, '2026-04'], [2, '2026-04'], [3, '2026-04']]);
    // A later close does not move them.
    await ingestFiles(db, again, [s.files], { profiles: loadProfiles(s.profiles), period: '2026-05' });
    expect(await periods()).toEqual([[1, '2026-04'], [2, '2026-04'], [3, '2026-04']]);
    db.close();
  });

  it('with --partner, skips the files another profile claims and still records those nobody claims', async () => {
    const s = folder();
    const { db, run } = await openTestDb();
    const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles), partner: 'bank-u' });
    // bank-u alone claims T_20 (the claim it shares with bank-t is settled by --partner, as before).
    expect(summary.files.map((f) => [f.path.slice(s.files.length + 1), f.status, f.partner_id])).toEqual([
      ['T-3.csv', 'unrecognised', null],
      ['T_1.csv', 'skipped', 'bank-t'],
      ['T_20.csv', 'loaded', 'bank-u'],
    ]);
    expect(summary.files[1]!.message).toMatch(/T_1\.csv: skipped, profile bank-t claims it \(--partner bank-u\)$/);
    const rows = await db.all<{ file_name: string; status: string }>('SELECT file_name, status FROM source_files ORDER BY file_id');
    expect(rows.map((r) => [r.file_name, r.status])).toEqual([['T_20.csv', 'loaded'], ['T-3.csv', 'unrecognised']]);
    db.close();
  });

  it('keeps a failed file\'s row as it was when it fails the same way again, and reads it replaced once the file loads', async () => {
    const s = new Scratch();
    // The profile names a column the file does not have: the file fails whole.
    s.profile({ ...BASE_PROFILE, fields: { ...BASE_PROFILE.fields, memo: { column: 'noi dung' } } });
    s.file('T_1.csv', `${HEADER}\nA1,01/03/2026 08:00:00,PE0100123456,TIEN DIEN,1.250.000\n`);
    const { db, run } = await openTestDb();
    type Row = { file_id: bigint; status: string; status_reason: string | null; run_id: string; loaded_at: Date };
    const rows = () => db.all<Row>('SELECT file_id, status, status_reason, run_id, loaded_at FROM source_files ORDER BY file_id');
    const first = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(first.files.map((f) => [f.file_id, f.status])).toEqual([[1, 'failed']]);
    const failed = await rows();
    expect(failed.map((r) => [Number(r.file_id), r.status])).toEqual([[1, 'failed']]);
    expect(failed[0]!.status_reason).toMatch(/noi dung/);

    // The same failure again, in a later run: the row is left as it was (same run, same time).
    const again = await Run.start(db, 'ingest', {}, join(s.dir, 'out'));
    expect((await ingestFiles(db, again, [s.files], { profiles: loadProfiles(s.profiles) })).files.map((f) => [f.file_id, f.status])).toEqual([[1, 'failed']]);
    expect(await rows()).toEqual(failed);

    // The profile fixed: the file loads as a new row and the failed one reads replaced, naming it,
    // so the file counts once among its period's files.
    s.profile(BASE_PROFILE);
    expect((await ingestFiles(db, again, [s.files], { profiles: loadProfiles(s.profiles) })).files.map((f) => [f.file_id, f.status])).toEqual([[2, 'loaded']]);
    expect((await rows()).map((r) => [Number(r.file_id), r.status, r.status_reason])).toEqual([[1, 'replaced', 'read again as file 2'], [2, 'loaded', null]]);
    expect((await db.all<{ file_id: bigint }>(`SELECT file_id FROM period_files('2026-03', '2026-04-30')`)).map((r) => Number(r.file_id))).toEqual([2]);
    db.close();
  });
});

describe('file names with Vietnamese marks', () => {
  it('are recognised whether the name or the pattern is composed (NFC) or decomposed (NFD, as macOS writes names)', async () => {
    const { recognise } = await import('../../src/ingest/recognise.ts');
    const nfc = 'Sao kê thu hộ EVN T10.csv'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const profile = (pattern: string) => ({ ...BASE_PROFILE, id: 'saoke', file_patterns: [pattern] }) as never;
    for (const pattern of ['Sao kê thu hộ EVN *.csv'.normalize('NFC'), 'Sao kê thu hộ EVN *.csv'.normalize('NFD'), 'SAO KÊ THU HỘ EVN T??.CSV']) {
      const found = recognise([`/in/${nfd}`, `/in/${nfc}`, '/in/Sao ke thu ho EVN T10.csv'], [profile(pattern)]);
      expect(found.map((r) => ('profile' in r ? r.profile.id : r.problem.slice(0, 33)))).toEqual(['saoke', 'saoke', 'no partner profile recognises the']);
    }
  });
});

describe('symbolic links among partner files', () => {
  it('record a link to nothing as failed (a file may be missing), skip a link back into a folder being read, and load the rest', async () => {
    const { symlinkSync, mkdirSync } = await import('node:fs');
    const s = new Scratch();
    s.profile(BASE_PROFILE);
    s.file('T_1.csv', `${HEADER}\nA1,01/03/2026 08:00:00,PE0100123456,TIEN DIEN,1.250.000\n`);
    symlinkSync(join(s.files, 'T_gone.csv'), join(s.files, 'T_2.csv'));
    mkdirSync(join(s.files, 'sub'));
    symlinkSync(s.files, join(s.files, 'sub', 'loop'));
    const { db, run } = await openTestDb();
    const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(summary.files.map((f) => [f.status, f.message.replace(`${s.files}/`, '')])).toEqual([
      ['loaded', expect.stringContaining('T_1.csv: 1 records read, 1 loaded')],
      ['failed', `T_2.csv: a symbolic link to ${join(s.files, 'T_gone.csv')}, which does not exist (a share not mounted? a file moved?); nothing read from it`],
      ['skipped', `sub/loop: skipped, a symbolic link to ${s.files}, a folder already read: nothing read twice`],
    ]);
    expect(await db.all('SELECT file_name, status FROM source_files ORDER BY file_id')).toEqual([{ file_name: 'T_1.csv', status: 'loaded' }, { file_name: 'T_2.csv', status: 'failed' }]);
    // The link's target appears (the share mounted again): the file loads, its failed row reads replaced.
    s.file('T_gone.csv', `${HEADER}\nA2,02/03/2026 08:00:00,PE0100123456,TIEN DIEN,500.000\n`);
    const again = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    const t2 = again.files.find((f) => f.path.endsWith('T_2.csv'))!;
    expect(t2.status).toBe('loaded');
    expect(await db.all('SELECT file_name, status, status_reason FROM source_files WHERE file_name = \'T_2.csv\' ORDER BY file_id')).toEqual([
      { file_name: 'T_2.csv', status: 'replaced', status_reason: `read as file ${t2.file_id}` },
      { file_name: 'T_2.csv', status: 'loaded', status_reason: null },
    ]);
    db.close();
  });
});

describe('the same file under its name written decomposed', () => {
  it('is the same delivery: skipped with no row, as the same name from another folder is', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const s = new Scratch();
    s.profile({ ...BASE_PROFILE, file_patterns: ['T_*.csv'] });
    const name = 'T_bản sao.csv';
    const body = `${HEADER}\nA1,01/03/2026 08:00:00,PE0100123456,TIEN DIEN,1.250.000\n`;
    for (const [folder, form] of [['a', 'NFC'], ['b', 'NFD']] as const) {
      mkdirSync(join(s.files, folder));
      writeFileSync(join(s.files, folder, name.normalize(form)), body);
    }
    const { db, run } = await openTestDb();
    const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(summary.files.map((f) => f.status)).toEqual(['loaded', 'skipped']);
    expect(await db.all('SELECT count(*) AS n FROM source_files')).toEqual([{ n: 1n }]);
    db.close();
  });
});
