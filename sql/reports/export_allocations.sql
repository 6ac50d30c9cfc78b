-- Export: the allocations the KPIs of the period count (to invoices of $period, of payments paid
-- at or before the end of $as_of local time), each traced to its source file and line.
SELECT p.partner_id, p.txn_ref, a.invoice_no, a.amount_vnd, a.rule, a.confidence,
       i.customer_code, pc_of(i.customer_code) AS pc, unit_of(i.customer_code) AS unit, pa.channel_group, p.instrument,
       CAST(p.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS TIMESTAMP) AS paid_at_local,
       p.settled_on,
       f.file_name AS source_file, p.line_no AS source_line
FROM allocations a
JOIN payments p ON p.payment_id = a.payment_id
JOIN invoices i ON i.invoice_no = a.invoice_no AND i.period = $period
JOIN partners pa ON pa.partner_id = p.partner_id
LEFT JOIN customers c ON c.customer_code = i.customer_code
LEFT JOIN source_files f ON f.file_id = p.file_id
WHERE p.paid_at < timezone('Asia/Ho_Chi_Minh', ($as_of::DATE + 1)::TIMESTAMP)
ORDER BY p.partner_id, txn_number(p.txn_ref), p.txn_ref, a.invoice_no;
