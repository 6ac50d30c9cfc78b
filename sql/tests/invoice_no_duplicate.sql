-- invoice_no identifies one invoice; allocations and references rely on it.
SELECT invoice_no, count(*) AS copies
FROM invoices
GROUP BY invoice_no
HAVING count(*) > 1
