-- Billing periods in the database up to and including the report's period, oldest first.
SELECT DISTINCT period FROM invoices WHERE period <= $period ORDER BY period;
