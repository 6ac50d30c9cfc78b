-- Replace-by-period: an invoices-P file replaces everything earlier invoices-P files loaded (P's
-- invoices and the arrears they carried). Invoices stay unique by invoice_no: one this file
-- carries and another file loaded (arrears brought forward again) is taken from this file, the
-- newer. The file loads the first valid row of each invoice_no; later repeats are duplicates.
-- A row this file displaces from another export still loaded is kept in invoices_superseded; an
-- invoice the earlier invoices-P files held and this file no longer carries comes back from the
-- newest other export still loaded that carried it (a corrected November export dropping an
-- October arrears must not delete the invoice October's own export billed), else it is gone.
-- The DELETEs of invoices are semi joins, not one statement with OR, and the displaced rows are
-- few (arrears): with OR, DuckDB built the hash table of every new key even on an empty table
-- (10 M invoices: 1.6 s on an empty table, 2.0 → 1.3 s on a full one).
-- Every row this import removes from invoices (the earlier invoices-P files' rows here, the rows it
-- displaces below) is noted in billing_before; afterwards (sql/ingest/invoice_versions.sql, run by
-- src/ingest/billing.ts only when it holds rows), one the import leaves the invoice different from
-- goes to invoice_versions, the history explain shows (an invoice carried again unchanged is no
-- new version).
CREATE OR REPLACE TEMP TABLE billing_before AS
SELECT invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id, line_no
FROM invoices
WHERE file_id IN (SELECT file_id FROM source_files WHERE kind = 'invoices' AND period = getvariable('ingest').period);
DELETE FROM invoices_superseded
WHERE file_id IN (SELECT file_id FROM source_files WHERE kind = 'invoices' AND period = getvariable('ingest').period);
DELETE FROM invoices
WHERE file_id IN (SELECT file_id FROM source_files WHERE kind = 'invoices' AND period = getvariable('ingest').period);
CREATE OR REPLACE TEMP TABLE billing_displaced AS
SELECT invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id, line_no
FROM invoices
WHERE invoice_no IN (SELECT invoice_no FROM ingest_typed WHERE reason IS NULL);
INSERT INTO invoices_superseded (invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id, line_no)
SELECT invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id, line_no FROM billing_displaced;
INSERT INTO billing_before SELECT * FROM billing_displaced;
DELETE FROM invoices
WHERE invoice_no IN (SELECT invoice_no FROM billing_displaced);
DROP TABLE billing_displaced;
INSERT INTO invoices (invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id, line_no)
SELECT invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, $file_id, t.line_no
FROM ingest_typed t LEFT JOIN billing_repeats r ON r.key = t.invoice_no
WHERE t.reason IS NULL AND (r.first_line IS NULL OR r.first_line = t.line_no);
-- Kept rows whose invoice is no longer loaded: the newest file's row comes back. A LEFT JOIN from
-- the few kept rows, so DuckDB builds its hash table on them, not on every invoice.
CREATE OR REPLACE TEMP TABLE billing_restored AS
SELECT s.invoice_no, s.customer_code, s.period, s.series, s.number, s.issued_on, s.due_on, s.amount_vnd, s.file_id, s.line_no
FROM invoices_superseded s LEFT JOIN invoices i ON i.invoice_no = s.invoice_no
WHERE i.invoice_no IS NULL
QUALIFY row_number() OVER (PARTITION BY s.invoice_no ORDER BY s.file_id DESC) = 1;
INSERT INTO invoices (invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id, line_no)
SELECT invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id, line_no FROM billing_restored;
DELETE FROM invoices_superseded s
WHERE EXISTS (SELECT 1 FROM billing_restored r WHERE r.invoice_no = s.invoice_no AND r.file_id = s.file_id);
DROP TABLE billing_restored;
