// A third sweep of partner file shapes (tests/ingest/fixtures/sweep3; the files are written by its
// gen.mts), each with a profile of documented keys only: UTF-16BE from Java, UTF-16LE without a
// byte-order mark from bcp, Windows-1258 with combining tones in header, kind codes and trailer,
// Excel "CSV UTF-8" with BOM + sep= + title rows, XLSX with a hidden first sheet, shared formulas
// and an error cell, XLSX without cell references, an agent network's composite ids and
// cancellations, cut and miscounted files, Jackson's BigDecimal exponents, and MySQL's backslash
// escapes (format.escape with quote ""). Run once as is and once with every
// file its own batch read in place where it can be, with the same outcome.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SWEEP_MODES, restoreIngestEnvAfterEach, ingestSweep } from './helpers.ts';

const dir = fileURLToPath(new URL('./fixtures/sweep3/', import.meta.url));
restoreIngestEnvAfterEach();

type Row = { partner_id: string; line_no: bigint; txn_ref: string; kind: string; amount_vnd: bigint; paid_at: Date; customer_code: string | null; memo: string | null; reverses_txn_ref: string | null; agent_id: string | null };

describe('a third sweep of partner file shapes', () => {
  it.each(SWEEP_MODES)('loads each file as the partner meant it (%s)', async (_name, env: Record<string, string>) => {
    const { db, outcomes } = await ingestSweep(dir, env);
    expect(outcomes).toEqual([
      ['BAOVIETBANK_EVN_20261027.csv', 'baovietbank-csv', 'loaded', 4, 4, 0, 0], // BOM + sep=; + 2 title rows (sep not counted), 1.250.000 ₫, h:mm SA/CH
      ['BHX_THUHO_20261027.xlsx', 'bhx-xlsx', 'loaded', 4, 3, 1, 0], // hidden tab 1, header row 6, date cells + text date, shared formula, #VALUE!
      ['COOPBANK_THUHO_20261027.csv', 'coopbank-1258', 'loaded', 4, 4, 0, 0], // Windows-1258 combining tones: header, "Hủy" kind code, Tổng cộng
      ['HDBANK_EVN_20261027.txt', 'hdbank-utf16be', 'loaded', 4, 3, 1, 0], // Java "UTF-16": BE + BOM, tabs, quoted CRLF memo, 25:10 bad date
      ['NAPAS_CUT_20261027.csv', 'napas-cut', 'quarantined', 3, 0, 1, 0], // cut mid-record, trailer never came
      ['NAPAS_CUT_20261028.csv', 'napas-cut', 'quarantined', 2, 0, 0, 0], // trailer counts one record more
      ['SEABANK_EVN_20261027.xlsx', 'seabank-openxml', 'loaded', 3, 2, 1, 0], // Open XML SDK: no r on rows and cells
      ['SMARTPAY_EVN_20261027.json', 'smartpay-json', 'loaded', 5, 4, 1, 0], // Jackson: 1.25E+6, "500000.00", Long ids, 1.5E-1
      ['VIMO_EVN_20261027.txt', 'vimo-mysql', 'loaded', 3, 3, 0, 0], // MySQL INTO OUTFILE: \| in a memo, \N, \\
      ['VNPOST_BCCP_20261027.txt', 'vnpost-bccp', 'loaded', 8, 7, 0, 1], // agent + receipt ids, cancellations by agent + original receipt
      ['VNPTMONEY_EVN_20261027.bcp', 'vnptmoney-bcp', 'loaded', 4, 3, 1, 0], // bcp -w: UTF-16LE without BOM, no header, 150000.50
    ]);
    const rows = await db.all<Row>('SELECT partner_id, line_no, txn_ref, kind, amount_vnd, paid_at, customer_code, memo, reverses_txn_ref, agent_id FROM payments ORDER BY partner_id, line_no');
    const pick = (id: string) => rows.filter((r) => r.partner_id === id).map((r) => [r.line_no, r.txn_ref, r.kind, r.amount_vnd, r.paid_at.toISOString()]);
    expect(pick('baovietbank-csv')).toEqual([
      [5n, 'BVB-000101', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'], // 8:15 SA
      [6n, 'BVB-000102', 'payment', 500000n, '2026-10-27T05:05:00.000Z'], // 12:05 CH is noon
      [8n, 'BVB-000103', 'payment', 842300n, '2026-10-27T16:59:00.000Z'], // 11:59 CH, after an empty ';;;;' row
      [9n, 'BVB-000104', 'payment', 2150000n, '2026-10-26T17:30:00.000Z'], // 12:30 SA is half past midnight
    ]);
    expect(pick('bhx-xlsx')).toEqual([
      [7n, 'BHX0001-000101', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'], // a date cell
      [8n, 'BHX0001-000102', 'payment', 500000n, '2026-10-27T02:40:00.000Z'], // a date typed as text; amount a shared formula's cached value
      [9n, 'BHX0002-000101', 'payment', 842300n, '2026-10-27T16:59:59.000Z'], // the same receipt number at another store: another payment
    ]);
    expect(rows.filter((r) => r.partner_id === 'bhx-xlsx').map((r) => [r.agent_id, r.memo])).toEqual([['BHX0001', 'TT tiền điện'], ['BHX0001', 'Khách VIP'], ['BHX0002', null]]); // rich text as its text
    expect(pick('coopbank-1258')).toEqual([
      [5n, 'CB000001', 'payment', 1250000n, '2026-10-27T00:45:00.000Z'],
      [6n, 'CB000002', 'payment', 842300n, '2026-10-27T01:01:30.000Z'],
      [7n, 'CB000001', 'reversal', 1250000n, '2026-10-27T03:15:00.000Z'], // "Hủy" written with a combining hook above, the map's key in NFC
      [8n, 'CB000003', 'payment', 153300n, '2026-10-27T09:20:00.000Z'],
    ]);
    expect(rows.filter((r) => r.partner_id === 'coopbank-1258').map((r) => r.memo)).toEqual(
      ['Thu tiền điện tháng 10 Nguyễn Văn Ánh', 'Thu hộ; kỳ 10 Trần Thị Thuỷ', 'Hủy do thu nhầm Nguyễn Văn Ánh', 'Đóng tiền điện Lê Hữu Nghĩa'].map((m) => m.normalize('NFC')),
    );
    expect(pick('hdbank-utf16be')).toEqual([
      [2n, 'HD2610270001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'],
      [3n, 'HD2610270002', 'payment', 500000n, '2026-10-27T02:30:00.000Z'],
      [6n, 'HD2610270004', 'payment', 2150000n, '2026-10-27T16:59:59.000Z'], // line 6: the memo of line 3 went on to line 4
    ]);
    expect(rows.filter((r) => r.partner_id === 'hdbank-utf16be').map((r) => r.memo)).toEqual(['TT tiền điện kỳ 10/2026', 'Nộp tại quầy\nKH: Trần Văn Đức', 'Ghi chú "gấp"']);
    expect(pick('seabank-openxml')).toEqual([
      [2n, 'SEA000001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'],
      [3n, 'SEA000002', 'payment', 500000n, '2026-10-27T02:30:00.000Z'],
    ]);
    expect(pick('smartpay-json')).toEqual([
      [2n, '2610270000000001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'], // 1.25E+6
      [3n, '2610270000000002', 'payment', 500000n, '2026-10-27T02:30:00.000Z'], // "500000.00"
      [4n, '2610270000000003', 'payment', 842300n, '2026-10-27T16:59:59.000Z'],
      [5n, '2610270000000004', 'payment', 842300n, '2026-10-27T16:59:59.000Z'], // 8.423E+5
    ]);
    expect(rows.filter((r) => r.partner_id === 'smartpay-json').map((r) => [r.customer_code, r.memo])).toEqual([
      ['PE0100123456', 'Nguyễn Văn A'], ['PD0100000001', null], ['PE0200654321', null], ['PE0300111222', null],
    ]);
    expect(pick('vimo-mysql')).toEqual([
      [2n, 'VIMO0001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'],
      [3n, 'VIMO0002', 'payment', 500000n, '2026-10-27T02:30:00.000Z'],
      [4n, 'VIMO0003', 'payment', 842300n, '2026-10-27T03:45:00.000Z'],
    ]);
    expect(rows.filter((r) => r.partner_id === 'vimo-mysql').map((r) => r.memo)).toEqual(['TT tien dien | ky 10', null, 'C:\\EVN\\T10']); // \| a pipe, \N NULL, \\ one backslash
    expect(rows.filter((r) => r.partner_id === 'vnpost-bccp').map((r) => [r.line_no, r.txn_ref, r.kind, r.amount_vnd, r.reverses_txn_ref, r.agent_id])).toEqual([
      [2n, '100000-0000001', 'payment', 350000n, null, '100000'],
      [3n, '100000-0000002', 'payment', 1842300n, null, '100000'],
      [4n, '100100-0000001', 'payment', 500000n, null, '100100'], // receipt 0000001 again, at another post office
      [5n, '100000-0000003', 'reversal', 350000n, '100000-0000001', '100000'], // names the original by its office + receipt
      [6n, '100100-0000001', 'reversal', 500000n, null, '100100'], // reuses the original's composite id, kind HUY
      [7n, '100100-0000002', 'payment', 500000n, null, '100100'],
      [9n, '100100-0000003', 'reversal', 99000n, '100100-0000999', '100100'], // names a receipt never sent (matching: orphan_reversal)
    ]);
    expect(await db.all("SELECT line_no, txn_ref, kind, first_line_no FROM duplicate_records WHERE partner_id = 'vnpost-bccp'")).toEqual([
      { line_no: 8n, txn_ref: '100100-0000002', kind: 'payment', first_line_no: 7n },
    ]);
    expect(pick('vnptmoney-bcp')).toEqual([
      [1n, 'VNPT0000000001', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'],
      [2n, 'VNPT0000000002', 'payment', 500000n, '2026-10-26T17:00:00.000Z'], // midnight local
      [3n, 'VNPT0000000003', 'payment', 842300n, '2026-10-27T16:59:59.997Z'], // datetime's .997
    ]);
    expect(rows.filter((r) => r.partner_id === 'vnptmoney-bcp').map((r) => r.memo)).toEqual(['Nguyễn Thị Hương', null, 'Lê Hoàng Yến']);
    expect(rows.some((r) => r.partner_id === 'napas-cut')).toBe(false);
    expect(await db.all("SELECT count(*) AS n FROM quarantined_payments")).toEqual([{ n: 4n }]); // both NAPAS files' valid records wait for release

    const files = await db.all<{ file_name: string; status: string; status_reason: string | null; control_count: bigint | null; control_amount: bigint | null; rejected_amount: bigint | null }>(
      'SELECT file_name, status, status_reason, control_count, control_amount, rejected_amount FROM source_files WHERE control_count IS NOT NULL OR control_amount IS NOT NULL OR status = \'quarantined\' ORDER BY file_name',
    );
    const shown = (t: string | null) => t && t.slice(t.indexOf('/files/') + 7);
    expect(files.map((f) => [f.file_name, f.status, shown(f.status_reason), f.control_count, f.control_amount, f.rejected_amount])).toEqual([
      ['BAOVIETBANK_EVN_20261027.csv', 'loaded', null, 4n, 4742300n, null], // "4.742.300 ₫"
      ['BHX_THUHO_20261027.xlsx', 'loaded', null, 4n, 2592300n, 0n], // the cached SUM left the #VALUE! cell out
      ['COOPBANK_THUHO_20261027.csv', 'loaded', null, 4n, 3495600n, null], // "3.495.600,00", gross of the reversal
      ['HDBANK_EVN_20261027.txt', 'loaded', null, 4n, 4742300n, 842300n], // the 25:10 record's amount
      ['NAPAS_CUT_20261027.csv', 'quarantined', 'NAPAS_CUT_20261027.csv: no trailer/total row found (the profile expects one); no line matches trailer.match /^TRAILER,/: the file may be truncated, or the regex misses its total row, which is then read as a record (see its reject)', null, null, null],
      ['NAPAS_CUT_20261028.csv', 'quarantined', 'NAPAS_CUT_20261028.csv, line 4: trailer states 3 records, the file has 2', 3n, 1750000n, null],
      ['VNPOST_BCCP_20261027.txt', 'loaded', null, 8n, 4641300n, null], // every record, the duplicate and cancellations included
    ]);

    const rejects = await db.all<{ reason: string; message: string }>('SELECT reason, message FROM rejects ORDER BY file_id, line_no');
    expect(rejects.map((r) => [r.reason, shown(r.message)])).toEqual([
      ['bad_amount', 'BHX_THUHO_20261027.xlsx, line 10, field amount (column Số tiền): not a valid amount: got "#VALUE!", expected a whole amount in đồng like 1234567 (grouping none, no decimals)'],
      ['bad_date', 'HDBANK_EVN_20261027.txt, line 5, field paid_at (column Ngày giờ GD): not a valid date: got "2026-10-27 25:10:00", expected a date/time like YYYY-MM-DD HH:mm:ss'],
      ['column_count', 'NAPAS_CUT_20261027.csv, line 4: found 3 columns, expected 5 (TRACE, TIME, CUSTOMER, AMOUNT, MEMO)'],
      ['bad_date', 'SEABANK_EVN_20261027.xlsx, line 4, field paid_at (column Ngày GD): not a valid date: got "31/10/2026 24:00:00", expected a date/time like DD/MM/YYYY HH:mm:ss'],
      ['bad_amount', 'SMARTPAY_EVN_20261027.json, line 6, field amount (column amount): not a valid amount: got "1.5E-1", expected a whole amount in đồng like 1234567.00 (grouping none, decimal ".", fraction zero (VND has no minor unit))'],
      ['bad_amount', 'VNPTMONEY_EVN_20261027.bcp, line 4, field amount (column amount): not a valid amount: got "150000.50", expected a whole amount in đồng like 1234567.00 (grouping none, decimal ".", fraction zero (VND has no minor unit))'],
    ]);
    db.close();
  });
});
