-- Export: customer credit balances to carry to the next bill: open over-payment credits of
-- payments paid at or before the end of $as_of, per customer. The customer is the owner of the
-- invoices the payment was applied to (the code it quoted may have been read from a memo).
WITH credit AS (
  SELECT e.payment_id, e.amount_vnd, p.paid_at,
         coalesce((SELECT min(i.customer_code) FROM allocations a JOIN invoices i ON i.invoice_no = a.invoice_no WHERE a.payment_id = e.payment_id),
                  p.customer_code) AS customer_code
  FROM exceptions e JOIN payments p ON p.payment_id = e.payment_id
  WHERE e.reason = 'overpayment_credit' AND e.status = 'open'
    AND p.paid_at < timezone('Asia/Ho_Chi_Minh', ($as_of::DATE + 1)::TIMESTAMP)
)
SELECT pc_of(cr.customer_code) AS pc, unit_of(cr.customer_code) AS unit, cr.customer_code, c.name AS customer_name,
       sum(cr.amount_vnd)::BIGINT AS credit_vnd, count(*)::BIGINT AS payments,
       CAST(max(cr.paid_at) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS DATE) AS last_paid_on
FROM credit cr LEFT JOIN customers c ON c.customer_code = cr.customer_code
GROUP BY ALL
ORDER BY unit NULLS LAST, cr.customer_code;
