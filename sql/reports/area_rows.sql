-- Area breakdown rows for kpis.json: power corporations first, then units, each in code order.
SELECT level, pc, unit, invoices, invoiced_vnd, allocated_vnd, invoices_settled, cashless_allocated_vnd,
       customers_with_allocation, customers_all_cashless
FROM report_area
ORDER BY level, pc NULLS LAST, unit NULLS LAST;
