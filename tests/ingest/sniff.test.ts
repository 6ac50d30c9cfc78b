// `recon partners sniff`: the draft profile for a new partner's file must validate (apart from
// fields left "TODO") and, for the shapes sniff recognises, load the file it was drafted from.
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { parseProfileFile } from '../../src/ingest/profiles.ts';
import { draftId, draftPattern, fitsDate, flowSide, formatFromNumFmt, sniffFile } from '../../src/ingest/sniff.ts';
import { Scratch, encodeWindows1258, openTestDb } from './helpers.ts';
import { encryptedWorkbookStub, zipOf } from '../support/xlsx-zip.ts';

type Draft = Record<string, unknown> & { id: string; fields: Record<string, any>; format: Record<string, any>; header: Record<string, any> };

/** Sniffs `name` (written with `content`), writes the draft without `_notes` as `<id>.json` and validates it. */
async function sniffAndCheck(s: Scratch, name: string, content: string | Buffer): Promise<Draft> {
  const path = s.file(name, content);
  const draft = (await sniffFile(path)) as Draft;
  const { _notes, ...profile } = draft;
  expect(_notes).toBeDefined();
  // README: the draft passes `recon partners check` apart from values marked TODO (a column it could
  // not find, which check names when the profile lists the columns itself).
  expect(parseProfileFile(s.profile(profile)).problems.filter((p) => !p.includes('"TODO'))).toEqual([]);
  return draft;
}

/** Ingests the scratch folder with the drafted profiles. */
async function ingestDraft(s: Scratch) {
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  const payments = await db.all<{ txn_ref: string; paid_at: Date; amount_vnd: bigint; line_no: bigint }>(
    'SELECT txn_ref, paid_at, amount_vnd, line_no FROM payments ORDER BY line_no',
  );
  db.close();
  return { summary, payments };
}

describe('sniff: draft id and file pattern', () => {
  it('takes the id from the leading name tokens, never cutting one', async () => {
    expect(draftId('SMARTPAY_EVN_20260327.csv')).toBe('smartpay-evn');
    expect(draftId('UOB_EVN_STMT_202603.txt')).toBe('uob-evn-stmt');
    expect(draftId('IVB2_EVN_20260330.dat')).toBe('ivb2-evn');
    expect(draftId('20260327.csv')).toBe('new-partner');
    expect(draftPattern('IVB2_EVN_20260330.dat')).toBe('IVB2_EVN_*.dat');
    expect(draftPattern('VRB_SAOKE_EVN_202603_1258.csv')).toBe('VRB_SAOKE_EVN_*_*.csv');
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'SMARTPAY_EVN_20260327.csv', 'txn_id,created_at,amount\nSP001,2026-03-27T14:05:09+07:00,281248\n');
    expect(draft.id).toBe('smartpay-evn');
    expect(draft.file_patterns).toEqual(['SMARTPAY_EVN_*.csv']);
  });
});

describe('sniff: dates and headers', () => {
  it('reads a header ending with a delimiter as names, and its time column as paid_at', async () => {
    const s = new Scratch();
    const text = 'Mã GD;Thời gian;Mã KH;Số tiền;Nội dung;\nEP001;27/03/2026 14:05:09;PE0200000018;969.037;TT;\nEP002;27/03/2026 15:05:09;PK02DA0000022;605.527;TT;\n;;;;;\n';
    const draft = await sniffAndCheck(s, 'EPAY_EVN_202603.csv', text);
    expect(draft.header).toEqual({ type: 'names' });
    expect(draft.format).toMatchObject({ type: 'delimited', delimiter: ';' });
    expect(draft.fields).toMatchObject({
      txn_ref: { column: 'Mã GD' },
      paid_at: { column: 'Thời gian', format: 'DD/MM/YYYY HH:mm:ss' },
      amount: { column: 'Số tiền', format: { grouping: '.', decimal: null } },
    });
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 2, records_loaded: 2 });
    expect(payments.map((p) => p.amount_vnd)).toEqual([969037n, 605527n]);
  });

  it('recognises DD-MM-YYYY HH:mm:ss and prefers it to a value-date column', async () => {
    const s = new Scratch();
    const text = 'Số bút toán;Ngày hiệu lực;Ngày giờ GD;Số tiền\nFT1;28/03/2026;27-03-2026 14:05:09;945.241,00\nFT2;28/03/2026;27-03-2026 23:59:59;307.839,00\n';
    const draft = await sniffAndCheck(s, 'VRB_SAOKE_EVN_202603.csv', text);
    expect(draft.fields).toMatchObject({
      paid_at: { column: 'Ngày giờ GD', format: 'DD-MM-YYYY HH:mm:ss' },
      settled_on: { column: 'Ngày hiệu lực', format: 'DD/MM/YYYY' },
      amount: { column: 'Số tiền', format: { grouping: '.', decimal: ',' } },
    });
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 2 });
    expect(payments[0]!.paid_at.toISOString()).toBe('2026-03-27T07:05:09.000Z');
  });

  it('recognises YYYY/MM/DD and joins a date column with its time column', async () => {
    const s = new Scratch();
    const text = 'Mã cửa hàng,Số biên nhận,Ngày thu,Giờ thu,Số tiền\n"1021","000123","2026/03/27","14:05:09","309,522"\n"1021","000124","2026/03/27","15:00:00","124,666"\n';
    const draft = await sniffAndCheck(s, 'BHX_THUHO_EVN_20260331.csv', text);
    expect(draft.fields).toMatchObject({ txn_ref: { column: 'Số biên nhận' }, paid_at: { column: ['Ngày thu', 'Giờ thu'], format: 'YYYY/MM/DD HH:mm:ss' } });
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 2 });
    expect(payments.map((p) => p.paid_at.toISOString())).toEqual(['2026-03-27T07:05:09.000Z', '2026-03-27T08:00:00.000Z']);

    const s2 = new Scratch();
    const alone = await sniffAndCheck(s2, 'BHX_EVN_1.csv', 'ref,day,amount\nA1,2026/03/27,1000\nA2,2026/03/28,2000\n');
    expect(alone.fields.paid_at).toEqual({ column: 'day', format: 'YYYY/MM/DD' });
  });

  it('takes the delimiter from Excel\'s sep= line, which ingest skips, and the draft loads the file', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'AGENT_EVN_20260301.csv', 'sep=;\nMã GD;Thời gian;Số tiền\nG1;01/03/2026 08:15:00;1.250.000\nG2;01/03/2026 09:15:00;500.000\n');
    expect(draft.format).toEqual({ type: 'delimited', delimiter: ';', quote: '"' });
    expect(draft.preamble).toBeUndefined();
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 2, records_loaded: 2 });
    expect(payments.map((p) => [p.txn_ref, p.line_no])).toEqual([['G1', 3n], ['G2', 4n]]);
  });

  it('takes 13-digit Unix milliseconds of 2015–2040 as paid_at (UNIX_MS), not as an amount, and the draft loads the file', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'ZLP_EVN_20260301.csv', 'app_trans_id,server_time,amount,bill_code\n260301_1,1772299800000,1250000,PE0100123456\n260301_2,1772385299999,500000,PD0100000001\n');
    expect(draft.fields.paid_at).toEqual({ column: 'server_time', format: 'UNIX_MS' });
    expect(draft.fields.amount).toMatchObject({ column: 'amount' });
    expect(fitsDate('1234567890123', 'UNIX_MS')).toBe(false); // 2009
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => [p.txn_ref, p.paid_at.toISOString()])).toEqual([['260301_1', '2026-02-28T17:30:00.000Z'], ['260301_2', '2026-03-01T17:14:59.999Z']]);
  });

  it('never takes a column named as a transaction id for the amount, though its digits look like one', async () => {
    const s = new Scratch();
    // The amount column of this small sample holds a broken value, so it is not amount-shaped.
    const draft = await sniffAndCheck(s, 'ZLP_EVN_20261005.csv', 'transId,appTime,amount,billCode\n261005000123,1791083400000,1250000,PE0100123456\n261005000124,1791083460000,12a,PD0100000001\n261005000125,1791083520000,350000,PD0100000002\n');
    expect(draft.fields.txn_ref).toEqual({ column: 'transId' });
    expect(draft.fields.amount).not.toMatchObject({ column: 'transId' });
  });

  // Wallet and cash-chain exports: amounts with a currency marker ("VND 1,250,000", "350.000đ",
  // negatives "(150.000 đ)" or "1,250,000-"), and vi-VN/en-US times on the 12-hour clock with
  // unpadded days, months and hours. Before, the marker hid the amount column, so a phone number
  // column (all digits) was drafted as the amount, and the time was left TODO.
  it('recognises amounts with a currency marker or negative notation and 12-hour unpadded times, and the draft loads the file', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'VTM_EVN_20261005.csv', [
      'trans_id,trans_time,msisdn,amount,description',
      'VTM1,5/10/2026 8:05:03 SA,0987654321,"VND 1,250,000",TT',
      'VTM2,5/10/2026 12:30:00 CH,0912345678,"VND 500,000",TT',
      'VTM3,15/10/2026 11:59:59 CH,0987654321,"VND 1,250,000-",Huy',
      '',
    ].join('\n'));
    expect(draft.fields.paid_at).toEqual({ column: 'trans_time', format: 'D/M/YYYY h:mm:ss A' });
    expect(draft.fields.amount).toEqual({ column: 'amount', format: { grouping: ',', decimal: null, currency: true, negative: 'trailing_minus', allow_negative: true } });
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 3 });
    expect(payments.map((p) => [p.txn_ref, p.paid_at.toISOString(), p.amount_vnd])).toEqual([
      ['VTM1', '2026-10-05T01:05:03.000Z', 1250000n], ['VTM2', '2026-10-05T05:30:00.000Z', 500000n], ['VTM3', '2026-10-15T16:59:59.000Z', 1250000n],
    ]);
    const cash = await sniffAndCheck(new Scratch(), 'SHOP_EVN_20261005.csv', 'Số phiếu,Thời gian thu,Số tiền\nP1,05/10/2026 08:05 AM,350.000đ\nP2,05/10/2026 08:05 PM,(150.000 đ)\n');
    expect(cash.fields.paid_at).toEqual({ column: 'Thời gian thu', format: 'DD/MM/YYYY hh:mm A' });
    expect(cash.fields.amount).toEqual({ column: 'Số tiền', format: { grouping: '.', decimal: null, currency: true, negative: 'parentheses', allow_negative: true } });
    expect([fitsDate('5/10/2026 13:05:00 CH', 'D/M/YYYY h:mm:ss A'), fitsDate('5/13/2026 1:05:00 CH', 'D/M/YYYY h:mm:ss A'), fitsDate('5/10/2026 1:05:00 CH', 'D/M/YYYY h:mm:ss A')]).toEqual([false, false, true]);
  });

  // A foreign gateway writes month first; wallets and .NET services write ISO's basic form, fractions
  // of any length and amounts grouped with no-break spaces; Excel leaves a header cell without a name.
  it('recognises month-first dates, ISO basic times, fractions of any length and space-grouped amounts, and the drafts load their files', async () => {
    const s = new Scratch();
    const gw = await sniffAndCheck(s, 'GW_SETTLE_20261027.csv', [
      'Transaction ID,Transaction Date,Amount',
      'TX1,10/27/2026 01:15:30 AM,"1,250,000.00"',
      'TX2,10/27/2026 4:59:59 PM,"500,000.00"',
      '',
    ].join('\n'));
    expect(gw.fields.paid_at).toEqual({ column: 'Transaction Date', format: 'MM/DD/YYYY h:mm:ss A' });
    // Day first wins when every value could be either (05/10/2026 is 5 October in Vietnam).
    const vn = await sniffAndCheck(new Scratch(), 'VN_EVN_20261005.csv', 'Mã GD,Thời gian,Số tiền\nG1,05/10/2026 08:00:00,1.000\nG2,06/10/2026 09:00:00,2.000\n');
    expect(vn.fields.paid_at).toEqual({ column: 'Thời gian', format: 'DD/MM/YYYY HH:mm:ss' });
    const momo = await sniffAndCheck(s, 'MOMO_EVN_20261027.csv', 'Mã giao dịch;Thời gian;Trống;Số tiền;\nM1;20261027T081500;;1\u00a0250\u00a0000;\nM2;20261027T000000;;500\u00a0000;\n');
    expect(momo.header).toEqual({ type: 'names' });
    expect(momo.fields.paid_at).toEqual({ column: 'Thời gian', format: 'YYYYMMDDTHHmmss' });
    expect(momo.fields.amount).toEqual({ column: 'Số tiền', format: { grouping: ' ', decimal: null } });
    const net = await sniffAndCheck(s, 'VNPAY_EVN_20261027.csv', 'Mã GD,Ngày GD,,Số tiền\nV1,27/10/2026 10:15:00.5,x,1000\nV2,27/10/2026 10:15:00.1234567,,2000\nV3,27/10/2026 10:15:02,,3000\n');
    expect(net.header).toEqual({ type: 'names' }); // before, the unnamed third column made it data (col1…col4)
    expect(net.fields.paid_at).toEqual({ column: 'Ngày GD', format: 'DD/MM/YYYY HH:mm:ss.S' });
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files.map((f) => [f.status, f.records_loaded])).toEqual([['loaded', 2], ['loaded', 2], ['loaded', 3]]);
    expect(payments.map((p) => [p.txn_ref, p.paid_at.toISOString(), p.amount_vnd])).toEqual([
      ['TX1', '2026-10-26T18:15:30.000Z', 1250000n], ['M1', '2026-10-27T01:15:00.000Z', 1250000n], ['V1', '2026-10-27T03:15:00.500Z', 1000n],
      ['TX2', '2026-10-27T09:59:59.000Z', 500000n], ['M2', '2026-10-26T17:00:00.000Z', 500000n], ['V2', '2026-10-27T03:15:00.123Z', 2000n],
      ['V3', '2026-10-27T03:15:02.000Z', 3000n],
    ]);
  });

  it('drafts null_values for a database export that writes NULL, and the draft loads the file', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'ECPAY_EVN_20261027.csv', 'TransId,TransTime,Amount,Note\nEC1,2026-10-27 08:30:00.1234567,1250000.0000,NULL\nEC2,2026-10-27 09:00:00.0000000,500000.0000,Thu ho\n');
    expect(draft.null_values).toEqual(['NULL']);
    expect(JSON.stringify(draft._notes)).toContain('a database export\'s empty value');
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['EC1', 1250000n], ['EC2', 500000n]]);
  });

  it('drafts escape "\\" with quote "" for an unquoted MySQL INTO OUTFILE sample holding \\| or \\N, and the draft loads every record', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'VIMO_EVN_20261027.txt', [
      'txn_id|txn_time|customer_code|amount|note',
      'VIMO0001|2026-10-27 08:15:00|PE0100123456|1250000|TT tien dien \\| ky 10',
      'VIMO0002|2026-10-27 09:30:00|PD0100000001|500000|\\N',
      'VIMO0003|2026-10-27 10:45:00|PE0200654321|842300|dong 1\\',
      'dong 2',
      'VIMO0004|2026-10-27 11:00:00|PE0300111222|100000|C:\\\\EVN',
    ].join('\n') + '\n');
    expect(draft.format).toEqual({ type: 'delimited', delimiter: '|', quote: '', escape: '\\' });
    expect(draft.null_values).toBeUndefined();
    expect(draft.fields.memo).toEqual({ column: 'note' });
    expect(JSON.stringify(draft._notes)).toContain('as MySQL\'s SELECT … INTO OUTFILE writes them');
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files.map((f) => [f.status, f.records_read, f.records_loaded])).toEqual([['loaded', 4, 4]]);
    expect(payments.map((p) => [p.line_no, p.txn_ref])).toEqual([[2n, 'VIMO0001'], [3n, 'VIMO0002'], [4n, 'VIMO0003'], [6n, 'VIMO0004']]);
  });

  // A host bank's statement: MySQL's ENCLOSED BY '"' ESCAPED BY '\\' quoting, CR/DR amount suffixes.
  it('drafts escape "\\" for quoted fields escaping the quote with a backslash, and negative "cr_dr" for CR/DR suffixes; the draft loads the file', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'VCBHOST_20261027.csv', [
      'Ma GD,Ngay GD,Ma KH,Noi dung,So tien',
      'VCB001,27/10/2026 08:15:00,PE0100123456,"TT tien dien \\"ky 10\\", nha ong A","1,250,000.00 CR"',
      'VCB002,27/10/2026 09:30:00,PD0100000001,TT tien dien,"500,000.00 CR"',
      'VCB003,27/10/2026 10:45:00,PD0100000002,"Hoan tien","99,000.00 DR"',
      'VCB004,27/10/2026 11:00:00,PE0200654321,TT,"153,300.00cr"',
      '',
    ].join('\n'));
    expect(draft.format).toEqual({ type: 'delimited', delimiter: ',', quote: '"', escape: '\\' });
    expect(draft.fields.amount).toEqual({ column: 'So tien', format: { grouping: ',', decimal: '.', negative: 'cr_dr', allow_negative: true } });
    expect(JSON.stringify(draft._notes)).toContain('ENCLOSED BY');
    const { summary } = await ingestDraft(s);
    expect(summary.files.map((f) => [f.status, f.records_read, f.records_loaded, f.records_rejected])).toEqual([['loaded', 4, 4, 0]]);
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    const rows = await db.all<{ txn_ref: string; kind: string; amount_vnd: bigint; memo: string }>('SELECT txn_ref, kind, amount_vnd, memo FROM payments ORDER BY line_no');
    db.close();
    expect(rows.map((r) => [r.txn_ref, r.kind, r.amount_vnd, r.memo])).toEqual([
      ['VCB001', 'payment', 1250000n, 'TT tien dien "ky 10", nha ong A'],
      ['VCB002', 'payment', 500000n, 'TT tien dien'],
      ['VCB003', 'reversal', 99000n, 'Hoan tien'],
      ['VCB004', 'payment', 153300n, 'TT'],
    ]);
    // CSV's own quoting (a doubled quote) and a backslash that escapes nothing draft no escape.
    const csv = await sniffAndCheck(new Scratch(), 'CSV_EVN_20261027.csv', 'id,time,amount,note\nA1,2026-10-27 08:15:00,1000,"a ""b"", C:\\"\nA2,2026-10-27 08:16:00,2000,"C:\\evn\\"\n');
    expect(csv.format).toEqual({ type: 'delimited', delimiter: ',', quote: '"' });
  });

  it('drafts a tab-delimited MySQL export whose only escapes are \\N, and keeps quote "\"" for a sample with quoted fields', async () => {
    const tab = await sniffAndCheck(new Scratch(), 'MYSQL_EVN_20261027.txt', 'id\ttime\tamount\tnote\nA1\t2026-10-27 08:15:00\t1000\t\\N\nA2\t2026-10-27 08:16:00\t2000\tx\n');
    expect(tab.format).toEqual({ type: 'delimited', delimiter: '\t', quote: '', escape: '\\' });
    const quoted = await sniffAndCheck(new Scratch(), 'Q_EVN_20261027.csv', 'id,time,amount,note\nA1,2026-10-27 08:15:00,1000,"a, b"\nA2,2026-10-27 08:16:00,2000,\\N\n');
    expect(quoted.format).toEqual({ type: 'delimited', delimiter: ',', quote: '"' });
  });


  it('takes the header below title rows padded with delimiters to the same width, not the first title', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'TCB_EVN_20261005.csv', [
      'NGÂN HÀNG TMCP KỸ THƯƠNG;;;;', 'SAO KÊ TÀI KHOẢN;;;;', 'Số tài khoản: 190333;;;;', ';;;;',
      'Ngày giao dịch;Số tham chiếu;Diễn giải;Có (VND);Số dư (VND)', '05/10/26 08:30;T1;TT;1.250.000,00;1.001.250.000,00', '05/10/26 09:00;T2;TT;500.000,00;1.001.750.000,00', '',
    ].join('\n'));
    expect(draft.preamble).toEqual({ lines: 4 });
    expect(draft.header).toEqual({ type: 'names' });
    expect(draft.fields.txn_ref).toEqual({ column: 'Số tham chiếu' });
    // Two-digit years, and the running balance is never the amount.
    expect(draft.fields.paid_at).toEqual({ column: 'Ngày giao dịch', format: 'DD/MM/YY HH:mm' });
    expect(draft.fields.amount).toMatchObject({ column: 'Có (VND)' });
    const { summary } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 2, records_loaded: 2 });
  });

  // Bank statements write money in and out in two columns. Before, the draft took one of them (the
  // credit, or whichever was written with grouping) as `amount.column`, so every debit row was a
  // missing amount and every refund a reject.
  it('proposes a statement\'s Nợ/Có (Ghi nợ/Ghi có, Debit/Credit) pair as credit_column and debit_column, and the draft loads the file', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'TCB_EVN_STATEMENT_20261005.csv', [
      'Ngày giao dịch;Số tham chiếu;Diễn giải;Nợ (VND);Có (VND);Số dư (VND)',
      '05/10/26 08:30;TCB1;TT TIEN DIEN PE0100123456;0,00;1.250.000,00;1.001.250.000,00',
      '05/10/26 09:00;TCB2;PD0100000001 thanh toan;;500.000,00;1.001.750.000,00',
      '05/10/26 09:15;TCB3;Hoàn tiền GD TCB1;1.250.000,00;0,00;1.000.500.000,00',
      '',
    ].join('\r\n'));
    expect(draft.fields.txn_ref).toEqual({ column: 'Số tham chiếu' });
    expect(draft.fields.amount).toEqual({ credit_column: 'Có (VND)', debit_column: 'Nợ (VND)', format: { grouping: '.', decimal: ',' }, debit_kind: 'refund' });
    expect(JSON.stringify(draft._notes)).toContain('set \\"reversal\\" if');
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 3, records_rejected: 0 });
    expect(payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['TCB1', 1250000n], ['TCB2', 500000n], ['TCB3', 1250000n]]);
    expect(['Ghi nợ', 'Ghi có', 'Số tiền ghi nợ', 'PS Có', 'Debit', 'Credit amount', 'Nợ', 'TK ghi nợ', 'Dư nợ', 'Số dư', 'Credit card'].map(flowSide)).toEqual([
      'debit', 'credit', 'debit', 'credit', 'debit', 'credit', 'debit', null, null, null, null,
    ]);
  });

  // Printed reports and statements carry, below the header, total rows, page footers, a closing
  // balance and the header again at each page. Before, they were sampled as data: the date column
  // no longer fitted 80 % of its values and paid_at was left TODO.
  it('leaves total rows, page footers and a repeated header out of the sample, noting them, and the draft loads the file', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'TCB_EVN_STATEMENT_20261005.csv', [
      'SAO KÊ TÀI KHOẢN;;;;', ';;;;',
      'Ngày giao dịch;Số tham chiếu;Diễn giải;Có (VND);Số dư (VND)',
      '05/10/26 08:30;TCB1;TT TIEN DIEN;1.250.000,00;1.001.250.000,00',
      'Trang 1/2;;;;',
      'Ngày giao dịch;Số tham chiếu;Diễn giải;Có (VND);Số dư (VND)',
      '05/10/26 09:00;TCB2;TT;500.000,00;1.001.750.000,00',
      'Tổng cộng;;;1.750.000,00;',
      'Số dư cuối kỳ: 1.001.750.000,00;;;;',
      '',
    ].join('\n'));
    expect(draft.fields.paid_at).toEqual({ column: 'Ngày giao dịch', format: 'DD/MM/YY HH:mm' });
    const notes = JSON.stringify(draft._notes);
    expect(notes).toContain('1 row(s) look like a total row (\\"Tổng cộng;;;1.750.000,00;\\")');
    expect(notes).toContain('2 row(s) below the header fill fewer than half the columns (\\"Trang 1/2;;;;\\", \\"Số dư cuối kỳ');
    // What a person adds for them; the rest is the draft as sniffed.
    const { _notes, ...profile } = draft;
    expect(parseProfileFile(s.profile({ ...profile, skip: ['^Trang \\d', '^Tổng cộng', '^Số dư cuối kỳ'] })).problems).toEqual([]);
    const { summary } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 2, records_loaded: 2, records_rejected: 0 });
  });

  // Interbank and cash-chain files name their id TRACE_NO, Số trace, Số biên lai, So GD (accents
  // stripped)…; before, such a column of digits was passed over for the first unique text column
  // (NAPAS: the customer code).
  it('recognises TRACE_NO, Số trace, Mã giao dịch, So GD, Số chứng từ, Số biên lai as the transaction id, and the draft loads the file', async () => {
    for (const name of ['TRACE_NO', 'Số trace', 'Mã giao dịch', 'So GD', 'Số chứng từ', 'Số biên lai', 'SO_CT', 'RRN']) {
      const draft = await sniffAndCheck(new Scratch(), 'NAPAS_EVN_20261005.txt', `${name}|TXN_TIME|CUSTOMER_CODE|AMOUNT\n000001|2026-10-05 08:30:00.0|PE0100123456|1250000\n000002|2026-10-05 09:15:42.0|PD0100000001|500000\n`);
      expect(draft.fields.txn_ref, name).toEqual({ column: name });
    }
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'NAPAS_EVN_20261005.txt', 'TRACE_NO|TXN_TIME|BIN|CUSTOMER_CODE|AMOUNT\n000001|2026-10-05 08:30:00.0|970436|PE0100123456|1250000\n000002|2026-10-05 09:15:42.0|970415|PD0100000001|500000\n');
    expect(draft.fields).toMatchObject({ txn_ref: { column: 'TRACE_NO' }, amount: { column: 'AMOUNT' } });
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['000001', 1250000n], ['000002', 500000n]]);
  });

  // A cash chain numbers its slips per store: neither the store nor the slip number is unique, the
  // pair is. Before, the draft took the slip number alone (or the store), and the second store's
  // slip 1 loaded as a duplicate of the first store's.
  it('proposes a composite id (store + slip number) when neither column alone is unique in the sample, and the draft loads the file', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'FPTSHOP_THUHO_20261005.csv', [
      'Mã cửa hàng,Số phiếu,Thời gian thu,Mã KH,Tên KH,Số tiền',
      'FS0101,PT0000001,05/10/2026 08:05,PE0100123456,Nguyễn Văn A,350.000',
      'FS0101,PT0000002,05/10/2026 12:15,PE0200654321,Trần Thị B,1.842.300',
      'FS0102,PT0000001,05/10/2026 12:45,PE0300111222,Lê C,153.300',
      'FS0102,PT0000002,05/10/2026 20:05,PE0400999888,Phạm D,2.000.000',
      'FS0102,PT0000002,05/10/2026 20:05,PE0400999888,Phạm D,2.000.000', // the same record twice: not evidence against the id
      '',
    ].join('\n'));
    expect(draft.fields.txn_ref).toEqual({ column: ['Mã cửa hàng', 'Số phiếu'], separator: '-' });
    expect(draft.fields.agent_id).toEqual({ column: 'Mã cửa hàng' });
    expect(JSON.stringify(draft._notes)).toContain('neither alone is unique in the sample');
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 5, records_loaded: 4, records_duplicate: 1 });
    expect(payments.map((p) => p.txn_ref)).toEqual(['FS0101-PT0000001', 'FS0101-PT0000002', 'FS0102-PT0000001', 'FS0102-PT0000002']);
    // An id that is unique alone stays one column; one that repeats with no column to pair is noted.
    const one = await sniffAndCheck(new Scratch(), 'X_EVN_1.csv', 'Mã cửa hàng,Số phiếu,Thời gian thu,Số tiền\nFS01,PT1,05/10/2026 08:05,350.000\nFS01,PT2,05/10/2026 08:06,350.000\n');
    expect(one.fields.txn_ref).toEqual({ column: 'Số phiếu' });
    const rep = await sniffAndCheck(new Scratch(), 'X_EVN_1.csv', 'Số phiếu,Thời gian thu,Tên KH,Số tiền\nPT1,05/10/2026 08:05,Lê C,350.000\nPT1,05/10/2026 08:06,Lê D,350.000\n');
    expect(rep.fields.txn_ref).toEqual({ column: 'Số phiếu' });
    expect(JSON.stringify(rep._notes)).toContain('repeats in the sample');
  });

  // A file without names: the id is found by its values. Before, the first unique column with a
  // letter in it was taken, the customer code (a customer pays every month) or a holder's name.
  it('never drafts a customer code or a name as the id of a file without names; a zero-padded or 16-digit number can be', async () => {
    const rows = ['BC700000|000123|05/10/2026 07:45:00|PE0100123456|Nguyễn Văn Ánh|350.000', 'BC700000|000124|05/10/2026 08:01:30|PE0200654321|Trần Thị Thuỷ|1.842.300', 'BC700000|000125|05/10/2026 08:30:00|PE0300111222|Lê Hữu Nghĩa|153.300'];
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'VNPOST_THUHO_20261005.dat', `${rows.join('\n')}\n`);
    expect(draft.fields.txn_ref).toEqual({ column: 'col2' });
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => p.txn_ref)).toEqual(['000123', '000124', '000125']);
    const long = await sniffAndCheck(new Scratch(), 'CORE_EVN_1.csv', '2610050000000001;PE0100123456;NGUYEN VAN A;20261005073000;1250000\n2610050000000002;PD0100000001;TRAN THI B;20261005080101;500000\n');
    expect(long.fields.txn_ref).toEqual({ column: 'col1' });
  });

  it('recognises Oracle\'s DD-MON-YY dates with a real month abbreviation', () => {
    expect(fitsDate('05-MAR-26 09:05:09', 'DD-MMM-YY HH:mm:ss')).toBe(true);
    expect(fitsDate('05-mar-2026', 'DD-MMM-YYYY')).toBe(true);
    expect(fitsDate('05-ABC-2026', 'DD-MMM-YYYY')).toBe(false);
  });

  it('takes a date shape only when its fields are real', () => {
    expect(fitsDate('20260327', 'YYYYMMDD')).toBe(true);
    expect(fitsDate('12345678', 'YYYYMMDD')).toBe(false);
    expect(fitsDate('31/13/2026', 'DD/MM/YYYY')).toBe(false);
    expect(fitsDate('27-03-2026 24:00:00', 'DD-MM-YYYY HH:mm:ss')).toBe(false);
    expect(fitsDate('2026-03-27T14:05:09.123+07:00', 'ISO')).toBe(true);
    expect(fitsDate('27/03/2026 14:05:09', 'DD-MM-YYYY HH:mm:ss')).toBe(false);
  });
});

describe('sniff: xlsx', () => {
  /** A statement like Woori's: two preamble rows and a gap, native dates and numbers, a text date, a total row. */
  async function workbook(path: string): Promise<void> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sao ke');
    ws.getCell('A1').value = 'SAO KÊ GIAO DỊCH THU HỘ TIỀN ĐIỆN';
    ws.getCell('A2').value = 'Tài khoản: 100-200-300';
    ws.getCell('C2').value = 'Kỳ: 03/2026';
    ws.getRow(4).values = ['STT', 'Số GD', 'Thời gian GD', 'Mã khách hàng', 'Số tiền (VND)', 'Nội dung'];
    const rows: Array<[number, string, Date | string, string, number, string]> = [
      [1, 'WR0001', new Date(Date.UTC(2026, 2, 27, 14, 5, 9)), 'PQ02YE0000011', 328019, 'TT tien dien, ky 3'],
      [2, 'WR0002', new Date(Date.UTC(2026, 2, 31, 23, 30, 0)), 'PE0200000018', 969037, 'TT'],
      [3, 'WR0003', '01/04/2026 08:00:00', 'PN02RL0000011', 556103, 'TT'],
    ];
    rows.forEach((r, k) => {
      const row = ws.getRow(5 + k);
      row.values = r;
      row.getCell(3).numFmt = 'dd/mm/yyyy hh:mm:ss';
      row.getCell(5).numFmt = '#,##0';
    });
    ws.getRow(8).values = ['Tổng cộng', 3, null, null, 1853459];
    await wb.xlsx.writeFile(path);
  }

  it('recognises a workbook by its zip content and drafts an xlsx profile that loads it', async () => {
    const s = new Scratch();
    const path = s.file('WOORI_EVN_202603.xlsx', '');
    await workbook(path);
    const draft = (await sniffFile(path)) as Draft;
    expect(draft).toMatchObject({ id: 'woori-evn', format: { type: 'xlsx', sheet: 1 }, preamble: { lines: 3 }, header: { type: 'names' } });
    expect(draft).not.toHaveProperty('encoding');
    expect(draft.fields).toEqual({
      txn_ref: { column: 'Số GD' },
      paid_at: { column: 'Thời gian GD', format: 'DD/MM/YYYY HH:mm:ss' },
      amount: { column: 'Số tiền (VND)', format: { grouping: '', decimal: null } },
      customer_code: { column: 'Mã khách hàng' },
      memo: { column: 'Nội dung' },
    });
    expect(JSON.stringify(draft._notes)).toContain('row(s) 8 look like a total row');
    // What a person adds for the total row; the rest is the draft as sniffed.
    const { _notes, ...profile } = draft;
    expect(parseProfileFile(s.profile({ ...profile, skip: ['^Tổng cộng'] })).problems).toEqual([]);
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 3, records_rejected: 0 });
    expect(payments.map((p) => [p.txn_ref, p.paid_at.toISOString(), p.amount_vnd, p.line_no])).toEqual([
      ['WR0001', '2026-03-27T07:05:09.000Z', 328019n, 5n],
      ['WR0002', '2026-03-31T16:30:00.000Z', 969037n, 6n],
      ['WR0003', '2026-04-01T01:00:00.000Z', 556103n, 7n],
    ]);

    // The same bytes under another name are still a workbook.
    const renamed = s.file('woori.dat', '');
    copyFileSync(path, renamed);
    expect(await sniffFile(renamed)).toMatchObject({ format: { type: 'xlsx' } });
  });

  it('drafts from the sheet holding the table when a summary sheet comes first, naming it in format.sheet, and the draft loads the workbook', async () => {
    const s = new Scratch();
    const wb = new ExcelJS.Workbook();
    const sum = wb.addWorksheet('Tổng hợp');
    sum.addRow(['Tổng số giao dịch', 3]);
    sum.addRow(['Tổng số tiền', 2592300]);
    const ws = wb.addWorksheet('Chi tiết');
    ws.addRow(['Số bút toán', 'Thời gian', 'Mã KH', 'Số tiền']);
    ws.addRow(['FT1', '27/10/2026 08:15:00', 'PE0100123456', 1250000]);
    ws.addRow(['FT2', '27/10/2026 09:15:00', 'PD0100000001', 500000]);
    ws.addRow(['FT3', '27/10/2026 10:15:00', 'PE0200654321', 842300]);
    await wb.xlsx.writeFile(s.file('SHB_EVN_20261027.xlsx', ''));
    const { _notes, ...profile } = (await sniffFile(`${s.files}/SHB_EVN_20261027.xlsx`)) as Draft;
    expect(profile.format).toEqual({ type: 'xlsx', sheet: 'Chi tiết' }); // before: sheet 1, the summary, and its two rows drafted as the table
    expect(JSON.stringify(_notes)).toContain('of 2 sheets (1 \\"Tổng hợp\\": 2 rows, 2 \\"Chi tiết\\": 4 rows)');
    expect(profile.fields.txn_ref).toEqual({ column: 'Số bút toán' });
    s.profile(profile);
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['FT1', 1250000n], ['FT2', 500000n], ['FT3', 842300n]]);
  });

  it('says what a file is instead of drafting from it: a password-protected workbook, an .xls, an .ods, a zip of other files', async () => {
    const s = new Scratch();
    const cases: Array<[string, Buffer, RegExp]> = [
      ['LOCKED.xlsx', encryptedWorkbookStub(), /a password-protected \(encrypted\) Excel workbook/],
      ['OLD.xls', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]), /an Excel 97-2003 workbook \(\.xls, OLE2\)/],
      ['CALC.ods', await zipOf({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<x/>' }), /an OpenDocument spreadsheet/],
      ['BATCH.zip', await zipOf({ 'A.csv': 'x\n' }), /a zip archive of 1 file\(s\) \("A\.csv"\)/],
    ];
    for (const [name, bytes, message] of cases) await expect(sniffFile(s.file(name, bytes))).rejects.toThrow(message); // before: a text draft of binary, or "sheets are empty"
  });

  // Time-of-day cells make a time column, joined to the date column (ingest gives each its part of
  // the format); before, they were noted as a column that could not be joined, and left out.
  it('notes serial-number dates instead of guessing them, and joins time-of-day cells to the date column', async () => {
    const s = new Scratch();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['Ngày GD', 'Giờ GD', 'Số tham chiếu', 'Số tiền']);
    ws.addRow([new Date(Date.UTC(2026, 2, 27)), new Date(Date.UTC(1899, 11, 30, 14, 5, 9)), 'SCB0001', '945.241']);
    ws.addRow([new Date(Date.UTC(2026, 2, 28)), new Date(Date.UTC(1899, 11, 30, 15, 0, 0)), 'SCB0002', '307.839']);
    ws.addRow([46108, 0.5, 'SCB0003', '1.000']);
    for (const r of [2, 3]) {
      ws.getRow(r).getCell(1).numFmt = 'dd/mm/yyyy';
      ws.getRow(r).getCell(2).numFmt = 'hh:mm:ss';
    }
    const draft = await sniffAndCheck(s, 'SCB_EVN_202603.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(draft.fields).toMatchObject({
      txn_ref: { column: 'Số tham chiếu' },
      paid_at: { column: ['Ngày GD', 'Giờ GD'], format: 'DD/MM/YYYY HH:mm:ss' },
      amount: { column: 'Số tiền', format: { grouping: '.', decimal: null } },
    });
    const notes = JSON.stringify(draft._notes);
    expect(notes).toContain('Ngày GD: 1 cell(s) hold a plain number');
    // As ingest reads it (README "XLSX cells"): a serial date, not a bad_date.
    expect(notes).toContain('ingest reads a number in a date column as an Excel serial date');
    expect(notes).toContain('paid_at joins the date column \\"Ngày GD\\" and the time column \\"Giờ GD\\"');
  });

  // A statement's two-row header: `Ngày giao dịch` merged over `Ngày` and `Giờ`, `Số tiền (VND)` over
  // `Ghi nợ` and `Ghi có`, the other headings merged down. Before, the second row was sampled as data
  // and the columns drafted as col1…col8 (the id was STT, the amount the credit column alone).
  it('combines a two-row header of merged cells into column names, and the draft loads the workbook', async () => {
    const s = new Scratch();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sao ke');
    ws.addRow(['SAO KÊ TÀI KHOẢN THU HỘ TIỀN ĐIỆN']);
    ws.mergeCells('A1:H1');
    ws.addRow([]);
    ws.addRow(['STT', 'Ngày giao dịch', null, 'Số bút toán', 'Mã khách hàng', 'Nội dung', 'Số tiền (VND)', null]);
    ws.addRow([null, 'Ngày', 'Giờ', null, null, null, 'Ghi nợ', 'Ghi có']);
    for (const m of ['A3:A4', 'B3:C3', 'D3:D4', 'E3:E4', 'F3:F4', 'G3:H3']) ws.mergeCells(m);
    const day = new Date(Date.UTC(2026, 9, 5));
    ws.addRow([1, day, '08:30:15', 'FT001', 'PE0100123456', 'TT TIEN DIEN', null, 1250000]);
    ws.addRow([2, day, '09:12:00', 'FT002', 'PE0200654321', 'TT', null, 842300]);
    ws.addRow([3, day, '14:45:59', 'FT003', 'PE0100123456', 'HOAN TRA GD FT001', 1250000, null]);
    for (const r of [5, 6, 7]) ws.getRow(r).getCell(2).numFmt = 'dd/mm/yyyy';
    const draft = await sniffAndCheck(s, 'BIDV_SAOKE_EVN_20261005.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(draft.preamble).toEqual({ lines: 4 });
    expect(draft.header).toEqual({ type: 'none', columns: ['STT', 'Ngày', 'Giờ', 'Số bút toán', 'Mã khách hàng', 'Nội dung', 'Ghi nợ', 'Ghi có'] });
    expect(draft.fields).toEqual({
      txn_ref: { column: 'Số bút toán' },
      paid_at: { column: ['Ngày', 'Giờ'], format: 'DD/MM/YYYY HH:mm:ss' },
      amount: { credit_column: 'Ghi có', debit_column: 'Ghi nợ', format: { grouping: '', decimal: null }, debit_kind: 'refund' },
      customer_code: { column: 'Mã khách hàng' },
      memo: { column: 'Nội dung' },
    });
    expect(JSON.stringify(draft._notes)).toContain('rows 3 and 4 are a two-row header (merged cells)');
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 3, records_rejected: 0 });
    expect(payments.map((p) => [p.txn_ref, p.paid_at.toISOString(), p.amount_vnd])).toEqual([
      ['FT001', '2026-10-05T01:30:15.000Z', 1250000n], ['FT002', '2026-10-05T02:12:00.000Z', 842300n], ['FT003', '2026-10-05T07:45:59.000Z', 1250000n],
    ]);
  });

  it('turns Excel date formats into the profile tokens', () => {
    expect(formatFromNumFmt('dd/mm/yyyy hh:mm:ss')).toBe('DD/MM/YYYY HH:mm:ss');
    expect(formatFromNumFmt('yyyy-mm-dd h:mm')).toBe('YYYY-MM-DD HH:mm');
    expect(formatFromNumFmt('[$-409]dd/mm/yyyy;@')).toBe('DD/MM/YYYY');
    expect(formatFromNumFmt('mmm dd, yyyy')).toBeNull();
    expect(formatFromNumFmt('#,##0')).toBeNull();
  });
});

describe('sniff: fixed width', () => {
  // IVB's layout: type(1) ref(10) ts(14) name(20) customer(13) amount(12) memo(20), H and T lines.
  // `pad`: what fills the fields, spaces or NUL bytes (mainframe low-values).
  const lines = (pad: string) => {
    const D = (ref: string, ts: string, name: string, cust: string, amount: string, memo: string) =>
      `D${ref.padEnd(10, pad)}${ts}${name.padEnd(20, pad)}${cust.padEnd(13, pad)}${amount.padStart(12, '0')}${memo.padEnd(20, pad)}`;
    return [
      'HIVB-EVN   20260331',
      D('IV0001', '20260327140509', 'Tran Van An', 'PB01AD0000020', '119571', 'TT tien dien'),
      D('IV0002', '20260327150000', 'Nguyen Van Hung', 'PK01KS0000012', '132500', 'Thanh toan'),
      D('IV0003', '20260327160000', 'Dang Thi O', 'PQ02YE0000011', '328019', 'Tien dien'),
      D('IV0004', '20260327170000', 'Le Thi Binh', 'PE0200000018', '969037', 'TT'),
      'T 000004 000001549127',
    ];
  };
  const LINES = lines(' ');

  it('proposes column positions, record types and fields instead of one delimited column', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'IVB_EVN_20260331.dat', `${LINES.join('\r\n')}\r\n`);
    expect(draft.format).toEqual({
      type: 'fixed_width',
      columns: [
        { name: 'record_type', start: 1, width: 1 },
        { name: 'col2', start: 2, width: 10 },
        { name: 'col3', start: 12, width: 14 },
        { name: 'col4', start: 26, width: 20 },
        { name: 'col5', start: 46, width: 13 },
        { name: 'col6', start: 59, width: 12 },
        { name: 'col7', start: 71, width: 20 },
      ],
      record_length: 90, // every detail line is padded to 90 characters
    });
    expect(draft.record_types).toEqual({ detail: ['D'], header: ['H'], trailer: ['T'] });
    expect(draft.fields).toEqual({
      txn_ref: { column: 'col2' },
      paid_at: { column: 'col3', format: 'YYYYMMDDHHmmss' },
      amount: { column: 'col6', format: { grouping: '', decimal: null } },
      customer_code: { column: 'col5' },
    });
    // Digits-only money may imply decimals the digits cannot show: the draft says to check.
    expect(JSON.stringify(draft._notes)).toContain('set amount.format.implied_decimals (2)');
    expect(JSON.stringify(draft._notes)).toContain('CHECK THESE POSITIONS');
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 4, records_loaded: 4, records_rejected: 0 });
    expect(payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['IV0001', 119571n], ['IV0002', 132500n], ['IV0003', 328019n], ['IV0004', 969037n]]);
  });

  it('reads NUL padding (mainframe low-values) as it reads spaces: the same columns, and the draft loads the file', async () => {
    const s = new Scratch();
    const nul = lines('\u0000');
    const spaced = await sniffAndCheck(new Scratch(), 'IVB_EVN_20260331.dat', `${LINES.join('\r\n')}\r\n`);
    const draft = await sniffAndCheck(s, 'IVB_EVN_20260331.dat', `${nul.join('\r\n')}\r\n`);
    expect(draft.format).toEqual(spaced.format);
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 4, records_loaded: 4, records_rejected: 0 });
    expect(payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['IV0001', 119571n], ['IV0002', 132500n], ['IV0003', 328019n], ['IV0004', 969037n]]);
  });

  it('splits a timestamp from the digits after it, and warns when NFC would move the columns', async () => {
    const s = new Scratch();
    const line = (ref: string, ts: string, amount: string, name: string) => `${ref.padEnd(10)}${ts}${amount.padStart(12, '0')}${name}`;
    const text = [line('MF0001', '20260327140509', '307839', 'Ngô Văn Khoa'), line('MF0002', '20260327150509', '223231', 'Hoàng Thanh Tâm'), line('MF0003', '20260327160509', '556103', 'Nguyễn Thị Hạnh')].join('\n');
    const draft = await sniffAndCheck(s, 'MFM_EVN_20260327.txt', encodeWindows1258(`${text}\n`));
    expect(draft.encoding).toBe('windows-1258');
    expect((draft.format.columns as Array<{ start: number }>).map((c) => c.start)).toEqual([1, 11, 25, 37]);
    expect(draft.fields.paid_at).toEqual({ column: 'col2', format: 'YYYYMMDDHHmmss' });
    expect(JSON.stringify(draft._notes)).toContain('write Vietnamese tones as combining marks');
  });

  it('proposes width_unit "bytes" for a UTF-8 file padded to byte widths, and the draft loads it', async () => {
    const s = new Scratch();
    const padB = (v: string, n: number) => v + ' '.repeat(n - Buffer.byteLength(v));
    const B = (ref: string, ts: string, name: string, cust: string, amount: string) => `D${ref.padEnd(10)}${ts}${padB(name, 24)}${cust.padEnd(13)}${amount.padStart(12, '0')}`;
    const text = ['HCORE-EVN  20260331', B('IV0001', '20260327140509', 'Trần Văn An', 'PB01AD0000020', '119571'), B('IV0002', '20260327150000', 'Nguyễn Văn Hùng', 'PK01KS0000012', '132500'), B('IV0003', '20260327160000', 'DANG THI O', 'PQ02YE0000011', '328019'), B('IV0004', '20260327170000', 'Lê Thị Bình', 'PE0200000018', '969037'), 'T 000004 000001549127'].join('\n');
    const draft = await sniffAndCheck(s, 'CORE_EVN_20260331.dat', `${text}\n`);
    expect(draft.format).toMatchObject({ type: 'fixed_width', width_unit: 'bytes', record_length: 74 });
    expect((draft.format.columns as Array<{ start: number }>).map((c) => c.start)).toEqual([1, 2, 12, 26, 50, 63]);
    expect(JSON.stringify(draft._notes)).toContain('padded to sizes in bytes');
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 4, records_loaded: 4, records_rejected: 0 });
    expect(payments.map((p) => [p.txn_ref, p.amount_vnd])).toEqual([['IV0001', 119571n], ['IV0002', 132500n], ['IV0003', 328019n], ['IV0004', 969037n]]);
  });

  // A core-banking record: the header line padded longer than the details, a short trailer, and the
  // id, date and time run together. Before, the lengths disagreed, so no layout was inferred at all.
  it('infers the layout from the detail lines when header and trailer lines have other lengths, and splits a timestamp run into the digits around it; the draft loads the file', async () => {
    const s = new Scratch();
    const det = (ref: string, ts: string, cust: string, cd: string, amt: string, name: string) => `D${ref}${ts}${cust.padEnd(13)}${cd}${amt.padStart(15, '0')}${name.padEnd(30)}`;
    const text = [
      `HAGRIBANK20261005${' '.repeat(91)}`,
      det('2610050000000001', '20261005073000', 'PE0100123456', 'C', '1250000', 'NGUYEN VAN A'),
      det('2610050000000002', '20261005080101', 'PD0100000001', 'C', '500000', 'TRAN THI B'),
      det('2610050000000003', '20261005101500', 'PE0100123456', 'D', '1250000', 'NGUYEN VAN A'),
      det('2610050000000004', '20261005235959', 'PE0300111222', 'C', '2150000', 'LE VAN C'),
      'T00000004000000000390000000000000000125000000',
      '',
    ].join('\r\n');
    const draft = await sniffAndCheck(s, 'AGRIBANK_EVN_20261005.txt', text);
    expect(draft.record_types).toEqual({ detail: ['D'], header: ['H'], trailer: ['T'] });
    expect(draft.format).toMatchObject({ type: 'fixed_width', record_length: 90 });
    expect((draft.format.columns as Array<{ start: number }>).map((c) => c.start)).toEqual([1, 2, 18, 32, 45, 46, 61]);
    expect(draft.fields).toMatchObject({ paid_at: { column: 'col3', format: 'YYYYMMDDHHmmss' }, amount: { column: 'col6' } });
    expect(JSON.stringify(draft._notes)).toContain('the H line(s) are longer than the detail lines (108 characters, the details 90)');
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 4, records_loaded: 4, records_rejected: 0 });
    expect(payments.map((p) => [p.paid_at.toISOString(), p.amount_vnd])).toEqual([
      ['2026-10-05T00:30:00.000Z', 1250000n], ['2026-10-05T01:01:01.000Z', 500000n], ['2026-10-05T03:15:00.000Z', 1250000n], ['2026-10-05T16:59:59.000Z', 2150000n],
    ]);
  });

  it('keeps a delimited file with a long preamble and a trailer delimited', async () => {
    const s = new Scratch();
    const text = 'NGÂN HÀNG VRB\nChi nhánh Hà Nội\nSAO KÊ; Số TK: 001\nTừ ngày 01/03/2026\nSố bút toán;Ngày giờ GD;Số tiền\nFT1;27-03-2026 14:05:09;1.000\nFT2;27-03-2026 15:05:09;2.000\nTổng cộng: 2 giao dịch\n';
    const draft = await sniffAndCheck(s, 'VRB_SAOKE_EVN_202603.csv', text);
    expect(draft).toMatchObject({ format: { type: 'delimited', delimiter: ';' }, preamble: { lines: 4 }, header: { type: 'names' } });
  });

  // A post office's collection file: H/D/T lines, pipe-delimited, the header and trailer of other
  // widths. Before, the H line was drafted as preamble and the T line sampled as data.
  it('proposes record_types for H/D/T first fields of a delimited file, and the draft loads the file', async () => {
    const s = new Scratch();
    const text = [
      'H|VNPOST|20261005|EVNHCMC|Bưu điện Thành phố Hồ Chí Minh',
      'D|BC700000|000123|05/10/2026 07:45:00|PE0100123456|Nguyễn Văn Ánh|350.000|TT TIỀN ĐIỆN',
      'D|BC700000|000124|05/10/2026 08:01:30|PE0200654321|Trần Thị Thuỷ|1.842.300|Thu hộ',
      'D|BC710000|000001|05/10/2026 08:30:00|PE0300111222|Lê Hữu Nghĩa|153.300|',
      'T|3|2.345.600',
      '',
    ].join('\r\n');
    const draft = await sniffAndCheck(s, 'VNPOST_THUHO_20261005.dat', encodeWindows1258(text));
    expect(draft.preamble).toBeUndefined();
    expect(draft.record_types).toEqual({ detail: ['D'], header: ['H'], trailer: ['T'] });
    expect(draft.header).toEqual({ type: 'none', columns: ['record_type', 'col2', 'col3', 'col4', 'col5', 'col6', 'col7', 'col8'] });
    expect(draft.fields).toMatchObject({ paid_at: { column: 'col4', format: 'DD/MM/YYYY HH:mm:ss' }, amount: { column: 'col7', format: { grouping: '.', decimal: null } } });
    expect(JSON.stringify(draft._notes)).toContain('lines starting with T look like a trailer (\\"T|3|2.345.600\\")');
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 3, records_rejected: 0 });
    expect(payments.map((p) => p.amount_vnd)).toEqual([350000n, 1842300n, 153300n]);
    // A first column of one letter that is data (a C/D flag), with no header or trailer line, is no record type.
    const flags = await sniffAndCheck(new Scratch(), 'X_EVN_1.csv', 'C|T1|05/10/2026 07:45:00|350.000\nC|T2|05/10/2026 07:46:00|350.000\nD|T3|05/10/2026 07:47:00|350.000\nC|T4|05/10/2026 07:48:00|350.000\n');
    expect(flags.record_types).toBeUndefined();
  });

  // A clearing file of several batches: FH, then per batch BH … BT (the batch's count and sum), FT
  // last. Before, BT was drafted as a trailer code beside FT, and the draft failed the file at the
  // second BT ("a second trailer/total row after further records").
  it('drafts a batch trailer that also stands between records as skip, the last one as the trailer, and the draft loads the file', async () => {
    const s = new Scratch();
    const text = [
      'FH|NAPAS|970436|20261027|2',
      'BH|001|CN HA NOI|||',
      'D|001000001|20261027081500|PD0100000001|1250000|TT TIEN DIEN',
      'D|001000002|20261027093000|PD0100000002|500000|TT TIEN DIEN',
      'BT|001|2|1750000',
      'BH|002|CN TP HCM|||',
      'D|002000001|20261027101500|PE0100123456|842300|TT TIEN DIEN',
      'BT|002|1|842300',
      'FT|3|2592300',
      '',
    ].join('\n');
    const draft = await sniffAndCheck(s, 'NAPAS_LO_20261027.txt', text);
    expect(draft.record_types).toEqual({ detail: ['D'], header: ['FH', 'BH'], trailer: ['FT'] });
    expect(draft.skip).toEqual(['^BT\\|']);
    expect(JSON.stringify(draft._notes)).toContain('lines starting with BT stand between records too');
    const { _notes, ...profile } = draft;
    s.profile({ ...profile, trailer: { count: { field: 2 }, amount: { field: 3 } } });
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 3, records_rejected: 0 });
    expect(payments.map((p) => p.amount_vnd)).toEqual([1250000n, 500000n, 842300n]);
  });

  it('reads a fixed-width file whose amounts are grouped with commas as fixed width, a right-aligned amount a column of its own', async () => {
    const pad = (v: string, n: number) => v.padEnd(n);
    const line = (ref: string, name: string, amount: string) => `${pad(ref, 10)}${pad(name, 22)}${amount.padStart(12)}`;
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'FW_EVN_20261027.txt', `${[line('0000000001', 'Nguyễn Thị Hương', '1,250,000'), line('0000000002', 'Trần Văn Đức', '500,000'), line('0000000003', 'Lê Hoàng Yến', '12,842,300')].join('\n')}\n`);
    expect(draft.format).toEqual({ type: 'fixed_width', columns: [{ name: 'col1', start: 1, width: 10 }, { name: 'col2', start: 11, width: 24 }, { name: 'col3', start: 35, width: 10 }], record_length: 44 });
    expect(draft.fields.amount).toEqual({ column: 'col3', format: { grouping: ',', decimal: null } });
    // Before, the commas split each line into "fields" and the draft was a delimited file of col1…col3.
    expect(draft.fields.txn_ref).toEqual({ column: 'col1' });
  });

  it('never drafts a column filled in only some records as the amount (a reversal\'s original reference), and splits it from the name before it', async () => {
    const draft = (await sniffFile(fileURLToPath(new URL('./fixtures/sweep/files/AGRIBANK_EVN_20261005.txt', import.meta.url)))) as Draft;
    expect(draft.format.columns.slice(-3)).toEqual([{ name: 'col6', start: 46, width: 15 }, { name: 'col7', start: 61, width: 30 }, { name: 'col8', start: 91, width: 16 }]);
    expect(draft.fields.amount).toEqual({ column: 'col6', format: { grouping: '', decimal: null } });
  });

  it('says so in the draft when no layout can be inferred', async () => {
    const s = new Scratch();
    const path = s.file('ODD_EVN_1.txt', 'a short line\nand a much much longer line of free text here\nmid-sized line\n');
    const draft = (await sniffFile(path)) as Draft;
    expect(String(draft.format)).toMatch(/^TODO: no delimiter splits most lines/);
  });
});

describe('sniff: a memo holding the delimiter unquoted', () => {
  it('notes rows with more fields than the header, naming format.overflow_column and the memo; with it set the draft loads every record', async () => {
    const s = new Scratch();
    const draft = await sniffAndCheck(s, 'MEMO_EVN_20261027.csv', [
      'Mã GD,Ngày GD,Mã KH,Nội dung,Số tiền',
      'M1,27/10/2026 08:15:00,PE0100123456,TT tien dien,1250000',
      'M2,27/10/2026 09:30:00,PD0100000001,TT tien dien, ky 10/2026,500000',
      'M3,27/10/2026 10:45:00,PE0200654321,TT tien dien T10,842300',
      '',
    ].join('\n'));
    const notes = (draft._notes as { fields: string[] }).fields;
    expect(notes.filter((n) => n.includes('overflow_column'))).toEqual([
      '1 row(s) below the header have more fields than its 5 ("M2,27/10/2026 09:30:00,PD0100000001,TT tien dien, ky 10/2026,500000"): if a free-text column (the memo, "Nội dung"?) holds the delimiter unquoted, set format.overflow_column to it, so such a record is read with its surplus fields joined back into that column; without it ingest rejects them (column_count)',
    ]);
    expect(draft.format).toEqual({ type: 'delimited', delimiter: ',', quote: '"' }); // never drafted
    const { _notes, ...profile } = draft;
    s.profile({ ...profile, format: { ...draft.format, overflow_column: 'Nội dung' } });
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files.map((f) => [f.records_read, f.records_loaded, f.records_rejected])).toEqual([[3, 3, 0]]);
    expect(payments.map((p) => p.amount_vnd)).toEqual([1250000n, 500000n, 842300n]);
  });
});
