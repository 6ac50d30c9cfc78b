-- Allocations against the ground truth: per (partner, transaction, invoice), the amount allocated
-- in the database and in truth/allocations.csv; the correct amount is the smaller of the two.
WITH truth AS (
  SELECT partner_id, txn_ref, invoice_no, sum(amount_vnd) AS amount_vnd
  FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
                columns = {'partner_id': 'VARCHAR', 'txn_ref': 'VARCHAR', 'invoice_no': 'VARCHAR', 'amount_vnd': 'BIGINT'})
  GROUP BY ALL
), db AS (
  SELECT p.partner_id, p.txn_ref, a.invoice_no, sum(a.amount_vnd) AS amount_vnd, any_value(a.rule) AS rule
  FROM allocations a JOIN payments p USING (payment_id)
  GROUP BY ALL
)
SELECT coalesce(db.rule, '(not allocated)') AS rule,
       coalesce(sum(db.amount_vnd), 0) AS db_vnd,
       coalesce(sum(truth.amount_vnd), 0) AS truth_vnd,
       coalesce(sum(least(coalesce(db.amount_vnd, 0), coalesce(truth.amount_vnd, 0))), 0) AS correct_vnd,
       count(db.amount_vnd) AS db_rows,
       count(*) FILTER (WHERE db.amount_vnd = truth.amount_vnd) AS exact_rows
FROM db FULL OUTER JOIN truth USING (partner_id, txn_ref, invoice_no)
GROUP BY ALL
ORDER BY rule
