// explain's raw row is the record exactly as ingest split it: read with the partner's profile
// (encoding, delimiter, quote, escape, fixed width) by ingest's own splitter. Before, explain joined
// lines while a `"` opened after , ; tab | was unclosed and guessed the encoding line by line (UTF-8,
// else Windows-1258): every case below showed another text than the record.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { explainPayment } from '../../src/match/explain.ts';
import { readSourceLine } from '../../src/match/source-line.ts';
import { encodeWindows1258, openTestDb, Scratch, withProfile } from '../ingest/helpers.ts';

const TIME = '05/03/2026 10:00:00';
const dbs: Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

/** Ingests `content` as `name` with `profile`, then explains `txnRef`: the source of its record, and the file's path. */
async function explained(profile: Record<string, unknown>, name: string, content: string | Buffer, txnRef: string, mutate?: (s: Scratch) => void) {
  const s = new Scratch();
  s.profile(profile);
  const path = s.file(name, content);
  const { db, run } = await openTestDb();
  dbs.push(db);
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  expect(summary.files.map((f) => f.status)).toEqual(['loaded']);
  mutate?.(s);
  const e = await explainPayment(db, { partnerId: 'bank-t', txnRef }, { profiles: s.profiles });
  expect(e, `payment ${txnRef} loaded`).toBeDefined();
  return { source: e!.records[0]!.source, path };
}

describe("recon explain's raw row, read with the partner's profile", () => {
  it("joins a memo's line break inside a ' quote, and not at a \" that is text", async () => {
    const p = withProfile({ format: { type: 'delimited', delimiter: ',', quote: "'" } });
    const file = ['ref,time,customer,memo,amount', `A1,${TIME},PE0100123456,'Tiền điện, kỳ 03`, `nhà 12" B',1.000`, `A2,${TIME},PE0100123457,"x,2.000`, `A3,${TIME},PE0100123458,y,3.000`].join('\n');
    const one = await explained(p, 'T_1.csv', file, 'A1');
    expect(one.source).toMatchObject({ line: 2, raw: `A1,${TIME},PE0100123456,'Tiền điện, kỳ 03\nnhà 12" B',1.000` });
    expect(one.source.note).toBeUndefined();
    expect(await readSourceLine(one.path, 2)).toBe(`A1,${TIME},PE0100123456,'Tiền điện, kỳ 03`); // the old reading
    // A " opening a field is text here: the record is its one line (the old reading ran on to the end).
    const two = await explained(p, 'T_1.csv', file, 'A2');
    expect(two.source).toMatchObject({ line: 4, raw: `A2,${TIME},PE0100123457,"x,2.000` });
  });

  for (const delimiter of ['^', '#']) {
    it(`joins a quoted memo's line break in a ${delimiter}-delimited file`, async () => {
      const p = withProfile({ format: { type: 'delimited', delimiter, quote: '"' } });
      const row = (...f: string[]) => f.join(delimiter);
      const file = [row('ref', 'time', 'customer', 'memo', 'amount'), row('B1', TIME, 'PE0100123456', '"Tiền điện', 'kỳ 03"', '1.000').replace(`${delimiter}kỳ`, '\nkỳ'), row('B2', TIME, 'PE0100123457', 'ok', '2.000')].join('\r\n');
      const { source, path } = await explained(p, 'T_1.csv', file, 'B1');
      expect(source).toMatchObject({ line: 2, raw: `B1${delimiter}${TIME}${delimiter}PE0100123456${delimiter}"Tiền điện\nkỳ 03"${delimiter}1.000` });
      expect(await readSourceLine(path, 2)).toBe(`B1${delimiter}${TIME}${delimiter}PE0100123456${delimiter}"Tiền điện`);
    });
  }

  it('reads an unquoted file (quote "") whose memo starts with a " as one line', async () => {
    const p = withProfile({ format: { type: 'delimited', delimiter: ';', quote: '' } });
    const file = ['ref;time;customer;memo;amount', `C1;${TIME};PE0100123456;"gấp;1.000`, `C2;${TIME};PE0100123457;ok;2.000`].join('\n');
    const { source, path } = await explained(p, 'T_1.csv', file, 'C1');
    expect(source).toMatchObject({ line: 2, raw: `C1;${TIME};PE0100123456;"gấp;1.000` });
    expect(await readSourceLine(path, 2)).not.toBe(source.raw);
  });

  it('never joins a fixed-width line starting with " to the lines after it', async () => {
    const p = withProfile({
      file_patterns: ['T_*.txt'],
      format: { type: 'fixed_width', columns: [
        { name: 'name', start: 1, width: 10 }, { name: 'ref', start: 11, width: 4 }, { name: 'date', start: 15, width: 8 },
        { name: 'customer', start: 23, width: 12 }, { name: 'amount', start: 35, width: 8 },
      ] },
      header: { type: 'none', columns: ['name', 'ref', 'date', 'customer', 'amount'] },
      fields: { txn_ref: { column: 'ref' }, paid_at: { column: 'date', format: 'YYYYMMDD' }, amount: { column: 'amount' }, customer_code: { column: 'customer' } },
    });
    const lines = ['"SAO VIET F001' + '20260305PE0100123456' + '    1000', 'CTY AN    F002' + '20260305PE0100123457' + '    2000'];
    const { source, path } = await explained(p, 'T_1.txt', lines.join('\n') + '\n', 'F001');
    expect(source).toMatchObject({ line: 1, raw: lines[0] });
    expect(await readSourceLine(path, 1)).toBe(lines.join('\n'));
  });

  it('joins a MySQL INTO OUTFILE line break (backslash + LF) of an unquoted file', async () => {
    const p = withProfile({ file_patterns: ['T_*.txt'], format: { type: 'delimited', delimiter: '\t', quote: '', escape: '\\' } });
    const row = (...f: string[]) => f.join('\t');
    const file = [row('ref', 'time', 'customer', 'memo', 'amount'), row('M1', TIME, 'PE0100123456', 'dong 1\\'), row('dong 2', '1.000'), row('M2', TIME, 'PE0100123457', 'x', '2.000')].join('\n') + '\n';
    const { source, path } = await explained(p, 'T_1.txt', file, 'M1');
    expect(source).toMatchObject({ line: 2, raw: `M1\t${TIME}\tPE0100123456\tdong 1\\\ndong 2\t1.000` });
    expect(await readSourceLine(path, 2)).toBe(`M1\t${TIME}\tPE0100123456\tdong 1\\`);
    const next = await explained(p, 'T_1.txt', file, 'M2');
    expect(next.source).toMatchObject({ line: 4, raw: `M2\t${TIME}\tPE0100123457\tx\t2.000` });
  });

  it('decodes a UTF-16BE file (byte-order mark FE FF)', async () => {
    const p = withProfile({ file_patterns: ['T_*.txt'], encoding: 'utf-16be', format: { type: 'delimited', delimiter: '\t', quote: '"' } });
    const lines = ['ref\ttime\tcustomer\tmemo\tamount', `U1\t${TIME}\tPE0100123456\t"Tiền điện\nkỳ 03"\t1.000`, `U2\t${TIME}\tPE0100123457\tNguyễn\t2.000`];
    const le = Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf16le');
    const be = Buffer.from(le).swap16();
    const one = await explained(p, 'T_1.txt', be, 'U1');
    expect(one.source).toMatchObject({ line: 2, raw: lines[1] });
    expect(await readSourceLine(one.path, 2)).not.toBe(lines[1]);
    const two = await explained(p, 'T_1.txt', be, 'U2');
    expect(two.source).toMatchObject({ line: 4, raw: lines[2] });
  });

  it('decodes a Windows-1258 line whose bytes are also valid UTF-8 as Windows-1258', async () => {
    const p = withProfile({ encoding: 'windows-1258' });
    // "Ă©" is C3 A9 in Windows-1258: as UTF-8, "é".
    const lines = ['ref,time,customer,memo,amount', `W1,${TIME},PE0100123456,CĂ© 12,1.000`, `W2,${TIME},PE0100123457,Tiền điện,2.000`];
    const bytes = encodeWindows1258(lines.join('\n') + '\n');
    const { source, path } = await explained(p, 'T_1.csv', bytes, 'W1');
    expect(source).toMatchObject({ line: 2, raw: lines[1] });
    expect(await readSourceLine(path, 2)).toBe(`W1,${TIME},PE0100123456,Cé 12,1.000`);
  });
});

describe("recon explain's raw row of a JSON file", () => {
  const json = withProfile({
    file_patterns: ['T_*.json'],
    format: { type: 'json', records: 'array' },
    fields: { txn_ref: { column: 'id' }, paid_at: { column: 'time', format: 'ISO' }, amount: { column: 'amount' }, customer_code: { column: 'customer' } },
  });
  const obj = (id: string, n: number) => `{"id":"${id}","time":"2026-03-05T10:00:00+07:00","customer":"PE010012345${n}","amount":${n}000}`;

  it('shows the object of the transaction among several on one line (a minified array), not the first or the whole line', async () => {
    const file = `[${obj('T1', 1)},${obj('T10', 2)},${obj('T2', 3)}]`;
    const { source } = await explained(json, 'T_1.json', file, 'T2');
    expect(source).toMatchObject({ line: 1, raw: obj('T2', 3) });
    const first = await explained(json, 'T_1.json', file, 'T1');
    expect(first.source).toMatchObject({ line: 1, raw: obj('T1', 1) });
  });

  it('shows a pretty-printed object over its lines', async () => {
    const pretty = JSON.stringify(JSON.parse(obj('P1', 4)), null, 2).replaceAll('\n', '\n  ');
    const file = `[\n  ${pretty},\n  ${obj('P2', 5)}\n]\n`;
    const { source } = await explained(json, 'T_1.json', file, 'P1');
    expect(source).toMatchObject({ line: 2, raw: pretty });
  });
});

describe("recon explain when the partner's profile is not the one the file was loaded with", () => {
  const p = withProfile({ format: { type: 'delimited', delimiter: ',', quote: "'" } });
  const file = ['ref,time,customer,memo,amount', `A1,${TIME},PE0100123456,'kỳ 03`, `nhà B',1.000`].join('\n');

  it('reads with the current profile when it changed since ingest, and says so', async () => {
    const { source } = await explained(p, 'T_1.csv', file, 'A1', (s) => s.profile({ ...p, name: 'Test bank (renamed)' }));
    expect(source).toMatchObject({ line: 2, raw: `A1,${TIME},PE0100123456,'kỳ 03\nnhà B',1.000` });
    expect(source.note).toMatch(/changed since bank-t's files were last ingested .*read with the current profile/);
  });

  it('falls back to reading without a profile when the current one splits no record there, saying so', async () => {
    // A preamble of 2 lines added since: line 2 is in the preamble, no record starts there.
    const { source } = await explained(p, 'T_1.csv', file, 'A1', (s) => s.profile({ ...p, preamble: { lines: 2 } }));
    expect(source.raw).toBe(`A1,${TIME},PE0100123456,'kỳ 03`);
    expect(source.note).toMatch(/changed since .*; no record starts on line 2 of the file as the profile bank-t splits it .*read without the profile/);
  });

  it('falls back when the profile no longer validates, saying so', async () => {
    const { source } = await explained(p, 'T_1.csv', file, 'A1', (s) => writeFileSync(join(s.profiles, 'bank-t.json'), '{'));
    expect(source.raw).toBe(`A1,${TIME},PE0100123456,'kỳ 03`);
    expect(source.note).toMatch(/bank-t\.json does not validate .*read without it/);
  });
});
