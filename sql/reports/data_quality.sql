-- Data quality of the partner files of the report's period (report_files, sql/reports/period_files.sql,
-- after sql/common/period_files.sql:
-- the files whose records were paid in the period's partner window, README "KPI glossary"): files
-- received and what became of them, records read / rejected / duplicate, and control-total
-- mismatches (a stated count different from the records read, or, with no record rejected, a
-- stated sum different from the parsed sum).
SELECT count(*)::BIGINT AS files,
       count(*) FILTER (WHERE status IN ('loaded', 'released'))::BIGINT AS files_loaded,
       count(*) FILTER (WHERE status = 'quarantined')::BIGINT AS files_quarantined,
       count(*) FILTER (WHERE status = 'skipped_duplicate')::BIGINT AS files_skipped_duplicate,
       -- Files nothing was read from: the file could not be read as its profile says, or no
       -- single profile claims its name.
       count(*) FILTER (WHERE status = 'failed')::BIGINT AS files_failed,
       count(*) FILTER (WHERE status = 'unrecognised')::BIGINT AS files_unrecognised,
       coalesce(sum(records_read), 0)::BIGINT AS records_read,
       coalesce(sum(records_loaded), 0)::BIGINT AS records_loaded,
       coalesce(sum(records_rejected), 0)::BIGINT AS records_rejected,
       coalesce(sum(records_duplicate), 0)::BIGINT AS records_duplicate,
       -- Records of quarantined files that neither a reject nor a repeat accounts for: held until
       -- the file is released (a quarantined file loads nothing).
       coalesce(sum(records_read - records_loaded - records_rejected - records_duplicate) FILTER (WHERE status = 'quarantined'), 0)::BIGINT AS records_quarantined,
       count(*) FILTER (WHERE control_count IS DISTINCT FROM records_read AND control_count IS NOT NULL
                           OR (records_rejected = 0 AND control_amount IS NOT NULL AND control_amount IS DISTINCT FROM amount_read)
                       )::BIGINT AS control_mismatches,
       coalesce(sum(rejected_amount), 0)::BIGINT AS rejected_amount_vnd
FROM source_files
SEMI JOIN report_files USING (file_id)
WHERE kind = 'partner';
