-- What each partner contributed to the invoices of the report's period: amount allocated (and its
-- cashless part), payments, invoices touched and distinct customers. Invoices are attributed to
-- channel groups only (DOMAIN.md), so there is no per-partner invoice share.
CREATE OR REPLACE TEMP TABLE report_partner AS
SELECT a.partner_id, pa.name, pa.channel_group,
       sum(a.amount_vnd)::BIGINT AS allocated_vnd,
       coalesce(sum(a.amount_vnd) FILTER (WHERE a.cashless), 0)::BIGINT AS cashless_allocated_vnd,
       count(DISTINCT a.payment_id)::BIGINT AS payments,
       count(DISTINCT a.invoice_no)::BIGINT AS invoices,
       count(DISTINCT a.customer_code)::BIGINT AS customers
FROM report_alloc a
JOIN partners pa ON pa.partner_id = a.partner_id
WHERE a.period = $period
GROUP BY a.partner_id, pa.name, pa.channel_group;
