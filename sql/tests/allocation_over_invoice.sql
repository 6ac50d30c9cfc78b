-- Σ allocations to an invoice never exceed its amount.
WITH allocated AS (
  SELECT invoice_no, sum(amount_vnd) AS allocated_vnd FROM allocations GROUP BY invoice_no
)
SELECT a.invoice_no, i.amount_vnd AS invoice_vnd, a.allocated_vnd
FROM allocated a
JOIN invoices i USING (invoice_no)
WHERE a.allocated_vnd > i.amount_vnd
