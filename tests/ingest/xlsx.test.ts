// XLSX partner files as banks export them: dates as real Excel dates (a date cell and a time cell,
// bare serial numbers, the 1904 date system), amounts as numbers, total rows and merged cells.
// The workbooks are written with exceljs here; what cannot be read is a reject naming the row.
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { Scratch, openTestDb, withProfile } from './helpers.ts';
import { absoluteTargets, encryptedWorkbookStub, moveTabLast, rewriteXlsx, zipOf } from '../support/xlsx-zip.ts';
import { readXlsxHeads } from '../../src/ingest/xlsx.ts';

const COLUMNS = ['Ngày GD', 'Giờ GD', 'Số tham chiếu', 'Mã KH', 'Số tiền', 'Diễn giải'];

/** SCB-like: paid_at from a date column and a time column. */
const SPLIT = withProfile({
  file_patterns: ['*.xlsx'],
  format: { type: 'xlsx', sheet: 1 },
  fields: {
    txn_ref: { column: 'Số tham chiếu' },
    paid_at: { column: ['Ngày GD', 'Giờ GD'], format: 'DD/MM/YYYY HH:mm:ss' },
    amount: { column: 'Số tiền', format: { grouping: '.', decimal: null } },
    customer_code: { column: 'Mã KH' },
    memo: { column: 'Diễn giải' },
  },
});

/** One column for the date and time. */
const SINGLE = withProfile({
  file_patterns: ['*.xlsx'],
  format: { type: 'xlsx', sheet: 1 },
  fields: {
    txn_ref: { column: 'Số tham chiếu' },
    paid_at: { column: 'Thời gian', format: 'DD/MM/YYYY HH:mm:ss' },
    settled_on: { column: 'Ngày HT', format: 'YYYYMMDD' },
    amount: { column: 'Số tiền', format: { grouping: '.', decimal: null } },
    customer_code: { column: 'Mã KH' },
  },
});

type Cell = ExcelJS.CellValue | { value: ExcelJS.CellValue; numFmt: string };

/** A workbook of one sheet: rows of cells, a cell with a number format as {value, numFmt}. */
async function workbook(s: Scratch, name: string, rows: Cell[][], setup?: (wb: ExcelJS.Workbook, ws: ExcelJS.Worksheet) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('GD');
  for (const cells of rows) {
    const row = ws.addRow(cells.map((c) => (c && typeof c === 'object' && 'numFmt' in c ? c.value : c)));
    cells.forEach((c, i) => {
      if (c && typeof c === 'object' && 'numFmt' in c) row.getCell(i + 1).numFmt = c.numFmt;
    });
  }
  setup?.(wb, ws);
  await wb.xlsx.writeFile(s.file(name, ''));
}

async function ingest(s: Scratch) {
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  const payments = await db.all<{ txn_ref: string; line_no: bigint; paid_at: Date; settled_on: unknown; amount_vnd: bigint }>(
    'SELECT txn_ref, line_no, paid_at, settled_on, amount_vnd FROM payments ORDER BY line_no',
  );
  const rejects = await db.all<{ line_no: bigint; field: string; value: string; reason: string; message: string }>('SELECT line_no, field, value, reason, message FROM rejects ORDER BY line_no');
  const files = await db.all<{ status: string; status_reason: string | null; control_count: bigint | null; control_amount: bigint | null }>('SELECT status, status_reason, control_count, control_amount FROM source_files');
  db.close();
  return { summary, payments, rejects, files, paid: Object.fromEntries(payments.map((p) => [p.txn_ref, p.paid_at.toISOString()])) };
}

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(Date.UTC(y, mo - 1, d, h, mi, s));
const date = (v: ExcelJS.CellValue) => ({ value: v, numFmt: 'dd/mm/yyyy' });
const time = (v: ExcelJS.CellValue) => ({ value: v, numFmt: 'hh:mm:ss' });
// 27/03/2026 is serial 46108; 14:05:09 is 50709 s of 86400.
const T140509 = 50709 / 86400;

describe('xlsx dates in a date cell and a time cell (one paid_at of two columns)', () => {
  it('joins the date of one cell and the time of the other, however each is stored', async () => {
    const s = new Scratch();
    s.profile(SPLIT);
    await workbook(s, 'SCB_EVN_202603.xlsx', [
      COLUMNS,
      [date(utc(2026, 3, 27)), time(utc(1899, 12, 30, 14, 5, 9)), 'S1', 'PB01AD0000012', '945.241', 'date cell, time cell'],
      [46108, 0.5, 'S2', 'PE0300000016', '307.839', 'bare serials, no number format'],
      // A bank export writing the whole timestamp in both columns, shown as date and as time.
      [date(utc(2026, 3, 27, 14, 5, 9)), time(utc(2026, 3, 27, 14, 5, 9)), 'S3', 'PE0300000016', 1000, 'timestamp in both'],
      ['27/03/2026', time(utc(1899, 12, 30, 23, 59, 59)), 'S4', 'PE0300000016', 2000, 'text date, time cell'],
      [{ formula: 'DATE(2026,3,27)', result: 46108 }, { formula: 'TIME(14,5,9)', result: T140509 }, 'S5', 'PE0300000016', 3000, 'formulas'],
      [date(utc(2026, 3, 27)), '14:05:09', 'S6', 'PE0300000016', 4000, 'date cell, text time'],
    ]);
    const r = await ingest(s);
    expect(r.rejects).toEqual([]);
    expect(r.summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 6 });
    // Wall clock in Asia/Ho_Chi_Minh (UTC+7): 14:05:09 local is 07:05:09Z.
    expect(r.paid).toEqual({
      S1: '2026-03-27T07:05:09.000Z',
      S2: '2026-03-27T05:00:00.000Z',
      S3: '2026-03-27T07:05:09.000Z',
      S4: '2026-03-27T16:59:59.000Z',
      S5: '2026-03-27T07:05:09.000Z',
      S6: '2026-03-27T07:05:09.000Z',
    });
  });

  it('rejects, never dates in 1899, a time where the date belongs and a missing date', async () => {
    const s = new Scratch();
    s.profile(SPLIT);
    await workbook(s, 'SCB_EVN_202603.xlsx', [
      COLUMNS,
      [time(utc(1899, 12, 30, 14, 5, 9)), time(utc(1899, 12, 30, 14, 5, 9)), 'S1', 'PB01AD0000012', 1000, 'time in the date column'],
      [null, time(utc(1899, 12, 30, 14, 5, 9)), 'S2', 'PB01AD0000012', 1000, 'no date'],
      [date(utc(2026, 3, 27)), time(utc(1899, 12, 30, 8)), 'S3', 'PB01AD0000012', 1000, 'fine'],
    ]);
    const r = await ingest(s);
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['S3']);
    expect(r.rejects).toMatchObject([
      { line_no: 2n, field: 'paid_at', value: '14:05:09 14:05:09', reason: 'bad_date' },
      { line_no: 3n, field: 'paid_at', reason: 'bad_date' },
    ]);
    expect(r.rejects[0]!.message).toMatch(/SCB_EVN_202603\.xlsx, line 2.*paid_at \(column Ngày GD \+ Giờ GD\).*14:05:09 14:05:09.*DD\/MM\/YYYY HH:mm:ss/);
  });
});

describe('xlsx dates stored as serial numbers (one paid_at column)', () => {
  const HEAD = ['Số tham chiếu', 'Thời gian', 'Ngày HT', 'Mã KH', 'Số tiền'];

  it('reads a number in a date column as an Excel serial, local wall clock, and YYYYMMDD digits as digits', async () => {
    const s = new Scratch();
    s.profile(SINGLE);
    await workbook(s, 'GD.xlsx', [
      HEAD,
      ['A1', 46108, 20260328, 'PE0100123456', 1000],
      ['A2', 46108 + T140509, 46109, 'PE0100123456', 1000],
      ['A3', { formula: 'NOW()', result: 46108.75 }, { formula: 'TODAY()', result: 46109 }, 'PE0100123456', 1000],
      ['A4', 61, 20260328, 'PE0100123456', 1000], // 01/03/1900: past the 1900 leap-year bug
      ['A5', 59.5, 20260328, 'PE0100123456', 1000], // 28/02/1900 12:00, before it
      ['A6', date(utc(2026, 3, 27)), date(utc(2026, 3, 28, 10)), 'PE0100123456', 1000], // a date cell without time: midnight
    ]);
    const r = await ingest(s);
    expect(r.rejects).toEqual([]);
    expect(r.paid).toEqual({
      A1: '2026-03-26T17:00:00.000Z',
      A2: '2026-03-27T07:05:09.000Z',
      A3: '2026-03-27T11:00:00.000Z',
      // Asia/Ho_Chi_Minh in 1900 was local mean time, UTC+7:06:30.
      A4: '1900-02-28T16:53:30.000Z',
      A5: '1900-02-28T04:53:30.000Z',
      A6: '2026-03-26T17:00:00.000Z',
    });
    expect(r.payments.map((p) => (p.settled_on as Date).toISOString().slice(0, 10))).toEqual(Array(6).fill('2026-03-28'));
  });

  it('reads serials of the 1904 date system when the workbook uses it', async () => {
    const s = new Scratch();
    s.profile(SINGLE);
    await workbook(s, 'GD.xlsx', [HEAD, ['A1', 46108 - 1462 + 0.5, 20260328, 'PE0100123456', 1000]], (wb) => {
      wb.properties.date1904 = true;
    });
    const r = await ingest(s);
    expect(r.rejects).toEqual([]);
    expect(r.paid).toEqual({ A1: '2026-03-27T05:00:00.000Z' });
  });

  it('rejects what is no date: 29/02/1900 of the leap-year bug, a negative serial, a time alone, text in another format', async () => {
    const s = new Scratch();
    s.profile(SINGLE);
    await workbook(s, 'GD.xlsx', [
      HEAD,
      ['A1', 60, 20260328, 'PE0100123456', 1000],
      ['A2', -3, 20260328, 'PE0100123456', 1000],
      ['A3', time(utc(1899, 12, 30, 14, 5, 9)), 20260328, 'PE0100123456', 1000],
      ['A4', '2026-03-27 14:05', 20260328, 'PE0100123456', 1000],
      ['A5', 46108, 3000000, 'PE0100123456', 1000], // past 31/12/9999 as a serial, too short as digits
      ['A6', 46108, 20260328, 'PE0100123456', 1000],
      ['A7', date(-3), 20260328, 'PE0100123456', 1000], // a date cell exceljs reads as a Date of 1899
    ]);
    const r = await ingest(s);
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['A6']);
    expect(r.rejects.map((x) => [x.line_no, x.field, x.value, x.reason])).toEqual([
      [2n, 'paid_at', '29/02/1900 00:00:00', 'bad_date'],
      [3n, 'paid_at', '-3', 'bad_date'],
      [4n, 'paid_at', '14:05:09', 'bad_date'],
      [5n, 'paid_at', '2026-03-27 14:05', 'bad_date'],
      [6n, 'settled_on', '3000000', 'bad_date'],
      [8n, 'paid_at', '-3', 'bad_date'],
    ]);
    expect(r.rejects[2]!.message).toMatch(/GD\.xlsx, line 4.*paid_at \(column Thời gian\).*"?14:05:09"?.*DD\/MM\/YYYY HH:mm:ss/);
  });
});

describe('xlsx amounts stored as numbers', () => {
  it('loads whole numbers exactly up to the cap, reads formula noise as Excel shows it, and rejects fractions', async () => {
    const s = new Scratch();
    s.profile(SPLIT);
    const row = (ref: string, amount: ExcelJS.CellValue) => [date(utc(2026, 3, 27)), time(utc(1899, 12, 30, 9)), ref, 'PE0100123456', amount, ''];
    await workbook(s, 'SCB_EVN_202603.xlsx', [
      COLUMNS,
      row('M1', { value: 999_999_999_999_999, numFmt: '#,##0' } as unknown as ExcelJS.CellValue),
      row('M2', 1e15),
      row('M3', { formula: 'E5*1.15', result: 100000 * 1.15 }), // 114999.99999999999 in binary, 115000 in Excel
      row('M4', 1250000),
      row('M5', 1.234), // must not read as 1.234 = 1234 đồng under grouping "."
      row('M6', 1234.5),
      row('M7', 1e15 + 1),
    ]);
    const r = await ingest(s);
    expect(r.payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([
      ['M1', 999_999_999_999_999n],
      ['M2', 1_000_000_000_000_000n],
      ['M3', 115_000n],
      ['M4', 1_250_000n],
    ]);
    expect(r.rejects.map((x) => [x.line_no, x.field, x.value, x.reason])).toEqual([
      [6n, 'amount', '1,234', 'bad_amount'],
      [7n, 'amount', '1234,5', 'bad_amount'],
      [8n, 'amount', '1000000000000001', 'bad_amount'],
    ]);
  });
});

describe('xlsx total rows and merged cells', () => {
  const TOTAL = { match: '^Tổng cộng', count: { field: 2 }, amount: { field: 5 } };

  it('reads a total row whose count sits under the date column and whose sum is a formula; a merged title is preamble', async () => {
    const s = new Scratch();
    s.profile({ ...SPLIT, preamble: { lines: 2 }, trailer: TOTAL });
    await workbook(
      s,
      'SCB_EVN_202603.xlsx',
      [
        ['SAO KÊ GIAO DỊCH THU HỘ TIỀN ĐIỆN'],
        [],
        COLUMNS,
        [46108, T140509, 'S1', 'PB01AD0000012', 945241, 'a'],
        [46108, 0.5, 'S2', 'PE0300000016', 307839, 'b'],
        ['Tổng cộng', 2, null, null, { formula: 'SUM(E4:E5)', result: 1253080 }, null],
      ],
      (_wb, ws) => {
        ws.mergeCells('A1:F1');
        ws.mergeCells('C6:D6');
      },
    );
    const r = await ingest(s);
    expect(r.rejects).toEqual([]);
    expect(r.files).toEqual([{ status: 'loaded', status_reason: null, control_count: 2n, control_amount: 1253080n }]);
    expect(r.paid).toEqual({ S1: '2026-03-27T07:05:09.000Z', S2: '2026-03-27T05:00:00.000Z' });
  });

  it('shows a formula never calculated as its text, and a date merged down over rows as missing below its first row', async () => {
    const s = new Scratch();
    s.profile({ ...SPLIT, trailer: TOTAL });
    await workbook(
      s,
      'SCB_EVN_202603.xlsx',
      [
        COLUMNS,
        [date(utc(2026, 3, 27)), 0.5, 'S1', 'PB01AD0000012', 1000, 'a'],
        [null, 0.75, 'S2', 'PE0300000016', 2000, 'b'],
        ['Tổng cộng', 2, null, null, { formula: 'SUM(E2:E3)' } as ExcelJS.CellFormulaValue, null],
      ],
      (_wb, ws) => ws.mergeCells('A2:A3'),
    );
    const r = await ingest(s);
    expect(r.summary.files[0]!.status).toBe('failed');
    expect(r.summary.files[0]!.message).toMatch(/SCB_EVN_202603\.xlsx, line 4, field trailer\.amount: got "=SUM\(E2:E3\)"/);

    // The same file with the total calculated: the merged-away date is a reject naming row 3.
    const s2 = new Scratch();
    s2.profile({ ...SPLIT, trailer: TOTAL });
    await workbook(
      s2,
      'SCB_EVN_202603.xlsx',
      [
        COLUMNS,
        [date(utc(2026, 3, 27)), 0.5, 'S1', 'PB01AD0000012', 1000, 'a'],
        [null, 0.75, 'S2', 'PE0300000016', 2000, 'b'],
        ['Tổng cộng', 2, null, null, { formula: 'SUM(E2:E3)', result: 3000 }, null],
      ],
      (_wb, ws) => ws.mergeCells('A2:A3'),
    );
    const r2 = await ingest(s2);
    expect(r2.paid).toEqual({ S1: '2026-03-27T05:00:00.000Z' });
    expect(r2.rejects.map((x) => [x.line_no, x.field, x.reason])).toEqual([[3n, 'paid_at', 'bad_date']]);
    expect(r2.files[0]).toMatchObject({ status: 'loaded', control_count: 2n, control_amount: 3000n });
  });

  it('shows a formula whose cached result is an error as the error Excel shows, not as its text', async () => {
    const s = new Scratch();
    s.profile({ ...SPLIT, trailer: TOTAL });
    await workbook(s, 'SCB_EVN_202603.xlsx', [
      COLUMNS,
      [date(utc(2026, 3, 27)), 0.5, 'S1', 'PB01AD0000012', 1000, 'a'],
      [date(utc(2026, 3, 27)), 0.75, 'S2', 'PE0300000016', { formula: 'E2/0', result: { error: '#DIV/0!' } }, 'b'],
      ['Tổng cộng', 2, null, null, { formula: 'SUM(E2:E3)', result: { error: '#DIV/0!' } }, null],
    ]);
    const r = await ingest(s);
    expect(r.summary.files[0]!.message).toMatch(/SCB_EVN_202603\.xlsx, line 4, field trailer\.amount: got "#DIV\/0!"/);
    const s2 = new Scratch();
    s2.profile(SPLIT);
    await workbook(s2, 'SCB_EVN_202603.xlsx', [
      COLUMNS,
      [date(utc(2026, 3, 27)), 0.5, 'S1', 'PB01AD0000012', 1000, 'a'],
      [date(utc(2026, 3, 27)), 0.75, 'S2', 'PE0300000016', { formula: 'E2/0', result: { error: '#DIV/0!' } }, 'b'],
    ]);
    const r2 = await ingest(s2);
    expect(r2.rejects.map((x) => [x.line_no, x.field, x.reason, x.value])).toEqual([[3n, 'amount', 'bad_amount', '#DIV/0!']]);
  });
});

describe('xlsx ids stored as numbers', () => {
  it('rejects an id a number cell cannot have kept (past 2^53, or 16 digits ending in 0: Excel kept 15) as bad_ref instead of dropping a payment as a duplicate; 15 digits load', async () => {
    const s = new Scratch();
    s.profile({ ...SINGLE, fields: { ...(SINGLE.fields as Record<string, unknown>), settled_on: undefined, reverses_txn_ref: { column: 'Gốc' } } });
    await workbook(s, 'VCB_EVN_20260301.xlsx', [
      ['Thời gian', 'Số tham chiếu', 'Mã KH', 'Số tiền', 'Gốc'],
      // Typed as 2603011234567890123 and …124: both stored as 2603011234567890000.
      ['01/03/2026 08:15:00', 2603011234567890123, 'PE0100123456', 100000, null],
      ['01/03/2026 08:16:00', 2603011234567890124, 'PE0100123457', 200000, null],
      ['01/03/2026 08:17:00', 123456789012345, 'PE0100123458', 300000, null],
      // 16 digits: Excel's rounding leaves a final 0; a library writing the workbook stores other ids exactly.
      ['01/03/2026 08:18:00', 'HUY1', 'PE0100123458', 300000, 1234567890123450],
      ['01/03/2026 08:19:00', 1234567890123457, 'PE0100123459', 400000, null],
    ]);
    const r = await ingest(s);
    expect(r.summary.files[0]).toMatchObject({ status: 'loaded', records_read: 5, records_loaded: 2, records_rejected: 3, records_duplicate: 0 });
    expect(r.payments.map((p) => p.txn_ref)).toEqual(['123456789012345', '1234567890123457']);
    expect(r.rejects.map((x) => [x.line_no, x.reason, x.field, x.value])).toEqual([
      [2n, 'bad_ref', 'txn_ref', '2.60301123456789E+18'],
      [3n, 'bad_ref', 'txn_ref', '2.60301123456789E+18'],
      [5n, 'bad_ref', 'reverses_txn_ref', '1.23456789012345E+15'],
    ]);
    expect(r.rejects[0]!.message).toMatch(/VCB_EVN_20260301\.xlsx, line 2, field txn_ref \(column Số tham chiếu\): a number a spreadsheet rewrote in scientific notation, its digits lost/);
  });
});

describe('files named as workbooks that are not XLSX', () => {
  it('says what an .xls (OLE2), a password-protected workbook, an HTML page named .xls, an .ods or a zip of other files is, and lists the sheets when format.sheet names none of them', async () => {
    const s = new Scratch();
    s.profile({ ...SINGLE, file_patterns: ['*.xls', '*.xlsx'], format: { type: 'xlsx', sheet: 'GD' } });
    s.file('A_old.xls', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]));
    s.file('B_web.xls', '\ufeff<html><body><table><tr><td>Số tham chiếu</td></tr></table></body></html>');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Tổng hợp').addRow(['x']);
    wb.addWorksheet('Chi tiết').addRow(['Thời gian']);
    await wb.xlsx.writeFile(s.file('C_sheets.xlsx', ''));
    // Before, a password-protected workbook was called an .xls, and an .ods or a zip of CSVs "a workbook with no sheets".
    s.file('D_locked.xlsx', encryptedWorkbookStub());
    s.file('E_calc.xlsx', await zipOf({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<office:document-content/>' }));
    s.file('F_zipped.xlsx', await zipOf({ 'VCB_EVN_20261027.csv': 'ref,time,amount\n', 'VCB_EVN_20261028.csv': 'ref,time,amount\n' }));
    const r = await ingest(s);
    expect(r.summary.files.map((f) => [f.status, f.message])).toEqual([
      ['failed', expect.stringMatching(/A_old\.xls: an Excel 97-2003 workbook \(\.xls, OLE2\), not \.xlsx: open it in Excel and save it as "Excel Workbook \(\.xlsx\)"/)],
      ['failed', expect.stringMatching(/B_web\.xls: an HTML or XML page \(as web portals export tables under an \.xls name\), not an Excel workbook/)],
      ['failed', expect.stringMatching(/C_sheets\.xlsx: no sheet "GD" in the workbook \(format\.sheet\); its sheets are 1 "Tổng hợp", 2 "Chi tiết"/)],
      ['failed', expect.stringMatching(/D_locked\.xlsx: a password-protected \(encrypted\) Excel workbook, which cannot be read without its password: ask the partner for the file without a password/)],
      ['failed', expect.stringMatching(/E_calc\.xlsx: an OpenDocument spreadsheet \(\.ods, as LibreOffice saves it\), not \.xlsx/)],
      ['failed', expect.stringMatching(/F_zipped\.xlsx: a zip archive of 2 file\(s\) \("VCB_EVN_20261027\.csv", "VCB_EVN_20261028\.csv"\), not an Excel workbook: unzip it and ingest the files inside/)],
    ]);
  });
});

describe('which sheet: tabs as Excel shows them', () => {
  /** Two sheets: "Chi tiết" (the data, part sheet1.xml) and "Tổng hợp" (a summary, sheet2.xml). */
  async function twoSheets(): Promise<ArrayBuffer> {
    const wb = new ExcelJS.Workbook();
    const data = wb.addWorksheet('Chi tiết');
    data.addRow(['Số tham chiếu', 'Thời gian', 'Mã KH', 'Số tiền', 'Ngày HT']);
    data.addRow(['FT1', '27/10/2026 08:00:00', 'PE0100123456', '1.250.000', '20261027']);
    const sum = wb.addWorksheet('Tổng hợp');
    sum.addRow(['Số tham chiếu', 'Thời gian', 'Mã KH', 'Số tiền', 'Ngày HT']);
    sum.addRow(['TONG', '27/10/2026 08:00:00', '', '99', '20261027']);
    return wb.xlsx.writeBuffer() as Promise<ArrayBuffer>;
  }

  it('counts format.sheet by tab order, finds a name in any case, and reads workbooks with root-relative targets (openpyxl) and stored entries every time', async () => {
    const s = new Scratch();
    const book = await twoSheets();
    // The data sheet's tab moved after the summary's: its part is still sheet1.xml, first in the zip.
    const reordered = await rewriteXlsx(book, { edit: (n, t) => (n === 'xl/workbook.xml' ? moveTabLast(t, 'Chi tiết') : undefined), stored: true });
    s.profile({ ...SINGLE, id: 'by-position', file_patterns: ['POS_*.xlsx'], format: { type: 'xlsx', sheet: 2 } });
    s.file('POS_1.xlsx', reordered);
    // openpyxl's targets: exceljs named its sheets Sheet1, Sheet2 and the name was never found.
    s.profile({ ...SINGLE, id: 'by-name', file_patterns: ['NAME_*.xlsx'], format: { type: 'xlsx', sheet: 'CHI TIẾT' } });
    s.file('NAME_1.xlsx', await rewriteXlsx(book, { edit: (n, t) => (n === 'xl/_rels/workbook.xml.rels' ? absoluteTargets(t) : undefined) }));
    s.profile({ ...SINGLE, id: 'missing', file_patterns: ['MISS_*.xlsx'], format: { type: 'xlsx', sheet: 'GD' } });
    s.file('MISS_1.xlsx', await rewriteXlsx(book, { edit: (n, t) => (n === 'xl/workbook.xml' ? moveTabLast(t, 'Chi tiết') : undefined) }));
    const r = await ingest(s);
    expect(r.summary.files.map((f) => [f.partner_id, f.status, f.records_loaded])).toEqual([['missing', 'failed', 0], ['by-name', 'loaded', 1], ['by-position', 'loaded', 1]]);
    expect(r.summary.files[0]!.message).toMatch(/no sheet "GD" in the workbook \(format\.sheet\); its sheets are 1 "Tổng hợp", 2 "Chi tiết"/);
    expect(r.payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['FT1', 1250000n], ['FT1', 1250000n]]);
    // exceljs's own zip pass dropped the later sheet or failed (TypeError) on most reads of such a file.
    const path = s.file('HEAD_1.xlsx', reordered);
    for (let i = 0; i < 8; i++) expect((await readXlsxHeads(path, 10)).map((h) => [h.position, h.sheet, h.rows.length])).toEqual([[1, 'Tổng hợp', 2], [2, 'Chi tiết', 2]]);
  });
});

describe('xlsx negative numbers', () => {
  it.each([['parentheses'], ['trailing_minus']])('reads a negative number cell as a negative amount when the profile writes negatives with %s', async (negative) => {
    const s = new Scratch();
    const fields = SINGLE.fields as Record<string, unknown>;
    s.profile({ ...SINGLE, fields: { ...fields, settled_on: undefined, amount: { column: 'Số tiền', format: { grouping: '.', allow_negative: true, negative } } } });
    await workbook(s, 'VCB_EVN_20260301.xlsx', [
      ['Thời gian', 'Số tham chiếu', 'Mã KH', 'Số tiền'],
      ['01/03/2026 08:15:00', 'A1', 'PE0100123456', 1250000],
      // Shown as (1.250.000) by the cell's number format; stored as -1250000.
      ['01/03/2026 09:15:00', 'A2', 'PE0100123456', { value: -1250000, numFmt: '#,##0;(#,##0)' }],
      ['01/03/2026 10:15:00', 'A3', 'PE0100123456', negative === 'parentheses' ? '(500.000)' : '500.000-'],
    ]);
    const r = await ingest(s);
    expect(r.rejects).toEqual([]);
    expect(r.payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['A1', 1250000n], ['A2', 1250000n], ['A3', 500000n]]);
  });
});

describe('xlsx rows and cells without references', () => {
  it('reads a sheet whose rows and cells leave out `r` (Open XML SDK), each following the one before, where exceljs failed the file', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('GD');
    ws.addRow(['Số tham chiếu', 'Thời gian', 'Mã KH', 'Số tiền', 'Ngày HT']);
    ws.addRow(['FT1', '27/10/2026 08:00:00', 'PE0100123456', 1250000, '20261027']);
    ws.addRow(['FT2', '27/10/2026 09:00:00', 'PD0100000001', 500000, '20261027']);
    ws.getRow(6).values = ['FT3', '27/10/2026 10:00:00', 'PE0200654321', 842300, '20261027'];
    ws.getRow(7).values = ['FT4', '27/10/2026 11:00:00', null, 'abc', '20261027'];
    const book = await wb.xlsx.writeBuffer();
    // Every r left out but row 6's and that of row 7's amount, D7, which follows an empty C7 (exceljs writes no empty cell).
    const strip = (xml: string): string =>
      xml.replace(/<row r="(\d+)"/g, (m, n) => (n === '6' ? m : '<row')).replace(/<c r="([A-Z]+)(\d+)"/g, (m, col, n) => (col === 'D' && n === '7' ? m : '<c'));
    const s = new Scratch();
    s.profile({ ...SINGLE, id: 'no-refs', file_patterns: ['NOREF_*.xlsx'] });
    s.file('NOREF_1.xlsx', await rewriteXlsx(book, { edit: (n, t) => (n === 'xl/worksheets/sheet1.xml' ? strip(t) : undefined) }));
    const r = await ingest(s);
    expect(r.summary.files.map((f) => [f.status, f.records_read, f.records_loaded, f.records_rejected])).toEqual([['loaded', 4, 3, 1]]);
    expect(r.payments.map((p) => [p.txn_ref, p.line_no, p.amount_vnd, p.settled_on])).toEqual([
      ['FT1', 2n, 1250000n, utc(2026, 10, 27)], ['FT2', 3n, 500000n, utc(2026, 10, 27)], ['FT3', 6n, 842300n, utc(2026, 10, 27)],
    ]);
    expect(r.rejects.map((j) => [j.line_no, j.field, j.value])).toEqual([[7n, 'amount', 'abc']]);
  });

  it('fills the references the same whatever the chunks the part arrives in', async () => {
    const { withCellRefs } = await import('../../src/ingest/xlsx-sheets.ts');
    const { Readable } = await import('node:stream');
    const xml = '<sheetData><row><c t="s"><v>0</v></c><c/><c r="E1"><v>2</v></c><c><v>ệ</v></c></row><row r="4" spans="1:2"/><row><x:c t="n"><v>5</v></x:c></row><cols><col min="1"/></cols></sheetData>';
    const read = async (chunks: Buffer[]) => {
      let out = '';
      for await (const part of withCellRefs(Readable.from(chunks))) out += String(part);
      return out;
    };
    const expected = '<sheetData><row r="1"><c t="s" r="A1"><v>0</v></c><c r="B1"/><c r="E1"><v>2</v></c><c r="F1"><v>ệ</v></c></row><row r="4" spans="1:2"/><row r="5"><x:c t="n" r="A5"><v>5</v></x:c></row><cols><col min="1"/></cols></sheetData>';
    expect(await read([Buffer.from(xml)])).toBe(expected);
    const bytes = Buffer.from(xml);
    expect(await read(Array.from(bytes, (_b, i) => bytes.subarray(i, i + 1)))).toBe(expected);
  });
});

describe('xlsx date cells holding ISO 8601 text (t="d": Excel Strict Open XML, SheetJS cellDates)', () => {
  /** The workbook of `rows` (date cells as exceljs writes them), each date cell then rewritten as t="d" holding `iso`. */
  async function isoBook(prefix: string, isos: string[], date1904 = false): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    if (date1904) wb.properties.date1904 = true;
    const ws = wb.addWorksheet('GD');
    ws.addRow(['Số tham chiếu', 'Thời gian', 'Mã KH', 'Số tiền', 'Ngày HT']);
    isos.forEach((_iso, i) => {
      const row = ws.addRow([`${prefix}${i + 1}`, utc(2000, 1, 1), 'PE0100123456', 100000 * (i + 1), '20261027']);
      row.getCell(2).numFmt = 'dd/mm/yyyy hh:mm:ss';
    });
    return rewriteXlsx(await wb.xlsx.writeBuffer(), {
      edit: (n, t) => (n === 'xl/worksheets/sheet1.xml' ? t.replace(/<c r="B(\d+)"([^>]*)><v>[^<]*<\/v><\/c>/g, (m, r: string, a: string) => (r === '1' ? m : `<c r="B${r}"${a} t="d"><v>${isos[Number(r) - 2]}</v></c>`)) : undefined),
    });
  }

  it('reads the value as the date it states, a wall clock without offset and an instant with one, never as the number its year makes (a date in 1905)', async () => {
    const s = new Scratch();
    s.profile({ ...SINGLE, id: 'iso-cells', file_patterns: ['ISO_*.xlsx'] });
    s.file('ISO_1.xlsx', await isoBook('D', [
      '2026-10-27T08:15:00', // Excel Strict: wall clock
      '2026-10-27T02:30:00.000Z', // SheetJS: Date.toISOString() of 09:30 in Hà Nội
      '2026-10-27T10:45:30+07:00',
      '2026-10-27', // a date alone: 00:00
      '2026-02-31T08:00:00', // no such day
    ]));
    s.profile({ ...SINGLE, id: 'iso-1904', file_patterns: ['ISO1904_*.xlsx'], fields: { ...SINGLE.fields as object, paid_at: { column: 'Thời gian', format: 'DD/MM/YYYY HH:mm:ss', timezone: 'UTC+07:00' } } });
    s.file('ISO1904_1.xlsx', await isoBook('E', ['2026-10-27T23:59:59', '2026-10-27T16:59:59Z'], true));
    const r = await ingest(s);
    expect(r.summary.files.map((f) => [f.status, f.records_read, f.records_loaded, f.records_rejected])).toEqual([['loaded', 2, 2, 0], ['loaded', 5, 4, 1]]);
    expect(Object.entries(r.paid).sort()).toEqual([
      ['D1', '2026-10-27T01:15:00.000Z'], ['D2', '2026-10-27T02:30:00.000Z'], ['D3', '2026-10-27T03:45:30.000Z'], ['D4', '2026-10-26T17:00:00.000Z'],
      ['E1', '2026-10-27T16:59:59.000Z'], ['E2', '2026-10-27T16:59:59.000Z'], // the 1904 date system; a fixed-offset zone
    ]);
    expect(r.rejects.map((j) => [j.line_no, j.field, j.reason, j.value])).toEqual([[6n, 'paid_at', 'bad_date', '2026-02-31T08:00:00']]);
  });

  it('converts a date cell whatever the chunks its part arrives in', async () => {
    const { withCellRefs } = await import('../../src/ingest/xlsx-sheets.ts');
    const { Readable } = await import('node:stream');
    const xml = '<sheetData><row><c t="s"><v>0</v></c><c s="1" t="d"><v>2026-10-27T08:15:00</v></c><x:c t=\'d\'><x:v>2026-10-27T01:15:00Z</x:v></x:c><c t="d"/><c t="d"><f>A1</f><v>1900-01-01</v></c></row></sheetData>';
    const read = async (chunks: Buffer[]) => {
      let out = '';
      for await (const part of withCellRefs(Readable.from(chunks))) out += String(part);
      return out;
    };
    const serial = (46322 + (8 * 60 + 15) / 1440).toString();
    const expected = `<sheetData><row r="1"><c t="s" r="A1"><v>0</v></c><c s="1" r="B1"><v>${serial}</v></c><x:c r="C1"><x:v>${serial}</x:v></x:c><c t="d" r="D1"/><c r="E1"><f>A1</f><v>1</v></c></row></sheetData>`;
    expect(await read([Buffer.from(xml)])).toBe(expected);
    const bytes = Buffer.from(xml);
    expect(await read(Array.from(bytes, (_b, i) => bytes.subarray(i, i + 1)))).toBe(expected);
  });
});
