// Streaming output: every file is a spool that buffers text and appends it, encoded, to disk in
// large chunks, so memory stays bounded whatever the number of rows. Partner files know their
// layout: preamble, header, records (counting physical lines for reject line numbers), page
// breaks and the trailer with the partner's control totals.
import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AmountFormatInput as AmountFormat } from '../ingest/profile.ts';
import type { FileContext, Layout } from './layouts.ts';
import { byteOrderMark, encodeText } from './text.ts';

const FLUSH_AT = 1 << 17;

/** A text file written in chunks. */
export class Spool {
  private buffer: string[] = [];
  private size = 0;

  constructor(
    readonly path: string,
    private readonly encoding: string = 'utf-8',
  ) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, byteOrderMark(encoding));
  }

  write(text: string): void {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.size === 0 && this.buffer.length === 0) return;
    appendFileSync(this.path, encodeText(this.buffer.join(''), this.encoding));
    this.buffer = [];
    this.size = 0;
  }
}

/** One CSV field, quoted when it must be (RFC 4180). */
export function csvField(v: string, delimiter = ',', quoteAll = false): string {
  if (quoteAll || v.includes(delimiter) || v.includes('"') || v.includes('\n') || v.includes('\r')) return `"${v.replaceAll('"', '""')}"`;
  return v;
}

/** A plain comma-separated line for billing and truth files. */
export function csvLine(values: ReadonlyArray<string | number>): string {
  return `${values.map((v) => csvField(String(v))).join(',')}\n`;
}

/** An amount written in the source's number format. */
export function formatAmount(n: number, f: AmountFormat): string {
  const neg = n < 0;
  let s = String(Math.abs(n));
  if (f.grouping) s = s.replace(/\B(?=(\d{3})+(?!\d))/g, f.grouping);
  if (f.decimal) s += `${f.decimal}00`;
  return neg ? `-${s}` : s;
}

/** What a partner file must become when it is closed. */
export interface FilePlan {
  /** Write a trailer stating the wrong count or sum (the file must be quarantined). */
  badTrailer?: 'count' | 'sum';
  /** Also deliver the file a second time under this name. */
  resendAs?: string;
}

/** A partner settlement file being written. */
export class PartnerFile {
  private readonly spool: Spool;
  /** Physical lines written so far. */
  private lines = 0;
  records = 0;
  private amountSum = 0;

  constructor(
    readonly dir: string,
    readonly relPath: string,
    private readonly layout: Layout,
    ctx: FileContext,
    readonly plan: FilePlan,
  ) {
    this.spool = new Spool(join(dir, relPath), layout.encoding);
    const pre = layout.preamble?.lines(ctx) ?? [];
    for (const line of pre) this.line(line);
    if (layout.headerRecord) this.line(this.join(layout.headerRecord(ctx)));
    if (layout.headerNames) this.line(this.join(layout.columns.map((c) => c.name)));
  }

  private join(fields: string[]): string {
    return fields.map((f) => csvField(f, this.layout.delimiter, this.layout.quoteAll)).join(this.layout.delimiter);
  }

  private line(text: string): void {
    this.spool.write(text + this.layout.eol);
    this.lines += 1 + countNewlines(text);
  }

  /**
   * Appends one record (fields already rendered; `raw` overrides the joined text for malformed
   * rows) and returns the 1-based physical line where it starts. `amount` is what the partner
   * counts in its control sum.
   */
  add(fields: string[], amount: number, raw?: string): number {
    const pb = this.layout.pageBreak;
    if (pb && this.records > 0 && this.records % pb.every === 0) this.line(pb.line(this.records / pb.every + 1));
    const start = this.lines + 1;
    this.line(raw ?? this.join(fields));
    this.records++;
    this.amountSum += amount;
    return start;
  }

  /** Writes the trailer and the resent copy. */
  close(): void {
    const t = this.layout.trailer;
    if (t) {
      const count = this.records + (this.plan.badTrailer === 'count' ? 1 : 0);
      const sum = formatAmount(this.amountSum + (this.plan.badTrailer === 'sum' ? 100_000 : 0), this.layout.amountFormat);
      if (t.style === 'record') this.line(['T', String(count), sum].join(this.layout.delimiter));
      else if (t.style === 'regex') this.line(t.line(count, sum));
      else {
        const fields = this.layout.columns.map(() => '');
        fields[0] = t.label;
        fields[this.layout.columns.findIndex((c) => c.role === 'txn' || c.role === 'receipt')] = String(count);
        fields[this.layout.columns.findIndex((c) => c.role === 'amount')] = sum;
        this.line(this.join(fields));
      }
    }
    this.spool.flush();
    if (this.plan.resendAs) copyFileSync(join(this.dir, this.relPath), join(this.dir, dirname(this.relPath), this.plan.resendAs));
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
