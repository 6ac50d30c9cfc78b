-- Valid first occurrences of a quarantined file whose identity is already in payments.
SELECT count(*) AS seen
FROM ingest_typed t
SEMI JOIN (SELECT txn_ref, kind FROM payments WHERE partner_id = $partner_id) p ON p.txn_ref = t.txn_ref AND p.kind = t.kind
ANTI JOIN ingest_repeats r ON r.txn_ref = t.txn_ref AND r.kind = t.kind AND r.first_line <> t.line_no
WHERE t.reason IS NULL;
