-- What each partner contributed to the invoices of the report's period: amount allocated (and its
-- cashless part), payments, invoices touched and distinct customers. Invoices are attributed to
-- channel groups only (DOMAIN.md), so there is no per-partner invoice share.
-- Most invoices are paid through one partner: their (partner, invoice, customer) comes straight
-- from report_invoice; only the few paid through several partners go back to their allocations.
CREATE OR REPLACE TEMP TABLE report_partner AS
WITH partner_invoice AS (
  SELECT sole_partner_key AS partner_key, invoice_no, customer_code
  FROM report_invoice
  WHERE period = $period AND sole_partner_key IS NOT NULL
  UNION ALL
  SELECT DISTINCT a.partner_key, a.invoice_no, i.customer_code
  FROM report_alloc a
  JOIN report_invoice i ON i.invoice_no = a.invoice_no
  WHERE i.period = $period AND i.allocated_vnd > 0 AND i.sole_partner_key IS NULL
),
by_invoice AS (
  SELECT partner_key, count(*) AS invoices, count(DISTINCT customer_code) AS customers
  FROM partner_invoice GROUP BY partner_key
),
by_payment AS (
  SELECT partner_key,
         sum(amount_vnd) AS allocated_vnd,
         sum(amount_vnd) FILTER (WHERE cashless) AS cashless_vnd,
         count(DISTINCT payment_id) AS payments
  FROM report_alloc WHERE period = $period GROUP BY partner_key
)
SELECT pa.partner_id, pa.name, pa.channel_group,
       bp.allocated_vnd::BIGINT AS allocated_vnd,
       coalesce(bp.cashless_vnd, 0)::BIGINT AS cashless_allocated_vnd,
       bp.payments::BIGINT AS payments,
       bi.invoices::BIGINT AS invoices,
       bi.customers::BIGINT AS customers
FROM by_payment bp
JOIN report_partner_key pk ON pk.partner_key = bp.partner_key
JOIN partners pa ON pa.partner_id = pk.partner_id
JOIN by_invoice bi ON bi.partner_key = bp.partner_key;
