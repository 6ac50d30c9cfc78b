-- What each partner contributed to the invoices of the report's period: amount allocated (and its
-- cashless part), payments, invoices touched and distinct customers. Invoices are attributed to
-- channel groups only (DOMAIN.md), so there is no per-partner invoice share.
-- Allocations are first summed per partner and invoice; the customer of each such row comes from
-- report_invoice (report_alloc does not carry it).
CREATE OR REPLACE TEMP TABLE report_partner AS
WITH alloc AS (
  SELECT partner_key, payment_id, invoice_no, cashless, amount_vnd FROM report_alloc WHERE period = $period
),
partner_invoice AS (
  SELECT partner_key, invoice_no, sum(amount_vnd) AS allocated_vnd, sum(amount_vnd) FILTER (WHERE cashless) AS cashless_vnd
  FROM alloc GROUP BY partner_key, invoice_no
),
by_invoice AS (
  SELECT partner_key, count(*) AS invoices, sum(allocated_vnd) AS allocated_vnd, sum(cashless_vnd) AS cashless_vnd
  FROM partner_invoice GROUP BY partner_key
),
by_customer AS (
  SELECT pi.partner_key, count(DISTINCT i.customer_code) AS customers
  FROM partner_invoice pi JOIN report_invoice i ON i.invoice_no = pi.invoice_no
  GROUP BY pi.partner_key
),
by_payment AS (
  SELECT partner_key, count(DISTINCT payment_id) AS payments FROM alloc GROUP BY partner_key
)
SELECT pa.partner_id, pa.name, pa.channel_group,
       bi.allocated_vnd::BIGINT AS allocated_vnd,
       coalesce(bi.cashless_vnd, 0)::BIGINT AS cashless_allocated_vnd,
       bp.payments::BIGINT AS payments,
       bi.invoices::BIGINT AS invoices,
       bc.customers::BIGINT AS customers
FROM by_invoice bi
JOIN report_partner_key pk ON pk.partner_key = bi.partner_key
JOIN partners pa ON pa.partner_id = pk.partner_id
JOIN by_payment bp ON bp.partner_key = bi.partner_key
JOIN by_customer bc ON bc.partner_key = bi.partner_key;
