-- The refused records whose surplus fields format.overflow_column takes, split and rejoined in
-- src/ingest/overflow.ts: the reader's line of each, its file's position in the batch, its physical
-- line, its fields (as many as the file's columns) and its text as written.
CREATE OR REPLACE TEMP TABLE ingest_overflow AS
SELECT unnest(CAST($reader_lines AS BIGINT[])) AS reader_line,
       unnest(CAST($seqs AS BIGINT[])) AS seq,
       unnest(CAST($lines AS BIGINT[])) AS line_no,
       unnest(CAST($fields AS VARCHAR[][])) AS fields,
       unnest(CAST($written AS VARCHAR[])) AS written;
