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

-- The payments a report's partner figures cover (partner scorecard, payments export): paid in the
-- billing period's calendar month, local time, up to the end of the as-of day when that comes
-- first. Bills are issued throughout their month as meters are read and are mostly paid within
-- days, so that month holds most of a period's payments; the month after holds the late ones.
CREATE OR REPLACE TEMP MACRO in_partner_window(paid_at, period, as_of) AS
  paid_at >= timezone('Asia/Ho_Chi_Minh', CAST(period || '-01' AS DATE)::TIMESTAMP)
  AND paid_at < timezone('Asia/Ho_Chi_Minh', least(CAST(period || '-01' AS DATE) + INTERVAL 1 MONTH, CAST(as_of AS DATE) + 1)::TIMESTAMP);

-- Transaction ids break ties of paid time and partner (DOMAIN.md: the earlier payment takes a
-- residual; issue 5: paid time, partner, transaction id). A partner numbers its transactions, so
-- an id made only of digits is compared as the number it is ("9" before "10"; leading zeros do not
-- count): ORDER BY ..., txn_number(txn_ref), txn_ref. txn_number is that number (ids of up to 38
-- significant digits); any other id gets the largest HUGEINT, so it follows the numeric ids and
-- compares as text, and ids of equal value ("009", "9") fall back to text. Never NULL, so it sorts
-- the same in ORDER BY, in min() of a struct and in row comparisons. src/generate/truth.ts
-- (earlier) implements the same order.
CREATE OR REPLACE TEMP MACRO txn_number(t) AS
  CASE WHEN t <> '' AND ltrim(t, '0123456789') = '' AND length(ltrim(t, '0')) <= 38
       THEN CAST(t AS HUGEINT) ELSE CAST('170141183460469231731687303715884105727' AS HUGEINT) END;
