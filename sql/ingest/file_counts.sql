-- Accounting of each file of a batch after typing (seq: the file's position in the batch):
-- what the control totals need. Duplicates are counted once the batch is loaded.
SELECT
  seq,
  count(*) AS typed,
  count(*) FILTER (WHERE reason IS NOT NULL) AS rejected_typed,
  count(*) FILTER (WHERE reason IS NULL) AS valid,
  CAST(sum(amount_signed) AS BIGINT) AS amount_read,
  CAST(sum(amount_signed) FILTER (WHERE reason IS NULL) AS BIGINT) AS amount_accepted,
  -- Records that are no completed payment (fields.status): left out of totals that count paid ones.
  count(*) FILTER (WHERE reason = 'not_paid') AS not_paid,
  CAST(sum(amount_signed) FILTER (WHERE reason = 'not_paid') AS BIGINT) AS amount_not_paid
FROM ingest_typed
GROUP BY seq;
