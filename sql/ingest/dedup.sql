-- Valid records of one file against the identity (partner, txn_ref, kind): the first occurrence
-- in the file loads unless that identity is already in payments; every other is a duplicate.
-- Aggregates rather than window functions: most identities occur once, and a hash aggregate
-- costs far less than sorting every partition.
CREATE OR REPLACE TEMP TABLE ingest_ok AS
WITH firsts AS (
  SELECT txn_ref, kind, min(line_no) AS first_line_in_file
  FROM ingest_typed WHERE reason IS NULL GROUP BY txn_ref, kind
)
SELECT t.*,
       CASE WHEN t.line_no = f.first_line_in_file THEN 1 ELSE 2 END AS nth,
       f.first_line_in_file,
       p.file_id AS seen_file_id,
       p.line_no AS seen_line_no
FROM ingest_typed t
JOIN firsts f USING (txn_ref, kind)
LEFT JOIN (SELECT txn_ref, kind, file_id, line_no FROM payments WHERE partner_id = $partner_id) p
  ON p.txn_ref = t.txn_ref AND p.kind = t.kind
WHERE t.reason IS NULL;
