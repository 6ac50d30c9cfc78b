-- Every loaded payment is accounted for: a reversal or refund record, voided by one, or its
-- allocations plus at most one exception (open or dismissed) cover exactly what it can allocate.
-- The check runs on ids and amounts; the payment's identity is fetched for offenders only.
WITH alloc AS (
  SELECT payment_id, sum(amount_vnd) AS allocated_vnd FROM allocations GROUP BY payment_id
), exc AS (
  SELECT payment_id, count(*) AS exceptions, sum(amount_vnd) AS exception_vnd FROM exceptions GROUP BY payment_id
), offending AS (
  SELECT p.payment_id, pm.route, pm.effective_vnd,
         coalesce(alloc.allocated_vnd, 0) AS allocated_vnd, coalesce(exc.exceptions, 0) AS exceptions,
         coalesce(exc.exception_vnd, 0) AS exception_vnd
  FROM (SELECT payment_id FROM payments) p
  LEFT JOIN (SELECT payment_id, route, effective_vnd FROM payment_match) pm USING (payment_id)
  LEFT JOIN alloc USING (payment_id)
  LEFT JOIN exc USING (payment_id)
  WHERE pm.payment_id IS NULL
     OR (pm.route NOT IN ('adjustment', 'void')
         AND (coalesce(exc.exceptions, 0) > 1
              OR coalesce(alloc.allocated_vnd, 0) + coalesce(exc.exception_vnd, 0) <> pm.effective_vnd))
)
SELECT o.payment_id, p.partner_id, p.txn_ref, p.kind, p.amount_vnd, o.route, o.effective_vnd,
       o.allocated_vnd, o.exceptions, o.exception_vnd
FROM offending o
JOIN payments p USING (payment_id)
