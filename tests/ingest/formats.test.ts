// Encodings, layouts and control totals: each partner shape loads by configuration alone.
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { importBilling, ingestFiles, loadProfiles, releaseFile } from '../../src/ingest/index.ts';
import { BASE_PROFILE, HEADER, Scratch, encodeWindows1258, ingestScratch, openTestDb, withProfile } from './helpers.ts';
import { dateOnlyFormat, formatDateParts, parseAmount, parseControlAmount } from '../../src/ingest/formats.ts';
import { amountFormatSchema, profileSchema } from '../../src/ingest/profile.ts';

async function run(s: Scratch) {
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  return { db, run, summary };
}

const TEXT = `Ngân hàng TMCP\nKỳ: 03/2026\n${HEADER}\nA1,01/03/2026 08:00:00,PE0100123456,"Tiền điện, tháng 3\nPE0100123456",1.250.000\n\nA2,01/03/2026 09:00:00,PD0100000001,Thanh toán,500.000\nTổng cộng: 2 giao dịch,,,,1.750.000\n`;
const WITH_TRAILER = withProfile({
  preamble: { until: '^ref,' },
  trailer: { match: '^Tổng cộng', count: { regex: '(\\d+) giao dịch' }, amount: { field: 5 } },
});

/** A fixed-width agent file: H/D/T records, agent id + receipt number, the trailer's count and sum in one word. */
const AGENT_FIXED = {
  ...BASE_PROFILE,
  file_patterns: ['AG*.txt'],
  format: { type: 'fixed_width', columns: [
    { name: 'type', start: 1, width: 1 }, { name: 'agent', start: 2, width: 4 }, { name: 'receipt', start: 6, width: 6 },
    { name: 'date', start: 12, width: 8 }, { name: 'customer', start: 20, width: 13 }, { name: 'amount', start: 33, width: 10 },
  ] },
  header: { type: 'none', columns: ['type', 'agent', 'receipt', 'date', 'customer', 'amount'] },
  record_types: { detail: ['D'], header: ['H'], trailer: ['T'] },
  trailer: { count: { regex: '^T(\\d{6})' }, amount: { regex: '^T\\d{6}(\\d+)' } },
  fields: {
    txn_ref: { column: ['agent', 'receipt'], separator: '-' },
    paid_at: { column: 'date', format: 'YYYYMMDD' },
    amount: { column: 'amount' },
    customer_code: { column: 'customer' },
    agent_id: { column: 'agent' },
  },
};

describe('encodings and layouts', () => {
  it.each([
    ['utf-8', Buffer.from(TEXT)],
    ['utf-8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)])],
    ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')])],
    ['utf-16be', iconv.encode(TEXT, 'utf-16be', { addBOM: true })],
    ['windows-1258', encodeWindows1258(TEXT)],
  ])('loads %s with physical line numbers, preamble, quoted line breaks and a trailer', async (encoding, bytes) => {
    const s = new Scratch();
    s.profile({ ...WITH_TRAILER, encoding });
    s.file('T_1.csv', bytes);
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 2, records_loaded: 2 });
    const rows = await db.all<{ line_no: bigint; memo: string; paid_at: Date }>('SELECT line_no, memo, paid_at FROM payments ORDER BY line_no');
    expect(rows.map((r) => r.line_no)).toEqual([4n, 7n]);
    expect(rows[0]!.memo).toBe('Tiền điện, tháng 3\nPE0100123456'.normalize('NFC'));
    expect(rows[0]!.paid_at.toISOString()).toBe('2026-03-01T01:00:00.000Z');
    const f = await db.one<{ control_count: bigint; control_amount: bigint }>('SELECT control_count, control_amount FROM source_files');
    expect(f).toEqual({ control_count: 2n, control_amount: 1750000n });
    db.close();
  });

  it('loads fixed-width H/D/T records with a composite transaction id', async () => {
    const s = new Scratch();
    s.profile(AGENT_FIXED);
    s.file('AG0001.txt', ['H20260301', 'DA001000001' + '20260301PE0100123456' + '    250000', 'X junk', 'DA001000002' + '20260302PD0100000001' + '    100000', 'T000003350000', ''].join('\r\n'));
    const { db, summary } = await run(s);
    console.log(summary.files[0]);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 2, records_rejected: 1 });
    expect(await db.all('SELECT txn_ref, agent_id, line_no, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: 'A001-000001', agent_id: 'A001', line_no: 2n, amount_vnd: 250000n },
      { txn_ref: 'A001-000002', agent_id: 'A001', line_no: 4n, amount_vnd: 100000n },
    ]);
    expect(await db.all('SELECT line_no, reason, value FROM rejects')).toEqual([{ line_no: 3n, reason: 'unknown_code', value: 'X' }]);
    const f = await db.one('SELECT rejected_amount FROM source_files');
    expect(f).toEqual({ rejected_amount: 0n });
    db.close();
  });

  // DOMAIN: with records rejected, the stated sum less the parsed one is the amount in rejected
  // records, not a quarantine; below zero it can only be rejected money out, so the message says so.
  it('loads a file whose total is below its valid records with a record rejected, and says the trailer needs checking', async () => {
    const s = new Scratch();
    s.profile(AGENT_FIXED);
    s.file('AG0001.txt', ['H20260301', 'DA001000001' + '20260301PE0100123456' + '    250000', 'X junk', 'DA001000002' + '20260302PD0100000001' + '    100000', 'T000003300000', ''].join('\r\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 2, records_rejected: 1 });
    const warning = "line 5: the trailer's total is 50000 đồng below what the valid records sum to, which rejected records account for only if they are money out; check the trailer";
    expect(summary.files[0]!.message).toMatch(new RegExp(`AG0001\\.txt: 3 records read, 2 loaded, 1 rejected, 0 duplicate, -50000 đồng in rejected records; ${warning}$`));
    // Kept where `recon files` shows it, not only in this run's summary.
    const f = await db.one<{ rejected_amount: bigint; status_reason: string }>('SELECT rejected_amount, status_reason FROM source_files');
    expect(f).toEqual({ rejected_amount: -50000n, status_reason: `${summary.files[0]!.path}, ${warning}` });
    db.close();
  });

  it.each(['utf-8', 'windows-1258'] as const)('reads %s fixed-width fields padded with NUL bytes (mainframe low-values) as padded with spaces; a NUL inside a value is kept and rejected', async (encoding) => {
    const s = new Scratch();
    s.profile({ ...AGENT_FIXED, encoding, trailer: { count: { field: 2 }, amount: { field: 3 } } });
    const text = [
      'H20260301' + '\u0000'.repeat(10),
      'DA1\u0000\u0000000001' + '20260301' + 'PE0100123456\u0000' + '250000\u0000\u0000\u0000\u0000',
      '\u0000'.repeat(42),
      'DA1\u0000\u0000000002' + '20260302' + 'PD0100000001 ' + '\u0000\u0000\u0000\u0000100000',
      'DA1\u0000\u0000000003' + '20260302' + 'PD0100000001 ' + '     12\u000034',
      'T\u0000000003\u0000\u0000362034\u0000\u0000',
      '',
    ].join('\n');
    s.file('AG0001.txt', encoding === 'utf-8' ? Buffer.from(text) : encodeWindows1258(text));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 2, records_rejected: 1 });
    expect(await db.all('SELECT txn_ref, agent_id, customer_code, line_no, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: 'A1-000001', agent_id: 'A1', customer_code: 'PE0100123456', line_no: 2n, amount_vnd: 250000n },
      { txn_ref: 'A1-000002', agent_id: 'A1', customer_code: 'PD0100000001', line_no: 4n, amount_vnd: 100000n },
    ]);
    const rejects = await db.all<{ line_no: bigint; reason: string; value: string; message: string }>('SELECT line_no, reason, value, message FROM rejects');
    expect(rejects.map((r) => [r.line_no, r.reason, r.value])).toEqual([[5n, 'bad_amount', '12\u000034']]);
    expect(rejects[0]!.message).toContain('line 5, field amount (column amount): not a valid amount: got "12\\u000034"');
    expect(await db.one('SELECT control_count, control_amount, rejected_amount FROM source_files')).toEqual({ control_count: 3n, control_amount: 362034n, rejected_amount: 12034n });
    db.close();
  });

  it('still refuses NUL bytes outside fixed-width files, and UTF-16 text under a fixed-width UTF-8 profile, naming the line or the encoding', async () => {
    const s = new Scratch();
    s.profile({ ...AGENT_FIXED, id: 'agent-f' });
    s.profile(BASE_PROFILE);
    s.file('AG0001.txt', Buffer.from(['DA001000001' + '20260301PE0100123456' + '    250000', ''].join('\n'), 'utf16le'));
    s.file('T_1.csv', `${HEADER}\nA1,01/03/2026 08:00:00,PE0100123456,QR,1.000\nA2\u0000\u0000,01/03/2026 08:00:00,PE0100123456,QR,1.000\n`);
    s.file('T_2.csv', `${HEADER}\nB1,02/03/2026 10:00:00,PE0100123456,QR,100000\n`);
    const { db, summary } = await run(s);
    expect(summary.files.map((f) => [f.path.replace(/.*\//, ''), f.status])).toEqual([['AG0001.txt', 'failed'], ['T_1.csv', 'failed'], ['T_2.csv', 'loaded']]);
    expect(summary.files[0]!.message).toContain('AG0001.txt: has a zero byte in every other position, so it is UTF-16LE text, not the UTF-8 its profile declares');
    expect(summary.files[1]!.message).toContain('T_1.csv, line 3: contains NUL bytes');
    db.close();
  });

  it('reads amounts with implied decimals (000000125000000 with implied_decimals 2 is 1.250.000 đồng) in records and the trailer; a non-zero fraction is a bad_amount', async () => {
    const s = new Scratch();
    s.profile({
      ...BASE_PROFILE,
      file_patterns: ['NPX*.dat'],
      format: { type: 'fixed_width', record_length: 56, columns: [
        { name: 'type', start: 1, width: 2 }, { name: 'ref', start: 3, width: 12 }, { name: 'ts', start: 15, width: 14 },
        { name: 'cust', start: 29, width: 13 }, { name: 'amount', start: 42, width: 15 },
      ] },
      header: { type: 'none', columns: ['type', 'ref', 'ts', 'cust', 'amount'] },
      record_types: { detail: ['02'], header: ['01'], trailer: ['09'] },
      trailer: { count: { regex: '^09(\\d{8})' }, amount: { regex: '^09\\d{8}(\\d{17})' } },
      fields: { txn_ref: { column: 'ref' }, paid_at: { column: 'ts', format: 'YYYYMMDDHHmmss' }, amount: { column: 'amount', format: { implied_decimals: 2 } }, customer_code: { column: 'cust' } },
    });
    const d = (ref: string, cust: string, amount: string) => `02${ref.padStart(12, '0')}20260301081500${cust.padEnd(13)}${amount.padStart(15, '0')}`;
    s.file('NPX1.dat', ['01NAPAS'.padEnd(56), d('1', 'PE0100123456', '125000000'), d('2', 'PD0100000001', '50000050'), d('3', 'PD0100000002', '30000000'), `09${'3'.padStart(8, '0')}${'155000000'.padStart(17, '0')}`, ''].join('\r\n'));
    const { db, summary } = await run(s);
    console.log(summary.files[0]);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 2, records_rejected: 1 });
    expect(await db.all('SELECT txn_ref, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: '000000000001', amount_vnd: 1250000n },
      { txn_ref: '000000000003', amount_vnd: 300000n },
    ]);
    const rejects = await db.all<{ line_no: bigint; reason: string; message: string }>('SELECT line_no, reason, message FROM rejects');
    expect(rejects).toEqual([{ line_no: 3n, reason: 'bad_amount', message: expect.stringMatching(/got "000000050000050", expected a whole amount in đồng whose last 2 digits are a zero fraction, like 123456700 for 1\.234\.567 đồng \(implied_decimals 2\)/) }]);
    expect(await db.one('SELECT control_amount, rejected_amount FROM source_files')).toEqual({ control_amount: 1550000n, rejected_amount: 0n });
    db.close();
    expect(amountFormatSchema.safeParse({ grouping: '.', implied_decimals: 2 }).success).toBe(false);
  });

  it('rejects a fixed-width line holding a tab (spaces turned into tabs) instead of cutting its columns from shifted places', async () => {
    const s = new Scratch();
    s.profile({
      ...BASE_PROFILE,
      file_patterns: ['AGT*.txt'],
      format: { type: 'fixed_width', columns: [
        { name: 'ref', start: 1, width: 6 }, { name: 'date', start: 7, width: 8 }, { name: 'name', start: 15, width: 10 },
        { name: 'amount', start: 25, width: 10 }, { name: 'branch', start: 35, width: 4 },
      ] },
      header: { type: 'none', columns: ['ref', 'date', 'name', 'amount', 'branch'] },
      fields: { txn_ref: { column: 'ref' }, paid_at: { column: 'date', format: 'YYYYMMDD' }, amount: { column: 'amount' }, memo: { column: 'name' } },
    });
    // Line 2's eight spaces after the name (four padding it, four before the amount) became one tab:
    // read by position its amount would be "000012", the tail of the amount and the branch.
    s.file('AGT1.txt', [`A0000120260301${'TRAN B'.padEnd(10)}${'1250000'.padStart(10)}0011`, 'A0000220260301LE VAN\t2500000012', ''].join('\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 2, records_loaded: 1, records_rejected: 1 });
    expect(await db.all('SELECT txn_ref, amount_vnd FROM payments')).toEqual([{ txn_ref: 'A00001', amount_vnd: 1250000n }]);
    expect(await db.all('SELECT line_no, reason, message FROM rejects')).toEqual([
      { line_no: 2n, reason: 'column_count', message: expect.stringMatching(/AGT1\.txt, line 2: a tab at character 21 of a fixed-width record, where the columns after it cannot be placed/) },
    ]);
    db.close();
  });

  it('cuts Windows-1258 fixed-width columns at the characters as written (tones are combining marks), then normalises each field', async () => {
    const s = new Scratch();
    s.profile({
      ...BASE_PROFILE,
      encoding: 'windows-1258',
      file_patterns: ['IVB*.dat'],
      format: { type: 'fixed_width', record_length: 58, columns: [
        { name: 'ref', start: 1, width: 7 }, { name: 'ts', start: 8, width: 14 }, { name: 'amount', start: 22, width: 12 },
        { name: 'name', start: 34, width: 12 }, { name: 'cust', start: 46, width: 13 },
      ] },
      header: { type: 'none', columns: ['ref', 'ts', 'amount', 'name', 'cust'] },
      fields: {
        txn_ref: { column: 'ref' }, paid_at: { column: 'ts', format: 'YYYYMMDDHHmmss' }, amount: { column: 'amount' },
        customer_code: { column: 'cust' }, memo: { column: 'name' },
      },
    });
    // Each record is 58 characters as written: "Hùng" and "Hạnh" take 5 (a tone mark of their own).
    const name = (v: string) => v + ' '.repeat(12 - encodeWindows1258(v).length);
    const lines = [
      `IW00001${'20260327140509'}${'000000132500'}${name('Văn Hùng')}PK01KS0000012`,
      `IW00002${'20260327150000'}${'000000328019'}${name('Thị Hạnh')}PQ02YE0000011`,
      `IW00003${'20260327160000'}${'000000556'}`, // cut short inside the amount
    ];
    const bytes = encodeWindows1258(lines.join('\r\n') + '\r\n');
    // The helper writes tones as combining marks, so the file's characters are its bytes.
    expect(bytes.subarray(0, bytes.indexOf(0x0d)).length).toBe(58);
    s.file('IVB_1.dat', bytes);
    const { db, summary } = await run(s);
    console.log(summary.files[0]);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 2, records_rejected: 1 });
    expect(await db.all('SELECT txn_ref, customer_code, memo, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: 'IW00001', customer_code: 'PK01KS0000012', memo: 'Văn Hùng'.normalize('NFC'), amount_vnd: 132500n },
      { txn_ref: 'IW00002', customer_code: 'PQ02YE0000011', memo: 'Thị Hạnh'.normalize('NFC'), amount_vnd: 328019n },
    ]);
    const rejects = await db.all<{ line_no: bigint; reason: string; message: string }>('SELECT line_no, reason, message FROM rejects');
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ line_no: 3n, reason: 'column_count' });
    expect(rejects[0]!.message).toMatch(/IVB_1\.dat, line 3: the record has 30 characters, expected 58 \(format\.record_length\)/);
    db.close();
  });

  it('cuts a UTF-8 fixed-width file padded to byte widths at its bytes (width_unit "bytes"), and says so when the profile counts characters', async () => {
    const layout = (extra: Record<string, unknown>) => ({
      ...BASE_PROFILE,
      file_patterns: ['CORE*.dat'],
      format: { type: 'fixed_width', ...extra, columns: [
        { name: 'type', start: 1, width: 1 }, { name: 'ref', start: 2, width: 6 }, { name: 'ts', start: 8, width: 14 },
        { name: 'name', start: 22, width: 24 }, { name: 'amount', start: 46, width: 12 }, { name: 'branch', start: 58, width: 6 },
      ] },
      header: { type: 'none', columns: ['type', 'ref', 'ts', 'name', 'amount', 'branch'] },
      record_types: { detail: ['D'], header: ['H'], trailer: ['T'] },
      fields: { txn_ref: { column: 'ref' }, paid_at: { column: 'ts', format: 'YYYYMMDDHHmmss' }, amount: { column: 'amount' }, memo: { column: 'name' } },
    });
    // A core-banking export: every field padded to its size in bytes, so "Nguyễn Thị Hương" (16
    // characters, 22 bytes) leaves 6 characters fewer before the amount than "NGUYEN VAN A" does;
    // read by characters, its amount would run into the branch code (500000001002 đồng).
    const pad = (v: string, n: number) => v + ' '.repeat(n - Buffer.byteLength(v));
    const bytes = Buffer.from([
      'H20260301',
      `DCT0001${'20260301081500'}${pad('NGUYEN VAN A', 24)}${'1250000'.padStart(12)}001001`,
      `DCT0002${'20260301091500'}${pad('Nguyễn Thị Hương', 24)}${'500000'.padStart(12)}001002`,
      // A name cut to 24 characters (31 bytes): byte 24 of the field falls inside "ự".
      `DCT0003${'20260301101500'}${'Công ty TNHH Điện Lực Hà'}${'300000'.padStart(12)}001003`,
      '',
    ].join('\n'));
    const s = new Scratch();
    s.profile(layout({ width_unit: 'bytes', record_length: 63 }));
    s.file('CORE1.dat', bytes);
    const { db, summary } = await run(s);
    console.log(summary.files[0]);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 2, records_rejected: 1 });
    expect(await db.all('SELECT txn_ref, memo, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: 'CT0001', memo: 'NGUYEN VAN A', amount_vnd: 1250000n },
      { txn_ref: 'CT0002', memo: 'Nguyễn Thị Hương', amount_vnd: 500000n },
    ]);
    const rejects = await db.all<{ line_no: bigint; reason: string; message: string }>('SELECT line_no, reason, message FROM rejects');
    expect(rejects).toEqual([{ line_no: 4n, reason: 'column_count', message: expect.stringMatching(/CORE1\.dat, line 4: byte 46, where a column starts or ends \(format\.columns, width_unit "bytes"\), is inside a character/) }]);
    db.close();
    // Counted in characters the same file's accented lines are short; the reject says what to set.
    const c = new Scratch();
    c.profile(layout({ record_length: 63 }));
    c.file('CORE1.dat', bytes);
    const counted = await run(c);
    const msgs = await counted.db.all<{ line_no: bigint; message: string }>('SELECT line_no, message FROM rejects ORDER BY line_no');
    expect(msgs[0]).toEqual({ line_no: 3n, message: expect.stringMatching(/the record has 57 characters, expected 63 \(format\.record_length\).*it has 63 bytes: if the partner pads fields to a size in bytes, set format\.width_unit to "bytes"/) });
    counted.db.close();
    // Without record_length: every line has 63 bytes but not 63 characters, so the file fails, naming width_unit
    // (read by characters, line 3's amount was 500000001002 đồng).
    const u = new Scratch();
    u.profile(layout({}));
    u.file('CORE1.dat', bytes.subarray(0, bytes.indexOf('DCT0003')));
    const unsized = await run(u);
    expect(unsized.summary.files[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/CORE1\.dat: every fixed-width record has 63 bytes but they have 57 to 63 characters: the fields are padded to sizes in bytes.*set format\.width_unit to "bytes"/) });
    unsized.db.close();
    expect(profileSchema.safeParse({ ...layout({ width_unit: 'bytes' }), encoding: 'windows-1258' }).error?.issues[0]?.message).toMatch(/widths in bytes are for UTF-8 files/);
  });

  it('loads an xlsx sheet with native dates and numbers, line = row number', async () => {
    const s = new Scratch();
    s.profile({ ...BASE_PROFILE, file_patterns: ['*.xlsx'], format: { type: 'xlsx', sheet: 'GD' }, preamble: { lines: 2 } });
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Other').addRow(['x']);
    const ws = wb.addWorksheet('GD');
    ws.addRow(['Sao kê']);
    ws.addRow([]);
    ws.addRow(HEADER.split(','));
    ws.addRow(['A1', new Date(Date.UTC(2026, 2, 1, 8, 0, 0)), 'PE0100123456', 'QR', 1250000]);
    ws.addRow(['A2', '01/03/2026 09:00:00', 'PD0100000001', 'QR', '500.000']);
    await wb.xlsx.writeFile(s.file('bank.xlsx', ''));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 2 });
    const rows = await db.all<{ line_no: bigint; amount_vnd: bigint; paid_at: Date }>('SELECT line_no, amount_vnd, paid_at FROM payments ORDER BY line_no');
    expect(rows.map((r) => [r.line_no, r.amount_vnd, r.paid_at.toISOString()])).toEqual([
      [4n, 1250000n, '2026-03-01T01:00:00.000Z'],
      [5n, 500000n, '2026-03-01T02:00:00.000Z'],
    ]);
    db.close();
  });
});

describe('xlsx with empty cells', () => {
  it('loads a sheet whose header and rows have an empty column in the middle', async () => {
    const s = new Scratch();
    s.profile({ ...BASE_PROFILE, file_patterns: ['*.xlsx'], format: { type: 'xlsx', sheet: 1 } });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('GD');
    const [first, ...rest] = HEADER.split(',');
    ws.addRow([first, null, ...rest]); // an unnamed, empty column: a hole in exceljs's row.values
    ws.addRow(['A1', null, '01/03/2026 09:00:00', 'PE0100123456', 'QR', '1.250.000']);
    await wb.xlsx.writeFile(s.file('gap.xlsx', ''));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 1 });
    db.close();
  });
});

describe('a database export writing NULL', () => {
  it('reads a field holding one of null_values as empty: a missing id or amount is missing_field, never an id "NULL" shared by payments', async () => {
    const s = new Scratch();
    s.profile(withProfile({ null_values: ['NULL'], fields: { ...BASE_PROFILE.fields, agent_id: { column: 'agent' } } }));
    s.file('T_1.csv', [`${HEADER},agent`,
      'A1,01/03/2026 08:00:00,PE0100123456,NULL,1.000,NULL',
      'A2,01/03/2026 08:01:00, NULL ,null,2.000,AG1',
      'NULL,01/03/2026 08:02:00,PE0100123456,x,3.000,AG1',
      'NULL,01/03/2026 08:03:00,PE0100123456,y,4.000,AG1',
      'A5,01/03/2026 08:04:00,PE0100123456,z,NULL,AG1', ''].join('\n'));
    const { db } = await run(s);
    expect(await db.all('SELECT txn_ref, customer_code, memo, agent_id FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: 'A1', customer_code: 'PE0100123456', memo: null, agent_id: null },
      { txn_ref: 'A2', customer_code: null, memo: 'null', agent_id: 'AG1' }, // compared exactly: "null" is not "NULL"
    ]);
    expect(await db.all('SELECT line_no, reason, field FROM rejects ORDER BY line_no')).toEqual([
      { line_no: 4n, reason: 'missing_field', field: 'txn_ref' },
      { line_no: 5n, reason: 'missing_field', field: 'txn_ref' },
      { line_no: 6n, reason: 'missing_field', field: 'amount' },
    ]);
    expect(await db.all('SELECT records_read, records_loaded, records_rejected, records_duplicate FROM source_files')).toEqual([{ records_read: 5n, records_loaded: 2n, records_rejected: 3n, records_duplicate: 0n }]);
    db.close();
  });
});

describe('control totals, duplicates and idempotency', () => {
  const trailer = (count: number, sum: string) => `Tổng cộng: ${count} giao dịch,,,,${sum}`;
  const body = ['A1,01/03/2026 08:00:00,PE0100123456,QR,1.000', 'A2,01/03/2026 08:00:00,PE0100123456,QR,2.000'];

  it('quarantines a file whose stated count differs, loads nothing, and releases it on request', async () => {
    const s = new Scratch();
    s.profile(WITH_TRAILER);
    s.file('T_1.csv', [HEADER, ...body, trailer(3, '3.000'), ''].join('\n'));
    const { db, run: r, summary } = await run(s);
    expect(summary.files[0]!.status).toBe('quarantined');
    expect(summary.files[0]!.message).toMatch(/line 4: trailer states 3 records, the file has 2/);
    expect((await db.all('SELECT * FROM payments')).length).toBe(0);
    const rel = await releaseFile(db, r, summary.files[0]!.file_id!, 'Auditor', 'bank confirmed');
    expect(rel.records_loaded).toBe(2);
    expect(await db.all('SELECT action, by_name, reason FROM file_events ORDER BY event_at')).toEqual([
      { action: 'quarantined', by_name: null, reason: expect.stringMatching(/trailer states 3/) },
      { action: 'released', by_name: 'Auditor', reason: 'bank confirmed' },
    ]);
    db.close();
  });

  it('quarantines a file whose stated sum differs when nothing was rejected', async () => {
    const s = new Scratch();
    s.profile(WITH_TRAILER);
    s.file('T_1.csv', [HEADER, ...body, trailer(2, '9.000'), ''].join('\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]!.message).toMatch(/trailer states a total of 9000 đồng, the records sum to 3000/);
    db.close();
  });

  it('reports the amount in rejected records instead of quarantining', async () => {
    const s = new Scratch();
    s.profile(WITH_TRAILER);
    s.file('T_1.csv', [HEADER, ...body, 'A3,31/02/2026 08:00:00,PE0100123456,QR,4.000', trailer(3, '7.000'), ''].join('\n'));
    const { db, summary } = await run(s);
    console.log(summary.files[0]);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 2, records_rejected: 1 });
    expect(await db.one('SELECT rejected_amount FROM source_files')).toEqual({ rejected_amount: 4000n });
    db.close();
  });

  it('reads a total printed with a zero fraction (1.234.500,00; 1234500.00) under the records\' whole format, and fails one with a fraction of a đồng, saying so', async () => {
    const s = new Scratch();
    const plain = withProfile({ ...WITH_TRAILER, id: 'bank-p', file_patterns: ['P_*.csv'], fields: { ...BASE_PROFILE.fields, amount: { column: 'amount', format: { grouping: '' } } } });
    const decimal = withProfile({ ...WITH_TRAILER, id: 'bank-d', file_patterns: ['D_*.csv'], fields: { ...BASE_PROFILE.fields, amount: { column: 'amount', format: { grouping: '.', decimal: ',' } } } });
    s.profile(WITH_TRAILER);
    s.profile(plain);
    s.profile(decimal);
    s.file('T_1.csv', [HEADER, ...body, trailer(2, '"3.000,00"'), ''].join('\n'));
    s.file('T_2.csv', [HEADER, 'B1,01/03/2026 08:00:00,PE0100123456,QR,1.000', trailer(1, '"1.000,50"'), ''].join('\n'));
    s.file('P_1.csv', [HEADER, 'C1,01/03/2026 08:00:00,PE0100123456,QR,1000', trailer(1, '1000.00'), ''].join('\n'));
    s.file('P_2.csv', [HEADER, 'C2,01/03/2026 08:00:00,PE0100123456,QR,1000', trailer(1, '"1000,0"'), ''].join('\n'));
    s.file('D_1.csv', [HEADER, 'D1,01/03/2026 08:00:00,PE0100123456,QR,"1.000,00"', trailer(1, '"1.000,05"'), ''].join('\n'));
    const { db, summary } = await run(s);
    const status = Object.fromEntries(summary.files.map((f) => [f.path.replace(/.*\//, ''), [f.status, f.message ?? '']]));
    expect(status['T_1.csv']![0]).toBe('loaded');
    expect(status['P_1.csv']![0]).toBe('loaded');
    expect(status['P_2.csv']![0]).toBe('loaded');
    for (const [name, fraction] of [['T_2.csv', ',50'], ['D_1.csv', ',05']] as const) {
      expect(status[name]![0]).toBe('failed');
      expect(status[name]![1]).toContain(`line 3, field trailer.amount: got "1.000${fraction}", a total with a fraction of a đồng (${fraction}), which no whole amounts sum to (VND has no minor unit)`);
    }
    expect(await db.all("SELECT file_name, control_amount FROM source_files WHERE status = 'loaded' ORDER BY file_name")).toEqual([
      { file_name: 'P_1.csv', control_amount: 1000n }, { file_name: 'P_2.csv', control_amount: 1000n }, { file_name: 'T_1.csv', control_amount: 3000n },
    ]);
    db.close();
    // Three digits after the separator under grouping "" could be a thousands group: not read as a fraction.
    const none = amountFormatSchema.parse({ grouping: '' });
    expect([parseControlAmount('1234.500', none), parseControlAmount('1234,00', none), parseControlAmount('(5,00)', amountFormatSchema.parse({ grouping: '.', negative: 'parentheses' }))])
      .toEqual([null, { value: 1234n }, { value: -5n }]);
  });

  it('counts repeated identities as duplicates and skips a file already loaded, naming the earlier load', async () => {
    const s = new Scratch();
    s.profile(BASE_PROFILE);
    s.file('T_1.csv', [HEADER, ...body, body[0], ''].join('\n'));
    s.file('T_2.csv', [HEADER, body[1], 'A9,01/03/2026 08:00:00,PE0100123456,QR,9.000', ''].join('\n'));
    const { db, run: r, summary } = await run(s);
    expect(summary.files.map((f) => [f.records_read, f.records_loaded, f.records_duplicate])).toEqual([[3, 2, 1], [2, 1, 1]]);
    expect(await db.all('SELECT file_id, line_no, first_file_id, first_line_no FROM duplicate_records ORDER BY file_id')).toEqual([
      { file_id: 1n, line_no: 4n, first_file_id: 1n, first_line_no: 2n },
      { file_id: 2n, line_no: 2n, first_file_id: 1n, first_line_no: 3n },
    ]);
    const again = await ingestFiles(db, r, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(again.files.map((f) => f.status)).toEqual(['skipped', 'skipped']);
    expect(again.files[0]!.message).toMatch(/skipped, identical \(sha256\) to file 1 .*T_1\.csv received/);
    expect((await db.all('SELECT * FROM payments')).length).toBe(3);
    db.close();
  });
});

describe('billing import', () => {
  it('upserts customers and replaces invoices by period; the same bytes are a no-op', async () => {
    const s = new Scratch();
    s.file('billing/customers.csv', 'customer_code,name,pc,unit,segment\nPE0100123456,Nguyễn Văn A,EVNHCMC,PE0100,residential\nXX01,Bad,,,\n');
    s.file('billing/invoices-2026-03.csv', 'invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd\nI1,PE0100123456,2026-03,1K26TAA,1,2026-03-05,2026-03-20,250000\nI2,PE0100123456,2026-03,1K26TAA,2,2026-03-05,2026-03-20,12.5\n');
    const { db, run: r } = await openTestDb();
    const first = await importBilling(db, r, `${s.files}/billing`);
    expect(first.files.map((f) => [f.status, f.records_loaded, f.records_rejected])).toEqual([['loaded', 1, 1], ['loaded', 1, 1]]);
    expect(await db.all('SELECT customer_code, pc, unit FROM customers')).toEqual([{ customer_code: 'PE0100123456', pc: 'EVNHCMC', unit: 'PE0100' }]);
    expect(await db.all('SELECT line_no, reason FROM rejects ORDER BY file_id')).toEqual([{ line_no: 3n, reason: 'unknown_code' }, { line_no: 3n, reason: 'bad_amount' }]);
    const again = await importBilling(db, r, `${s.files}/billing`);
    expect(again.files.map((f) => f.status)).toEqual(['skipped', 'skipped']);
    s.file('billing/invoices-2026-03.csv', 'invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd\nI3,PE0100123456,2026-03,1K26TAA,3,2026-03-05,2026-03-20,99000\n');
    await importBilling(db, r, `${s.files}/billing`);
    expect(await db.all('SELECT invoice_no FROM invoices')).toEqual([{ invoice_no: 'I3' }]);
    expect(await db.all(`SELECT file_id, status FROM source_files WHERE kind = 'invoices' ORDER BY file_id`)).toEqual([
      { file_id: 2n, status: 'replaced' },
      { file_id: 3n, status: 'loaded' },
    ]);
    db.close();
  });
});

describe('amount notations', () => {
  const load = async (format: Record<string, unknown>, amounts: string[]) => {
    const s = new Scratch();
    s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, amount: { column: 'amount', format } } }));
    s.file('T_1.csv', `${HEADER}\n${amounts.map((a, i) => `A${i + 1},01/03/2026 08:00:00,PE0100123456,QR,"${a}"`).join('\n')}\n`);
    const { db } = await run(s);
    const loaded = await db.all<{ txn_ref: string; amount_vnd: bigint; kind: string }>('SELECT txn_ref, amount_vnd, kind FROM payments ORDER BY line_no');
    const rejected = await db.all<{ value: string; reason: string; message: string }>('SELECT value, reason, message FROM rejects ORDER BY line_no');
    db.close();
    return { loaded: loaded.map((p) => [p.txn_ref, p.amount_vnd, p.kind]), rejected };
  };

  it('reads negatives in parentheses and currency markers where the format says so', async () => {
    const r = await load({ grouping: '.', negative: 'parentheses', currency: true, allow_negative: true },
      ['307.839 VND', '307.839đ', 'VND 1.000', '(2.500)', '4.000 vnđ', '(5.000', '-6.000', '7.000 USD']);
    expect(r.loaded).toEqual([['A1', 307839n, 'payment'], ['A2', 307839n, 'payment'], ['A3', 1000n, 'payment'], ['A4', 2500n, 'reversal'], ['A5', 4000n, 'payment']]);
    expect(r.rejected.map((x) => [x.value, x.reason])).toEqual([['(5.000', 'bad_amount'], ['-6.000', 'bad_amount'], ['7.000 USD', 'bad_amount']]);
    expect(r.rejected[0]!.message).toContain('negatives in parentheses, optionally VND/đ before or after');
  });

  // Excel's currency formats put the marker inside the sign: "#,##0 ₫;(#,##0 ₫)" writes (150.000 ₫),
  // en-US "[$₫-vi-VN]" writes -₫150,000 or (₫150,000); a CSV saved from such a sheet keeps that text.
  it('reads a currency marker on either side of the sign or parenthesis, one before and one after at most', async () => {
    const r = await load({ grouping: '.', negative: 'parentheses', currency: true, allow_negative: true },
      ['(150.000 ₫)', '(VND 2.000)', '(3.000đ)', 'VND (4.000)', '(5.000) đ', '(VND 6.000 đ)', '(VND VND 7.000)', '8.000 đ đ', '(đ9.000']);
    expect(r.loaded).toEqual([['A1', 150000n, 'reversal'], ['A2', 2000n, 'reversal'], ['A3', 3000n, 'reversal'], ['A4', 4000n, 'reversal'], ['A5', 5000n, 'reversal'], ['A6', 6000n, 'reversal']]);
    expect(r.rejected.map((x) => [x.value, x.reason])).toEqual([['(VND VND 7.000)', 'bad_amount'], ['8.000 đ đ', 'bad_amount'], ['(đ9.000', 'bad_amount']]);
    const m = await load({ grouping: ',', currency: true, allow_negative: true }, ['-₫150,000', '₫-2,000', '-3,000 VND', '- ₫4,000', '+₫5,000']);
    expect(m.loaded).toEqual([['A1', 150000n, 'reversal'], ['A2', 2000n, 'reversal'], ['A3', 3000n, 'reversal'], ['A5', 5000n, 'payment']]);
    expect(m.rejected.map((x) => x.value)).toEqual(['- ₫4,000']);
    const t = await load({ grouping: '.', negative: 'trailing_minus', currency: true, allow_negative: true }, ['150.000đ-', '2.000 đ-', '3.000- đ']);
    expect(t.loaded).toEqual([['A1', 150000n, 'reversal'], ['A2', 2000n, 'reversal'], ['A3', 3000n, 'reversal']]);
    const f = amountFormatSchema.parse({ grouping: '.', negative: 'parentheses', currency: true });
    expect([parseAmount('(1.234.567 VNĐ)', f), parseAmount('(₫5.000)', f), parseAmount('(₫5.000', f)]).toEqual([-1234567n, -5000n, null]);
  });

  it('reads a trailing minus, and refuses currency markers and parentheses a format does not declare', async () => {
    expect((await load({ grouping: ',', negative: 'trailing_minus', allow_negative: true }, ['1,500-', '2,000'])).loaded)
      .toEqual([['A1', 1500n, 'reversal'], ['A2', 2000n, 'payment']]);
    expect((await load({ grouping: '.' }, ['1.000 VND', '(2.000)'])).rejected.map((x) => x.reason)).toEqual(['bad_amount', 'bad_amount']);
  });

  // COBOL's PIC S9(13) SIGN TRAILING SEPARATE writes every amount with its sign after it: + or -.
  it('reads a trailing + as well as a trailing minus, and refuses a sign on both sides, in records and trailers', async () => {
    const r = await load({ grouping: '', negative: 'trailing_minus', allow_negative: true }, ['0000001250000+', '0000000500000-', '+700', '+800-', '+900+', '1000+-']);
    expect(r.loaded).toEqual([['A1', 1250000n, 'payment'], ['A2', 500000n, 'reversal'], ['A3', 700n, 'payment']]);
    expect(r.rejected.map((x) => [x.value, x.reason])).toEqual([['+800-', 'bad_amount'], ['+900+', 'bad_amount'], ['1000+-', 'bad_amount']]);
    expect(r.rejected[0]!.message).toContain('negatives with a trailing minus, a trailing + allowed');
    const f = amountFormatSchema.parse({ grouping: '', negative: 'trailing_minus' });
    expect([parseAmount('0000001250000+', f), parseAmount('+5-', f)]).toEqual([1250000n, null]);
  });

  // A host or English-language statement suffixes every amount: 1,250,000.00 CR in, DR out.
  it('reads a CR/DR suffix (negative "cr_dr") in any case, and refuses a sign beside it, in records and trailers', async () => {
    const r = await load({ grouping: ',', decimal: '.', negative: 'cr_dr', allow_negative: true }, ['1,250,000.00 CR', '500,000.00 DR', '700cr', '800 Dr', '900', '-1,000.00 DR', '1,000 CD', '(1,000) DR']);
    expect(r.loaded).toEqual([['A1', 1250000n, 'payment'], ['A2', 500000n, 'reversal'], ['A3', 700n, 'payment'], ['A4', 800n, 'reversal'], ['A5', 900n, 'payment']]);
    expect(r.rejected.map((x) => [x.value, x.reason])).toEqual([['-1,000.00 DR', 'bad_amount'], ['1,000 CD', 'bad_amount'], ['(1,000) DR', 'bad_amount']]);
    expect(r.rejected[0]!.message).toContain('a CR (in) or DR (out) suffix');
    const f = amountFormatSchema.parse({ grouping: '.', negative: 'cr_dr', currency: true });
    expect([parseAmount('1.250.000 VND DR', f), parseAmount('1.250.000 CR', f), parseAmount('-5.000', f)]).toEqual([-1250000n, 1250000n, null]);
    // A padded host report puts more than one space before the suffix.
    expect([parseAmount('1.250.000   DR', f), parseAmount('1.250.000\u00a0 CR', f)]).toEqual([-1250000n, 1250000n]);
  });

  it('parses trailer amounts with the same rules', () => {
    const f = amountFormatSchema.parse({ grouping: '.', negative: 'parentheses', currency: true });
    expect([parseAmount('(1.234.567) VNĐ', f), parseAmount('đ 5.000', f), parseAmount('(5.000', f), parseAmount('5.000)', f)]).toEqual([-1234567n, 5000n, null, null]);
    expect(parseAmount('5.000-', amountFormatSchema.parse({ grouping: '.', negative: 'trailing_minus' }))).toBe(-5000n);
  });

  it('reads grouping " " written with the no-break, thin and narrow no-break spaces spreadsheets use, in records and the trailer', async () => {
    const r = await load({ grouping: ' ', currency: true },
      ['1 234 567', '1\u00a0234\u00a0567', '1\u2009234\u202f567', '7\u00a0000\u00a0₫', '1\u00a0234\u00a056', '1_234']);
    expect(r.loaded).toEqual([['A1', 1234567n, 'payment'], ['A2', 1234567n, 'payment'], ['A3', 1234567n, 'payment'], ['A4', 7000n, 'payment']]);
    expect(r.rejected.map((x) => [x.value, x.reason])).toEqual([['1\u00a0234\u00a056', 'bad_amount'], ['1_234', 'bad_amount']]);
    const f = amountFormatSchema.parse({ grouping: ' ' });
    expect([parseAmount('3\u00a0703\u00a0701', f), parseAmount('3\u202f703\u202f701', f), parseAmount('3.703.701', f)]).toEqual([3703701n, 3703701n, null]);
    // Other groupings stay what they say: a space is no dot.
    expect(parseAmount('3\u00a0703', amountFormatSchema.parse({ grouping: '.' }))).toBeNull();
    const s = new Scratch();
    s.file('T_1.csv', `${HEADER}\nA1,01/03/2026 08:00:00,PE0100123456,QR,2\u00a0500\u00a0000\nA2,01/03/2026 08:00:00,PE0100123456,QR,1\u00a0203\u00a0701\nTổng cộng,2,,,3\u202f703\u202f701\n`);
    s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, amount: { column: 'amount', format: { grouping: ' ' } } }, trailer: { match: '^Tổng cộng', count: { field: 2 }, amount: { field: 5 } } }));
    const { db, summary } = await run(s);
    db.close();
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 2, records_loaded: 2 });
  });

  it('says a credit/debit row with no money needs a non-zero amount', async () => {
    const s = new Scratch();
    s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, amount: { credit_column: 'amount', debit_column: 'debit', format: { grouping: '.' } } } }));
    s.file('T_1.csv', `${HEADER},debit\nA1,01/03/2026 08:00:00,PE0100123456,QR,0,0\nA2,01/03/2026 08:00:00,PE0100123456,QR,5.000,0\n`);
    const { db } = await run(s);
    const rejects = await db.all<{ message: string }>('SELECT message FROM rejects');
    db.close();
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.message).toMatch(/got "0 \/ 0", expected a non-zero amount in the credit or the debit column/);
  });

  it('reads a lone dash (Excel\'s Accounting zero, a statement\'s unused side) as zero, in records and trailers, never as a value', async () => {
    const s = new Scratch();
    s.profile(withProfile({
      trailer: { match: '^Tổng', credit: { field: 5 }, debit: { field: 6 } },
      fields: { ...BASE_PROFILE.fields, amount: { credit_column: 'amount', debit_column: 'debit', format: { grouping: ',', decimal: '.' } } },
    }));
    s.file('T_1.csv', [
      `${HEADER},debit`,
      'A1,01/03/2026 08:00:00,PE0100123456,QR,"1,250,000.00", - ',
      'A2,01/03/2026 08:00:00,PE0100123456,QR,–,"100,000"',
      'A3,01/03/2026 08:00:00,PE0100123456,QR,"500,000",—',
      'A4,01/03/2026 08:00:00,PE0100123456,QR,-,-',
      'Tổng cộng,,,,"1,750,000","100,000"',
    ].join('\n'));
    const { db } = await run(s);
    expect(await db.all('SELECT txn_ref, kind, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: 'A1', kind: 'payment', amount_vnd: 1250000n },
      { txn_ref: 'A2', kind: 'refund', amount_vnd: 100000n },
      { txn_ref: 'A3', kind: 'payment', amount_vnd: 500000n },
    ]);
    expect(await db.all('SELECT line_no, reason, value FROM rejects')).toEqual([{ line_no: 5n, reason: 'bad_amount', value: '- / -' }]);
    expect(await db.one('SELECT status, control_amount, rejected_amount FROM source_files')).toEqual({ status: 'loaded', control_amount: 1650000n, rejected_amount: 0n });
    db.close();
    // A trailer's total of the unused side, written as a dash, is read by parseAmount.
    expect(parseAmount(' — ', amountFormatSchema.parse({ grouping: '.', allow_negative: true }))).toBe(0n);
  });
});

describe('date notations', () => {
  it('reads unpadded days and months, the 12-hour clock (AM/PM and SA/CH), two-digit years and milliseconds', async () => {
    const cases: Array<[string, string, string | null]> = [
      ['D/M/YYYY h:mm:ss A', '5/3/2026 9:05:09 PM', '2026-03-05T14:05:09.000Z'],
      ['D/M/YYYY h:mm:ss A', '27/12/2026 12:05:09 am', '2026-12-26T17:05:09.000Z'],
      ['D/M/YYYY h:mm:ss A', '5/3/2026 13:05:09 PM', null],
      // Vietnamese locales write SA (sáng) / CH (chiều) for AM/PM.
      ['D/M/YYYY h:mm:ss A', '5/3/2026 9:05:09 CH', '2026-03-05T14:05:09.000Z'],
      ['DD/MM/YYYY hh:mm A', '05/03/2026 12:05 SA', '2026-03-04T17:05:00.000Z'],
      ['DD/MM/YYYY hh:mm A', '05/03/2026 12:05 ch', '2026-03-05T05:05:00.000Z'],
      ['DD/MM/YYYY hh:mm A', '05/03/2026 08:05 SC', null],
      ['DD/MM/YY HH:mm', '05/03/26 09:05', '2026-03-05T02:05:00.000Z'],
      ['YYYY-MM-DD HH:mm:ss.SSS', '2026-03-05 09:05:09.250', '2026-03-05T02:05:09.250Z'],
      ['DD/MM/YYYY', '5/3/2026', null],
      // ISO 8601 with its offset after a space, as Java's yyyy-MM-dd HH:mm:ss Z writes it.
      ['ISO', '2026-03-05 09:05:09 +0700', '2026-03-05T02:05:09.000Z'],
      ['ISO', '2026-03-05T09:05:09.250 Z', '2026-03-05T09:05:09.250Z'],
      ['ISO', '2026-03-05 09:05:09 -05:00', '2026-03-05T14:05:09.000Z'],
      ['ISO', '2026-03-05 +07:00', null],
      // Java's OffsetDateTime.toString() leaves out the seconds of a whole minute.
      ['ISO', '2026-03-05T09:05+07:00', '2026-03-05T02:05:00.000Z'],
      ['ISO', '2026-03-05T09:05Z', '2026-03-05T09:05:00.000Z'],
      ['ISO', '2026-03-05 09:05 +0700', '2026-03-05T02:05:00.000Z'],
      ['ISO', '2026-03-05T09:05:09.1234567+07:00', '2026-03-05T02:05:09.123Z'],
      // RFC 3339 allows a lower-case t and z.
      ['ISO', '2026-03-05t09:05:09z', '2026-03-05T09:05:09.000Z'],
      ['ISO', '2026-03-05t09:05:09', '2026-03-05T02:05:09.000Z'],
      ['ISO', '2026-03-05 09:05:09 z', '2026-03-05T09:05:09.000Z'],
      // Java's ZonedDateTime.toString(): the zone id after the offset; the offset states the instant.
      ['ISO', '2026-03-05T09:05:09+07:00[Asia/Ho_Chi_Minh]', '2026-03-05T02:05:09.000Z'],
      ['ISO', '2026-03-05T02:05Z[UTC]', '2026-03-05T02:05:00.000Z'],
      ['ISO', '2026-03-05T09:05:09[Asia/Ho_Chi_Minh]', null],
      // Oracle's DD-MON-YY (core banking) and Excel's d-mmm-yyyy: the English month abbreviation, any case.
      ['DD-MMM-YY HH:mm:ss', '05-MAR-26 09:05:09', '2026-03-05T02:05:09.000Z'],
      ['D-MMM-YYYY', '5-mar-2026', '2026-03-04T17:00:00.000Z'],
      ['DD-MMM-YYYY', '05-Mrz-2026', null],
      ['DD-MMM-YYYY', '31-Feb-2026', null],
      ['DD-MMM-YYYY', '05-03-2026', null],
    ];
    for (const [format, written, want] of cases) {
      const s = new Scratch();
      s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, paid_at: { column: 'time', format } } }));
      s.file('T_1.csv', `${HEADER}\nA1,${written},PE0100123456,QR,1.000\n`);
      const { db } = await run(s);
      const rows = await db.all<{ paid_at: Date }>('SELECT paid_at FROM payments');
      const rejects = await db.all<{ reason: string }>('SELECT reason FROM rejects');
      db.close();
      expect([format, written, rows[0]?.paid_at.toISOString() ?? rejects[0]?.reason]).toEqual([format, written, want ?? 'bad_date']);
    }
  });

  it('reads Unix time in seconds (UNIX) and milliseconds (UNIX_MS) as instants, the zone playing no part, and refuses one written as the other', async () => {
    const cases: Array<[string, string, string | null]> = [
      // 2026-03-01 00:30:00 in Hà Nội is 2026-02-28 17:30:00 UTC.
      ['UNIX', '1772299800', '2026-02-28T17:30:00.000Z'],
      ['UNIX', '1772299800.25', '2026-02-28T17:30:00.250Z'],
      ['UNIX_MS', '1772299800123', '2026-02-28T17:30:00.123Z'],
      // milliseconds under UNIX (year 58,000) and seconds under UNIX_MS (1970) are rejects, not dates
      ['UNIX', '1772299800123', null],
      ['UNIX_MS', '1772299800', null],
      ['UNIX', '-1772299800', null],
      ['UNIX', '2026-03-01 00:30:00', null],
    ];
    for (const [format, written, want] of cases) {
      const s = new Scratch();
      s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, paid_at: { column: 'time', format, timezone: 'UTC+05:00' } } }));
      s.file('T_1.csv', `${HEADER}\nA1,${written},PE0100123456,QR,1.000\n`);
      const { db } = await run(s);
      const rows = await db.all<{ paid_at: Date }>('SELECT paid_at FROM payments');
      const rejects = await db.all<{ reason: string; message: string }>('SELECT reason, message FROM rejects');
      db.close();
      expect([format, written, rows[0]?.paid_at.toISOString() ?? rejects[0]?.reason]).toEqual([format, written, want ?? 'bad_date']);
      if (!want) expect(rejects[0]!.message).toMatch(/expected a date\/time like 17723277000{0,3} \(Unix time in (milli)?seconds\)/);
    }
  });

  it('gives settled_on in Unix time the local date in its zone, reads UNIX cells of an xlsx as numbers, and refuses Unix time over two columns', async () => {
    const s = new Scratch();
    const fields = { ...BASE_PROFILE.fields, paid_at: { column: 'time', format: 'UNIX_MS' }, settled_on: { column: 'settled', format: 'UNIX' } };
    s.profile({ ...BASE_PROFILE, file_patterns: ['*.xlsx'], format: { type: 'xlsx' }, fields });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('GD');
    ws.addRow([...HEADER.split(','), 'settled']);
    // 2026-03-01 17:00:00 UTC is midnight of 2 March in Hà Nội
    ws.addRow(['A1', 1772299800123, 'PE0100123456', 'QR', 1000, 1772384400]);
    ws.addRow(['A2', '1772299800123', 'PE0100123456', 'QR', 1000, '1772384399']);
    await wb.xlsx.writeFile(s.file('gw.xlsx', ''));
    const { db } = await run(s);
    const rows = await db.all<{ paid_at: Date; settled_on: string }>('SELECT paid_at, CAST(settled_on AS VARCHAR) AS settled_on FROM payments ORDER BY line_no');
    expect(rows.map((r) => [r.paid_at.toISOString(), r.settled_on])).toEqual([
      ['2026-02-28T17:30:00.123Z', '2026-03-02'],
      ['2026-02-28T17:30:00.123Z', '2026-03-01'],
    ]);
    db.close();
    const two = profileSchema.safeParse(withProfile({ fields: { ...BASE_PROFILE.fields, paid_at: { column: ['d', 't'], format: 'UNIX' } } }));
    expect(two.success).toBe(false);
    expect(JSON.stringify(two.error?.issues)).toMatch(/Unix time \(UNIX, UNIX_MS\) is one column/);
  });

  it('reads a fraction of any length (S), a value without it as the whole second, and refuses fraction tokens of other widths', async () => {
    const s = new Scratch();
    s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, paid_at: { column: 'time', format: 'DD/MM/YYYY HH:mm:ss.S' } } }));
    const written = ['27/10/2026 10:15:00.5', '27/10/2026 10:15:00.25', '27/10/2026 10:15:00.1234567', '27/10/2026 10:15:00.999999999',
      '27/10/2026 10:15:00', '27/10/2026', '27/10/2026 10:15:00.', '27/10/2026 10:15:00.1234567890', '27/10/2026 10:15'];
    s.file('T_1.csv', `${HEADER}\n${written.map((w, i) => `A${i},${w},PE0100123456,QR,1.000`).join('\n')}\n`);
    const { db } = await run(s);
    const rows = await db.all<{ txn_ref: string; paid_at: Date }>('SELECT txn_ref, paid_at FROM payments ORDER BY line_no');
    expect(rows.map((r) => [r.txn_ref, r.paid_at.toISOString()])).toEqual([
      ['A0', '2026-10-27T03:15:00.500Z'], ['A1', '2026-10-27T03:15:00.250Z'], ['A2', '2026-10-27T03:15:00.123Z'], ['A3', '2026-10-27T03:15:00.999Z'],
      ['A4', '2026-10-27T03:15:00.000Z'], // .NET's FFF leaves out a zero fraction with its point
      ['A5', '2026-10-26T17:00:00.000Z'], // a date alone: 00:00 local
    ]);
    const micros = await db.all<{ us: bigint }>("SELECT epoch_us(paid_at) % 1000000 AS us FROM payments WHERE txn_ref IN ('A2', 'A3') ORDER BY txn_ref");
    expect(micros.map((r) => r.us)).toEqual([123456n, 999999n]); // read to the microsecond, never rounded up into the next second
    const rejects = await db.all<{ reason: string; message: string }>('SELECT reason, message FROM rejects ORDER BY line_no');
    expect(rejects.map((r) => r.reason)).toEqual(['bad_date', 'bad_date', 'bad_date']);
    expect(rejects[0]!.message).toMatch(/line 8, field paid_at \(column time\): .*"27\/10\/2026 10:15:00\.".*DD\/MM\/YYYY HH:mm:ss\.S/);
    db.close();
    for (const format of ['HH:mm:ss.SS DD/MM/YYYY', 'DD/MM/YYYY HH:mm:ss.SSSSSSS']) {
      const bad = profileSchema.safeParse(withProfile({ fields: { ...BASE_PROFILE.fields, paid_at: { column: 'time', format } } }));
      expect(JSON.stringify(bad.error?.issues)).toMatch(/SSS \(3 digits\), SSSSSS \(6\) or S \(any number of digits, 1 to 9\)/);
    }
    expect(formatDateParts({ year: 2026, month: 3, day: 5, hour: 21, minute: 5, second: 9, millisecond: 250 }, 'HH:mm:ss.S')).toBe('21:05:09.25');
    expect(formatDateParts({ year: 2026, month: 3, day: 5, hour: 21, minute: 5, second: 9, millisecond: 0 }, 'HH:mm:ss.S')).toBe('21:05:09.0');
  });

  it('says a date written as an Excel serial number is one, and what it would be, but never reads it as a date', async () => {
    const s = new Scratch();
    s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, paid_at: { column: 'time', format: 'DD/MM/YYYY HH:mm:ss' } } }));
    s.file('T_1.csv', `${HEADER}\nA1,46322.34375,PE0100123456,QR,1.000\nA2,46322,PE0100123456,QR,1.000\nA3,4632,PE0100123456,QR,1.000\n`);
    const { db } = await run(s);
    const rejects = await db.all<{ reason: string; message: string }>('SELECT reason, message FROM rejects ORDER BY line_no');
    db.close();
    expect(rejects.map((r) => r.reason)).toEqual(['bad_date', 'bad_date', 'bad_date']);
    expect(rejects[0]!.message).toMatch(/got "46322\.34375", expected a date\/time like DD\/MM\/YYYY HH:mm:ss; 46322\.34375 looks like an Excel serial date \(27\/10\/2026 08:15:00\): the file was saved from a sheet whose date column is not formatted as a date/);
    expect(rejects[1]!.message).toContain('(27/10/2026 00:00:00)');
    expect(rejects[2]!.message).toMatch(/expected a date\/time like DD\/MM\/YYYY HH:mm:ss$/);
  });

  it('writes every token back as it reads it (XLSX cells holding real dates)', () => {
    const p = { year: 2026, month: 3, day: 5, hour: 21, minute: 5, second: 9, millisecond: 250 };
    expect(formatDateParts(p, 'D/M/YY h:mm:ss A')).toBe('5/3/26 9:05:09 PM');
    expect(formatDateParts(p, 'DD/MM/YYYY HH:mm:ss.SSS')).toBe('05/03/2026 21:05:09.250');
    expect(formatDateParts({ ...p, hour: 0 }, 'hh:mm A')).toBe('12:05 AM');
    expect(formatDateParts(p, 'DD-MMM-YY')).toBe('05-Mar-26');
  });
});

/** Agent id + receipt number, joined with "-"; a reversal names the original's receipt. */
const AGENT_RECEIPT = withProfile({
  fields: {
    ...BASE_PROFILE.fields,
    txn_ref: { column: ['agent', 'receipt'], separator: '-' },
    kind: { column: 'kind', map: { TT: 'payment', HUY: 'reversal' } },
    reverses_txn_ref: { column: ['agent', 'rev'] },
  },
});

describe('reversals naming a composite id', () => {
  it('builds reverses_txn_ref from several columns with the transaction id\'s separator', async () => {
    const s = new Scratch();
    s.profile(AGENT_RECEIPT);
    s.file('T_1.csv', [
      'agent,receipt,time,customer,memo,amount,kind,rev',
      '1021,000124,01/03/2026 08:00:00,PE0100123456,TT,50.000,TT,',
      '1021,000900,02/03/2026 08:00:00,PE0100123456,HUY,50.000,HUY,000124',
      '',
    ].join('\n'));
    const { db } = await run(s);
    expect(await db.all('SELECT txn_ref, kind, reverses_txn_ref FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: '1021-000124', kind: 'payment', reverses_txn_ref: null },
      { txn_ref: '1021-000900', kind: 'reversal', reverses_txn_ref: '1021-000124' },
    ]);
    db.close();
  });
});

describe('a transaction id joined from several columns', () => {
  it('joins the parts as written, so an id reads as the partner writes it and a single-column reference names it', async () => {
    const s = new Scratch();
    s.profile(withProfile({
      fields: {
        ...BASE_PROFILE.fields,
        txn_ref: { column: ['agent', 'receipt'], separator: '-' },
        kind: { column: 'kind', map: { TT: 'payment', HUY: 'reversal' } },
        reverses_txn_ref: { column: 'rev' },
      },
    }));
    s.file('T_1.csv', [
      'agent,receipt,time,customer,memo,amount,kind,rev',
      'HN-001,00000002,01/03/2026 08:00:00,PE0100123456,TT,50.000,TT,',
      'TGDD00009,00000002,01/03/2026 08:10:00,PE0100123458,TT,70.000,TT,',
      'HN-001,00000003,02/03/2026 08:00:00,PE0100123456,HUY,50.000,HUY,HN-001-00000002',
      '',
    ].join('\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 3, records_duplicate: 0 });
    expect(await db.all('SELECT txn_ref, kind, reverses_txn_ref FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: 'HN-001-00000002', kind: 'payment', reverses_txn_ref: null },
      { txn_ref: 'TGDD00009-00000002', kind: 'payment', reverses_txn_ref: null },
      { txn_ref: 'HN-001-00000003', kind: 'reversal', reverses_txn_ref: 'HN-001-00000002' },
    ]);
    db.close();
  });

  it('refuses a profile joining several columns without a separator ("A1" + "23" and "A12" + "3" would both be "A123")', () => {
    const check = (fields: Record<string, unknown>) => profileSchema.safeParse(withProfile({ fields: { ...BASE_PROFILE.fields, ...fields } }));
    const joined = check({ txn_ref: { column: ['agent', 'receipt'] } });
    expect(joined.success).toBe(false);
    expect(joined.error?.issues[0]).toMatchObject({ path: ['fields', 'txn_ref', 'separator'], message: expect.stringContaining('"A1" + "23" and "A12" + "3" would be the same id') });
    expect(check({ reverses_txn_ref: { column: ['agent', 'rev'] } }).success).toBe(false);
    expect(check({ txn_ref: { column: ['agent', 'receipt'], separator: '/' } }).success).toBe(true);
    expect(check({ txn_ref: { column: 'ref' } }).success).toBe(true);
  });
});

describe('a date from two columns', () => {
  it('reads a row whose time column is empty as 00:00 local of its date (DOMAIN: a date without a time), and a row with neither as missing', async () => {
    const s = new Scratch();
    s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, paid_at: { column: ['day', 'time'], format: 'DD/MM/YYYY HH:mm:ss' } } }));
    s.file('T_1.csv', ['ref,day,time,customer,memo,amount', 'A1,01/03/2026,08:00:00,PE0100123456,QR,1.000', 'A2,01/03/2026,,PE0100123456,QR,2.000', 'A3,,,PE0100123456,QR,3.000', 'A4,31/02/2026,,PE0100123456,QR,4.000', ''].join('\n'));
    const { db } = await run(s);
    const rejects = await db.all<{ line_no: bigint; reason: string; value: string | null; message: string }>('SELECT line_no, reason, value, message FROM rejects ORDER BY line_no');
    expect(await db.all("SELECT txn_ref, CAST(timezone('Asia/Ho_Chi_Minh', paid_at) AS VARCHAR) AS local FROM payments ORDER BY txn_ref")).toEqual([
      { txn_ref: 'A1', local: '2026-03-01 08:00:00' },
      { txn_ref: 'A2', local: '2026-03-01 00:00:00' },
    ]);
    db.close();
    expect(rejects.map((r) => [r.line_no, r.reason, r.value])).toEqual([[4n, 'missing_field', null], [5n, 'bad_date', '31/02/2026']]);
    expect(rejects[1]!.message).toContain('field paid_at (column day + time): not a valid date: got "31/02/2026", expected a date/time like DD/MM/YYYY HH:mm:ss');
  });
});

describe('a date without its time where the format has one', () => {
  it('is that day at 00:00 local, as a sheet writes a midnight time; a time cut short is still bad_date', async () => {
    const s = new Scratch();
    s.profile(withProfile({ fields: { ...BASE_PROFILE.fields, paid_at: { column: 'time', format: 'YYYYMMDDHHmmss' }, settled_on: { column: 'settled', format: 'DD/MM/YYYY HH:mm' } } }));
    s.file('T_1.csv', [
      'ref,time,customer,memo,amount,settled',
      'A1,20261005083000,PE0100123456,QR,1.000,06/10/2026 02:00',
      'A2,20261005,PE0100123456,QR,2.000,06/10/2026 02:00',
      'A3,20261005083000,PE0100123456,QR,3.000,06/10/2026',
      'A4,2026100508,PE0100123456,QR,4.000,06/10/2026 02:00',
      'A5,20261032,PE0100123456,QR,5.000,06/10/2026 02:00',
      '',
    ].join('\n'));
    const { db } = await run(s);
    const rejects = await db.all<{ line_no: bigint; reason: string; value: string | null; message: string }>('SELECT line_no, reason, value, message FROM rejects ORDER BY line_no');
    expect(await db.all("SELECT txn_ref, CAST(timezone('Asia/Ho_Chi_Minh', paid_at) AS VARCHAR) AS local, CAST(settled_on AS VARCHAR) AS settled FROM payments ORDER BY txn_ref")).toEqual([
      { txn_ref: 'A1', local: '2026-10-05 08:30:00', settled: '2026-10-06' },
      { txn_ref: 'A2', local: '2026-10-05 00:00:00', settled: '2026-10-06' },
      { txn_ref: 'A3', local: '2026-10-05 08:30:00', settled: '2026-10-06' },
    ]);
    db.close();
    expect(rejects.map((r) => [r.line_no, r.reason, r.value])).toEqual([[5n, 'bad_date', '2026100508'], [6n, 'bad_date', '20261032']]);
    expect(rejects[0]!.message).toContain('line 5, field paid_at (column time): not a valid date: got "2026100508", expected a date/time like YYYYMMDDHHmmss');
    expect([dateOnlyFormat('DD/MM/YYYY HH:mm:ss'), dateOnlyFormat('HH:mm DD/MM/YYYY'), dateOnlyFormat('DD/MM/YYYY'), dateOnlyFormat('ISO'), dateOnlyFormat('UNIX')])
      .toEqual(['DD/MM/YYYY', 'DD/MM/YYYY', null, null, null]);
  });
});

describe('a statement stating money in and money out', () => {
  const profile = withProfile({
    preamble: { until: '^ref,' },
    trailer: { match: '^"?Tổng', count: { regex: '([\\d.]+) giao dịch' }, credit: { regex: 'Có: ([\\d.]+)' }, debit: { regex: 'Nợ: ([\\d.]+)' } },
    fields: { ...BASE_PROFILE.fields, amount: { credit_column: 'amount', debit_column: 'debit', format: { grouping: '.' }, debit_kind: 'refund' } },
  });
  const body = ['A1,01/03/2026 08:00:00,PE0100123456,TT,5.000,', 'A2,01/03/2026 09:00:00,PE0100123456,TT,7.000,', 'A3,02/03/2026 09:00:00,PE0100123456,HT,,2.000'];

  it('checks the records against credit less debit', async () => {
    const s = new Scratch();
    s.profile(profile);
    s.file('T_1.csv', ['Sao kê', `${HEADER},debit`, ...body, '"Tổng: 3 giao dịch, Có: 12.000, Nợ: 2.000"', ''].join('\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 3 });
    expect(await db.one('SELECT control_count, control_amount FROM source_files')).toEqual({ control_count: 3n, control_amount: 10000n });
    db.close();
  });

  it('quarantines the file when the totals disagree', async () => {
    const s = new Scratch();
    s.profile(profile);
    s.file('T_1.csv', ['Sao kê', `${HEADER},debit`, ...body, '"Tổng: 3 giao dịch, Có: 12.000, Nợ: 3.000"', ''].join('\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'quarantined' });
    expect(summary.files[0]!.message).toMatch(/trailer states a total of 9000 đồng, the records sum to 10000/);
    db.close();
  });

  // A core-banking file marks each record C or D in a column of its own and writes every amount
  // unsigned (MT940's D/C mark, ISO 8583 debit/credit indicator); its trailer states credits and
  // debits. A D record is money out: it counts as a debit, as a debit column's amount would.
  const indicator = withProfile({
    header: { type: 'none', columns: ['ref', 'time', 'customer', 'cd', 'amount'] },
    trailer: { match: '^T,', count: { field: 2 }, credit: { field: 3 }, debit: { field: 4 } },
    fields: { ...BASE_PROFILE.fields, memo: undefined, amount: { column: 'amount', format: { grouping: '.' } }, kind: { column: 'cd', map: { C: 'payment', D: 'reversal', F: 'refund' } } },
  });
  const cd = ['A1,01/03/2026 08:00:00,PE0100123456,C,5.000', 'A2,01/03/2026 09:00:00,PD0100000001,C,7.000', 'A3,02/03/2026 09:00:00,PE0100123456,D,5.000', 'A4,02/03/2026 10:00:00,PD0100000001,F,2.000'];

  it('counts a record whose kind column says reversal or refund, amount unsigned, as a debit', async () => {
    const s = new Scratch();
    s.profile(indicator);
    s.file('T_1.csv', [...cd, 'T,4,12.000,7.000', ''].join('\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 4 });
    expect(await db.one('SELECT control_count, control_amount, amount_read FROM source_files')).toEqual({ control_count: 4n, control_amount: 5000n, amount_read: 5000n });
    expect(await db.all('SELECT txn_ref, kind, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { txn_ref: 'A1', kind: 'payment', amount_vnd: 5000n }, { txn_ref: 'A2', kind: 'payment', amount_vnd: 7000n },
      { txn_ref: 'A3', kind: 'reversal', amount_vnd: 5000n }, { txn_ref: 'A4', kind: 'refund', amount_vnd: 2000n },
    ]);
    db.close();
  });

  // A day without debits: the trailer's debit total left blank is zero, as its 0 would be (before,
  // the file failed, "trailer debit not found"); a blank count still fails, naming the fields.
  it('reads a blank credit or debit total as zero, and names the trailer\'s fields when another figure is blank', async () => {
    const s = new Scratch();
    s.profile(indicator);
    s.file('T_1.csv', [cd[0], cd[1], 'T,2,12.000,', ''].join('\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 2 });
    expect(await db.one('SELECT control_count, control_amount FROM source_files')).toEqual({ control_count: 2n, control_amount: 12000n });
    db.close();
    const b = new Scratch();
    b.profile(indicator);
    b.file('T_1.csv', [cd[0], cd[1], 'T,,12.000,', ''].join('\n'));
    const blank = await run(b);
    expect(blank.summary.files[0]!.message).toBe(
      `${b.files}/T_1.csv, line 3: trailer count not found (field 2), got "T,,12.000,"; the trailer's fields are 1 "T", 3 "12.000" (empty ones left out): set trailer.count.field to the one holding it, or use {"regex":…}; nothing loaded from this file`,
    );
    blank.db.close();
  });

  it('still quarantines a C/D file whose debit total disagrees, and keeps a trailer amount signed as written', async () => {
    const s = new Scratch();
    s.profile(indicator);
    s.file('T_1.csv', [...cd, 'T,4,12.000,5.000', ''].join('\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]!.message).toMatch(/trailer states a total of 7000 đồng, the records sum to 5000/);
    db.close();
    // A single total (trailer.amount) is the sum of the amounts as written: the gross of such a file.
    const g = new Scratch();
    g.profile({ ...indicator, trailer: { match: '^T,', count: { field: 2 }, amount: { field: 3 } } });
    g.file('T_1.csv', [...cd, 'T,4,19.000', ''].join('\n'));
    const gross = await run(g);
    expect(gross.summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 4 });
    gross.db.close();
  });

  it('refuses a profile stating both a sum and credit/debit, or one side alone', () => {
    expect(profileSchema.safeParse({ ...profile, trailer: { count: { field: 1 }, amount: { field: 2 }, credit: { field: 3 }, debit: { field: 4 } } }).success).toBe(false);
    expect(profileSchema.safeParse({ ...profile, trailer: { count: { field: 1 }, credit: { field: 3 } } }).success).toBe(false);
  });
});

describe('transaction status', () => {
  it('loads only records whose status is a paid one; the others are not_paid rejects, accounted for and summed as rejected', async () => {
    const s = new Scratch();
    s.profile(withProfile({
      trailer: { match: '^Tổng', count: { field: 2 }, amount: { field: 6 } },
      fields: { ...BASE_PROFILE.fields, status: { column: 'status', paid: ['Thành công', 'SUCCESS'] } },
    }));
    s.file('T_1.csv', [
      `${HEADER},status`,
      'G1,01/03/2026 08:00:00,PE0100123456,QR,100.000,Thành công',
      'G2,01/03/2026 08:01:00,PE0100123456,QR,0,Thất bại',
      'G3,01/03/2026 08:02:00,PE0100123457,QR,200.000,PENDING',
      // The gateway retries under the same order id: the completed attempt is the payment.
      'G3,01/03/2026 08:05:00,PE0100123457,QR,200.000,success',
      `G4,01/03/2026 08:06:00,PE0100123458,QR,300.000,${'Thành công'.normalize('NFD')}`,
      ',,,QR,,Thất bại',
      'G6,01/03/2026 08:07:00,PE0100123459,QR,400.000,',
      'Tổng,7,,,,1.200.000',
    ].join('\n'));
    const { db, summary } = await run(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 7, records_loaded: 3, records_rejected: 4, records_duplicate: 0 });
    expect(await db.all('SELECT line_no, txn_ref, amount_vnd FROM payments ORDER BY line_no')).toEqual([
      { line_no: 2n, txn_ref: 'G1', amount_vnd: 100000n },
      { line_no: 5n, txn_ref: 'G3', amount_vnd: 200000n },
      { line_no: 6n, txn_ref: 'G4', amount_vnd: 300000n },
    ]);
    const rejects = await db.all<{ line_no: bigint; field: string; value: string | null; reason: string; message: string }>('SELECT line_no, field, value, reason, message FROM rejects ORDER BY line_no');
    expect(rejects.map((r) => [r.line_no, r.field, r.value, r.reason])).toEqual([
      [3n, 'status', 'Thất bại', 'not_paid'], [4n, 'status', 'PENDING', 'not_paid'], [7n, 'status', 'Thất bại', 'not_paid'], [8n, 'status', null, 'not_paid'],
    ]);
    expect(rejects[1]!.message).toBe(`${s.files}/T_1.csv, line 4, field status (column status): not a completed payment: got "PENDING", expected one of the statuses of a completed payment (fields.status.paid): "Thành công", "SUCCESS"`);
    expect(await db.one('SELECT control_count, control_amount, rejected_amount FROM source_files')).toEqual({ control_count: 7n, control_amount: 1200000n, rejected_amount: 600000n });
    db.close();
  });

  it('checks totals of completed payments only when the trailer counts them (trailer.counts "paid")', async () => {
    const s = new Scratch();
    s.profile(withProfile({
      trailer: { match: '^Tổng', count: { field: 2 }, amount: { field: 6 }, counts: 'paid' },
      fields: { ...BASE_PROFILE.fields, status: { column: 'status', paid: ['SUCCESS'] } },
    }));
    const rows = [
      `${HEADER},status`,
      'G1,01/03/2026 08:00:00,PE0100123456,QR,100.000,SUCCESS',
      'G2,01/03/2026 08:01:00,PE0100123456,QR,50.000,FAILED',
      'G3,01/03/2026 08:02:00,PE0100123457,QR,200.000,SUCCESS',
    ];
    // The gateway's summary: 2 successful transactions, 300.000 đ; the failed attempt is not in it.
    s.file('T_1.csv', [...rows, 'Tổng,2,,,,300.000'].join('\n'));
    // A completed payment missing from the file (the summary says 3): quarantined.
    s.file('T_2.csv', [...rows.map((r) => r.replace(/^G/, 'H')), 'Tổng,3,,,,450.000'].join('\n'));
    // A completed payment that cannot be read: the summary's sum less the loaded ones is the rejected amount.
    s.file('T_3.csv', [...rows.map((r) => r.replace(/^G/, 'K')), 'K4,01/03/2026 08:03:00,PE0100123458,QR,12a,SUCCESS', 'Tổng,3,,,,420.000'].join('\n'));
    const { db } = await run(s);
    expect(await db.all('SELECT file_name, status, status_reason, records_read, records_loaded, records_rejected, rejected_amount FROM source_files ORDER BY file_id')).toEqual([
      { file_name: 'T_1.csv', status: 'loaded', status_reason: null, records_read: 3n, records_loaded: 2n, records_rejected: 1n, rejected_amount: null },
      { file_name: 'T_2.csv', status: 'quarantined', status_reason: `${s.files}/T_2.csv, line 5: trailer states 3 completed payments, the file has 2`, records_read: 3n, records_loaded: 0n, records_rejected: 1n, rejected_amount: null },
      { file_name: 'T_3.csv', status: 'loaded', status_reason: null, records_read: 4n, records_loaded: 2n, records_rejected: 2n, rejected_amount: 120000n },
    ]);
    db.close();
  });

  it('refuses trailer.counts "paid" without a status field', () => {
    const parsed = profileSchema.safeParse(withProfile({ trailer: { match: '^Tổng', count: { field: 2 }, counts: 'paid' } }));
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('trailer.counts \\"paid\\" needs fields.status');
  });

  it('reads an escape character without a quote as MySQL INTO OUTFILE\'s (tests/ingest/escaped.test.ts), and refuses one that is the delimiter', () => {
    expect(profileSchema.safeParse(withProfile({ format: { type: 'delimited', delimiter: '|', quote: '', escape: '\\' } })).success).toBe(true);
    const same = profileSchema.safeParse(withProfile({ format: { type: 'delimited', delimiter: '|', quote: '', escape: '|' } }));
    expect(same.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['format.escape', expect.stringMatching(/^with quote "" \(unquoted fields\), escape is the character/)]]);
    expect(profileSchema.safeParse(withProfile({ format: { type: 'delimited', delimiter: '|', quote: '"', escape: '\\' } })).success).toBe(true);
    expect(profileSchema.safeParse(withProfile({ format: { type: 'delimited', delimiter: '|', quote: '' } })).success).toBe(true);
  });

  it('refuses a status without paid values', () => {
    expect(profileSchema.safeParse(withProfile({ fields: { ...BASE_PROFILE.fields, status: { column: 'status', paid: [] } } })).success).toBe(false);
  });
});

describe('a summary block: count and sum on lines of their own', () => {
  // Sacombank-like: after a blank line, "Tổng số giao dịch" and "Tổng số tiền" each on a line, then signatures.
  const SUMMARY = withProfile({
    trailer: { match: '^Tổng số (giao dịch|tiền):', count: { regex: '^Tổng số giao dịch:,([\\d.]+)$' }, amount: { regex: '^Tổng số tiền:,([\\d.]+)$' } },
    skip: ['^Người lập'],
  });
  const rows = [`${HEADER}`, 'A1,01/03/2026 08:00:00,PE0100123456,TT,1.250.000', 'A2,01/03/2026 09:00:00,PD0100000001,TT,500.000'];
  for (const directMb of [undefined, '0']) {
    it(`reads the lines the trailer's match finds with no record between as one trailer (${directMb === '0' ? 'direct path' : 'staging copy'})`, async () => {
      const s = new Scratch();
      s.profile(SUMMARY);
      s.file('T_1.csv', [...rows, '', 'Tổng số giao dịch:,2', '', 'Tổng số tiền:,1.750.000', 'Người lập,,,Kiểm soát,', ''].join('\n'));
      s.file('T_2.csv', [...rows.map((r) => r.replace(/^A/, 'B')), '', 'Tổng số giao dịch:,2', 'Tổng số tiền:,1.750.001', ''].join('\n'));
      // A total, more records, a total again: two files joined into one, or a total mid-file; which total is right?
      s.file('T_3.csv', [...rows.map((r) => r.replace(/^A/, 'C')), 'Tổng số giao dịch:,2', 'C3,01/03/2026 10:00:00,PD0100000001,TT,500.000', 'Tổng số tiền:,2.250.000', ''].join('\n'));
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      expect(await db.all('SELECT file_name, status, status_reason, records_read, records_loaded, control_count, control_amount FROM source_files ORDER BY file_id')).toEqual([
        { file_name: 'T_1.csv', status: 'loaded', status_reason: null, records_read: 2n, records_loaded: 2n, control_count: 2n, control_amount: 1750000n },
        { file_name: 'T_2.csv', status: 'quarantined', status_reason: `${s.files}/T_2.csv, line 5: trailer states a total of 1750001 đồng, the records sum to 1750000`, records_read: 2n, records_loaded: 0n, control_count: 2n, control_amount: 1750001n },
        { file_name: 'T_3.csv', status: 'failed', status_reason: `${s.files}/T_3.csv, line 6: a second trailer/total row after further records (the first is on line 4); expected exactly one`, records_read: 0n, records_loaded: 0n, control_count: null, control_amount: null },
      ]);
      db.close();
    });
  }
});

describe('control totals stated in the preamble', () => {
  const PREAMBLE_TOTALS = withProfile({
    preamble: { until: '^ref,' },
    trailer: { in: 'preamble', match: '^Tổng số giao dịch', count: { regex: 'giao dịch: ([\\d.,]+)' }, amount: { regex: 'số tiền: ([\\d.,]+)' } },
  });
  const csv = (count: number) => `NGAN HANG T - SAO KE\r\nTổng số giao dịch: ${count}; Tổng số tiền: 1.750.000\r\n${HEADER}\r\nA1,01/03/2026 08:00:00,PE0100123456,QR,1.250.000\r\nA2,01/03/2026 09:00:00,PD0100000001,QR,500.000`;

  for (const directMb of ['100000', '0']) {
    it(`checks the records against a count and sum on a preamble line (${directMb === '0' ? 'direct path' : 'staging copy'})`, async () => {
      const s = new Scratch();
      s.profile(PREAMBLE_TOTALS);
      s.file('T_1.csv', csv(2));
      s.file('T_2.csv', csv(3));
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      expect(await db.all('SELECT file_name, status, status_reason, records_read, control_count, control_amount FROM source_files ORDER BY file_id')).toEqual([
        { file_name: 'T_1.csv', status: 'loaded', status_reason: null, records_read: 2n, control_count: 2n, control_amount: 1750000n },
        { file_name: 'T_2.csv', status: 'quarantined', status_reason: `${s.files}/T_2.csv, line 2: trailer states 3 records, the file has 2`, records_read: 2n, control_count: 3n, control_amount: 1750000n },
      ]);
      expect(await db.all('SELECT line_no FROM payments ORDER BY line_no')).toEqual([{ line_no: 4n }, { line_no: 5n }]);
      db.close();
    });
  }

  it('finds the totals in an xlsx title block', async () => {
    const s = new Scratch();
    s.profile({ ...PREAMBLE_TOTALS, file_patterns: ['*.xlsx'], format: { type: 'xlsx' } });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('GD');
    ws.addRow(['Sao kê']);
    ws.addRow(['Tổng số giao dịch: 2; Tổng số tiền: 1.750.000']);
    ws.addRow(HEADER.split(','));
    ws.addRow(['A1', '01/03/2026 08:00:00', 'PE0100123456', 'QR', 1250000]);
    ws.addRow(['A2', '01/03/2026 09:00:00', 'PD0100000001', 'QR', 500000]);
    await wb.xlsx.writeFile(s.file('bank.xlsx', ''));
    const { db, summary } = await run(s);
    db.close();
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 2, records_loaded: 2 });
  });

  it('needs a preamble and a match to find the line', () => {
    expect(profileSchema.safeParse(PREAMBLE_TOTALS).success).toBe(true);
    expect(profileSchema.safeParse({ ...PREAMBLE_TOTALS, preamble: undefined }).error?.issues[0]).toMatchObject({ path: ['trailer', 'in'] });
    expect(profileSchema.safeParse({ ...PREAMBLE_TOTALS, trailer: { in: 'preamble', count: { field: 2 } } }).success).toBe(false);
  });
});
