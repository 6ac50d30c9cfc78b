-- Core canonical tables. Money is integer đồng (BIGINT); instants are TIMESTAMPTZ (UTC inside,
-- shown in Asia/Ho_Chi_Minh). Big tables carry no PRIMARY KEY/UNIQUE index on purpose: DuckDB's
-- ART indexes slow bulk loads of tens of millions of rows; uniqueness is enforced by the loaders
-- (anti-joins inside one transaction) and checked by the data tests in sql/tests/.

CREATE TABLE runs (
  run_id       VARCHAR PRIMARY KEY,
  command      VARCHAR NOT NULL,
  params       JSON,
  inputs       JSON,            -- [{path, sha256, bytes}]
  counts       JSON,            -- row counts per table / stage
  stages       JSON,            -- [{stage, ms}]
  status       VARCHAR NOT NULL, -- running | succeeded | failed
  error        VARCHAR,
  version      VARCHAR NOT NULL,
  started_at   TIMESTAMPTZ NOT NULL,
  finished_at  TIMESTAMPTZ
);

CREATE TABLE partners (
  partner_id          VARCHAR PRIMARY KEY,
  name                VARCHAR NOT NULL,
  channel_group       VARCHAR NOT NULL CHECK (channel_group IN ('bank', 'intermediary', 'retail_agent', 'evn_counter')),
  bin                 VARCHAR,
  default_instrument  VARCHAR NOT NULL,
  profile_hash        VARCHAR NOT NULL
);

CREATE SEQUENCE source_file_ids START 1;

-- One row per file received (partner settlement file or billing export), whatever became of it.
CREATE TABLE source_files (
  file_id            BIGINT PRIMARY KEY,
  kind               VARCHAR NOT NULL,   -- partner | customers | invoices
  partner_id         VARCHAR,
  path               VARCHAR NOT NULL,
  file_name          VARCHAR NOT NULL,
  sha256             VARCHAR NOT NULL,
  bytes              BIGINT NOT NULL,
  records_read       BIGINT NOT NULL DEFAULT 0,
  records_loaded     BIGINT NOT NULL DEFAULT 0,
  records_rejected   BIGINT NOT NULL DEFAULT 0,
  records_duplicate  BIGINT NOT NULL DEFAULT 0,
  amount_read        BIGINT,             -- Σ amount of records read whose amount parsed
  control_count      BIGINT,             -- stated by the trailer / total row, if any
  control_amount     BIGINT,
  rejected_amount    BIGINT,             -- control_amount - amount_read when rows were rejected
  status             VARCHAR NOT NULL,   -- loaded | quarantined | released | skipped_duplicate | failed | unrecognised | replaced (README, "File statuses")
  status_reason      VARCHAR,
  run_id             VARCHAR NOT NULL,
  loaded_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE file_events (
  file_id     BIGINT NOT NULL,
  action      VARCHAR NOT NULL,   -- quarantined | released
  by_name     VARCHAR,
  reason      VARCHAR NOT NULL,
  event_at    TIMESTAMPTZ NOT NULL,
  run_id      VARCHAR NOT NULL
);

CREATE SEQUENCE payment_ids START 1;

CREATE TABLE payments (
  payment_id        BIGINT NOT NULL,
  file_id           BIGINT NOT NULL,
  line_no           BIGINT NOT NULL,    -- physical line (1-based) where the record starts
  partner_id        VARCHAR NOT NULL,
  txn_ref           VARCHAR NOT NULL,
  kind              VARCHAR NOT NULL,   -- payment | reversal | refund
  paid_at           TIMESTAMPTZ NOT NULL,
  settled_on        DATE,
  customer_code     VARCHAR,
  invoice_ref       VARCHAR,
  memo              VARCHAR,
  amount_vnd        BIGINT NOT NULL,    -- always positive; kind says which way it goes
  reverses_txn_ref  VARCHAR,
  instrument        VARCHAR NOT NULL,   -- cash | transfer | auto_debit | card | qr | ewallet
  agent_id          VARCHAR
);

CREATE TABLE rejects (
  file_id   BIGINT NOT NULL,
  line_no   BIGINT NOT NULL,
  field     VARCHAR,
  value     VARCHAR,
  reason    VARCHAR NOT NULL,  -- a reason code, see README "Reject reasons"
  message   VARCHAR NOT NULL,  -- human sentence: what was seen and what was expected
  raw       VARCHAR
);

CREATE TABLE customers (
  customer_code  VARCHAR NOT NULL,
  pc             VARCHAR NOT NULL,    -- power corporation, e.g. EVNHANOI
  unit           VARCHAR NOT NULL,    -- first 6 characters of the code
  segment        VARCHAR,
  name           VARCHAR,
  file_id        BIGINT NOT NULL
);

CREATE TABLE invoices (
  invoice_no     VARCHAR NOT NULL,    -- billing system's unique id
  customer_code  VARCHAR NOT NULL,
  period         VARCHAR NOT NULL,    -- YYYY-MM
  series         VARCHAR,             -- e.g. 1K26TAA
  number         VARCHAR,
  issued_on      DATE,
  due_on         DATE,
  amount_vnd     BIGINT NOT NULL CHECK (amount_vnd > 0),
  file_id        BIGINT NOT NULL
);

CREATE TABLE allocations (
  payment_id   BIGINT NOT NULL,
  invoice_no   VARCHAR NOT NULL,
  amount_vnd   BIGINT NOT NULL CHECK (amount_vnd > 0),
  rule         VARCHAR NOT NULL,
  confidence   DOUBLE NOT NULL CHECK (confidence BETWEEN 0 AND 1)
);

CREATE TABLE exceptions (
  payment_id            BIGINT NOT NULL,
  reason                VARCHAR NOT NULL,
  amount_vnd            BIGINT NOT NULL,   -- the part of the payment this exception is about
  suggested_invoice_no  VARCHAR,
  confidence            DOUBLE,
  detail                VARCHAR
);

CREATE SEQUENCE decision_ids START 1;

CREATE TABLE decisions (
  decision_id  BIGINT PRIMARY KEY,
  partner_id   VARCHAR NOT NULL,
  txn_ref      VARCHAR NOT NULL,
  action       VARCHAR NOT NULL CHECK (action IN ('match', 'unmatch', 'dismiss')),
  invoice_no   VARCHAR,
  decided_by   VARCHAR NOT NULL,
  reason       VARCHAR NOT NULL,
  decided_at   TIMESTAMPTZ NOT NULL,
  run_id       VARCHAR NOT NULL
);
