-- Exception reasons against the ground truth, per payment identity (partner + transaction id):
-- the reasons each side gives (several joined with '+'), '(none)' when a side has none.
WITH truth AS (
  SELECT partner_id, txn_ref, string_agg(reason, '+' ORDER BY reason) AS reason
  FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
                columns = {'partner_id': 'VARCHAR', 'txn_ref': 'VARCHAR', 'reason': 'VARCHAR'})
  GROUP BY ALL
), db AS (
  SELECT p.partner_id, p.txn_ref, string_agg(e.reason, '+' ORDER BY e.reason) AS reason
  FROM exceptions e JOIN payments p USING (payment_id)
  GROUP BY ALL
)
SELECT coalesce(truth.reason, '(none)') AS truth_reason, coalesce(db.reason, '(none)') AS db_reason, count(*) AS payments
FROM db FULL OUTER JOIN truth USING (partner_id, txn_ref)
GROUP BY ALL
ORDER BY truth_reason, db_reason
