// Two months of partner files in one database: each period's report counts only the files of its
// period (period_files, sql/common/period_files.sql; README "KPI glossary", "files of a period").
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { runExport } from '../../src/reports/export.ts';
import { computeKpis, type ReportKpis } from '../../src/reports/kpis.ts';
import { fixtureDb } from './fixture.ts';

let db: Database;
let jan: ReportKpis;
let feb: ReportKpis;
const dir = mkdtempSync(join(tmpdir(), 'recon-period-files-'));

beforeAll(async () => {
  // The fixture's January (files 1–5), then February's files, received after January was closed.
  db = await fixtureDb();
  const files: Array<[number, string, string, string, number, number, number, number, string]> = [
    // file, partner, status, sha, read, loaded, rejected, duplicate, received (local)
    [6, 'vcb', 'loaded', 'sha6', 4, 2, 1, 1, '2026-02-12 08:00:00'],
    // Only a duplicate record: dated by the record it repeats (file 6, line 2).
    [7, 'vcb', 'loaded', 'sha7', 1, 0, 0, 1, '2026-02-13 08:00:00'],
    // Nothing dated: read failed; received in February.
    [8, 'momo', 'failed', 'sha8', 0, 0, 0, 0, '2026-02-15 08:00:00'],
    // Nothing dated: file 6 delivered again in April; it goes with file 6.
    [9, 'vcb', 'skipped_duplicate', 'sha6', 0, 0, 0, 0, '2026-04-01 08:00:00'],
    // Quarantined: its waiting record was paid in February.
    [10, 'agent1', 'quarantined', 'sha10', 1, 0, 0, 0, '2026-02-20 08:00:00'],
  ];
  for (const [id, partner, status, sha, read, loaded, rejected, dup, received] of files) {
    await db.run(
      `INSERT INTO source_files (file_id, kind, partner_id, path, file_name, sha256, bytes, records_read, records_loaded,
         records_rejected, records_duplicate, status, run_id, loaded_at)
       VALUES ($1, 'partner', $2, $3, $3, $4, 100, $5, $6, $7, $8, $9, 'r2', timezone('Asia/Ho_Chi_Minh', $10::TIMESTAMP))`,
      [id, partner, `f${id}.csv`, sha, read, loaded, rejected, dup, status, received],
    );
  }
  for (const [id, file, line, txn, paidAt] of [
    [20, 6, 2, 'T20', '2026-02-10T09:00:00+07:00'],
    [21, 6, 3, 'T21', '2026-02-11T09:00:00+07:00'],
  ] as const) {
    await db.run(
      `INSERT INTO payments VALUES ($1, $2, $3, 'vcb', $4, 'payment', $5::TIMESTAMPTZ, NULL, 'PD01000000001', NULL, NULL, 1000, NULL, 'transfer', NULL)`,
      [id, file, line, txn, paidAt],
    );
  }
  await db.run(`INSERT INTO duplicate_records VALUES (6, 4, 'vcb', 'T20', 'payment', 6, 2), (7, 2, 'vcb', 'T21', 'payment', 6, 3)`);
  await db.run(`INSERT INTO rejects (file_id, line_no, field, value, reason, message, raw) VALUES (6, 5, 'paid_at', '31/02/2026', 'bad_date', 'no such date', 'raw6')`);
  await db.run(
    `INSERT INTO quarantined_payments VALUES (10, 2, 'agent1', 'A9', 'payment', '2026-02-05T09:00:00+07:00'::TIMESTAMPTZ, NULL, 'PD01000000002', NULL, NULL, 5000, NULL, 'cash', NULL)`,
  );
  jan = await computeKpis(db, '2026-01', '2026-02-28');
  feb = await computeKpis(db, '2026-02', '2026-03-31');
});
afterAll(() => db.close());

describe('the partner files of a period, two months in one database', () => {
  it("keeps February's files out of January's report", () => {
    // As before February's files came: files 1–4 (file 5 holds only a March payment).
    expect(jan.data_quality).toMatchObject({
      files: 4, files_loaded: 2, files_quarantined: 1, files_skipped_duplicate: 1, files_failed: 0, files_unrecognised: 0,
      records_read: 19, records_rejected: 1, records_duplicate: 1, records_quarantined: 5,
      rejects_by_reason: [{ reason: 'bad_amount', records: 1 }],
    });
    expect(jan.partner_scorecard.find((p) => p.partner_id === 'vcb')).toMatchObject({ files: 2, records_read: 10, records_rejected: 1, records_duplicate: 1 });
  });

  it("counts February's files in February's report, undated ones by their fallback", () => {
    // February: files 1 (T2 01/02, T3 20/02), 2 (M2 28/02 23:59:59 local), 4 (file 1's bytes),
    // 6 (T20, T21), 7 (a duplicate of T21), 8 (failed, received 15/02), 9 (file 6's bytes, received
    // in April), 10 (quarantined, A9 05/02). Not 3 (A2 is 01/03 local) nor 5 (E1 02/03).
    expect(feb.data_quality).toMatchObject({
      files: 8, files_loaded: 3, files_quarantined: 2, files_skipped_duplicate: 2, files_failed: 1, files_unrecognised: 0,
      records_read: 10 + 5 + 4 + 1 + 1, records_loaded: 8 + 0 + 2, records_rejected: 2, records_duplicate: 1 + 1 + 1,
      // Held in the two quarantined files (the fixture's file 2: 5 records; file 10: 1), so that
      // read = loaded + rejected + duplicate + held: 21 = 10 + 2 + 3 + 6.
      records_quarantined: 5 + 1,
      rejects_by_reason: [{ reason: 'bad_amount', records: 1 }, { reason: 'bad_date', records: 1 }],
    });
    expect(feb.partner_scorecard.find((p) => p.partner_id === 'vcb')).toMatchObject({ files: 5, records_read: 15, records_rejected: 2, records_duplicate: 3 });
    expect(feb.partner_scorecard.find((p) => p.partner_id === 'agent1')).toMatchObject({ files: 1, records_read: 1 });
  });

  it('caps the files at the as-of date, as it caps the payments', async () => {
    const early = await computeKpis(db, '2026-02', '2026-02-09');
    // File 1 (T2 01/02) and its second delivery 4; file 10 (A9 05/02). Not 6/7/9 (paid 10–11/02)
    // nor 8 (received 15/02).
    expect(early.data_quality).toMatchObject({ files: 3, files_quarantined: 1, files_skipped_duplicate: 1 });
  });

  it('lists the rejects of the period\'s files in the rejects export', async () => {
    await runExport(db, { dataset: 'rejects', period: '2026-01', format: 'json', out: join(dir, 'jan.json') });
    await runExport(db, { dataset: 'rejects', period: '2026-02', format: 'json', out: join(dir, 'feb.json') });
    const lines = (f: string) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as Array<{ file_id: number; source_line: number }>).map((r) => [r.file_id, r.source_line]);
    expect(lines('jan.json')).toEqual([[1, 7]]);
    expect(lines('feb.json')).toEqual([[1, 7], [6, 5]]);
  });
});
