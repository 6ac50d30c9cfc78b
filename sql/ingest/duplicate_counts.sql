-- Duplicate records per file of the batch just written (file ids of the batch).
SELECT file_id, count(*) AS duplicate
FROM duplicate_records
WHERE list_contains(getvariable('ingest').file_ids, file_id)
GROUP BY file_id;
