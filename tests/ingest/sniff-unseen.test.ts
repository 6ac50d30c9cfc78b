// `recon partners sniff` on settlement files of shapes it had not been tried on (written by hand,
// as banks, wallets, retail chains and EVN counters send them): a wrong guess that loads wrong data
// silently (a customer code or row number as the id, a net amount, a day/month swap, a time lost)
// is worse than a TODO, so each of these checks the draft and what it loads.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { parseProfileFile } from '../../src/ingest/profiles.ts';
import { sniffFile } from '../../src/ingest/sniff.ts';
import { crc16CcittFalse } from '../../src/db/functions.ts';
import { Scratch, openTestDb } from './helpers.ts';

type Draft = Record<string, unknown> & { id: string; fields: Record<string, any>; format: Record<string, any>; header: Record<string, any>; _notes: Record<string, any> };

/** Sniffs `name` (written with `content`), writes the draft without `_notes` as `<id>.json`, validates it; `edit` finishes it as a person would. */
async function sniffAndSave(s: Scratch, name: string, content: string | Buffer, edit?: (p: Record<string, any>) => void): Promise<Draft> {
  const path = s.file(name, content);
  const draft = (await sniffFile(path)) as Draft;
  const { _notes, ...profile } = structuredClone(draft);
  expect(_notes).toBeDefined();
  edit?.(profile);
  expect(parseProfileFile(s.profile(profile)).problems.filter((p) => !p.includes('"TODO'))).toEqual([]);
  return draft;
}

const notesOf = (d: Draft): string => JSON.stringify(d._notes);

async function ingestDraft(s: Scratch) {
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  const payments = await db.all<{ txn_ref: string; paid: string; amount_vnd: bigint; customer_code: string | null; line_no: bigint }>(
    `SELECT txn_ref, strftime(paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%d/%m/%Y %H:%M:%S') AS paid, amount_vnd, customer_code, line_no FROM payments ORDER BY line_no`,
  );
  db.close();
  return { summary, payments: payments.map((p) => [p.txn_ref, p.paid, p.amount_vnd, p.customer_code]) };
}

describe('sniff: the transaction id', () => {
  // A retail chain's file: its store code first (3 stores over 8 records), then the slip number,
  // unique but for a row delivered twice and a void (HUY) carrying its payment's slip number. The
  // store code was drafted as the id (the first column, a fallback), with no note: 5 of 8 records
  // would have loaded as duplicates. The slip number is the id; the kind tells the void apart.
  it('drafts the slip number a void repeats, not a store code that repeats, as txn_ref; never a repeating first column', async () => {
    const s = new Scratch();
    const rows = [
      'Mã siêu thị,Số hóa đơn bán,Ngày giờ,Mã KH điện,Số tiền,Loại GD',
      'WM0012,HD000001,05/10/2026 00:11,PQ02002237452,"4,560,000",TT',
      'WM2001,HD000002,05/10/2026 00:39,PQ02007119585,"1,250,000",TT',
      'WM2001,HD000003,05/10/2026 01:15,PD01002574742,"350,000",TT',
      'WM0345,HD000004,05/10/2026 01:57,PA03HL3084783,"2,592,300",TT',
      'WM0345,HD000004,05/10/2026 01:57,PA03HL3084783,"2,592,300",TT',
      'WM0345,HD000005,05/10/2026 05:53,PE02001414104,"730,400",TT',
      'WM0345,HD000005,05/10/2026 07:31,PE02001414104,"730,400",HUY',
      'WM0012,HD000006,05/10/2026 08:00,PE02001414105,"100,000",TT',
    ];
    const d = await sniffAndSave(s, 'WINMART_EVN_2026-10-05.csv', `${rows.join('\n')}\n`);
    expect(d.fields.txn_ref).toEqual({ column: 'Số hóa đơn bán' });
    expect(d.fields.kind).toEqual({ column: 'Loại GD', map: { TT: 'payment', HUY: 'reversal' } });
    // Without the slip column the store code is still no id: TODO, said so.
    const s2 = new Scratch();
    const d2 = await sniffAndSave(s2, 'WINMART_EVN_2026-10-06.csv', `${rows.map((r) => r.split(',').filter((_, i) => i !== 1).join(',')).join('\n')}\n`);
    expect(d2.fields.txn_ref).toEqual({ column: 'TODO' });
    expect(notesOf(d2)).toContain('txn_ref is TODO');
  });

  // A wallet's settlement file whose `reference_id` is the bill's customer code: named as a
  // reference, it was drafted as txn_ref, so a customer's payment next month would be dropped as a
  // duplicate of this one.
  it('never drafts a column of customer codes as txn_ref, though it is named as a reference', async () => {
    const s = new Scratch();
    const draft = await sniffAndSave(
      s,
      'SPP_SETTLE_EVN_20261027.csv',
      'transaction_sn,create_time,reference_id,amount\n2610270001882,2026-10-27 08:15:02,PE0100123456,1250000\n2610270001883,2026-10-27 09:40:11,PE0100123457,532180\n2610270001884,2026-10-27 10:30:00,PE0200012345,2017400\n',
    );
    expect(draft.fields.txn_ref).toEqual({ column: 'transaction_sn' });
    expect(draft.fields.customer_code).toEqual({ column: 'reference_id' });
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => p[0])).toEqual(['2610270001882', '2610270001883', '2610270001884']);
  });

  // A small agent's daily report numbers its rows (STT) and has no id of its own. Drafted as
  // txn_ref, tomorrow's rows 1, 2, 3 would be duplicates of today's and never load.
  it('never drafts a row number (STT, No., #) as txn_ref: it leaves it TODO, noted', async () => {
    const s = new Scratch();
    const text = 'STT,Thời gian thu,Mã khách hàng,Tên khách hàng,Số tiền,Nhân viên\r\n1,27/10/2026 07:45:10,PE0300111222,Lê Văn Tám,320.450,Hạnh\r\n2,27/10/2026 08:02:33,PE0300111223,Nguyễn Thị Mai,1.102.300,Hạnh\r\n3,27/10/2026 09:15:00,PE0300111224,Trần Quốc Bảo,87.600,Tuấn\r\n';
    const draft = await sniffAndSave(s, 'DAILY_TANPHU_THUHO_20261027.csv', text);
    expect(draft.fields.txn_ref).toEqual({ column: 'TODO' });
    expect(notesOf(draft)).toContain('\\"STT\\" numbers the rows');
    expect(draft.fields.amount).toMatchObject({ column: 'Số tiền' });
    // Unnamed, a column counting 1, 2, 3 is no id either.
    const bare = await sniffAndSave(new Scratch(), 'AGENT_X_20261027.csv', '1;GD0091;27/10/2026 07:45:10;320450\n2;GD0092;27/10/2026 08:02:33;1102300\n3;GD0093;27/10/2026 09:15:00;87600\n');
    expect(bare.fields.txn_ref).toEqual({ column: 'col2' });
  });

  // A counter's report with no id column at all: its first column is the time of payment. Drafted as
  // txn_ref, two payments made in the same second would be one payment and a duplicate.
  it('never falls back on a first column of dates, times or amounts as txn_ref: it leaves it TODO, noted', async () => {
    const text = 'Thời gian,Mã khách hàng,Số tiền,Ghi chú\r\n27/10/2026 07:45:10,PE0300111222,320.450,tien mat\r\n27/10/2026 08:02:33,PE0300111223,1.102.300,tien mat\r\n27/10/2026 09:15:00,PE0300111224,87.600,chuyen khoan\r\n';
    const draft = await sniffAndSave(new Scratch(), 'QUAY_THU_PE03_20261027.csv', text);
    expect(draft.fields.txn_ref).toEqual({ column: 'TODO' });
    expect(draft.fields.paid_at).toMatchObject({ column: 'Thời gian' });
    expect(notesOf(draft)).toContain('none could be one (unique in the sample, not a date, time, amount, customer code or text with spaces');
    // Unnamed, a first column of amounts is no id either; one of plain references still is.
    const amounts = await sniffAndSave(new Scratch(), 'AGENT_Y_20261027.csv', '320450;27/10/2026 07:45:10;PE0300111222\n1102300;27/10/2026 08:02:33;PE0300111223\n87600;27/10/2026 09:15:00;PE0300111224\n');
    expect(amounts.fields.txn_ref).toEqual({ column: 'TODO' });
  });

  // A wallet's file names two ids, the merchant's (app_trans_id, first) and its own (zp_trans_id);
  // a reversal names its original by the wallet's. The merchant's was drafted as txn_ref and the
  // original's column not at all, so a reversal finished with reverses_txn_ref named an id no
  // payment had (orphan_reversal) and the reversed payment stood.
  it('drafts a column naming other records\' ids in some rows as reverses_txn_ref, and the column it names as txn_ref', async () => {
    const s = new Scratch();
    const text = [
      'app_trans_id,zp_trans_id,server_time,status,amount,original_zp_trans_id,description',
      '261027_EVN_000001,261027000412301,2026-10-27T01:15:02Z,SUCCESS,"1,250,000",,Thanh toan tien dien',
      '261027_EVN_000002,261027000412355,2026-10-27T02:40:10Z,SUCCESS,"532,180",,Thanh toan tien dien',
      '261027_EVN_000005,261027000413007,2026-10-27T09:12:00Z,REVERSED,"1,250,000",261027000412301,Hoan tien',
    ].join('\n');
    const draft = await sniffAndSave(s, 'ZLP_RECON_EVN_20261027.csv', `${text}\n`);
    expect(draft.fields.txn_ref).toEqual({ column: 'zp_trans_id' });
    expect(draft.fields.reverses_txn_ref).toEqual({ column: 'original_zp_trans_id' });
    // Its status codes are kinds, SUCCESS on the records naming no original, REVERSED on the one that does.
    expect(draft.fields.kind).toEqual({ column: 'status', map: { SUCCESS: 'payment', REVERSED: 'reversal' } });
    expect(notesOf(draft)).not.toContain('looks like each transaction\'s outcome');
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    const rows = await db.all<{ txn_ref: string; kind: string; reverses_txn_ref: string | null }>('SELECT txn_ref, kind, reverses_txn_ref FROM payments ORDER BY line_no');
    db.close();
    expect(rows.map((r) => [r.txn_ref, r.kind, r.reverses_txn_ref])).toEqual([
      ['261027000412301', 'payment', null],
      ['261027000412355', 'payment', null],
      ['261027000413007', 'reversal', '261027000412301'],
    ]);
  });

  // A switch's file names both its trace number (STAN, 6 digits, cycling through 999999, unique
  // only per terminal and day) and the retrieval reference (RRN). STAN, first, was drafted: a later
  // file's payment reusing a trace number would be dropped as a duplicate.
  it('prefers another id column (RRN) to a trace number (STAN, Số trace) when the file names both', async () => {
    const text = 'MTI,STAN,RRN,LOCAL_DATETIME,AMOUNT,BILL_NO\n0210,000123,630008123001,20261027081502,1250000,PE0100123456\n0210,000124,630008123002,20261027083010,532180,PE0100123457\n';
    const draft = await sniffAndSave(new Scratch(), 'NAPAS_SW_970436_20261027.csv', text);
    expect(draft.fields.txn_ref).toEqual({ column: 'RRN' });
    // Alone, the trace number is the id still.
    const alone = await sniffAndSave(new Scratch(), 'NAPAS_T_20261027.txt', 'TRACE_NO|TXN_TIME|CUSTOMER_CODE|AMOUNT\n000001|2026-10-05 08:30:00|PE0100123456|1250000\n000002|2026-10-05 09:15:42|PD0100000001|500000\n');
    expect(alone.fields.txn_ref).toEqual({ column: 'TRACE_NO' });
  });
});

describe('sniff: dates', () => {
  // An English-language gateway export states its date format in the column's name. Every day of
  // these dates is 12 or less, so each could be day first: drafted DD/MM/YYYY, 10/05/2026 (5 October)
  // loaded as 10 May, silently.
  it('takes the date format a column name states, (MM/DD/YYYY) or (dd/mm/yyyy), when the values fit it', async () => {
    const s = new Scratch();
    const text = [
      'Merchant Trans Ref,Trans Date (MM/DD/YYYY),Trans Time,Order Info,Amount (VND),Card Type',
      'OP2610050001,10/05/2026,08:15:02,PE0100123456,"1,250,000",ATM',
      'OP2610060002,10/06/2026,09:40:11,PE0100123457,"532,180",ATM',
      'OP2610070003,10/07/2026,10:30:00,PE0200012345,"2,017,400",VISA',
    ].join('\n');
    const draft = await sniffAndSave(s, 'ONEPAY_EVN_20261007.csv', `${text}\n`);
    expect(draft.fields.paid_at).toEqual({ column: ['Trans Date (MM/DD/YYYY)', 'Trans Time'], format: 'MM/DD/YYYY HH:mm:ss' });
    expect(notesOf(draft)).toContain('format stated in its name');
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => p[1])).toEqual(['05/10/2026 08:15:02', '06/10/2026 09:40:11', '07/10/2026 10:30:00']);
    // A stated format the values do not fit is not taken; nor is a name that states none.
    const other = await sniffAndSave(new Scratch(), 'X_EVN_20261007.csv', 'Ma GD,Ngay GD (dd/mm/yyyy),So tien\nG1,2026-10-05 08:15:02,1250000\nG2,2026-10-06 09:40:11,532180\n');
    expect(other.fields.paid_at).toEqual({ column: 'Ngay GD (dd/mm/yyyy)', format: 'ISO' });
    const vn = await sniffAndSave(new Scratch(), 'Y_EVN_20261007.csv', 'Ma GD,Ngay GD (dd/mm/yyyy hh:mi:ss),So tien\nG1,05/10/2026 08:15:02,1250000\nG2,06/10/2026 09:40:11,532180\n');
    expect(vn.fields.paid_at).toEqual({ column: 'Ngay GD (dd/mm/yyyy hh:mi:ss)', format: 'DD/MM/YYYY HH:mm:ss' });
  });
});

describe('sniff: amounts', () => {
  // A gateway's reconciliation file states what the customer paid, its fee and what the utility
  // receives net of it. The net, last, was drafted as the amount: every payment short of its bill
  // by the fee, loaded without a reject.
  it('drafts what the customer paid as the amount, never a fee or the net after it', async () => {
    const s = new Scratch();
    const text = [
      'STT,Mã GD đối tác,Mã GD ePay,Thời gian thanh toán,Mã khách hàng,Số tiền thanh toán,Phí dịch vụ,Số tiền thực nhận,Ngân hàng',
      '1,EVN261027001,EP9900112233,27/10/2026 08:15:02,PE0100123456,1.250.000,3.300,1.246.700,VCB',
      '2,EVN261027002,EP9900112234,27/10/2026 09:40:11,PE0100123457,532.180,3.300,528.880,TCB',
      '3,EVN261027003,EP9900112235,27/10/2026 10:30:00,PE0200012345,2.017.400,3.300,2.014.100,BIDV',
    ].join('\r\n');
    const draft = await sniffAndSave(s, 'EPAY_DOISOAT_EVN_20261027.csv', `${text}\r\n`);
    expect(draft.fields.amount).toEqual({ column: 'Số tiền thanh toán', format: { grouping: '.', decimal: null } });
    expect(notesOf(draft)).toContain('\\"Số tiền thực nhận\\"');
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => p[2])).toEqual([1250000n, 532180n, 2017400n]);
    // English names too: Amount, Fee, Net Amount.
    const en = await sniffAndSave(new Scratch(), 'GW_EVN_20261027.csv', 'Txn ID,Txn Time,Amount,Fee,Net Amount\nT1,27/10/2026 08:15:02,1250000,3300,1246700\nT2,27/10/2026 09:40:11,532180,3300,528880\n');
    expect(en.fields.amount).toMatchObject({ column: 'Amount' });
  });
});

describe('sniff: implied decimals outside fixed-width files', () => {
  // A switch's CSV writes ISO 8583 amounts, 12 digits with two implied decimals; a wallet's export
  // writes them ×100 unpadded. Only fixed-width drafts said to check implied_decimals, so these
  // loaded every amount 100 times too large, without a reject (a trailer's sum is read alike).
  it('notes implied_decimals for digits-only amounts all ending in 00 that are zero-padded or large for a bill', async () => {
    const napas = await sniffAndSave(
      new Scratch(),
      'NAPAS_SW_970436_20261027.csv',
      'STAN,RRN,LOCAL_DATETIME,AMOUNT,BILL_NO\n000123,630008123001,20261027081502,000125000000,PE0100123456\n000124,630008123002,20261027083010,000053218000,PE0100123457\n000126,630008123004,20261027101122,000009875000,PE0100123458\n',
    );
    expect(napas._notes.amount_decimals).toContain('zero-padded');
    const spp = await sniffAndSave(
      new Scratch(),
      'SPP_SETTLE_EVN_20261027.csv',
      'transaction_sn,create_time,customer,amount\n2610270001882,2026-10-27 08:15:02,PE0100123456,125000000\n2610270001883,2026-10-27 09:40:11,PE0100123457,53218000\n2610270001884,2026-10-27 10:30:00,PE0200012345,201740000\n2610270001885,2026-10-27 13:45:19,PE0100123458,9875000\n',
    );
    expect(spp._notes.amount_decimals).toContain('implied_decimals');
    // Whole đồng of ordinary bills, or an amount not ending in 00, give no such note.
    const plain = await sniffAndSave(new Scratch(), 'A_EVN_20261027.csv', 'Ma GD,Ngay GD,So tien\nG1,27/10/2026 08:15:02,1250000\nG2,27/10/2026 09:40:11,532100\n');
    expect(plain._notes.amount_decimals).toBeUndefined();
    const odd = await sniffAndSave(new Scratch(), 'B_EVN_20261027.csv', 'Ma GD,Ngay GD,So tien\nG1,27/10/2026 08:15:02,000125000017\nG2,27/10/2026 09:40:11,000053218000\n');
    expect(odd._notes.amount_decimals).toBeUndefined();
  });
});

describe('sniff: outcomes', () => {
  // A card switch's settlement lists declined and timed-out attempts with ISO 8583 response codes
  // (00 approved, 68 timeout). Digits, the column was taken for a number and never noted, so the
  // draft loaded the timed-out attempt as a payment.
  it('notes a response-code column of digits (RESP_CODE 00/68) or words (Response) for fields.status', async () => {
    const text = [
      'MTI,STAN,RRN,LOCAL_DATETIME,AMOUNT,RESP_CODE,BILL_NO',
      '0210,000123,630008123001,20261027081502,1250000,00,PE0100123456',
      '0210,000124,630008123002,20261027083010,532180,00,PE0100123457',
      '0210,000125,630008123003,20261027090000,2017400,68,PE0200012345',
    ].join('\r\n');
    const draft = await sniffAndSave(new Scratch(), 'NAPAS_SW_970436_20261027.csv', `${text}\r\n`);
    expect(notesOf(draft)).toContain('set fields.status {\\"column\\":\\"RESP_CODE\\"');
    expect(notesOf(draft)).toContain('\\"00\\", \\"68\\"');
    const words = await sniffAndSave(new Scratch(), 'ONEPAY_EVN_20261027.csv', 'Merchant Ref,Trans Date,Amount,Response\nOP1,27/10/2026 08:15:02,1250000,Approved\nOP2,27/10/2026 09:15:02,532180,Declined\n');
    expect(notesOf(words)).toContain('set fields.status {\\"column\\":\\"Response\\"');
    // SUCCESS beside FAILED is an outcome, not a kind: no kind map (FAILED names none), the status noted.
    const outcomes = await sniffAndSave(new Scratch(), 'GATEWAY_EVN_20261027.csv', 'txn_id,created_at,amount,status\nG1,27/10/2026 08:15:02,1250000,SUCCESS\nG2,27/10/2026 09:15:02,532180,FAILED\nG3,27/10/2026 09:20:00,532180,SUCCESS\n');
    expect(outcomes.fields.kind).toBeUndefined();
    expect(notesOf(outcomes)).toContain('set fields.status {\\"column\\":\\"status\\"');
    // A failed attempt retried under the same id: the id is txn_id alone, never joined with the status.
    const retried = await sniffAndSave(new Scratch(), 'VPG_EVN_20261105.txt', [
      'txn_id|created_at|customer_code|amount|status|description',
      'VPG0001|2026-11-05T08:00:00+07:00|PE0200123456|1,250,000|FAILED|Thanh toan',
      'VPG0001|2026-11-05T08:01:00+07:00|PE0200123456|1,250,000|SUCCESS|Thanh toan lai',
      'VPG0002|2026-11-05T09:00:00+07:00|PE0200123457|845,300|SUCCESS|Thanh toan',
      'VPG0003|2026-11-05T09:30:00+07:00|PE0200123458|99,000|SUCCESS|Thanh toan',
    ].join('\n') + '\n');
    expect(retried.fields.txn_ref).toEqual({ column: 'txn_id' });
    expect(notesOf(retried)).toContain('set fields.status {\\"column\\":\\"status\\"');
  });
});

describe('sniff: a date column and a time column', () => {
  // ISO 8601 dates without a time (2026-10-27) fitted "ISO", which counts as a timestamp, so the
  // date alone was drafted as paid_at: every payment at midnight, its time column and the settlement
  // date left out.
  it('joins an ISO date column (YYYY-MM-DD) with its time column, and drafts the other as settled_on', async () => {
    const s = new Scratch();
    const text = 'Mã giao dịch,Ngày thanh toán,Giờ thanh toán,Mã khách hàng,Số tiền,Ngày đối soát\nPY26102700091,2026-10-27,08:15:02,PE0100123456,1250000,2026-10-28\nPY26102700093,2026-10-27,23:59:59,PE0200012345,2017400,2026-10-28\n';
    const draft = await sniffAndSave(s, 'PAYOO_DS_EVN_20261027.csv', text);
    expect(draft.fields.paid_at).toEqual({ column: ['Ngày thanh toán', 'Giờ thanh toán'], format: 'YYYY-MM-DD HH:mm:ss' });
    expect(draft.fields.settled_on).toEqual({ column: 'Ngày đối soát', format: 'YYYY-MM-DD' });
    // Payoo's ids start with P (PY…), as customer codes do, but PY names no power corporation.
    expect([draft.fields.txn_ref, draft.fields.customer_code]).toEqual([{ column: 'Mã giao dịch' }, { column: 'Mã khách hàng' }]);
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => p[1])).toEqual(['27/10/2026 08:15:02', '27/10/2026 23:59:59']);
  });

  // An EVN counter's cash receipts write the time as six digits (073015), which were taken for a
  // number: paid_at was the date alone, every payment at midnight.
  it('joins a date column with a time column of six digits (HHmmss) when its name says it is a time', async () => {
    const s = new Scratch();
    const text = 'So bien lai\tMa thu ngan\tNgay thu\tGio thu\tMa KH\tSo tien\nQHK-26-000871\tTN01\t20261027\t073015\tPD0100000001\t1250000\nQHK-26-000872\tTN01\t20261027\t141209\tPD0100000002\t532180\n';
    const draft = await sniffAndSave(s, 'EVNHN_QUAY_PD0100_20261027.tsv', text);
    expect(draft.fields.paid_at).toEqual({ column: ['Ngay thu', 'Gio thu'], format: 'YYYYMMDD HHmmss' });
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => p[1])).toEqual(['27/10/2026 07:30:15', '27/10/2026 14:12:09']);
    // Six digits under another name are no time (a receipt or branch number).
    const other = await sniffAndSave(new Scratch(), 'X_EVN_20261027.csv', 'Ma GD,Ngay GD,Ma CN,So tien\nG1,27/10/2026,073015,1250000\nG2,27/10/2026,141209,532180\n');
    expect(other.fields.paid_at).toEqual({ column: 'Ngay GD', format: 'DD/MM/YYYY' });
  });

  // A retail chain's workbook: the day in a date cell, the time in a time-of-day cell. Ingest joins
  // the two (each column gives its part of the format), but the draft said it could not and drafted
  // the date alone: every payment at midnight.
  it('joins an XLSX date cell column with its time-of-day cell column, and the draft loads the workbook', async () => {
    const s = new Scratch();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('BaoCao');
    ws.addRow(['BÁO CÁO THU HỘ TIỀN ĐIỆN NGÀY 27/10/2026']);
    ws.addRow(['Mã cửa hàng', 'Số hóa đơn bán', 'Ngày thu', 'Giờ thu', 'Mã khách hàng', 'Số tiền']);
    const rows: Array<[string, string, number, number, number, string, number]> = [
      ['WM1021', 'HD0871001', 8, 15, 2, 'PE0100123456', 1250000],
      ['WM1088', 'HD0872001', 13, 45, 19, 'PE0200012345', 2017400],
    ];
    for (const [store, no, h, m, sec, code, amount] of rows) {
      const row = ws.addRow([store, no, new Date(Date.UTC(2026, 9, 27)), new Date(Date.UTC(1899, 11, 30, h, m, sec)), code, amount]);
      row.getCell(3).numFmt = 'dd/mm/yyyy';
      row.getCell(4).numFmt = 'hh:mm:ss';
    }
    const draft = await sniffAndSave(s, 'WINMART_THUHO_EVN_20261027.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(draft.fields.paid_at).toEqual({ column: ['Ngày thu', 'Giờ thu'], format: 'DD/MM/YYYY HH:mm:ss' });
    expect(notesOf(draft)).not.toContain('cannot be joined');
    const { payments } = await ingestDraft(s);
    expect(payments.map((p) => p[1])).toEqual(['27/10/2026 08:15:02', '27/10/2026 13:45:19']);
  });
});

describe('sniff: the header below a statement\'s preamble', () => {
  // A statement's preamble of label/value pairs padded to the table's width (`Số tài khoản:,0801…,
  // Tên tài khoản:,…,,,`) fills half its cells: the first such row was drafted as the header, the
  // real one sampled as data, so every column was col1…col7 and paid_at and amount were TODO.
  it('takes the row of names above the records as the header, not a preamble row of label/value pairs', async () => {
    const s = new Scratch();
    const text = [
      'NGÂN HÀNG TMCP QUÂN ĐỘI,,,,,,',
      'SAO KÊ TÀI KHOẢN,,,,,,',
      'Chủ tài khoản:,CÔNG TY ĐIỆN LỰC HOÀN KIẾM,Loại tiền:,VND,,,',
      'Số tài khoản:,0801234567,Chi nhánh:,HOÀN KIẾM,,,',
      'Từ ngày:,27/10/2026,Đến ngày:,27/10/2026,,,',
      'Ngày giao dịch,Số tham chiếu,Mô tả,Nợ,Có,Số dư,Kênh',
      '27/10/2026 08:15:02,FT26300871001,"THANH TOAN TIEN DIEN PD0100000001, T10",,1.250.000,1.001.250.000,IB',
      '27/10/2026 09:40:11,FT26300871002,TT TIEN DIEN PD0100000002,,532.180,1.001.782.180,APP',
      '27/10/2026 10:00:00,FT26300871003,PHI QUAN LY TAI KHOAN,11.000,,1.001.771.180,',
    ].join('\r\n');
    const draft = await sniffAndSave(s, 'MB_SAOKE_0801234567_20261027.csv', `${text}\r\n`);
    expect(draft.preamble).toEqual({ lines: 5 });
    expect(draft.header).toEqual({ type: 'names' });
    expect(draft.fields).toMatchObject({
      txn_ref: { column: 'Số tham chiếu' },
      paid_at: { column: 'Ngày giao dịch', format: 'DD/MM/YYYY HH:mm:ss' },
      amount: { credit_column: 'Có', debit_column: 'Nợ' },
      memo: { column: 'Mô tả' },
    });
    const { summary, payments } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_read: 3, records_loaded: 3 });
    expect(payments.map((p) => [p[0], p[2]])).toEqual([['FT26300871001', 1250000n], ['FT26300871002', 532180n], ['FT26300871003', 11000n]]);
  });
});

describe('sniff: a VietQR payload column', () => {
  // A bank's QR collection file: the customer code is only in the payer's VietQR payload, a column
  // of its own (`Chuoi QR`), the transfer's text naming none. The draft's memo was the text alone,
  // so matching never saw the payload and every such payment was unknown_customer.
  it('adds a column of VietQR payloads (CRC valid) to the memo, which matching reads them from', async () => {
    const s = new Scratch();
    const qr = (purpose: string) => {
      const tlv = (t: string, v: string) => t + String(v.length).padStart(2, '0') + v;
      const body = tlv('00', '01') + tlv('01', '12') + tlv('38', tlv('00', 'A000000727') + tlv('01', tlv('00', '970419') + tlv('01', '1000123456')) + tlv('02', 'QRIBFTTA')) + tlv('53', '704') + tlv('58', 'VN') + tlv('62', tlv('08', purpose)) + '6304';
      return body + crc16CcittFalse(body).toString(16).toUpperCase().padStart(4, '0');
    };
    const text = [
      'So tham chieu;Ngay giao dich;So tien;Chuoi QR;Noi dung CK',
      `FT26300123401;27/10/2026 08:15:02;1.250.000;${qr('TIEN DIEN PE0100123456')};MBVCB.11223344.chuyen tien`,
      `FT26300123402;27/10/2026 09:40:11;532.180;${qr('PE0100123457 T10')};NGUYEN VAN AN CHUYEN KHOAN`,
      `FT26300123403;27/10/2026 22:59:00;2.017.400;${qr('PE0200012345')};`,
    ].join('\r\n');
    const draft = await sniffAndSave(s, 'NCB_QR_EVN_20261027.csv', `${text}\r\n`);
    expect(draft.fields.memo).toEqual({ column: ['Noi dung CK', 'Chuoi QR'] });
    expect(draft.fields.txn_ref).toEqual({ column: 'So tham chieu' });
    expect(notesOf(draft)).toContain('VietQR');
    const { summary } = await ingestDraft(s);
    expect(summary.files[0]).toMatchObject({ status: 'loaded', records_loaded: 3 });
    // Alone, unnamed as an id, the payload column is no txn_ref: it is the memo.
    const alone = await sniffAndSave(new Scratch(), 'QR_EVN_20261027.csv', `Ngay GD,So tien,QR\n27/10/2026 08:15:02,1250000,${qr('PE0100123456')}\n27/10/2026 09:40:11,532180,${qr('PE0100123457')}\n`);
    expect(alone.fields.memo).toEqual({ column: 'QR' });
    expect(alone.fields.txn_ref).not.toEqual({ column: 'QR' });
  });
});

describe('sniff: rows below the header that are no records', () => {
  // A post office's pipe file closes with `T|5|6.123.409` (3 fields to the header's 7), and a
  // statement's total row puts `Tổng cộng` in its second cell (the first, STT, empty). The first was
  // left out of the sample without a word; the second was noted as a page footer. Neither pointed at
  // the trailer, so a draft finished as written checked no control totals.
  it('notes a short last line (a T|count|sum trailer) and a total row labelled in a later cell as a trailer', async () => {
    const post = await sniffAndSave(
      new Scratch(),
      'VNPOST_BCTH_HN_20261027.txt',
      'MA_BC|SO_BIEN_LAI|NGAY_THU|MA_KH|TEN_KH|SO_TIEN|NV_THU\r\n100000|BL26-0000451|27/10/2026 07:31|PA03HL0012345|Nguyễn Văn Ánh|350.000|hoa.nt\r\n100100|BL26-0000453|27/10/2026 08:02|PD0100000001|Lê Hữu Nghĩa|500.000|minh.lv\r\nT|2|850.000\r\n',
    );
    expect(notesOf(post)).toContain('fewer fields than its 7 (\\"T|2|850.000\\")');
    const stmt = await sniffAndSave(
      new Scratch(),
      'VTB_SAOKE_EVN_20261027.csv',
      'STT;Ngày GD;Số bút toán;Nội dung;Số tiền (VND)\n1;27/10/2026 08:15:02;9701001;TT TIEN DIEN PD0100000001;1.250.000\n2;27/10/2026 09:02:44;9701002;TT TIEN DIEN;532.180\n;Tổng cộng;;2 giao dịch;1.782.180\n',
    );
    expect(notesOf(stmt)).toContain('1 row(s) look like a total row (\\";Tổng cộng;;2 giao dịch;1.782.180\\")');
  });

  // A bank states the day's count and sum in the preamble, above the header. Nothing pointed at them.
  it('notes preamble lines that state a count or a sum, for a trailer "in": "preamble"', async () => {
    const text = 'NGÂN HÀNG TMCP LỘC PHÁT VIỆT NAM;;;;\r\nSố tài khoản: 0071000123456 - Tên TK: TỔNG CÔNG TY ĐIỆN LỰC TP.HCM;;;;\r\nTổng số giao dịch: 2;;;;\r\nTổng số tiền: 1.782.180,00;;;;\r\nSố GD;Thời gian;Mã KH;Số tiền;Nội dung\r\nLPB0001;27.10.2026 08:15:02;PE0100123456;1.250.000,00;TT tien dien\r\nLPB0002;27.10.2026 09:40:11;PE0100123457;532.180,00;TT tien dien\r\n';
    const draft = await sniffAndSave(new Scratch(), 'LPB_THUHO_EVN_20261027.csv', text);
    expect(draft.preamble).toEqual({ lines: 4 });
    // Line 2 names the account holder, TỔNG CÔNG TY …, beside an account number: no total.
    expect(notesOf(draft)).toContain('preamble line(s) 3, 4 state');
    expect(notesOf(draft)).toContain('\\"in\\":\\"preamble\\"');
  });
});

describe('sniff: kind and instrument', () => {
  // A cooperative bank's statement written by hand: a Vietnamese kind column (a reversal naming its
  // original), a channel column of Vietnamese labels and abbreviations. Drafted, both load as meant,
  // so cashless share and voided payments need no hand-written map.
  it('drafts fields.kind and fields.instrument from codes every one of which it knows, and the draft loads them', async () => {
    const s = new Scratch();
    const text = [
      'Số GD,Ngày GD,Mã KH,Số tiền,Loại GD,Số GD gốc,Kênh',
      'GD0001,27/10/2026 07:45:10,PE0300111222,320.450,Thanh toán,,Tiền mặt',
      'GD0002,27/10/2026 08:02:33,PE0300111223,1.102.300,Thanh toán,,QR',
      'GD0003,27/10/2026 09:15:00,PE0300111224,87.600,Thanh toán,,CK',
      'GD0004,27/10/2026 10:20:00,PE0300111225,55.000,Thanh toán,,UNT',
      'GD0005,27/10/2026 11:00:00,PE0300111223,1.102.300,Hủy,GD0002,QR',
    ].join('\r\n');
    const draft = await sniffAndSave(s, 'QTDND_EVN_20261027.csv', `${text}\r\n`);
    expect(draft.fields.kind).toEqual({ column: 'Loại GD', map: { 'Thanh toán': 'payment', Hủy: 'reversal' } });
    expect(draft.fields.instrument).toEqual({ column: 'Kênh', map: { 'Tiền mặt': 'cash', QR: 'qr', CK: 'transfer', UNT: 'auto_debit' } });
    expect(notesOf(draft)).toContain('a code the sample lacks makes its records unknown_code rejects');
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    const rows = await db.all<{ txn_ref: string; kind: string; instrument: string; reverses_txn_ref: string | null }>('SELECT txn_ref, kind, instrument, reverses_txn_ref FROM payments ORDER BY line_no');
    db.close();
    expect(rows.map((r) => [r.txn_ref, r.kind, r.instrument, r.reverses_txn_ref])).toEqual([
      ['GD0001', 'payment', 'cash', null],
      ['GD0002', 'payment', 'qr', null],
      ['GD0003', 'payment', 'transfer', null],
      ['GD0004', 'payment', 'auto_debit', null],
      ['GD0005', 'reversal', 'qr', 'GD0002'],
    ]);
  });

  // A code it does not know would make every record carrying it an unknown_code reject: no map is
  // drafted, the note names the column and its codes. A column of short codes that name no kind or
  // instrument (a branch) is left alone, and a kind column whose codes do not split the records
  // naming an original from the others is not taken for one.
  it('drafts no map with a code it does not know, notes the channel column, and leaves other code columns alone', async () => {
    const text = [
      'Mã GD,Thời gian,Mã KH,Số tiền,Chi nhánh,Phương thức,Loại,Mã GD gốc',
      'A1,27/10/2026 07:45:10,PE0300111222,320.450,HN,VNPAYQR,C,',
      'A2,27/10/2026 08:02:33,PE0300111223,1.102.300,HCM,SMS,C,',
      'A3,27/10/2026 09:15:00,PE0300111224,87.600,DN,QR,R,',
      'A4,27/10/2026 09:16:00,PE0300111224,87.600,DN,QR,C,A3',
    ].join('\n');
    const draft = await sniffAndSave(new Scratch(), 'BANKX_EVN_20261027.csv', `${text}\n`);
    expect(draft.fields.instrument).toBeUndefined();
    expect(draft.fields.kind).toBeUndefined();
    expect(draft.fields.reverses_txn_ref).toEqual({ column: 'Mã GD gốc' });
    expect(notesOf(draft)).toContain('column \\"Phương thức\\" looks like each payment\'s channel or method (\\"VNPAYQR\\", \\"SMS\\", \\"QR\\")');
    expect(notesOf(draft)).toContain('no column of the sample tells reversals from refunds by known codes');
    expect(notesOf(draft)).not.toContain('Chi nhánh\\" looks like');
  });

  // A headerless MySQL export (backslash escapes, \N for NULL): its fourth record, an ISO date and a
  // \N among its fields, was taken for the header, the three records above it for a preamble.
  it('takes no record holding an ISO date, a customer code or \\N for the header of a headerless file', async () => {
    const text = [
      'TX0001,2026-03-27 08:15:00,PE0100000001,1250000.00,THANH TOAN TIEN DIEN\\, KY 03/2026',
      'TX0002,2026-03-27 23:30:00,PE0100000002,350000.00,dong 1\\',
      'dong 2',
      'TX0003,2026-03-28 00:05:00,\\N,1234567.00,KH PE0100000003 thanh toan',
      'TX0004,2026-03-28 09:00:00,PE0100000004,\\N,thieu so tien',
      'TX0006,2026-03-28 11:00:00,PE0100000006,300000.00,duong dan',
    ].join('\n');
    const draft = await sniffAndSave(new Scratch(), 'MYSQLX_20260328.csv', `${text}\n`);
    expect(draft.preamble).toBeUndefined();
    expect(draft.header).toEqual({ type: 'none', columns: ['col1', 'col2', 'col3', 'col4', 'col5'] });
  });
});
