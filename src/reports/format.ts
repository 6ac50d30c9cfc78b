// Number, money, percentage and date formats of the dashboard, per language:
// vi `1.234.567 ₫`, `99,72 %`, `28/02/2026`; en `1,234,567 VND`, `99.72%`, `2026-02-28`.
// Written out rather than left to Intl so the output is the same on every Node build (small-icu
// builds format vi-VN as en-US) and uses plain spaces exactly as specified.

export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];

interface NumberStyle {
  decimal: string;
  thousands: string;
  currency: string;
  percent: string;
  pointsSuffix: string;
}

const STYLES: Record<Lang, NumberStyle> = {
  vi: { decimal: ',', thousands: '.', currency: ' ₫', percent: ' %', pointsSuffix: ' điểm %' },
  en: { decimal: '.', thousands: ',', currency: ' VND', percent: '%', pointsSuffix: ' pp' },
};

const DASH = '—';
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A number with fixed decimals and the language's separators; `-` for negatives. */
export function formatNumber(n: number, lang: Lang, decimals = 0): string {
  const s = STYLES[lang];
  const [int, frac] = Math.abs(n).toFixed(decimals).split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, s.thousands);
  return `${n < 0 && Number(Math.abs(n).toFixed(decimals)) !== 0 ? '-' : ''}${grouped}${frac ? s.decimal + frac : ''}`;
}

/** Whole đồng: `1.234.567 ₫` / `1,234,567 VND`. */
export function formatMoney(vnd: number, lang: Lang): string {
  return `${formatNumber(vnd, lang)}${STYLES[lang].currency}`;
}

/** A ratio in [0, 1] as a percentage: `99,72 %` / `99.72%`; a dash when there is no denominator. */
export function formatPercent(r: number | null, lang: Lang, decimals = 2): string {
  return r === null ? DASH : `${formatNumber(r * 100, lang, decimals)}${STYLES[lang].percent}`;
}

/** A change of a ratio in percentage points, signed: `+0,12 điểm %` / `+0.12 pp`. */
export function formatPoints(delta: number, lang: Lang): string {
  const sign = Math.round(delta * 10_000) > 0 ? '+' : '';
  return `${sign}${formatNumber(delta * 100, lang, 2)}${STYLES[lang].pointsSuffix}`;
}

/** A count: `1.234` / `1,234`. */
export function formatCount(n: number | null, lang: Lang): string {
  return n === null ? DASH : formatNumber(n, lang);
}

/** A date YYYY-MM-DD: `28/02/2026` in Vietnamese, ISO in English. */
export function formatDate(iso: string, lang: Lang): string {
  if (lang === 'en') return iso;
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** A billing period YYYY-MM: `01/2026` / `Jan 2026`. */
export function formatPeriod(period: string, lang: Lang): string {
  const [y, m] = period.split('-') as [string, string];
  return lang === 'vi' ? `${m}/${y}` : `${MONTHS_EN[Number(m) - 1]} ${y}`;
}

/** d3-format locale for vega, so axis labels follow the same conventions. */
export function vegaNumberLocale(lang: Lang): Record<string, unknown> {
  const s = STYLES[lang];
  return { decimal: s.decimal, thousands: s.thousands, grouping: [3], currency: ['', s.currency], percent: s.percent };
}
