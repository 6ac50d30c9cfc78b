-- payment_match becomes a view over a sparse table. Most payments are plain: a known customer's code
-- in the code field and nothing else to tell (no reference, memo, decision, refund; the only payment
-- of its account or the first in turn). Writing 27 columns for each of them was the slowest step of
-- a match (several seconds per million payments); a plain payment is now stored as its id and a flag,
-- and the view derives the rest from the payment itself. Readers see the same rows and columns.

CREATE TABLE payment_match_facts (
  payment_id          BIGINT NOT NULL,
  plain               BOOLEAN NOT NULL,  -- the columns the view derives for a plain payment are NULL
  refunded_vnd        BIGINT,
  effective_vnd       BIGINT,
  route               VARCHAR,
  void_reason         VARCHAR,
  original_payment_id BIGINT,
  decision_id         BIGINT,
  decision_action     VARCHAR,
  decision_invoice_no VARCHAR,
  claimed_code        VARCHAR,
  code_source         VARCHAR,
  code_known          BOOLEAN,
  qr_status           VARCHAR,
  ref_status          VARCHAR,
  ref_invoice_no      VARCHAR,
  ref_customer_code   VARCHAR,
  account             VARCHAR,
  target_invoice_no   VARCHAR,
  target_rule         VARCHAR,
  target_confidence   DOUBLE,
  code_factor         DOUBLE,
  seq                 INTEGER
);

INSERT INTO payment_match_facts
SELECT payment_id, false, refunded_vnd, effective_vnd, route, void_reason, original_payment_id, decision_id,
       decision_action, decision_invoice_no, claimed_code, code_source, code_known, qr_status, ref_status,
       ref_invoice_no, ref_customer_code, account, target_invoice_no, target_rule, target_confidence, code_factor, seq
FROM payment_match;

DROP TABLE payment_match;

-- The columns of 010_match.sql, in the same order and types. A plain payment: route allocate, the
-- code field (trimmed, upper case) is both the claimed code and the account, nothing refunded, code
-- factor 1, turn 1.
CREATE VIEW payment_match AS
SELECT f.payment_id, p.partner_id, p.txn_ref, p.kind, p.paid_at, p.amount_vnd,
       CASE WHEN f.plain THEN 0 ELSE f.refunded_vnd END AS refunded_vnd,
       CASE WHEN f.plain THEN p.amount_vnd ELSE f.effective_vnd END AS effective_vnd,
       CASE WHEN f.plain THEN 'allocate' ELSE f.route END AS route,
       f.void_reason, f.original_payment_id, f.decision_id, f.decision_action, f.decision_invoice_no,
       CASE WHEN f.plain THEN upper(trim(p.customer_code)) ELSE f.claimed_code END AS claimed_code,
       CASE WHEN f.plain THEN 'field' ELSE f.code_source END AS code_source,
       CASE WHEN f.plain THEN true ELSE f.code_known END AS code_known,
       f.qr_status, f.ref_status, f.ref_invoice_no, f.ref_customer_code,
       CASE WHEN f.plain THEN upper(trim(p.customer_code)) ELSE f.account END AS account,
       f.target_invoice_no, f.target_rule, f.target_confidence,
       CASE WHEN f.plain THEN CAST(1.0 AS DOUBLE) ELSE f.code_factor END AS code_factor,
       CASE WHEN f.plain THEN CAST(1 AS INTEGER) ELSE f.seq END AS seq
FROM payment_match_facts f
JOIN payments p USING (payment_id);
