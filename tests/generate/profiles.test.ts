import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../src/ingest/profile.ts';
import { PARTNERS, profileOf } from '../../src/generate/partners.ts';

const DIR = join(import.meta.dirname, '..', '..', 'pipelines', 'partners');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('partner profiles', () => {
  it.each(files)('%s validates against profileSchema', (f) => {
    const r = profileSchema.safeParse(JSON.parse(readFileSync(join(DIR, f), 'utf8')));
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });

  it('are exactly what the generator writes files for (regenerate with --write-profiles)', () => {
    expect(files).toEqual(PARTNERS.map((p) => `${p.id}.json`).sort());
    for (const p of PARTNERS) expect(JSON.parse(readFileSync(join(DIR, `${p.id}.json`), 'utf8'))).toEqual(profileOf(p));
  });

  it('cover at least 32 banks with BINs, 10 intermediaries, retail networks and a counter per PC', () => {
    const by = (g: string) => PARTNERS.filter((p) => p.group === g);
    expect(by('bank').length).toBeGreaterThanOrEqual(32);
    expect(new Set(by('bank').map((p) => p.bin)).size).toBe(by('bank').length);
    expect(by('intermediary')).toHaveLength(10);
    expect(by('retail_agent').length).toBeGreaterThanOrEqual(3);
    expect(new Set(by('evn_counter').map((p) => p.pc)).size).toBe(5);
  });

  it('never let two partners claim the same file name', () => {
    const stems = PARTNERS.map((p) => p.layout.fileStem.toLowerCase());
    expect(new Set(stems).size).toBe(stems.length);
    for (const a of stems) for (const b of stems) if (a !== b) expect(a.startsWith(`${b}_evn_`)).toBe(false);
  });
});
