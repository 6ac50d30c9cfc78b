-- The allocations the KPIs count (DOMAIN.md "KPI definitions"): allocations to invoices of a
-- scoped period, of payments paid at or before that period's as-of date. Voided payments have no
-- allocations (matching guarantees it), so nothing here needs to know about reversals.
-- Each row carries what every breakdown needs: area of the invoice's customer, channel group and
-- partner of the payment, whether the payment's instrument is cashless, and the payment's rank in
-- the order that decides ties (paid time, then partner id, then transaction id).
CREATE OR REPLACE TEMP TABLE report_alloc AS
SELECT
  i.period,
  a.invoice_no,
  i.customer_code,
  c.pc,
  c.unit,
  pa.channel_group,
  p.partner_id,
  p.payment_id,
  p.instrument <> 'cash' AS cashless,
  a.amount_vnd,
  dense_rank() OVER (PARTITION BY a.invoice_no ORDER BY p.paid_at, p.partner_id, p.txn_ref) AS payment_order
FROM allocations a
JOIN payments p ON p.payment_id = a.payment_id
JOIN invoices i ON i.invoice_no = a.invoice_no
JOIN report_scope s ON s.period = i.period AND p.paid_at < s.cutoff
JOIN partners pa ON pa.partner_id = p.partner_id
LEFT JOIN customers c ON c.customer_code = i.customer_code;
