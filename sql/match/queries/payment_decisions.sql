-- Every decision ever recorded for a payment identity, oldest first; the last one is in force.
SELECT decision_id, action, invoice_no, decided_by, reason, decided_at, run_id
FROM decisions WHERE partner_id = $partner AND txn_ref = $txn
ORDER BY decided_at, decision_id
