-- The direct path (a file read in place, records one physical line each): ingest_typed_direct
-- holds every row the reader gave, in file order (rowid - base = position, base = the least
-- rowid: inside a transaction DuckDB numbers new rows from a large constant), with line_no 0. Lines that
-- give no row shift the rows after them: empty lines (the reader skips them; the splitter lists
-- them) and lines the reader refused (ingest_csv_errors.line is their physical line, since no
-- record spans lines). Gap i (0-based, in line order) at line g comes after r = g - first - i
-- rows, so the row at position k is on line first + k + max(i + 1 : r_i <= k).
CREATE OR REPLACE TEMP TABLE ingest_gaps AS
SELECT r, max(n) AS n
FROM (
  SELECT g - getvariable('ingest_direct').first - (row_number() OVER (ORDER BY g) - 1) AS r, row_number() OVER (ORDER BY g) AS n
  FROM (SELECT unnest(getvariable('ingest_direct').empty) AS g UNION SELECT DISTINCT CAST(line AS BIGINT) FROM ingest_csv_errors)
)
GROUP BY r;

-- Rows after the first gap and how many lines they shift (only when there are gaps).
CREATE OR REPLACE TEMP TABLE ingest_placed AS
/* nested-loop join allowed: DuckDB runs an ASOF join against a few gaps (at most its
   asof_loop_join_threshold, 64) as a loop over them; more gaps get its sort-based ASOF join */
SELECT t.rowid AS row_id, g.n AS shift
FROM ingest_typed_direct t
ASOF JOIN ingest_gaps g ON t.rowid - getvariable('ingest_direct').base >= g.r;
