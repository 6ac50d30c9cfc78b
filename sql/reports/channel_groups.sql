-- The channel groups of the registered partners, each with its own bit, so the groups an invoice
-- or a customer was paid through fit in one integer (group_mask) that adds up with bit_or.
CREATE OR REPLACE TEMP TABLE report_group AS
SELECT channel_group, (1 << (row_number() OVER (ORDER BY channel_group) - 1))::INTEGER AS bit
FROM (SELECT DISTINCT channel_group FROM partners);
