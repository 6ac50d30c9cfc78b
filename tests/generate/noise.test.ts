// `--noise FILE`: each problem of the settings on a line of its own, named by its key when it has one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNoise } from '../../src/generate/noise.ts';

describe('loadNoise', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recon-noise-'));
  it.each([
    ['a misspelt key, named without an empty path before it', '{"partal":0.1}', /invalid noise settings:\n {2}Unrecognized key: "partal"$/],
    ['a rate above 1, named by its key', '{"partial":1.5}', /invalid noise settings:\n {2}partial: Too big: expected number to be <=1$/],
  ] satisfies Array<[string, string, RegExp]>)('refuses %s', (_name, json, message) => {
    const file = join(dir, 'noise.json');
    writeFileSync(file, json);
    expect(() => loadNoise(file)).toThrow(message);
  });

  it('overrides only the keys the file gives', () => {
    const file = join(dir, 'partial.json');
    writeFileSync(file, '{"partial":0.1}');
    expect(loadNoise(file)).toEqual({ ...loadNoise(), partial: 0.1 });
  });
});
