-- Loads the new identities of a batch: valid records of the files that load (not quarantined),
-- first in batch order, not already in payments. payment_id = the file's base (the table's
-- maximum before the batch + the physical lines of the batch's earlier files) + line_no: unique,
-- increasing in batch and line order, the same on a rerun after a crash, and needs no sort
-- (rejected and duplicate records and non-record lines leave gaps).
INSERT INTO payments (payment_id, file_id, line_no, partner_id, txn_ref, kind, paid_at, settled_on, customer_code,
                      invoice_ref, memo, amount_vnd, reverses_txn_ref, instrument, agent_id)
SELECT getvariable('ingest').id_base[t.seq] + t.line_no,
       getvariable('ingest').file_ids[t.seq], t.line_no, $partner_id, t.txn_ref, t.kind, t.paid_at, t.settled_on, t.customer_code,
       t.invoice_ref, ingest_nfc(t.memo), t.amount_vnd, t.reverses_txn_ref, t.instrument, t.agent_id
FROM ingest_typed t
ANTI JOIN (SELECT txn_ref, kind FROM payments WHERE partner_id = $partner_id) p ON p.txn_ref = t.txn_ref AND p.kind = t.kind
-- Equalities only, so a hash join (an inequality in the ON clause made DuckDB plan a nested loop).
LEFT JOIN (SELECT txn_ref, kind, first_seq, first_line FROM ingest_repeats WHERE grp = 0) r ON r.txn_ref = t.txn_ref AND r.kind = t.kind
WHERE t.reason IS NULL AND NOT list_contains(getvariable('ingest_status').quarantined, t.seq)
  AND (r.first_seq IS NULL OR (r.first_seq = t.seq AND r.first_line = t.line_no));
