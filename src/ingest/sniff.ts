// `recon partners sniff`: guesses how a new partner's file is laid out and drafts a profile for a
// person to finish. Guessing is for onboarding only; production ingest never guesses.
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { fileName } from './recognise.ts';
import type ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { crc16CcittFalse } from '../db/functions.ts';
import { UsageError } from '../errors.ts';
import { AMOUNT_SPACES, MONTH_ABBREVIATIONS, dateFormatProblem, datePattern, dateTokens, wholeSecondsFormat } from './formats.ts';
import { envelopeRecordsPath, locateArray, sampleJsonRecords } from './json.ts';
import { INSTRUMENTS, type Encoding, type Instrument, type Kind } from './profile.ts';
import { splitEscaped } from './records.ts';
import { cellTextIn as cellText, notXlsx, readXlsxHeads, type SheetRow } from './xlsx.ts';

const SAMPLE_BYTES = 256 * 1024;

function guessEncoding(head: Buffer): Encoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i + 1 < Math.min(head.length, 4096); i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  if (oddZeros > 100 && oddZeros > evenZeros * 4) return 'utf-16le';
  if (evenZeros > 100 && evenZeros > oddZeros * 4) return 'utf-16be';
  // Cut at the last line break so a character split by the sample is not held against UTF-8.
  const cut = head.lastIndexOf(0x0a);
  return isUtf8(cut > 0 ? head.subarray(0, cut) : head) ? 'utf-8' : 'windows-1258';
}

// Date shapes a column may have, in the profile's own token language (formats.ts): each is tested
// with the same full-match regex ingest uses, plus a check that the day, month and time are real.
const DATE_PARTS = ['DD/MM/YYYY', 'DD-MM-YYYY', 'DD.MM.YYYY', 'YYYY/MM/DD', 'YYYYMMDD', 'DD-MMM-YYYY', 'DD-MMM-YY', 'DD/MM/YY'];
// The 12-hour clock (AM/PM, or SA/CH of vi-VN locales) and unpadded days, months and hours, as
// wallet and cash-chain exports write local times (5/10/2026 8:05:03 SA); a fraction of any length
// (08:30:00.5, .NET's and Java's), which a whole second may leave out (fitsDate).
const CLOCKS = ['HH:mm:ss', 'HH:mm:ss.S', 'HH:mm', 'hh:mm:ss A', 'hh:mm A', 'h:mm:ss A', 'h:mm A', 'H:mm:ss', 'H:mm'];
// Month first, as foreign gateways and US-locale exports write dates (10/27/2026 1:15:30 PM): after
// every day-first shape, so it is drafted only when a value cannot be day first (a "month" over 12).
const MONTH_FIRST = ['MM/DD/YYYY', 'M/D/YYYY'];
const DATE_FORMATS: string[] = [
  ...DATE_PARTS.flatMap((d) => [...CLOCKS.map((c) => `${d} ${c}`), d]),
  ...CLOCKS.map((c) => `D/M/YYYY ${c}`),
  'D/M/YYYY',
  ...MONTH_FIRST.flatMap((d) => [...CLOCKS.map((c) => `${d} ${c}`), d]),
  'YYYYMMDDHHmmss',
  // ISO 8601's basic format (no separators but the T), as some wallets and APIs write local times.
  'YYYYMMDDTHHmmss',
  // ISO 8601's date alone, before "ISO" (which would count it a timestamp): a date, joined to a time column.
  'YYYY-MM-DD',
  'ISO',
  // 13 digits in 2015–2040 as milliseconds: an API export's timestamps. (10-digit seconds are not
  // guessed: a column of 10-digit ids or amounts would fit them too.)
  'UNIX_MS',
];
const UNIX_MS_RANGE = [Date.UTC(2015, 0, 1), Date.UTC(2040, 0, 1)] as const;
const DATE_REGEX = new Map(DATE_FORMATS.map((f) => [f, new RegExp(datePattern(f).regex)]));
const TOKEN_RANGE: Record<string, [number, number]> = {
  YY: [0, 99], YYYY: [1900, 2100], MM: [1, 12], M: [1, 12], DD: [1, 31], D: [1, 31], HH: [0, 23], H: [0, 23], hh: [1, 12], h: [1, 12], mm: [0, 59], ss: [0, 59],
};

/** A format's tokens as capture groups in order (its literal text between them escaped), to read each token's value. */
function tokenRegex(format: string): RegExp {
  let re = '';
  let at = 0;
  for (const t of dateTokens(format)) {
    re += format.slice(at, t.start).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    re += `(${datePattern(t.token).regex.slice(1, -1)})`;
    at = t.end;
  }
  return new RegExp(`^${re}${format.slice(at).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** Whether `value` has exactly the shape of `format` and plausible field values (an 8-digit amount is not a YYYYMMDD date). */
export function fitsDate(value: string, format: string): boolean {
  if (!(DATE_REGEX.get(format) ?? new RegExp(datePattern(format).regex)).test(value)) {
    // A time whose fraction of any length is left out (.NET's F) reads as the whole second under `…ss.S`.
    const whole = wholeSecondsFormat(format);
    return whole !== null && fitsDate(value, whole);
  }
  if (format === 'UNIX_MS') return Number(value) >= UNIX_MS_RANGE[0] && Number(value) < UNIX_MS_RANGE[1];
  if (format === 'ISO') return TOKEN_RANGE.YYYY![0] <= Number(value.slice(0, 4)) && Number(value.slice(5, 7)) >= 1 && Number(value.slice(5, 7)) <= 12;
  // Each token's value, read by its capture group (unpadded tokens have no fixed position).
  const parts = tokenRegex(format).exec(value);
  if (!parts) return false;
  return dateTokens(format).every((t, k) => {
    const v = parts[k + 1]!;
    if (t.token === 'MMM') return MONTH_ABBREVIATIONS.some((m) => m.toLowerCase() === v.toLowerCase());
    const range = TOKEN_RANGE[t.token];
    return !range || (Number(v) >= range[0] && Number(v) <= range[1]);
  });
}

/**
 * The first date format every value fits, else the first at least 80 % fit, if any: a column of
 * 5/10/2026 and 15/10/2026 fits D/M/YYYY wholly, DD/MM/YYYY only in part.
 */
function guessDate(values: string[]): string | undefined {
  if (values.length === 0) return undefined;
  const fit = (f: string) => values.filter((s) => fitsDate(s, f)).length;
  return DATE_FORMATS.find((f) => fit(f) === values.length) ?? DATE_FORMATS.find((f) => fit(f) >= values.length * 0.8);
}

/**
 * The date format a column's name states, as exports write it in brackets after the name
 * (`Trans Date (MM/DD/YYYY)`, `Ngày GD (dd/mm/yyyy hh:mi:ss)`, `NGAY_GD_YYYYMMDD`), in the profile's
 * tokens; null when the name states none.
 */
export function statedDateFormat(name: string): string | null {
  const m = /(?<![a-z])([dmy]{1,4}([/.-]?)[dmy]{1,4}\2[dmy]{1,4})(?:[ T]+hh?(?:24)?([:.]?)(?:mi|mm|nn)(?:\3(ss))?)?(?![a-z])/i.exec(name);
  if (!m) return null;
  const runs = m[1]!.match(/d+|m+|y+|[/.-]/gi)!;
  const letters = runs.filter((r) => /[dmy]/i.test(r)).map((r) => r[0]!.toLowerCase());
  if (letters.length !== 3 || new Set(letters).size !== 3) return null;
  const date = runs
    .map((r) => {
      const c = r[0]!.toLowerCase();
      if (c === 'd') return r.length === 1 ? 'D' : 'DD';
      if (c === 'm') return r.length === 1 ? 'M' : 'MM';
      if (c === 'y') return r.length <= 2 ? 'YY' : 'YYYY';
      return r;
    })
    .join('');
  const sep = m[3] || ':';
  const out = m[0].length > m[1]!.length ? `${date} HH${sep}mm${m[4] ? `${sep}ss` : ''}` : date;
  return dateFormatProblem(out) === null ? out : null;
}

/** The stated format (with a clock after it, when it states none and the values carry one) that every value fits, if any. */
function statedFit(name: string, values: string[]): string | undefined {
  const stated = statedDateFormat(name);
  if (!stated || values.length === 0) return undefined;
  const candidates = stated.includes('HH') ? [stated] : [stated, ...CLOCKS.map((c) => `${stated} ${c}`)];
  return candidates.find((f) => values.every((v) => fitsDate(v, f)));
}

const TIME_FORMATS: Array<[RegExp, string]> = [
  [/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, 'HH:mm:ss'],
  [/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm'],
];

// A time written as six digits (073015), as host and counter systems write it beside a YYYYMMDD
// date: taken only from a column named as a time (Giờ, Thời gian, time, TG), since six digits are as
// often a branch, receipt or amount.
const HHMMSS = /^([01]\d|2[0-3])[0-5]\d[0-5]\d$/;
const TIME_NAME = /(^| )(gio|thoi gian|thoi diem|tg|time|hour)( |$)|time$/;

/** A time-of-day column (joined to a date column for paid_at). */
function guessTime(values: string[], name = ''): string | undefined {
  if (values.length === 0) return undefined;
  const found = TIME_FORMATS.find(([re]) => values.filter((s) => re.test(s)).length >= values.length * 0.8)?.[1];
  if (found) return found;
  // camelCase and snake_case names (transTime, GIO_GD) are split into words first.
  const words = foldName(name.replace(/([a-z])([A-Z])/g, '$1 $2'));
  return TIME_NAME.test(words) && values.every((s) => HHMMSS.test(s)) ? 'HHmmss' : undefined;
}

interface AmountGuess {
  grouping: string;
  decimal: string | null;
  /** Set when values carry a currency marker or a negative notation other than a leading minus. */
  currency?: true;
  negative?: 'parentheses' | 'trailing_minus' | 'cr_dr';
  allow_negative?: true;
}

const CURRENCY_MARK = /VNĐ|VND|đồng|₫|đ/giu;
/** A number followed by CR or DR (any case, spaces between allowed), as src/ingest/formats.ts reads `negative` `cr_dr`. */
const CR_DR_SUFFIX = /^([\d.,\s]*\d)\s*(?:CR|DR)$/i;

function guessAmount(values: string[]): AmountGuess | null {
  // A currency marker (VND 1,250,000; 350.000đ) and a negative in parentheses or with a trailing
  // minus are read as the amount format's currency and negative options, the number as before.
  const marked = values.map((s) => s.replace(CURRENCY_MARK, '').trim());
  const currency = marked.some((s, i) => s !== values[i] && /\d/.test(s));
  const paren = marked.some((s) => /^\(.*\d.*\)$/.test(s));
  // A sign after the number: 1.000- (also + there, as COBOL's SIGN TRAILING SEPARATE writes every amount).
  const trailing = !paren && marked.some((s) => /^[\d.,\s]*\d[-+]$/.test(s));
  // A host or English-language statement's suffix: 1,250,000.00 CR money in, 99,000.00 DR money out.
  const crDr = !paren && !trailing && marked.some((s) => CR_DR_SUFFIX.test(s));
  const bare = marked.map((s) =>
    paren && /^\(.*\)$/.test(s) ? s.slice(1, -1).trim() : trailing ? s.replace(/[-+]$/, '') : crDr ? s.replace(CR_DR_SUFFIX, '$1').trim() : s,
  );
  const format = guessNumber(bare);
  if (!format) return null;
  const negative = paren ? ('parentheses' as const) : trailing ? ('trailing_minus' as const) : crDr ? ('cr_dr' as const) : null;
  return {
    ...format,
    ...(currency ? { currency: true as const } : {}),
    ...(negative ? { negative, allow_negative: true as const } : {}),
  };
}

function guessNumber(values: string[]): { grouping: string; decimal: string | null } | null {
  const v = values.filter((s) => /^-?[\d.,\s]+$/.test(s) && /\d/.test(s));
  if (v.length === 0 || v.length < values.length * 0.8) return null;
  if (v.some((s) => /\d\.\d{3}(\.\d{3})*,\d+$/.test(s))) return { grouping: '.', decimal: ',' };
  if (v.some((s) => /\d,\d{3}(,\d{3})*\.\d+$/.test(s))) return { grouping: ',', decimal: '.' };
  if (v.some((s) => /^\d{1,3}(\.\d{3})+$/.test(s))) return { grouping: '.', decimal: null };
  if (v.some((s) => /^\d{1,3}(,\d{3})+$/.test(s))) return { grouping: ',', decimal: null };
  // Grouped with spaces, no-break (U+00A0) or thin spaces, as French-style locales and spreadsheets
  // write them (1 250 000, 1 234 567,00): grouping " ", which reads any of them.
  const space = `[${AMOUNT_SPACES}]`;
  if (v.some((s) => new RegExp(`^\\d{1,3}(${space}\\d{3})+,\\d+$`).test(s))) return { grouping: ' ', decimal: ',' };
  if (v.some((s) => new RegExp(`^\\d{1,3}(${space}\\d{3})+\\.\\d+$`).test(s))) return { grouping: ' ', decimal: '.' };
  if (v.some((s) => new RegExp(`^\\d{1,3}(${space}\\d{3})+$`).test(s))) return { grouping: ' ', decimal: null };
  // Plain digits with a fraction (1250000.00), as JSON exports and APIs write amounts.
  if (v.every((s) => /^-?\d+(\.\d+)?$/.test(s)) && v.some((s) => s.includes('.'))) return { grouping: '', decimal: '.' };
  if (v.every((s) => /^-?\d+$/.test(s))) return { grouping: '', decimal: null };
  return null;
}

/** Draft id: the leading tokens of the file name before the first all-digit one (`SMARTPAY_EVN_20260327.csv` → `smartpay-evn`). */
export function draftId(fileName: string): string {
  const stem = fileName.replace(/\.[^.]*$/, '');
  const tokens: string[] = [];
  for (const t of stem.split(/[^A-Za-z0-9]+/)) {
    if (t === '') continue;
    if (/^\d+$/.test(t)) break;
    tokens.push(t.toLowerCase());
  }
  return tokens.join('-') || 'new-partner';
}

/** File pattern: the date-like digit runs become `*`; digits inside a name (`IVB2`) stay, so `IVB2_*` does not also claim `IVB_*`. */
export function draftPattern(fileName: string): string {
  // A date written with separators (`27.10.2026`, `2026-10-27`) is one `*`.
  return fileName.replace(/(?<![A-Za-z0-9])\d{1,4}([.-])\d{1,2}\1\d{1,4}(?![A-Za-z0-9])|\d{4,}|(?<![A-Za-z0-9])\d+(?![A-Za-z0-9])/g, '*');
}

interface Column {
  name: string;
  /** Values as ingest will see them (trimmed, non-empty). */
  values: string[];
  /** Every row's value, empty ones included (row k of the sample is cells[k]). */
  cells: string[];
  date?: string;
  /** Set when `date` is the format the column's name states (`Trans Date (MM/DD/YYYY)`). */
  stated?: true;
  time?: string;
  amount: AmountGuess | null;
}

function describeColumns(names: string[], data: string[][]): Column[] {
  return names.map((name, i) => {
    const cells = data.map((r) => (r[i] ?? '').trim());
    const values = cells.filter((s) => s !== '');
    // A format the name states wins when every value fits it: `10/05/2026` under `(MM/DD/YYYY)` is
    // 5 October, though it could be day first.
    const stated = statedFit(name, values);
    const date = stated ?? guessDate(values);
    const time = date ? undefined : guessTime(values, name);
    const amount = date || time ? null : guessAmount(values);
    return { name, values, cells, date, ...(stated ? { stated: true as const } : {}), time, amount };
  });
}

const hasTime = (format: string): boolean => format === 'ISO' || format === 'UNIX_MS' || format.includes('HH');
/** A column name without accents, đ as d, in lower case, `_` `-` `.` as spaces: `Số GD`, `So GD` and `SO_GD` alike. */
const foldName = (name: string): string =>
  name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/[_\-.]+/g, ' ').replace(/\s+/g, ' ').trim();
// Names of a transaction id, accents or not: Mã GD, Số giao dịch, Số bút toán, Số tham chiếu, Số
// biên nhận / biên lai / phiếu / chứng từ (CT), Số trace, TRACE_NO, RRN, STAN, txn…, reference, receipt.
const TXN_REF_FOLDED = /(^| )(ma|so) ?(gd|giao dich|but toan|tham chieu|bien nhan|bien lai|phieu|chung tu|ct|ref|trace)( |$)|(^| )(trace|rrn|stan)( |$)|txn|trans.*(id|ref|no)|reference|receipt|^ref/;
const TXN_REF_NAME = { test: (name: string): boolean => TXN_REF_FOLDED.test(foldName(name)) };
const TRACE_NAME = /(^| )(stan|trace|trace no|so trace|system trace)( |$)/;
// The store, agent, post office or branch a slip number belongs to (its numbers restart per store).
const AGENT_NAME = /(^| )(ma |so )?(cua hang|dai ly|diem thu|diem giao dich|buu cuc|buu dien|chi nhanh|quay|agent|store|shop|office|branch|terminal|pos|merchant)( |$)|agent|store|shop/;
// A customer code (DOMAIN.md): a power corporation's two letters (PD, PE, PA, PH, PM, PN, PB, PK, PC,
// PP, PQ), then 9-11 letters and digits; a partner's own ids may start with P too (Payoo's PY…).
const CUSTOMER_CODE = /^P[ABCDEHKMNPQ][A-Z0-9]{9,11}$/i;
// A free-text column a partner writes the transfer's content in: Nội dung (chuyển khoản), Diễn
// giải, Ghi chú, Mô tả, memo, description, narrative, remark, note, content, details.
const MEMO_NAME = /(^| )(noi dung|dien giai|ghi chu|mo ta|memo|description|desc|narrative|remarks?|notes?|content|details?|purpose|addinfo|add info)( |$)/;
const BALANCE_NAME = /số dư|balance/i;
// A gateway's or agent's fee, commission or tax, and the net the utility receives after it
// (Phí, Hoa hồng, Chiết khấu, Thuế, Thực nhận, Net amount): never what the customer paid.
const FEE_OR_NET_NAME = /(^| )(phi|fee|fees|charge|commission|hoa hong|chiet khau|thue|vat|tax|thuc nhan|thuc thu|con lai|net|sau phi|after fee)( |$)/;
// A report's row number (STT, số thứ tự, No., #): it restarts in every file, so it is no payment's id.
const ROW_NUMBER_NAME = /^(stt|tt|so tt|so thu tu|thu tu|no|#|seq|row|row no|line|line no|sr no|s no)$/;
/** A column numbering the rows: named so, or counting 1, 2, 3… down the sample. */
const isRowNumber = (c: Column): boolean =>
  ROW_NUMBER_NAME.test(foldName(c.name)) || (c.values.length >= 2 && c.values.length === c.cells.length && c.values.every((v, k) => v === String(k + 1)));
// A transaction's outcome (a gateway lists failed attempts too): Trạng thái, Tình trạng, Kết quả,
// Mã lỗi, Mã phản hồi, status, state, result, a switch's response code (RESP_CODE, Response).
const STATUS_NAME = /(^| )(trang thai|tinh trang|ket qua|ma loi|ma phan hoi|status|state|result|response|resp|rsp|response code|resp code|error code|return code|rc)( |$)/;
/** A code of one to three digits (ISO 8583's response code 00, 68; a gateway's 0/1): no amount of money. */
const NUMERIC_CODE = /^\d{1,3}$/;
// Leaves of a summary or an API envelope named as a record count, and as a sum.
const COUNT_KEY = /count|records|so_?luong|số lượng|total_?(txn|trans)/i;
const SUM_KEY = /amount|sum|total|tong|tiền|tien/i;
const keyRegex = (k: string) => ({ regex: `"${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*"?(\\d+)` });
const AMOUNT_NAME = /số tiền|tiền|amount|amt|credit|^có$/i;

/**
 * The side of a statement's debit/credit pair a column's name says it is (a unit in brackets
 * aside): `Nợ`/`Có`, `Ghi nợ`/`Ghi có`, `Số tiền ghi nợ`, `PS Nợ` (phát sinh), `Debit`/`Credit`,
 * `Debit amount`, `Dr`/`Cr`, `Withdrawal`/`Deposit`; null for anything else, such as the debited
 * account (`TK ghi nợ`) or an outstanding debt (`Dư nợ`).
 */
export function flowSide(name: string): 'debit' | 'credit' | null {
  const s = name
    .normalize('NFC')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/[:.]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*(vnd|vnđ)$/, '');
  const m =
    /^(?:số tiền |số tiền phát sinh |phát sinh |ps |tiền )?(?:ghi )?(nợ|có)$/.exec(s) ??
    /^(?:amount |số tiền )?(debit|credit|dr|cr|withdrawals?|deposits?)(?: amount)?$/.exec(s);
  if (!m) return null;
  return /^(nợ|debit|dr|withdrawal)/.test(m[1]!) ? 'debit' : 'credit';
}

/** Whether `value` holds a VietQR payload: from a `000201` to a `6304` and the CRC-16 that validates it (as rule 8 reads it). */
function holdsVietQr(value: string): boolean {
  for (let s = value.indexOf('000201'); s >= 0; s = value.indexOf('000201', s + 1)) {
    for (let e = value.indexOf('6304', s + 6); e >= 0; e = value.indexOf('6304', e + 1)) {
      const crc = value.slice(e + 4, e + 8);
      if (/^[0-9A-Fa-f]{4}$/.test(crc) && parseInt(crc, 16) === crc16CcittFalse(value.slice(s, e + 4))) return true;
    }
  }
  return false;
}

// Codes and labels partners write for a record's kind and a payment's instrument, folded (foldName):
// what each means. A column is drafted as fields.kind or fields.instrument only when every value of
// the sample is known here, since a code missing from the map makes its records unknown_code rejects.
const KIND_WORDS: Record<string, Kind> = {
  payment: 'payment', pay: 'payment', pmt: 'payment', credit: 'payment', cr: 'payment', c: 'payment', p: 'payment', sale: 'payment',
  // Outcomes of a gateway's status column whose other codes are reversals or refunds.
  success: 'payment', successful: 'payment', succeeded: 'payment', completed: 'payment', paid: 'payment', 'thanh cong': 'payment', 'da thanh toan': 'payment',
  refunded: 'refund', 'da hoan tien': 'refund', 'da huy': 'reversal',
  'thanh toan': 'payment', tt: 'payment', 'nop tien': 'payment', thu: 'payment', 'thu tien': 'payment', 'gach no': 'payment', normal: 'payment',
  reversal: 'reversal', reverse: 'reversal', reversed: 'reversal', rev: 'reversal', r: 'reversal', void: 'reversal', cancel: 'reversal', cancelled: 'reversal',
  huy: 'reversal', 'huy giao dich': 'reversal', 'huy gd': 'reversal', dao: 'reversal', 'dao giao dich': 'reversal', 'dao gd': 'reversal', 'dao but toan': 'reversal',
  refund: 'refund', rf: 'refund', rfd: 'refund', f: 'refund', hoan: 'refund', 'hoan tien': 'refund', 'hoan tra': 'refund', 'tra lai': 'refund', return: 'refund',
};
const INSTRUMENT_WORDS: Record<string, Instrument> = {
  qr: 'qr', vietqr: 'qr', qrcode: 'qr', 'qr code': 'qr', qrpay: 'qr', 'qr pay': 'qr', 'quet ma': 'qr',
  atm: 'card', card: 'card', the: 'card', pos: 'card', visa: 'card', mastercard: 'card', jcb: 'card', 'debit card': 'card', 'credit card': 'card', 'the atm': 'card', 'the noi dia': 'card',
  ibft: 'transfer', transfer: 'transfer', ck: 'transfer', 'chuyen khoan': 'transfer', ib: 'transfer', 'internet banking': 'transfer', ibanking: 'transfer',
  mb: 'transfer', mobile: 'transfer', 'mobile banking': 'transfer', mbanking: 'transfer', ebank: 'transfer', 'e banking': 'transfer', ebanking: 'transfer', online: 'transfer', unc: 'transfer', 'uy nhiem chi': 'transfer',
  autodebit: 'auto_debit', 'auto debit': 'auto_debit', auto: 'auto_debit', 'trich no tu dong': 'auto_debit', 'tu dong': 'auto_debit', recurring: 'auto_debit', unt: 'auto_debit', 'uy nhiem thu': 'auto_debit', 'direct debit': 'auto_debit',
  cash: 'cash', 'tien mat': 'cash', tm: 'cash', counter: 'cash', quay: 'cash', 'tai quay': 'cash', cod: 'cash',
  wallet: 'ewallet', ewallet: 'ewallet', 'e wallet': 'ewallet', vi: 'ewallet', 'vi dien tu': 'ewallet', momo: 'ewallet', zalopay: 'ewallet', 'vi momo': 'ewallet',
};
const KIND_NAME = /(^| )(loai|loai gd|loai giao dich|nghiep vu|kind|type|txn ?type|trans(action)? ?type|tran ?type|dr ?cr|d ?c)( |$)/;
const INSTRUMENT_NAME = /(^| )(kenh|kenh thanh toan|phuong thuc|phuong thuc thanh toan|hinh thuc|hinh thuc thanh toan|pttt|httt|channel|method|payment method|pay method|instrument|source|nguon)( |$)/;
/**
 * A column of a few short codes, filled in most records of the sample (a kind or instrument column;
 * an empty one takes the field's default, and a total row leaves it empty).
 */
const codeLike = (c: Column): boolean => {
  const distinct = new Set(c.values);
  return c.values.length >= 1 && c.values.length * 2 >= c.cells.length && distinct.size <= 12 && c.values.every((v) => v.length <= 24 && !/\d{4}/.test(v));
};
/** The map of every distinct value of `c` through `words` (folded), or null when one is not known. */
function mapCodes<T>(c: Column, words: Record<string, T>): Record<string, T> | null {
  const map: Record<string, T> = {};
  for (const v of new Set(c.values)) {
    const m = words[foldName(v)];
    if (m === undefined) return null;
    map[v] = m;
  }
  return map;
}

/** The fields a person would otherwise fill in first: txn_ref, paid_at (a date column, or a date + time pair), settled_on, amount. */
function draftFields(columns: Column[], rows: number): { fields: Record<string, unknown>; notes: string[] } {
  const notes: string[] = [];
  const named = columns.filter((c) => c.name !== '');
  const dates = named.filter((c) => c.date);
  // paid_at: a date with a time of day; else a date column joined with a time column; else any date.
  let paidAt: { column: string | string[]; format: string } | null = null;
  const stamped = dates.find((c) => hasTime(c.date!));
  if (stamped) paidAt = { column: stamped.name, format: stamped.date! };
  else if (dates.length > 0) {
    const d = dates[0]!;
    const at = columns.indexOf(d);
    const t = columns.slice(at + 1).find((c) => c.time && c.name !== '') ?? named.find((c) => c.time);
    paidAt = t ? { column: [d.name, t.name], format: `${d.date} ${t.time}` } : { column: d.name, format: d.date! };
    if (t) notes.push(`paid_at joins the date column ${JSON.stringify(d.name)} and the time column ${JSON.stringify(t.name)} (ingest joins them with a space)`);
  }
  const paidCols = paidAt ? (Array.isArray(paidAt.column) ? paidAt.column : [paidAt.column]) : [];
  const settled = paidAt && hasTime(paidAt.format) ? dates.find((c) => !paidCols.includes(c.name) && !hasTime(c.date!)) : undefined;
  if (settled) notes.push(`settled_on is the other date column ${JSON.stringify(settled.name)}: remove it if that is not the value/settlement date`);
  // A column named as a transaction id is never the amount, though its digits look like one
  // (`transId` 261005000123 beside an `amount` column whose sample holds a broken value). Nor is a
  // column of customer codes an id, whatever its name (a wallet's `reference_id` holding the bill's
  // code): a customer pays every month, and each later payment would be a duplicate of the first.
  const codes = (c: Column) => c.values.length > 0 && c.values.filter((v) => CUSTOMER_CODE.test(v)).length >= Math.max(1, c.values.length * 0.8);
  // A switch's trace number (STAN, Số trace: 6 digits cycling through 999999, unique per terminal
  // and day) is the id only when no other column is named as one (the retrieval reference, RRN).
  const namedIds = named.filter((c) => TXN_REF_NAME.test(c.name) && !AMOUNT_NAME.test(c.name) && !c.date && !codes(c));
  const refByName = namedIds.find((c) => !TRACE_NAME.test(foldName(c.name))) ?? namedIds[0];
  // A column of the payers' VietQR payloads (a QR collection file's `Chuỗi QR`) is memo, never an id.
  const qrCols = named.filter((c) => c !== refByName && c.values.length > 0 && c.values.filter(holdsVietQr).length >= c.values.length * 0.8);
  // A statement's running balance (Số dư, balance) is never the amount of a record.
  const moneyCols = named.filter((c) => c.amount && c !== refByName && !BALANCE_NAME.test(c.name) && !isRowNumber(c) && !STATUS_NAME.test(foldName(c.name.split('.').at(-1)!)));
  // A fee or the net after it is the amount only when no other column is one.
  const feeOrNet = moneyCols.filter((c) => FEE_OR_NET_NAME.test(foldName(c.name)));
  const amounts = moneyCols.length > feeOrNet.length ? moneyCols.filter((c) => !feeOrNet.includes(c)) : moneyCols;
  // A statement's pair of money-out and money-in columns (Nợ/Có, Ghi nợ/Ghi có, Debit/Credit) is
  // the amount as credit_column and debit_column; a side whose sample is empty still counts.
  const side = (s: 'debit' | 'credit') => named.find((c) => flowSide(c.name) === s && (c.amount || c.values.length === 0) && c !== refByName);
  const debitCol = side('debit');
  const creditCol = side('credit');
  const pair = debitCol && creditCol && (debitCol.amount || creditCol.amount) ? { debit: debitCol, credit: creditCol } : null;
  if (pair) {
    const d = pair.debit.amount;
    const c = pair.credit.amount;
    notes.push(
      `amount is the pair of credit column ${JSON.stringify(pair.credit.name)} (money in: a payment) and debit column ${JSON.stringify(pair.debit.name)} (money out: drafted as debit_kind "refund"; set "reversal" if the partner's debits cancel payments); a row with money in both is a bad_amount`,
    );
    if (c && d && JSON.stringify(c) !== JSON.stringify(d))
      notes.push(`the credit and debit columns look written differently (${JSON.stringify(c)} vs ${JSON.stringify(d)}); one format reads both: check`);
  }
  // An id is unique per payment; rows repeated whole are one record delivered twice, not two.
  const distinct = [...new Map(columns[0]?.cells.map((_, k) => [JSON.stringify(columns.map((c) => c.cells[k])), k]) ?? []).values()];
  // A reversal may carry its original's id (the identity is partner, id and kind): the kind a row's
  // kind-code columns give is part of what must be unique.
  const kindCodes = named.filter((c) => codeLike(c) && mapCodes(c, KIND_WORDS) !== null).map((c) => ({ c, map: mapCodes(c, KIND_WORDS)! }));
  const kindOf = (k: number) => kindCodes.map(({ c, map }) => map[c.cells[k]!] ?? '');
  const unique = (cs: Column[]) => new Set(distinct.map((k) => JSON.stringify([...cs.map((c) => c.cells[k]), ...kindOf(k)]))).size === distinct.length;
  const full = (c: Column) => distinct.every((k) => c.cells[k] !== '');
  // Unique where filled in, over the distinct rows (a row delivered twice holds its id twice).
  const uniqueFilled = (c: Column) => {
    const filled = distinct.filter((k) => c.cells[k] !== '').map((k) => JSON.stringify([c.cells[k], ...kindOf(k)]));
    return new Set(filled).size === filled.length;
  };
  // Unnamed, an amount is in every record: a column of digits filled in only some rows (the
  // original's reference of a reversal) is not it, though it comes last.
  const amountCol =
    [...amounts].reverse().find((c) => AMOUNT_NAME.test(c.name)) ??
    [...amounts].reverse().find((c) => c.amount!.grouping !== '') ??
    [...amounts].reverse().find((c) => c.amount && full(c)) ??
    [...amounts].reverse().find((c) => c.amount);
  if (amountCol && !pair && feeOrNet.length > 0 && !feeOrNet.includes(amountCol))
    notes.push(
      `amount is ${JSON.stringify(amountCol.name)}, what the customer paid; ${feeOrNet.map((c) => JSON.stringify(c.name)).join(', ')} ${feeOrNet.length > 1 ? 'look like' : 'looks like'} a fee or the amount net of it, which would leave every bill short by the fee`,
    );
  // A slip or receipt number that restarts per store or agent: neither column alone is unique in the
  // sample, together they are. Candidates hold no spaces (not a name or memo) and are no customer
  // code, date or the amount; the store goes first, as ingest joins the parts in order.
  // Nor is a transaction's outcome or kind part of its id: a gateway's failed attempt retried under
  // the same id (FAILED, then SUCCESS) is one payment, and the kind is already part of the identity.
  const outcomeOrKind = (c: Column) => STATUS_NAME.test(foldName(c.name.split('.').at(-1)!)) || KIND_NAME.test(foldName(c.name)) || (codeLike(c) && mapCodes(c, KIND_WORDS) !== null);
  const idLike = (c: Column) =>
    !isRowNumber(c) && !qrCols.includes(c) && !feeOrNet.includes(c) && !c.date && !c.time && c !== amountCol && c !== pair?.debit && c !== pair?.credit && !BALANCE_NAME.test(c.name) && !outcomeOrKind(c) && full(c) && c.values.every((v) => !/\s/.test(v) && !CUSTOMER_CODE.test(v));
  let composite: [Column, Column] | null = null;
  // Only when no id is evident alone: a column named as one and unique, or (none named) any unique one.
  const alone = refByName ? unique([refByName]) : named.some((c) => idLike(c) && unique([c]));
  if (distinct.length >= 2 && !alone) {
    const pool = named.filter((c) => idLike(c) && !unique([c]));
    const pairs = pool.flatMap((a, i) => pool.slice(i + 1).filter((b) => unique([a, b])).map((b) => [a, b] as [Column, Column]));
    const score = ([a, b]: [Column, Column]) =>
      (b === refByName || TXN_REF_NAME.test(b.name) ? 4 : 0) + (AGENT_NAME.test(foldName(a.name)) ? 2 : 0) + (columns.indexOf(b) === columns.indexOf(a) + 1 ? 1 : 0);
    composite = pairs.filter((p) => !refByName || p.includes(refByName)).sort((p, q) => score(q) - score(p))[0] ?? null;
  }
  if (composite) {
    const [a, b] = composite;
    notes.push(
      `txn_ref joins ${JSON.stringify(a.name)} and ${JSON.stringify(b.name)}: neither alone is unique in the sample (a slip or receipt number restarting per store, agent or office?), together they are; check that the partner's id is that pair`,
    );
  }
  const separator = composite ? (['-', '/', '|'].find((sep) => composite!.every((c) => c.values.every((v) => !v.includes(sep)))) ?? '|') : '-';
  const anyId = (c: Column) =>
    !isRowNumber(c) && !qrCols.includes(c) && !feeOrNet.includes(c) && !c.date && !c.time && c !== amountCol && c !== pair?.debit && c !== pair?.credit && c.values.length >= rows * 0.8 && uniqueFilled(c) && c.values.every((v) => !/\s/.test(v) && !CUSTOMER_CODE.test(v));
  // A column filled in some records only, each value another record's id in one column (a reversal's
  // or refund's original, `original_zp_trans_id`, `Số GD gốc`): reverses_txn_ref, and the column it
  // names is the partner's id, whichever column is named as one first (a merchant's own order id).
  const plainId = (c: Column) => !c.date && !c.time && !codes(c) && !qrCols.includes(c) && c.values.every((v) => !/\s/.test(v));
  const origin = composite
    ? undefined
    : named.flatMap((c) => {
        if (c.values.length === 0 || full(c) || c === amountCol || !plainId(c)) return [];
        const target = named.find((t) => t !== c && t !== amountCol && plainId(t) && full(t) && unique([t]) && c.values.every((v) => t.values.includes(v)));
        return target ? [{ column: c, target }] : [];
      })[0];
  if (origin)
    notes.push(
      `column ${JSON.stringify(origin.column.name)} names, in some records, the id another record has in ${JSON.stringify(origin.target.name)} (a reversal's or refund's original): drafted as reverses_txn_ref, and ${JSON.stringify(origin.target.name)} as txn_ref, the id it names`,
    );
  const refCol =
    origin?.target ??
    refByName ??
    named.find((c) => TXN_REF_NAME.test(c.name) && c !== amountCol && c !== pair?.debit && c !== pair?.credit && !c.date && !codes(c)) ??
    // Else a column unique in the sample that holds no spaces (a name or memo) and no customer codes
    // (a customer pays every month): with a letter in it, else digits that cannot be an amount,
    // zero-padded or longer than 15 (a receipt 000123, a core-banking reference of 16 digits).
    named.find((c) => anyId(c) && c.values.some((v) => /\D/.test(v))) ??
    named.find((c) => anyId(c) && c.values.every((v) => /^\d+$/.test(v)) && c.values.some((v) => /^0\d/.test(v) || v.length > 15)) ??
    // Else the first column, if it could be an id at all: not a row number, a date or time (payments
    // of the same second would be dropped as duplicates), the amount, customer codes or free text
    // (left TODO below).
    // It must not repeat (a store's code beside its slip numbers is no id: most records would be
    // duplicates).
    (named[0] && !isRowNumber(named[0]) && named[0] !== amountCol && plainId(named[0]) && uniqueFilled(named[0]) ? named[0] : undefined);
  if (refCol && !composite && distinct.length >= 2 && !uniqueFilled(refCol))
    notes.push(`txn_ref ${JSON.stringify(refCol.name)} repeats in the sample, and no second column makes it unique: a payment's id must be unique; check, or join the columns that make it so`);
  if (!refCol && !composite && named[0])
    notes.push(
      isRowNumber(named[0])
        ? `txn_ref is TODO: no column is named as the partner's transaction id, and ${JSON.stringify(named[0].name)} numbers the rows (it restarts in every file, so the next file's rows would be duplicates of this one's): ask the partner for its id column, or join the columns that identify a payment (e.g. agent and receipt number)`
        : `txn_ref is TODO: no column is named as the partner's transaction id, and none could be one (unique in the sample, not a date, time, amount, customer code or text with spaces; a time as the id would drop payments made in the same second as duplicates): ask the partner for its id column, or join the columns that identify a payment (e.g. agent and receipt number)`,
    );
  // The customer code: a column whose sampled values are (nearly) all code-shaped (a payment of
  // an unknown or mistyped code still counts); the memo: a free-text column named as one. Neither
  // is a column already drafted above.
  const taken = new Set<Column | undefined>([refCol, amountCol, pair?.debit, pair?.credit, origin?.column, ...(composite ?? [])]);
  const codeCol = named.find((c) => !taken.has(c) && codes(c));
  if (codeCol) notes.push(`customer_code is column ${JSON.stringify(codeCol.name)}: its values have the shape of customer codes (2 letters of a power corporation, 9-11 letters and digits)`);
  const memoCol = named.find((c) => c !== codeCol && !taken.has(c) && !c.date && !c.time && !c.amount && MEMO_NAME.test(foldName(c.name)));
  if (memoCol) notes.push(`memo is column ${JSON.stringify(memoCol.name)} (named as a transfer's content): matching reads customer codes and invoice references in it`);
  // Matching reads a payer's VietQR payload (its bill number, reference, purpose) from the memo: a
  // column of payloads joins it, after the transfer's text.
  const qrMemo = qrCols.filter((c) => c !== memoCol && c !== codeCol && !taken.has(c));
  if (qrMemo.length > 0)
    notes.push(
      `column(s) ${qrMemo.map((c) => JSON.stringify(c.name)).join(', ')} hold VietQR payloads (CRC valid): drafted as ${memoCol ? 'part of ' : ''}the memo, from which matching reads the customer code in the payload's bill number, reference or purpose`,
    );
  const memoCols = [...(memoCol ? [memoCol] : []), ...qrMemo];
  const statusCol = named.find(
    (c) => !taken.has(c) && c.values.length > 0 && !c.date && (!c.amount || c.values.every((v) => NUMERIC_CODE.test(v))) && STATUS_NAME.test(foldName(c.name.split('.').at(-1)!)),
  );
  // The record's kind: a column of short codes each of which says payment, reversal or refund
  // (C/R/F, Thanh toán/Hủy/Hoàn tiền), named as a type or not; with a column naming originals, the
  // codes of records that name one must all be reversals or refunds and the others payments.
  // A status column is one only when its codes are outcomes (SUCCESS, REVERSED), each naming a kind.
  const kinded = named.find((c) => {
    if (taken.has(c) || c.date || c.time || !codeLike(c)) return false;
    const map = mapCodes(c, KIND_WORDS);
    if (!map || new Set(Object.values(map)).size < (KIND_NAME.test(foldName(c.name)) && c !== statusCol ? 1 : 2)) return false;
    if (!origin) return KIND_NAME.test(foldName(c.name)) || Object.values(map).some((k) => k !== 'payment');
    return c.cells.every((v, k) => (origin.column.cells[k] === '') === (map[v] === 'payment'));
  });
  const kindMap = kinded ? mapCodes(kinded, KIND_WORDS)! : null;
  if (kinded)
    notes.push(
      `kind is column ${JSON.stringify(kinded.name)}: ${Object.entries(kindMap!).map(([v, k]) => `${JSON.stringify(v)} ${k}`).join(', ')}${origin ? ` (the records naming an original in ${JSON.stringify(origin.column.name)} are the ones not drafted as payment)` : ''}; a code the partner uses that the sample lacks makes its records unknown_code rejects: add it to the map`,
    );
  else if (origin) notes.push(`no column of the sample tells reversals from refunds by known codes: set fields.kind (a column and its map, or "default"), else the records naming an original load as payments`);
  if (statusCol && statusCol !== kinded) {
    const seen = [...new Set(statusCol.values)];
    notes.push(`column ${JSON.stringify(statusCol.name)} looks like each transaction's outcome (${seen.slice(0, 5).map((v) => JSON.stringify(v)).join(', ')}): if the file lists attempts that moved no money, set fields.status {"column":${JSON.stringify(statusCol.name)},"paid":[the completed one(s)]}, so the others are not_paid rejects instead of payments`);
  }
  // The instrument: a column of short codes each of which names one (QR, ATM, IBFT, UNT, Tiền mặt…).
  const instrumented = named.find((c) => {
    if (taken.has(c) || c === statusCol || c === kinded || c.date || c.time || !codeLike(c)) return false;
    const map = mapCodes(c, INSTRUMENT_WORDS);
    return map !== null && (INSTRUMENT_NAME.test(foldName(c.name)) || new Set(Object.values(map)).size >= 2);
  });
  const instrumentMap = instrumented ? mapCodes(instrumented, INSTRUMENT_WORDS)! : null;
  if (instrumented)
    notes.push(
      `instrument is column ${JSON.stringify(instrumented.name)}: ${Object.entries(instrumentMap!).map(([v, k]) => `${JSON.stringify(v)} ${k}`).join(', ')} (cashless share counts every instrument but cash); a code the sample lacks makes its records unknown_code rejects: add it to the map`,
    );
  else {
    const unknown = named.find((c) => !taken.has(c) && c !== statusCol && c !== kinded && INSTRUMENT_NAME.test(foldName(c.name)) && codeLike(c));
    if (unknown) notes.push(`column ${JSON.stringify(unknown.name)} looks like each payment's channel or method (${[...new Set(unknown.values)].slice(0, 6).map((v) => JSON.stringify(v)).join(', ')}): set fields.instrument {"column":${JSON.stringify(unknown.name)},"map":{code: one of ${INSTRUMENTS.join(', ')}}}, else every payment counts as default_instrument`);
  }
  return {
    fields: {
      txn_ref: composite ? { column: composite.map((c) => c.name), separator } : { column: refCol?.name ?? 'TODO' },
      paid_at: paidAt ?? { column: 'TODO', format: 'DD/MM/YYYY HH:mm:ss' },
      ...(settled ? { settled_on: { column: settled.name, format: settled.date } } : {}),
      amount: pair
        ? { credit_column: pair.credit.name, debit_column: pair.debit.name, format: pair.credit.amount ?? pair.debit.amount!, debit_kind: 'refund' }
        : { column: amountCol?.name ?? 'TODO', format: amountCol?.amount ?? { grouping: '', decimal: null } },
      ...(origin ? { reverses_txn_ref: { column: origin.column.name } } : {}),
      ...(codeCol ? { customer_code: { column: codeCol.name } } : {}),
      ...(memoCols.length > 0 ? { memo: { column: memoCols.length === 1 ? memoCols[0]!.name : memoCols.map((c) => c.name) } } : {}),
      // The store or agent of a composite id is the payment's collecting agent too.
      ...(composite && AGENT_NAME.test(foldName(composite[0].name)) ? { agent_id: { column: composite[0].name } } : {}),
      ...(kinded ? { kind: { column: kinded.name, map: kindMap } } : {}),
      ...(instrumented ? { instrument: { column: instrumented.name, map: instrumentMap } } : {}),
    },
    notes,
  };
}

const columnNote = (c: Column): string =>
  `${c.name || '(unnamed, empty)'}: ${c.date ? `date ${c.date}${c.stated ? ' (the format stated in its name)' : ''}` : c.time ? `time ${c.time}` : c.amount ? `amount grouping ${JSON.stringify(c.amount.grouping)} decimal ${JSON.stringify(c.amount.decimal)}${c.amount.currency ? ' with a currency marker' : ''}${c.amount.negative ? `, negatives ${c.amount.negative === 'parentheses' ? 'in parentheses' : c.amount.negative === 'cr_dr' ? 'marked DR (money in CR)' : 'with a trailing minus'} (allow_negative: a negative amount is a reversal)` : ''}` : 'text'} (e.g. ${JSON.stringify(c.values[0] ?? '')})`;

const TODO_NOTE = 'set name, channel_group and default_instrument (drafted as bank and transfer whatever the partner), check every guess, map customer_code / memo (where not drafted) / invoice_ref / kind / instrument, add a trailer if the file states totals, remove _notes';

/** The parts every draft shares. */
function draftBase(path: string): Record<string, unknown> {
  return {
    id: draftId(fileName(path)),
    name: 'TODO: partner name',
    channel_group: 'bank',
    default_instrument: 'transfer',
    file_patterns: [draftPattern(fileName(path))],
  };
}

/** An XLSX workbook is a zip archive: recognised by content, whatever the file is called. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2_MAGIC = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const XLSX_ROWS = 200;

/** Excel's number format of a date cell (`dd/mm/yyyy hh:mm:ss`) in the profile's tokens, or null when it has no such equivalent. */
export function formatFromNumFmt(numFmt: string | undefined): string | null {
  if (!numFmt) return null;
  const f = numFmt.split(';')[0]!.replace(/\[[^\]]*\]/g, '').replace(/AM\/PM|A\/P/gi, '').replace(/["\\]/g, '').trim();
  const toks = f.match(/y+|d+|m+|h+|s+|[^ydmhs]/gi) ?? [];
  const letter = (t: string | undefined): string => (t && /^[a-z]/i.test(t) ? t[0]!.toLowerCase() : '');
  let out = '';
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    const c = letter(t);
    if (c === 'y') out += 'YYYY';
    else if (c === 'd' && t.length <= 2) out += 'DD';
    else if (c === 'h' && t.length <= 2) out += 'HH';
    else if (c === 's' && t.length <= 2) out += 'ss';
    else if (c === 'm' && t.length <= 2) {
      // Excel's m is the month, or the minute right after an hour or before seconds.
      const prev = letter(toks.slice(0, k).reverse().find((x) => letter(x) !== ''));
      const next = letter(toks.slice(k + 1).find((x) => letter(x) !== ''));
      out += prev === 'h' || next === 's' ? 'mm' : 'MM';
    } else if (c !== '') return null;
    else out += t;
  }
  out = out.trim();
  if (!out.includes('YYYY') || !out.includes('MM') || !out.includes('DD')) return null;
  return dateFormatProblem(out) === null ? out : null;
}

/** A time of day stored as an Excel date (exceljs dates it 30 December 1899). */
const isExcelTime = (d: Date): boolean => d.getUTCFullYear() === 1899 && d.getUTCMonth() === 11 && d.getUTCDate() >= 30;
const emptyCell = (v: ExcelJS.CellValue): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const rowWidth = (r: SheetRow): number => {
  let n = r.values.length;
  while (n > 0 && emptyCell(r.values[n - 1]!)) n--;
  return n;
};
const TOTAL_ROW = /^\s*(tổng|total|cộng)/i;
/**
 * A preamble line stating a count or sum (folded: no accents, lower case): Tổng số giao dịch, Tổng
 * số tiền, Số lượng, Total, with a figure after it; not a name such as TỔNG CÔNG TY ĐIỆN LỰC (the
 * account holder beside an account number).
 */
const PREAMBLE_TOTAL = /(^| )(tong so|tong tien|tong cong(?! ty)|so luong|so giao dich|total|count)( |:)[^\d]{0,40}\d/;
/** How database exports write a SQL NULL into a text file. */
const NULL_WORDS = ['NULL', 'null', '(null)'];

/**
 * Draft for an XLSX workbook: the first rows of the sheet holding the table, as ingest's reader will
 * render them. With several sheets (a summary first, the transactions on the next), that is the one
 * with the most non-empty rows in the sample, the first tab on a tie; format.sheet then names it.
 */
async function sniffXlsx(path: string): Promise<Record<string, unknown>> {
  let heads: Awaited<ReturnType<typeof readXlsxHeads>>;
  try {
    heads = await readXlsxHeads(path, XLSX_ROWS);
  } catch (e) {
    throw new UsageError(`${path}: a zip archive but not a readable XLSX workbook (${e instanceof Error ? e.message : String(e)})`);
  }
  const filledRows = (h: (typeof heads)[number]) => h.rows.filter((r) => rowWidth(r) > 0).length;
  const head = heads.reduce<(typeof heads)[number] | null>((best, h) => (best === null || filledRows(h) > filledRows(best) ? h : best), null);
  if (!head || filledRows(head) === 0) throw new UsageError(`${path}: the workbook's sheets are empty; nothing to sniff`);
  const several = heads.length > 1;
  const rows = head.rows.filter((r) => rowWidth(r) > 0);
  const plain = (v: ExcelJS.CellValue): string => cellText(v, 'DD/MM/YYYY HH:mm:ss', null).normalize('NFC').trim();
  // The header is the first row with the modal number of cells; the rows above are the preamble.
  const widths = new Map<number, number>();
  for (const r of rows) if (rowWidth(r) > 1) widths.set(rowWidth(r), (widths.get(rowWidth(r)) ?? 0) + 1);
  const width = [...widths.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 1;
  let header = rows.find((r) => rowWidth(r) === width)!;
  const cellsOf = (r: SheetRow) => Array.from({ length: width }, (_, i) => plain(r.values[i] ?? null));
  // A two-row header (a group name merged across its columns above their own names, the others
  // merged down: `Số tiền (VND)` over `Ghi nợ` and `Ghi có`): two consecutive rows of names only,
  // the second filling a column the first leaves empty, or fewer than half the columns.
  const nameCells = (r: SheetRow) => cellsOf(r).filter((c) => c !== '');
  const onlyNames = (r: SheetRow) => nameCells(r).length > 0 && nameCells(r).every((c) => !/^-?[\d.,/: ]+$/.test(c) && !/\d{3}/.test(c));
  const twoRow = (top: SheetRow | undefined, sub: SheetRow | undefined): boolean => {
    if (!top || !sub || sub.number !== top.number + 1 || !onlyNames(top) || !onlyNames(sub) || nameCells(top).length * 2 < width) return false;
    const [t, b] = [cellsOf(top), cellsOf(sub)];
    return b.some((c, i) => c !== '' && t[i] === '') || nameCells(sub).length * 2 < width;
  };
  let subHeader: SheetRow | null = null;
  const before = rows[rows.indexOf(header) - 1];
  if (twoRow(before, header)) [header, subHeader] = [before!, header];
  else if (twoRow(header, rows[rows.indexOf(header) + 1])) subHeader = rows[rows.indexOf(header) + 1]!;
  let headerCells = cellsOf(header);
  const notes: string[] = [];
  if (subHeader) {
    // Each column is named by its own cell of the second row, else by the first row's; an empty
    // first-row cell belongs to the group merged from its left. A name the second row gives twice
    // (`Ngày` under two dates) is prefixed with its group's.
    const top = headerCells.map((c, i) => c || headerCells.slice(0, i).reverse().find((x) => x !== '') || '');
    const sub = cellsOf(subHeader);
    headerCells = sub.map((c, i) => (c === '' ? top[i]! : sub.filter((x) => x === c).length > 1 ? `${top[i]} ${c}`.trim() : c));
    notes.push(
      `rows ${header.number} and ${subHeader.number} are a two-row header (merged cells): the columns are named from both (a second-row name, else the first row's), so header is "none" and both rows are in the preamble; check the names`,
    );
  }
  const headerIsNames = isNameRow(headerCells);
  const lastHeader = subHeader ?? header;
  const after = rows.filter((r) => r.number > lastHeader.number);
  const totals = after.filter((r) => TOTAL_ROW.test(plain(r.values[0] ?? null)));
  const body = [...(headerIsNames ? [] : [header]), ...after.filter((r) => !totals.includes(r))];
  const names = headerIsNames ? headerCells : headerCells.map((_, i) => `col${i + 1}`);
  // Per column, the date format its date cells will be written in: the shape of its dates stored
  // as text if any (those cannot change), else the cell's Excel format, else a default.
  const data: string[][] = body.map(() => []);
  for (let i = 0; i < width; i++) {
    const cells = body.map((r) => r.values[i] ?? null);
    const dates = cells.flatMap((v, k) => (v instanceof Date && !isExcelTime(v) ? [{ v, fmt: body[k]!.numFmts[i] }] : []));
    const times = cells.filter((v) => v instanceof Date && isExcelTime(v)).length;
    let fmt = 'DD/MM/YYYY HH:mm:ss';
    if (dates.length > 0) {
      const texts = cells.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
      fmt =
        guessDate(texts) ??
        formatFromNumFmt(dates[0]!.fmt) ??
        (dates.some(({ v }) => v.getUTCHours() + v.getUTCMinutes() + v.getUTCSeconds() > 0) ? 'DD/MM/YYYY HH:mm:ss' : 'DD/MM/YYYY');
      const serials = cells.filter((v) => typeof v === 'number').length;
      if (serials > 0)
        notes.push(`${names[i] || `column ${i + 1}`}: ${serials} cell(s) hold a plain number (an Excel serial date without a date format?); ingest reads a number in a date column as an Excel serial date (days since 1899-12-30, README "XLSX cells"): check that these are dates and not counts or ids`);
    }
    // A column of Excel times of day is a time column: ingest gives each column of a joined paid_at
    // its part of the format (the date cell the date, the time cell the time), so it is sampled as
    // HH:mm:ss text and joined to the date column like a CSV's time column.
    const timeColumn = times > 0 && dates.length === 0;
    if (times > 0 && !timeColumn)
      notes.push(`${names[i] || `column ${i + 1}`}: ${times} cell(s) hold an Excel time of day among dates: left out of the guesses; check`);
    cells.forEach((v, k) => {
      // Plain numbers in a date or time column and times among dates are left out of the guesses (see the notes).
      const skip = ((dates.length > 0 || timeColumn) && typeof v === 'number') || (!timeColumn && v instanceof Date && isExcelTime(v));
      data[k]![i] = skip ? '' : cellText(v, timeColumn && v instanceof Date ? 'HH:mm:ss' : fmt, null).normalize('NFC');
    });
  }
  const columns = describeColumns(names, data);
  const drafted = draftFields(columns, data.length);
  if (totals.length > 0)
    notes.push(`row(s) ${totals.map((r) => r.number).join(', ')} look like a total row (${JSON.stringify(totals[0]!.values.map((v) => plain(v ?? null)).join(','))}): add a trailer (match, count, amount) or a skip pattern`);
  const preambleRows = subHeader ? subHeader.number : header.number - 1;
  return {
    ...draftBase(path),
    format: { type: 'xlsx', sheet: several ? head.sheet : 1 },
    ...(preambleRows > 0 ? { preamble: { lines: preambleRows } } : {}),
    header: headerIsNames && !subHeader ? { type: 'names' } : { type: 'none', columns: names },
    fields: drafted.fields,
    _notes: {
      guessed_from: several
        ? `XLSX workbook (zip content) of ${heads.length} sheets (${heads.map((h) => `${h.position} ${JSON.stringify(h.sheet)}: ${filledRows(h)}${h.rows.length >= XLSX_ROWS ? '+' : ''} rows`).join(', ')}): drafted from ${JSON.stringify(head.sheet)}, the one with the most rows, named in format.sheet; check it is the transactions' sheet`
        : `XLSX workbook (zip content), first sheet ${JSON.stringify(head.sheet)} (format.sheet 1; put its name instead if the partner's workbooks have several sheets), ${head.rows.length} rows`,
      columns: columns.map(columnNote),
      ...(drafted.notes.length + notes.length > 0 ? { fields: [...drafted.notes, ...notes] } : {}),
      ...amountDecimalsNote(drafted.fields, columns),
      todo: TODO_NOTE,
    },
  };
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string | undefined): boolean => c !== undefined && /\p{L}/u.test(c);

interface FixedLayout {
  columns: Array<{ name: string; start: number; width: number }>;
  recordTypes: { detail: string[]; header: string[]; trailer: string[] } | null;
  preambleLines: number;
  /** The detail lines' fields (sliced, trimmed, NFC). */
  data: string[][];
  notes: string[];
  /** The one length of every detail line, when they all have it (a padded file): format.record_length. */
  recordLength: number | null;
}

/**
 * Fixed-width layout of lines of (nearly) equal length: a column starts where every long line goes
 * from a space to a non-space or from a digit to a letter, and where a run of digits in every line
 * (a zero-padded number) ends at such a start. Positions are in characters of the decoded text
 * before NFC. Null when fewer than two long lines, or no boundary at all.
 */
function fixedLayout(raw: string): FixedLayout | null {
  // NUL padding (mainframe low-values) stands where spaces would: ingest trims fields of both.
  const all = raw.split('\n').map((l) => l.replace(/\r$/, '').replaceAll('\0', ' '));
  const nonBlank = all.map((text, index) => ({ text, index })).filter((l) => l.text.trim() !== '');
  // A line holding a tab (runs of spaces an editor turned into one) places no column: ingest rejects
  // it (column_count), so the layout is inferred without it.
  const tabbed = nonBlank.filter((l) => l.text.includes('\t'));
  const lines = nonBlank.filter((l) => !l.text.includes('\t'));
  const uniq = (ls: typeof lines) => [...new Set(ls.map((l) => l.text[0]!))];
  const nearlyEqual = (ls: typeof lines) => {
    const top = Math.max(0, ...ls.map((l) => l.text.length));
    return ls.filter((l) => l.text.length >= top * 0.85);
  };
  // Record types: the lines of the most frequent first letter (D…) are the details, of nearly equal
  // length; every other line starts with another letter and stands above the first detail or below
  // the last (H…, T…), whatever its length (a header padded longer than the details, a short trailer).
  const firsts = new Map<string, number>();
  for (const l of lines) firsts.set(l.text[0]!, (firsts.get(l.text[0]!) ?? 0) + 1);
  const type = [...firsts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const typedAll = lines.filter((l) => l.text[0] === type);
  // Detail lines cut short (a truncated record among many) are left out of the layout and noted;
  // two thirds of them at least must be of nearly equal length.
  const typedLong = nearlyEqual(typedAll);
  const cutShort = typedLong.length * 3 >= typedAll.length * 2 ? typedAll.filter((l) => !typedLong.includes(l)) : [];
  const typed = typedAll.filter((l) => !cutShort.includes(l));
  const others = lines.filter((l) => l.text[0] !== type);
  const [firstTyped, lastTyped] = [typed[0]?.index ?? 0, typed.at(-1)?.index ?? 0];
  const above = uniq(others.filter((l) => l.index < firstTyped));
  const below = uniq(others.filter((l) => l.index > lastTyped));
  const isTyped =
    isLetter(type) &&
    typed.length >= 2 &&
    typedAll.length >= lines.length * 0.5 &&
    others.length > 0 &&
    nearlyEqual(typed).length === typed.length &&
    others.every((l) => isLetter(l.text[0]) && (l.index < firstTyped || l.index > lastTyped || above.includes(l.text[0]!) || below.includes(l.text[0]!)));
  const notes: string[] = [];
  const long = isTyped ? typed : nearlyEqual(lines);
  if (isTyped && cutShort.length > 0)
    notes.push(`detail line(s) ${cutShort.map((l) => l.index + 1).join(', ')} are shorter than the others (${cutShort[0]!.text.length} characters, the others ${Math.max(...typed.map((l) => l.text.length))}): records cut short? left out of the layout; with format.record_length ingest rejects them`);
  if (tabbed.length > 0)
    notes.push(`line(s) ${tabbed.map((l) => l.index + 1).join(', ')} hold a tab (runs of spaces turned into one?): left out of the layout; ingest rejects them (column_count)`);
  const max = Math.max(0, ...long.map((l) => l.text.length));
  if (long.length < 2 || long.length < lines.length * 0.5) return null;
  const short = lines.filter((l) => !long.includes(l));
  let recordTypes: FixedLayout['recordTypes'] = null;
  if (isTyped) {
    recordTypes = { detail: [type], header: above, trailer: below };
    const prefix = typed[0]!.text.slice(0, 3);
    // A detail code other than the usual D, with the same letters after it on every line (`LPB…`).
    if (type !== 'D' && /^\p{L}{3}$/u.test(prefix) && typed.every((l) => l.text.startsWith(prefix)))
      notes.push(`every detail line starts with "${prefix}": if that begins an id (a bank's reference prefix) rather than a record type "${type}", remove record_types and the record_type column`);
    const longer = others.filter((l) => l.text.length > max);
    if (longer.length > 0) notes.push(`the ${uniq(longer).join(', ')} line(s) are longer than the detail lines (${longer[0]!.text.length} characters, the details ${max}): the layout is inferred from the detail lines only`);
    if (recordTypes.trailer.length > 0)
      notes.push(`lines starting with ${recordTypes.trailer.join(', ')} look like a trailer (${JSON.stringify(others.at(-1)!.text.trim())}): add trailer.count / trailer.amount ({"field": N} counts whitespace-separated words; a trailer of figures run together needs {"regex": …})`);
  }
  const preambleLines = recordTypes ? 0 : long[0]!.index;
  const shortBelow = recordTypes ? [] : short.filter((l) => l.index > long[0]!.index);
  if (shortBelow.length > 0)
    notes.push(`line(s) ${shortBelow.map((l) => l.index + 1).join(', ')} are shorter than the others: a trailer, a skip pattern, or truncated records? check`);
  const lengths = new Set(long.map((l) => l.text.length));
  if (lengths.size > 1)
    notes.push(`the long lines are ${Math.min(...lengths)} to ${max} characters long (padded here to ${max}): a truncated record or unpadded last column? check`);
  const padded = long.map((l) => l.text.padEnd(max));
  const starts = new Set<number>([0]);
  if (recordTypes) starts.add(1);
  for (let p = 1; p < max; p++) {
    if (padded.every((l) => (l[p - 1] === ' ' && l[p] !== ' ') || (isDigit(l[p - 1]) && isLetter(l[p])))) starts.add(p);
    // After a gap blank in every line, where the first line goes on: a right-aligned number
    // (`   1,250,000` beside `     500,000`) starts at its widest value's first digit.
    else if (p >= 2 && padded.every((l) => l[p - 1] === ' ' && l[p - 2] === ' ') && padded.some((l) => l[p] !== ' ')) starts.add(p);
  }
  // A timestamp (or date) followed by more digits in every line: the digits after it are another column.
  for (const b of [...starts]) {
    for (const [fmt, w] of [['YYYYMMDDHHmmss', 14], ['YYYYMMDD', 8]] as const) {
      if (padded.every((l) => fitsDate(l.slice(b, b + w), fmt))) {
        if (padded.every((l) => isDigit(l[b + w]))) starts.add(b + w);
        break;
      }
    }
  }
  // A timestamp (or date) of this century run together with the digits before it, at one position
  // in every line (a core-banking record's id, date and time written without a gap): it starts a
  // column, and the digits after it start another.
  const sorted = [...starts].sort((a, b) => a - b);
  sorted.forEach((b, k) => {
    const next = sorted[k + 1] ?? max;
    for (let p = b + 1; p + 8 <= next; p++) {
      // After the digits of an id, which may begin with letters (`AGR2610270000001`).
      if (!padded.every((l) => isDigit(l[p - 1]))) continue;
      // In every line but a few (a record's impossible date is its own bad_date reject), all digits there.
      const hit = ([['YYYYMMDDHHmmss', 14], ['YYYYMMDD', 8]] as const).find(
        ([f, w]) => p + w <= next && padded.every((l) => /^\d+$/.test(l.slice(p, p + w))) && padded.filter((l) => l.startsWith('20', p) && fitsDate(l.slice(p, p + w), f)).length >= padded.length * 0.8,
      );
      if (hit) {
        starts.add(p);
        if (p + hit[1] < next && padded.every((l) => isDigit(l[p + hit[1]]))) starts.add(p + hit[1]);
        break;
      }
    }
  });
  for (const end of [...starts, max].sort((a, b) => a - b)) {
    let p = end;
    while (p > 0 && padded.every((l) => isDigit(l[p - 1]))) p--;
    const prev = Math.max(...[...starts].filter((b) => b < end));
    // Letters the same in every line right before the digits are an id's prefix (`AGR2610270000001`),
    // not a column; a power corporation's two (`PE01000123456`) begin a customer code, split as before.
    const prefix = padded[0]!.slice(prev, p);
    const idPrefix = /^\p{L}+$/u.test(prefix) && !/^P[A-Z]$/.test(prefix) && padded.every((l) => l.slice(prev, p) === prefix);
    if (end - p >= 4 && p > prev && !idPrefix) starts.add(p);
  }
  const bounds = [...starts].sort((a, b) => a - b);
  if (bounds.length < (recordTypes ? 3 : 2)) return null;
  const columns = bounds.map((b, k) => ({ name: recordTypes && k === 0 ? 'record_type' : `col${k + 1}`, start: b + 1, width: (bounds[k + 1] ?? max) - b }));
  const data = padded.map((l) => columns.map((c) => l.slice(c.start - 1, c.start - 1 + c.width).normalize('NFC').trim()));
  if (long.some((l) => l.text.normalize('NFC').length !== l.text.length))
    notes.push('some lines write Vietnamese tones as combining marks: positions here count the characters as written, as ingest does (it cuts first, then normalises each field)');
  return { columns, recordTypes, preambleLines, data, notes, recordLength: lengths.size === 1 ? max : null };
}

/**
 * The layout of a UTF-8 fixed-width file padded to byte widths (COBOL PIC X(n), C buffers): its
 * non-blank lines have fewer lengths in bytes than in characters (an accented name takes more bytes
 * than characters, and the padding makes up for it in bytes). Positions are then inferred on the
 * bytes and each field decoded after cutting. Null when the file does not look so.
 */
function byteWidths(head: Buffer, raw: string): FixedLayout | null {
  const bytes = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
  const cut = bytes.lastIndexOf(0x0a);
  const text = (cut > 0 && head.length === SAMPLE_BYTES ? bytes.subarray(0, cut) : bytes).toString('latin1');
  const lengths = (t: string, len: (l: string) => number) => new Set(t.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').map(len));
  const inBytes = lengths(text, (l) => l.length);
  const inChars = lengths(raw, (l) => [...l].length);
  if (inBytes.size >= inChars.size || Math.max(...inBytes) <= 0) return null;
  const layout = fixedLayout(text);
  if (!layout) return null;
  const utf8 = (v: string) => Buffer.from(v, 'latin1').toString('utf8').normalize('NFC');
  return {
    ...layout,
    data: layout.data.map((r) => r.map(utf8)),
    notes: [...layout.notes, `the lines have ${[...inBytes].join(', ')} bytes but ${[...inChars].join(', ')} characters: fields are padded to sizes in bytes, so format.width_unit is "bytes" and positions count bytes`],
  };
}

/** A draft partner profile for `path`, with the guesses spelled out in `_notes`. */
export async function sniffFile(path: string): Promise<Record<string, unknown>> {
  let head: Buffer;
  try {
    head = readFileSync(path).subarray(0, SAMPLE_BYTES);
  } catch {
    throw new UsageError(`${path}: cannot read the file`);
  }
  if (head.length === 0) throw new UsageError(`${path}: the file is empty; nothing to sniff`);
  // A workbook ingest cannot read (password-protected, .xls, .ods, a zip of other files): say what it is.
  if (head.subarray(0, 4).equals(ZIP_MAGIC) || head.subarray(0, 8).equals(OLE2_MAGIC)) {
    const other = notXlsx(path);
    if (other) throw new UsageError(`${path}: ${other}; nothing to sniff`);
    return sniffXlsx(path);
  }
  const encoding = guessEncoding(head);
  const decoderName = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  let raw = new TextDecoder(decoderName).decode(head);
  if (raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
  const cut = raw.lastIndexOf('\n');
  if (cut > 0 && head.length === SAMPLE_BYTES) raw = raw.slice(0, cut);
  // Excel's delimiter instruction (`sep=;`) on line 1 names the delimiter; ingest skips that line.
  const sepLine = /^"?sep=([,;\t|])"?[,;\t|]*\r?\n/i.exec(raw);
  if (sepLine) raw = raw.slice(sepLine[0].length);
  const text = raw.normalize('NFC');
  const json = sniffJson(path, text, encoding);
  if (json) return json;
  // papaparse's guess, unless another delimiter gives more lines of one field count (papaparse
  // gives up on a file whose preamble and trailer lines outnumber its records).
  let best = { delimiter: Papa.parse<string[]>(text, { delimitersToGuess: [',', ';', '\t', '|'], skipEmptyLines: false }).meta.delimiter, score: -1, rows: [] as string[][] };
  // A comma that only ever groups digits (`1,250,000` in a fixed-width line) is no delimiter.
  const commas = text.split(',').length - 1;
  const groupingOnly = commas > 0 && (text.match(/(?<=\d),(?=\d{3}(?!\d))/g) ?? []).length === commas;
  for (const d of sepLine ? [sepLine[1]!] : [best.delimiter, ',', ';', '\t', '|']) {
    if (d === ',' && groupingOnly && !sepLine) continue;
    const rows = Papa.parse<string[]>(text, { delimiter: d, skipEmptyLines: false }).data;
    const counts = new Map<number, number>();
    for (const r of rows) if (r.length > 1) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    const score = Math.max(0, ...counts.values());
    if (score > best.score) best = { delimiter: d, score, rows };
  }
  const { delimiter } = best;
  // Unquoted fields that escape the delimiter with a backslash, or write NULL as \N (MySQL's INTO
  // OUTFILE): read as ingest will, with format.escape and quote "".
  const escaped = backslashEscaped(text, delimiter);
  // Quoted fields that escape the quote with a backslash ("TT \"ky 10\", nha A"), as MySQL's ENCLOSED
  // BY '"' ESCAPED BY '\\' writes them, where CSV doubles it: read with format.escape "\\".
  const quotedEscape = escaped ? null : backslashQuoted(text, delimiter, best.score);
  const rows = quotedEscape ?? (escaped ? escapedRows(text, delimiter) : best.rows);
  const format = escaped
    ? { type: 'delimited', delimiter, quote: '', escape: '\\' }
    : quotedEscape ? { type: 'delimited', delimiter, quote: '"', escape: '\\' } : { type: 'delimited', delimiter, quote: '"' };
  const quotedEscapeNote = 'quoted fields write a quote inside them as \\" (and a backslash as \\\\), as MySQL\'s INTO OUTFILE … ENCLOSED BY \'"\' ESCAPED BY \'\\\\\' writes them, where CSV doubles the quote: drafted as escape "\\\\" (a backslash, as JSON writes it)';
  const escapedNote = `fields are not quoted and write ${escaped === 'delimiter' ? `a ${delimiter === '\t' ? 'tab' : JSON.stringify(delimiter)} inside a field as \\${delimiter === '\t' ? '⇥' : delimiter}` : 'NULL as \\N'}, as MySQL's SELECT … INTO OUTFILE writes them (ESCAPED BY '\\\\', no ENCLOSED BY): drafted as quote "" and escape "\\\\" (a backslash, as JSON writes it), which reads \\${delimiter === '\t' ? '⇥' : delimiter} as the delimiter's character, \\\\ as a backslash, a backslash before a line end as a line break in the field, and \\N as empty`;
  const guessedFrom = `${Math.min(head.length, SAMPLE_BYTES)} bytes, ${rows.length} lines`;
  // No delimiter splits most lines: fixed width (lines of nearly equal length), or say so. (A
  // delimited file with a long preamble or a trailer still has most of its lines split.)
  const nonBlank = rows.filter((r) => r.some((c) => c.trim() !== ''));
  const split = nonBlank.filter((r) => r.length > 1).length;
  const byteLayout = split < nonBlank.length * 0.5 && encoding.startsWith('utf-8') ? byteWidths(head, raw) : null;
  const layout = byteLayout ?? (split < nonBlank.length * 0.5 ? fixedLayout(raw) : null);
  // A delimiter found on one line only (a tab in one line of a fixed-width file) makes no table.
  if (layout || split === 0 || (split < nonBlank.length * 0.5 && best.score < 2)) {
    if (!layout) {
      return {
        ...draftBase(path),
        encoding,
        format: 'TODO: no delimiter splits most lines and the lines are not of (nearly) equal length, so neither a delimited nor a fixed-width layout could be inferred; write format by hand',
        header: { type: 'none', columns: ['TODO'] },
        fields: { txn_ref: { column: 'TODO' }, paid_at: { column: 'TODO', format: 'DD/MM/YYYY HH:mm:ss' }, amount: { column: 'TODO' } },
        _notes: { guessed_from: guessedFrom, todo: TODO_NOTE },
      };
    }
    const names = layout.columns.map((c) => c.name);
    const columns = describeColumns(names, layout.data);
    const drafted = draftFields(columns.filter((c) => c.name !== 'record_type'), layout.data.length);
    return {
      ...draftBase(path),
      encoding,
      // Every sample line padded to one length: a line cut short is then a reject, not a truncated last column.
      format: { type: 'fixed_width', ...(byteLayout ? { width_unit: 'bytes' } : {}), columns: layout.columns, ...(layout.recordLength ? { record_length: layout.recordLength } : {}) },
      ...(layout.preambleLines > 0 ? { preamble: { lines: layout.preambleLines } } : {}),
      header: { type: 'none', columns: names },
      ...(layout.recordTypes ? { record_types: layout.recordTypes } : {}),
      fields: drafted.fields,
      _notes: {
        guessed_from: `${guessedFrom}; fixed width`,
        check_positions: `column starts inferred from ${layout.data.length} lines of nearly equal length, where every line changes from space to non-space or from digit to letter, or a zero-padded number begins: CHECK THESE POSITIONS against the partner's layout (a text column that is full in every sample line, or two numbers side by side, hides a boundary); rename the columns`,
        columns: layout.columns.map((c, k) => `${c.start}-${c.start + c.width - 1}: ${columnNote(columns[k]!)}`),
        ...(drafted.notes.length + layout.notes.length > 0 ? { fields: [...drafted.notes, ...layout.notes] } : {}),
        ...(digitsOnlyAmount(drafted.fields) ? { amount_decimals: IMPLIED_DECIMALS_NOTE } : {}),
        todo: TODO_NOTE,
      },
    };
  }
  // The header is the first row with the modal number of fields; everything above is preamble.
  const widths = new Map<number, number>();
  for (const r of rows) if (r.length > 1) widths.set(r.length, (widths.get(r.length) ?? 0) + 1);
  const width = [...widths.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 1;
  const typed = delimitedRecordTypes(rows, width, delimiter);
  if (typed) {
    // Every line says its type in its first field: the detail lines are the data, the header and
    // trailer lines are read by record type (no preamble), whatever their number of fields.
    const names = Array.from({ length: width }, (_, i) => (i === 0 ? 'record_type' : `col${i + 1}`));
    const columns = describeColumns(names, typed.data);
    const { fields, notes } = draftFields(columns.filter((c) => c.name !== 'record_type'), typed.data.length);
    return {
      ...draftBase(path),
      encoding,
      format,
      header: { type: 'none', columns: names },
      record_types: typed.recordTypes,
      ...(typed.skip.length > 0 ? { skip: typed.skip } : {}),
      fields,
      _notes: {
        guessed_from: `${guessedFrom}; the first field of every line is its record type`,
        columns: columns.map(columnNote),
        fields: [...notes, ...typed.notes, ...(escaped ? [escapedNote] : []), ...(quotedEscape ? [quotedEscapeNote] : [])],
        ...amountDecimalsNote(fields, columns),
        todo: TODO_NOTE,
      },
    };
  }
  // Title rows a sheet padded with delimiters to the table's width (`SAO KÊ;;;;`) have that width
  // too, but mostly empty cells: the header is the first row of the width with at least half its cells filled.
  const filled = (r: string[]) => r.filter((c) => c.trim() !== '').length;
  const wide = (r: string[]) => r.length === width && filled(r) * 2 >= width;
  // A statement's preamble of label/value pairs padded to the width (`Số tài khoản:,0801…,Chi
  // nhánh:,…,,,`) fills half its cells too: the header is a row of names with rows of the width that
  // are not names below it (the records), the most filled such row (a label/value row of names only
  // fills fewer), then the one with the most records below it, then the first.
  const below = (i: number): number => {
    let n = 0;
    for (const r of rows.slice(i + 1)) {
      if (r.every((c) => c.trim() === '')) continue;
      if (!wide(r) || isNameRow(r)) break;
      n++;
    }
    return n;
  };
  const headed = rows.flatMap((r, i) => (wide(r) && isNameRow(r) && below(i) > 0 ? [{ i, filled: filled(r), records: below(i) }] : []));
  const likeliest = headed.sort((a, b) => b.filled - a.filled || b.records - a.records || a.i - b.i)[0];
  // The same names again lower down are a page break's repeated header: the first one is the header.
  const namesAt = likeliest ? rows.findIndex((r) => JSON.stringify(r.map((c) => c.trim())) === JSON.stringify(rows[likeliest.i]!.map((c) => c.trim()))) : -1;
  const full = namesAt >= 0 ? namesAt : rows.findIndex(wide);
  const headerIdx = Math.max(0, full >= 0 ? full : rows.findIndex((r) => r.length === width));
  const header = rows[headerIdx] ?? [];
  const headerIsNames = isNameRow(header);
  // A row whose every field is empty (`;;;;;`) is a blank line to ingest, not data; nor is the
  // header again (a printed report's page break: ingest skips it), a total row (`Tổng cộng`), or a
  // row filling fewer than half the columns (a page footer `Trang 1/2,,,`, a closing balance):
  // those are noted, for a trailer or a skip pattern.
  const headerKey = JSON.stringify(header.map((c) => c.trim()));
  const totalRows: string[][] = [];
  const sparseRows: string[][] = [];
  const longerRows: string[][] = [];
  const shorterRows: string[][] = [];
  const body = rows.slice(headerIdx + 1).filter((r) => {
    // A total row's label may stand in a later cell, the first (STT) left empty: `;Tổng cộng;;…`.
    if (TOTAL_ROW.test(r.find((c) => c.trim() !== '') ?? '') && r.length > 1) return void totalRows.push(r);
    if (r.length > width) return void longerRows.push(r);
    if (!r.some((c) => c.trim() !== '')) return false;
    // Fewer fields than the header: a trailer (`T|5|6.123.409`) or a closing line, which ingest
    // would reject (column_count) as a record.
    if (r.length < width) return void shorterRows.push(r);
    if (headerIsNames && JSON.stringify(r.map((c) => c.trim())) === headerKey) return false;
    if (filled(r) * 2 < width) return void sparseRows.push(r);
    return true;
  });
  const data = headerIsNames ? body : [header, ...body];
  const names = headerIsNames ? header.map((h) => h.trim()) : header.map((_, i) => `col${i + 1}`);
  const columns = describeColumns(names, data);
  const { fields, notes } = draftFields(columns, data.length);
  const rowText = (r: string[]) => JSON.stringify(r.join(delimiter));
  if (escaped) notes.push(escapedNote);
  if (quotedEscape) notes.push(quotedEscapeNote);
  if (totalRows.length > 0)
    notes.push(`${totalRows.length} row(s) look like a total row (${rowText(totalRows[0]!)}): add a trailer (match, and count and amount, or a statement's credit and debit) or a skip pattern`);
  if (sparseRows.length > 0)
    notes.push(`${sparseRows.length} row(s) below the header fill fewer than half the columns (${sparseRows.slice(0, 2).map(rowText).join(', ')}): a page footer or closing line? add a skip pattern (or a trailer if it states totals)`);
  if (shorterRows.length > 0)
    notes.push(
      `${shorterRows.length} row(s) below the header have fewer fields than its ${width} (${shorterRows.slice(-2).map(rowText).join(', ')}): a trailer stating the count and sum (add trailer.match and count / amount {"field": N}) or a closing line (add a skip pattern)? ingest rejects such a line as a record (column_count)`,
    );
  // Rows split into more fields than the header's: often a memo written unquoted while holding the
  // delimiter, which format.overflow_column reads whole; never drafted, as the cause may be another.
  if (longerRows.length > 0) {
    const memo = (fields.memo as { column?: unknown } | undefined)?.column;
    notes.push(
      `${longerRows.length} row(s) below the header have more fields than its ${width} (${rowText(longerRows[0]!)}): if a free-text column${typeof memo === 'string' ? ` (the memo, ${JSON.stringify(memo)}?)` : ''} holds the delimiter unquoted, set format.overflow_column to it, so such a record is read with its surplus fields joined back into that column; without it ingest rejects them (column_count)`,
    );
  }
  const preambleLines = rows.slice(0, headerIdx).length;
  // Totals a bank states above the header (`Tổng số giao dịch: 4`, `Tổng số tiền: 3.898.330,00`):
  // a trailer read from the preamble.
  const stated = rows.slice(0, headerIdx).flatMap((r, i) => {
    const line = r.filter((c) => c.trim() !== '').join(' ');
    return PREAMBLE_TOTAL.test(foldName(line)) ? [{ line: i + 1 + (sepLine ? 1 : 0), text: line }] : [];
  });
  if (stated.length > 0)
    notes.push(
      `preamble line(s) ${stated.map((l) => l.line).join(', ')} state${stated.length === 1 ? 's' : ''} totals (${stated.map((l) => JSON.stringify(l.text)).join(', ')}): if they are the file's count and sum, add a trailer {"in":"preamble","match":…,"count":{"regex":…},"amount":{"regex":…}} so the records are checked against them`,
    );
  // A database export's NULL written out (SSMS's NULL, Java's null): read as empty (null_values).
  const nullValues = [...new Set(data.flat().map((c) => c.trim()).filter((c) => NULL_WORDS.includes(c)))];
  if (nullValues.length > 0) notes.push(`fields hold ${nullValues.map((v) => JSON.stringify(v)).join(', ')}, a database export's empty value: drafted as null_values, so they read as empty; remove any that is a real value here`);
  return {
    ...draftBase(path),
    encoding,
    format,
    ...(preambleLines > 0 ? { preamble: { lines: preambleLines } } : {}),
    header: headerIsNames ? { type: 'names' } : { type: 'none', columns: names },
    ...(nullValues.length > 0 ? { null_values: nullValues } : {}),
    fields,
    _notes: {
      guessed_from: guessedFrom,
      columns: columns.map(columnNote),
      ...(notes.length > 0 ? { fields: notes } : {}),
      ...amountDecimalsNote(fields, columns),
      todo: TODO_NOTE,
    },
  };
}

/**
 * How a sample shows that its fields escape with a backslash and are not quoted, as MySQL's
 * SELECT … INTO OUTFILE writes them: a backslash before the delimiter, or a field that is \N
 * (NULL); no field starts with a quote. Null when it does not.
 */
function backslashEscaped(text: string, delimiter: string): 'delimiter' | 'null' | null {
  const d = delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`(^|${d})"`, 'm').test(text)) return null;
  if (new RegExp(`(^|[^\\\\])(\\\\\\\\)*\\\\${d}`).test(text)) return 'delimiter';
  return new RegExp(`(^|${d})\\\\N(${d}|\r?$)`, 'm').test(text) ? 'null' : null;
}

/**
 * A sample's rows read with a backslash escaping the quote inside quoted fields, when the sample
 * holds a backslash before a quote and that reading splits at least as many lines into one number
 * of fields as the CSV reading (`score`, the lines of the modal width) does; else null.
 */
function backslashQuoted(text: string, delimiter: string, score: number): string[][] | null {
  if (!/\\"/.test(text)) return null;
  const rows = Papa.parse<string[]>(text, { delimiter, quoteChar: '"', escapeChar: '\\', skipEmptyLines: false }).data;
  const counts = new Map<number, number>();
  for (const r of rows) if (r.length > 1) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  return Math.max(0, ...counts.values()) >= score ? rows : null;
}

/** A sample's rows as ingest reads them with escape "\\" and quote "": a line ending in an escaped line feed goes on, fields unescaped, NULL as empty. */
function escapedRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let record: string | null = null;
  for (const line of text.split('\n')) {
    record = record === null ? line : `${record}\n${line}`;
    if ((/(\\+)\r?$/.exec(record)?.[1]?.length ?? 0) % 2 === 1) continue;
    rows.push(splitEscaped(record.replace(/\r$/, ''), delimiter, '\\').map((f) => f ?? ''));
    record = null;
  }
  if (record !== null) rows.push(splitEscaped(record, delimiter, '\\').map((f) => f ?? ''));
  return rows;
}

/**
 * Record types of a delimited file (`H|…`, `D|…`, `T|…`): every non-blank line's first field is a
 * code of one or two capital letters (or, with a header and a trailer code, one or two digits);
 * the most frequent one, on at least two lines of the table's width, is the detail code, the others
 * stand above the first detail line (header codes) or below the last (trailer codes), a code of
 * either kind also between them (a batch header or subtotal). Null when the lines do not look so.
 */
function delimitedRecordTypes(rows: string[][], width: number, delimiter: string): { recordTypes: { detail: string[]; header: string[]; trailer: string[] }; skip: string[]; data: string[][]; notes: string[] } | null {
  const lines = rows.map((r, index) => ({ r, index, code: (r[0] ?? '').trim() })).filter((l) => l.r.some((c) => c.trim() !== ''));
  if (lines.length < 3 || width < 3) return null;
  const letters = lines.every((l) => /^[A-Z]{1,2}$/.test(l.code));
  if (!letters && !lines.every((l) => /^\d{1,2}$/.test(l.code))) return null;
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l.code, (counts.get(l.code) ?? 0) + 1);
  const detail = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const details = lines.filter((l) => l.code === detail);
  const others = lines.filter((l) => l.code !== detail);
  if (details.length < 2 || others.length === 0 || details.some((l) => l.r.length !== width)) return null;
  const first = details[0]!.index;
  const last = details.at(-1)!.index;
  const uniq = (ls: typeof lines) => [...new Set(ls.map((l) => l.code))];
  const header = uniq(others.filter((l) => l.index < first));
  const trailer = uniq(others.filter((l) => l.index > last));
  if (others.some((l) => l.index > first && l.index < last && !header.includes(l.code) && !trailer.includes(l.code))) return null;
  if (!letters && (header.length === 0 || trailer.length === 0)) return null;
  const notes: string[] = [];
  // A trailer code also between detail lines closes each batch of a file of several (`BT|001|2|…`
  // before the next `BH`, the file's own `FT` last): skipped, as a second trailer fails the file
  // (before, the draft listed it as a trailer code and failed every such file).
  const between = trailer.filter((c) => others.some((l) => l.code === c && l.index > first && l.index < last));
  const fileTrailer = trailer.filter((c) => !between.includes(c));
  const skip = between.map((c) => `^${c}${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  if (between.length > 0) notes.push(`lines starting with ${between.join(', ')} stand between records too (a batch's own trailer in a file of several batches): drafted as skip, not as a trailer`);
  const t = others.filter((l) => l.index > last && fileTrailer.includes(l.code)).at(-1);
  if (t)
    notes.push(`lines starting with ${fileTrailer.join(', ')} look like a trailer (${JSON.stringify(t.r.join(delimiter))}): add trailer.count / trailer.amount ({"field": N}, the N-th field of the trailer line)`);
  return { recordTypes: { detail: [detail], header, trailer: fileTrailer }, skip, data: details.map((l) => l.r), notes };
}

/**
 * Fixed-width money written as digits only: a mainframe layout may imply decimals (COBOL
 * PIC 9(13)V99), which nothing in the digits shows; loaded with the wrong setting every amount is
 * 100 times off, so the draft says to check.
 */
const IMPLIED_DECIMALS_NOTE =
  'the amount is digits only: check in the partner\'s layout whether its last digits are a fraction written without a separator (COBOL PIC 9(n)V99: 000000125000000 is 1.250.000,00 đ) and then set amount.format.implied_decimals (2); compare the first records and the trailer total with the partner\'s statement, since read without it every amount is 100 times too large';

/**
 * For any other file, the same hint, when the drafted amount column's digits only may imply
 * decimals: every sampled value ends in 00 (a fraction of zero), and the values are zero-padded to
 * one width, as a host or an ISO 8583 field writes money, or their median is 10.000.000 đồng or more,
 * large for an electricity bill (a bill ×100). Null when nothing suggests it: ordinary whole đồng.
 */
function impliedDecimalsHint(fields: Record<string, unknown>, columns: Column[]): string | null {
  if (!digitsOnlyAmount(fields)) return null;
  const name = (fields['amount'] as { column?: unknown }).column;
  const values = columns.find((c) => c.name === name)?.values.map((v) => v.replace(/^-/, '')) ?? [];
  if (values.length === 0 || !values.every((v) => /^\d+$/.test(v) && v.endsWith('00'))) return null;
  const padded = values.some((v) => /^0\d/.test(v)) && new Set(values.map((v) => v.length)).size === 1;
  const sorted = values.map(Number).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  if (!padded && median < 10_000_000) return null;
  return `the amount is digits only and every sampled value ends in 00, ${padded ? `zero-padded to ${values[0]!.length} digits as a host or an ISO 8583 field writes money` : `with a median of ${median} đồng, large for an electricity bill`}: ask the partner whether the last two digits are a fraction written without a separator (ISO 8583, COBOL PIC 9(n)V99: 000000125000000 is 1.250.000,00 đ); if so set amount.format.implied_decimals 2, since read without it every amount, and a trailer's sum alike, is 100 times too large and loads without a reject`;
}

const amountDecimalsNote = (fields: Record<string, unknown>, columns: Column[]): { amount_decimals?: string } => {
  const hint = impliedDecimalsHint(fields, columns);
  return hint ? { amount_decimals: hint } : {};
};

function digitsOnlyAmount(fields: Record<string, unknown>): boolean {
  const amount = fields['amount'] as { format?: { grouping?: string; decimal?: string | null } } | undefined;
  return amount?.format?.grouping === '' && (amount.format.decimal ?? null) === null;
}

/** A draft for a JSON export (an array of record objects, or one per line), fields by key path; null when the text is not that. */
function sniffJson(path: string, text: string, encoding: Encoding): Record<string, unknown> | null {
  const first = text.trimStart()[0];
  if (first !== '[' && first !== '{') return null;
  // An object first is one record per line (NDJSON), or an API envelope holding the array of records.
  const keyPath = first === '{' ? envelopeRecordsPath(text) : null;
  const at = keyPath === null ? null : locateArray(text, keyPath);
  const records = first === '[' || typeof at === 'number' ? 'array' : 'lines';
  const sampled = sampleJsonRecords(text, records, typeof at === 'number' ? keyPath! : []);
  const key = keyPath?.join('.');
  if (!sampled) return null;
  // One object per line: a first or last line sharing no key with the others is a summary of the
  // file's totals (`{"summary":{"count":3,"amount":2592300}}`), drafted as the trailer, not sampled
  // as a record (before, its `summary.amount` was drafted as the amount).
  const summary = records === 'lines' ? summaryLine(sampled) : typeof at === 'number' ? envelopeTotals(text, keyPath!, at, sampled.length) : null;
  const sample = summary?.record ? sampled.filter((r) => r !== summary.record) : sampled;
  const names = [...new Set(sample.flatMap((r) => [...r.keys()]))];
  const data = sample.map((r) => names.map((n) => r.get(n) ?? ''));
  const columns = describeColumns(names, data);
  const { fields, notes } = draftFields(columns, data.length);
  return {
    ...draftBase(path),
    encoding,
    format: { type: 'json', records, ...(typeof at === 'number' ? { path: key } : {}) },
    header: { type: 'names' },
    ...(summary ? { trailer: summary.trailer } : {}),
    fields,
    _notes: {
      guessed_from: `${sample.length} JSON records (${typeof at === 'number' ? `the array at key "${key}" of the file's object` : records === 'array' ? 'one array of objects' : 'one object per line'}); columns are key paths, nested keys joined with "."`,
      columns: columns.map(columnNote),
      ...(notes.length > 0 ? { fields: notes } : {}),
      ...(summary ? { trailer: summary.note } : {}),
      ...amountDecimalsNote(fields, columns),
      todo: summary ? TODO_NOTE.replace(', add a trailer if the file states totals', '') : TODO_NOTE,
    },
  };
}

/**
 * The summary line of a JSON Lines sample: its first or last object when it shares no key path
 * with the other objects (two at least), with a trailer drafted for it: `match` on its first key,
 * `count` / `amount` regexes on leaves named as a count and as a sum when it has them.
 */
function summaryLine(sample: Array<Map<string, string>>): { record: Map<string, string>; trailer: Record<string, unknown>; note: string } | null {
  if (sample.length < 3) return null;
  for (const record of [sample.at(-1)!, sample[0]!]) {
    const others = sample.filter((r) => r !== record);
    if ([...record.keys()].some((k) => others.some((r) => r.has(k)))) continue;
    const top = [...record.keys()][0]!.split('.')[0]!;
    // The key (last part of the path) of a whole-number leaf named as `re` says, other than `not`.
    const leaf = (re: RegExp, not?: string): string | undefined => {
      for (const [path, v] of record) {
        const k = path.split('.').at(-1)!;
        if (k !== not && re.test(k) && /^\d+$/.test(v)) return k;
      }
      return undefined;
    };
    const count = leaf(COUNT_KEY);
    const amount = leaf(SUM_KEY, count);
    const trailer = { match: `^\\{\\s*"${top.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, ...(count ? { count: keyRegex(count) } : {}), ...(amount ? { amount: keyRegex(amount) } : {}) };
    return {
      record,
      trailer,
      note: `the ${record === sample[0] ? 'first' : 'last'} line, keys ${[...record.keys()].join(', ')}, shares no key with the records: drafted as the trailer (a summary of the file's totals), check its count and amount regexes`,
    };
  }
  return null;
}

/**
 * Totals an API envelope states beside its array of records (`"totalCount":7,"totalAmount":4042300`):
 * the leaves outside the array named as a count and as a sum, drafted as trailer regexes. The whole
 * envelope when the sample holds the file, else the keys written before the array.
 */
function envelopeTotals(text: string, path: string[], at: number, records: number): { record?: undefined; trailer: Record<string, unknown>; note: string } | null {
  const found: Array<[string, string]> = [];
  try {
    const env = JSON.parse(text) as Record<string, unknown>;
    let holder: Record<string, unknown> = env;
    for (const k of path.slice(0, -1)) holder = holder[k] as Record<string, unknown>;
    delete holder[path.at(-1)!];
    const walk = (v: unknown, k: string): void => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [kk, vv] of Object.entries(v)) walk(vv, kk);
      else if (k !== '' && (typeof v === 'number' || typeof v === 'string')) found.push([k, String(v)]);
    };
    walk(env, '');
  } catch {
    for (const m of text.slice(0, at).matchAll(/"([^"\\]+)"\s*:\s*"?(\d+)"?\s*[,}]/g)) found.push([m[1]!, m[2]!]);
  }
  const whole = found.filter(([, v]) => /^\d+$/.test(v));
  let count = whole.find(([k]) => COUNT_KEY.test(k));
  let amount = whole.find(([k, v]) => k !== count?.[0] && SUM_KEY.test(k) && !(count === undefined && v === String(records)));
  // `"total":2` beside two records is their count.
  if (!count) count = whole.find(([k, v]) => SUM_KEY.test(k) && v === String(records) && k !== amount?.[0]);
  if (!count && !amount) return null;
  const trailer = { ...(count ? { count: keyRegex(count[0]) } : {}), ...(amount ? { amount: keyRegex(amount[0]) } : {}) };
  return {
    trailer,
    note: `the envelope states ${[count && `"${count[0]}": ${count[1]}`, amount && `"${amount[0]}": ${amount[1]}`].filter(Boolean).join(' and ')} beside the records: drafted as the trailer (count and amount regexes over the envelope without its array), check them`,
  };
}

/**
 * Whether a row names the columns: every cell is a non-numeric name, except empty cells at the end
 * (a header written with a trailing delimiter, `Mã GD;…;Nội dung;`, has an empty last cell).
 */
function isNameRow(cells: string[]): boolean {
  let end = cells.length;
  while (end > 0 && cells[end - 1]!.trim() === '') end--;
  if (end === 0) return false;
  // An unnamed column in between (Excel writes a header cell left empty as nothing) is allowed when
  // most columns are named; a number or a date is never a name.
  const named = cells.slice(0, end).filter((h) => h.trim() !== '');
  return named.length * 4 >= end * 3 && named.every((h) => !NOT_A_NAME.test(h.trim()) && !CUSTOMER_CODE.test(h.trim()));
}

/** A value no column is named: a number, a date or time (`27/03/2026`, `2026-03-28 09:00:00`), an escaped NULL (`\N`). */
const NOT_A_NAME = /^-?[\d.,/: -]+$|^\d{4}-\d\d-\d\d[T ]|^\\N$/;
