-- Duplicate records of a loaded file, each pointing at the record that holds the identity.
INSERT INTO duplicate_records (file_id, line_no, partner_id, txn_ref, kind, first_file_id, first_line_no)
SELECT $file_id, line_no, $partner_id, txn_ref, kind,
       coalesce(seen_file_id, $file_id), coalesce(seen_line_no, first_line_in_file)
FROM ingest_ok
WHERE nth > 1 OR (seen_file_id IS NOT NULL AND NOT $within_file_only);
