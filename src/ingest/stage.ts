// Reading a staging file (records prefixed with their file's position in the batch and their line
// number) with DuckDB's CSV reader and
// the dialect pinned: no sniffing, every column VARCHAR, refused records kept in
// ingest_csv_errors. The call is a table expression the typing pass reads from directly.
import type { DuckDBValue } from '@duckdb/node-api';

export interface StageDialect {
  delimiter: string;
  quote: string;
  escape: string;
  /** Number of data columns after the line number. */
  columns: number;
  maxRecordBytes: number;
}

export interface StageSource {
  /** `read_csv(…)` with generated column names (seq, line_no, c1 … cN, never taken from the file) and bound dialect. */
  sql: string;
  params: Record<string, DuckDBValue>;
}

/** The read_csv call over a staging file: columns seq, line_no, c1 … cN. */
export function stageSource(stagePath: string, d: StageDialect): StageSource {
  const cols = [`'seq': 'BIGINT'`, `'line_no': 'BIGINT'`, ...Array.from({ length: d.columns }, (_, i) => `'c${i + 1}': 'VARCHAR'`)].join(', ');
  return {
    sql: `read_csv($stage_path, delim = $stage_delim, quote = $stage_quote, escape = $stage_escape, header = false,
       auto_detect = false, columns = {${cols}}, store_rejects = true,
       rejects_table = 'ingest_csv_errors', rejects_scan = 'ingest_csv_scans',
       max_line_size = $stage_max_line, strict_mode = true, null_padding = false)`,
    params: {
      stage_path: stagePath,
      stage_delim: d.delimiter,
      stage_quote: d.quote,
      stage_escape: d.escape,
      // Room for the prefix; DuckDB's default (2 MB) would refuse a long memo.
      stage_max_line: Math.max(2_097_152, d.maxRecordBytes + 64),
    },
  };
}

/** Column names c1 … cN of a staging table. */
export function stagedNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `c${i + 1}`);
}
