-- Billing periods in the database up to and including the report's period, oldest first: those
-- billed by an export of their own (invoices-P.csv loaded P's invoices). A period present only
-- through the arrears an export brought forward (the month before the first export) is no
-- billing period: compared with it, the first month's collection rate moved by tens of points.
SELECT DISTINCT i.period
FROM invoices i
JOIN source_files f ON f.file_id = i.file_id
WHERE f.kind = 'invoices' AND f.period = i.period AND i.period <= $period
ORDER BY i.period;
