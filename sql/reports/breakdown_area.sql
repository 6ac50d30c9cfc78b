-- Collection and cashless facts of the report's period by power corporation and by unit
-- (level 'pc' or 'unit'), added up from the customer rows of report_customer; invoices of
-- customers missing from billing fall under pc/unit NULL.
CREATE OR REPLACE TEMP TABLE report_area AS
SELECT CASE WHEN GROUPING(unit) = 1 THEN 'pc' ELSE 'unit' END AS level,
       pc, unit,
       sum(invoices)::BIGINT AS invoices,
       sum(invoiced_vnd)::BIGINT AS invoiced_vnd,
       sum(allocated_vnd)::BIGINT AS allocated_vnd,
       sum(invoices_settled)::BIGINT AS invoices_settled,
       sum(cashless_vnd)::BIGINT AS cashless_allocated_vnd,
       count(*) FILTER (WHERE with_allocation)::BIGINT AS customers_with_allocation,
       count(*) FILTER (WHERE with_allocation AND all_cashless)::BIGINT AS customers_all_cashless
FROM report_customer
WHERE period = $period
GROUP BY GROUPING SETS ((pc), (pc, unit));
