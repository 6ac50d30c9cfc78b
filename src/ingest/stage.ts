// Reading a staging file (records prefixed with their line number) into DuckDB with the dialect
// pinned: no sniffing, every column VARCHAR, refused records kept in ingest_csv_errors.
import type { Database } from '../db/database.ts';

export interface StageDialect {
  delimiter: string;
  quote: string;
  escape: string;
  /** Number of data columns after the line number. */
  columns: number;
  maxRecordBytes: number;
}

/** Creates TEMP TABLE ingest_stage(line_no, c1 … cN) from the staging file. */
export async function readStage(db: Database, stagePath: string, d: StageDialect): Promise<void> {
  await db.run('DROP TABLE IF EXISTS ingest_csv_errors');
  await db.run('DROP TABLE IF EXISTS ingest_csv_scans');
  // Column names are generated (c1 … cN), never taken from the file.
  const cols = [`'line_no': 'BIGINT'`, ...Array.from({ length: d.columns }, (_, i) => `'c${i + 1}': 'VARCHAR'`)].join(', ');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ingest_stage AS
     SELECT * FROM read_csv($path, delim = $delim, quote = $quote, escape = $escape, header = false,
       auto_detect = false, columns = {${cols}}, store_rejects = true,
       rejects_table = 'ingest_csv_errors', rejects_scan = 'ingest_csv_scans',
       max_line_size = $max_line, strict_mode = true, null_padding = false)`,
    {
      path: stagePath,
      delim: d.delimiter,
      quote: d.quote,
      escape: d.escape,
      // Room for the line-number prefix; DuckDB's default (2 MB) would refuse a long memo.
      max_line: Math.max(2_097_152, d.maxRecordBytes + 64),
    },
  );
}
