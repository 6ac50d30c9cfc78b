-- The partner files of the report's period (period_files, sql/common/period_files.sql), found once
-- per report: the data-quality figures, the rejects by reason and the scorecard's file figures all
-- read them (each finding them again read every payment's file and paid time: 1.5 s of CPU a time
-- at 10 M payments).
CREATE OR REPLACE TEMP TABLE report_files AS
SELECT file_id FROM period_files($period, $as_of);
