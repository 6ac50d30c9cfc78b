-- One row per invoice of a scoped period: what was counted against it, how much of it came from
-- cashless payments (all_cashless is NULL without allocations), the channel groups that paid it
-- (group_mask, see partner_keys.sql), the partner that paid all of it (sole_partner_key, NULL
-- when none or several did; see breakdown_partner.sql) and the group it is attributed to
-- (attributed_bit): the group whose payments allocated the most to it; on a tie, the tied group
-- whose first payment to it came first (paid time, then partner id, then transaction id: an
-- all-digit id by its value, txn_number in sql/common/identifiers.sql).
-- Most invoices are paid through one group only (a mask of a single bit), which is then the
-- attributed one; only invoices paid through several groups are summed per group, so the ordering
-- key is read and built for few rows rather than for every allocation.
-- Columns are kept to what the readers need: each one costs a copy of every invoice.
CREATE OR REPLACE TEMP TABLE report_invoice AS
WITH per_invoice AS (
  SELECT invoice_no,
         sum(amount_vnd) AS allocated_vnd,
         sum(amount_vnd) FILTER (WHERE cashless) AS cashless_vnd,
         bool_and(cashless) AS all_cashless,
         bit_or(group_bit) AS group_mask,
         CASE WHEN min(partner_key) = max(partner_key) THEN min(partner_key) END AS sole_partner_key
  FROM report_alloc
  GROUP BY invoice_no
),
by_group AS (
  SELECT a.invoice_no, a.group_bit, sum(a.amount_vnd) AS amount_vnd,
         min({'paid_at': p.paid_at, 'partner_id': p.partner_id, 'txn_number': txn_number(p.txn_ref), 'txn_ref': p.txn_ref}) AS first_payment
  FROM report_alloc a
  JOIN payments p ON p.payment_id = a.payment_id
  WHERE a.invoice_no IN (SELECT invoice_no FROM per_invoice WHERE group_mask & (group_mask - 1) <> 0)
  GROUP BY a.invoice_no, a.group_bit
),
contested AS (
  SELECT invoice_no, arg_min(group_bit, {'minus_amount': -amount_vnd, 'first_payment': first_payment}) AS attributed_bit
  FROM by_group
  GROUP BY invoice_no
)
SELECT
  i.period,
  i.invoice_no,
  i.customer_code,
  i.amount_vnd,
  coalesce(pi.allocated_vnd, 0)::BIGINT AS allocated_vnd,
  coalesce(pi.cashless_vnd, 0)::BIGINT AS cashless_vnd,
  pi.all_cashless,
  coalesce(pi.group_mask, 0) AS group_mask,
  coalesce(ct.attributed_bit, pi.group_mask) AS attributed_bit,
  pi.sole_partner_key
FROM invoices i
JOIN report_scope s ON s.period = i.period
LEFT JOIN per_invoice pi ON pi.invoice_no = i.invoice_no
LEFT JOIN contested ct ON ct.invoice_no = i.invoice_no;
