-- The allocations the KPIs count (DOMAIN.md "KPI definitions"): allocations to invoices of a
-- scoped period, of payments paid at or before that period's as-of date. Voided payments have no
-- allocations (matching guarantees it), so nothing here needs to know about reversals.
-- Each row carries the channel group and partner of the payment, whether its instrument is
-- cashless, and what orders payments when groups tie (paid time, then partner id, then txn id).
CREATE OR REPLACE TEMP TABLE report_alloc AS
SELECT
  i.period,
  a.invoice_no,
  i.customer_code,
  pa.channel_group,
  p.partner_id,
  p.payment_id,
  p.txn_ref,
  p.paid_at,
  p.instrument <> 'cash' AS cashless,
  a.amount_vnd
FROM allocations a
JOIN payments p ON p.payment_id = a.payment_id
JOIN invoices i ON i.invoice_no = a.invoice_no
JOIN report_scope s ON s.period = i.period AND p.paid_at < s.cutoff
JOIN partners pa ON pa.partner_id = p.partner_id;
