-- The exception queue as of the as-of date: open exceptions (not dismissed by an auditor) of
-- payments paid at or before it, by reason and age, aged from the payment's local paid date to the as-of date (0-7, 8-30, 31-90, >90 days).
WITH aged AS (
  SELECT e.reason, e.amount_vnd,
         $as_of::DATE - (p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::DATE AS age_days
  FROM exceptions e
  JOIN payments p ON p.payment_id = e.payment_id
  WHERE e.status = 'open'
    AND p.paid_at < timezone('Asia/Ho_Chi_Minh', ($as_of::DATE + 1)::TIMESTAMP)
)
SELECT reason,
       CASE WHEN age_days <= 7 THEN '0-7' WHEN age_days <= 30 THEN '8-30' WHEN age_days <= 90 THEN '31-90' ELSE '>90' END AS age_bucket,
       count(*)::BIGINT AS exceptions,
       sum(amount_vnd)::BIGINT AS amount_vnd
FROM aged
GROUP BY ALL
ORDER BY reason, min(age_days);
