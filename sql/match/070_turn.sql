-- Rules 3–7 and 10 for one turn (m_ctx.turn): the turn-th payment of every account, against its
-- account's residuals as earlier turns left them. The rules classify how the payment is matched:
--   3  the targeted invoice (decision or reference) is open → it takes min(amount, residual);
--      a settled target falls through to 4–7 on the same customer;
--   10 the account has nothing open: duplicate_payment when the payment names a settled invoice or
--      equals one (refund due), else no_open_invoice — nothing is allocated;
--   4  an open residual equals the amount → that invoice (the oldest of equals);
--   5  the amount equals the total open residual → every open invoice;
--   6  less than the total → oldest first, the last invoice partially;
--   7  more than the total → every open invoice, the rest is customer credit (overpayment_credit).
-- A targeted payment larger than its invoice's residual leaves the rest as overpayment_credit too.

CREATE OR REPLACE TEMP TABLE m_turn AS
SELECT payment_id, account, effective_vnd AS x, target_invoice_no, target_rule, target_confidence, code_factor
FROM payment_match
WHERE route = 'allocate' AND seq = (SELECT turn FROM m_ctx);

CREATE OR REPLACE TEMP TABLE m_pair AS
SELECT t.*, o.invoice_no, o.ord, o.amount_vnd AS invoice_vnd, coalesce(o.residual, 0) AS residual, coalesce(o.n_inv, 0) AS n_inv
FROM m_turn t LEFT JOIN m_open o ON o.account = t.account;

CREATE OR REPLACE TEMP TABLE m_view AS
WITH v AS (
  -- Accounts with one invoice (or none): no window needed.
  SELECT *, 0 AS older_open, residual AS total_open,
         CASE WHEN invoice_no = target_invoice_no THEN residual END AS target_residual,
         CASE WHEN residual = x THEN ord END AS exact_ord,
         CASE WHEN residual = 0 AND invoice_vnd = x THEN ord END AS settled_equal_ord
  FROM m_pair WHERE n_inv <= 1
  UNION ALL
  SELECT *,
         coalesce(sum(residual) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
         sum(residual) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
         max(CASE WHEN invoice_no = target_invoice_no THEN residual END)
           OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
         min(CASE WHEN residual = x THEN ord END)
           OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
         min(CASE WHEN residual = 0 AND invoice_vnd = x THEN ord END)
           OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  FROM m_pair WHERE n_inv > 1
  WINDOW w AS (PARTITION BY payment_id ORDER BY ord)
), m AS (
  SELECT *,
         CASE WHEN target_residual > 0 THEN 'target'
              WHEN total_open = 0 THEN
                CASE WHEN target_invoice_no IS NOT NULL OR settled_equal_ord IS NOT NULL THEN 'duplicate' ELSE 'none_open' END
              WHEN exact_ord IS NOT NULL THEN 'exact'
              WHEN x = total_open THEN 'all'
              WHEN x < total_open THEN 'fifo'
              ELSE 'over' END AS mode
  FROM v
)
SELECT *,
       CASE mode
         WHEN 'target' THEN CASE WHEN invoice_no = target_invoice_no THEN least(x, residual) ELSE 0 END
         WHEN 'exact' THEN CASE WHEN ord = exact_ord THEN x ELSE 0 END
         WHEN 'all' THEN residual
         WHEN 'fifo' THEN greatest(least(residual, x - older_open), 0)
         WHEN 'over' THEN residual
         ELSE 0 END AS alloc
FROM m;

-- Confidence: how sure the allocation is what the payer meant (README "match"): the rule's own
-- certainty times how surely the customer was identified.
INSERT INTO allocations (payment_id, invoice_no, amount_vnd, rule, confidence)
SELECT payment_id, invoice_no, alloc,
       CASE mode WHEN 'target' THEN target_rule WHEN 'exact' THEN 'amount_equals_invoice'
                 WHEN 'all' THEN 'amount_equals_open_total' WHEN 'fifo' THEN 'oldest_first_partial'
                 ELSE 'overpayment' END,
       round(CASE mode WHEN 'target' THEN target_confidence
                       WHEN 'exact' THEN 0.98 * code_factor
                       WHEN 'all' THEN 0.97 * code_factor
                       WHEN 'fifo' THEN 0.9 * code_factor
                       ELSE 0.85 * code_factor END, 4)
FROM m_view WHERE alloc > 0;

INSERT INTO exceptions (payment_id, reason, amount_vnd, suggested_invoice_no, detail)
SELECT payment_id,
       CASE any_value(mode) WHEN 'duplicate' THEN 'duplicate_payment' WHEN 'none_open' THEN 'no_open_invoice'
            ELSE 'overpayment_credit' END,
       any_value(x) - sum(alloc),
       CASE any_value(mode) WHEN 'duplicate'
            THEN coalesce(any_value(target_invoice_no), arg_min(invoice_no, ord) FILTER (WHERE ord = settled_equal_ord)) END,
       CASE any_value(mode)
         WHEN 'duplicate' THEN 'customer ' || any_value(account) || ' has no open invoice left: the invoice was settled by an earlier payment; refund due'
         WHEN 'none_open' THEN 'customer ' || any_value(account) || ' has no open invoice'
         ELSE 'paid ' || CAST(any_value(x) AS VARCHAR) || ' đ, ' || CAST(sum(alloc) AS VARCHAR) || ' đ allocated; the rest is customer credit' END
FROM m_view
WHERE mode IN ('target', 'duplicate', 'none_open', 'over')
GROUP BY payment_id
HAVING sum(alloc) < any_value(x);

-- Residuals after this turn, kept only for accounts that still have turns to come.
CREATE OR REPLACE TEMP TABLE m_open AS
SELECT o.account, o.invoice_no, o.amount_vnd, o.residual - coalesce(a.alloc, 0) AS residual, o.ord, o.n_inv
FROM m_open o
LEFT JOIN (SELECT invoice_no, sum(alloc) AS alloc FROM m_view WHERE alloc > 0 GROUP BY invoice_no) a USING (invoice_no)
WHERE o.account IN (SELECT account FROM m_turns WHERE turns > (SELECT turn FROM m_ctx));
