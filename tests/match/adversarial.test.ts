// Adversarial worlds written from DOMAIN.md and README, not from our generator: shapes of codes,
// references and VietQR payloads, times and amounts a partner or a billing system of other people
// may send: for each world, its exact allocations, exceptions and, for the KPI worlds, headline figures
// are asserted. Where the order of payments, reversals or invoices decides (references, time,
// amounts, identity, KPIs), each world is matched twice, loaded in opposite orders, and must give the
// same result.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { explainInvoice, explainPayment } from '../../src/match/explain.ts';
import { computeKpis } from '../../src/reports/kpis.ts';
import { checkPeriod } from '../../src/reports/scope.ts';
import { allocations, exceptions, load, match, openDb, reversedWorld, vietqr, type World } from './fixture.ts';

const K11 = 'PE010012345'; // 11 characters: unit PE0100 + 5 digits
const K12 = 'PE0100123456'; // 12: + 6 digits; K11 is a prefix of it
const K13 = 'PA03HL0012345'; // 13: EVNNPC, a unit with letters

/** Customers PE0100000001 … PE010000000n, the k-th owing invoice Ik of 100 + k đồng. */
function owingEach(n: number): Pick<World, 'customers' | 'invoices'> {
  const code = (k: number) => `PE01000000${String(k).padStart(2, '0')}`;
  return {
    customers: Array.from({ length: n }, (_, i) => code(i + 1)),
    invoices: Array.from({ length: n }, (_, i) => ({ no: `I${i + 1}`, customer: code(i + 1), amount: 101 + i })),
  };
}

/** The allocations when payment Tk pays owingEach's invoice Ik exactly, for k = 1 … n. */
const eachPaidOwn = (n: number): string[] => Array.from({ length: n }, (_, i) => `VCB:T${i + 1} I${i + 1} ${101 + i} amount_equals_invoice`);

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function matched(world: World, asOf?: string): Promise<Database> {
  const db = await openDb();
  open.push(db);
  await load(db, world);
  await match(db, asOf);
  return db;
}

async function rows(db: Database) {
  return {
    alloc: (await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.amount} ${a.rule}`),
    exc: (await exceptions(db)).map((e) => `${e.txn} ${e.reason} ${e.amount}${e.suggested ? ` → ${e.suggested}` : ''}`),
  };
}

const reversed = reversedWorld;

/** The world's outcome. */
async function outcome(world: World, asOf?: string) {
  return rows(await matched(world, asOf));
}

/** The world's outcome, checked to be the same when its rows are loaded in the opposite order. */
async function outcomeEitherOrder(world: World, asOf?: string) {
  const forward = await outcome(world, asOf);
  expect(await outcome(reversed(world), asOf)).toEqual(forward);
  return forward;
}

async function confidence(db: Database, txn: string): Promise<number[]> {
  return (await allocations(db)).filter((a) => a.txn === txn).map((a) => a.confidence);
}

type Case = [name: string, world: World, expected: { alloc: string[]; exc: string[] }];

describe('customer codes', () => {
  const cases: Case[] = [
    [
      'codes of 11, 12 and 13 characters; a code that is a prefix of another is read whole, never as the shorter code plus a stray digit',
      {
        customers: [K11, K12, K13],
        invoices: [
          { no: 'I11', customer: K11, amount: 100 },
          { no: 'I12', customer: K12, amount: 200 },
          { no: 'I13', customer: K13, amount: 300 },
        ],
        payments: [
          // 100 is exactly K11's invoice, but the memo names K12: K12's invoice is paid in part.
          { txn: 'T1', amount: 100, code: null, memo: `TT tien dien ${K12}` },
          { txn: 'T2', amount: 100, code: null, memo: 'tt pe010012345.t10', at: '2026-02-11T10:00:00' },
          { txn: 'T3', amount: 300, code: K13 },
        ],
      },
      {
        alloc: ['VCB:T1 I12 100 oldest_first_partial', 'VCB:T2 I11 100 amount_equals_invoice', 'VCB:T3 I13 300 amount_equals_invoice'],
        exc: [],
      },
    ],
    [
      'a code glued to words or punctuation, in lower case, or split by spaces, dots or dashes in a memo is read (a split one only when joined it is a real customer)',
      {
        ...owingEach(6),
        payments: [
          { txn: 'T1', amount: 101, code: null, memo: 'KH:PE0100000001.T10' },
          { txn: 'T2', amount: 102, code: null, memo: 'TTPE0100000002' },
          { txn: 'T3', amount: 103, code: null, memo: 'ck tien dien pe 0100 000003 thang 10' },
          { txn: 'T4', amount: 104, code: null, memo: 'P.E.0100.000.004' },
          { txn: 'T5', amount: 105, code: null, memo: 'ma-kh-PE0100-000005' },
          // The code field holding more than the code is read like a memo.
          { txn: 'T6', amount: 106, code: 'KH PE0100000006', memo: null },
          // Joined, "PE0100 999 999" is no customer: nothing is applied on it.
          { txn: 'T7', amount: 106, code: null, memo: 'TT PE0100 999 999' },
        ],
      },
      {
        alloc: eachPaidOwn(6),
        exc: ['VCB:T7 unknown_customer 106'],
      },
    ],
    [
      'a code split by any separator ingest reads in a code field: no-break, thin and narrow no-break spaces (memos copied from a web page), underscore, slash',
      {
        ...owingEach(5),
        payments: [
          { txn: 'T1', amount: 101, code: null, memo: 'TT tien dien PE0100\u00A0000001' },
          { txn: 'T2', amount: 102, code: null, memo: 'TT tien dien PE\u20090100\u2009000002' },
          { txn: 'T3', amount: 103, code: null, memo: 'TT tien dien PE0100\u202F000003' },
          { txn: 'T4', amount: 104, code: null, memo: 'TT tien dien PE0100_000004' },
          { txn: 'T5', amount: 105, code: 'PE0100/000005', memo: null },
        ],
      },
      {
        alloc: eachPaidOwn(5),
        exc: [],
      },
    ],
    [
      'two codes in one memo: a real one wins over an unknown one; two real ones (one a prefix of the other) go to the one with an invoice of exactly the amount',
      {
        customers: [K11, K12],
        invoices: [
          { no: 'I11', customer: K11, amount: 100 },
          { no: 'I12', customer: K12, amount: 200 },
        ],
        payments: [
          { txn: 'T1', amount: 200, code: null, memo: `PQ9999ZZ99999 ${K12}` },
          { txn: 'T2', amount: 100, code: null, memo: `TT ${K12} va ${K11}` },
        ],
      },
      { alloc: ['VCB:T1 I12 200 amount_equals_invoice', 'VCB:T2 I11 100 amount_equals_invoice'], exc: [] },
    ],
    [
      'an unknown code in the code field gives way to a real code in the memo',
      {
        customers: [K12],
        invoices: [{ no: 'I12', customer: K12, amount: 200 }],
        payments: [{ txn: 'T1', amount: 200, code: 'PE0199999999', memo: `tien dien ${K12}` }],
      },
      { alloc: ['VCB:T1 I12 200 amount_equals_invoice'], exc: [] },
    ],
  ];
  it.each(cases)('%s', async (_name, world, expected) => {
    expect(await outcome(world)).toEqual(expected);
  });
});

describe('invoice references', () => {
  // One series + number billed by two power corporations (unique only within a PC), and a number
  // restarting in the next year's series.
  const shared: World = {
    customers: [K12, K13],
    invoices: [
      { no: '261200012345', customer: K12, amount: 100, period: '2026-12', series: '1K26TAA', number: '00012345' },
      { no: '270100012345', customer: K12, amount: 100, period: '2027-01', series: '1K27TAA', number: '00012345' },
      { no: '261200099999', customer: K13, amount: 100, period: '2026-12', series: '1K26TAA', number: '00012345' },
    ],
  };
  const cases: Case[] = [
    [
      'series + number shared by two PCs: ambiguous without a code, the payer\'s PC with one; the year is in the series',
      {
        ...shared,
        payments: [
          { txn: 'T1', amount: 100, ref: '1K26TAA 00012345' },
          { txn: 'T2', amount: 100, ref: '1K26TAA-12345', code: K13 },
          { txn: 'T3', amount: 100, ref: 'K26TAA12345', memo: `tt ${K12}` },
          // The 2027 invoice, not the older one of the same customer and number.
          { txn: 'T4', amount: 100, ref: '1k27taa12345' },
        ],
      },
      {
        alloc: [
          'VCB:T2 261200099999 100 invoice_ref',
          'VCB:T3 261200012345 100 invoice_ref',
          'VCB:T4 270100012345 100 invoice_ref',
        ],
        exc: ['VCB:T1 unknown_customer 100'],
      },
    ],
    [
      'a reference field holding words around the reference, or the customer code, is read like text',
      {
        ...shared,
        payments: [
          { txn: 'T1', amount: 100, ref: 'HD 1K27TAA-12345' },
          { txn: 'T2', amount: 100, ref: 'Số HĐ: 261200099999' },
          { txn: 'T3', amount: 100, ref: `${K12} T12` },
          // A number of 9 digits is no e-invoice number: not found, and nothing else names a customer.
          { txn: 'T4', amount: 100, ref: '1K26TAA 123456789' },
        ],
      },
      {
        alloc: [
          'VCB:T1 270100012345 100 invoice_ref',
          'VCB:T2 261200099999 100 invoice_ref',
          'VCB:T3 261200012345 100 amount_equals_invoice',
        ],
        exc: ['VCB:T4 unknown_customer 100'],
      },
    ],
    [
      'an invoice id or series + number in the memo of a payment naming no customer (no code, or an unknown one) is its reference; a short number, or a memo naming two invoices, is not',
      {
        ...shared,
        invoices: [...shared.invoices!, { no: '250000', customer: K13, amount: 100, period: '2027-01', series: '1K27TAA', number: '7' }],
        payments: [
          { txn: 'T1', amount: 100, memo: 'Thanh toan hoa don 270100012345 ky 01/2027' },
          // A mistyped code still names the payer's PC (EVNNPC), which picks the series + number.
          { txn: 'T2', amount: 100, memo: 'TT HD 1K26TAA 00012345 PA03HL0012354' },
          { txn: 'T3', amount: 100, memo: 'CK 250000 tien dien' },
          { txn: 'T4', amount: 100, memo: 'HD 261200012345 va 261200099999' },
          // The bill number of a VietQR payload (62/01) is read the same way.
          { txn: 'T5', amount: 100, memo: vietqr('261200012345', { sub: '01' }) },
        ],
      },
      {
        alloc: [
          'VCB:T1 270100012345 100 invoice_ref',
          'VCB:T2 261200099999 100 invoice_ref',
          'VCB:T5 261200012345 100 invoice_ref',
        ],
        exc: ['VCB:T3 unknown_customer 100', 'VCB:T4 unknown_customer 100'],
      },
    ],
    [
      'the memo of a payment naming a customer (code field or memo) is not read for a reference: the oldest of equal invoices is paid',
      {
        ...shared,
        invoices: [...shared.invoices!, { no: '270100000099', customer: K13, amount: 100, period: '2027-01', series: '1K27TAA', number: '99' }],
        payments: [
          { txn: 'T1', amount: 100, code: K12, memo: 'HD 1K27TAA 12345' },
          { txn: 'T2', amount: 100, memo: `HD 1K27TAA 99 ${K13}` },
        ],
      },
      { alloc: ['VCB:T1 261200012345 100 amount_equals_invoice', 'VCB:T2 261200099999 100 amount_equals_invoice'], exc: [] },
    ],
  ];
  it.each(cases)('%s', async (_name, world, expected) => {
    expect(await outcomeEitherOrder(world)).toEqual(expected);
  });

  it('a reference read from the memo is a little less sure than one from its field, and explain says where it came from', async () => {
    const db = await matched({
      ...shared,
      payments: [
        { txn: 'T1', amount: 100, memo: 'TT 270100012345' },
        { txn: 'T2', amount: 100, memo: 'TT 1K26TAA-12345 PA03HL0012354' },
        { txn: 'T3', amount: 100, ref: '270100012345' },
      ],
    });
    expect(await confidence(db, 'VCB:T1')).toEqual([0.95]);
    expect(await confidence(db, 'VCB:T2')).toEqual([0.9405]);
    const why = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'T1' }))!.records[0]!.rules.find((r) => r.rule.startsWith('3'))!;
    expect(why).toMatchObject({ applied: true, why: 'the memo names invoice 270100012345 (by invoice no) of customer PE0100123456' });
  });

  it('reads a reference written with a no-break or thin space (copied from a web page), in the field or in the memo', async () => {
    const world: World = {
      ...shared,
      payments: [
        { txn: 'T1', amount: 100, ref: '1K27TAA\u00a000012345' },
        { txn: 'T2', amount: 100, ref: '2612\u202f0001\u20092345' },
        { txn: 'T3', amount: 100, memo: 'Thanh toan HD 1K26TAA\u00a000012345 PA03HL0012354' },
      ],
    };
    expect((await outcome(world)).alloc).toEqual([
      'VCB:T1 270100012345 100 invoice_ref',
      'VCB:T2 261200012345 100 invoice_ref',
      'VCB:T3 261200099999 100 invoice_ref',
    ]);
  });

  it('a word of a reference field that is another invoice\'s id does not outrank the series + number the field names: both, disagreeing, are ambiguous', async () => {
    const world: World = {
      customers: [K12, K13],
      invoices: [
        { no: '261200012345', customer: K12, amount: 100, period: '2026-12', series: '1K26TAA', number: '00012345' },
        // A billing system whose ids are short numbers: a period written in the field is one of them.
        { no: '202612', customer: K13, amount: 100, period: '2026-12', series: '1K26TAB', number: '7' },
      ],
      payments: [
        { txn: 'T1', amount: 100, code: K12, ref: 'Ky 202612 HD 1K26TAA-12345' },
        // The id and the series + number name the same invoice: that invoice.
        { txn: 'T2', amount: 100, ref: 'HD 1K26TAB-7 (202612)' },
      ],
    };
    expect(await outcomeEitherOrder(world)).toEqual({
      alloc: ['VCB:T1 261200012345 100 amount_equals_invoice', 'VCB:T2 202612 100 invoice_ref'],
      exc: [],
    });
  });

  it('a word of a reference text that is another customer\'s invoice id does not outweigh a known customer code; a whole-field reference still does', async () => {
    const world: World = {
      customers: [K12, K13],
      invoices: [
        { no: '261200012345', customer: K12, amount: 100, period: '2026-12' },
        // A billing system whose ids are short numbers: the period written in the field is one of them.
        { no: '202612', customer: K13, amount: 100, period: '2026-12' },
      ],
      payments: [
        { txn: 'T1', amount: 100, code: K12, ref: 'Ky 202612' },
        // The field as a whole is the id: the reference wins over the code (rule 3).
        { txn: 'T2', amount: 100, code: K12, ref: '202612' },
      ],
    };
    expect(await outcomeEitherOrder(world)).toEqual({
      alloc: ['VCB:T1 261200012345 100 amount_equals_invoice', 'VCB:T2 202612 100 invoice_ref'],
      exc: [],
    });
    const db = await matched(world);
    const rule3 = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'T1' }))!.records[0]!.rules.find((r) => r.rule.startsWith('3'))!;
    expect(rule3.why).toBe(`reference "Ky 202612": a word in it is the id of an invoice of another customer than the customer code ${K12} names; a word among others does not outweigh the code, which decides`);
  });

  it('a memo or reference naming several invoices of one customer (arrears and the current bill) pays those invoices; of two customers, none', async () => {
    const world: World = {
      ...shared,
      payments: [
        { txn: 'T1', amount: 200, memo: 'HD 261200012345 va 270100012345' },
        { txn: 'T2', amount: 150, ref: 'HD 261200012345 + 270100012345' },
        // Two customers' invoices: no one customer, unknown_customer as before.
        { txn: 'T3', amount: 200, memo: 'HD 261200012345 va 261200099999' },
      ],
    };
    expect(await outcomeEitherOrder(world)).toEqual({
      alloc: [
        'VCB:T1 261200012345 100 invoice_ref',
        'VCB:T1 270100012345 100 invoice_ref',
      ],
      // T2 named both, settled by T1: a duplicate related to the newest it named.
      exc: ['VCB:T2 duplicate_payment 150 → 270100012345', 'VCB:T3 unknown_customer 200'],
    });
    const db = await matched(world);
    const why = (txnRef: string) => explainPayment(db, { partnerId: 'VCB', txnRef }).then((e) => e!.records[0]!.rules.find((r) => r.rule.startsWith('3'))!.why);
    expect(await why('T1')).toBe(
      `the memo names several invoices (261200012345 of ${K12}, 270100012345 of ${K12}), all of customer ${K12}: the payment is that customer's; the invoices named take it first, oldest first (the allocations by rule invoice_ref below), and what is left goes to the customer's other open invoices by the customer rules (4-7)`,
    );
  });

  it('the invoices a reference names are the ones paid, not the customer\'s oldest: oldest first among them, the rest to the others', async () => {
    // Customer K12 owes A (oldest, 100), B (120) and C (130). Oldest first over the customer would
    // pay A first; the payer named B and C.
    const world: World = {
      customers: [K12],
      invoices: [
        { no: '261000000001', customer: K12, amount: 100, period: '2026-10' },
        { no: '261100000002', customer: K12, amount: 120, period: '2026-11' },
        { no: '261200000003', customer: K12, amount: 130, period: '2026-12' },
      ],
      payments: [{ txn: 'T1', amount: 250, ref: 'HD 261200000003, 261100000002' }],
    };
    const exact = await outcomeEitherOrder(world);
    expect(exact).toEqual({ alloc: ['VCB:T1 261100000002 120 invoice_ref', 'VCB:T1 261200000003 130 invoice_ref'], exc: [] });
    // Less than the named invoices: the older named one in full, the newer partially; A untouched.
    expect(await outcomeEitherOrder({ ...world, payments: [{ txn: 'T1', amount: 200, memo: 'TT HD 261100000002 261200000003' }] })).toEqual({
      alloc: ['VCB:T1 261100000002 120 invoice_ref', 'VCB:T1 261200000003 80 invoice_ref'],
      exc: [],
    });
    // More: the named invoices, then the rest by the customer rules (A equals it: rule 4).
    expect(await outcomeEitherOrder({ ...world, payments: [{ txn: 'T1', amount: 350, ref: '261100000002 261200000003' }] })).toEqual({
      alloc: ['VCB:T1 261000000001 100 amount_equals_invoice', 'VCB:T1 261100000002 120 invoice_ref', 'VCB:T1 261200000003 130 invoice_ref'],
      exc: [],
    });
    // An earlier payment took B: the later one naming B and C pays C, and the rest goes to A.
    expect(await outcomeEitherOrder({
      ...world,
      payments: [
        { txn: 'T0', amount: 120, ref: '261100000002', at: '2026-12-01T08:00:00' },
        { txn: 'T1', amount: 250, ref: '261100000002 261200000003', at: '2026-12-02T08:00:00' },
      ],
    })).toEqual({
      alloc: ['VCB:T0 261100000002 120 invoice_ref', 'VCB:T1 261000000001 100 overpayment', 'VCB:T1 261200000003 130 invoice_ref'],
      exc: ['VCB:T1 overpayment_credit 20'],
    });
  });

  it('an id and a series + number naming two invoices of one customer are both named; of two customers, ambiguous', async () => {
    // 261200012345 (K12, 2026-12) by its id, 270100012345 (K12, 2027-01) by its e-invoice key.
    const world: World = {
      ...shared,
      payments: [
        { txn: 'T1', amount: 200, memo: 'TT HD 261200012345 va 1K27TAA 12345' },
        { txn: 'T2', amount: 200, ref: '261200099999 + 1K27TAA 12345' }, // K13's id beside K12's key
      ],
    };
    expect(await outcomeEitherOrder(world)).toEqual({
      alloc: ['VCB:T1 261200012345 100 invoice_ref', 'VCB:T1 270100012345 100 invoice_ref'],
      exc: ['VCB:T2 unknown_customer 200'],
    });
  });

  it('explain does not blame series + number for a memo or reference naming two invoice ids', async () => {
    const db = await matched({
      ...shared,
      payments: [
        { txn: 'T1', amount: 200, memo: 'HD 261200012345 va 261200099999' },
        { txn: 'T2', amount: 200, ref: 'HD 261200012345, 261200099999' },
      ],
    });
    for (const txnRef of ['T1', 'T2']) {
      const why = (await explainPayment(db, { partnerId: 'VCB', txnRef }))!.records[0]!.rules.find((r) => r.rule.startsWith('3'))!.why;
      expect(why).toMatch(/matches several invoices/);
      expect(why).not.toMatch(/series \+ number is unique only within a power corporation/);
      // The invoices it could mean, each with its customer, so an auditor can decide (migration 017).
      expect(why).toContain(`several invoices (261200012345 of ${K12}, 261200099999 of ${K13})`);
    }
    // Explaining either invoice lists both payments among those naming it, neither allocated to it.
    const claims = (await explainInvoice(db, '261200099999'))!.claims.map((c) => `${c['txn_ref']} ${c['named_by']}`);
    expect(claims).toEqual(['T1 invoice_ref (memo_ambiguous)', 'T2 invoice_ref (ambiguous)']);
    // The exception queue names them too.
    const details = await db.all<{ txn_ref: string; reason: string; detail: string }>(
      `SELECT p.txn_ref, e.reason, e.detail FROM exceptions e JOIN payments p USING (payment_id) WHERE p.txn_ref IN ('T1', 'T2') ORDER BY 1`,
    );
    expect(details.map((d) => [d.txn_ref, d.reason, d.detail.replace(/^.*; /, '')])).toEqual([
      ['T1', 'unknown_customer', 'the memo names several invoices (261200012345, 261200099999)'],
      ['T2', 'unknown_customer', 'invoice reference matches several invoices (261200012345, 261200099999)'],
    ]);
  });
});

describe('VietQR payloads', () => {
  /** With this account, the payload of customer PE0100000004 (62/01) has the CRC 6304. */
  const ACCOUNT_CRC_6304 = '000000002914';
  const customers = ['PE0100000001', 'PE0100000002', 'PE0100000003', 'PE0100000004'];
  const invoices = customers.map((c, n) => ({ no: `I${n + 1}`, customer: c, amount: 101 + n }));
  const cases: Case[] = [
    [
      'the code in tag 62 sub-field 01, 05, 06 or 08 is read; the payload\'s own amount is only what the app suggested',
      {
        customers,
        invoices,
        payments: [
          { txn: 'T1', amount: 101, memo: vietqr(customers[0]!, { sub: '01' }) },
          { txn: 'T2', amount: 102, memo: vietqr(customers[1]!, { sub: '05', amount: '250000' }) },
          { txn: 'T3', amount: 103, memo: vietqr(customers[2]!, { sub: '06' }) },
          { txn: 'T4', amount: 104, memo: vietqr(`TT${customers[3]!}T10`, { sub: '08' }) },
        ],
      },
      {
        alloc: [
          'VCB:T1 I1 101 amount_equals_invoice',
          'VCB:T2 I2 102 amount_equals_invoice',
          'VCB:T3 I3 103 amount_equals_invoice',
          'VCB:T4 I4 104 amount_equals_invoice',
        ],
        exc: [],
      },
    ],
    [
      'a wrong CRC is not trusted, whatever real code the payload holds; a CRC in lower-case hex is the same checksum',
      {
        customers,
        invoices,
        payments: [
          { txn: 'T1', amount: 101, memo: `${vietqr(customers[0]!, { sub: '01' }).slice(0, -4)}0000` },
          { txn: 'T2', amount: 102, memo: vietqr(customers[1]!, { sub: '01' }).replace(/....$/, (crc) => crc.toLowerCase()) },
        ],
      },
      { alloc: ['VCB:T2 I2 102 amount_equals_invoice'], exc: ['VCB:T1 unknown_customer 101'] },
    ],
    [
      'a payload inside a longer memo ends at the CRC that validates: "6304" in the account or in a phone number after it is no end',
      {
        customers,
        invoices,
        payments: [
          { txn: 'T1', amount: 101, memo: `QR ${vietqr(customers[0]!, { sub: '01' })} LH 0963041234` },
          { txn: 'T2', amount: 102, memo: `CK ${vietqr(customers[1]!, { sub: '01', account: '11363041234' })} ok` },
          // The text after the payload is still read as a memo.
          { txn: 'T3', amount: 103, memo: `${vietqr('ung ho')} 6304ABCD ${customers[2]!}` },
          // A CRC that is itself 6304 (the 0-padded account makes it so).
          { txn: 'T4', amount: 104, memo: `${vietqr(customers[3]!, { sub: '01', account: ACCOUNT_CRC_6304 })} ok` },
        ],
      },
      {
        alloc: [
          'VCB:T1 I1 101 amount_equals_invoice',
          'VCB:T2 I2 102 amount_equals_invoice',
          'VCB:T3 I3 103 amount_equals_invoice',
          'VCB:T4 I4 104 amount_equals_invoice',
        ],
        exc: [],
      },
    ],
    [
      'a payload inside a longer memo starts at the "000201" whose span validates: "000201" in a number before it is no start',
      {
        customers,
        invoices,
        payments: [
          { txn: 'T1', amount: 101, memo: `MBVCB.26300002011.${vietqr(customers[0]!, { sub: '01' })}` },
          { txn: 'T2', amount: 102, memo: `GD 1000201 ${vietqr(customers[1]!, { sub: '08' })} LH 0963041234` },
        ],
      },
      { alloc: ['VCB:T1 I1 101 amount_equals_invoice', 'VCB:T2 I2 102 amount_equals_invoice'], exc: [] },
    ],
  ];
  it.each(cases)('%s', async (_name, world, expected) => {
    expect(await outcome(world)).toEqual(expected);
  });
});

describe('time', () => {
  const cases: Case[] = [
    [
      'two payments at the same second for one residual: the smaller partner id takes it, whichever rule found each; then the transaction id by value',
      {
        customers: [K12, K13],
        invoices: [
          { no: '270100012345', customer: K12, amount: 100 },
          { no: 'N1', customer: K13, amount: 300 },
        ],
        payments: [
          { txn: 'Z1', partner: 'ZALO', amount: 100, ref: '270100012345', at: '2026-02-10T10:00:00' },
          { txn: 'A1', partner: 'ACB', amount: 100, code: null, memo: `TT ${K12}`, at: '2026-02-10T10:00:00' },
          { txn: '10', partner: 'ACB', amount: 300, code: K13, at: '2026-02-10T10:00:00' },
          { txn: '9', partner: 'ACB', amount: 300, code: K13, at: '2026-02-10T10:00:00' },
        ],
      },
      {
        alloc: ['ACB:9 N1 300 amount_equals_invoice', 'ACB:A1 270100012345 100 amount_equals_invoice'],
        exc: ['ACB:10 duplicate_payment 300 → N1', 'ZALO:Z1 duplicate_payment 100 → 270100012345'],
      },
    ],
    [
      'a payment made before its invoice was issued takes it (issue dates do not close an invoice to earlier payments)',
      {
        customers: [K12],
        invoices: [{ no: 'I1', customer: K12, amount: 100, issued_on: '2026-01-20' }],
        payments: [{ txn: 'T1', amount: 100, code: K12, at: '2026-01-05T08:00:00' }],
      },
      { alloc: ['VCB:T1 I1 100 amount_equals_invoice'], exc: [] },
    ],
  ];
  it.each(cases)('%s', async (_name, world, expected) => {
    expect(await outcomeEitherOrder(world)).toEqual(expected);
  });
});

describe('amounts', () => {
  const three = [
    { no: 'A', customer: K12, amount: 100, period: '2025-11' },
    { no: 'B', customer: K12, amount: 200, period: '2025-12' },
    { no: 'C', customer: K12, amount: 300, period: '2026-01' },
  ];
  const cases: Case[] = [
    [
      'a payment of 1 đồng pays 1 đồng of the oldest invoice',
      { customers: [K12], invoices: three, payments: [{ txn: 'T1', amount: 1, code: K12 }] },
      { alloc: ['VCB:T1 A 1 oldest_first_partial'], exc: [] },
    ],
    [
      'an amount equal to two invoices that are not the oldest two is paid oldest first (no subset is searched)',
      { customers: [K12], invoices: three, payments: [{ txn: 'T1', amount: 400, code: K12 }] },
      { alloc: ['VCB:T1 A 100 oldest_first_partial', 'VCB:T1 B 200 oldest_first_partial', 'VCB:T1 C 100 oldest_first_partial'], exc: [] },
    ],
    [
      'paying a customer with nothing open: duplicate_payment when earlier payments settled its invoices, no_open_invoice when it has none',
      {
        customers: [K12, K13],
        invoices: [{ no: 'I1', customer: K12, amount: 100 }],
        payments: [
          { txn: 'T1', amount: 100, code: K12, at: '2026-02-01T08:00:00' },
          { txn: 'T2', amount: 150, code: K12 },
          { txn: 'T3', amount: 150, code: K13 },
        ],
      },
      { alloc: ['VCB:T1 I1 100 amount_equals_invoice'], exc: ['VCB:T2 duplicate_payment 150', 'VCB:T3 no_open_invoice 150'] },
    ],
    [
      'a partial refund then a reversal of the rest voids the payment exactly; a refund larger than its payment voids it and the excess is refund_exceeds_payment',
      {
        customers: [K12, K13],
        invoices: [
          { no: 'I1', customer: K12, amount: 100 },
          { no: 'N1', customer: K13, amount: 100 },
        ],
        payments: [
          { txn: 'T1', amount: 150, code: K12 },
          { txn: 'RF', amount: 50, kind: 'refund', reverses: 'T1', at: '2026-02-11T08:00:00' },
          { txn: 'RV', amount: 100, kind: 'reversal', reverses: 'T1', at: '2026-02-12T08:00:00' },
          { txn: 'T2', amount: 100, code: K13 },
          { txn: 'T2', amount: 130, kind: 'refund', at: '2026-02-11T08:00:00' },
        ],
      },
      { alloc: [], exc: ['VCB:T2 refund_exceeds_payment 30'] },
    ],
  ];
  it.each(cases)('%s', async (_name, world, expected) => {
    expect(await outcomeEitherOrder(world)).toEqual(expected);
  });
});

describe('identity', () => {
  it('the same transaction id from two partners is two payments; a reversal reusing the id voids only its own partner\'s; a refund naming another partner\'s payment is an orphan', async () => {
    const got = await outcomeEitherOrder({
      customers: [K12, K13],
      invoices: [
        { no: 'I1', customer: K12, amount: 100 },
        { no: 'N1', customer: K13, amount: 200 },
      ],
      payments: [
        { txn: 'X1', partner: 'MOMO', amount: 100, code: K12 },
        { txn: 'X1', partner: 'VCB', amount: 200, code: K13 },
        { txn: 'X1', partner: 'VCB', amount: 200, kind: 'reversal', at: '2026-02-12T08:00:00' },
        { txn: 'RF1', partner: 'ZALO', amount: 100, kind: 'refund', reverses: 'X1', at: '2026-02-12T08:00:00' },
      ],
    });
    expect(got).toEqual({ alloc: ['MOMO:X1 I1 100 amount_equals_invoice'], exc: ['ZALO:RF1 orphan_reversal 100'] });
  });
});

describe('KPIs of a month across the year boundary (2027-01, default as-of 2027-02-28)', () => {
  const C = (pc: string, n: number) => `${pc}0100${String(n).padStart(7, '0')}`;
  const [C1, C2, C3, C4, C5, C6, C7] = [C('PD', 1), C('PD', 2), C('PE', 3), C('PA', 4), C('PB', 5), C('PC', 6), C('PK', 7)];
  const jan = (no: string, customer: string, amount: number) => ({ no, customer, amount, period: '2027-01', issued_on: '2027-01-20' });
  const world: World = {
    partners: [
      { id: 'VCB', group: 'bank' },
      { id: 'MOMO', group: 'intermediary' },
      { id: 'AG', group: 'retail_agent' },
      { id: 'EVN', group: 'evn_counter' },
    ],
    customers: [C1, C2, C3, C4, C5, C6, C7],
    invoices: [
      { no: 'D1', customer: C1, amount: 100, period: '2026-12', issued_on: '2026-12-20' },
      jan('J1', C1, 200),
      jan('J2', C2, 400),
      jan('J3', C3, 300),
      jan('J4a', C4, 100),
      jan('J4b', C4, 100),
      jan('J5', C5, 500),
      jan('J6', C6, 600),
      jan('J7', C7, 700),
    ],
    payments: [
      // December arrears + January in one payment: D1 counts in 2026-12, J1 in 2027-01.
      { txn: 'M1', partner: 'MOMO', instrument: 'ewallet', amount: 300, code: C1, at: '2027-01-10T08:00:00' },
      // Equal amounts from two groups: the group whose first payment came first (the agent).
      { txn: 'A2', partner: 'AG', instrument: 'cash', amount: 200, code: C2, at: '2027-01-05T10:00:00' },
      { txn: 'V2', partner: 'VCB', amount: 200, code: C2, at: '2027-01-06T10:00:00' },
      // Equal amounts at the same second: partner id EVN before VCB.
      { txn: 'V3', partner: 'VCB', amount: 150, code: C3, at: '2027-01-07T09:00:00' },
      { txn: 'E3', partner: 'EVN', instrument: 'cash', amount: 150, code: C3, at: '2027-01-07T09:00:00' },
      // One invoice by cash, the other by transfer: C4 is not an all-cashless customer.
      { txn: 'A4', partner: 'AG', instrument: 'cash', amount: 100, code: C4, at: '2027-01-08T09:00:00' },
      { txn: 'V4', partner: 'VCB', amount: 100, code: C4, at: '2027-01-09T09:00:00' },
      // J5 has no allocation at all. J6: a date-only paid time on the as-of day counts (00:00 local);
      // the day after does not, though it is allocated.
      { txn: 'V6a', partner: 'VCB', amount: 100, code: C6, at: '2027-02-28T00:00:00' },
      { txn: 'V6b', partner: 'VCB', amount: 500, code: C6, at: '2027-03-01T00:00:00' },
      // Reversed after the as-of date: void all the same; the payment after it is not counted.
      { txn: 'V7', partner: 'VCB', amount: 700, code: C7, at: '2027-01-10T09:00:00' },
      { txn: 'R7', partner: 'VCB', kind: 'reversal', reverses: 'V7', amount: 700, at: '2027-03-15T09:00:00' },
      { txn: 'M7', partner: 'MOMO', instrument: 'ewallet', amount: 700, code: C7, at: '2027-03-20T09:00:00' },
    ],
  };

  it('matches every payment, the ones after the as-of date included', async () => {
    expect(await outcomeEitherOrder(world, '2027-02-28')).toEqual({
      alloc: [
        'AG:A2 J2 200 oldest_first_partial',
        'AG:A4 J4a 100 amount_equals_invoice',
        'EVN:E3 J3 150 oldest_first_partial',
        'MOMO:M1 D1 100 amount_equals_open_total',
        'MOMO:M1 J1 200 amount_equals_open_total',
        'MOMO:M7 J7 700 amount_equals_invoice',
        'VCB:V2 J2 200 amount_equals_invoice',
        'VCB:V3 J3 150 amount_equals_invoice',
        'VCB:V4 J4b 100 amount_equals_invoice',
        'VCB:V6a J6 100 oldest_first_partial',
        'VCB:V6b J6 500 amount_equals_invoice',
      ],
      exc: [],
    });
  });

  it('counts only allocations paid by the end of the as-of day, attributes ties by the first payment, and takes cashless customers over all their allocations', async () => {
    const db = await matched(world, '2027-02-28');
    const { period, asOf } = checkPeriod('2027-01');
    expect(asOf).toBe('2027-02-28');
    const k = await computeKpis(db, period, asOf);
    // Counted: J1 200 MOMO; J2 200 AG + 200 VCB; J3 150 VCB + 150 EVN; J4a 100 AG; J4b 100 VCB;
    // J6 100 VCB (V6a). Not counted: V6b, M7 (after 2027-02-28), V7 (void).
    expect(k.headline.counts).toEqual({
      invoices: 8,
      invoiced_vnd: 2900,
      allocated_vnd: 1200,
      invoices_settled: 5, // J1, J2, J3, J4a, J4b
      invoices_with_allocation: 6, // and J6; not J5, J7
      invoices_by_group: { bank: 2, intermediary: 1, retail_agent: 2, evn_counter: 1 }, // J4b, J6 | J1 | J2, J4a | J3
      allocated_vnd_by_group: { bank: 550, intermediary: 200, retail_agent: 300, evn_counter: 150 },
      customers_by_group: { bank: 4, intermediary: 1, retail_agent: 2, evn_counter: 1 }, // C2 C3 C4 C6 | C1 | C2 C4 | C3
      cashless_allocated_vnd: 750, // MOMO 200 + VCB 550
      customers_with_allocation: 5, // C1 C2 C3 C4 C6
      customers_all_cashless: 2, // C1, C6
    });
    expect(k.headline.ratios).toEqual({
      collection_rate_amount: 0.413793,
      collection_rate_count: 0.625,
      channel_share_invoices: { bank: 0.333333, intermediary: 0.166667, retail_agent: 0.333333, evn_counter: 0.166667 },
      channel_share_amount: { bank: 0.458333, intermediary: 0.166667, retail_agent: 0.25, evn_counter: 0.125 },
      cashless_share_amount: 0.625,
      cashless_share_customers: 0.4,
    });
    // December, at its own default as-of date (2027-01-31): D1 paid by M1.
    const dec = await computeKpis(db, '2026-12', checkPeriod('2026-12').asOf);
    expect(dec.headline.as_of).toBe('2027-01-31');
    expect(dec.headline.counts).toMatchObject({ invoices: 1, allocated_vnd: 100, invoices_settled: 1, cashless_allocated_vnd: 100 });
  });

  it('defaults the as-of date of a January in a leap year to 29 February, counting up to its last second', async () => {
    const db = await matched(
      {
        partners: world.partners,
        customers: [K12, K13],
        // (Two invoices: with one, DuckDB plans the as-of cut-off as a nested loop, which the tests refuse.)
        invoices: [
          { no: 'L1', customer: K12, amount: 300, period: '2028-01', issued_on: '2028-01-20' },
          { no: 'L2', customer: K13, amount: 400, period: '2028-01', issued_on: '2028-01-20' },
        ],
        payments: [
          { txn: 'T1', amount: 100, code: K12, at: '2028-02-29T23:59:59' },
          { txn: 'T2', amount: 200, code: K12, at: '2028-03-01T00:00:00' },
        ],
      },
      '2028-02-29',
    );
    const { asOf } = checkPeriod('2028-01');
    expect(asOf).toBe('2028-02-29');
    expect((await computeKpis(db, '2028-01', asOf)).headline.counts).toMatchObject({ allocated_vnd: 100, invoices_settled: 0 });
  });
});
