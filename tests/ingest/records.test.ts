import { describe, expect, it } from 'vitest';
import { splitRecords, type RecordLayout } from '../../src/ingest/records.ts';

const LAYOUT: RecordLayout = { format: { type: 'delimited', delimiter: ',', quote: '"' }, header: { type: 'names' }, skip: [] } as RecordLayout;

async function* chunked(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('record splitter', () => {
  it('copies a record spanning many chunks once, not once per chunk', async () => {
    // 24 MB in 1 KB chunks: joining the held bytes at every chunk copies ~300 GB and never ends in
    // the test's time; holding the chunks until a line ends copies each byte once.
    const memo = 'X'.repeat(24 * 1024 * 1024);
    const text = `ref,memo\nA1,"${memo}"\nA2,short\nA3,"${memo}"`;
    const t0 = performance.now();
    const split = await splitRecords(chunked(text, 1024), LAYOUT, 'T.csv', null, 1);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(split.header).toEqual(['ref', 'memo']);
    expect(split.lines).toBe(4);
    expect(split.maxRecordBytes).toBeGreaterThanOrEqual(memo.length + 5);
    expect(split.direct.possible).toBe(true);
    expect(split.rejects).toEqual([]);
  }, 30_000);

  it('finds a quoted line break that arrives in a chunk after a run of chunks without one', async () => {
    const text = `ref,memo\nA1,"${'Y'.repeat(5000)}\n${'Z'.repeat(5000)}"\nA2,b\n`;
    const split = await splitRecords(chunked(text, 700), LAYOUT, 'T.csv', null, 1);
    expect(split.lines).toBe(4);
    expect(split.direct.possible).toBe(false);
    expect(split.rejects).toEqual([]);
  });
});
