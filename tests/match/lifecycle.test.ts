// Matching as a whole: load-order independence, reruns, decisions across recomputes, data tests,
// evaluation against a truth folder, and the exception queue's aging.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { RunFailedError } from '../../src/errors.ts';
import { runDataTests } from '../../src/match/data-tests.ts';
import { recordDecision } from '../../src/match/decisions.ts';
import { evaluate } from '../../src/match/evaluate.ts';
import { exceptionQueue } from '../../src/match/exception-queue.ts';
import { explainInvoice, explainPayment } from '../../src/match/explain.ts';
import { EXCEPTION_REASONS } from '../../src/match/reasons.ts';
import { runExport } from '../../src/reports/export.ts';
import { allocations, exceptions, load, match, openDb, type World } from './fixture.ts';

const A = 'PA03HL0012345';
const B = 'PE0100123456';
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});
async function fresh(world: World): Promise<Database> {
  const db = await openDb();
  open.push(db);
  await load(db, world);
  return db;
}

const month: World = {
  customers: [A, B],
  invoices: [
    { no: 'A1', customer: A, amount: 100, period: '2025-12', number: '1' },
    { no: 'A2', customer: A, amount: 200, period: '2026-01', number: '2' },
    { no: 'B1', customer: B, amount: 300, period: '2026-01', number: '3' },
  ],
  payments: [
    { txn: 'T1', amount: 150, code: A, partner: 'VCB', at: '2026-02-03T09:00:00' },
    { txn: 'T2', amount: 150, code: A, partner: 'MOMO', at: '2026-02-03T09:00:00' },
    { txn: 'T3', amount: 300, ref: 'B1', partner: 'AGRI', at: '2026-02-04T09:00:00' },
    { txn: 'T4', amount: 300, memo: `tien dien ${B}`, partner: 'VCB', at: '2026-02-05T09:00:00' },
    { txn: 'T5', amount: 200, code: 'PA03HL0012354', partner: 'VCB', at: '2026-02-06T09:00:00' },
    { txn: 'R1', amount: 300, kind: 'reversal', reverses: 'T3', partner: 'AGRI', at: '2026-02-07T09:00:00' },
  ],
};

describe('determinism', () => {
  it('loading the same rows in two orders gives identical allocations and exceptions', async () => {
    const forward = await fresh(month);
    const backward = await fresh({ ...month, payments: [...month.payments!].reverse(), invoices: [...month.invoices!].reverse() });
    await match(forward);
    await match(backward);
    expect(await allocations(backward)).toEqual(await allocations(forward));
    expect(await exceptions(backward)).toEqual(await exceptions(forward));
    // T3 is reversed, so B1 goes to the later memo payment T4; MOMO:T2 wins the tie on paid time.
    expect((await allocations(forward)).map((a) => `${a.txn} ${a.invoice} ${a.amount}`)).toEqual([
      'MOMO:T2 A1 100',
      'MOMO:T2 A2 50',
      'VCB:T1 A2 150',
      'VCB:T4 B1 300',
    ]);
  });

  it('reversals and refunds of one payment give the same exceptions, details included, in any load order', async () => {
    const world: World = {
      customers: [A, B],
      invoices: month.invoices!,
      payments: [
        { txn: '7', amount: 300, code: B, partner: 'VCB', at: '2026-02-03T09:00:00' },
        { txn: '7', amount: 300, kind: 'reversal', partner: 'VCB', at: '2026-02-04T09:00:00' },
        { txn: '7', amount: 300, kind: 'refund', partner: 'VCB', at: '2026-02-04T09:00:00' },
        { txn: '10', amount: 300, kind: 'reversal', reverses: '7', partner: 'VCB', at: '2026-02-04T09:00:00' },
        { txn: '9', amount: 300, kind: 'reversal', reverses: '7', partner: 'VCB', at: '2026-02-04T09:00:00' },
        { txn: 'T1', amount: 200, code: A, partner: 'MOMO', at: '2026-02-03T09:00:00' },
        { txn: 'RV1', amount: 120, kind: 'reversal', reverses: 'T1', partner: 'MOMO', at: '2026-02-05T09:00:00' },
        { txn: 'RV2', amount: 50, kind: 'reversal', reverses: '7', partner: 'MOMO', at: '2026-02-05T09:00:00' },
      ],
    };
    const detailed = async (db: Database) =>
      db.all(`SELECT p.partner_id, p.txn_ref, p.kind, e.reason, e.amount_vnd, e.detail FROM exceptions e JOIN payments p USING (payment_id)
              ORDER BY ALL`);
    const forward = await fresh(world);
    const backward = await fresh({ ...world, payments: [...world.payments!].reverse() });
    await match(forward);
    await match(backward);
    expect(await detailed(backward)).toEqual(await detailed(forward));
    expect((await detailed(forward)).map((e) => `${e['partner_id']}:${e['txn_ref']} ${e['kind']} ${e['reason']} ${e['amount_vnd']}`)).toEqual([
      'MOMO:RV1 reversal partial_reversal 80',
      'MOMO:RV2 reversal orphan_reversal 50',
      'VCB:10 reversal refund_exceeds_payment 300',
      'VCB:7 reversal refund_exceeds_payment 300',
      'VCB:9 reversal refund_exceeds_payment 300',
    ]);
  });

  it('a rerun gives the same business tables', async () => {
    const db = await fresh(month);
    await match(db);
    const first = [await allocations(db), await exceptions(db)];
    await match(db);
    expect([await allocations(db), await exceptions(db)]).toEqual(first);
  });

  it('a rule that fails part-way leaves the published results as they were and no working tables', async () => {
    const db = await fresh(month);
    await match(db);
    const first = [await allocations(db), await exceptions(db), await db.all('SELECT * FROM payment_match ORDER BY payment_id')];
    // Rule 2 reads decisions; without the table the cascade fails after rule 1 built its tables.
    await db.run('ALTER TABLE decisions RENAME TO decisions_away');
    await expect(match(db)).rejects.toThrow(/decisions/);
    await db.run('ALTER TABLE decisions_away RENAME TO decisions');
    expect([await allocations(db), await exceptions(db), await db.all('SELECT * FROM payment_match ORDER BY payment_id')]).toEqual(first);
    expect(await workObjects(db)).toEqual([]);
    // Rule 3 reads the invoices' series, after the code rules built their views: views go too.
    await db.run('ALTER TABLE invoices RENAME COLUMN series TO series_away');
    await expect(match(db)).rejects.toThrow(/series/);
    await db.run('ALTER TABLE invoices RENAME COLUMN series_away TO series');
    expect(await workObjects(db)).toEqual([]);
    await match(db);
    expect([await allocations(db), await exceptions(db)]).toEqual(first.slice(0, 2));
  });
});

/** The cascade's working tables and views (m_*) left in the session, and its output tables left in the database. */
async function workObjects(db: Database): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE starts_with(table_name, 'm_')
     UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary AND starts_with(view_name, 'm_')`,
  );
  return rows.map((r) => r.name);
}

describe('auditor decisions', () => {
  const decide = async (db: Database, action: 'match' | 'unmatch' | 'dismiss', partnerId: string, txnRef: string, invoiceNo?: string) =>
    recordDecision(db, { action, payment: { partnerId, txnRef }, ...(invoiceNo ? { invoiceNo } : {}), by: 'auditor', reason: 'checked', runId: 'test' });

  it('match, unmatch and dismiss survive every recompute; the latest decision wins', async () => {
    const db = await fresh({
      ...month,
      payments: [...month.payments!, { txn: 'T6', amount: 300, code: B, partner: 'VCB', at: '2026-02-08T09:00:00' }],
    });
    await decide(db, 'unmatch', 'VCB', 'T5'); // superseded below
    await decide(db, 'match', 'VCB', 'T5', 'A2');
    await decide(db, 'unmatch', 'VCB', 'T1');
    await decide(db, 'dismiss', 'VCB', 'T6');
    for (let i = 0; i < 2; i++) {
      await match(db);
      const alloc = (await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.amount} ${a.rule}`);
      // The decision names A2, but the earlier MOMO:T2 already took 50 of it: time still decides.
      expect(alloc).toContain('VCB:T5 A2 150 decision');
      expect(alloc.filter((a) => a.startsWith('VCB:T1 '))).toEqual([]);
      const exc = (await exceptions(db)).map((e) => `${e.txn} ${e.reason} ${e.status}`);
      expect(exc).toContain('VCB:T1 auditor_unmatched open');
      expect(exc).toContain('VCB:T5 overpayment_credit open');
      expect(exc).toContain('VCB:T6 duplicate_payment dismissed');
    }
    const explained = await explainPayment(db, { partnerId: 'VCB', txnRef: 'T5' });
    expect(explained?.decisions.map((d) => d['action'])).toEqual(['unmatch', 'match']);
    // Decision times are shown in Asia/Ho_Chi_Minh (UTC+7), like every time recon prints.
    const stored = await db.one<{ utc: string }>(`SELECT strftime(decided_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS utc FROM decisions WHERE txn_ref = 'T5' ORDER BY decision_id LIMIT 1`);
    const local = new Date(Date.parse(`${stored!.utc.replace(' ', 'T')}Z`) + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(explained?.decisions[0]?.['decided_at_local']).toBe(local);
    expect(explained?.records[0]?.rules.find((r) => r.rule === '2 auditor decision')).toMatchObject({ applied: true });
  });

  it('a dismiss closes the exception without undoing the routing decision before it', async () => {
    const db = await fresh(month);
    await decide(db, 'unmatch', 'VCB', 'T1');
    await decide(db, 'dismiss', 'VCB', 'T1'); // e.g. the refund was made: T1 must stay unmatched
    await decide(db, 'match', 'VCB', 'T5', 'A2');
    await decide(db, 'dismiss', 'VCB', 'T5'); // the over-payment credit was refunded: the match stays
    await match(db);
    const alloc = (await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.amount} ${a.rule}`);
    expect(alloc.filter((a) => a.startsWith('VCB:T1 '))).toEqual([]);
    expect(alloc).toContain('VCB:T5 A2 150 decision');
    const exc = (await exceptions(db)).map((e) => `${e.txn} ${e.reason} ${e.status}`);
    expect(exc).toContain('VCB:T1 auditor_unmatched dismissed');
    expect(exc).toContain('VCB:T5 overpayment_credit dismissed');

    // A routing decision after the dismiss reopens the question: its exception is open again.
    await decide(db, 'unmatch', 'VCB', 'T5');
    await match(db);
    expect((await exceptions(db)).map((e) => `${e.txn} ${e.reason} ${e.status}`)).toContain('VCB:T5 auditor_unmatched open');
  });

  it('explain does not say "no decision" of a payment an auditor dismissed, and says when a dismissal closes nothing', async () => {
    const db = await fresh({ ...month, payments: [...month.payments!, { txn: 'T6', amount: 300, code: B, partner: 'VCB', at: '2026-02-08T09:00:00' }] });
    await decide(db, 'dismiss', 'VCB', 'T6'); // duplicate_payment, refunded by hand
    await decide(db, 'dismiss', 'VCB', 'T4'); // allocated: there is nothing to close
    await match(db);
    const rule2 = async (txnRef: string) =>
      (await explainPayment(db, { partnerId: 'VCB', txnRef }))!.records[0]!.rules.filter((r) => r.rule.startsWith('2 ')).map((r) => `${r.rule} | ${r.applied} | ${r.why}`);
    const [d6, d4] = (await db.all<{ id: bigint }>("SELECT decision_id AS id FROM decisions ORDER BY decision_id")).map((r) => r.id);
    expect(await rule2('T6')).toEqual([
      `2 auditor decision | false | no match or unmatch decision; dismissal #${d6} only closes an exception (below)`,
      `2 auditor decision (dismiss) | true | exception duplicate_payment dismissed by decision #${d6}`,
    ]);
    expect(await rule2('T4')).toEqual([
      `2 auditor decision | false | no match or unmatch decision; dismissal #${d4} only closes an exception (below)`,
      `2 auditor decision (dismiss) | false | dismissal #${d4} closes nothing now: no exception is open, or a later match/unmatch reopened the question`,
    ]);
    expect(await rule2('T1')).toEqual(['2 auditor decision | false | no decision']);
  });

  it('refuses a decision on a payment or invoice that is not loaded', async () => {
    const db = await fresh(month);
    await expect(decide(db, 'match', 'VCB', 'NOPE', 'A1')).rejects.toThrow(/no payment VCB:NOPE is loaded/);
    await expect(decide(db, 'match', 'VCB', 'T1', 'ZZZ')).rejects.toThrow(/no invoice "ZZZ" is loaded/);
  });
});

describe('explain', () => {
  // Customer B owing one invoice of 300: the world of most cases below, each adding its payments.
  const owesB300 = { customers: [B], invoices: [{ no: 'B1', customer: B, amount: 300, period: '2026-01', number: '3' }] };
  /** What rule 1 says of a VCB record. */
  const ruleOneWhy = async (db: Database, txnRef: string) => (await explainPayment(db, { partnerId: 'VCB', txnRef }))?.records[0]?.rules[0]?.why;

  it('says why a reference that names no invoice did not apply, though the code field then matched', async () => {
    const db = await fresh({
      ...owesB300,
      payments: [
        { txn: 'R1', amount: 300, code: B, ref: 'NOSUCH', partner: 'VCB' },
        { txn: 'R2', amount: 300, code: B, partner: 'MOMO', at: '2026-02-11T10:00:00' },
      ],
    });
    await match(db);
    expect((await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.rule}`)).toEqual(['VCB:R1 B1 amount_equals_invoice']);
    const rule3 = async (txnRef: string, partnerId: string) =>
      (await explainPayment(db, { partnerId, txnRef }))?.records[0]?.rules.find((r) => r.rule === '3 invoice reference');
    expect(await rule3('R1', 'VCB')).toMatchObject({ rule: '3 invoice reference', applied: false, why: expect.stringMatching(/^reference "NOSUCH" matches no invoice/) });
    expect(await rule3('R2', 'MOMO')).toMatchObject({ applied: false, why: 'no invoice reference' });
  });

  it('says a reference gave way to a decision, not that its invoice was settled', async () => {
    const db = await fresh({
      customers: [B],
      invoices: [{ no: 'B1', customer: B, amount: 300, period: '2026-01', number: '3' }, { no: 'B2', customer: B, amount: 300, period: '2026-02', number: '4' }],
      payments: [{ txn: 'R1', amount: 300, code: B, ref: 'B1', partner: 'VCB' }],
    });
    await recordDecision(db, { action: 'match', payment: { partnerId: 'VCB', txnRef: 'R1' }, invoiceNo: 'B2', by: 'auditor', reason: 'checked', runId: 'test' });
    await match(db);
    expect((await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.rule}`)).toEqual(['VCB:R1 B2 decision']);
    const rule3 = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'R1' }))?.records[0]?.rules.find((r) => r.rule === '3 invoice reference');
    expect(rule3?.why).toMatch(/is invoice B1 .*; decision #\d+ names invoice B2, and a decision comes first \(rule 2\)$/);
    expect(rule3?.why).not.toMatch(/already settled/);
  });

  it('lists on an invoice the payment whose duplicate it is, named by its exception, with the amount it carried', async () => {
    const db = await fresh({
      ...owesB300,
      payments: [
        { txn: 'R1', amount: 300, code: B, partner: 'VCB' },
        { txn: 'R2', amount: 300, code: B, partner: 'MOMO', at: '2026-02-12T10:00:00' },
      ],
    });
    await match(db);
    const claims = (await explainInvoice(db, 'B1'))?.claims;
    expect(claims).toEqual([expect.objectContaining({ partner_id: 'MOMO', txn_ref: 'R2', amount_vnd: 300n, named_by: 'duplicate_payment', exception_reason: 'duplicate_payment' })]);
  });

  it('shows calendar dates (issue, due, settlement) as dates, not as UTC midnight instants', async () => {
    const db = await fresh({
      customers: [B],
      invoices: [{ no: 'B1', customer: B, amount: 300, period: '2026-01', number: '3', issued_on: '2026-01-31' }],
      payments: [{ txn: 'R1', amount: 300, code: B, partner: 'VCB', at: '2026-02-01T06:30:00' }],
    });
    await db.run("UPDATE payments SET settled_on = DATE '2026-02-02'");
    await match(db);
    // Before, --json wrote "2026-01-31T00:00:00.000Z": read in a zone west of UTC, 30/01.
    expect((await explainInvoice(db, 'B1'))?.invoice).toMatchObject({ issued_on: '2026-01-31', due_on: '2026-02-15' });
    // An invoice number pasted with spaces around it, as a payment key may be.
    expect((await explainInvoice(db, ' B1\t'))?.invoice).toMatchObject({ invoice_no: 'B1' });
    expect((await explainPayment(db, { partnerId: 'VCB', txnRef: 'R1' }))?.records[0]?.payment).toMatchObject({ paid_at_local: '2026-02-01 06:30:00', settled_on: '2026-02-02' });
  });

  it('says a suggestion for a real code with nothing to pay names what that customer had, with half the confidence', async () => {
    const db = await fresh({
      customers: [A, 'PA03HL0012354'],
      invoices: [{ no: 'A2', customer: A, amount: 200, period: '2026-01', number: '2' }],
      payments: [{ txn: 'T1', amount: 200, code: 'PA03HL0012354', partner: 'VCB' }],
    });
    await match(db);
    expect(await allocations(db)).toEqual([]);
    const e = await db.one<{ confidence: number }>(`SELECT confidence FROM exceptions WHERE reason = 'suggested_match'`);
    expect(e?.confidence).toBe(0.45);
    const rule9 = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'T1' }))?.records[0]?.rules.find((r) => r.rule === '9 mistyped code');
    expect(rule9).toEqual({
      rule: '9 mistyped code',
      applied: true,
      why: 'customer PA03HL0012354 exists but has no invoice; PA03HL0012345 differs by one character and owes exactly this amount on invoice A2; a typo onto another real code? not applied',
    });
  });

  it('says why a memo naming two customers was not applied to either', async () => {
    const db = await fresh({
      customers: [A, B],
      invoices: [{ no: 'A2', customer: A, amount: 200, period: '2026-01', number: '2' }, { no: 'B1', customer: B, amount: 300, period: '2026-01', number: '3' }],
      payments: [{ txn: 'T1', amount: 250, code: null, memo: `tien dien ${B} ${A.toLowerCase()}`, partner: 'VCB' }],
    });
    await match(db);
    expect(await allocations(db)).toEqual([]);
    const rules = (await explainPayment(db, { partnerId: 'VCB', txnRef: 'T1' }))?.records[0]?.rules;
    const detail = `the payment names customers ${B}, ${A} and none of them has an invoice of exactly this amount: whom it pays is ambiguous; not applied`;
    expect(rules?.find((r) => r.rule === '8 code in memo')).toEqual({
      rule: '8 code in memo',
      applied: false,
      why: `${detail} (a memo naming several customers is read only when exactly one of them has an invoice of the amount)`,
    });
    expect(rules?.find((r) => r.rule === '11 unknown customer / no open invoice')).toEqual({
      rule: '11 unknown customer / no open invoice', applied: true, why: `ambiguous_customer: ${detail}`,
    });
  });

  it('says on a refund record that it returns more than its payment carried', async () => {
    const db = await fresh({
      ...owesB300,
      payments: [
        { txn: 'R1', amount: 300, code: B, partner: 'VCB' },
        { txn: 'RF1', amount: 340, kind: 'refund', reverses: 'R1', partner: 'VCB', at: '2026-02-12T10:00:00' },
      ],
    });
    await match(db);
    const explained = await explainPayment(db, { partnerId: 'VCB', txnRef: 'RF1' });
    expect(explained?.records[0]?.rules[0]?.why).toBe(
      'refund_exceeds_payment: this refund of 340 đ names payment R1 of partner VCB, of 300 đ; its refunds reach 340 đ, 40 đ more than the payment; the payment is void',
    );
    const payment = await explainPayment(db, { partnerId: 'VCB', txnRef: 'R1' });
    expect(payment?.records[0]?.rules[0]?.why).toBe('void (refunded by refund RF1): allocates nothing');
  });

  it('says on a second reversal of a payment that it takes the money back again, and on the payment that it is void once', async () => {
    const db = await fresh({
      ...owesB300,
      payments: [
        { txn: 'P1', amount: 300, code: B, partner: 'VCB' },
        { txn: 'RV1', amount: 300, kind: 'reversal', reverses: 'P1', partner: 'VCB', at: '2026-02-11T10:00:00' },
        { txn: 'RV2', amount: 300, kind: 'reversal', reverses: 'P1', partner: 'VCB', at: '2026-02-12T10:00:00' },
      ],
    });
    await match(db);
    expect((await ruleOneWhy(db, 'RV1'))).toBe('this reversal record adjusts payment P1 of VCB');
    expect((await ruleOneWhy(db, 'RV2'))).toBe(
      'refund_exceeds_payment: this reversal of 300 đ names payment P1 of partner VCB, of 300 đ; its reversals and refunds reach 600 đ, 300 đ more than the payment; the payment is void',
    );
    expect((await ruleOneWhy(db, 'P1'))).toBe('void (reversed by reversal RV1, reversal RV2): allocates nothing');
  });

  it('says on a reversal of less than its payment what the partner kept, and on the payment that it is void', async () => {
    const db = await fresh({
      ...owesB300,
      payments: [
        { txn: 'P1', amount: 300, code: B, partner: 'VCB' },
        { txn: 'RV1', amount: 250, kind: 'reversal', reverses: 'P1', partner: 'VCB', at: '2026-02-11T10:00:00' },
      ],
    });
    await match(db);
    expect((await ruleOneWhy(db, 'RV1'))).toBe(
      'partial_reversal: this reversal of 250 đ names payment P1 of partner VCB, of 300 đ; its reversals and refunds return 250 đ, 50 đ less than the payment, which is void: the rest is not allocated',
    );
    expect((await ruleOneWhy(db, 'P1'))).toBe('void (reversed by reversal RV1): allocates nothing');
  });

  it('says on an orphan reversal what the id it names is when that is loaded but not its partner\'s payment', async () => {
    const db = await fresh({
      ...owesB300,
      payments: [
        { txn: 'P1', amount: 350, code: B, partner: 'VCB' },
        { txn: 'RF1', amount: 50, kind: 'refund', reverses: 'P1', partner: 'VCB', at: '2026-02-11T10:00:00' },
        { txn: 'RV1', amount: 50, kind: 'reversal', reverses: 'RF1', partner: 'VCB', at: '2026-02-12T10:00:00' },
        { txn: 'M1', amount: 90, code: B, partner: 'MOMO' },
        { txn: 'RV2', amount: 90, kind: 'reversal', reverses: 'M1', partner: 'VCB', at: '2026-02-12T10:00:00' },
        { txn: 'RV3', amount: 10, kind: 'reversal', reverses: 'NOPE', partner: 'VCB', at: '2026-02-12T10:00:00' },
      ],
    });
    await match(db);
    const why = (txnRef: string) => ruleOneWhy(db, txnRef);
    // RV1 reverses the refund RF1: the refund is cancelled (README rule 1), so it is no orphan.
    expect(await why('RV1')).toBe(
      'this reversal takes back 50 đ of refund RF1 of VCB: that refund returns that much less (nothing once its reversals reach its amount), and its payment allocates that much more',
    );
    expect(await why('RV2')).toBe('orphan_reversal: this reversal names payment M1 of partner VCB, which is not loaded; a payment M1 of MOMO is loaded, but a reversal names a payment of its own partner');
    expect(await why('RV3')).toBe('orphan_reversal: this reversal names payment NOPE of partner VCB, which is not loaded');
    expect(await why('P1')).toBe('named by refund RF1, cancelled by its reversal: nothing less to allocate');
  });

  // Two customers owing 300 each: the payments of the reversal-of-refund cases below.
  const owing300 = {
    customers: [A, B],
    invoices: [
      { no: 'A1', customer: A, amount: 300, period: '2026-01', number: '1' },
      { no: 'B1', customer: B, amount: 300, period: '2026-01', number: '3' },
    ],
  };

  it('follows a reversal of a refund: the refund is cancelled and the payment allocates its full amount', async () => {
    const db = await fresh({
      ...owing300,
      payments: [
        // Refund under its own id, reversed by a record naming it.
        { txn: 'P1', amount: 350, code: B, partner: 'VCB' },
        { txn: 'RF1', amount: 50, kind: 'refund', reverses: 'P1', partner: 'VCB', at: '2026-02-11T10:00:00' },
        { txn: 'RV1', amount: 50, kind: 'reversal', reverses: 'RF1', partner: 'VCB', at: '2026-02-12T10:00:00' },
        // Refund under its own id, reversed by a record reusing that id.
        { txn: 'P2', amount: 320, code: A, partner: 'MOMO' },
        { txn: 'RF2', amount: 20, kind: 'refund', reverses: 'P2', partner: 'MOMO', at: '2026-02-11T10:00:00' },
        { txn: 'RF2', amount: 20, kind: 'reversal', partner: 'MOMO', at: '2026-02-12T10:00:00' },
        // A refund that reused its payment's id: a reversal naming that id reverses the payment.
        { txn: 'P3', amount: 40, code: A, partner: 'ZALO' },
        { txn: 'P3', amount: 10, kind: 'refund', partner: 'ZALO', at: '2026-02-11T10:00:00' },
        { txn: 'RV3', amount: 30, kind: 'reversal', reverses: 'P3', partner: 'ZALO', at: '2026-02-12T10:00:00' },
      ],
    });
    await match(db);
    expect(await allocations(db)).toMatchObject([
      { txn: 'MOMO:P2', invoice: 'A1', amount: 300 },
      { txn: 'VCB:P1', invoice: 'B1', amount: 300 },
    ]);
    expect(await exceptions(db)).toMatchObject([
      { txn: 'MOMO:P2', reason: 'overpayment_credit', amount: 20 },
      { txn: 'VCB:P1', reason: 'overpayment_credit', amount: 50 },
    ]);
    // A refund cancelled in full still names its payment (explain shows whose refund it was); a
    // reversal of a refund names no payment.
    expect(await db.all(
      `SELECT p.partner_id || ':' || p.txn_ref || ' ' || p.kind AS record, o.txn_ref AS original
       FROM payment_match m JOIN payments p USING (payment_id) LEFT JOIN payments o ON o.payment_id = m.original_payment_id
       WHERE p.kind <> 'payment' ORDER BY record`,
    )).toEqual([
      { record: 'MOMO:RF2 refund', original: 'P2' },
      { record: 'MOMO:RF2 reversal', original: null },
      { record: 'VCB:RF1 refund', original: 'P1' },
      { record: 'VCB:RV1 reversal', original: null },
      { record: 'ZALO:P3 refund', original: 'P3' },
      { record: 'ZALO:RV3 reversal', original: 'P3' },
    ]);
    expect((await runDataTests(db)).filter((t) => t.failures > 0)).toEqual([]);
  });

  it('takes back from a refund what its reversals take back: part of it, all of it once, and an excess as refund_exceeds_payment', async () => {
    const db = await fresh({
      ...owing300,
      payments: [
        // A refund of 100 with 40 of it reversed: 60 stays refunded, the payment allocates 240.
        { txn: 'P1', amount: 300, code: A, partner: 'VCB' },
        { txn: 'RF1', amount: 100, kind: 'refund', reverses: 'P1', partner: 'VCB', at: '2026-02-11T10:00:00' },
        { txn: 'RV1', amount: 40, kind: 'reversal', reverses: 'RF1', partner: 'VCB', at: '2026-02-12T10:00:00' },
        // A refund of 50 reversed twice: the first cancels it, the second takes back 50 the refund never returned.
        { txn: 'P2', amount: 300, code: B, partner: 'MOMO' },
        { txn: 'RF2', amount: 50, kind: 'refund', reverses: 'P2', partner: 'MOMO', at: '2026-02-11T10:00:00' },
        { txn: 'RV2', amount: 50, kind: 'reversal', reverses: 'RF2', partner: 'MOMO', at: '2026-02-12T10:00:00' },
        { txn: 'RV2B', amount: 50, kind: 'reversal', reverses: 'RF2', partner: 'MOMO', at: '2026-02-13T10:00:00' },
      ],
    });
    await match(db);
    expect(await allocations(db)).toMatchObject([
      { txn: 'MOMO:P2', invoice: 'B1', amount: 300 },
      { txn: 'VCB:P1', invoice: 'A1', amount: 240 },
    ]);
    expect(await exceptions(db)).toMatchObject([{ txn: 'MOMO:RV2B', reason: 'refund_exceeds_payment', amount: 50 }]);
    const detail = await db.one<{ detail: string }>(`SELECT detail FROM exceptions WHERE reason = 'refund_exceeds_payment'`);
    expect(detail?.detail).toBe('this reversal of 50 đ names refund RF2 of partner MOMO, of 50 đ; its reversals take back 100 đ, 50 đ more than the refund returned');
    expect((await runDataTests(db)).filter((t) => t.failures > 0)).toEqual([]);
  });

  it('says a decision was ignored when its invoice is no longer loaded', async () => {
    const db = await fresh({
      ...owesB300,
      payments: [{ txn: 'R1', amount: 300, code: B, partner: 'VCB' }],
    });
    await recordDecision(db, { action: 'match', payment: { partnerId: 'VCB', txnRef: 'R1' }, invoiceNo: 'B1', by: 'auditor', reason: 'checked', runId: 'test' });
    // A later billing export replaced the invoice under another id.
    await db.run(`UPDATE invoices SET invoice_no = 'B1-NEW' WHERE invoice_no = 'B1'`);
    await match(db);
    expect((await allocations(db)).map((a) => `${a.txn} ${a.invoice} ${a.rule}`)).toEqual(['VCB:R1 B1-NEW amount_equals_invoice']);
    const explained = await explainPayment(db, { partnerId: 'VCB', txnRef: 'R1' });
    expect(explained?.records[0]?.rules.find((r) => r.rule === '2 auditor decision')?.why).toMatch(/names invoice B1, which is not loaded: ignored/);
  });
});

describe('data tests', () => {
  it('pass on a consistent match and fail, naming the test and rows, on a corrupted table', async () => {
    const db = await fresh(month);
    await match(db);
    expect((await runDataTests(db)).filter((t) => t.failures > 0)).toEqual([]);
    await db.run(`INSERT INTO allocations SELECT payment_id, 'GHOST', 5, 'manual', 1 FROM payments LIMIT 1`);
    const failing = (await runDataTests(db)).filter((t) => t.failures > 0).map((t) => t.name);
    expect(failing).toEqual(['allocation_over_payment', 'allocation_unknown_invoice', 'payment_unaccounted']);
  });

  it('name the payment and the invoice an over-allocation breaks, with their amounts', async () => {
    const db = await fresh(month);
    await match(db);
    await db.run(`INSERT INTO allocations SELECT payment_id, 'A1', 1000, 'manual', 1 FROM payments WHERE txn_ref = 'T1'`);
    const failing = Object.fromEntries((await runDataTests(db)).filter((t) => t.failures > 0).map((t) => [t.name, t.sample]));
    expect(Object.keys(failing)).toEqual(['allocation_over_invoice', 'allocation_over_payment', 'payment_unaccounted']);
    expect(failing['allocation_over_invoice']).toEqual([{ invoice_no: 'A1', invoice_vnd: 100n, allocated_vnd: 1100n }]);
    expect(failing['allocation_over_payment']).toMatchObject([{ partner_id: 'VCB', txn_ref: 'T1', effective_vnd: 150n, allocated_vnd: 1150n }]);
    expect(failing['payment_unaccounted']).toMatchObject([
      { partner_id: 'VCB', txn_ref: 'T1', kind: 'payment', route: 'allocate', allocated_vnd: 1150n, exceptions: 0n },
    ]);
  });

  it('name a payment that has no match row, or two', async () => {
    const db = await fresh(month);
    await match(db);
    const plain = await db.one<{ payment_id: bigint }>('SELECT payment_id FROM payment_match_plain ORDER BY payment_id LIMIT 1');
    // Two rows: the plain payment also gets a stored row.
    await db.run(`INSERT INTO payment_match_facts (payment_id, effective_vnd, route) SELECT payment_id, amount_vnd, 'allocate' FROM payments WHERE payment_id = $1`, [plain!.payment_id]);
    let failing = (await runDataTests(db)).filter((t) => t.failures > 0);
    expect(failing.map((t) => t.name)).toEqual(['payment_unaccounted']);
    expect(failing[0]!.sample).toMatchObject([{ payment_id: plain!.payment_id }]);
    // No row at all.
    await db.run('DELETE FROM payment_match_facts WHERE payment_id = $1', [plain!.payment_id]);
    await db.run('DELETE FROM payment_match_plain WHERE payment_id = $1', [plain!.payment_id]);
    failing = (await runDataTests(db)).filter((t) => t.failures > 0);
    expect(failing.map((t) => t.name)).toEqual(['allocation_over_payment', 'payment_unaccounted']);
  });

  it('a duplicated invoice id fails the match run with RunFailedError', async () => {
    const db = await fresh({ ...month, invoices: [...month.invoices!, { no: 'A1', customer: B, amount: 5 }] });
    const err = await match(db).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunFailedError);
    expect((err as Error).message).toMatch(/data test invoice_no_duplicate failed with 1 offending row\(s\), e\.g\. \{"invoice_no":"A1","copies":"2"\}/);
  });

  it('the SQL list of reasons is the documented one', () => {
    const sql = readFileSync(join(import.meta.dirname, '..', '..', 'sql', 'tests', 'exception_reason_unknown.sql'), 'utf8');
    const listed = [...sql.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).filter((r) => !['open', 'dismissed'].includes(r!));
    expect(listed.sort()).toEqual(Object.keys(EXCEPTION_REASONS).sort());
  });
});

describe('evaluation and the exception queue', () => {
  it('scores precision, recall and reason agreement against truth/', async () => {
    const db = await fresh(month);
    await match(db);
    const dir = mkdtempSync(join(tmpdir(), 'recon-eval-'));
    mkdirSync(join(dir, 'truth'));
    writeFileSync(
      join(dir, 'truth', 'allocations.csv'),
      'partner_id,txn_ref,invoice_no,amount_vnd\nMOMO,T2,A1,100\nMOMO,T2,A2,50\nVCB,T1,A2,150\nVCB,T4,B1,200\nVCB,T9,B1,100\n',
    );
    writeFileSync(join(dir, 'truth', 'exceptions.csv'), 'partner_id,txn_ref,reason\nVCB,T5,suggested_match\n');
    const e = await evaluate(db, dir);
    expect(e.allocated_vnd).toBe(600);
    expect(e.truth_allocated_vnd).toBe(600);
    expect(e.correct_vnd).toBe(500);
    expect(e.precision).toBeCloseTo(500 / 600, 9);
    expect(e.recall).toBeCloseTo(500 / 600, 9);
    expect(e.reason_agreement).toBe(0);
    expect(e.confusion).toEqual([{ truth_reason: 'suggested_match', db_reason: 'unknown_customer', payments: 1 }]);
  });

  it('ages exceptions from the paid date to the as-of date and filters them', async () => {
    const db = await fresh({
      customers: [A],
      payments: [
        { txn: 'D0', amount: 10, code: 'PZ1', at: '2026-03-31T23:59:00' },
        { txn: 'D8', amount: 20, code: 'PZ2', at: '2026-03-23T08:00:00' },
        { txn: 'D31', amount: 30, code: 'PZ3', at: '2026-02-28T08:00:00' },
        { txn: 'D91', amount: 40, code: 'PZ4', at: '2025-12-30T08:00:00' },
        { txn: 'LATER', amount: 50, code: 'PZ5', at: '2026-04-01T00:00:00' },
      ],
    });
    await match(db);
    const rows = await exceptionQueue(db, { asOf: '2026-03-31' });
    expect(rows.map((r) => `${r.txn_ref} ${r.age_days} ${r.aging}`)).toEqual(['D91 91 >90', 'D31 31 31-90', 'D8 8 8-30', 'D0 0 0-7']);
    const big = await exceptionQueue(db, { asOf: '2026-03-31', minAmount: 30n, olderThan: 40 });
    expect(big.map((r) => r.txn_ref)).toEqual(['D91']);
  });

  it('lists all-digit transaction ids by value, as the turns order them, in the queue and the exports', async () => {
    const db = await fresh({
      customers: [A],
      payments: ['10', 'X1', '9', '009'].map((txn) => ({ txn, amount: 10, code: 'PZ1', at: '2026-02-10T08:00:00' })),
    });
    await match(db);
    const byValue = ['009', '9', '10', 'X1'];
    expect((await exceptionQueue(db, { asOf: '2026-02-28' })).map((r) => r.txn_ref)).toEqual(byValue);
    const dir = mkdtempSync(join(tmpdir(), 'recon-order-'));
    for (const dataset of ['exceptions', 'payments'] as const) {
      const out = join(dir, `${dataset}.json`);
      await runExport(db, { dataset, period: '2026-02', asOf: '2026-02-28', format: 'json', out });
      expect((JSON.parse(readFileSync(out, 'utf8')) as Array<{ txn_ref: string }>).map((r) => r.txn_ref)).toEqual(byValue);
    }
  });
});

describe('a code that only looks like a real one', () => {
  it('is shown with its hidden or look-alike characters escaped, so "does not exist" can be believed', async () => {
    const hidden = `${A.slice(0, 6)}\u200b${A.slice(6)}`; // a zero-width space pasted from a chat
    const cyrillic = `\u0420${A.slice(1)}\u{1F600}`; // Cyrillic Р for the Latin P, and a character past U+FFFF
    const db = await fresh({ ...month, payments: [
      { txn: 'Z1', amount: 999, code: hidden, partner: 'VCB', at: '2026-02-08T09:00:00' },
      { txn: 'Z2', amount: 999, code: cyrillic, partner: 'VCB', at: '2026-02-08T10:00:00' },
    ] });
    await match(db);
    const details = await db.all<{ txn_ref: string; reason: string; detail: string }>(
      `SELECT p.txn_ref, e.reason, e.detail FROM exceptions e JOIN payments p USING (payment_id) ORDER BY p.txn_ref`,
    );
    expect(details).toEqual([
      { txn_ref: 'Z1', reason: 'unknown_customer', detail: `customer code ${A.slice(0, 6)}\\u200B${A.slice(6)} (holding characters no customer code has, shown as \\uXXXX) (from the field) does not exist` },
      { txn_ref: 'Z2', reason: 'unknown_customer', detail: `customer code \\u0420${A.slice(1)}\\u1F600 (holding characters no customer code has, shown as \\uXXXX) (from the field) does not exist` },
    ]);
  });
});
