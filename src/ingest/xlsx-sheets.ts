// A workbook's parts read through the zip's central directory, and its sheets as Excel shows them:
// names in tab order, each with the zip entry holding its cells (from `xl/workbook.xml` and its
// relationships). exceljs's streaming reader reads the zip front to back with unzipper's streaming
// parser, which on Node 18+ drops entries at random (exceljs#3064, unzipper#234): a workbook whose
// second sheet was skipped failed with "no sheet", one whose workbook.xml came late with a
// TypeError, both on some runs and not others. It also emits sheets in the order their entries
// stand in the zip, not the tabs' order, and names them only when the relationship's target is
// written relative (`worksheets/sheet1.xml`): openpyxl (pandas' `to_excel`) writes it absolute
// (`/xl/worksheets/sheet1.xml`), so every sheet of such a workbook came out as `Sheet1`, `Sheet2`….
// xlsx.ts therefore feeds exceljs's parsers these parts in a fixed order itself (openReader).
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';

export interface SheetEntry {
  /** 1-based position among the workbook's tabs (hidden sheets included). */
  position: number;
  name: string;
  /** The zip entry of its cells, e.g. `xl/worksheets/sheet2.xml`. */
  file: string;
}

export interface WorkbookSheets {
  sheets: SheetEntry[];
  date1904: boolean;
  /** Every entry of the zip, by name. */
  entries: Map<string, ZipEntry>;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const LOCAL_SIG = Buffer.from('504b0304', 'hex');

/** One stored entry of the zip: how it is compressed, where its data starts and how long it is. */
export interface ZipEntry {
  method: number;
  offset: number;
  compressed: number;
  /** CRC-32 of the entry's bytes, as the central directory states it. */
  crc: number;
}

/** A zip whose own directory does not add up: cut short, or bytes inserted or lost on the way. */
class DamagedZip extends Error {}

/**
 * The zip's entries by name, from its central directory; null when the file is no zip this reads
 * (ZIP64, or no zip at all). Throws DamagedZip for a zip (local header first) whose end of central
 * directory is missing, or whose directory does not lead to its entries: exceljs's own streaming
 * reader, given such a file, could neither finish nor fail (the ingest never settled; the CLI exited
 * 13 with nothing said).
 */
function zipIndex(path: string): Map<string, ZipEntry> | null {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const read = (pos: number, len: number): Buffer => {
      const b = Buffer.alloc(len);
      return b.subarray(0, readSync(fd, b, 0, len, pos));
    };
    // End of central directory: 22 bytes plus a comment of up to 65,535.
    const tailLen = Math.min(size, 22 + 65_535);
    const tail = read(size - tailLen, tailLen);
    let e = -1;
    for (let i = tail.length - 22; i >= 0 && e < 0; i--) if (tail.readUInt32LE(i) === EOCD) e = i;
    if (e < 0) {
      if (read(0, 4).equals(LOCAL_SIG)) throw new DamagedZip('its end (the central directory) is missing: the file is cut short');
      return null;
    }
    const count = tail.readUInt16LE(e + 10);
    const cdSize = tail.readUInt32LE(e + 12);
    const cdOffset = tail.readUInt32LE(e + 16);
    if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) return null; // ZIP64: no workbook a partner sends
    const cd = read(cdOffset, cdSize);
    const out = new Map<string, ZipEntry>();
    let k = 0;
    for (let p = 0; k < count && p + 46 <= cd.length && cd.readUInt32LE(p) === CENTRAL; k++) {
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const compressed = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const local = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
      p += 46 + nameLen + extraLen + commentLen;
      if (method !== 0 && method !== 8) continue; // stored or deflated: what every XLSX writer uses
      // The data follows the local header, whose name and extra field may differ in length from the directory's.
      const head = read(local, 30);
      if (head.length < 30 || head.readUInt32LE(0) !== LOCAL) throw new DamagedZip(`the entry ${JSON.stringify(name)} is not where its central directory says`);
      out.set(name, { method, offset: local + 30 + head.readUInt16LE(26) + head.readUInt16LE(28), compressed, crc });
    }
    if (k < count) throw new DamagedZip(`its central directory lists ${count} entries, ${k} of them readable`);
    return out;
  } finally {
    closeSync(fd);
  }
}

/** What is wrong with a damaged zip (DamagedZip), else null. */
export function zipDamage(path: string): string | null {
  try {
    zipIndex(path);
    return null;
  } catch (e) {
    return e instanceof DamagedZip ? e.message : null;
  }
}

/** The names of a zip's entries, or null when the file is no zip this reads. */
export function zipEntryNames(path: string): string[] | null {
  try {
    const index = zipIndex(path);
    return index ? [...index.keys()] : null;
  } catch {
    return null;
  }
}

/** An entry's bytes, whole (the workbook part and its relationships: a few kilobytes). */
function entryBytes(path: string, e: ZipEntry): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(e.compressed);
    const data = b.subarray(0, readSync(fd, b, 0, e.compressed, e.offset));
    return e.method === 8 ? inflateRawSync(data) : data;
  } finally {
    closeSync(fd);
  }
}

/** An entry's bytes as a stream (a sheet or the shared strings: any size, never held whole). */
export function entryStream(path: string, e: ZipEntry): Readable {
  const raw = createReadStream(path, { start: e.offset, end: e.offset + e.compressed - 1 });
  if (e.method === 0) return checked(raw, e);
  const inflate = createInflateRaw();
  raw.on('error', (err) => inflate.destroy(err));
  return checked(raw.pipe(inflate), e);
}

/**
 * An entry's bytes, failing at their end when they do not match the CRC-32 the zip states: a byte
 * damaged in transit can inflate to a well-formed sheet with another digit in an amount.
 */
function checked(part: Readable, e: ZipEntry): Readable {
  if (typeof crc32 !== 'function') return part; // Node before 20.15
  let crc = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      done(crc >>> 0 === e.crc >>> 0 ? null : new Error('its bytes do not match the checksum (CRC-32) the zip states for them: the file is damaged'));
    },
  });
  part.on('error', (err) => out.destroy(err));
  out.on('close', () => part.destroy());
  return part.pipe(out);
}

/**
 * An XML part passed through unchanged, failing at its end when the part stops before its root
 * element's end tag (`</worksheet>`, `</sst>`): an entry cut short inside a well-formed zip. exceljs's
 * parser never closes its XML parser, so it read such a sheet as if complete: the rows after the cut,
 * or the shared strings after it (their cells then read as empty), were silently not there.
 */
export function wholeXml(part: Readable, name: string): Readable {
  const decoder = new StringDecoder('utf8');
  let head = '';
  let root: string | null = null;
  let tail = '';
  const see = (text: string): void => {
    if (root === null && head.length < 65_536) {
      head += text;
      const m = /<(?![?!])([\w.:-]+)[^>]*?(\/?)>/.exec(head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<![^>]*>/g, ''));
      if (m) root = m[2] ? '' : m[1]!; // '': a root element closed in its start tag (`<sst/>`)
    }
    tail = (tail + text).slice(-512);
  };
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      see(decoder.write(chunk));
      done(null, chunk);
    },
    flush(done) {
      see(decoder.end());
      const closed = root === '' || (root !== null && new RegExp(`</${root.replace(/[.]/g, '\\.')}\\s*>\\s*$`).test(tail));
      done(closed ? null : new Error(`${name} ends before its closing </${root ?? 'root element'}> tag: the part is cut short, the workbook truncated or damaged`));
    },
  });
  part.on('error', (err) => out.destroy(new Error(`${name}: ${err.message}`)));
  out.on('close', () => part.destroy());
  return part.pipe(out);
}

/** Column letters of a 1-based column number (1 → A, 27 → AA). */
function columnLetters(n: number): string {
  let out = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

/** 1-based column number of a cell reference's letters (`AA12` → 27). */
function columnNumber(ref: string): number {
  let n = 0;
  for (const ch of ref.toUpperCase()) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n;
}

/** A row or cell start tag of a sheet part (any namespace prefix); `<col`, `<cols`, `<rowBreaks` are not. */
const ROW_OR_CELL = /<((?:[\w.-]+:)?)(row|c)(?=[\s>/])([^>]*)>/g;
const R_ATTR = /\sr\s*=\s*["']([^"']*)["']/;
const E_ATTR = /\st\s*=\s*["']e["']/;

/** A date cell (`t="d"`) start tag: its namespace prefix, the attributes around `t`. */
const DATE_CELL_OPEN = /<((?:[\w.-]+:)?)c(?=[\s>/])([^>]*?)\s+t\s*=\s*["']d["']([^>]*)>/g;
/** A whole date cell: prefix, attributes before and after `t`, its content (value, formula). */
const DATE_CELL = /<((?:[\w.-]+:)?)c(?=[\s>/])([^>]*?)\s+t\s*=\s*["']d["']([^>/]*)>([\s\S]*?)<\/\1c>/g;
const HAS_DATE_CELL = /\st\s*=\s*["']d["']/;
const ISO_VALUE = /^\s*(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/;
const DAY_MS = 86_400_000;

/** Where the ISO 8601 date cells of a sheet are read: the workbook's date system, and the zone of a value stating an offset. */
export interface DateCells {
  date1904: boolean;
  /** The profile's zone (an IANA name or `UTC+07:00`): an instant written with `Z` or an offset becomes its wall clock there. */
  zone: string;
}

/** Milliseconds to add to an instant (UTC) for its wall clock in `zone`. */
function zoneOffsetMs(instant: number, zone: string): number {
  const fixed = /^UTC([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0)) * 60_000;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(instant));
  const n = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(instant / 1000) * 1000;
}

/**
 * The Excel serial number (days since the date system's day 0, the fraction the time of day) of a
 * date cell's ISO 8601 value, or null when it is none. Without an offset the value is a wall clock,
 * as Excel writes it (Strict Open XML); with `Z` or an offset (SheetJS's `cellDates`, which writes
 * `Date.toISOString()`) it is an instant, read as its wall clock in the profile's zone.
 */
export function isoSerial(value: string, dates: DateCells): number | null {
  const m = ISO_VALUE.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null; // 24:00, as text dates, is none
  let wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d || Number.isNaN(wall)) return null; // 2026-02-31
  const offset = m[8];
  if (offset !== undefined) {
    let instant = wall;
    if (offset !== 'Z') {
      const o = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
      instant -= (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3] ?? 0)) * 60_000;
    }
    wall = instant + zoneOffsetMs(instant, dates.zone);
  }
  // Days since 1899-12-30 (1900 system, where serials before 1900-03-01 count Excel's 29/02/1900) or 1904-01-01.
  let serial = wall / DAY_MS + 25_569;
  if (dates.date1904) serial -= 1_462;
  else if (serial < 61) serial -= 1;
  return serial;
}

/**
 * The date cells (`t="d"`, an ISO 8601 value) of complete text as number cells holding the
 * serial, as Excel itself stores dates, so they read as any date cell; one whose value is no date
 * becomes a text cell (`t="str"`), a reject showing it. exceljs reads a `t="d"` cell as a number:
 * `2026-10-27T08:15:00` parsed as 2026, a date in July 1905 that loaded without a reject.
 */
function serialDates(text: string, dates: DateCells): string {
  return text.replace(DATE_CELL, (_cell: string, prefix: string, before: string, after: string, content: string) => {
    let serial: number | null = null;
    const body = content.replace(new RegExp(`(<${prefix}v>)([^<]*)(</${prefix}v>)`), (_v, open: string, value: string, close: string) => {
      serial = isoSerial(value, dates);
      return serial === null ? `${open}${value}${close}` : `${open}${serial}${close}`;
    });
    return serial === null ? `<${prefix}c${before} t="str"${after}>${body}</${prefix}c>` : `<${prefix}c${before}${after}>${body}</${prefix}c>`;
  });
}

/**
 * Where to cut text so that no date cell is split: the start of the last date cell whose closing
 * tag has not arrived (its value is needed whole), else `cut`.
 */
function dateCellCut(text: string, cut: number): number {
  let last: RegExpExecArray | null = null;
  DATE_CELL_OPEN.lastIndex = 0;
  for (let m = DATE_CELL_OPEN.exec(text); m !== null && m.index < cut; m = DATE_CELL_OPEN.exec(text)) last = m;
  if (last === null || last[0].endsWith('/>')) return cut;
  const close = text.indexOf(`</${last[1]}c>`, last.index + last[0].length);
  return close >= 0 && close < cut ? cut : last.index;
}

/**
 * A sheet part with every row and cell carrying its reference (`r`). The standard makes both
 * optional (a row then follows the previous one, a cell the previous cell of its row), and writers
 * such as the Open XML SDK, as its samples build sheets, leave them out; exceljs's reader needs
 * them (it failed such a workbook with "Cannot read properties of undefined (reading 'length')").
 * Tags that have one pass unchanged and set the position the next missing one follows. Date cells
 * (`t="d"`, ISO 8601 values: Excel's Strict Open XML, SheetJS with `cellDates`) become number cells
 * holding their serial (serialDates).
 */
export function withCellRefs(part: Readable, dates: DateCells = { date1904: false, zone: 'Asia/Ho_Chi_Minh' }): Readable {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let row = 0;
  let col = 0;
  const fill = (text: string): string =>
    text.replace(ROW_OR_CELL, (tag: string, _prefix: string, name: string, attrs: string) => {
      const r = R_ATTR.exec(attrs)?.[1];
      const at = tag.endsWith('/>') ? tag.length - 2 : tag.length - 1;
      if (name === 'row') {
        col = 0;
        const n = r === undefined ? NaN : Number.parseInt(r, 10);
        row = Number.isFinite(n) && n > 0 ? n : row + 1;
        return r === undefined ? `${tag.slice(0, at)} r="${row}"${tag.slice(at)}` : tag;
      }
      const c = r === undefined ? 0 : columnNumber(r);
      col = c > 0 ? c : col + 1;
      // An error cell (`t="e"`) as the text Excel shows, `#DIV/0!`: exceljs reads a formula's cached
      // error as the number NaN, so such a cell showed as its formula, `=1/0`, as if never calculated.
      if (E_ATTR.test(attrs)) tag = tag.replace(E_ATTR, ' t="str"');
      return r === undefined ? `${tag.slice(0, at)} r="${columnLetters(col)}${row}"${tag.slice(at)}` : tag;
    });
  const emit = (text: string): string => (HAS_DATE_CELL.test(text) ? serialDates(fill(text), dates) : fill(text));
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const text = carry + decoder.write(chunk);
      // A tag cut at the chunk's end waits for the rest, and so does a date cell whose value has not all arrived.
      const open = text.lastIndexOf('<');
      let cut = open >= 0 && text.indexOf('>', open) < 0 ? open : text.length;
      if (HAS_DATE_CELL.test(text)) cut = dateCellCut(text, cut);
      carry = text.slice(cut);
      done(null, emit(text.slice(0, cut)));
    },
    flush(done) {
      done(null, emit(carry + decoder.end()));
    },
  });
  part.on('error', (err) => out.destroy(err));
  out.on('close', () => part.destroy());
  return part.pipe(out);
}

const decodeXml = (s: string): string =>
  s.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_m, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));

/** The attributes of one XML start tag, by local name (`r:id` as `id`, namespace prefixes dropped). */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out.set(m[1]!.replace(/^.*:/, ''), decodeXml(m[2] ?? m[3] ?? ''));
  return out;
}

/**
 * The workbook's sheets in tab order with their zip entries, and its date system; null when the
 * workbook part cannot be read this way (the caller then keeps exceljs's own names and order).
 */
export function workbookSheets(path: string): WorkbookSheets | null {
  let index: Map<string, ZipEntry> | null;
  let wb: string | undefined;
  let rels: string | undefined;
  try {
    index = zipIndex(path);
    const wbEntry = index?.get('xl/workbook.xml');
    const relsEntry = index?.get('xl/_rels/workbook.xml.rels');
    if (!index || !wbEntry || !relsEntry) return null;
    wb = entryBytes(path, wbEntry).toString('utf8');
    rels = entryBytes(path, relsEntry).toString('utf8');
  } catch {
    return null; // not a zip this reads: exceljs's own reader then says what is wrong
  }
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const a = attributes(m[0]);
    const target = a.get('Target');
    // A target is relative to xl/ unless it starts with "/" (the package root), as openpyxl writes it.
    if (a.has('Id') && target !== undefined) targets.set(a.get('Id')!, target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`);
  }
  const sheets: SheetEntry[] = [];
  for (const m of wb.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const a = attributes(m[0]);
    const file = targets.get(a.get('id') ?? '');
    if (a.has('name') && file !== undefined) sheets.push({ position: sheets.length + 1, name: a.get('name')!, file });
  }
  const pr = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(wb);
  const d1904 = pr ? attributes(pr[0]).get('date1904') : undefined;
  return { sheets, date1904: d1904 === '1' || d1904 === 'true', entries: index };
}

/**
 * Whether a sheet name the profile gives names this sheet: Excel's own rule (names are unique in
 * any case), NFC, spaces around ignored.
 */
export const sameSheetName = (a: string, b: string): boolean => a.normalize('NFC').trim().toLowerCase() === b.normalize('NFC').trim().toLowerCase();
