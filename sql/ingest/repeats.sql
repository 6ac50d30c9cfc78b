-- Identities (partner, txn_ref, kind) that occur more than once among the valid records of one
-- file, with the line of their first occurrence: every later occurrence is a duplicate record.
-- One hash aggregate; most identities occur once, so the result is small.
CREATE OR REPLACE TEMP TABLE ingest_repeats AS
SELECT txn_ref, kind, min(line_no) AS first_line, count(*) AS n
FROM ingest_typed
WHERE reason IS NULL
GROUP BY txn_ref, kind
HAVING count(*) > 1;
