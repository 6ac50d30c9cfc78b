// A batch whose SQL fails while typing (here: amounts, each within the 10^15 đồng a record may
// carry, whose sum overflows BIGINT in the per-file accounting) must write nothing: its files are retried one by one, so the culprit alone fails and
// every other file, a skipped second delivery included, gets exactly one source_files row. A failed
// direct-path batch must not leave its view behind for the next batch's typing table.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { BASE_PROFILE, HEADER, ingestScratch, Scratch } from './helpers.ts';

// 9,300 records of just under 10^15 đồng sum beyond BIGINT (9.22 × 10^18).
const huge = '999.999.999.999.999';
const hugeRecords = Array.from({ length: 9300 }, (_, i) => `B${i + 1},01/02/2026 08:00:00,PE0100123456,QR,${huge}\n`).join('');

function scratch(): Scratch {
  const s = new Scratch();
  s.profile(BASE_PROFILE);
  const ok = `${HEADER}\nA1,01/02/2026 08:00:00,PE0100123456,QR,5.000\n`;
  s.file('T_1.csv', ok);
  s.file('T_1b.csv', ok);
  s.file('T_2.csv', `${HEADER}\n${hugeRecords}`);
  s.file('T_3.csv', `${HEADER}\nC1,01/02/2026 08:00:00,PE0100123456,QR,7.000\n`);
  return s;
}

async function tables(db: Database) {
  return {
    files: await db.all('SELECT file_id, file_name, status FROM source_files ORDER BY file_id'),
    payments: await db.all('SELECT payment_id, file_id, txn_ref FROM payments ORDER BY payment_id'),
    rejects: await db.all('SELECT * FROM rejects'),
    duplicates: await db.all('SELECT * FROM duplicate_records'),
  };
}

describe('a batch that fails while typing', () => {
  const dbs: Database[] = [];
  afterEach(() => {
    delete process.env.RECON_INGEST_DIRECT_MB;
    for (const db of dbs.splice(0)) db.close();
  });

  // 100000 MB: every file staged, one batch. 0.0001 MB (104 bytes): T_2 is read in place, a batch
  // of its own, and T_3 after it is staged again.
  it.each(['100000', '0.0001'])('writes nothing, and the files retried one by one give one row each (direct MB %s)', async (directMb) => {
    const db = await ingestScratch(scratch(), 'RECON_INGEST_DIRECT_MB', directMb);
    dbs.push(db);
    const t = await tables(db);
    expect(t.files).toEqual([
      { file_id: 1n, file_name: 'T_1.csv', status: 'loaded' },
      { file_id: 2n, file_name: 'T_1b.csv', status: 'skipped_duplicate' },
      { file_id: 3n, file_name: 'T_2.csv', status: 'failed' },
      { file_id: 4n, file_name: 'T_3.csv', status: 'loaded' },
    ]);
    expect(t.payments.map((p) => p.txn_ref)).toEqual(['A1', 'C1']);
    expect(t.rejects).toEqual([]);
    expect(t.duplicates).toEqual([]);
    const reason = await db.one<{ r: string }>('SELECT status_reason AS r FROM source_files WHERE file_id = 3');
    expect(reason!.r).toMatch(/T_2\.csv: could not be loaded: .*out of range/);
  });
});
