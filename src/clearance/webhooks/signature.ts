// Delivery signatures. The receiver recomputes HMAC-SHA256(secret, timestamp + "." + body) over
// the raw body and compares; the timestamp is signed too, so a captured request cannot be
// replayed later under a fresh timestamp.
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

function digest(secret: string, timestamp: string | number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The x-silkgate-signature header value for a request. The key is the whole secret string, `whsec_…` included. */
export function signPayload(secret: string, timestamp: string | number, body: string | Uint8Array): string {
  return PREFIX + digest(secret, timestamp, body).toString('hex');
}

export interface VerifyOptions {
  /** Refuse timestamps further than this from `now` (replay window); unchecked when absent. */
  readonly toleranceSeconds?: number;
  readonly now?: Date;
}

/**
 * Whether `header` (x-silkgate-signature) signs `timestamp` (x-silkgate-timestamp) and the raw
 * `body` with `secret`. The comparison takes the same time whatever the header holds.
 */
export function verifySignature(
  secret: string, timestamp: string | number, body: string | Uint8Array, header: string | null | undefined, options: VerifyOptions = {},
): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const ts = String(timestamp);
  if (!/^\d{1,12}$/.test(ts)) return false;
  if (options.toleranceSeconds !== undefined) {
    const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
    if (Math.abs(now - Number(ts)) > options.toleranceSeconds) return false;
  }
  const hex = header.slice(PREFIX.length);
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  return timingSafeEqual(Buffer.from(hex, 'hex'), digest(secret, ts, body));
}
