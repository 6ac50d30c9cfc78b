-- Reads and types every staged record of a batch of one partner's files in one pass: DuckDB's CSV reader (the
-- source, dialect pinned) feeds the canonical raw fields (the projection, all VARCHAR but the flags txn_sci and rev_sci, generated
-- from the profile by src/ingest/mapping.ts) straight into validation, and ingest_typed holds the
-- parsed payment or the first reason it cannot load. Reason codes: not_paid (a status the profile
-- does not list as paid: checked first, as a failed transaction's other fields are often empty),
-- missing_field, bad_ref, bad_amount, negative_amount, bad_date, unknown_code (column_count is decided while reading). Signed amounts
-- are kept for the control-total check; a record's text is re-joined only when it is rejected.
-- typed_table is ingest_typed, or ingest_typed_direct on the direct path, where every row read is
-- kept (keep = true, blank rows flagged) so a row's rowid is its position in the file, and
-- line_no is 0 until sql/ingest/direct_lines.sql places it.
CREATE OR REPLACE TEMP TABLE /*{typed_table}*/ AS
WITH ingest_raw AS (
  SELECT /*{raw_projection}*/ FROM /*{source}*/
), parsed AS (
  SELECT r.*,
    ingest_amount_value(regexp_extract(ingest_dash(amount), getvariable('ingest').amount_re, ['sign', 'int', 'frac', 'close'])) AS amount_v,
    ingest_amount_value(regexp_extract(ingest_dash(credit), getvariable('ingest').amount_re, ['sign', 'int', 'frac', 'close'])) AS credit_v,
    ingest_amount_value(regexp_extract(ingest_dash(debit), getvariable('ingest').amount_re, ['sign', 'int', 'frac', 'close'])) AS debit_v,
    -- A date alone where the format has a time is that day at 00:00 local (mapping.ts dayOnlyPattern),
    -- a time without the format's fraction of any length the whole second (wholeSecondsPattern);
    -- coalesce reads a later form only for the values the earlier ones did not.
    coalesce(ingest_instant(paid_at, getvariable('ingest').paid_fmt, getvariable('ingest').paid_re, getvariable('ingest').paid_iso, getvariable('ingest').paid_tz, getvariable('ingest').paid_fixed, getvariable('ingest').paid_off),
             ingest_instant(paid_at, getvariable('ingest').paid_day_fmt, getvariable('ingest').paid_day_re, false, getvariable('ingest').paid_tz, getvariable('ingest').paid_fixed, getvariable('ingest').paid_off),
             ingest_instant(paid_at, getvariable('ingest').paid_whole_fmt, getvariable('ingest').paid_whole_re, false, getvariable('ingest').paid_tz, getvariable('ingest').paid_fixed, getvariable('ingest').paid_off)) AS paid_ts,
    coalesce(ingest_instant(settled_on, getvariable('ingest').settled_fmt, getvariable('ingest').settled_re, getvariable('ingest').settled_iso, getvariable('ingest').settled_tz, getvariable('ingest').settled_fixed, getvariable('ingest').settled_off),
             ingest_instant(settled_on, getvariable('ingest').settled_day_fmt, getvariable('ingest').settled_day_re, false, getvariable('ingest').settled_tz, getvariable('ingest').settled_fixed, getvariable('ingest').settled_off),
             ingest_instant(settled_on, getvariable('ingest').settled_whole_fmt, getvariable('ingest').settled_whole_re, false, getvariable('ingest').settled_tz, getvariable('ingest').settled_fixed, getvariable('ingest').settled_off)) AS settled_ts,
    map_extract_value(MAP(getvariable('ingest').kind_codes, getvariable('ingest').kind_values), kind_code) AS mapped_kind,
    map_extract_value(MAP(getvariable('ingest').instrument_codes, getvariable('ingest').instrument_values), instrument_code) AS mapped_instrument
  FROM ingest_raw r
  WHERE /*{keep}*/
), checked AS (
  SELECT *,
    -- Separate credit/debit columns: a zero counts as empty; exactly one side must carry money.
    CASE WHEN amount IS NOT NULL OR (credit IS NULL AND debit IS NULL) THEN amount_v
         WHEN coalesce(credit_v, 1) <> 0 AND coalesce(debit_v, 0) = 0 AND credit IS NOT NULL THEN credit_v
         WHEN coalesce(debit_v, 1) <> 0 AND coalesce(credit_v, 0) = 0 AND debit IS NOT NULL THEN -debit_v
    END AS signed_v,
    (credit IS NOT NULL AND credit_v IS NULL) OR (debit IS NOT NULL AND debit_v IS NULL) AS split_bad,
    coalesce(credit_v, 0) <> 0 AND coalesce(debit_v, 0) <> 0 AS split_both,
    debit IS NOT NULL AND coalesce(debit_v, 0) <> 0 AND coalesce(credit_v, 0) = 0 AS is_debit,
    abs(coalesce(amount_v, 0)) > ingest_max_vnd() OR abs(coalesce(credit_v, 0)) > ingest_max_vnd()
      OR abs(coalesce(debit_v, 0)) > ingest_max_vnd() AS too_large,
    getvariable('ingest').has_status
      AND NOT coalesce(list_contains(getvariable('ingest').status_paid, lower(ingest_nfc(status))), false) AS not_paid
    -- txn_sci / rev_sci (from the projection, per part of the id): a transaction id a spreadsheet
    -- rewrote in scientific notation (1.23457E+15, 1,23457E+15) has lost its digits, and two
    -- payments would share it, the second dropped as a duplicate.
  FROM parsed
), judged AS (
  SELECT *,
    CASE
      WHEN not_paid THEN 'not_paid'
      WHEN txn_ref IS NULL THEN 'missing_field'
      WHEN paid_at IS NULL THEN 'missing_field'
      WHEN amount IS NULL AND credit IS NULL AND debit IS NULL THEN 'missing_field'
      WHEN txn_sci OR rev_sci THEN 'bad_ref'
      WHEN amount IS NOT NULL AND amount_v IS NULL THEN 'bad_amount'
      WHEN split_bad OR split_both THEN 'bad_amount'
      WHEN coalesce(signed_v, 0) = 0 OR too_large THEN 'bad_amount'
      WHEN signed_v < 0 AND NOT is_debit AND NOT getvariable('ingest').negative_ok THEN 'negative_amount'
      WHEN paid_ts IS NULL THEN 'bad_date'
      WHEN settled_on IS NOT NULL AND settled_ts IS NULL THEN 'bad_date'
      WHEN kind_code IS NOT NULL AND mapped_kind IS NULL THEN 'unknown_code'
      WHEN instrument_code IS NOT NULL AND mapped_instrument IS NULL THEN 'unknown_code'
    END AS reason,
    CASE
      WHEN not_paid THEN 'status'
      WHEN txn_ref IS NULL THEN 'txn_ref'
      WHEN paid_at IS NULL THEN 'paid_at'
      WHEN amount IS NULL AND credit IS NULL AND debit IS NULL THEN 'amount'
      WHEN txn_sci THEN 'txn_ref'
      WHEN rev_sci THEN 'reverses_txn_ref'
      WHEN amount IS NOT NULL AND amount_v IS NULL THEN 'amount'
      WHEN split_bad OR split_both OR coalesce(signed_v, 0) = 0 OR too_large THEN 'amount'
      WHEN signed_v < 0 AND NOT is_debit AND NOT getvariable('ingest').negative_ok THEN 'amount'
      WHEN paid_ts IS NULL THEN 'paid_at'
      WHEN settled_on IS NOT NULL AND settled_ts IS NULL THEN 'settled_on'
      WHEN kind_code IS NOT NULL AND mapped_kind IS NULL THEN 'kind'
      WHEN instrument_code IS NOT NULL AND mapped_instrument IS NULL THEN 'instrument'
    END AS field
  FROM checked
)
SELECT
  seq, line_no, blank, txn_ref, ingest_customer_code(customer_code) AS customer_code, invoice_ref, memo, reverses_txn_ref, agent_id,
  paid_ts AS paid_at,
  CAST(CASE WHEN getvariable('ingest').settled_fixed
            THEN timezone('UTC', settled_ts) + to_minutes(CAST(getvariable('ingest').settled_off AS BIGINT))
            ELSE settled_ts AT TIME ZONE getvariable('ingest').settled_tz END AS DATE) AS settled_on,
  -- An amount beyond the cap counts in no sum (its record is rejected). Against a trailer's credit
  -- and debit totals (flow_signs) a record whose kind column (or default) makes it a reversal or
  -- refund is money out, so its amount written unsigned (a D/C indicator column) counts negative.
  CASE WHEN NOT too_large THEN
    CASE WHEN getvariable('ingest').flow_signs AND amount IS NOT NULL AND signed_v > 0
              AND coalesce(mapped_kind, getvariable('ingest').kind_default) IN ('reversal', 'refund') THEN -signed_v
         ELSE signed_v END END AS amount_signed,
  abs(signed_v) AS amount_vnd,
  CASE WHEN is_debit THEN getvariable('ingest').debit_kind
       WHEN signed_v < 0 AND coalesce(mapped_kind, getvariable('ingest').kind_default) = 'payment' THEN 'reversal'
       ELSE coalesce(mapped_kind, getvariable('ingest').kind_default) END AS kind,
  coalesce(mapped_instrument, getvariable('ingest').instrument_default) AS instrument,
  reason, field,
  CASE field WHEN 'txn_ref' THEN txn_ref WHEN 'paid_at' THEN paid_at WHEN 'settled_on' THEN settled_on
             WHEN 'amount' THEN coalesce(amount, concat_ws(' / ', credit, debit)) WHEN 'kind' THEN kind_code
             WHEN 'instrument' THEN instrument_code WHEN 'status' THEN status WHEN 'reverses_txn_ref' THEN reverses_txn_ref END AS value,
  CASE WHEN reason IS NULL THEN NULL ELSE ingest_message(
    getvariable('ingest').files[seq], line_no,
    CASE field WHEN 'txn_ref' THEN getvariable('ingest').label_txn_ref WHEN 'paid_at' THEN getvariable('ingest').label_paid_at
               WHEN 'settled_on' THEN getvariable('ingest').label_settled_on WHEN 'amount' THEN getvariable('ingest').label_amount
               WHEN 'kind' THEN getvariable('ingest').label_kind WHEN 'status' THEN getvariable('ingest').label_status
               WHEN 'reverses_txn_ref' THEN getvariable('ingest').label_reverses_txn_ref
               ELSE getvariable('ingest').label_instrument END,
    CASE reason WHEN 'not_paid' THEN 'not a completed payment' WHEN 'missing_field' THEN 'missing' WHEN 'bad_amount' THEN 'not a valid amount'
                WHEN 'bad_ref' THEN CASE WHEN regexp_matches(CASE field WHEN 'txn_ref' THEN txn_ref ELSE reverses_txn_ref END, '[0-9][Ee][+-]?[0-9]')
                                         THEN 'a number a spreadsheet rewrote in scientific notation, its digits lost'
                                         ELSE 'a long number written as a floating-point value (a .0 fraction), its digits lost' END
                WHEN 'negative_amount' THEN 'negative amount, which this partner''s profile does not allow'
                WHEN 'bad_date' THEN 'not a valid date'
                ELSE 'unknown code' END,
    CASE field WHEN 'txn_ref' THEN txn_ref WHEN 'paid_at' THEN paid_at WHEN 'settled_on' THEN settled_on
               WHEN 'amount' THEN coalesce(amount, concat_ws(' / ', credit, debit)) WHEN 'kind' THEN kind_code
               WHEN 'instrument' THEN instrument_code WHEN 'status' THEN status WHEN 'reverses_txn_ref' THEN reverses_txn_ref END,
    CASE field WHEN 'amount' THEN CASE reason WHEN 'negative_amount' THEN 'a positive amount'
                                              WHEN 'missing_field' THEN getvariable('ingest').amount_expected
                                              ELSE CASE WHEN split_both THEN 'money in only one of the credit/debit columns'
                                                        WHEN amount IS NULL AND NOT split_bad AND coalesce(credit_v, 0) = 0 AND coalesce(debit_v, 0) = 0
                                                          THEN 'a non-zero amount in the credit or the debit column'
                                                        WHEN coalesce(signed_v, 1) = 0 THEN 'a non-zero amount'
                                                        WHEN too_large THEN 'an amount of at most 1.000.000.000.000.000 đồng'
                                                        ELSE getvariable('ingest').amount_expected END END
               WHEN 'paid_at' THEN getvariable('ingest').paid_expected || ingest_serial_hint(paid_at)
               WHEN 'settled_on' THEN getvariable('ingest').settled_expected || ingest_serial_hint(settled_on)
               WHEN 'kind' THEN 'a code listed in fields.kind.map'
               WHEN 'instrument' THEN 'a code listed in fields.instrument.map'
               WHEN 'status' THEN getvariable('ingest').status_expected
               WHEN 'txn_ref' THEN CASE reason WHEN 'bad_ref' THEN 'the id as the partner wrote it (ask for the original file, not one opened and saved again in a spreadsheet)' ELSE 'a value' END
               WHEN 'reverses_txn_ref' THEN 'the original''s id as the partner wrote it (ask for the original file, not one opened and saved again in a spreadsheet)'
               ELSE 'a value' END)
  END AS message,
  CASE WHEN reason IS NOT NULL THEN /*{raw_text}*/ END AS raw
FROM judged;
