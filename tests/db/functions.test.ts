// The scalar functions recon registers on its connection (src/db/functions.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { crc16CcittFalse } from '../../src/db/functions.ts';
import { crc16 } from '../match/fixture.ts';

const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

describe('crc16_ccitt', () => {
  it('is CRC-16/CCITT-FALSE: the catalogue check value of "123456789" is 0x29B1', () => {
    expect(crc16CcittFalse('123456789')).toBe(0x29b1);
    expect(crc16CcittFalse('')).toBe(0xffff);
  });

  it('takes the UTF-8 bytes of accented and astral characters, as a bitwise CRC of the encoded text', () => {
    for (const text of ['Tiền điện kỳ 10', 'a\u00e9\u20ac\u{1F600}z', '00020101021238570010A000000727', 'x\ud800y']) {
      expect(crc16CcittFalse(text).toString(16).toUpperCase().padStart(4, '0')).toBe(crc16(text));
    }
  });

  it('is callable from SQL on every connection, NULL for NULL', async () => {
    const db = await Database.open({ path: ':memory:' });
    open.push(db);
    const rows = await db.all<{ t: string | null; crc: number | null }>(
      `SELECT t, crc16_ccitt(t) AS crc FROM (VALUES ('123456789'), ('Tiền điện'), (NULL)) v(t) ORDER BY t NULLS LAST`,
    );
    expect(rows).toEqual([
      { t: '123456789', crc: 0x29b1 },
      { t: 'Tiền điện', crc: parseInt(crc16('Tiền điện'), 16) },
      { t: null, crc: null },
    ]);
  });
});
