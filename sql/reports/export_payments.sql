-- Export: payment records (every kind) paid in the billing period's calendar month, up to the
-- as-of date when that comes first (in_partner_window, sql/common/identifiers.sql; the partner
-- scorecard's window), with what matching made of each: the amount allocated (to any period), its
-- exception reasons, and whether reversals and refunds voided it or took part of it back (rule 1,
-- sql/match/010_reversals.sql): void_reason (reversed, or refunded in full), refunded_vnd (what its
-- refunds return, less what reversals of them took back) and adjusted_by (the reversal and refund
-- records naming it, whenever paid, in time order). Those are read from payment_match_facts, the
-- payment_match view's table of the payments that are not plain: a payment without a row there is
-- a plain one, which nothing reversed or refunded (the view gives it refunded_vnd 0, no void_reason);
-- joined to every payment of the window, the view would read every payment once more.
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
),
adj AS (
  SELECT f.original_payment_id AS payment_id,
         string_agg(r.kind || ' ' || r.txn_ref, ';' ORDER BY r.paid_at, txn_number(r.txn_ref), r.txn_ref, r.kind) AS adjusted_by
  FROM payment_match_facts f
  JOIN payments r USING (payment_id)
  WHERE f.original_payment_id IN (SELECT payment_id FROM p)
  GROUP BY f.original_payment_id
)
SELECT p.partner_id, p.txn_ref, p.kind, p.amount_vnd, p.reverses_txn_ref, p.customer_code, p.invoice_ref, p.instrument,
       CAST(p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS TIMESTAMP) AS paid_at_local,
       p.settled_on,
       coalesce(alloc.allocated_vnd, 0)::BIGINT AS allocated_vnd, exc.exception_reasons,
       p.memo, p.agent_id, f.file_name AS source_file, p.line_no AS source_line,
       m.void_reason, coalesce(m.refunded_vnd, 0)::BIGINT AS refunded_vnd, adj.adjusted_by
FROM p
LEFT JOIN alloc ON alloc.payment_id = p.payment_id
LEFT JOIN exc ON exc.payment_id = p.payment_id
LEFT JOIN payment_match_facts m ON m.payment_id = p.payment_id
LEFT JOIN adj ON adj.payment_id = p.payment_id
LEFT JOIN source_files f ON f.file_id = p.file_id
ORDER BY p.partner_id, txn_number(p.txn_ref), p.txn_ref, p.kind;
