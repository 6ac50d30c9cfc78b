-- Loads the new identities of one file: valid records, first in the file, not already in
-- payments. payment_id = the table's maximum before this file + line_no: unique, increasing in
-- line order, the same on a rerun after a crash, and needs no sort (rejected and duplicate
-- records and non-record lines leave gaps).
INSERT INTO payments (payment_id, file_id, line_no, partner_id, txn_ref, kind, paid_at, settled_on, customer_code,
                      invoice_ref, memo, amount_vnd, reverses_txn_ref, instrument, agent_id)
SELECT (SELECT coalesce(max(payment_id), 0) FROM payments) + t.line_no,
       $file_id, t.line_no, $partner_id, t.txn_ref, t.kind, t.paid_at, t.settled_on, t.customer_code,
       t.invoice_ref, nfc_normalize(t.memo), t.amount_vnd, t.reverses_txn_ref, t.instrument, t.agent_id
FROM ingest_typed t
ANTI JOIN (SELECT txn_ref, kind FROM payments WHERE partner_id = $partner_id) p ON p.txn_ref = t.txn_ref AND p.kind = t.kind
ANTI JOIN ingest_repeats r ON r.txn_ref = t.txn_ref AND r.kind = t.kind AND r.first_line <> t.line_no
WHERE t.reason IS NULL;
