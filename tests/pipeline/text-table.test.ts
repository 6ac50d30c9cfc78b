// The text tables commands print (`recon files`, `recon ingest`, …): columns line up on a terminal
// whatever the names hold, a file name written decomposed (NFD, as macOS writes names) included.
import { describe, expect, it } from 'vitest';
import { textTable } from '../../src/commands/context.ts';

describe('textTable', () => {
  it('lines its columns up by what a terminal shows, combining marks taking no column', () => {
    const name = 'Sao kê thu hộ.csv';
    const out = textTable([
      { file: name.normalize('NFD'), status: 'loaded' },
      { file: name.normalize('NFC'), status: 'loaded' },
      { file: 'A.csv', status: 'failed' },
    ]).split('\n');
    const statusAt = (line: string) => [...line.replace(/\p{M}/gu, '')].indexOf('l', 17);
    expect(out[0]).toBe(`file${' '.repeat(name.length - 4)}  status`);
    expect(out.slice(2).map((l) => l.endsWith('loaded') ? statusAt(l) : [...l].indexOf('f', 1))).toEqual([name.length + 2, name.length + 2, name.length + 2]);
    expect(textTable([])).toBe('(none)');
  });
});
