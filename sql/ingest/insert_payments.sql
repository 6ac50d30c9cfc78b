-- Loads the new identities of one file. payment_id continues the table's numbering in line order,
-- so a rerun after a crash assigns exactly the same ids.
INSERT INTO payments (payment_id, file_id, line_no, partner_id, txn_ref, kind, paid_at, settled_on, customer_code,
                      invoice_ref, memo, amount_vnd, reverses_txn_ref, instrument, agent_id)
SELECT (SELECT coalesce(max(payment_id), 0) FROM payments) + row_number() OVER (ORDER BY line_no),
       $file_id, line_no, $partner_id, txn_ref, kind, paid_at, settled_on, customer_code,
       invoice_ref, nfc_normalize(memo), amount_vnd, reverses_txn_ref, instrument, agent_id
FROM ingest_ok
WHERE nth = 1 AND seen_file_id IS NULL;
