-- A payment's identity (partner, transaction id, kind) is loaded once; decisions and reversals rely on it.
SELECT partner_id, txn_ref, kind, count(*) AS copies
FROM payments
GROUP BY partner_id, txn_ref, kind
HAVING count(*) > 1
