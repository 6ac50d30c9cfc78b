-- Accounting of one file after typing and dedup: records read = loaded + rejected + duplicate.
SELECT
  (SELECT count(*) FROM ingest_typed) AS typed,
  (SELECT count(*) FROM ingest_typed WHERE reason IS NOT NULL) AS rejected_typed,
  (SELECT count(DISTINCT line) FROM ingest_csv_errors) AS rejected_csv,
  (SELECT count(*) FROM ingest_ok WHERE nth = 1 AND seen_file_id IS NULL) AS loadable,
  (SELECT count(*) FROM ingest_ok WHERE nth > 1 OR seen_file_id IS NOT NULL) AS duplicate,
  (SELECT count(*) FROM ingest_ok WHERE nth = 1) AS first_occurrences,
  (SELECT CAST(sum(amount_signed) AS BIGINT) FROM ingest_typed WHERE amount_signed IS NOT NULL) AS amount_read,
  (SELECT CAST(sum(amount_signed) AS BIGINT) FROM ingest_ok) AS amount_accepted;
