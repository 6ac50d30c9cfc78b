-- Exception reasons come from the closed list documented in README "match" (src/match/reasons.ts).
SELECT payment_id, reason, amount_vnd, detail
FROM exceptions
WHERE reason NOT IN ('orphan_reversal', 'refund_exceeds_payment', 'partial_reversal', 'overpayment_credit', 'suggested_match', 'duplicate_payment',
                     'unknown_customer', 'ambiguous_customer', 'no_open_invoice', 'auditor_unmatched')
   OR status NOT IN ('open', 'dismissed')
