// One case per rule and per exception reason: a tiny world, the match, the exact outcome.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { compareTxn } from '../../src/generate/truth.ts';
import { allocations, crc16Bytes, exceptions, load, match, openDb, vietqr, type PaymentSpec, type World } from './fixture.ts';

const A = 'PA03HL0012345';
const B = 'PE0100123456';
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

async function outcome(world: World) {
  const db = await openDb();
  open.push(db);
  await load(db, { customers: [A, B], ...world });
  await match(db);
  return {
    alloc: (await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.amount} ${a.rule}`),
    exc: (await exceptions(db)).map((e) => `${e.txn} ${e.reason} ${e.amount}${e.suggested ? ` → ${e.suggested}` : ''}`),
  };
}

const twoInvoices = [
  { no: 'OLD', customer: A, amount: 100, period: '2025-12', number: '7' },
  { no: 'NEW', customer: A, amount: 200, period: '2026-01', number: '1234' },
];

const cases: Array<[string, World, { alloc: string[]; exc: string[] }]> = [
  [
    'rule 1: a reversed payment is void and its invoice stays open for a later payment',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        { txn: 'T1', amount: 200, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'R1', amount: 200, kind: 'reversal', reverses: 'T1', at: '2026-02-03T08:00:00' },
        { txn: 'T2', amount: 200, code: A, partner: 'MOMO', at: '2026-02-05T08:00:00' },
      ],
    },
    { alloc: ['MOMO:T2 NEW 200 amount_equals_invoice'], exc: [] },
  ],
  [
    'rule 1: a partial refund reusing the transaction id lowers what the payment allocates',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        { txn: 'T1', amount: 250, code: A },
        { txn: 'T1', amount: 50, kind: 'refund', at: '2026-02-12T08:00:00' },
      ],
    },
    { alloc: ['VCB:T1 NEW 200 amount_equals_invoice'], exc: [] },
  ],
  [
    'rule 1: refunds beyond the payment\'s amount void it and the part beyond is refund_exceeds_payment on the refund records that go past it',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        { txn: 'T1', amount: 200, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'RF1', amount: 150, kind: 'refund', reverses: 'T1', at: '2026-02-03T08:00:00' },
        { txn: 'RF2', amount: 100, kind: 'refund', reverses: 'T1', at: '2026-02-04T08:00:00' },
        { txn: 'T2', amount: 300, code: B, at: '2026-02-01T08:00:00' },
        { txn: 'T2', amount: 350, kind: 'refund', at: '2026-02-05T08:00:00' },
      ],
    },
    { alloc: [], exc: ['VCB:RF2 refund_exceeds_payment 50', 'VCB:T2 refund_exceeds_payment 50'] },
  ],
  [
    'rule 1: a refund of a reversed payment returns money already returned: refund_exceeds_payment for all of it',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        { txn: 'T1', amount: 200, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'R1', amount: 200, kind: 'reversal', reverses: 'T1', at: '2026-02-02T08:00:00' },
        { txn: 'RF1', amount: 80, kind: 'refund', reverses: 'T1', at: '2026-02-03T08:00:00' },
      ],
    },
    { alloc: [], exc: ['VCB:RF1 refund_exceeds_payment 80'] },
  ],
  [
    'rule 1: a second reversal of a payment under another id takes the money back again: the payment is void once, the later reversal (paid time, then id by value, then kind) is refund_exceeds_payment for all of it',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }, { no: 'HCM', customer: B, amount: 300 }],
      payments: [
        { txn: 'T1', amount: 200, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'R1', amount: 200, kind: 'reversal', reverses: 'T1', at: '2026-02-02T08:00:00' },
        { txn: 'R2', amount: 200, kind: 'reversal', reverses: 'T1', at: '2026-02-03T08:00:00' },
        { txn: 'T2', amount: 200, code: A, partner: 'MOMO', at: '2026-02-05T08:00:00' },
        { txn: '7', amount: 300, code: B, at: '2026-02-01T08:00:00' },
        { txn: '10', amount: 300, kind: 'reversal', reverses: '7', at: '2026-02-02T08:00:00' },
        { txn: '9', amount: 300, kind: 'reversal', reverses: '7', at: '2026-02-02T08:00:00' },
        { txn: '7', amount: 300, kind: 'reversal', at: '2026-02-02T08:00:00' },
        { txn: '7', amount: 300, kind: 'refund', at: '2026-02-02T08:00:00' },
      ],
    },
    {
      alloc: ['MOMO:T2 NEW 200 amount_equals_invoice'],
      // same paid time: the refund 7 (refund before reversal) returns the payment, then the reversal 7, 9, 10 go beyond it
      exc: ['VCB:10 refund_exceeds_payment 300', 'VCB:7 refund_exceeds_payment 300', 'VCB:9 refund_exceeds_payment 300', 'VCB:R2 refund_exceeds_payment 200'],
    },
  ],
  [
    'rule 1: reversals and refunds return their own amounts: a reversal of more than the payment is refund_exceeds_payment for the part beyond; a partial refund then a reversal of the rest returns the payment exactly (no exception); a refund then a full reversal puts the part beyond on the reversal',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        { txn: 'T1', amount: 200, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'R1', amount: 260, kind: 'reversal', reverses: 'T1', at: '2026-02-02T08:00:00' },
        { txn: 'T2', amount: 200, code: A, at: '2026-02-01T09:00:00' },
        { txn: 'RF2', amount: 50, kind: 'refund', reverses: 'T2', at: '2026-02-02T08:00:00' },
        { txn: 'R2', amount: 150, kind: 'reversal', reverses: 'T2', at: '2026-02-03T08:00:00' },
        { txn: 'T3', amount: 200, code: A, at: '2026-02-01T10:00:00' },
        { txn: 'RF3', amount: 50, kind: 'refund', reverses: 'T3', at: '2026-02-02T08:00:00' },
        { txn: 'R3', amount: 200, kind: 'reversal', reverses: 'T3', at: '2026-02-03T08:00:00' },
      ],
    },
    { alloc: [], exc: ['VCB:R1 refund_exceeds_payment 60', 'VCB:R3 refund_exceeds_payment 50'] },
  ],
  [
    'rule 1: a reversal returning less than the payment (with its other reversals and refunds) still voids it; the rest the partner kept is partial_reversal on its last reversal, not allocated',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        { txn: 'T1', amount: 200, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'R1', amount: 150, kind: 'reversal', reverses: 'T1', at: '2026-02-02T08:00:00' },
        { txn: 'T2', amount: 200, code: A, at: '2026-02-01T09:00:00' },
        { txn: 'RF2', amount: 30, kind: 'refund', reverses: 'T2', at: '2026-02-02T08:00:00' },
        { txn: 'R2', amount: 100, kind: 'reversal', reverses: 'T2', at: '2026-02-03T08:00:00' },
        { txn: 'T3', amount: 200, code: A, at: '2026-02-01T10:00:00' },
        { txn: 'R3A', amount: 80, kind: 'reversal', reverses: 'T3', at: '2026-02-02T08:00:00' },
        { txn: 'R3B', amount: 70, kind: 'reversal', reverses: 'T3', at: '2026-02-03T08:00:00' },
        { txn: 'T4', amount: 200, code: A, partner: 'MOMO', at: '2026-02-05T08:00:00' },
      ],
    },
    {
      alloc: ['MOMO:T4 NEW 200 amount_equals_invoice'],
      exc: ['VCB:R1 partial_reversal 50', 'VCB:R2 partial_reversal 70', 'VCB:R3B partial_reversal 50'],
    },
  ],
  [
    'rule 1: a reversal naming a refund record cancels the refund (the payment allocates its full amount); one naming a payment of another partner is orphan_reversal: it voids nothing (the other partner\'s payment allocates)',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }, { no: 'HCM', customer: B, amount: 300 }],
      payments: [
        { txn: 'T1', amount: 250, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'RF1', amount: 50, kind: 'refund', reverses: 'T1', at: '2026-02-02T08:00:00' },
        { txn: 'R1', amount: 50, kind: 'reversal', reverses: 'RF1', at: '2026-02-03T08:00:00' },
        { txn: 'M7', amount: 300, code: B, partner: 'MOMO', at: '2026-02-01T08:00:00' },
        { txn: 'R7', amount: 300, kind: 'reversal', reverses: 'M7', at: '2026-02-03T08:00:00' },
      ],
    },
    {
      alloc: ['MOMO:M7 HCM 300 amount_equals_invoice', 'VCB:T1 NEW 200 overpayment'],
      exc: ['VCB:R7 orphan_reversal 300', 'VCB:T1 overpayment_credit 50'],
    },
  ],
  [
    'rule 1: a refund of exactly the payment voids it without an exception; a partial refund lowers the amount before matching, so it never exceeds what the payment leaves over (the invoice stays open for the rest)',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }, { no: 'HCM', customer: B, amount: 300 }],
      payments: [
        { txn: 'T1', amount: 200, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'RF1', amount: 200, kind: 'refund', reverses: 'T1', at: '2026-02-03T08:00:00' },
        { txn: 'T2', amount: 300, code: B, at: '2026-02-01T08:00:00' },
        { txn: 'RF2', amount: 120, kind: 'refund', reverses: 'T2', at: '2026-02-03T08:00:00' },
      ],
    },
    { alloc: ['VCB:T2 HCM 180 oldest_first_partial'], exc: [] },
  ],
  [
    'rule 1: a reversal whose original is not loaded is orphan_reversal',
    { payments: [{ txn: 'R9', amount: 70, kind: 'reversal', reverses: 'NOPE' }] },
    { alloc: [], exc: ['VCB:R9 orphan_reversal 70'] },
  ],
  [
    'rule 3: the invoice id wins over a disagreeing customer code',
    {
      invoices: [{ no: 'INVB', customer: B, amount: 300 }, ...twoInvoices],
      payments: [{ txn: 'T1', amount: 300, code: A, ref: 'invb' }],
    },
    { alloc: ['VCB:T1 INVB 300 invoice_ref'], exc: [] },
  ],
  [
    'rule 3: series + number written with a dash and without leading zeros',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 200, ref: '1K26TAA-1234' }] },
    { alloc: ['VCB:T1 NEW 200 invoice_ref'], exc: [] },
  ],
  [
    'rule 3: series + number padded with more zeros than the 8 digits a number has',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 200, ref: '1k26taa 0000001234' }, { txn: 'T2', amount: 100, ref: 'K26TAA-000000007' }] },
    { alloc: ['VCB:T1 NEW 200 invoice_ref', 'VCB:T2 OLD 100 invoice_ref'], exc: [] },
  ],
  [
    'rule 3: a billing id holding spaces matches with or without them',
    {
      invoices: [{ no: 'HD 2603 0010', customer: B, amount: 300 }, { no: 'HD 2603 0011', customer: B, amount: 400 }],
      payments: [{ txn: 'T1', amount: 300, code: null, ref: 'HD 2603 0010' }, { txn: 'T2', amount: 400, code: null, ref: 'hd26030011' }],
    },
    { alloc: ['VCB:T1 HD 2603 0010 300 invoice_ref', 'VCB:T2 HD 2603 0011 400 invoice_ref'], exc: [] },
  ],
  [
    'rule 3: series + number of another corporation is not the payer\'s invoice; the code rules apply',
    {
      customers: [A, B, 'PA01AA0000001', 'PD0100000001'],
      invoices: [{ no: 'NPC', customer: 'PA01AA0000001', amount: 200, series: '1K26TDA', number: '777' }, { no: 'HN', customer: 'PD0100000001', amount: 200, series: '1K26TDA', number: '778' }],
      payments: [{ txn: 'T1', amount: 200, code: 'PD0100000001', ref: '1K26TDA 777' }, { txn: 'T2', amount: 200, code: null, ref: '1K26TDA 777' }],
    },
    { alloc: ['VCB:T1 HN 200 amount_equals_invoice', 'VCB:T2 NPC 200 invoice_ref'], exc: [] },
  ],
  [
    'rule 3: what a reference leaves goes on to the customer\'s other open invoices',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 250, ref: '1K26TAA 00001234' }] },
    { alloc: ['VCB:T1 NEW 200 invoice_ref', 'VCB:T1 OLD 50 oldest_first_partial'], exc: [] },
  ],
  [
    'rule 3 + 7: a reference larger than everything owed leaves the rest as overpayment_credit',
    { invoices: [{ no: 'NEW', customer: A, amount: 200 }], payments: [{ txn: 'T1', amount: 260, ref: 'NEW' }] },
    { alloc: ['VCB:T1 NEW 200 invoice_ref'], exc: ['VCB:T1 overpayment_credit 60'] },
  ],
  [
    'rule 4: an amount equal to one residual takes that invoice, not the oldest',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 200, code: A }] },
    { alloc: ['VCB:T1 NEW 200 amount_equals_invoice'], exc: [] },
  ],
  [
    'rule 5: an amount equal to arrears + current pays both',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 300, code: A }] },
    { alloc: ['VCB:T1 NEW 200 amount_equals_open_total', 'VCB:T1 OLD 100 amount_equals_open_total'], exc: [] },
  ],
  [
    'rule 6: less than owed pays oldest first, the last partially',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 150, code: A }] },
    { alloc: ['VCB:T1 NEW 50 oldest_first_partial', 'VCB:T1 OLD 100 oldest_first_partial'], exc: [] },
  ],
  [
    'rule 7: more than owed pays everything and the rest is overpayment_credit',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 400, code: A }] },
    { alloc: ['VCB:T1 NEW 200 overpayment', 'VCB:T1 OLD 100 overpayment'], exc: ['VCB:T1 overpayment_credit 100'] },
  ],
  [
    'rule 8: a code in free text, any letter case',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 200, code: null, memo: 'Thanh toán tiền điện pa03hl0012345 T01' }] },
    { alloc: ['VCB:T1 NEW 200 amount_equals_invoice'], exc: [] },
  ],
  [
    'rule 8: a code glued to other text is read, in any letter case',
    {
      invoices: [{ no: 'HCM', customer: B, amount: 300 }],
      payments: [{ txn: 'T1', amount: 300, code: null, memo: 'TT tien dien MAKHpe0100123456T10' }],
    },
    { alloc: ['VCB:T1 HCM 300 amount_equals_invoice'], exc: [] },
  ],
  [
    'rule 8: a code split by spaces, dots or dashes is read once joined, in the memo or the code field (read as text when not a code as a whole); a code read whole still wins',
    {
      customers: [A, B, 'PE0100123457', 'PE0100123458'],
      invoices: [
        { no: 'HCM', customer: B, amount: 300 },
        { no: 'HCM7', customer: 'PE0100123457', amount: 700 },
        { no: 'HCM8', customer: 'PE0100123458', amount: 800 },
        { no: 'NEW', customer: A, amount: 200 },
      ],
      payments: [
        { txn: 'T1', amount: 300, code: null, memo: 'THANH TOAN TIEN DIEN PE0100 123456 T10' },
        { txn: 'T2', amount: 200, code: 'pa03hl-001-2345', memo: null },
        { txn: 'T3', amount: 700, code: null, memo: 'TT PE0100 123456 KH PE0100123457' },
        { txn: 'T4', amount: 500, code: null, memo: 'TT PE0100 999999 T10' },
        { txn: 'T5', amount: 800, code: 'KH:PE0100123458', memo: null },
      ],
    },
    {
      alloc: [
        'VCB:T1 HCM 300 amount_equals_invoice',
        'VCB:T2 NEW 200 amount_equals_invoice',
        'VCB:T3 HCM7 700 amount_equals_invoice',
        'VCB:T5 HCM8 800 amount_equals_invoice',
      ],
      exc: ['VCB:T4 unknown_customer 500'],
    },
  ],
  [
    'rule 8: a code-shaped token is read whole: a real code followed by more digits is not that code',
    {
      customers: [A, B, 'PE010012345'],
      invoices: [
        { no: 'HCM', customer: B, amount: 300 },
        { no: 'SHORT', customer: 'PE010012345', amount: 300 },
      ],
      payments: [
        { txn: 'T1', amount: 300, code: null, memo: 'TT PE01001234567 T10' },
        { txn: 'T2', amount: 300, code: null, memo: 'TT PE0100123459 T10', at: '2026-02-11T10:00:00' },
      ],
    },
    { alloc: [], exc: ['VCB:T1 unknown_customer 300', 'VCB:T2 suggested_match 300 → HCM'] },
  ],
  [
    'rule 8: a code in a VietQR payload whose CRC validates',
    {
      invoices: twoInvoices,
      payments: [{ txn: 'T1', amount: 200, memo: vietqr(`TT ${A}`) }],
    },
    { alloc: ['VCB:T1 NEW 200 amount_equals_invoice'], exc: [] },
  ],
  [
    'rule 8: a VietQR payload with a wrong CRC is not read',
    {
      invoices: twoInvoices,
      payments: [{ txn: 'T1', amount: 200, memo: `${vietqr(`TT ${A}`).slice(0, -4)}0000` }],
    },
    { alloc: [], exc: ['VCB:T1 unknown_customer 200'] },
  ],
  [
    'rule 8: a VietQR payload with accented text validates over its UTF-8 bytes, as EMVCo computes the CRC',
    {
      invoices: twoInvoices,
      payments: [
        { txn: 'T1', amount: 200, memo: vietqr(`Tiền điện ${A}`) },
        // The same payload with its CRC taken over each character's low byte (the old SQL check) is no payload.
        { txn: 'T2', amount: 200, memo: vietqr(`Tiền điện ${A}`, { crcOf: (body) => crc16Bytes(Buffer.from([...body].map((ch) => ch.codePointAt(0)! & 0xff))) }), at: '2026-02-11T10:00:00' },
      ],
    },
    { alloc: ['VCB:T1 NEW 200 amount_equals_invoice'], exc: ['VCB:T2 unknown_customer 200'] },
  ],
  [
    'rule 8: a VietQR payload inside other text is read, and so is the text around it',
    {
      invoices: [...twoInvoices, { no: 'HCM', customer: B, amount: 300 }],
      payments: [
        { txn: 'T1', amount: 200, memo: `QR ${vietqr(`TT ${A}`)} chuyen tien` },
        { txn: 'T2', amount: 300, memo: `TT tien dien ${B} ${vietqr('ung ho')}` },
        { txn: 'T3', amount: 200, memo: `QR ${vietqr(`TT ${A}`).slice(0, -4)}0000 ND` },
      ],
    },
    { alloc: ['VCB:T1 NEW 200 amount_equals_invoice', 'VCB:T2 HCM 300 amount_equals_invoice'], exc: ['VCB:T3 unknown_customer 200'] },
  ],
  [
    'rule 8: a memo naming two customers pays the one with an invoice of exactly the amount, wherever it stands',
    {
      invoices: [...twoInvoices, { no: 'HCM', customer: B, amount: 300 }],
      payments: [
        { txn: 'T1', amount: 300, code: null, memo: `TT ${A} va ${B}` },
        { txn: 'T2', amount: 200, code: null, memo: `TT ${B} va ${A}`, at: '2026-02-11T10:00:00' },
      ],
    },
    { alloc: ['VCB:T1 HCM 300 amount_equals_invoice', 'VCB:T2 NEW 200 amount_equals_invoice'], exc: [] },
  ],
  [
    'rule 8: a memo naming two customers, neither (or both) with an invoice of exactly the amount, is ambiguous_customer, not the first named; a reference still routes it',
    {
      invoices: [...twoInvoices, { no: 'HCM', customer: B, amount: 300 }, { no: 'HCM2', customer: B, amount: 200, period: '2026-02' }],
      payments: [
        { txn: 'T1', amount: 500, code: null, memo: `TT ${A} va ${B}` },
        { txn: 'T2', amount: 200, code: null, memo: `TT ${B} va ${A}`, at: '2026-02-11T10:00:00' },
        { txn: 'T3', amount: 300, code: 'PQ9999ZZ99999', memo: `TT ${A} ${B}`, ref: 'HCM', at: '2026-02-12T10:00:00' },
      ],
    },
    {
      alloc: ['VCB:T3 HCM 300 invoice_ref'],
      exc: ['VCB:T1 ambiguous_customer 500', 'VCB:T2 ambiguous_customer 200'],
    },
  ],
  [
    'rule 9: a transposed code owing exactly the amount is suggested_match, not applied',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 200, code: 'PA03HL0012354' }] },
    { alloc: [], exc: ['VCB:T1 suggested_match 200 → NEW'] },
  ],
  [
    'rule 9: the residual is taken at the payment\'s time: a part paid earlier counts, a later payment does not',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        { txn: 'T1', amount: 80, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'T2', amount: 120, code: 'PA03HL0012845', at: '2026-02-02T08:00:00' },
        { txn: 'T3', amount: 120, code: A, partner: 'MOMO', at: '2026-02-03T08:00:00' },
      ],
    },
    {
      alloc: ['MOMO:T3 NEW 120 amount_equals_invoice', 'VCB:T1 NEW 80 oldest_first_partial'],
      exc: ['VCB:T2 suggested_match 120 → NEW'],
    },
  ],
  [
    'rule 9: a mistyped code whose customer owes exactly the amount in all (arrears + current) is suggested_match, naming the oldest open invoice',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 300, code: 'PA03HL0012354' }] },
    { alloc: [], exc: ['VCB:T1 suggested_match 300 → OLD'] },
  ],
  [
    'rule 9: the customer\'s total is taken at the payment\'s time, after what earlier payments took',
    {
      invoices: [...twoInvoices, { no: 'HCM', customer: B, amount: 300 }, { no: 'HCM2', customer: B, amount: 400, period: '2026-02' }],
      payments: [
        { txn: 'T0', amount: 100, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'T1', amount: 200, code: 'PA03HL0012354', at: '2026-02-02T08:00:00' },
        { txn: 'T2', amount: 300, code: 'PA03HL0012354', at: '2026-02-02T09:00:00' },
        { txn: 'T3', amount: 50, code: B, partner: 'MOMO', at: '2026-02-03T08:00:00' },
        { txn: 'T4', amount: 650, code: 'PE0100123465', at: '2026-02-04T08:00:00' },
        { txn: 'T5', amount: 700, code: 'PE0100123465', at: '2026-02-02T08:00:00' },
      ],
    },
    {
      alloc: ['MOMO:T3 HCM 50 oldest_first_partial', 'VCB:T0 OLD 100 amount_equals_invoice'],
      exc: [
        'VCB:T1 suggested_match 200 → NEW',
        'VCB:T2 unknown_customer 300',
        'VCB:T4 suggested_match 650 → HCM',
        'VCB:T5 suggested_match 700 → HCM',
      ],
    },
  ],
  [
    'rule 9: a substituted letter in the unit part is a typo too',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 100, code: 'PA03HK0012345' }] },
    { alloc: [], exc: ['VCB:T1 suggested_match 100 → OLD'] },
  ],
  [
    'rule 9 on a real code: a customer with no invoice, or whose invoices were settled and none is of the amount, one typo from a customer owing exactly it → suggested_match (one invoice, or all of them); not applied',
    {
      customers: [A, B, 'PA03HL0012354', 'PA03HL0012435', 'PA03HL0021345'],
      invoices: [
        ...twoInvoices,
        { no: 'X2', customer: 'PA03HL0012435', amount: 150 },
      ],
      payments: [
        { txn: 'T1', amount: 200, code: 'PA03HL0012354', at: '2026-02-01T08:00:00' },
        { txn: 'T2', amount: 150, code: 'PA03HL0012435', at: '2026-02-01T08:00:00' },
        { txn: 'T3', amount: 200, code: 'PA03HL0012435', at: '2026-02-02T08:00:00' },
        { txn: 'T4', amount: 300, code: 'PA03HL0021345', at: '2026-02-01T09:00:00' },
      ],
    },
    {
      alloc: ['VCB:T2 X2 150 amount_equals_invoice'],
      exc: ['VCB:T1 suggested_match 200 → NEW', 'VCB:T3 suggested_match 200 → NEW', 'VCB:T4 suggested_match 300 → OLD'],
    },
  ],
  [
    'rule 9 on a real code: a customer paying twice stays duplicate_payment, one without invoices and no neighbour owing the amount stays no_open_invoice, and one with something open is applied by rules 4–7',
    {
      // Every payer's code is one typo from a customer owing exactly its amount when it pays: A (NEW,
      // 200), and PA03HL0012543 (X6, 200) next to PA03HL0012453.
      customers: [A, B, 'PA03HL0012354', 'PA03HL0012435', 'PA03HL0021345', 'PA03HL0012453', 'PA03HL0012543'],
      invoices: [
        ...twoInvoices,
        { no: 'X2', customer: 'PA03HL0012435', amount: 200 },
        { no: 'X3', customer: 'PA03HL0021345', amount: 120 },
        { no: 'X4', customer: 'PA03HL0012453', amount: 50, period: '2025-12' },
        { no: 'X5', customer: 'PA03HL0012453', amount: 150 },
        { no: 'X6', customer: 'PA03HL0012543', amount: 200 },
      ],
      payments: [
        { txn: 'T1', amount: 999, code: 'PA03HL0012354' },
        { txn: 'T2', amount: 200, code: 'PA03HL0012435', at: '2026-02-01T08:00:00' },
        { txn: 'T3', amount: 200, code: 'PA03HL0012435', at: '2026-02-02T08:00:00' },
        { txn: 'T4', amount: 200, code: 'PA03HL0021345' },
        { txn: 'T5', amount: 200, code: 'PA03HL0012453', at: '2026-02-01T08:00:00' },
        { txn: 'T6', amount: 200, code: 'PA03HL0012453', at: '2026-02-02T08:00:00' },
      ],
    },
    {
      alloc: ['VCB:T2 X2 200 amount_equals_invoice', 'VCB:T4 X3 120 overpayment', 'VCB:T5 X4 50 amount_equals_open_total', 'VCB:T5 X5 150 amount_equals_open_total'],
      exc: [
        'VCB:T1 no_open_invoice 999',
        'VCB:T3 duplicate_payment 200 → X2',
        'VCB:T4 overpayment_credit 80',
        'VCB:T6 duplicate_payment 200',
      ],
    },
  ],
  [
    'rule 10: paying an invoice already settled by an earlier payment is duplicate_payment',
    {
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        { txn: 'T1', amount: 200, code: A, at: '2026-02-01T08:00:00' },
        { txn: 'T2', amount: 200, ref: 'NEW', partner: 'AGENT7', at: '2026-02-02T08:00:00' },
      ],
    },
    { alloc: ['VCB:T1 NEW 200 amount_equals_invoice'], exc: ['AGENT7:T2 duplicate_payment 200 → NEW'] },
  ],
  [
    'rules 4–8: a code that owns invoices is a customer even when customers.csv does not list it',
    {
      invoices: [...twoInvoices, { no: 'NL1', customer: 'PE0100777777', amount: 300 }, { no: 'NL2', customer: 'PE0100888888', amount: 400 }],
      payments: [
        { txn: 'T1', amount: 300, code: 'PE0100777777' },
        { txn: 'T2', amount: 400, code: null, memo: 'tien dien pe0100888888' },
      ],
    },
    { alloc: ['VCB:T1 NL1 300 amount_equals_invoice', 'VCB:T2 NL2 400 amount_equals_invoice'], exc: [] },
  ],
  [
    'rule 11: an unknown code with no near match is unknown_customer',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 999, code: 'PQ9999ZZ99999' }] },
    { alloc: [], exc: ['VCB:T1 unknown_customer 999'] },
  ],
  [
    'rule 11: a known customer without invoices is no_open_invoice',
    { invoices: twoInvoices, payments: [{ txn: 'T1', amount: 300, code: B }] },
    { alloc: [], exc: ['VCB:T1 no_open_invoice 300'] },
  ],
];

describe('rule cascade', () => {
  it.each(cases)('%s', async (_name, world, expected) => {
    expect(await outcome(world)).toEqual(expected);
  });
});

describe('time rule', () => {
  it('the earlier payment takes the residual even when a later one names the invoice', async () => {
    const got = await outcome({
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        // Loaded first, paid later, and found by the strongest rule (reference).
        { txn: 'LATE', amount: 200, ref: 'NEW', partner: 'AAA', at: '2026-02-09T08:00:00' },
        { txn: 'EARLY', amount: 200, code: A, partner: 'ZZZ', at: '2026-02-08T08:00:00' },
      ],
    });
    expect(got).toEqual({ alloc: ['ZZZ:EARLY NEW 200 amount_equals_invoice'], exc: ['AAA:LATE duplicate_payment 200 → NEW'] });
  });

  const ties: Array<[string, PaymentSpec[], string, string[]]> = [
    [
      'ties on paid time go to the smaller partner id, then transaction id',
      [
        { txn: 'X2', amount: 200, code: A, partner: 'BBB' },
        { txn: 'X9', amount: 200, code: A, partner: 'AAA' },
        { txn: 'X1', amount: 200, code: A, partner: 'BBB' },
      ],
      'AAA:X9',
      ['BBB:X1', 'BBB:X2'],
    ],
    [
      'an all-digit transaction id breaks a tie by its value: 9 before 10, leading zeros ignored',
      [
        { txn: '10', amount: 200, code: A, partner: 'MOMO' },
        { txn: '9', amount: 200, code: A, partner: 'MOMO' },
        { txn: '0011', amount: 200, code: A, partner: 'MOMO' },
      ],
      'MOMO:9',
      ['MOMO:0011', 'MOMO:10'],
    ],
  ];
  it.each(ties)('%s', async (_name, payments, winner, duplicates) => {
    const got = await outcome({ invoices: [{ no: 'NEW', customer: A, amount: 200 }], payments });
    expect(got.alloc).toEqual([`${winner} NEW 200 amount_equals_invoice`]);
    expect(got.exc).toEqual(duplicates.map((t) => `${t} duplicate_payment 200 → NEW`));
  });

  it('rule 9 takes the residual at the payment\'s time in the same order: payment 9 comes before payment 10', async () => {
    const got = await outcome({
      invoices: [{ no: 'NEW', customer: A, amount: 200 }],
      payments: [
        { txn: '10', amount: 80, code: A, partner: 'MOMO' },
        { txn: '9', amount: 200, code: 'PA03HL0012354', partner: 'MOMO' },
      ],
    });
    expect(got.exc).toEqual(['MOMO:9 suggested_match 200 → NEW']);
  });

  it('the order is the same in the generator\'s truth', () => {
    const ids = ['10', 'X1', '9', '009', '', 'X10', '0010', '1'];
    expect([...ids].sort(compareTxn)).toEqual(['1', '009', '9', '0010', '10', '', 'X1', 'X10']);
  });

  it('a second partial payment finishes the invoice the first one started', async () => {
    const got = await outcome({
      invoices: twoInvoices,
      payments: [
        { txn: 'P2', amount: 150, code: A, at: '2026-02-20T08:00:00' },
        { txn: 'P1', amount: 150, code: A, at: '2026-02-10T08:00:00' },
      ],
    });
    expect(got.alloc).toEqual([
      'VCB:P1 NEW 50 oldest_first_partial',
      'VCB:P1 OLD 100 oldest_first_partial',
      'VCB:P2 NEW 150 amount_equals_invoice',
    ]);
  });
});
