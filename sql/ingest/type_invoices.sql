-- Types and validates the staged rows of invoices-YYYY-MM.csv (read straight from the staging
-- file) into ingest_typed. Rows of the file's period and of earlier periods (arrears brought
-- forward) are valid; a later period is a reject.
CREATE OR REPLACE TEMP TABLE /*{typed_table}*/ AS
WITH billing_raw AS (
  SELECT /*{raw_projection}*/ FROM /*{source}*/
), p AS (
  SELECT r.*,
    CASE WHEN regexp_full_match(amount_vnd, '[0-9]+') THEN try_cast(amount_vnd AS BIGINT) END AS amount_v,
    CASE WHEN regexp_full_match(issued_on, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_cast(issued_on AS DATE) END AS issued_d,
    CASE WHEN regexp_full_match(due_on, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_cast(due_on AS DATE) END AS due_d
  FROM billing_raw r
  WHERE /*{keep}*/
), j AS (
  SELECT *,
    CASE
      WHEN invoice_no IS NULL THEN 'invoice_no'
      WHEN customer_code IS NULL THEN 'customer_code'
      WHEN amount_vnd IS NULL THEN 'amount_vnd'
      WHEN amount_v IS NULL OR amount_v <= 0 OR amount_v > ingest_max_vnd() THEN 'amount_vnd'
      -- A file carries its own period's invoices and arrears of earlier periods, never later ones.
      WHEN period IS NULL OR NOT regexp_full_match(period, '[0-9]{4}-(0[1-9]|1[0-2])') OR period > getvariable('ingest').period THEN 'period'
      WHEN issued_on IS NOT NULL AND issued_d IS NULL THEN 'issued_on'
      WHEN due_on IS NOT NULL AND due_d IS NULL THEN 'due_on'
    END AS field
  FROM p
)
SELECT seq, line_no, blank, invoice_no, upper(customer_code) AS customer_code, period, series, number, issued_d AS issued_on, due_d AS due_on,
  amount_v AS amount_vnd, field,
  CASE WHEN field IS NULL THEN NULL
       WHEN field IN ('invoice_no', 'customer_code') OR (field = 'amount_vnd' AND amount_vnd IS NULL) THEN 'missing_field'
       WHEN field = 'amount_vnd' THEN 'bad_amount'
       ELSE 'bad_date' END AS reason,
  CASE field WHEN 'amount_vnd' THEN amount_vnd WHEN 'period' THEN period WHEN 'issued_on' THEN issued_on WHEN 'due_on' THEN due_on END AS value,
  CASE WHEN field IS NULL THEN NULL ELSE ingest_message(getvariable('ingest').files[seq], line_no, field,
    CASE WHEN field IN ('invoice_no', 'customer_code') OR (field = 'amount_vnd' AND amount_vnd IS NULL) THEN 'missing' ELSE 'not valid' END,
    CASE field WHEN 'amount_vnd' THEN amount_vnd WHEN 'period' THEN period WHEN 'issued_on' THEN issued_on WHEN 'due_on' THEN due_on END,
    CASE field WHEN 'amount_vnd' THEN 'a positive whole amount in đồng (digits only), at most 1000000000000000'
               WHEN 'period' THEN 'a period YYYY-MM no later than the file name''s, ' || getvariable('ingest').period
               WHEN 'issued_on' THEN 'a date YYYY-MM-DD' WHEN 'due_on' THEN 'a date YYYY-MM-DD'
               ELSE 'a value' END) END AS message,
  CASE WHEN field IS NOT NULL THEN /*{raw_text}*/ END AS raw
FROM j;
