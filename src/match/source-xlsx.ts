// explain's raw row of an XLSX record: its line is its sheet row's number (README "XLSX cells"), so
// the row is read from the workbook with ingest's own streaming reader (openReader), never as
// text: the bytes of a zip are no row. The cells are shown as text, joined with commas as a CSV
// line (a cell holding a comma, quote or line break quoted), as a rejected row's raw text is;
// date cells as YYYY-MM-DD HH:mm:ss wall clock (a cell stating an instant, ISO text with an offset,
// in the partner's paid_at time zone, as ingest read it), numbers as Excel shows them.
import { closeSync, openSync, readSync } from 'node:fs';
import type ExcelJS from 'exceljs';
import { workbookSheets } from '../ingest/xlsx-sheets.ts';
import { cellTextIn, openReader } from '../ingest/xlsx.ts';

/** Whether the file starts as a zip (an .xlsx workbook) does: PK\x03\x04. */
export function isZipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(Buffer.from('504b0304', 'hex'));
  } finally {
    closeSync(fd);
  }
}

const cell = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/**
 * Row `row` of the sheet holding the record: of the workbook's sheets in tab order, the first whose
 * row `row` holds every letter-and-digit part of the transaction id (`TGDD00009-00000002`: both
 * parts), else the first sheet that has such a row. Undefined when no sheet has it or the file is
 * not a workbook this reads. `zone` is the profile's paid_at time zone (ingest's, for cells stating an
 * instant); the default is Asia/Ho_Chi_Minh, as a profile's.
 */
export async function readXlsxRow(path: string, row: number, txnRef: string, zone?: string): Promise<{ sheet: string; raw: string } | undefined> {
  const book = workbookSheets(path);
  if (!book) return undefined;
  const parts = txnRef.split(/[^\p{L}\p{N}]+/u).filter((p) => p.length > 0);
  let first: { sheet: string; raw: string } | undefined;
  try {
    for await (const emitted of openReader(path, book, () => true, zone)) {
      const ws = emitted as unknown as AsyncIterable<ExcelJS.Row> & { name: string; file?: string };
      const sheet = book.sheets.find((s) => s.file === ws.file)?.name ?? ws.name;
      let cells: string[] | undefined;
      for await (const r of ws) {
        if (r.number < row) continue;
        // row.values is sparse from column A at index 1; Array.from visits the holes (empty cells).
        if (r.number === row) cells = Array.from((r.values as ExcelJS.CellValue[]).slice(1), (v) => cellTextIn(v ?? null, 'YYYY-MM-DD HH:mm:ss', null).normalize('NFC'));
        break; // rows come in order; openReader closes the rest of the sheet
      }
      if (!cells) continue;
      while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
      const found = { sheet, raw: cells.map(cell).join(',') };
      if (parts.every((p) => cells.some((c) => c.includes(p)))) return found;
      first ??= found;
    }
  } catch {
    // not a workbook exceljs reads: what was found so far, if anything
  }
  return first;
}
