// The billing export (customers and invoices files) through the same machinery as partner files:
// decoding, the record splitter with line numbers, DuckDB's pinned CSV reader, SQL validation into
// rejects. Customers are upserted; invoices are replaced by period. How the export is written (file
// names, encoding, delimiter, column names, period, date and amount formats) is the billing layout
// (src/ingest/billing-layout.ts): by default customers.csv and invoices-YYYY-MM.csv as below.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Database } from '../db/database.ts';
import { engineTrouble, RunFailedError, UsageError } from '../errors.ts';
import { fingerprint, type Run } from '../runs/ledger.ts';
import { billingFiles, builtInBillingLayout, expectedNames, fieldLabel, formatPeriod, periodPattern, type BillingLayout } from './billing-layout.ts';
import { decodeFile } from './decode.ts';
import { FileError } from './file-error.ts';
import { amountPattern, dateOnlyFormat, datePattern, describeAmountFormat } from './formats.ts';
import { directBytes, dropTypedView, earlierReceipt, ensureMacros, joinedText, parseControls, recordFailure, removeStaging, scanForDirect, stagingDir, typeRows, type FileOutcome } from './load.ts';
import { blankTest, columnResolver, setIngestVariable, stagedColumns, withFields, type IngestValue } from './mapping.ts';
import { readerDialect, splitRecords, type RecordLayout } from './records.ts';
import { ingestSqlRow, runIngestSql } from './sql.ts';
import { directSource, stageSource } from './stage.ts';
import { StageWriter } from './stage-writer.ts';

const CUSTOMER_FIELDS = ['customer_code', 'name', 'segment'] as const;
const INVOICE_FIELDS = ['invoice_no', 'customer_code', 'period', 'series', 'number', 'issued_on', 'due_on', 'amount_vnd'] as const;

export interface BillingSummary {
  files: FileOutcome[];
  customers: number;
  invoices: number;
}

/**
 * Imports the billing export in `billingDir`, read in `layout` (default: the built-in one,
 * `customers.csv` and `invoices-YYYY-MM.csv`): every customers file (upsert by customer code) and
 * every invoices file (its period's invoices and arrears of earlier periods, replacing what earlier
 * exports of that period loaded), in period order, one transaction per file.
 * A file whose bytes were already imported (and not since replaced) is a no-op.
 */
export async function importBilling(db: Database, run: Run, billingDir: string, layout: BillingLayout = builtInBillingLayout()): Promise<BillingSummary> {
  const expected = expectedNames(layout);
  const of = layout.source ? ` (the file_patterns of ${layout.source})` : '';
  if (!existsSync(billingDir)) throw new UsageError(`billing folder ${billingDir} does not exist; expected ${expected.customers} and ${expected.invoices} there${of}`);
  const files: FileOutcome[] = [];
  for (const f of billingFiles(readdirSync(billingDir), layout)) files.push(await importBillingFile(db, run, join(billingDir, f.name), f.kind, f.period, layout));
  if (files.length === 0) throw new UsageError(`billing folder ${billingDir} holds neither ${expected.customers} nor ${expected.invoices}${of}`);
  const count = async (t: string) => Number((await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
  const summary = { files, customers: await count('customers'), invoices: await count('invoices') };
  run.count('billing.files', files.length);
  return summary;
}

/**
 * The typing pass's settings for one file of the layout: the formats of the period, dates and
 * amount, and each field's label in messages (with the export's column when it is named otherwise).
 */
function typingVariables(layout: BillingLayout, kind: 'customers' | 'invoices', period: string | null): Record<string, IngestValue> {
  if (kind === 'customers') {
    const c = layout.customers;
    const map = c.segment_map ?? {};
    return {
      label_customer_code: fieldLabel('customer_code', c.columns.customer_code),
      label_segment: fieldLabel('segment', c.columns.segment),
      has_segment_map: c.segment_map !== undefined,
      segment_codes: Object.keys(map).map((k) => k.trim()),
      segment_values: Object.values(map),
      segment_expected: c.segment_map ? `a code listed in customers.segment_map (${Object.keys(map).join(', ')})` : 'residential, business, industrial or administrative',
    };
  }
  const inv = layout.invoices;
  const a = inv.amount;
  const plainAmount = a.grouping === '' && a.decimal === null && !a.currency && a.implied_decimals === 0;
  const date = datePattern(inv.date_format);
  const dayPart = dateOnlyFormat(inv.date_format);
  const day = dayPart === null ? { strptime: '%Y-%m-%d', regex: '^$' } : datePattern(dayPart);
  const per = periodPattern(inv.period_format);
  const label = (f: (typeof INVOICE_FIELDS)[number]) => fieldLabel(f, inv.columns[f]);
  return {
    amount_plain: plainAmount,
    amount_re: amountPattern(a),
    amount_grouping: a.grouping,
    amount_expected: plainAmount ? 'a positive whole amount in đồng (digits only), at most 1000000000000000' : `a positive ${describeAmountFormat(a).replace(/^a /, '')}, at most 1000000000000000`,
    date_plain: inv.date_format === 'YYYY-MM-DD',
    date_fmt: date.strptime,
    date_re: date.regex,
    day_fmt: day.strptime,
    day_re: day.regex,
    date_expected: `a date ${inv.date_format}`,
    period_plain: inv.period_format === 'YYYY-MM',
    period_fmt: per.strptime,
    period_re: per.regex,
    period_format: inv.period_format,
    // The file's period as the period column writes it, for the message of a later one.
    period_shown: formatPeriod(period!, inv.period_format),
    label_invoice_no: label('invoice_no'),
    label_customer_code: label('customer_code'),
    label_period: label('period'),
    label_issued_on: label('issued_on'),
    label_due_on: label('due_on'),
    label_amount_vnd: label('amount_vnd'),
  };
}

async function importBillingFile(db: Database, run: Run, path: string, kind: 'customers' | 'invoices', period: string | null, layout: BillingLayout): Promise<FileOutcome> {
  const fp = await fingerprint(path);
  run.addInput(fp);
  const outcome: FileOutcome = { path, partner_id: null, file_id: null, status: 'loaded', message: '', records_read: 0, records_loaded: 0, records_rejected: 0, records_duplicate: 0 };
  // Bytes already imported are skipped, also when a newer export of the period has replaced them
  // since: an old copy left in a data folder (or a rerun of an earlier close) must not silently
  // undo a correction. A deliberate rollback is a new export from the billing system.
  const earlier = await earlierReceipt(db, fp.sha256, ['loaded', 'replaced']);
  if (earlier) {
    const since = earlier.status === 'replaced' ? `; it was replaced since by a newer ${kind} export of its period, which stays (a rollback needs a new export)` : '';
    Object.assign(outcome, { status: 'skipped', file_id: Number(earlier.file_id), message: `${path}: skipped, identical (sha256) to file ${earlier.file_id} ${earlier.path} imported ${earlier.loaded}${since}` });
    return outcome;
  }
  await ensureMacros(db);
  const stagePath = join(stagingDir(), `billing-${fp.sha256.slice(0, 16)}.txt`);
  const out = new StageWriter(stagePath);
  let direct = false;
  try {
    // Typing, the repeats and the counts write only temp tables, so they run before the
    // transaction: DuckDB scans a temp table created in a still-open transaction several times
    // slower (README, "Matching", round 3). Only the writes to persistent tables are in the transaction.

    // A big export is read in place when its records are one line each (the direct path, as for
    // partner files); otherwise it is split into the staging file.
    const format = { type: 'delimited' as const, delimiter: layout.delimiter, quote: layout.quote };
    const section = kind === 'customers' ? layout.customers : layout.invoices;
    const t = section.trailer;
    const records: RecordLayout = {
      format, header: { type: 'names' }, skip: section.skip,
      ...(section.preamble ? { preamble: section.preamble } : {}),
      ...(t ? { trailer: { match: t.match, in: 'records' as const, counts: 'all' as const, ...(t.count ? { count: t.count } : {}), ...(t.amount ? { amount: t.amount } : {}) } } : {}),
    };
    const utf8 = layout.encoding === 'utf-8' || layout.encoding === 'utf-8-bom';
    const scan = utf8 && fp.bytes >= directBytes() ? await scanForDirect(path, layout.encoding, records, path) : null;
    direct = scan !== null;
    const split = scan ?? (await splitRecords(decodeFile(path, layout.encoding, path), records, path, out, 1));
    out.close();
    // The closing total line the layout declares: missing, the export may be cut short; its figures are checked below.
    if (t && !split.trailer) {
      throw new FileError(`${path}: no line matches ${kind}.trailer.match /${t.match}/, the total line the billing layout expects: the export may be cut short (or the regex misses its total line, which is then read as a record)`);
    }
    const control = t && split.trailer ? parseControls(t, layout.invoices.amount, false, split.trailer, path, `${kind}.trailer`) : null;
    // Canonical field → the export's column (null: the export has none, the field is empty).
    const columns: Record<string, string | null> = kind === 'customers' ? layout.customers.columns : layout.invoices.columns;
    const mapped = (kind === 'customers' ? CUSTOMER_FIELDS : INVOICE_FIELDS).map((f): [string, string | null] => [f, columns[f] ?? null]);
    const key = (field: string) => (layout.source ? `${kind}.columns.${field} of ${layout.source}` : `the ${kind} header`);
    if (!split.header) throw new FileError(`${path}: the file is empty, expected the header ${mapped.flatMap(([, c]) => (c === null ? [] : [c])).join(layout.delimiter)}`);
    const cols = stagedColumns(split.header);
    const col = columnResolver(cols, path);
    const dialect = { delimiter: layout.delimiter, ...readerDialect(format), columns: split.header.length, maxRecordBytes: split.maxRecordBytes };
    const source = scan ? directSource(path, dialect, scan.direct.dataFrom) : stageSource(stagePath, dialect);
    const fileId = Number((await db.one<{ id: bigint }>('SELECT coalesce(max(file_id), 0) + 1 AS id FROM source_files'))!.id);
    // The staging file is a batch of one (seq 1), read by the same SQL as partner batches.
    await setIngestVariable(db, {
      files: [path], file_ids: { ints: [fileId] }, period: period ?? '', stage_sep: layout.delimiter, columns: split.header.join(', '),
      delimiter: layout.delimiter, quote: layout.quote, ...typingVariables(layout, kind, period),
    });
    // The projection first: it marks the columns withFields computes.
    // A field the export has no column for is empty; an invoices export without a period column
    // holds the file name's period only (written as the period column would write it).
    const absent = (field: string) => (field === 'period' ? `getvariable('ingest').period_shown` : 'CAST(NULL AS VARCHAR)');
    const fields = mapped.map(([field, c]) => `${c === null ? absent(field) : col(c, key(field))} AS ${field}`);
    const guard = col(mapped[0]![1]!, key(mapped[0]![0]));
    const projection = ['seq', 'line_no', ...fields, `${blankTest(guard, cols)} AS blank`, ...cols.staged].join(', ');
    await typeRows(db, `ingest/type_${kind}.sql`, source.params, {
      source: withFields(cols, source.sql),
      raw_projection: projection,
      raw_text: joinedText(split.header.length, "getvariable('ingest').delimiter", "getvariable('ingest').quote"),
    }, scan?.direct ?? null);
    await runIngestSql(db, 'ingest/billing_repeats.sql', {}, { key: kind === 'customers' ? 'customer_code' : 'invoice_no' });
    const c = await ingestSqlRow<{ typed: bigint; rejected: bigint; firsts: bigint; csv: bigint }>(db, 'ingest/billing_counts.sql');
    const checked = control ? await checkControls(db, kind, control, split.trailer!.line, Number(c.typed) + Number(c.csv), Number(c.rejected) + Number(c.csv), path) : null;
    return await db.transaction(async () => {
      if (c.csv > 0n) {
        await runIngestSql(db, 'ingest/csv_rejects.sql', {}, { prefix_columns: scan ? '0' : '2', field_count: "ingest_field_count(raw, getvariable('ingest').delimiter, getvariable('ingest').quote)", more_hint: "''" });
        await runIngestSql(db, 'ingest/clear_csv_errors.sql');
      }
      if (c.rejected > 0n) await runIngestSql(db, 'ingest/typed_rejects.sql', {}, { txn_ref: 'NULL' });
      const rejected = Number(c.rejected) + Number(c.csv);
      const read = Number(c.typed) + Number(c.csv);
      const loaded = Number(c.firsts);
      if (kind === 'invoices') {
        await db.run(
          `UPDATE source_files SET status = 'replaced', status_reason = $2 WHERE kind = 'invoices' AND period = $1 AND status = 'loaded'`,
          [period, `replaced by file ${fileId} ${path}`],
        );
      }
      await runIngestSql(db, `ingest/replace_${kind}.sql`, { file_id: fileId });
      if (kind === 'invoices') {
        const removed = (await db.one<{ n: bigint }>('SELECT count(*) AS n FROM billing_before'))!.n;
        if (removed > 0n) await runIngestSql(db, 'ingest/invoice_versions.sql', { file_id: fileId });
        await db.run('DROP TABLE billing_before');
      }
      await db.run(
        `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, records_read, records_loaded,
           records_rejected, records_duplicate, amount_read, control_count, control_amount, rejected_amount, status, run_id, loaded_at, period)
         VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'loaded', $15, now(), $16)`,
        [fileId, kind, path, basename(path), fp.sha256, fp.bytes, read, loaded, rejected, read - loaded - rejected,
         checked?.amountRead ?? null, control?.count ?? null, control?.amount ?? null, checked?.rejectedAmount ?? null, run.runId, period],
      );
      Object.assign(outcome, {
        file_id: fileId, records_read: read, records_loaded: loaded, records_rejected: rejected, records_duplicate: read - loaded - rejected,
        message: `${path}: ${read} records read, ${loaded} ${kind} loaded, ${rejected} rejected, ${read - loaded - rejected} duplicate`,
      });
      run.count(`billing.${kind}_loaded`, loaded);
      run.count('billing.rejected', rejected);
      return outcome;
    });
  } catch (e) {
    const trouble = engineTrouble(e);
    if (trouble !== null) throw new RunFailedError(`importing ${path}: ${trouble}`);
    // Refusals of a rolled-back file must not be counted for the next one.
    await runIngestSql(db, 'ingest/clear_csv_errors.sql').catch(() => undefined);
    const message = e instanceof Error ? e.message : String(e);
    const fileId = await recordFailure(db, run, fp, kind, null, message);
    Object.assign(outcome, { file_id: fileId, status: 'failed', message: `${message}; nothing imported from this file` });
    run.count('billing.failed', 1);
    return outcome;
  } finally {
    out.close();
    removeStaging(stagePath);
    // The direct path's view would stop the next file's typing from creating its table of that name.
    if (direct) await dropTypedView(db);
  }
}

/**
 * An export's records against its total line, as partner files' control totals (DOMAIN "Ingest
 * semantics"): the count must equal the records read; with no record rejected the sum must equal
 * theirs, else the difference is the amount in rejected records. A FileError when they disagree:
 * the export is not imported, since one cut short would replace the period's invoices with part
 * of them.
 */
async function checkControls(db: Database, kind: 'customers' | 'invoices', control: { count: number | null; amount: bigint | null }, line: number, read: number, rejected: number, path: string): Promise<{ amountRead: bigint | null; rejectedAmount: bigint | null }> {
  const whole = 'an export cut short would replace what the period holds with part of it: ask the billing team for the whole export';
  if (control.count !== null && control.count !== read) {
    throw new FileError(`${path}, line ${line}: the total line states ${control.count} records, the export has ${read}; ${whole}`);
  }
  if (kind === 'customers' || control.amount === null) return { amountRead: null, rejectedAmount: null };
  const sums = (await db.one<{ read: bigint | null; accepted: bigint | null }>(
    'SELECT sum(amount_vnd) AS read, sum(amount_vnd) FILTER (WHERE reason IS NULL) AS accepted FROM ingest_typed',
  ))!;
  const amountRead = sums.read ?? 0n;
  if (rejected === 0 && control.amount !== amountRead) {
    throw new FileError(`${path}, line ${line}: the total line states ${control.amount} đồng, the invoices sum to ${amountRead}; ${whole}`);
  }
  return { amountRead, rejectedAmount: rejected > 0 ? control.amount - (sums.accepted ?? 0n) : null };
}
