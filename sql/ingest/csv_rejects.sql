-- Records DuckDB's CSV reader refused (wrong column count, stray quote) become column_count
-- rejects. The staging file prefixes each record with its physical line number, so the line
-- comes back from the record text itself; the prefix column is not counted in the message.
-- Run only when the reader refused something; the caller then empties the error tables.
INSERT INTO rejects (file_id, line_no, field, value, reason, message, raw)
SELECT $file_id, line_no, NULL, NULL, 'column_count',
       getvariable('ingest').file || ', line ' || line_no || ': '
         || CASE WHEN expected IS NOT NULL
                 THEN 'found ' || (found - 1) || ' columns, expected ' || (expected - 1) || ' (' || getvariable('ingest').columns || ')'
                 ELSE error_message END,
       raw
FROM (
  SELECT CAST(split_part(csv_line, getvariable('ingest').stage_sep, 1) AS BIGINT) AS line_no,
         substr(csv_line, strpos(csv_line, getvariable('ingest').stage_sep) + 1) AS raw,
         try_cast(regexp_extract(error_message, 'Expected Number of Columns: ([0-9]+)', 1) AS BIGINT) AS expected,
         try_cast(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS BIGINT) AS found,
         error_message,
         row_number() OVER (PARTITION BY line ORDER BY column_idx) AS nth
  FROM ingest_csv_errors
)
WHERE nth = 1;
