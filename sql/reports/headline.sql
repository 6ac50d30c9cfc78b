-- Headline counts of every scoped period (the facts every headline ratio derives from): the
-- 'period' rows of report_totals.
SELECT s.period, strftime(s.as_of, '%Y-%m-%d') AS as_of,
       coalesce(t.invoices, 0) AS invoices,
       coalesce(t.invoiced_vnd, 0) AS invoiced_vnd,
       coalesce(t.allocated_vnd, 0) AS allocated_vnd,
       coalesce(t.invoices_settled, 0) AS invoices_settled,
       coalesce(t.invoices_with_allocation, 0) AS invoices_with_allocation,
       coalesce(t.cashless_allocated_vnd, 0) AS cashless_allocated_vnd,
       coalesce(t.customers_with_allocation, 0) AS customers_with_allocation,
       coalesce(t.customers_all_cashless, 0) AS customers_all_cashless
FROM report_scope s
LEFT JOIN report_totals t ON t.period = s.period AND t.level = 'period'
ORDER BY s.period;
