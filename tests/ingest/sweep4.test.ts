// A fourth sweep of partner file shapes (tests/ingest/fixtures/sweep4; the files are written by its
// gen.mts), each with a profile written from the README alone, and the defects the sweep found: a
// printed report's pages (repeated header, "Cộng trang", form feeds, unpadded hours), a file of
// several batches with batch and file trailers, control totals in the header record, "Amount (VND)"
// as 1,250,000.00, an unquoted memo holding the delimiter, Excel's ="…" with BOM and sep= (trailer
// too), a trailer counting a row sent twice once, CR-only lines with a title block, JSON Lines closed
// by a summary line, rows ending in a delimiter the header lacks, signed amounts (+/-), a post
// office's Windows-1258 fixed-width printout with page blocks, a web portal's WYSIWYG XLSX (values
// merged over two columns, summary sheet first), Excel "Unicode Text" with a total row, Strict Open
// XML with ISO date cells, Oracle SQL Developer's timestamps, lots with their own headers, a resend.
// Run once as is and once with every file its own batch read in place where it can be.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { MORE_FIELDS_HINT } from '../../src/ingest/overflow.ts';
import { HEADER, Scratch, openTestDb, withProfile, SWEEP_MODES, restoreIngestEnvAfterEach, ingestSweep } from './helpers.ts';

const dir = fileURLToPath(new URL('./fixtures/sweep4/', import.meta.url));
restoreIngestEnvAfterEach();

type Row = { partner_id: string; line_no: bigint; txn_ref: string; kind: string; amount_vnd: bigint; paid_at: Date; customer_code: string | null; memo: string | null };

describe('a fourth sweep of partner file shapes', () => {
  it.each(SWEEP_MODES)('loads each file as the partner meant it, and a second ingest changes nothing (%s)', async (_name, env: Record<string, string>) => {
    const { db, run, profiles, summary, outcomes } = await ingestSweep(dir, env);
    expect(outcomes).toEqual([
      ['AGRIBANK_BCTH_20261027.csv', 'agribank-bcth', 'loaded', 5, 5, 0, 0], // pages: header again after a form feed, Cộng trang, Trang i/n skipped; 8:05 under H:mm
      ['AGRIBANK_BCTH_20261027_resend.csv', 'agribank-bcth', 'skipped_duplicate', 0, 0, 0, 0], // the same bytes under another name
      ['BIDV_HDR_20261027.txt', 'bidv-hdr', 'loaded', 3, 3, 0, 0], // count and sum in the H record (trailer.in preamble)
      ['KIENLONG_EVN_20261027.csv', 'kienlong-csv', 'loaded', 3, 2, 1, 0], // an unquoted memo holding the delimiter: a reject, never a guess
      ['MSB_SAOKE_20261027.csv', 'msb-saoke', 'loaded', 3, 3, 0, 0], // +1.250.000 and -1.250.000 in one column
      ['NAMABANK_EVN_20261027.csv', 'namabank-excel', 'loaded', 3, 3, 0, 0], // BOM + sep=, + ="…" in records and total row
      ['NAPAS_LO_20261027.txt', 'napas-lo', 'loaded', 5, 5, 0, 0], // FH, BH…BT per batch (BT skipped), FT
      ['OCB_EVN_20261027.csv', 'ocb-csv', 'quarantined', 4, 0, 0, 1], // the trailer counted the row sent twice once
      ['PAYOO_QUAY_20261027.txt', 'payoo-quay', 'loaded', 3, 3, 0, 0], // Excel Unicode Text: UTF-16LE, a quoted tab, total row
      ['PVCOMBANK_SAOKE_20261027.xlsx', 'pvcombank-xlsx', 'loaded', 3, 3, 0, 0], // values merged over two columns, data on tab 2
      ['SACOMBANK_LO_20261027.csv', 'sacombank-lo', 'loaded', 3, 3, 0, 0], // lots with titles, headers and subtotals
      ['SHINHAN_EVN_20261027.csv', 'shinhan-csv', 'loaded', 3, 3, 0, 0], // "1,250,000.00" under Amount (VND), .fff times
      ['TECHCOMBANK_STRICT_20261027.xlsx', 'techcombank-strict', 'loaded', 4, 3, 1, 0], // Strict Open XML, ISO date cells (t="d"), hour 25
      ['VIB_ORACLE_20261027.csv', 'vib-oracle', 'loaded', 3, 3, 0, 0], // 27-OCT-26 08.15.00.000000000 AM
      ['VIETABANK_MAC_20261027.csv', 'vietabank-mac', 'loaded', 3, 3, 0, 0], // CR only, title block, total row
      ['VIETBANK_EVN_20261027.csv', 'vietbank-csv', 'loaded', 3, 3, 0, 0], // every row ends in ';', the header does not
      ['VNPAYQR_EVN_20261027.jsonl', 'vnpayqr-ndjson', 'loaded', 3, 2, 1, 0], // a failed QR payment; the summary line is the trailer
      ['VNPOST_BN_20261027.txt', 'vnpost-bn', 'loaded', 3, 3, 0, 0], // Windows-1258 fixed width, page blocks, TỔNG CỘNG
    ]);
    const rows = await db.all<Row>('SELECT partner_id, line_no, txn_ref, kind, amount_vnd, paid_at, customer_code, memo FROM payments ORDER BY partner_id, line_no');
    const pick = (id: string) => rows.filter((r) => r.partner_id === id).map((r) => [r.line_no, r.txn_ref, r.kind, r.amount_vnd, r.paid_at.toISOString()]);
    expect(pick('agribank-bcth')).toEqual([
      [5n, 'AG2610270001', 'payment', 1250000n, '2026-10-27T01:05:00.000Z'], // 8:05
      [6n, 'AG2610270002', 'payment', 500000n, '2026-10-27T02:30:00.000Z'],
      [7n, 'AG2610270003', 'payment', 842300n, '2026-10-27T07:30:00.000Z'],
      [11n, 'AG2610270004', 'payment', 153300n, '2026-10-27T01:05:00.000Z'], // 08:05 under H:mm too; line 10 is the header again
      [12n, 'AG2610270005', 'payment', 2150000n, '2026-10-27T16:59:00.000Z'],
    ]);
    expect(pick('bidv-hdr').map((r) => [r[0], r[1], r[4]])).toEqual([
      [2n, 'BIDV0001', '2026-10-27T01:15:00.000Z'], [3n, 'BIDV0002', '2026-10-27T02:30:00.000Z'], [4n, 'BIDV0003', '2026-10-27T03:45:00.000Z'], // DDMMYYYYHHmmss
    ]);
    expect(pick('kienlong-csv').map((r) => r[1])).toEqual(['KLB0001', 'KLB0003']);
    expect(pick('msb-saoke')).toEqual([
      [2n, 'MSB001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'],
      [3n, 'MSB002', 'payment', 500000n, '2026-10-27T02:30:00.000Z'],
      [4n, 'MSB003', 'reversal', 1250000n, '2026-10-27T03:45:00.000Z'], // -1.250.000
    ]);
    expect(rows.filter((r) => r.partner_id === 'namabank-excel').map((r) => [r.line_no, r.txn_ref, r.customer_code, r.amount_vnd, r.memo])).toEqual([
      [3n, '0000123', 'PE0100123456', 1250000n, 'TT tien dien'], [4n, '0000124', 'PD0100000001', 500000n, 'TT tien dien, ky 10'], [5n, '0000125', 'PE0200654321', 842300n, null],
    ]); // line 1 sep=, line 2 the header; leading zeros kept
    expect(pick('napas-lo').map((r) => [r[0], r[1], r[3]])).toEqual([
      [3n, '001000001', 1250000n], [4n, '001000002', 500000n], [7n, '002000001', 842300n], [8n, '002000002', 153300n], [9n, '002000003', 99000n],
    ]);
    expect(rows.filter((r) => r.partner_id === 'payoo-quay').map((r) => [r.line_no, r.amount_vnd, r.memo])).toEqual([
      [2n, 1250000n, 'TT tiền điện'], [3n, 500000n, 'Quầy 2\tca sáng'], [4n, 842300n, null],
    ]);
    expect(pick('pvcombank-xlsx')).toEqual([
      [5n, 'PVC0001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'],
      [6n, 'PVC0002', 'payment', 500000n, '2026-10-27T02:30:00.000Z'],
      [7n, 'PVC0003', 'payment', 842300n, '2026-10-27T16:59:59.000Z'],
    ]);
    expect(pick('sacombank-lo').map((r) => [r[0], r[1], r[3]])).toEqual([[5n, 'STB001', 1250000n], [6n, 'STB002', 500000n], [11n, 'STB003', 842300n]]);
    expect(pick('shinhan-csv')).toEqual([
      [2n, 'SHB0000000001', 'payment', 1250000n, '2026-10-27T01:30:00.000Z'],
      [3n, 'SHB0000000002', 'payment', 500000n, '2026-10-27T02:05:12.345Z'],
      [4n, 'SHB0000000003', 'payment', 1992300n, '2026-10-27T16:59:59.999Z'],
    ]);
    expect(pick('techcombank-strict')).toEqual([
      [2n, 'TCB261027001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'], // 2026-10-27T08:15:00, a wall clock
      [3n, 'TCB261027002', 'payment', 500000n, '2026-10-27T02:30:00.000Z'], // 2026-10-27T02:30:00.000Z, an instant
      [4n, 'TCB261027003', 'payment', 842300n, '2026-10-26T17:00:00.000Z'], // a date alone: 00:00 local
    ]);
    expect(pick('vib-oracle')).toEqual([
      [2n, 'VIB26102700001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'],
      [3n, 'VIB26102700002', 'payment', 500000n, '2026-10-27T05:30:00.500Z'], // 12.30.00.5 PM
      [4n, 'VIB26102700003', 'payment', 842300n, '2026-10-26T17:05:09.000Z'], // 12.05.09 AM is just past midnight
    ]);
    expect(pick('vietabank-mac').map((r) => [r[0], r[1], r[3]])).toEqual([[5n, 'VAB001', 1250000n], [6n, 'VAB002', 500000n], [7n, 'VAB003', 842300n]]);
    expect(rows.filter((r) => r.partner_id === 'vietabank-mac').map((r) => r.memo)).toEqual(['TT tien dien, T10', 'TT tien dien', 'TT tien dien']);
    expect(rows.filter((r) => r.partner_id === 'vietbank-csv').map((r) => [r.line_no, r.amount_vnd, r.memo])).toEqual([[2n, 1250000n, 'TT tien dien'], [3n, 500000n, 'TT tien dien'], [4n, 842300n, null]]);
    expect(pick('vnpayqr-ndjson')).toEqual([
      [1n, 'QR0001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'], [2n, 'QR0002', 'payment', 500000n, '2026-10-27T02:30:00.000Z'],
    ]);
    expect(rows.filter((r) => r.partner_id === 'vnpost-bn').map((r) => [r.line_no, r.txn_ref, r.amount_vnd, r.paid_at.toISOString(), r.customer_code, r.memo])).toEqual([
      [4n, '0000001', 350000n, '2026-10-27T00:30:00.000Z', 'PA03HL0012345', 'Nguyễn Văn Ánh'],
      [5n, '0000002', 1842300n, '2026-10-27T00:45:00.000Z', 'PA03HL0023456', 'Trần Thị Thuỷ'], // the name's tone marks take positions of their own
      [11n, '0000003', 500000n, '2026-10-27T01:00:00.000Z', 'PA03HL0034567', 'Lê Hữu Nghĩa'], // after page 2's title block
    ]);
    expect(rows.some((r) => r.partner_id === 'ocb-csv')).toBe(false);
    expect(await db.all("SELECT line_no, txn_ref FROM quarantined_payments ORDER BY line_no")).toEqual([
      { line_no: 2n, txn_ref: 'OCB001' }, { line_no: 3n, txn_ref: 'OCB002' }, { line_no: 5n, txn_ref: 'OCB003' },
    ]);
    expect(await db.all("SELECT line_no, txn_ref, first_line_no FROM duplicate_records")).toEqual([{ line_no: 4n, txn_ref: 'OCB002', first_line_no: 3n }]);

    const files = await db.all<{ file_name: string; status: string; status_reason: string | null; control_count: bigint | null; control_amount: bigint | null; rejected_amount: bigint | null }>(
      "SELECT file_name, status, status_reason, control_count, control_amount, rejected_amount FROM source_files WHERE control_count IS NOT NULL OR control_amount IS NOT NULL OR status <> 'loaded' ORDER BY file_name",
    );
    const shown = (t: string | null) => t && t.slice(t.indexOf('/files/') + 7);
    expect(files.map((f) => [f.file_name, f.status, shown(f.status_reason), f.control_count, f.control_amount, f.rejected_amount])).toEqual([
      ['AGRIBANK_BCTH_20261027.csv', 'loaded', null, 5n, 4895600n, null], // the grand total; the page subtotals skipped
      ['AGRIBANK_BCTH_20261027_resend.csv', 'skipped_duplicate', 'AGRIBANK_BCTH_20261027.csv', null, null, null], // "identical to file N …/AGRIBANK_BCTH_20261027.csv"
      ['BIDV_HDR_20261027.txt', 'loaded', null, 3n, 2592300n, null],
      ['NAMABANK_EVN_20261027.csv', 'loaded', null, 3n, 2592300n, null], // ="3", ="2592300"
      ['NAPAS_LO_20261027.txt', 'loaded', null, 5n, 2844600n, null], // the FT line, not a BT one
      ['OCB_EVN_20261027.csv', 'quarantined', 'OCB_EVN_20261027.csv, line 6: trailer states 3 records, the file has 4, 1 of them a duplicate record (an identity listed or loaded before): the trailer seems to count each transaction once, but it counts every record the file lists, duplicates included', 3n, 2592300n, null],
      ['PAYOO_QUAY_20261027.txt', 'loaded', null, 3n, 2592300n, null],
      ['PVCOMBANK_SAOKE_20261027.xlsx', 'loaded', null, 3n, 2592300n, null], // formula results
      ['SACOMBANK_LO_20261027.csv', 'loaded', null, 3n, 2592300n, null],
      ['SHINHAN_EVN_20261027.csv', 'loaded', null, 3n, 3742300n, null], // "3,742,300.00"
      ['VIETABANK_MAC_20261027.csv', 'loaded', null, 3n, 2592300n, null],
      ['VNPAYQR_EVN_20261027.jsonl', 'loaded', null, 3n, 2592300n, 842300n], // the failed payment's amount
      ['VNPOST_BN_20261027.txt', 'loaded', null, 3n, 2692300n, null],
    ]);

    const rejects = await db.all<{ reason: string; message: string; raw: string }>('SELECT reason, message, raw FROM rejects ORDER BY file_id, line_no');
    expect(rejects.map((r) => [r.reason, shown(r.message)])).toEqual([
      ['column_count', `KIENLONG_EVN_20261027.csv, line 3: found 7 columns, expected 5 (MaGD, NgayGD, MaKH, SoTien, NoiDung)${MORE_FIELDS_HINT}`],
      ['bad_date', 'TECHCOMBANK_STRICT_20261027.xlsx, line 5, field paid_at (column Thời gian): not a valid date: got "2026-10-27T25:00:00", expected a date/time like DD/MM/YYYY HH:mm:ss'],
      ['not_paid', 'VNPAYQR_EVN_20261027.jsonl, line 3, field status (column status): not a completed payment: got "24", expected one of the statuses of a completed payment (fields.status.paid): "00"'],
    ]);
    expect(rejects[0]!.raw).toBe('KLB0002,27/10/2026 09:30:00,PD0100000001,500000,TT tien dien, ky 10/2026, KH Nguyen Van A'); // as written

    // The same folder again: every file already received, nothing added.
    const counts = async () => db.all('SELECT (SELECT count(*) FROM payments) p, (SELECT count(*) FROM rejects) r, (SELECT count(*) FROM source_files) f, (SELECT count(*) FROM quarantined_payments) q, (SELECT count(*) FROM duplicate_records) d');
    const before = await counts();
    const again = await ingestFiles(db, run, [`${dir}files`], { profiles });
    expect(new Set(again.files.map((f) => f.status))).toEqual(new Set(['skipped']));
    expect(await counts()).toEqual(before);
    db.close();
  });
});

async function ingest(s: Scratch) {
  const { db, run } = await openTestDb();
  const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
  return { db, summary };
}

describe('a trailer written with Excel text formulas', () => {
  it('reads a total row\'s ="2" and ="1.750.000" as the records\' ="…" fields are read, instead of failing the file', async () => {
    const s = new Scratch();
    s.profile(withProfile({ trailer: { match: '^Tổng cộng,', count: { field: 2 }, amount: { field: 5 } } }));
    s.file('T_1.csv', [
      HEADER,
      '="0000123",27/10/2026 08:15:00,="PE0100123456",TT tien dien,="1.250.000"',
      '="0000124",27/10/2026 09:30:00,="PD0100000001",,="500.000"',
      'Tổng cộng,="2",,,="1.750.000"',
      '',
    ].join('\r\n'));
    const { db, summary } = await ingest(s);
    expect(summary.files.map((f) => [f.status, f.records_read, f.records_loaded])).toEqual([['loaded', 2, 2]]);
    expect(await db.all('SELECT control_count, control_amount FROM source_files')).toEqual([{ control_count: 2n, control_amount: 1750000n }]);
    expect(await db.all('SELECT txn_ref, amount_vnd FROM payments ORDER BY line_no')).toEqual([{ txn_ref: '0000123', amount_vnd: 1250000n }, { txn_ref: '0000124', amount_vnd: 500000n }]);
    db.close();
  });
});

describe('a file of several batches, each with its own batch trailer', () => {
  const profile = withProfile({
    file_patterns: ['N_*.txt'],
    format: { type: 'delimited', delimiter: '|', quote: '' },
    header: { type: 'none', columns: ['type', 'ref', 'time', 'customer', 'amount'] },
    record_types: { detail: ['D'], header: ['FH', 'BH'], trailer: ['FT'] },
    skip: ['^BT\\|'],
    trailer: { count: { field: 2 }, amount: { field: 3 } },
    fields: { txn_ref: { column: 'ref' }, paid_at: { column: 'time', format: 'YYYYMMDDHHmmss' }, amount: { column: 'amount' }, customer_code: { column: 'customer' } },
  });
  const text = [
    'FH|NAPAS|20261027',
    'BH|001',
    'D|001000001|20261027081500|PD0100000001|1250000',
    'D|001000002|20261027093000|PD0100000002|500000',
    'BT|001|2|1750000',
    'BH|002',
    'D|002000001|20261027101500|PE0100123456|842300',
    'BT|002|1|842300',
    'X|unknown',
    'FT|4|2592300',
    '',
  ].join('\n');
  it.each([['staging copy', undefined], ['direct path', '0']])('skips the batch trailers a skip pattern names instead of rejecting their record type (%s)', async (_name, directMb) => {
    const saved = process.env.RECON_INGEST_DIRECT_MB;
    if (directMb === undefined) delete process.env.RECON_INGEST_DIRECT_MB;
    else process.env.RECON_INGEST_DIRECT_MB = directMb;
    try {
      const s = new Scratch();
      s.profile(profile);
      s.file('N_1.txt', text);
      const { db, summary } = await ingest(s);
      // the X line is still an unknown record type: a record, rejected, counted by the trailer
      expect(summary.files.map((f) => [f.status, f.records_read, f.records_loaded, f.records_rejected])).toEqual([['loaded', 4, 3, 1]]);
      expect(await db.all('SELECT line_no, txn_ref FROM payments ORDER BY line_no')).toEqual([
        { line_no: 3n, txn_ref: '001000001' }, { line_no: 4n, txn_ref: '001000002' }, { line_no: 7n, txn_ref: '002000001' },
      ]);
      expect(await db.all('SELECT line_no, reason, value FROM rejects')).toEqual([{ line_no: 9n, reason: 'unknown_code', value: 'X' }]);
      expect(await db.all('SELECT control_count, control_amount, rejected_amount FROM source_files')).toEqual([{ control_count: 4n, control_amount: 2592300n, rejected_amount: 0n }]);
      db.close();
    } finally {
      if (saved === undefined) delete process.env.RECON_INGEST_DIRECT_MB;
      else process.env.RECON_INGEST_DIRECT_MB = saved;
    }
  });
});

describe('a trailer counting a row sent twice once', () => {
  it('quarantines the file (a trailer counts every record, DOMAIN) and says the difference is its duplicate records', async () => {
    const s = new Scratch();
    s.profile(withProfile({ trailer: { match: '^TONG,', count: { field: 2 }, amount: { field: 5 } } }));
    s.file('T_1.csv', [HEADER, 'A1,27/10/2026 08:15:00,PE0100123456,,1.250.000', 'A2,27/10/2026 09:30:00,PD0100000001,,500.000', 'A2,27/10/2026 09:30:00,PD0100000001,,500.000', 'TONG,2,,,1.750.000', ''].join('\n'));
    s.file('T_2.csv', [HEADER, 'B1,27/10/2026 08:15:00,PE0100123456,,1.250.000', 'B2,27/10/2026 09:30:00,PD0100000001,,500.000', 'TONG,3,,,1.750.000', ''].join('\n'));
    const { db, summary } = await ingest(s);
    expect(summary.files.map((f) => [f.status, f.records_read, f.records_duplicate])).toEqual([['quarantined', 3, 1], ['quarantined', 2, 0]]);
    const reasons = await db.all<{ status_reason: string }>('SELECT status_reason FROM source_files ORDER BY file_id');
    expect(reasons.map((r) => r.status_reason.slice(r.status_reason.lastIndexOf('/') + 1))).toEqual([
      'T_1.csv, line 5: trailer states 2 records, the file has 3, 1 of them a duplicate record (an identity listed or loaded before): the trailer seems to count each transaction once, but it counts every record the file lists, duplicates included',
      'T_2.csv, line 4: trailer states 3 records, the file has 2', // a count that differs otherwise says nothing more
    ]);
    expect(await db.all("SELECT reason FROM file_events WHERE action = 'quarantined' ORDER BY file_id")).toEqual(reasons.map((r) => ({ reason: r.status_reason })));
    db.close();
  });
});

describe('a record with more fields than the header', () => {
  it.each([['staging copy', undefined], ['direct path', '0']])('says how many it has, not the one past the header where the reader stopped (%s)', async (_name, directMb) => {
    // (afterEach restores RECON_INGEST_DIRECT_MB)
    if (directMb === undefined) delete process.env.RECON_INGEST_DIRECT_MB;
    else process.env.RECON_INGEST_DIRECT_MB = directMb;
    const s = new Scratch();
    s.profile(withProfile({}));
    s.profile(withProfile({ id: 'bank-e', file_patterns: ['E_*.csv'], format: { type: 'delimited', delimiter: ',', quote: '"', escape: '\\' } }));
    const rows = [
      HEADER,
      'A1,27/10/2026 08:15:00,PE0100123456,TT tien dien, ky 10, KH A,1.250.000', // 7 fields
      'A2,27/10/2026 08:15:00,PE0100123456,"TT, tien dien",1.250.000,x', // 6, a quoted comma counted once
      'A3,27/10/2026 08:15:00,PE0100123456,"TT ""gấp"", T10",x,y,1.250.000', // 7, doubled quotes
      'A4,27/10/2026 08:15:00,PE0100123456,TT,500.000',
      '',
    ];
    s.file('T_1.csv', rows.join('\n'));
    s.file('E_1.csv', rows.slice(0, 2).join('\n') + '\n'); // an escape other than the quote: not counted
    const { db } = await ingest(s);
    const rejects = await db.all<{ message: string }>('SELECT message FROM rejects ORDER BY file_id, line_no');
    expect(rejects.map((r) => r.message.slice(r.message.lastIndexOf('/') + 1))).toEqual([
      `E_1.csv, line 2: found more than 5 columns, expected 5 (ref, time, customer, memo, amount)${MORE_FIELDS_HINT}`,
      `T_1.csv, line 2: found 7 columns, expected 5 (ref, time, customer, memo, amount)${MORE_FIELDS_HINT}`,
      `T_1.csv, line 3: found 6 columns, expected 5 (ref, time, customer, memo, amount)${MORE_FIELDS_HINT}`,
      `T_1.csv, line 4: found 7 columns, expected 5 (ref, time, customer, memo, amount)${MORE_FIELDS_HINT}`,
    ]);
    db.close();
  });
});
