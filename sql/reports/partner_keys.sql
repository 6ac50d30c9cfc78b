-- Small integer stand-ins for the registered partners and their channel groups, so the
-- allocation-level tables carry integers instead of copying a partner id (often longer than the
-- 12 bytes DuckDB stores inline) for every allocation. Each channel group has its own bit, so the
-- groups an invoice or a customer was paid through fit in one integer (group_mask) that adds up
-- with bit_or.
CREATE OR REPLACE TEMP TABLE report_partner_key AS
SELECT partner_id,
       (row_number() OVER (ORDER BY partner_id))::INTEGER AS partner_key,
       channel_group,
       (1 << (dense_rank() OVER (ORDER BY channel_group) - 1))::INTEGER AS group_bit
FROM partners;
