-- Rules 3–7 and 10 for one turn (the session variable match_turn): the turn-th payment of every contested account
-- (060), against its account's residuals as earlier turns left them. The rules classify how the payment is matched:
--   3  the targeted invoice (decision or reference) is open → it takes min(amount, residual); what
--      is left (or all of it, when the target is already settled) goes on through 4–7 on the same
--      customer, so a reference never blocks the customer's other open invoices;
--   4  an open residual equals the amount → that invoice (the oldest of equals);
--   5  the amount equals the total open residual → every open invoice;
--   6  less than the total → oldest first, the last invoice partially;
--   7  more than the total → every open invoice, the rest is customer credit (overpayment_credit);
--   10 the customer had nothing open when the payment's turn came: duplicate_payment (its invoices
--      were settled by earlier payments; refund due), or no_open_invoice when it has no invoice.

CREATE OR REPLACE TEMP TABLE m_turn AS
SELECT payment_id, account, x, target_invoice_no, target_several, target_rule, target_confidence, code_factor
FROM m_pay_turn
WHERE seq = getvariable('match_turn');

CREATE OR REPLACE TEMP TABLE m_pair AS
SELECT t.*, o.invoice_no, o.ord, o.amount_vnd AS invoice_vnd, coalesce(o.residual, 0) AS residual, coalesce(o.n_inv, 0) AS n_inv,
       coalesce(o.invoice_no = t.target_invoice_no OR list_contains(t.target_several, o.invoice_no), false) AS is_target
FROM m_turn t LEFT JOIN m_open o ON o.account = t.account;

-- Stage A (rule 3) per payment: what the targets take. One target (a decision, a reference naming
-- one invoice) takes min(amount, its residual); several (a reference naming several invoices of the
-- customer, 040) are paid oldest first, the last one reached partially. t_open: the targets' open
-- residual; t_before: that of the targets older than the row's invoice.
CREATE OR REPLACE TEMP TABLE m_view AS
WITH a AS (
  -- Accounts with one invoice (or none): no window needed.
  SELECT *, 0 AS older_open, residual AS total_open,
         CASE WHEN is_target THEN greatest(residual, 0) ELSE 0 END AS t_open, 0 AS t_before
  FROM m_pair WHERE n_inv <= 1
  UNION ALL
  SELECT *,
         coalesce(sum(residual) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
         sum(residual) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
         sum(CASE WHEN is_target THEN greatest(residual, 0) ELSE 0 END)
           OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
         coalesce(sum(CASE WHEN is_target THEN greatest(residual, 0) ELSE 0 END)
           OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
  FROM m_pair WHERE n_inv > 1
  WINDOW w AS (PARTITION BY payment_id ORDER BY ord)
), b AS (
  -- Stage B (rules 4–7, 10): the rest r, on the residuals stage A left.
  SELECT *,
         x - t_alloc AS r,
         residual - alloc_a AS residual_b,
         total_open - t_alloc AS total_b,
         older_open - least(t_before, x) AS older_b
  FROM (SELECT *, least(x, t_open) AS t_alloc,
               CASE WHEN is_target THEN greatest(least(greatest(residual, 0), x - t_before), 0) ELSE 0 END AS alloc_a
        FROM a)
), e AS (
  SELECT *, CASE WHEN residual_b = r THEN ord END AS exact_ord FROM b WHERE n_inv <= 1
  UNION ALL
  SELECT *, min(CASE WHEN residual_b = r THEN ord END) OVER (PARTITION BY payment_id) FROM b WHERE n_inv > 1
), m AS (
  SELECT *,
         CASE WHEN r = 0 THEN 'none'
              WHEN total_b = 0 THEN
                CASE WHEN t_alloc > 0 THEN 'credit' WHEN invoice_no IS NOT NULL THEN 'duplicate' ELSE 'none_open' END
              WHEN exact_ord IS NOT NULL THEN 'exact'
              WHEN r = total_b THEN 'all'
              WHEN r < total_b THEN 'fifo'
              ELSE 'over' END AS mode
  FROM e
)
SELECT *,
       CASE mode
         WHEN 'exact' THEN CASE WHEN ord = exact_ord THEN r ELSE 0 END
         WHEN 'all' THEN residual_b
         WHEN 'fifo' THEN greatest(least(residual_b, r - older_b), 0)
         WHEN 'over' THEN residual_b
         ELSE 0 END AS alloc_b,
       alloc_a + alloc_b AS alloc
FROM m;

-- Confidence: how sure the allocation is what the payer meant (README "match"): the rule's own
-- certainty times how surely the customer was identified.
INSERT INTO m_allocations (payment_id, invoice_no, amount_vnd, rule, confidence)
SELECT payment_id, invoice_no, alloc_a, target_rule, target_confidence
FROM m_view WHERE alloc_a > 0
UNION ALL
SELECT payment_id, invoice_no, alloc_b,
       CASE mode WHEN 'exact' THEN 'amount_equals_invoice' WHEN 'all' THEN 'amount_equals_open_total'
                 WHEN 'fifo' THEN 'oldest_first_partial' ELSE 'overpayment' END,
       round(CASE mode WHEN 'exact' THEN 0.98 WHEN 'all' THEN 0.97 WHEN 'fifo' THEN 0.9 ELSE 0.85 END * code_factor, 4)
FROM m_view WHERE alloc_b > 0;

INSERT INTO m_exceptions (payment_id, reason, amount_vnd, suggested_invoice_no, detail)
SELECT payment_id,
       CASE any_value(mode) WHEN 'duplicate' THEN 'duplicate_payment' WHEN 'none_open' THEN 'no_open_invoice'
            ELSE 'overpayment_credit' END,
       any_value(x) - sum(alloc),
       -- The related invoice of a duplicate: the one it named; of several named (040), the newest
       -- of them of exactly its amount, else the newest of them (the payer's own words; before,
       -- none when no invoice of the customer had exactly its amount); else the newest of the
       -- customer's invoices of exactly its amount (the bill a payer paying it again most likely
       -- meant; before, the greatest invoice_no, which could name last month's bill for this
       -- month's payment).
       CASE any_value(mode) WHEN 'duplicate' THEN coalesce(any_value(target_invoice_no),
                                                           arg_max(invoice_no, ord) FILTER (WHERE is_target AND invoice_vnd = x),
                                                           arg_max(invoice_no, ord) FILTER (WHERE is_target),
                                                           arg_max(invoice_no, ord) FILTER (WHERE invoice_vnd = x)) END,
       CASE any_value(mode)
         WHEN 'duplicate' THEN 'customer ' || any_value(account) || ' has no open invoice left: its invoices were settled by earlier payments; refund due'
         WHEN 'none_open' THEN 'customer ' || any_value(account) || ' has no invoice'
         ELSE 'paid ' || CAST(any_value(x) AS VARCHAR) || ' đ, ' || CAST(sum(alloc) AS VARCHAR) || ' đ allocated; the rest is customer credit' END
FROM m_view
WHERE mode IN ('duplicate', 'none_open', 'credit', 'over')
GROUP BY payment_id
HAVING sum(alloc) < any_value(x);

INSERT INTO m_state
SELECT invoice_no, residual - alloc FROM m_view WHERE alloc > 0 AND residual > alloc;

-- Rule 9 on a known customer with nothing open (060: m_typo_known): no invoice at all, or invoices
-- settled by earlier payments when the amount is neither one of them nor all of them together and
-- no invoice was named (those are a customer paying twice: duplicate_payment stays).
INSERT INTO m_typo_known
SELECT payment_id, any_value(account), any_value(x), CASE any_value(mode) WHEN 'none_open' THEN 'none' ELSE 'settled' END
FROM m_view
WHERE mode IN ('duplicate', 'none_open') AND target_invoice_no IS NULL AND target_several IS NULL
GROUP BY payment_id
HAVING any_value(mode) = 'none_open'
    OR (count(*) FILTER (WHERE invoice_vnd = x) = 0 AND sum(invoice_vnd) <> any_value(x));

-- The totals this turn left to accounts of several invoices, where a mistyped payment's amount
-- equals one (060). Stage B allocates min(r, total_b) whatever its mode, so the total left is
-- greatest(total_b - r, 0) on every row of the payment: read on its first row, no grouping.
INSERT INTO m_typo_total
SELECT account, greatest(total_b - r, 0)
FROM m_view
WHERE n_inv > 1 AND ord = 1 AND greatest(total_b - r, 0) IN (SELECT x FROM m_typo_amount);

-- Residuals after this turn, kept only for accounts that still have turns to come.
CREATE OR REPLACE TEMP TABLE m_open AS
SELECT o.account, o.invoice_no, o.amount_vnd, o.residual - coalesce(a.alloc, 0) AS residual, o.ord, o.n_inv
FROM m_open o
LEFT JOIN (SELECT invoice_no, sum(alloc) AS alloc FROM m_view WHERE alloc > 0 GROUP BY invoice_no) a USING (invoice_no)
WHERE o.account IN (SELECT account FROM m_turns WHERE turns > getvariable('match_turn'));
