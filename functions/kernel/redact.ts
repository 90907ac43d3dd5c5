/**
 * What never reaches a log line, whatever a handler (or an error's details) hands the logger: a payment token
 * is a secret (whoever holds it can charge the card), and a full shipping address is personal data that logs
 * would keep long after the order. Keys are matched wherever they are nested; the address keeps its country
 * (what operators need to read a shipping failure).
 */
export const REDACTED = '[redacted]';

/** A JSON replacer (Powertools Logger's `jsonReplacerFn`, or `JSON.stringify`). */
export function redactLogValue(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (key === 'paymentToken') return REDACTED;
  if (key === 'shippingAddress') {
    const country = typeof value === 'object' ? (value as { country?: unknown }).country : undefined;
    return typeof country === 'string' ? { country, rest: REDACTED } : REDACTED;
  }
  return value;
}
