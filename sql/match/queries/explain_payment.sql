-- The records of one payment identity (partner + transaction id; a reversal may reuse the id),
-- with what the cascade decided about each and the file and line it came from.
SELECT p.payment_id, p.partner_id, p.txn_ref, p.kind, strftime(p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS paid_at_local, strftime(p.settled_on, '%Y-%m-%d') AS settled_on, p.customer_code, p.invoice_ref,
       p.memo, p.amount_vnd, p.reverses_txn_ref, p.instrument, p.agent_id, p.line_no,
       sf.path AS file_path, sf.file_name,
       pm.route, pm.refunded_vnd, pm.effective_vnd, pm.void_reason, pm.original_payment_id,
       pm.decision_id, pm.decision_action, pm.decision_invoice_no,
       pm.claimed_code, pm.code_source, pm.code_known, pm.qr_status,
       pm.ref_status, pm.ref_invoice_no, pm.ref_customer_code,
       pm.account, pm.target_invoice_no, pm.target_rule, pm.seq,
       -- The invoices a reference naming several could mean, each with its customer.
       (SELECT list(c.invoice_no || ' of ' || coalesce(i.customer_code, '?') ORDER BY c.invoice_no)
          FROM (SELECT unnest(pm.ref_candidates) AS invoice_no) c LEFT JOIN invoices i USING (invoice_no)) AS ref_candidates,
       -- The code field as matching reads it (trimmed, upper case), and whether it names a customer
       -- (listed, or owning an invoice): explain says when another code was taken over it.
       nullif(upper(trim(p.customer_code)), '') AS field_code,
       nullif(upper(trim(p.customer_code)), '') IN (SELECT customer_code FROM customers UNION ALL SELECT customer_code FROM invoices) AS field_known,
       (SELECT list(r.kind || ' ' || r.txn_ref ORDER BY r.paid_at, txn_number(r.txn_ref), r.txn_ref) FROM payments r
         WHERE r.kind <> 'payment' AND r.partner_id = p.partner_id AND p.kind = 'payment'
           AND coalesce(nullif(trim(r.reverses_txn_ref), ''), r.txn_ref) = p.txn_ref) AS adjusted_by
FROM payments p
LEFT JOIN payment_match pm USING (payment_id)
LEFT JOIN source_files sf USING (file_id)
WHERE p.partner_id = $partner AND p.txn_ref = $txn
ORDER BY p.kind = 'payment' DESC, p.kind
