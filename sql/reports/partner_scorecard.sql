-- Partner scorecard. Payment figures cover the payments (kind 'payment') a partner received in
-- the billing period's calendar month, up to the as-of date when that comes first
-- (in_partner_window, sql/common/identifiers.sql).
-- Settlement lag T+n = settled_on - local paid date, in days. File figures (records read, rejected,
-- duplicate) cover the partner's files of the period (report_files: period_files, sql/common/period_files.sql),
-- as the data-quality section does.
-- Unmatched = payments of the window with an exception other than an over-payment credit (the
-- credit's payment was applied to invoices first).
WITH win AS (
  SELECT p.payment_id, p.partner_id, p.amount_vnd,
         p.settled_on - (p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::DATE AS lag_days
  FROM payments p
  WHERE p.kind = 'payment'
    AND in_partner_window(p.paid_at, $period, $as_of)
),
unmatched AS (
  SELECT DISTINCT e.payment_id FROM exceptions e WHERE e.reason <> 'overpayment_credit'
),
pay AS (
  SELECT w.partner_id,
         count(*) AS payments,
         sum(w.amount_vnd) AS amount_vnd,
         quantile_disc(w.lag_days, 0.5) AS lag_median_days,
         quantile_disc(w.lag_days, 0.95) AS lag_p95_days,
         count(u.payment_id) AS unmatched
  FROM win w LEFT JOIN unmatched u ON u.payment_id = w.payment_id
  GROUP BY w.partner_id
),
files AS (
  SELECT partner_id,
         count(*) AS files,
         sum(records_read) AS records_read,
         sum(records_rejected) AS records_rejected,
         sum(records_duplicate) AS records_duplicate
  FROM source_files
  SEMI JOIN report_files pf ON pf.file_id = source_files.file_id
  WHERE kind = 'partner' AND partner_id IS NOT NULL GROUP BY partner_id
)
SELECT pa.partner_id, pa.name, pa.channel_group,
       coalesce(pay.payments, 0)::BIGINT AS payments,
       coalesce(pay.amount_vnd, 0)::BIGINT AS amount_vnd,
       coalesce(rp.allocated_vnd, 0)::BIGINT AS allocated_to_period_vnd,
       pay.lag_median_days::INTEGER AS lag_median_days,
       pay.lag_p95_days::INTEGER AS lag_p95_days,
       coalesce(pay.unmatched, 0)::BIGINT AS unmatched,
       coalesce(files.files, 0)::BIGINT AS files,
       coalesce(files.records_read, 0)::BIGINT AS records_read,
       coalesce(files.records_rejected, 0)::BIGINT AS records_rejected,
       coalesce(files.records_duplicate, 0)::BIGINT AS records_duplicate
FROM partners pa
LEFT JOIN pay ON pay.partner_id = pa.partner_id
LEFT JOIN files ON files.partner_id = pa.partner_id
LEFT JOIN report_partner rp ON rp.partner_id = pa.partner_id
WHERE pay.payments IS NOT NULL OR files.files IS NOT NULL OR rp.partner_id IS NOT NULL
ORDER BY array_position(['bank', 'intermediary', 'retail_agent', 'evn_counter'], pa.channel_group), amount_vnd DESC, pa.partner_id;
