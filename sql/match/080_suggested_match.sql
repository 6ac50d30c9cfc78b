-- Rule 9: a mistyped code. An unidentified payment whose claimed code is one substitution or one
-- adjacent transposition away from a real code, whose customer has an invoice with a residual equal
-- to the amount when the payment was made, is NOT applied: it becomes a suggested_match exception
-- naming that invoice. Confidence 0.9 for a single candidate customer, 0.5 when several fit equally.

CREATE OR REPLACE TEMP TABLE m_typo AS
SELECT payment_id, claimed_code, effective_vnd AS x, paid_at, partner_id, txn_ref
FROM payment_match WHERE route = 'unidentified' AND claimed_code IS NOT NULL;

-- Every code one edit away from the claimed code (codes are upper-case letters and digits), so
-- real codes are found by an equality join with customers: no distance is computed against every
-- customer, and nothing is assumed about how codes are built (no check digit). The neighbours are
-- distinct by construction (a substitution changes one position, a transposition two), so no DISTINCT.
CREATE OR REPLACE TEMP TABLE m_typo_near AS
WITH pos AS (
  SELECT payment_id, claimed_code AS c, unnest(range(1, length(claimed_code) + 1)) AS i FROM m_typo
)
SELECT payment_id, near FROM (
  SELECT payment_id, left(c, i - 1) || ch || substr(c, i + 1) AS near
  FROM pos, (SELECT unnest(string_split('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', '')) AS ch) a
  WHERE ch <> substr(c, i, 1)
  UNION ALL
  SELECT payment_id, left(c, i - 1) || substr(c, i + 1, 1) || substr(c, i, 1) || substr(c, i + 2)
  FROM pos WHERE i < length(c) AND substr(c, i, 1) <> substr(c, i + 1, 1)
);

-- The residual is taken at the payment's own time: allocations of earlier payments count, later
-- ones do not (the time rule), so the result does not depend on what was paid afterwards.
CREATE OR REPLACE TEMP TABLE m_typo_match AS
WITH cand AS (
  SELECT t.payment_id, t.claimed_code, t.x, t.paid_at, t.partner_id, t.txn_ref,
         i.invoice_no, i.customer_code, i.period, i.issued_on, i.amount_vnd
  FROM m_typo_near n
  JOIN m_typo t USING (payment_id)
  JOIN invoices i ON i.customer_code = n.near
  WHERE i.amount_vnd >= t.x
), taken AS (
  SELECT c.payment_id, c.invoice_no, sum(a.amount_vnd) AS taken_vnd
  FROM cand c
  JOIN allocations a ON a.invoice_no = c.invoice_no
  JOIN payment_match pm ON pm.payment_id = a.payment_id
  WHERE pm.paid_at < c.paid_at
     OR (pm.paid_at = c.paid_at AND (pm.partner_id < c.partner_id OR (pm.partner_id = c.partner_id AND pm.txn_ref < c.txn_ref)))
  GROUP BY ALL
), fit AS (
  SELECT c.* FROM cand c LEFT JOIN taken k USING (payment_id, invoice_no)
  WHERE c.amount_vnd - coalesce(k.taken_vnd, 0) = c.x
)
SELECT payment_id, any_value(claimed_code) AS claimed_code,
       arg_min(invoice_no, (period, issued_on, invoice_no, customer_code)) AS invoice_no,
       arg_min(customer_code, (period, issued_on, invoice_no, customer_code)) AS customer_code,
       CASE WHEN count(DISTINCT customer_code) = 1 THEN 0.9 ELSE 0.5 END AS confidence,
       count(DISTINCT customer_code) AS candidates
FROM fit GROUP BY payment_id;

INSERT INTO exceptions (payment_id, reason, amount_vnd, suggested_invoice_no, confidence, detail)
SELECT m.payment_id, 'suggested_match', t.x, m.invoice_no, m.confidence,
       'customer code ' || m.claimed_code || ' does not exist; ' || m.customer_code
       || ' differs by one character and owes exactly this amount on invoice ' || m.invoice_no
       || CASE WHEN m.candidates > 1 THEN ' (' || CAST(m.candidates AS VARCHAR) || ' customers fit)' ELSE '' END
FROM m_typo_match m JOIN m_typo t USING (payment_id);
