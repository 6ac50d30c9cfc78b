// The project's accuracy regression test: the monthly close of sample-data/ must reproduce the
// generator's ground truth exactly: every allocated đồng on the right invoice, every truth
// allocation made, every exception with truth's reason, and the headline KPIs of every period
// equal to truth/kpis.json (the latest period as the close's own kpis.json states them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { evaluate, type Evaluation } from '../../src/match/evaluate.ts';
import type { HeadlineKpis } from '../../src/reports/kpi-shape.ts';
import { computeKpis } from '../../src/reports/kpis.ts';
import { copySampleClose, SAMPLE } from '../support/sample-close.ts';

const truth = JSON.parse(readFileSync(join(SAMPLE, 'truth', 'kpis.json'), 'utf8')) as Record<string, HeadlineKpis>;
const latest = Object.keys(truth).sort().at(-1)!;
let db: Database;
let outDir: string;
let result: Evaluation;

// The close from the CLI of the whole of sample-data, shared with the other tests that read it
// (support/sample-close.ts); evaluated on a private copy of its database.
beforeAll(async () => {
  const copy = await copySampleClose();
  outDir = copy.shared.outDir;
  db = await Database.open({ path: copy.dbPath });
  result = await evaluate(db, SAMPLE);
}, 600_000);
afterAll(() => {
  db?.close();
});

describe('monthly close of sample-data against its ground truth', () => {
  it('allocates exactly what truth allocates', () => {
    const wrong = result.by_rule.filter((r) => r.db_vnd !== r.correct_vnd || r.truth_vnd !== r.correct_vnd);
    expect(wrong).toEqual([]);
    expect(result.precision).toBe(1);
    expect(result.recall).toBe(1);
    expect(result.truth_allocated_vnd).toBeGreaterThan(0);
  });

  it('gives every exception truth’s reason', () => {
    expect(result.confusion.filter((c) => c.truth_reason !== c.db_reason)).toEqual([]);
    expect(result.reason_agreement).toBe(1);
  });

  it('reports the headline KPIs of truth/kpis.json for the closed period', () => {
    const report = JSON.parse(readFileSync(join(outDir, latest, 'kpis.json'), 'utf8')) as { headline: HeadlineKpis };
    expect(report.headline).toEqual(truth[latest]);
  });

  it('computes the truth KPIs of the earlier periods from its own allocations', async () => {
    for (const [period, expected] of Object.entries(truth)) {
      if (period === latest) continue;
      expect((await computeKpis(db, period, expected.as_of)).headline, period).toEqual(expected);
    }
  });
});
