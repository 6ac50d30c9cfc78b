// A December payment for a January invoice that billing exports later (an advance payment): when
// December is matched the invoice does not exist; once January's billing is loaded, matching
// (from scratch) applies it, and December's figures change only as README "Scopes" says
// (a close before the next billing is provisional), never by a payment made after the as-of date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { computeKpis } from '../../src/reports/kpis.ts';
import { allocations, exceptions, load, match, openDb } from '../match/fixture.ts';

const A = 'PA03HL0012345'; // pays December, then January in advance
const B = 'PE0100123456'; // leaves December unpaid, pays January's amount in advance
let db: Database;

beforeAll(async () => {
  db = await openDb();
  await db.run(`INSERT INTO partners VALUES ('VCB', 'Vietcombank', 'bank', NULL, 'transfer', 'h')`);
  await load(db, {
    customers: [A, B],
    invoices: [
      { no: 'D-A', customer: A, amount: 300_000, period: '2025-12', issued_on: '2025-12-05' },
      { no: 'D-B', customer: B, amount: 300_000, period: '2025-12', issued_on: '2025-12-05' },
    ],
    payments: [
      { txn: '1', code: A, amount: 300_000, at: '2025-12-10T10:00:00' },
      { txn: '2', code: A, amount: 250_000, at: '2025-12-28T10:00:00', ref: 'J-A' },
      { txn: '3', code: B, amount: 250_000, at: '2025-12-28T11:00:00' },
    ],
  });
});
afterAll(() => db.close());

describe('an advance payment for an invoice billed later', () => {
  it('is not applied while its invoice is not loaded, and is once it is', async () => {
    await match(db, '2026-01-31');
    // A: December settled by 1; 2 names J-A, not loaded, and finds nothing open → a refund question.
    // B: 3 goes to the open December invoice (rule 6, part of it).
    expect(await allocations(db)).toMatchObject([
      { txn: 'VCB:1', invoice: 'D-A', amount: 300_000 },
      { txn: 'VCB:3', invoice: 'D-B', amount: 250_000 },
    ]);
    expect(await exceptions(db)).toMatchObject([{ txn: 'VCB:2', reason: 'duplicate_payment', amount: 250_000 }]);
    const dec = await computeKpis(db, '2025-12', '2026-01-31');
    expect(dec.headline.counts).toMatchObject({ invoices: 2, allocated_vnd: 550_000, invoices_settled: 1 });

    // January's billing arrives; matching recomputes from scratch.
    await load(db, {
      invoices: [
        { no: 'J-A', customer: A, amount: 250_000, period: '2026-01', issued_on: '2026-01-05' },
        { no: 'J-B', customer: B, amount: 250_000, period: '2026-01', issued_on: '2026-01-05' },
      ],
    });
    // Each period billed by an export of its own (the report's previous period is one).
    await db.run(`UPDATE invoices SET file_id = 4 WHERE period = '2026-01'`);
    await db.run(`INSERT INTO source_files (file_id, kind, path, file_name, sha256, bytes, status, run_id, loaded_at, period)
                  VALUES (2, 'invoices', 'i12', 'i12', 's2', 1, 'loaded', 'r', now(), '2025-12'), (4, 'invoices', 'i01', 'i01', 's4', 1, 'loaded', 'r', now(), '2026-01')`);
    await match(db, '2026-02-28');
    // 2 now takes the invoice it names (rule 3); 3 takes the invoice whose residual equals its
    // amount (rule 4) rather than a part of December's, as it would have with both invoices known.
    expect(await allocations(db)).toMatchObject([
      { txn: 'VCB:1', invoice: 'D-A', amount: 300_000 },
      { txn: 'VCB:2', invoice: 'J-A', amount: 250_000, rule: 'invoice_ref' },
      { txn: 'VCB:3', invoice: 'J-B', amount: 250_000 },
    ]);
    expect(await exceptions(db)).toEqual([]);

    // January counts both advance payments: paid in December, before January's as-of date.
    const jan = await computeKpis(db, '2026-01', '2026-02-28');
    expect(jan.headline.counts).toMatchObject({ invoices: 2, allocated_vnd: 500_000, invoices_settled: 2 });
    // December as of its own as-of date now: A unchanged; B's December invoice is open again,
    // since the payment was meant for January (December's close was provisional, README "Scopes").
    const decAgain = await computeKpis(db, '2025-12', '2026-01-31');
    expect(decAgain.headline.counts).toMatchObject({ invoices: 2, allocated_vnd: 300_000, invoices_settled: 1 });
    // January's report shows December as its previous period with the same, settled figures.
    expect(jan.previous?.counts).toEqual(decAgain.headline.counts);
  });
});
