-- The transaction id of a rejected record, when its fields were split and the id read (a record
-- that failed a field check: sql/ingest/typed_rejects.sql); NULL for a record that could not be
-- split into fields (column_count, an unknown record type) and for rejects loaded before this
-- migration. `recon explain` finds a rejected record of a payment by it
-- (sql/match/queries/payment_received_again.sql): its raw text also holds the ids other records
-- name (a memo "refund of FT…", a reversal's original), which are not this record's id.
ALTER TABLE rejects ADD COLUMN txn_ref VARCHAR;
