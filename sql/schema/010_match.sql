-- Matching: what the cascade decided about every payment record (for explain, exports and the
-- data tests), and the state of each exception. Recomputed from scratch by every match run.

CREATE TABLE payment_match (
  payment_id          BIGINT NOT NULL,
  partner_id          VARCHAR NOT NULL,
  txn_ref             VARCHAR NOT NULL,
  kind                VARCHAR NOT NULL,
  paid_at             TIMESTAMPTZ NOT NULL,
  amount_vnd          BIGINT NOT NULL,   -- as loaded
  refunded_vnd        BIGINT NOT NULL,   -- Σ refunds naming this payment
  effective_vnd       BIGINT NOT NULL,   -- amount_vnd - refunded_vnd, 0 when void
  route               VARCHAR NOT NULL,  -- adjustment | void | unmatched | allocate | unidentified
  void_reason         VARCHAR,           -- reversed | refunded
  original_payment_id BIGINT,            -- for a reversal/refund record: the payment it names
  decision_id         BIGINT,            -- latest auditor decision for (partner_id, txn_ref)
  decision_action     VARCHAR,
  decision_invoice_no VARCHAR,
  claimed_code        VARCHAR,           -- customer code read from the field, memo or VietQR
  code_source         VARCHAR,           -- field | memo | vietqr | reference
  code_known          BOOLEAN NOT NULL,
  qr_status           VARCHAR,           -- valid | crc_failed, when the memo is a VietQR payload
  ref_status          VARCHAR,           -- invoice_no | series_number | ambiguous | not_found | memo_invoice_no | memo_series_number | memo_ambiguous
  ref_invoice_no      VARCHAR,
  ref_customer_code   VARCHAR,           -- owner of the referenced invoice
  account             VARCHAR,           -- customer whose invoices the payment competes for
  target_invoice_no   VARCHAR,           -- invoice named by a decision or a reference
  target_rule         VARCHAR,           -- decision | invoice_ref
  target_confidence   DOUBLE,
  code_factor         DOUBLE,            -- confidence multiplier for how the customer was found
  seq                 INTEGER            -- the payment's turn among its account's payments
);

ALTER TABLE exceptions ADD COLUMN status VARCHAR DEFAULT 'open';   -- open | dismissed
ALTER TABLE exceptions ADD COLUMN decision_id BIGINT;              -- the decision that closed it
