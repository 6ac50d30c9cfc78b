-- Σ allocations to an invoice never exceed its amount.
SELECT a.invoice_no, i.amount_vnd AS invoice_vnd, sum(a.amount_vnd) AS allocated_vnd
FROM allocations a
JOIN invoices i USING (invoice_no)
GROUP BY a.invoice_no, i.amount_vnd
HAVING sum(a.amount_vnd) > i.amount_vnd
