// The scalar functions recon registers on its connection (src/db/functions.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { crc16CcittFalse, tlvSubfields } from '../../src/db/functions.ts';
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

describe('tlv_subfields', () => {
  const tlv = (tag: string, value: string) => `${tag}${String(Array.from(value).length).padStart(2, '0')}${value}`;

  it('walks the sub-fields of every top-level field of the tag, in order, stopping at a malformed one', () => {
    const p62 = tlv('01', 'HD2610001234') + tlv('08', 'Tiền điện PE0100123456');
    const payload = tlv('00', '01') + tlv('01', '12') + tlv('62', p62) + tlv('58', 'VN') + tlv('63', 'ABCD');
    expect(tlvSubfields(payload, '62')).toEqual(['HD2610001234', 'Tiền điện PE0100123456']);
    expect(tlvSubfields(payload, '58')).toEqual([]); // 'VN' is no TLV text
    expect(tlvSubfields(tlv('00', '01') + '62', '62')).toEqual([]); // cut short
    expect(tlvSubfields(tlv('62', tlv('01', 'A') + '0x03abc' + tlv('02', 'B')), '62')).toEqual(['A']);
    // A length longer than what is left stops the walk before the field.
    expect(tlvSubfields(tlv('00', '01') + '6299' + tlv('01', 'A'), '62')).toEqual([]);
    // Lengths count characters (code points), an astral one as one.
    expect(tlvSubfields(tlv('62', tlv('01', 'a\u{1F600}b') + tlv('02', 'c')), '62')).toEqual(['a\u{1F600}b', 'c']);
  });

  it('gives in SQL what a recursive walk of the same texts gives, NULL for NULL', async () => {
    const db = await Database.open({ path: ':memory:' });
    open.push(db);
    // Random payloads: well-formed fields, some with tag 62, truncated or corrupted at random.
    let seed = 7;
    const rnd = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const chars = ['0', '1', '6', '2', 'A', 'z', ' ', 'ệ', '\u{1F600}', '9'];
    const word = () => Array.from({ length: rnd(12) }, () => chars[rnd(chars.length)]).join('');
    const payloads: (string | null)[] = [null];
    for (let i = 0; i < 400; i++) {
      let p = '';
      for (let f = rnd(5); f >= 0; f--) {
        const tag = rnd(3) === 0 ? '62' : String(rnd(100)).padStart(2, '0');
        const value = tag === '62' ? Array.from({ length: rnd(4) }, () => tlv(String(rnd(10)).padStart(2, '0'), word())).join('') : word();
        p += tlv(tag, value);
      }
      const cps = Array.from(p);
      if (rnd(4) === 0) cps.splice(rnd(cps.length + 1)); // truncated
      if (rnd(4) === 0 && cps.length > 0) cps[rnd(cps.length)] = chars[rnd(chars.length)]!; // corrupted
      payloads.push(cps.join(''));
    }
    await db.run('CREATE TEMP TABLE p (id INTEGER, payload VARCHAR)');
    for (const [id, payload] of payloads.entries()) await db.run('INSERT INTO p VALUES ($1, $2)', [id, payload]);
    const walk = (src: string) => `WITH RECURSIVE walk(id, pos, tag, val, rest) AS (
        SELECT id, 0, NULL::VARCHAR, NULL::VARCHAR, payload FROM ${src}
        UNION ALL
        SELECT id, pos + 1, substr(rest, 1, 2), substr(rest, 5, TRY_CAST(substr(rest, 3, 2) AS INTEGER)),
               substr(rest, 5 + TRY_CAST(substr(rest, 3, 2) AS INTEGER))
        FROM walk
        WHERE regexp_full_match(substr(rest, 1, 4), '[0-9]{4}') AND length(rest) >= 4 + TRY_CAST(substr(rest, 3, 2) AS INTEGER))
      SELECT id, pos, tag, val FROM walk WHERE tag IS NOT NULL`;
    const expected = await db.all<{ id: number; vals: string[] | null }>(
      `WITH top AS (${walk('p')}), t62 AS (SELECT id * 1000 + pos AS id, val AS payload FROM top WHERE tag = '62'),
            sub AS (SELECT id // 1000 AS id, id AS field, pos, val FROM (${walk('t62')}))
       SELECT p.id, CASE WHEN p.payload IS NOT NULL THEN coalesce((SELECT list(val ORDER BY field, pos) FROM sub WHERE sub.id = p.id), []) END AS vals
       FROM p ORDER BY p.id`,
    );
    const actual = await db.all<{ id: number; vals: string[] | null }>(
      `SELECT id, tlv_subfields(payload, '62') AS vals FROM p ORDER BY id`,
    );
    expect(actual.length).toBe(payloads.length);
    expect(actual.filter((r) => r.vals !== null && r.vals.length > 0).length).toBeGreaterThan(50);
    expect(actual).toEqual(expected);
  });
});
