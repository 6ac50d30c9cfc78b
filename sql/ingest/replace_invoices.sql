-- Replace-by-period: an invoices-P file replaces everything earlier invoices-P files loaded (P's
-- invoices and the arrears they carried). Invoices stay unique by invoice_no: one this file
-- carries and another file loaded (arrears brought forward again) is taken from this file, the
-- newer. The file loads the first valid row of each invoice_no; later repeats are duplicates.
-- Two DELETEs, not one with OR: each is then a semi join, and the second costs nothing when the
-- table is empty (with OR, DuckDB built the hash table of every new key even then; 10 M invoices:
-- 1.6 s on an empty table, 2.0 → 1.3 s on a full one).
DELETE FROM invoices
WHERE file_id IN (SELECT file_id FROM source_files WHERE kind = 'invoices' AND period = getvariable('ingest').period);
DELETE FROM invoices
WHERE invoice_no IN (SELECT invoice_no FROM ingest_typed WHERE reason IS NULL);
INSERT INTO invoices (invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id)
SELECT invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, $file_id
FROM ingest_typed t LEFT JOIN billing_repeats r ON r.key = t.invoice_no
WHERE t.reason IS NULL AND (r.first_line IS NULL OR r.first_line = t.line_no);
