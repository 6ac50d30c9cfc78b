-- Accounting of one invoices file after typing: records read, rejected, and distinct invoice_nos loaded.
SELECT count(*) AS typed,
       count(*) FILTER (WHERE reason IS NOT NULL) AS rejected,
       count(DISTINCT CASE WHEN reason IS NULL THEN invoice_no END) AS firsts,
       (SELECT count(DISTINCT line) FROM ingest_csv_errors) AS csv
FROM ingest_typed;
