-- Customer-level facts of every scoped period, rolled up to the rows the headline, area and
-- channel-group figures read (level): 'period'; 'pc' and 'unit', named by the customer code itself
-- (DOMAIN.md: its first two letters name the PC, its first six the unit; billing derives the
-- customers table's pc and unit the same way, so an invoice of a customer missing from customers.csv
-- still counts under its PC and unit; NULL only for a code of no known PC); 'group_mask' (customers
-- by the set of channel groups they paid through, see partner_keys.sql). Each customer is first
-- summed over its invoices: invoice totals (an invoice is settled when what was counted against it
-- reaches its amount), whether it had any allocation and all of them cashless. The customer rows
-- themselves are never stored.
CREATE OR REPLACE TEMP TABLE report_totals AS
WITH per_customer AS (
  SELECT period, customer_code,
         count(*) AS invoices,
         sum(amount_vnd) AS invoiced_vnd,
         sum(allocated_vnd) AS allocated_vnd,
         count(*) FILTER (WHERE allocated_vnd >= amount_vnd) AS invoices_settled,
         count(*) FILTER (WHERE allocated_vnd > 0) AS invoices_with_allocation,
         sum(cashless_vnd) AS cashless_vnd,
         bool_and(all_cashless) AS all_cashless,
         bit_or(group_mask) AS group_mask
  FROM report_invoice
  GROUP BY period, customer_code
),
customer AS (
  SELECT t.*, pc_of(t.customer_code) AS pc, unit_of(t.customer_code) AS unit
  FROM per_customer t
)
SELECT period,
       CASE WHEN GROUPING(group_mask) = 0 THEN 'group_mask'
            WHEN GROUPING(pc) = 1 THEN 'period'
            WHEN GROUPING(unit) = 1 THEN 'pc'
            ELSE 'unit' END AS level,
       pc, unit, group_mask,
       sum(invoices)::BIGINT AS invoices,
       sum(invoiced_vnd)::BIGINT AS invoiced_vnd,
       sum(allocated_vnd)::BIGINT AS allocated_vnd,
       sum(invoices_settled)::BIGINT AS invoices_settled,
       sum(invoices_with_allocation)::BIGINT AS invoices_with_allocation,
       sum(cashless_vnd)::BIGINT AS cashless_allocated_vnd,
       count(*) FILTER (WHERE invoices_with_allocation > 0)::BIGINT AS customers_with_allocation,
       count(*) FILTER (WHERE invoices_with_allocation > 0 AND all_cashless)::BIGINT AS customers_all_cashless
FROM customer
GROUP BY GROUPING SETS ((period), (period, pc), (period, pc, unit), (period, group_mask));
