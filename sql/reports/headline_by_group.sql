-- Per scoped period and channel group: invoices attributed to the group, amount allocated via the
-- group, and distinct customers with an allocation via the group (a customer may count in two;
-- report_customer has one row per customer with the bits of the groups it paid through).
WITH alloc AS (
  SELECT period, channel_group, sum(amount_vnd) AS allocated_vnd
  FROM report_alloc GROUP BY period, channel_group
),
customers AS (
  SELECT c.period, g.channel_group, count(*) AS customers
  FROM report_customer c JOIN report_group g ON c.group_mask & g.bit <> 0
  GROUP BY c.period, g.channel_group
),
attributed AS (
  SELECT period, attributed_group AS channel_group, count(*) AS invoices
  FROM report_invoice WHERE attributed_group IS NOT NULL GROUP BY period, attributed_group
)
SELECT period, channel_group,
       coalesce(attributed.invoices, 0)::BIGINT AS invoices,
       coalesce(alloc.allocated_vnd, 0)::BIGINT AS allocated_vnd,
       coalesce(customers.customers, 0)::BIGINT AS customers
FROM alloc
FULL JOIN attributed USING (period, channel_group)
LEFT JOIN customers USING (period, channel_group)
ORDER BY period, channel_group;
