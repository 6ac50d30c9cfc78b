-- Valid records of one file against the identity (partner, txn_ref, kind): the first occurrence
-- in the file loads unless that identity is already in payments; every other is a duplicate.
CREATE OR REPLACE TEMP TABLE ingest_ok AS
SELECT t.*,
       row_number() OVER (PARTITION BY t.txn_ref, t.kind ORDER BY t.line_no) AS nth,
       min(t.line_no) OVER (PARTITION BY t.txn_ref, t.kind) AS first_line_in_file,
       p.file_id AS seen_file_id,
       p.line_no AS seen_line_no
FROM ingest_typed t
LEFT JOIN (SELECT txn_ref, kind, file_id, line_no FROM payments WHERE partner_id = $partner_id) p
  ON p.txn_ref = t.txn_ref AND p.kind = t.kind
WHERE t.reason IS NULL;
