-- One invoice, its customer, and what is left of it.
SELECT i.invoice_no, i.customer_code, c.name AS customer_name, c.pc, i.period, i.series, i.number, strftime(i.issued_on, '%Y-%m-%d') AS issued_on, strftime(i.due_on, '%Y-%m-%d') AS due_on,
       i.amount_vnd, i.amount_vnd - coalesce((SELECT sum(a.amount_vnd) FROM allocations a WHERE a.invoice_no = i.invoice_no), 0) AS residual_vnd
FROM invoices i LEFT JOIN customers c USING (customer_code)
WHERE i.invoice_no = $invoice
