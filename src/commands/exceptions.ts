// `recon exceptions`: the exception queue, aged to an as-of date, with filters.
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { AGING_BUCKETS, exceptionQueue, type QueueRow } from '../match/exception-queue.ts';
import { todayInVietnam } from '../match/index.ts';
import { EXCEPTION_REASONS, isExceptionReason } from '../match/reasons.ts';
import { requireInvoices } from '../reports/index.ts';
import { defaultAsOf } from '../reports/kpi-shape.ts';
import { checkPeriod as checkReportPeriod } from '../reports/scope.ts';
import type { Database } from '../db/database.ts';
import { positiveInt, printResult, textTable, withDb, withDbOptions, type GlobalOptions } from './context.ts';
import { checkDate, checkPeriod } from './options.ts';

interface ExceptionsOptions extends GlobalOptions {
  period?: string;
  asOf?: string;
  reason?: string;
  partner?: string;
  minAmount?: string;
  olderThan?: string;
  status: string;
  limit: number;
}

export function register(program: Command): void {
  withDbOptions(program.command('exceptions'))
    .description(`the exception queue, aged ${AGING_BUCKETS.join(', ')} days from the paid date to the as-of date`)
    .option('--period <YYYY-MM>', 'as of the close of this period (its default as-of date: last day of the following month)')
    .option('--as-of <YYYY-MM-DD>', 'age to this date; payments paid later are left out (default: from --period, else today)')
    .option('--reason <reason>', `only this reason: ${Object.keys(EXCEPTION_REASONS).join(', ')}`)
    .option('--partner <id>', 'only this partner')
    .option('--min-amount <vnd>', 'only exceptions of at least this many đồng')
    .option('--older-than <days>', 'only exceptions older than this many days')
    .option('--status <status>', 'open, dismissed or all', 'open')
    .option('--limit <n>', 'rows to print in text mode (JSON prints all)', (v) => positiveInt('--limit', v), 50)
    .action(async (opts: ExceptionsOptions) => {
      checkPeriod(opts.period);
      checkDate(opts.asOf);
      // As a report does: a queue "of" a period as of a day before it begins is a mistyped date.
      if (opts.period !== undefined && opts.asOf !== undefined) checkReportPeriod(opts.period, opts.asOf);
      if (opts.reason !== undefined && !isExceptionReason(opts.reason)) {
        throw new UsageError(`--reason ${JSON.stringify(opts.reason)}: expected one of ${Object.keys(EXCEPTION_REASONS).join(', ')}`);
      }
      if (!['open', 'dismissed', 'all'].includes(opts.status)) throw new UsageError(`--status ${JSON.stringify(opts.status)}: expected open, dismissed or all`);
      const minAmount = opts.minAmount === undefined ? undefined : wholeNumber(opts.minAmount, '--min-amount', 'đồng', 1_000_000_000_000_000n);
      const olderThan = opts.olderThan === undefined ? undefined : Number(wholeNumber(opts.olderThan, '--older-than', 'days', 1_000_000n));
      const asOf = opts.asOf ?? (opts.period ? defaultAsOf(opts.period) : todayInVietnam());
      const rows = await withDb(opts, async (db) => {
        if (opts.partner !== undefined) await checkPartner(db, opts.partner);
        // A period with no invoices (mistyped) listed every exception as of a far date, exit 0.
        if (opts.period !== undefined) await requireInvoices(db, opts.period, 'nothing to list');
        return exceptionQueue(db, {
          asOf,
          status: opts.status as 'open' | 'dismissed' | 'all',
          ...(opts.reason ? { reason: opts.reason } : {}),
          ...(opts.partner ? { partner: opts.partner } : {}),
          ...(minAmount !== undefined ? { minAmount } : {}),
          ...(olderThan !== undefined ? { olderThan } : {}),
        });
      });
      printResult(opts.json, { as_of: asOf, count: rows.length, buckets: buckets(rows), exceptions: rows }, () => formatQueue(asOf, rows, opts.limit, opts.status));
    });
}

/** A mistyped partner id would give an empty queue that reads as "nothing to do": refuse it. */
async function checkPartner(db: Database, partner: string): Promise<void> {
  const known = await db.all<{ partner_id: string }>('SELECT partner_id FROM partners WHERE lower(partner_id) = lower($partner) ORDER BY partner_id', { partner });
  if (known.some((p) => p.partner_id === partner)) return;
  const hint = known.length > 0 ? `did you mean ${known.map((p) => p.partner_id).join(' or ')}?` : 'see `recon partners list` for the ids';
  throw new UsageError(`--partner ${JSON.stringify(partner)}: no partner with this id is loaded; ${hint}`);
}

/** A count of đồng or days: a whole number, 0 or more (a minus sign, a fraction or a word are refused). */
/** A whole number from 0 to `max` (đồng: 10^15, what an amount may be, ingest_max_vnd; days: 10^6, far beyond any queue). */
function wholeNumber(v: string, flag: string, unit: string, max: bigint): bigint {
  if (!/^\d+$/.test(v.trim()) || BigInt(v.trim()) > max) throw new UsageError(`${flag} ${JSON.stringify(v)}: expected a whole number of ${unit}, from 0 to ${max}`);
  return BigInt(v.trim());
}

function buckets(rows: QueueRow[]): Array<{ aging: string; count: number; amount_vnd: bigint }> {
  return AGING_BUCKETS.map((aging) => {
    const inBucket = rows.filter((r) => r.aging === aging);
    return { aging, count: inBucket.length, amount_vnd: inBucket.reduce((n, r) => n + r.amount_vnd, 0n) };
  });
}

function formatQueue(asOf: string, rows: QueueRow[], limit: number, status: string): string {
  // With --status all, open and dismissed rows are listed together: each says which it is.
  const shown = rows.slice(0, limit).map((r) => ({
    payment: `${r.partner_id}:${r.txn_ref}`,
    ...(status === 'all' ? { status: r.status } : {}),
    reason: r.reason,
    amount_vnd: r.amount_vnd,
    age: r.age_days,
    aging: r.aging,
    suggested: r.suggested_invoice_no,
    file: r.file_name ? `${r.file_name}:${r.line_no}` : '',
    detail: r.detail,
  }));
  return [
    `${rows.length} ${status === 'all' ? 'open and dismissed ' : status === 'dismissed' ? 'dismissed ' : ''}exception(s) as of ${asOf}`,
    textTable(buckets(rows)),
    '',
    textTable(shown),
    rows.length > limit ? `… ${rows.length - limit} more (--limit, or --json for all)` : '',
  ].join('\n');
}
