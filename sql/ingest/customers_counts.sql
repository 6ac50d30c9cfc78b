-- Accounting of one customers file after typing: records read, rejected, and distinct customer_codes loaded.
SELECT count(*) AS typed,
       count(*) FILTER (WHERE reason IS NOT NULL) AS rejected,
       count(DISTINCT CASE WHEN reason IS NULL THEN customer_code END) AS firsts,
       (SELECT count(DISTINCT line) FROM ingest_csv_errors) AS csv
FROM ingest_typed;
