-- Upserts customers: the first valid row of each code in the file replaces any earlier row of it.
DELETE FROM customers WHERE customer_code IN (SELECT customer_code FROM ingest_typed WHERE reason IS NULL);
INSERT INTO customers (customer_code, pc, unit, segment, name, file_id)
SELECT customer_code, pc, unit, segment, ingest_nfc(name), $file_id
FROM (SELECT *, row_number() OVER (PARTITION BY customer_code ORDER BY line_no) AS nth FROM ingest_typed WHERE reason IS NULL)
WHERE nth = 1;
