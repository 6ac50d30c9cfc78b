-- Rule 2: auditor decisions, keyed by partner and transaction id so that they survive every
-- recompute. The table is append-only. Two kinds of decision do different jobs and never cancel
-- each other:
--   routing  (match, unmatch): the latest one decides where the payment goes. A "match" naming an
--            invoice that is no longer loaded is ignored (explain shows it) and the payment goes
--            through the rules.
--   closing  (dismiss): closes the exception the payment had when the auditor decided, if it is
--            newer than the latest routing decision (a later match/unmatch reopens the question);
--            the money it closed (refunded, posted by hand) stays out of the rules from then on.
-- So "unmatch, then dismiss (refund done)" keeps the payment unmatched, and "match, then dismiss the
-- over-payment credit" keeps the match.

CREATE OR REPLACE TEMP TABLE m_decision AS
SELECT d.partner_id, d.txn_ref, d.decision_id, d.decided_at, d.action, d.invoice_no,
       i.customer_code AS invoice_customer_code
FROM (
  SELECT *, row_number() OVER (PARTITION BY partner_id, txn_ref ORDER BY decided_at DESC, decision_id DESC) AS rn
  FROM decisions WHERE action IN ('match', 'unmatch')
) d
-- Only a match names an invoice. Equalities between both sides only: a condition on d alone in
-- the ON clause makes DuckDB plan a nested-loop join against every invoice.
LEFT JOIN (SELECT 'match' AS action, invoice_no, customer_code FROM invoices) i ON i.action = d.action AND i.invoice_no = d.invoice_no
WHERE d.rn = 1;

-- The dismissals in force: those newer than the payment's latest routing decision. closed_vnd: the
-- money they closed, recorded when each was decided (migration 015), which the rules leave alone
-- (050: what the payment can allocate is lowered by it, and it stays a dismissed exception of the
-- reason recorded); legacy: the latest was recorded without an amount (before 015, or closing an
-- auditor_unmatched), so it closes whatever exception the payment has (095).
CREATE OR REPLACE TEMP TABLE m_dismissal AS
SELECT s.partner_id, s.txn_ref,
       arg_max(s.decision_id, (s.decided_at, s.decision_id)) AS decision_id,
       coalesce(sum(s.closed_vnd), 0) AS closed_vnd,
       arg_max(s.closed_reason, (s.decided_at, s.decision_id)) FILTER (WHERE s.closed_vnd > 0) AS closed_reason,
       arg_max(s.closed_invoice_no, (s.decided_at, s.decision_id)) FILTER (WHERE s.closed_vnd > 0) AS closed_invoice_no,
       arg_max(s.closed_vnd IS NULL, (s.decided_at, s.decision_id)) AS legacy
FROM decisions s
LEFT JOIN m_decision d ON d.partner_id = s.partner_id AND d.txn_ref = s.txn_ref
WHERE s.action = 'dismiss'
  AND (d.decision_id IS NULL OR s.decided_at > d.decided_at OR (s.decided_at = d.decided_at AND s.decision_id > d.decision_id))
GROUP BY s.partner_id, s.txn_ref;
