-- A table macro over the database's tables, so it is created after the migrations
-- (src/db/database.ts), unlike the scalar macros of identifiers.sql; it uses in_partner_window.

-- The partner files a period's report covers (data quality, the partner scorecard's file figures,
-- the rejects export): files carry no period, so a file belongs to every period in whose partner
-- window (in_partner_window above, with the report's as-of date) the paid time of one of its
-- records falls: a payment, reversal or refund it loaded, a record waiting in it while it is
-- quarantined, or a duplicate record (dated by the record it repeats). A file may so belong to two
-- periods (a daily file settling the last days of one month and the first of the next) and then
-- counts whole in both. A file with no dated record (empty, every record rejected, failed, or
-- skipped as a byte-identical second delivery) belongs where the file it repeats belongs (same
-- sha256, first received), else to the period whose window holds its receipt time (loaded_at).
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
  SELECT f.file_id, f.sha256, f.loaded_at, b.in_window
  FROM source_files f LEFT JOIN by_file b USING (file_id)
  WHERE f.kind = 'partner'
), first_delivery AS (
  -- The first file received with each content that was read (not a skipped second delivery, not failed).
  SELECT sha256, arg_min(file_id, file_id) AS file_id
  FROM source_files
  WHERE kind = 'partner' AND status NOT IN ('skipped_duplicate', 'failed')
  GROUP BY sha256
), anchored AS (
  SELECT f.file_id, f.in_window, o.in_window AS first_in_window, coalesce(o.loaded_at, f.loaded_at) AS received_at
  FROM partner_file f
  LEFT JOIN first_delivery fd ON fd.sha256 = f.sha256
  LEFT JOIN partner_file o ON o.file_id = fd.file_id
)
SELECT file_id
FROM anchored
WHERE coalesce(in_window, first_in_window, in_partner_window(received_at, period, as_of));
