// Builds tiny worlds for the matching tests: customers, invoices and payments inserted directly
// with bound parameters, then runMatch, then the outcome keyed by partner + transaction id.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { runMatch, type MatchSummary } from '../../src/match/index.ts';
import { Run } from '../../src/runs/ledger.ts';

export interface InvoiceSpec {
  no: string;
  customer: string;
  amount: number;
  period?: string;
  issued_on?: string;
  series?: string;
  number?: string;
}

export interface PaymentSpec {
  txn: string;
  amount: number;
  partner?: string;
  at?: string; // ISO local time, default 2026-02-10T10:00:00
  kind?: 'payment' | 'reversal' | 'refund';
  code?: string | null;
  ref?: string | null;
  memo?: string | null;
  reverses?: string | null;
  instrument?: string; // default 'transfer'
}

export interface PartnerSpec {
  id: string;
  group: 'bank' | 'intermediary' | 'retail_agent' | 'evn_counter';
}

export interface World {
  /** Needed only by the KPI reports, which read a payment's channel group from its partner. */
  partners?: PartnerSpec[];
  customers?: string[];
  invoices?: InvoiceSpec[];
  payments?: PaymentSpec[];
}

const OUT = mkdtempSync(join(tmpdir(), 'recon-match-'));

export async function openDb(): Promise<Database> {
  return Database.open({ path: ':memory:', threads: 2 });
}

export async function load(db: Database, world: World): Promise<void> {
  for (const p of world.partners ?? []) {
    await db.run(`INSERT INTO partners VALUES ($1, $1, $2, NULL, 'transfer', 'h')`, [p.id, p.group]);
  }
  for (const code of world.customers ?? []) {
    await db.run(`INSERT INTO customers (customer_code, pc, unit, segment, file_id) VALUES ($1, $2, $3, 'residential', 1)`, [
      code,
      'EVN',
      code.slice(0, 6),
    ]);
  }
  for (const i of world.invoices ?? []) {
    await db.run(
      `INSERT INTO invoices (invoice_no, customer_code, period, series, number, issued_on, due_on, amount_vnd, file_id)
       VALUES ($1, $2, $3, $4, $5, $6::DATE, $6::DATE + 15, $7, 2)`,
      [i.no, i.customer, i.period ?? '2026-01', i.series ?? '1K26TAA', i.number ?? null, i.issued_on ?? '2026-01-20', BigInt(i.amount)],
    );
  }
  for (const [n, p] of (world.payments ?? []).entries()) {
    await db.run(
      `INSERT INTO payments (payment_id, file_id, line_no, partner_id, txn_ref, kind, paid_at, customer_code, invoice_ref,
                             memo, amount_vnd, reverses_txn_ref, instrument)
       VALUES (nextval('payment_ids'), 3, $1, $2, $3, $4, CAST($5 AS TIMESTAMP) AT TIME ZONE 'Asia/Ho_Chi_Minh', $6, $7, $8, $9, $10, $11)`,
      [
        n + 2,
        p.partner ?? 'VCB',
        p.txn,
        p.kind ?? 'payment',
        p.at ?? '2026-02-10T10:00:00',
        p.code === undefined ? null : p.code,
        p.ref ?? null,
        p.memo ?? null,
        BigInt(p.amount),
        p.reverses ?? null,
        p.instrument ?? 'transfer',
      ],
    );
  }
}

export async function match(db: Database, asOf = '2026-02-28'): Promise<MatchSummary> {
  const run = await Run.start(db, 'match', {}, OUT);
  return runMatch(db, run, { asOf });
}

export interface AllocationRow {
  txn: string;
  invoice: string;
  amount: number;
  rule: string;
  confidence: number;
}

export async function allocations(db: Database): Promise<AllocationRow[]> {
  const rows = await db.all<{ txn: string; invoice: string; amount: bigint; rule: string; confidence: number }>(
    `SELECT p.partner_id || ':' || p.txn_ref AS txn, a.invoice_no AS invoice, a.amount_vnd AS amount, a.rule, a.confidence
       FROM allocations a JOIN payments p USING (payment_id)
      ORDER BY txn, invoice`,
  );
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}

export interface ExceptionRow {
  txn: string;
  reason: string;
  amount: number;
  suggested: string | null;
  status: string;
}

export async function exceptions(db: Database): Promise<ExceptionRow[]> {
  const rows = await db.all<{ txn: string; reason: string; amount: bigint; suggested: string | null; status: string }>(
    `SELECT p.partner_id || ':' || p.txn_ref AS txn, e.reason, e.amount_vnd AS amount, e.suggested_invoice_no AS suggested, e.status
       FROM exceptions e JOIN payments p USING (payment_id)
      ORDER BY txn, reason`,
  );
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}

export interface VietQrOptions {
  /** Sub-field of tag 62 (additional data) that carries `value`: 01 bill number, 05 reference, 06 customer label, 08 purpose. */
  sub?: '01' | '05' | '06' | '08';
  /** Tag 54, the amount the payee's app filled in (as text). */
  amount?: string;
  /** The consumer id (account) of tag 38/01/01. */
  account?: string;
  /** The checksum written (default crc16 of the payload's UTF-8 bytes). */
  crcOf?: (body: string) => string;
}

/** A VietQR payload (EMVCo TLV) carrying `value` in tag 62 (sub-field 08 unless told), with its CRC. */
export function vietqr(value: string, { sub = '08', amount = '200', account = '113366668888', crcOf = crc16 }: VietQrOptions = {}): string {
  const tlv = (tag: string, v: string) => `${tag}${String(v.length).padStart(2, '0')}${v}`;
  const body =
    tlv('00', '01') + tlv('01', '12') +
    tlv('38', tlv('00', 'A000000727') + tlv('01', tlv('00', '970415') + tlv('01', account)) + tlv('02', 'QRIBFTTA')) +
    tlv('53', '704') + tlv('54', amount) + tlv('58', 'VN') + tlv('62', tlv(sub, value)) + '6304';
  return body + crcOf(body);
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of text's UTF-8 bytes, as 4 upper-case hex digits. */
export function crc16(s: string): string {
  return crc16Bytes(Buffer.from(s, 'utf8'));
}

/** CRC-16/CCITT-FALSE of bytes, bit by bit (independent of the table-driven one under test). */
export function crc16Bytes(bytes: Buffer): string {
  let crc = 0xffff;
  for (const ch of bytes) {
    crc ^= ch << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** The world with its customers, invoices and payments listed in the opposite order (load-order tests). */
export const reversedWorld = (w: World): World => ({
  ...w,
  customers: [...(w.customers ?? [])].reverse(),
  invoices: [...(w.invoices ?? [])].reverse(),
  payments: [...(w.payments ?? [])].reverse(),
});

/**
 * Loads worlds into fresh in-memory databases, each closed after the test that opened it. Call it
 * at a test file's top level: it registers the afterEach that closes them.
 */
export function freshWorlds(): (world?: World) => Promise<Database> {
  const open: Database[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });
  return async (world = {}) => {
    const db = await openDb();
    open.push(db);
    await load(db, world);
    return db;
  };
}

/** An exception as the tests compare it: payment, reason, amount, related invoice, and its status when not open. */
export const exceptionText = (e: ExceptionRow): string =>
  `${e.txn} ${e.reason} ${e.amount}${e.suggested ? ` → ${e.suggested}` : ''}${e.status === 'open' ? '' : ` (${e.status})`}`;

/** What matching made of a world: `PARTNER:TXN INVOICE AMOUNT RULE` and exceptionText, each sorted. */
export async function outcomeRows(db: Database): Promise<{ alloc: string[]; exc: string[] }> {
  return {
    alloc: (await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.amount} ${a.rule}`),
    exc: (await exceptions(db)).map(exceptionText),
  };
}
