-- Export: every record that could not be loaded, with its file and physical line, the field, the
-- value seen, the reason and the message, and the record's text: what an auditor needs to account
-- for each line received. Files carry no billing period, so this covers every file in the
-- database (as the data-quality figures do); a quarantined file's rejects are listed too.
SELECT f.kind AS file_kind, f.partner_id, f.file_id, f.file_name AS source_file, f.path AS source_path,
       r.line_no AS source_line, r.reason, r.field, r.value, r.message, r.raw, f.status AS file_status
FROM rejects r
JOIN source_files f ON f.file_id = r.file_id
ORDER BY f.file_id, r.line_no;
