// Number and date formats of a profile, turned into the patterns the SQL typing pass uses (and
// the same rules in JavaScript for the few values parsed outside SQL: trailer control values).
import type { AmountFormat } from './profile.ts';

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Currency markers an amount may carry when its format says `currency` (matched in any case). */
const CURRENCY = '(?:VNĐ|VND|đồng|đ|₫)';

/**
 * What a space is in an amount (grouping " ", the gap before a currency marker): the space, and the
 * no-break (U+00A0), thin (U+2009) and narrow no-break (U+202F) spaces spreadsheets and locale-aware
 * exports write there. They look alike on screen, so a profile cannot tell them apart.
 */
export const AMOUNT_SPACES = ' \u00a0\u2009\u202f';
const SPACE = `[${AMOUNT_SPACES}]`;

/**
 * Regex with four groups (sign or opening parenthesis, integer digits possibly grouped, fraction,
 * closing parenthesis or trailing minus) accepting exactly the profile's amount format: the
 * grouping separator only between groups of three digits, at most one decimal separator, the sign
 * where `negative` puts it, a currency marker only when `currency` allows one. `12,3a4` and
 * `1.234,5,6` do not match anything; an unbalanced parenthesis is refused by the value step
 * (ingest_amount_value, parseAmount).
 */
export function amountPattern(f: AmountFormat): string {
  const group = f.grouping === ' ' ? SPACE : escapeRe(f.grouping);
  const implied = f.implied_decimals ?? 0;
  // Implied decimals: the last digits are the fraction (no separator; grouping "" and decimal null).
  const int = implied > 0 ? '[0-9]+' : f.grouping ? `[0-9]{1,3}(?:${group}[0-9]{3})+|[0-9]+` : '[0-9]+';
  const frac = implied > 0 ? `([0-9]{${implied}})` : f.decimal ? `(?:${escapeRe(f.decimal)}([0-9]+))?` : '()';
  // trailing_minus: the sign after the number, `1.000-`, also `+` there (COBOL's SIGN TRAILING SEPARATE
  // writes every amount so: 0000001250000+); a leading + is allowed, two signs are not (amountSign).
  // cr_dr: a host or English statement's suffix, `1,250,000.00 CR` money in, `1,250,000.00 DR` money out
  // (any case, spaces before it or not, as padded host reports write it); an amount without one is positive,
  // a sign is refused.
  const [lead, trail] =
    f.negative === 'parentheses' ? ['\\(?', '\\)?'] : f.negative === 'trailing_minus' ? ['\\+?', '[-+]?'] : f.negative === 'cr_dr' ? ['', `(?:${SPACE}*(?:[Cc][Rr]|[Dd][Rr]))?`] : ['[-+]?', ''];
  if (!f.currency) return `^(${lead})(${int})${frac}(${trail})$`;
  // One marker may stand before the number and one after it, each outside or inside the sign or
  // parenthesis, as Excel's currency formats write them: `(150.000 ₫)`, `-₫150,000`, `VND (150.000)`.
  // The sign groups then hold the marker too; amountSign and ingest_amount_value look for the sign in them.
  const before = `${CURRENCY}${SPACE}?`;
  const after = `${SPACE}?${CURRENCY}`;
  return `(?i)^((?:${before})?${lead}|${lead}${before})(${int})${frac}(${trail}(?:${after})?|(?:${after})?${trail})$`;
}

/**
 * Whether the sign groups of amountPattern's match (which may hold a currency marker beside the
 * sign) say negative; null when a parenthesis is unbalanced or a sign stands on both sides (`+1.000-`).
 */
export function amountSign(open: string, close: string): 1 | -1 | null {
  if (open.includes('(') !== close.includes(')')) return null;
  if (open.includes('+') && (close.includes('+') || close.includes('-'))) return null;
  return open.includes('-') || open.includes('(') || close.includes('-') || /dr/i.test(close) ? -1 : 1;
}

/** Describes the expected amount format for messages, e.g. `an amount like 1.234.567 (grouping ".", decimal ",")`. */
export function describeAmountFormat(f: AmountFormat): string {
  const g = f.grouping;
  const example = g ? `1${g}234${g}567` : '1234567';
  const dec = f.decimal ? `${f.decimal}00` : '';
  const parts = [`grouping ${g ? JSON.stringify(g) : 'none'}`, f.decimal ? `decimal ${JSON.stringify(f.decimal)}, fraction zero (VND has no minor unit)` : 'no decimals'];
  if (f.negative === 'parentheses') parts.push('negatives in parentheses');
  if (f.negative === 'trailing_minus') parts.push('negatives with a trailing minus, a trailing + allowed');
  if (f.negative === 'cr_dr') parts.push('a CR (in) or DR (out) suffix');
  if (f.currency) parts.push('optionally VND/đ before or after');
  if ((f.implied_decimals ?? 0) > 0) {
    return `a whole amount in đồng whose last ${f.implied_decimals} digits are a zero fraction, like 1234567${'0'.repeat(f.implied_decimals)} for 1.234.567 đồng (implied_decimals ${f.implied_decimals}${parts.length > 2 ? `, ${parts.slice(2).join(', ')}` : ''})`;
  }
  return `a whole amount in đồng like ${example}${dec} (${parts.join(', ')})`;
}

/**
 * A lone dash (hyphen, en or em dash) where an amount stands is zero: Excel's Accounting format
 * shows 0 as `-` and a CSV saved from it writes that, as do statements leaving the unused side of
 * a credit/debit pair. It can never be read as a non-zero amount (sql/ingest/macros.sql ingest_dash).
 */
export const ZERO_DASHES = ['-', '\u2013', '\u2014'];

/** An amount as written in format `f`: its signed whole đồng and the digits of its fraction (null: it does not fit). */
function amountParts(text: string, f: AmountFormat): { value: bigint; fraction: string } | null {
  if (ZERO_DASHES.includes(text.trim())) return { value: 0n, fraction: '' };
  const re = amountPattern(f);
  const m = (re.startsWith('(?i)') ? new RegExp(re.slice(4), 'iu') : new RegExp(re, 'u')).exec(text.trim());
  if (!m) return null;
  const sign = amountSign(m[1]!, m[4]!);
  if (sign === null) return null;
  const v = BigInt(m[2]!.replace(/[^0-9]/g, ''));
  return { value: sign < 0 ? -v : v, fraction: m[3] ?? '' };
}

/** Parses one amount with the profile's format (signed), or returns null when it does not fit or has a non-zero fraction. */
export function parseAmount(text: string, f: AmountFormat): bigint | null {
  const p = amountParts(text, f);
  return p === null || /[1-9]/.test(p.fraction) ? null : p.value;
}

/**
 * A control total (trailer) with the profile's format: its whole đồng, or the fraction it carries
 * when that is not zero (VND has no minor unit), or null when it does not fit. Report generators
 * print a total with two decimals (`1.234.500,00`, `1234500.00`) although the records are written
 * whole, so where the format has no decimal separator, a fraction of one or two digits after the
 * separator that is not the grouping (either of `.` and `,` with grouping "" or " ") is read too.
 */
export function parseControlAmount(text: string, f: AmountFormat): { value: bigint } | { fraction: string } | null {
  const written = f.decimal === null && f.implied_decimals === 0 ? (['.', ','] as const).filter((d) => d !== f.grouping).map((d) => ({ ...f, decimal: d })) : [];
  for (const [g, most] of [[f, Infinity] as const, ...written.map((w) => [w, 2] as const)]) {
    const p = amountParts(text, g);
    if (p === null || p.fraction.length > most) continue;
    return /[1-9]/.test(p.fraction) ? { fraction: `${g.decimal ?? ''}${p.fraction}` } : { value: p.value };
  }
  return null;
}

export interface DatePattern {
  /** strptime format (unused for ISO 8601, which is cast). */
  strptime: string;
  /** Full-match regex on the text: strptime alone accepts too few digits. */
  regex: string;
  iso: boolean;
}

/** A calendar date and wall-clock time, as a partner writes it (no time zone). */
export interface DateParts { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number }

const pad2 = (n: number): string => String(n).padStart(2, '0');
/** English month abbreviations, as Oracle's DD-MON-YY and Excel's d-mmm-yy write them (read in any case). */
export const MONTH_ABBREVIATIONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const hour12 = (h: number): number => (h % 12 === 0 ? 12 : h % 12);

/**
 * The date-format tokens of profiles, longest first: [token, strptime, regex, how it is written].
 * Single letters are the unpadded forms (`D/M/YYYY H:mm` reads 5/3/2026 9:05); `MMM` the English
 * month abbreviation in any case (`DD-MMM-YY` reads Oracle's 01-MAR-26); `hh`/`h` with `A`
 * is the 12-hour clock (AM/PM, or SA/CH as Vietnamese locales write them; any case); `YY` is 2000 + the two digits.
 */
const TOKENS: ReadonlyArray<readonly [string, string, string, (p: DateParts) => string]> = [
  ['YYYY', '%Y', '[0-9]{4}', (p) => String(p.year)],
  ['YY', '%y', '[0-9]{2}', (p) => pad2(p.year % 100)],
  ['DD', '%d', '[0-9]{2}', (p) => pad2(p.day)],
  ['D', '%d', '[0-9]{1,2}', (p) => String(p.day)],
  ['MMM', '%b', '[A-Za-z]{3}', (p) => MONTH_ABBREVIATIONS[p.month - 1]!],
  ['MM', '%m', '[0-9]{2}', (p) => pad2(p.month)],
  ['M', '%m', '[0-9]{1,2}', (p) => String(p.month)],
  ['HH', '%H', '[0-9]{2}', (p) => pad2(p.hour)],
  ['H', '%H', '[0-9]{1,2}', (p) => String(p.hour)],
  ['hh', '%I', '[0-9]{2}', (p) => pad2(hour12(p.hour))],
  ['h', '%I', '[0-9]{1,2}', (p) => String(hour12(p.hour))],
  ['mm', '%M', '[0-9]{2}', (p) => pad2(p.minute)],
  ['ss', '%S', '[0-9]{2}', (p) => pad2(p.second)],
  ['SSSSSS', '%f', '[0-9]{6}', (p) => String(p.millisecond * 1000).padStart(6, '0')],
  ['SSS', '%g', '[0-9]{3}', (p) => String(p.millisecond).padStart(3, '0')],
  // A fraction of any length, 1 to 9 digits (read to the microsecond), as writers that leave out
  // trailing zeros put it: Java's Timestamp.toString() (`08:30:00.5`), .NET's `FFF`, SQL Server's datetime2(7).
  ['S', '%n', '[0-9]{1,9}', (p) => String(p.millisecond).padStart(3, '0').replace(/(?<=.)0+$/, '')],
  // AM/PM, or Vietnamese SA (sáng, morning) / CH (chiều, afternoon) as vi-VN exports write them.
  ['A', '%p', '(?:[AaPp][Mm]|[Ss][Aa]|[Cc][Hh])', (p) => (p.hour < 12 ? 'AM' : 'PM')],
];

/** One token of a date format, where it stands in the format, and whether it is part of the date (else of the time). */
export interface DateToken {
  token: string;
  start: number;
  end: number;
  date: boolean;
  /** Digits of a fixed count (`YYYY`, `DD`, `HH`…): a number written without separators can be cut by position. */
  fixedDigits: boolean;
}

type TokenEntry = (typeof TOKENS)[number];

/** Walks a format: each token with its table entry, or a literal character (entry undefined). */
function* scan(format: string): Generator<{ text: string; start: number; entry: TokenEntry | undefined }> {
  for (let i = 0; i < format.length; ) {
    const entry = TOKENS.find(([t]) => format.startsWith(t, i));
    const text = entry ? entry[0] : format[i]!;
    yield { text, start: i, entry };
    i += text.length;
  }
}

/** The tokens of a profile date format (not `ISO`), in order. */
export function dateTokens(format: string): DateToken[] {
  const out: DateToken[] = [];
  for (const { text, start, entry } of scan(format)) {
    if (entry) out.push({ token: text, start, end: start + text.length, date: /^[YMD]/.test(text), fixedDigits: /^\[0-9\]\{\d\}$/.test(entry[2]) });
  }
  return out;
}

/**
 * Unix time, as gateway and API exports write an instant: whole seconds since 1970-01-01 UTC (10
 * digits, an optional fraction of up to 6 digits) or milliseconds (13 digits). The digit counts
 * cover 2001-09-09 to 2286 and keep one read as the other from passing: seconds under UNIX_MS
 * would be a date in 1970, milliseconds under UNIX a date in the year 58,000.
 */
export const EPOCH_FORMATS: Readonly<Record<string, { strptime: string; regex: string; example: string }>> = {
  UNIX: { strptime: 'epoch_s', regex: '^[0-9]{10}(\\.[0-9]{1,6})?$', example: '1772327700 (Unix time in seconds)' },
  UNIX_MS: { strptime: 'epoch_ms', regex: '^[0-9]{13}$', example: '1772327700000 (Unix time in milliseconds)' },
};

/** Whether a profile date format is an instant (ISO with an offset may be one too; Unix time always is). */
export const isEpochFormat = (format: string): boolean => Object.hasOwn(EPOCH_FORMATS, format);

/** What a value of the format looks like, for reject messages. */
export function describeDateFormat(format: string): string {
  return EPOCH_FORMATS[format]?.example ?? format;
}

/** Why `format` is not a profile date format, or null when it is one. */
export function dateFormatProblem(format: string): string | null {
  if (format === 'ISO' || isEpochFormat(format)) return null;
  for (const { text, start, entry } of scan(format)) {
    if (!entry && !'/-.:, T'.includes(text)) {
      return `unknown token at ${JSON.stringify(format.slice(start))}: use D DD M MM MMM YY YYYY H HH h hh mm ss SSS SSSSSS S A, separators / - . : , space T, or "ISO", "UNIX", "UNIX_MS"`;
    }
  }
  const fraction = (format.match(/S+/g) ?? []).find((run) => ![1, 3, 6].includes(run.length));
  if (fraction) return `a fraction of a second is SSS (3 digits), SSSSSS (6) or S (any number of digits, 1 to 9), not ${fraction}`;
  const used = dateTokens(format).map((t) => t.token);
  const twelve = used.includes('h') || used.includes('hh');
  if (twelve !== used.includes('A')) return 'the 12-hour clock needs both h/hh and A (AM/PM); use H/HH for the 24-hour clock';
  if (!used.some((t) => t.startsWith('Y')) || !used.some((t) => t.startsWith('M')) || !used.some((t) => t.startsWith('D'))) return 'a date needs a year (YYYY or YY), a month (M or MM) and a day (D or DD)';
  return null;
}

/**
 * The date part of a date-time format (`DD/MM/YYYY` of `DD/MM/YYYY HH:mm:ss`, `YYYYMMDD` of
 * `YYYYMMDDHHmmss`): from its first date token to its last, when no time token stands between;
 * null for a format without a time (or ISO and Unix time). A value of just that shape is a date
 * whose time is missing, which the reject says.
 */
export function dateOnlyFormat(format: string): string | null {
  if (format === 'ISO' || isEpochFormat(format)) return null;
  const tokens = dateTokens(format);
  const dates = tokens.filter((t) => t.date);
  if (dates.length === tokens.length || dates.length === 0) return null;
  const [from, to] = [dates[0]!.start, dates[dates.length - 1]!.end];
  return tokens.some((t) => !t.date && t.start > from && t.end < to) ? null : format.slice(from, to);
}

/**
 * The format without its fraction of any length and the separator before it (`DD/MM/YYYY HH:mm:ss`
 * of `DD/MM/YYYY HH:mm:ss.S`), null when it has none: .NET's `F` specifiers leave out a zero
 * fraction together with its point (`10:15:00`), so such a value is the whole second.
 */
export function wholeSecondsFormat(format: string): string | null {
  if (format === 'ISO' || isEpochFormat(format)) return null;
  const t = dateTokens(format).find((d) => d.token === 'S');
  return t && t.start > 0 && '.,'.includes(format[t.start - 1]!) ? format.slice(0, t.start - 1) + format.slice(t.end) : null;
}

/** Writes `p` in a profile date format, or in a part of one (an XLSX cell holding a real date becomes the text the profile reads). */
export function formatDateParts(p: DateParts, format: string): string {
  if (format === 'ISO') return `${p.year}-${pad2(p.month)}-${pad2(p.day)}T${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
  let out = '';
  for (const { text, entry } of scan(format)) out += entry ? entry[3](p) : text;
  return out;
}

/** Translates a profile date format (`DD/MM/YYYY HH:mm:ss`, `YYYYMMDD`, `ISO`) to strptime and a regex. */
export function datePattern(format: string): DatePattern {
  const epoch = EPOCH_FORMATS[format];
  if (epoch) return { strptime: epoch.strptime, regex: epoch.regex, iso: false };
  if (format === 'ISO') {
    // The offset may follow a space, as Java's `yyyy-MM-dd HH:mm:ss Z` writes it (2026-10-05 08:30:00 +0700).
    // RFC 3339 allows a lower-case t and z (2026-10-05t08:30:00z). After an offset, a zone id in
    // brackets, as Java's ZonedDateTime.toString() writes it (…+07:00[Asia/Ho_Chi_Minh]): the offset
    // states the instant; the name is dropped (ingest_iso_cut).
    return { strptime: '%Y-%m-%d', regex: '^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?( ?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)(\\[[A-Za-z][A-Za-z0-9_+/-]*\\])?)?)?$', iso: true };
  }
  let strptime = '';
  let regex = '';
  for (const { text, entry } of scan(format)) {
    strptime += entry ? entry[1] : text === '%' ? '%%' : text;
    regex += entry ? entry[2] : escapeRe(text);
  }
  return { strptime, regex: `^${regex}$`, iso: false };
}
