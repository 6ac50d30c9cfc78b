// The benchmark's floor reads the same partner files as recon with bare DuckDB; on sample-data its
// rows must agree with what recon itself counts, or the recon ÷ floor ratios mean nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFloor } from '../../bench/floor.ts';
import { Database } from '../../src/db/database.ts';
import { loadProfiles } from '../../src/ingest/index.ts';
import { copySampleClose, SAMPLE } from '../support/sample-close.ts';

describe('benchmark floor on sample-data', () => {
  it('reads every valid payment record recon loads, and totals all four channel groups', async () => {
    const floor = await runFloor(SAMPLE, loadProfiles(), join(mkdtempSync(join(tmpdir(), 'recon-floor-')), 'w'), '1GB');
    const db = await Database.open({ path: (await copySampleClose()).dbPath });
    // recon's payments are records the floor reads too (it also reads quarantined and duplicate ones).
    const loaded = Number((await db.one<{ n: bigint }>('SELECT count(*) AS n FROM payments'))?.n);
    db.close();
    expect(floor.rows_read).toBeGreaterThanOrEqual(loaded);
    expect(floor.rows_read).toBeLessThan(loaded * 1.2);
    expect(floor.rows_joined).toBeGreaterThan(loaded * 0.5);
    expect(floor.channel_totals.map((t) => t.channel_group)).toEqual(['bank', 'evn_counter', 'intermediary', 'retail_agent']);
  });
});
