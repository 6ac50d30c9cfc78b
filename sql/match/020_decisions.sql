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

-- The dismissals in force: those newer than the payment's latest routing decision.
-- m_dismissal_closed: each one that recorded the money it closed (migration 015; closed_refunded_vnd,
-- 016: what rule 1 had refunded of the payment then), one row per dismissal: 050 keeps that money
-- out of the rules and writes each back as the dismissed exception it closed, as it was (reason,
-- amount, related invoice, decision), so two dismissals of one payment (a credit, then the
-- duplicate the rest became) stay two exceptions with their own reasons.
-- m_dismissal: per payment identity, the latest dismissal in force and whether it recorded nothing
-- (legacy: recorded before 015, before a match showed an exception, or closing an
-- auditor_unmatched one), in which case it closes whatever exception the payment has (095).
CREATE OR REPLACE TEMP TABLE m_dismissal_closed AS
SELECT s.partner_id, s.txn_ref, s.decision_id, s.decided_at, s.closed_reason, s.closed_vnd, s.closed_invoice_no,
       s.closed_refunded_vnd
FROM decisions s
LEFT JOIN m_decision d ON d.partner_id = s.partner_id AND d.txn_ref = s.txn_ref
WHERE s.action = 'dismiss' AND s.closed_vnd > 0
  AND (d.decision_id IS NULL OR s.decided_at > d.decided_at OR (s.decided_at = d.decided_at AND s.decision_id > d.decision_id));

CREATE OR REPLACE TEMP TABLE m_dismissal AS
SELECT s.partner_id, s.txn_ref,
       arg_max(s.decision_id, (s.decided_at, s.decision_id)) AS decision_id,
       coalesce(sum(s.closed_vnd) FILTER (WHERE s.closed_vnd > 0), 0) AS closed_vnd,
       -- The least refunded amount any of them saw: refunds reported since then lower what is kept out (050).
       min(s.closed_refunded_vnd) FILTER (WHERE s.closed_vnd > 0) AS closed_refunded_vnd,
       arg_max(s.closed_vnd IS NULL, (s.decided_at, s.decision_id)) AS legacy
FROM decisions s
LEFT JOIN m_decision d ON d.partner_id = s.partner_id AND d.txn_ref = s.txn_ref
WHERE s.action = 'dismiss'
  AND (d.decision_id IS NULL OR s.decided_at > d.decided_at OR (s.decided_at = d.decided_at AND s.decision_id > d.decision_id))
GROUP BY s.partner_id, s.txn_ref;
