// Review of session 12's matching changes, written from DOMAIN.md and README "Matching":
//  - payment_match.ref_candidates (migration 017): the invoices a reference naming more than one
//    named, for ref_status several_invoices or ambiguous (field or memo), NULL otherwise; explain of
//    an invoice lists the payments naming it among several that went elsewhere;
//  - rule 8: a code field naming a code that owns invoices but is missing from customers.csv is a
//    known customer like a listed one, also where the memo's VietQR payload names another customer
//    (the one with an invoice of exactly the amount takes it, else ambiguous_customer).
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { explainInvoice, explainPayment } from '../../src/match/explain.ts';
import { freshWorlds, match, outcomeRows, vietqr, type World } from './fixture.ts';

const fresh = freshWorlds();

const K12 = 'PE0100123456';
const K13 = 'PA03HL0012345';

// One series + number billed by two power corporations (unique only within a PC).
const shared: World = {
  customers: [K12, K13],
  invoices: [
    { no: '261200012345', customer: K12, amount: 100, period: '2026-12', series: '1K26TAA', number: '00012345' },
    { no: '270100012345', customer: K12, amount: 100, period: '2027-01', series: '1K27TAA', number: '00012345' },
    { no: '261200099999', customer: K13, amount: 100, period: '2026-12', series: '1K26TAA', number: '00012345' },
  ],
};

const facts = (db: Database) =>
  db.all<{ txn_ref: string; ref_status: string | null; ref_invoice_no: string | null; ref_candidates: string[] | null }>(
    `SELECT txn_ref, ref_status, ref_invoice_no, ref_candidates FROM payment_match ORDER BY txn_ref`,
  );

describe('payment_match.ref_candidates', () => {
  it('is NULL when the id names one invoice and a series + number agreeing with it is also billed by another PC', async () => {
    // The id names 261200012345; 1K26TAA 12345 is that invoice's key, and K13's too (another PC).
    // The reference resolves to 261200012345 (invoice_no): no candidates, and K13's invoice is not
    // "named" by this payment in its explain.
    const db = await fresh({
      ...shared,
      payments: [
        { txn: 'T1', amount: 100, memo: 'TT HD 261200012345 1K26TAA 12345' },
        { txn: 'T2', amount: 100, ref: 'HD 261200012345 1K26TAA 12345' },
        // For contrast: of two customers, ambiguous, both listed.
        { txn: 'T3', amount: 100, ref: 'HD 1K26TAA 12345' },
      ],
    });
    await match(db, '2027-02-28');
    expect(await facts(db)).toEqual([
      { txn_ref: 'T1', ref_status: 'memo_invoice_no', ref_invoice_no: '261200012345', ref_candidates: null },
      { txn_ref: 'T2', ref_status: 'invoice_no', ref_invoice_no: '261200012345', ref_candidates: null },
      { txn_ref: 'T3', ref_status: 'ambiguous', ref_invoice_no: null, ref_candidates: ['261200012345', '261200099999'] },
    ]);
    const claims = (await explainInvoice(db, '261200099999'))!.claims.map((c) => `${c['txn_ref']} ${c['named_by']}`);
    expect(claims).toEqual(['T3 invoice_ref (ambiguous)']);
  });
});

describe('a code field naming a billed customer missing from customers.csv, beside a VietQR payload naming another', () => {
  const X = 'PE0100300003'; // billed, not listed
  const L = 'PE0100100001'; // listed
  const L2 = 'PE0100200002'; // listed
  const world = (amount: number): World => ({
    customers: [L, L2],
    invoices: [
      { no: 'IX', customer: X, amount: 100 },
      { no: 'IL', customer: L, amount: 250 },
      { no: 'IY', customer: L2, amount: 100 },
    ],
    payments: [
      // The field's customer is billed but unlisted; the payer's QR names L.
      { txn: 'T1', amount, code: X, memo: vietqr(L) },
      // The same with a listed customer in the field (L2, owing 100 as X does).
      { txn: 'T2', amount, code: L2, memo: vietqr(L) },
    ],
  });

  it('goes to the one of the two with an invoice of exactly the amount, as for a listed field', async () => {
    // 100: only the field's customer owes exactly that. README: "the one with an invoice of exactly
    // the amount takes it".
    const db = await fresh(world(100));
    await match(db, '2026-02-28');
    expect(await outcomeRows(db)).toEqual({ alloc: ['VCB:T1 IX 100 amount_equals_invoice', 'VCB:T2 IY 100 amount_equals_invoice'], exc: [] });
    const rule8 = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'T1' }))!.records[0]!.rules.find((r) => r.rule.startsWith('8'))!.why;
    expect(rule8).toBe(`code ${X} from the customer code field; the memo's VietQR payload names another customer, and only ${X} has an invoice of exactly this amount`);
  });

  it('goes to the payload\'s customer when only that one owes exactly the amount', async () => {
    const db = await fresh(world(250));
    await match(db, '2026-02-28');
    // T1 (earlier txn id) takes IL; T2 finds it settled.
    expect((await outcomeRows(db)).alloc).toEqual(['VCB:T1 IL 250 amount_equals_invoice']);
  });

  it('is ambiguous_customer when neither owes exactly the amount, as for a listed field', async () => {
    const db = await fresh(world(999));
    await match(db, '2026-02-28');
    expect(await outcomeRows(db)).toEqual({ alloc: [], exc: ['VCB:T1 ambiguous_customer 999', 'VCB:T2 ambiguous_customer 999'] });
  });
});
