-- Per quarantined file of a batch: its valid first occurrences whose identity is already loaded,
-- before the batch or by a loading file earlier in the batch. They count as duplicates now; at
-- release they are decided again.
SELECT t.seq, count(*) AS seen
FROM ingest_typed t
ANTI JOIN ingest_repeats r ON r.grp = t.seq AND r.txn_ref = t.txn_ref AND r.kind = t.kind AND r.first_line <> t.line_no
WHERE t.reason IS NULL AND list_contains(getvariable('ingest_status').quarantined, t.seq)
  AND (EXISTS (SELECT 1 FROM payments p WHERE p.partner_id = $partner_id AND p.payment_id <= $id_floor AND p.txn_ref = t.txn_ref AND p.kind = t.kind)
       OR EXISTS (SELECT 1 FROM ingest_typed u
                  WHERE u.reason IS NULL AND u.seq < t.seq AND NOT list_contains(getvariable('ingest_status').quarantined, u.seq)
                    AND u.txn_ref = t.txn_ref AND u.kind = t.kind))
GROUP BY t.seq;
