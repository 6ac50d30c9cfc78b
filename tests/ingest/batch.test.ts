// Batches: a run of one partner's files loaded by set-based statements must give exactly the
// tables of loading the same files one by one in listed order (RECON_INGEST_BATCH_MB=0 makes
// every batch one file), apart from payment_id numbering: repeats across files load once from the
// first file, a quarantined file contributes nothing to later files, the same bytes under
// another name are skipped_duplicate, an undecodable file fails alone, and a file with other
// columns starts a new batch.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { HEADER, ingestScratch, openTestDb, Scratch, withProfile } from './helpers.ts';
import { comparePaths } from '../../src/ingest/recognise.ts';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';

const trailer = (count: number, sum: string) => `Tổng cộng: ${count} giao dịch,,,,${sum}`;
const row = (ref: string, amount: string) => `${ref},01/02/2026 08:00:00,PE0100123456,QR,${amount}`;

function scratch(): Scratch {
  const s = new Scratch();
  s.profile(withProfile({ trailer: { match: '^Tổng cộng', count: { regex: '(\\d+) giao dịch' }, amount: { field: 5 } } }));
  const t1 = [HEADER, row('S1', '1.000'), row('S2', '2.000'), trailer(2, '3.000')].join('\n');
  s.file('T_1.csv', t1);
  // Quarantined (states 3 records, has 2): S3 must still load from T_4; S1 counts as seen.
  s.file('T_2.csv', [HEADER, row('S3', '3.000'), row('S1', '1.000'), trailer(3, '4.000')].join('\n'));
  // S2 repeats T_1's, S4 repeats itself, one bad amount (rejected amount reported).
  s.file('T_3.csv', [HEADER, row('S2', '2.000'), '', row('S4', '4.000'), row('S4', '4.000'), row('S9', '"12,3a4"'), trailer(4, '22.000')].join('\n'));
  s.file('T_4.csv', [HEADER, row('S3', '3.000'), trailer(1, '3.000')].join('\n'));
  s.file('T_5.csv', t1); // same bytes as T_1
  s.file('T_6.csv', Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x00, 0x0a]));
  // Other column order: a new batch, where S4 is still a duplicate of T_3's.
  s.file('T_7.csv', ['time,ref,customer,memo,amount', '01/02/2026 09:00:00,S4,PE0100123456,QR,4.000', '01/02/2026 09:00:00,S5,PE0100123456,QR,5.000', trailer(2, '9.000')].join('\n'));
  return s;
}

const ingestAll = (s: Scratch, batchMb: string | undefined) => ingestScratch(s, 'RECON_INGEST_BATCH_MB', batchMb);

async function tables(db: Database) {
  const q = (sql: string) => db.all(sql);
  return {
    files: await q(`SELECT file_id, file_name, status, records_read, records_loaded, records_rejected, records_duplicate, amount_read,
                           control_count, control_amount, rejected_amount, status_reason FROM source_files ORDER BY file_id`),
    payments: await q('SELECT file_id, line_no, txn_ref, kind, amount_vnd FROM payments ORDER BY file_id, line_no'),
    order: await q('SELECT file_id, line_no FROM payments ORDER BY payment_id'),
    rejects: await q('SELECT file_id, line_no, reason, message FROM rejects ORDER BY file_id, line_no'),
    duplicates: await q('SELECT * FROM duplicate_records ORDER BY file_id, line_no'),
    quarantined: await q('SELECT file_id, line_no, txn_ref FROM quarantined_payments ORDER BY file_id, line_no'),
  };
}

describe('batches', () => {
  afterEach(() => {
    delete process.env.RECON_INGEST_BATCH_MB;
  });

  it('give the tables of file-by-file loading in listed order', async () => {
    const s = scratch();
    const batched = await tables(await ingestAll(s, undefined));
    const single = await tables(await ingestAll(s, '0'));
    expect(batched).toEqual(single);

    const byName = Object.fromEntries(batched.files.map((f) => [f.file_name, f]));
    expect(byName['T_1.csv']).toMatchObject({ status: 'loaded', records_loaded: 2n });
    expect(byName['T_2.csv']).toMatchObject({ status: 'quarantined', records_read: 2n, records_loaded: 0n, records_duplicate: 1n });
    expect(byName['T_3.csv']).toMatchObject({ status: 'loaded', records_read: 4n, records_loaded: 1n, records_rejected: 1n, records_duplicate: 2n, rejected_amount: 12000n });
    expect(byName['T_4.csv']).toMatchObject({ status: 'loaded', records_loaded: 1n });
    expect(byName['T_5.csv']).toMatchObject({ status: 'skipped_duplicate', status_reason: `identical to file ${byName['T_1.csv']!.file_id} ${join(s.files, 'T_1.csv')}` });
    expect(byName['T_6.csv']).toMatchObject({ status: 'failed' });
    expect(byName['T_7.csv']).toMatchObject({ status: 'loaded', records_loaded: 1n, records_duplicate: 1n });
    expect(batched.payments.map((p) => p.txn_ref)).toEqual(['S1', 'S2', 'S4', 'S3', 'S5']);
    expect(batched.quarantined.map((p) => p.txn_ref)).toEqual(['S3', 'S1']);
    // T_3's second S4 (line 5) points at its first (line 4); its S2 at T_1's line 3.
    expect(batched.duplicates.filter((d) => d.file_id === byName['T_3.csv']!.file_id).map((d) => [d.line_no, d.first_file_id, d.first_line_no])).toEqual([
      [2n, byName['T_1.csv']!.file_id, 3n],
      [5n, byName['T_3.csv']!.file_id, 4n],
    ]);
    expect(batched.rejects).toEqual([expect.objectContaining({ file_id: byName['T_3.csv']!.file_id, line_no: 6n, reason: 'bad_amount', message: expect.stringContaining(`${join(s.files, 'T_3.csv')}, line 6, field amount`) })]);
  });
});

describe('the same files in another folder', () => {
  it('are skipped without a row: only the same bytes under another name are a second delivery, recorded once', async () => {
    // October's close reads close-10/, November's close-11/, which holds the files of the first
    // days of December again (T+n settlement); the resend (another name) was recorded once already.
    const s = new Scratch();
    s.profile(withProfile({}));
    const t1 = [HEADER, row('S1', '1.000')].join('\n');
    for (const dir of ['close-10', 'close-11']) {
      s.file(`${dir}/T_1.csv`, t1);
      s.file(`${dir}/T_1_resend.csv`, t1);
    }
    s.file('close-11/T_2.csv', [HEADER, row('S2', '2.000')].join('\n'));
    const { db, run } = await openTestDb();
    const profiles = loadProfiles(s.profiles);
    await ingestFiles(db, run, [join(s.files, 'close-10')], { profiles });
    const second = await ingestFiles(db, run, [join(s.files, 'close-11')], { profiles });
    expect(second.files.map((f) => [f.path.slice(s.files.length + 1), f.status])).toEqual([
      ['close-11/T_1.csv', 'skipped'],
      ['close-11/T_1_resend.csv', 'skipped'],
      ['close-11/T_2.csv', 'loaded'],
    ]);
    expect(await db.all('SELECT file_name, status FROM source_files ORDER BY file_id')).toEqual([
      { file_name: 'T_1.csv', status: 'loaded' },
      { file_name: 'T_1_resend.csv', status: 'skipped_duplicate' },
      { file_name: 'T_2.csv', status: 'loaded' },
    ]);
    // Two copies of one file in one run: the same delivery too.
    const again = new Scratch();
    again.profile(withProfile({}));
    again.file('a/T_3.csv', [HEADER, row('S3', '3.000')].join('\n'));
    again.file('b/T_3.csv', [HEADER, row('S3', '3.000')].join('\n'));
    const fresh = await openTestDb();
    await ingestFiles(fresh.db, fresh.run, [again.files], { profiles: loadProfiles(again.profiles) });
    expect(await fresh.db.all('SELECT file_name, status FROM source_files ORDER BY file_id')).toEqual([{ file_name: 'T_3.csv', status: 'loaded' }]);
    db.close();
    fresh.db.close();
  });
});

describe('file order', () => {
  it('puts a name before its copies, so the original loads and the copy is the skipped duplicate', () => {
    const files = ['/d/ACB_EVN_202702 (1).csv', '/d/ACB_EVN_202702.csv', '/d/ACB_EVN_202701.csv', '/d/ACB_EVN_202702 - Copy.csv', '/c/Z.csv'];
    expect([...files].sort(comparePaths)).toEqual(['/c/Z.csv', '/d/ACB_EVN_202701.csv', '/d/ACB_EVN_202702.csv', '/d/ACB_EVN_202702 (1).csv', '/d/ACB_EVN_202702 - Copy.csv']);
  });
});
