-- Allocations of one payment record.
SELECT a.invoice_no, i.customer_code, i.period, a.amount_vnd, a.rule, a.confidence
FROM allocations a LEFT JOIN invoices i USING (invoice_no)
WHERE a.payment_id = $payment_id
ORDER BY i.period, i.issued_on, a.invoice_no
