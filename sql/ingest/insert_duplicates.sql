-- Duplicate records of a batch, each pointing at the record that holds the identity: a payment
-- loaded before the batch (payment_id <= $id_floor), else the first occurrence in batch order.
-- A quarantined file records only its repeats inside the file; repeats of loaded payments are
-- decided at release. Run after the batch's payments are in, and only when it has duplicates.
INSERT INTO duplicate_records (file_id, line_no, partner_id, txn_ref, kind, first_file_id, first_line_no)
SELECT getvariable('ingest').file_ids[t.seq], t.line_no, $partner_id, t.txn_ref, t.kind,
       coalesce(p.file_id, getvariable('ingest').file_ids[r.first_seq]), coalesce(p.line_no, r.first_line)
FROM (SELECT *, CASE WHEN list_contains(getvariable('ingest_status').quarantined, seq) THEN seq ELSE 0 END AS grp
      FROM ingest_typed WHERE reason IS NULL) t
LEFT JOIN ingest_repeats r ON r.grp = t.grp AND r.txn_ref = t.txn_ref AND r.kind = t.kind
-- Only files that load (grp 0) look at earlier payments. Equalities between both sides only: a
-- condition on t alone in this ON clause (t.grp = 0) made DuckDB plan a nested-loop join, which at
-- 30 M customers ran for many minutes on one batch.
LEFT JOIN (SELECT 0 AS grp, txn_ref, kind, file_id, line_no FROM payments WHERE partner_id = $partner_id AND payment_id <= $id_floor) p
  ON p.grp = t.grp AND p.txn_ref = t.txn_ref AND p.kind = t.kind
WHERE r.first_seq <> t.seq OR r.first_line <> t.line_no OR p.file_id IS NOT NULL;
