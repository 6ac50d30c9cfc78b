// Review of the quoted exports with an escape other than the quote (MySQL's INTO OUTFILE … ENCLOSED
// BY '"' ESCAPED BY '\\'): read in place and staged alike, and the escape before a line break read
// as a line break outside quotes too, as README "Quoted exports with an escape" says.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { splitRecords, type RecordLayout } from '../../src/ingest/records.ts';
import { ingestScratch, Scratch, withProfile } from './helpers.ts';

const B = '\\';
const QUOTED = { type: 'delimited', delimiter: ',', quote: '"', escape: B };
const t = '27/10/2026 08:15:00';
const HEADER = 'ref,time,customer,memo,amount';

const dbs: Database[] = [];
afterEach(() => {
  delete process.env.RECON_INGEST_DIRECT_MB;
  for (const db of dbs.splice(0)) db.close();
});

/** The file ingested staged and read in place (scanned for the direct path first). */
async function bothWays(profile: Record<string, unknown>, content: string) {
  const out = [];
  for (const directMb of [undefined, '0']) {
    const s = new Scratch();
    s.profile(profile);
    s.file('T_1.csv', content);
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
    dbs.push(db);
    out.push({
      files: await db.all('SELECT status, records_read, records_loaded, records_rejected, records_duplicate FROM source_files'),
      payments: await db.all('SELECT line_no, txn_ref, amount_vnd, memo FROM payments ORDER BY line_no'),
      rejects: await db.all('SELECT line_no, reason FROM rejects ORDER BY line_no'),
    });
  }
  return out;
}

describe('a quoted file with a backslash escape', () => {
  it('reads every record in place as staged when a skipped line holds an escaped quote (the reader, given the quote as escape, read on past its line end)', async () => {
    const profile = withProfile({ format: QUOTED, skip: ['^"Ghi chu'] });
    const content = [HEADER, `A1,${t},PE0100123456,x,1.000`, `"Ghi chu: \\"",`, `A2,${t},PE0100123457,y,2.000`, `A3,${t},PE0100123458,z,3.000`].join('\n') + '\n';
    const [staged, inPlace] = await bothWays(profile, content);
    const expected = {
      files: [{ status: 'loaded', records_read: 3n, records_loaded: 3n, records_rejected: 0n, records_duplicate: 0n }],
      payments: [
        { line_no: 2n, txn_ref: 'A1', amount_vnd: 1000n, memo: 'x' },
        { line_no: 4n, txn_ref: 'A2', amount_vnd: 2000n, memo: 'y' },
        { line_no: 5n, txn_ref: 'A3', amount_vnd: 3000n, memo: 'z' },
      ],
      rejects: [],
    };
    expect(staged).toEqual(expected);
    expect(inPlace).toEqual(expected);
  });

  it('reads the escape before a line break outside quotes as a line break (LF and CR LF), the record on the line where it starts', async () => {
    const profile = withProfile({ format: QUOTED });
    for (const eol of ['\n', '\r\n']) {
      const content = [HEADER, `A1,${t},PE0100123456,dong 1${B}`, `dong 2,1.000`, `A2,${t},PE0100123457,C:${B}${B}`.replace(/$/, ',2.000'), `A3,${t},PE0100123458,z,3.000`].join(eol) + eol;
      const [staged, inPlace] = await bothWays(profile, content);
      const expected = {
        files: [{ status: 'loaded', records_read: 3n, records_loaded: 3n, records_rejected: 0n, records_duplicate: 0n }],
        payments: [
          { line_no: 2n, txn_ref: 'A1', amount_vnd: 1000n, memo: 'dong 1\ndong 2' },
          { line_no: 4n, txn_ref: 'A2', amount_vnd: 2000n, memo: 'C:\\' },
          { line_no: 5n, txn_ref: 'A3', amount_vnd: 3000n, memo: 'z' },
        ],
        rejects: [],
      };
      expect(staged, JSON.stringify(eol)).toEqual(expected);
      expect(inPlace, JSON.stringify(eol)).toEqual(expected);
    }
  });

  it('splits at an odd run of escapes before an unquoted line end only, in chunks of any size', async () => {
    const layout = { format: QUOTED, header: { type: 'names' }, skip: [] } as unknown as RecordLayout;
    const text = ['a,b', `1,x${B}`, 'y', `2,z${B}${B}`, `"w${B}${B}",v${B}${B}${B}`, 'u', '4,e'].join('\n') + '\n';
    for (let size = 1; size <= 12; size++) {
      const staged: string[] = [];
      const out = { put: (prefix: string, src: Buffer, start: number, end: number) => staged.push(prefix + src.toString('utf8', start, end)) };
      const split = await splitRecords((async function* () {
        const b = Buffer.from(text);
        for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
      })(), layout, 'T.csv', out as never, 1);
      expect(split.rejects, `chunks of ${size}`).toEqual([]);
      expect(staged, `chunks of ${size}`).toEqual(['1,2,1,"x\ny"', '1,4,2,z\\', '1,5,w\\,"v\\\nu"', '1,7,4,e']);
    }
  });

  it('reads a trailer line as its records are read: a quoted field ending in an escaped backslash closes there', async () => {
    // "TONG C:\\" is one field, TONG C:\; Papa read on through the next delimiter, so the count was no number.
    const profile = withProfile({ format: QUOTED, trailer: { match: '^"TONG', count: { field: 2 }, amount: { field: 5 } } });
    const content = [HEADER, `A1,${t},PE0100123456,x,1.000`, `A2,${t},PE0100123457,"y ${B}"z${B}"",2.000`, `"TONG C:${B}${B}",2,,,3.000`].join('\n') + '\n';
    const [staged, inPlace] = await bothWays(profile, content);
    const expected = {
      files: [{ status: 'loaded', records_read: 2n, records_loaded: 2n, records_rejected: 0n, records_duplicate: 0n }],
      payments: [
        { line_no: 2n, txn_ref: 'A1', amount_vnd: 1000n, memo: 'x' },
        { line_no: 3n, txn_ref: 'A2', amount_vnd: 2000n, memo: 'y "z"' },
      ],
      rejects: [],
    };
    expect(staged).toEqual(expected);
    expect(inPlace).toEqual(expected);
  });
});

describe('a trailer count that takes in the header and trailer lines', () => {
  const profile = (amount: boolean) => withProfile({
    format: { type: 'delimited', delimiter: '|', quote: '' }, header: { type: 'none', columns: ['type', 'ref', 'time', 'customer', 'amount'] },
    record_types: { detail: ['D'], header: ['H'], trailer: ['T'] },
    trailer: amount ? { count: { field: 2 }, amount: { field: 3 } } : { count: { field: 2 } },
    fields: { txn_ref: { column: 'ref' }, paid_at: { column: 'time', format: 'YYYYMMDDHHmmss' }, amount: { column: 'amount' }, customer_code: { column: 'customer' } },
  });
  const reason = async (p: Record<string, unknown>, lines: string[]) => {
    const s = new Scratch();
    s.profile(p);
    s.file('T_1.csv', lines.join('\n') + '\n');
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', undefined);
    dbs.push(db);
    const row = (await db.one<{ status: string; status_reason: string }>('SELECT status, status_reason FROM source_files'))!;
    return { ...row, status_reason: row.status_reason.slice(row.status_reason.indexOf('T_1.csv')) };
  };
  const details = ['D|A1|20261027081500|PE0100123456|1000', 'D|A2|20261027091500|PE0100123457|2000', 'D|A3|20261027101500|PE0100123458|3000'];

  it('says so when the stated sum is the records\' sum, so no record is missing', async () => {
    const r = await reason(profile(true), ['H|X', ...details, 'T|5|6000']);
    expect(r.status).toBe('quarantined');
    expect(r.status_reason).toBe("T_1.csv, line 5: trailer states 5 records, the file has 3, and 2 header and trailer lines besides, and the records sum to the stated total: the trailer counts the file's lines, but it must count its records only");
  });

  it('gives no such hint when the stated sum says records are missing (two records of 4.000 and 5.000 lost in transfer)', async () => {
    const r = await reason(profile(true), ['H|X', ...details, 'T|5|15000']);
    expect(r.status_reason).toBe('T_1.csv, line 5: trailer states 5 records, the file has 3');
  });

  it('names both readings when the trailer states no sum', async () => {
    const r = await reason(profile(false), ['H|X', ...details, 'T|5']);
    expect(r.status_reason).toBe("T_1.csv, line 5: trailer states 5 records, the file has 3, and 2 header and trailer lines besides: the trailer may count the file's lines (it must count its records only), or 2 records are missing");
  });
});
