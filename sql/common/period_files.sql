-- A table macro over the database's tables, so it is created after the migrations
-- (src/db/database.ts), unlike the scalar macros of identifiers.sql; it uses in_partner_window.

-- The partner files a period's report covers (data quality, the partner scorecard's file figures,
-- the rejects export): files carry no period, so a file belongs to every period in whose partner
-- window (in_partner_window above, with the report's as-of date) the paid time of one of its
-- records falls: a payment, reversal or refund it loaded, a record waiting in it while it is
-- quarantined, or a duplicate record (dated by the record it repeats). A file may so belong to two
-- periods (a daily file settling the last days of one month and the first of the next) and then
-- counts whole in both. A file with no dated record (empty, every record rejected, failed,
-- unrecognised, or skipped as a byte-identical second delivery) belongs where the file it repeats
-- belongs (same sha256, first received), else to the period of the monthly close that received it,
-- or first found it already received and undated (source_files.period), else (received by
-- `recon ingest`, no close since) to the period whose window holds its receipt time (loaded_at). The row of a file no profile claimed that one claims since (status
-- replaced) is no file of any period: the row of its later receipt is.
CREATE OR REPLACE TEMP MACRO period_files(period, as_of) AS TABLE
WITH dated AS (
  SELECT file_id, paid_at FROM payments
  UNION ALL
  SELECT file_id, paid_at FROM quarantined_payments
  UNION ALL
  SELECT d.file_id, r.paid_at
  FROM duplicate_records d
  JOIN (SELECT file_id, line_no, paid_at FROM payments
        UNION ALL SELECT file_id, line_no, paid_at FROM quarantined_payments) r
    ON r.file_id = d.first_file_id AND r.line_no = d.first_line_no
), by_file AS (
  SELECT file_id, bool_or(in_partner_window(paid_at, period, as_of)) AS in_window
  FROM dated GROUP BY file_id
), partner_file AS (
  SELECT f.file_id, f.sha256, f.loaded_at, f."period" AS received_for, b.in_window
  FROM source_files f LEFT JOIN by_file b USING (file_id)
  WHERE f.kind = 'partner' AND f.status <> 'replaced'
), first_delivery AS (
  -- The first file received with each content that was read (not a skipped second delivery, not
  -- failed, not unrecognised).
  SELECT sha256, arg_min(file_id, file_id) AS file_id
  FROM source_files
  WHERE kind = 'partner' AND status NOT IN ('skipped_duplicate', 'failed', 'unrecognised', 'replaced')
  GROUP BY sha256
), anchored AS (
  SELECT f.file_id, f.in_window, o.in_window AS first_in_window,
         CASE WHEN o.file_id IS NULL THEN f.loaded_at ELSE o.loaded_at END AS received_at,
         CASE WHEN o.file_id IS NULL THEN f.received_for ELSE o.received_for END AS received_for
  FROM partner_file f
  LEFT JOIN first_delivery fd ON fd.sha256 = f.sha256
  LEFT JOIN partner_file o ON o.file_id = fd.file_id
)
SELECT file_id
FROM anchored
WHERE coalesce(in_window, first_in_window,
               CASE WHEN received_for IS NULL THEN in_partner_window(received_at, period, as_of) ELSE received_for = period END);
