// The closed list of exception reasons. sql/tests/exception_reason_unknown.sql holds the same list
// (a test keeps the two equal); README "match" documents each.

export const EXCEPTION_REASONS = {
  orphan_reversal: 'a reversal or refund names a payment that is not loaded',
  refund_exceeds_payment: 'reversals and refunds of a payment return more than it carried (a second reversal, a reversal or refunds above its amount, a refund on top of a reversal), the payment being void once; or reversals of a refund take back more than it returned',
  partial_reversal: 'a reversal voids the payment, but it and the payment\'s other reversals and refunds return less than it carried; the rest is not allocated',
  overpayment_credit: 'the payment exceeds what the customer owes (or the invoice it names); the rest is customer credit',
  suggested_match: 'the customer code does not exist (or names a customer with nothing to pay), but a real code one typo away owes exactly this amount; not applied',
  duplicate_payment: 'the invoice was already settled by an earlier payment and the customer owes nothing else; refund due',
  unknown_customer: 'no existing customer code or invoice reference could be read from the payment',
  ambiguous_customer: 'the payment names several real customers and the amount singles out none of them; not applied',
  no_open_invoice: 'the customer exists but has no invoice loaded (a deposit before its first bill); a customer whose invoices are settled is duplicate_payment',
  auditor_unmatched: 'an auditor decided the payment must not be matched',
} as const;

export type ExceptionReason = keyof typeof EXCEPTION_REASONS;

export function isExceptionReason(v: string): v is ExceptionReason {
  return Object.hasOwn(EXCEPTION_REASONS, v);
}
