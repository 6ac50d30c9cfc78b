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

describe('a file of several batches, each with its own batch trailer', () => {
  const profile = withProfile({
    file_patterns: ['N_*.txt'],
    format: { type: 'delimited', delimiter: '|', quote: '' },
    header: { type: 'none', columns: ['type', 'ref', 'time', 'customer', 'amount'] },
    record_types: { detail: ['D'], header: ['FH', 'BH'], trailer: ['FT'] },
    skip: ['^BT\\|'],
    trailer: { count: { field: 2 }, amount: { field: 3 } },
    fields: { txn_ref: { column: 'ref' }, paid_at: { column: 'time', format: 'YYYYMMDDHHmmss' }, amount: { column: 'amount' }, customer_code: { column: 'customer' } },
  });
  const text = [
    'FH|NAPAS|20261027',
    'BH|001',
    'D|001000001|20261027081500|PD0100000001|1250000',
    'D|001000002|20261027093000|PD0100000002|500000',
    'BT|001|2|1750000',
    'BH|002',
    'D|002000001|20261027101500|PE0100123456|842300',
    'BT|002|1|842300',
    'X|unknown',
    'FT|4|2592300',
    '',
  ].join('\n');
  it.each([['staging copy', undefined], ['direct path', '0']])('skips the batch trailers a skip pattern names instead of rejecting their record type (%s)', async (_name, directMb) => {
    const saved = process.env.RECON_INGEST_DIRECT_MB;
    if (directMb === undefined) delete process.env.RECON_INGEST_DIRECT_MB;
    else process.env.RECON_INGEST_DIRECT_MB = directMb;
    try {
      const s = new Scratch();
      s.profile(profile);
      s.file('N_1.txt', text);
      const { db, summary } = await ingest(s);
      // the X line is still an unknown record type: a record, rejected, counted by the trailer
      expect(summary.files.map((f) => [f.status, f.records_read, f.records_loaded, f.records_rejected])).toEqual([['loaded', 4, 3, 1]]);
      expect(await db.all('SELECT line_no, txn_ref FROM payments ORDER BY line_no')).toEqual([
        { line_no: 3n, txn_ref: '001000001' }, { line_no: 4n, txn_ref: '001000002' }, { line_no: 7n, txn_ref: '002000001' },
      ]);
      expect(await db.all('SELECT line_no, reason, value FROM rejects')).toEqual([{ line_no: 9n, reason: 'unknown_code', value: 'X' }]);
      expect(await db.all('SELECT control_count, control_amount, rejected_amount FROM source_files')).toEqual([{ control_count: 4n, control_amount: 2592300n, rejected_amount: 0n }]);
      db.close();
    } finally {
      if (saved === undefined) delete process.env.RECON_INGEST_DIRECT_MB;
      else process.env.RECON_INGEST_DIRECT_MB = saved;
    }
  });
});

describe('a trailer counting a row sent twice once', () => {
  it('quarantines the file (a trailer counts every record, DOMAIN) and says the difference is its duplicate records', async () => {
    const s = new Scratch();
    s.profile(withProfile({ trailer: { match: '^TONG,', count: { field: 2 }, amount: { field: 5 } } }));
    s.file('T_1.csv', [HEADER, 'A1,27/10/2026 08:15:00,PE0100123456,,1.250.000', 'A2,27/10/2026 09:30:00,PD0100000001,,500.000', 'A2,27/10/2026 09:30:00,PD0100000001,,500.000', 'TONG,2,,,1.750.000', ''].join('\n'));
    s.file('T_2.csv', [HEADER, 'B1,27/10/2026 08:15:00,PE0100123456,,1.250.000', 'B2,27/10/2026 09:30:00,PD0100000001,,500.000', 'TONG,3,,,1.750.000', ''].join('\n'));
    const { db, summary } = await ingest(s);
    expect(summary.files.map((f) => [f.status, f.records_read, f.records_duplicate])).toEqual([['quarantined', 3, 1], ['quarantined', 2, 0]]);
    const reasons = await db.all<{ status_reason: string }>('SELECT status_reason FROM source_files ORDER BY file_id');
    expect(reasons.map((r) => r.status_reason.slice(r.status_reason.lastIndexOf('/') + 1))).toEqual([
      'T_1.csv, line 5: trailer states 2 records, the file has 3, 1 of them a duplicate record (an identity listed or loaded before): the trailer seems to count each transaction once, but it counts every record the file lists, duplicates included',
      'T_2.csv, line 4: trailer states 3 records, the file has 2', // a count that differs otherwise says nothing more
    ]);
    expect(await db.all("SELECT reason FROM file_events WHERE action = 'quarantined' ORDER BY file_id")).toEqual(reasons.map((r) => ({ reason: r.status_reason })));
    db.close();
  });
});
