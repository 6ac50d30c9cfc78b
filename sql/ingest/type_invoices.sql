-- Types and validates the staged rows of an invoices export (read straight from the staging
-- file) into ingest_typed. Rows of the file's period and of earlier periods (arrears brought
-- forward) are valid; a later period is a reject. The formats come from the billing layout
-- (src/ingest/billing-layout.ts) through the session variable `ingest`: the period as the layout
-- writes it (period_fmt / period_re, stored as YYYY-MM), the dates (date_fmt / date_re, and a value
-- of just the format's date part, day_fmt / day_re), the amount (amount_re, as partner amounts). The
-- built-in layout's formats (YYYY-MM, YYYY-MM-DD, plain digits: period_plain, date_plain,
-- amount_plain) keep their own expressions, as before layouts existed.
CREATE OR REPLACE TEMP TABLE /*{typed_table}*/ AS
WITH billing_raw AS (
  SELECT /*{raw_projection}*/ FROM /*{source}*/
), p AS (
  SELECT r.*,
    CASE WHEN getvariable('ingest').amount_plain
           THEN CASE WHEN regexp_full_match(amount_vnd, '[0-9]+') THEN try_cast(amount_vnd AS BIGINT) END
         -- An invoice amount is positive: a sign is no part of its format.
         WHEN NOT regexp_matches(amount_vnd, '[-+]')
           THEN ingest_amount_value(regexp_extract(amount_vnd, getvariable('ingest').amount_re, ['sign', 'int', 'frac', 'close'])) END AS amount_v,
    CASE WHEN getvariable('ingest').date_plain
           THEN CASE WHEN regexp_full_match(issued_on, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_cast(issued_on AS DATE) END
         ELSE coalesce(ingest_date(issued_on, getvariable('ingest').date_fmt, getvariable('ingest').date_re),
                       ingest_date(issued_on, getvariable('ingest').day_fmt, getvariable('ingest').day_re)) END AS issued_d,
    CASE WHEN getvariable('ingest').date_plain
           THEN CASE WHEN regexp_full_match(due_on, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_cast(due_on AS DATE) END
         ELSE coalesce(ingest_date(due_on, getvariable('ingest').date_fmt, getvariable('ingest').date_re),
                       ingest_date(due_on, getvariable('ingest').day_fmt, getvariable('ingest').day_re)) END AS due_d,
    CASE WHEN getvariable('ingest').period_plain
           THEN CASE WHEN regexp_full_match(period, '[0-9]{4}-(0[1-9]|1[0-2])') THEN period END
         WHEN regexp_full_match(period, getvariable('ingest').period_re)
           THEN strftime(try_strptime(period, getvariable('ingest').period_fmt), '%Y-%m') END AS period_v
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
      WHEN period_v IS NULL OR period_v > getvariable('ingest').period THEN 'period'
      WHEN issued_on IS NOT NULL AND issued_d IS NULL THEN 'issued_on'
      WHEN due_on IS NOT NULL AND due_d IS NULL THEN 'due_on'
    END AS field
  FROM p
)
SELECT seq, line_no, blank, invoice_no, upper(customer_code) AS customer_code, period_v AS period, series, number, issued_d AS issued_on, due_d AS due_on,
  amount_v AS amount_vnd, field,
  CASE WHEN field IS NULL THEN NULL
       WHEN field IN ('invoice_no', 'customer_code') OR (field = 'amount_vnd' AND amount_vnd IS NULL) THEN 'missing_field'
       WHEN field = 'amount_vnd' THEN 'bad_amount'
       ELSE 'bad_date' END AS reason,
  CASE field WHEN 'amount_vnd' THEN amount_vnd WHEN 'period' THEN period WHEN 'issued_on' THEN issued_on WHEN 'due_on' THEN due_on END AS value,
  CASE WHEN field IS NULL THEN NULL ELSE ingest_message(getvariable('ingest').files[seq], line_no,
    CASE field WHEN 'invoice_no' THEN getvariable('ingest').label_invoice_no WHEN 'customer_code' THEN getvariable('ingest').label_customer_code
               WHEN 'amount_vnd' THEN getvariable('ingest').label_amount_vnd WHEN 'period' THEN getvariable('ingest').label_period
               WHEN 'issued_on' THEN getvariable('ingest').label_issued_on ELSE getvariable('ingest').label_due_on END,
    CASE WHEN field IN ('invoice_no', 'customer_code') OR (field = 'amount_vnd' AND amount_vnd IS NULL) THEN 'missing' ELSE 'not valid' END,
    CASE field WHEN 'amount_vnd' THEN amount_vnd WHEN 'period' THEN period WHEN 'issued_on' THEN issued_on WHEN 'due_on' THEN due_on END,
    CASE field WHEN 'amount_vnd' THEN getvariable('ingest').amount_expected
               WHEN 'period' THEN 'a period ' || getvariable('ingest').period_format || ' no later than the file name''s, ' || getvariable('ingest').period_shown
               WHEN 'issued_on' THEN getvariable('ingest').date_expected WHEN 'due_on' THEN getvariable('ingest').date_expected
               ELSE 'a value' END) END AS message,
  CASE WHEN field IS NOT NULL THEN /*{raw_text}*/ END AS raw
FROM j;
