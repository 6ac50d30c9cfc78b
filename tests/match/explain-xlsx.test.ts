// explain's trail of a payment from an XLSX file: the line is the sheet row, and the raw row is read
// from the workbook's sheet (cells as text), never from the zip's bytes as if they were text lines.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { explainPayment } from '../../src/match/explain.ts';
import { Scratch, openTestDb, withProfile } from '../ingest/helpers.ts';
import { rewriteXlsx } from '../support/xlsx-zip.ts';

const PROFILE = withProfile({
  file_patterns: ['*.xlsx'],
  format: { type: 'xlsx', sheet: 'GD' },
  preamble: { lines: 2 },
  fields: {
    txn_ref: { column: ['Đại lý', 'Biên lai'], separator: '-' },
    paid_at: { column: 'Thời gian', format: 'DD/MM/YYYY HH:mm:ss' },
    amount: { column: 'Số tiền', format: { grouping: '.', decimal: null } },
    customer_code: { column: 'Mã KH' },
    memo: { column: 'Diễn giải' },
  },
});

describe('recon explain on an XLSX partner file', () => {
  it('shows the sheet and the row the record came from, its cells as text', async () => {
    const s = new Scratch();
    s.profile(PROFILE);
    const wb = new ExcelJS.Workbook();
    // A summary tab before the data, whose row 4 is something else entirely.
    const summary = wb.addWorksheet('Tổng hợp');
    for (const r of [['Báo cáo'], [], [], ['A1', 'B1', 'C1']]) summary.addRow(r);
    const ws = wb.addWorksheet('GD');
    ws.addRow(['Sao kê thu hộ tiền điện']);
    ws.addRow([]);
    ws.addRow(['Đại lý', 'Biên lai', 'Thời gian', 'Mã KH', 'Số tiền', 'Diễn giải']);
    ws.addRow(['DL01', '0001', '05/03/2026 10:00:00', 'PE0100000001', '100.000', 'Tiền điện, kỳ 03\nNguyễn "Văn" A']);
    ws.addRow(['DL01', '0002', new Date(Date.UTC(2026, 2, 5, 11, 30, 0)), 'PE0100000002', 250000, 'ok']);
    await wb.xlsx.writeFile(s.file('T_EVN_202603.xlsx', ''));
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });

    const first = await explainPayment(db, { partnerId: 'bank-t', txnRef: 'DL01-0001' });
    expect(first?.records[0]?.source).toMatchObject({ file: 'T_EVN_202603.xlsx', line: 4, sheet: 'GD', raw: 'DL01,0001,05/03/2026 10:00:00,PE0100000001,100.000,"Tiền điện, kỳ 03\nNguyễn ""Văn"" A"' });
    const second = await explainPayment(db, { partnerId: 'bank-t', txnRef: 'DL01-0002' });
    expect(second?.records[0]?.source).toMatchObject({ line: 5, sheet: 'GD', raw: 'DL01,0002,2026-03-05 11:30:00,PE0100000002,250000,ok' });
    db.close();
  });

  it('shows a date cell stating an instant (ISO text with an offset) in the profile\'s time zone, as ingest read it', async () => {
    const s = new Scratch();
    // A partner stamping its times in UTC; its workbook stores them as ISO text (t="d"), as SheetJS writes Date values.
    s.profile(withProfile({ id: 'gw-utc', file_patterns: ['UTC_*.xlsx'], format: { type: 'xlsx', sheet: 1 },
      fields: { txn_ref: { column: 'Mã GD' }, paid_at: { column: 'Thời gian', format: 'DD/MM/YYYY HH:mm:ss', timezone: 'UTC' },
        amount: { column: 'Số tiền', format: { grouping: '', decimal: null } }, customer_code: { column: 'Mã KH' } } }));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('GD');
    ws.addRow(['Mã GD', 'Thời gian', 'Mã KH', 'Số tiền']);
    ws.addRow(['U1', new Date(Date.UTC(2000, 0, 1)), 'PE0100000001', 100000]).getCell(2).numFmt = 'dd/mm/yyyy hh:mm:ss';
    const book = await rewriteXlsx(await wb.xlsx.writeBuffer(), {
      edit: (n, t) => (n === 'xl/worksheets/sheet1.xml' ? t.replace(/<c r="B2"([^>]*)><v>[^<]*<\/v><\/c>/, '<c r="B2"$1 t="d"><v>2026-10-27T02:30:00.000Z</v></c>') : undefined),
    });
    s.file('UTC_20261027.xlsx', book);
    const { db, run } = await openTestDb();
    await ingestFiles(db, run, [s.files], { profiles: loadProfiles(s.profiles) });
    const paid = await db.one<{ t: string }>("SELECT strftime(timezone('UTC', paid_at), '%Y-%m-%d %H:%M:%S') AS t FROM payments WHERE txn_ref = 'U1'");
    expect(paid?.t).toBe('2026-10-27 02:30:00');
    const e = await explainPayment(db, { partnerId: 'gw-utc', txnRef: 'U1' }, { profiles: s.profiles });
    // 02:30 in the partner's zone (UTC), as loaded, not 09:30 as in Asia/Ho_Chi_Minh.
    expect(e?.records[0]?.source).toMatchObject({ line: 2, sheet: 'GD', raw: 'U1,2026-10-27 02:30:00,PE0100000001,100000' });
    db.close();
  });
});
