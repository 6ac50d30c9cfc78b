-- The invoices payments compete for, and which accounts are contested. An account is contested
-- when the time-ordered turns could change its outcome or need an order: several payments compete
-- for it (they take turns), or it has several invoices (oldest first, rules 4–6 choose among them),
-- or an invoice that owes nothing (not a residual a payment can take). Competition never crosses
-- accounts: a decision or a reference routes the payment to the account of the invoice it names
-- (050), so every payment that could take a residual of an account is one of that account's
-- payments. The other accounts, one payment and at most one invoice, are settled in one pass by
-- 065_uncontested.sql; only the contested minority goes through the turns.

-- Every invoice, by account. A view, not a copy: its readers join it to payments or to a few
-- accounts, and copying every invoice cost more than any of them (30 M invoices: 11.8 s).
CREATE OR REPLACE TEMP VIEW m_inv AS
SELECT customer_code AS account, invoice_no, amount_vnd, period, issued_on
FROM invoices;

-- Accounts with several invoices, whether or not a payment names them (those are filtered below,
-- where a probe of the small set costs less than a semi-join of every invoice to every payment).
CREATE OR REPLACE TEMP TABLE m_inv_n AS
SELECT account, count(*) AS n_inv, sum(amount_vnd) AS total_vnd FROM m_inv GROUP BY account HAVING count(*) > 1;

CREATE OR REPLACE TEMP TABLE m_contested AS
SELECT account FROM m_turns
UNION
SELECT DISTINCT account FROM m_pay
WHERE account IN (SELECT account FROM m_inv_n UNION ALL SELECT account FROM m_inv WHERE amount_vnd <= 0);

-- The contested payments with their turn (1 for the only payment of an account).
CREATE OR REPLACE TEMP TABLE m_pay_turn AS
SELECT p.payment_id, p.account, p.x, p.target_invoice_no, p.target_several, p.target_rule, p.target_confidence, p.code_factor,
       CAST(coalesce(s.seq, 1) AS INTEGER) AS seq
FROM m_pay p
LEFT JOIN m_seq s USING (payment_id)
WHERE p.account IN (SELECT account FROM m_contested);

-- Contested accounts' invoices, numbered oldest first (period, then issue date, then invoice_no).
-- Residuals start at the invoice amount; each turn lowers them by what it allocated. n_inv lets the
-- turns skip the window functions for accounts with a single invoice.
CREATE OR REPLACE TEMP TABLE m_open AS
SELECT account, invoice_no, amount_vnd, amount_vnd AS residual, 1 AS ord, 1 AS n_inv
FROM m_inv
WHERE account IN (SELECT account FROM m_contested) AND account NOT IN (SELECT account FROM m_inv_n)
UNION ALL
SELECT i.account, i.invoice_no, i.amount_vnd, i.amount_vnd,
       row_number() OVER (PARTITION BY i.account ORDER BY i.period, i.issued_on NULLS LAST, i.invoice_no),
       n.n_inv
FROM m_inv i JOIN m_inv_n n USING (account)
WHERE i.account IN (SELECT account FROM m_contested);

-- Rule 9 also suggests a customer whose open residual in all (arrears + current) equals the amount
-- of a mistyped payment. Like m_state for single invoices, m_typo_total keeps every total such an
-- account can owe, but only those equal to the amount of a payment rule 9 may look at: an
-- unidentified payment claiming a code, or a payment whose known customer may have nothing open
-- when its turn comes (no invoice at all, or a later turn that may find them settled; m_typo_known
-- below): here the totals before any payment (065, once the uncontested payments without an
-- invoice are known), and after each turn (070) the totals it left. A customer with one invoice is
-- found through that invoice; only accounts of several are kept.
-- Of the contested payments, only those rule 9 can reach are kept: no invoice named, and either no
-- invoice at all or a later turn, with an amount that is neither one of the customer's invoices nor
-- all of them (most second payments are a customer paying the same bill twice).
CREATE OR REPLACE TEMP TABLE m_typo_amount AS
SELECT DISTINCT x FROM (
  SELECT effective_vnd AS x FROM m_unidentified WHERE claimed_code IS NOT NULL
  UNION ALL
  SELECT p.x
  FROM m_pay_turn p
  ANTI JOIN m_open o ON o.account = p.account AND o.amount_vnd = p.x
  LEFT JOIN m_inv_n n ON n.account = p.account
  WHERE p.target_invoice_no IS NULL AND p.target_several IS NULL AND (p.seq > 1 OR p.account NOT IN (SELECT account FROM m_open))
    AND (n.total_vnd IS NULL OR n.total_vnd <> p.x));

CREATE OR REPLACE TEMP TABLE m_typo_total (account VARCHAR, total_vnd BIGINT);

-- Payments of a known customer who had nothing open when their turn came and whose amount is not
-- that of one of its invoices or of all of them (a customer paying twice): rule 9 looks for a real
-- code one typo away that owes the amount (080). Filled by 065 and 070; why: 'none' (the customer
-- has no invoice) or 'settled' (its invoices were settled by earlier payments).
CREATE OR REPLACE TEMP TABLE m_typo_known (payment_id BIGINT, account VARCHAR, x BIGINT, why VARCHAR);

-- Residuals that partial allocations leave behind (invoice, residual after the allocation): with
-- the invoice amounts they are every value an invoice can owe at some time, which is how rule 9
-- finds the invoices a mistyped payment could be meant for without scanning codes.
CREATE OR REPLACE TEMP TABLE m_state (invoice_no VARCHAR, residual BIGINT);

DROP TABLE m_seq;
