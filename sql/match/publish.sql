-- Makes the cascade's output tables (src/match/cascade.ts, createOutputTables) the results of
-- matching: each published table is dropped and its output table, built with the same definition,
-- takes its name. Runs in one transaction: readers see the old results or the new, never a mix.
-- A rename writes no rows; the view payment_match reads its two tables by name, so it reads the
-- new ones.

DROP TABLE allocations;
ALTER TABLE m_allocations RENAME TO allocations;

DROP TABLE exceptions;
ALTER TABLE m_exceptions RENAME TO exceptions;

DROP TABLE payment_match_facts;
ALTER TABLE m_match_facts RENAME TO payment_match_facts;

DROP TABLE payment_match_plain;
ALTER TABLE m_match_plain RENAME TO payment_match_plain;
