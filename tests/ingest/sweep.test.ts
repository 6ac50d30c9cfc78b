// Partner files in shapes the production profiles do not cover, each with a profile of documented
// keys only (tests/ingest/fixtures/sweep; the files are written by its gen.mts): every record is
// loaded or rejected as the partner meant, amounts in whole đồng, times stored in UTC.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { openTestDb } from './helpers.ts';

const dir = fileURLToPath(new URL('./fixtures/sweep/', import.meta.url));

describe('a sweep of partner file shapes', () => {
  it('loads each file as the partner meant it', async () => {
    const { db, run } = await openTestDb();
    const summary = await ingestFiles(db, run, [`${dir}files`], { profiles: loadProfiles(`${dir}partners`) });
    expect(summary.files.map((f) => [f.partner_id, f.status, f.records_read, f.records_loaded, f.records_rejected])).toEqual([
      ['agribank-core', 'loaded', 4, 4, 0], // fixed width, C/D column, credit and debit totals
      ['bidv-saoke', 'loaded', 5, 5, 0], // XLSX, letterhead, two-row merged header, Ghi nợ/Ghi có, total row
      ['fptshop-thuho', 'loaded', 4, 4, 0], // repeated page headers, h:mm AM/PM, 350.000đ, total row
      ['napas-pipe', 'loaded', 3, 3, 0], // JDBC timestamps (…:00.0), TOTAL| trailer
      ['payoo-api', 'loaded', 3, 3, 0], // envelope data.items, Z and +07:00, totals in the envelope
      ['shopeepay-ndjson', 'loaded', 4, 3, 1], // NDJSON, epoch ms, nested payer, a FAILED attempt
      ['tcb-statement', 'loaded', 5, 5, 0], // BOM + CRLF, decimal comma, Nợ/Có, DD/MM/YY, closing balance
      ['viettelmoney-csv', 'loaded', 4, 4, 0], // "VND 1,250,000-", backslash escapes, VietQR memo
      ['vnpost-thuho', 'loaded', 4, 4, 0], // Windows-1258 combining tones, H/D/T pipe records
      ['vpbank-xlsx', 'loaded', 3, 3, 0], // XLSX text cells "05-Oct-2026 08:30:15", "1.250.000 đ"
      ['zalopay-unicode', 'loaded', 4, 3, 1], // UTF-16LE tabs, SA/CH, quoted line break, Thất bại
    ]);
    const rows = await db.all<{ partner_id: string; txn_ref: string; kind: string; amount_vnd: bigint; paid_at: Date; customer_code: string | null }>(
      'SELECT partner_id, txn_ref, kind, amount_vnd, paid_at, customer_code FROM payments ORDER BY partner_id, line_no',
    );
    const pick = (id: string) => rows.filter((r) => r.partner_id === id).map((r) => [r.txn_ref, r.kind, r.amount_vnd, r.paid_at.toISOString()]);
    expect(pick('agribank-core')[2]).toEqual(['2610050000000003', 'reversal', 1250000n, '2026-10-05T03:15:00.000Z']);
    expect(pick('bidv-saoke')[3]).toEqual(['FT26278000004', 'reversal', 1250000n, '2026-10-05T07:45:59.000Z']);
    expect(pick('fptshop-thuho')[2]).toEqual(['FS0102-PT0000001', 'payment', 153300n, '2026-10-04T17:45:00.000Z']); // 12:45 AM
    expect(pick('napas-pipe')[0]).toEqual(['000001', 'payment', 1250000n, '2026-10-05T01:30:00.000Z']);
    expect(pick('payoo-api').map((r) => r[3])).toEqual(['2026-10-05T01:30:00.000Z', '2026-10-05T01:30:00.000Z', '2026-10-05T16:59:59.999Z']);
    expect(pick('shopeepay-ndjson')[2]).toEqual(['SP2610050004', 'refund', 1250000n, '2026-10-05T04:00:00.000Z']);
    expect(pick('tcb-statement')[4]).toEqual(['TCB2610050005', 'payment', 1234567n, '2026-10-05T10:45:00.000Z']);
    expect(pick('viettelmoney-csv')[2]).toEqual(['VTM000003', 'reversal', 1250000n, '2026-10-05T03:00:00.000Z']);
    expect(pick('vnpost-thuho')[0]).toEqual(['BC700000-000123', 'payment', 350000n, '2026-10-05T00:45:00.000Z']);
    expect(pick('vpbank-xlsx')[2]).toEqual(['VPB0000000003', 'payment', 842300n, '2026-10-05T16:59:59.000Z']);
    expect(pick('zalopay-unicode')[1]).toEqual(['261005000000124', 'payment', 500000n, '2026-10-05T05:30:00.000Z']); // 12:30:00 CH
    expect(rows.find((r) => r.txn_ref === 'SP2610050002')!.customer_code).toBe('PD0100000001'); // written pd0100000001
    expect(await db.all("SELECT memo FROM payments WHERE txn_ref = 'BC700000-000123'")).toEqual([{ memo: 'TT TIỀN ĐIỆN PE0100123456 KỲ 10/2026 Nguyễn Văn Ánh'.normalize('NFC') }]);
    expect(await db.all('SELECT partner_id, control_count, control_amount FROM source_files WHERE control_amount IS NOT NULL ORDER BY file_id')).toEqual([
      { partner_id: 'agribank-core', control_count: 4n, control_amount: 2650000n },
      { partner_id: 'bidv-saoke', control_count: 5n, control_amount: 3391300n },
      { partner_id: 'fptshop-thuho', control_count: 4n, control_amount: 4345600n },
      { partner_id: 'napas-pipe', control_count: 3n, control_amount: 2592300n },
      { partner_id: 'payoo-api', control_count: 3n, control_amount: 2592300n },
      { partner_id: 'tcb-statement', control_count: null, control_amount: 1854567n },
      { partner_id: 'vnpost-thuho', control_count: 4n, control_amount: 4345600n },
      { partner_id: 'vpbank-xlsx', control_count: 3n, control_amount: 2592300n },
    ]);
    db.close();
  });
});
