// JSON settlement exports of payment gateways: one JSON array of record objects, or one object per
// line (NDJSON / JSON Lines). Streamed and split into records here, each object's values at the
// profile's key paths staged as a CSV row (as XLSX rows are), so typing, rejects and accounting are
// the same SQL as for every other file. Numbers are kept as the partner wrote them, never through a
// JavaScript number: a 19-digit transaction id or an amount keeps every digit.
import type { PartnerProfile } from './profile.ts';
import { decodeFile } from './decode.ts';
import { FileError } from './file-error.ts';
import { setTrailer, type EarlyReject, type SplitResult } from './records.ts';
import type { StageWriter } from './stage-writer.ts';
import { csvQuote } from './xlsx.ts';
import { truncate } from '../errors.ts';

/** A JSON number as written (`1234500`, `1.5e3`). */
class JsonNumber {
  constructor(readonly text: string) {}
}
type Json = null | boolean | string | JsonNumber | Json[] | { [key: string]: Json };

class JsonSyntaxError extends Error {}

/** Whether a value is a JSON object (a record, or a nested group of its keys). */
function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/** What a JSON value is, for messages. */
function kindOf(v: Json): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof JsonNumber ? 'number' : typeof v === 'object' ? 'object' : typeof v;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const STRING = /"((?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)"/y;
const SPACE = /[ \t\r\n]*/y;
/** Objects and arrays nested deeper than this are refused: the parser recurses, and a deeper value would overflow the stack. */
const MAX_DEPTH = 512;

/** Parses one JSON value (RFC 8259); numbers stay text, a key repeated in an object is an error. */
export function parseJson(text: string): Json {
  let pos = 0;
  let depth = 0;
  const skip = () => {
    SPACE.lastIndex = pos;
    SPACE.exec(text);
    pos = SPACE.lastIndex;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at character ${pos + 1}${pos < text.length ? ` (${JSON.stringify(text.slice(pos, pos + 12))})` : ' (the end)'}`);
  };
  const string = (): string => {
    STRING.lastIndex = pos;
    const m = STRING.exec(text);
    if (!m) return fail('an unterminated or malformed string');
    pos = STRING.lastIndex;
    return (JSON.parse(m[0]) as string).normalize('NFC');
  };
  const value = (): Json => {
    skip();
    const c = text[pos];
    if (c !== '{' && c !== '[') return nested(c);
    if (depth === MAX_DEPTH) fail(`objects and arrays nested more than ${MAX_DEPTH} deep`);
    depth++;
    const v = nested(c);
    depth--;
    return v;
  };
  const nested = (c: string | undefined): Json => {
    if (c === '{') {
      pos++;
      const obj: { [key: string]: Json } = Object.create(null) as { [key: string]: Json };
      skip();
      if (text[pos] === '}') return pos++, obj;
      for (;;) {
        skip();
        if (text[pos] !== '"') fail('expected a key in quotes');
        const key = string();
        if (Object.hasOwn(obj, key)) fail(`the key ${JSON.stringify(key)} a second time in one object`);
        skip();
        if (text[pos] !== ':') fail('expected ":"');
        pos++;
        obj[key] = value();
        skip();
        if (text[pos] !== ',' && text[pos] !== '}') fail('expected "," or "}"');
        if (text[pos++] === '}') return obj;
      }
    }
    if (c === '[') {
      pos++;
      const arr: Json[] = [];
      skip();
      if (text[pos] === ']') return pos++, arr;
      for (;;) {
        arr.push(value());
        skip();
        if (text[pos] !== ',' && text[pos] !== ']') fail('expected "," or "]"');
        if (text[pos++] === ']') return arr;
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) return (pos += word.length), v;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('expected a value');
    pos = NUMBER.lastIndex;
    return new JsonNumber(m[0]);
  };
  const v = value();
  skip();
  if (pos < text.length) fail('text after the value');
  return v;
}

/** A value as a field's text: strings as they are, numbers as written, null as empty, objects and arrays as JSON. */
function fieldText(v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  // Line ends inside a value as XLSX cells give them (XML reads CR LF and CR as LF): DuckDB's strict
  // reader of the staging file refuses a CR that ends no line, and ran two records into one reject.
  if (typeof v === 'string') return v.includes('\r') ? v.replace(/\r\n?/g, '\n') : v;
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
}

function jsonText(v: Json): string {
  return typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : fieldText(v);
}

/** The value at a dotted key path (`payer.customer_code`) of a record object, or undefined. */
function at(record: { [key: string]: Json }, path: string): Json | undefined {
  let v: Json | undefined = record;
  for (const key of path.normalize('NFC').split('.')) {
    if (!isObject(v)) return undefined;
    v = Object.hasOwn(v, key) ? v[key] : undefined;
  }
  return v;
}

/**
 * The records of the start of a JSON file (for `recon partners sniff`), each as its leaf key paths
 * (`payer.customer_code`) and their values as ingest reads them; records that do not parse, and a
 * last one the sample cuts, are left out. Null when the text is not JSON records.
 */
export function sampleJsonRecords(text: string, records: 'array' | 'lines', path: string[] = []): Array<Map<string, string>> | null {
  const out: Array<Map<string, string>> = [];
  const take = (t: string) => {
    try {
      const v = parseJson(t);
      if (isObject(v)) out.push(leaves(v, '', new Map()));
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
    }
  };
  const splitter = records === 'lines' ? new LineRecords(take) : new ArrayRecords(take, '', path);
  try {
    splitter.push(text);
  } catch (e) {
    if (e instanceof FileError) return null;
    throw e;
  }
  return out.length > 0 ? out : null;
}

function leaves(obj: { [key: string]: Json }, prefix: string, into: Map<string, string>): Map<string, string> {
  for (const [k, v] of Object.entries(obj)) {
    if (isObject(v)) leaves(v, `${prefix}${k}.`, into);
    else into.set(`${prefix}${k}`, fieldText(v));
  }
  return into;
}

/** Every column (key path) the profile's fields name, in order, once each. */
export function profileColumns(profile: PartnerProfile): string[] {
  const names = Object.values(profile.fields).flatMap((spec) =>
    ['column', 'credit_column', 'debit_column'].flatMap((k) => {
      const v = (spec as Record<string, unknown>)[k];
      return typeof v === 'string' ? [v] : Array.isArray(v) ? (v as string[]) : [];
    }),
  );
  return [...new Set(names)];
}

/**
 * Reads a JSON file of the profile into the batch's staging file (CSV: batch position, line
 * number, then the values at the profile's key paths). A record's line is the physical line where
 * its object starts. A record that is not a valid JSON object is a column_count reject (its text
 * kept); a file whose array itself is broken (no `[`, text after `]`, an unclosed string or
 * bracket) fails, naming the line.
 */
export async function readJson(path: string, profile: PartnerProfile, shown: string, out: StageWriter, seq: number): Promise<SplitResult> {
  if (profile.format.type !== 'json') throw new Error('readJson needs a json profile');
  const names = profileColumns(profile);
  const amountAt = amountColumns(profile, names);
  const seen = new Set<string>(); // the key paths some record holds
  const result: SplitResult = {
    header: names, headerLine: null, trailer: null, staged: 0, rejects: [], maxRecordBytes: 0, lines: 0,
    direct: { possible: false, dataFrom: 0, empty: [], nonDetail: [] },
  };
  // One object per line: a summary line of the partner's totals (`{"type":"TOTAL","count":3,…}`),
  // which trailer.match finds by its text, is the trailer, read by its regexes, not a record.
  const trailerLine = profile.format.records === 'lines' && profile.trailer?.match ? new RegExp(profile.trailer.match) : null;
  const record = (text: string, line: number): void => {
    if (trailerLine?.test(text)) return setTrailer(result, { line, text, fields: [] }, shown);
    let v: Json;
    try {
      v = parseJson(text);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      return reject(result, shown, line, `not valid JSON: ${e.message}, expected a JSON object`, text);
    }
    if (!isObject(v)) return reject(result, shown, line, `a JSON ${kindOf(v)}, expected a JSON object (one record)`, text);
    const obj = v;
    const values = names.map((n) => at(obj, n));
    values.forEach((x, i) => x !== undefined && seen.add(names[i]!));
    const texts = values.map((x, i) => (amountAt.has(i) && x instanceof JsonNumber ? wholeNumberText(x.text) : fieldText(x)));
    if (texts.every((t) => t.trim() === '') && Object.keys(obj).length > 0) {
      // Not an empty object (a blank record) but one holding none of the keys read: never silently dropped.
      return reject(result, shown, line, `none of the keys the profile reads (${names.join(', ')}) has a value in this record, expected a payment record; its keys are ${Object.keys(obj).map((k) => JSON.stringify(k)).join(', ')}`, text);
    }
    const staged = `${seq},${line},${texts.map(csvQuote).join(',')}`;
    result.maxRecordBytes = Math.max(result.maxRecordBytes, Buffer.byteLength(staged));
    out.putText(staged);
    result.staged++;
  };
  const splitter = profile.format.records === 'lines' ? new LineRecords(record) : new ArrayRecords(record, shown, profile.format.path?.split('.') ?? []);
  for await (const chunk of decodeFile(path, profile.encoding, shown)) splitter.push(chunk.toString('utf8'));
  result.lines = splitter.end();
  // Totals in the envelope (profile.trailer, regexes only): read as a trailer line's text is.
  if (profile.trailer && splitter instanceof ArrayRecords) result.trailer = { line: 1, text: splitter.envelope, fields: [] };
  // A key path of a required field that no record holds: the profile's name is not the partner's
  // (a renamed or misspelt key), as a column missing from a header; every record would be rejected.
  const missing = requiredColumns(profile).find((n) => !seen.has(n));
  if (result.staged > 0 && missing !== undefined) {
    throw new FileError(`${shown}: no record has the key ${JSON.stringify(missing)} that the profile's fields name (a nested key by its dotted path); is it spelt as the partner writes it?`);
  }
  return result;
}

/**
 * The text of the record (a JSON object) that starts on physical line `line`, as readJson splits the
 * file with the same profile: explain's raw row. Several records may start on one line (a minified
 * array on one line): the first of them holding every part of `parts` (the letters-and-digits parts
 * of the transaction id) whole, else the first. Stops reading once a record starts after `line`
 * (undefined: none starts there).
 */
export async function jsonRecordAtLine(path: string, profile: PartnerProfile, shown: string, line: number, parts: string[] = []): Promise<string | undefined> {
  if (profile.format.type !== 'json') throw new Error('jsonRecordAtLine needs a json profile');
  // Each part whole: not inside a longer run of letters and digits (T1 is not in "T10").
  const wanted = parts.map((p) => new RegExp(`(?<![\\p{L}\\p{N}])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u'));
  let past = false;
  let first: string | undefined;
  let holding: string | undefined;
  const record = (text: string, at: number): void => {
    if (past || holding !== undefined || at < line) return;
    if (at > line) {
      past = true;
      return;
    }
    first ??= text;
    if (wanted.every((re) => re.test(text))) holding = text;
  };
  const splitter = profile.format.records === 'lines' ? new LineRecords(record) : new ArrayRecords(record, shown, profile.format.path?.split('.') ?? []);
  for await (const chunk of decodeFile(path, profile.encoding, shown)) {
    splitter.push(chunk.toString('utf8'));
    if (past || holding !== undefined) return holding ?? first;
  }
  splitter.end();
  return holding ?? first;
}

/** Positions in `names` of the amount's key paths (`column`, or `credit_column` and `debit_column`). */
function amountColumns(profile: PartnerProfile, names: string[]): Set<number> {
  const a = profile.fields.amount as Record<string, unknown>;
  const keys = ['column', 'credit_column', 'debit_column'].map((k) => a[k]).filter((v): v is string => typeof v === 'string');
  return new Set(keys.map((k) => names.indexOf(k)).filter((i) => i >= 0));
}

/**
 * An amount written as a JSON number with an exponent, as Java's BigDecimal.toString() writes one
 * stripped of trailing zeros (Jackson's default: `1.25E+6` for 1250000), in plain digits when it
 * is a whole number of at most 30 digits: a JSON number is an exact decimal, so this is the value
 * the partner wrote, digit for digit (no floating point). Anything else (a fraction, `1.5E-1`, or a
 * huge exponent) stays as written, so its reject shows it so.
 */
export function wholeNumberText(text: string): string {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?[eE]([-+]?[0-9]+)$/.exec(text);
  if (!m) return text;
  const exp = Number(m[4]);
  const frac = m[3] ?? '';
  const digits = m[2]! + frac;
  const point = m[2]!.length + exp; // digits before the decimal point
  if (!Number.isSafeInteger(exp) || point > 30 || /[1-9]/.test(digits.slice(Math.max(point, 0)))) return text;
  const whole = (point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0')).replace(/^0+(?=[0-9])/, '');
  return whole === '0' ? '0' : `${m[1]}${whole}`;
}

/** The key paths of txn_ref, paid_at and amount (one of credit and debit is enough). */
function requiredColumns(profile: PartnerProfile): string[] {
  const f = profile.fields;
  return [...f.txn_ref.column, ...f.paid_at.column, ...('column' in f.amount ? [f.amount.column] : [])];
}

function reject(result: SplitResult, shown: string, line: number, problem: string, raw: string): void {
  const r: EarlyReject = { line, field: null, value: null, reason: 'column_count', message: `${shown}, line ${line}: ${problem}`, raw: truncate(raw, 2000) };
  result.rejects.push(r);
}

/** NDJSON / JSON Lines: every non-blank line is one record. */
class LineRecords {
  private line = 0;
  private carry = '';
  constructor(private readonly record: (text: string, line: number) => void) {}

  push(text: string): void {
    const lines = (this.carry + text).split('\n');
    this.carry = lines.pop()!;
    for (const l of lines) this.take(l);
  }

  private take(l: string): void {
    this.line++;
    if (l.trim() !== '') this.record(l.replace(/\r$/, ''), this.line);
  }

  end(): number {
    if (this.carry !== '') this.take(this.carry);
    return this.line;
  }
}

/**
 * One JSON array of records, split into its elements by tracking strings and brackets (so a broken
 * element stays one reject and the next is read); each element is then parsed on its own. With a
 * key path, the array stands inside an envelope object (`{"code":"00","data":[…],"total":2}`):
 * the text up to the array is gathered and walked (locateArray), the envelope after it skipped.
 */
class ArrayRecords {
  private line = 1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** In the envelope before the array, before `[`, inside it between elements, in the envelope after `]`, or after all. */
  private phase: 'envelope' | 'before' | 'between' | 'element' | 'tail' | 'after';
  private element = '';
  private elementLine = 0;
  private endsInNewline = false;
  /** The envelope's text read so far, until the array is found. */
  private head = '';
  /** The envelope's text outside the array (its totals, for the profile's trailer regexes), the array shown as `[…]`. */
  envelope = '';
  constructor(
    private readonly record: (text: string, line: number) => void,
    private readonly shown: string,
    private readonly path: string[] = [],
  ) {
    this.phase = path.length > 0 ? 'envelope' : 'before';
  }

  push(text: string): void {
    if (text.length > 0) this.endsInNewline = text.endsWith('\n');
    if (this.phase === 'envelope') {
      this.head += text;
      const found = locateArray(this.head, this.path);
      if (found === 'more') {
        if (this.head.length > ENVELOPE_MAX) this.fail(`no array at the key path "${this.path.join('.')}" in the first ${ENVELOPE_MAX / 2 ** 20} MiB, expected format.path to name where the records stand`);
        return;
      }
      this.line += countNewlines(this.head, typeof found === 'number' ? found : found.at);
      if (typeof found !== 'number') this.fail(found.problem);
      text = this.head.slice(found);
      this.envelope = capped(`${this.head.slice(0, found)}…`);
      this.head = '';
      this.phase = 'between';
    }
    let from = 0; // start of the part of `text` belonging to the current element
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.phase === 'element') {
        if (this.inString || c === '"') this.string(c);
        else if (c === '{' || c === '[') this.depth++;
        else if (c === '}' || c === ']') {
          if (this.depth === 0) {
            // The array's own `]` ends an element that is not an object or array (a number, a string).
            this.finish(text.slice(from, i));
            this.closeArray();
          } else if (--this.depth === 0) {
            this.finish(text.slice(from, i + 1));
            this.phase = 'between';
          }
        } else if (c === ',' && this.depth === 0) {
          this.finish(text.slice(from, i));
          this.phase = 'between';
        }
      } else if (this.phase === 'tail') {
        // The envelope's keys after the array (a total, a page number): skipped, brackets balanced.
        if (this.inString || c === '"') this.string(c);
        else if (c === '{' || c === '[') this.depth++;
        else if ((c === '}' || c === ']') && --this.depth === 0) this.phase = 'after';
        if (this.envelope.length < ENVELOPE_TEXT_MAX) this.envelope += c;
      } else if (c === '\n') {
        // counted below
      } else if (c === ' ' || c === '\t' || c === '\r' || (c === '\ufeff' && this.phase === 'before')) {
        // white space between tokens
      } else if (this.phase === 'before') {
        if (c !== '[') this.fail(`expected a JSON array of records ("[" first; format.records "lines" reads one object per line, format.path an array inside an object), got ${JSON.stringify(c)}`);
        this.phase = 'between';
      } else if (this.phase === 'between') {
        if (c === ']') this.closeArray();
        else if (c !== ',') {
          this.phase = 'element';
          this.element = '';
          this.elementLine = this.line;
          from = i;
          i--; // read this character as the element's first
          continue;
        }
      } else {
        this.fail(`text after the ${this.path.length > 0 ? 'envelope\'s closing "}"' : 'array\'s closing "]"'}, expected the end of the file`);
      }
      if (c === '\n') this.line++;
    }
    if (this.phase === 'element') this.element += text.slice(from);
  }

  /** One character inside a string, or the quote opening one: escapes and the closing quote tracked. */
  private string(c: string): void {
    if (!this.inString) this.inString = true;
    else if (this.escaped) this.escaped = false;
    else if (c === '\\') this.escaped = true;
    else if (c === '"') this.inString = false;
  }

  /** After the array's `]`: the end of the file, or the rest of its envelope (one object per key of the path). */
  private closeArray(): void {
    if (this.path.length > 0) this.envelope += ']';
    this.depth = this.path.length;
    this.phase = this.depth > 0 ? 'tail' : 'after';
  }

  private finish(tail: string): void {
    const text = (this.element + tail).trim();
    this.element = '';
    if (text !== '') this.record(text, this.elementLine);
  }

  private fail(problem: string): never {
    throw new FileError(`${this.shown}, line ${this.line}: ${problem}`);
  }

  end(): number {
    if (this.phase === 'envelope') {
      const found = locateArray(this.head, this.path);
      this.line += countNewlines(this.head, typeof found === 'object' ? found.at : this.head.length);
      this.fail(typeof found === 'object' ? found.problem : `no array at the key path "${this.path.join('.')}" (the file is empty or truncated?), expected an object holding the records there`);
    }
    if (this.phase === 'tail') this.fail('the object around the array of records is never closed (the file is truncated?), expected "}" at the end');
    if (this.phase === 'before') this.fail('no JSON array found (the file is empty?), expected "[" and records');
    if (this.phase !== 'after') this.fail(`the JSON array ${this.inString ? 'has a string that is never closed' : 'is never closed'} (the file is truncated?), expected "]" at the end`);
    return this.line - (this.endsInNewline ? 1 : 0); // physical lines: a final line break starts none
  }
}

/** The most envelope text read before the array of records is found. */
const ENVELOPE_MAX = 16 * 2 ** 20;
/** The most envelope text kept for the totals' regexes. */
const ENVELOPE_TEXT_MAX = 2 ** 20;

function capped(text: string): string {
  return text.length > ENVELOPE_TEXT_MAX ? text.slice(0, ENVELOPE_TEXT_MAX) : text;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** A position in JSON text with the moves the envelope readers need; each says false when the text ends first. */
class JsonScanner {
  i = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.i >= this.text.length;
  }

  /** The character here (a method, not a getter: it changes as the scanner moves). */
  peek(): string | undefined {
    return this.text[this.i];
  }

  ws(): void {
    const t = this.text;
    while (this.i < t.length && (t[this.i] === ' ' || t[this.i] === '\t' || t[this.i] === '\r' || t[this.i] === '\n' || t[this.i] === '\ufeff')) this.i++;
  }

  /** Past the string starting here. */
  skipString(): boolean {
    const t = this.text;
    for (this.i++; this.i < t.length; this.i++) {
      if (t[this.i] === '\\') this.i++;
      else if (t[this.i] === '"') return this.i++, true;
    }
    return false;
  }

  /** Past the value starting here (strings and brackets tracked). */
  skipValue(): boolean {
    const t = this.text;
    if (t[this.i] === '"') return this.skipString();
    if (t[this.i] === '{' || t[this.i] === '[') {
      let depth = 0;
      while (this.i < t.length) {
        const c = t[this.i];
        if (c === '"') {
          if (!this.skipString()) return false;
          continue;
        }
        if (c === '{' || c === '[') depth++;
        else if ((c === '}' || c === ']') && --depth === 0) return this.i++, true;
        this.i++;
      }
      return false;
    }
    while (this.i < t.length && !',}] \t\r\n'.includes(t[this.i]!)) this.i++; // a number, true, false, null
    return this.i < t.length;
  }

  /** The key starting here (NFC), and past its ":"; undefined when the text ends first, null when it is not a key. */
  key(): string | null | undefined {
    const start = this.i;
    if (!this.skipString()) return undefined;
    let key: string;
    try {
      key = (JSON.parse(this.text.slice(start, this.i)) as string).normalize('NFC');
    } catch {
      return null;
    }
    this.ws();
    if (this.done) return undefined;
    if (this.peek() !== ':') return null;
    this.i++;
    this.ws();
    return this.done ? undefined : key;
  }
}

/**
 * Where the records of an envelope start: the index after the `[` of the array at the key path
 * (`data`, `result.items`) of the object `text` begins with; 'more' when `text` ends before it;
 * or what is wrong and where. The keys before it may hold any value (skipped, strings and brackets
 * tracked); a key path is compared NFC, as fields' key paths are.
 */
export function locateArray(text: string, path: string[]): number | 'more' | { problem: string; at: number } {
  const sc = new JsonScanner(text);
  const bad = (problem: string) => ({ problem, at: sc.i });
  for (let level = 0; level < path.length; level++) {
    const where = level === 0 ? 'the top-level object' : `the object at "${path.slice(0, level).join('.')}"`;
    sc.ws();
    if (sc.done) return 'more';
    if (sc.peek() !== '{') return bad(`expected ${level === 0 ? 'an object ("{") first, as format.path says the records stand inside one' : `an object at "${path.slice(0, level).join('.')}"`}, got ${JSON.stringify(sc.peek())}`);
    sc.i++;
    for (;;) {
      sc.ws();
      if (sc.done) return 'more';
      if (sc.peek() === '}') return bad(`${where} has no key "${path[level]}", expected the array of records at "${path.join('.')}"`);
      if (sc.peek() !== '"') return bad(`expected a key in quotes in ${where}, got ${JSON.stringify(sc.peek())}`);
      const key = sc.key();
      if (key === undefined) return 'more';
      if (key === null) return bad(`a malformed key in ${where}`);
      if (key === path[level]!.normalize('NFC')) break;
      if (!sc.skipValue()) return 'more';
      sc.ws();
      if (sc.done) return 'more';
      if (sc.peek() === ',') sc.i++;
      else if (sc.peek() !== '}') return bad(`expected "," or "}" in ${where}, got ${JSON.stringify(sc.peek())}`);
    }
  }
  if (sc.peek() !== '[') return bad(`"${path.join('.')}" holds ${JSON.stringify(text.slice(sc.i, sc.i + 12))}, expected the array of records ("[")`);
  return sc.i + 1;
}

/** How deep `recon partners sniff` looks for an envelope's records (`data.items` is depth 2). */
const ENVELOPE_SNIFF_DEPTH = 3;

/**
 * For `recon partners sniff`: the key path of the array of objects inside the object `text` begins
 * with (an API envelope's `data`, or `data.items` / `result.list` one or two objects down), the
 * first such array in key order, looking into nested objects up to ENVELOPE_SNIFF_DEPTH keys deep;
 * null when there is none, or when a second object follows the first one (one record per line:
 * the arrays are then the records' own, not an envelope's).
 */
export function envelopeRecordsPath(text: string): string[] | null {
  const sc = new JsonScanner(text);
  sc.ws();
  if (sc.peek() !== '{') return null;
  const probe = new JsonScanner(text);
  probe.i = sc.i;
  if (probe.skipValue()) {
    probe.ws();
    if (probe.peek() === '{') return null;
  }
  return arrayOfObjectsIn(sc, [], ENVELOPE_SNIFF_DEPTH);
}

/** The key path, below `prefix`, of the first array of objects in the object starting at the scanner. */
function arrayOfObjectsIn(sc: JsonScanner, prefix: string[], depth: number): string[] | null {
  sc.i++; // past "{"
  for (;;) {
    sc.ws();
    if (sc.peek() !== '"') return null;
    const key = sc.key();
    if (key === undefined || key === null) return null;
    const at = sc.i;
    if (sc.peek() === '[') {
      sc.i++;
      sc.ws();
      if (sc.peek() === '{') return [...prefix, key];
      sc.i = at;
    } else if (sc.peek() === '{' && depth > 1) {
      const found = arrayOfObjectsIn(sc, [...prefix, key], depth - 1);
      if (found) return found;
      sc.i = at;
    }
    if (!sc.skipValue()) return null;
    sc.ws();
    if (sc.peek() !== ',') return null;
    sc.i++;
  }
}
