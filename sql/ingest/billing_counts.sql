-- Accounting of one billing file after typing (and billing_repeats): records read, rejected, and
-- distinct keys loaded (valid rows less the repeats of a key).
SELECT count(*) AS typed,
       count(*) FILTER (WHERE reason IS NOT NULL) AS rejected,
       count(*) FILTER (WHERE reason IS NULL) - (SELECT coalesce(sum(n - 1), 0) FROM billing_repeats) AS firsts,
       (SELECT count(DISTINCT line) FROM ingest_csv_errors) AS csv
FROM ingest_typed;
