// A fourth sweep of partner file shapes (tests/ingest/fixtures/sweep4; the files are written by its
// gen.mts), each with a profile written from the README alone, and the defects the sweep found.
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { HEADER, Scratch, openTestDb, withProfile } from './helpers.ts';

async function ingest(s: Scratch) {
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  return { db, summary };
}

describe('a trailer written with Excel text formulas', () => {
  it('reads a total row\'s ="2" and ="1.750.000" as the records\' ="…" fields are read, instead of failing the file', async () => {
    const s = new Scratch();
    s.profile(withProfile({ trailer: { match: '^Tổng cộng,', count: { field: 2 }, amount: { field: 5 } } }));
    s.file('T_1.csv', [
      HEADER,
      '="0000123",27/10/2026 08:15:00,="PE0100123456",TT tien dien,="1.250.000"',
      '="0000124",27/10/2026 09:30:00,="PD0100000001",,="500.000"',
      'Tổng cộng,="2",,,="1.750.000"',
      '',
    ].join('\r\n'));
    const { db, summary } = await ingest(s);
    expect(summary.files.map((f) => [f.status, f.records_read, f.records_loaded])).toEqual([['loaded', 2, 2]]);
    expect(await db.all('SELECT control_count, control_amount FROM source_files')).toEqual([{ control_count: 2n, control_amount: 1750000n }]);
    expect(await db.all('SELECT txn_ref, amount_vnd FROM payments ORDER BY line_no')).toEqual([{ txn_ref: '0000123', amount_vnd: 1250000n }, { txn_ref: '0000124', amount_vnd: 500000n }]);
    db.close();
  });
});
