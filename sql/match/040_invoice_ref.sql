-- Rule 3, resolving the reference: payments.invoice_ref holds the billing id (invoice_no) or an
-- e-invoice series + number. The id is tried first, compared without case or spaces on either
-- side (a billing id may itself hold spaces, and partners drop or add them). Series + number is
-- unique only within a power corporation (DOMAIN.md): when the claimed customer code names the
-- payer's corporation only its invoices are candidates (an invoice of another corporation with
-- that key is not the payer's); without one, every corporation's. One candidate is taken; several
-- → ambiguous, none → not found, and the payment goes to the code rules.

CREATE OR REPLACE TEMP TABLE m_ref_in AS
SELECT payment_id, ref_norm,
       CASE WHEN parts.series <> '' THEN parts.series END AS ref_series,
       CASE WHEN parts.series <> '' THEN TRY_CAST(parts.number AS BIGINT) END AS ref_number,
       payer_pc
FROM (SELECT p.payment_id, norm_ref(p.invoice_ref) AS ref_norm, ref_einvoice_parts(p.invoice_ref) AS parts,
             pc_of(c.claimed_code) AS payer_pc
      FROM payments p
      JOIN m_code c USING (payment_id)
      WHERE p.kind = 'payment' AND nullif(trim(p.invoice_ref), '') IS NOT NULL);

CREATE OR REPLACE TEMP TABLE m_ref AS
WITH by_id AS (
  SELECT r.payment_id, i.invoice_no, i.customer_code
  FROM m_ref_in r JOIN invoices i ON replace(upper(i.invoice_no), ' ', '') = r.ref_norm
), by_key AS (
  SELECT r.payment_id, i.invoice_no, i.customer_code
  FROM m_ref_in r
  JOIN invoices i ON einvoice_series(i.series) = r.ref_series AND einvoice_number(i.number) = r.ref_number
  WHERE r.ref_series IS NOT NULL AND r.payment_id NOT IN (SELECT payment_id FROM by_id)
    AND (r.payer_pc IS NULL OR pc_of(i.customer_code) = r.payer_pc)
), key_pick AS (
  SELECT payment_id,
         CASE WHEN count(*) = 1 THEN any_value(invoice_no) END AS invoice_no,
         CASE WHEN count(*) = 1 THEN any_value(customer_code) END AS customer_code
  FROM by_key GROUP BY payment_id
)
SELECT r.payment_id,
       CASE WHEN b.payment_id IS NOT NULL THEN 'invoice_no'
            WHEN k.invoice_no IS NOT NULL THEN 'series_number'
            WHEN k.payment_id IS NOT NULL THEN 'ambiguous'
            ELSE 'not_found' END AS ref_status,
       coalesce(b.invoice_no, k.invoice_no) AS invoice_no,
       coalesce(b.customer_code, k.customer_code) AS customer_code
FROM m_ref_in r
LEFT JOIN by_id b USING (payment_id)
LEFT JOIN key_pick k USING (payment_id);

DROP TABLE m_ref_in;
