-- Where else a payment identity was received: duplicate records (loaded once, counted again),
-- records still waiting in a quarantined file, and rejected records of the partner's files with
-- this transaction id: a record that failed a field check by the id read from it (rejects.txn_ref,
-- kept since migration 014); one that could not be split into fields (column_count: no field, no
-- id read) by its raw text holding the id as a whole value (the text split at delimiters, spaces,
-- quotes and JSON punctuation), or each part of an id built from several columns so. The raw text of a record that was split is not searched: it also
-- holds ids the record only names (a memo "refund of FT…", a reversal's original), and a record
-- whose id is the field that failed has none. Each with its file and physical line.
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
  AND (r.txn_ref = $txn
       OR (r.txn_ref IS NULL AND r.field IS NULL
           AND ((contains(r.raw, $txn)
                 AND list_contains(regexp_split_to_array(r.raw, '[\s,;|"''{}\[\]:]+'), $txn))
                -- An id a profile builds from several columns (agent + receipt, TGDD00003-00000006)
                -- never stands whole in the text: each of its parts does, as a value of its own.
                OR (regexp_matches($txn, '[-/|]')
                    AND list_has_all(regexp_split_to_array(r.raw, '[\s,;|"''{}\[\]:]+'), string_split_regex($txn, '[-/|]'))))))
ORDER BY file_id, line_no;
