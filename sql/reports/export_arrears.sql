-- Export: customers' open invoices of $period and earlier as of the end of $as_of, by unit and
-- age: open = amount - allocations of payments paid by then; age = days past the due date
-- (negative: not yet due).
WITH paid AS (
  SELECT a.invoice_no, sum(a.amount_vnd) AS paid_vnd
  FROM allocations a JOIN payments p ON p.payment_id = a.payment_id
  WHERE p.paid_at < timezone('Asia/Ho_Chi_Minh', ($as_of::DATE + 1)::TIMESTAMP)
  GROUP BY a.invoice_no
),
open AS (
  SELECT i.*, coalesce(paid.paid_vnd, 0) AS paid_vnd, $as_of::DATE - i.due_on AS days_overdue
  FROM invoices i LEFT JOIN paid ON paid.invoice_no = i.invoice_no
  WHERE i.period <= $period AND coalesce(paid.paid_vnd, 0) < i.amount_vnd
)
SELECT pc_of(o.customer_code) AS pc, unit_of(o.customer_code) AS unit, o.customer_code, c.name AS customer_name, o.invoice_no, o.period,
       o.due_on, o.amount_vnd, o.paid_vnd::BIGINT AS paid_vnd,
       (o.amount_vnd - o.paid_vnd)::BIGINT AS open_vnd, o.days_overdue::INTEGER AS days_overdue,
       CASE WHEN o.days_overdue IS NULL THEN NULL WHEN o.days_overdue <= 0 THEN 'not_due' WHEN o.days_overdue <= 30 THEN '1-30'
            WHEN o.days_overdue <= 60 THEN '31-60' WHEN o.days_overdue <= 90 THEN '61-90' ELSE '>90' END AS age_bucket
FROM open o LEFT JOIN customers c ON c.customer_code = o.customer_code
ORDER BY unit NULLS LAST, o.days_overdue DESC NULLS LAST, o.customer_code, o.invoice_no;
