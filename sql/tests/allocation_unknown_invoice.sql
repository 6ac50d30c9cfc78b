-- Every allocation names a loaded invoice.
SELECT a.payment_id, a.invoice_no, a.amount_vnd, a.rule
FROM allocations a
WHERE a.invoice_no NOT IN (SELECT invoice_no FROM invoices)
