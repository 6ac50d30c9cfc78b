-- Parsing helpers for the typing passes. Formats come from the session variable `ingest`, a
-- struct set once per batch of files (src/ingest/mapping.ts); nothing here is partner-specific.

-- Signed whole đồng from a regexp_extract struct (sign, int, frac, close) of the profile's amount
-- pattern (src/ingest/formats.ts); NULL when the text did not match, has a non-zero fraction (VND
-- has no minor unit), an unbalanced parenthesis or a sign on both sides (+1.000-). Negative: a leading -, (…) or a trailing -.
-- Grouping " " stands for every space the pattern accepts (formats.ts AMOUNT_SPACES: no-break
-- U+00A0, thin U+2009, narrow no-break U+202F), all removed by one translate.
CREATE OR REPLACE TEMP MACRO ingest_amount_value(s) AS
  CASE WHEN s.int = '' OR regexp_matches(s.frac, '[1-9]') OR contains(s.sign, '(') <> contains(s.close, ')')
         OR (contains(s.sign, '+') AND (contains(s.close, '+') OR contains(s.close, '-'))) THEN NULL
       ELSE try_cast(CASE WHEN getvariable('ingest').amount_grouping = ' ' THEN translate(s.int, ' ' || chr(160) || chr(8201) || chr(8239), '')
                          ELSE replace(s.int, getvariable('ingest').amount_grouping, '') END AS BIGINT)
            * CASE WHEN contains(s.sign, '-') OR contains(s.sign, '(') OR contains(s.close, '-') OR contains(lower(s.close), 'dr') THEN -1 ELSE 1 END END;

-- An amount field written as a lone dash (hyphen, en or em dash) is zero, never anything else:
-- Excel's Accounting format shows 0 as "-" and CSVs saved from it write that, as do statements for the
-- unused side of a credit/debit pair (formats.ts ZERO_DASHES). Zero then counts as that side empty.
-- amount_zero is zero as the format writes it (00 and one more digit with implied_decimals 2).
CREATE OR REPLACE TEMP MACRO ingest_dash(s) AS
  CASE WHEN s IN ('-', chr(8211), chr(8212)) THEN getvariable('ingest').amount_zero ELSE s END;

-- The largest amount one record may carry: 10^15 đồng, twice what EVN bills in a whole year
-- (~5 × 10^14). A larger figure is a broken row, rejected as bad_amount; the cap also keeps the
-- sums of a file's amounts (control totals, KPIs) far inside BIGINT.
CREATE OR REPLACE TEMP MACRO ingest_max_vnd() AS CAST(1000000000000000 AS BIGINT);

-- ISO 8601 with an offset and without seconds, as Java's OffsetDateTime.toString() writes a time at a
-- whole minute (2026-03-01T08:15+07:00): DuckDB's cast reads it only with the seconds written out.
CREATE OR REPLACE TEMP MACRO ingest_iso_seconds(t) AS
  CASE WHEN regexp_matches(t, '[T ][0-9]{2}:[0-9]{2}[Z+-]') THEN regexp_replace(t, '([T ][0-9]{2}:[0-9]{2})([Z+-])', '\1:00\2') ELSE t END;

-- An instant from text in a local time zone (or ISO 8601 with its own offset, a space before it
-- allowed: DuckDB's cast takes none; a lower-case t or z, which RFC 3339 allows, read as T and Z; or Unix time, fmt 'epoch_s' / 'epoch_ms'); NULL when the
-- text does not have exactly the format's shape or is not a real date (31/02/2026). A 12-hour
-- clock's Vietnamese SA/CH (its regex allows nothing else made of letters) is read as AM/PM.
-- A wall-clock TIMESTAMP in a profile's zone as an instant: an IANA zone through ICU; a fixed offset
-- (fixed: true, off: its minutes east of UTC, fixedOffsetMinutes in src/ingest/profile.ts) by
-- arithmetic, since DuckDB reads the zone "UTC+05:30" as UTC+05:00 (before, a partner writing India's
-- time landed 30 minutes late: the wrong side of midnight, of an as-of date, of another payment).
CREATE OR REPLACE TEMP MACRO ingest_local(ts, tz, fixed, off) AS
  CASE WHEN fixed THEN timezone('UTC', ts - to_minutes(CAST(off AS BIGINT))) ELSE timezone(tz, ts) END;

-- ISO 8601 text without the zone id Java's ZonedDateTime.toString() writes after the offset
-- (2026-10-05T14:31:00+07:00[Asia/Ho_Chi_Minh]); the offset states the instant.
CREATE OR REPLACE TEMP MACRO ingest_iso_cut(t) AS
  CASE WHEN t LIKE '%]' THEN regexp_replace(t, '\[[^\]]*\]$', '') ELSE t END;

CREATE OR REPLACE TEMP MACRO ingest_instant(txt, fmt, re, iso, tz, fixed, off) AS
  CASE WHEN txt IS NULL OR NOT regexp_full_match(txt, re) THEN NULL
       WHEN iso AND regexp_matches(ingest_iso_cut(txt), '[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$')
         THEN try_cast(ingest_iso_seconds(CASE WHEN contains(txt, ' +') OR contains(txt, ' -') OR contains(upper(txt), ' Z')
                                               THEN regexp_replace(upper(ingest_iso_cut(txt)), ' ([Z+-][0-9:]*)$', '\1') ELSE upper(ingest_iso_cut(txt)) END) AS TIMESTAMPTZ)
       WHEN iso THEN ingest_local(try_cast(upper(txt) AS TIMESTAMP), tz, fixed, off)
       -- Unix time (formats.ts EPOCH_FORMATS): an instant, the zone plays no part; exact to the microsecond.
       WHEN fmt = 'epoch_s' THEN timezone('UTC', make_timestamp(CAST(try_cast(txt AS DECIMAL(38, 6)) * 1000000 AS BIGINT)))
       WHEN fmt = 'epoch_ms' THEN timezone('UTC', make_timestamp(try_cast(txt AS BIGINT) * 1000))
       WHEN contains(fmt, '%p') THEN ingest_local(try_strptime(replace(replace(upper(txt), 'SA', 'AM'), 'CH', 'PM'), fmt), tz, fixed, off)
       ELSE ingest_local(try_strptime(txt, fmt), tz, fixed, off) END;

-- A date written as a number of five digits (a fraction allowed) is an Excel serial date: a CSV saved
-- from a sheet whose date column had no date format (General) writes 46322.34375 for 27/10/2026
-- 08:15. Never read as a date (a guess); the reject says what it would be and to ask for the export.
CREATE OR REPLACE TEMP MACRO ingest_serial_hint(v) AS
  CASE WHEN regexp_full_match(v, '[2-6][0-9]{4}([.,][0-9]+)?')
       THEN '; ' || v || ' looks like an Excel serial date (' || strftime(TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST(replace(v, ',', '.') AS DOUBLE) * 86400) AS BIGINT) * 1000000), '%d/%m/%Y %H:%M:%S')
            || '): the file was saved from a sheet whose date column is not formatted as a date; ask for the file as the partner''s system exports it'
       ELSE '' END;

-- One sentence naming file, line, field, the value seen and what was expected.
CREATE OR REPLACE TEMP MACRO ingest_message(file, line_no, field_label, problem, value, expected) AS
  file || ', line ' || line_no || ', field ' || field_label || ': ' || problem
  || CASE WHEN value IS NULL THEN '' ELSE ': got ' || to_json(CASE WHEN length(value) > 80 THEN left(value, 80) || '… (' || length(value) || ' chars)' ELSE value END) END
  || ', expected ' || expected;

-- A field without its surrounding spaces and no-break spaces (U+00A0: web-banking pages saved as a
-- sheet or CSV write &nbsp; for an empty cell and after values; tabs kept). trim decodes every value;
-- most fields have no space at either end and no no-break space at all, and testing that first is
-- over ten times cheaper on the typing pass's hottest expression.
CREATE OR REPLACE TEMP MACRO ingest_trim(s) AS
  CASE WHEN s LIKE ' %' OR s LIKE '% ' OR contains(s, chr(160)) THEN trim(s, ' ' || chr(160)) ELSE s END;

-- A fixed-width field without its padding: spaces, no-break spaces and NUL bytes (mainframe exports
-- pad fields with low-values, x'00', instead of spaces) at either end, in any mix; a NUL inside the
-- value stays, so a broken amount or date is rejected showing it (\u0000), never read as a space.
CREATE OR REPLACE TEMP MACRO ingest_trim_padding(s) AS
  CASE WHEN contains(s, chr(0)) THEN trim(s, ' ' || chr(0) || chr(160)) ELSE ingest_trim(s) END;

-- Whether an id went through a floating-point number, its digits lost either way: a number in a
-- spreadsheet's scientific notation (1.23457E+15, or 1,23457E+15 with a decimal comma), what Excel
-- writes for a long all-digit id once a file is opened and saved again; or in a program's
-- (1.2345678901234567E19 from Java's Double.toString, 1E19 as a JSON number); or a whole number past
-- 2^53 = 9007199254740992 with a zero fraction (9123456789012345.0: a float64 written out by Python or
-- pandas, which holds every whole number up to 2^53 exactly and rounds those above, so ids ...345 and
-- ...346 may both have become ...344.0). The LIKEs keep the regexes off most values.
CREATE OR REPLACE TEMP MACRO ingest_float_id(s) AS
  ((s LIKE '%E%' OR s LIKE '%e%') AND regexp_full_match(s, '[0-9]([.,][0-9]+)?[Ee]\+?[0-9]{1,3}'))
  OR ((s LIKE '%.%0' OR s LIKE '%,%0') AND regexp_full_match(s, '[0-9]{16,}[.,]0+')
      AND (length(regexp_extract(s, '^[0-9]+')) > 16 OR regexp_extract(s, '^[0-9]+') > '9007199254740992'));

-- A field as Excel's CSV export forces it to stay text: the formula ="0012345" (a leading zero kept,
-- a long number not turned into 1.23E+12) stands for its string, 0012345; a quote inside it is
-- doubled (="a""b" is a"b). The quick prefix test keeps the regex off nearly every field.
CREATE OR REPLACE TEMP MACRO ingest_unformula(s) AS
  CASE WHEN s LIKE '="%' AND regexp_full_match(s, '="(?:[^"]|"")*"') THEN replace(s[3:-2], '""', '"') ELSE s END;

-- The fields of a delimited record as written (a quoted field, doubled quotes and delimiters inside
-- it included, counted as one); for the message of a record with too many (csv_rejects.sql). The
-- quote is escaped in the pattern: a profile may quote with any character, and one a regular
-- expression reserves (^, \) made the pattern invalid and failed the whole file.
CREATE OR REPLACE TEMP MACRO ingest_field_count(raw, delim, quote) AS
  (WITH t AS (SELECT CASE WHEN quote = '' THEN raw
                          ELSE regexp_replace(raw, regexp_escape(quote) || '[^' || regexp_escape(quote) || ']*' || regexp_escape(quote), '', 'g') END AS s)
   SELECT length(s) - length(replace(s, delim, '')) + 1 FROM t);

-- Text in Unicode NFC (names and memos may arrive decomposed). Text made only of characters in
-- U+0000–U+02FF and U+1E00–U+1EFF (Latin, including Vietnamese's precomposed letters) is already
-- NFC, and nfc_normalize is by far the costliest step of loading it, so it runs only on other text
-- (tests/ingest/nfc.test.ts checks the claim over every character and pair of those ranges).
CREATE OR REPLACE TEMP MACRO ingest_nfc(s) AS
  CASE WHEN regexp_matches(s, '[^\x{0000}-\x{02FF}\x{1E00}-\x{1EFF}]') THEN nfc_normalize(s) ELSE s END;

-- A customer code as the billing system writes it when the partner wrote it in lower case or grouped
-- (PE01-00-123456, pe0100 123456, PE0100.123456): upper case, separators (space, no-break space,
-- - . _ /) removed, but only when it then has the code's shape and every separator stood at one of
-- the code's own boundaries (after the PC letters, inside or after the 6-character unit), the
-- customer number after the unit being one group of 5–7 digits. Codes hold letters and digits only,
-- so that form is exactly the characters the partner wrote; digits are never joined across a
-- separator in the customer number (PE0100123456 7 stays as written: it might be a month, and
-- joined it could be another real customer). Anything else is kept as written.
CREATE OR REPLACE TEMP MACRO ingest_customer_code(s) AS
  CASE WHEN s IS NULL OR NOT regexp_matches(s, '[^0-9A-Z]') THEN s
       WHEN regexp_full_match(upper(s), 'P[ABCDEHKMNPQ][ ._/\x{00A0}-]?[0-9A-Z]{2}[ ._/\x{00A0}-]?[0-9A-Z]{2}[ ._/\x{00A0}-]?[0-9]{5,7}')
         THEN regexp_replace(upper(s), '[ ._/\x{00A0}-]', '', 'g')
       ELSE s END;

-- pc_of(code), unit_of(code): sql/common/identifiers.sql.

-- One field of a rejected record's text (src/ingest/load.ts joinedText): as read, quoted again when
-- it holds the delimiter, the quote or a line break, so the joined text reads back as the same fields.
CREATE OR REPLACE TEMP MACRO ingest_field_text(c, d, q) AS
  CASE WHEN c IS NULL THEN ''
       WHEN q <> '' AND (contains(c, d) OR contains(c, q) OR contains(c, chr(10)) OR contains(c, chr(13)))
         THEN q || replace(c, q, q || q) || q
       ELSE c END;
-- A field of an unquoted file with escapes (format.escape with quote "") written as MySQL's INTO
-- OUTFILE writes it: the escape e before an escape, the delimiter d or a line feed it holds.
CREATE OR REPLACE TEMP MACRO ingest_field_escaped(c, d, e) AS
  CASE WHEN c IS NULL THEN ''
       ELSE replace(replace(replace(c, e, e || e), d, e || d), chr(10), e || chr(10)) END;

-- A date from text in a profile date format (src/ingest/formats.ts datePattern: fmt its strptime
-- format, re its full-match regex), the date of a date-time; NULL when the text does not have
-- exactly the format's shape or is not a real date (31/02/2026). For the billing export's dates
-- (src/ingest/billing-layout.ts date_format), which are calendar days, not instants. A 12-hour
-- clock's Vietnamese SA/CH is read as AM/PM, as in ingest_instant.
CREATE OR REPLACE TEMP MACRO ingest_date(txt, fmt, re) AS
  CASE WHEN txt IS NULL OR NOT regexp_full_match(txt, re) THEN NULL
       WHEN contains(fmt, '%p') THEN CAST(try_strptime(replace(replace(upper(txt), 'SA', 'AM'), 'CH', 'PM'), fmt) AS DATE)
       ELSE CAST(try_strptime(txt, fmt) AS DATE) END;
