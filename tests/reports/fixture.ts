// A tiny hand-made month for the report tests, inserted straight into the core tables (ingest and
// matching are not involved). Its KPIs are computed by hand in kpis.test.ts.
//
// Period 2026-01, default as-of 2026-02-28. Partners: vcb (bank), momo (intermediary),
// agent1 (retail_agent), evnhn (evn_counter). Customers C1, C2 (EVNHANOI, unit PD0100),
// C3 (EVNHCMC, PE0100), C4 (EVNNPC, PA0300). Invoices of 2026-01: I1 C1 100,000; I2 C2 200,000;
// I3 C3 300,000; I4 C4 400,000; I5 C1 50,000. Invoice of 2025-12: H1 C1 100,000.
import { Database } from '../../src/db/database.ts';

export const XSS_MEMO = '<img src=x onerror=alert(1)>';
export const FORMULA_MEMO = '=HYPERLINK("http://x","CK tiền điện")';

type Pay = [id: number, file: number, partner: string, txn: string, kind: string, paidAt: string, settledOn: string | null, customer: string | null, amount: number, instrument: string, memo?: string];

/** Payments: paid_at in ISO with explicit offset so the local date is unambiguous. */
const PAYMENTS: Pay[] = [
  [1, 1, 'vcb', 'T1', 'payment', '2026-01-10T10:00:00+07:00', '2026-01-11', 'PD01000000001', 150_000, 'transfer'],
  [2, 3, 'agent1', 'A1', 'payment', '2026-01-12T09:00:00+07:00', '2026-01-15', 'PD01000000002', 100_000, 'cash'],
  [3, 2, 'momo', 'M1', 'payment', '2026-01-13T09:00:00+07:00', '2026-01-14', 'PD01000000002', 100_000, 'ewallet'],
  // Cash at a bank counter: bank channel, not cashless.
  [4, 1, 'vcb', 'T2', 'payment', '2026-02-01T08:00:00+07:00', '2026-02-02', 'PE01000000003', 300_000, 'cash'],
  // Paid after the as-of date: allocated, but not counted.
  [5, 5, 'evnhn', 'E1', 'payment', '2026-03-02T08:00:00+07:00', '2026-03-02', 'PA03000000004', 390_000, 'cash'],
  // 23:59:59 local on the as-of date: counted.
  [6, 2, 'momo', 'M2', 'payment', '2026-02-28T16:59:59Z', '2026-03-01', 'PA03000000004', 10_000, 'ewallet'],
  // 00:00:00 local the day after: not counted (and its exception is not in the queue yet).
  [7, 3, 'agent1', 'A2', 'payment', '2026-02-28T17:00:00Z', '2026-03-02', 'PA03000000004', 20_000, 'cash'],
  [8, 1, 'vcb', 'T0', 'payment', '2026-01-05T08:00:00+07:00', '2026-01-06', 'PD01000000001', 100_000, 'transfer'],
  // Reversed: void, no allocations.
  [9, 2, 'momo', 'M3', 'payment', '2026-01-20T08:00:00+07:00', '2026-01-21', 'PE01000000003', 400_000, 'ewallet'],
  [10, 2, 'momo', 'M3', 'reversal', '2026-01-21T08:00:00+07:00', '2026-01-22', 'PE01000000003', 400_000, 'ewallet'],
  [11, 3, 'agent1', 'A3', 'payment', '2025-10-01T08:00:00+07:00', '2025-10-03', 'PX99', 70_000, 'cash', XSS_MEMO],
  // A memo that a spreadsheet would evaluate as a formula if exported unguarded.
  [12, 1, 'vcb', 'T3', 'payment', '2026-02-20T08:00:00+07:00', '2026-02-23', 'PD01000000001', 55_000, 'transfer', FORMULA_MEMO],
];

const ALLOCATIONS: Array<[payment: number, invoice: string, amount: number]> = [
  [1, 'I1', 100_000],
  [1, 'I5', 50_000],
  [2, 'I2', 100_000],
  [3, 'I2', 100_000],
  [4, 'I3', 300_000],
  [5, 'I4', 390_000],
  [6, 'I4', 10_000],
  [8, 'H1', 100_000],
];

const EXCEPTIONS: Array<[payment: number, reason: string, amount: number, suggested: string | null]> = [
  [7, 'no_open_invoice', 20_000, null],
  [11, 'unknown_customer', 70_000, null],
  [12, 'duplicate_payment', 55_000, 'I1'],
];

/** Opens a database (in memory unless `path` is given) holding the fixture month. */
export async function fixtureDb(path = ':memory:'): Promise<Database> {
  const db = await Database.open({ path });
  for (const [id, name, group, instrument] of [
    ['vcb', 'Vietcombank', 'bank', 'transfer'],
    ['momo', 'MoMo', 'intermediary', 'ewallet'],
    ['agent1', 'Đại lý <b>Hoà Bình</b>', 'retail_agent', 'cash'],
    ['evnhn', 'Quầy EVNHANOI', 'evn_counter', 'cash'],
  ]) {
    await db.run('INSERT INTO partners VALUES ($1, $2, $3, NULL, $4, $5)', [id!, name!, group!, instrument!, 'h']);
  }
  const files: Array<[number, string | null, string, number, number, number, number, number | null]> = [
    // file, partner, status, read, loaded, rejected, duplicate, control_count
    [1, 'vcb', 'loaded', 10, 8, 1, 1, 10],
    [2, 'momo', 'quarantined', 5, 0, 0, 0, 6],
    [3, 'agent1', 'loaded', 4, 4, 0, 0, null],
    [4, 'vcb', 'skipped_duplicate', 0, 0, 0, 0, null],
    [5, 'evnhn', 'loaded', 1, 1, 0, 0, null],
  ];
  for (const [id, partner, status, read, loaded, rejected, dup, control] of files) {
    await db.run(
      `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, records_read, records_loaded,
         records_rejected, records_duplicate, control_count, status, run_id, loaded_at)
       VALUES ($1, 'partner', $2, $3, $3, $4, 100, $5, $6, $7, $8, $9, $10, 'r1', '2026-03-01 00:00:00+07')`,
      // File 4 is a second delivery of file 1's bytes (same sha256), as ingest records it.
      [id, partner, `f${id}.csv`, `sha${id === 4 ? 1 : id}`, read, loaded, rejected, dup, control, status],
    );
  }
  // One billing export per period (the report's scope lists the periods billed by an export of their own).
  await db.run(`INSERT INTO source_files (file_id, kind, path, file_name, sha256, bytes, status, run_id, loaded_at, period)
                VALUES (90, 'invoices', 'inv.csv', 'inv.csv', 'shainv', 1, 'loaded', 'r1', '2026-03-01 00:00:00+07', '2026-01'),
                       (91, 'invoices', 'inv-12.csv', 'inv-12.csv', 'shainv12', 1, 'loaded', 'r1', '2026-01-01 00:00:00+07', '2025-12')`);
  await db.run(`INSERT INTO rejects (file_id, line_no, field, value, reason, message, raw) VALUES (1, 7, 'amount', '12,3a4', 'bad_amount', 'bad amount', 'raw')`);
  for (const [code, pc] of [
    ['PD01000000001', 'EVNHANOI'],
    ['PD01000000002', 'EVNHANOI'],
    ['PE01000000003', 'EVNHCMC'],
    ['PA03000000004', 'EVNNPC'],
  ]) {
    await db.run('INSERT INTO customers VALUES ($1, $2, $3, $4, $5, 90)', [code!, pc!, code!.slice(0, 6), 'residential', `Khách ${code}`]);
  }
  for (const [no, code, period, amount] of [
    ['I1', 'PD01000000001', '2026-01', 100_000],
    ['I2', 'PD01000000002', '2026-01', 200_000],
    ['I3', 'PE01000000003', '2026-01', 300_000],
    ['I4', 'PA03000000004', '2026-01', 400_000],
    ['I5', 'PD01000000001', '2026-01', 50_000],
    ['H1', 'PD01000000001', '2025-12', 100_000],
  ] as const) {
    await db.run(
      `INSERT INTO invoices (invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id)
       VALUES ($1, $2, $3, '1K26TAA', $1, ($3 || '-28')::DATE, ($3 || '-28')::DATE + 15, $4, CASE $3 WHEN '2025-12' THEN 91 ELSE 90 END)`,
      [no, code, period, amount],
    );
  }
  for (const [id, file, partner, txn, kind, paidAt, settledOn, customer, amount, instrument, memo] of PAYMENTS) {
    await db.run(
      `INSERT INTO payments VALUES ($1, $2, $1 + 1, $3, $4, $5, $6::TIMESTAMPTZ, $7::DATE, $8, NULL, $9, $10, $11, $12, NULL)`,
      [id, file, partner, txn, kind, paidAt, settledOn, customer, memo ?? null, amount, kind === 'reversal' ? txn : null, instrument],
    );
  }
  for (const [payment, invoice, amount] of ALLOCATIONS) {
    await db.run(`INSERT INTO allocations VALUES ($1, $2, $3, 'customer_amount', 1.0)`, [payment, invoice, amount]);
  }
  for (const [payment, reason, amount, suggested] of EXCEPTIONS) {
    await db.run('INSERT INTO exceptions (payment_id, reason, amount_vnd, suggested_invoice_no) VALUES ($1, $2, $3, $4)', [payment, reason, amount, suggested]);
  }
  return db;
}
