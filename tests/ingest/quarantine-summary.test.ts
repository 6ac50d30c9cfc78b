// The ingest command's closing line states an equation: records read = loaded + rejected +
// duplicate, plus the records a quarantined file holds until it is released. Before, the held
// records were left out of the sum, so the line added up to less than it said.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recon } from '../support/cli.ts';
import { HEADER, Scratch, withProfile } from './helpers.ts';

const row = (ref: string, amount: string) => `${ref},01/02/2026 08:00:00,PE0100123456,QR ${ref},${amount}`;

describe('recon ingest summary', () => {
  it('adds the records held in quarantined files to the equation, and they load on release', async () => {
    const s = new Scratch();
    s.profile(withProfile({ trailer: { match: '^Tổng', count: { regex: '(\\d+) giao dịch' } } }));
    // T_1: 3 records, a bad amount and a repeat among them; T_2: its trailer says 3, it has 2 (quarantined).
    s.file('T_1.csv', [HEADER, row('A1', '1.000'), row('A2', '12,3a4'), row('A1', '1.000'), 'Tổng: 3 giao dịch'].join('\n') + '\n');
    s.file('T_2.csv', [HEADER, row('B1', '2.000'), row('B2', '3.000'), 'Tổng: 3 giao dịch'].join('\n') + '\n');
    const db = join(s.dir, 'x.duckdb');
    const r = await recon('ingest', '--db', db, '--profiles', s.profiles, s.files);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('records read 5 = loaded 1 + rejected 1 + duplicate 1 + held in quarantined files 2 (loaded on `recon files release`)');
    const json = await recon('ingest', '--db', db, '--profiles', s.profiles, '--json', s.files);
    expect(JSON.parse(json.stdout)).toMatchObject({ records_read: 0, records_quarantined: 0 }); // nothing new
    const released = await recon('files', 'release', '2', '--by', 'An', '--reason', 'partner confirmed 2 records', '--db', db);
    expect(released.status, released.stderr).toBe(0);
    const files = await recon('files', '--db', db, '--json');
    expect((JSON.parse(files.stdout) as Array<{ file_id: number; status: string; loaded: number }>).map((f) => [f.file_id, f.status, f.loaded])).toEqual([[1, 'loaded', 1], [2, 'released', 2]]);
  });

  // A quarantined file repeating an id inside itself (its second B1 points at its first) whose
  // first occurrence turns out, on release, a duplicate of a later file's record: the repeat then
  // points at that record, the one holding the identity, not at a line that was never loaded.
  it('points a repeat inside a released file at the record holding the identity', async () => {
    const s = new Scratch();
    s.profile(withProfile({ trailer: { match: '^Tổng', count: { regex: '(\\d+) giao dịch' } } }));
    s.file('T_1.csv', [HEADER, row('A1', '1.000'), row('B1', '2.000'), row('B1', '2.000'), 'Tổng: 2 giao dịch'].join('\n') + '\n');
    s.file('T_2.csv', [HEADER, row('B1', '2.000'), row('C1', '4.000'), 'Tổng: 2 giao dịch'].join('\n') + '\n');
    const db = join(s.dir, 'x.duckdb');
    expect((await recon('ingest', '--db', db, '--profiles', s.profiles, s.files)).status).toBe(0);
    const released = await recon('files', 'release', '1', '--by', 'An', '--reason', 'count mistyped by the bank', '--db', db, '--json');
    expect(released.status, released.stderr).toBe(0);
    expect(JSON.parse(released.stdout)).toMatchObject({ records_loaded: 1, records_duplicate: 2 });
    const { Database } = await import('../../src/db/database.ts');
    const d = await Database.open({ path: db });
    try {
      expect(await d.all('SELECT file_id, line_no, txn_ref, first_file_id, first_line_no FROM duplicate_records ORDER BY file_id, line_no')).toEqual([
        { file_id: 1n, line_no: 3n, txn_ref: 'B1', first_file_id: 2n, first_line_no: 2n },
        { file_id: 1n, line_no: 4n, txn_ref: 'B1', first_file_id: 2n, first_line_no: 2n },
      ]);
      expect(await d.all('SELECT file_id, line_no, txn_ref FROM payments ORDER BY payment_id')).toEqual([
        { file_id: 2n, line_no: 2n, txn_ref: 'B1' }, { file_id: 2n, line_no: 3n, txn_ref: 'C1' }, { file_id: 1n, line_no: 2n, txn_ref: 'A1' },
      ]);
    } finally {
      d.close();
    }
  });
});
