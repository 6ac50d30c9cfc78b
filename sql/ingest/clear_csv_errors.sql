-- DuckDB appends every refused record of a session to the same error tables: empty them once a
-- file's refusals are recorded, so the next file counts only its own.
DELETE FROM ingest_csv_errors;
DELETE FROM ingest_csv_scans;
