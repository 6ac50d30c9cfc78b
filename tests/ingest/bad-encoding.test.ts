// A UTF-8 partner file in which a few lines hold bytes that are not UTF-8 (a memo pasted from a
// Windows-1258 source, a byte damaged in transfer): those records are bad_encoding rejects and the
// rest loads, in place or staged; a file with no well-formed UTF-8 accented text, or bad bytes on
// half its lines, fails whole, since its profile's encoding is what is wrong.
import { describe, expect, it } from 'vitest';
import { readSourceRecord } from '../../src/match/source-record.ts';
import { loadProfiles } from '../../src/ingest/index.ts';
import { HEADER, SWEEP_MODES, Scratch, encodeWindows1258, ingestScratch, restoreIngestEnvAfterEach, withProfile } from './helpers.ts';

restoreIngestEnvAfterEach();

const utf8 = (text: string) => Buffer.from(text, 'utf8');
/** A line whose memo is written in Windows-1258 inside an otherwise UTF-8 file. */
const cp1258Line = (head: string, memo: string, tail: string) => Buffer.concat([utf8(head), encodeWindows1258(memo), utf8(tail)]);

const GOOD = [
  'A1,01/03/2026 08:00:00,PE0100123456,Tiền điện tháng 2,1.250.000',
  'A2,01/03/2026 09:00:00,PD0100000001,Thanh toán QR,500.000',
  'A4,01/03/2026 11:00:00,PE0100123457,TIEN DIEN,300.000',
];

function fileWithBadLine(trailer = ''): Buffer {
  return Buffer.concat([
    utf8(`${HEADER}\n${GOOD[0]}\n${GOOD[1]}\n`),
    cp1258Line('A3,01/03/2026 10:00:00,PE0100123456,', 'Tiền điện', ',5.000\n'),
    utf8(`${GOOD[2]}\n${trailer}`),
  ]);
}

async function ingest(content: Buffer, env: Record<string, string>, profile: Record<string, unknown> = withProfile({})) {
  const s = new Scratch();
  s.profile(profile);
  const path = s.file('T_1.csv', content);
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  const db = await ingestScratch(s, 'RECON_INGEST_BATCH_MB', env.RECON_INGEST_BATCH_MB);
  const file = await db.one<{ status: string; message: string | null; records_read: bigint; records_loaded: bigint; records_rejected: bigint; rejected_amount: bigint | null }>(
    'SELECT status, status_reason AS message, records_read, records_loaded, records_rejected, rejected_amount FROM source_files',
  );
  const rejects = await db.all<{ line_no: bigint; reason: string; message: string; raw: string }>('SELECT line_no, reason, message, raw FROM rejects ORDER BY line_no');
  const payments = await db.all<{ txn_ref: string; line_no: bigint; memo: string }>('SELECT txn_ref, line_no, memo FROM payments ORDER BY line_no');
  return { s, path, db, file: file!, rejects, payments };
}

describe('bytes that are not UTF-8 on some lines of a UTF-8 file', () => {
  for (const [mode, env] of SWEEP_MODES) {
    it(`rejects the record holding them and loads the rest (${mode})`, async () => {
      const r = await ingest(fileWithBadLine(), env);
      expect(r.file).toMatchObject({ status: 'loaded', records_read: 4n, records_loaded: 3n, records_rejected: 1n });
      expect(r.rejects).toHaveLength(1);
      expect(r.rejects[0]).toMatchObject({ line_no: 4n, reason: 'bad_encoding' });
      expect(r.rejects[0]!.message).toMatch(/T_1\.csv, line 4: byte 0x[0-9a-f]{2} at byte 39 of the line is not valid UTF-8 \(shown as U\+FFFD in raw\), expected UTF-8 text/);
      expect(r.rejects[0]!.raw).toMatch(/^A3,01\/03\/2026 10:00:00,PE0100123456,Ti\uFFFD.*,5\.000$/);
      expect(r.payments).toEqual([
        { txn_ref: 'A1', line_no: 2n, memo: 'Tiền điện tháng 2' },
        { txn_ref: 'A2', line_no: 3n, memo: 'Thanh toán QR' },
        { txn_ref: 'A4', line_no: 5n, memo: 'TIEN DIEN' },
      ]);
      // The same folder again changes nothing.
      const { ingestFiles } = await import('../../src/ingest/index.ts');
      const { Run } = await import('../../src/runs/ledger.ts');
      const run = await Run.start(r.db, 'test', {}, r.s.dir);
      await ingestFiles(r.db, run, [r.s.files], { profiles: loadProfiles(r.s.profiles) });
      expect(await r.db.one('SELECT count(*) AS n FROM payments')).toEqual({ n: 3n });
      expect(await r.db.one('SELECT count(*) AS n FROM rejects')).toEqual({ n: 1n });
      r.db.close();
    });
  }

  it('counts the rejected record against the trailer, whose sum difference is the rejected amount', async () => {
    const r = await ingest(fileWithBadLine('Tổng,4,,,2.055.000\n'), {}, withProfile({ trailer: { match: '^Tổng', count: { field: 2 }, amount: { field: 5 } } }));
    expect(r.file).toMatchObject({ status: 'loaded', records_read: 4n, records_rejected: 1n, rejected_amount: 5000n });
    r.db.close();
  });

  it('names the line inside a quoted multi-line record that holds the bad byte, and rejects the record from its first line', async () => {
    const content = Buffer.concat([
      utf8(`${HEADER}\n${GOOD[0]}\nA3,01/03/2026 10:00:00,PE0100123456,"Thanh toán\n`),
      cp1258Line('', 'kỳ 2', '",5.000\n'),
      utf8(`${GOOD[2]}\n`),
    ]);
    const r = await ingest(content, {});
    expect(r.rejects.map((x) => [x.line_no, x.reason])).toEqual([[3n, 'bad_encoding']]);
    expect(r.rejects[0]!.message).toMatch(/line 3: byte 0x[0-9a-f]{2} at byte 3 of the line is not valid UTF-8 \(on line 4, inside the record\)/);
    expect(r.payments.map((p) => [p.txn_ref, p.line_no])).toEqual([['A1', 2n], ['A4', 5n]]);
    r.db.close();
  });

  it('shows a loaded record after the bad line in explain, read from the file', async () => {
    const r = await ingest(fileWithBadLine(), {});
    const profile = loadProfiles(r.s.profiles).find((p) => p.id === 'bank-t')!;
    const source = await readSourceRecord(r.path, 5, 'A4', async () => ({ profile }));
    expect(source.raw).toBe(GOOD[2]);
    r.db.close();
  });

  it('fails a file whose only bytes above ASCII are not UTF-8: another encoding, the profile to fix', async () => {
    const content = Buffer.concat([utf8(`${HEADER}\n${GOOD[2]}\n`), cp1258Line('A3,01/03/2026 10:00:00,PE0100123456,', 'Tiền điện', ',5.000\n')]);
    const r = await ingest(content, {});
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/T_1\.csv, line 3: byte 0x[0-9a-f]{2} is not valid UTF-8, expected UTF-8 text as the profile declares \(is the file Windows-1258, UTF-16 or binary\?\); 1 of its 3 line\(s\) hold bytes that are not UTF-8 and none holds a well-formed UTF-8 accented character, so the whole file is in another encoding: fix "encoding" in the profile/);
    expect(r.payments).toEqual([]);
    r.db.close();
  });

  it('reads a file starting with a UTF-8 byte-order mark as UTF-8 even without accented text: its bad lines are rejected, as windows-1258 would refuse the mark', async () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(`${HEADER}\n${GOOD[2]}\n`), cp1258Line('A3,01/03/2026 10:00:00,PE0100123456,', 'Tiền điện', ',5.000\n')]);
    const r = await ingest(content, {});
    expect(r.file).toMatchObject({ status: 'loaded', records_read: 2n, records_loaded: 1n, records_rejected: 1n });
    expect(r.rejects.map((x) => [x.line_no, x.reason])).toEqual([[3n, 'bad_encoding']]);
    r.db.close();
  });

  it('fails a file with bad bytes on half its lines, accented UTF-8 on others', async () => {
    const bad = (n: number) => cp1258Line(`B${n},01/03/2026 10:00:00,PE0100123456,`, 'Tiền điện', ',5.000\n');
    const r = await ingest(Buffer.concat([utf8(`${HEADER}\n${GOOD[0]}\n`), bad(1), bad(2), bad(3), utf8(`${GOOD[1]}\n`)]), {});
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/line 3: byte .* is not valid UTF-8.*; 3 of its 6 line\(s\) hold bytes that are not UTF-8, too many to reject them record by record/);
    r.db.close();
  });

  it('fails a file whose header line holds the bad byte, naming it', async () => {
    const content = Buffer.concat([cp1258Line('ref,time,customer,', 'memo', ',amount\n'), utf8(`${GOOD[0]}\n${GOOD[1]}\n${GOOD[2]}\n`)]);
    // "memo" has no accent: make the header hold one byte that is not UTF-8 instead.
    content[content.indexOf('memo')] = 0xe0;
    const r = await ingest(content, {});
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/T_1\.csv, line 1: the header line's byte 0xe0 at byte 19 of the line is not valid UTF-8, so its column names cannot be read/);
    r.db.close();
  });
});
