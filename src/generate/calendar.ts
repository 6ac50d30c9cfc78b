// Calendar arithmetic in Asia/Ho_Chi_Minh wall-clock time. Instants are kept as "local seconds"
// (seconds since 1970-01-01 00:00 local); Vietnam has no DST, so UTC is always local - 7 h and
// ordering by local seconds is ordering by instant.

export const DAY = 86_400;
export const VN_OFFSET = 7 * 3600;

/** Day number (days since 1970-01-01) of a YYYY-MM-DD date. */
export function dayOf(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** The Date whose UTC fields show local time `sec`. */
function fields(sec: number): Date {
  return new Date(sec * 1000);
}

const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Local date parts of local seconds. */
export function parts(sec: number): { y: number; m: number; d: number; hh: number; mi: number; ss: number } {
  const f = fields(sec);
  return { y: f.getUTCFullYear(), m: f.getUTCMonth() + 1, d: f.getUTCDate(), hh: f.getUTCHours(), mi: f.getUTCMinutes(), ss: f.getUTCSeconds() };
}

const isoCache = new Map<number, string>();

/** YYYY-MM-DD of a day number (cached: a run touches only a few hundred days). */
export function isoDate(day: number): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = fields(day * DAY).toISOString().slice(0, 10);
    isoCache.set(day, s);
  }
  return s;
}

/**
 * Formats local seconds with tokens DD MM YYYY HH mm ss (the profile's date-format language), or
 * "ISO" (ISO 8601 with the +07:00 offset).
 */
export function formatTime(sec: number, format: string): string {
  const t = parts(sec);
  if (format === 'ISO') return `${t.y}-${p2(t.m)}-${p2(t.d)}T${p2(t.hh)}:${p2(t.mi)}:${p2(t.ss)}+07:00`;
  return format
    .replace('YYYY', String(t.y))
    .replace('MM', p2(t.m))
    .replace('DD', p2(t.d))
    .replace('HH', p2(t.hh))
    .replace('mm', p2(t.mi))
    .replace('ss', p2(t.ss));
}

/** What a reader of `format` gets back from formatTime(sec): a date-only format means 00:00 local. */
export function truncateTo(sec: number, format: string): number {
  if (format === 'ISO' || format.includes('ss')) return sec;
  if (format.includes('mm')) return sec - (sec % 60);
  return sec - (sec % DAY);
}

/** Period arithmetic on YYYY-MM strings. */
export function addMonths(period: string, k: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const idx = y * 12 + (m - 1) + k;
  return `${Math.floor(idx / 12)}-${p2((idx % 12) + 1)}`;
}

const periodCache = new Map<string, { first: number; days: number }>();

/** First day number of a period and its number of days. */
export function periodDays(period: string): { first: number; days: number } {
  let r = periodCache.get(period);
  if (!r) {
    const [y, m] = period.split('-').map(Number) as [number, number];
    const first = dayOf(y, m, 1);
    r = { first, days: dayOf(y, m + 1, 1) - first };
    periodCache.set(period, r);
  }
  return r;
}

/** The period (YYYY-MM) containing a day number. */
export function periodOfDay(day: number): string {
  return isoDate(day).slice(0, 7);
}

// Lunar New Year's day (Tết) by solar year; the holiday runs from the day before to 3 days after.
const TET: Record<number, string> = {
  2019: '2019-02-05', 2020: '2020-01-25', 2021: '2021-02-12', 2022: '2022-02-01', 2023: '2023-01-22', 2024: '2024-02-10',
  2025: '2025-01-29', 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13', 2030: '2030-02-03',
};

/** `f` with its results kept per day number (the calendar is asked about the same days millions of times). */
export function memoByDay<T>(f: (day: number) => T): (day: number) => T {
  const cache = new Map<number, T>();
  return (day) => {
    let v = cache.get(day);
    if (v === undefined) {
      v = f(day);
      cache.set(day, v);
    }
    return v;
  };
}


/** Saturdays, Sundays, Tết and the fixed public holidays (1/1, 30/4, 1/5, 2/9): no settlement. */
export const isBankHoliday: (day: number) => boolean = memoByDay(holiday);

function holiday(day: number): boolean {
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday (4)
  if (weekday === 0 || weekday === 6) return true;
  const iso = isoDate(day);
  const md = iso.slice(5);
  if (md === '01-01' || md === '04-30' || md === '05-01' || md === '09-02') return true;
  const tet = TET[Number(iso.slice(0, 4))];
  if (tet) {
    const [ty, tm, td] = tet.split('-').map(Number) as [number, number, number];
    const t = dayOf(ty, tm, td);
    if (day >= t - 1 && day <= t + 3) return true;
  }
  return false;
}

/** The settlement day: `lag` business days after the paid day (T+lag), skipping holidays. */
export function settleDay(paidDay: number, lag: number): number {
  let d = paidDay;
  while (isBankHoliday(d)) d++;
  for (let i = 0; i < lag; i++) {
    d++;
    while (isBankHoliday(d)) d++;
  }
  return d;
}
