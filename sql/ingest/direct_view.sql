-- The direct path's ingest_typed: without gaps (shift 0, no join) the line is a constant offset
-- from the rowid, nothing is rewritten; with gaps the shift comes from ingest_placed
-- (sql/ingest/direct_gaps.sql). Either way ingest_typed then reads like
-- the staging path's: blank rows and non-detail lines (skipped, trailer, …) dropped, and the
-- messages' "<file>, line 0" prefix given the real line. A row added later with its line already
-- given (a record the reader refused and src/ingest/overflow.ts typed) keeps it.
DROP TABLE IF EXISTS ingest_typed; -- a staging batch's, earlier in the session
CREATE OR REPLACE TEMP VIEW ingest_typed AS
SELECT * FROM (
  SELECT t.* EXCLUDE (blank) REPLACE (
           CASE WHEN t.line_no > 0 THEN t.line_no
                ELSE CAST(getvariable('ingest_direct').first + (t.rowid - getvariable('ingest_direct').base) + /*{shift}*/ AS BIGINT) END AS line_no,
           CASE WHEN t.message IS NULL OR t.line_no > 0 THEN t.message
                ELSE getvariable('ingest').files[t.seq] || ', line ' || (getvariable('ingest_direct').first + (t.rowid - getvariable('ingest_direct').base) + /*{shift}*/)
                     || substr(t.message, length(getvariable('ingest').files[t.seq] || ', line 0') + 1) END AS message),
         t.blank
  FROM ingest_typed_direct t /*{join}*/
)
WHERE NOT blank AND NOT list_contains(getvariable('ingest_direct').non_detail, line_no);
