-- The invoices a reference named when it named more than one (ref_status several_invoices or
-- ambiguous, from the field or the memo), sorted; NULL otherwise. Explain lists them with their
-- customers, so an auditor can see which invoices a payment's text could mean and decide (before,
-- explain said only that the reference matched several invoices). Added at the end of the view.
ALTER TABLE payment_match_facts ADD COLUMN ref_candidates VARCHAR[];

DROP VIEW payment_match;

CREATE VIEW payment_match AS
SELECT f.payment_id, p.partner_id, p.txn_ref, p.kind, p.paid_at, p.amount_vnd,
       f.refunded_vnd, f.effective_vnd, f.route, f.void_reason, f.original_payment_id, f.decision_id,
       f.decision_action, f.decision_invoice_no, f.claimed_code, f.code_source, f.code_known,
       f.qr_status, f.ref_status, f.ref_invoice_no, f.ref_customer_code, f.account,
       f.target_invoice_no, f.target_rule, f.target_confidence, f.code_factor, f.seq, f.ref_candidates
FROM payment_match_facts f
JOIN payments p USING (payment_id)
UNION ALL
SELECT p.payment_id, p.partner_id, p.txn_ref, p.kind, p.paid_at, p.amount_vnd,
       CAST(0 AS BIGINT), p.amount_vnd, 'allocate', NULL::VARCHAR, NULL::BIGINT, NULL::BIGINT,
       NULL::VARCHAR, NULL::VARCHAR, upper(trim(p.customer_code)), 'field', true,
       NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, upper(trim(p.customer_code)),
       NULL::VARCHAR, NULL::VARCHAR, NULL::DOUBLE, CAST(1.0 AS DOUBLE), CAST(1 AS INTEGER), NULL::VARCHAR[]
FROM payment_match_plain x
JOIN payments p USING (payment_id);
