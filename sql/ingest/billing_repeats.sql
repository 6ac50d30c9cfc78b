-- Keys (customer_code or invoice_no, the slot) that a billing file carries more than once among its
-- valid rows, with the line of the first: the later rows are duplicates. One hash aggregate whose
-- result is small (most keys occur once); it replaces a window over every row and a
-- count(DISTINCT), which cost more.
CREATE OR REPLACE TEMP TABLE billing_repeats AS
SELECT /*{key}*/ AS key, min(line_no) AS first_line, count(*) AS n
FROM ingest_typed
WHERE reason IS NULL
GROUP BY ALL
HAVING count(*) > 1;
