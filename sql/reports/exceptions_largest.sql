-- The largest open exceptions as of the as-of date, for the dashboard's "look at these first" list.
-- The customer is the one matching identified (from the code field, the memo, a VietQR payload or
-- a reference) when it is a known customer, else the code as the payment wrote it.
-- The order is found on narrow columns (ids, amounts, times); the memo, the code as written and
-- what matching read are fetched for the few rows listed only. Joined to every payment, the wide
-- memo column and the payment_match view cost 9 s of CPU at 10 M payments for a 20-row list.
WITH top AS (
  SELECT p.payment_id, p.partner_id, p.txn_ref, e.reason, e.amount_vnd, p.paid_at, e.suggested_invoice_no
  FROM exceptions e
  JOIN payments p ON p.payment_id = e.payment_id
  WHERE e.status = 'open'
    AND p.paid_at < timezone('Asia/Ho_Chi_Minh', ($as_of::DATE + 1)::TIMESTAMP)
  ORDER BY e.amount_vnd DESC, p.partner_id, txn_number(p.txn_ref), p.txn_ref, e.reason
  LIMIT $limit
), wide AS (
  SELECT p.payment_id, p.customer_code, p.memo
  FROM payments p
  WHERE p.payment_id IN (SELECT payment_id FROM top)
), facts AS (
  SELECT f.payment_id, f.code_known, f.claimed_code
  FROM payment_match_facts f
  WHERE f.payment_id IN (SELECT payment_id FROM top)
)
-- A payment without a row in payment_match_facts is a plain one: its code field named a known
-- customer (sql/schema/012_payment_match_plain.sql).
SELECT t.partner_id, pa.name AS partner_name, t.txn_ref, t.reason, t.amount_vnd,
       strftime(t.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d') AS paid_on,
       ($as_of::DATE - (t.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::DATE)::INTEGER AS age_days,
       CASE WHEN f.payment_id IS NULL THEN coalesce(upper(trim(w.customer_code)), w.customer_code)
            ELSE coalesce(CASE WHEN f.code_known THEN f.claimed_code END, w.customer_code) END AS customer_code,
       t.suggested_invoice_no, w.memo
FROM top t
JOIN wide w ON w.payment_id = t.payment_id
LEFT JOIN facts f ON f.payment_id = t.payment_id
LEFT JOIN partners pa ON pa.partner_id = t.partner_id
ORDER BY t.amount_vnd DESC, t.partner_id, txn_number(t.txn_ref), t.txn_ref, t.reason;
