-- Records DuckDB's CSV reader refused, per file of the batch (seq: the file's position).
SELECT CAST(split_part(csv_line, getvariable('ingest').stage_sep, 1) AS BIGINT) AS seq, count(DISTINCT line) AS refused
FROM ingest_csv_errors
GROUP BY ALL;
