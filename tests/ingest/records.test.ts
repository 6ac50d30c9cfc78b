import { describe, expect, it } from 'vitest';
import { scanRecords, splitRecords, type RecordLayout } from '../../src/ingest/records.ts';

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

  it('stops scanning for the direct path at the first record spanning lines, and otherwise gives the split\'s facts', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `A${i},memo ${i}`);
    let read = 0;
    async function* counted(text: string): AsyncIterable<Buffer> {
      for await (const c of chunked(text, 4096)) {
        read++;
        yield c;
      }
    }
    // A quoted line break in the fifth record: the rest of the file (≈ 70 chunks) is never read.
    const spanning = ['ref,memo', ...rows.slice(0, 4), 'B1,"hai\ndòng"', ...rows.slice(4)].join('\n') + '\n';
    expect(await scanRecords(counted(spanning), LAYOUT, 'T.csv')).toBeNull();
    expect(read).toBe(1);
    // The same break in the last record: read to the end, still null.
    read = 0;
    const late = ['ref,memo', ...rows, 'B1,"hai\ndòng"'].join('\n') + '\n';
    expect(await scanRecords(counted(late), LAYOUT, 'T.csv')).toBeNull();
    expect(read).toBeGreaterThan(60);
    // One line per record: what splitRecords says without staging.
    const oneLine = ['ref,memo', ...rows.slice(0, 10), '', ...rows.slice(10)].join('\n') + '\n';
    const scan = await scanRecords(chunked(oneLine, 4096), LAYOUT, 'T.csv');
    expect(scan).toEqual(await splitRecords(chunked(oneLine, 4096), LAYOUT, 'T.csv', null, 1));
    expect(scan?.direct).toEqual({ possible: true, dataFrom: 2, empty: [12], nonDetail: [12] });
  });
});
