-- Export: every exception of a payment paid at or before the end of $as_of (open or dismissed,
-- see status), aged from the local paid date, traced to its source file, line and the file's path
-- as received (`recon explain` shows the raw row).
-- invoice_no is the suggested invoice, when matching had one. customer_code is the code the payment
-- carried in its code field; identified_customer the customer matching took the payment for (its
-- account: read from the field, a memo, a VietQR payload or a reference, or the referenced
-- invoice's customer), empty when none was identified (unknown_customer, ambiguous_customer,
-- suggested_match). A payment without a row in payment_match_facts is a plain one: its code field
-- named its customer. A payment whose exceptions were all dismissed competes for no account (route
-- dismissed), so its customer is the one its reference's invoice, else its code (field, memo or
-- VietQR payload), names.
WITH e AS (
  SELECT e.*, $as_of::DATE - (p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::DATE AS age_days,
         p.partner_id, p.txn_ref, p.customer_code, p.paid_at, p.memo, p.line_no, p.file_id,
         CASE WHEN m.payment_id IS NULL THEN upper(trim(p.customer_code))
              WHEN m.route = 'dismissed' THEN coalesce(m.ref_customer_code, CASE WHEN m.code_known THEN m.claimed_code END)
              ELSE m.account END AS identified_customer
  FROM exceptions e JOIN payments p ON p.payment_id = e.payment_id
  LEFT JOIN payment_match_facts m ON m.payment_id = e.payment_id
  WHERE p.paid_at < timezone('Asia/Ho_Chi_Minh', ($as_of::DATE + 1)::TIMESTAMP)
)
SELECT e.partner_id, e.txn_ref, e.suggested_invoice_no AS invoice_no, e.amount_vnd, e.reason, e.status,
       e.confidence, e.detail, e.customer_code, e.identified_customer,
       CAST(e.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS TIMESTAMP) AS paid_at_local,
       e.age_days::INTEGER AS age_days,
       CASE WHEN e.age_days <= 7 THEN '0-7' WHEN e.age_days <= 30 THEN '8-30' WHEN e.age_days <= 90 THEN '31-90' ELSE '>90' END AS age_bucket,
       e.memo, f.file_name AS source_file, e.line_no AS source_line, f.path AS source_path
FROM e LEFT JOIN source_files f ON f.file_id = e.file_id
ORDER BY e.partner_id, txn_number(e.txn_ref), e.txn_ref, e.reason, e.status, e.decision_id;
