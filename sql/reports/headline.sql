-- Headline counts of every scoped period (the facts every headline ratio derives from).
WITH inv AS (
  SELECT period,
         count(*) AS invoices,
         sum(amount_vnd) AS invoiced_vnd,
         sum(allocated_vnd) AS allocated_vnd,
         count(*) FILTER (WHERE settled) AS invoices_settled,
         count(*) FILTER (WHERE allocated_vnd > 0) AS invoices_with_allocation
  FROM report_invoice GROUP BY period
),
cust AS (
  SELECT period, count(*) AS customers_with_allocation, count(*) FILTER (WHERE all_cashless) AS customers_all_cashless
  FROM (SELECT period, customer_code, bool_and(cashless) AS all_cashless FROM report_alloc GROUP BY period, customer_code)
  GROUP BY period
),
cashless AS (
  SELECT period, sum(amount_vnd) FILTER (WHERE cashless) AS cashless_allocated_vnd FROM report_alloc GROUP BY period
)
SELECT s.period, strftime(s.as_of, '%Y-%m-%d') AS as_of,
       coalesce(inv.invoices, 0)::BIGINT AS invoices,
       coalesce(inv.invoiced_vnd, 0)::BIGINT AS invoiced_vnd,
       coalesce(inv.allocated_vnd, 0)::BIGINT AS allocated_vnd,
       coalesce(inv.invoices_settled, 0)::BIGINT AS invoices_settled,
       coalesce(inv.invoices_with_allocation, 0)::BIGINT AS invoices_with_allocation,
       coalesce(cashless.cashless_allocated_vnd, 0)::BIGINT AS cashless_allocated_vnd,
       coalesce(cust.customers_with_allocation, 0)::BIGINT AS customers_with_allocation,
       coalesce(cust.customers_all_cashless, 0)::BIGINT AS customers_all_cashless
FROM report_scope s
LEFT JOIN inv USING (period)
LEFT JOIN cust USING (period)
LEFT JOIN cashless USING (period)
ORDER BY s.period;
