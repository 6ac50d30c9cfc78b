-- Exceptions of one payment record.
SELECT reason, status, amount_vnd, suggested_invoice_no, confidence, decision_id, detail
FROM exceptions WHERE payment_id = $payment_id
ORDER BY reason, status, decision_id
