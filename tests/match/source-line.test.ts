// explain's raw row: a record from its first physical line through the lines a quoted field spans.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawExcerpt } from '../../src/match/explain.ts';
import { readSourceLine } from '../../src/match/source-line.ts';

describe('readSourceLine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recon-source-line-'));
  const path = join(dir, 'f.csv');
  writeFileSync(path, ['ref,memo,amount', 'A1,"Tiền điện, kỳ 01/2027', 'PE0100123456",387.504', 'A2,can ho 12" B,5.000', 'A3,"Ghi chu ""ok""",7.000', 'A4,x,1'].join('\r\n'));

  it('reads a record whose quoted memo spans two lines whole', async () => {
    expect(await readSourceLine(path, 2)).toBe('A1,"Tiền điện, kỳ 01/2027\nPE0100123456",387.504');
  });

  it('reads one line when a quote inside an unquoted field is text, or quotes are escaped', async () => {
    expect(await readSourceLine(path, 4)).toBe('A2,can ho 12" B,5.000');
    expect(await readSourceLine(path, 5)).toBe('A3,"Ghi chu ""ok""",7.000');
  });

  it('reads the last line without a line end, and nothing past the end', async () => {
    expect(await readSourceLine(path, 6)).toBe('A4,x,1');
    expect(await readSourceLine(path, 7)).toBeUndefined();
  });
});

describe('readSourceLine on a UTF-16LE file (a spreadsheet\'s "Unicode text")', () => {
  it('ends lines only at the code unit 0A 00, not at a character holding the byte 0A (上 U+4E0A, the hair space U+200A)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-source-line-'));
    const path = join(dir, 'u16.txt');
    const lines = ['ref\tmemo\tamount', 'A1\t"Trần Văn 上海\u200Atiền điện\n kỳ 01"\t1.000', 'A2\tok\t2.000', 'A3\tcuối\t3.000'];
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.join('\r\n'), 'utf16le')]));
    expect(await readSourceLine(path, 1)).toBe(lines[0]);
    expect(await readSourceLine(path, 2)).toBe(lines[1]);
    expect(await readSourceLine(path, 4)).toBe(lines[2]);
    expect(await readSourceLine(path, 5)).toBe(lines[3]);
  });

  it('reads lines past the 64 KiB read size whose every character holds the byte 0A', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-source-line-'));
    const path = join(dir, 'u16-long.txt');
    // Lines longer than one read of the file, each character 上 (0A 4E).
    const lines = Array.from({ length: 6 }, (_, i) => `T${i}\t${'上'.repeat(20_001 + i)}\t${i}`);
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.join('\r\n'), 'utf16le')]));
    for (const [i, l] of lines.entries()) expect(await readSourceLine(path, i + 1)).toBe(l);
  });
});

describe('readSourceLine on a file whose lines end with CR alone (classic Mac)', () => {
  it('reads the record on its line, as ingest numbers them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recon-source-line-'));
    const path = join(dir, 'mac.csv');
    writeFileSync(path, 'ref;memo;amount\r0001;tiền điện;1.234.000\r0002;"a\rb";5.000\r');
    expect(await readSourceLine(path, 2)).toBe('0001;tiền điện;1.234.000');
    expect(await readSourceLine(path, 3)).toBe('0002;"a\nb";5.000');
  });
});

describe('rawExcerpt: what explain shows of a line too long to print', () => {
  it('shows a short record whole, and of a megabyte line the stretch around the transaction id, saying so', () => {
    expect(rawExcerpt('A1,01/03/2026,1.000', 'A1')).toBe('A1,01/03/2026,1.000');
    expect(rawExcerpt(null, 'A1')).toBeNull();
    const records = Array.from({ length: 30_000 }, (_, i) => `{"txn":{"id":"T${i}"},"amount":${1000 + i}}`);
    const line = `[${records.join(',')}]`;
    const shown = rawExcerpt(line, 'T29990')!;
    expect(shown).toContain('{"txn":{"id":"T29990"},"amount":30990}');
    expect(shown.startsWith('…')).toBe(true);
    expect(shown).toMatch(new RegExp(`\\(4000 of the line's ${line.length} characters, around the transaction id\\)$`));
    expect(rawExcerpt(line, 'NOT-THERE')).toMatch(/^\[\{"txn":\{"id":"T0"\}.*… \(4000 of the line's \d+ characters\)$/);
  });
});
