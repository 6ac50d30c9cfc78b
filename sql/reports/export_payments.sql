-- Export: payment records (every kind) paid in the billing period's calendar month, up to the
-- as-of date when that comes first (in_partner_window, sql/common/identifiers.sql; the partner
-- scorecard's window), with what matching made of each: the amount allocated (to any period) and
-- its exception reasons.
WITH p AS (
  SELECT * FROM payments
  WHERE in_partner_window(paid_at, $period, $as_of)
),
alloc AS (
  SELECT a.payment_id, sum(a.amount_vnd) AS allocated_vnd FROM allocations a JOIN p USING (payment_id) GROUP BY a.payment_id
),
exc AS (
  SELECT e.payment_id, string_agg(DISTINCT e.reason, ';' ORDER BY e.reason) AS exception_reasons
  FROM exceptions e JOIN p USING (payment_id) GROUP BY e.payment_id
)
SELECT p.partner_id, p.txn_ref, p.kind, p.amount_vnd, p.reverses_txn_ref, p.customer_code, p.invoice_ref, p.instrument,
       CAST(p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS TIMESTAMP) AS paid_at_local,
       p.settled_on,
       coalesce(alloc.allocated_vnd, 0)::BIGINT AS allocated_vnd, exc.exception_reasons,
       p.memo, p.agent_id, f.file_name AS source_file, p.line_no AS source_line
FROM p
LEFT JOIN alloc ON alloc.payment_id = p.payment_id
LEFT JOIN exc ON exc.payment_id = p.payment_id
LEFT JOIN source_files f ON f.file_id = p.file_id
ORDER BY p.partner_id, txn_number(p.txn_ref), p.txn_ref, p.kind;
