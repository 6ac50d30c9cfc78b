-- Upserts customers: the first valid row of each code in the file replaces any earlier row of it.
DELETE FROM customers WHERE customer_code IN (SELECT customer_code FROM ingest_typed WHERE reason IS NULL);
INSERT INTO customers (customer_code, pc, unit, segment, name, file_id)
SELECT customer_code, pc, unit, segment, ingest_nfc(name), $file_id
FROM ingest_typed t LEFT JOIN billing_repeats r ON r.key = t.customer_code
WHERE t.reason IS NULL AND (r.first_line IS NULL OR r.first_line = t.line_no);
