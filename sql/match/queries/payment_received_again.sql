-- Where else a payment identity was received: duplicate records (loaded once, counted again),
-- records still waiting in a quarantined file, and rejected records of the partner's files whose
-- raw text holds the transaction id as a whole value (a reject has no parsed id: its text is split
-- at delimiters, spaces, quotes and JSON punctuation). Each with its file and physical line.
SELECT 'duplicate record' AS received_as, d.kind, f.file_id, f.file_name, d.line_no,
       'the loaded record is file ' || d.first_file_id || ' line ' || d.first_line_no AS note
FROM duplicate_records d JOIN source_files f ON f.file_id = d.file_id
WHERE d.partner_id = $partner AND d.txn_ref = $txn
UNION ALL
SELECT 'in a quarantined file' AS received_as, q.kind, f.file_id, f.file_name, q.line_no,
       coalesce(f.status_reason, 'quarantined') || '; `recon files release ' || f.file_id || ' --by NAME --reason TEXT` loads it' AS note
FROM quarantined_payments q JOIN source_files f ON f.file_id = q.file_id
WHERE q.partner_id = $partner AND q.txn_ref = $txn AND f.status = 'quarantined'
UNION ALL
SELECT 'rejected' AS received_as, NULL AS kind, f.file_id, f.file_name, r.line_no, r.message AS note
FROM rejects r JOIN source_files f ON f.file_id = r.file_id
WHERE f.kind = 'partner' AND f.partner_id = $partner
  AND contains(r.raw, $txn)
  AND list_contains(regexp_split_to_array(r.raw, '[\s,;|"''{}\[\]:]+'), $txn)
ORDER BY file_id, line_no;
