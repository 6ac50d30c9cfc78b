// A third adversarial sweep, written from DOMAIN.md: a month closed and the next one billed
// (replace-by-period, arrears carried), a corrected billing export under standing auditor decisions,
// adjustments arriving in a later month, credit carried to the next bill, ties at the same instant,
// refunds of a payment that paid several invoices, code conflicts, typos with two neighbours, local
// midnight at the KPI and aging boundaries, and the KPI formulas with every kind of exception present.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { importBilling } from '../../src/ingest/index.ts';
import { recordDecision } from '../../src/match/decisions.ts';
import { exceptionQueue } from '../../src/match/exception-queue.ts';
import { explainPayment } from '../../src/match/explain.ts';
import { computeKpis } from '../../src/reports/kpis.ts';
import { Run } from '../../src/runs/ledger.ts';
import { allocations, exceptions, load, match, openDb, vietqr, type World } from './fixture.ts';

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function fresh(world: World = {}): Promise<Database> {
  const db = await openDb();
  open.push(db);
  await load(db, world);
  return db;
}

async function rows(db: Database) {
  return {
    alloc: (await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.amount} ${a.rule}`),
    exc: (await exceptions(db)).map((e) => `${e.txn} ${e.reason} ${e.amount}${e.suggested ? ` → ${e.suggested}` : ''}${e.status === 'open' ? '' : ` (${e.status})`}`),
  };
}

const reversed = (w: World): World => ({
  ...w,
  customers: [...(w.customers ?? [])].reverse(),
  invoices: [...(w.invoices ?? [])].reverse(),
  payments: [...(w.payments ?? [])].reverse(),
});

/** The world's outcome, checked to be the same when its rows are loaded in the opposite order. */
async function outcomeEitherOrder(world: World, asOf?: string) {
  const forward = await fresh(world);
  await match(forward, asOf);
  const backward = await fresh(reversed(world));
  await match(backward, asOf);
  const got = await rows(forward);
  expect(await rows(backward)).toEqual(got);
  return got;
}

const PARTNERS: World['partners'] = [
  { id: 'VCB', group: 'bank' },
  { id: 'MOMO', group: 'intermediary' },
  { id: 'AG', group: 'retail_agent' },
  { id: 'EVN', group: 'evn_counter' },
];

const code = (n: number) => `PE01000000${String(n).padStart(2, '0')}`;
const [C1, C2, C3, C4, C5] = [1, 2, 3, 4, 5].map(code) as [string, string, string, string, string];

// ---------------------------------------------------------------------------------------------
// Two months through the billing import: October closed, then November billed with October's
// arrears carried forward, then November's export corrected.
// ---------------------------------------------------------------------------------------------

const INV_HEAD = 'invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd';
const inv = (no: string, customer: string, period: string, amount: number) =>
  `${no},${customer},${period},1K26TAA,${no.replace(/\D/g, '').padStart(8, '0')},${period}-05,${period}-20,${amount}`;

class Billing {
  readonly dir = mkdtempSync(join(tmpdir(), 'recon-sweep3-billing-'));
  constructor() {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'customers.csv'), ['customer_code,name,pc,unit,segment', ...[C1, C2, C3, C4, C5].map((c) => `${c},Khach ${c},EVNHCMC,PE0100,residential`)].join('\n'));
  }
  export(period: string, lines: string[]): void {
    writeFileSync(join(this.dir, `invoices-${period}.csv`), [INV_HEAD, ...lines].join('\n') + '\n');
  }
  async import(db: Database) {
    const run = await Run.start(db, 'test', {}, join(tmpdir(), 'recon-test-out'));
    return importBilling(db, run, this.dir);
  }
}

const headline = async (db: Database, period: string, asOf: string) => (await computeKpis(db, period, asOf)).headline.counts;

describe('a month closed, then the next billed with arrears carried, then that billing corrected', () => {
  it('keeps allocations, exceptions and both periods\' KPIs right at every step, decisions applied throughout', async () => {
    const billing = new Billing();
    billing.export('2026-10', [inv('O1', C1, '2026-10', 100), inv('O2', C2, '2026-10', 200), inv('O3', C3, '2026-10', 300)]);
    const db = await fresh({ partners: PARTNERS });
    await billing.import(db);
    await load(db, {
      payments: [
        { txn: 'P1', partner: 'VCB', amount: 100, code: C1, at: '2026-10-10T09:00:00' },
        { txn: 'P2', partner: 'VCB', amount: 50, code: C2, at: '2026-10-12T09:00:00' },
        // 100 more than C3 owes: credit for its next bill.
        { txn: 'P3', partner: 'MOMO', instrument: 'ewallet', amount: 400, code: C3, at: '2026-10-15T09:00:00' },
      ],
    });
    await match(db, '2026-11-30');
    expect(await rows(db)).toEqual({
      alloc: ['MOMO:P3 O3 300 overpayment', 'VCB:P1 O1 100 amount_equals_invoice', 'VCB:P2 O2 50 oldest_first_partial'],
      exc: ['MOMO:P3 overpayment_credit 100'],
    });
    expect(await headline(db, '2026-10', '2026-11-30')).toMatchObject({ invoices: 3, invoiced_vnd: 600, allocated_vnd: 450, invoices_settled: 2 });

    // November: its own bills, O2 brought forward (150 still owed), and a 0 đ line the billing
    // system should never send (DOMAIN: invoices have positive amounts): rejected, not loaded.
    billing.export('2026-11', [
      inv('N1', C1, '2026-11', 110),
      inv('N2', C2, '2026-11', 220),
      inv('N3', C3, '2026-11', 330),
      inv('N9', C4, '2026-11', 999),
      inv('O2', C2, '2026-10', 200),
      inv('N0', C5, '2026-11', 0),
    ]);
    const nov = await billing.import(db);
    expect(nov.files.filter((f) => f.status === 'loaded').map((f) => [f.records_read, f.records_loaded, f.records_rejected])).toEqual([[6, 5, 1]]);
    expect(await db.all(`SELECT value, reason FROM rejects`)).toEqual([{ value: '0', reason: 'bad_amount' }]);
    await load(db, {
      payments: [
        // Arrears + current: exactly what C2 owes in all.
        { txn: 'A4', partner: 'AG', instrument: 'cash', amount: 370, code: C2, at: '2026-11-05T09:00:00' },
        // C3 pays its November bill less the October credit.
        { txn: 'P5', partner: 'VCB', amount: 230, code: C3, at: '2026-11-06T09:00:00' },
        // Nobody's code: an auditor finds it is C1's November bill.
        { txn: 'Q1', partner: 'VCB', amount: 110, code: null, memo: 'tien dien nha ba ngoai', at: '2026-11-20T09:00:00' },
        // An auditor ties it to N9, which the corrected export will no longer carry.
        { txn: 'Q2', partner: 'VCB', amount: 999, code: null, memo: 'tt hoa don', at: '2026-11-21T09:00:00' },
      ],
    });
    const decide = (txn: string, invoiceNo: string) =>
      recordDecision(db, { action: 'match', payment: { partnerId: 'VCB', txnRef: txn }, invoiceNo, by: 'auditor', reason: 'phoned', runId: 'test' });
    await decide('Q1', 'N1');
    await decide('Q2', 'N9');
    await match(db, '2026-12-31');
    // Matching from scratch: October's overpayment now pays November's bill in part (the earlier
    // payment takes a residual: DOMAIN), and the credit is gone.
    expect(await rows(db)).toEqual({
      alloc: [
        'AG:A4 N2 220 amount_equals_open_total',
        'AG:A4 O2 150 amount_equals_open_total',
        'MOMO:P3 N3 100 oldest_first_partial',
        'MOMO:P3 O3 300 oldest_first_partial',
        'VCB:P1 O1 100 amount_equals_invoice',
        'VCB:P2 O2 50 oldest_first_partial',
        'VCB:P5 N3 230 amount_equals_invoice',
        'VCB:Q1 N1 110 decision',
        'VCB:Q2 N9 999 decision',
      ],
      exc: [],
    });
    // October as of its own as-of date: the arrears paid in November count in October.
    const oct = await headline(db, '2026-10', '2026-11-30');
    expect(oct).toMatchObject({ invoices: 3, invoiced_vnd: 600, allocated_vnd: 600, invoices_settled: 3 });
    const novK = await computeKpis(db, '2026-11', '2026-12-31');
    expect(novK.headline.counts).toMatchObject({ invoices: 4, invoiced_vnd: 1659, allocated_vnd: 1659, invoices_settled: 4 });
    expect(novK.previous?.counts).toEqual(oct);

    // November corrected: N2 was 250, not 220; N9 was billed in error and is dropped.
    billing.export('2026-11', [
      inv('N1', C1, '2026-11', 110),
      inv('N2', C2, '2026-11', 250),
      inv('N3', C3, '2026-11', 330),
      inv('O2', C2, '2026-10', 200),
    ]);
    await billing.import(db);
    await match(db, '2026-12-31');
    expect(await rows(db)).toEqual({
      alloc: [
        // 370 is now less than the 400 C2 owes: oldest first, N2 keeps 30 open.
        'AG:A4 N2 220 oldest_first_partial',
        'AG:A4 O2 150 oldest_first_partial',
        'MOMO:P3 N3 100 oldest_first_partial',
        'MOMO:P3 O3 300 oldest_first_partial',
        'VCB:P1 O1 100 amount_equals_invoice',
        'VCB:P2 O2 50 oldest_first_partial',
        'VCB:P5 N3 230 amount_equals_invoice',
        'VCB:Q1 N1 110 decision',
      ],
      // The decision naming N9 no longer applies: the payment goes back to the rules, which find no customer.
      exc: ['VCB:Q2 unknown_customer 999'],
    });
    const q2 = await explainPayment(db, { partnerId: 'VCB', txnRef: 'Q2' });
    expect(q2?.records[0]?.rules.find((r) => r.rule === '2 auditor decision')?.why).toMatch(/names invoice N9, which is not loaded: ignored/);
    expect(await headline(db, '2026-10', '2026-11-30')).toEqual(oct);
    expect(await headline(db, '2026-11', '2026-12-31')).toMatchObject({ invoices: 3, invoiced_vnd: 690, allocated_vnd: 660, invoices_settled: 2 });
  });
});
