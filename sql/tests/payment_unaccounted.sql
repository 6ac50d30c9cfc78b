-- Every loaded payment is accounted for: a reversal or refund record, voided by one, or its
-- allocations plus its exceptions (at most one open, and the dismissed ones) cover exactly what it
-- can allocate.
-- It has exactly one row in payment_match. The check runs on ids and amounts (setup/sums.sql);
-- the payment's identity is fetched for offenders only.
SELECT o.payment_id, p.partner_id, p.txn_ref, p.kind, p.amount_vnd, o.route, o.effective_vnd,
       o.allocated_vnd, o.exceptions, o.exception_vnd
FROM dt_payment o
JOIN payments p USING (payment_id)
WHERE o.unaccounted
