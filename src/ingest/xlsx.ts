// XLSX settlement files, read with exceljs's streaming reader: each sheet row becomes one record
// (its row number is its line), written as CSV to the same kind of staging file the text readers
// produce, so typing and validation are shared. Dates and numbers that Excel stores natively are
// written back in the profile's own text formats.
import ExcelJS from 'exceljs';
import { FileError } from './file-error.ts';
import type { PartnerProfile } from './profile.ts';
import { recordClassifier, setTrailer, unknownTypeReject, type SplitResult } from './records.ts';
import type { StageWriter } from './stage-writer.ts';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Excel's wall-clock date (exceljs hands it over as UTC fields) in a profile date format. */
function formatDate(d: Date, format: string): string {
  if (format === 'ISO') return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return format
    .replace('YYYY', String(d.getUTCFullYear()))
    .replace('MM', pad(d.getUTCMonth() + 1))
    .replace('DD', pad(d.getUTCDate()))
    .replace('HH', pad(d.getUTCHours()))
    .replace('mm', pad(d.getUTCMinutes()))
    .replace('ss', pad(d.getUTCSeconds()));
}

function cellText(v: ExcelJS.CellValue, dateFormat: string, decimal: string | null): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return formatDate(v, dateFormat);
  if (typeof v === 'number') {
    const s = Number.isInteger(v) ? v.toFixed(0) : String(v);
    return decimal === ',' ? s.replace('.', ',') : s;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue, dateFormat, decimal);
    if ('text' in v) return String(v.text);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

const csvQuote = (s: string): string => `"${s.replaceAll('"', '""')}"`;

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
  let phase: 'preamble' | 'header' | 'records' = preLines > 0 || until ? 'preamble' : profile.header.type === 'names' ? 'header' : 'records';
  const dateFmt = profile.fields.paid_at.format;
  const settledCol = profile.fields.settled_on?.column;
  const settledFmt = profile.fields.settled_on?.format ?? dateFmt;
  const decimal = profile.fields.amount.format.decimal;
  let names: string[] | null = profile.header.type === 'none' ? profile.header.columns : null;
  let found = false;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
    let index = 0;
    for await (const sheet of reader) {
      index++;
      const ws = sheet as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
      if (found || (typeof want === 'number' ? index !== want : ws.name !== want)) {
        for await (const _row of ws) void _row; // drain: the reader is sequential
        continue;
      }
      found = true;
      for await (const row of ws) {
        // row.values is sparse (an empty cell is a hole); Array.from visits holes, map would skip them.
        const values = (row.values as ExcelJS.CellValue[]).slice(1);
        const settledIdx = settledCol && names ? names.findIndex((n) => n.trim().toLowerCase() === settledCol.join(' ').trim().toLowerCase()) : -1;
        const cells = Array.from(values, (v, i) => cellText(v, i === settledIdx ? settledFmt : dateFmt, decimal).normalize('NFC'));
        const text = cells.join(',');
        const line = row.number;
        result.lines = line;
        if (phase === 'preamble') {
          if (until ? !until.test(text) : line <= preLines) continue;
          phase = profile.header.type === 'names' ? 'header' : 'records';
        }
        if (cells.every((c) => c.trim() === '')) continue;
        if (phase === 'header') {
          names = cells.map((c) => c.trim());
          result.header = names;
          result.headerLine = line;
          phase = 'records';
          continue;
        }
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
    throw new FileError(`${shown}: not a readable XLSX workbook (${e instanceof Error ? e.message : String(e)}), expected an Excel .xlsx file as the profile declares`);
  }
  if (!found) throw new FileError(`${shown}: no sheet ${JSON.stringify(want)} in the workbook (format.sheet)`);
  if (phase === 'preamble' && until) throw new FileError(`${shown}: no row matches the preamble end /${until.source}/ (preamble.until)`);
  if (!names) throw new FileError(`${shown}: no header row found, expected a row naming the columns`);
  return result;
}
