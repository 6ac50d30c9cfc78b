-- Every allocation names a loaded invoice. The invoices allocated to are checked once each
-- (setup/sums.sql); the allocations are listed for offenders only.
SELECT a.payment_id, a.invoice_no, a.amount_vnd, a.rule
FROM allocations a
WHERE a.invoice_no IN (SELECT invoice_no FROM dt_invoice_alloc WHERE invoice_vnd IS NULL)
