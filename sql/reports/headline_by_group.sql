-- Per scoped period and channel group: invoices attributed to the group, amount allocated via the
-- group, and distinct customers with an allocation via the group (a customer may count in two;
-- report_totals counts customers by the set of groups they paid through, one bit per group).
WITH channel_group AS (
  SELECT DISTINCT channel_group, group_bit FROM report_partner_key
),
alloc AS (
  SELECT period, group_bit, sum(amount_vnd) AS allocated_vnd
  FROM report_alloc GROUP BY period, group_bit
),
customers AS (
  SELECT t.period, g.group_bit, sum(t.customers_with_allocation) AS customers
  /* nested-loop join allowed: a bit test cannot be hashed, and both sides are small (a few
     group-mask rows per period, one row per channel group) */
  FROM report_totals t JOIN channel_group g ON t.group_mask & g.group_bit <> 0
  WHERE t.level = 'group_mask'
  GROUP BY t.period, g.group_bit
),
attributed AS (
  SELECT period, attributed_bit AS group_bit, count(*) AS invoices
  FROM report_invoice WHERE attributed_bit IS NOT NULL GROUP BY period, attributed_bit
)
SELECT period, g.channel_group,
       coalesce(attributed.invoices, 0)::BIGINT AS invoices,
       coalesce(alloc.allocated_vnd, 0)::BIGINT AS allocated_vnd,
       coalesce(customers.customers, 0)::BIGINT AS customers
FROM alloc
FULL JOIN attributed USING (period, group_bit)
LEFT JOIN customers USING (period, group_bit)
JOIN channel_group g USING (group_bit)
ORDER BY period, g.channel_group;
