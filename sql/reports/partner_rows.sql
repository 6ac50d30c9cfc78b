-- Partner breakdown rows for kpis.json, largest contribution first.
SELECT partner_id, name, channel_group, allocated_vnd, cashless_allocated_vnd, payments, invoices, customers
FROM report_partner
ORDER BY allocated_vnd DESC, partner_id;
