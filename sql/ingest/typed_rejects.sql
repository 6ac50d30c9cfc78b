-- Records that parsed but failed a field check, with their text (fields re-joined).
INSERT INTO rejects (file_id, line_no, field, value, reason, message, raw)
SELECT $file_id, t.line_no, t.field, t.value, t.reason, t.message, s.raw
FROM ingest_typed t
JOIN ingest_stage_text s USING (line_no)
WHERE t.reason IS NOT NULL;
