// The billing export (customers.csv, invoices-YYYY-MM.csv) through the same machinery as partner
// files: UTF-8 decoding, the record splitter with line numbers, DuckDB's pinned CSV reader, SQL
// validation into rejects. Customers are upserted; invoices are replaced by period.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Database } from '../db/database.ts';
import { UsageError } from '../errors.ts';
import { fingerprint, type Run } from '../runs/ledger.ts';
import { decodeFile } from './decode.ts';
import { FileError } from './file-error.ts';
import { directBytes, dropTypedView, earlierReceipt, ensureMacros, joinedText, recordFailure, removeStaging, scanForDirect, stagingDir, typeRows, type FileOutcome } from './load.ts';
import { blankTest, columnResolver, setIngestVariable, stagedColumns, withFields } from './mapping.ts';
import { splitRecords, type RecordLayout } from './records.ts';
import { ingestSqlRow, runIngestSql } from './sql.ts';
import { directSource, stageSource } from './stage.ts';
import { StageWriter } from './stage-writer.ts';

const LAYOUT: RecordLayout = { format: { type: 'delimited', delimiter: ',', quote: '"' }, header: { type: 'names' }, skip: [] };
const CUSTOMER_COLUMNS = ['customer_code', 'name', 'pc', 'unit', 'segment'];
const INVOICE_COLUMNS = ['invoice_no', 'customer_code', 'period', 'series', 'number', 'issued_on', 'due_on', 'amount_vnd'];
const INVOICE_FILE = /^invoices-(\d{4}-(?:0[1-9]|1[0-2]))\.csv$/i;

export interface BillingSummary {
  files: FileOutcome[];
  customers: number;
  invoices: number;
}

/**
 * Imports `billingDir/customers.csv` (upsert by customer code) and every
 * `billingDir/invoices-YYYY-MM.csv` (its period's invoices and arrears of earlier periods, replacing
 * what earlier exports of that period loaded), one transaction per file.
 * A file whose bytes were already imported (and not since replaced) is a no-op.
 */
export async function importBilling(db: Database, run: Run, billingDir: string): Promise<BillingSummary> {
  if (!existsSync(billingDir)) throw new UsageError(`billing folder ${billingDir} does not exist; expected customers.csv and invoices-YYYY-MM.csv there`);
  const names = readdirSync(billingDir).sort();
  const files: FileOutcome[] = [];
  if (names.includes('customers.csv')) files.push(await importBillingFile(db, run, join(billingDir, 'customers.csv'), 'customers', null));
  for (const n of names) {
    const m = INVOICE_FILE.exec(n);
    if (m) files.push(await importBillingFile(db, run, join(billingDir, n), 'invoices', m[1]!));
  }
  if (files.length === 0) throw new UsageError(`billing folder ${billingDir} holds neither customers.csv nor invoices-YYYY-MM.csv`);
  const count = async (t: string) => Number((await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
  const summary = { files, customers: await count('customers'), invoices: await count('invoices') };
  run.count('billing.files', files.length);
  return summary;
}

async function importBillingFile(db: Database, run: Run, path: string, kind: 'customers' | 'invoices', period: string | null): Promise<FileOutcome> {
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
    const scan = fp.bytes >= directBytes() ? await scanForDirect(path, 'utf-8', LAYOUT, path) : null;
    direct = scan !== null;
    const split = scan ?? (await splitRecords(decodeFile(path, 'utf-8', path), LAYOUT, path, out, 1));
    out.close();
    const wanted = kind === 'customers' ? CUSTOMER_COLUMNS : INVOICE_COLUMNS;
    if (!split.header) throw new FileError(`${path}: the file is empty, expected the header ${wanted.join(',')}`);
    const cols = stagedColumns(split.header);
    const col = columnResolver(cols, path);
    const dialect = { delimiter: ',', quote: '"', escape: '"', columns: split.header.length, maxRecordBytes: split.maxRecordBytes };
    const source = scan ? directSource(path, dialect, scan.direct.dataFrom) : stageSource(stagePath, dialect);
    const fileId = Number((await db.one<{ id: bigint }>('SELECT coalesce(max(file_id), 0) + 1 AS id FROM source_files'))!.id);
    // The staging file is a batch of one (seq 1), read by the same SQL as partner batches.
    await setIngestVariable(db, { files: [path], file_ids: { ints: [fileId] }, period: period ?? '', stage_sep: ',', columns: split.header.join(', ') });
    // The projection first: it marks the columns withFields computes.
    const projection = ['seq', 'line_no', ...wanted.map((w) => `${col(w, `the ${kind} header`)} AS ${w}`), `${blankTest(col(wanted[0]!, `the ${kind} header`), cols)} AS blank`, ...cols.staged].join(', ');
    await typeRows(db, `ingest/type_${kind}.sql`, source.params, {
      source: withFields(cols, source.sql),
      raw_projection: projection,
      raw_text: joinedText(split.header.length, "','", "'\"'"),
    }, scan?.direct ?? null);
    await runIngestSql(db, 'ingest/billing_repeats.sql', {}, { key: kind === 'customers' ? 'customer_code' : 'invoice_no' });
    const c = await ingestSqlRow<{ typed: bigint; rejected: bigint; firsts: bigint; csv: bigint }>(db, 'ingest/billing_counts.sql');
    return await db.transaction(async () => {
      if (c.csv > 0n) {
        await runIngestSql(db, 'ingest/csv_rejects.sql', {}, { prefix_columns: scan ? '0' : '2', field_count: `ingest_field_count(raw, ',', '"')`, more_hint: "''" });
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
           records_rejected, records_duplicate, status, run_id, loaded_at, period)
         VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, $10, 'loaded', $11, now(), $12)`,
        [fileId, kind, path, basename(path), fp.sha256, fp.bytes, read, loaded, rejected, read - loaded - rejected, run.runId, period],
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
