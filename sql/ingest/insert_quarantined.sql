-- A quarantined file's first occurrences wait outside payments until released.
INSERT INTO quarantined_payments (file_id, line_no, partner_id, txn_ref, kind, paid_at, settled_on, customer_code,
                                  invoice_ref, memo, amount_vnd, reverses_txn_ref, instrument, agent_id)
SELECT $file_id, line_no, $partner_id, txn_ref, kind, paid_at, settled_on, customer_code,
       invoice_ref, nfc_normalize(memo), amount_vnd, reverses_txn_ref, instrument, agent_id
FROM ingest_ok
WHERE nth = 1;
