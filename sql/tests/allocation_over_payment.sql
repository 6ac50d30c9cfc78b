-- Σ allocations of a payment never exceed what it can allocate (its amount less refunds).
-- The sums are checked on ids and amounts (setup/sums.sql); partner and transaction id are
-- fetched for offenders only.
SELECT o.payment_id, p.partner_id, p.txn_ref, o.effective_vnd, o.allocated_vnd
FROM dt_payment o
LEFT JOIN payments p USING (payment_id)
WHERE o.over_payment
