// How users name a payment on the command line: PARTNER:TXN_REF (the partner id never contains
// ':'; a transaction id may, so only the first ':' splits).
import { UsageError } from '../errors.ts';

export interface PaymentKey {
  partnerId: string;
  txnRef: string;
}

/** Parses PARTNER:TXN_REF, or returns undefined when the text has no ':'. */
export function parsePaymentKey(text: string): PaymentKey | undefined {
  const at = text.indexOf(':');
  if (at < 0) return undefined;
  const partnerId = text.slice(0, at).trim();
  const txnRef = text.slice(at + 1).trim();
  if (!partnerId || !txnRef) throw new UsageError(`${JSON.stringify(text)}: expected PARTNER:TXN_REF, e.g. vietcombank:FT26032123456`);
  return { partnerId, txnRef };
}

/** Like parsePaymentKey, but a payment key is required. */
export function requirePaymentKey(text: string): PaymentKey {
  const key = parsePaymentKey(text);
  if (!key) throw new UsageError(`${JSON.stringify(text)}: expected PARTNER:TXN_REF, e.g. vietcombank:FT26032123456`);
  return key;
}
