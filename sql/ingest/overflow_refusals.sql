-- Records DuckDB's reader refused for holding too many fields and nothing else (a record it also
-- refused for a stray quote stays a reject), for format.overflow_column (src/ingest/overflow.ts):
-- the reader's line (to remove the refusal once the record is typed), the file's position in the
-- batch, the physical line and the record's text, from the staging prefix as csv_rejects.sql reads
-- them (on the direct path sql/ingest/direct_errors.sql has given the refusals that prefix).
SELECT reader_line, seq, line_no, substr(rest, strpos(rest, getvariable('ingest').stage_sep) + 1) AS raw
FROM (
  SELECT line AS reader_line,
         CAST(split_part(any_value(csv_line), getvariable('ingest').stage_sep, 1) AS BIGINT) AS seq,
         CAST(split_part(any_value(csv_line), getvariable('ingest').stage_sep, 2) AS BIGINT) AS line_no,
         substr(any_value(csv_line), strpos(any_value(csv_line), getvariable('ingest').stage_sep) + 1) AS rest
  FROM ingest_csv_errors
  GROUP BY line
  HAVING bool_and(error_type = 'TOO MANY COLUMNS')
)
ORDER BY reader_line;
