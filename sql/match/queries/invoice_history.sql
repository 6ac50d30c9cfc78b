-- An invoice's residual after each allocation, in the order payments took their turns.
SELECT p.partner_id, p.txn_ref, strftime(p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS paid_at_local, a.rule, a.amount_vnd,
       i.amount_vnd - sum(a.amount_vnd) OVER (ORDER BY p.paid_at, p.partner_id, txn_number(p.txn_ref), p.txn_ref ROWS UNBOUNDED PRECEDING) AS residual_after
FROM allocations a
JOIN payments p USING (payment_id)
JOIN invoices i USING (invoice_no)
WHERE a.invoice_no = $invoice
ORDER BY p.paid_at, p.partner_id, txn_number(p.txn_ref), p.txn_ref
