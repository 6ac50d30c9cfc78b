// `recon explain` shows an invoice's billing history: each row a billing import replaced (re-issued
// at another amount, withdrawn), with the export and line it came from and the import that
// replaced it, then the current row; a payment allocated to a re-issued invoice says so in a line.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInvoice, formatPayment } from '../../src/commands/explain.ts';
import { toJson } from '../../src/commands/context.ts';
import type { Database } from '../../src/db/database.ts';
import { importBilling } from '../../src/ingest/index.ts';
import { explainInvoice, explainPayment } from '../../src/match/explain.ts';
import { Run } from '../../src/runs/ledger.ts';
import { freshWorlds, load, match } from './fixture.ts';

const fresh = freshWorlds();
const A = 'PE0100123456';
const B = 'PE0100123457';
const HEAD = 'invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd';

class Billing {
  readonly dir = mkdtempSync(join(tmpdir(), 'recon-explain-billing-'));
  constructor() {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'customers.csv'), ['customer_code,name,pc,unit,segment', `${A},Khach A,EVNHCMC,PE0100,residential`, `${B},Khach B,EVNHCMC,PE0100,residential`].join('\n'));
  }
  export(period: string, lines: string[]): void {
    writeFileSync(join(this.dir, `invoices-${period}.csv`), [HEAD, ...lines].join('\n') + '\n');
  }
  /** Imports the folder in a run of its own; its id, as explain names the run that replaced a row. */
  async import(db: Database): Promise<string> {
    const run = await Run.start(db, 'test', {}, join(tmpdir(), 'recon-test-out'));
    await importBilling(db, run, this.dir);
    return run.runId;
  }
}

/** A fresh world whose payments' file (fixture.ts loads them as file 3) is a partner file, so billing exports are files 4, 5, … */
async function world(): Promise<Database> {
  const db = await fresh();
  await db.run(`INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, status, run_id, loaded_at)
                VALUES (3, 'partner', 'VCB', '/nonexistent/VCB.csv', 'VCB.csv', 'x', 0, 'loaded', 'r0', now())`);
  return db;
}

const json = (v: unknown) => JSON.parse(toJson(v)) as Record<string, unknown>;
const WHEN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe("explain shows an invoice's billing history", () => {
  it('shows a December invoice January re-issued at a new amount, and an unchanged one with its current row only', async () => {
    const billing = new Billing();
    const db = await world();
    billing.export('2026-12', [
      `HD2612000066,${A},2026-12,1K26TAA,00000066,2026-12-05,2027-01-15,210000`,
      `HD2612000067,${B},2026-12,1K26TAA,00000067,2026-12-05,2027-01-15,150000`,
    ]);
    await billing.import(db); // customers.csv file 4, invoices-2026-12.csv file 5
    billing.export('2027-01', [
      `HD2701000001,${B},2027-01,1K27TAA,00000001,2027-01-05,2027-02-15,160000`,
      `HD2612000066,${A},2026-12,1K26TAA,00000066,2026-12-05,2027-02-15,180000`,
    ]);
    const jan = await billing.import(db); // invoices-2027-01.csv file 6; December's stays loaded
    // Paid before the re-issue, at December's amount: 30000 đ became credit.
    await load(db, { payments: [{ txn: 'P1', partner: 'VCB', amount: 210000, code: A, ref: 'HD2612000066', at: '2026-12-20T10:00:00' }] });
    await match(db, '2027-01-31');

    const e = (await explainInvoice(db, 'HD2612000066'))!;
    const history = json(e)['billing_history'] as Array<Record<string, unknown>>;
    expect(history).toEqual([
      {
        invoice_no: 'HD2612000066', change: 'reissued', amount_vnd: 210000, period: '2026-12', customer_code: A, series: '1K26TAA', number: '00000066',
        issued_on: '2026-12-05', due_on: '2027-01-15', file_id: 5, file_name: 'invoices-2026-12.csv', line_no: 2,
        replaced_by_file_id: 6, replaced_by_file_name: 'invoices-2027-01.csv', replaced_by_run_id: jan, replaced_at_local: expect.stringMatching(WHEN),
        changes: [{ field: 'amount_vnd', before: '210000', after: '180000' }, { field: 'due_on', before: '2027-01-15', after: '2027-02-15' }],
      },
      {
        invoice_no: 'HD2612000066', change: 'current', amount_vnd: 180000, period: '2026-12', customer_code: A, series: '1K26TAA', number: '00000066',
        issued_on: '2026-12-05', due_on: '2027-02-15', file_id: 6, file_name: 'invoices-2027-01.csv', line_no: 3,
        replaced_by_file_id: null, replaced_by_file_name: null, replaced_by_run_id: null, replaced_at_local: null, changes: [],
      },
    ]);
    // The keys explain had before stay as they were.
    expect(json(e)).toMatchObject({ kind: 'invoice', invoice: { invoice_no: 'HD2612000066', amount_vnd: 180000, residual_vnd: 0 }, claims: [] });
    const at = String(history[0]!['replaced_at_local']);
    expect(formatInvoice(e).split('\n').slice(0, 5)).toEqual([
      `invoice HD2612000066 of ${A} (EVNHCMC) period 2026-12: 180000 đ, residual 0 đ`,
      '',
      'billing history (oldest first, then the current row):',
      `  210000 đ  period 2026-12  due 2027-01-15  from invoices-2026-12.csv line 2 (file 5)  re-issued by invoices-2027-01.csv (file 6, run ${jan} at ${at}): amount_vnd 210000 → 180000, due_on 2027-01-15 → 2027-02-15`,
      '  180000 đ  period 2026-12  due 2027-02-15  from invoices-2027-01.csv line 3 (file 6)  current',
    ]);

    // The payment that became an overpayment says its invoice was billed at 210000 đ before.
    const p = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'P1' }))!;
    expect(json(p)['invoices']).toEqual([
      { invoice_no: 'HD2612000066', history: [expect.objectContaining({ txn_ref: 'P1', amount_vnd: 180000, residual_after: 0 })], billing_changes: [history[0]] },
    ]);
    const text = formatPayment(p).split('\n');
    const at66 = text.indexOf('invoice HD2612000066 residual history:');
    expect(text[at66 + 1]).toBe(
      `  billing: 210000 đ from invoices-2026-12.csv line 2 (file 5) re-issued by invoices-2027-01.csv (file 6, run ${jan} at ${at}): amount_vnd 210000 → 180000, due_on 2027-01-15 → 2027-02-15; recon explain HD2612000066 shows its billing history`,
    );

    // An invoice no import changed: its current row only.
    const same = (await explainInvoice(db, 'HD2612000067'))!;
    expect(json(same)['billing_history']).toEqual([expect.objectContaining({ change: 'current', amount_vnd: 150000, file_id: 5, line_no: 3, changes: [] })]);
    expect(formatInvoice(same).split('\n').slice(2, 5)).toEqual([
      'billing history (oldest first, then the current row):',
      '  150000 đ  period 2026-12  due 2027-01-15  from invoices-2026-12.csv line 3 (file 5)  current',
      '',
    ]);
  });

  it('explains a number a corrected export withdrew, and a row dropped while another export\'s stands', async () => {
    const billing = new Billing();
    const db = await world();
    billing.export('2026-10', [`HO1,${A},2026-10,1K26TAA,1,2026-10-05,2026-10-20,100`, `HO2,${B},2026-10,1K26TAA,2,2026-10-05,2026-10-20,200`]);
    billing.export('2026-11', [`HN1,${A},2026-11,1K26TAA,3,2026-11-05,2026-11-20,300`, `HO1,${A},2026-10,1K26TAA,1,2026-10-05,2026-10-20,95`]);
    await billing.import(db); // customers 4, October 5, November 6 (HO1 re-issued at 95)
    const p = { txn: 'P2', partner: 'VCB', amount: 200, code: B, ref: 'HO2', at: '2026-10-10T10:00:00' };
    await load(db, { payments: [p] });
    // A corrected November export without HO1: it stands again as October's export billed it.
    billing.export('2026-11', [`HN1,${A},2026-11,1K26TAA,3,2026-11-05,2026-11-20,300`]);
    await billing.import(db); // November 7
    // A corrected October export without HO2 (cancelled); HO1 carried again unchanged.
    billing.export('2026-10', [`HO1,${A},2026-10,1K26TAA,1,2026-10-05,2026-10-20,100`]);
    const corrections = await billing.import(db); // October 8
    await match(db, '2026-11-30');

    const gone = (await explainInvoice(db, 'HO2'))!;
    expect(gone).toBeDefined();
    expect(json(gone)).toMatchObject({ kind: 'invoice', invoice: null, history: [], claims: [] });
    const withdrawn = (json(gone)['billing_history'] as Array<Record<string, unknown>>)[0]!;
    expect(json(gone)['billing_history']).toEqual([
      expect.objectContaining({ invoice_no: 'HO2', change: 'withdrawn', amount_vnd: 200, file_id: 5, file_name: 'invoices-2026-10.csv', line_no: 3, replaced_by_file_id: 8, replaced_by_file_name: 'invoices-2026-10.csv', replaced_by_run_id: corrections, changes: [] }),
    ]);
    expect(formatInvoice(gone).split('\n').slice(0, 4)).toEqual([
      'invoice HO2 is not loaded: billing loaded it and withdrew it since (below)',
      '',
      'billing history (oldest first, then the current row):',
      `  200 đ  period 2026-10  due 2026-10-20  from invoices-2026-10.csv line 3 (file 5)  withdrawn by invoices-2026-10.csv (file 8, run ${corrections} at ${String(withdrawn['replaced_at_local'])}): no loaded export carries it any more`,
    ]);
    // The payment naming it: its reference matches no invoice now, and the withdrawal is named.
    const pay = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'P2' }))!;
    expect(pay.records[0]!.rules.find((r) => r.rule === '3 invoice reference')?.why).toMatch(/^reference "HO2" matches no invoice/);
    expect(json(pay)['invoices']).toEqual([{ invoice_no: 'HO2', history: [], billing_changes: [withdrawn] }]);
    expect(formatPayment(pay)).toContain('\ninvoice HO2 residual history:\n  billing: 200 đ from invoices-2026-10.csv line 3 (file 5) withdrawn by invoices-2026-10.csv (file 8, ');

    // HO1: re-issued by November's export, then dropped from its correction: October's row stood
    // again; October's correction carried it unchanged (no version), so its row is current.
    const back = (await explainInvoice(db, 'HO1'))!;
    expect((json(back)['billing_history'] as Array<Record<string, unknown>>).map((v) => [v['change'], v['amount_vnd'], v['file_id'], v['line_no'], v['replaced_by_file_id'], v['changes']])).toEqual([
      ['reissued', 100, 5, 2, 6, [{ field: 'amount_vnd', before: '100', after: '95' }]],
      ['dropped', 95, 6, 3, 7, [{ field: 'amount_vnd', before: '95', after: '100' }]],
      ['current', 100, 8, 2, null, []],
    ]);
    expect(formatInvoice(back).split('\n')[4]).toMatch(/^ {2}95 đ {2}period 2026-10 {2}due 2026-10-20 {2}from invoices-2026-11\.csv line 3 \(file 6\) {2}dropped by invoices-2026-11\.csv \(file 7, run \S+ at [^)]+\), which no longer carries it; another export's row stands: amount_vnd 95 → 100$/);
  });
});
