-- Rejected records of the partner files of the report's period (period_files,
-- sql/common/period_files.sql) by reason code, most frequent first.
SELECT r.reason, count(*)::BIGINT AS records
FROM rejects r JOIN source_files f ON f.file_id = r.file_id
SEMI JOIN period_files($period, $as_of) pf ON pf.file_id = f.file_id
WHERE f.kind = 'partner'
GROUP BY r.reason
ORDER BY records DESC, r.reason;
