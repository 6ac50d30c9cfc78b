-- An invoice's billing history: each row a billing import replaced (invoice_versions: re-issued
-- with other values, dropped from a corrected export while another export's row stands, or
-- withdrawn), oldest first, then the current row (change 'current'), each with the export and line
-- it came from. changes: what the replacing import changed, against the row that stood after it
-- (the next version, or the current row; a row carried again unchanged in between is no version).
WITH v AS (
  SELECT invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id, line_no, change, replaced_by_file_id
  FROM invoice_versions WHERE invoice_no = $invoice
  UNION ALL
  SELECT invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id, line_no, 'current', NULL
  FROM invoices WHERE invoice_no = $invoice
), n AS (
  SELECT *,
    lead(customer_code) OVER w AS n_customer_code, lead(period) OVER w AS n_period, lead(series) OVER w AS n_series,
    lead(number) OVER w AS n_number, lead(issued_on) OVER w AS n_issued_on, lead(due_on) OVER w AS n_due_on,
    lead(amount_vnd) OVER w AS n_amount_vnd
  FROM v
  WINDOW w AS (ORDER BY replaced_by_file_id NULLS LAST)
)
SELECT n.invoice_no, n.change, n.amount_vnd, n.period, n.customer_code, n.series, n.number,
       strftime(n.issued_on, '%Y-%m-%d') AS issued_on, strftime(n.due_on, '%Y-%m-%d') AS due_on,
       n.file_id, f.file_name, n.line_no,
       n.replaced_by_file_id, r.file_name AS replaced_by_file_name, r.run_id AS replaced_by_run_id,
       strftime(r.loaded_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%Y-%m-%d %H:%M:%S') AS replaced_at_local,
       CASE WHEN n.change IN ('reissued', 'dropped') THEN list_filter([
         CASE WHEN n.amount_vnd IS DISTINCT FROM n.n_amount_vnd THEN {'field': 'amount_vnd', 'before': CAST(n.amount_vnd AS VARCHAR), 'after': CAST(n.n_amount_vnd AS VARCHAR)} END,
         CASE WHEN n.period IS DISTINCT FROM n.n_period THEN {'field': 'period', 'before': n.period, 'after': n.n_period} END,
         CASE WHEN n.due_on IS DISTINCT FROM n.n_due_on THEN {'field': 'due_on', 'before': strftime(n.due_on, '%Y-%m-%d'), 'after': strftime(n.n_due_on, '%Y-%m-%d')} END,
         CASE WHEN n.issued_on IS DISTINCT FROM n.n_issued_on THEN {'field': 'issued_on', 'before': strftime(n.issued_on, '%Y-%m-%d'), 'after': strftime(n.n_issued_on, '%Y-%m-%d')} END,
         CASE WHEN n.customer_code IS DISTINCT FROM n.n_customer_code THEN {'field': 'customer_code', 'before': n.customer_code, 'after': n.n_customer_code} END,
         CASE WHEN n.series IS DISTINCT FROM n.n_series THEN {'field': 'series', 'before': n.series, 'after': n.n_series} END,
         CASE WHEN n.number IS DISTINCT FROM n.n_number THEN {'field': 'number', 'before': n.number, 'after': n.n_number} END
       ], x -> x IS NOT NULL) ELSE [] END AS changes
FROM n
LEFT JOIN source_files f ON f.file_id = n.file_id
LEFT JOIN source_files r ON r.file_id = n.replaced_by_file_id
ORDER BY n.replaced_by_file_id NULLS LAST
