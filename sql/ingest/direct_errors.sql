-- The direct path: drop the reader's refusals of non-detail lines (blank, skipped, trailer, other
-- record types: the splitter accounts for them), then give the reader's refusals the staging
-- prefix (file position 1, physical line), so csv_counts.sql and csv_rejects.sql read them alike
-- (with CRLF line ends DuckDB reports a refused line with the previous line's LF in front).
DELETE FROM ingest_csv_errors WHERE list_contains(getvariable('ingest_direct').non_detail, CAST(line AS BIGINT));
UPDATE ingest_csv_errors SET csv_line = '1' || getvariable('ingest').stage_sep || line || getvariable('ingest').stage_sep || trim(csv_line, chr(13) || chr(10));
