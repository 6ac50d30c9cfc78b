// Reads one physical line of a source file for explain: the raw row as the partner wrote it.
// Decoding follows the byte-order mark (UTF-16LE or UTF-8), else UTF-8 when it decodes cleanly,
// else Windows-1258 (the legacy Vietnamese code page). A missing file gives undefined.
import { createReadStream, existsSync } from 'node:fs';

/** The 1-based physical line `line` of the file at `path`, or undefined if unreadable. */
export async function readSourceLine(path: string, line: number): Promise<string | undefined> {
  if (!existsSync(path)) return undefined;
  const lines: Buffer[] = [];
  let current: Buffer[] = [];
  let utf16 = false;
  let first = true;
  const stream = createReadStream(path);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (first) {
      utf16 = chunk[0] === 0xff && chunk[1] === 0xfe;
      first = false;
    }
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== 0x0a) continue;
      // In UTF-16LE the newline is 0A 00: the 00 starts the next chunk of bytes and is skipped below.
      current.push(chunk.subarray(start, i));
      lines.push(Buffer.concat(current));
      current = [];
      start = utf16 ? i + 2 : i + 1;
      if (utf16) i++;
      if (lines.length === line) {
        stream.destroy();
        return decode(lines[line - 1]!, utf16, line === 1);
      }
    }
    current.push(chunk.subarray(Math.min(start, chunk.length)));
  }
  const tail = Buffer.concat(current);
  if (lines.length === line - 1 && tail.length > 0) return decode(tail, utf16, line === 1);
  return undefined;
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
