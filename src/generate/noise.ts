// Noise rates: how often each kind of mess occurs. Defaults are the "default noise" of the
// matching issue; `--noise FILE` overrides any of them with a JSON object of the same keys.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../errors.ts';

const rate = z.number().min(0).max(1);

export const noiseSchema = z
  .object({
    /** Share of payments quoting the invoice id (where the layout has an invoice column). */
    invoice_ref: rate.default(0.25),
    /** Share of those references written as e-invoice series + number (unique only within a PC) instead of the id. */
    invoice_ref_series: rate.default(0.3),
    /** Share of payments whose customer code is only in the free-text memo (code column empty). */
    memo_only: rate.default(0.06),
    /** Share of QR-instrument bank payments whose memo is the VietQR payload (code column empty). */
    vietqr_memo: rate.default(0.8),
    /** Customers with open arrears who pay arrears + current in one payment (else one payment each). */
    multi_invoice: rate.default(0.7),
    /** Customer-periods with an adjustment (second) invoice. */
    adjustment_invoice: rate.default(0.02),
    /** Customers starting with unpaid arrears from the period before the first. */
    initial_arrears: rate.default(0.005),
    /** Customer-periods paying part first and the rest later. */
    partial: rate.default(0.01),
    /** Customer-periods paying more than owed (last period: customer credit). */
    overpayment: rate.default(0.004),
    /** Customer-periods paying an invoice a second time through another channel (last period). */
    second_channel: rate.default(0.003),
    /** Payments whose row the partner writes twice (same transaction id). */
    duplicate_row: rate.default(0.002),
    /** Payments reversed later (then paid again). */
    reversal: rate.default(0.003),
    /** Over-payments the partner partly refunds, leaving the exact amount. */
    partial_refund: rate.default(0.002),
    /** Reversals naming a transaction the partner never sent (per customer-period). */
    orphan_reversal: rate.default(0.0003),
    /** Payments with a mistyped customer code (last period). */
    mistyped_code: rate.default(0.0015),
    /** Payments naming a customer that does not exist (per customer-period). */
    unknown_customer: rate.default(0.0005),
    /** Registered customers with no invoice yet who pay a deposit (no open invoice). */
    no_open_invoice: rate.default(0.2),
    /** Payment records written malformed (bad amount/date, missing field, column count, negative, unknown code). */
    malformed: rate.default(0.001),
    /** Customer-periods not paid at all in the window (arrears next period). */
    unpaid: rate.default(0.0012),
    /** Customer-periods paid only after the as-of date. */
    late: rate.default(0.001),
    /** Customers joining / leaving per period. */
    join: rate.default(0.002),
    leave: rate.default(0.002),
  })
  .strict();

export type Noise = z.infer<typeof noiseSchema>;

/** Default rates, optionally overridden by a JSON file. */
export function loadNoise(file?: string): Noise {
  if (!file) return noiseSchema.parse({});
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: cannot read noise settings: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = noiseSchema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(`${file}: invalid noise settings:\n  ${parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('\n  ')}`);
  }
  return parsed.data;
}
