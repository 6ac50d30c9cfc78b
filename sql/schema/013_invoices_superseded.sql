-- Invoice rows a newer billing export displaced (arrears brought forward again), kept with the file
-- that loaded them: when that newer export is itself replaced by a corrected one that no longer
-- carries the invoice, the row of the newest export still loaded that does carry it comes back
-- (sql/ingest/replace_invoices.sql). Without it, a corrected November export that drops an October
-- arrears paid in between deleted the October invoice its own October export had billed.
CREATE TABLE invoices_superseded (
  invoice_no     VARCHAR NOT NULL,
  customer_code  VARCHAR NOT NULL,
  period         VARCHAR NOT NULL,
  series         VARCHAR,
  number         VARCHAR,
  issued_on      DATE,
  due_on         DATE,
  amount_vnd     BIGINT NOT NULL CHECK (amount_vnd > 0),
  file_id        BIGINT NOT NULL
);
