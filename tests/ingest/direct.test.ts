// The direct path (a UTF-8 file whose records are each one physical line, read in place with no
// staging copy) must give exactly the tables of the staging path: physical line numbers across a
// preamble, blank and empty lines, a skipped line, rows the CSV reader refuses, a bad amount, a
// repeat and a trailer; row positions map to lines only if rows come in file order.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { HEADER, ingestScratch, Scratch, withProfile } from './helpers.ts';

const row = (ref: string, amount: string) => `${ref},01/02/2026 08:00:00,PE0100123456,QR ${ref},${amount}`;

function lines(eol: string): string {
  const body: string[] = ['Ngân hàng T', 'Sao kê ngày 01/02/2026', HEADER, ''];
  for (let i = 1; i <= 300; i++) {
    body.push(row(`D${i}`, `${i}.000`));
    if (i === 7) body.push('');
    if (i === 40) body.push('   ');
    if (i === 55) body.push('-- trang 2 --');
    if (i === 80) body.push('D80X,01/02/2026 08:00:00,PE0100123456'); // too few columns
    if (i === 81) body.push('D81X,01/02/2026 08:00:00,PE0100123456,QR,1.000,extra');
    if (i === 120) body.push(row('D120B', '12,3a4'));
    if (i === 150) body.push(row('D3', '3.000')); // repeat of D3
    if (i === 200) body.push('', '');
  }
  const total = 300 * 301 / 2 * 1000 + 3000;
  body.push(`Tổng cộng: 304 giao dịch,,,,${total.toLocaleString('de-DE')}`);
  return body.join(eol) + eol;
}

const profile = withProfile({
  preamble: { lines: 2 },
  skip: ['^-- trang'],
  trailer: { match: '^Tổng cộng', count: { regex: '(\\d+) giao dịch' }, amount: { field: 5 } },
});

const ingest = (s: Scratch, directMb: string) => ingestScratch(s, 'RECON_INGEST_DIRECT_MB', directMb);

async function tables(db: Database) {
  const q = (sql: string) => db.all(sql);
  return {
    files: await q(`SELECT file_id, status, records_read, records_loaded, records_rejected, records_duplicate, amount_read,
                           control_count, control_amount, rejected_amount, status_reason FROM source_files ORDER BY file_id`),
    payments: await q('SELECT payment_id, file_id, line_no, txn_ref, kind, paid_at, amount_vnd, memo FROM payments ORDER BY payment_id'),
    rejects: await q('SELECT file_id, line_no, field, value, reason, message, raw FROM rejects ORDER BY file_id, line_no'),
    duplicates: await q('SELECT * FROM duplicate_records ORDER BY file_id, line_no'),
  };
}

describe('direct path', () => {
  const dbs: Database[] = [];
  afterEach(() => {
    delete process.env.RECON_INGEST_DIRECT_MB;
    for (const db of dbs.splice(0)) db.close();
  });

  for (const [name, eol] of [['LF', '\n'], ['CRLF', '\r\n']] as const) {
    it(`gives the staging path's tables, line numbers included (${name})`, async () => {
      const s = new Scratch();
      s.profile(profile);
      s.file('T_1.csv', lines(eol));
      const staged = await ingest(s, '100000');
      const direct = await ingest(s, '0');
      dbs.push(staged, direct);
      // Each took the path meant (the direct path types into its own table).
      const typedDirect = (db: Database) => db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'ingest_typed_direct'`);
      expect(await typedDirect(staged)).toHaveLength(0);
      expect(await typedDirect(direct)).toHaveLength(1);
      const a = await tables(staged);
      const b = await tables(direct);
      expect(b).toEqual(a);
      // The expected accounting, so equality is not two equal mistakes.
      expect(a.files[0]).toMatchObject({ status: 'loaded', records_read: 304n, records_loaded: 300n, records_rejected: 3n, records_duplicate: 1n });
      expect(a.rejects.map((r) => r.line_no)).toEqual([4n + 80n + 4n, 4n + 81n + 5n, 4n + 120n + 6n]);
      const d200 = a.payments.find((p) => p.txn_ref === 'D201');
      expect(d200?.line_no).toBe(4n + 201n + 7n + 2n);
    });
  }

  it('falls back to staging when a record spans lines', async () => {
    const s = new Scratch();
    s.profile(withProfile({}));
    s.file('T_1.csv', [HEADER, row('A1', '1.000'), 'A2,01/02/2026 08:00:00,PE0100123456,"QR\nhai dòng",2.000', row('A3', '3.000')].join('\n'));
    const staged = await ingest(s, '100000');
    const direct = await ingest(s, '0');
    dbs.push(staged, direct);
    expect(await tables(direct)).toEqual(await tables(staged));
    expect((await tables(direct)).payments.map((p) => p.line_no)).toEqual([2n, 3n, 5n]);
  });
});
