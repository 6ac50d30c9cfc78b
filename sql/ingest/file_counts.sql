-- Accounting of one file after typing: records read = loaded + rejected + duplicate.
-- `later_repeats` are duplicates inside the file; `seen` are valid first occurrences whose
-- identity is already in payments (only counted for quarantined files: a loaded file learns
-- its duplicates from the number of rows its insert loaded).
SELECT
  count(*) AS typed,
  count(*) FILTER (WHERE reason IS NOT NULL) AS rejected_typed,
  count(*) FILTER (WHERE reason IS NULL) AS valid,
  CAST(sum(amount_signed) AS BIGINT) AS amount_read,
  CAST(sum(amount_signed) FILTER (WHERE reason IS NULL) AS BIGINT) AS amount_accepted,
  (SELECT count(DISTINCT line) FROM ingest_csv_errors) AS rejected_csv,
  (SELECT coalesce(sum(n - 1), 0) FROM ingest_repeats) AS later_repeats
FROM ingest_typed;
