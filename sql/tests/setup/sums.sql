-- Sums several data tests read, computed once per run (each was computed by two tests: at 10 M
-- payments a group-by of every allocation costs 3–5 s of CPU). src/match/data-tests.ts runs this
-- before the tests and drops the tables after them; to run one test by hand, run this first.

-- The invoices allocated to that some invoice test may flag: allocations per invoice, with the
-- invoice's amount (invoice_vnd NULL: no such invoice loaded). Only offenders of
-- allocation_over_invoice or allocation_unknown_invoice are kept.
CREATE OR REPLACE TEMP TABLE dt_invoice_alloc AS
SELECT a.invoice_no, a.allocated_vnd, i.amount_vnd AS invoice_vnd
FROM (SELECT invoice_no, sum(amount_vnd) AS allocated_vnd FROM allocations GROUP BY invoice_no) a
LEFT JOIN invoices i USING (invoice_no)
WHERE i.amount_vnd IS NULL OR a.allocated_vnd > i.amount_vnd;

-- The payments (and allocations' payment ids) some payment test may flag, with what they need.
-- Per payment: its rows in payment_match (read from the view's two tables directly: a plain
-- payment allocates its amount; reading the view would join payments twice more), its route and
-- what it can allocate, its allocations and exceptions. loaded = false: allocations of a payment id
-- that is not in payments. Only rows breaking one of the conditions of allocation_over_payment or
-- payment_unaccounted are kept, so the table stays small when the match is sound.
CREATE OR REPLACE TEMP TABLE dt_payment AS
WITH alloc AS (
  SELECT payment_id, sum(amount_vnd) AS allocated_vnd FROM allocations GROUP BY payment_id
), exc AS (
  -- exceptions: the open ones (a payment has at most one). Dismissed ones may be several: each
  -- dismissal that recorded its amount keeps its own (a credit dismissed, then the duplicate the
  -- rest became), and a dismissal that recorded none closes the open one beside them (095); the
  -- amounts of all of them, with the allocations, must still make the payment's.
  SELECT payment_id, count(*) FILTER (WHERE status = 'open') AS exceptions,
         sum(amount_vnd) AS exception_vnd
  FROM exceptions GROUP BY payment_id
), pm AS (
  SELECT p.payment_id,
         (f.payment_id IS NOT NULL)::INTEGER + (x.payment_id IS NOT NULL)::INTEGER AS match_rows,
         CASE WHEN x.payment_id IS NOT NULL THEN 'allocate' ELSE f.route END AS route,
         CASE WHEN x.payment_id IS NOT NULL THEN p.amount_vnd ELSE f.effective_vnd END AS effective_vnd
  FROM payments p
  LEFT JOIN payment_match_facts f USING (payment_id)
  LEFT JOIN payment_match_plain x USING (payment_id)
), joined AS (
  SELECT coalesce(pm.payment_id, alloc.payment_id) AS payment_id,
         pm.payment_id IS NOT NULL AS loaded,
         alloc.payment_id IS NOT NULL AS has_allocations,
         pm.match_rows, pm.route, pm.effective_vnd,
         coalesce(alloc.allocated_vnd, 0) AS allocated_vnd,
         coalesce(exc.exceptions, 0) AS exceptions,
         coalesce(exc.exception_vnd, 0) AS exception_vnd
  FROM pm
  FULL JOIN alloc USING (payment_id)
  LEFT JOIN exc USING (payment_id)
)
SELECT *,
       has_allocations AND (effective_vnd IS NULL OR allocated_vnd > effective_vnd) AS over_payment,
       loaded AND (match_rows <> 1
                   OR (route NOT IN ('adjustment', 'void')
                       AND (exceptions > 1 OR allocated_vnd + exception_vnd <> effective_vnd))) AS unaccounted
FROM joined
WHERE (has_allocations AND (effective_vnd IS NULL OR allocated_vnd > effective_vnd))
   OR (loaded AND (match_rows <> 1
                   OR (route NOT IN ('adjustment', 'void')
                       AND (exceptions > 1 OR allocated_vnd + exception_vnd <> effective_vnd))));
