-- Export: every record of the period's files that could not be loaded, with its file and physical
-- line, the field, the value seen, the reason and the message, and the record's text: what an
-- auditor needs to account for each line received. Partner files are the period's files as the
-- data-quality figures count them (period_files, sql/common/period_files.sql); billing files are the
-- period's invoice export (source_files.period) and every customer list (which belongs to no
-- period). A quarantined file's rejects are listed too.
SELECT f.kind AS file_kind, f.partner_id, f.file_id, f.file_name AS source_file, f.path AS source_path,
       r.line_no AS source_line, r.reason, r.field, r.value, r.message, r.raw, f.status AS file_status
FROM rejects r
JOIN source_files f ON f.file_id = r.file_id
LEFT JOIN period_files($period, $as_of) pf ON pf.file_id = f.file_id
WHERE pf.file_id IS NOT NULL
   OR f.kind = 'customers'
   OR (f.kind = 'invoices' AND f.period = $period)
ORDER BY f.file_id, r.line_no;
