// ingest_nfc (sql/ingest/macros.sql) skips nfc_normalize for text made only of characters in
// U+0000–U+02FF and U+1E00–U+1EFF, on the claim that such text is already NFC. These tests check
// the claim exhaustively (every character and every ordered pair of those ranges) and that text
// outside them is still normalised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { ensureMacros } from '../../src/ingest/load.ts';

function rangeChars(): string[] {
  const out: string[] = [];
  for (let cp = 0; cp <= 0x02ff; cp++) out.push(String.fromCodePoint(cp));
  for (let cp = 0x1e00; cp <= 0x1eff; cp++) out.push(String.fromCodePoint(cp));
  return out;
}

describe('text in the skipped ranges is already NFC', () => {
  it('every character and every ordered pair is unchanged by NFC', () => {
    const chars = rangeChars();
    const changed: string[] = [];
    for (const a of chars) {
      if (a.normalize('NFC') !== a) changed.push(a);
      for (const b of chars) {
        const s = a + b;
        if (s.normalize('NFC') !== s) changed.push(s);
      }
    }
    expect(changed).toEqual([]);
  });
});

describe('ingest_nfc', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open({ path: ':memory:' });
    await ensureMacros(db);
  });
  afterAll(() => db.close());

  it('normalises decomposed Vietnamese and leaves composed text as it is', async () => {
    const decomposed = 'Nguye\u0302\u0303n Va\u0306n A\u0301nh'; // combining marks
    const composed = 'Nguyễn Văn Ánh';
    expect(decomposed).not.toBe(composed);
    const r = await db.one<{ a: string; b: string; c: string; d: string | null }>(
      'SELECT ingest_nfc($1) AS a, ingest_nfc($2) AS b, ingest_nfc($3) AS c, ingest_nfc(NULL) AS d',
      [decomposed, composed, 'THANH TOAN \u212B'], // U+212B ANGSTROM SIGN becomes U+00C5 under NFC
    );
    expect(r).toEqual({ a: composed, b: composed, c: 'THANH TOAN \u00C5', d: null });
  });
});
