// XLSX settlement files, read with exceljs's streaming reader: each sheet row becomes one record
// (its row number is its line), written as CSV to the same kind of staging file the text readers
// produce, so typing and validation are shared. Values Excel stores natively are written back as
// text in the profile's own formats; the typing SQL stays the one place that parses and rejects.
//
// Dates: Excel stores a date/time as a serial number of days (1900 date system, whose serial 60 is
// the non-existent 29/02/1900, or the 1904 system when the workbook says so), with the time of
// day as the fraction, wall-clock, no time zone. exceljs turns a cell with a date number format
// into a Date; a cell without one (or a formula result) stays a number. In a column of paid_at or
// settled_on both are read as a serial and written in the profile's format (the time zone is
// applied by the typing SQL), except a whole number of exactly the width of an all-digit format
// (`YYYYMMDD` as 20260327), which is that text. A field joined from several columns (a date cell and
// a time cell) gives each column its own part of the format (split at the spaces). A time-only
// value (serial < 1) never becomes a date of 1899: it is written as its time, which a format wanting
// a date then rejects.
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { normaliseName } from './column-name.ts';
import { FileError } from './file-error.ts';
import { dateTokens, formatDateParts, isEpochFormat } from './formats.ts';
import type { AmountFormat, PartnerProfile } from './profile.ts';
import { recordClassifier, setTrailer, unknownTypeReject, type SplitResult } from './records.ts';
import type { StageWriter } from './stage-writer.ts';
import { entryStream, sameSheetName, wholeXml, withCellRefs, workbookSheets, zipDamage, zipEntryNames, type SheetEntry, type WorkbookSheets } from './xlsx-sheets.ts';

const DAY = 86_400;

/** A wall-clock date and time read from a serial; `timeOnly` when the serial has no date (< 1). */
interface WallClock {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  timeOnly: boolean;
  midnight: boolean;
}

/** Seconds since Excel's day 0 to a wall clock, or null outside Excel's dates (negative, past 9999). */
function wallClock(seconds: number, date1904: boolean): WallClock | null {
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  const days = Math.floor(seconds / DAY);
  const tod = seconds - days * DAY;
  let ymd: [number, number, number];
  if (date1904) ymd = utcDate(Date.UTC(1904, 0, 1), days);
  else if (days >= 61) ymd = utcDate(Date.UTC(1899, 11, 30), days);
  else if (days === 60) ymd = [1900, 2, 29]; // Excel's (Lotus's) leap-year bug: not a real date, typing rejects it
  else ymd = utcDate(Date.UTC(1899, 11, 31), days); // serials 1–59 (0 is time-only; its date is never written)
  if (ymd[0] > 9999) return null;
  return { y: ymd[0], mo: ymd[1], d: ymd[2], h: Math.floor(tod / 3600), mi: Math.floor((tod % 3600) / 60), s: tod % 60, timeOnly: days === 0, midnight: tod === 0 };
}

function utcDate(base: number, days: number): [number, number, number] {
  const d = new Date(base + days * DAY * 1000);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** A serial number (days, fraction = time of day) to a wall clock, rounded to the second as Excel shows it. */
const fromSerial = (serial: number, date1904: boolean): WallClock | null => wallClock(Math.round(serial * DAY), date1904);

/** exceljs's Date (the serial read as UTC, 1904 offset already applied) back to a wall clock. */
const fromDate = (d: Date, date1904: boolean): WallClock | null => wallClock(Math.round(d.getTime() / 1000) + (25_569 - (date1904 ? 1_462 : 0)) * DAY, date1904);

/** A wall clock in a profile date format, or a part of one (tokens only; `ISO` is expanded before). */
function render(w: WallClock, format: string): string {
  return formatDateParts({ year: w.y, month: w.mo, day: w.d, hour: w.h, minute: w.mi, second: w.s, millisecond: 0 }, format);
}

/** The part of a format from its first to its last date (or time) token, or null when there is none or the two kinds interleave. */
function span(format: string, kind: 'date' | 'time'): string | null {
  const all = dateTokens(format);
  const mine = all.filter((t) => t.date === (kind === 'date'));
  if (mine.length === 0) return null;
  const start = Math.min(...mine.map((t) => t.start));
  const end = Math.max(...mine.map((t) => t.end));
  return all.some((t) => t.date !== (kind === 'date') && t.start < end && t.end > start) ? null : format.slice(start, end);
}

/**
 * What one column of a date field is written as: its part of the profile's format. `auto` (a
 * field of several columns whose format does not split into one part per column at its spaces):
 * a time-only value gives the format's time part, a value at midnight its date part, else all.
 */
class DatePart {
  readonly date: boolean;
  readonly dateSpan: string | null;
  readonly timeSpan: string | null;
  readonly digits: boolean;
  constructor(readonly format: string, readonly auto = false) {
    const tokens = dateTokens(format);
    this.date = tokens.some((t) => t.date);
    this.dateSpan = span(format, 'date');
    this.timeSpan = span(format, 'time');
    // Only fixed-width digit tokens, side by side from start to end (YYYYMMDD, HHmmss).
    this.digits = tokens.length > 0 && tokens.every((t, i) => t.fixedDigits && t.start === (i === 0 ? 0 : tokens[i - 1]!.end)) && tokens.at(-1)!.end === format.length;
  }

  /** Text of a native date or number in this column (a value that is no Excel date stays as written: typing rejects it). */
  text(v: Date | number, date1904: boolean, decimal: string): string {
    if (typeof v === 'number' && this.digits && Number.isInteger(v) && v >= 0) {
      // 20260327 under YYYYMMDD, 140509 (or 90509, 509) under HHmmss: the digits, not a serial. A
      // date's digits are the width, or one less when it starts with a day or month (a lost
      // leading zero: DDMMYYYY 7032026); a serial of a real date has at most 5 digits.
      const s = v.toFixed(0);
      const width = this.format.length;
      const digits = !this.date ? s.length <= width : s.length === width || (s.length === width - 1 && !this.format.startsWith('YYYY'));
      if (digits) return s.padStart(width, '0');
    }
    const w = typeof v === 'number' ? fromSerial(v, date1904) : fromDate(v, date1904);
    if (!w) return numberText(typeof v === 'number' ? v : v.getTime() / (DAY * 1000) + 25_569 - (date1904 ? 1_462 : 0), decimal); // the serial as stored
    if (this.auto) return render(w, (w.timeOnly ? this.timeSpan : w.midnight ? this.dateSpan : null) ?? this.format);
    if (w.timeOnly && this.date) return render(w, this.timeSpan ?? 'HH:mm:ss'); // never 30/12/1899
    return render(w, this.format);
  }
}

/** One part per column of a date field (see DatePart). */
function dateParts(format: string, columns: number): DatePart[] {
  const full = format === 'ISO' ? 'YYYY-MM-DDTHH:mm:ss' : format;
  if (columns === 1) return [new DatePart(full)];
  const parts = (format === 'ISO' ? 'YYYY-MM-DD HH:mm:ss' : format).split(' '); // the typing SQL joins them with a space
  if (parts.length === columns && parts.every((p) => dateTokens(p).length > 0)) return parts.map((p) => new DatePart(p));
  return Array.from({ length: columns }, () => new DatePart(full, true));
}

/**
 * The separator a number's fraction is written with: the profile's decimal separator, else one
 * that cannot be read as its grouping (1.234 must not become 1234 đồng under grouping ".").
 */
function decimalSeparator(f: AmountFormat): string {
  return f.decimal ?? (f.grouping === '.' ? ',' : '.');
}

/**
 * A number as text. Whole numbers exactly (a double holds every integer up to 2^53, past the
 * 10^15 đồng cap); a fraction to Excel's 15 significant digits, so binary noise of a formula
 * (114999.99999999999) reads as Excel shows it and a real fraction stays one (typing rejects it).
 */
function numberText(v: number, decimal: string): string {
  if (!Number.isFinite(v)) return '#ERROR'; // a formula's error value
  if (Number.isInteger(v)) return Math.abs(v) < 1e21 ? v.toFixed(0) : BigInt(v).toString();
  const r = Number(v.toPrecision(15));
  if (Number.isInteger(r)) return r.toFixed(0);
  const s = String(r).includes('e') ? r.toFixed(20).replace(/0+$/, '') : String(r);
  return s.replace('.', decimal);
}

/** A formula cell's cached result (a formula never calculated shows as `=FORMULA`); other values as they are. */
function unwrap(v: ExcelJS.CellValue): ExcelJS.CellValue {
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    if ('result' in v && v.result !== undefined) return unwrap(v.result as ExcelJS.CellValue);
    if ('formula' in v || 'sharedFormula' in v) {
      const f = 'formula' in v ? v.formula : v.sharedFormula;
      return f ? `=${f}` : '';
    }
  }
  return v;
}

/**
 * A negative number written as the profile's amounts write one: `(1250000)` or `1250000-` when
 * `negative` says so (a sheet shows a negative stored number in its own number format, but the
 * amount pattern accepts only the profile's notation, so `-1250000` was a bad_amount there).
 */
function signed(text: string, negative: AmountFormat['negative']): string {
  if (!text.startsWith('-') || negative === 'minus') return text;
  return negative === 'parentheses' ? `(${text.slice(1)})` : negative === 'cr_dr' ? `${text.slice(1)} DR` : `${text.slice(1)}-`;
}

/** A cell as text outside date fields (dates, if any, in `dates`' format; negative numbers in `negative`'s notation). */
function cellText(raw: ExcelJS.CellValue, dates: DatePart, date1904: boolean, decimal: string, negative: AmountFormat['negative'] = 'minus'): string {
  const v = unwrap(raw);
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return dates.text(v, date1904, decimal);
  if (typeof v === 'number') return signed(numberText(v, decimal), negative);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

/** A cell of a date field's column: native dates and numbers are Excel dates (see DatePart), the rest as text. */
function dateCellText(raw: ExcelJS.CellValue, part: DatePart, date1904: boolean, decimal: string): string {
  const v = unwrap(raw);
  return v instanceof Date || typeof v === 'number' ? part.text(v, date1904, decimal) : cellText(v, part, date1904, decimal);
}


/** Column index → its date part, for the columns of paid_at and settled_on (a repeated name: its first column; mapping.ts then fails the file). */
function dateColumns(profile: PartnerProfile, names: string[]): Map<number, DatePart> {
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (!index.has(normaliseName(n))) index.set(normaliseName(n), i);
  });
  const out = new Map<number, DatePart>();
  for (const field of [profile.fields.paid_at, profile.fields.settled_on]) {
    // Unix time is a plain number (written whole, as any number), never an Excel serial.
    if (!field || isEpochFormat(field.format)) continue;
    const parts = dateParts(field.format, field.column.length);
    field.column.forEach((name, j) => {
      const i = index.get(normaliseName(name));
      if (i !== undefined && !out.has(i)) out.set(i, parts[j]!);
    });
  }
  return out;
}

/** Column indexes of the transaction id and the original's id (each part of a composite one), as mapping.ts resolves them. */
function idColumns(profile: PartnerProfile, names: string[]): Set<number> {
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (!index.has(normaliseName(n))) index.set(normaliseName(n), i);
  });
  const cols = [...profile.fields.txn_ref.column, ...(profile.fields.reverses_txn_ref?.column ?? [])];
  return new Set(cols.flatMap((c) => index.get(normaliseName(c)) ?? []));
}

/**
 * Excel keeps 15 significant digits of a number: an id of 16 or more digits stored as a number has
 * lost its last digits (2603011234567890123 and …124 are both 2603011234567890000), and two
 * payments would share one id, the second dropped as a duplicate. Such a cell is written in
 * scientific notation, as Excel shows it, which typing rejects as `bad_ref` like a CSV saved
 * again from Excel: a number past 2^53 (no double holds it exactly), or one of 16 digits ending in
 * 0 (Excel's rounding leaves that 0; a 16-digit number ending otherwise was stored exactly, as a
 * library writing the workbook does, and loads).
 */
function idCellText(raw: ExcelJS.CellValue): string | null {
  const v = unwrap(raw);
  if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) < 1e15) return null;
  return !Number.isSafeInteger(v) || v % 10 === 0 ? v.toPrecision(15).toUpperCase() : null;
}

/**
 * Whether an OLE2 compound file is an encrypted OOXML workbook (a password to open: Excel stores
 * the encrypted .xlsx as an `EncryptedPackage` stream beside `EncryptionInfo`), from the first
 * sectors of its directory.
 */
function encryptedOoxml(fd: number, head: Buffer): boolean {
  const sectorSize = 2 ** head.readUInt16LE(0x1e);
  const dirSector = head.readUInt32LE(0x30);
  if (sectorSize < 512 || sectorSize > 4096 || dirSector >= 0xfffffffa) return false;
  const dir = Buffer.alloc(sectorSize * 4);
  const n = readSync(fd, dir, 0, dir.length, (dirSector + 1) * sectorSize);
  return dir.subarray(0, n).includes(Buffer.from('EncryptedPackage', 'utf16le'));
}

/**
 * What a file given as XLSX is instead, when its bytes say so: a password-protected workbook, an
 * Excel 97–2003 workbook (OLE2), an HTML page that a web portal names .xls, an OpenDocument
 * spreadsheet, or a zip archive of other files. Null when none of these.
 */
export function notXlsx(path: string): string | null {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n >= 8 && head.subarray(0, 8).equals(Buffer.from('d0cf11e0a1b11ae1', 'hex'))) {
      if (n === 512 && encryptedOoxml(fd, head)) {
        return 'a password-protected (encrypted) Excel workbook, which cannot be read without its password: ask the partner for the file without a password, or open it with the password and save a copy without one (recon keeps no passwords)';
      }
      return 'an Excel 97-2003 workbook (.xls, OLE2), not .xlsx: open it in Excel and save it as "Excel Workbook (.xlsx)", or ask the partner for .xlsx or CSV';
    }
    if (n >= 4 && head.subarray(0, 4).equals(Buffer.from('504b0304', 'hex'))) {
      const damage = zipDamage(path);
      if (damage) return `a damaged zip (${damage}), not a readable XLSX workbook: ask the partner to send the file again`;
      const names = zipEntryNames(path);
      if (names === null || names.includes('xl/workbook.xml')) return null;
      if (names.includes('mimetype') && names.includes('content.xml')) {
        return 'an OpenDocument spreadsheet (.ods, as LibreOffice saves it), not .xlsx: open it and save it as "Excel 2007-365 (.xlsx)", or ask the partner for .xlsx or CSV';
      }
      const files = names.filter((e) => !e.endsWith('/'));
      return `a zip archive of ${files.length} file(s) (${files.slice(0, 3).map((e) => JSON.stringify(e)).join(', ')}${files.length > 3 ? ', …' : ''}), not an Excel workbook: unzip it and ingest the files inside`;
    }
    const text = head.subarray(0, n).toString('latin1').replace(/^\xef\xbb\xbf/, '').trimStart().toLowerCase();
    if (/^<(!doctype html|html|table|\?xml)/.test(text) && !text.startsWith('pk')) {
      return 'an HTML or XML page (as web portals export tables under an .xls name), not an Excel workbook: open it in Excel and save it as "Excel Workbook (.xlsx)" or CSV';
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** A field of a staged CSV row (XLSX and JSON records), quoted. */
export const csvQuote = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** A sheet exceljs's streaming reader emits, with the zip entry of its cells (openReader). */
type EmittedSheet = AsyncIterable<ExcelJS.Row> & { name: string; file?: string };

/** exceljs, loaded on first use (synchronously, as openReader is), so commands that read no workbook start without it. */
let exceljsModule: typeof ExcelJS | undefined;
const exceljs = (): typeof ExcelJS => (exceljsModule ??= createRequire(import.meta.url)('exceljs') as typeof ExcelJS);

/** The parts of exceljs's streaming reader that openReader drives (exceljs 4.4's WorkbookReader). */
interface ReaderParts {
  parse: () => AsyncGenerator<{ eventType: string; value: unknown }>;
  _parseRels: (entry: Readable) => Promise<void>;
  _parseWorkbook: (entry: Readable) => Promise<void>;
  _parseSharedStrings: (entry: Readable) => AsyncGenerator<{ eventType: string; value: unknown }>;
  _parseStyles: (entry: Readable) => Promise<void>;
  _parseWorksheet: (iterator: AsyncIterable<unknown>, sheetNo: string) => Iterable<{ eventType: string; value: { file?: string } }>;
}

/**
 * exceljs's streaming reader over the sheets `pick` chooses, each tagged with its zip entry
 * (`file`). With the workbook's parts located (workbookSheets), the reader's own parsers are fed
 * the relationships, workbook, shared strings and styles first, then the chosen sheets in tab
 * order, each streamed from its place in the file (see xlsx-sheets.ts for why exceljs's own zip
 * pass is not used); without them (not a zip this reads), exceljs reads the file itself, and fails
 * saying what it is not.
 */
export function openReader(path: string, book: WorkbookSheets | null, pick: (s: SheetEntry) => boolean, zone = 'Asia/Ho_Chi_Minh'): ExcelJS.stream.xlsx.WorkbookReader {
  const reader = new (exceljs().stream.xlsx.WorkbookReader)(path, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  if (!book) return reader;
  const r = reader as unknown as ReaderParts;
  const part = (name: string): Readable | null => {
    const e = book.entries.get(name);
    return e ? wholeXml(entryStream(path, e), name) : null;
  };
  r.parse = async function* () {
    const rels = part('xl/_rels/workbook.xml.rels');
    if (rels) await r._parseRels(rels);
    const wb = part('xl/workbook.xml');
    if (wb) await r._parseWorkbook(wb);
    const strings = part('xl/sharedStrings.xml');
    if (strings) yield* r._parseSharedStrings(strings);
    const styles = part('xl/styles.xml');
    if (styles) await r._parseStyles(styles);
    for (const sheet of book.sheets) {
      const raw = pick(sheet) ? part(sheet.file) : null;
      const cells = raw ? withCellRefs(raw, { date1904: book.date1904, zone }) : null;
      if (!cells) continue;
      for (const event of r._parseWorksheet(cells, /(\d+)\.xml$/.exec(sheet.file)?.[1] ?? String(sheet.position))) {
        event.value.file = sheet.file;
        yield event;
      }
      cells.destroy(); // the reader may have stopped early (sniff reads a sheet's first rows)
    }
  };
  return reader;
}

/** The name and tab position of an emitted sheet: from the workbook part, else as exceljs gives them (its name, the emission order). */
function identify(book: WorkbookSheets | null, ws: EmittedSheet, emitted: number): { name: string; position: number | null } {
  if (!book) return { name: ws.name, position: emitted };
  const entry = book.sheets.find((s) => s.file === ws.file);
  return entry ? { name: entry.name, position: entry.position } : { name: ws.name, position: null };
}

/** Reads the profile's sheet into the batch's staging file (CSV: batch position, line number, then the cells). */
export async function readXlsx(path: string, profile: PartnerProfile, shown: string, out: StageWriter, seq: number): Promise<SplitResult> {
  if (profile.format.type !== 'xlsx') throw new Error('readXlsx needs an xlsx profile');
  const want = profile.format.sheet;
  const result: SplitResult = {
    header: null, headerLine: null, trailer: null, staged: 0, rejects: [], maxRecordBytes: 0, lines: 0,
    direct: { possible: false, dataFrom: 0, empty: [], nonDetail: [] },
  };
  const classify = recordClassifier(profile);
  const pre = profile.preamble;
  const until = pre && 'until' in pre ? new RegExp(pre.until) : null;
  const preLines = pre && 'lines' in pre ? pre.lines : 0;
  const preambleTotals = profile.trailer?.in === 'preamble' && profile.trailer.match ? new RegExp(profile.trailer.match) : null;
  let phase: 'preamble' | 'header' | 'records' = preLines > 0 || until ? 'preamble' : profile.header.type === 'names' ? 'header' : 'records';
  // Dates outside date fields (preamble, trailer, other columns) in paid_at's whole format (ISO when that is Unix time).
  const plainDates = dateParts(isEpochFormat(profile.fields.paid_at.format) ? 'ISO' : profile.fields.paid_at.format, 1)[0]!;
  const decimal = decimalSeparator(profile.fields.amount.format);
  const negative = profile.fields.amount.format.negative;
  let names: string[] | null = profile.header.type === 'none' ? profile.header.columns : null;
  let dateCols = names ? dateColumns(profile, names) : new Map<number, DatePart>();
  let idCols = names ? idColumns(profile, names) : new Set<number>();
  let found = false;
  const book = workbookSheets(path);
  // No workbook part found: say what the file is, when it is something known, before exceljs tries.
  const other = book ? null : notXlsx(path);
  if (other) throw new FileError(`${shown}: ${other}, expected an Excel .xlsx file as the profile declares`);
  const emittedNames: string[] = [];
  let headerText: string | null = null;
  try {
    // Only the wanted sheet is parsed (by tab position, hidden sheets counting, or by name as Excel compares names: any case).
    const reader = openReader(path, book, (sheet) => (typeof want === 'number' ? sheet.position === want : sameSheetName(sheet.name, want)), profile.fields.paid_at.timezone);
    let index = 0;
    for await (const sheet of reader) {
      const ws = sheet as unknown as EmittedSheet;
      const { name, position } = identify(book, ws, ++index);
      emittedNames.push(name);
      if (found || (typeof want === 'number' ? position !== want : !sameSheetName(name, want))) {
        for await (const _row of ws) void _row; // drain: the reader is sequential
        continue;
      }
      found = true;
      // The workbook's date system, from workbook.xml (exceljs has it only when that part precedes the sheet).
      const date1904 = book?.date1904 ?? (reader as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model?.date1904 === true;
      for await (const row of ws) {
        // row.values is sparse (an empty cell is a hole); Array.from visits holes, map would skip them.
        const values = (row.values as ExcelJS.CellValue[]).slice(1);
        const cells = Array.from(values, (v) => cellText(v, plainDates, date1904, decimal, negative).normalize('NFC'));
        const text = cells.join(',');
        const line = row.number;
        result.lines = line;
        if (phase === 'preamble') {
          if (until ? !until.test(text) : line <= preLines) {
            if (preambleTotals?.test(text)) setTrailer(result, { line, text, fields: cells.map((c) => c.trim()) }, shown);
            continue;
          }
          phase = profile.header.type === 'names' ? 'header' : 'records';
        }
        if (cells.every((c) => c.trim() === '')) continue;
        if (phase === 'header') {
          headerText = text;
          names = cells.map((c) => c.trim());
          result.header = names;
          result.headerLine = line;
          dateCols = dateColumns(profile, names);
          idCols = idColumns(profile, names);
          phase = 'records';
          continue;
        }
        if (text === headerText) continue; // the header again (a printed export's page break), not a record
        const cls = classify(() => (cells[0] ?? '').trim(), () => text);
        if (cls.kind === 'header' || cls.kind === 'skip') continue;
        if (cls.kind === 'trailer') {
          setTrailer(result, { line, text, fields: cells.map((c) => c.trim()) }, shown);
          continue;
        }
        if (cls.kind === 'unknown') {
          result.rejects.push(unknownTypeReject(shown, line, cls.code, cls.expected, text));
          continue;
        }
        // A detail record: its date fields' cells again, as dates (classified above as plain text, so
        // a total row's count under a date column stays a count).
        for (const [i, part] of dateCols) if (i < values.length) cells[i] = dateCellText(values[i], part, date1904, decimal).normalize('NFC');
        for (const i of idCols) if (i < values.length) cells[i] = idCellText(values[i]) ?? cells[i]!;
        // Pad/cut to the header's width so a short row (trailing empty cells) is not a column-count error.
        const width = names?.length ?? cells.length;
        const staged = `${seq},${line},${Array.from({ length: width }, (_, i) => csvQuote(cells[i] ?? '')).join(',')}${cells.slice(width).some((c) => c.trim() !== '') ? `,${cells.slice(width).map(csvQuote).join(',')}` : ''}`;
        result.maxRecordBytes = Math.max(result.maxRecordBytes, staged.length * 3);
        out.putText(staged);
        result.staged++;
      }
    }
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(`${shown}: ${notXlsx(path) ?? `not a readable XLSX workbook (${e instanceof Error ? e.message : String(e)})`}, expected an Excel .xlsx file as the profile declares`);
  }
  const sheets = book?.sheets.map((b) => b.name) ?? emittedNames;
  if (!found) throw new FileError(`${shown}: no sheet ${JSON.stringify(want)} in the workbook (format.sheet); its sheets are ${sheets.map((n, i) => `${i + 1} ${JSON.stringify(n)}`).join(', ') || 'none'}`);
  if (phase === 'preamble' && until) throw new FileError(`${shown}: no row matches the preamble end /${until.source}/ (preamble.until)`);
  if (!names) throw new FileError(`${shown}: no header row found, expected a row naming the columns`);
  return result;
}

/** A cell as ingest writes it outside date fields, its date cells in `dateFormat` (for `recon partners sniff`). */
export function cellTextIn(v: ExcelJS.CellValue, dateFormat: string, decimal: string | null): string {
  return cellText(v, new DatePart(dateFormat === 'ISO' ? 'YYYY-MM-DDTHH:mm:ss' : dateFormat), false, decimal ?? '.');
}

/** One sheet row as exceljs gives it: 1-based row number, the cells from column A, and their number formats. */
export interface SheetRow {
  number: number;
  values: ExcelJS.CellValue[];
  numFmts: Array<string | undefined>;
}

/**
 * Every sheet's name, tab position and first `maxRows` rows, in tab order, read with the same
 * streaming reader as ingest (for `recon partners sniff`, which drafts from the sheet holding the table).
 */
export async function readXlsxHeads(path: string, maxRows: number): Promise<Array<{ sheet: string; position: number; rows: SheetRow[] }>> {
  const book = workbookSheets(path);
  const reader = openReader(path, book, () => true);
  const out: Array<{ sheet: string; position: number; rows: SheetRow[] }> = [];
  let index = 0;
  for await (const sheet of reader) {
    const ws = sheet as unknown as EmittedSheet;
    const { name, position } = identify(book, ws, ++index);
    const rows: SheetRow[] = [];
    for await (const row of ws) {
      if (rows.length >= maxRows) continue; // exceljs's own reader (no workbook part found) must be drained
      const values = Array.from((row.values as ExcelJS.CellValue[]).slice(1), (v) => v ?? null);
      rows.push({ number: row.number, values, numFmts: values.map((_, i) => row.getCell(i + 1).numFmt) });
      if (rows.length >= maxRows && book) break; // openReader closes the rest of the sheet's part
    }
    out.push({ sheet: name, position: position ?? index, rows });
  }
  return out;
}
