// Validation of option values shared by several commands; each failure is bad usage (exit 2).
import { UsageError } from '../errors.ts';

/** Validates a YYYY-MM period option. */
export function checkPeriod(p: string | undefined, flag = '--period'): void {
  if (p !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(p)) throw new UsageError(`${flag} ${JSON.stringify(p)}: expected YYYY-MM, e.g. 2026-10`);
}

/** Validates a YYYY-MM-DD option as a real calendar date (31/02 is refused). */
export function checkDate(d: string | undefined, flag = '--as-of'): void {
  if (d === undefined) return;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(d) ? new Date(`${d}T00:00:00Z`) : undefined;
  if (!t || Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== d) {
    throw new UsageError(`${flag} ${JSON.stringify(d)}: expected a date YYYY-MM-DD, e.g. 2026-11-30`);
  }
}
