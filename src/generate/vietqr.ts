// VietQR payloads (EMVCo merchant-presented mode, NAPAS), as bank memos carry them when a
// customer scans the utility's QR code. The customer code travels as the bill number (62/01).

import { crc16CcittFalse } from '../db/functions.ts';

const tlv = (tag: string, value: string) => `${tag}${String(value.length).padStart(2, '0')}${value}`;

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the UTF-8 bytes, as 4 upper-case hex digits. */
export function crc16(text: string): string {
  return crc16CcittFalse(text).toString(16).toUpperCase().padStart(4, '0');
}

/** A dynamic VietQR payload paying `amount` to `account` at bank `bin`, bill number = customer code. */
export function vietQrPayload(bin: string, account: string, amount: number, customerCode: string, purpose: string): string {
  const merchant = tlv('00', 'A000000727') + tlv('01', tlv('00', bin) + tlv('01', account)) + tlv('02', 'QRIBFTTA');
  const additional = tlv('01', customerCode) + tlv('08', purpose);
  const body = tlv('00', '01') + tlv('01', '12') + tlv('38', merchant) + tlv('53', '704') + tlv('54', String(amount)) + tlv('58', 'VN') + tlv('62', additional) + '6304';
  return body + crc16(body);
}
