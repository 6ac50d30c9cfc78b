// Field text as partners write it: spaces around values are not part of them, and a record whose
// fields are all empty (only delimiters, or delimiters and spaces) is a blank line, not a record.
// A record missing only its transaction id is still a record, rejected for that field.
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { BASE_PROFILE, HEADER, Scratch, ingestScratch } from './helpers.ts';

describe('field text', () => {
  for (const directMb of ['100000', '0']) {
    it(`trims spaces (not tabs) around values and skips rows of empty fields (${directMb === '0' ? 'direct path' : 'staging copy'})`, async () => {
      const s = new Scratch();
      s.profile(BASE_PROFILE);
      s.file('T_1.csv', [
        HEADER,
        '  A1 , 01/03/2026 08:00:00 ,PE0100123456,  Tiền điện  ,  1.250.000',
        ',,,,',
        ' , ,  , , ',
        ',01/03/2026 09:00:00,PE0100123456,no id,500.000',
        'A3,01/03/2026 10:00:00,\tPE0100123457\t,tab,1.000',
      ].join('\n'));
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      expect(await db.all('SELECT line_no, txn_ref, customer_code, memo, amount_vnd FROM payments ORDER BY line_no')).toEqual([
        { line_no: 2n, txn_ref: 'A1', customer_code: 'PE0100123456', memo: 'Tiền điện', amount_vnd: 1250000n },
        { line_no: 6n, txn_ref: 'A3', customer_code: '\tPE0100123457\t', memo: 'tab', amount_vnd: 1000n },
      ]);
      expect(await db.all('SELECT line_no, field, reason FROM rejects')).toEqual([{ line_no: 5n, field: 'txn_ref', reason: 'missing_field' }]);
      expect(await db.one('SELECT records_read, records_loaded, records_rejected FROM source_files')).toEqual({ records_read: 3n, records_loaded: 2n, records_rejected: 1n });
      db.close();
    });
  }
});

describe('Excel text formulas', () => {
  for (const directMb of ['100000', '0']) {
    it(`reads ="0012345" (Excel's CSV way of keeping a value text) as 0012345 (${directMb === '0' ? 'direct path' : 'staging copy'})`, async () => {
      const s = new Scratch();
      s.profile(BASE_PROFILE);
      s.file('T_1.csv', [
        HEADER,
        // A value holding the delimiter is quoted once more: the field is ="Tiền điện, T3 ""PE0100123456""".
        '="0012345",="01/03/2026 08:00:00",="PE0100123456","=""Tiền điện, T3 """"PE0100123456""""""",="1.250.000"',
        '0012346,01/03/2026 09:00:00,PE0100123457,="",="12a"',
        '="0012345",01/03/2026 10:00:00,PE0100123456,repeat,1.250.000',
        // Padded cells: trimmed, then read as the formula's text.
        ' ="0012347" ,01/03/2026 11:00:00, ="PE0100123458",QR,1.000',
      ].join('\n'));
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      expect(await db.all('SELECT line_no, txn_ref, customer_code, memo, amount_vnd FROM payments ORDER BY line_no')).toEqual([
        { line_no: 2n, txn_ref: '0012345', customer_code: 'PE0100123456', memo: 'Tiền điện, T3 "PE0100123456"', amount_vnd: 1250000n },
        { line_no: 5n, txn_ref: '0012347', customer_code: 'PE0100123458', memo: 'QR', amount_vnd: 1000n },
      ]);
      expect(await db.all('SELECT line_no, field, value, reason FROM rejects')).toEqual([{ line_no: 3n, field: 'amount', value: '12a', reason: 'bad_amount' }]);
      expect(await db.one('SELECT records_read, records_loaded, records_rejected, records_duplicate FROM source_files')).toEqual({ records_read: 4n, records_loaded: 2n, records_rejected: 1n, records_duplicate: 1n });
      db.close();
    });
  }
});

describe('header names', () => {
  it('finds a column whose header cell wraps, doubles a space or uses a no-break space (CSV and XLSX)', async () => {
    const s = new Scratch();
    const profile = { ...BASE_PROFILE, fields: { ...BASE_PROFILE.fields, paid_at: { column: 'Ngày GD', format: 'DD/MM/YYYY HH:mm:ss' }, amount: { column: 'Số tiền (VND)', format: { grouping: '.' } } } };
    s.profile(profile);
    s.profile({ ...profile, id: 'bank-x', file_patterns: ['*.xlsx'], format: { type: 'xlsx' } });
    const header = ['ref', 'Ngày\u00a0 GD', 'customer', 'memo', 'Số tiền\n(VND)'];
    s.file('T_1.csv', `ref,Ngày\u00a0 GD,customer,memo,"Số tiền\n(VND)"\nA1,01/03/2026 08:00:00,PE0100123456,QR,1.250.000\n`);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('GD');
    ws.addRow(header);
    ws.addRow(['X1', new Date(Date.UTC(2026, 2, 1, 9, 0, 0)), 'PE0100123456', 'QR', 500000]);
    await wb.xlsx.writeFile(s.file('bank.xlsx', ''));
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', undefined);
    expect(await db.all('SELECT status FROM source_files ORDER BY file_id')).toEqual([{ status: 'loaded' }, { status: 'loaded' }]);
    const rows = await db.all<{ txn_ref: string; amount_vnd: bigint; paid_at: Date }>('SELECT txn_ref, amount_vnd, paid_at FROM payments ORDER BY txn_ref');
    expect(rows.map((r) => [r.txn_ref, r.amount_vnd, r.paid_at.toISOString()])).toEqual([
      ['A1', 1250000n, '2026-03-01T01:00:00.000Z'],
      ['X1', 500000n, '2026-03-01T02:00:00.000Z'],
    ]);
    db.close();
  });

  it('finds a column whose header cell carries a byte-order mark or a zero-width space (a preamble joined to a CSV that kept its BOM)', async () => {
    const s = new Scratch();
    s.profile({ ...BASE_PROFILE, preamble: { lines: 1 } });
    s.file('T_1.csv', `NGÂN HÀNG X\n\ufeffref,time,customer,memo\u200b,amount\nA1,01/03/2026 08:00:00,PE0100123456,QR,1.250.000\n`);
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', undefined);
    expect(await db.all('SELECT status, status_reason FROM source_files')).toEqual([{ status: 'loaded', status_reason: null }]);
    expect(await db.all('SELECT txn_ref, memo, amount_vnd FROM payments')).toEqual([{ txn_ref: 'A1', memo: 'QR', amount_vnd: 1250000n }]);
    db.close();
  });
});

describe('page breaks', () => {
  const PROFILE = { ...BASE_PROFILE, trailer: { match: '^Tổng cộng', count: { field: 2 }, amount: { field: 5 } } };
  for (const directMb of ['100000', '0']) {
    it(`reads a line repeating the header (a printed export's page break, a joined file's second header after its BOM) as the header, not a record (${directMb === '0' ? 'direct path' : 'staging copy'})`, async () => {
      const s = new Scratch();
      s.profile(PROFILE);
      s.file('T_1.csv', [
        HEADER,
        'A1,01/03/2026 08:00:00,PE0100123456,QR,1.250.000',
        HEADER,
        'A2,01/03/2026 09:00:00,PD0100000001,QR,500.000',
        // Two exports joined into one file: the second's header keeps its byte-order mark.
        `\ufeff${HEADER}`,
        'ref,time,customer,memo,amount,',
        'Tổng cộng,3,,,1.750.000',
      ].join('\n'));
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      expect(await db.all('SELECT line_no, txn_ref FROM payments ORDER BY line_no')).toEqual([{ line_no: 2n, txn_ref: 'A1' }, { line_no: 4n, txn_ref: 'A2' }]);
      // Only the exact header repeats: a line differing from it is a record like any other.
      expect(await db.all('SELECT line_no, field, reason FROM rejects')).toEqual([{ line_no: 6n, field: 'amount', reason: 'bad_amount' }]);
      expect(await db.one('SELECT status, records_read, records_loaded, records_rejected FROM source_files')).toEqual({ status: 'loaded', records_read: 3n, records_loaded: 2n, records_rejected: 1n });
      db.close();
    });
  }

  it('reads a sheet row repeating the header row as the header, not a record (XLSX)', async () => {
    const s = new Scratch();
    s.profile({ ...PROFILE, file_patterns: ['*.xlsx'], format: { type: 'xlsx' } });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('GD');
    ws.addRow(HEADER.split(','));
    ws.addRow(['A1', '01/03/2026 08:00:00', 'PE0100123456', 'QR', 1250000]);
    ws.addRow(HEADER.split(','));
    ws.addRow(['A2', '01/03/2026 09:00:00', 'PD0100000001', 'QR', 500000]);
    ws.addRow(['Tổng cộng', 2, null, null, 1750000]);
    await wb.xlsx.writeFile(s.file('bank.xlsx', ''));
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', undefined);
    expect(await db.one('SELECT status, records_read, records_loaded FROM source_files')).toEqual({ status: 'loaded', records_read: 2n, records_loaded: 2n });
    db.close();
  });
});

describe('customer codes written grouped or in lower case', () => {
  it('stores PE01-00-123456, pe0100 123456 and PD 01 00 000001 as the code, and keeps values that are no code, or would join digits, as written', async () => {
    const s = new Scratch();
    s.profile(BASE_PROFILE);
    const codes = [
      ['PE01-00-123456', 'PE0100123456'],
      ['pe0100 123456', 'PE0100123456'],
      ['PE0100.1234567', 'PE01001234567'],
      ['PD 01 00 000001', 'PD0100000001'],
      ['pd0100\u00a0000001', 'PD0100000001'],
      ['pq0200123456', 'PQ0200123456'],
      // a separator inside the customer number: joining would read another customer's code
      ['PE0100123456 7', 'PE0100123456 7'],
      ['PE0100-1234-56', 'PE0100-1234-56'],
      ['KH PE0100123456', 'KH PE0100123456'],
      ['PZ01-00-123456', 'PZ01-00-123456'],
      ['0912 345 678', '0912 345 678'],
    ];
    s.file('T_1.csv', [HEADER, ...codes.map(([c], i) => `A${i},01/03/2026 08:00:00,${c},,1.000`)].join('\n'));
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', undefined);
    const rows = await db.all<{ customer_code: string }>('SELECT customer_code FROM payments ORDER BY line_no');
    expect(rows.map((r) => r.customer_code)).toEqual(codes.map(([, want]) => want));
    db.close();
  });
});

describe('no-break spaces around values', () => {
  for (const directMb of ['100000', '0']) {
    it(`reads values padded with U+00A0 (a web page saved as CSV) as the values, and a row of them as blank (${directMb === '0' ? 'direct path' : 'staging copy'})`, async () => {
      const s = new Scratch();
      s.profile({ ...BASE_PROFILE, fields: { ...BASE_PROFILE.fields, reverses_txn_ref: { column: 'orig' }, amount: { column: 'amount', format: { grouping: '.', allow_negative: true } } } });
      const nb = '\u00a0';
      s.file('T_1.csv', [
        `${HEADER},orig`,
        `A1${nb},01/03/2026 08:00:00${nb},${nb}PE0100123456${nb},Tiền${nb}điện,1.250.000${nb},${nb}`,
        `${nb},${nb} ,${nb},${nb},${nb},${nb}`,
        `R1,02/03/2026 08:00:00,PE0100123456,HUY,-1.250.000,A1${nb}`,
      ].join('\n'));
      const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);
      expect(await db.all('SELECT line_no, txn_ref, kind, customer_code, memo, amount_vnd, reverses_txn_ref FROM payments ORDER BY line_no')).toEqual([
        { line_no: 2n, txn_ref: 'A1', kind: 'payment', customer_code: 'PE0100123456', memo: `Tiền${nb}điện`, amount_vnd: 1250000n, reverses_txn_ref: null },
        { line_no: 4n, txn_ref: 'R1', kind: 'reversal', customer_code: 'PE0100123456', memo: 'HUY', amount_vnd: 1250000n, reverses_txn_ref: 'A1' },
      ]);
      expect(await db.one('SELECT records_read, records_loaded, records_rejected FROM source_files')).toEqual({ records_read: 2n, records_loaded: 2n, records_rejected: 0n });
      db.close();
    });
  }
});

describe('a column name the header repeats', () => {
  it('fails the file naming both positions instead of reading the first (a fee) as the amount; the columns can be named in the profile', async () => {
    const s = new Scratch();
    const profile = { ...BASE_PROFILE, file_patterns: ['GW_*.csv'], fields: { ...BASE_PROFILE.fields, memo: undefined } };
    s.profile(profile);
    s.file('GW_1.csv', 'ref,time,customer,amount,fee_label,amount\nG1,01/03/2026 08:15:00,PE0100123456,3.300,phí,1.250.000\n');
    const db = await ingestScratch(s, 'RECON_INGEST_DIRECT_MB', undefined);
    expect(await db.all('SELECT status, status_reason FROM source_files')).toEqual([
      { status: 'failed', status_reason: expect.stringMatching(/GW_1\.csv: column "amount" named by fields\.amount\.column is in the header 2 times \(columns 4, 6\)/) },
    ]);
    expect(await db.all('SELECT count(*) AS n FROM payments')).toEqual([{ n: 0n }]);
    db.close();
    const named = new Scratch();
    named.profile({ ...profile, preamble: { lines: 1 }, header: { type: 'none', columns: ['ref', 'time', 'customer', 'fee', 'fee_label', 'amount'] } });
    named.file('GW_1.csv', 'ref,time,customer,amount,fee_label,amount\nG1,01/03/2026 08:15:00,PE0100123456,3.300,phí,1.250.000\n');
    const db2 = await ingestScratch(named, 'RECON_INGEST_DIRECT_MB', undefined);
    expect(await db2.all('SELECT txn_ref, amount_vnd FROM payments')).toEqual([{ txn_ref: 'G1', amount_vnd: 1250000n }]);
    db2.close();
  });
});
