-- Identities (txn_ref, kind) that occur more than once among the valid records of a batch of one
-- partner's files, with their first occurrence in batch order (file position seq, then line):
-- every later occurrence is a duplicate record. The files that load form one group (grp 0): an
-- identity repeated across them loads once, from the first. A quarantined file contributes
-- nothing to the others, so it is its own group (grp = its seq) and only its own repeats count.
-- One hash aggregate; most identities occur once, so the result is small. The first occurrence is
-- the minimum of one BIGINT key seq·2^40 + line_no (a numeric min is much cheaper than a struct's).
CREATE OR REPLACE TEMP TABLE ingest_repeats AS
SELECT grp, txn_ref, kind, first >> 40 AS first_seq, first & 1099511627775 AS first_line, n
FROM (
  SELECT CASE WHEN list_contains(getvariable('ingest_status').quarantined, seq) THEN seq ELSE 0 END AS grp,
         txn_ref, kind, min((seq << 40) + line_no) AS first, count(*) AS n
  FROM ingest_typed
  WHERE reason IS NULL
  GROUP BY ALL
  HAVING count(*) > 1
);
