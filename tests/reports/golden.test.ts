// Golden test on sample-data/: the monthly close writes a deterministic kpis.json, and the report
// layer reproduces sample-data/truth/kpis.json exactly for every period when it counts the truth's
// allocations (so this pins the KPI definitions independently of how well matching does; the
// matching issue measures that against truth/allocations.csv).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, PROJECT_ROOT } from '../../src/db/database.ts';
import { writeReport } from '../../src/reports/index.ts';
import type { HeadlineKpis } from '../../src/reports/kpi-shape.ts';
import { computeKpis } from '../../src/reports/kpis.ts';
import { copySampleClose } from '../support/sample-close.ts';

const SAMPLE = join(PROJECT_ROOT, 'sample-data');
const truth = JSON.parse(readFileSync(join(SAMPLE, 'truth', 'kpis.json'), 'utf8')) as Record<string, HeadlineKpis>;
const latest = Object.keys(truth).sort().at(-1)!;
let db: Database;
let dir: string;
let outDir: string;

beforeAll(async () => {
  // A private copy: the second test replaces the allocations.
  const copy = await copySampleClose();
  dir = copy.dir;
  outDir = copy.shared.outDir;
  db = await Database.open({ path: copy.dbPath });
}, 600_000);
afterAll(() => db?.close());

describe('sample-data golden', () => {
  it('writes a kpis.json that a rerun reproduces byte for byte', async () => {
    const first = join(outDir, latest, 'kpis.json');
    expect(existsSync(join(outDir, latest, 'dashboard.html'))).toBe(true);
    const again = await writeReport(db, { period: latest, outDir: join(dir, 'again') });
    expect(readFileSync(again.kpisPath, 'utf8')).toBe(readFileSync(first, 'utf8'));
    expect(readFileSync(first, 'utf8')).not.toMatch(/run_id|generated_at|"timestamp"/);
  });

  it('computes the truth KPIs of every period from the truth allocations', async () => {
    await db.run(
      'CREATE OR REPLACE TEMP TABLE truth_alloc AS SELECT * FROM read_csv($1, header = true, columns = {partner_id: VARCHAR, txn_ref: VARCHAR, invoice_no: VARCHAR, amount_vnd: BIGINT})',
      [join(SAMPLE, 'truth', 'allocations.csv')],
    );
    await db.run('DELETE FROM allocations');
    await db.run(`INSERT INTO allocations
                  SELECT p.payment_id, t.invoice_no, t.amount_vnd, 'truth', 1
                  FROM truth_alloc t JOIN payments p ON p.partner_id = t.partner_id AND p.txn_ref = t.txn_ref AND p.kind = 'payment'`);
    const loaded = await db.one<{ n: bigint; t: bigint }>('SELECT (SELECT count(*) FROM allocations) AS n, (SELECT count(*) FROM truth_alloc) AS t');
    expect(loaded?.n).toBe(loaded?.t);
    for (const [period, expected] of Object.entries(truth)) {
      const k = await computeKpis(db, period, expected.as_of);
      expect(k.headline, period).toEqual(expected);
    }
  });
});
