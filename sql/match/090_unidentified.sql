-- Rule 11: what is left unidentified becomes unknown_customer, saying what was read and not found;
-- or ambiguous_customer when its text named several real customers and the amount singled out none
-- (030).

INSERT INTO m_exceptions (payment_id, reason, amount_vnd, detail)
SELECT p.payment_id, CASE WHEN p.ambiguous IS NOT NULL THEN 'ambiguous_customer' ELSE 'unknown_customer' END, p.effective_vnd,
       CASE WHEN p.ambiguous IS NOT NULL THEN p.ambiguous
            WHEN p.claimed_code IS NOT NULL THEN 'customer code ' || shown_code(p.claimed_code) || ' (from the ' || p.code_source || ') does not exist'
            WHEN p.qr_status = 'crc_failed' THEN 'the memo is a VietQR payload whose CRC does not validate'
            ELSE 'no customer code in the code field, memo or VietQR payload' END
       || CASE p.ref_status WHEN 'not_found' THEN '; invoice reference not found'
                            WHEN 'ambiguous' THEN '; invoice reference matches several invoices'
                            WHEN 'memo_ambiguous' THEN '; the memo names several invoices'
                            ELSE '' END
       -- Which ones, so the queue says what to decide between without opening explain.
       || CASE WHEN p.ref_status IN ('ambiguous', 'memo_ambiguous') AND len(p.ref_candidates) > 1
               THEN ' (' || array_to_string(p.ref_candidates, ', ') || ')' ELSE '' END
FROM m_unidentified p
WHERE p.payment_id NOT IN (SELECT payment_id FROM m_typo_match);
