-- The periods a report looks at, each with the as-of date its KPIs are counted at and the instant
-- that date ends (the first instant of the next local day, Asia/Ho_Chi_Minh). Rows are inserted by
-- src/reports/scope.ts: the report's period at its as-of date, and every earlier period in the
-- database at its own default as-of date (never later than the report's).
CREATE OR REPLACE TEMP TABLE report_scope (
  period  VARCHAR NOT NULL,
  as_of   DATE NOT NULL,
  cutoff  TIMESTAMPTZ NOT NULL
);
