// Vietnamese text: customer names, payment memos, accent stripping, and the Windows-1258
// encoder (cp1258 has the base letters â ê ô ă ơ ư đ but writes tones as combining marks).
import iconv from 'iconv-lite';
import type { Rng } from './random.ts';

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Thanh', 'Ngọc', 'Quốc', 'Thu', 'Xuân'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Hà', 'Hải', 'Hạnh', 'Hòa', 'Hùng', 'Hương', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Nga', 'Phúc', 'Quang', 'Sơn', 'Tâm', 'Thảo', 'Trang', 'Tuấn', 'Việt', 'Yến', 'Khoa', 'Đạt', 'Ánh'];
const TRADE = ['Hưng Thịnh', 'Phát Đạt', 'Minh Long', 'Thành Công', 'Đại Việt', 'Sao Mai', 'Hòa Bình', 'Kim Ngân', 'Trường Sơn', 'Bến Thành'];
const BUSINESS = ['Công ty TNHH', 'Cửa hàng', 'Nhà hàng', 'Khách sạn', 'Siêu thị mini'];
const INDUSTRY = ['Công ty CP Thép', 'Công ty CP Dệt may', 'Nhà máy Gạch', 'Công ty TNHH Nhựa', 'Công ty CP Xi măng'];
const ADMIN = ['UBND phường', 'Trường THCS', 'Trạm Y tế xã', 'Bệnh viện huyện', 'Công an phường'];

export type Segment = 'residential' | 'business' | 'industrial' | 'administrative';

export function customerName(segment: Segment, rng: Rng): string {
  switch (segment) {
    case 'residential':
      return `${rng.pick(FAMILY)} ${rng.pick(MIDDLE)} ${rng.pick(GIVEN)}`;
    case 'business':
      return `${rng.pick(BUSINESS)} ${rng.pick(TRADE)}`;
    case 'industrial':
      return `${rng.pick(INDUSTRY)} ${rng.pick(TRADE)}`;
    case 'administrative':
      return `${rng.pick(ADMIN)} ${rng.pick(TRADE)}`;
  }
}

/** Removes Vietnamese diacritics (bank memos often arrive so): "Tiền điện" → "Tien dien". */
export function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

const SHAPE_MARKS = /[\u0302\u0306\u031b]/; // circumflex, breve, horn: precomposed in cp1258

/** Decomposes to the form cp1258 can carry: base letters precomposed, tones combining. */
function toCp1258Form(s: string): string {
  const nfd = s.normalize('NFD');
  let out = '';
  for (let i = 0; i < nfd.length; ) {
    const base = nfd[i++]!;
    let shape = '';
    let tones = '';
    while (i < nfd.length && /[\u0300-\u036f]/.test(nfd[i]!)) {
      if (SHAPE_MARKS.test(nfd[i]!)) shape += nfd[i];
      else tones += nfd[i];
      i++;
    }
    out += (base + shape).normalize('NFC') + tones;
  }
  return out;
}

/** Encodes text for a file of the given encoding (profile names). */
export function encodeText(s: string, encoding: string): Buffer {
  switch (encoding) {
    case 'utf-8':
    case 'utf-8-bom':
      return Buffer.from(s, 'utf8');
    case 'utf-16le':
      return Buffer.from(s, 'utf16le');
    case 'windows-1258':
      return iconv.encode(toCp1258Form(s), 'windows1258');
    default:
      throw new Error(`generator cannot write encoding ${encoding}`);
  }
}

/** Bytes a file of this encoding starts with. */
export function byteOrderMark(encoding: string): Buffer {
  if (encoding === 'utf-8-bom') return Buffer.from([0xef, 0xbb, 0xbf]);
  if (encoding === 'utf-16le') return Buffer.from([0xff, 0xfe]);
  return Buffer.alloc(0);
}
