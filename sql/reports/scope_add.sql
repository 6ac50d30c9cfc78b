-- One period of the report scope; the cutoff is the end of the as-of day in local time, so
-- "paid at or before A" means paid_at < cutoff.
INSERT INTO report_scope
SELECT $period, $as_of::DATE, timezone('Asia/Ho_Chi_Minh', ($as_of::DATE + 1)::TIMESTAMP);
