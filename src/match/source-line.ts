// explain's fallback reading of a record, when the partner's profile is missing or does not read the
// file (source-record.ts reads it as ingest split it, with the profile): the raw row from its first
// physical line through the lines a quoted field carries it over (a memo with a line break) or a
// JSON object spans (a pretty-printed array of records), at
// most MAX_LINES (lines end with LF, or with CR alone when the first chunk has no LF: a classic Mac
// file, as ingest reads it). Decoding follows the byte-order mark (UTF-16LE or UTF-8), else UTF-8 when it
// decodes cleanly, else Windows-1258 (the legacy Vietnamese code page). Lines before the record
// are counted, not kept. A missing file gives undefined.
import { createReadStream, existsSync } from 'node:fs';

const MAX_LINES = 50;

/** The record starting on 1-based physical line `line` of the file at `path`, or undefined if unreadable. */
export async function readSourceLine(path: string, line: number): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  const record: string[] = [];
  let current: Buffer[] = [];
  let utf16 = false;
  let first = true;
  let nl = 0x0a; // 0x0d for a file whose lines end with CR alone (classic Mac), as ingest reads it
  let done = 0; // physical lines completed
  const stream = createReadStream(path);
  let carry: Buffer | null = null; // UTF-16LE: the odd byte a chunk ended with, completed by the next chunk
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      let chunk: Buffer = carry ? Buffer.concat([carry, read]) : read;
      carry = null;
      if (first) {
        utf16 = chunk[0] === 0xff && chunk[1] === 0xfe;
        if (chunk.includes(0x0d) && !chunk.includes(0x0a)) nl = 0x0d;
        first = false;
      }
      if (utf16 && chunk.length % 2 === 1) {
        carry = chunk.subarray(chunk.length - 1);
        chunk = chunk.subarray(0, chunk.length - 1);
      }
      let start = 0;
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] !== nl) continue;
        // In UTF-16LE the newline is the code unit 0A 00 at an even offset (chunks hold whole code
        // units): a character whose code unit merely holds the byte 0A (上 U+4E0A is 0A 4E, the hair
        // space U+200A is 0A 20) is no line end; the 00 is skipped below.
        if (utf16 && (i % 2 === 1 || chunk[i + 1] !== 0x00)) continue;
        done++;
        if (done >= line) {
          current.push(chunk.subarray(start, i));
          record.push(decode(Buffer.concat(current), utf16, done === 1));
          if (complete(record)) return record.join('\n');
        }
        current = [];
        start = utf16 ? i + 2 : i + 1;
        if (utf16) i++;
      }
      if (done + 1 >= line) current.push(chunk.subarray(Math.min(start, chunk.length)));
    }
  } finally {
    stream.destroy();
  }
  if (carry && done + 1 >= line) current.push(carry);
  const tail = Buffer.concat(current);
  if (done + 1 >= line && tail.length > 0) record.push(decode(tail, utf16, done === 0));
  return record.length > 0 ? record.join('\n') : undefined;
}

/**
 * Whether the record's text closes every quoted field it opens, or is as long as allowed. As the
 * ingest splitter reads it: a quote opens a field only at its start (after a usual delimiter
 * , ; tab |), so `12" B` inside an unquoted field is text; `""` inside a quoted field is a quote.
 */
function complete(record: string[]): boolean {
  if (record.length >= MAX_LINES) return true;
  const text = record.join('\n');
  if (/^\s*\{\s*("|$)/.test(record[0]!)) return closedJson(text);
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuote) {
      if (ch !== '"') continue;
      if (text[i + 1] === '"') i++;
      else inQuote = false;
    } else if (ch === '"' && (i === 0 || ',;\t|'.includes(text[i - 1]!))) inQuote = true;
  }
  return !inQuote;
}

/**
 * Whether a JSON object's text (a record of a JSON file, starting with `{"` or a line holding `{`
 * alone, as a pretty-printed array writes its objects) closes every brace and bracket it opens.
 */
function closedJson(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if ((ch === '}' || ch === ']') && --depth === 0) return true;
  }
  return false;
}

function decode(bytes: Buffer, utf16: boolean, firstLine: boolean): string {
  let text: string;
  if (utf16) text = new TextDecoder('utf-16le').decode(bytes);
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder('windows-1258').decode(bytes).normalize('NFC');
    }
  }
  if (firstLine) text = text.replace(/^\uFEFF/, '');
  return text.replace(/\r$/, '').replace(/\r\u0000?$/, '');
}
