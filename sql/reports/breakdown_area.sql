-- Collection and cashless facts of the report's period by power corporation and by unit
-- (level 'pc' or 'unit'); invoices of customers missing from billing fall under pc/unit NULL.
CREATE OR REPLACE TEMP TABLE report_area AS
WITH cust AS (
  SELECT i.pc, i.unit, a.customer_code, bool_and(a.cashless) AS all_cashless, sum(a.amount_vnd) FILTER (WHERE a.cashless) AS cashless_vnd
  FROM report_alloc a JOIN report_invoice i ON i.invoice_no = a.invoice_no
  WHERE a.period = $period
  GROUP BY i.pc, i.unit, a.customer_code
),
alloc AS (
  SELECT pc, unit, GROUPING(unit) AS is_pc,
         count(*) AS customers_with_allocation,
         count(*) FILTER (WHERE all_cashless) AS customers_all_cashless,
         coalesce(sum(cashless_vnd), 0) AS cashless_allocated_vnd
  FROM cust GROUP BY GROUPING SETS ((pc), (pc, unit))
),
inv AS (
  SELECT pc, unit, GROUPING(unit) AS is_pc,
         count(*) AS invoices,
         sum(amount_vnd) AS invoiced_vnd,
         sum(allocated_vnd) AS allocated_vnd,
         count(*) FILTER (WHERE settled) AS invoices_settled
  FROM report_invoice WHERE period = $period GROUP BY GROUPING SETS ((pc), (pc, unit))
)
SELECT CASE WHEN inv.is_pc = 1 THEN 'pc' ELSE 'unit' END AS level,
       inv.pc, inv.unit,
       inv.invoices::BIGINT AS invoices,
       inv.invoiced_vnd::BIGINT AS invoiced_vnd,
       inv.allocated_vnd::BIGINT AS allocated_vnd,
       inv.invoices_settled::BIGINT AS invoices_settled,
       coalesce(alloc.cashless_allocated_vnd, 0)::BIGINT AS cashless_allocated_vnd,
       coalesce(alloc.customers_with_allocation, 0)::BIGINT AS customers_with_allocation,
       coalesce(alloc.customers_all_cashless, 0)::BIGINT AS customers_all_cashless
FROM inv
LEFT JOIN alloc ON alloc.is_pc = inv.is_pc AND alloc.pc IS NOT DISTINCT FROM inv.pc AND alloc.unit IS NOT DISTINCT FROM inv.unit;
