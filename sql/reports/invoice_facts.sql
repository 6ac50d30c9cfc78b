-- One row per invoice of a scoped period: the area of its customer, what was counted against it,
-- whether that settles it, and the channel group it is attributed to: the group whose payments
-- allocated the most to it; on a tie, the tied group whose first payment to it came first (paid
-- time, then partner id, then transaction id).
CREATE OR REPLACE TEMP TABLE report_invoice AS
WITH by_group AS (
  SELECT invoice_no, channel_group, sum(amount_vnd) AS amount_vnd,
         min({'paid_at': paid_at, 'partner_id': partner_id, 'txn_ref': txn_ref}) AS first_payment
  FROM report_alloc
  GROUP BY invoice_no, channel_group
),
per_invoice AS (
  SELECT invoice_no, sum(amount_vnd) AS allocated_vnd,
         arg_min(channel_group, {'minus_amount': -amount_vnd, 'first_payment': first_payment}) AS attributed_group
  FROM by_group
  GROUP BY invoice_no
)
SELECT
  i.period,
  i.invoice_no,
  i.customer_code,
  c.pc,
  c.unit,
  i.amount_vnd,
  coalesce(pi.allocated_vnd, 0)::BIGINT AS allocated_vnd,
  coalesce(pi.allocated_vnd, 0) >= i.amount_vnd AS settled,
  pi.attributed_group
FROM invoices i
JOIN report_scope s ON s.period = i.period
LEFT JOIN per_invoice pi ON pi.invoice_no = i.invoice_no
LEFT JOIN customers c ON c.customer_code = i.customer_code;
