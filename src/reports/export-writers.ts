// Streaming writers of the export formats that go through JavaScript (CSV, JSON, XLSX, Arrow IPC):
// each takes DuckDB result chunks one at a time, so no export holds a whole table in memory.
// Parquet is written by DuckDB itself (see export.ts).
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { DuckDBDateValue, DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import { Bool, DateDay, Field, Float64, Int32, Int64, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, TimestampMillisecond, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import ExcelJS from 'exceljs';

/**
 * Column types the export queries produce; anything else is written as text. DATE and TIMESTAMP
 * are local (Asia/Ho_Chi_Minh) calendar dates and wall-clock times: typed in XLSX, Arrow and
 * Parquet, written `YYYY-MM-DD` / `YYYY-MM-DD HH:MM:SS` in CSV and JSON.
 */
export type ColumnType = 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP' | 'VARCHAR';

const DAY_MS = 86_400_000;

/** A DATE or TIMESTAMP value as milliseconds since 1970 of its calendar date / wall-clock time read as UTC. */
function wallMs(v: DuckDBValue, type: ColumnType): number | null {
  if (v === null || v === undefined) return null;
  if (type === 'DATE' && v instanceof DuckDBDateValue) return v.days * DAY_MS;
  if (type === 'TIMESTAMP' && v instanceof DuckDBTimestampValue) return Number(v.micros / 1000n);
  return null;
}

/** Excel number formats of the typed date columns. */
const XLSX_DATE_FORMAT: Partial<Record<ColumnType, string>> = { DATE: 'yyyy-mm-dd', TIMESTAMP: 'yyyy-mm-dd hh:mm:ss' };
export interface Column {
  name: string;
  type: ColumnType;
}

export interface RowWriter {
  write(rows: DuckDBValue[][]): Promise<void>;
  close(): Promise<void>;
}

export type StreamFormat = 'csv' | 'json' | 'xlsx' | 'arrow';

/** Opens a writer of `format` at `path`. */
export function openWriter(format: StreamFormat, path: string, columns: Column[]): RowWriter {
  switch (format) {
    case 'csv':
      return csvWriter(path, columns);
    case 'json':
      return jsonWriter(path, columns);
    case 'xlsx':
      return xlsxWriter(path, columns);
    case 'arrow':
      return arrowWriter(path, columns);
  }
}

/**
 * A CSV cell: text beginning with = + - @ tab or CR is prefixed with an apostrophe so spreadsheet
 * software shows it as text instead of evaluating it (formula injection); numbers stay numbers.
 */
export function csvCell(v: DuckDBValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * A DATE or TIMESTAMP as CSV and JSON write it: `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS` to the second
 * (as explain and the exception queue show a time), whatever fraction a partner's time carried:
 * DuckDB's text would give `23:59:59.9` or `08:00:00.25`, a width nothing parsing the documented
 * form expects.
 */
const dated = (c: Column): boolean => c.type === 'DATE' || c.type === 'TIMESTAMP';

function dateText(v: DuckDBValue): string {
  return String(v).slice(0, 19);
}

function csvWriter(path: string, columns: Column[]): RowWriter {
  const out = createWriteStream(path);
  // The BOM makes spreadsheet software read the file as UTF-8 (Vietnamese names and memos).
  const ready = put(out, `\uFEFF${columns.map((c) => csvCell(c.name)).join(',')}\r\n`);
  return {
    async write(rows) {
      await ready;
      await put(out, rows.map((r) => `${r.map((v, i) => (dated(columns[i]!) && v !== null && v !== undefined ? dateText(v) : csvCell(v))).join(',')}\r\n`).join(''));
    },
    close: () => end(out),
  };
}

function jsonWriter(path: string, columns: Column[]): RowWriter {
  const out = createWriteStream(path);
  let first = true;
  const ready = put(out, '[');
  // Every count and amount is below 2^53, so BIGINT becomes a plain JSON number.
  const value = (v: DuckDBValue, c: Column) =>
    typeof v === 'bigint' ? Number(v) : dated(c) && v !== null && v !== undefined ? dateText(v) : v;
  const toJson = (r: DuckDBValue[]) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, value(r[i] ?? null, c)])));
  return {
    async write(rows) {
      await ready;
      if (rows.length === 0) return;
      const text = rows.map(toJson).join(',\n');
      await put(out, `${first ? '\n' : ',\n'}${text}`);
      first = false;
    },
    async close() {
      await put(out, '\n]\n');
      await end(out);
    },
  };
}

/** Rows per sheet: one below the XLSX limit of 1,048,576 (the header takes a row). */
const XLSX_SHEET_ROWS = 1_000_000;

function xlsxWriter(path: string, columns: Column[]): RowWriter {
  // Styles carry the number format that shows a date cell as a date.
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
  const dated = columns.flatMap((c, i) => (XLSX_DATE_FORMAT[c.type] ? [{ i, type: c.type, fmt: XLSX_DATE_FORMAT[c.type]! }] : []));
  let sheet: ExcelJS.Worksheet | undefined;
  let inSheet = 0;
  let sheets = 0;
  const newSheet = () => {
    sheet?.commit();
    sheets += 1;
    sheet = book.addWorksheet(sheets === 1 ? 'data' : `data_${sheets}`);
    sheet.addRow(columns.map((c) => c.name)).commit();
    inSheet = 0;
  };
  newSheet();
  return {
    async write(rows) {
      for (const r of rows) {
        if (inSheet === XLSX_SHEET_ROWS) newSheet();
        // Cells are typed values (never formulas), so text cannot be evaluated. A date is a Date
        // whose UTC fields are the local wall clock (Excel dates have no time zone).
        const row = sheet!.addRow(
          r.map((v, i) => {
            if (typeof v === 'bigint') return Number(v);
            const ms = wallMs(v, columns[i]!.type);
            return ms === null ? v : new Date(ms);
          }),
        );
        for (const d of dated) if (r[d.i] !== null && r[d.i] !== undefined) row.getCell(d.i + 1).numFmt = d.fmt;
        row.commit();
        inSheet += 1;
      }
    },
    async close() {
      sheet!.commit();
      await book.commit();
    },
  };
}

function arrowType(t: ColumnType): DataType {
  switch (t) {
    case 'BIGINT':
      return new Int64();
    case 'INTEGER':
      return new Int32();
    case 'DOUBLE':
      return new Float64();
    case 'BOOLEAN':
      return new Bool();
    case 'DATE':
      return new DateDay();
    case 'TIMESTAMP':
      return new TimestampMillisecond();
    case 'VARCHAR':
      return new Utf8();
  }
}

function arrowWriter(path: string, columns: Column[]): RowWriter {
  const schema = new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), true)));
  const writer = new RecordBatchFileWriter();
  const out = createWriteStream(path);
  const done = finished(writer.toNodeStream().pipe(out));
  const batch = (rows: DuckDBValue[][]) => {
    const children = schema.fields.map((f, i) => {
      const type = columns[i]!.type;
      const dated = type === 'DATE' || type === 'TIMESTAMP';
      const values = rows.map((r) => {
        if (!dated) return r[i] ?? null;
        const ms = wallMs(r[i] ?? null, type);
        return ms === null || type === 'TIMESTAMP' ? ms : new Date(ms); // DateDay takes Dates, TimestampMillisecond ms
      });
      return vectorFromArray(values as never[], f.type).data[0]!;
    });
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
  };
  let wrote = false;
  return {
    async write(rows) {
      if (rows.length === 0) return;
      writer.write(batch(rows));
      wrote = true;
    },
    async close() {
      // An empty export still gets a valid file carrying its schema.
      if (!wrote) writer.write(batch([]));
      writer.finish();
      await done;
    },
  };
}

async function put(out: WriteStream, text: string): Promise<void> {
  // A stream that failed (a full disk) is destroyed: waiting for its 'drain' would never end.
  if (out.destroyed) throw out.errored ?? new Error(`${String(out.path)}: the file was closed while being written`);
  if (!out.write(text)) await once(out, 'drain');
}

async function end(out: WriteStream): Promise<void> {
  out.end();
  await finished(out);
}
