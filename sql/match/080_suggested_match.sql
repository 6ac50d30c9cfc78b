-- Rule 9: a mistyped code. An unidentified payment whose claimed code is one substitution or one
-- adjacent transposition away from a real code, whose customer has an invoice with a residual equal
-- to the amount when the payment was made, or owes exactly the amount in all (arrears + current,
-- the open residuals of its invoices summed), is NOT applied: it becomes a suggested_match exception
-- naming that invoice (for a total, the oldest invoice then open). Confidence 0.9 for a single
-- candidate customer, 0.5 when several fit equally.
-- The claimed code may also be a real customer's that had nothing to take when its turn came
-- (m_typo_known, 065 and 070): no invoice at all (no_open_invoice), or invoices all settled by
-- earlier payments while the amount is neither one of them nor all of them (a customer paying
-- twice stays duplicate_payment). A typo that lands on another real code is the likelier story
-- when a neighbour owes exactly the amount, but the payer did name an existing customer: the
-- suggestion replaces that exception with half the confidence (0.45, or 0.25 when several fit),
-- and its detail says what the named customer had.

CREATE OR REPLACE TEMP TABLE m_typo AS
SELECT r.payment_id, r.claimed_code, r.effective_vnd AS x, p.paid_at, p.partner_id, p.txn_ref, CAST(NULL AS VARCHAR) AS known_why
FROM m_unidentified r JOIN payments p USING (payment_id)
WHERE r.claimed_code IS NOT NULL
UNION ALL
SELECT k.payment_id, k.account, k.x, p.paid_at, p.partner_id, p.txn_ref, k.why
FROM m_typo_known k JOIN payments p USING (payment_id);

-- Candidates are found by the amount, not by the code: an invoice can owe exactly x at the
-- payment's time only if its amount is x (nothing taken yet) or one of the residuals it was left
-- with by a partial allocation (m_state) is x. That is one scan of invoices against a hash of the
-- few typo payments' amounts; the code test then runs only on those pairs.
CREATE OR REPLACE TEMP TABLE m_typo_pair AS
SELECT t.payment_id, i.invoice_no FROM m_typo t JOIN invoices i ON i.amount_vnd = t.x
UNION
SELECT t.payment_id, s.invoice_no FROM m_typo t JOIN m_state s ON s.residual = t.x;

-- Same length and Damerau distance 1 is exactly one substitution or one adjacent transposition.
-- One CASE expression, so that the planner cannot turn the length test into a join on length.
CREATE OR REPLACE TEMP TABLE m_typo_cand AS
SELECT t.payment_id, t.claimed_code, t.x, t.paid_at, t.partner_id, t.txn_ref,
       i.invoice_no, i.customer_code, i.period, i.issued_on, i.amount_vnd
FROM m_typo_pair b
JOIN m_typo t USING (payment_id)
JOIN invoices i USING (invoice_no)
WHERE CASE WHEN length(i.customer_code) = length(t.claimed_code)
           THEN damerau_levenshtein(i.customer_code, t.claimed_code) = 1 ELSE false END;

-- Customers owing the amount in all: found the same way, by amount, among the totals an account
-- of several invoices can owe (m_typo_total, 060 and 070), then the code test, then every invoice
-- of the few accounts left.
CREATE OR REPLACE TEMP TABLE m_typo_acct AS
SELECT DISTINCT t.payment_id, s.account
FROM m_typo t JOIN m_typo_total s ON s.total_vnd = t.x
WHERE CASE WHEN length(s.account) = length(t.claimed_code)
           THEN damerau_levenshtein(s.account, t.claimed_code) = 1 ELSE false END;

CREATE OR REPLACE TEMP TABLE m_typo_acct_inv AS
SELECT t.payment_id, t.claimed_code, t.x, t.paid_at, t.partner_id, t.txn_ref,
       i.invoice_no, i.customer_code, i.period, i.issued_on, i.amount_vnd
FROM m_typo_acct c
JOIN m_typo t USING (payment_id)
JOIN invoices i ON i.customer_code = c.account;

-- The residual is taken at the payment's own time: allocations of earlier payments count, later
-- ones do not (the time rule), so the result does not depend on what was paid afterwards.
CREATE OR REPLACE TEMP TABLE m_typo_match AS
WITH cand AS (
  SELECT *, false AS whole FROM m_typo_cand
  UNION ALL
  SELECT *, true AS whole FROM m_typo_acct_inv
), taken AS (
  SELECT c.payment_id, c.invoice_no, sum(a.amount_vnd) AS taken_vnd
  FROM (SELECT DISTINCT payment_id, invoice_no, paid_at, partner_id, txn_ref FROM cand) c
  JOIN m_allocations a ON a.invoice_no = c.invoice_no
  JOIN payments pm ON pm.payment_id = a.payment_id
  -- Earlier in the time order (050): paid time, partner id, transaction id (txn_number, then text).
  -- Written out, not as a row comparison: that becomes an inequality join condition (a nested loop).
  WHERE pm.paid_at < c.paid_at
     OR (pm.paid_at = c.paid_at AND (pm.partner_id < c.partner_id OR (pm.partner_id = c.partner_id
         AND (txn_number(pm.txn_ref) < txn_number(c.txn_ref)
              OR (txn_number(pm.txn_ref) = txn_number(c.txn_ref) AND pm.txn_ref < c.txn_ref)))))
  GROUP BY ALL
), open AS (
  SELECT c.*, c.amount_vnd - coalesce(k.taken_vnd, 0) AS residual
  FROM cand c LEFT JOIN taken k USING (payment_id, invoice_no)
), fit AS (
  -- One invoice owing the amount; or a customer owing it in all, named by its invoices then open.
  SELECT * EXCLUDE (residual) FROM open WHERE NOT whole AND residual = x
  UNION ALL
  SELECT * EXCLUDE (residual, total)
  FROM (SELECT *, sum(residual) OVER (PARTITION BY payment_id, customer_code) AS total FROM open WHERE whole)
  WHERE total = x AND residual > 0
), per_customer AS (
  -- Each customer that fits with its oldest invoice that does: when several fit, the detail names
  -- them all, so an auditor is not left with the one the age of an invoice picked (before, only
  -- "2 customers fit", the other unnamed).
  SELECT payment_id, customer_code, arg_min(invoice_no, (period, issued_on, invoice_no)) AS invoice_no
  FROM fit GROUP BY payment_id, customer_code
), named AS (
  SELECT payment_id, string_agg(customer_code || ' on invoice ' || invoice_no, ', ' ORDER BY customer_code) AS fits
  FROM per_customer GROUP BY payment_id HAVING count(*) > 1
)
SELECT f.payment_id, any_value(f.claimed_code) AS claimed_code,
       arg_min(f.invoice_no, (f.period, f.issued_on, f.invoice_no, f.customer_code)) AS invoice_no,
       arg_min(f.customer_code, (f.period, f.issued_on, f.invoice_no, f.customer_code)) AS customer_code,
       arg_min(f.whole, (f.period, f.issued_on, f.invoice_no, f.customer_code, f.whole)) AS whole,
       CASE WHEN count(DISTINCT f.customer_code) = 1 THEN 0.9 ELSE 0.5 END AS confidence,
       count(DISTINCT f.customer_code) AS candidates,
       any_value(n.fits) AS fits
FROM fit f LEFT JOIN named n USING (payment_id)
GROUP BY f.payment_id;

-- A known customer's no_open_invoice or duplicate_payment gives way to the suggestion.
DELETE FROM m_exceptions
WHERE payment_id IN (SELECT m.payment_id FROM m_typo_match m JOIN m_typo t USING (payment_id) WHERE t.known_why IS NOT NULL);

INSERT INTO m_exceptions (payment_id, reason, amount_vnd, suggested_invoice_no, confidence, detail)
SELECT m.payment_id, 'suggested_match', t.x, m.invoice_no,
       CASE WHEN t.known_why IS NULL THEN m.confidence ELSE round(m.confidence * 0.5, 4) END,
       CASE t.known_why
         WHEN 'none' THEN 'customer ' || m.claimed_code || ' exists but has no invoice; '
         WHEN 'settled' THEN 'customer ' || m.claimed_code || ' exists but its invoices were settled by earlier payments, none of this amount; '
         ELSE 'customer code ' || shown_code(m.claimed_code) || ' does not exist; ' END
       || m.customer_code || ' differs by one character and owes exactly this amount'
       || CASE WHEN m.whole THEN ' in all, oldest open invoice ' ELSE ' on invoice ' END || m.invoice_no
       || CASE WHEN m.candidates > 1 THEN ' (' || CAST(m.candidates AS VARCHAR) || ' customers fit: ' || m.fits || ')' ELSE '' END
       || CASE WHEN t.known_why IS NOT NULL THEN '; a typo onto another real code? not applied' ELSE '' END
FROM m_typo_match m JOIN m_typo t USING (payment_id);
