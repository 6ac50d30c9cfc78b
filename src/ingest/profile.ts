// Partner profile: the whole description of one partner's settlement files. Validated once at the
// edge with zod; everything downstream trusts the typed object.
import { z } from 'zod';
import { normaliseName } from './column-name.ts';
import { dateFormatProblem, isEpochFormat } from './formats.ts';

export const CHANNEL_GROUPS = ['bank', 'intermediary', 'retail_agent', 'evn_counter'] as const;
export const INSTRUMENTS = ['cash', 'transfer', 'auto_debit', 'card', 'qr', 'ewallet'] as const;
export const CASH_INSTRUMENTS: readonly Instrument[] = ['cash'];
export const KINDS = ['payment', 'reversal', 'refund'] as const;
export const ENCODINGS = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1258'] as const;

export type ChannelGroup = (typeof CHANNEL_GROUPS)[number];
export type Instrument = (typeof INSTRUMENTS)[number];
export type Kind = (typeof KINDS)[number];
export type Encoding = (typeof ENCODINGS)[number];

export const regex = z.string().min(1).refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

/** Lines above the header: a fixed count, or everything before the first line matching `until`. */
export const preambleSchema = z.union([z.object({ lines: z.number().int().min(0) }).strict(), z.object({ until: regex }).strict()]);

/** A column name, or several joined (e.g. agent id + receipt number). */
const columns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Number format of an amount column. The separators are per source, never guessed per row. */
export const amountFormatSchema = z
  .object({
    /** Thousands separator: "." (5.000.000), "," (500,000), " " or "" (none). */
    grouping: z.enum(['.', ',', ' ', '']).default(''),
    /** Decimal separator, when the partner writes decimals (1.234.567,00); VND has no minor unit, so decimals must be zero. */
    decimal: z.enum(['.', ',']).nullable().default(null),
    /** Whether a negative amount is acceptable (it then reverses the record's direction, see README). */
    allow_negative: z.boolean().default(false),
    /** How a negative amount is written: `-1.000` (minus, the default), `(1.000)` (parentheses), `1.000-` (trailing_minus, where a positive one may end in `+`) or `1.000 DR` (cr_dr, a positive one `1.000 CR`). */
    negative: z.enum(['minus', 'parentheses', 'trailing_minus', 'cr_dr']).default('minus'),
    /** Whether amounts may carry a currency marker before or after the number (VND, VNĐ, đồng, đ, ₫; any case). */
    currency: z.boolean().default(false),
    /**
     * Digits of a fraction written without a separator (COBOL PIC 9(13)V99, ISO 8583 amounts):
     * `000000125000000` with 2 is 1.250.000,00 đồng. The fraction must be zero, as VND has no minor unit.
     */
    implied_decimals: z.number().int().min(0).max(4).default(0),
  })
  .strict()
  .refine((f) => f.grouping === '' || f.grouping !== f.decimal, 'grouping and decimal separators must differ')
  .refine((f) => f.implied_decimals === 0 || (f.grouping === '' && f.decimal === null), 'implied_decimals is for digits written without separators: it needs grouping "" and decimal null');
export type AmountFormat = z.infer<typeof amountFormatSchema>;
/** An amount format as a profile file writes it (keys with defaults may be left out). */
export type AmountFormatInput = z.input<typeof amountFormatSchema>;

/** Date/time format in the tokens of src/ingest/formats.ts (e.g. "DD/MM/YYYY HH:mm:ss", "YYYYMMDD", "D/M/YYYY h:mm A"), or "ISO". */
const dateFormat = z
  .string()
  .min(1)
  .superRefine((f, ctx) => {
    const problem = dateFormatProblem(f);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

/**
 * Why `zone` cannot be a profile's time zone, or null when it can: an IANA name (checked with the
 * runtime's ICU, as DuckDB's ICU reads it) or a fixed offset `UTC+7` / `UTC+07:00`. An unknown name
 * used to pass the check and fail every file at ingest; `Etc/GMT+7` is refused because POSIX
 * inverts its sign (it is UTC−7, so Vietnamese times would land 14 hours off).
 */
export function timezoneProblem(zone: string): string | null {
  const hint = 'use an IANA zone such as "Asia/Ho_Chi_Minh" (UTC+7, no DST) or a fixed offset such as "UTC+07:00"';
  if (/^etc\/gmt\+0*[1-9]/i.test(zone)) return `"${zone}" is UTC−${zone.replace(/^etc\/gmt\+0*/i, '')}, not UTC+: the Etc/GMT zones invert the sign; ${hint}`;
  if (fixedOffsetMinutes(zone) !== null) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return null;
  } catch {
    return `unknown time zone "${zone}": ${hint}`;
  }
}

/**
 * Minutes east of UTC of a fixed-offset zone (`UTC+07:00`, `UTC-5`, `UTC+0530`), null for an IANA
 * name. Ingest converts such local times by this arithmetic, not through DuckDB's ICU, which reads
 * `UTC+05:30` as UTC+05:00 (the minutes dropped: a partner in India landed 30 minutes late).
 */
export function fixedOffsetMinutes(zone: string): number | null {
  const m = /^UTC([+-])(0?[0-9]|1[0-4])(?::?([0-5][0-9]))?$/.exec(zone);
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

const dateField = z
  .object({
    column: columns,
    format: dateFormat,
    /** IANA zone the partner writes local times in. */
    timezone: z
      .string()
      .default('Asia/Ho_Chi_Minh')
      .superRefine((zone, ctx) => {
        const problem = timezoneProblem(zone);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      }),
  })
  .strict()
  .refine((d) => !isEpochFormat(d.format) || d.column.length === 1, { path: ['column'], message: 'Unix time (UNIX, UNIX_MS) is one column: it holds the date and the time' });

const amountField = z.union([
  z.object({ column: z.string().min(1), format: amountFormatSchema.default({ grouping: '', decimal: null, allow_negative: false, negative: 'minus', currency: false, implied_decimals: 0 }) }).strict(),
  z
    .object({
      /** Separate columns: a credit (money in) is a payment, a debit (money out) a refund or reversal. */
      credit_column: z.string().min(1),
      debit_column: z.string().min(1),
      format: amountFormatSchema.default({ grouping: '', decimal: null, allow_negative: false, negative: 'minus', currency: false, implied_decimals: 0 }),
      debit_kind: z.enum(['reversal', 'refund']).default('refund'),
    })
    .strict(),
]);

const mappedField = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .object({
      column: z.string().min(1),
      map: z.record(z.string(), z.enum(values)),
      /** Used when the column is empty; a non-empty code absent from `map` is a reject. */
      default: z.enum(values).optional(),
    })
    .strict();

/** Where a control value (count or sum) lives in a trailer or total row. */
export const controlValue = z.union([
  z.object({ field: z.number().int().min(1) }).strict(), // 1-based field of the trailer record
  z.object({ regex }).strict(), // first capture group of a regex over the trailer's raw text
]);

const formatSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('delimited'),
      delimiter: z.string().length(1),
      quote: z.string().max(1).default('"'),
      escape: z.string().max(1).optional(),
      /**
       * The one column (one the fields read, usually the memo's) whose text the partner writes
       * unquoted even when it holds the delimiter (`THANH TOAN TIEN DIEN, KY 10/2026`): a record with
       * more fields than the file's columns has its surplus fields joined back into it, with the
       * delimiter between them, the fields before it taken from the start and those after it from
       * the end. Without it such a record is a column_count reject.
       */
      overflow_column: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('fixed_width'),
      /** 1-based start position and width in characters. */
      columns: z.array(z.object({ name: z.string().min(1), start: z.number().int().min(1), width: z.number().int().min(1) }).strict()).min(1),
      /** Characters (bytes with width_unit "bytes") every record has: a shorter line is cut short, a column_count reject. */
      record_length: z.number().int().min(1).optional(),
      /**
       * What start, width and record_length count: characters as the file writes them (default), or
       * bytes of a UTF-8 file, as systems padding fields to a byte size (COBOL PIC X(n), C fixed
       * buffers) write them: there "Nguyễn" takes 9 of a field's positions, not 6.
       */
      width_unit: z.enum(['characters', 'bytes']).default('characters'),
    })
    .strict(),
  z
    .object({
      type: z.literal('xlsx'),
      sheet: z.union([z.string().min(1), z.number().int().min(1)]).default(1),
    })
    .strict(),
  z
    .object({
      type: z.literal('json'),
      /**
       * How the records stand: `array`, one JSON array of record objects (`[{…},{…}]`, as a
       * gateway's API export writes it), or `lines`, one object per line (NDJSON / JSON Lines).
       * Fields name a record's keys; a nested key by its dotted path (`payer.customer_code`).
       */
      records: z.enum(['array', 'lines']),
      /**
       * With `array`: where the array stands inside the file's top-level object, by dotted key path
       * (`data`, `result.transactions`), for an API response that wraps its records in an
       * envelope (`{"code":"00","data":[{…},{…}],"total":2}`); the envelope's other keys are skipped.
       */
      path: z.string().regex(/^[^.]+(\.[^.]+)*$/, 'a dotted key path such as "data" or "result.items"').optional(),
    })
    .strict()
    .refine((f) => f.path === undefined || f.records === 'array', { path: ['path'], message: 'path names where the array of records stands: only with records "array"' }),
]);

export const profileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
    name: z.string().min(1),
    channel_group: z.enum(CHANNEL_GROUPS),
    bin: z.string().regex(/^\d{6}$/, 'six digits (NAPAS BIN)').optional(),
    default_instrument: z.enum(INSTRUMENTS),
    /** Globs (`*`, `?`) matched case-insensitively against the file's base name. */
    file_patterns: z.array(z.string().min(1)).min(1),
    encoding: z.enum(ENCODINGS).default('utf-8'),
    format: formatSchema,
    /** Lines above the header: a fixed count, or everything before the first line matching `until`. */
    preamble: preambleSchema.optional(),
    /** `names`: the first line after the preamble names the columns. `none`: columns are named here, by position. */
    header: z.discriminatedUnion('type', [
      z.object({ type: z.literal('names') }).strict(),
      z.object({ type: z.literal('none'), columns: z.array(z.string().min(1)).min(1) }).strict(),
    ]),
    /** Record-type prefixes (H/D/T lines): only records whose first field is in `detail` are payments. */
    record_types: z
      .object({
        detail: z.array(z.string()).min(1),
        header: z.array(z.string()).default([]),
        trailer: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
    /** A trailer or total row stating the partner's record count and amount sum. */
    trailer: z
      .object({
        /** Regex on the raw text of a record that marks it as the trailer (not needed with record_types.trailer). */
        match: regex.optional(),
        /** Where the totals stand: after the header among the records (default), or on a preamble line above it (`match` finds it). */
        in: z.enum(['records', 'preamble']).default('records'),
        count: controlValue.optional(),
        amount: controlValue.optional(),
        /** A statement's separate totals: money in and money out; the control sum is credit - debit. */
        credit: controlValue.optional(),
        debit: controlValue.optional(),
        amount_format: amountFormatSchema.optional(),
        /**
         * Which records the totals count: every record (default), or only completed payments
         * (`paid`, with fields.status), as gateway reports that list failed attempts beside them do.
         */
        counts: z.enum(['all', 'paid']).default('all'),
      })
      .strict()
      .refine((t) => !(t.amount && (t.credit || t.debit)), 'state the sum either as amount or as credit and debit, not both')
      .refine((t) => !t.credit === !t.debit, 'credit and debit go together (the control sum is credit - debit)')
      .refine((t) => t.in !== 'preamble' || t.match !== undefined, 'a total in the preamble needs match, the regex that finds its line')
      .optional(),
    /** Regexes on raw record text for lines that are neither payments nor rejects (separator lines, sub-totals). */
    skip: z.array(regex).default([]),
    /**
     * Field values that mean "no value", as database exports write a SQL NULL (`NULL` from SQL Server
     * Management Studio, `null` from a Java program's String.valueOf): such a field is read as empty.
     * Compared exactly (any case differs) after the spaces around the field are removed.
     */
    null_values: z.array(z.string().min(1)).default([]),
    fields: z
      .object({
        /**
         * Several columns are joined with `separator` as written (agent TGDD00009 + receipt 00000002:
         * TGDD00009-00000002), the id an auditor finds in the partner's own papers; never empty then
         * (below). A separator that no part holds keeps different parts from giving one id.
         */
        txn_ref: z.object({ column: columns, separator: z.string().default('') }).strict(),
        paid_at: dateField,
        settled_on: dateField.optional(),
        amount: amountField,
        customer_code: z.object({ column: z.string().min(1) }).strict().optional(),
        invoice_ref: z.object({ column: z.string().min(1) }).strict().optional(),
        memo: z.object({ column: columns }).strict().optional(),
        kind: mappedField(KINDS).optional(),
        /** The original's transaction id; several columns are joined with txn_ref's separator, as the original's id was. */
        reverses_txn_ref: z.object({ column: columns }).strict().optional(),
        instrument: mappedField(INSTRUMENTS).optional(),
        /**
         * A gateway's transaction status: only records whose status is one of `paid` are payments;
         * the others (FAILED, PENDING, Thất bại…) are `not_paid` rejects, accounted for like any reject.
         */
        status: z.object({ column: z.string().min(1), paid: z.array(z.string().trim().min(1)).min(1) }).strict().optional(),
        agent_id: z.object({ column: z.string().min(1) }).strict().optional(),
      })
      .strict()
      // With nothing between the parts, "A1" + "23" and "A12" + "3" would both be "A123": the
      // second payment dropped as a duplicate of the first.
      .refine((f) => f.txn_ref.separator !== '' || (f.txn_ref.column.length === 1 && (f.reverses_txn_ref?.column.length ?? 1) === 1), {
        path: ['txn_ref', 'separator'],
        message: 'an id joined from several columns needs a separator (such as "-"): without one, "A1" + "23" and "A12" + "3" would be the same id',
      }),
  })
  .strict()
  .refine((p) => p.format.type !== 'fixed_width' || p.format.width_unit !== 'bytes' || p.encoding === 'utf-8' || p.encoding === 'utf-8-bom', {
    path: ['format', 'width_unit'],
    message: 'widths in bytes are for UTF-8 files; in windows-1258 every character as written is one byte, so "characters" already counts bytes, and UTF-16 has no byte widths',
  })
  // A JSON record names its values by key: no header line, preamble, record types or total rows to read.
  .refine((p) => p.format.type !== 'json' || (p.header.type === 'names' && !p.preamble && !p.record_types && p.skip.length === 0), {
    path: ['format', 'type'],
    message: 'a JSON file\'s records name their values by key: use header {"type":"names"} and no preamble, record_types or skip',
  })
  // A JSON file's totals stand in its envelope, beside the array of records ({"data":[…],"total":2}):
  // read by regex over the envelope's text (the array left out), as a trailer's over its line. In a
  // file of one object per line, they stand on a summary line of their own, which `match` finds.
  .refine(
    (p) =>
      p.format.type !== 'json' ||
      !p.trailer ||
      (p.trailer.in === 'records' &&
        (p.format.records === 'lines' ? p.trailer.match !== undefined : p.format.path !== undefined && !p.trailer.match) &&
        [p.trailer.count, p.trailer.amount, p.trailer.credit, p.trailer.debit].every((c) => c === undefined || 'regex' in c)),
    {
      path: ['trailer'],
      message: 'a JSON file\'s totals are read by regex (count/amount as {"regex":…}, no field numbers, no in): from the envelope around its records (records "array" with format.path, no match), or from a summary line of a file of one object per line (records "lines", match finding that line)',
    },
  )
  // With a quote, the escape character applies inside quoted fields (the splitter and DuckDB's
  // reader alike). Without one (quote ""), it is MySQL's ESCAPED BY: every field of the unquoted file
  // escapes the delimiter, itself and a line break with it (records.ts, splitEscaped), so it must be
  // one ASCII character other than the delimiter and the line ends.
  .refine((p) => p.format.type !== 'delimited' || p.format.quote !== '' || !p.format.escape || (/^[\x21-\x7e]$/.test(p.format.escape) && p.format.escape !== p.format.delimiter), {
    path: ['format', 'escape'],
    message: 'with quote "" (unquoted fields), escape is the character a field writes before a delimiter, a line break or itself that it holds, and before N for NULL, as MySQL\'s INTO OUTFILE does (ESCAPED BY \'\\\\\'): one printable ASCII character other than the delimiter',
  })
  // The column that takes a record's surplus fields is found in each file's header as the fields'
  // columns are (column-name.ts), so it must be one of them: a name no field reads could be a typo
  // that silently leaves every such record a reject.
  .superRefine((p, ctx) => {
    if (p.format.type !== 'delimited' || p.format.overflow_column === undefined) return;
    const name = p.format.overflow_column;
    const read = [...new Set(fieldColumns(p.fields))];
    if (read.some((c) => normaliseName(c) === normaliseName(name))) return;
    ctx.addIssue({
      code: 'custom',
      path: ['format', 'overflow_column'],
      message: `${JSON.stringify(name)} is not a column the fields read (${read.map((c) => JSON.stringify(c)).join(', ')}): name the free-text column, usually fields.memo's, whose text may hold the delimiter unquoted`,
    });
  })
  // Where the profile itself names the file's columns (a fixed-width layout's format.columns, else
  // header "none"), a field reading a column it does not name fails every file at ingest; named here,
  // as a typo in overflow_column is.
  .superRefine((p, ctx) => {
    const [where, named] = p.format.type === 'fixed_width' ? ['format.columns', p.format.columns.map((c) => c.name)] : p.header.type === 'none' ? ['header.columns', p.header.columns] : [null, []];
    if (where === null) return;
    const known = new Set(named.map(normaliseName));
    for (const [key, field] of Object.entries(p.fields)) {
      const missing = field === undefined ? [] : fieldColumns({ [key]: field } as PartnerProfile['fields']).filter((c) => !known.has(normaliseName(c)));
      for (const column of missing) {
        ctx.addIssue({ code: 'custom', path: ['fields', key], message: `column ${JSON.stringify(column)} is not one of the columns ${where} names (${named.map((c) => JSON.stringify(c)).join(', ')})` });
      }
    }
  })
  .refine((p) => p.trailer?.in !== 'preamble' || p.preamble !== undefined, { path: ['trailer', 'in'], message: 'trailer.in "preamble" needs a preamble (lines or until)' })
  .refine((p) => p.trailer?.counts !== 'paid' || p.fields.status !== undefined, { path: ['trailer', 'counts'], message: 'trailer.counts "paid" needs fields.status, which says which records are completed payments' });

export type PartnerProfile = z.infer<typeof profileSchema>;

/** Every column the profile's fields read, as the profile writes them (a column read twice listed twice). */
export function fieldColumns(fields: PartnerProfile['fields']): string[] {
  return Object.values(fields).flatMap((f) => {
    if (f === undefined) return [];
    if ('credit_column' in f) return [f.credit_column, f.debit_column];
    return typeof f.column === 'string' ? [f.column] : f.column;
  });
}


export type FileFormat = PartnerProfile['format'];
