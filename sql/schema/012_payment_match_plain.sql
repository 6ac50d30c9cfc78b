-- Plain payments (migration 011: a known customer's code in the code field and nothing else to
-- tell) move out of payment_match_facts into a table of their ids alone. Even stored as id + flag
-- with 21 NULL columns, each plain row cost as much to write as a full one (every column of a
-- persistent table is compressed as it is written): ~1.6 s per million. payment_match_facts now
-- holds the other payments only; the view payment_match gives the same rows and columns as before.

DROP VIEW payment_match;

CREATE TABLE payment_match_plain (payment_id BIGINT NOT NULL);

INSERT INTO payment_match_plain SELECT payment_id FROM payment_match_facts WHERE plain;

-- payment_match_facts without its plain flag and rows (a column cannot be dropped from a table
-- changed in the same transaction, so the table is rebuilt).
CREATE TABLE payment_match_facts_012 (
  payment_id          BIGINT NOT NULL,
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
INSERT INTO payment_match_facts_012 SELECT * EXCLUDE (plain) FROM payment_match_facts WHERE NOT plain;
DROP TABLE payment_match_facts;
ALTER TABLE payment_match_facts_012 RENAME TO payment_match_facts;

-- The columns of 010_match.sql, in the same order and types. A plain payment: route allocate, the
-- code field (trimmed, upper case) is both the claimed code and the account, nothing refunded, code
-- factor 1, turn 1.
CREATE VIEW payment_match AS
SELECT f.payment_id, p.partner_id, p.txn_ref, p.kind, p.paid_at, p.amount_vnd,
       f.refunded_vnd, f.effective_vnd, f.route, f.void_reason, f.original_payment_id, f.decision_id,
       f.decision_action, f.decision_invoice_no, f.claimed_code, f.code_source, f.code_known,
       f.qr_status, f.ref_status, f.ref_invoice_no, f.ref_customer_code, f.account,
       f.target_invoice_no, f.target_rule, f.target_confidence, f.code_factor, f.seq
FROM payment_match_facts f
JOIN payments p USING (payment_id)
UNION ALL
SELECT p.payment_id, p.partner_id, p.txn_ref, p.kind, p.paid_at, p.amount_vnd,
       CAST(0 AS BIGINT), p.amount_vnd, 'allocate', NULL::VARCHAR, NULL::BIGINT, NULL::BIGINT,
       NULL::VARCHAR, NULL::VARCHAR, upper(trim(p.customer_code)), 'field', true,
       NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, upper(trim(p.customer_code)),
       NULL::VARCHAR, NULL::VARCHAR, NULL::DOUBLE, CAST(1.0 AS DOUBLE), CAST(1 AS INTEGER)
FROM payment_match_plain x
JOIN payments p USING (payment_id);
