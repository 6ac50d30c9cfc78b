import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/generate.ts';
import { noiseSchema } from '../../src/generate/noise.ts';
import { SAMPLE } from '../../src/generate/sample.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'recon-sample-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)))
    .sort();
}

describe('sample-data', () => {
  it('is exactly what the generator makes from its recorded arguments', () => {
    const out = join(tmp, 'sample');
    generate({ ...SAMPLE, out, noise: noiseSchema.parse({}) });
    const committed = join(ROOT, 'sample-data');
    const files = listFiles(out);
    expect(listFiles(committed)).toEqual(files);
    for (const f of files) expect(readFileSync(join(committed, f)).equals(readFileSync(join(out, f))), f).toBe(true);
  });

  it('differs with another seed', () => {
    const out = join(tmp, 'other');
    generate({ ...SAMPLE, customers: 300, months: 1, seed: SAMPLE.seed + 1, out, noise: noiseSchema.parse({}) });
    const again = join(tmp, 'again');
    generate({ ...SAMPLE, customers: 300, months: 1, out: again, noise: noiseSchema.parse({}) });
    expect(readFileSync(join(out, 'billing', 'customers.csv')).equals(readFileSync(join(again, 'billing', 'customers.csv')))).toBe(false);
  });
});
