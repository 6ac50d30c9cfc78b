-- Where else a payment identity was received: duplicate records (loaded once, counted again) and
-- records still waiting in a quarantined file. Each with its file and physical line.
SELECT 'duplicate record' AS received_as, d.kind, f.file_id, f.file_name, d.line_no,
       'the loaded record is file ' || d.first_file_id || ' line ' || d.first_line_no AS note
FROM duplicate_records d JOIN source_files f ON f.file_id = d.file_id
WHERE d.partner_id = $partner AND d.txn_ref = $txn
UNION ALL
SELECT 'in a quarantined file' AS received_as, q.kind, f.file_id, f.file_name, q.line_no,
       coalesce(f.status_reason, 'quarantined') || '; `recon files release ' || f.file_id || ' --by NAME --reason TEXT` loads it' AS note
FROM quarantined_payments q JOIN source_files f ON f.file_id = q.file_id
WHERE q.partner_id = $partner AND q.txn_ref = $txn AND f.status = 'quarantined'
ORDER BY file_id, line_no;
