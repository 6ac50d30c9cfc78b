// Billing layout: how the billing system writes its export (customers and invoices files), as a
// partner profile says how a partner writes its settlement files. Optional: without
// pipelines/billing.json (or --billing-layout FILE) the export is read in the built-in layout
// (customers.csv, invoices-YYYY-MM.csv, UTF-8, comma, the canonical column names). Validated once at
// the edge with zod; src/ingest/billing.ts trusts the typed object.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import { normaliseName } from './column-name.ts';
import { dateFormatProblem, dateTokens, isEpochFormat } from './formats.ts';
import { amountFormatSchema, controlValue, ENCODINGS, preambleSchema, regex } from './profile.ts';
import { parseJsonFile } from './profiles.ts';
import { fileName, globSource, globToRegExp } from './recognise.ts';

export const DEFAULT_BILLING_LAYOUT_FILE = join(PROJECT_ROOT, 'pipelines', 'billing.json');

/** Customer segments (customers.segment), as DOMAIN's billing knows them. */
export const SEGMENTS = ['residential', 'business', 'industrial', 'administrative'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** The placeholder an invoices file pattern holds where the file name writes its period. */
export const PERIOD_PLACEHOLDER = '{period}';

/** Lower-case y and d are Java's/.NET's tokens; profiles write the upper-case ones. */
function tokenHint(format: string): string {
  return /[yd]/.test(format) ? ` (tokens are upper-case as partner profiles write them: ${format.replace(/y/g, 'Y').replace(/d/g, 'D')})` : '';
}

/**
 * Why `format` cannot be a period format (a year and a month: `YYYY-MM`, `YYYYMM`, `MM/YYYY`,
 * `M/YYYY`), or null when it can.
 */
export function periodFormatProblem(format: string): string | null {
  const tokens = dateTokens(format);
  let literal = '';
  let at = 0;
  for (const t of tokens) {
    literal += format.slice(at, t.start);
    at = t.end;
  }
  literal += format.slice(at);
  const allowed = ['YYYY', 'MM', 'M'];
  const wrong = tokens.find((t) => !allowed.includes(t.token));
  const stray = [...literal].find((c) => !'/-._ '.includes(c));
  if (wrong || stray !== undefined) {
    return `${JSON.stringify(format)} is not a period format: use YYYY (the year), MM or M (the month) and separators / - . _ or space, e.g. "YYYY-MM", "YYYYMM", "MM/YYYY"${tokenHint(format)}`;
  }
  if (tokens.filter((t) => t.token === 'YYYY').length !== 1 || tokens.filter((t) => t.token.startsWith('M')).length !== 1) {
    return `${JSON.stringify(format)} is not a period format: it needs one year (YYYY) and one month (MM or M)`;
  }
  return null;
}

const periodFormat = z
  .string()
  .min(1)
  .superRefine((f, ctx) => {
    const problem = periodFormatProblem(f);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A date format in the tokens of partner profiles (src/ingest/formats.ts), a date or a date and time; not ISO or Unix time. */
const dateFormat = z
  .string()
  .min(1)
  .superRefine((f, ctx) => {
    const problem = f === 'ISO' || isEpochFormat(f) ? `${f} is for instants in partner files; write a billing date with the tokens, e.g. "YYYY-MM-DD" or "DD/MM/YYYY"` : dateFormatProblem(f);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem}${tokenHint(f)}` });
  });

/**
 * Lines of an export that are neither header nor record, as partner profiles say them: title lines
 * above the header (`preamble`: a count, or everything before the first line matching `until`),
 * and lines among the records to pass over (`skip`: regexes, e.g. a closing "Tổng cộng" line).
 */
const framing = {
  preamble: preambleSchema.optional(),
  skip: z.array(regex).default([]),
  /**
   * A closing total line (`match` finds it) stating the export's record count and/or amount sum,
   * checked as partner files' control totals are; an export that disagrees, or lacks the line, is
   * not imported (cut short, it would replace the period's invoices with part of them).
   */
  trailer: z
    .object({ match: regex, count: controlValue.optional(), amount: controlValue.optional() })
    .strict()
    .refine((t) => t.count !== undefined || t.amount !== undefined, 'a trailer states the record count, the amount sum or both: give count and/or amount, each {"field": N} or {"regex": "…"}')
    .optional(),
};

/** A header name, or null for a column the export does not have (the field is then empty). */
const column = z.string().trim().min(1);
const optionalColumn = column.nullable();

const customersSchema = z
  .object({
    /** Globs (`*`, `?`) matched case-insensitively against the file's base name. */
    file_patterns: z.array(z.string().min(1)).min(1).default(['customers.csv']),
    ...framing,
    /** Canonical field → the header name the export writes it under. PC and unit are derived from the code. */
    columns: z
      .object({
        customer_code: column.default('customer_code'),
        name: optionalColumn.default('name'),
        segment: optionalColumn.default('segment'),
      })
      .strict()
      .prefault({}),
    /** The export's segment codes (SH, KD, …) → segment; a code absent from the map is a reject. Without it the column holds the segment names. */
    segment_map: z.record(z.string().trim().min(1), z.enum(SEGMENTS)).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.segment_map !== undefined && c.columns.segment === null) ctx.addIssue({ code: 'custom', path: ['segment_map'], message: 'a segment_map needs the segment column (columns.segment is null)' });
    if (c.trailer?.amount !== undefined) ctx.addIssue({ code: 'custom', path: ['trailer', 'amount'], message: 'a customers export has no amounts: its trailer can state only the count' });
  });

const invoicesSchema = z
  .object({
    /** Globs (`*`, `?`), matched case-insensitively, each holding `{period}` once where the name writes the period (in file_period_format). */
    file_patterns: z
      .array(
        z
          .string()
          .min(1)
          .refine((p) => p.split(PERIOD_PLACEHOLDER).length === 2, `a pattern holds ${PERIOD_PLACEHOLDER} once, where the file name writes its period (e.g. "HDON_${PERIOD_PLACEHOLDER}.csv")`),
      )
      .min(1)
      .default([`invoices-${PERIOD_PLACEHOLDER}.csv`]),
    ...framing,
    /** How the period column writes a billing period. */
    period_format: periodFormat.default('YYYY-MM'),
    /** How the file name writes its period; default: period_format. */
    file_period_format: periodFormat.optional(),
    columns: z
      .object({
        invoice_no: column.default('invoice_no'),
        customer_code: column.default('customer_code'),
        /** null: the export has no period column; every row is of the file name's period. */
        period: optionalColumn.default('period'),
        series: optionalColumn.default('series'),
        number: optionalColumn.default('number'),
        issued_on: optionalColumn.default('issued_on'),
        due_on: optionalColumn.default('due_on'),
        amount_vnd: column.default('amount_vnd'),
      })
      .strict()
      .prefault({}),
    /** issued_on and due_on. A format with a time reads the date of it; a value of just its date part is read too. */
    date_format: dateFormat.default('YYYY-MM-DD'),
    /** The amount column's number format, as partner profiles write it; an invoice amount is positive, so no sign options. */
    amount: amountFormatSchema
      .refine((f) => !f.allow_negative && f.negative === 'minus', 'an invoice amount is positive: allow_negative and negative do not apply to the billing export')
      .prefault({}),
  })
  .strict();

export const billingLayoutSchema = z
  .object({
    encoding: z.enum(ENCODINGS).default('utf-8'),
    delimiter: z.string().length(1).refine((d) => d !== '\n' && d !== '\r', 'a delimiter other than a line break').default(','),
    /** The quote character; "" for an export that never quotes. */
    quote: z.string().max(1).default('"'),
    customers: customersSchema.prefault({}),
    invoices: invoicesSchema.prefault({}),
  })
  .strict()
  .refine((l) => l.quote !== l.delimiter, { path: ['quote'], message: 'the quote must differ from the delimiter' });

export type BillingLayoutSpec = z.infer<typeof billingLayoutSchema>;

export interface BillingLayout extends BillingLayoutSpec {
  /** The layout file as shown in messages; null for the built-in layout. */
  source: string | null;
  /** The layout file's absolute path (recorded among a run's inputs); null for the built-in layout. */
  file: string | null;
}

/** The built-in layout (no layout file): today's export, customers.csv and invoices-YYYY-MM.csv. */
export function builtInBillingLayout(): BillingLayout {
  return { ...billingLayoutSchema.parse({}), source: null, file: null };
}

/** Parses one layout file; the layout, or the problems, each naming the file and JSON path. */
export function parseBillingLayoutFile(path: string): { layout?: BillingLayout; problems: string[] } {
  const parsed = parseJsonFile(path, billingLayoutSchema);
  return parsed.data ? { layout: { ...parsed.data, source: parsed.shown, file: resolve(path) }, problems: [] } : { problems: parsed.problems };
}

/**
 * The billing layout of a close: `file` (--billing-layout; it must exist), else
 * pipelines/billing.json when present, else the built-in layout. Throws a UsageError (exit 2)
 * listing every problem when the file does not validate.
 */
export function loadBillingLayout(file?: string): BillingLayout {
  let path: string;
  if (file === undefined) {
    if (!existsSync(DEFAULT_BILLING_LAYOUT_FILE)) return builtInBillingLayout();
    path = DEFAULT_BILLING_LAYOUT_FILE;
  } else {
    path = resolve(file);
    if (!existsSync(path)) throw new UsageError(`billing layout ${file} does not exist`);
  }
  if (statSync(path).isDirectory()) throw new UsageError(`billing layout ${file ?? path} is a folder; expected the layout file (billing.json)`);
  const r = parseBillingLayoutFile(path);
  if (!r.layout) throw new UsageError(`invalid billing layout:\n  ${r.problems.join('\n  ')}`);
  return r.layout;
}

/** A period format's parts in order, each a year or month token or literal text. */
function periodParts(format: string): Array<{ token: 'YYYY' | 'MM' | 'M' } | { text: string }> {
  const out: Array<{ token: 'YYYY' | 'MM' | 'M' } | { text: string }> = [];
  let at = 0;
  for (const t of dateTokens(format)) {
    if (t.start > at) out.push({ text: format.slice(at, t.start) });
    out.push({ token: t.token as 'YYYY' | 'MM' | 'M' });
    at = t.end;
  }
  if (at < format.length) out.push({ text: format.slice(at) });
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex source matching a period written in `format`, the year and month captured as named groups y and m. */
function periodRegexSource(format: string): string {
  return periodParts(format)
    .map((p) => ('text' in p ? escapeRe(p.text) : p.token === 'YYYY' ? '(?<y>[0-9]{4})' : p.token === 'MM' ? '(?<m>[0-9]{2})' : '(?<m>[0-9]{1,2})'))
    .join('');
}

/** The canonical period (YYYY-MM) of a regex match made with periodRegexSource, or null for a month outside 1–12. */
function canonicalPeriod(groups: Record<string, string | undefined> | undefined): string | null {
  const month = Number(groups?.['m']);
  return groups?.['y'] && month >= 1 && month <= 12 ? `${groups['y']}-${String(month).padStart(2, '0')}` : null;
}

/** A canonical period (YYYY-MM) written in a period format (`2026-03` in `MM/YYYY` is `03/2026`). */
export function formatPeriod(period: string, format: string): string {
  const [y, m] = period.split('-') as [string, string];
  return periodParts(format)
    .map((p) => ('text' in p ? p.text : p.token === 'YYYY' ? y : p.token === 'MM' ? m : String(Number(m))))
    .join('');
}

/** The strptime format and full-match regex (for DuckDB) of a period format. */
export function periodPattern(format: string): { strptime: string; regex: string } {
  const parts = periodParts(format);
  return {
    strptime: parts.map((p) => ('text' in p ? p.text.replace(/%/g, '%%') : p.token === 'YYYY' ? '%Y' : '%m')).join(''),
    regex: `^${parts.map((p) => ('text' in p ? escapeRe(p.text) : p.token === 'YYYY' ? '[0-9]{4}' : p.token === 'MM' ? '[0-9]{2}' : '[0-9]{1,2}')).join('')}$`,
  };
}

/** How the invoices file names write their period. */
export const filePeriodFormat = (layout: BillingLayout): string => layout.invoices.file_period_format ?? layout.invoices.period_format;

/** A glob (`*`, `?`) as a regex source, `{period}` standing for a period in `format`. */
function invoiceGlobSource(glob: string, format: string): string {
  return glob
    .split(PERIOD_PLACEHOLDER)
    .map(globSource)
    .join(periodRegexSource(format));
}

export type BillingFile = { name: string; kind: 'customers'; period: null } | { name: string; kind: 'invoices'; period: string };

/**
 * The billing files among a folder's names: customers files in name order, then invoices files by
 * period, then name. A name both kinds' patterns match is refused (UsageError): which the file is
 * would be a guess.
 */
export function billingFiles(names: string[], layout: BillingLayout): BillingFile[] {
  // Names and patterns compared in NFC, as partner files' (globToRegExp); the file keeps its own name.
  const customers = layout.customers.file_patterns.map(globToRegExp);
  const invoices = layout.invoices.file_patterns.map((g) => new RegExp(`^${invoiceGlobSource(g.normalize('NFC'), filePeriodFormat(layout))}$`, 'i'));
  const out: BillingFile[] = [];
  for (const name of [...names].sort()) {
    const nfc = fileName(name);
    const isCustomers = customers.some((re) => re.test(nfc));
    const period = invoices.map((re) => canonicalPeriod(re.exec(nfc)?.groups)).find((p) => p !== null) ?? null;
    if (isCustomers && period !== null) {
      throw new UsageError(`billing file ${name} matches both customers.file_patterns and invoices.file_patterns${layout.source ? ` of ${layout.source}` : ''}; make them disjoint`);
    }
    if (isCustomers) out.push({ name, kind: 'customers', period: null });
    else if (period !== null) out.push({ name, kind: 'invoices', period });
  }
  const rank = (f: BillingFile) => (f.kind === 'customers' ? '' : f.period);
  return out.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The file names a layout reads, for messages: `customers.csv`, `invoices-YYYY-MM.csv`. */
export function expectedNames(layout: BillingLayout): { customers: string; invoices: string } {
  return {
    customers: layout.customers.file_patterns.join(' or '),
    invoices: layout.invoices.file_patterns.map((p) => p.replace(PERIOD_PLACEHOLDER, filePeriodFormat(layout))).join(' or '),
  };
}

/** A field's label in reject messages: the field, and the export's column when it is named otherwise (`amount_vnd (column TONG_TIEN)`). */
export function fieldLabel(field: string, column: string | null): string {
  return column === null || normaliseName(column) === normaliseName(field) ? field : `${field} (column ${column})`;
}
