-- Rule 1: reversals and refunds. A reversal or refund record names its original by
-- reverses_txn_ref (same partner) or by reusing the original's txn_ref with another kind.
-- A reversed payment, or one refunded in full, is void: it allocates nothing and its invoice stays
-- open for other payments. A partial refund lowers the amount the payment can allocate.
-- A record whose original is not loaded is an orphan_reversal exception. A reversal of a refund
-- cancels the refund (below).
-- Reversals and refunds that together return more than the payment carried (a second reversal
-- under another id, a reversal or refunds above its amount, a refund on top of a reversal) are a
-- refund_exceeds_payment exception on the records that go beyond it; the payment is void (once).

-- Every reversal and refund record with the payment it names (original_id NULL: none loaded).
-- The scan of payments for the few adjustments and the join on what they name are all one
-- statement reads of the payments.
CREATE OR REPLACE TEMP TABLE m_adjust_named AS
SELECT a.adjust_id, a.partner_id, a.kind, a.amount_vnd, a.paid_at, a.txn_ref, a.original_ref,
       o.payment_id AS original_id, o.amount_vnd AS original_vnd
FROM (SELECT payment_id AS adjust_id, partner_id, kind, amount_vnd, paid_at, txn_ref,
             coalesce(nullif(trim(reverses_txn_ref), ''), txn_ref) AS original_ref
      FROM payments WHERE kind IN ('reversal', 'refund')) a
LEFT JOIN payments o
  ON o.kind = 'payment'
 AND o.partner_id = a.partner_id
 AND o.txn_ref = a.original_ref;

-- A reversal of a refund cancels the refund, as a reversal of a payment voids it (DOMAIN: a
-- reversed record is void whatever the date of its reversal): a reversal naming, by
-- reverses_txn_ref or by reusing its id, a refund record of its own partner when no payment of the
-- partner has that id (a refund that reused its payment's id is named with the payment, and the
-- reversal then reverses the payment). Money is what a reversal of a refund moves back: the refund
-- returns its amount less what its reversals took back (nothing once they reach its amount), so
-- its payment allocates that much more again; the reversals return nothing themselves (cancels_id
-- says which refund they cancel) and are no orphans. Reversals taking back more than the refund
-- returned are a refund_exceeds_payment exception for the excess (below). Any other adjustment of
-- an adjustment (a reversal of a reversal, a refund of a refund) is still not followed.
CREATE OR REPLACE TEMP TABLE m_cancel AS
SELECT r.adjust_id, r.partner_id, r.amount_vnd, r.paid_at, r.txn_ref,
       f.adjust_id AS refund_id, f.txn_ref AS refund_ref, f.amount_vnd AS refund_vnd
FROM m_adjust_named r
JOIN m_adjust_named f ON f.partner_id = r.partner_id AND f.txn_ref = r.original_ref AND f.kind = 'refund'
WHERE r.kind = 'reversal' AND r.original_id IS NULL;

-- What each record returns (returns_vnd): its amount, or for a refund its amount less what its
-- reversals took back; a refund they cancelled in full is left out.
CREATE OR REPLACE TEMP TABLE m_adjust AS
WITH cancelled AS (
  SELECT refund_id, sum(amount_vnd) AS cancelled_vnd FROM m_cancel GROUP BY refund_id
)
SELECT a.adjust_id, a.partner_id, a.kind, a.amount_vnd,
       a.amount_vnd - least(coalesce(cd.cancelled_vnd, 0), a.amount_vnd) AS returns_vnd,
       a.paid_at, a.txn_ref, a.original_ref, a.original_id, a.original_vnd, c.refund_id AS cancels_id
FROM m_adjust_named a
LEFT JOIN (SELECT adjust_id, refund_id FROM m_cancel) c ON c.adjust_id = a.adjust_id
LEFT JOIN cancelled cd ON cd.refund_id = a.adjust_id
WHERE coalesce(cd.cancelled_vnd, 0) < a.amount_vnd;

INSERT INTO m_exceptions (payment_id, reason, amount_vnd, detail)
SELECT adjust_id, 'refund_exceeds_payment', least(amount_vnd, cancelled_to_date - refund_vnd),
       'this reversal of ' || CAST(amount_vnd AS VARCHAR) || ' đ names refund ' || refund_ref || ' of partner ' || partner_id
       || ', of ' || CAST(refund_vnd AS VARCHAR) || ' đ; its reversals take back ' || CAST(cancelled_to_date AS VARCHAR) || ' đ, '
       || CAST(cancelled_to_date - refund_vnd AS VARCHAR) || ' đ more than the refund returned'
FROM (SELECT c.*, sum(c.amount_vnd) OVER (PARTITION BY c.refund_id ORDER BY c.paid_at, txn_number(c.txn_ref), c.txn_ref
                                         ROWS UNBOUNDED PRECEDING) AS cancelled_to_date
      FROM m_cancel c)
WHERE cancelled_to_date > refund_vnd;

-- m_adjust_named stays for 050: every adjustment's link to the payment it names, a refund its
-- reversals cancelled in full included (left out of m_adjust, it moves no money, but explain still
-- shows whose refund it was).
DROP TABLE m_cancel;

CREATE OR REPLACE TEMP TABLE m_void AS
SELECT original_id AS payment_id,
       bool_or(kind = 'reversal') AS reversed,
       coalesce(sum(returns_vnd) FILTER (WHERE kind = 'refund'), 0) AS refunded_vnd,
       sum(returns_vnd) AS returned_vnd
FROM m_adjust
WHERE original_id IS NOT NULL
GROUP BY original_id;

-- The detail says what the named id is when it is loaded but is not that partner's payment: a
-- reversal or refund record of the partner (an adjustment of an adjustment is not followed: what
-- the named record did stands), or a payment of another partner (the identity is partner +
-- transaction id + kind, so a record only ever names its own partner's payment). One join of the
-- few orphans with payments.
INSERT INTO m_exceptions (payment_id, reason, amount_vnd, detail)
WITH orphan AS (
  SELECT adjust_id, partner_id, kind, returns_vnd AS amount_vnd, original_ref FROM m_adjust WHERE original_id IS NULL AND cancels_id IS NULL
), named AS (
  SELECT o.adjust_id,
         string_agg(DISTINCT r.kind, ' and ' ORDER BY r.kind) FILTER (WHERE r.partner_id = o.partner_id) AS own_kinds,
         string_agg(DISTINCT r.partner_id, ', ' ORDER BY r.partner_id) FILTER (WHERE r.partner_id <> o.partner_id AND r.kind = 'payment') AS other_partners
  FROM orphan o
  JOIN payments r ON r.txn_ref = o.original_ref AND r.payment_id <> o.adjust_id
  GROUP BY o.adjust_id
)
SELECT o.adjust_id, 'orphan_reversal', o.amount_vnd,
       'this ' || o.kind || ' names payment ' || o.original_ref || ' of partner ' || o.partner_id || ', which is not loaded'
       || coalesce('; ' || o.original_ref || ' of ' || o.partner_id || ' is a ' || n.own_kinds
                   || ' record, not a payment: an adjustment of an adjustment is not followed (that record stands)', '')
       || coalesce('; a payment ' || o.original_ref || ' of ' || n.other_partners
                   || ' is loaded, but a ' || o.kind || ' names a payment of its own partner', '')
FROM orphan o
LEFT JOIN named n USING (adjust_id);

-- Reversal and refund records of one payment in time order (paid time, then transaction id as in
-- the turns, 050, then kind: a reversal and a refund may reuse the payment's id at the same time):
-- each record returns its amount (a refund less what its reversals took back), and a record's exception carries the part of it beyond what the
-- payment carried, so the exceptions sum to what was returned beyond it. A reversal voids the
-- payment whatever its amount, but returns only its own amount: a refund before a reversal of the
-- rest returns the payment exactly, and a second reversal returns it again.
INSERT INTO m_exceptions (payment_id, reason, amount_vnd, detail)
SELECT adjust_id, 'refund_exceeds_payment', least(returns_vnd, returned_to_date - original_vnd),
       'this ' || kind || ' of ' || CAST(amount_vnd AS VARCHAR) || ' đ'
       || CASE WHEN returns_vnd <> amount_vnd THEN ' (' || CAST(returns_vnd AS VARCHAR) || ' đ once its reversals are taken back)' ELSE '' END
       || ' names payment ' || original_ref || ' of partner ' || partner_id
       || ', of ' || CAST(original_vnd AS VARCHAR) || ' đ; its ' || CASE WHEN reversed THEN 'reversals and refunds' ELSE 'refunds' END
       || ' reach ' || CAST(returned_to_date AS VARCHAR) || ' đ, ' || CAST(returned_to_date - original_vnd AS VARCHAR) || ' đ more than the payment'
FROM (SELECT a.adjust_id, a.kind, a.partner_id, a.original_ref, a.amount_vnd, a.returns_vnd, a.original_vnd, v.reversed,
             sum(a.returns_vnd) OVER (PARTITION BY a.original_id ORDER BY a.paid_at, txn_number(a.txn_ref), a.txn_ref, a.kind
                                     ROWS UNBOUNDED PRECEDING) AS returned_to_date
      FROM m_adjust a
      JOIN m_void v ON v.payment_id = a.original_id
      WHERE v.returned_vnd > a.original_vnd)
WHERE returned_to_date > original_vnd;

-- A reversal voids its payment whatever its amount (DOMAIN: a reversed payment is void), but one
-- returning less than the payment carried (with the payment's other reversals and refunds) leaves
-- money the partner kept settled to the utility with nothing allocated: a partial_reversal
-- exception for that rest, on the payment's last reversal (time order as above). It is not
-- allocated as a partial refund would be: a reversal cancels the payment, and an amount that does
-- not match it is a question for the partner, not a part payment.
INSERT INTO m_exceptions (payment_id, reason, amount_vnd, detail)
SELECT adjust_id, 'partial_reversal', original_vnd - returned_vnd,
       'this reversal of ' || CAST(amount_vnd AS VARCHAR) || ' đ names payment ' || original_ref || ' of partner ' || partner_id
       || ', of ' || CAST(original_vnd AS VARCHAR) || ' đ; its reversals and refunds return ' || CAST(returned_vnd AS VARCHAR) || ' đ, '
       || CAST(original_vnd - returned_vnd AS VARCHAR) || ' đ less than the payment, which is void: the rest is not allocated'
FROM (SELECT a.adjust_id, a.partner_id, a.original_ref, a.amount_vnd, a.original_vnd, v.returned_vnd,
             row_number() OVER (PARTITION BY a.original_id
                                ORDER BY a.paid_at DESC, txn_number(a.txn_ref) DESC, a.txn_ref DESC) AS latest
      FROM m_adjust a
      JOIN m_void v ON v.payment_id = a.original_id
      WHERE a.kind = 'reversal' AND v.reversed AND v.returned_vnd < a.original_vnd)
WHERE latest = 1;
