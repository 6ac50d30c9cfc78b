-- Which customer a payment names (rules 4–8): the customer_code field when it is a known customer;
-- otherwise a code found in the memo (rule 8): a VietQR payload whose CRC validates, read from its
-- additional-data fields (tag 62), or free text in any letter case, tokenised on non-alphanumerics.
-- A known code wins over an unknown one; among equals the first in reading order wins. An unknown
-- code is still kept as the claimed code: rule 9 looks for a near real code.

CREATE OR REPLACE TEMP TABLE m_field AS
SELECT payment_id, code AS field_code,
       coalesce(code IN (SELECT customer_code FROM customers), false) AS field_known,
       trim(memo) AS memo
FROM (SELECT payment_id, nullif(upper(trim(customer_code)), '') AS code, memo
      FROM payments WHERE kind = 'payment');

-- Memos worth reading: only where the field does not already name a known customer.
CREATE OR REPLACE TEMP TABLE m_memo AS
SELECT payment_id, memo,
       memo LIKE '000201%' AND regexp_full_match(memo, '.*6304[0-9A-Fa-f]{4}') AS is_qr
FROM m_field
WHERE NOT field_known AND memo IS NOT NULL AND memo <> '';

CREATE OR REPLACE TEMP TABLE m_qr AS
SELECT payment_id,
       left(memo, length(memo) - 8) AS payload,
       upper(right(memo, 4)) = upper(printf('%04X', crc16_ccitt_false(left(memo, length(memo) - 4)))) AS crc_ok
FROM m_memo WHERE is_qr;

CREATE OR REPLACE TEMP TABLE m_qr_valid AS SELECT payment_id, payload FROM m_qr WHERE crc_ok;
CREATE OR REPLACE TEMP TABLE m_qr_62 AS
SELECT payment_id, val AS payload FROM tlv_fields('m_qr_valid') WHERE tag = '62';

-- Texts to search, in reading order: plain memos, and the sub-fields of a valid payload's tag 62.
CREATE OR REPLACE TEMP TABLE m_memo_text AS
SELECT payment_id, 'memo' AS source, 0 AS pos, memo AS text FROM m_memo WHERE NOT is_qr
UNION ALL
SELECT payment_id, 'vietqr', pos, val FROM tlv_fields('m_qr_62');

CREATE OR REPLACE TEMP TABLE m_memo_code AS
WITH tok AS (
  SELECT payment_id, source, pos, unnest(codes) AS code, generate_subscripts(codes, 1) AS idx
  FROM (SELECT payment_id, source, pos,
               list_filter(regexp_split_to_array(upper(text), '[^0-9A-Z]+'), lambda t: is_code_shape(t)) AS codes
        FROM m_memo_text)
), known AS (
  SELECT tok.*, coalesce(code IN (SELECT customer_code FROM customers), false) AS known FROM tok
)
SELECT payment_id,
       coalesce(arg_min(code, (pos, idx)) FILTER (WHERE known), arg_min(code, (pos, idx))) AS code,
       coalesce(arg_min(source, (pos, idx)) FILTER (WHERE known), arg_min(source, (pos, idx))) AS source,
       bool_or(known) AS known
FROM known
GROUP BY payment_id;

CREATE OR REPLACE TEMP TABLE m_code AS
SELECT f.payment_id,
       CASE WHEN f.field_known OR NOT coalesce(mc.known, false) AND f.field_code IS NOT NULL THEN f.field_code
            ELSE mc.code END AS claimed_code,
       CASE WHEN f.field_known OR NOT coalesce(mc.known, false) AND f.field_code IS NOT NULL THEN 'field'
            ELSE mc.source END AS code_source,
       f.field_known OR coalesce(mc.known, false) AS code_known,
       CASE WHEN q.payment_id IS NOT NULL THEN CASE WHEN q.crc_ok THEN 'valid' ELSE 'crc_failed' END END AS qr_status
FROM m_field f
LEFT JOIN m_memo_code mc USING (payment_id)
LEFT JOIN m_qr q USING (payment_id);
