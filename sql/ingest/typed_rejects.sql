-- Records that parsed but failed a field check, with their text (fields re-joined while typing).
INSERT INTO rejects (file_id, line_no, field, value, reason, message, raw)
SELECT getvariable('ingest').file_ids[seq], line_no, field, value, reason, message, raw
FROM ingest_typed
WHERE reason IS NOT NULL;
