-- Replace-by-period: the invoices of the file's period are exactly the valid rows of this file
-- (the first row of each invoice_no; later repeats are duplicates).
DELETE FROM invoices WHERE period = getvariable('ingest_period');
INSERT INTO invoices (invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id)
SELECT invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, $file_id
FROM (SELECT *, row_number() OVER (PARTITION BY invoice_no ORDER BY line_no) AS nth FROM ingest_typed WHERE reason IS NULL)
WHERE nth = 1;
