-- Headline counts of every scoped period (the facts every headline ratio derives from), added up
-- from the customer rows of report_customer.
WITH per_period AS (
  SELECT period,
         sum(invoices) AS invoices,
         sum(invoiced_vnd) AS invoiced_vnd,
         sum(allocated_vnd) AS allocated_vnd,
         sum(invoices_settled) AS invoices_settled,
         sum(invoices_with_allocation) AS invoices_with_allocation,
         sum(cashless_vnd) AS cashless_allocated_vnd,
         count(*) FILTER (WHERE with_allocation) AS customers_with_allocation,
         count(*) FILTER (WHERE with_allocation AND all_cashless) AS customers_all_cashless
  FROM report_customer
  GROUP BY period
)
SELECT s.period, strftime(s.as_of, '%Y-%m-%d') AS as_of,
       coalesce(pp.invoices, 0)::BIGINT AS invoices,
       coalesce(pp.invoiced_vnd, 0)::BIGINT AS invoiced_vnd,
       coalesce(pp.allocated_vnd, 0)::BIGINT AS allocated_vnd,
       coalesce(pp.invoices_settled, 0)::BIGINT AS invoices_settled,
       coalesce(pp.invoices_with_allocation, 0)::BIGINT AS invoices_with_allocation,
       coalesce(pp.cashless_allocated_vnd, 0)::BIGINT AS cashless_allocated_vnd,
       coalesce(pp.customers_with_allocation, 0)::BIGINT AS customers_with_allocation,
       coalesce(pp.customers_all_cashless, 0)::BIGINT AS customers_all_cashless
FROM report_scope s
LEFT JOIN per_period pp USING (period)
ORDER BY s.period;
