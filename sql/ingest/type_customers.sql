-- Types and validates the staged rows of customers.csv (view billing_raw) into ingest_typed.
-- The power corporation and unit are derived from the code (DOMAIN.md), never trusted from the file.
CREATE OR REPLACE TEMP TABLE ingest_typed AS
WITH j AS (
  SELECT r.*, upper(customer_code) AS code,
    CASE
      WHEN customer_code IS NULL THEN 'missing_field'
      WHEN NOT regexp_full_match(upper(customer_code), '[A-Z]{2}[A-Z0-9]{9,11}') OR ingest_pc_of(upper(customer_code)) IS NULL THEN 'unknown_code'
      WHEN segment IS NOT NULL AND segment NOT IN ('residential', 'business', 'industrial', 'administrative') THEN 'unknown_code'
    END AS reason
  FROM billing_raw r
  WHERE NOT blank
)
SELECT line_no, code AS customer_code, name, segment, ingest_pc_of(code) AS pc, left(code, 6) AS unit, reason,
  CASE WHEN reason IS NULL THEN NULL WHEN customer_code IS NULL OR reason = 'unknown_code' AND ingest_pc_of(code) IS NULL OR NOT regexp_full_match(code, '[A-Z]{2}[A-Z0-9]{9,11}') THEN 'customer_code' ELSE 'segment' END AS field,
  CASE WHEN reason IS NULL THEN NULL ELSE ingest_message(line_no,
    CASE WHEN customer_code IS NULL OR ingest_pc_of(code) IS NULL OR NOT regexp_full_match(code, '[A-Z]{2}[A-Z0-9]{9,11}') THEN 'customer_code' ELSE 'segment' END,
    CASE reason WHEN 'missing_field' THEN 'missing' ELSE 'unknown code' END,
    CASE WHEN customer_code IS NULL OR ingest_pc_of(code) IS NULL OR NOT regexp_full_match(code, '[A-Z]{2}[A-Z0-9]{9,11}') THEN customer_code ELSE segment END,
    CASE WHEN customer_code IS NULL OR ingest_pc_of(code) IS NULL OR NOT regexp_full_match(code, '[A-Z]{2}[A-Z0-9]{9,11}')
         THEN 'a customer code of 11-13 letters and digits starting with a power-corporation prefix (PD, PE, PA, PH, PM, PN, PB, PK, PC, PP, PQ)'
         ELSE 'residential, business, industrial or administrative' END) END AS message
FROM j;
