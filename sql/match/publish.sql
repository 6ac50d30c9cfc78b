-- Replaces the persistent results of matching with what the cascade built in its working tables
-- (005_outputs.sql). Runs in one transaction: readers see the old results or the new, never a mix.

DELETE FROM allocations;
INSERT INTO allocations SELECT * FROM m_allocations;

DELETE FROM exceptions;
INSERT INTO exceptions SELECT * FROM m_exceptions;

DELETE FROM payment_match_facts;
INSERT INTO payment_match_facts SELECT * FROM m_match_facts;

DELETE FROM payment_match_plain;
INSERT INTO payment_match_plain SELECT * FROM m_match_plain;
