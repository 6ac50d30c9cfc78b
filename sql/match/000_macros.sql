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

-- CRC-16/CCITT-FALSE of a VietQR payload: crc16_ccitt(text), a function recon registers on its
-- connection (src/db/functions.ts), over the text's UTF-8 bytes as EMVCo computes it.

-- A code read from a payment, as a message shows it: a character no customer code has (a zero-width
-- space, a Cyrillic Р for the Latin P, pasted from a chat or a PDF) written as \uXXXX, since such a
-- code looks exactly like a real one on screen and "does not exist" would read as wrong.
CREATE OR REPLACE TEMP MACRO shown_code(c) AS
  CASE WHEN regexp_matches(c, '[^ -~]')
       THEN list_aggregate(list_transform(string_split(c, ''), ch -> CASE WHEN regexp_full_match(ch, '[ -~]') THEN ch ELSE '\u' || CASE WHEN unicode(ch) > 65535 THEN upper(to_hex(unicode(ch))) ELSE lpad(upper(to_hex(unicode(ch))), 4, '0') END END), 'string_agg', '')
            || ' (holding characters no customer code has, shown as \uXXXX)'
       ELSE c END;
