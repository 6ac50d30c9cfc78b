-- Quarantined files' first occurrences (within each file) wait outside payments until released.
INSERT INTO quarantined_payments (file_id, line_no, partner_id, txn_ref, kind, paid_at, settled_on, customer_code,
                                  invoice_ref, memo, amount_vnd, reverses_txn_ref, instrument, agent_id)
SELECT getvariable('ingest').file_ids[t.seq], t.line_no, $partner_id, t.txn_ref, t.kind, t.paid_at, t.settled_on, t.customer_code,
       t.invoice_ref, ingest_nfc(t.memo), t.amount_vnd, t.reverses_txn_ref, t.instrument, t.agent_id
FROM ingest_typed t
ANTI JOIN ingest_repeats r ON r.grp = t.seq AND r.txn_ref = t.txn_ref AND r.kind = t.kind AND r.first_line <> t.line_no
WHERE t.reason IS NULL AND list_contains(getvariable('ingest_status').quarantined, t.seq);
