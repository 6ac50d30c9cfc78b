-- Ingest bookkeeping beyond the core tables.

-- Payments of a quarantined file wait here (never in payments) until `recon files release`.
CREATE TABLE quarantined_payments (
  file_id           BIGINT NOT NULL,
  line_no           BIGINT NOT NULL,
  partner_id        VARCHAR NOT NULL,
  txn_ref           VARCHAR NOT NULL,
  kind              VARCHAR NOT NULL,
  paid_at           TIMESTAMPTZ NOT NULL,
  settled_on        DATE,
  customer_code     VARCHAR,
  invoice_ref       VARCHAR,
  memo              VARCHAR,
  amount_vnd        BIGINT NOT NULL,
  reverses_txn_ref  VARCHAR,
  instrument        VARCHAR NOT NULL,
  agent_id          VARCHAR
);

-- Records that repeat an identity (partner, txn_ref, kind) already loaded: counted, never loaded
-- twice, and traceable to the record that was loaded.
CREATE TABLE duplicate_records (
  file_id        BIGINT NOT NULL,
  line_no        BIGINT NOT NULL,
  partner_id     VARCHAR NOT NULL,
  txn_ref        VARCHAR NOT NULL,
  kind           VARCHAR NOT NULL,
  first_file_id  BIGINT NOT NULL,
  first_line_no  BIGINT NOT NULL
);

-- Billing exports carry a period (invoices-YYYY-MM.csv); a newer export of a period replaces
-- the older one, whose row then says status 'replaced'. A partner file's period is that of the
-- monthly close that received it (NULL when `recon ingest` did): the period a file with no dated
-- record belongs to (sql/common/period_files.sql). A partner file no profile claimed (status
-- 'unrecognised') reads 'replaced' once a profile claims it and it is received again.
ALTER TABLE source_files ADD COLUMN period VARCHAR;
