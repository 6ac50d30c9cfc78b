// Decoding: turns a file in its declared encoding into a stream of UTF-8 chunks, refusing files
// that are not in that encoding or are not text at all. UTF-8 passes through untouched (validated
// in bulk); UTF-16 and Windows-1258 are transcoded by streaming and normalised to NFC, because
// Windows-1258 writes Vietnamese tones as combining marks (fixed-width files excepted: their column
// positions count the characters as written, so their fields are normalised after cutting).
import { isUtf8 } from 'node:buffer';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { Encoding } from './profile.ts';
import { FileError } from './file-error.ts';

const CHUNK_BYTES = 4 * 1024 * 1024;
const NL = 0x0a;

/** Ctrl-Z (SUB): DOS tools end a text file with it, CP/M-era ones pad the last block with it. */
const DOS_EOF = 0x1a;

/**
 * Bytes of the DOS end-of-file marker at the end of `path` (Ctrl-Z, possibly repeated to fill a
 * 128-byte block): not part of the text, so decoding stops before them. In UTF-16 the marker is a
 * code unit (1A 00 little-endian, 00 1A big-endian), or the single byte 0x1A a DOS `copy /b`
 * appends, which leaves an odd byte count.
 */
export function dosEofBytes(path: string, encoding: Encoding = 'utf-8'): number {
  const size = statSync(path).size;
  const n = Math.min(size, 258);
  if (n === 0) return 0;
  const fd = openSync(path, 'r');
  try {
    const tail = Buffer.alloc(n);
    readSync(fd, tail, 0, n, size - n);
    let k = 0;
    if (encoding === 'utf-16le' || encoding === 'utf-16be') {
      if (size % 2 === 1 && tail[n - 1] === DOS_EOF) k = 1;
      const [lo, hi] = encoding === 'utf-16le' ? [DOS_EOF, 0] : [0, DOS_EOF];
      while (k + 2 <= n && tail[n - k - 2] === lo && tail[n - k - 1] === hi) k += 2;
      return k;
    }
    while (k < n && tail[n - 1 - k] === DOS_EOF) k++;
    return k;
  } finally {
    closeSync(fd);
  }
}

const CR = 0x0d;

/**
 * Whether the file's lines end with CR alone, as classic Mac OS (and Excel for Mac's "CSV (Macintosh)")
 * writes them: it holds a CR and no LF in its first 16 MB (read until the first LF, so a huge first
 * record whose memo holds a CR does not make a CRLF file look like one). Such a file is read with
 * every CR as a line end.
 */
export function crLineEnds(path: string, encoding: Encoding): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(65_536);
    const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
    const at = encoding === 'utf-16be' ? 1 : 0; // the byte of a UTF-16 code unit that carries an ASCII character
    let cr = false;
    for (let pos = 0; pos < 16 * 1024 * 1024; pos += head.length) {
      const n = readSync(fd, head, 0, head.length, pos);
      if (n === 0) break;
      if (utf16) {
        for (let i = 0; i + 1 < n; i += 2) {
          if (head[i + 1 - at] !== 0) continue;
          if (head[i + at] === NL) return false;
          if (head[i + at] === CR) cr = true;
        }
      } else {
        const bytes = head.subarray(0, n);
        if (bytes.includes(NL)) return false;
        if (bytes.includes(CR)) cr = true;
      }
      if (n < head.length) break;
    }
    return cr;
  } finally {
    closeSync(fd);
  }
}

/** Reads in chunks of at most CHUNK_BYTES, but no bigger than the file: a batch holds many small files. A DOS end-of-file marker is left out. */
async function* chunks(path: string, encoding: Encoding): AsyncIterable<Buffer> {
  const size = statSync(path).size - dosEofBytes(path, encoding);
  if (size <= 0) return;
  yield* createReadStream(path, { end: size - 1, highWaterMark: Math.max(65_536, Math.min(CHUNK_BYTES, size + 1)) }) as AsyncIterable<Buffer>;
}

/**
 * C0/C1 control characters other than tab, CR, LF and form feed (a printed report's page break,
 * which the splitter drops), and the replacement character: signs of binary data.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufffd]/;
/** The same, NUL excepted: the padding of a fixed-width file's fields. */
const CONTROL_BUT_NUL = /[\u0001-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufffd]/;

function lineAt(buf: Buffer, end: number, linesBefore: number): number {
  let n = linesBefore + 1;
  for (let i = buf.indexOf(NL); i >= 0 && i < end; i = buf.indexOf(NL, i + 1)) n++;
  return n;
}

/** Byte offset of the first invalid UTF-8 sequence (slow path, only after a chunk failed validation). */
function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    if (need > 0) {
      const tail = buf.subarray(i, i + need + 1);
      if (tail.length < need + 1 || !isUtf8(tail)) return i;
    }
    i += need + 1;
  }
  return buf.length;
}

function describeBom(head: Buffer): string | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'UTF-16LE';
  if (head[0] === 0xfe && head[1] === 0xff) return 'UTF-16BE';
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'UTF-8';
  return undefined;
}

/**
 * Streams `path` as UTF-8 chunks (no BOM). Throws FileError naming the file, line and what was
 * expected when the bytes are not text in `encoding`. A fixed-width file keeps a legacy file's
 * characters as written (its positions count them; its fields are normalised once cut), and may
 * hold NUL bytes: mainframe exports pad fields with them (low-values) instead of spaces, and the
 * fields are trimmed of them (src/ingest/mapping.ts fixedColumns). Elsewhere a NUL means binary
 * data or UTF-16, and the file fails.
 */
export async function* decodeFile(path: string, encoding: Encoding, shownName: string, fixedWidth = false, repairs?: Utf8Repairs): AsyncGenerator<Buffer> {
  const cr = crLineEnds(path, encoding);
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') yield* decodeUtf8(path, shownName, cr, fixedWidth, repairs);
  else yield* decodeLegacy(path, encoding, shownName, !fixedWidth, cr, fixedWidth);
}

/** A CR-only file's bytes with each CR a LF (0x0D never occurs inside a UTF-8 or Windows-1258 multibyte character). */
function crToLf(buf: Buffer): Buffer {
  if (!buf.includes(CR)) return buf;
  const out = Buffer.from(buf);
  for (let i = out.indexOf(CR); i >= 0; i = out.indexOf(CR, i + 1)) out[i] = NL;
  return out;
}

/**
 * A UTF-8 file in which some lines hold bytes that are not UTF-8 (a memo pasted from a Windows-1258
 * or Latin-1 source, a byte damaged in transfer), while the rest of the file is UTF-8 text: it holds
 * well-formed accented (multibyte) characters, and fewer than half of its lines hold bad bytes. Such a
 * file is read with each bad sequence as U+FFFD, and `lines` says which physical lines held one (and
 * the first bad byte of each), so the record splitter rejects the records on them (bad_encoding) and
 * loads the rest. A file without a well-formed multibyte character is in another encoding (most
 * often Windows-1258, whose Vietnamese is almost never valid UTF-8) or binary: it fails whole, since
 * its profile is what needs fixing, and a file loaded with rejects could not be loaded again after
 * the fix (its content was loaded). Given to decodeFile by the callers that can reject a record
 * (partner files split by lines); without it, any bad byte fails the file.
 */
export class Utf8Repairs {
  /** Physical line (1-based) → what is wrong on it, e.g. "byte 0xe0 at byte 37 of the line is not valid UTF-8". */
  readonly lines = new Map<number, string>();
  /** The survey's verdict once taken: null while the file had no bad byte. */
  verdict: { lenient: boolean; badLines: number; lines: number; multibyte: boolean } | null = null;
}

/**
 * Lines (1-based, after linesBefore) of `buf` (whole lines) holding bytes that are not UTF-8, with
 * the first such byte of each put `into`; and whether a good line holds a multibyte character.
 */
function badUtf8Lines(buf: Buffer, linesBefore: number, into?: Map<number, string>): { bad: number; multibyte: boolean } {
  let bad = 0;
  let multibyte = false;
  let line = linesBefore + 1;
  for (let start = 0; start < buf.length; line++) {
    const nl = buf.indexOf(NL, start);
    const end = nl < 0 ? buf.length : nl;
    const text = buf.subarray(start, end);
    if (!isUtf8(text)) {
      const at = firstInvalidUtf8(text);
      into?.set(line, `byte 0x${text[at]!.toString(16).padStart(2, '0')} at byte ${at + 1} of the line is not valid UTF-8`);
      bad++;
    } else if (!multibyte && text.some((b) => b >= 0x80)) {
      multibyte = true;
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  return { bad, multibyte };
}

/** Reads the whole file once: whether it is UTF-8 text with some bad lines (see Utf8Repairs), or not UTF-8 at all. */
async function surveyUtf8(path: string, cr: boolean): Promise<NonNullable<Utf8Repairs['verdict']>> {
  let lines = 0;
  let badLines = 0;
  let multibyte = false;
  let carry: Buffer | undefined;
  const take = (whole: Buffer) => {
    if (isUtf8(whole)) {
      if (!multibyte && whole.some((b) => b >= 0x80)) multibyte = true;
    } else {
      const found = badUtf8Lines(whole, lines);
      badLines += found.bad;
      multibyte ||= found.multibyte;
    }
    lines += countLines(whole);
  };
  for await (const raw of chunks(path, 'utf-8')) {
    const chunk = cr ? crToLf(raw) : raw;
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const cut = buf.lastIndexOf(NL) + 1 || lastAsciiIndex(buf);
    take(buf.subarray(0, cut));
    carry = buf.subarray(cut);
  }
  if (carry && carry.length > 0) {
    take(carry);
    lines++;
  }
  return { lenient: multibyte && badLines * 2 < lines, badLines, lines, multibyte };
}

async function* decodeUtf8(path: string, shown: string, cr: boolean, nulPadding: boolean, repairs?: Utf8Repairs): AsyncGenerator<Buffer> {
  let first = true;
  let carry: Buffer | undefined;
  let lines = 0;
  for await (const raw of chunks(path, 'utf-8')) {
    let chunk = cr ? crToLf(raw) : raw;
    if (first) {
      first = false;
      const bom = describeBom(chunk);
      if (bom === 'UTF-8') chunk = chunk.subarray(3);
      else if (bom) throw new FileError(`${shown}: starts with a ${bom} byte-order mark, but its profile says the encoding is UTF-8; fix "encoding" in the profile`);
      // NUL padding comes in runs; UTF-16 text without a byte-order mark has a zero in every other byte.
      const utf16 = nulPadding ? utf16Order(chunk, true) : null;
      if (utf16) throw new FileError(`${shown}: has a zero byte in every other position, so it is ${utf16} text, not the UTF-8 its profile declares; fix "encoding" in the profile`);
    }
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    // Validate up to the last line break so a character split across chunks is not a false alarm;
    // a line longer than the chunk (a minified JSON array on one line) is cut before its last ASCII
    // byte instead, so it is not gathered whole in memory (nor copied again with every chunk).
    const cut = buf.lastIndexOf(NL) + 1 || lastAsciiIndex(buf);
    const whole = await repaired(buf.subarray(0, cut), lines);
    lines += countLines(whole);
    carry = buf.subarray(cut);
    if (cut > 0) yield whole;
  }
  if (carry && carry.length > 0) yield await repaired(carry, lines);

  /** The text checked (checkUtf8), or, in a UTF-8 file with some bad lines (Utf8Repairs), with their bad bytes as U+FFFD. */
  async function repaired(text: Buffer, linesBefore: number): Promise<Buffer> {
    if (!repairs || (!nulPadding && text.includes(0))) {
      checkUtf8(text, shown, linesBefore, nulPadding);
      return text;
    }
    if (isUtf8(text)) return text;
    repairs.verdict ??= await surveyUtf8(path, cr);
    const v = repairs.verdict;
    if (!v.lenient) checkUtf8(text, shown, linesBefore, nulPadding, v);
    badUtf8Lines(text, linesBefore, repairs.lines);
    return Buffer.from(text.toString('utf8'), 'utf8');
  }
}

/**
 * Where to cut text holding no line break so the part before is whole characters that compose
 * with nothing after: before its last ASCII character (byte < 0x80 of UTF-8, a unit < U+0080 of a
 * string); 0 (no cut) when there is none.
 */
function lastAsciiIndex(text: Buffer | string): number {
  for (let i = text.length - 1; i > 0; i--) {
    if ((typeof text === 'string' ? text.charCodeAt(i) : text[i]!) < 0x80) return i;
  }
  return 0;
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(NL); i >= 0; i = buf.indexOf(NL, i + 1)) n++;
  return n;
}

function checkUtf8(buf: Buffer, shown: string, linesBefore: number, nulPadding: boolean, survey?: Utf8Repairs['verdict']): void {
  const nul = nulPadding ? -1 : buf.indexOf(0);
  if (nul >= 0) {
    throw new FileError(`${shown}, line ${lineAt(buf, nul, linesBefore)}: contains NUL bytes, so it is binary data or UTF-16, not the UTF-8 text its profile declares`);
  }
  if (!isUtf8(buf)) {
    const at = firstInvalidUtf8(buf);
    throw new FileError(
      `${shown}, line ${lineAt(buf, at, linesBefore)}: byte 0x${buf[at]!.toString(16).padStart(2, '0')} is not valid UTF-8, expected UTF-8 text as the profile declares (is the file Windows-1258, UTF-16 or binary?)${surveyNote(survey)}`,
    );
  }
}

/** Why a file with bad bytes failed whole rather than losing only the records on them (Utf8Repairs). */
function surveyNote(v: Utf8Repairs['verdict'] | undefined): string {
  if (!v) return '';
  const share = `${v.badLines} of its ${v.lines} line(s) hold bytes that are not UTF-8`;
  return v.multibyte
    ? `; ${share}, too many to reject them record by record as stray bytes of a UTF-8 file`
    : `; ${share} and none holds a well-formed UTF-8 accented character, so the whole file is in another encoding: fix "encoding" in the profile (windows-1258?) and ingest it again`;
}

async function* decodeLegacy(path: string, encoding: Exclude<Encoding, 'utf-8' | 'utf-8-bom'>, shown: string, nfc: boolean, cr: boolean, nulPadding: boolean): AsyncGenerator<Buffer> {
  const control = nulPadding ? CONTROL_BUT_NUL : CONTROL;
  const decoder = new TextDecoder(encoding, { fatal: encoding !== 'windows-1258' });
  let first = true;
  let pending = '';
  let lines = 0;
  const flush = function* (text: string): Generator<Buffer> {
    const bad = control.exec(text);
    if (bad) {
      const line = lines + 1 + (text.slice(0, bad.index).match(/\n/g)?.length ?? 0);
      throw new FileError(
        `${shown}, line ${line}: control character U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0').toUpperCase()} after decoding as ${encoding}: the file is binary or not in the encoding its profile declares`,
      );
    }
    lines += text.match(/\n/g)?.length ?? 0;
    yield Buffer.from(nfc ? text.normalize('NFC') : text, 'utf8');
  };
  for await (const chunk of chunks(path, encoding)) {
    let bytes = chunk;
    if (first) {
      first = false;
      bytes = checkLegacyStart(bytes, encoding, shown);
    }
    // Vietnamese in Windows-1258 is almost never valid UTF-8; UTF-8 with accents is mislabelled.
    // Judged on whole lines (or, in a line longer than the read, up to its last ASCII byte), and
    // only when they hold a byte above 0x7F: ASCII lines before a long accented line prove nothing.
    const whole = bytes.subarray(0, bytes.lastIndexOf(NL) + 1 || lastAsciiIndex(bytes) || bytes.length);
    if (encoding === 'windows-1258' && whole.some((b) => b >= 0x80) && isUtf8(whole)) {
      throw new FileError(`${shown}: is UTF-8 text, but its profile says windows-1258; fix "encoding" in the profile`);
    }
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      throw new FileError(`${shown}: not valid ${encoding.toUpperCase()} text (unpaired surrogate or odd byte count), expected ${encoding} as the profile declares`);
    }
    text = pending + (cr ? text.replaceAll('\r', '\n') : text);
    // Normalise only whole lines: a combining mark may start the next chunk. A line longer than the
    // chunk is cut before its last ASCII character, which no mark before it combines with.
    const cut = text.lastIndexOf('\n') + 1 || lastAsciiIndex(text);
    pending = text.slice(cut);
    if (cut > 0) yield* flush(text.slice(0, cut));
  }
  let tail: string;
  try {
    tail = pending + (cr ? decoder.decode().replaceAll('\r', '\n') : decoder.decode());
  } catch {
    throw new FileError(`${shown}: ends in the middle of a ${encoding.toUpperCase()} character; the file is truncated or not ${encoding}`);
  }
  if (tail) yield* flush(tail);
}

/**
 * Which UTF-16 the start of a file without a byte-order mark looks like, or null: ASCII-heavy
 * UTF-16 text has a zero byte in every other position (the high bytes: odd positions in UTF-16LE).
 * `strict`: the other positions nearly free of zeros too, as the runs of NUL padding of a
 * fixed-width file put zeros in both alike.
 */
function utf16Order(head: Buffer, strict: boolean): 'UTF-16LE' | 'UTF-16BE' | null {
  const sample = head.subarray(0, Math.min(head.length, 4096) & ~1);
  let zerosLow = 0;
  let zerosHigh = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) zerosLow++;
    if (sample[i + 1] === 0) zerosHigh++;
  }
  const pairs = sample.length / 2;
  const fewer = (few: number, many: number) => (strict ? few * 8 < many : few < many);
  if (zerosHigh > pairs / 4 && fewer(zerosLow, zerosHigh)) return 'UTF-16LE';
  if (zerosLow > pairs / 4 && fewer(zerosHigh, zerosLow)) return 'UTF-16BE';
  return null;
}

/** Checks the byte-order mark / byte pattern of a UTF-16 or Windows-1258 file; returns the bytes to decode. */
function checkLegacyStart(head: Buffer, encoding: Exclude<Encoding, 'utf-8' | 'utf-8-bom'>, shown: string): Buffer {
  const bom = describeBom(head);
  if (encoding === 'windows-1258') {
    if (bom) throw new FileError(`${shown}: starts with a ${bom} byte-order mark, but its profile says windows-1258; fix "encoding" in the profile`);
    return head;
  }
  const want = encoding === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE';
  if (bom === want) return head; // TextDecoder drops the BOM itself
  if (bom) throw new FileError(`${shown}: starts with a ${bom} byte-order mark, but its profile says ${encoding}; fix "encoding" in the profile`);
  if (utf16Order(head, false) !== want) throw new FileError(`${shown}: does not look like ${encoding.toUpperCase()} text (no byte-order mark, no zero bytes where ${want} puts them), expected ${encoding} as the profile declares`);
  return head;
}
