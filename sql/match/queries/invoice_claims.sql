-- Payments that name an invoice (reference, decision or suggestion) without being allocated to it;
-- a reference naming it among several invoices (ambiguous, or several of one customer) counts too.
-- amount_vnd is what the payment carried; effective_vnd what it could allocate (0 when void).
SELECT pm.partner_id, pm.txn_ref, strftime(pm.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS paid_at_local,
       pm.amount_vnd, pm.effective_vnd, pm.void_reason,
       CASE WHEN pm.decision_invoice_no = $invoice THEN 'decision'
            WHEN pm.ref_invoice_no = $invoice THEN 'invoice_ref'
            WHEN list_contains(pm.ref_candidates, $invoice) THEN 'invoice_ref (' || pm.ref_status || ')'
            ELSE e.reason END AS named_by,
       e.reason AS exception_reason
FROM payment_match pm
LEFT JOIN exceptions e USING (payment_id)
WHERE (pm.ref_invoice_no = $invoice OR pm.decision_invoice_no = $invoice OR e.suggested_invoice_no = $invoice
       OR list_contains(pm.ref_candidates, $invoice))
  AND pm.payment_id NOT IN (SELECT payment_id FROM allocations WHERE invoice_no = $invoice)
ORDER BY pm.paid_at, pm.partner_id, txn_number(pm.txn_ref), pm.txn_ref
