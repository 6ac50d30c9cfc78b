-- One row per customer and scoped period with invoices in it: the customer's area (pc and unit
-- NULL when billing does not know the customer), its invoice totals, whether it had any
-- allocation and all of them cashless, and the channel groups it paid through (group_mask).
-- Area and headline figures add these rows up, so the customers table is joined to aggregated
-- rows, not to every invoice.
CREATE OR REPLACE TEMP TABLE report_customer AS
WITH per_customer AS (
  SELECT period, customer_code,
         count(*) AS invoices,
         sum(amount_vnd) AS invoiced_vnd,
         sum(allocated_vnd) AS allocated_vnd,
         count(*) FILTER (WHERE settled) AS invoices_settled,
         count(*) FILTER (WHERE allocated_vnd > 0) AS invoices_with_allocation,
         sum(cashless_vnd) AS cashless_vnd,
         bool_and(all_cashless) AS all_cashless,
         bit_or(group_mask) AS group_mask
  FROM report_invoice
  GROUP BY period, customer_code
)
SELECT pc.period, pc.customer_code, c.pc, c.unit,
       pc.invoices, pc.invoiced_vnd, pc.allocated_vnd, pc.invoices_settled, pc.invoices_with_allocation, pc.cashless_vnd,
       pc.invoices_with_allocation > 0 AS with_allocation,
       coalesce(pc.all_cashless, false) AS all_cashless,
       pc.group_mask
FROM per_customer pc
LEFT JOIN customers c ON c.customer_code = pc.customer_code;
