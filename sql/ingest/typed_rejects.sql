-- Records that parsed but failed a field check, with their text (fields re-joined while typing)
-- and, for a partner file, their transaction id as read (NULL when it is the field that failed;
-- slot txn_ref: NULL for a billing file, whose records have none).
INSERT INTO rejects (file_id, line_no, field, value, reason, message, raw, txn_ref)
SELECT getvariable('ingest').file_ids[seq], line_no, field, value, reason, message, raw, /*{txn_ref}*/
FROM ingest_typed
WHERE reason IS NOT NULL;
