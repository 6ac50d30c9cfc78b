// From a profile and a file's columns to SQL: the projection that names the canonical raw fields
// of each staged record, and the session variable the typing pass (sql/ingest/type_payments.sql)
// reads. Only generated identifiers (c1, c2, …) and validated integers are spliced into SQL;
// every value from a profile or a file reaches DuckDB through SET VARIABLE / bound parameters.
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Database } from '../db/database.ts';
import { normaliseName } from './column-name.ts';
import { FileError } from './file-error.ts';
import { truncate } from '../errors.ts';
import { amountPattern, dateOnlyFormat, datePattern, describeAmountFormat, describeDateFormat, wholeSecondsFormat } from './formats.ts';
import { fixedOffsetMinutes, type PartnerProfile } from './profile.ts';

/** The file's columns: names in order (from the header line or the profile). */
export interface ColumnSet {
  names: string[];
  /** SQL giving each column's trimmed text or NULL, by 0-based position. */
  fields: string[];
  /** The name of a column's value (`f1` …) in the source withFields makes, by 0-based position; marks the column used. */
  expr: (index: number) => string;
  /** Columns whose value a canonical field reads (through expr): withFields computes these once per record. */
  used: Set<number>;
  /** The staged columns themselves, carried through typing so a rejected record's text can be re-joined. */
  staged: string[];
}

function columnSet(names: string[], fields: string[], staged: string[]): ColumnSet {
  const used = new Set<number>();
  return { names, fields, staged, used, expr: (i) => (used.add(i), `f${i + 1}`) };
}

/**
 * The staged source with the value of each column a canonical field reads computed once, as `f1`
 * … `fN`: written out at each use, DuckDB bound (and planned) the expression again each time, ≈ 45
 * ms more per batch once values were also unformula'd (51 batches of a 100 k month: 3.2 → 5.5 s).
 * Columns no field reads stay out: only the blank-record test looks at them, for the rare records
 * without a transaction id (blankTest).
 */
export function withFields(cols: ColumnSet, source: string): string {
  const values = cols.fields.flatMap((f, i) => (cols.used.has(i) ? [`${f} AS f${i + 1}`] : []));
  return values.length === 0 ? source : `(SELECT *, ${values.join(', ')} FROM ${source})`;
}

/**
 * Columns of a delimited/xlsx staging table (line_no, c1 … cN). A field written as Excel's text
 * formula (`="0012345"`) is its string (sql/ingest/macros.sql, ingest_unformula); it is trimmed
 * first, so a padded cell (`; ="0012345"`) is read too.
 */
export function stagedColumns(names: string[]): ColumnSet {
  return columnSet(
    names,
    names.map((_, i) => `nullif(ingest_unformula(ingest_trim(c${i + 1})), '')`),
    names.map((_, i) => `c${i + 1}`),
  );
}

/**
 * Columns of a fixed-width staging table (line_no, raw), cut by position. Positions count the
 * characters as the file writes them: a legacy-encoded file is staged without NFC (Windows-1258
 * writes tones as combining marks, each a character of its own), so each field is normalised
 * after it is cut. Fields are trimmed of NUL padding too (sql/ingest/macros.sql ingest_trim_padding).
 */
export function fixedColumns(profile: PartnerProfile): ColumnSet {
  if (profile.format.type !== 'fixed_width') throw new Error('fixedColumns needs a fixed_width profile');
  const cols = profile.format.columns;
  const legacy = profile.encoding !== 'utf-8' && profile.encoding !== 'utf-8-bom';
  const cut = (i: number) => `substring(raw, ${Math.trunc(cols[i]!.start)}, ${Math.trunc(cols[i]!.width)})`;
  return columnSet(
    cols.map((c) => c.name),
    cols.map((_, i) => `nullif(ingest_trim_padding(${legacy ? `ingest_nfc(${cut(i)})` : cut(i)}), '')`),
    ['raw'],
  );
}

/** A column name without its Vietnamese accents (tone marks, ă â ê ô ơ ư, đ), compared as normaliseName compares. */
const withoutAccents = (s: string): string => normaliseName(s).normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd');

/** Resolves profile column names to SQL expressions; a name missing from the file is a FileError. */
export function columnResolver(cols: ColumnSet, shown: string) {
  const index = new Map<string, number[]>();
  cols.names.forEach((n, i) => {
    const k = normaliseName(n);
    index.set(k, [...(index.get(k) ?? []), i]);
  });
  return (name: string, key: string): string => {
    const at = index.get(normaliseName(name));
    if (at === undefined) {
      // A header read as one column that holds another delimiter: the profile's delimiter is not the file's.
      const other = cols.names.length === 1 ? [',', ';', '\t', '|'].find((d) => cols.names[0]!.split(d).length > 2) : undefined;
      let hint = other ? `; the header holds ${JSON.stringify(other)} between names: is format.delimiter ${JSON.stringify(other)}?` : '';
      // The same name but for its accents (a header written without them, `So tien`, or a profile typed
      // without them): named, never matched by itself, as `Nợ`/`No` or `Có`/`Co` could be two columns.
      const bare = cols.names.filter((n) => withoutAccents(n) === withoutAccents(name));
      if (!hint && bare.length > 0) hint = `; ${bare.map((n) => JSON.stringify(n)).join(', ')} differs from it only in accents: write the name as the file does`;
      // A header that is no header (a whole file on one line, binary data) is shown cut short: the
      // message is stored as the file's status_reason and printed by every `recon files`.
      const listed = cols.names.slice(0, 40).map((n) => JSON.stringify(truncate(n, 80)));
      const more = cols.names.length > 40 ? `, … (${cols.names.length} columns)` : '';
      throw new FileError(`${shown}: column ${JSON.stringify(name)} named by ${key} is not in the file; its columns are ${listed.join(', ')}${more}${hint}`);
    }
    // Two columns of one name (a gateway's amount and its fee, the payer's and the payee's code):
    // taking either would be a guess, and the wrong one loads wrong values without a single reject.
    if (at.length > 1) {
      throw new FileError(
        `${shown}: column ${JSON.stringify(name)} named by ${key} is in the header ${at.length} times (columns ${at.map((i) => i + 1).join(', ')}), so which one is meant is unclear; name the columns in the profile instead (header {"type":"none","columns":[…]} with the header line counted in preamble.lines)`,
      );
    }
    return cols.expr(at[0]!);
  };
}

/**
 * The SELECT list turning staged columns into the canonical raw fields that
 * sql/ingest/type_payments.sql expects (all VARCHAR, NULL when empty).
 */
export function rawProjection(profile: PartnerProfile, cols: ColumnSet, shown: string): string {
  const resolve = columnResolver(cols, shown);
  // A field holding one of the profile's null_values (a database export's NULL) is empty, as if nothing were written.
  const col = (name: string, key: string): string => {
    const e = resolve(name, key);
    return profile.null_values.length === 0 ? e : `CASE WHEN list_contains(getvariable('ingest').null_values, ${e}) THEN NULL ELSE ${e} END`;
  };
  const f = profile.fields;
  const joined = (names: string[], key: string): string => {
    if (names.length === 1) return col(names[0]!, key);
    const parts = names.map((n) => col(n, key));
    // Any missing part leaves the whole value missing: a half transaction id would be wrong. The
    // parts are joined as written with the profile's separator (never empty for several columns,
    // profile.ts), so the id reads as the partner writes it (TGDD00009-00000002).
    return `CASE WHEN ${parts.map((p) => `${p} IS NULL`).join(' OR ')} THEN NULL ELSE concat_ws(getvariable('ingest').txn_sep, ${parts.join(', ')}) END`;
  };
  // A date from several columns (date, time) keeps the parts present: a missing time then reads as
  // a bad_date showing the date that was there, against the full format, not as a missing field.
  const joinedDate = (names: string[], key: string): string =>
    names.length === 1 ? col(names[0]!, key) : `nullif(concat_ws(' ', ${names.map((n) => col(n, key)).join(', ')}), '')`;
  const opt = (spec: { column: string } | undefined, key: string): string => (spec ? col(spec.column, key) : 'CAST(NULL AS VARCHAR)');
  // Whether any part of an id (one column, or each of the columns it is built from) went through a
  // floating-point number (ingest_float_id): tested per part, as a joined id no longer looks like one.
  const sci = (names: string[], key: string): string => names.map((n) => `coalesce(ingest_float_id(${col(n, key)}), false)`).join(' OR ');
  const amount = f.amount;
  return [
    `seq`,
    `line_no`,
    `${joined(f.txn_ref.column, 'fields.txn_ref.column')} AS txn_ref`,
    `${joinedDate(f.paid_at.column, 'fields.paid_at.column')} AS paid_at`,
    `${f.settled_on ? joinedDate(f.settled_on.column, 'fields.settled_on.column') : 'CAST(NULL AS VARCHAR)'} AS settled_on`,
    `${'column' in amount ? col(amount.column, 'fields.amount.column') : 'CAST(NULL AS VARCHAR)'} AS amount`,
    `${'credit_column' in amount ? col(amount.credit_column, 'fields.amount.credit_column') : 'CAST(NULL AS VARCHAR)'} AS credit`,
    `${'debit_column' in amount ? col(amount.debit_column, 'fields.amount.debit_column') : 'CAST(NULL AS VARCHAR)'} AS debit`,
    `${opt(f.customer_code, 'fields.customer_code.column')} AS customer_code`,
    `${opt(f.invoice_ref, 'fields.invoice_ref.column')} AS invoice_ref`,
    `${f.memo ? `nullif(concat_ws(' ', ${f.memo.column.map((c) => col(c, 'fields.memo.column')).join(', ')}), '')` : 'CAST(NULL AS VARCHAR)'} AS memo`,
    `${opt(f.kind, 'fields.kind.column')} AS kind_code`,
    `${f.reverses_txn_ref ? joined(f.reverses_txn_ref.column, 'fields.reverses_txn_ref.column') : 'CAST(NULL AS VARCHAR)'} AS reverses_txn_ref`,
    `${opt(f.instrument, 'fields.instrument.column')} AS instrument_code`,
    `${opt(f.agent_id, 'fields.agent_id.column')} AS agent_id`,
    `${opt(f.status, 'fields.status.column')} AS status`,
    `${sci(f.txn_ref.column, 'fields.txn_ref.column')} AS txn_sci`,
    `${f.reverses_txn_ref ? sci(f.reverses_txn_ref.column, 'fields.reverses_txn_ref.column') : 'false'} AS rev_sci`,
    `${blankTest(col(f.txn_ref.column[0]!, 'fields.txn_ref.column'), cols)} AS blank`,
    ...cols.staged,
  ].join(',\n  ');
}

/**
 * SQL: whether a record's fields are all empty (a blank line). `guard` is a column nearly every
 * record fills: only records without it test every column (a CASE evaluates its ELSE for those
 * rows alone), which keeps the test off the typing pass's cost. Call it after the fields are
 * resolved: a column no field reads is tested by its expression here, not computed for every record.
 */
export function blankTest(guard: string, cols: ColumnSet): string {
  const all = cols.names.map((_, i) => (cols.used.has(i) ? `f${i + 1}` : cols.fields[i]!));
  return `CASE WHEN ${guard} IS NOT NULL THEN false ELSE coalesce(${all.join(', ')}) IS NULL END`;
}

/**
 * The strptime format and regex of a date-time format's date part alone (`DD/MM/YYYY` of
 * `DD/MM/YYYY HH:mm:ss`), read as 00:00 local: DOMAIN's "a date without a time means 00:00 local"
 * (a sheet writes a midnight time as the date alone; a date + time pair may leave the time empty).
 * A regex matching nothing for a format without such a part (a date, ISO, Unix time).
 */
function dayOnlyPattern(format: string): { strptime: string; regex: string } {
  const part = dateOnlyFormat(format);
  return part === null ? { strptime: '%Y-%m-%d', regex: '^$' } : datePattern(part);
}

/** The format without its fraction of any length (`S`), for values that leave a zero fraction out; a regex matching nothing without one. */
function wholeSecondsPattern(format: string): { strptime: string; regex: string } {
  const whole = wholeSecondsFormat(format);
  return whole === null ? { strptime: '%Y-%m-%d', regex: '^$' } : datePattern(whole);
}

/** Session variables for the typing pass of a profile's files. */
export function typingVariables(profile: PartnerProfile): Record<string, IngestValue> {
  const f = profile.fields;
  const amount = f.amount;
  const paid = datePattern(f.paid_at.format);
  const settled = f.settled_on ? datePattern(f.settled_on.format) : null;
  const paidDay = dayOnlyPattern(f.paid_at.format);
  const settledDay = f.settled_on ? dayOnlyPattern(f.settled_on.format) : dayOnlyPattern('ISO');
  const paidWhole = wholeSecondsPattern(f.paid_at.format);
  const settledWhole = wholeSecondsPattern(f.settled_on?.format ?? 'ISO');
  const label = (key: string, names: string[]) => `${key} (column ${names.join(' + ')})`;
  return {
    txn_sep: f.txn_ref.separator,
    amount_re: amountPattern(amount.format),
    amount_grouping: amount.format.grouping,
    amount_zero: '0'.repeat(amount.format.implied_decimals + 1),
    amount_expected: describeAmountFormat(amount.format),
    negative_ok: amount.format.allow_negative,
    // Totals of money in and out: a reversal or refund by its kind counts as money out (type_payments.sql).
    flow_signs: profile.trailer?.credit !== undefined,
    debit_kind: 'debit_kind' in amount ? amount.debit_kind : 'refund',
    paid_fmt: paid.strptime,
    paid_re: paid.regex,
    paid_iso: paid.iso,
    paid_tz: f.paid_at.timezone,
    // A fixed offset (UTC+05:30) is applied by arithmetic (ingest_local in sql/ingest/macros.sql).
    paid_fixed: fixedOffsetMinutes(f.paid_at.timezone) !== null,
    paid_off: fixedOffsetMinutes(f.paid_at.timezone) ?? 0,
    paid_expected: `a date/time like ${describeDateFormat(f.paid_at.format)}`,
    settled_fmt: settled?.strptime ?? '%Y-%m-%d',
    settled_re: settled?.regex ?? '^$',
    settled_iso: settled?.iso ?? false,
    settled_tz: f.settled_on?.timezone ?? 'Asia/Ho_Chi_Minh',
    settled_fixed: fixedOffsetMinutes(f.settled_on?.timezone ?? 'Asia/Ho_Chi_Minh') !== null,
    settled_off: fixedOffsetMinutes(f.settled_on?.timezone ?? 'Asia/Ho_Chi_Minh') ?? 0,
    settled_expected: f.settled_on ? `a date like ${describeDateFormat(f.settled_on.format)}` : '',
    // A value of only the format's date part: that day at 00:00 local (dayOnlyPattern).
    paid_day_fmt: paidDay.strptime,
    paid_day_re: paidDay.regex,
    settled_day_fmt: settledDay.strptime,
    settled_day_re: settledDay.regex,
    // A value without the format's fraction of any length (`.S`): the whole second (wholeSecondsPattern).
    paid_whole_fmt: paidWhole.strptime,
    paid_whole_re: paidWhole.regex,
    settled_whole_fmt: settledWhole.strptime,
    settled_whole_re: settledWhole.regex,
    null_values: profile.null_values,
    kind_default: f.kind?.default ?? 'payment',
    instrument_default: f.instrument?.default ?? profile.default_instrument,
    label_txn_ref: label('txn_ref', f.txn_ref.column),
    label_paid_at: label('paid_at', f.paid_at.column),
    label_settled_on: f.settled_on ? label('settled_on', f.settled_on.column) : 'settled_on',
    label_amount: 'column' in amount ? label('amount', [amount.column]) : label('amount', [amount.credit_column, amount.debit_column]),
    label_kind: f.kind ? label('kind', [f.kind.column]) : 'kind',
    label_instrument: f.instrument ? label('instrument', [f.instrument.column]) : 'instrument',
    label_status: f.status ? label('status', [f.status.column]) : 'status',
    label_reverses_txn_ref: f.reverses_txn_ref ? label('reverses_txn_ref', f.reverses_txn_ref.column) : 'reverses_txn_ref',
    // Statuses that make a record a payment, compared as the column's values are: NFC, lower case.
    has_status: f.status !== undefined,
    status_paid: (f.status?.paid ?? []).map((s) => s.normalize('NFC').toLowerCase()),
    status_expected: f.status ? `one of the statuses of a completed payment (fields.status.paid): ${f.status.paid.map((s) => JSON.stringify(s)).join(', ')}` : '',
    // Code maps as parallel lists (keys trimmed like the column values they are looked up with).
    kind_codes: Object.keys(f.kind?.map ?? {}).map((c) => c.trim()),
    kind_values: Object.values(f.kind?.map ?? {}),
    instrument_codes: Object.keys(f.instrument?.map ?? {}).map((c) => c.trim()),
    instrument_values: Object.values(f.instrument?.map ?? {}),
  };
}

/** A whole-number list, a BIGINT[] in SQL (even when empty). */
export interface IntList {
  ints: number[];
}

/** A value of a session variable: string lists become VARCHAR[], IntLists BIGINT[]. */
export type IngestValue = DuckDBValue | string[] | IntList;

function isIntList(v: IngestValue): v is IntList {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'ints' in v;
}

/**
 * Sets the session variable `ingest` (or `variable`), a struct of the file's settings, in one statement (the
 * typing SQL reads `getvariable('ingest').name`; DuckDB folds it to a constant, which its regex
 * and strptime functions need). Names are ours, values bound.
 */
export async function setIngestVariable(db: Database, vars: Record<string, IngestValue>, variable = 'ingest'): Promise<void> {
  if (!/^[a-z_]+$/.test(variable)) throw new Error(`bad variable name ${variable}`);
  const fields: string[] = [];
  const params: Record<string, DuckDBValue> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`bad variable name ${name}`);
    const list = Array.isArray(value) ? { type: 'VARCHAR[]', items: value } : isIntList(value) ? { type: 'BIGINT[]', items: value.ints.map(BigInt) } : null;
    if (!list) {
      fields.push(`'${name}': $${name}`);
      params[name] = value as DuckDBValue;
    } else if (list.items.length === 0) {
      fields.push(`'${name}': CAST([] AS ${list.type})`); // an empty bound list has no item type
    } else {
      fields.push(`'${name}': CAST($${name} AS ${list.type})`);
      params[name] = listValue(list.items);
    }
  }
  await db.run(`SET VARIABLE ${variable} = {${fields.join(', ')}}`, params);
}
