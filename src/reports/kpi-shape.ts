// The shape of the headline KPIs of one period, shared by the report (computed from the database)
// and the generator's ground truth (computed from what it generated), so the two compare exactly.
// Definitions: ../shared/DOMAIN.md "KPI definitions"; README "KPI glossary".
import type { ChannelGroup } from '../ingest/profile.ts';

export const KPI_SCHEMA_VERSION = 1;

/** Per channel group; every group is present (0 when it has nothing). */
export type ByGroup = Record<ChannelGroup, number>;

/** Integer facts of a period, from which every ratio is derived. Amounts in đồng. */
export interface KpiCounts {
  invoices: number;
  invoiced_vnd: number;
  allocated_vnd: number;
  invoices_settled: number;
  invoices_with_allocation: number;
  invoices_by_group: ByGroup;     // invoices attributed to each group
  allocated_vnd_by_group: ByGroup;
  customers_by_group: ByGroup;    // distinct customers with an allocation via the group
  cashless_allocated_vnd: number;
  customers_with_allocation: number;
  customers_all_cashless: number;
}

/** Ratios in [0, 1], rounded to 6 decimals; null when the denominator is zero. */
export interface KpiRatios {
  collection_rate_amount: number | null;
  collection_rate_count: number | null;
  channel_share_invoices: Record<ChannelGroup, number | null>;
  channel_share_amount: Record<ChannelGroup, number | null>;
  cashless_share_amount: number | null;
  cashless_share_customers: number | null;
}

export interface HeadlineKpis {
  schema_version: number;
  period: string;   // YYYY-MM
  as_of: string;    // YYYY-MM-DD, Asia/Ho_Chi_Minh
  counts: KpiCounts;
  ratios: KpiRatios;
}

/** n ÷ d rounded to 6 decimals, or null when d is 0. The one rounding rule for every KPI ratio. */
export function ratio(n: number, d: number): number | null {
  return d === 0 ? null : Math.round((n / d) * 1e6) / 1e6;
}

/** Derives every ratio from the counts, so report and truth cannot disagree on arithmetic. */
export function ratiosFrom(c: KpiCounts): KpiRatios {
  const groups = Object.keys(c.invoices_by_group) as ChannelGroup[];
  const per = (f: (g: ChannelGroup) => number | null) => Object.fromEntries(groups.map((g) => [g, f(g)])) as Record<ChannelGroup, number | null>;
  return {
    collection_rate_amount: ratio(c.allocated_vnd, c.invoiced_vnd),
    collection_rate_count: ratio(c.invoices_settled, c.invoices),
    channel_share_invoices: per((g) => ratio(c.invoices_by_group[g], c.invoices_with_allocation)),
    channel_share_amount: per((g) => ratio(c.allocated_vnd_by_group[g], c.allocated_vnd)),
    cashless_share_amount: ratio(c.cashless_allocated_vnd, c.allocated_vnd),
    cashless_share_customers: ratio(c.customers_all_cashless, c.customers_with_allocation),
  };
}

/**
 * The last day of the partner scorecard's payment window: the period's last day, or the as-of date
 * when that comes first. The window itself is in_partner_window (sql/common/identifiers.sql); the
 * two move together.
 */
export function partnerWindowEnd(period: string, asOf: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return asOf < end ? asOf : end;
}

/** Default as-of date of period P: the last day of the month after P. */
export function defaultAsOf(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  // Day 0 of month m+2 (1-based m) is the last day of month m+1.
  const d = new Date(Date.UTC(y, m + 1, 0));
  return d.toISOString().slice(0, 10);
}
