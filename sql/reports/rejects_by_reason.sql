-- Rejected records of partner files by reason code, most frequent first.
SELECT r.reason, count(*)::BIGINT AS records
FROM rejects r JOIN source_files f ON f.file_id = r.file_id
WHERE f.kind = 'partner'
GROUP BY r.reason
ORDER BY records DESC, r.reason;
