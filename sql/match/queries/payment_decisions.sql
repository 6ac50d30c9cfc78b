-- Every decision ever recorded for a payment identity, oldest first; the last one is in force.
-- The time is shown in Asia/Ho_Chi_Minh, like every time recon prints (stored in UTC).
SELECT decision_id, action, invoice_no, decided_by, reason, closed_reason, closed_vnd, closed_invoice_no, closed_refunded_vnd,
       strftime(decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS decided_at_local, run_id
FROM decisions WHERE partner_id = $partner AND txn_ref = $txn
ORDER BY decided_at, decision_id
