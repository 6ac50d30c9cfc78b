-- Duplicate records of one file, each pointing at the record that holds the identity: an earlier
-- file's payment, else the first occurrence in this file. Run after this file's payments are in,
-- and only when the file has duplicates. A quarantined file records only its repeats inside the
-- file ($within_file_only); repeats of loaded payments are decided at release.
INSERT INTO duplicate_records (file_id, line_no, partner_id, txn_ref, kind, first_file_id, first_line_no)
SELECT $file_id, t.line_no, $partner_id, t.txn_ref, t.kind,
       coalesce(p.file_id, $file_id), coalesce(p.line_no, r.first_line)
FROM ingest_typed t
LEFT JOIN ingest_repeats r ON r.txn_ref = t.txn_ref AND r.kind = t.kind
LEFT JOIN (SELECT txn_ref, kind, file_id, line_no FROM payments WHERE partner_id = $partner_id AND file_id <> $file_id AND NOT $within_file_only) p
  ON p.txn_ref = t.txn_ref AND p.kind = t.kind
WHERE t.reason IS NULL AND (t.line_no <> r.first_line OR p.file_id IS NOT NULL);
