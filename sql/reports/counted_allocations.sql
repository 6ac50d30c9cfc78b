-- The allocations the KPIs count (DOMAIN.md "KPI definitions"): allocations to invoices of a
-- scoped period, of payments paid at or before that period's as-of date. Voided payments have no
-- allocations (matching guarantees it), so nothing here needs to know about reversals.
-- Each row carries the payment's partner and channel group as integers (partner_keys.sql) and
-- whether its instrument is cashless. The customer and what orders payments are left out on
-- purpose: they are long strings, costly to copy for every allocation, and are looked up where
-- needed (report_invoice has the customer; ties read the payment).
-- The cutoff reaches the payments through their invoice: compared with payments and the scope
-- directly, DuckDB pairs every payment with every earlier period's cutoff (a nested loop that
-- multiplies the rows) before joining on the keys. Even so, the comparison itself is a join
-- condition DuckDB may use to pair payments with the scoped invoices directly, by a nested loop,
-- when it estimates both small (a period of a few invoices: it did with 2 invoices and 14
-- payments): written as one CASE expression it is no join condition, only a filter on the rows the
-- key joins bring together (as 080_suggested_match.sql does with its length test).
CREATE OR REPLACE TEMP TABLE report_alloc AS
WITH scoped_invoice AS (
  SELECT i.invoice_no, i.period, s.cutoff
  FROM invoices i JOIN report_scope s ON s.period = i.period
)
SELECT
  i.period,
  a.invoice_no,
  pk.partner_key,
  pk.group_bit,
  p.payment_id,
  p.instrument <> 'cash' AS cashless,
  a.amount_vnd
FROM allocations a
JOIN payments p ON p.payment_id = a.payment_id
JOIN scoped_invoice i ON i.invoice_no = a.invoice_no
JOIN report_partner_key pk ON pk.partner_id = p.partner_id
WHERE CASE WHEN p.paid_at < i.cutoff THEN true ELSE false END;
