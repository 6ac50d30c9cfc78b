-- Only live payments allocate: never a reversal/refund record, nor a voided or unidentified payment.
SELECT a.payment_id, pm.partner_id, pm.txn_ref, pm.route, a.invoice_no, a.amount_vnd
FROM allocations a
JOIN payment_match pm USING (payment_id)
WHERE pm.route <> 'allocate'
