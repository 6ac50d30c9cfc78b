// Computes the whole kpis.json of a period from the database: headline KPIs (the shared
// HeadlineKpis shape), the previous period, breakdowns by area and partner, the partner scorecard,
// the exception queue, data quality and the cashless trend. All aggregation happens in DuckDB;
// only aggregated rows come back. Definitions: DOMAIN.md "KPI definitions", README "KPI glossary".
import type { Database } from '../db/database.ts';
import { CHANNEL_GROUPS, type ChannelGroup } from '../ingest/profile.ts';
import { KPI_SCHEMA_VERSION, ratio, ratiosFrom, type ByGroup, type HeadlineKpis, type KpiCounts } from './kpi-shape.ts';
import { queryReport, runReport } from './query.ts';
import { prepareScope, previousPeriod } from './scope.ts';

/** Version of the kpis.json document (its sections and fields); bump on any change of shape. */
export const REPORT_SCHEMA_VERSION = 1;

/** How many of the largest open exceptions the report lists. */
export const LARGEST_EXCEPTIONS = 10;

export interface AreaKpis {
  pc: string | null;
  unit: string | null;
  invoices: number;
  invoiced_vnd: number;
  allocated_vnd: number;
  invoices_settled: number;
  cashless_allocated_vnd: number;
  customers_with_allocation: number;
  customers_all_cashless: number;
  collection_rate_amount: number | null;
  collection_rate_count: number | null;
  cashless_share_amount: number | null;
  cashless_share_customers: number | null;
}

export interface PartnerKpis {
  partner_id: string;
  name: string;
  channel_group: ChannelGroup;
  allocated_vnd: number;
  cashless_allocated_vnd: number;
  payments: number;
  invoices: number;
  customers: number;
}

export interface ScorecardRow {
  partner_id: string;
  name: string;
  channel_group: ChannelGroup;
  payments: number;
  amount_vnd: number;
  allocated_to_period_vnd: number;
  lag_median_days: number | null;
  lag_p95_days: number | null;
  unmatched: number;
  unmatched_rate: number | null;
  files: number;
  records_read: number;
  records_rejected: number;
  records_duplicate: number;
  reject_rate: number | null;
  duplicate_rate: number | null;
}

export interface ExceptionAging {
  reason: string;
  age_bucket: '0-7' | '8-30' | '31-90' | '>90';
  exceptions: number;
  amount_vnd: number;
}

export interface LargestException {
  partner_id: string;
  partner_name: string | null;
  txn_ref: string;
  reason: string;
  amount_vnd: number;
  paid_on: string;
  age_days: number;
  customer_code: string | null;
  suggested_invoice_no: string | null;
  memo: string | null;
}

export interface DataQuality {
  files: number;
  files_loaded: number;
  files_quarantined: number;
  files_skipped_duplicate: number;
  /** Files that could not be read as their profile says (nothing loaded; `recon files --status failed`). */
  files_failed: number;
  /** Files no single profile claims by name (nothing read; `recon files --status unrecognised`). */
  files_unrecognised: number;
  records_read: number;
  records_loaded: number;
  records_rejected: number;
  records_duplicate: number;
  /** Records held in quarantined files, loaded when the file is released. */
  records_quarantined: number;
  control_mismatches: number;
  rejected_amount_vnd: number;
  rejects_by_reason: Array<{ reason: string; records: number }>;
}

export interface TrendPoint {
  period: string;
  as_of: string;
  collection_rate_amount: number | null;
  cashless_share_amount: number | null;
  cashless_share_customers: number | null;
}

/** The kpis.json document (README "kpis.json"). Deterministic: no run ids, no timestamps. */
export interface ReportKpis {
  schema_version: number;
  period: string;
  as_of: string;
  headline: HeadlineKpis;
  previous: HeadlineKpis | null;
  cashless_trend: TrendPoint[];
  by_pc: AreaKpis[];
  by_unit: AreaKpis[];
  by_partner: PartnerKpis[];
  partner_scorecard: ScorecardRow[];
  exceptions: { by_reason_age: ExceptionAging[]; largest: LargestException[] };
  data_quality: DataQuality;
}

/**
 * Computes the report of `period` as of `asOf` (YYYY-MM-DD). Leaves the report_* temporary tables
 * in place for exports that read them.
 */
export async function computeKpis(db: Database, period: string, asOf: string): Promise<ReportKpis> {
  const scope = await prepareScope(db, period, asOf);
  const params = { period, as_of: asOf, limit: LARGEST_EXCEPTIONS };
  const headlines = await headlineKpis(db, scope.periods);
  await runReport(db, 'breakdown_area', params);
  await runReport(db, 'breakdown_partner', params);
  const area = (await queryReport(db, 'area_rows')).map(numbers);
  const byPartner = (await queryReport(db, 'partner_rows')).map(numbers) as unknown as PartnerKpis[];
  const scorecard = (await queryReport(db, 'partner_scorecard', params)).map(numbers).map(scorecardRow);
  const aging = (await queryReport(db, 'exceptions_aging', params)).map(numbers) as unknown as ExceptionAging[];
  const largest = (await queryReport(db, 'exceptions_largest', params)).map(numbers) as unknown as LargestException[];
  const quality = numbers((await queryReport(db, 'data_quality', params))[0] ?? {});
  const rejects = (await queryReport(db, 'rejects_by_reason', params)).map(numbers) as unknown as DataQuality['rejects_by_reason'];
  const headline = headlines.get(period)!;
  return {
    schema_version: REPORT_SCHEMA_VERSION,
    period,
    as_of: asOf,
    headline,
    previous: headlines.get(previousPeriod(period)) ?? null,
    cashless_trend: [...headlines.values()].map((h) => ({
      period: h.period,
      as_of: h.as_of,
      collection_rate_amount: h.ratios.collection_rate_amount,
      cashless_share_amount: h.ratios.cashless_share_amount,
      cashless_share_customers: h.ratios.cashless_share_customers,
    })),
    by_pc: area.filter((a) => a.level === 'pc').map(areaKpis),
    by_unit: area.filter((a) => a.level === 'unit').map(areaKpis),
    by_partner: byPartner,
    partner_scorecard: scorecard,
    exceptions: { by_reason_age: aging, largest },
    data_quality: { ...(quality as unknown as Omit<DataQuality, 'rejects_by_reason'>), rejects_by_reason: rejects },
  };
}

/** HeadlineKpis of every scoped period, keyed by period, oldest first. */
async function headlineKpis(db: Database, periods: Array<{ period: string }>): Promise<Map<string, HeadlineKpis>> {
  const totals = (await queryReport(db, 'headline')).map(numbers);
  const groups = (await queryReport(db, 'headline_by_group')).map(numbers);
  const out = new Map<string, HeadlineKpis>();
  for (const { period } of periods) {
    const t = totals.find((r) => r.period === period)!;
    const g = groups.filter((r) => r.period === period);
    const byGroup = (field: string): ByGroup =>
      Object.fromEntries(CHANNEL_GROUPS.map((cg) => [cg, (g.find((r) => r.channel_group === cg)?.[field] as number | undefined) ?? 0])) as ByGroup;
    const counts: KpiCounts = {
      invoices: t.invoices as number,
      invoiced_vnd: t.invoiced_vnd as number,
      allocated_vnd: t.allocated_vnd as number,
      invoices_settled: t.invoices_settled as number,
      invoices_with_allocation: t.invoices_with_allocation as number,
      invoices_by_group: byGroup('invoices'),
      allocated_vnd_by_group: byGroup('allocated_vnd'),
      customers_by_group: byGroup('customers'),
      cashless_allocated_vnd: t.cashless_allocated_vnd as number,
      customers_with_allocation: t.customers_with_allocation as number,
      customers_all_cashless: t.customers_all_cashless as number,
    };
    out.set(period, { schema_version: KPI_SCHEMA_VERSION, period, as_of: t.as_of as string, counts, ratios: ratiosFrom(counts) });
  }
  return out;
}

function areaKpis({ level: _level, ...r }: Record<string, unknown>): AreaKpis {
  const a = r as unknown as Omit<AreaKpis, `${string}_rate_${string}` | `${string}_share_${string}`>;
  return {
    ...a,
    collection_rate_amount: ratio(a.allocated_vnd, a.invoiced_vnd),
    collection_rate_count: ratio(a.invoices_settled, a.invoices),
    cashless_share_amount: ratio(a.cashless_allocated_vnd, a.allocated_vnd),
    cashless_share_customers: ratio(a.customers_all_cashless, a.customers_with_allocation),
  };
}

function scorecardRow(r: Record<string, unknown>): ScorecardRow {
  const s = r as unknown as Omit<ScorecardRow, 'unmatched_rate' | 'reject_rate' | 'duplicate_rate'>;
  return {
    ...s,
    unmatched_rate: ratio(s.unmatched, s.payments),
    reject_rate: ratio(s.records_rejected, s.records_read),
    duplicate_rate: ratio(s.records_duplicate, s.records_read),
  };
}

/** BIGINT columns arrive as bigint; every count and sum here fits a double exactly (< 2^53). */
function numbers(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'bigint') {
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${k} = ${v} exceeds 2^53`);
      out[k] = Number(v);
    } else out[k] = v;
  }
  return out;
}
