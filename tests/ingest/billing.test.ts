// Billing arrears: an invoices-P export may carry invoices of earlier periods (arrears brought
// forward); they load, a later period is a reject, re-importing P replaces everything an earlier
// invoices-P file loaded, and invoice_no stays unique (the newer file wins).
import { afterEach, describe, expect, it } from 'vitest';
import { importBilling } from '../../src/ingest/index.ts';
import type { Database } from '../../src/db/database.ts';
import { Scratch, openTestDb } from './helpers.ts';

const HEAD = 'invoice_no,customer_code,period,series,number,issued_on,due_on,amount_vnd';
const inv = (no: string, period: string, amount: number) => `${no},PE0100123456,${period},1K26TAA,${no},2026-01-05,2026-01-20,${amount}`;

describe('billing arrears', () => {
  it('rejects an invoice amount beyond 10^15 đồng and loads the rest', async () => {
    const s = new Scratch();
    s.file('billing/invoices-2026-01.csv', [HEAD, inv('J1', '2026-01', 100), `J2,PE0100123456,2026-01,1K26TAA,J2,2026-01-05,2026-01-20,9000000000000000000`].join('\n'));
    const { db, run } = await openTestDb();
    const summary = await importBilling(db, run, `${s.files}/billing`);
    expect(summary.files.map((f) => [f.records_read, f.records_loaded, f.records_rejected])).toEqual([[2, 1, 1]]);
    const rejects = await db.all<{ line_no: bigint; field: string; reason: string; message: string }>('SELECT line_no, field, reason, message FROM rejects');
    expect(rejects).toEqual([expect.objectContaining({ line_no: 3n, field: 'amount_vnd', reason: 'bad_amount' })]);
    expect(rejects[0]!.message).toContain('expected a positive whole amount in đồng (digits only), at most 1000000000000000');
    db.close();
  });

  it('loads arrears of earlier periods, rejects later periods, replaces by file period, keeps invoice_no unique', async () => {
    const s = new Scratch();
    const dir = `${s.files}/billing`;
    s.file('billing/invoices-2026-01.csv', [HEAD, inv('J1', '2026-01', 100), inv('D1', '2025-12', 50), inv('D2', '2025-11', 40), inv('F1', '2026-02', 70), inv('X1', '2026-13', 1)].join('\n'));
    s.file('billing/invoices-2026-02.csv', [HEAD, inv('F2', '2026-02', 200), inv('J1', '2026-01', 100)].join('\n'));
    const { db, run } = await openTestDb();
    const first = await importBilling(db, run, dir);
    expect(first.files.map((f) => [f.records_read, f.records_loaded, f.records_rejected, f.records_duplicate])).toEqual([[5, 3, 2, 0], [2, 2, 0, 0]]);
    const rejects = await db.all<{ line_no: bigint; field: string; value: string; reason: string; message: string }>('SELECT line_no, field, value, reason, message FROM rejects ORDER BY line_no');
    expect(rejects.map((r) => [r.line_no, r.field, r.value, r.reason])).toEqual([[5n, 'period', '2026-02', 'bad_date'], [6n, 'period', '2026-13', 'bad_date']]);
    expect(rejects[0]!.message).toContain('expected a period YYYY-MM no later than the file name\'s, 2026-01');
    // J1 came again as arrears in the February export: one row, from the newer file.
    const rows = async () => db.all<{ invoice_no: string; period: string; file_id: bigint }>('SELECT invoice_no, period, file_id FROM invoices ORDER BY invoice_no');
    expect(await rows()).toEqual([
      { invoice_no: 'D1', period: '2025-12', file_id: 1n },
      { invoice_no: 'D2', period: '2025-11', file_id: 1n },
      { invoice_no: 'F2', period: '2026-02', file_id: 2n },
      { invoice_no: 'J1', period: '2026-01', file_id: 2n },
    ]);

    // A corrected January export replaces what the first one loaded (D2 no longer carried), J1 again from it.
    s.file('billing/invoices-2026-01.csv', [HEAD, inv('J1', '2026-01', 100), inv('D1', '2025-12', 55)].join('\n'));
    await importBilling(db, run, dir);
    expect(await rows()).toEqual([
      { invoice_no: 'D1', period: '2025-12', file_id: 3n },
      { invoice_no: 'F2', period: '2026-02', file_id: 2n },
      { invoice_no: 'J1', period: '2026-01', file_id: 3n },
    ]);
    expect(await db.one('SELECT amount_vnd FROM invoices WHERE invoice_no = $1', ['D1'])).toEqual({ amount_vnd: 55n });
    expect(await db.all(`SELECT file_id, status FROM source_files WHERE kind = 'invoices' ORDER BY file_id`)).toEqual([
      { file_id: 1n, status: 'replaced' },
      { file_id: 2n, status: 'loaded' },
      { file_id: 3n, status: 'loaded' },
    ]);
    // Re-running over the same folder changes nothing.
    const again = await importBilling(db, run, dir);
    expect(again.files.map((f) => f.status)).toEqual(['skipped', 'skipped']);
    expect((await rows()).length).toBe(3);
    // The first January export delivered again (an old copy in a later folder) does not undo the correction.
    s.file('billing/invoices-2026-01.csv', [HEAD, inv('J1', '2026-01', 100), inv('D1', '2025-12', 50), inv('D2', '2025-11', 40), inv('F1', '2026-02', 70), inv('X1', '2026-13', 1)].join('\n'));
    const old = await importBilling(db, run, dir);
    expect(old.files.map((f) => [f.status, f.file_id])).toEqual([['skipped', 1], ['skipped', 2]]);
    expect(old.files[0]!.message).toContain('replaced since by a newer invoices export of its period');
    expect(await db.one('SELECT amount_vnd FROM invoices WHERE invoice_no = $1', ['D1'])).toEqual({ amount_vnd: 55n });
    expect((await rows()).map((r) => r.invoice_no)).toEqual(['D1', 'F2', 'J1']);
    db.close();
  });

  it('a corrected export that no longer carries an arrears gives back the row of the export that still does', async () => {
    // October's export bills O1 and O2; November's carries both forward as arrears (it then holds
    // them, the newer import). A corrected November export, delivered after O1 was paid, carries O2
    // only: O1 must come back from October's export, not vanish from October's invoices.
    const s = new Scratch();
    const dir = `${s.files}/billing`;
    s.file('billing/invoices-2026-10.csv', [HEAD, inv('O1', '2026-10', 100), inv('O2', '2026-10', 200)].join('\n'));
    s.file('billing/invoices-2026-11.csv', [HEAD, inv('O1', '2026-10', 100), inv('O2', '2026-10', 200), inv('N1', '2026-11', 300)].join('\n'));
    const { db, run } = await openTestDb();
    await importBilling(db, run, dir);
    const rows = async () => db.all<{ invoice_no: string; period: string; amount_vnd: bigint; file_id: bigint }>('SELECT invoice_no, period, amount_vnd, file_id FROM invoices ORDER BY invoice_no');
    expect(await rows()).toEqual([
      { invoice_no: 'N1', period: '2026-11', amount_vnd: 300n, file_id: 2n },
      { invoice_no: 'O1', period: '2026-10', amount_vnd: 100n, file_id: 2n },
      { invoice_no: 'O2', period: '2026-10', amount_vnd: 200n, file_id: 2n },
    ]);
    s.file('billing/invoices-2026-11.csv', [HEAD, inv('O2', '2026-10', 200), inv('N1', '2026-11', 300)].join('\n'));
    await importBilling(db, run, dir);
    expect(await rows()).toEqual([
      { invoice_no: 'N1', period: '2026-11', amount_vnd: 300n, file_id: 3n },
      { invoice_no: 'O1', period: '2026-10', amount_vnd: 100n, file_id: 1n },
      { invoice_no: 'O2', period: '2026-10', amount_vnd: 200n, file_id: 3n },
    ]);
    // A corrected October export that drops O2 (cancelled): November's export still carries it, so it
    // stays, from November's row; O1, carried by no export still loaded but October's, is replaced.
    s.file('billing/invoices-2026-10.csv', [HEAD, inv('O1', '2026-10', 90)].join('\n'));
    await importBilling(db, run, dir);
    expect(await rows()).toEqual([
      { invoice_no: 'N1', period: '2026-11', amount_vnd: 300n, file_id: 3n },
      { invoice_no: 'O1', period: '2026-10', amount_vnd: 90n, file_id: 4n },
      { invoice_no: 'O2', period: '2026-10', amount_vnd: 200n, file_id: 3n },
    ]);
    // November corrected again without O2: no loaded export carries it any more, so it is gone.
    s.file('billing/invoices-2026-11.csv', [HEAD, inv('N1', '2026-11', 300)].join('\n'));
    await importBilling(db, run, dir);
    expect((await rows()).map((r) => [r.invoice_no, r.amount_vnd, r.file_id])).toEqual([['N1', 300n, 5n], ['O1', 90n, 4n]]);
    // What explain's billing history reads: the rows an import left their invoice different from,
    // with file and line; rows carried again or given back unchanged are no version.
    expect(await db.all('SELECT invoice_no, amount_vnd, file_id, line_no, replaced_by_file_id, change FROM invoice_versions ORDER BY replaced_by_file_id')).toEqual([
      { invoice_no: 'O1', amount_vnd: 100n, file_id: 1n, line_no: 2n, replaced_by_file_id: 4n, change: 'reissued' },
      { invoice_no: 'O2', amount_vnd: 200n, file_id: 3n, line_no: 2n, replaced_by_file_id: 5n, change: 'withdrawn' },
    ]);
    expect(await db.all('SELECT invoice_no, line_no FROM invoices ORDER BY invoice_no')).toEqual([{ invoice_no: 'N1', line_no: 2n }, { invoice_no: 'O1', line_no: 2n }]);
    db.close();
  });

  it('a key repeated inside one file loads once, from its first valid row; the rest count as duplicates', async () => {
    const s = new Scratch();
    const dir = `${s.files}/billing`;
    s.file('billing/customers.csv', [
      'customer_code,name,pc,unit,segment',
      'PE0100123456,Nguyễn Văn A,EVNHCMC,PE0100,residential',
      'PE0100123457,Trần Thị B,EVNHCMC,PE0100,residential',
      'PE0100123456,Later Name,EVNHCMC,PE0100,business',
      'PE0100123456,Third,EVNHCMC,PE0100,business',
    ].join('\n'));
    // J1's first row is a reject (bad amount), so its first VALID row (line 4) loads.
    s.file('billing/invoices-2026-01.csv', [HEAD, inv('J1', '2026-01', 0), inv('J2', '2026-01', 100), inv('J1', '2026-01', 300), inv('J1', '2026-01', 400)].join('\n'));
    const { db, run } = await openTestDb();
    const r = await importBilling(db, run, dir);
    expect(r.files.map((f) => [f.records_read, f.records_loaded, f.records_rejected, f.records_duplicate])).toEqual([[4, 2, 0, 2], [4, 2, 1, 1]]);
    expect(await db.all('SELECT customer_code, name, segment FROM customers ORDER BY customer_code')).toEqual([
      { customer_code: 'PE0100123456', name: 'Nguyễn Văn A', segment: 'residential' },
      { customer_code: 'PE0100123457', name: 'Trần Thị B', segment: 'residential' },
    ]);
    expect(await db.all('SELECT invoice_no, amount_vnd FROM invoices ORDER BY invoice_no')).toEqual([
      { invoice_no: 'J1', amount_vnd: 300n },
      { invoice_no: 'J2', amount_vnd: 100n },
    ]);
    db.close();
  });

  describe('direct path (export read in place)', () => {
    afterEach(() => {
      delete process.env.RECON_INGEST_DIRECT_MB;
    });
    const tables = async (db: Database) => ({
      files: await db.all('SELECT file_id, kind, records_read, records_loaded, records_rejected, records_duplicate, status FROM source_files ORDER BY file_id'),
      customers: await db.all('SELECT * FROM customers ORDER BY customer_code'),
      invoices: await db.all('SELECT * FROM invoices ORDER BY invoice_no'),
      rejects: await db.all('SELECT file_id, line_no, field, value, reason, message, raw FROM rejects ORDER BY file_id, line_no'),
    });
    for (const [name, eol] of [['LF', '\n'], ['CRLF', '\r\n']] as const) {
      it(`gives the staging path's tables, line numbers and messages included (${name})`, async () => {
        const s = new Scratch();
        s.file('billing/customers.csv', [
          'customer_code,name,pc,unit,segment',
          'PE0100123456,Nguyễn Văn A,EVNHCMC,PE0100,residential',
          '',
          'XX01,Bad,,,',
          '   ',
          'PE0100123457,Trần Thị B,EVNHCMC,PE0100', // a column short: the reader refuses it
          'PE0100123458,Lê Văn C,EVNHCMC,PE0100,business',
          'PE0100123456,Repeat,EVNHCMC,PE0100,business',
        ].join(eol));
        s.file('billing/invoices-2026-01.csv', [HEAD, inv('J1', '2026-01', 100), '', inv('J2', '2026-01', 0), inv('J3', '2026-02', 5), inv('J4', '2025-12', 7)].join(eol));
        const load = async (directMb: string) => {
          process.env.RECON_INGEST_DIRECT_MB = directMb;
          const { db, run } = await openTestDb();
          await importBilling(db, run, `${s.files}/billing`);
          const t = await tables(db);
          db.close();
          return t;
        };
        const staged = await load('100000');
        const direct = await load('0');
        expect(direct).toEqual(staged);
        // The lines are the file's physical lines (the empty line 3 and blank line 5 counted).
        expect(staged.rejects.map((r) => [r['file_id'], r['line_no'], r['reason']])).toEqual([
          [1n, 4n, 'unknown_code'], [1n, 6n, 'column_count'], [2n, 4n, 'bad_amount'], [2n, 5n, 'bad_date'],
        ]);
        expect(String(staged.rejects[1]!['message'])).toMatch(/customers\.csv, line 6: found 4 columns, expected 5/);
        expect(staged.files.map((f) => [f['records_read'], f['records_loaded'], f['records_rejected'], f['records_duplicate']])).toEqual([[5n, 2n, 2n, 1n], [4n, 2n, 2n, 0n]]);
      });
    }
  });
});
