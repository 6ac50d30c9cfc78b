-- What the dismissed payment had been refunded when the dismissal was recorded (rule 1's refunded
-- amount at the match the auditor saw; 0 when nothing was). A refund the partner reports after the
-- dismissal returns the money the dismissal was about (the duplicate or the credit refunded), so it
-- lowers the amount kept out of the rules instead of what the payment allocates: a credit of 30 đ
-- dismissed as refunded, then the partner's refund record of 30 đ, leaves the bill paid in full
-- (before, the refund and the dismissal were both taken off and the bill was left 30 đ short).
-- NULL (dismissals recorded before this migration, or that recorded no amount): no such lowering.
ALTER TABLE decisions ADD COLUMN closed_refunded_vnd BIGINT;
