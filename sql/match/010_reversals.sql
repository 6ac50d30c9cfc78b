-- Rule 1: reversals and refunds. A reversal or refund record names its original by
-- reverses_txn_ref (same partner) or by reusing the original's txn_ref with another kind.
-- A reversed payment, or one refunded in full, is void: it allocates nothing and its invoice stays
-- open for other payments. A partial refund lowers the amount the payment can allocate.
-- A record whose original is not loaded is an orphan_reversal exception.

CREATE OR REPLACE TEMP TABLE m_adjust AS
SELECT a.payment_id AS adjust_id, a.partner_id, a.kind, a.amount_vnd,
       coalesce(nullif(trim(a.reverses_txn_ref), ''), a.txn_ref) AS original_ref,
       o.payment_id AS original_id
FROM payments a
LEFT JOIN payments o
  ON o.kind = 'payment'
 AND o.partner_id = a.partner_id
 AND o.txn_ref = coalesce(nullif(trim(a.reverses_txn_ref), ''), a.txn_ref)
WHERE a.kind IN ('reversal', 'refund');

CREATE OR REPLACE TEMP TABLE m_void AS
SELECT original_id AS payment_id,
       bool_or(kind = 'reversal') AS reversed,
       coalesce(sum(amount_vnd) FILTER (WHERE kind = 'refund'), 0) AS refunded_vnd
FROM m_adjust
WHERE original_id IS NOT NULL
GROUP BY original_id;

INSERT INTO m_exceptions (payment_id, reason, amount_vnd, detail)
SELECT adjust_id, 'orphan_reversal', amount_vnd,
       'this ' || kind || ' names payment ' || original_ref || ' of partner ' || partner_id || ', which is not loaded'
FROM m_adjust
WHERE original_id IS NULL;
