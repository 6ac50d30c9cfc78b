-- Rule 9: a mistyped code. An unidentified payment whose claimed code is one substitution or one
-- adjacent transposition away from a real code, whose customer has an open invoice with a
-- residual equal to the amount when the payment was made, is NOT applied: it becomes a suggested_match exception naming that
-- invoice. Candidates are found through the amount first (cheap, selective), then the code distance.
-- Confidence 0.9 for a single candidate customer, 0.5 when several customers fit equally.

CREATE OR REPLACE TEMP TABLE m_typo AS
SELECT payment_id, claimed_code, effective_vnd AS x, paid_at, partner_id, txn_ref
FROM payment_match WHERE route = 'unidentified' AND claimed_code IS NOT NULL;

-- The residual is taken at the payment's own time: allocations of earlier payments count, later
-- ones do not (the time rule), so the result does not depend on what was paid afterwards.
CREATE OR REPLACE TEMP TABLE m_typo_match AS
WITH cand0 AS (
  SELECT t.payment_id, t.claimed_code, t.paid_at, t.partner_id, t.txn_ref,
         i.invoice_no, i.customer_code, i.period, i.issued_on
  FROM m_typo t
  JOIN invoices i ON i.amount_vnd = t.x
  WHERE length(i.customer_code) = length(t.claimed_code)
    AND damerau_levenshtein(i.customer_code, t.claimed_code) = 1
), taken AS (
  SELECT a.invoice_no, pm.paid_at, pm.partner_id, pm.txn_ref
  FROM allocations a JOIN payment_match pm USING (payment_id)
  WHERE a.invoice_no IN (SELECT invoice_no FROM cand0)
), cand AS (
  SELECT c.* FROM cand0 c
  WHERE NOT EXISTS (
    SELECT 1 FROM taken k
    WHERE k.invoice_no = c.invoice_no
      AND (k.paid_at < c.paid_at OR (k.paid_at = c.paid_at AND (k.partner_id < c.partner_id
           OR (k.partner_id = c.partner_id AND k.txn_ref < c.txn_ref)))))
)
SELECT payment_id, any_value(claimed_code) AS claimed_code,
       arg_min(invoice_no, (period, issued_on, invoice_no, customer_code)) AS invoice_no,
       arg_min(customer_code, (period, issued_on, invoice_no, customer_code)) AS customer_code,
       CASE WHEN count(DISTINCT customer_code) = 1 THEN 0.9 ELSE 0.5 END AS confidence,
       count(DISTINCT customer_code) AS candidates
FROM cand GROUP BY payment_id;

INSERT INTO exceptions (payment_id, reason, amount_vnd, suggested_invoice_no, confidence, detail)
SELECT m.payment_id, 'suggested_match', t.x, m.invoice_no, m.confidence,
       'customer code ' || m.claimed_code || ' does not exist; ' || m.customer_code
       || ' differs by one character and owes exactly this amount on invoice ' || m.invoice_no
       || CASE WHEN m.candidates > 1 THEN ' (' || CAST(m.candidates AS VARCHAR) || ' customers fit)' ELSE '' END
FROM m_typo_match m JOIN m_typo t USING (payment_id);
