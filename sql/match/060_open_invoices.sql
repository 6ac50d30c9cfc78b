-- The invoices payments compete for: every loaded invoice of an account that has a payment to
-- allocate, numbered oldest first (period, then issue date, then invoice_no). Residuals start at
-- the invoice amount; each turn lowers them by what it allocated. n_inv lets the turns skip the
-- window functions for the many accounts with a single invoice.

CREATE OR REPLACE TEMP TABLE m_inv AS
SELECT customer_code AS account, invoice_no, amount_vnd, period, issued_on
FROM invoices
WHERE customer_code IN (SELECT account FROM payment_match WHERE route = 'allocate');

CREATE OR REPLACE TEMP TABLE m_inv_n AS
SELECT account, count(*) AS n_inv FROM m_inv GROUP BY account HAVING count(*) > 1;

CREATE OR REPLACE TEMP TABLE m_open AS
SELECT account, invoice_no, amount_vnd, amount_vnd AS residual, 1 AS ord, 1 AS n_inv
FROM m_inv WHERE account NOT IN (SELECT account FROM m_inv_n)
UNION ALL
SELECT i.account, i.invoice_no, i.amount_vnd, i.amount_vnd,
       row_number() OVER (PARTITION BY i.account ORDER BY i.period, i.issued_on NULLS LAST, i.invoice_no),
       n.n_inv
FROM m_inv i JOIN m_inv_n n USING (account);

-- Residuals that partial allocations leave behind (invoice, residual after the allocation): with
-- the invoice amounts they are every value an invoice can owe at some time, which is how rule 9
-- finds the invoices a mistyped payment could be meant for without scanning codes.
CREATE OR REPLACE TEMP TABLE m_state (invoice_no VARCHAR, residual BIGINT);
