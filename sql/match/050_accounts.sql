-- Routing, and the order of turns. Every payment record gets one route:
--   adjustment    a reversal or refund record (rule 1 handled it);
--   void          reversed, or refunded in full (rule 1);
--   unmatched     an auditor decided it must not be matched (rule 2);
--   allocate      it competes for the open invoices of one customer, its account: the owner of the
--                 invoice a decision names (rule 2), else of the invoice its reference names (rule 3,
--                 the reference wins over a disagreeing code), else its known customer code (4–8);
--   unidentified  none of these: rules 9 and 11 decide its exception.
-- Within an account, payments take turns by paid time, then partner id, then transaction id (an
-- all-digit id by its value, txn_number in sql/common/identifiers.sql), so the earlier payment takes
-- a residual whichever rule found it. payment_id never breaks a tie: it depends on the order in
-- which files were loaded.

-- Simple payments: a payment record whose code field names a known customer, with nothing else to
-- route on: not reversed or refunded (rule 1), no routing decision (rule 2), no invoice reference
-- (rule 3). Its route is allocate and its account its customer, so it skips the joins below: most
-- payments are simple, and building the wide routing row of every payment cost more than any rule
-- (10 M payments: 10.4 s).
CREATE OR REPLACE TEMP TABLE m_simple AS
SELECT f.payment_id, f.field_code AS account, f.amount_vnd
FROM m_field f
WHERE f.field_known
  AND f.payment_id NOT IN (SELECT payment_id FROM m_void)
  AND f.payment_id NOT IN (SELECT payment_id FROM m_ref)
  AND f.payment_id NOT IN (SELECT p.payment_id
                           FROM payments p
                           JOIN (SELECT partner_id, txn_ref FROM m_decision
                                 UNION SELECT partner_id, txn_ref FROM m_dismissal WHERE closed_vnd > 0) d
                             ON d.partner_id = p.partner_id AND d.txn_ref = p.txn_ref
                           WHERE p.kind = 'payment');

-- The routing of every other payment record.
CREATE OR REPLACE TEMP TABLE m_routed AS
WITH base AS (
  SELECT p.payment_id, p.kind, p.amount_vnd,
         coalesce(v.refunded_vnd, 0) AS refunded_vnd,
         CASE WHEN v.reversed THEN 'reversed' WHEN v.refunded_vnd >= p.amount_vnd THEN 'refunded' END AS void_reason,
         adj.original_id,
         d.decision_id, d.action AS decision_action, d.invoice_no AS decision_invoice_no,
         d.invoice_customer_code AS decision_customer_code,
         c.claimed_code, c.code_source, coalesce(c.code_known, false) AS code_known, c.qr_status, c.ambiguous,
         r.ref_status, r.invoice_no AS ref_invoice_no, r.customer_code AS ref_customer_code,
         r.several_invoice_nos, r.ref_candidates,
         -- What dismissals closed (020): kept out of the rules, at most what the payment carries. A
         -- refund reported after them (more refunded now than when they were recorded, migration
         -- 016) returned that money: it lowers what is kept out, not what the payment allocates
         -- (a credit dismissed as refunded, then the partner's refund record of it, leaves the bill
         -- paid; before, both were taken off and the bill was left short by the credit).
         least(greatest(coalesce(z.closed_vnd, 0)
                        - CASE WHEN z.closed_refunded_vnd IS NULL THEN 0
                               ELSE greatest(coalesce(v.refunded_vnd, 0) - z.closed_refunded_vnd, 0) END, 0),
               greatest(p.amount_vnd - coalesce(v.refunded_vnd, 0), 0)) AS dismissed_vnd
  FROM payments p
  ANTI JOIN m_simple USING (payment_id)
  LEFT JOIN m_void v USING (payment_id)
  LEFT JOIN m_adjust_named adj ON adj.adjust_id = p.payment_id
  LEFT JOIN m_code c USING (payment_id)
  LEFT JOIN m_ref r USING (payment_id)
  -- Decisions apply to payment records (kind 'payment'); equalities between both sides only, since
  -- a condition on p alone in this ON clause makes DuckDB plan a nested-loop join over every payment.
  LEFT JOIN (SELECT *, 'payment' AS kind FROM m_decision) d ON d.partner_id = p.partner_id AND d.txn_ref = p.txn_ref AND d.kind = p.kind
  LEFT JOIN (SELECT *, 'payment' AS kind FROM m_dismissal WHERE closed_vnd > 0) z
    ON z.partner_id = p.partner_id AND z.txn_ref = p.txn_ref AND z.kind = p.kind
), routed AS (
  SELECT *,
         CASE WHEN kind <> 'payment' THEN 'adjustment'
              WHEN void_reason IS NOT NULL THEN 'void'
              WHEN decision_action = 'unmatch' THEN 'unmatched'
              -- Everything it can allocate was dealt with outside recon (a dismissal): nothing left
              -- for the rules.
              WHEN dismissed_vnd > 0 AND dismissed_vnd >= amount_vnd - refunded_vnd THEN 'dismissed'
              WHEN decision_customer_code IS NOT NULL OR ref_customer_code IS NOT NULL OR code_known THEN 'allocate'
              ELSE 'unidentified' END AS route
  FROM base
), targeted AS (
  SELECT *,
         CASE WHEN route = 'allocate' THEN coalesce(decision_customer_code, ref_customer_code, claimed_code) END AS account,
         CASE WHEN route <> 'allocate' THEN NULL
              WHEN decision_customer_code IS NOT NULL THEN decision_invoice_no ELSE ref_invoice_no END AS target_invoice_no,
         -- Several invoices of the customer named at once (040): all of them are the targets.
         CASE WHEN route = 'allocate' AND decision_customer_code IS NULL AND ref_invoice_no IS NULL
              THEN several_invoice_nos END AS target_several,
         CASE WHEN route <> 'allocate' THEN NULL
              WHEN decision_customer_code IS NOT NULL THEN 'decision'
              WHEN ref_invoice_no IS NOT NULL OR several_invoice_nos IS NOT NULL THEN 'invoice_ref' END AS target_rule
  FROM routed
)
SELECT payment_id, refunded_vnd,
       CASE WHEN route IN ('adjustment', 'void') THEN 0 ELSE amount_vnd - refunded_vnd END AS effective_vnd,
       CASE WHEN route IN ('allocate', 'unidentified', 'dismissed') THEN dismissed_vnd ELSE 0 END AS dismissed_vnd,
       route, void_reason, original_id, decision_id, decision_action, decision_invoice_no,
       claimed_code, code_source, code_known, qr_status, ref_status, ref_invoice_no, ref_customer_code,
       account, target_invoice_no, target_several, target_rule, ambiguous, ref_candidates,
       -- How sure a targeted allocation is: a decision is certain; a reference by id nearly so; by
       -- series + number a little less; read from the memo, ×0.95 (free text, like a code read
       -- there); a reference that disagrees with a known code, less again.
       CASE target_rule
         WHEN 'decision' THEN 1.0
         WHEN 'invoice_ref' THEN
           CASE ref_status WHEN 'invoice_no' THEN 1.0 WHEN 'series_number' THEN 0.99 WHEN 'several_invoices' THEN 0.97
                           WHEN 'memo_invoice_no' THEN 0.95 WHEN 'memo_several_invoices' THEN 0.9215 ELSE 0.9405 END
           * CASE WHEN code_known AND claimed_code <> ref_customer_code THEN 0.9 ELSE 1.0 END
       END AS target_confidence,
       -- How surely the customer was identified, for the customer-code rules 4–7.
       CASE WHEN coalesce(decision_customer_code, ref_customer_code) IS NOT NULL THEN 0.95
            WHEN code_source = 'field' THEN 1.0
            WHEN code_source = 'vietqr' THEN 0.98
            WHEN code_source IN ('memo', 'reference') THEN 0.95 END AS code_factor
FROM targeted;

-- The payments that compete for an account's invoices, narrow: only what the turns and the
-- uncontested pass read. What only payments hold (partner, transaction id, paid time) is fetched
-- from payments where it is needed, for the few, rather than copied for every payment.
CREATE OR REPLACE TEMP TABLE m_pay AS
SELECT payment_id, account, effective_vnd - dismissed_vnd AS x, target_invoice_no, target_several, target_rule, target_confidence, code_factor
FROM m_routed WHERE route = 'allocate'
UNION ALL
SELECT payment_id, account, amount_vnd, NULL, NULL, NULL, NULL, 1.0
FROM m_simple;

-- Accounts with several payments need further turns; the others are settled in turn 1 or in the
-- uncontested pass. Ranking only their payments keeps the sort small (a window over every payment
-- is the slowest step).
CREATE OR REPLACE TEMP TABLE m_turns AS
SELECT account, count(*) AS turns FROM m_pay GROUP BY account HAVING count(*) > 1;

CREATE OR REPLACE TEMP TABLE m_seq AS
SELECT m.payment_id, row_number() OVER (PARTITION BY m.account ORDER BY p.paid_at, p.partner_id, txn_number(p.txn_ref), p.txn_ref) AS seq
FROM m_pay m JOIN payments p USING (payment_id)
WHERE m.account IN (SELECT account FROM m_turns);

-- What the cascade decided about every payment, for explain and the data tests (the view
-- payment_match, migrations 011 and 012). A plain payment (the view derives its row from the
-- payment: the code field names a known customer, which is its account, and there is nothing else
-- to tell) is stored as its id alone, in payment_match_plain; the others in payment_match_facts
-- (through m_match_plain and m_match_facts, see createOutputTables in src/match/cascade.ts).
-- Nothing else to tell means every fact equals what the view derives: in particular no invoice
-- reference that failed (not found, ambiguous) and no decision that was ignored (it names an
-- invoice that is not loaded), which explain must still show.
CREATE OR REPLACE TEMP VIEW m_facts AS
SELECT *,
       coalesce(route = 'allocate' AND seq = 1 AND code_source = 'field' AND code_known AND account = claimed_code
                AND refunded_vnd = 0 AND code_factor = 1.0
                AND ref_status IS NULL AND decision_id IS NULL AND qr_status IS NULL AND dismissed_vnd = 0, false) AS plain
FROM (SELECT r.*, CASE WHEN r.route = 'allocate' THEN coalesce(s.seq, 1) END AS seq
      FROM m_routed r LEFT JOIN m_seq s USING (payment_id));

INSERT INTO m_match_plain
SELECT payment_id FROM m_facts WHERE plain
UNION ALL
SELECT payment_id FROM m_simple WHERE payment_id NOT IN (SELECT payment_id FROM m_seq WHERE seq > 1);

INSERT INTO m_match_facts
SELECT payment_id, refunded_vnd, effective_vnd, route, void_reason, original_id, decision_id, decision_action,
       decision_invoice_no, claimed_code, code_source, code_known, qr_status, ref_status, ref_invoice_no,
       ref_customer_code, account, target_invoice_no, target_rule, target_confidence, code_factor, seq, ref_candidates
FROM m_facts WHERE NOT plain;

-- A simple payment after the first turn of its account: what the routing above gives it.
INSERT INTO m_match_facts BY NAME
SELECT s.payment_id, 0 AS refunded_vnd, s.amount_vnd AS effective_vnd, 'allocate' AS route,
       s.account AS claimed_code, 'field' AS code_source, true AS code_known, s.account AS account,
       1.0 AS code_factor, q.seq
FROM m_simple s JOIN m_seq q USING (payment_id)
WHERE q.seq > 1;

INSERT INTO m_exceptions (payment_id, reason, amount_vnd, decision_id, detail)
SELECT payment_id, 'auditor_unmatched', effective_vnd, decision_id, 'an auditor decided this payment must not be matched'
FROM m_routed WHERE route = 'unmatched';

-- The money dismissals closed: each exception an auditor dismissed, as it was (reason, amount,
-- related invoice, decision), status dismissed. What the payment carries beyond them went through
-- the rules with the others. When less is kept out than they closed (refunds reported since, or
-- a payment that carries less now), the earliest dismissals keep their amounts and the latest
-- give way (a row left with nothing is not written).
INSERT INTO m_exceptions (payment_id, reason, amount_vnd, suggested_invoice_no, decision_id, status, detail)
SELECT payment_id, closed_reason, kept_vnd, closed_invoice_no, decision_id, 'dismissed',
       CAST(kept_vnd AS VARCHAR) || ' đ dealt with outside recon (decision #' || CAST(decision_id AS VARCHAR)
       || '), kept out of matching'
FROM (
  SELECT r.payment_id, c.closed_reason, c.closed_invoice_no, c.decision_id,
         least(c.closed_vnd,
               r.dismissed_vnd - coalesce(sum(c.closed_vnd) OVER (PARTITION BY r.payment_id ORDER BY c.decided_at, c.decision_id
                                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)) AS kept_vnd
  FROM (SELECT payment_id, dismissed_vnd FROM m_routed WHERE dismissed_vnd > 0) r
  JOIN payments p USING (payment_id)
  JOIN m_dismissal_closed c ON c.partner_id = p.partner_id AND c.txn_ref = p.txn_ref
)
WHERE kept_vnd > 0;

-- Rules 9 and 11 (080, 090) read only the unidentified payments; the routing of the others is in
-- payment_match now.
CREATE OR REPLACE TEMP TABLE m_unidentified AS
SELECT payment_id, effective_vnd - dismissed_vnd AS effective_vnd, claimed_code, code_source, qr_status, ref_status, ambiguous, ref_candidates
FROM m_routed WHERE route = 'unidentified';

DROP VIEW m_facts;
DROP TABLE m_routed;
DROP TABLE m_simple;
DROP VIEW m_code;
DROP TABLE m_code_read;
DROP TABLE m_field;
DROP TABLE m_void;
DROP TABLE m_adjust;
DROP TABLE m_adjust_named;
DROP TABLE m_ref;
DROP TABLE m_decision;
DROP TABLE m_dismissal_closed;
