-- Records DuckDB's CSV reader refused (wrong column count, stray quote) become column_count
-- rejects. The staging file prefixes each record with its file's position in the batch and its
-- physical line number, so both come back from the record text itself; the prefix columns are not
-- counted in the message (prefix_columns: 2 when the reader saw them, 0 on the direct path). Run only when the reader refused something; the caller then empties the
-- error tables.
INSERT INTO rejects (file_id, line_no, field, value, reason, message, raw)
SELECT getvariable('ingest').file_ids[seq], line_no, NULL, NULL, 'column_count',
       getvariable('ingest').files[seq] || ', line ' || line_no || ': '
         || CASE WHEN expected IS NOT NULL
                 -- DuckDB's reader stops at the first column too many, so its count is then the
                 -- expected one plus one: the record's own fields are counted (quoted fields whole).
                 THEN 'found ' || CASE WHEN found <= expected THEN CAST(found - /*{prefix_columns}*/ AS VARCHAR)
                                       WHEN counted > expected - /*{prefix_columns}*/ THEN CAST(counted AS VARCHAR)
                                       ELSE 'more than ' || (expected - /*{prefix_columns}*/) END
                   || ' columns, expected ' || (expected - /*{prefix_columns}*/) || ' (' || getvariable('ingest').columns || ')'
                   -- Too many: a free-text column holding the delimiter unquoted is the common cause (slot
                   -- more_hint: the hint at format.overflow_column, '' where it has nothing to offer).
                   || CASE WHEN found > expected THEN /*{more_hint}*/ ELSE '' END
                 WHEN error_message ILIKE '%unterminated quote%' OR error_message ILIKE '%unquoted%'
                   THEN 'a quoted field holds a quote that is not doubled (' || error_message || '), expected a quote inside a quoted field written twice ("") or the field unquoted; the record could not be split into fields'
                 ELSE error_message END,
       raw
FROM (
  SELECT *, /*{field_count}*/ AS counted
  FROM (
  SELECT *, substr(rest, strpos(rest, getvariable('ingest').stage_sep) + 1) AS raw
  FROM (
    SELECT CAST(split_part(csv_line, getvariable('ingest').stage_sep, 1) AS BIGINT) AS seq,
           CAST(split_part(csv_line, getvariable('ingest').stage_sep, 2) AS BIGINT) AS line_no,
           substr(csv_line, strpos(csv_line, getvariable('ingest').stage_sep) + 1) AS rest,
           try_cast(regexp_extract(error_message, 'Expected Number of Columns: ([0-9]+)', 1) AS BIGINT) AS expected,
           try_cast(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS BIGINT) AS found,
           error_message,
           row_number() OVER (PARTITION BY line ORDER BY column_idx) AS nth
    FROM ingest_csv_errors
  )
  )
)
WHERE nth = 1;
