-- Identifier macros every stage reads (ingest, matching, reports); created on each connection
-- (src/db/database.ts) so the rule lives in one place.

-- Power corporation named by the first two letters of a customer code (DOMAIN.md, "Identifiers"),
-- in any letter case; NULL for a prefix no corporation uses.
CREATE OR REPLACE TEMP MACRO pc_of(code) AS CASE left(upper(code), 2)
  WHEN 'PD' THEN 'EVNHANOI' WHEN 'PE' THEN 'EVNHCMC'
  WHEN 'PA' THEN 'EVNNPC' WHEN 'PH' THEN 'EVNNPC' WHEN 'PM' THEN 'EVNNPC' WHEN 'PN' THEN 'EVNNPC'
  WHEN 'PB' THEN 'EVNSPC' WHEN 'PK' THEN 'EVNSPC'
  WHEN 'PC' THEN 'EVNCPC' WHEN 'PP' THEN 'EVNCPC' WHEN 'PQ' THEN 'EVNCPC' END;

-- Local power unit (điện lực): the first six characters of a customer code, upper case.
CREATE OR REPLACE TEMP MACRO unit_of(code) AS upper(left(code, 6));
