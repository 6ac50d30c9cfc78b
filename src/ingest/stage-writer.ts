// The staging file of a batch: every detail record of the batch's files, each prefixed with its
// file's position in the batch and its line number, written through one buffer. A file that turns
// out to be unloadable half-way is cut back out (mark/rewind), so the batch's other files go on.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

const NL = 0x0a;
const BUFFER_BYTES = 8 * 1024 * 1024;

export class StageWriter {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private len = 0;
  /** Bytes already written to the file (writes are positional, so a rewind leaves no hole). */
  private written = 0;
  private closed = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Writes `prefix`, the bytes `src[start, end)` and a line feed. */
  put(prefix: string, src: Buffer, start: number, end: number): void {
    const need = Buffer.byteLength(prefix) + (end - start) + 1;
    if (this.len + need > this.buf.length) this.flush();
    if (need > this.buf.length) {
      this.raw(Buffer.from(prefix));
      this.raw(src.subarray(start, end));
      this.raw(Buffer.of(NL));
      return;
    }
    this.len += this.buf.write(prefix, this.len);
    this.len += src.copy(this.buf, this.len, start, end);
    this.buf[this.len++] = NL;
  }

  /** Writes a whole line of text (UTF-8) given without its line feed. */
  putText(text: string): void {
    const b = Buffer.from(text, 'utf8');
    this.put('', b, 0, b.length);
  }

  /** The current end of the staged text, to rewind to if the file being staged fails. */
  mark(): number {
    return this.written + this.len;
  }

  /** Drops everything staged after `mark`. */
  rewind(mark: number): void {
    if (mark >= this.written) {
      this.len = mark - this.written;
      return;
    }
    this.len = 0;
    ftruncateSync(this.fd, mark);
    this.written = mark;
  }

  flush(): void {
    if (this.len > 0) {
      writeSync(this.fd, this.buf, 0, this.len, this.written);
      this.written += this.len;
    }
    this.len = 0;
  }

  /** Flushes and closes the file (again: a no-op). */
  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }

  private raw(b: Buffer): void {
    writeSync(this.fd, b, 0, b.length, this.written);
    this.written += b.length;
  }
}
