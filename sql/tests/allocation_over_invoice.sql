-- Σ allocations to an invoice never exceed its amount. Sums: setup/sums.sql.
SELECT invoice_no, invoice_vnd, allocated_vnd
FROM dt_invoice_alloc
WHERE allocated_vnd > invoice_vnd
