-- Σ allocations of a payment never exceed what it can allocate (its amount less refunds).
SELECT a.payment_id, pm.partner_id, pm.txn_ref, pm.effective_vnd, sum(a.amount_vnd) AS allocated_vnd
FROM allocations a
LEFT JOIN payment_match pm USING (payment_id)
GROUP BY a.payment_id, pm.partner_id, pm.txn_ref, pm.effective_vnd
HAVING pm.effective_vnd IS NULL OR sum(a.amount_vnd) > pm.effective_vnd
