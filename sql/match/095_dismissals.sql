-- Rule 2, closing, for dismissals recorded without the amount they closed (020: legacy; before
-- migration 015, or closing an auditor_unmatched exception): the dismissal closes the payment's
-- exception, whatever it is at this match; and any dismissal in force closes the auditor_unmatched
-- exception of a payment an unmatch keeps out (unmatch, then dismiss: refund done). Allocations are untouched; the exception stays on record
-- with status dismissed. Dismissals that recorded their amount were applied in 050.

UPDATE m_exceptions SET status = 'dismissed', decision_id = d.decision_id
FROM payments p, m_dismissal d
WHERE p.payment_id = m_exceptions.payment_id
  AND d.partner_id = p.partner_id AND d.txn_ref = p.txn_ref
  AND (d.legacy OR m_exceptions.reason = 'auditor_unmatched') AND m_exceptions.status = 'open';
