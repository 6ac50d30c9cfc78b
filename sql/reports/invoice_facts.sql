-- One row per invoice of a scoped period: what was counted against it, whether that settles it,
-- and the channel group it is attributed to: the group whose payments allocated the most to it;
-- on a tie, the tied group whose first payment to it came first (paid time, partner, transaction).
CREATE OR REPLACE TEMP TABLE report_invoice AS
WITH by_group AS (
  SELECT invoice_no, channel_group, sum(amount_vnd) AS amount_vnd, min(payment_order) AS first_payment
  FROM report_alloc
  GROUP BY invoice_no, channel_group
),
attributed AS (
  SELECT invoice_no, channel_group,
         row_number() OVER (PARTITION BY invoice_no ORDER BY amount_vnd DESC, first_payment) AS pick
  FROM by_group
),
allocated AS (
  SELECT invoice_no, sum(amount_vnd) AS allocated_vnd FROM report_alloc GROUP BY invoice_no
)
SELECT
  i.period,
  i.invoice_no,
  i.customer_code,
  c.pc,
  c.unit,
  i.amount_vnd,
  coalesce(al.allocated_vnd, 0)::BIGINT AS allocated_vnd,
  coalesce(al.allocated_vnd, 0) >= i.amount_vnd AS settled,
  attr.channel_group AS attributed_group
FROM invoices i
JOIN report_scope s ON s.period = i.period
LEFT JOIN allocated al ON al.invoice_no = i.invoice_no
LEFT JOIN attributed attr ON attr.invoice_no = i.invoice_no AND attr.pick = 1
LEFT JOIN customers c ON c.customer_code = i.customer_code;
