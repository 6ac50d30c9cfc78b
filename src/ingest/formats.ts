// Number and date formats of a profile, turned into the patterns the SQL typing pass uses (and
// the same rules in JavaScript for the few values parsed outside SQL: trailer control values).
import type { AmountFormat } from './profile.ts';

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Currency markers an amount may carry when its format says `currency` (matched in any case). */
const CURRENCY = '(?:VNĐ|VND|đồng|đ|₫)';

/**
 * Regex with four groups (sign or opening parenthesis, integer digits possibly grouped, fraction,
 * closing parenthesis or trailing minus) accepting exactly the profile's amount format: the
 * grouping separator only between groups of three digits, at most one decimal separator, the sign
 * where `negative` puts it, a currency marker only when `currency` allows one. `12,3a4` and
 * `1.234,5,6` do not match anything; an unbalanced parenthesis is refused by the value step
 * (ingest_amount_value, parseAmount).
 */
export function amountPattern(f: AmountFormat): string {
  const int = f.grouping ? `[0-9]{1,3}(?:${escapeRe(f.grouping)}[0-9]{3})+|[0-9]+` : '[0-9]+';
  const frac = f.decimal ? `(?:${escapeRe(f.decimal)}([0-9]+))?` : '()';
  const [lead, trail] = f.negative === 'parentheses' ? ['\\(?', '\\)?'] : f.negative === 'trailing_minus' ? ['\\+?', '-?'] : ['[-+]?', ''];
  const number = `(${lead})(${int})${frac}(${trail})`;
  return f.currency ? `(?i)^(?:${CURRENCY} ?)?${number}(?: ?${CURRENCY})?$` : `^${number}$`;
}

/** Whether the groups of amountPattern's match say negative; null when a parenthesis is unbalanced. */
export function amountSign(open: string, close: string): 1 | -1 | null {
  if ((open === '(') !== (close === ')')) return null;
  return open === '-' || open === '(' || close === '-' ? -1 : 1;
}

/** Describes the expected amount format for messages, e.g. `an amount like 1.234.567 (grouping ".", decimal ",")`. */
export function describeAmountFormat(f: AmountFormat): string {
  const g = f.grouping;
  const example = g ? `1${g}234${g}567` : '1234567';
  const dec = f.decimal ? `${f.decimal}00` : '';
  const parts = [`grouping ${g ? JSON.stringify(g) : 'none'}`, f.decimal ? `decimal ${JSON.stringify(f.decimal)}, fraction zero (VND has no minor unit)` : 'no decimals'];
  if (f.negative === 'parentheses') parts.push('negatives in parentheses');
  if (f.negative === 'trailing_minus') parts.push('negatives with a trailing minus');
  if (f.currency) parts.push('optionally VND/đ before or after');
  return `a whole amount in đồng like ${example}${dec} (${parts.join(', ')})`;
}

/** Parses one amount with the profile's format (signed), or returns null when it does not fit. */
export function parseAmount(text: string, f: AmountFormat): bigint | null {
  const re = amountPattern(f);
  const m = (re.startsWith('(?i)') ? new RegExp(re.slice(4), 'iu') : new RegExp(re, 'u')).exec(text.trim());
  if (!m) return null;
  if (m[3] && /[1-9]/.test(m[3])) return null;
  const sign = amountSign(m[1]!, m[4]!);
  if (sign === null) return null;
  const v = BigInt(m[2]!.replaceAll(f.grouping || '\u0000', ''));
  return sign < 0 ? -v : v;
}

export interface DatePattern {
  /** strptime format (unused for ISO 8601, which is cast). */
  strptime: string;
  /** Full-match regex on the text: strptime alone accepts too few digits. */
  regex: string;
  iso: boolean;
}

const TOKENS: Array<[string, string, string]> = [
  ['YYYY', '%Y', '[0-9]{4}'],
  ['DD', '%d', '[0-9]{2}'],
  ['MM', '%m', '[0-9]{2}'],
  ['HH', '%H', '[0-9]{2}'],
  ['mm', '%M', '[0-9]{2}'],
  ['ss', '%S', '[0-9]{2}'],
];

/** Translates a profile date format (`DD/MM/YYYY HH:mm:ss`, `YYYYMMDD`, `ISO`) to strptime and a regex. */
export function datePattern(format: string): DatePattern {
  if (format === 'ISO') {
    return { strptime: '%Y-%m-%d', regex: '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$', iso: true };
  }
  let strptime = '';
  let regex = '';
  for (let i = 0; i < format.length; ) {
    const tok = TOKENS.find(([t]) => format.startsWith(t, i));
    if (tok) {
      strptime += tok[1];
      regex += tok[2];
      i += tok[0].length;
    } else {
      const ch = format[i]!;
      strptime += ch === '%' ? '%%' : ch;
      regex += escapeRe(ch);
      i++;
    }
  }
  return { strptime, regex: `^${regex}$`, iso: false };
}
