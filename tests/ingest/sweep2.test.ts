// A second sweep of partner file shapes (tests/ingest/fixtures/sweep2; the files are written by its
// gen.mts), each with a profile of documented keys only: what a partner's engineer writes from the
// README for a file nobody on the team wrote. Every record is loaded or rejected as the partner
// meant, amounts in whole đồng, times stored in UTC from the zone the file writes them in.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ingestFiles, loadProfiles } from '../../src/ingest/index.ts';
import { openTestDb } from './helpers.ts';

const dir = fileURLToPath(new URL('./fixtures/sweep2/', import.meta.url));

describe('a second sweep of partner file shapes', () => {
  it('loads each file as the partner meant it', async () => {
    const { db, run } = await openTestDb();
    const summary = await ingestFiles(db, run, [`${dir}files`], { profiles: loadProfiles(`${dir}partners`) });
    expect(summary.files.map((f) => [f.partner_id, f.status, f.records_read, f.records_loaded, f.records_rejected, f.records_duplicate])).toEqual([
      ['ecpay-sqlserver', 'loaded', 3, 3, 0, 0], // SQL Server export: datetime2(7), NULL written out
      ['gateway-card', 'loaded', 4, 3, 1, 0], // CR-only lines, month-first 12-hour UTC times, (1,250,000.00), Declined
      ['lpbank-fixed', 'loaded', 3, 3, 0, 0], // fixed width UTF-8 padded by characters, 1,250,000 right-aligned, TOTAL line
      ['momo-csv', 'loaded', 4, 3, 1, 0], // sep=;, 20261027T081500, NBSP grouping, trailing ';', no final newline, empty amount
      ['payoo-psql', 'loaded', 3, 3, 0, 0], // psql aligned output: padded cells, dashed rule, "(3 rows)", +07 / +00
      ['sacombank-summary', 'loaded', 3, 3, 0, 0], // summary block: count and sum on lines of their own, signatures
      ['shb-xlsx', 'loaded', 3, 3, 0, 0], // XLSX: inline strings, root-relative parts (openpyxl), second sheet by name
      ['vietinbank-core', 'loaded', 3, 3, 0, 0], // COBOL: implied decimals with the sign after them (000000125000000+), H/D/T
      ['vietqr-ndjson', 'loaded', 3, 3, 0, 0], // NDJSON from .NET: BOM, CRLF, DateTimeOffset with 7-digit fractions
      ['viettelpost-csv', 'loaded', 4, 3, 1, 0], // header in other case/spaces, blank and repeated names, DD-MMM-YYYY, 31-Sep
      ['vnpay-fraction', 'loaded', 5, 5, 0, 0], // fractions of any length (.5, .25, .1234567) and none
    ]);
    const rows = await db.all<{ partner_id: string; txn_ref: string; kind: string; amount_vnd: bigint; paid_at: Date; settled_on: Date | null; customer_code: string | null; memo: string | null }>(
      'SELECT partner_id, txn_ref, kind, amount_vnd, paid_at, settled_on, customer_code, memo FROM payments ORDER BY partner_id, line_no',
    );
    const pick = (id: string) => rows.filter((r) => r.partner_id === id).map((r) => [r.txn_ref, r.kind, r.amount_vnd, r.paid_at.toISOString()]);
    expect(pick('ecpay-sqlserver')[2]).toEqual(['EC000003', 'payment', 842300n, '2026-10-27T16:59:59.999Z']); // 23:59:59.9999999 local, never the next day
    expect(await db.all("SELECT txn_ref, memo, agent_id FROM payments WHERE partner_id = 'ecpay-sqlserver' ORDER BY line_no")).toEqual([
      { txn_ref: 'EC000001', memo: null, agent_id: 'AG001' }, { txn_ref: 'EC000002', memo: 'Thu ho tien dien', agent_id: 'AG002' }, { txn_ref: 'EC000003', memo: null, agent_id: null },
    ]); // null_values: SSMS's NULL is no memo
    expect(pick('gateway-card')).toEqual([
      ['TX-0000001', 'payment', 1250000n, '2026-10-27T01:15:30.000Z'], // 10/27/2026 01:15:30 AM UTC
      ['TX-0000002', 'payment', 500000n, '2026-10-27T12:05:00.000Z'],
      ['TX-0000004', 'reversal', 1250000n, '2026-10-26T23:30:00.000Z'], // (1,250,000.00)
    ]);
    expect(pick('lpbank-fixed')[2]).toEqual(['LPB000000003', 'payment', 842300n, '2026-10-27T16:59:59.000Z']);
    expect(pick('momo-csv').map((r) => [r[0], r[2], r[3]])).toEqual([
      ['MM27100001', 1250000n, '2026-10-27T01:15:00.000Z'], ['MM27100002', 500000n, '2026-10-26T17:00:00.000Z'], ['MM27100003', 842300n, '2026-10-27T16:59:59.000Z'],
    ]);
    expect(pick('payoo-psql').map((r) => r[3])).toEqual(['2026-10-27T01:30:00.000Z', '2026-10-27T01:05:00.000Z', '2026-10-27T16:59:59.000Z']);
    expect(pick('shb-xlsx')).toEqual([
      ['0012345', 'payment', 1250000n, '2026-10-27T01:15:00.000Z'], ['0012346', 'payment', 500000n, '2026-10-26T17:00:01.000Z'], ['0012347', 'payment', 842300n, '2026-10-27T16:59:59.000Z'],
    ]);
    expect(rows.filter((r) => r.partner_id === 'shb-xlsx').map((r) => r.settled_on?.toISOString().slice(0, 10))).toEqual(['2026-10-27', '2026-10-27', '2026-10-28']);
    expect(pick('vietqr-ndjson').map((r) => r[3])).toEqual(['2026-10-27T01:30:00.000Z', '2026-10-27T01:05:00.123Z', '2026-10-27T16:59:59.999Z']);
    expect(pick('viettelpost-csv').map((r) => [r[0], r[2], r[3]])).toEqual([
      ['VTP-001', 1250000n, '2026-10-27T03:15:00.000Z'], ['VTP-002', 500000n, '2026-10-27T07:05:00.000Z'], ['VTP-003', 842300n, '2026-10-27T16:59:00.000Z'],
    ]);
    expect(pick('vnpay-fraction').map((r) => r[3])).toEqual([
      '2026-10-27T03:15:00.500Z', '2026-10-27T03:15:00.250Z', '2026-10-27T03:15:00.125Z', '2026-10-27T03:15:01.123Z', '2026-10-27T03:15:02.000Z',
    ]);
    expect(pick('vietinbank-core').map((r) => [r[1], r[2]])).toEqual([['payment', 1250000n], ['payment', 500000n], ['reversal', 1250000n]]);
    expect(rows.find((r) => r.txn_ref === 'LPB000000001')!.memo).toBe('Nguyễn Thị Hương');
    expect(rows.find((r) => r.txn_ref === 'MM27100002')!.memo).toBe('Tiền điện; tháng 10');
    expect(await db.all('SELECT partner_id, control_count, control_amount, rejected_amount FROM source_files WHERE control_count IS NOT NULL ORDER BY file_id')).toEqual([
      { partner_id: 'lpbank-fixed', control_count: 3n, control_amount: 2592300n, rejected_amount: null },
      { partner_id: 'momo-csv', control_count: 4n, control_amount: 3092300n, rejected_amount: 500000n }, // the empty amount's share of the stated sum
      { partner_id: 'payoo-psql', control_count: 3n, control_amount: null, rejected_amount: null },
      { partner_id: 'sacombank-summary', control_count: 3n, control_amount: 2592300n, rejected_amount: null },
      { partner_id: 'vietinbank-core', control_count: 3n, control_amount: 500000n, rejected_amount: null }, // signed: 1.250.000 + 500.000 − 1.250.000
    ]);
    const rejects = await db.all<{ reason: string; message: string }>('SELECT reason, message FROM rejects ORDER BY file_id, line_no');
    expect(rejects.map((r) => [r.reason, r.message.slice(r.message.indexOf('/files/') + 7)])).toEqual([
      ['not_paid', 'GATEWAY_SETTLEMENT_20261027.csv, line 4, field status (column Status): not a completed payment: got "Declined", expected one of the statuses of a completed payment (fields.status.paid): "Settled"'],
      ['missing_field', 'MOMO_EVN_20261027.csv, line 6, field amount (column Số tiền): missing: got "", expected a whole amount in đồng like 1 234 567 (grouping " ", no decimals)'],
      ['bad_date', 'VIETTEL_POST_20261027.csv, line 5, field paid_at (column Thời gian thu): not a valid date: got "31-Sep-2026 10:00", expected a date/time like DD-MMM-YYYY HH:mm'],
    ]);
    db.close();
  });
});
