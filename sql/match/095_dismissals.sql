-- Rule 2, closing: a "dismiss" decision newer than the payment's latest routing decision (e.g. the
-- refund was made) closes the payment's exception. Allocations are untouched; the exception stays
-- on record with status dismissed.

UPDATE m_exceptions SET status = 'dismissed', decision_id = d.decision_id
FROM payments p, m_dismissal d
WHERE p.payment_id = m_exceptions.payment_id
  AND d.partner_id = p.partner_id AND d.txn_ref = p.txn_ref;
