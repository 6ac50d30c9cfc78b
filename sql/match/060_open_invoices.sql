-- The invoices payments compete for: every loaded invoice of an account that has a payment to
-- allocate, numbered oldest first (period, then issue date, then invoice_no). Residuals start at
-- the invoice amount; each turn lowers them by what it allocated.

CREATE OR REPLACE TEMP TABLE m_open AS
SELECT i.customer_code AS account, i.invoice_no, i.amount_vnd, i.amount_vnd AS residual,
       row_number() OVER (PARTITION BY i.customer_code ORDER BY i.period, i.issued_on NULLS LAST, i.invoice_no) AS ord
FROM invoices i
WHERE i.customer_code IN (SELECT account FROM payment_match WHERE route = 'allocate');
