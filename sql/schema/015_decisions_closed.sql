-- What a dismiss decision closed, recorded when the auditor decides: the reason, the amount and the
-- related invoice of
-- the payment's open exception at that moment (the money dealt with outside recon: refunded to the
-- payer, posted by hand). Every later match keeps that amount out of the rules, so a duplicate
-- dismissed as refunded never takes a bill loaded afterwards. NULL (dismissals recorded before this
-- migration; a payment with no open exception yet; an auditor_unmatched exception, whose payment
-- the unmatch keeps out already): the dismissal closes whatever exception the payment has at each
-- match, as before.
ALTER TABLE decisions ADD COLUMN closed_reason VARCHAR;
ALTER TABLE decisions ADD COLUMN closed_vnd BIGINT;
ALTER TABLE decisions ADD COLUMN closed_invoice_no VARCHAR;   -- the exception's related invoice (a duplicate's settled bill)
