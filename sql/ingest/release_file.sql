-- Releases a quarantined file: its waiting first occurrences load unless the identity arrived in
-- the meantime (then they are duplicate records), in line order after the existing payment ids.
INSERT INTO payments (payment_id, file_id, line_no, partner_id, txn_ref, kind, paid_at, settled_on, customer_code,
                      invoice_ref, memo, amount_vnd, reverses_txn_ref, instrument, agent_id)
SELECT (SELECT coalesce(max(payment_id), 0) FROM payments) + row_number() OVER (ORDER BY q.line_no),
       q.file_id, q.line_no, q.partner_id, q.txn_ref, q.kind, q.paid_at, q.settled_on, q.customer_code,
       q.invoice_ref, q.memo, q.amount_vnd, q.reverses_txn_ref, q.instrument, q.agent_id
FROM quarantined_payments q
ANTI JOIN payments p ON p.partner_id = q.partner_id AND p.txn_ref = q.txn_ref AND p.kind = q.kind
WHERE q.file_id = $file_id;
