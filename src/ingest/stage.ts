// Reading a staging file (records prefixed with their file's position in the batch and their line
// number) with DuckDB's CSV reader and
// the dialect pinned: no sniffing, every column VARCHAR, refused records kept in
// ingest_csv_errors. The call is a table expression the typing pass reads from directly.
import { listValue, type DuckDBValue } from '@duckdb/node-api';

export interface StageDialect {
  delimiter: string;
  quote: string;
  escape: string;
  /**
   * Field texts read as NULL besides the empty field, unquoted only (an unquoted file with escapes:
   * its `\N`, so a record whose only escapes are NULLs is read as written); none when absent.
   */
  nulls?: string[];
  /** Number of data columns after the line number. */
  columns: number;
  maxRecordBytes: number;
}

export interface StageSource {
  /** `read_csv(…)` with generated column names (seq, line_no, c1 … cN, never taken from the file) and bound dialect. */
  sql: string;
  params: Record<string, DuckDBValue>;
}

/** read_csv of `path` with the pinned dialect, the given columns, skipping `skip` lines. */
function readCall(path: string, d: StageDialect, columns: string[], skip: number): StageSource {
  const nulls = d.nulls && d.nulls.length > 0 ? d.nulls : null;
  return {
    sql: `read_csv($stage_path, delim = $stage_delim, quote = $stage_quote, escape = $stage_escape, header = false, skip = ${Math.trunc(skip)},
       auto_detect = false, columns = {${columns.join(', ')}}, store_rejects = true,
       rejects_table = 'ingest_csv_errors', rejects_scan = 'ingest_csv_scans',
       max_line_size = $stage_max_line, strict_mode = true, null_padding = false${nulls ? ', nullstr = $stage_nulls, allow_quoted_nulls = false' : ''})`,
    params: {
      stage_path: path,
      stage_delim: d.delimiter,
      stage_quote: d.quote,
      stage_escape: d.escape,
      // Room for the prefix; DuckDB's default (2 MB) would refuse a long memo.
      stage_max_line: Math.max(2_097_152, d.maxRecordBytes + 64),
      ...(nulls ? { stage_nulls: listValue(['', ...nulls]) } : {}),
    },
  };
}

function dataColumns(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `'c${i + 1}': 'VARCHAR'`);
}

/** The read_csv call over a staging file: columns seq, line_no, c1 … cN. */
export function stageSource(stagePath: string, d: StageDialect): StageSource {
  return readCall(stagePath, d, [`'seq': 'BIGINT'`, `'line_no': 'BIGINT'`, ...dataColumns(d.columns)], 0);
}

/**
 * The read_csv call over an original file whose records are each one physical line (the direct
 * path): the same columns as a staging file's, with seq 1 and a provisional line_no = the row's
 * position counted from `dataFrom` (exact once the lines without a row are accounted for, see
 * sql/ingest/direct_lines.sql). Rows come in file order only with preserve_insertion_order = true.
 */
export function directSource(path: string, d: StageDialect, dataFrom: number): StageSource {
  const read = readCall(path, d, dataColumns(d.columns), dataFrom - 1);
  return {
    sql: `(SELECT CAST(1 AS BIGINT) AS seq, CAST(0 AS BIGINT) AS line_no, * FROM ${read.sql})`,
    params: read.params,
  };
}

/** Column names c1 … cN of a staging table. */
export function stagedNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `c${i + 1}`);
}
