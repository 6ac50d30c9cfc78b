-- Shared definitions of the rule files: how references and codes are normalised, and the
-- CRC that validates a VietQR payload. Temporary: they live for the match session only.

-- A reference as partners write it: any letter case, spaces anywhere, the no-break U+00A0, thin
-- U+2009 and narrow no-break U+202F spaces of a web page too (RE2's \s is ASCII only).
CREATE OR REPLACE TEMP MACRO norm_ref(s) AS upper(regexp_replace(trim(s), '[\s\x{00A0}\x{2009}\x{202F}]+', '', 'g'));

-- E-invoice key, series + number: the 6-character series symbol (C/K, 2-digit year, type letter,
-- 2 letters) and the number as an integer (leading zeros do not count). The leading form digit is
-- dropped so that 1K26TAA and K26TAA agree. Kept as two columns, not one string: the invoices' side
-- is computed for every invoice, and a string key cost more to build than the join to run.
CREATE OR REPLACE TEMP MACRO einvoice_series(series) AS right(upper(trim(series)), 6);
CREATE OR REPLACE TEMP MACRO einvoice_number(number) AS TRY_CAST(trim(number) AS BIGINT);

-- The same key read from a partner reference such as "1K26TAA 00001234", "1K26TAA-1234",
-- "1K26TAA1234": a struct (series, number), both '' when the reference has no such shape. Leading zeros
-- are dropped before the (at most 8) digits of the number are counted: "1K26TAA 0000001234" is number 1234.
CREATE OR REPLACE TEMP MACRO ref_einvoice_parts(ref) AS
  regexp_extract(norm_ref(ref), '^[0-9]?([CK][0-9]{2}[TDLMNBGH][A-Z]{2})[-_/.:#]*0*([0-9]{1,8})$', ['series', 'number']);

-- pc_of(code), unit_of(code): sql/common/identifiers.sql.

-- The shape of a customer code inside free text: PC prefix, 4 unit characters, 5–7 digits (11–13 in all).
CREATE OR REPLACE TEMP MACRO is_code_shape(t) AS
  regexp_full_match(t, 'P[ABCDEHKMNPQ][0-9A-Z]{4}[0-9]{5,7}');

-- CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), table-driven, over the characters of s (the low
-- byte of each code point: EMVCo payloads are ASCII; a non-ASCII character simply makes the check fail).
-- The 256-entry table is a column of a one-row table, joined to the rows being checked (FROM x, m_crc16
-- t ... crc16_ccitt_false(s, t.tbl)): written as a list literal inside the macro, it was rebuilt at
-- every step of every reduction (~10x slower).
CREATE OR REPLACE TEMP TABLE m_crc16 AS SELECT [0, 4129, 8258, 12387, 16516, 20645, 24774, 28903, 33032, 37161, 41290, 45419, 49548, 53677, 57806, 61935, 4657, 528, 12915, 8786, 21173, 17044, 29431, 25302, 37689, 33560, 45947, 41818, 54205, 50076, 62463, 58334, 9314, 13379, 1056, 5121, 25830, 29895, 17572, 21637, 42346, 46411, 34088, 38153, 58862, 62927, 50604, 54669, 13907, 9842, 5649, 1584, 30423, 26358, 22165, 18100, 46939, 42874, 38681, 34616, 63455, 59390, 55197, 51132, 18628, 22757, 26758, 30887, 2112, 6241, 10242, 14371, 51660, 55789, 59790, 63919, 35144, 39273, 43274, 47403, 23285, 19156, 31415, 27286, 6769, 2640, 14899, 10770, 56317, 52188, 64447, 60318, 39801, 35672, 47931, 43802, 27814, 31879, 19684, 23749, 11298, 15363, 3168, 7233, 60846, 64911, 52716, 56781, 44330, 48395, 36200, 40265, 32407, 28342, 24277, 20212, 15891, 11826, 7761, 3696, 65439, 61374, 57309, 53244, 48923, 44858, 40793, 36728, 37256, 33193, 45514, 41451, 53516, 49453, 61774, 57711, 4224, 161, 12482, 8419, 20484, 16421, 28742, 24679, 33721, 37784, 41979, 46042, 49981, 54044, 58239, 62302, 689, 4752, 8947, 13010, 16949, 21012, 25207, 29270, 46570, 42443, 38312, 34185, 62830, 58703, 54572, 50445, 13538, 9411, 5280, 1153, 29798, 25671, 21540, 17413, 42971, 47098, 34713, 38840, 59231, 63358, 50973, 55100, 9939, 14066, 1681, 5808, 26199, 30326, 17941, 22068, 55628, 51565, 63758, 59695, 39368, 35305, 47498, 43435, 22596, 18533, 30726, 26663, 6336, 2273, 14466, 10403, 52093, 56156, 60223, 64286, 35833, 39896, 43963, 48026, 19061, 23124, 27191, 31254, 2801, 6864, 10931, 14994, 64814, 60687, 56684, 52557, 48554, 44427, 40424, 36297, 31782, 27655, 23652, 19525, 15522, 11395, 7392, 3265, 61215, 65342, 53085, 57212, 44955, 49082, 36825, 40952, 28183, 32310, 20053, 24180, 11923, 16050, 3793, 7920]::INTEGER[] AS tbl;
CREATE OR REPLACE TEMP MACRO crc16_ccitt_false(s, tbl) AS
  list_reduce(
    list_prepend(65535, list_transform(string_split(s, ''), lambda ch: ord(ch))),
    lambda crc, b: xor((crc << 8) & 65535, tbl[(xor(crc >> 8, b) & 255) + 1]));

-- Top-level TLV fields (tag, value) of EMVCo payloads in table src(payment_id, payload):
-- 2-digit tag, 2-digit length, value; the walk stops at the first malformed field.
CREATE OR REPLACE TEMP MACRO tlv_fields(src) AS TABLE
  WITH RECURSIVE walk(payment_id, pos, tag, val, rest) AS (
    SELECT payment_id, 0, NULL::VARCHAR, NULL::VARCHAR, payload FROM query_table(src)
    UNION ALL
    SELECT payment_id, pos + 1, substr(rest, 1, 2),
           substr(rest, 5, TRY_CAST(substr(rest, 3, 2) AS INTEGER)),
           substr(rest, 5 + TRY_CAST(substr(rest, 3, 2) AS INTEGER))
    FROM walk
    WHERE regexp_full_match(substr(rest, 1, 4), '[0-9]{4}')
      AND length(rest) >= 4 + TRY_CAST(substr(rest, 3, 2) AS INTEGER)
  )
  SELECT payment_id, pos, tag, val FROM walk WHERE tag IS NOT NULL;
