-- A synthetic month for the match benchmark, built in SQL from bench_ctx(n): n customers, one
-- invoice each (10 % with an arrears invoice), and payments in the mix the cascade must handle:
-- references by id and by series + number, codes in the field, in memo text and in VietQR
-- payloads, partials, overpayments, duplicates, reversals, partial refunds, typos, unknown codes.
-- Needs the macros of sql/match/000_macros.sql (for the VietQR CRC).

DELETE FROM payments;
DELETE FROM invoices;
DELETE FROM customers;

INSERT INTO customers (customer_code, pc, unit, segment, file_id)
SELECT code, 'EVN', left(code, 6), 'residential', 1
FROM (SELECT i, printf('%s%04d%07d', ['PA','PB','PC','PD','PE','PH','PK','PM','PN','PP','PQ'][1 + i % 11], i % 997, i) AS code
      FROM range((SELECT n FROM bench_ctx)) t(i));

CREATE OR REPLACE TEMP TABLE bench_cust AS
SELECT row_number() OVER (ORDER BY customer_code) - 1 AS i, customer_code, hash(customer_code) AS h FROM customers;

INSERT INTO invoices (invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id)
SELECT 'HD' || lpad(CAST(i AS VARCHAR), 10, '0'), customer_code, '2026-01', '1K26TAA', CAST(i % 50000000 AS VARCHAR),
       DATE '2026-01-01' + CAST(h % 28 AS INTEGER), DATE '2026-02-10', 50000 + CAST(h % 1500000 AS BIGINT), 2
FROM bench_cust
UNION ALL
SELECT 'HA' || lpad(CAST(i AS VARCHAR), 10, '0'), customer_code, '2025-12', '1K25TAA', CAST(i % 50000000 AS VARCHAR),
       DATE '2025-12-01' + CAST(h % 28 AS INTEGER), DATE '2026-01-10', 40000 + CAST((h >> 8) % 900000 AS BIGINT), 2
FROM bench_cust WHERE h % 10 = 0;

-- One payment per customer (95 %), shaped by a hash bucket; a few get a second payment.
CREATE OR REPLACE TEMP TABLE bench_pay AS
SELECT c.i, c.customer_code, c.h, i1.invoice_no, i1.series, i1.number, i1.amount_vnd AS inv_amt,
       coalesce(i0.amount_vnd, 0) AS arrears, CAST((c.h >> 16) % 1000 AS INTEGER) AS b
FROM bench_cust c
JOIN invoices i1 ON i1.customer_code = c.customer_code AND i1.period = '2026-01'
LEFT JOIN invoices i0 ON i0.customer_code = c.customer_code AND i0.period = '2025-12'
WHERE (c.h >> 16) % 1000 < 950;

INSERT INTO payments (payment_id, file_id, line_no, partner_id, txn_ref, kind, paid_at, customer_code, invoice_ref, memo,
                      amount_vnd, reverses_txn_ref, instrument)
SELECT nextval('payment_ids'), 3, i + 2, 'P' || CAST(h % 40 AS VARCHAR), 'T' || CAST(i AS VARCHAR), 'payment',
       TIMESTAMPTZ '2026-02-01 08:00:00+07' + to_seconds(CAST(h % 2419200 AS BIGINT)),
       CASE WHEN b < 400 THEN NULL
            WHEN b < 780 THEN customer_code
            WHEN b < 900 THEN NULL
            WHEN b < 930 THEN left(customer_code, 10) || substr(customer_code, 12, 1) || substr(customer_code, 11, 1) || right(customer_code, 1)
            WHEN b < 940 THEN 'PZ' || right(customer_code, 11)
            ELSE customer_code END,
       CASE WHEN b < 300 THEN invoice_no WHEN b < 400 THEN series || ' ' || lpad(number, 8, '0') END,
       CASE WHEN b >= 780 AND b < 860 THEN 'THANH TOAN TIEN DIEN ' || lower(customer_code) || ' T01'
            WHEN b >= 860 AND b < 900 THEN qr || printf('%04X', crc16_ccitt(qr))
            ELSE 'TT HOA DON' END,
       CASE WHEN b % 7 = 0 THEN inv_amt + arrears
            WHEN b % 13 = 0 THEN inv_amt / 2
            WHEN b % 29 = 0 THEN inv_amt + 10000
            ELSE inv_amt END,
       NULL, 'transfer'
FROM (SELECT *, '00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA5303704540'
                || '61200005802VN6220' || '0816' || 'TT ' || customer_code || '6304' AS qr FROM bench_pay);

-- Second payments: duplicates through another partner, and the rest of partial payments.
INSERT INTO payments (payment_id, file_id, line_no, partner_id, txn_ref, kind, paid_at, customer_code, invoice_ref, memo,
                      amount_vnd, reverses_txn_ref, instrument)
SELECT nextval('payment_ids'), 4, i + 2, 'Q' || CAST(h % 10 AS VARCHAR), 'D' || CAST(i AS VARCHAR), 'payment',
       TIMESTAMPTZ '2026-02-20 08:00:00+07' + to_seconds(CAST(h % 600000 AS BIGINT)),
       customer_code, NULL, NULL, CASE WHEN b % 13 = 0 THEN inv_amt - inv_amt / 2 ELSE inv_amt END, NULL, 'cash'
FROM bench_pay WHERE b % 13 = 0 OR b % 50 = 1;

-- Reversals (own id naming the original) and partial refunds (reusing the original id).
INSERT INTO payments (payment_id, file_id, line_no, partner_id, txn_ref, kind, paid_at, customer_code, invoice_ref, memo,
                      amount_vnd, reverses_txn_ref, instrument)
SELECT nextval('payment_ids'), 5, i + 2, 'P' || CAST(h % 40 AS VARCHAR),
       CASE WHEN b % 2 = 0 THEN 'R' || CAST(i AS VARCHAR) ELSE 'T' || CAST(i AS VARCHAR) END,
       CASE WHEN b % 2 = 0 THEN 'reversal' ELSE 'refund' END,
       TIMESTAMPTZ '2026-03-01 08:00:00+07', NULL, NULL, NULL,
       CASE WHEN b % 2 = 0 THEN inv_amt ELSE 1000 END,
       CASE WHEN b % 2 = 0 THEN 'T' || CAST(i AS VARCHAR) END, 'transfer'
FROM bench_pay WHERE b % 200 = 3 OR b % 200 = 4;

DROP TABLE bench_pay;
DROP TABLE bench_cust;
