-- Σ allocations of a payment never exceed what it can allocate (its amount less refunds).
-- The sums are checked on ids and amounts; partner and transaction id are fetched for offenders only.
WITH allocated AS (
  SELECT payment_id, sum(amount_vnd) AS allocated_vnd FROM allocations GROUP BY payment_id
), offending AS (
  SELECT a.payment_id, pm.effective_vnd, a.allocated_vnd
  FROM allocated a
  LEFT JOIN (SELECT payment_id, effective_vnd FROM payment_match) pm USING (payment_id)
  WHERE pm.effective_vnd IS NULL OR a.allocated_vnd > pm.effective_vnd
)
SELECT o.payment_id, p.partner_id, p.txn_ref, o.effective_vnd, o.allocated_vnd
FROM offending o
LEFT JOIN payments p USING (payment_id)
