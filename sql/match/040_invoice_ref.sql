-- Rule 3, resolving the reference: payments.invoice_ref holds the billing id (invoice_no) or an
-- e-invoice series + number. The id is tried first, compared without case or spaces on either
-- side (a billing id may itself hold spaces, and partners drop or add them). Series + number is
-- unique only within a power corporation (DOMAIN.md): when the claimed customer code names the
-- payer's corporation only its invoices are candidates (an invoice of another corporation with
-- that key is not the payer's); without one, every corporation's. One candidate is taken; several
-- → ambiguous, none → not found, and the payment goes to the code rules.
-- A reference field holding more than the reference ("HD 1K26TAA-12345", "Số HĐ: 260100001234")
-- is searched like text when it is neither an id nor a series + number as a whole: its words of 6+
-- characters holding a digit are compared with the ids, and a series + number standing anywhere in
-- it is read. A payment without a reference field that names no known customer, neither in the
-- code field nor in the memo (030: no code, an unknown one, or several customers), has its memo
-- searched the same way, the VietQR sub-fields too (a bill number in 62/01): an id there must be
-- 10+ characters (a shorter number in a memo is too often an amount, a month or a phone
-- extension), and only a reference naming one invoice counts (status memo_invoice_no /
-- memo_series_number; several → memo_ambiguous; none → no status, the memo simply named no
-- invoice). A payment naming a customer is routed by its code and its memo is not read for a
-- reference: that is most payments, and every memo word would be looked up among the invoices.

-- The texts a reference is read from: the reference field of every payment record, and the memo
-- texts (030) of those without one that name no known customer, in the code field or the memo.
-- loose: the text is read word by word too (below): every memo text, and a field that is not a
-- series + number as a whole and holds something to split at (an id alone, most fields, is not).
CREATE OR REPLACE TEMP TABLE m_ref_in AS
SELECT *, ref_source = 'memo' OR (parts.series = '' AND regexp_matches(text, '[^0-9A-Za-z]')) AS loose
FROM (SELECT payment_id, 'field' AS ref_source, invoice_ref AS text, norm_ref(invoice_ref) AS ref_norm,
             ref_einvoice_parts(invoice_ref) AS parts
      FROM payments
      WHERE kind = 'payment' AND nullif(trim(invoice_ref), '') IS NOT NULL);

INSERT INTO m_ref_in
SELECT t.payment_id, 'memo', t.text, NULL, NULL, true
FROM m_memo_text t
SEMI JOIN (SELECT payment_id FROM m_code_read WHERE NOT code_known) u USING (payment_id)
ANTI JOIN m_ref_in r USING (payment_id)
WHERE t.source <> 'reference';

DROP TABLE m_memo_text;

-- What each text may name: whole (the field as written, spaces removed: an id, or a series +
-- number) or, for the loose texts, their words and the series + number standing in them. Words are
-- runs of letters and digits, also joined by - / _ . ("HD-2026-001").
CREATE OR REPLACE TEMP TABLE m_ref_key AS
SELECT payment_id, ref_source, false AS loose, ref_norm AS word,
       CASE WHEN parts.series <> '' THEN parts.series END AS series,
       CASE WHEN parts.series <> '' THEN TRY_CAST(parts.number AS BIGINT) END AS number
FROM m_ref_in WHERE ref_source = 'field'
UNION ALL
SELECT payment_id, ref_source, true, word, NULL, NULL
FROM (SELECT payment_id, ref_source,
             unnest(list_distinct(list_concat(regexp_extract_all(upper(text), '[0-9A-Z]+'),
                                              regexp_extract_all(upper(text), '[0-9A-Z]+(?:[-/_.][0-9A-Z]+)+')))) AS word
      FROM m_ref_in WHERE loose)
WHERE length(word) >= CASE ref_source WHEN 'field' THEN 6 ELSE 10 END AND regexp_matches(word, '[0-9]')
UNION ALL
SELECT payment_id, ref_source, true, NULL, parts.series, TRY_CAST(parts.number AS BIGINT)
FROM (SELECT payment_id, ref_source,
             ref_einvoice_parts(unnest(regexp_extract_all(upper(text),
               '(?:^|[^0-9A-Z])([0-9]?[CK][0-9]{2}[TDLMNBGH][A-Z]{2}[\s\x{00A0}\x{2009}\x{202F}\-_/.:#]*[0-9]+)', 1))) AS parts
      FROM m_ref_in WHERE loose)
WHERE parts.series <> '';

DROP TABLE m_ref_in;

CREATE OR REPLACE TEMP TABLE m_ref AS
WITH keyed AS (
  SELECT k.*, pc_of(c.claimed_code) AS payer_pc, CASE WHEN c.code_known THEN c.claimed_code END AS known_code
  FROM m_ref_key k JOIN m_code c USING (payment_id)
), by_id AS (
  SELECT r.payment_id, r.loose, i.invoice_no, i.customer_code, r.known_code
  FROM keyed r JOIN invoices i ON replace(upper(i.invoice_no), ' ', '') = r.word
), by_id_best AS (
  -- The field as a whole first; else its (or the memo's) words.
  SELECT * FROM (SELECT *, min(loose::INTEGER) OVER (PARTITION BY payment_id) AS best FROM by_id)
  WHERE loose::INTEGER = best
), by_key AS (
  SELECT r.payment_id, i.invoice_no, i.customer_code, r.known_code
  FROM keyed r
  JOIN invoices i ON einvoice_series(i.series) = r.series AND einvoice_number(i.number) = r.number
  WHERE r.series IS NOT NULL AND r.payment_id NOT IN (SELECT payment_id FROM by_id WHERE NOT loose)
    AND (r.payer_pc IS NULL OR pc_of(i.customer_code) = r.payer_pc)
), named_rows AS (
  SELECT 'id' AS via, payment_id, loose, invoice_no, customer_code, known_code FROM by_id_best
  UNION ALL
  SELECT 'key', payment_id, true, invoice_no, customer_code, known_code FROM by_key
), bounds AS (
  -- What the ids (via 'id') and the series + numbers (via 'key') of a payment's text name: one
  -- invoice (the least and the greatest are the same), or several (ambiguous, or several invoices
  -- of one customer). Least and greatest, not count(DISTINCT …): nearly every text names one
  -- invoice, and a DISTINCT aggregate hashes every row once more (10 M payments: 2.8 s of 8.5).
  SELECT via, payment_id, NOT bool_or(loose) AS whole,
         min(invoice_no) AS lo, max(invoice_no) AS hi, min(customer_code) AS c_lo, max(customer_code) AS c_hi,
         any_value(known_code) AS known_code
  FROM named_rows GROUP BY via, payment_id
), several AS (
  -- The invoices of the few texts naming more than one.
  SELECT via, payment_id, list(DISTINCT invoice_no) AS invoices
  FROM named_rows SEMI JOIN (SELECT via, payment_id FROM bounds WHERE lo <> hi) m USING (via, payment_id)
  GROUP BY via, payment_id
), pick AS (
  SELECT b.via, b.payment_id, b.whole,
         CASE WHEN b.lo = b.hi THEN 1 ELSE len(s.invoices) END AS n,
         CASE WHEN b.lo = b.hi THEN b.lo END AS invoice_no,
         CASE WHEN b.lo = b.hi THEN b.c_lo END AS customer_code,
         CASE WHEN b.c_lo = b.c_hi THEN b.c_lo END AS one_customer,
         s.invoices,
         b.known_code
  FROM bounds b LEFT JOIN several s USING (via, payment_id)
), id_pick AS (
  SELECT * FROM pick WHERE via = 'id'
), key_pick AS (
  SELECT * FROM pick WHERE via = 'key'
), conflict AS (
  -- A word of a text that is an invoice's id, beside a series + number naming other invoices only
  -- ("Ky 202612 HD 1K26TAA-12345", where 202612 is a short id of a stranger's invoice): the text
  -- names two invoices, ambiguous; neither outranks the other. Agreeing, they name that invoice.
  SELECT k.payment_id FROM by_key k JOIN id_pick b USING (payment_id)
  WHERE b.n = 1 GROUP BY k.payment_id HAVING NOT bool_or(k.invoice_no = b.invoice_no)
), source AS (
  -- Every field has its whole reading, so every payment with a field is here.
  SELECT payment_id, any_value(ref_source) AS ref_source FROM m_ref_key GROUP BY payment_id
)
SELECT payment_id, ref_status, invoice_no, coalesce(customer_code, several_of) AS customer_code,
       CASE WHEN several_of IS NOT NULL THEN named END AS several_invoice_nos,
       -- Every invoice a text naming more than one names (several invoices, ambiguous): explain lists
       -- them, so an auditor can decide which one a payment pays. Only for those statuses: an id
       -- naming one invoice beside a series + number that agrees with it but is billed by another PC
       -- too resolves to that invoice (invoice_no), and the other PC's invoice is no candidate.
       CASE WHEN len(named) > 1 AND replace(ref_status, 'memo_', '') IN ('several_invoices', 'ambiguous')
            THEN named END AS ref_candidates
-- named: built only where a text names more than one invoice (lists, or an id and a key); the
-- columns that read it do so only then.
FROM (SELECT *, CASE WHEN b_invoices IS NOT NULL OR k_invoices IS NOT NULL OR (b_invoice_no IS NOT NULL AND k_invoice_no IS NOT NULL)
                     THEN list_sort(list_distinct(list_filter(list_concat(coalesce(b_invoices, []), coalesce(k_invoices, []), [b_invoice_no, k_invoice_no]),
                                                              x -> x IS NOT NULL))) END AS named
FROM (
  SELECT s.payment_id, b.invoices AS b_invoices, k.invoices AS k_invoices, b.invoice_no AS b_invoice_no, k.invoice_no AS k_invoice_no,
         -- Several invoices named, all of one customer (arrears and the current bill: "HD 2612…01
         -- 2701…02"), and no known code naming another: the payment is that customer's and those
         -- invoices are its targets (several_invoice_nos; 070 pays them first, oldest first, and
         -- what is left goes through rules 4-7 on the customer's other invoices).
         -- Also an id naming one invoice beside a series + number naming others (conflict), all of
         -- one customer ("HD 261200012345 va 1K27TAA 12345": arrears by id, the current bill by its
         -- e-invoice key): both are named, not ambiguous (before, such a payment was ambiguous).
         CASE WHEN (c.payment_id IS NULL AND coalesce(b.n, 0) <> 1 AND coalesce(k.n, 0) <> 1
                    AND coalesce(b.n, 0) + coalesce(k.n, 0) > 1
                    AND coalesce(b.one_customer, k.one_customer) IS NOT NULL
                    AND (b.one_customer IS NULL OR k.one_customer IS NULL OR b.one_customer = k.one_customer)
                    AND coalesce(coalesce(b.one_customer, k.one_customer) = coalesce(b.known_code, k.known_code), true))
                OR (c.payment_id IS NOT NULL AND b.one_customer = k.one_customer
                    AND coalesce(b.one_customer = coalesce(b.known_code, k.known_code), true))
              THEN coalesce(b.one_customer, k.one_customer) END AS several_of,
         CASE WHEN s.ref_source = 'memo' THEN 'memo_' ELSE '' END
         || CASE WHEN c.payment_id IS NOT NULL AND several_of IS NOT NULL THEN 'several_invoices'
                 WHEN c.payment_id IS NOT NULL THEN 'ambiguous'
                 -- A word inside a text ("Ky 202612") that is the id of another customer's invoice
                 -- does not outweigh a known customer code: a reference field as a whole does
                 -- (rule 3), a word among others is no such statement. The code decides.
                 WHEN b.n = 1 AND NOT b.whole AND b.customer_code <> b.known_code THEN 'word_other_customer'
                 WHEN b.n = 1 THEN 'invoice_no'
                 WHEN b.n > 1 AND several_of IS NOT NULL THEN 'several_invoices'
                 WHEN b.n > 1 THEN 'ambiguous'
                 WHEN k.n = 1 THEN 'series_number'
                 WHEN k.n > 1 AND several_of IS NOT NULL THEN 'several_invoices'
                 WHEN k.n > 1 THEN 'ambiguous'
                 ELSE 'not_found' END AS ref_status,
         CASE WHEN c.payment_id IS NULL AND NOT coalesce(NOT b.whole AND b.customer_code <> b.known_code, false)
              THEN coalesce(b.invoice_no, k.invoice_no) END AS invoice_no,
         CASE WHEN c.payment_id IS NULL AND NOT coalesce(NOT b.whole AND b.customer_code <> b.known_code, false)
              THEN coalesce(b.customer_code, k.customer_code) END AS customer_code
  FROM source s
  LEFT JOIN id_pick b USING (payment_id)
  LEFT JOIN key_pick k USING (payment_id)
  LEFT JOIN conflict c USING (payment_id)))
-- A memo that named no invoice has no reference at all.
WHERE ref_status <> 'memo_not_found';

DROP TABLE m_ref_key;
