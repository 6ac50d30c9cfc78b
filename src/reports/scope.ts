// The report scope: which periods a report counts, at which as-of date, and the temporary tables
// of counted allocations, invoice facts and customer totals every KPI query reads
// (sql/reports/scope.sql …).
import type { Database } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import { defaultAsOf } from './kpi-shape.ts';
import { queryReport, runReport } from './query.ts';

export interface ReportScope {
  period: string;
  asOf: string;
  /** Every period in the database up to `period`, oldest first, each with the as-of date it is counted at. */
  periods: Array<{ period: string; asOf: string }>;
}

/** Checks a period (YYYY-MM) and an as-of date (YYYY-MM-DD, not before the period starts). */
export function checkPeriod(period: string, asOf?: string): { period: string; asOf: string } {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new UsageError(`--period ${JSON.stringify(period)}: expected YYYY-MM, e.g. 2026-01`);
  const date = asOf ?? defaultAsOf(period);
  const parsed = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new UsageError(`--as-of ${JSON.stringify(date)}: expected a calendar date YYYY-MM-DD, e.g. ${defaultAsOf(period)}`);
  }
  if (date < `${period}-01`) throw new UsageError(`--as-of ${date} is before period ${period} begins; expected ${period}-01 or later`);
  return { period, asOf: date };
}

/**
 * Builds the temporary tables report_scope, report_partner_key, report_alloc, report_invoice, report_totals and report_files (the partner files of `period`) for `period` at `asOf`
 * and every earlier period in the database at its own default as-of date, capped at `asOf`, so a
 * report never counts a payment made after its as-of date.
 */
export async function prepareScope(db: Database, period: string, asOf: string): Promise<ReportScope> {
  const found = await queryReport<{ period: string }>(db, 'periods', { period });
  const periods = [...new Set([...found.map((r) => r.period), period])]
    .sort()
    .map((p) => ({ period: p, asOf: p === period ? asOf : minDate(defaultAsOf(p), asOf) }));
  await runReport(db, 'scope');
  for (const p of periods) await runReport(db, 'scope_add', { period: p.period, as_of: p.asOf });
  await runReport(db, 'partner_keys');
  await runReport(db, 'counted_allocations');
  await runReport(db, 'invoice_facts');
  await runReport(db, 'customer_totals');
  await runReport(db, 'period_files', { period, as_of: asOf });
  return { period, asOf, periods };
}

/** The billing period before `period` (YYYY-MM). */
export function previousPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
