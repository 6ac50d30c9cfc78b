-- Types and validates the staged rows of customers.csv (read straight from the staging file) into ingest_typed.
-- The power corporation and unit are derived from the code (DOMAIN.md), never trusted from the file.
CREATE OR REPLACE TEMP TABLE /*{typed_table}*/ AS
WITH billing_raw AS (
  SELECT /*{raw_projection}*/ FROM /*{source}*/
), j AS (
  SELECT r.*, upper(customer_code) AS code, pc_of(customer_code) AS pc_code,
    CASE
      WHEN customer_code IS NULL OR NOT regexp_full_match(upper(customer_code), '[A-Z]{2}[A-Z0-9]{9,11}')
           OR pc_code IS NULL THEN 'customer_code'
      WHEN segment IS NOT NULL AND segment NOT IN ('residential', 'business', 'industrial', 'administrative') THEN 'segment'
    END AS field
  FROM billing_raw r
  WHERE /*{keep}*/
)
SELECT seq, line_no, blank, code AS customer_code, name, segment, pc_code AS pc, unit_of(code) AS unit, field,
  CASE WHEN field IS NULL THEN NULL WHEN customer_code IS NULL THEN 'missing_field' ELSE 'unknown_code' END AS reason,
  CASE field WHEN 'customer_code' THEN customer_code WHEN 'segment' THEN segment END AS value,
  CASE WHEN field IS NULL THEN NULL ELSE ingest_message(getvariable('ingest').files[seq], line_no, field,
    CASE WHEN customer_code IS NULL THEN 'missing' ELSE 'unknown code' END,
    CASE field WHEN 'customer_code' THEN customer_code WHEN 'segment' THEN segment END,
    CASE field WHEN 'customer_code' THEN 'a customer code of 11-13 letters and digits starting with a power-corporation prefix (PD, PE, PA, PH, PM, PN, PB, PK, PC, PP, PQ)'
               ELSE 'residential, business, industrial or administrative' END) END AS message,
  CASE WHEN field IS NOT NULL THEN /*{raw_text}*/ END AS raw
FROM j;
