// format.overflow_column: the one free-text column (a bank's memo) a partner writes unquoted even
// when it holds the delimiter, so its record splits into more fields than the file has columns.
// Such a record is read with its surplus fields joined back into that column. DuckDB's reader
// refuses it (too many columns) on the staging path and in place alike; the refused records come
// back through ingest_csv_errors, are split here as the reader splits them, rejoined, and typed
// by the same statement as every other record, then take their place among the typed rows, so
// both paths give the same payments, rejects and accounting. Records whose fields an escape
// character unescapes are split in records.ts (escapedRecord), which calls absorbSurplus too.
import { listValue } from '@duckdb/node-api';
import type { Database } from '../db/database.ts';
import { normaliseName } from './column-name.ts';
import { withFields, type ColumnSet } from './mapping.ts';
import type { FileFormat } from './profile.ts';
import { ingestSqlRows, runIngestSql } from './sql.ts';

/**
 * Appended to the message of a record with more fields than the file's columns, for a delimited
 * profile without format.overflow_column (csv_rejects.sql, records.ts): a hint, as the cause may be
 * another (a shifted column, a wrong delimiter).
 */
export const MORE_FIELDS_HINT = '; if a free-text column (a memo) may hold the delimiter unquoted, format.overflow_column naming it reads such a record with the surplus fields joined back into it';

/** The position of the profile's overflow column among a file's columns; -1 without one (or when the file lacks it: mapping.ts then fails the file). */
export function overflowIndex(format: FileFormat, names: readonly string[]): number {
  if (format.type !== 'delimited' || format.overflow_column === undefined) return -1;
  const want = normaliseName(format.overflow_column);
  return names.findIndex((n) => normaliseName(n) === want);
}

/**
 * The fields of a record with more than `width` fields as a record of `width`: the fields before
 * position `at` taken from the start, the fields after it from the end, and the ones between
 * (the overflow column's text and its surplus) joined by `join` into one. Unambiguous because
 * only one column may take the surplus.
 */
export function absorbSurplus<T>(fields: readonly T[], at: number, width: number, join: (parts: T[]) => T): T[] {
  const last = at + fields.length - width; // the last field of the overflow column's text
  return [...fields.slice(0, at), join(fields.slice(at, last + 1)), ...fields.slice(last + 1)];
}

/**
 * The fields of a record as DuckDB's strict reader splits it with `delimiter` and `quote` (quote
 * "" for none): a quote opens a quoted field only at the start of a field, a doubled quote inside
 * it is one quote, and the delimiter or the record's end must follow the closing quote; an unquoted
 * field whose text is one of `nulls` is NULL. Null when the reader would not split the record
 * (a quote never closed, text after a closing quote).
 */
export function readerFields(text: string, delimiter: string, quote: string, nulls: readonly string[]): (string | null)[] | null {
  const fields: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (quote !== '' && text.startsWith(quote, i)) {
      let value = '';
      let from = i + quote.length;
      for (;;) {
        const q = text.indexOf(quote, from);
        if (q < 0) return null;
        value += text.slice(from, q);
        if (text.startsWith(quote, q + quote.length)) {
          value += quote;
          from = q + 2 * quote.length;
          continue;
        }
        i = q + quote.length;
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (!text.startsWith(delimiter, i)) return null;
    } else {
      const d = text.indexOf(delimiter, i);
      const value = text.slice(i, d < 0 ? text.length : d);
      fields.push(nulls.includes(value) ? null : value);
      if (d < 0) return fields;
      i = d;
    }
    i += delimiter.length;
  }
}

/** What the repair of refused records needs to know of the batch. */
export interface OverflowBatch {
  delimiter: string;
  /** The quote and NULL texts the reader was given (records.ts readerDialect). */
  quote: string;
  nulls: readonly string[];
  columns: ColumnSet;
  /** The batch's projection (mapping.ts rawProjection), whose columns `columns` marks used. */
  projection: string;
  /** The typed table the batch's rows are in: ingest_typed, or ingest_typed_direct on the direct path. */
  typedTable: 'ingest_typed' | 'ingest_typed_direct';
}

/**
 * Types the records DuckDB's reader refused only for holding too many fields whose surplus the
 * overflow column (at position `at`) takes, and adds them to the batch's typed rows with their own
 * line (the direct path's view keeps a line given so, sql/ingest/direct_view.sql); their refusals
 * are removed, so each is counted once, as a record read. A reject among them keeps the record's
 * text as written. Returns how many were taken. Runs after typing (and on the direct path after
 * placeDirectRows), before the batch is counted.
 */
export async function typeOverflowRecords(db: Database, batch: OverflowBatch, at: number): Promise<number> {
  const width = batch.columns.names.length;
  const refused = await ingestSqlRows<{ reader_line: bigint; seq: bigint; line_no: bigint; raw: string }>(db, 'ingest/overflow_refusals.sql');
  // A NULL among the surplus (an unquoted file's `\N`) is joined as written.
  const join = (parts: (string | null)[]) => parts.map((p) => p ?? batch.nulls[0] ?? '').join(batch.delimiter);
  const taken: { reader_line: bigint; seq: bigint; line_no: bigint; raw: string; fields: (string | null)[] }[] = [];
  for (const r of refused) {
    const fields = readerFields(r.raw, batch.delimiter, batch.quote, batch.nulls);
    if (fields !== null && fields.length > width) taken.push({ ...r, fields: absorbSurplus(fields, at, width, join) });
  }
  if (taken.length === 0) return 0;
  await runIngestSql(db, 'ingest/overflow_records.sql', {
    reader_lines: listValue(taken.map((t) => t.reader_line)),
    seqs: listValue(taken.map((t) => t.seq)),
    lines: listValue(taken.map((t) => t.line_no)),
    fields: listValue(taken.map((t) => listValue(t.fields))),
    written: listValue(taken.map((t) => t.raw)),
  });
  const staged = batch.columns.staged.map((c, i) => `fields[${i + 1}] AS ${c}`).join(', ');
  await runIngestSql(db, 'ingest/type_payments.sql', {}, {
    source: withFields(batch.columns, `(SELECT seq, line_no, ${staged}, written FROM ingest_overflow)`),
    raw_projection: `${batch.projection},\n  written`,
    raw_text: 'written',
    typed_table: 'ingest_typed_overflow',
    keep: 'NOT r.blank',
  });
  await runIngestSql(db, 'ingest/overflow_typed.sql', {}, { typed_table: batch.typedTable });
  return taken.length;
}
