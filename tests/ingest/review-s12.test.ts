// Review of session 12's ingest changes, written from DOMAIN.md and README "Ingest":
//  - a column_count reject of a record with more fields than the header counts its fields
//    (ingest_field_count): whatever the profile's quote character, the message is written and the
//    file is accounted for, never failed as a whole.
import { afterEach, describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { MORE_FIELDS_HINT } from '../../src/ingest/overflow.ts';
import { HEADER, Scratch, openTestDb, withProfile } from './helpers.ts';

const directMb = process.env.RECON_INGEST_DIRECT_MB;
afterEach(() => {
  if (directMb === undefined) delete process.env.RECON_INGEST_DIRECT_MB;
  else process.env.RECON_INGEST_DIRECT_MB = directMb;
});

async function ingest(s: Scratch) {
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  return { db, summary };
}

describe('a record with more fields than the header, in a file quoting with a character regular expressions reserve', () => {
  it.each([['staging copy', undefined], ['direct path', '0']])('is a column_count reject counting its fields, the file loaded (%s)', async (_name, mb) => {
    if (mb === undefined) delete process.env.RECON_INGEST_DIRECT_MB;
    else process.env.RECON_INGEST_DIRECT_MB = mb;
    const s = new Scratch();
    s.profile(withProfile({ format: { type: 'delimited', delimiter: ',', quote: '^' } }));
    s.file('T_1.csv', [
      HEADER,
      'A1,27/10/2026 08:15:00,PE0100123456,^TT, tien dien^,1.250.000',
      'A2,27/10/2026 08:15:00,PE0100123456,^TT, tien dien^,1.250.000,x,y', // 7 fields, a quoted comma counted once
      '',
    ].join('\n'));
    const { db, summary } = await ingest(s);
    expect(summary.files.map((f) => [f.status, f.records_read, f.records_loaded, f.records_rejected])).toEqual([['loaded', 2, 1, 1]]);
    const rejects = await db.all<{ message: string }>('SELECT message FROM rejects ORDER BY line_no');
    expect(rejects.map((r) => r.message.slice(r.message.lastIndexOf('/') + 1))).toEqual([
      `T_1.csv, line 3: found 7 columns, expected 5 (ref, time, customer, memo, amount)${MORE_FIELDS_HINT}`,
    ]);
    db.close();
  });
});
