-- Export: the period's KPI rows (total, channel groups, power corporations, units, partners),
-- inserted from the computed kpis.json by src/reports/export.ts so every ratio has one definition.
CREATE OR REPLACE TEMP TABLE export_kpis (
  row_no                    INTEGER NOT NULL,
  dimension                 VARCHAR NOT NULL,  -- total | channel_group | pc | unit | partner
  key                       VARCHAR,
  invoices                  BIGINT,
  invoiced_vnd              BIGINT,
  allocated_vnd             BIGINT,
  invoices_settled          BIGINT,
  cashless_allocated_vnd    BIGINT,
  customers                 BIGINT,
  collection_rate_amount    DOUBLE,
  collection_rate_count     DOUBLE,
  share_invoices            DOUBLE,
  share_amount              DOUBLE,
  cashless_share_amount     DOUBLE,
  cashless_share_customers  DOUBLE
);
