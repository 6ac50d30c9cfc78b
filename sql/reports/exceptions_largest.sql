-- The largest open exceptions as of the as-of date, for the dashboard's "look at these first" list.
-- The customer is the one matching identified (from the code field, the memo, a VietQR payload or
-- a reference) when it is a known customer, else the code as the payment wrote it.
WITH top AS (
  SELECT p.payment_id, p.partner_id, pa.name AS partner_name, p.txn_ref, e.reason, e.amount_vnd,
         strftime(p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d') AS paid_on,
         ($as_of::DATE - (p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::DATE)::INTEGER AS age_days,
         p.customer_code, e.suggested_invoice_no, p.memo
  FROM exceptions e
  JOIN payments p ON p.payment_id = e.payment_id
  LEFT JOIN partners pa ON pa.partner_id = p.partner_id
  WHERE e.status = 'open'
    AND p.paid_at < timezone('Asia/Ho_Chi_Minh', ($as_of::DATE + 1)::TIMESTAMP)
  ORDER BY e.amount_vnd DESC, p.partner_id, txn_number(p.txn_ref), p.txn_ref, e.reason
  LIMIT $limit
)
SELECT t.partner_id, t.partner_name, t.txn_ref, t.reason, t.amount_vnd, t.paid_on, t.age_days,
       coalesce(CASE WHEN m.code_known THEN m.claimed_code END, t.customer_code) AS customer_code,
       t.suggested_invoice_no, t.memo
FROM top t
LEFT JOIN payment_match m ON m.payment_id = t.payment_id
ORDER BY t.amount_vnd DESC, t.partner_id, txn_number(t.txn_ref), t.txn_ref, t.reason;
