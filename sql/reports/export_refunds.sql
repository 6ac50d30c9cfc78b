-- Export: duplicate payments due back to the payer: open duplicate_payment exceptions of payments
-- paid at or before the end of $as_of. invoice_no is the invoice that was already settled; the
-- customer is that invoice's, else the customer matching identified (its account: a code read from
-- a memo, a VietQR payload or a reference counts; a duplicate whose amount is none of the
-- customer's invoices names no settled invoice, and a memo-identified one carried no code, so the
-- money due back had no customer, PC or unit before), else the code the payment carried. A
-- payment without a row in payment_match_facts is a plain one: its code field named its customer.
SELECT p.partner_id, p.txn_ref, e.suggested_invoice_no AS invoice_no, e.amount_vnd, e.reason,
       coalesce(i.customer_code, m.account, p.customer_code) AS customer_code,
       pc_of(coalesce(i.customer_code, m.account, p.customer_code)) AS pc,
       unit_of(coalesce(i.customer_code, m.account, p.customer_code)) AS unit, p.instrument,
       CAST(p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS TIMESTAMP) AS paid_at_local,
       p.memo, f.file_name AS source_file, p.line_no AS source_line
FROM exceptions e
JOIN payments p ON p.payment_id = e.payment_id
LEFT JOIN invoices i ON i.invoice_no = e.suggested_invoice_no
LEFT JOIN payment_match_facts m ON m.payment_id = e.payment_id
LEFT JOIN source_files f ON f.file_id = p.file_id
WHERE e.reason = 'duplicate_payment' AND e.status = 'open'
  AND p.paid_at < timezone('Asia/Ho_Chi_Minh', ($as_of::DATE + 1)::TIMESTAMP)
ORDER BY p.partner_id, txn_number(p.txn_ref), p.txn_ref;
