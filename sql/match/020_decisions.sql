-- Rule 2: auditor decisions, keyed by partner and transaction id so that they survive every
-- recompute. The table is append-only; the latest decision for a payment wins. A "match" naming an
-- invoice that is no longer loaded is ignored (explain shows it) and the payment goes through the rules.

CREATE OR REPLACE TEMP TABLE m_decision AS
SELECT d.partner_id, d.txn_ref, d.decision_id, d.action, d.invoice_no,
       i.customer_code AS invoice_customer_code
FROM (
  SELECT *, row_number() OVER (PARTITION BY partner_id, txn_ref ORDER BY decided_at DESC, decision_id DESC) AS rn
  FROM decisions
) d
LEFT JOIN invoices i ON d.action = 'match' AND i.invoice_no = d.invoice_no
WHERE d.rn = 1;
