-- The typed overflow records (src/ingest/overflow.ts) join the batch's typed rows, each with its
-- own physical line, and are no longer refusals: each counts once, as a record read.
INSERT INTO /*{typed_table}*/ BY NAME SELECT * FROM ingest_typed_overflow;
DELETE FROM ingest_csv_errors WHERE line IN (SELECT reader_line FROM ingest_overflow);
DROP TABLE ingest_typed_overflow;
DROP TABLE ingest_overflow;
