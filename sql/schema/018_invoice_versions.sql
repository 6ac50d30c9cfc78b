-- An invoice's billing history, for explain. A billing import that leaves an invoice different
-- from a row it removed (re-issued at another amount, due date, …; dropped from a corrected export
-- while another export's row stands; withdrawn, no loaded export carrying it) keeps that row here
-- with the file and line it came from and the import that replaced it (sql/ingest/replace_invoices.sql).
-- invoices_superseded cannot serve: it holds only rows that may come back (it forgets those of a
-- replaced export), never a row its own period's corrected export replaced or withdrew. Rows
-- replaced before this migration were not kept; invoices loaded before it have no line.
ALTER TABLE invoices ADD COLUMN line_no BIGINT;
ALTER TABLE invoices_superseded ADD COLUMN line_no BIGINT;
CREATE TABLE invoice_versions (
  invoice_no           VARCHAR NOT NULL,
  customer_code        VARCHAR NOT NULL,
  period               VARCHAR NOT NULL,
  series               VARCHAR,
  number               VARCHAR,
  issued_on            DATE,
  due_on               DATE,
  amount_vnd           BIGINT NOT NULL,
  file_id              BIGINT NOT NULL,   -- the export the row was loaded from
  line_no              BIGINT,            -- its line there (null: loaded before this migration)
  replaced_by_file_id  BIGINT NOT NULL,   -- the export whose import replaced it
  change               VARCHAR NOT NULL CHECK (change IN ('reissued', 'dropped', 'withdrawn'))
);
