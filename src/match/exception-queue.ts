// The exception queue: what an auditor works through, filtered and aged to an as-of date.
import type { Database } from '../db/database.ts';
import { readSql } from '../db/database.ts';

export const AGING_BUCKETS = ['0-7', '8-30', '31-90', '>90'] as const;

export interface QueueFilter {
  /** YYYY-MM-DD: ages are counted to this date; payments paid later are left out. */
  asOf: string;
  status?: 'open' | 'dismissed' | 'all';
  reason?: string;
  partner?: string;
  minAmount?: bigint;
  /** Only exceptions older than this many days. */
  olderThan?: number;
}

export interface QueueRow {
  payment_id: bigint;
  partner_id: string;
  txn_ref: string;
  kind: string;
  paid_at: Date;
  paid_at_local: string;
  reason: string;
  status: string;
  amount_vnd: bigint;
  suggested_invoice_no: string | null;
  confidence: number | null;
  decision_id: bigint | null;
  detail: string | null;
  file_name: string | null;
  line_no: bigint;
  age_days: bigint;
  aging: (typeof AGING_BUCKETS)[number];
}

export interface AgingRow {
  aging: string;
  reason: string;
  count: number;
  amount_vnd: number;
}

function params(f: QueueFilter): Record<string, string | number | bigint | null> {
  return {
    as_of: f.asOf,
    status: f.status ?? 'open',
    reason: f.reason ?? null,
    partner: f.partner ?? null,
    min_amount: f.minAmount ?? null,
    older_than: f.olderThan ?? null,
  };
}

/** The exceptions matching the filter, oldest and largest first. */
export async function exceptionQueue(db: Database, filter: QueueFilter): Promise<QueueRow[]> {
  return db.all<QueueRow & Record<string, unknown>>(readSql('match/queries/exception_queue.sql'), params(filter));
}

/** Open exceptions by aging bucket and reason, as of a date. */
export async function agingSummary(db: Database, asOf: string, filter: Omit<QueueFilter, 'asOf'> = {}): Promise<AgingRow[]> {
  const rows = await db.all<{ aging: string; reason: string; n: bigint; amount_vnd: bigint }>(
    `SELECT aging, reason, count(*) AS n, sum(amount_vnd) AS amount_vnd
       FROM (${readSql('match/queries/exception_queue.sql')}) q
      GROUP BY aging, reason
      ORDER BY list_position(${JSON.stringify(AGING_BUCKETS).replaceAll('"', "'")}, aging), reason`,
    params({ ...filter, asOf }),
  );
  return rows.map((r) => ({ aging: r.aging, reason: r.reason, count: Number(r.n), amount_vnd: Number(r.amount_vnd) }));
}
