-- Which customer a payment names (rules 4–8): the customer_code field when it is a known customer
-- (unless the memo's valid VietQR payload names another real customer: both are then read as a
-- memo naming two customers, m_qr_conflict below); otherwise a code found in the memo (rule 8): a VietQR payload whose CRC validates, read from its
-- additional-data fields (tag 62), or free text in any letter case. In free text a code may be glued
-- to other text (PE0100123456T10, MAKHPE0100123456): every substring of the code shape (11–13
-- characters) of a run of letters and digits is a candidate, and the real customers among them win.
-- A candidate never ends inside a run of digits: codes end in digits, so PE01001234567 is one
-- (unknown) 13-character code, never the real PE0100123456 with a digit left over; reading it as the
-- shorter code would apply money on a guess, which rule 9 reserves for an auditor.
-- A known code wins over an unknown one; among equals the first in reading order wins, and at the
-- same place the longest. Several real customers: the one with an invoice of exactly the amount;
-- none or several such → ambiguous, no code (ambiguous_customer, 090). An unknown code is still kept as the claimed code: rule 9 looks for a
-- near real code.

-- The amount rides along for the simple payments of 050, which then need no join to payments.
CREATE OR REPLACE TEMP TABLE m_field AS
SELECT payment_id, code AS field_code,
       coalesce(code IN (SELECT customer_code FROM customers), false) AS field_known,
       amount_vnd
FROM (SELECT payment_id, nullif(upper(trim(customer_code)), '') AS code, amount_vnd
      FROM payments WHERE kind = 'payment');

-- A code field naming a code that owns invoices is a known customer too, though customers.csv does
-- not list it (a billing export whose customer list misses a code still bills it; m_owner below
-- does the same for codes read from memos): its memo is not read for another customer. Before, such
-- a field gave way to any real code its memo named ("tien dien nha ong PE0100123456"), so the
-- money went to that other household while a listed customer's field would have kept it. Only the
-- few fields naming no listed customer are looked up: the semi join builds on them and probes
-- the invoices. Those fields are kept (m_field_billed) so that the rule 8 reader (memo_codes) counts
-- such a field's code as a real customer's where the field is read as text beside a VietQR payload
-- naming another customer (m_qr_conflict): the one with an invoice of exactly the amount takes the
-- payment, as for a listed field (before, the payload's customer took it, known over unknown).
CREATE OR REPLACE TEMP TABLE m_field_billed AS
WITH u AS MATERIALIZED (
  SELECT payment_id, field_code FROM m_field WHERE NOT field_known AND field_code IS NOT NULL
)
SELECT u.payment_id, u.field_code AS code
FROM u
JOIN (SELECT DISTINCT i.customer_code FROM invoices i SEMI JOIN u ON u.field_code = i.customer_code) b
  ON b.customer_code = u.field_code;

UPDATE m_field SET field_known = true WHERE payment_id IN (SELECT payment_id FROM m_field_billed);

-- Memos worth reading: where the field does not already name a known customer (the memos are
-- fetched for those few, not copied for every payment), and VietQR payloads (below). Empty memos are kept here and skipped by
-- the readers below: a filter on the memo in this statement is pushed into the scan of payments,
-- so it trimmed every payment's memo before the join (10 M payments: 5.2 s against 1.5 s).
-- A VietQR payload may stand alone or inside other text ("QR 000201…6304ABCD ND tien dien"): it
-- starts at "000201" (format indicator) and ends at a "6304" + 4 hex digits (the CRC field); the text
-- around it is read as a plain memo. Here qr is the widest such span; m_qr below picks its end.
-- Also read, for the payload only: a memo holding a VietQR payload ("000201") of a payment whose
-- field names a known customer, when the memo does not hold that customer's code (a payload naming
-- the field's own customer holds it). A valid payload naming another real customer is a conflict
-- (m_qr_conflict below). The LIKE is a substring test pushed into the scan of payments' memos; the
-- few memos it keeps are joined to m_field, whose scan the join's dynamic filter prunes.
-- The payload memos are copied first: a table of known size, so that the join to m_field builds
-- its hash table on them, not on the fields of every payment (30 M payments: the join 9.8 s).
CREATE OR REPLACE TEMP TABLE m_qr_memo AS
SELECT payment_id, memo FROM payments WHERE kind = 'payment' AND memo LIKE '%000201%';

CREATE OR REPLACE TEMP TABLE m_memo AS
SELECT payment_id, memo, qr <> '' AS is_qr, qr, known_field
FROM (SELECT payment_id, memo, known_field,
             CASE WHEN memo LIKE '%000201%' THEN regexp_extract(memo, '000201.*6304[0-9A-Fa-f]{4}') ELSE '' END AS qr
      FROM (SELECT p.payment_id, trim(p.memo) AS memo, false AS known_field
            FROM payments p SEMI JOIN m_field f ON f.payment_id = p.payment_id AND NOT f.field_known
            UNION ALL
            SELECT q.payment_id, trim(q.memo), true
            FROM m_qr_memo q
            JOIN m_field f ON f.payment_id = q.payment_id AND f.field_known
            WHERE NOT contains(upper(q.memo), f.field_code)));

DROP TABLE m_qr_memo;

-- Where the payload ends: "6304" may also stand inside the payload (an account number) or in the
-- text after it (a phone number 0963041234), so every "6304" + 4 hex digits of the widest span is a
-- possible end, and the first whose CRC validates is the payload's (a wrong end validates with odds of
-- 1 in 65,536). Where it starts, likewise: "000201" may stand in the text before the payload (a
-- bank's transaction number, "MBVCB.26300002011.000201…"), so every "000201" of the span is a
-- possible start, the first end that validates from one of them wins, then the first such start.
-- None validating: the widest span, crc_failed (not read). Most payloads hold one "000201" and one
-- "6304" and so one candidate, checked once as before. The CRC's hex digits are compared in any
-- case: they are not part of what the CRC covers, so their case changes nothing the check protects.
-- Most spans hold one "000201" (where they start) and one "6304" (where they end): the span is the
-- only candidate, checked as it is; only the others go through the candidates and the choice
-- (30 M payments: the choice's aggregate over every payload cost 9.4 s).
CREATE OR REPLACE TEMP TABLE m_qr AS
WITH spans AS (
  SELECT payment_id, qr, instr(qr, '6304') = length(qr) - 7 AND instr(substr(qr, 2), '000201') = 0 AS single
  FROM m_memo WHERE is_qr
), found AS (
  -- start: where the k-th "6304" starts (the pieces before it and the k - 1 "6304" between them).
  SELECT payment_id, qr, k, CAST(list_sum(list_transform(parts[1:k], x -> length(x))) + 4 * (k - 1) + 1 AS BIGINT) AS start
  FROM (SELECT payment_id, qr, parts, unnest(range(1, len(parts))) AS k
        FROM (SELECT payment_id, qr, string_split(qr, '6304') AS parts FROM spans WHERE NOT single))
), opened AS (
  -- at: where the j-th "000201" starts (the span itself starts with the first).
  SELECT payment_id, j, CAST(list_sum(list_transform(parts[1:j], x -> length(x))) + 6 * (j - 1) + 1 AS BIGINT) AS at
  FROM (SELECT payment_id, parts, unnest(range(1, len(parts))) AS j
        FROM (SELECT payment_id, string_split(qr, '000201') AS parts FROM spans WHERE NOT single))
), cand AS (
  SELECT f.payment_id, f.qr, f.k, o.j, substr(f.qr, o.at, f.start + 8 - o.at) AS span
  FROM found f JOIN opened o ON o.payment_id = f.payment_id AND o.at + 6 <= f.start
  WHERE regexp_full_match(substr(f.qr, f.start + 4, 4), '[0-9A-Fa-f]{4}')
), checked AS (
  SELECT c.*, upper(right(span, 4)) = printf('%04X', crc16_ccitt(left(span, length(span) - 4))) AS crc_ok
  FROM cand c
)
SELECT payment_id, qr, left(qr, length(qr) - 8) AS payload, crc_ok
FROM (SELECT payment_id, coalesce(arg_min(span, (k, j)) FILTER (WHERE crc_ok), any_value(qr)) AS qr, bool_or(crc_ok) AS crc_ok
      FROM checked GROUP BY payment_id
      UNION ALL
      SELECT payment_id, qr, upper(right(qr, 4)) = printf('%04X', crc16_ccitt(left(qr, length(qr) - 4))) AS crc_ok
      FROM spans WHERE single);

-- The sub-fields of a valid payload's additional data (tag 62: bill number, reference, purpose), each
-- with its place (pos); tlv_subfields is a function recon registers (src/db/functions.ts).
CREATE OR REPLACE TEMP TABLE m_qr_sub AS
SELECT payment_id, generate_subscripts(f, 1) AS pos, unnest(f) AS val
FROM (SELECT payment_id, tlv_subfields(payload, '62') AS f FROM m_qr WHERE crc_ok);

-- Runs of 11+ letters and digits (upper-cased), then every code-shaped substring of a run by start
-- and length; only texts holding a code shape somewhere are expanded. A table macro over a table of
-- texts src(payment_id, source, pos, text): it reads the texts as written, then (below) the few
-- that named no customer once more with their separators removed.
CREATE OR REPLACE TEMP MACRO memo_codes(src) AS TABLE
WITH run AS (
  SELECT payment_id, source, pos, unnest(runs) AS run, generate_subscripts(runs, 1) AS idx
  FROM (SELECT payment_id, source, pos, regexp_extract_all(upper(text), '[0-9A-Z]{11,}') AS runs
        FROM query_table(src)
        WHERE regexp_matches(upper(text), 'P[ABCDEHKMNPQ][0-9A-Z]{4}[0-9]{5}'))
), start AS (
  SELECT payment_id, source, pos, idx, run, unnest(range(1, length(run) - 9)) AS s FROM run
), tok AS (
  SELECT payment_id, source, pos, idx, s, len, substr(run, s, len) AS code
  FROM (SELECT *, unnest([13, 12, 11]) AS len FROM start WHERE substr(run, s, 1) = 'P')
  WHERE s + len - 1 <= length(run) AND is_code_shape(substr(run, s, len))
    AND NOT regexp_full_match(substr(run, s + len, 1), '[0-9]')
), known AS (
  -- Reading order (text position, run, start, longest first) is packed into one HUGEINT: the same
  -- order as the struct (pos, idx, s, -len), and much cheaper to compare (10 M payments: 4.5 → 3.1 s).
  -- A payment's own code field naming a billed customer customers.csv misses (m_field_billed, the
  -- few such fields) is a real customer's code too.
  SELECT tok.*, c.customer_code IS NOT NULL OR b.payment_id IS NOT NULL AS known,
         (CAST(pos AS HUGEINT) << 96) + (CAST(idx AS HUGEINT) << 64) + (CAST(s AS HUGEINT) << 8) + (15 - len) AS k0
  FROM tok LEFT JOIN customers c ON c.customer_code = tok.code
  LEFT JOIN m_field_billed b ON b.payment_id = tok.payment_id AND b.code = tok.code
), named AS (
  -- The real customers a text names, each at its first place.
  SELECT payment_id, code, min(k0) AS first_k FROM known WHERE known GROUP BY payment_id, code
), several AS (
  -- A memo naming two or more real customers (someone paying for a relative, a landlord for
  -- tenants): the one with an invoice of exactly the payment's amount is the likelier payee.
  SELECT payment_id FROM named GROUP BY payment_id HAVING count(*) > 1
), exact AS (
  SELECT DISTINCT n.payment_id, n.code
  FROM named n
  JOIN several USING (payment_id)
  JOIN m_field f USING (payment_id)
  JOIN invoices i ON i.customer_code = n.code AND i.amount_vnd = f.amount_vnd
), ambiguous AS (
  -- ... but when none of them has one, or several do, the text does not say whom the payment is
  -- for: reading order is no evidence, and paying the first named would be a guess (the amount
  -- may pay both, or another's bill). The payment is an ambiguous_customer exception (090).
  SELECT n.payment_id, string_agg(n.code, ', ' ORDER BY n.first_k) AS codes, count(e.code) AS n_exact
  FROM named n JOIN several USING (payment_id) LEFT JOIN exact e USING (payment_id, code)
  GROUP BY n.payment_id
  HAVING count(e.code) <> 1
), picked AS (
  -- Bit 120 of the key: set for every candidate except the known codes of `exact`, which so come first.
  SELECT payment_id,
         coalesce(arg_min(code, k) FILTER (WHERE known), arg_min(code, k)) AS code,
         coalesce(arg_min(source, k) FILTER (WHERE known), arg_min(source, k)) AS source,
         bool_or(known) AS known
  FROM (SELECT known.*, (CASE WHEN e.code IS NULL THEN CAST(1 AS HUGEINT) << 120 ELSE 0 END) + k0 AS k
        FROM known LEFT JOIN exact e USING (payment_id, code))
  GROUP BY payment_id
)
-- An ambiguous payment keeps no code (known stays true: the text named real customers, so it is
-- not read again with its separators removed); `ambiguous` says what was read, for the exception.
SELECT p.payment_id, CASE WHEN a.payment_id IS NULL THEN p.code END AS code, p.source, p.known,
       CASE WHEN a.payment_id IS NOT NULL THEN
         'the payment names customers ' || a.codes || ' and '
         || CASE WHEN a.n_exact = 0 THEN 'none of them has' ELSE CAST(a.n_exact AS VARCHAR) || ' of them have' END
         || ' an invoice of exactly this amount: whom it pays is ambiguous; not applied' END AS ambiguous
FROM picked p LEFT JOIN ambiguous a USING (payment_id);

-- A payment whose code field names a known customer while its memo's valid VietQR payload names
-- another real customer (and not the field's): the partner's field and the payer's own QR code
-- disagree. DOMAIN says QR payments carry the customer code in the transfer reference, and neither
-- source outranks the other, so the payment is read as a memo naming both customers (rule 8's
-- several customers): the one with an invoice of exactly the amount is taken; none or both →
-- ambiguous_customer, for an auditor (before, the field won and the payload was never read).
-- Found with the rule 8 reader (memo_codes, below) over the payload's tag-62 sub-fields of those
-- few payments; they then go through the memo path with the field's code as one more text.
CREATE OR REPLACE TEMP TABLE m_qr_known_text AS
SELECT t.payment_id, 'vietqr' AS source, t.pos, t.val AS text
FROM m_qr_sub t
SEMI JOIN (SELECT payment_id FROM m_memo WHERE known_field) k USING (payment_id);

CREATE OR REPLACE TEMP TABLE m_qr_conflict AS
SELECT c.payment_id
FROM memo_codes('m_qr_known_text') c
JOIN m_field f USING (payment_id)
WHERE c.known AND c.code IS DISTINCT FROM f.field_code;

-- Conflicts take the memo path; the other payments read only for this test leave it.
UPDATE m_field SET field_known = false WHERE payment_id IN (SELECT payment_id FROM m_qr_conflict);
DELETE FROM m_memo WHERE known_field AND payment_id NOT IN (SELECT payment_id FROM m_qr_conflict);
DELETE FROM m_qr WHERE payment_id NOT IN (SELECT payment_id FROM m_memo);
DELETE FROM m_qr_sub WHERE payment_id NOT IN (SELECT payment_id FROM m_memo);

-- Texts to search, in reading order: plain memos, the sub-fields of a valid payload's tag 62, and
-- last the invoice reference field (a partner's reference column may hold the customer code, or a
-- code beside the invoice: "PE0100123456 T01"; source 'reference'). 040 reads invoice references
-- in the memo texts of this table.
CREATE OR REPLACE TEMP TABLE m_memo_text AS
SELECT payment_id, 'memo' AS source, 0 AS pos, text
FROM (SELECT m.payment_id, CASE WHEN m.is_qr THEN trim(replace(m.memo, q.qr, ' ')) ELSE m.memo END AS text
      FROM m_memo m LEFT JOIN m_qr q USING (payment_id))
WHERE text <> ''
UNION ALL
SELECT payment_id, 'vietqr', pos, val FROM m_qr_sub
UNION ALL
-- The code field of a QR conflict (above), read beside the payload.
SELECT payment_id, 'field', 0, field_code FROM m_field SEMI JOIN m_qr_conflict USING (payment_id)
UNION ALL
SELECT p.payment_id, 'reference', 1000, trim(p.invoice_ref)
FROM payments p SEMI JOIN m_field f ON f.payment_id = p.payment_id AND NOT f.field_known
WHERE nullif(trim(p.invoice_ref), '') IS NOT NULL;

CREATE OR REPLACE TEMP TABLE m_memo_code AS SELECT * FROM memo_codes('m_memo_text');

-- A code split by spaces, dots or dashes ("PE0100 123456", "PE0100-123-456"), in the memo or in the
-- code field, is read once the separators are removed (and a code field that is not a code as a
-- whole, "KH:PE0100123456", is read as text like a memo). The separators are those ingest reads in
-- a code field: spaces and tabs, the no-break U+00A0, thin U+2009 and narrow no-break U+202F spaces
-- (RE2's \s is ASCII only; memos copied from a web-banking page carry no-break spaces), . _ / and -.
-- It is read only where the text as written named no
-- customer: a code read as written always wins, and a split code counts only if it is a real
-- customer's (or, when the text held no code shape at all, as the claimed code rule 9 looks near).
-- Only the few payments still without a known code are read again; the field is read first.
CREATE OR REPLACE TEMP TABLE m_memo_text_joined AS
SELECT payment_id, source, pos, regexp_replace(upper(text), '[\s\x{00A0}\x{2009}\x{202F}._/\-]+', '', 'g') AS text
FROM (SELECT payment_id, source, pos + 1 AS pos, text FROM m_memo_text WHERE regexp_matches(text, '[\s\x{00A0}\x{2009}\x{202F}._/\-]')
      UNION ALL
      SELECT payment_id, 'field', 0, field_code FROM m_field WHERE NOT field_known AND field_code IS NOT NULL)
WHERE payment_id NOT IN (SELECT payment_id FROM m_memo_code WHERE known);

CREATE OR REPLACE TEMP TABLE m_memo_code_joined AS SELECT * FROM memo_codes('m_memo_text_joined');

-- A known joined code replaces what the text as written gave; an unknown one only fills a gap. The
-- few rows are changed in place rather than m_memo_code copied.
DELETE FROM m_memo_code WHERE payment_id IN (SELECT payment_id FROM m_memo_code_joined WHERE known);
INSERT INTO m_memo_code
SELECT * FROM m_memo_code_joined
WHERE known OR payment_id NOT IN (SELECT payment_id FROM m_memo_code);

-- What the memo says, for the payments whose code field names no known customer. A memo naming
-- several real customers ambiguously (above) claims no code, so rule 9 does not look near one.
CREATE OR REPLACE TEMP TABLE m_code_read AS
SELECT f.payment_id,
       CASE WHEN NOT coalesce(mc.known, false) AND f.field_code IS NOT NULL THEN f.field_code
            ELSE mc.code END AS claimed_code,
       CASE WHEN NOT coalesce(mc.known, false) AND f.field_code IS NOT NULL THEN 'field'
            ELSE mc.source END AS code_source,
       coalesce(mc.known, false) AND mc.ambiguous IS NULL AS code_known,
       CASE WHEN q.payment_id IS NOT NULL THEN CASE WHEN q.crc_ok THEN 'valid' ELSE 'crc_failed' END END AS qr_status,
       mc.ambiguous
FROM m_field f
LEFT JOIN m_memo_code mc USING (payment_id)
LEFT JOIN m_qr q USING (payment_id)
WHERE NOT f.field_known;

-- A code that owns invoices is a customer of the billing system even where customers.csv does not
-- list it (the reports place such invoices by their code too): its payments go to its invoices,
-- not to unknown_customer. Only the few codes read but not known are looked up; the semi join
-- builds on them and probes the invoices.
CREATE OR REPLACE TEMP TABLE m_owner AS
SELECT DISTINCT i.customer_code
FROM invoices i
SEMI JOIN (SELECT claimed_code FROM m_code_read WHERE NOT code_known AND claimed_code IS NOT NULL) u
  ON u.claimed_code = i.customer_code;

UPDATE m_code_read SET code_known = true WHERE claimed_code IN (SELECT customer_code FROM m_owner);

-- The code every payment record claims: its field's where that names a known customer (most
-- payments; a view, so they are not copied), else what its memo said.
CREATE OR REPLACE TEMP VIEW m_code AS
SELECT payment_id, field_code AS claimed_code, 'field' AS code_source, true AS code_known, CAST(NULL AS VARCHAR) AS qr_status,
       CAST(NULL AS VARCHAR) AS ambiguous
FROM m_field WHERE field_known
UNION ALL
SELECT payment_id, claimed_code, code_source, code_known, qr_status, ambiguous FROM m_code_read;

-- Working tables no later rule reads are dropped as soon as they are done: outside a transaction
-- DuckDB frees them at once, which keeps a large month's working set within the memory limit.
DROP TABLE m_memo;
DROP TABLE m_qr_known_text;
DROP TABLE m_qr_conflict;
DROP TABLE m_qr;
DROP TABLE m_qr_sub;
DROP TABLE m_memo_code;
DROP TABLE m_memo_text_joined;
DROP TABLE m_memo_code_joined;
DROP TABLE m_owner;
DROP TABLE m_field_billed;
