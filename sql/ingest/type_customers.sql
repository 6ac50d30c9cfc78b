-- Types and validates the staged rows of a customers export (read straight from the staging file) into ingest_typed.
-- The power corporation and unit are derived from the code (DOMAIN.md), never trusted from the file.
-- The segment is the column's value, or with the billing layout's customers.segment_map the
-- segment its code maps to (has_segment_map; segment_codes → segment_values); a code the map does
-- not list is a reject.
CREATE OR REPLACE TEMP TABLE /*{typed_table}*/ AS
WITH billing_raw AS (
  SELECT /*{raw_projection}*/ FROM /*{source}*/
), j AS (
  SELECT r.*, upper(customer_code) AS code, pc_of(customer_code) AS pc_code,
    CASE WHEN getvariable('ingest').has_segment_map
         THEN map_extract_value(MAP(getvariable('ingest').segment_codes, getvariable('ingest').segment_values), segment)
         ELSE segment END AS segment_v,
    CASE
      WHEN customer_code IS NULL OR NOT regexp_full_match(upper(customer_code), '[A-Z]{2}[A-Z0-9]{9,11}')
           OR pc_code IS NULL THEN 'customer_code'
      WHEN segment IS NOT NULL AND (segment_v IS NULL OR segment_v NOT IN ('residential', 'business', 'industrial', 'administrative')) THEN 'segment'
    END AS field
  FROM billing_raw r
  WHERE /*{keep}*/
)
SELECT seq, line_no, blank, code AS customer_code, name, segment_v AS segment, pc_code AS pc, unit_of(code) AS unit, field,
  CASE WHEN field IS NULL THEN NULL WHEN customer_code IS NULL THEN 'missing_field' ELSE 'unknown_code' END AS reason,
  CASE field WHEN 'customer_code' THEN customer_code WHEN 'segment' THEN segment END AS value,
  CASE WHEN field IS NULL THEN NULL ELSE ingest_message(getvariable('ingest').files[seq], line_no,
    CASE field WHEN 'customer_code' THEN getvariable('ingest').label_customer_code ELSE getvariable('ingest').label_segment END,
    CASE WHEN customer_code IS NULL THEN 'missing' ELSE 'unknown code' END,
    CASE field WHEN 'customer_code' THEN customer_code WHEN 'segment' THEN segment END,
    CASE field WHEN 'customer_code' THEN 'a customer code of 11-13 letters and digits starting with a power-corporation prefix (PD, PE, PA, PH, PM, PN, PB, PK, PC, PP, PQ)'
               ELSE getvariable('ingest').segment_expected END) END AS message,
  CASE WHEN field IS NOT NULL THEN /*{raw_text}*/ END AS raw
FROM j;
