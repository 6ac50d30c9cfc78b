-- Rules 3–7 and 10 for the uncontested accounts (060): one payment and at most one invoice, which
-- owes its whole amount (no other payment can have taken any of it). No order, no window and no
-- turn can change their outcome, so they are settled here in one set-based pass; the results are
-- those the turn (070) gives a lone payment against a lone invoice:
--   the invoice is the target (decision or reference, rule 3) → it takes min(amount, residual);
--   else amount = residual → rule 4; less → rule 6 (partial); more → rule 7 (the invoice is paid);
--   more than the residual, either way → the rest is customer credit (overpayment_credit);
--   no invoice at all → no_open_invoice (rule 10).
-- The allocations are inserted straight from the join: a working table of every uncontested
-- payment cost more to write than the join costs to run. Only the few that leave something over
-- (an exception, or a residual for rule 9) are kept, for the two statements after.

INSERT INTO m_allocations (payment_id, invoice_no, amount_vnd, rule, confidence)
SELECT p.payment_id, i.invoice_no, least(p.x, i.amount_vnd),
       CASE WHEN i.invoice_no = p.target_invoice_no THEN p.target_rule
            WHEN p.x = i.amount_vnd THEN 'amount_equals_invoice'
            WHEN p.x < i.amount_vnd THEN 'oldest_first_partial'
            ELSE 'overpayment' END,
       CASE WHEN i.invoice_no = p.target_invoice_no THEN p.target_confidence
            ELSE round(CASE WHEN p.x = i.amount_vnd THEN 0.98 WHEN p.x < i.amount_vnd THEN 0.9 ELSE 0.85 END * p.code_factor, 4) END
FROM m_pay p
JOIN m_inv i USING (account)
WHERE p.account NOT IN (SELECT account FROM m_contested);

CREATE OR REPLACE TEMP TABLE m_fast_rest AS
SELECT p.payment_id, p.account, p.x, i.invoice_no, i.amount_vnd AS residual, least(p.x, i.amount_vnd) AS alloc
FROM m_pay p
LEFT JOIN m_inv i USING (account)
WHERE p.account NOT IN (SELECT account FROM m_contested)
  AND (i.invoice_no IS NULL OR p.x <> i.amount_vnd);

INSERT INTO m_exceptions (payment_id, reason, amount_vnd, detail)
SELECT payment_id,
       CASE WHEN invoice_no IS NULL THEN 'no_open_invoice' ELSE 'overpayment_credit' END,
       CASE WHEN invoice_no IS NULL THEN x ELSE x - alloc END,
       CASE WHEN invoice_no IS NULL THEN 'customer ' || account || ' has no invoice'
            ELSE 'paid ' || CAST(x AS VARCHAR) || ' đ, ' || CAST(alloc AS VARCHAR) || ' đ allocated; the rest is customer credit' END
FROM m_fast_rest WHERE invoice_no IS NULL OR x > residual;

INSERT INTO m_state
SELECT invoice_no, residual - alloc FROM m_fast_rest WHERE invoice_no IS NOT NULL AND residual > alloc;

-- Rule 9 on a known customer without any invoice (060: m_typo_known); its amount joins those whose
-- totals are kept, and the totals before any payment are kept now that every such amount is known.
INSERT INTO m_typo_known
SELECT payment_id, account, x, 'none' FROM m_fast_rest WHERE invoice_no IS NULL;

INSERT INTO m_typo_amount
SELECT DISTINCT x FROM m_fast_rest WHERE invoice_no IS NULL AND x NOT IN (SELECT x FROM m_typo_amount);

INSERT INTO m_typo_total
SELECT account, total_vnd FROM m_inv_n WHERE total_vnd IN (SELECT x FROM m_typo_amount);

DROP VIEW m_inv;
DROP TABLE m_inv_n;
DROP TABLE m_contested;
DROP TABLE m_fast_rest;
DROP TABLE m_pay;
