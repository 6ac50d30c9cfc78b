// The uncontested pass (065) must give a lone payment exactly what the turns (070) give it: the same
// payment, made contested by a later payment to the same customer (which cannot change what the
// earlier one takes), must get the same allocations (rule, confidence) and exception.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { allocations, exceptions, load, match, openDb, type PaymentSpec, type World } from './fixture.ts';

const A = 'PA03HL0012345';
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function firstPayment(world: World) {
  const db = await openDb();
  open.push(db);
  await load(db, { customers: [A], ...world });
  const summary = await match(db);
  const mine = (r: { txn: string }) => r.txn === 'VCB:T1';
  return {
    turns: summary.turns,
    alloc: (await allocations(db)).filter(mine),
    exc: (await exceptions(db)).filter(mine),
  };
}

const invoice = [{ no: 'NEW', customer: A, amount: 200, number: '1234' }];
const cases: Array<[string, World]> = [
  ['amount equals the invoice (rule 4)', { invoices: invoice, payments: [{ txn: 'T1', amount: 200, code: A }] }],
  ['less than the invoice (rule 6)', { invoices: invoice, payments: [{ txn: 'T1', amount: 150, code: A }] }],
  ['more than the invoice (rule 7)', { invoices: invoice, payments: [{ txn: 'T1', amount: 260, memo: `tt ${A.toLowerCase()}` }] }],
  ['the reference, over the invoice (rule 3)', { invoices: invoice, payments: [{ txn: 'T1', amount: 300, ref: '1K26TAA 00001234' }] }],
  ['the reference, under the invoice (rule 3)', { invoices: invoice, payments: [{ txn: 'T1', amount: 120, ref: 'NEW' }] }],
  ['no invoice (rule 10)', { payments: [{ txn: 'T1', amount: 90, code: A }] }],
];

describe('uncontested pass equals the turns', () => {
  for (const [name, world] of cases) {
    it(name, async () => {
      const alone = await firstPayment(world);
      const later: PaymentSpec = { txn: 'T9', partner: 'MOMO', amount: 50, code: A, at: '2026-02-20T10:00:00' };
      const contested = await firstPayment({ ...world, payments: [...(world.payments ?? []), later] });
      expect(alone.turns).toBe(0);
      expect(contested.turns).toBe(2);
      expect(alone.alloc.length + alone.exc.length).toBeGreaterThan(0);
      expect(alone).toEqual({ ...contested, turns: 0 });
    });
  }
});
