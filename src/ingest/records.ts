// The record splitter: one streaming pass over a decoded (UTF-8) delimited or fixed-width file.
// It tracks quotes and physical lines so every record knows the line it starts on, peels off
// preamble, header, trailer, skipped and foreign record-type lines, and writes the detail
// records untouched, each prefixed with its line number, to a staging file that DuckDB's own
// CSV reader then parses with the profile's pinned dialect. Field parsing stays in DuckDB, except
// for the records of an unquoted file that escape what their fields hold (MySQL's INTO OUTFILE):
// those are unescaped here (splitEscaped) and staged with their fields enclosed where needed.
import Papa from 'papaparse';
import type { PartnerProfile } from './profile.ts';
import { FileError } from './file-error.ts';
import { truncate } from '../errors.ts';
import type { StageWriter } from './stage-writer.ts';
import type { Utf8Repairs } from './decode.ts';
import { absorbSurplus, MORE_FIELDS_HINT, overflowIndex } from './overflow.ts';

const NL = 0x0a;
const CR = 0x0d;
/** Form feed: the page break of a printed report (line-printer exports start each page with it). */
const FORM_FEED = 0x0c;
/** Separator between the line number and a fixed-width record in the staging file (never in text: controls are refused). */
export const FIXED_SEPARATOR = '\x1f';
/**
 * The quote of a staging file's records from an unquoted file with escapes (format.escape with
 * quote ""): a record whose fields held an escaped delimiter or line break is staged with those
 * fields enclosed in it. A control character, so never in a field's text (the decoder refuses
 * controls, and splitEscaped reads the escaped ones as spaces): records without escapes are staged
 * as written and read alike.
 */
export const ESCAPED_STAGE_QUOTE = '\x1e';

/**
 * The escape character of an unquoted file whose fields escape what they hold, as MySQL's
 * `SELECT … INTO OUTFILE` and `mysqldump --tab` write them (FIELDS ESCAPED BY '\\', no enclosure):
 * format.escape with quote "". Null for every other layout.
 */
export function unquotedEscape(format: RecordLayout['format']): string | null {
  return format.type === 'delimited' && format.quote === '' && format.escape ? format.escape : null;
}

/**
 * The escape character of a quoted file whose fields escape with a character other than the quote,
 * as MySQL's `SELECT … INTO OUTFILE … ENCLOSED BY '"' ESCAPED BY '\\'` writes them (and Python's csv
 * with an escapechar): format.escape with a quote, not the quote. Null for every other layout.
 */
export function quotedEscape(format: RecordLayout['format']): string | null {
  return format.type === 'delimited' && format.quote !== '' && format.escape && format.escape !== format.quote ? format.escape : null;
}

/**
 * The quote, escape and NULL texts DuckDB's reader is given for a delimited file's records (staged
 * or read in place). An unquoted file with escapes: a record whose only escapes are NULLs (`\N`, a
 * whole field) is read as written, its `\N` a NULL; the others are staged unescaped, a field that
 * holds the text `\N` (written `\\N`) enclosed in ESCAPED_STAGE_QUOTE. A quoted file with an
 * escape other than the quote: a record holding the escape is staged unescaped and quoted again with
 * doubled quotes, so the reader sees only the quote, doubled (as in every record holding no escape).
 */
export function readerDialect(format: Extract<RecordLayout['format'], { type: 'delimited' }>): { quote: string; escape: string; nulls?: string[] } {
  const escape = unquotedEscape(format);
  if (escape !== null) return { quote: ESCAPED_STAGE_QUOTE, escape: ESCAPED_STAGE_QUOTE, nulls: [`${escape}N`] };
  if (quotedEscape(format) !== null) return { quote: format.quote, escape: format.quote };
  return { quote: format.quote, escape: format.escape ?? format.quote };
}

/** What an escape character followed by a letter stands for, as MySQL's LOAD DATA reads it (`\0`, `\b`, `\Z`: controls, read as a space, as NUL padding is). */
const ESCAPED_LETTERS: Record<string, string> = { '0': ' ', b: ' ', Z: ' ', n: '\n', r: '\r', t: '\t' };

/**
 * The fields of one record of an unquoted file whose fields escape what they hold with `escape`
 * (MySQL's INTO OUTFILE): the escape before the delimiter, itself, a line feed (a line break inside
 * the field) or a CR LF stands for that text; before `0`, `b`, `Z` for a space (a NUL, backspace or
 * Ctrl-Z: BINARY columns pad with NUL), `n`, `r`, `t` for a line feed, CR and tab, as LOAD DATA reads
 * them; before any other character for that character. A field that is exactly the escape and `N`
 * is NULL (null). An escape ending the record stays. A CR LF inside a field is a LF and another CR
 * a space, as in every delimited file.
 */
export function splitEscaped(text: string, delimiter: string, escape: string): (string | null)[] {
  const fields: (string | null)[] = [];
  let field = '';
  let fieldStart = 0;
  let from = 0;
  let d = text.indexOf(delimiter);
  let e = text.indexOf(escape);
  for (;;) {
    if (d >= 0 && d < from) d = text.indexOf(delimiter, from);
    if (e >= 0 && e < from) e = text.indexOf(escape, from);
    if (e >= 0 && (d < 0 || e < d) && e + 1 < text.length) {
      field += text.slice(from, e);
      const c = text[e + 1]!;
      if (c === '\r' && text[e + 2] === '\n') {
        field += '\n';
        from = e + 3;
      } else {
        field += ESCAPED_LETTERS[c] ?? c;
        from = e + 2;
      }
      continue;
    }
    const end = d >= 0 ? d : text.length;
    field += text.slice(from, end);
    const isNull = end - fieldStart === 2 && text[fieldStart] === escape && text[fieldStart + 1] === 'N';
    fields.push(isNull ? null : field.includes('\r') ? field.replaceAll('\r\n', '\n').replaceAll('\r', ' ') : field);
    if (d < 0) return fields;
    field = '';
    from = fieldStart = d + delimiter.length;
  }
}

/**
 * The fields of one record of a quoted file whose fields escape with `escape` (quotedEscape), read as
 * MySQL's LOAD DATA reads `ENCLOSED BY '"' ESCAPED BY '\\'`: a field that starts with the quote is
 * quoted up to the next quote not escaped (a doubled quote inside it is one quote too); in and out of
 * quotes the escape stands for the next character as in splitEscaped (`\"`, `\\`, `\`⏎ a line
 * break, `\n` `\t` `\r`, `\0` a space); an unquoted field that is exactly the escape and `N` is NULL
 * (null; a quoted `"\N"` is the text N). A CR LF inside a field is a LF and another CR a space.
 */
export function splitQuotedEscaped(text: string, delimiter: string, quote: string, escape: string): (string | null)[] {
  const fields: (string | null)[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    const start = i;
    let field = '';
    const quoted = text.startsWith(quote, i);
    const unescape = (): void => {
      const c = text[i + 1]!;
      if (c === '\r' && text[i + 2] === '\n') {
        field += '\n';
        i += 3;
      } else {
        field += ESCAPED_LETTERS[c] ?? c;
        i += 2;
      }
    };
    if (quoted) {
      i += quote.length;
      while (i < n) {
        const c = text[i]!;
        if (c === escape && i + 1 < n) unescape();
        else if (c === quote) {
          i++;
          if (text[i] !== quote) break;
          field += quote;
          i++;
        } else {
          field += c;
          i++;
        }
      }
    }
    // An unquoted field, or text after a closing quote up to the delimiter.
    while (i < n && !text.startsWith(delimiter, i)) {
      if (text[i] === escape && i + 1 < n) unescape();
      else field += text[i++]!;
    }
    const isNull = !quoted && i - start === 2 && text[start] === escape && text[start + 1] === 'N';
    fields.push(isNull ? null : field.includes('\r') ? field.replaceAll('\r\n', '\n').replaceAll('\r', ' ') : field);
    if (i >= n) return fields;
    i += delimiter.length;
  }
}

/** The parts of a profile that say how a file is laid out into records (shared with billing files). */
export type RecordLayout = Pick<PartnerProfile, 'format' | 'preamble' | 'header' | 'record_types' | 'trailer' | 'skip'>;

export type RejectReason = 'bad_encoding' | 'bad_amount' | 'bad_date' | 'missing_field' | 'column_count' | 'negative_amount' | 'unknown_code' | 'not_paid' | 'bad_ref';

/** A record rejected before DuckDB sees it. */
export interface EarlyReject {
  line: number;
  field: string | null;
  value: string | null;
  reason: RejectReason;
  message: string;
  raw: string;
}

export interface Trailer {
  line: number;
  text: string;
  fields: string[];
  /** Lines of a summary block read as one trailer (setTrailer); 1 when absent. */
  lines?: number;
}

export interface SplitResult {
  /** Column names from the file's header line (header.type "names"), else null. */
  header: string[] | null;
  headerLine: number | null;
  trailer: Trailer | null;
  /** Detail records written to the staging file. */
  staged: number;
  rejects: EarlyReject[];
  maxRecordBytes: number;
  /** Physical lines in the file. */
  lines: number;
  /** What reading the original file directly (no staging copy) needs; see README, "speed design". */
  direct: DirectFacts;
  /** Records (staged or rejected) seen when the trailer was read: a later trailer line with none between joins it (setTrailer). */
  trailerAfter?: number;
  /** Lines that frame the records: the header line, header record-type lines and trailer lines (a count that includes them is hinted at). */
  framingLines?: number;
}

/**
 * Facts for reading a file in place with DuckDB's CSV reader: possible only when every record is
 * one physical line and all lines end alike (DuckDB refuses mixed line ends in strict mode).
 * Rows then come in file order from line `dataFrom` on, minus the lines in `empty` (zero bytes: the
 * reader emits no row) and the lines the reader refuses; `nonDetail` are the lines from `dataFrom`
 * on that are no detail record (blank, skipped, header/trailer types, unknown types), whose rows or
 * refusals are dropped.
 */
export interface DirectFacts {
  possible: boolean;
  dataFrom: number;
  empty: number[];
  nonDetail: number[];
}

/** More exception lines than this and the staging copy is cheaper than mapping row positions. */
const MAX_EXCEPTION_LINES = 100_000;

/** Splits one text record into fields with the profile's dialect (header and trailer lines only). */
export function splitFields(profile: RecordLayout, text: string): string[] {
  const escaped = unquotedEscape(profile.format);
  if (escaped !== null && profile.format.type === 'delimited') return splitEscaped(text, profile.format.delimiter, escaped).map((f) => (f ?? '').trim());
  const quotedEsc = quotedEscape(profile.format);
  if (quotedEsc !== null && profile.format.type === 'delimited') {
    // A header or trailer line of a quoted file with an escape: read as its records are (`"TỔNG C:\\",2` is two fields).
    return splitQuotedEscaped(text, profile.format.delimiter, profile.format.quote, quotedEsc).map((f) => (f ?? '').trim());
  }
  if (profile.format.type === 'delimited') {
    const { delimiter, quote, escape } = profile.format;
    const parsed = Papa.parse<string[]>(text, { delimiter, quoteChar: quote || '\u0000', escapeChar: escape ?? quote ?? '"', newline: '\n' });
    return (parsed.data[0] ?? []).map((f) => f.trim());
  }
  return withoutNul(text).trim().split(/\s+/);
}

/**
 * Fixed-width text with each NUL byte a space: mainframe exports pad fields with NULs (low-values)
 * instead of spaces, and a record type, a trailer's words or a regex over a record read past them
 * as past spaces. (Only fixed-width files reach the splitter holding NULs; see decode.ts.)
 */
function withoutNul(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', ' ') : text;
}

export type RecordClass = { kind: 'detail' | 'header' | 'trailer' | 'skip' } | { kind: 'unknown'; code: string; expected: string };

/**
 * Classifies a record by record type (first field) and the trailer/skip regexes. The getters are
 * lazy so the common case (no record types, no regexes) decodes nothing.
 */
export function recordClassifier(profile: RecordLayout): (firstField: () => string, text: () => string) => RecordClass {
  const types = profile.record_types;
  const trailerMatch = profile.trailer?.match && profile.trailer.in !== 'preamble' ? new RegExp(profile.trailer.match) : null;
  const skip = profile.skip.map((s) => new RegExp(s));
  const testText = trailerMatch !== null || skip.length > 0;
  const expected = types ? [...types.detail, ...types.header, ...types.trailer].map((c) => JSON.stringify(c)).join(', ') : '';
  return (firstField, text) => {
    let unknown: string | null = null;
    if (types) {
      const code = firstField();
      if (types.header.includes(code)) return { kind: 'header' };
      if (types.trailer.includes(code)) return { kind: 'trailer' };
      if (!types.detail.includes(code)) unknown = code;
    }
    // A line of a type the profile does not name may still be one `skip` or `trailer.match` names
    // (a multi-batch file's batch trailers `BT|…`, skipped, beside its file trailer): before, it was
    // an unknown_code reject whatever the regexes said.
    if (testText) {
      const t = text();
      if (trailerMatch?.test(t)) return { kind: 'trailer' };
      if (skip.some((re) => re.test(t))) return { kind: 'skip' };
    }
    return unknown === null ? { kind: 'detail' } : { kind: 'unknown', code: unknown, expected };
  };
}

/** The reject for a record whose record type no profile key names. */
export function unknownTypeReject(shown: string, line: number, code: string, expected: string, raw: string): EarlyReject {
  return {
    line,
    field: 'record_type',
    value: code,
    reason: 'unknown_code',
    message: `${shown}, line ${line}, field record_type: unknown record type: got ${JSON.stringify(code)}, expected one of ${expected}`,
    raw: truncate(raw, 2000),
  };
}

/** Separator between the staging prefix (batch position, line number) and the record text. */
export function stageSeparator(profile: RecordLayout): string {
  return profile.format.type === 'delimited' ? profile.format.delimiter : profile.format.type === 'fixed_width' ? FIXED_SEPARATOR : ',';
}

/**
 * Splits the decoded chunks of one file into records and writes the detail records to `out` as
 * `<seq><sep><line><sep><record text>` (seq: the file's position in its batch). Throws FileError
 * for file-level problems.
 */
export async function splitRecords(chunks: AsyncIterable<Buffer>, profile: RecordLayout, shown: string, out: StageWriter | null, seq: number, repairs?: Utf8Repairs): Promise<SplitResult> {
  const splitter = new Splitter(profile, shown, out, `${seq}${stageSeparator(profile)}`, 0, repairs);
  for await (const chunk of chunks) splitter.push(chunk);
  return splitter.end();
}

/**
 * Scans a file for the direct path without staging anything: the split's facts when every record
 * is one physical line (SplitResult.direct.possible), else null, returned as soon as a record is
 * found that rules the file out (one spanning lines, most often), without reading the rest: the
 * caller then splits the whole file into the staging copy, which reads it again anyway.
 */
export async function scanRecords(chunks: AsyncIterable<Buffer>, profile: RecordLayout, shown: string, repairs?: Utf8Repairs): Promise<SplitResult | null> {
  const splitter = new Splitter(profile, shown, null, `1${stageSeparator(profile)}`, 0, repairs);
  for await (const chunk of chunks) {
    splitter.push(chunk);
    if (!splitter.directPossible) return null;
  }
  const result = splitter.end();
  return result.direct.possible ? result : null;
}

/**
 * The text of the record that starts on physical line `line` (1-based), as splitRecords splits the
 * decoded chunks of the file with the same profile: explain's raw row, so the two never disagree on
 * where a record starts and ends (quote and escape characters, delimiter, an escaped line feed of an
 * unquoted file, fixed width that never joins lines, preamble and header). The text is the UTF-8 of
 * the decoded file from the record's first byte to its last line end (a CR before it left out; a
 * CR LF inside it kept). Stops reading once the record is found, or once a record starts after
 * `line` (undefined: no record starts there, e.g. a line inside a quoted memo, the preamble or the
 * header). Records are not classified, typed or staged: only their boundaries are tracked.
 */
export async function recordAtLine(chunks: AsyncIterable<Buffer>, profile: RecordLayout, shown: string, line: number): Promise<string | undefined> {
  const splitter = new Splitter(profile, shown, null, '', line);
  for await (const chunk of chunks) {
    splitter.push(chunk);
    if (splitter.located) return splitter.found;
  }
  splitter.end();
  return splitter.found;
}

class Splitter {
  private readonly quote: number;
  private readonly escape: number;
  /** An unquoted file's escape character (unquotedEscape), and its byte; null and -1 otherwise. */
  private readonly fieldEscape: string | null;
  private readonly fieldEscapeByte: number;
  /** A quoted file's escape other than the quote (quotedEscape), and its byte; null and -1 otherwise. */
  private readonly quotedEscape: string | null;
  private readonly quotedEscapeByte: number;
  /** The escape byte holdsEscape looks for: fieldEscapeByte or quotedEscapeByte (-1: none). */
  private readonly anyEscapeByte: number;
  /** The buffer `escapeAt` was found in, and where its next escape byte at or after the last record stands (its length: none). */
  private escapeBuf: Buffer | null = null;
  private escapeAt = 0;
  /** Column names a record of an unquoted file with escapes must have as many fields as (null: not known). */
  private columnNames: string[] | null;
  /** The position of format.overflow_column among columnNames (-1: none), which takes a record's surplus fields. */
  private overflowAt: number;
  private readonly sep: string;
  private readonly firstFieldEnd: Buffer | null;
  private readonly preambleLines: number;
  private readonly preambleUntil: RegExp | null;
  /** trailer.in "preamble": the regex finding the preamble line that states the totals. */
  private readonly preambleTotals: RegExp | null;
  private readonly classify: ReturnType<typeof recordClassifier>;
  /** Fixed width: the characters (bytes, with width_unit "bytes") a whole record has (0: not declared). */
  private readonly recordLength: number;
  private readonly fixedWidth: boolean;
  /** Fixed width in bytes: the byte offsets where a column starts or ends, ascending (null: widths count characters). */
  private readonly byteCuts: number[] | null;

  private phase: 'preamble' | 'header' | 'records';
  private carry: Buffer | null = null;
  /** Chunks read after `carry` that hold no line break: joined once a line ends, so a long record is copied once, not once per chunk. */
  private pending: Buffer[] = [];
  private scanned = 0; // bytes of `carry` already scanned for line breaks and quotes
  private inQuote = false;
  private closedAt = -2; // where the last quoted field closed, in the current buffer (-2: none to reopen)
  private line = 0; // physical lines completed
  /** 1 after Excel's `sep=` line (line 1), which preamble.lines does not count. */
  private sepLines = 0;
  private recLine = 1;
  private sawCrLf = false;
  private sawLf = false;
  /** The header line as written: a later line identical to it (a printed export's page break) is the header again, not a record. */
  private headerBytes: Buffer | null = null;
  private readonly result: SplitResult = {
    header: null, headerLine: null, trailer: null, staged: 0, rejects: [], maxRecordBytes: 0, lines: 0,
    direct: { possible: true, dataFrom: 0, empty: [], nonDetail: [] },
  };

  /** Whether the records read so far still allow reading the file in place (scanRecords). */
  get directPossible(): boolean {
    return this.result.direct.possible;
  }

  /** recordAtLine: set once a record starting at or after `target` was reached; `found` is the text of the one starting at `target`. */
  located = false;
  found: string | undefined;

  constructor(
    private readonly profile: RecordLayout,
    private readonly shown: string,
    /** Null: only scan (the direct path's facts), stage nothing. */
    private readonly out: StageWriter | null,
    private readonly prefix: string,
    /** recordAtLine: the physical line whose record is wanted (0: split the whole file). */
    private readonly target = 0,
    /** The lines of a UTF-8 file that held bytes that are not UTF-8 (decodeFile): their records are bad_encoding rejects. */
    private readonly repairs?: Utf8Repairs,
  ) {
    const f = profile.format;
    if (f.type === 'delimited') {
      this.quote = f.quote ? Buffer.from(f.quote)[0]! : -1;
      this.escape = f.escape ? Buffer.from(f.escape)[0]! : this.quote;
      this.sep = f.delimiter;
      this.firstFieldEnd = Buffer.from(f.delimiter);
    } else {
      this.quote = -1;
      this.escape = -1;
      this.sep = FIXED_SEPARATOR;
      this.firstFieldEnd = null;
    }
    this.fieldEscape = unquotedEscape(f);
    this.fieldEscapeByte = this.fieldEscape === null ? -1 : this.fieldEscape.charCodeAt(0);
    this.quotedEscape = quotedEscape(f);
    this.quotedEscapeByte = this.quotedEscape === null ? -1 : this.quotedEscape.charCodeAt(0);
    this.anyEscapeByte = Math.max(this.fieldEscapeByte, this.quotedEscapeByte);
    this.columnNames = profile.header.type === 'none' ? profile.header.columns : null;
    this.overflowAt = this.columnNames === null ? -1 : overflowIndex(f, this.columnNames);
    this.fixedWidth = f.type === 'fixed_width';
    this.recordLength = f.type === 'fixed_width' ? (f.record_length ?? 0) : 0;
    this.byteCuts = f.type === 'fixed_width' && f.width_unit === 'bytes' ? [...new Set(f.columns.flatMap((c) => [c.start - 1, c.start - 1 + c.width]))].sort((a, b) => a - b) : null;
    const pre = profile.preamble;
    this.preambleLines = pre && 'lines' in pre ? pre.lines : 0;
    this.preambleUntil = pre && 'until' in pre ? new RegExp(pre.until) : null;
    this.preambleTotals = profile.trailer?.in === 'preamble' && profile.trailer.match ? new RegExp(profile.trailer.match) : null;
    this.phase = this.preambleLines > 0 || this.preambleUntil ? 'preamble' : profile.header.type === 'names' ? 'header' : 'records';
    if (this.phase === 'records') this.result.direct.dataFrom = 1;
    this.classify = recordClassifier(profile);
  }

  push(chunk: Buffer): void {
    if (chunk.indexOf(NL) < 0) {
      this.pending.push(chunk);
      return;
    }
    const buf = this.carry || this.pending.length > 0 ? Buffer.concat([...(this.carry ? [this.carry] : []), ...this.pending, chunk]) : chunk;
    this.pending = [];
    let pos = this.scanned;
    let recStart = 0;
    let nextQuote = -1;
    for (;;) {
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) break;
      if (this.line === 0 && this.excelSepLine(buf, pos, nl)) {
        // Excel's `sep=;` instruction: line 1, neither preamble (not counted in preamble.lines) nor a record.
        if (nl > 0 && buf[nl - 1] === CR) this.sawCrLf = true;
        else this.sawLf = true;
        if (this.phase === 'records') {
          this.result.direct.nonDetail.push(1);
        }
        this.line++;
        this.sepLines = 1;
        pos = nl + 1;
        recStart = pos;
        this.recLine = 2;
        continue;
      }
      if (this.phase === 'preamble') {
        if (this.endOfPreamble(buf, pos, nl)) {
          this.phase = this.profile.header.type === 'names' ? 'header' : 'records';
          this.recLine = this.line + 1;
          if (this.phase === 'records') this.result.direct.dataFrom = this.recLine;
          recStart = pos;
          continue;
        }
        if (this.preambleTotals) this.preambleLine(buf, pos, nl > pos && buf[nl - 1] === CR ? nl - 1 : nl);
        this.line++;
        pos = nl + 1;
        recStart = pos;
        this.recLine = this.line + 1;
        continue;
      }
      if (this.quote >= 0) {
        // No quote left in this buffer is remembered as buf.length, so it is searched for once, not per line.
        if (nextQuote < pos) nextQuote = indexOrEnd(buf, this.quote, pos);
        while (nextQuote < nl) {
          this.quoteAt(buf, nextQuote, recStart);
          nextQuote = indexOrEnd(buf, this.quote, nextQuote + 1);
        }
      }
      this.line++;
      pos = nl + 1;
      if (nl > 0 && buf[nl - 1] === CR) this.sawCrLf = true;
      else this.sawLf = true;
      if (this.inQuote || (this.anyEscapeByte >= 0 && this.escapedLineEnd(buf, recStart, nl))) {
        this.result.direct.possible = false; // a record spanning lines
        continue;
      }
      this.record(buf, recStart, nl > recStart && buf[nl - 1] === CR ? nl - 1 : nl);
      if (this.located) return;
      recStart = pos;
      this.recLine = this.line + 1;
    }
    this.carry = recStart < buf.length ? buf.subarray(recStart) : null;
    this.scanned = pos - recStart;
    this.closedAt = this.closedAt >= recStart ? this.closedAt - recStart : -2;
  }

  /**
   * A quote byte at `q` of the record starting at `recStart`, read as DuckDB's CSV reader reads it
   * (the reader parses the staged records, so both must agree on where a record ends): a quote
   * opens a quoted field only at the start of a field; one inside an unquoted field (`12" B`) is
   * text. Inside a quoted field a quote closes it, unless the escape byte (when it is not the
   * quote) precedes it; a quote right after the closing one reopens it (`""`, an escaped quote).
   */
  private quoteAt(buf: Buffer, q: number, recStart: number): void {
    if (this.inQuote) {
      if (this.escape !== this.quote) {
        // Escaped when an odd run of escapes stands before it: `\"` is a quote, `\\"` a backslash and the closing quote.
        let run = 0;
        for (let i = q - 1; i >= recStart && buf[i] === this.escape; i--) run++;
        if (run % 2 === 1) return;
      }
      this.inQuote = false;
      this.closedAt = q;
    } else if (q === recStart || q === this.closedAt + 1 || this.afterDelimiter(buf, q)) {
      this.inQuote = true;
    }
  }

  /**
   * Whether the line from `start` to the line end `nl` is Excel's delimiter instruction naming this
   * profile's delimiter (`sep=;`, possibly quoted or followed by delimiters, as a spreadsheet saving
   * it again writes it): a first line only Excel reads, never data or a preamble line.
   */
  private excelSepLine(buf: Buffer, start: number, nl: number): boolean {
    if (this.profile.format.type !== 'delimited' || nl - start > 16 || buf[start] === undefined) return false;
    const text = buf.toString('utf8', start, nl).replace(/\r$/, '');
    const d = this.profile.format.delimiter;
    const m = /^"?sep=(.)"?(.*)$/i.exec(text);
    if (m === null || ![...m[2]!].every((c) => c === m[1] || c === d)) return false;
    if (m[1] !== d) throw new FileError(`${this.shown}, line 1: the file says its delimiter is ${JSON.stringify(m[1])} (Excel's ${JSON.stringify(text)} line), but its profile says ${JSON.stringify(d)}; fix format.delimiter in the profile`);
    return true;
  }

  /**
   * Whether the line feed at `nl`, outside quotes, is escaped (a file with an escape other than the
   * quote: a line break inside a field, so the record goes on): an odd run of escape bytes stands before it, or before the CR
   * of a CR LF (MySQL's LINES TERMINATED BY '\r\n' escapes the CR). An even run is escaped escapes.
   */
  private escapedLineEnd(buf: Buffer, recStart: number, nl: number): boolean {
    let i = nl - 1;
    if (i >= recStart && buf[i] === CR) i--;
    let run = 0;
    while (i >= recStart && buf[i] === this.anyEscapeByte) {
      run++;
      i--;
    }
    return run % 2 === 1;
  }

  /** Whether the bytes `[start, end)` of `buf` hold the escape byte: one search per buffer while records hold none. */
  private holdsEscape(buf: Buffer, start: number, end: number): boolean {
    if (this.escapeBuf !== buf || this.escapeAt < start) {
      this.escapeBuf = buf;
      this.escapeAt = indexOrEnd(buf, this.anyEscapeByte, start);
    }
    return this.escapeAt < end;
  }

  /**
   * Whether every escape byte of the record `[start, end)` (the first found by holdsEscape) begins a
   * whole field `\N`, a NULL the reader is told to read as one (readerDialect): then nothing is
   * escaped and the record is read as written, in place or staged, with no work per character. (A
   * `\N` after an escaped delimiter follows an escape byte that begins none, so that record is
   * unescaped.)
   */
  private onlyNulls(buf: Buffer, start: number, end: number): boolean {
    const d = this.firstFieldEnd!;
    const one = d.length === 1 ? d[0]! : -1;
    let e = this.escapeAt;
    for (; e < end; e = indexOrEnd(buf, this.fieldEscapeByte, e + 1)) {
      if (e + 1 >= end || buf[e + 1] !== 0x4e) return false; // N
      if (e > start && !(one >= 0 ? buf[e - 1] === one : e - start >= d.length && buf.compare(d, 0, d.length, e - d.length, e) === 0)) return false;
      if (e + 2 < end && !(one >= 0 ? buf[e + 2] === one : end - (e + 2) >= d.length && buf.compare(d, 0, d.length, e + 2, e + 2 + d.length) === 0)) return false;
    }
    this.escapeAt = e; // the next record's search starts there
    return true;
  }

  private afterDelimiter(buf: Buffer, q: number): boolean {
    const d = this.firstFieldEnd;
    return d !== null && q >= d.length && buf.compare(d, 0, d.length, q - d.length, q) === 0;
  }

  end(): SplitResult {
    if (this.pending.length > 0) this.carry = Buffer.concat([...(this.carry ? [this.carry] : []), ...this.pending]);
    this.pending = [];
    const buf = this.carry;
    if (buf && buf.length > 0) {
      if (this.phase === 'preamble') {
        if (this.endOfPreamble(buf, 0, buf.length)) {
          this.phase = this.profile.header.type === 'names' ? 'header' : 'records';
          if (this.phase === 'records') this.result.direct.dataFrom = this.line + 1;
        } else {
          if (this.preambleTotals) this.preambleLine(buf, 0, buf[buf.length - 1] === CR ? buf.length - 1 : buf.length);
          this.line++;
        }
      }
      if (this.phase !== 'preamble') {
        let end = buf.length;
        if (buf[end - 1] === CR) end--;
        if (this.quote >= 0) {
          for (let q = buf.indexOf(this.quote, this.scanned); q >= 0; q = buf.indexOf(this.quote, q + 1)) this.quoteAt(buf, q, 0);
        }
        this.line += 1;
        if (this.inQuote) {
          this.lineReject(
            this.recLine,
            `a quoted field opened here is never closed before the end of the file (the file is truncated?), expected a closing ${this.profile.format.type === 'delimited' ? this.profile.format.quote : '"'}`,
            buf.toString('utf8', 0, end),
          );
        } else {
          this.record(buf, 0, end);
        }
      }
    }
    if (this.phase === 'preamble' && this.preambleUntil) {
      throw new FileError(`${this.shown}: no line matches the preamble end /${this.preambleUntil.source}/ (preamble.until), so the header or first record was not found`);
    }
    this.result.lines = this.line;
    // Every record as long in bytes but not in characters: fields padded to sizes in bytes, while the
    // profile counts characters; each accented line's later columns would be cut from shifted places.
    if (this.fixedWidth && !this.byteCuts && this.fixedBytes > 0 && this.fewestChars < this.mostChars) {
      throw new FileError(
        `${this.shown}: every fixed-width record has ${this.fixedBytes} bytes but they have ${this.fewestChars} to ${this.mostChars} characters: the fields are padded to sizes in bytes, so columns counted in characters would be cut from shifted places; set format.width_unit to "bytes" (and the positions in bytes)`,
      );
    }
    const d = this.result.direct;
    if ((this.sawCrLf && this.sawLf) || d.dataFrom === 0 || d.nonDetail.length > MAX_EXCEPTION_LINES) d.possible = false;
    return this.result;
  }

  /** A preamble line (the next physical line) that may state the file's totals (trailer.in "preamble"). */
  private preambleLine(buf: Buffer, start: number, end: number): void {
    const text = buf.toString('utf8', start, end).normalize('NFC');
    if (this.preambleTotals!.test(text)) setTrailer(this.result, { line: this.line + 1, text, fields: splitFields(this.profile, text) }, this.shown);
  }

  private endOfPreamble(buf: Buffer, start: number, end: number): boolean {
    if (this.preambleUntil) return this.preambleUntil.test(buf.toString('utf8', start, end).normalize('NFC').replace(/^\f+/, ''));
    return this.line - this.sepLines >= this.preambleLines;
  }

  private record(buf: Buffer, start: number, end: number): void {
    const line = this.recLine;
    if (this.target > 0) {
      if (line >= this.target) {
        this.located = true;
        if (line === this.target) this.found = buf.toString('utf8', start, end);
        return;
      }
      // Only the header line changes how later records are split (the phase); records before the target are skipped.
      if (this.phase !== 'header') return;
    }
    if (buf[start] === FORM_FEED) {
      // A printed report's page break (form feed) before the line: not part of it. The reader of the
      // original file would see it, so the file is staged.
      while (start < end && buf[start] === FORM_FEED) start++;
      this.result.direct.possible = false;
    }
    // A line of a quoted file holding its escape (quotedEscape), a record or not: the reader of the
    // original file, given the quote as its escape, would take `\"` for a closing quote and might read
    // on past the line end, swallowing the records after it, so the file is staged.
    if (this.quotedEscapeByte >= 0 && this.holdsEscape(buf, start, end)) this.result.direct.possible = false;
    if (isBlank(buf, start, end)) {
      if (this.phase === 'records') {
        this.result.direct.nonDetail.push(line);
        if (start === end) this.result.direct.empty.push(line);
      }
      return;
    }
    const badBytes = this.badBytes(line);
    if (this.phase === 'header') {
      if (badBytes) throw new FileError(`${this.shown}, line ${line}: the header line's ${badBytes}, so its column names cannot be read, expected UTF-8 text as the profile declares`);
      this.result.header = splitFields(this.profile, buf.toString('utf8', start, end).normalize('NFC'));
      this.columnNames = this.result.header;
      this.overflowAt = overflowIndex(this.profile.format, this.columnNames);
      this.result.headerLine = line;
      this.frame();
      this.headerBytes = Buffer.from(buf.subarray(start, end));
      this.phase = 'records';
      this.result.direct.dataFrom = line + 1;
      return;
    }
    const h = this.headerBytes;
    // Also after a UTF-8 byte-order mark: two exports joined into one file (`copy /b a.csv+b.csv`) carry the second's mark.
    const bom = end - start === (h?.length ?? 0) + 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf ? 3 : 0;
    if (h !== null && end - start - bom === h.length && buf.compare(h, 0, h.length, start + bom, end) === 0) {
      this.result.direct.nonDetail.push(line);
      return;
    }
    const cls = this.classify(
      () => this.recordType(buf, start, end),
      () => this.text(buf, start, end),
    );
    if (cls.kind !== 'detail') this.result.direct.nonDetail.push(line);
    if (cls.kind === 'header' || cls.kind === 'trailer') this.frame();
    if (cls.kind === 'header' || cls.kind === 'skip') return;
    if (cls.kind === 'trailer') return this.setTrailer(buf, start, end, line);
    if (badBytes) {
      // Its fields cannot be trusted (a bad byte may stand for a digit or a delimiter): kept whole, as read.
      this.result.direct.possible = false;
      this.result.rejects.push({
        line, field: null, value: null, reason: 'bad_encoding',
        message: `${this.shown}, line ${line}: ${badBytes} (shown as U+FFFD in raw), expected UTF-8 text as the profile declares; the rest of the file is UTF-8 text with accented characters, so only this record is rejected (a memo pasted from a Windows-1258 source, or a byte damaged in transfer?)`,
        raw: truncate(buf.toString('utf8', start, end), 2000),
      });
      return;
    }
    if (cls.kind === 'unknown') {
      this.result.rejects.push(unknownTypeReject(this.shown, line, cls.code, cls.expected, buf.toString('utf8', start, end)));
      return;
    }
    const bytes = end - start;
    if (this.fixedWidth) {
      // A tab in a fixed-width line: an editor or transfer replaced runs of spaces with tabs, so
      // every column after it sits at an unknown position (an amount cut from the wrong place reads
      // as another number, without a reject).
      const tab = buf.subarray(start, end).indexOf(0x09);
      if (tab >= 0) {
        this.lineReject(
          line,
          `a tab at character ${utf8Chars(buf, start, start + tab) + 1} of a fixed-width record, where the columns after it cannot be placed, expected spaces (were runs of spaces turned into tabs?)`,
          buf.toString('utf8', start, end),
        );
        return;
      }
    }
    if (this.recordLength > 0 && bytes < 4 * this.recordLength) {
      const chars = this.byteCuts ? bytes : utf8Chars(buf, start, end);
      if (chars < this.recordLength) {
        // A line padded to the length in bytes while the profile counts characters: say what to set.
        const hint = !this.byteCuts && bytes === this.recordLength ? `; it has ${bytes} bytes: if the partner pads fields to a size in bytes, set format.width_unit to "bytes"` : '';
        this.lineReject(
          line,
          `the record has ${chars} ${this.byteCuts ? 'bytes' : 'characters'}, expected ${this.recordLength} (format.record_length): the line is cut short, so its last columns would be read wrong${hint}`,
          buf.toString('utf8', start, end),
        );
        return;
      }
    }
    if (this.byteCuts) {
      const aligned = this.alignBytes(buf, start, end, line);
      if (!aligned) return;
      if (aligned.length > this.result.maxRecordBytes) this.result.maxRecordBytes = aligned.length;
      this.out?.put(`${this.prefix}${line}${this.sep}`, strayCrs(aligned, 0, aligned.length), 0, aligned.length);
      this.result.staged++;
      return;
    }
    if (this.fixedWidth) this.padding(bytes, utf8Chars(buf, start, end));
    if (this.fieldEscapeByte >= 0 && this.holdsEscape(buf, start, end) && !this.onlyNulls(buf, start, end)) return this.escapedRecord(buf, start, end, line);
    if (this.quotedEscapeByte >= 0 && this.holdsEscape(buf, start, end)) return this.escapedRecord(buf, start, end, line);
    if (bytes > this.result.maxRecordBytes) this.result.maxRecordBytes = bytes;
    const cleaned = strayCrs(buf, start, end);
    if (cleaned !== buf) {
      // DuckDB's strict reader refuses a CR that ends no line, in place as in a staging copy.
      this.result.direct.possible = false;
      this.out?.put(`${this.prefix}${line}${this.sep}`, cleaned, 0, cleaned.length);
    } else {
      this.out?.put(`${this.prefix}${line}${this.sep}`, buf, start, end);
    }
    this.result.staged++;
  }

  /**
   * A record of an unquoted file that holds escapes: its fields unescaped (splitEscaped) and staged
   * joined by the delimiter, a field holding the delimiter or a line break enclosed in
   * ESCAPED_STAGE_QUOTE (so is a field that is the text `\N`: the reader takes `\N` for NULL), a
   * NULL as an empty field. The reader of the original file would split at the escaped delimiters,
   * so the file is staged. A record with another number of fields
   * than the columns is a column_count reject here, with its text as written (the reader would
   * give the staged text). A record holding the escape of a quoted file (quotedEscape) likewise:
   * its fields unescaped (splitQuotedEscaped) and staged in the quote, doubled inside, where needed.
   */
  private escapedRecord(buf: Buffer, start: number, end: number, line: number): void {
    this.result.direct.possible = false;
    const f = this.profile.format;
    if (f.type !== 'delimited') return;
    const text = buf.toString('utf8', start, end);
    const quoted = this.quotedEscape !== null;
    const fields = quoted ? splitQuotedEscaped(text, f.delimiter, f.quote, this.quotedEscape!) : splitEscaped(text, f.delimiter, this.fieldEscape!);
    const names = this.columnNames;
    const nul = `${this.fieldEscape ?? this.quotedEscape!}N`;
    // format.overflow_column: the surplus fields are its text, joined back (a NULL among them as written).
    const at = this.overflowAt;
    const read = names !== null && at >= 0 && fields.length > names.length ? absorbSurplus(fields, at, names.length, (parts) => parts.map((p) => p ?? nul).join(f.delimiter)) : fields;
    if (names !== null && read.length !== names.length) {
      const hint = read.length > names.length && f.overflow_column === undefined ? MORE_FIELDS_HINT : '';
      this.result.rejects.push({
        line, field: null, value: null, reason: 'column_count',
        message: `${this.shown}, line ${line}: found ${read.length} columns, expected ${names.length} (${names.join(', ')})${hint}`,
        raw: truncate(text, 2000),
      });
      return;
    }
    const q = quoted ? f.quote : ESCAPED_STAGE_QUOTE;
    const staged = Buffer.from(
      read
        .map((v) => (v === null ? '' : quoted ? (v.includes(f.delimiter) || v.includes('\n') || v.includes(q) ? q + v.replaceAll(q, q + q) + q : v) : v.includes(f.delimiter) || v.includes('\n') || v === nul ? q + v + q : v))
        .join(f.delimiter),
      'utf8',
    );
    if (Math.max(staged.length, end - start) > this.result.maxRecordBytes) this.result.maxRecordBytes = Math.max(staged.length, end - start);
    this.out?.put(`${this.prefix}${line}${this.sep}`, staged, 0, staged.length);
    this.result.staged++;
  }

  private frame(): void {
    this.result.framingLines = (this.result.framingLines ?? 0) + 1;
  }

  /** Fixed width counted in characters: the one byte length of every detail record so far (-1: they differ), and their fewest and most characters. */
  private fixedBytes = 0;
  private fewestChars = Infinity;
  private mostChars = 0;

  private padding(bytes: number, chars: number): void {
    this.fixedBytes = this.fixedBytes === 0 ? bytes : this.fixedBytes === bytes ? bytes : -1;
    this.fewestChars = Math.min(this.fewestChars, chars);
    this.mostChars = Math.max(this.mostChars, chars);
  }

  /** What was wrong with the bytes of the record that starts on `line` and ends on the current line (Utf8Repairs), if anything. */
  private badBytes(line: number): string | undefined {
    const bad = this.repairs?.lines;
    if (!bad || bad.size === 0) return undefined;
    for (let l = line; l <= this.line; l++) {
      const what = bad.get(l);
      if (what) return l === line ? what : `${what} (on line ${l}, inside the record)`;
    }
    return undefined;
  }

  /**
   * A record whose columns cannot be placed (a column_count reject, its text kept) that DuckDB's
   * reader would not refuse by itself: the file is staged, not read in place, so the reject stands.
   */
  private lineReject(line: number, problem: string, raw: string): void {
    this.result.direct.possible = false;
    this.result.rejects.push({ line, field: null, value: null, reason: 'column_count', message: `${this.shown}, line ${line}: ${problem}`, raw: truncate(raw, 2000) });
  }

  /**
   * A fixed-width record laid out in bytes, rewritten so its columns stand at the same positions in
   * characters (which the typing SQL cuts by): each piece between two column boundaries is padded
   * with spaces to as many characters as it has bytes. Fields are trimmed of spaces, so their values
   * are unchanged. A boundary inside a multibyte character means the line does not have the byte
   * layout: a column_count reject naming the byte, instead of a column read from the wrong place.
   */
  private alignBytes(buf: Buffer, start: number, end: number, line: number): Buffer | null {
    const len = end - start;
    const pieces: string[] = [];
    let prev = 0;
    for (const cut of [...this.byteCuts!.filter((c) => c > 0 && c < len), len]) {
      if (cut < len && (buf[start + cut]! & 0xc0) === 0x80) {
        this.lineReject(
          line,
          `byte ${cut + 1}, where a column starts or ends (format.columns, width_unit "bytes"), is inside a character, expected a line padded to the column widths in bytes`,
          buf.toString('utf8', start, end),
        );
        return null;
      }
      const text = buf.toString('utf8', start + prev, start + cut);
      pieces.push(text + ' '.repeat(cut - prev - utf8Chars(buf, start + prev, start + cut)));
      prev = cut;
    }
    return Buffer.from(pieces.join(''), 'utf8');
  }

  private recordType(buf: Buffer, start: number, end: number): string {
    if (this.fieldEscape !== null && this.holdsEscape(buf, start, end)) return splitFields(this.profile, buf.toString('utf8', start, end))[0] ?? '';
    if (this.firstFieldEnd) {
      const d = buf.indexOf(this.firstFieldEnd, start);
      const first = buf.toString('utf8', start, d >= 0 && d < end ? d : end).trim();
      return this.quote >= 0 && first.length >= 2 && first.charCodeAt(0) === this.quote && first.charCodeAt(first.length - 1) === this.quote ? first.slice(1, -1) : first;
    }
    // Fixed width: the record type is the first column.
    const f = this.profile.format;
    const col = f.type === 'fixed_width' ? f.columns[0]! : { start: 1, width: 1 };
    if (this.byteCuts) return withoutNul(buf.toString('utf8', Math.min(end, start + col.start - 1), Math.min(end, start + col.start - 1 + col.width))).trim();
    return withoutNul(buf.toString('utf8', start, end).slice(col.start - 1, col.start - 1 + col.width)).trim();
  }

  /** A record's text as the trailer and skip regexes see it: NFC, a fixed-width record's NUL padding as spaces. */
  private text(buf: Buffer, start: number, end: number): string {
    const text = buf.toString('utf8', start, end).normalize('NFC');
    return this.fixedWidth ? withoutNul(text) : text;
  }

  private setTrailer(buf: Buffer, start: number, end: number, line: number): void {
    const text = this.text(buf, start, end);
    setTrailer(this.result, { line, text, fields: splitFields(this.profile, text) }, this.shown);
  }
}

/**
 * A record holding a CR that ends no line (a memo's line break written by a Mac tool, inside a CRLF or
 * LF file): a copy with each such CR a space (and each CR LF inside it a LF), which DuckDB's strict reader would otherwise refuse,
 * failing the whole file (it cannot be told to take a lone CR as data). `buf` itself when there is none.
 */
function strayCrs(buf: Buffer, start: number, end: number): Buffer {
  const view = buf.subarray(start, end);
  let i = view.indexOf(CR);
  if (i < 0) return buf;
  // A CR LF inside the record (a quoted memo's line break in a CRLF file) is a line break: LF, as
  // JSON strings and XLSX cells give it (before, "a⏎b" loaded as "a \nb").
  const copy = Buffer.from(view);
  let w = 0;
  for (let r = 0; r < copy.length; r++) {
    const b = copy[r]!;
    if (b === CR && r + 1 < copy.length && copy[r + 1] === NL) continue;
    copy[w++] = b === CR ? 0x20 : b;
  }
  return copy.subarray(0, w);
}

/**
 * Keeps the one trailer of a file. Lines the trailer's `match` finds with no record between them
 * (blank and skipped lines may stand there) are one trailer, a summary block stating the count on
 * one line and the sum on the next (`Tổng số giao dịch:,3` / `Tổng số tiền:,2.592.300`): their text
 * joined by line ends, their fields one after another. A trailer after further records is a
 * file-level error (two files joined into one? which total would be right?).
 */
export function setTrailer(result: SplitResult, trailer: Trailer, shown: string): void {
  const seen = result.staged + result.rejects.length;
  const first = result.trailer;
  if (first && result.trailerAfter === seen) {
    result.trailer = { line: first.line, text: `${first.text}\n${trailer.text}`, fields: [...first.fields, ...trailer.fields], lines: (first.lines ?? 1) + 1 };
    return;
  }
  if (first) {
    throw new FileError(`${shown}, line ${trailer.line}: a second trailer/total row after further records (the first is on line ${first.line}); expected exactly one`);
  }
  result.trailer = trailer;
  result.trailerAfter = seen;
}

function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const i = buf.indexOf(byte, from);
  return i < 0 ? buf.length : i;
}

/** Characters (code points) of UTF-8 text: every byte that does not continue a sequence starts one. */
function utf8Chars(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if ((buf[i]! & 0xc0) !== 0x80) n++;
  return n;
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== CR && b !== 0) return false; // NUL: a fixed-width file's padding
  }
  return true;
}
