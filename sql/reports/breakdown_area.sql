-- Collection and cashless facts of the report's period by power corporation and by unit
-- (level 'pc' or 'unit'), from report_totals; invoices of customers missing from billing fall
-- under pc/unit NULL.
CREATE OR REPLACE TEMP TABLE report_area AS
SELECT level, pc, unit, invoices, invoiced_vnd, allocated_vnd, invoices_settled, cashless_allocated_vnd,
       customers_with_allocation, customers_all_cashless
FROM report_totals
WHERE period = $period AND level IN ('pc', 'unit');
