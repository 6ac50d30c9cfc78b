-- The exception queue as of a date: exceptions of payments paid at or before it (a payment paid
-- later is not yet in the queue), aged in days from the paid date (Asia/Ho_Chi_Minh) to the as-of
-- date, in buckets 0-7, 8-30, 31-90, >90. Filters are optional (NULL = all).
WITH q AS (
  SELECT e.payment_id, p.partner_id, p.txn_ref, p.kind, p.paid_at,
         strftime(p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS paid_at_local, e.reason, e.status, e.amount_vnd,
         e.suggested_invoice_no, e.confidence, e.decision_id, e.detail, sf.file_name, p.line_no,
         date_diff('day', CAST(p.paid_at AS DATE), CAST($as_of AS DATE)) AS age_days
  FROM exceptions e
  JOIN payments p USING (payment_id)
  LEFT JOIN source_files sf USING (file_id)
)
SELECT *,
       CASE WHEN age_days <= 7 THEN '0-7' WHEN age_days <= 30 THEN '8-30'
            WHEN age_days <= 90 THEN '31-90' ELSE '>90' END AS aging
FROM q
WHERE age_days >= 0
  AND (CAST($status AS VARCHAR) = 'all' OR status = $status)
  AND (CAST($reason AS VARCHAR) IS NULL OR reason = $reason)
  AND (CAST($partner AS VARCHAR) IS NULL OR partner_id = $partner)
  AND (CAST($min_amount AS BIGINT) IS NULL OR amount_vnd >= $min_amount)
  AND (CAST($older_than AS INTEGER) IS NULL OR age_days > $older_than)
ORDER BY age_days DESC, amount_vnd DESC, partner_id, txn_number(txn_ref), txn_ref, reason
