// `recon explain` lists a payment's rejected records by the id read from them, not by every id
// their text holds: a rejected record's memo that names another payment is not that payment.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recon } from '../support/cli.ts';
import { SAMPLE } from '../support/sample-close.ts';

describe('recon explain and rejected records', () => {
  it('finds a rejected record by its own id, not by an id its memo names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-explain-rejected-'));
    mkdirSync(join(dir, 'billing'));
    mkdirSync(join(dir, 'partners'));
    for (const f of ['customers.csv', 'invoices-2026-02.csv']) copyFileSync(join(SAMPLE, 'billing', f), join(dir, 'billing', f));
    // Agribank's February file with one more record: a bad date, its memo naming a loaded payment.
    const lines = readFileSync(join(SAMPLE, 'partners', 'agribank', 'AGRIBANK_EVN_202602.csv'), 'utf8').split('\n');
    const total = lines.findIndex((l) => l.startsWith('Tổng cộng,324,'));
    expect(total).toBeGreaterThan(0);
    lines.splice(total, 1,
      '325,FT26022800009999,31/02/2026 10:00:00,03/03/2026,PA01AD0000012,,267.723,Hoan tien GD FT26022800000004,THE',
      lines[total]!.replace('Tổng cộng,324,', 'Tổng cộng,325,'));
    writeFileSync(join(dir, 'partners', 'AGRIBANK_EVN_202602.csv'), lines.join('\n'));
    const db = join(dir, 'recon.duckdb');
    const close = await recon('run', 'monthly-close', '--data', dir, '--db', db, '--out', join(dir, 'out'), '--period', '2026-02');
    expect(close.status, close.stderr).toBe(0);

    // The payment the memo names is loaded once and received nowhere else.
    const named = await recon('explain', 'agribank:FT26022800000004', '--db', db, '--json');
    expect(named.status, named.stderr).toBe(0);
    expect((JSON.parse(named.stdout) as { receivedAgain: unknown[] }).receivedAgain).toEqual([]);
    // The rejected record itself is found by its id, with file, line and why.
    const own = await recon('explain', 'agribank:FT26022800009999', '--db', db);
    expect(own.status).toBe(2);
    expect(own.stderr).toMatch(/\(AGRIBANK_EVN_202602\.csv\) line \d+, rejected: \S*AGRIBANK_EVN_202602\.csv, line \d+, field paid_at .*not a valid date/);

    // An id built from two columns (MWG: agent + receipt) of a record that could not be split into
    // fields: found by its parts, each a value of the raw text (before: "not loaded" only).
    const mwg = readFileSync(join(SAMPLE, 'partners', 'mwg', 'MWG_EVN_202602.csv'), 'utf8').split('\n');
    const mwgTotal = mwg.findIndex((l) => l.startsWith('Tổng cộng;'));
    mwg.splice(mwgTotal, 0, 'TGDD00009;00009999;18/02/2026 20:53;PK02DA0000157;Trần Đức Trang;424.766;Thanh toán;thừa');
    writeFileSync(join(dir, 'partners', 'MWG_EVN_202602.csv'), mwg.join('\n'));
    expect((await recon('ingest', join(dir, 'partners', 'MWG_EVN_202602.csv'), '--db', db)).status).toBe(0);
    const parts = await recon('explain', 'mwg:TGDD00009-00009999', '--db', db);
    expect(parts.status).toBe(2);
    expect(parts.stderr).toContain(`(MWG_EVN_202602.csv) line ${mwgTotal + 1}, rejected:`);
  }, 120_000);
});
