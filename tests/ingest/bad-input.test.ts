// The bad-input table of issue 4: each case gets a clear message and loses nothing else.
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { UsageError } from '../../src/errors.ts';
import { BASE_PROFILE, HEADER, Scratch, encodeWindows1258, ingestScratch, openTestDb, withProfile } from './helpers.ts';

const GOOD = [
  'A1,01/03/2026 08:00:00,PE0100123456,TIEN DIEN,1.250.000',
  'A2,01/03/2026 09:00:00,PD0100000001,QR,500.000',
];

async function ingestOne(lines: string[] | Buffer, profile: Record<string, unknown> = BASE_PROFILE) {
  const s = new Scratch();
  s.profile(profile);
  const path = s.file('T_1.csv', Array.isArray(lines) ? `${lines.join('\n')}\n` : lines);
  s.file('T_2.csv', `${HEADER}\nB1,02/03/2026 10:00:00,PE0100123456,OTHER FILE,100000\n`);
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  const file = summary.files.find((f) => f.path === path)!;
  const rejects = await db.all<{ line_no: bigint; field: string | null; value: string | null; reason: string; message: string; raw: string }>(
    'SELECT line_no, field, value, reason, message, raw FROM rejects ORDER BY line_no',
  );
  const payments = await db.all<{ txn_ref: string; line_no: bigint; amount_vnd: bigint; memo: string }>('SELECT txn_ref, line_no, amount_vnd, memo FROM payments ORDER BY payment_id');
  const other = summary.files.find((f) => f.path !== path)!;
  db.close();
  return { summary, file, rejects, payments, other };
}

describe('bad input', () => {
  it('records an empty file as failed, naming it, and still loads the next file', async () => {
    const r = await ingestOne(Buffer.alloc(0));
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/T_1\.csv: the file is empty/);
    expect(r.other.status).toBe('loaded');
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['B1']);
  });

  it('loads a header-only file with zero records and says so', async () => {
    const r = await ingestOne([HEADER]);
    expect(r.file.status).toBe('loaded');
    expect(r.file.records_read).toBe(0);
    expect(r.file.message).toMatch(/no records \(header only\)/);
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['B1']);
  });

  it('refuses a Windows-1258 file whose profile says UTF-8, naming the line', async () => {
    const bytes = encodeWindows1258(`${HEADER}\n${GOOD[0]}\nA3,01/03/2026 08:00:00,PE0100123456,Tiền điện,5.000\n`);
    const r = await ingestOne(bytes);
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/T_1\.csv, line 3: byte 0x[0-9a-f]{2} is not valid UTF-8, expected UTF-8 text/);
    expect(r.file.message).toMatch(/nothing loaded/);
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['B1']);
  });

  it('refuses a UTF-8 file whose profile says windows-1258', async () => {
    const r = await ingestOne([HEADER, 'A3,01/03/2026 08:00:00,PE0100123456,Tiền điện,5.000'], withProfile({ encoding: 'windows-1258' }));
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/is UTF-8 text, but its profile says windows-1258/);
  });

  it('reads a Windows-1258 file whose accented line is longer than a read after ASCII lines, not calling it UTF-8', async () => {
    // The first 4 MiB read holds the ASCII header line and the start of a 4.4 MB memo line: before,
    // the header alone was tested for UTF-8 (valid, as ASCII is) and the file failed as UTF-8 text.
    const memo = 'Nguyễn Thị Hương trả tiền điện; '.repeat(140_000);
    const bytes = encodeWindows1258(`${HEADER}\n${GOOD[0]}\nA3,01/03/2026 08:00:00,PE0100123456,${memo},5.000\n`);
    expect(bytes.length).toBeGreaterThan(4 * 2 ** 20);
    const r = await ingestOne(bytes, withProfile({ encoding: 'windows-1258' }));
    expect(r.file.message).toMatch(/T_1\.csv: 2 records read, 2 loaded, 0 rejected/);
    expect(r.file.status).toBe('loaded');
    expect(r.payments.find((p) => p.txn_ref === 'A3')?.memo).toBe(memo.trim());
  }, 60_000);

  it('rejects a truncated last record (quote never closed) and loads the rest', async () => {
    const r = await ingestOne(Buffer.from(`${HEADER}\n${GOOD.join('\n')}\nA3,01/03/2026 08:00:00,PE0100123456,"THANH TOAN`));
    expect(r.file.status).toBe('loaded');
    expect(r.file.records_read).toBe(3);
    expect(r.rejects).toHaveLength(1);
    expect(r.rejects[0]).toMatchObject({ line_no: 4n, reason: 'column_count' });
    expect(r.rejects[0]!.message).toMatch(/T_1\.csv, line 4: a quoted field opened here is never closed/);
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['A1', 'A2', 'B1']);
  });

  it('reads a quote inside an unquoted field as text, as DuckDB does, so it swallows no later record', async () => {
    const r = await ingestOne([
      HEADER,
      'A1,01/03/2026 08:00:00,PE0100123456,Can ho 12" B,1.250.000',
      GOOD[1]!,
      'A3,01/03/2026 10:00:00,PE0100123456,"Ghi chu ""ok"", nhe",5.000',
      'A4,01/03/2026 11:00:00,PE0100123456,x"y,7.000',
    ]);
    expect(r.file).toMatchObject({ status: 'loaded', records_read: 4, records_loaded: 4, records_rejected: 0 });
    expect(r.rejects).toEqual([]);
    expect(r.payments.map((p) => [p.txn_ref, p.line_no, p.memo])).toEqual([
      ['A1', 2n, 'Can ho 12" B'], ['A2', 3n, 'QR'], ['A3', 4n, 'Ghi chu "ok", nhe'], ['A4', 5n, 'x"y'], ['B1', 2n, 'OTHER FILE'],
    ]);
  });

  it('keeps a rejected record\'s text readable as its fields: a field holding the delimiter or a quote is quoted again', async () => {
    const line = 'A1,01/03/2026 08:00:00,PE0100123456,"Tiền điện, ""T3""",50a0';
    const r = await ingestOne([HEADER, line, GOOD[1]!]);
    expect(r.rejects).toEqual([expect.objectContaining({ line_no: 2n, reason: 'bad_amount', raw: line })]);
  });

  it('rejects a truncated last line with too few fields', async () => {
    const r = await ingestOne(Buffer.from(`${HEADER}\n${GOOD.join('\n')}\nA3,01/03/2026 08:0`));
    expect(r.rejects[0]).toMatchObject({ line_no: 4n, reason: 'column_count' });
    expect(r.rejects[0]!.message).toMatch(/line 4: found 2 columns, expected 5/);
    expect(r.file.records_loaded).toBe(2);
  });

  it.each([
    ['utf-8', '100000'],
    ['utf-8', '0'],
    ['windows-1258', '100000'],
  ])('ignores the DOS end-of-file marker (Ctrl-Z) closing a %s file (direct from %s MB)', async (encoding, directMb) => {
    const s = new Scratch();
    s.profile(withProfile({ encoding, trailer: { match: '^Tổng', count: { field: 2 }, amount: { field: 5 } } }));
    const body = (prefix: string) => {
      const text = `${HEADER}\r\n${GOOD.map((l) => prefix + l).join('\r\n')}\r\nTổng cộng,2,,,1.750.000\r\n`;
      return encoding === 'utf-8' ? Buffer.from(text) : encodeWindows1258(text);
    };
    s.file('T_1.csv', Buffer.concat([body(''), Buffer.from([0x1a])]));
    // CP/M-era tools pad the last 128-byte block with it.
    s.file('T_2.csv', Buffer.concat([body('X'), Buffer.alloc(37, 0x1a)]));
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
    expect(await db.all('SELECT file_name, status, status_reason, records_read, records_loaded FROM source_files ORDER BY file_id')).toEqual([
      { file_name: 'T_1.csv', status: 'loaded', status_reason: null, records_read: 2n, records_loaded: 2n },
      { file_name: 'T_2.csv', status: 'loaded', status_reason: null, records_read: 2n, records_loaded: 2n },
    ]);
    expect(await db.all('SELECT count(*) AS n FROM rejects')).toEqual([{ n: 0n }]);
    db.close();
  });

  it('quarantines a file whose footer follows its total row, saying the count is missing the lines after it', async () => {
    const s = new Scratch();
    s.profile(withProfile({ trailer: { match: '^Tổng', count: { field: 2 }, amount: { field: 5 } } }));
    s.file('T_1.csv', `${HEADER}\n${GOOD.join('\n')}\nTổng cộng,2,,,1.750.000\nNgười lập bảng,,,,\n`);
    // A count wrong for another reason gets no such hint.
    s.file('T_2.csv', `${HEADER}\n${GOOD.map((l) => `Y${l}`).join('\n')}\nTổng cộng,7,,,1.750.000\nNgười lập bảng,,,,\n`);
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', '100000');
    const files = await db.all<{ status: string; status_reason: string }>('SELECT status, status_reason FROM source_files ORDER BY file_id');
    expect(files.map((f) => f.status)).toEqual(['quarantined', 'quarantined']);
    expect(files[0]!.status_reason).toMatch(/T_1\.csv, line 4: trailer states 2 records, the file has 3, 1 of them after the total row: lines after it are read as records, so a footer must be named in `skip`$/);
    expect(files[1]!.status_reason).toMatch(/T_2\.csv, line 4: trailer states 7 records, the file has 3$/);
    db.close();
  });

  it.each([
    ['utf-16le', [0x1a, 0x00]],
    ['utf-16le', [0x1a, 0x00, 0x1a, 0x00, 0x1a, 0x00]],
    ['utf-16le', [0x1a]], // a DOS `copy /b` appends the single byte, leaving an odd byte count
    ['utf-16be', [0x00, 0x1a]],
  ])('ignores the DOS end-of-file marker closing a %s file (bytes %j)', async (encoding, eof) => {
    const s = new Scratch();
    s.profile(withProfile({ encoding, trailer: { match: '^Tổng', count: { field: 2 }, amount: { field: 5 } } }));
    const text = `${HEADER}\r\n${GOOD.join('\r\n')}\r\nTổng cộng,2,,,1.750.000\r\n`;
    const bytes = encoding === 'utf-16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    s.file('T_1.csv', Buffer.concat([bytes, Buffer.from(eof)]));
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', undefined);
    expect(await db.all('SELECT status, status_reason, records_read, records_loaded, control_count FROM source_files')).toEqual([
      { status: 'loaded', status_reason: null, records_read: 2n, records_loaded: 2n, control_count: 2n },
    ]);
    db.close();
  });

  it.each([
    ['utf-8', '100000'],
    ['utf-8', '0'],
    ['windows-1258', '100000'],
    ['utf-16le', '100000'],
  ])('reads a %s file whose lines end with CR alone (classic Mac; direct from %s MB) line by line', async (encoding, directMb) => {
    const s = new Scratch();
    s.profile(withProfile({ encoding, trailer: { match: '^Tổng', count: { field: 2 }, amount: { field: 5 } } }));
    const text = `${HEADER}\r${GOOD[0]}\rA3,01/03/2026 08:30:00,PE0100123456,"Tiền điện\rT02",abc\r\r${GOOD[1]}\rTổng cộng,3,,,1.750.000\r`;
    const bytes = encoding === 'utf-8' ? Buffer.from(text) : encoding === 'utf-16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : encodeWindows1258(text);
    s.file('T_1.csv', bytes);
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
    expect(await db.all('SELECT status, status_reason, records_read, records_loaded, records_rejected FROM source_files')).toEqual([
      { status: 'loaded', status_reason: null, records_read: 3n, records_loaded: 2n, records_rejected: 1n },
    ]);
    expect(await db.all('SELECT txn_ref, line_no, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: 'A1', line_no: 2n, amount_vnd: 1250000n },
      { txn_ref: 'A2', line_no: 6n, amount_vnd: 500000n },
    ]);
    expect(await db.all('SELECT line_no, field, reason, value FROM rejects')).toEqual([{ line_no: 3n, field: 'amount', reason: 'bad_amount', value: 'abc' }]);
    db.close();
  });

  for (const directMb of ['100000', '0']) {
    it(`skips Excel's sep= line naming the profile's delimiter, with or without a header line (direct from ${directMb} MB)`, async () => {
      const s = new Scratch();
      s.profile(withProfile({ format: { type: 'delimited', delimiter: ';', quote: '"' } }));
      s.profile(withProfile({ id: 'bank-n', file_patterns: ['N_*.csv'], format: { type: 'delimited', delimiter: ';', quote: '"' }, header: { type: 'none', columns: HEADER.split(',') } }));
      const rows = GOOD.map((l) => l.replaceAll(',', ';'));
      s.file('T_1.csv', `sep=;\r\n${HEADER.replaceAll(',', ';')}\r\n${rows.join('\r\n')}\r\n`);
      s.file('N_1.csv', `"sep=;";;;;\n${rows.map((l) => l.replace('A', 'N')).join('\n')}\n`);
      s.file('T_2.csv', `sep=,\n${HEADER.replaceAll(',', ';')}\n${rows[0]}\n`);
      // preamble.lines does not count the sep line (Excel "CSV UTF-8": BOM, sep=;, then two title rows)
      s.profile(withProfile({ id: 'bank-p', file_patterns: ['P_*.csv'], encoding: 'utf-8-bom', format: { type: 'delimited', delimiter: ';', quote: '"' }, preamble: { lines: 2 } }));
      s.file('P_1.csv', `\ufeffsep=;\r\nSAO KÊ;;;;\r\nNgày 05/10/2026;;;;\r\n${HEADER.replaceAll(',', ';')}\r\n${rows.map((l) => l.replace('A', 'P')).join('\r\n')}\r\n`);
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      expect(await db.all('SELECT file_name, status, status_reason, records_read, records_loaded FROM source_files ORDER BY file_name')).toEqual([
        { file_name: 'N_1.csv', status: 'loaded', status_reason: null, records_read: 2n, records_loaded: 2n },
        { file_name: 'P_1.csv', status: 'loaded', status_reason: null, records_read: 2n, records_loaded: 2n },
        { file_name: 'T_1.csv', status: 'loaded', status_reason: null, records_read: 2n, records_loaded: 2n },
        { file_name: 'T_2.csv', status: 'failed', status_reason: expect.stringMatching(/T_2\.csv, line 1: the file says its delimiter is "," \(Excel's "sep=," line\), but its profile says ";"/), records_read: 0n, records_loaded: 0n },
      ]);
      expect(await db.all('SELECT txn_ref, line_no FROM payments ORDER BY txn_ref')).toEqual([
        { txn_ref: 'A1', line_no: 3n }, { txn_ref: 'A2', line_no: 4n }, { txn_ref: 'N1', line_no: 2n }, { txn_ref: 'N2', line_no: 3n }, { txn_ref: 'P1', line_no: 5n }, { txn_ref: 'P2', line_no: 6n },
      ]);
      db.close();
    });
  }

  for (const directMb of ['100000', '0']) {
    it(`reads a CR that ends no line (a memo's Mac line break, CR CR LF line ends) as a space instead of failing the file (direct from ${directMb} MB)`, async () => {
      const s = new Scratch();
      s.profile(BASE_PROFILE);
      s.file('T_1.csv', `${HEADER}\r\nA1,01/03/2026 08:00:00,PE0100123456,Tiền\rđiện,1.250.000\r\nA2,01/03/2026 09:00:00,PD0100000001,"QR\rT03",500.000\r\n`);
      // A CRLF file sent through a text-mode transfer that added a CR to each line end.
      s.file('T_2.csv', `${HEADER}\r\r\nB1,02/03/2026 10:00:00,PE0100123456,X,100.000\r\r\nB2,02/03/2026 11:00:00,PE0100123456,Y,abc\r\r\n`);
      // A quoted memo's CR LF line break (a teller's two-line note in a CRLF file) is a line break, LF, not a space and a LF.
      s.file('T_3.csv', `${HEADER}\r\nC1,03/03/2026 08:00:00,PE0100123456,"Nộp tại quầy\r\nKH: B",200.000\r\nC2,03/03/2026 09:00:00,PE0100123456,"a\r\r\nb",300.000\r\n`);
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      expect(await db.all('SELECT file_name, status, records_read, records_loaded, records_rejected FROM source_files ORDER BY file_name')).toEqual([
        { file_name: 'T_1.csv', status: 'loaded', records_read: 2n, records_loaded: 2n, records_rejected: 0n },
        { file_name: 'T_2.csv', status: 'loaded', records_read: 2n, records_loaded: 1n, records_rejected: 1n },
        { file_name: 'T_3.csv', status: 'loaded', records_read: 2n, records_loaded: 2n, records_rejected: 0n },
      ]);
      expect(await db.all('SELECT txn_ref, line_no, memo, amount_vnd FROM payments ORDER BY txn_ref')).toEqual([
        { txn_ref: 'A1', line_no: 2n, memo: 'Tiền điện', amount_vnd: 1250000n },
        { txn_ref: 'A2', line_no: 3n, memo: 'QR T03', amount_vnd: 500000n },
        { txn_ref: 'B1', line_no: 2n, memo: 'X', amount_vnd: 100000n },
        { txn_ref: 'C1', line_no: 2n, memo: 'Nộp tại quầy\nKH: B', amount_vnd: 200000n },
        { txn_ref: 'C2', line_no: 4n, memo: 'a \nb', amount_vnd: 300000n },
      ]);
      expect(await db.all('SELECT line_no, field, value FROM rejects')).toEqual([{ line_no: 3n, field: 'amount', value: 'abc' }]);
      db.close();
    });
  }

  for (const directMb of ['100000', '0']) {
    it(`says a record whose quoted memo holds an undoubled quote needs it doubled, and loads the rest (direct from ${directMb} MB)`, async () => {
      const s = new Scratch();
      s.profile(BASE_PROFILE);
      s.file('T_1.csv', `${HEADER}\nA1,01/03/2026 08:00:00,PE0100123456,"Nguyen "Van" A",1.250.000\n${GOOD[1]}\nA3,01/03/2026 10:00:00,PE0100123456,"tiền ""điện""",7.000\n`);
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      expect(await db.all('SELECT txn_ref, memo FROM payments ORDER BY line_no')).toEqual([{ txn_ref: 'A2', memo: 'QR' }, { txn_ref: 'A3', memo: 'tiền "điện"' }]);
      const rejects = await db.all<{ line_no: bigint; reason: string; message: string }>('SELECT line_no, reason, message FROM rejects');
      expect(rejects).toEqual([{ line_no: 2n, reason: 'column_count', message: expect.stringMatching(/T_1\.csv, line 2: a quoted field holds a quote that is not doubled \(.*\), expected a quote inside a quoted field written twice \(""\)/) }]);
      db.close();
    });
  }

  it.each([
    ['utf-8', '100000'],
    ['utf-8', '0'],
    ['windows-1258', '100000'],
  ])('drops the form feeds of a printed report\'s page breaks (%s, direct from %s MB)', async (encoding, directMb) => {
    const s = new Scratch();
    s.profile(withProfile({ encoding, preamble: { until: '^ref,' }, skip: ['^Trang \\d+'], trailer: { match: '^Tổng', count: { field: 2 }, amount: { field: 5 } } }));
    const text = `\fSAO KÊ\r\n${HEADER}\r\n${GOOD[0]}\r\nTrang 1\r\n\f${HEADER}\r\n${GOOD[1]}\r\nTổng cộng,2,,,1.750.000\r\n\f`;
    s.file('T_1.csv', encoding === 'utf-8' ? Buffer.from(text) : encodeWindows1258(text));
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
    expect(await db.all('SELECT status, status_reason, records_read, records_loaded, control_count FROM source_files')).toEqual([
      { status: 'loaded', status_reason: null, records_read: 2n, records_loaded: 2n, control_count: 2n },
    ]);
    expect(await db.all('SELECT txn_ref, line_no FROM payments ORDER BY line_no')).toEqual([{ txn_ref: 'A1', line_no: 3n }, { txn_ref: 'A2', line_no: 6n }]);
    db.close();
  });

  it('asks whether the delimiter is another one when the header reads as one column holding it', async () => {
    const r = await ingestOne([HEADER.replaceAll(',', ';'), ...GOOD.map((l) => l.replaceAll(',', ';'))]);
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/T_1\.csv: column "ref" named by fields\.txn_ref\.column is not in the file; its columns are "ref;time;customer;memo;amount"; the header holds ";" between names: is format\.delimiter ";"\?/);
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['B1']);
  });

  it('names a header column that differs from the profile\'s only in accents, and never reads it by itself', async () => {
    const profile = withProfile({ fields: { ...BASE_PROFILE.fields, amount: { column: 'Số tiền', format: { grouping: '.', decimal: null } } } });
    const r = await ingestOne(['ref,time,customer,memo,SO TIEN', ...GOOD], profile);
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/column "Số tiền" named by fields\.amount\.column is not in the file; its columns are .*"SO TIEN" differs from it only in accents: write the name as the file does;/);
  });

  it('reads a LF file whose first record is longer than 64 KB and holds a CR as a LF file, not as CR-only', async () => {
    const memo = `${'X'.repeat(100)}\r${'Y'.repeat(70_000)}`;
    // No header line: the first line is the record, its CR before any LF.
    const s = new Scratch();
    s.profile(withProfile({ header: { type: 'none', columns: HEADER.split(',') } }));
    s.file('T_1.csv', `A9,01/03/2026 08:00:00,PE0100123456,"${memo}",7.000\n${GOOD.join('\n')}\n`);
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', undefined);
    expect(await db.one('SELECT status, records_read, records_loaded FROM source_files')).toEqual({ status: 'loaded', records_read: 3n, records_loaded: 3n });
    expect(await db.all('SELECT txn_ref, line_no FROM payments ORDER BY line_no')).toEqual([{ txn_ref: 'A9', line_no: 1n }, { txn_ref: 'A1', line_no: 2n }, { txn_ref: 'A2', line_no: 3n }]);
    db.close();
  });

  it('refuses binary garbage', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const r = await ingestOne(garbage);
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/T_1\.csv, line \d+: (contains NUL bytes|byte 0x[0-9a-f]{2} is not valid UTF-8)/);
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['B1']);
  });

  it('loads a record with a 10 MB memo intact', async () => {
    const memo = 'X'.repeat(10 * 1024 * 1024);
    const r = await ingestOne([HEADER, GOOD[0]!, `A9,01/03/2026 08:00:00,PE0100123456,"${memo}",7.000`, GOOD[1]!]);
    expect(r.file.status).toBe('loaded');
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['A1', 'A9', 'A2', 'B1']);
    expect(r.payments[1]!.memo.length).toBe(memo.length);
    expect(r.payments[2]!.line_no).toBe(4n);
  });

  it('rejects transaction ids a spreadsheet rewrote in scientific notation instead of dropping one payment as the other\'s duplicate', async () => {
    const profile = withProfile({ fields: { ...BASE_PROFILE.fields, reverses_txn_ref: { column: 'orig' }, amount: { column: 'amount', format: { grouping: '.', allow_negative: true } } } });
    const r = await ingestOne([
      `${HEADER},orig`,
      '1.23457E+15,01/03/2026 08:00:00,PE0100123456,QR,1.000,',
      '"1,23457E+15",01/03/2026 08:01:00,PE0100123457,QR,2.000,',
      '1234567890123456,01/03/2026 08:02:00,PE0100123458,QR,3.000,',
      'R1,01/03/2026 09:00:00,PE0100123458,QR,-3.000,1.23457E+15',
      'E+5,01/03/2026 09:00:00,PE0100123458,QR,4.000,',
    ], profile);
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['1234567890123456', 'E+5']);
    expect(r.rejects.map((x) => [x.line_no, x.field, x.value, x.reason])).toEqual([
      [2n, 'txn_ref', '1.23457E+15', 'bad_ref'], [3n, 'txn_ref', '1,23457E+15', 'bad_ref'], [5n, 'reverses_txn_ref', '1.23457E+15', 'bad_ref'],
    ]);
    expect(r.rejects[0]!.message).toContain('line 2, field txn_ref (column ref): a number a spreadsheet rewrote in scientific notation, its digits lost: got "1.23457E+15", expected the id as the partner wrote it');
    expect(r.rejects[2]!.message).toContain('line 5, field reverses_txn_ref (column orig): a number a spreadsheet rewrote');
    expect(r.file).toMatchObject({ records_read: 5, records_loaded: 2, records_rejected: 3, records_duplicate: 0 });
  });

  it('keeps the message of a file whose header is no header short (a whole file on one line)', async () => {
    const r = await ingestOne(Buffer.from('X'.repeat(300_000)));
    expect(r.file.status).toBe('failed');
    expect(r.file.message).toMatch(/T_1\.csv: column "ref" named by fields\.txn_ref\.column is not in the file; its columns are "X{80}… \(300000 chars\)"/);
    expect(r.file.message.length).toBeLessThan(2200);
    expect(r.other.status).toBe('loaded');
  });

  it('rejects an id past 2^53 written as a float (.0 fraction, as pandas writes a float64 column), keeping exact and non-zero forms as ids', async () => {
    const r = await ingestOne([
      HEADER,
      '9123456789012345.0,01/03/2026 08:00:00,PE0100123456,QR,1.000',
      '"12345678901234567,00",01/03/2026 08:01:00,PE0100123457,QR,2.000',
      // Below 2^53 a float64 holds every whole number: the digits are the partner's.
      '1234567890123401.0,01/03/2026 08:02:00,PE0100123458,QR,3.000',
      '9123456789012345.5,01/03/2026 08:03:00,PE0100123459,QR,4.000',
      '9123456789012345,01/03/2026 08:04:00,PE0100123450,QR,5.000',
    ]);
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['1234567890123401.0', '9123456789012345.5', '9123456789012345', 'B1']);
    expect(r.rejects.map((x) => [x.line_no, x.field, x.value, x.reason])).toEqual([[2n, 'txn_ref', '9123456789012345.0', 'bad_ref'], [3n, 'txn_ref', '12345678901234567,00', 'bad_ref']]);
    expect(r.rejects[0]!.message).toContain('line 2, field txn_ref (column ref): a long number written as a floating-point value (a .0 fraction), its digits lost: got "9123456789012345.0"');
    expect(r.file).toMatchObject({ records_read: 5, records_loaded: 3, records_rejected: 2, records_duplicate: 0 });
  });

  it('rejects a composite transaction id one of whose parts a spreadsheet rewrote in scientific notation', async () => {
    const s = new Scratch();
    s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, txn_ref: { column: ['agent', 'receipt'], separator: '-' } } }));
    s.file('T_1.csv', ['agent,receipt,time,customer,memo,amount', 'DL07,1.23457E+15,01/03/2026 08:00:00,PE0100123456,QR,1.000', 'DL07,1234567890123457,01/03/2026 08:01:00,PE0100123457,QR,2.000', ''].join('\n'));
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(await db.all('SELECT txn_ref FROM payments')).toEqual([{ txn_ref: 'DL07-1234567890123457' }]);
    expect(await db.all('SELECT line_no, field, value, reason FROM rejects')).toEqual([{ line_no: 2n, field: 'txn_ref', value: 'DL07-1.23457E+15', reason: 'bad_ref' }]);
    db.close();
  });

  it('names a float-written part of a composite id as such, though the store code holds an E', async () => {
    const s = new Scratch();
    s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, txn_ref: { column: ['agent', 'receipt'], separator: '-' } } }));
    s.file('T_1.csv', ['agent,receipt,time,customer,memo,amount', 'STORE7,9123456789012345.0,01/03/2026 08:00:00,PE0100123456,QR,1.000', ''].join('\n'));
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    const [reject] = await db.all<{ value: string; message: string }>('SELECT value, message FROM rejects');
    expect(reject!.value).toBe('STORE7-9123456789012345.0');
    expect(reject!.message).toContain('a long number written as a floating-point value (a .0 fraction), its digits lost');
    db.close();
  });

  it('rejects a record with the wrong column count, naming expected and found', async () => {
    const r = await ingestOne([HEADER, GOOD[0]!, 'A3,01/03/2026 08:00:00,PE0100123456,QR,5.000,EXTRA', GOOD[1]!]);
    expect(r.rejects).toEqual([
      expect.objectContaining({ line_no: 3n, reason: 'column_count', raw: 'A3,01/03/2026 08:00:00,PE0100123456,QR,5.000,EXTRA' }),
    ]);
    expect(r.rejects[0]!.message).toMatch(/line 3: found 6 columns, expected 5 \(ref, time, customer, memo, amount\)/);
    expect(r.file).toMatchObject({ records_read: 3, records_loaded: 2, records_rejected: 1 });
  });

  it.each([
    ['"12,3a4"', '12,3a4', { grouping: ',', decimal: null }],
    ['"1.234,5,6"', '1.234,5,6', { grouping: '.', decimal: ',' }],
    ['"1.234,50"', '1.234,50', { grouping: '.', decimal: ',' }],
    ['12.34', '12.34', { grouping: '.', decimal: null }],
  ])('rejects the amount %s as bad_amount', async (written, value, format) => {
    const profile = withProfile({ fields: { ...BASE_PROFILE.fields, amount: { column: 'amount', format } } });
    const r = await ingestOne([HEADER, 'A1,01/03/2026 08:00:00,PE0100123456,QR,5000', `A3,01/03/2026 08:00:00,PE0100123456,QR,${written}`], profile);
    expect(r.rejects).toEqual([expect.objectContaining({ line_no: 3n, field: 'amount', value, reason: 'bad_amount' })]);
    expect(r.rejects[0]!.message).toContain(`line 3, field amount (column amount): not a valid amount: got ${JSON.stringify(value)}, expected a whole amount in đồng`);
    expect(r.file.records_loaded).toBe(1);
  });

  it('accepts 1.234.567,00 with a decimal comma and a zero fraction', async () => {
    const profile = withProfile({ fields: { ...BASE_PROFILE.fields, amount: { column: 'amount', format: { grouping: '.', decimal: ',' } } } });
    const r = await ingestOne([HEADER, 'A1,01/03/2026 08:00:00,PE0100123456,QR,"1.234.567,00"'], profile);
    expect(r.payments[0]!.amount_vnd).toBe(1234567n);
  });

  it('rejects the date 31/02/2026', async () => {
    const r = await ingestOne([HEADER, 'A3,31/02/2026 08:00:00,PE0100123456,QR,5.000', GOOD[0]!]);
    expect(r.rejects).toEqual([expect.objectContaining({ line_no: 2n, field: 'paid_at', value: '31/02/2026 08:00:00', reason: 'bad_date' })]);
    expect(r.rejects[0]!.message).toMatch(/line 2, field paid_at \(column time\): not a valid date: got "31\/02\/2026 08:00:00", expected a date\/time like DD\/MM\/YYYY HH:mm:ss/);
    expect(r.file.records_loaded).toBe(1);
  });

  it('rejects an amount beyond 10^15 đồng (the sums of two such would overflow) and loads the rest', async () => {
    const huge = '9.000.000.000.000.000.000';
    const r = await ingestOne([HEADER, `A3,01/03/2026 08:00:00,PE0100123456,QR,${huge}`, `A4,01/03/2026 08:00:00,PE0100123456,QR,${huge}`, GOOD[0]!]);
    expect(r.rejects).toEqual([2n, 3n].map((line_no) => expect.objectContaining({ line_no, field: 'amount', value: huge, reason: 'bad_amount' })));
    expect(r.rejects[0]!.message).toContain(`line 2, field amount (column amount): not a valid amount: got "${huge}", expected an amount of at most 1.000.000.000.000.000 đồng`);
    expect(r.file).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 1, records_rejected: 2 });
  });

  it('rejects a negative amount when the profile allows none', async () => {
    const r = await ingestOne([HEADER, 'A3,01/03/2026 08:00:00,PE0100123456,QR,-5.000', GOOD[0]!]);
    expect(r.rejects).toEqual([expect.objectContaining({ line_no: 2n, reason: 'negative_amount', value: '-5.000' })]);
    expect(r.rejects[0]!.message).toMatch(/expected a positive amount/);
  });

  it('reports and records a file no profile recognises, reading nothing from it', async () => {
    const s = new Scratch();
    s.profile(BASE_PROFILE);
    s.file('UNKNOWN_1.csv', `${HEADER}\n${GOOD[0]}\n`);
    s.file('T_2.csv', `${HEADER}\n${GOOD[1]}\n`);
    const { db, run } = await openTestDb();
    const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(summary.files.map((f) => f.status).sort()).toEqual(['loaded', 'unrecognised']);
    expect(summary.files.find((f) => f.status === 'unrecognised')!.message).toMatch(/UNKNOWN_1\.csv: no partner profile recognises the file name "UNKNOWN_1\.csv"/);
    const rows = await db.all('SELECT file_name, partner_id, status, records_read, status_reason FROM source_files ORDER BY file_id');
    expect(rows).toEqual([
      expect.objectContaining({ file_name: 'T_2.csv', status: 'loaded' }),
      expect.objectContaining({ file_name: 'UNKNOWN_1.csv', partner_id: null, status: 'unrecognised', records_read: 0n, status_reason: expect.stringMatching(/^no partner profile recognises the file name "UNKNOWN_1\.csv" \(no profile's file_patterns match it\); add a pattern/) }),
    ]);
    expect((await db.all('SELECT txn_ref FROM payments')).length).toBe(1);
    db.close();
  });

  it('names the file and JSON path of a profile with a typo in a key', async () => {
    const s = new Scratch();
    s.profile({ ...BASE_PROFILE, fields: { ...BASE_PROFILE.fields, amount: { colunm: 'amount' } } });
    expect(() => loadProfiles(s.profiles)).toThrow(UsageError);
    // fields.amount takes one of two forms: each form's complaint is given, naming the misspelt key.
    expect(() => loadProfiles(s.profiles)).toThrow(/bank-t\.json: fields\.amount: Invalid input: it fits none of its 2 forms: \(1\) column: .*Unrecognized key: "colunm" \(2\) credit_column: /);
    s.profile({ ...BASE_PROFILE, preamble: { line: 3 } });
    expect(() => loadProfiles(s.profiles)).toThrow(/bank-t\.json: preamble: .*\(1\) lines: .*Unrecognized key: "line" \(2\) until: /);
    s.profile({ ...BASE_PROFILE, delimter: ';' });
    // The key is named once: zod's message already names it.
    expect(() => loadProfiles(s.profiles)).toThrow(/bank-t\.json: \(root\): Unrecognized key: "delimter"$/m);
    // A sniff draft saved with its notes: told what the key is and what to do.
    s.profile({ ...BASE_PROFILE, _notes: { fields: ['txn_ref is TODO'] } });
    expect(() => loadProfiles(s.profiles)).toThrow(/bank-t\.json: \(root\): Unrecognized key: "_notes": "_notes" holds the notes of a `recon partners sniff` draft; act on them \(each TODO\), then remove the key$/m);
  });

  it('refuses an unknown time zone and Etc/GMT+7 (UTC−7) at the profile check, not at ingest or 14 hours off', async () => {
    const s = new Scratch();
    const zone = (timezone: string) => ({ ...BASE_PROFILE, fields: { ...BASE_PROFILE.fields, paid_at: { ...BASE_PROFILE.fields.paid_at, timezone } } });
    s.profile(zone('Asia/Hanoi'));
    expect(() => loadProfiles(s.profiles)).toThrow(UsageError);
    expect(() => loadProfiles(s.profiles)).toThrow(/bank-t\.json: fields\.paid_at\.timezone: unknown time zone "Asia\/Hanoi": use an IANA zone such as "Asia\/Ho_Chi_Minh"/);
    s.profile(zone('Etc/GMT+7'));
    expect(() => loadProfiles(s.profiles)).toThrow(/fields\.paid_at\.timezone: "Etc\/GMT\+7" is UTC−7, not UTC\+/);
    s.profile({ ...BASE_PROFILE, fields: { ...BASE_PROFILE.fields, settled_on: { column: 'time', format: 'DD/MM/YYYY HH:mm:ss', timezone: 'GMT+7' } } });
    expect(() => loadProfiles(s.profiles)).toThrow(/fields\.settled_on\.timezone: unknown time zone "GMT\+7"/);
    for (const ok of ['Asia/Ho_Chi_Minh', 'Asia/Saigon', 'Etc/GMT-7', 'UTC+7', 'UTC+07:00']) {
      s.profile(zone(ok));
      expect(() => loadProfiles(s.profiles)).not.toThrow();
    }
    // A fixed offset reads as DuckDB reads it: 08:00 at UTC+07:00 is 01:00Z.
    s.file('T_1.csv', `${HEADER}\nA1,01/03/2026 08:00:00,PE0100123456,TIEN DIEN,1.250.000\n`);
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect((await db.one<{ paid_at: Date }>('SELECT paid_at FROM payments'))!.paid_at.toISOString()).toBe('2026-03-01T01:00:00.000Z');
    db.close();
  });

  it('reports and records a file claimed by two profiles and loads nothing from it', async () => {
    const s = new Scratch();
    s.profile(BASE_PROFILE);
    s.profile({ ...BASE_PROFILE, id: 'bank-u', file_patterns: ['T_*'] });
    s.file('T_1.csv', `${HEADER}\n${GOOD[0]}\n`);
    const { db, run } = await openTestDb();
    const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(summary.files[0]!.status).toBe('unrecognised');
    expect(summary.files[0]!.message).toMatch(/T_1\.csv: claimed by more than one partner profile \(bank-t, bank-u\)/);
    expect((await db.all('SELECT * FROM payments')).length).toBe(0);
    expect(await db.all('SELECT file_name, partner_id, status, status_reason FROM source_files')).toEqual([
      { file_name: 'T_1.csv', partner_id: null, status: 'unrecognised', status_reason: 'claimed by more than one partner profile (bank-t, bank-u); make their file_patterns disjoint and ingest it again' },
    ]);
    db.close();
  });
});
