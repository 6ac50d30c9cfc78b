// A fifth sweep of partner file shapes (tests/ingest/fixtures/sweep5; the files are written by its
// gen.mts), each with a profile written from the README alone, and the defects the sweep found:
// MySQL's INTO OUTFILE with ENCLOSED BY '"' ESCAPED BY '\\' (a quoted field ending in an escaped
// backslash swallowed the next records and failed the file; \N and \⏎ were not read), PostgreSQL's
// COPY in text and in csv FORCE_QUOTE format, Excel for Windows' CRLF rows with a cell's bare LF,
// a host statement's CR/DR amount suffixes, Python's str(datetime) with microseconds and offset, a
// Mac's decomposed (NFD) header, a trailer counting the header and trailer lines, and an XLSX whose
// header cells are rich-text runs. Run once as is and once with every file its own batch read in
// place where it can be.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { Scratch, openTestDb, withProfile, SWEEP_MODES, restoreIngestEnvAfterEach, ingestSweep } from './helpers.ts';

const dir = fileURLToPath(new URL('./fixtures/sweep5/', import.meta.url));
restoreIngestEnvAfterEach();

type Row = { partner_id: string; line_no: bigint; txn_ref: string; kind: string; amount_vnd: bigint; paid_at: Date; customer_code: string | null; memo: string | null };

describe('a fifth sweep of partner file shapes', () => {
  it.each(SWEEP_MODES)('loads each file as the partner meant it, and a second ingest changes nothing (%s)', async (_name, env: Record<string, string>) => {
    const { db, run, profiles, summary, outcomes } = await ingestSweep(dir, env);
    expect(outcomes).toEqual([
      ['ACB_EXCEL_20261027.csv', 'acb-excel', 'loaded', 4, 4, 0, 0], // CRLF rows, a cell's line break a bare LF inside the quotes
      ['HDBANK_RICH_20261027.xlsx', 'hdbank-rich', 'loaded', 2, 2, 0, 0], // header cells of rich-text runs
      ['MOMO_PGCOPY_20261027.tsv', 'momo-pgcopy', 'loaded', 3, 3, 0, 0], // COPY text: \N, \t, \n, \\, +07
      ['PAYOO_PY_20261027.csv', 'payoo-py', 'loaded', 3, 3, 0, 0], // 2026-10-27 08:15:00.000000 +07:00
      ['SHB_HT_20261027.txt', 'shb-ht', 'quarantined', 3, 0, 0, 0], // the trailer counts the H and T lines too
      ['TPBANK_MAC_20261027.csv', 'tpbank-mac', 'loaded', 2, 2, 0, 0], // NFD header from a Mac
      ['VCB_HOST_20261027.csv', 'vcb-host', 'loaded', 4, 3, 1, 0], // CR/DR suffixes; -99,000.00 DR signed twice
      ['VNPAY_MYSQL_20261027.csv', 'vnpay-mysql', 'loaded', 7, 5, 1, 1], // ENCLOSED BY '"' ESCAPED BY '\\'
      ['ZALOPAY_PGCSV_20261027.csv', 'zalopay-pgcsv', 'loaded', 3, 3, 0, 0], // COPY csv FORCE_QUOTE *
    ]);
    for (const f of summary.files) expect(f.records_read).toBe(f.records_loaded + f.records_rejected + f.records_duplicate + (f.status === 'quarantined' ? f.records_read : 0));
    const rows = await db.all<Row>('SELECT partner_id, line_no, txn_ref, kind, amount_vnd, paid_at, customer_code, memo FROM payments ORDER BY partner_id, line_no');
    const pick = (id: string) => rows.filter((r) => r.partner_id === id).map((r) => [r.line_no, r.txn_ref, r.kind, r.amount_vnd, r.paid_at.toISOString(), r.customer_code, r.memo]);
    expect(pick('vnpay-mysql')).toEqual([
      [2n, 'VNP0001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z', 'PE0100123456', 'TT tien dien, ky 10'], // the enclosed comma
      [3n, 'VNP0002', 'payment', 500000n, '2026-10-27T02:30:00.000Z', null, 'KH ghi "gap" PD0100000001'], // \N, \"
      [4n, 'VNP0003', 'payment', 842300n, '2026-10-27T03:45:00.000Z', 'PD0100000002', 'dong 1\ndong 2'], // \⏎: lines 4–5
      [6n, 'VNP0004', 'payment', 153300n, '2026-10-27T04:00:00.000Z', 'PE0200654321', 'duong dan C:\\'], // "…C:\\" closes the field
      [7n, 'VNP0005', 'payment', 99000n, '2026-10-27T05:00:00.000Z', 'PE0200654322', null],
    ]);
    expect(pick('momo-pgcopy')).toEqual([
      [2n, 'MM0001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z', 'PE0100123456', 'TT tien dien\tT10'],
      [3n, 'MM0002', 'payment', 500000n, '2026-10-27T02:30:00.123Z', null, 'dong 1\ndong 2'],
      [4n, 'MM0003', 'payment', 842300n, '2026-10-27T01:45:00.000Z', 'PD0100000002', 'C:\\evn'], // +00
    ]);
    expect(pick('zalopay-pgcsv')).toEqual([
      [2n, '261027_0001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z', 'PE0100123456', 'TT "tien dien"'],
      [3n, '261027_0002', 'payment', 500000n, '2026-10-27T02:30:00.000Z', null, 'dong 1\ndong 2'],
      [5n, '261027_0003', 'payment', 842300n, '2026-10-27T03:45:00.000Z', 'PD0100000002', null],
    ]);
    expect(pick('acb-excel')).toEqual([
      [2n, 'ACB0001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z', 'PE0100123456', 'TT tien dien\nky 10/2026'],
      [4n, 'ACB0002', 'payment', 500000n, '2026-10-27T02:30:00.000Z', 'PD0100000001', 'TT tien dien'],
      [5n, 'ACB0003', 'payment', 842300n, '2026-10-27T03:45:00.000Z', 'PD0100000002', 'dong 1\ndong 2\ndong 3'],
      [8n, 'ACB0004', 'payment', 153300n, '2026-10-27T04:00:00.000Z', 'PE0200654321', null],
    ]);
    expect(pick('vcb-host')).toEqual([
      [2n, 'FT26300000001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z', 'PE0100123456', 'EVN'], // 1,250,000.00 CR
      [3n, 'FT26300000002', 'payment', 500000n, '2026-10-27T02:30:00.000Z', 'PD0100000001', 'EVN'],
      [4n, 'FT26300000003', 'reversal', 1250000n, '2026-10-27T03:45:00.000Z', 'PE0100123456', 'EVN HOAN'], // 1,250,000.00 DR
    ]);
    expect(pick('payoo-py').map((r) => [r[0], r[1], r[4]])).toEqual([
      [2n, 'PY0001', '2026-10-27T01:15:00.000Z'], [3n, 'PY0002', '2026-10-27T02:30:00.123Z'], [4n, 'PY0003', '2026-10-27T03:45:00.000Z'],
    ]);
    expect(pick('tpbank-mac')).toEqual([
      [2n, 'TPB0001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z', 'PE0100123456', 'Thanh toán tiền điện'], // NFC
      [3n, 'TPB0002', 'payment', 500000n, '2026-10-27T02:30:00.000Z', 'PD0100000001', 'TT'],
    ]);
    expect(pick('hdbank-rich')).toEqual([
      [2n, 'HD0001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z', 'PE0100123456', 'TT tiền điện'],
      [3n, 'HD0002', 'payment', 500000n, '2026-10-27T02:30:00.000Z', 'PD0100000001', 'TT'],
    ]);
    expect(rows.some((r) => r.partner_id === 'shb-ht')).toBe(false);
    expect(await db.all('SELECT line_no, txn_ref FROM quarantined_payments ORDER BY line_no')).toEqual([
      { line_no: 2n, txn_ref: 'SHB0001' }, { line_no: 3n, txn_ref: 'SHB0002' }, { line_no: 4n, txn_ref: 'SHB0003' },
    ]);
    expect(await db.all('SELECT line_no, txn_ref, first_line_no FROM duplicate_records')).toEqual([{ line_no: 9n, txn_ref: 'VNP0001', first_line_no: 2n }]);

    const files = await db.all<{ file_name: string; status: string; status_reason: string | null; control_count: bigint | null; control_amount: bigint | null; rejected_amount: bigint | null }>(
      "SELECT file_name, status, status_reason, control_count, control_amount, rejected_amount FROM source_files WHERE control_count IS NOT NULL OR status <> 'loaded' ORDER BY file_name",
    );
    const shown = (t: string | null) => t && t.slice(t.indexOf('/files/') + 7);
    expect(files.map((f) => [f.file_name, f.status, shown(f.status_reason), f.control_count, f.control_amount, f.rejected_amount])).toEqual([
      ['SHB_HT_20261027.txt', 'quarantined', "SHB_HT_20261027.txt, line 5: trailer states 5 records, the file has 3, and 2 header and trailer lines besides, and the records sum to the stated total: the trailer counts the file's lines, but it must count its records only", 5n, 2592300n, null],
      // "401,000.00 Cr", the net; the rejected row's -99,000, which the loaded file's reason says to check.
      ['VCB_HOST_20261027.csv', 'loaded', "VCB_HOST_20261027.csv, line 6: the trailer's total is 99000 đồng below what the valid records sum to, which rejected records account for only if they are money out; check the trailer", 4n, 401000n, -99000n],
    ]);

    const rejects = await db.all<{ reason: string; message: string; raw: string }>('SELECT reason, message, raw FROM rejects ORDER BY file_id, line_no');
    expect(rejects.map((r) => [r.reason, shown(r.message), r.raw])).toEqual([
      ['bad_amount', 'VCB_HOST_20261027.csv, line 5, field amount (column AMOUNT): not a valid amount: got "-99,000.00 DR", expected a whole amount in đồng like 1,234,567.00 (grouping ",", decimal ".", fraction zero (VND has no minor unit), a CR (in) or DR (out) suffix)',
        'FT26300000004,27/10/2026 11:00:00,PE0200654321,"-99,000.00 DR",EVN'],
      ['bad_amount', 'VNPAY_MYSQL_20261027.csv, line 8, field amount (column amount): not a valid amount: got "12a00", expected a whole amount in đồng like 1234567 (grouping none, no decimals)',
        'VNP0006,2026-10-27 13:00:00,PE0200654323,12a00,"ghi ""sai"", so tien"'], // its fields as read, quoted again
    ]);

    // The same folder again: every file already received, nothing added.
    const counts = async () => db.all('SELECT (SELECT count(*) FROM payments) p, (SELECT count(*) FROM rejects) r, (SELECT count(*) FROM source_files) f, (SELECT count(*) FROM quarantined_payments) q, (SELECT count(*) FROM duplicate_records) d');
    const before = await counts();
    const again = await ingestFiles(db, run, [`${dir}files`], { profiles });
    expect(new Set(again.files.map((f) => f.status))).toEqual(new Set(['skipped']));
    expect(await counts()).toEqual(before);
    db.close();
  });
});

describe('a file ending in a NUL byte (a C program writing its string terminator)', () => {
  it('fails whole, naming the line, and loads nothing (left: NULs are accepted in fixed-width files only)', async () => {
    const s = new Scratch();
    s.profile(withProfile({}));
    s.file('T_1.csv', Buffer.concat([Buffer.from('ref,time,customer,memo,amount\nA1,27/10/2026 08:15:00,PE0100123456,TT,1.250.000\n'), Buffer.from([0])]));
    const { db, run } = await openTestDb();
    const summary = await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    expect(summary.files.map((f) => [f.status, f.records_read])).toEqual([['failed', 0]]);
    const [f] = await db.all<{ status_reason: string }>('SELECT status_reason FROM source_files');
    expect(f!.status_reason.slice(f!.status_reason.lastIndexOf('/') + 1)).toBe('T_1.csv, line 3: contains NUL bytes, so it is binary data or UTF-16, not the UTF-8 text its profile declares');
    expect(await db.all('SELECT count(*) n FROM payments')).toEqual([{ n: 0n }]);
    db.close();
  });
});
