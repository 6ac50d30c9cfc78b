-- Rejected records of the partner files of the report's period (report_files: period_files,
-- sql/common/period_files.sql) by reason code, most frequent first.
SELECT r.reason, count(*)::BIGINT AS records
FROM rejects r JOIN source_files f ON f.file_id = r.file_id
SEMI JOIN report_files pf ON pf.file_id = f.file_id
WHERE f.kind = 'partner'
GROUP BY r.reason
ORDER BY records DESC, r.reason;
