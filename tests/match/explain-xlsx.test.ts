// explain's trail of a payment from an XLSX file: the line is the sheet row, and the raw row is read
// from the workbook's sheet (cells as text), never from the zip's bytes as if they were text lines.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { explainPayment } from '../../src/match/explain.ts';
import { Scratch, openTestDb, withProfile } from '../ingest/helpers.ts';

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
});
