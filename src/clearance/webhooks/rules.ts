// Pure rules: what a webhook may be, and when a failed delivery is tried again.
import { issue, type Issue } from '../../kernel/errors.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType, type WebhookInput } from './model.js';

export const LIMITS = { url: 2048, description: 200, perEnterprise: 20 } as const;

const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface CheckedInput {
  readonly url: string;
  readonly events: WebhookEventType[];
  readonly description: string | null;
}

/** Every problem of `input` at once; `value` is the normalised input when there are none. */
export function validateWebhookInput(input: WebhookInput): { issues: Issue[]; value: CheckedInput } {
  const issues: Issue[] = [];
  let url = typeof input.url === 'string' ? input.url : '';
  // The URL parser silently drops tabs and line breaks and trims spaces, so a URL containing any
  // would be stored as something other than what was typed: refuse it instead.
  if (url.length > LIMITS.url) {
    issues.push(issue('TOO_LONG', '/url', { field: '/url', max: LIMITS.url, actual: url.length }));
  } else {
    let parsed: URL | undefined;
    try {
      parsed = CONTROL_OR_SPACE.test(url) ? undefined : new URL(url);
    } catch {
      parsed = undefined;
    }
    // fetch refuses URLs with credentials; anything but http(s) is not a webhook.
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname || parsed.username || parsed.password) {
      issues.push(issue('WEBHOOK_URL_INVALID', '/url', { value: url.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200) }));
    } else {
      url = parsed.href;
    }
  }

  const events: WebhookEventType[] = [];
  if (input.events === undefined) events.push(...WEBHOOK_EVENT_TYPES);
  else if (!input.events.length) issues.push(issue('WEBHOOK_EVENTS_EMPTY', '/events'));
  else {
    input.events.forEach((e, i) => {
      if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)) {
        issues.push(issue('WEBHOOK_EVENT_UNKNOWN', `/events/${i}`, { value: String(e).slice(0, 40), allowed: WEBHOOK_EVENT_TYPES.join(', ') }));
      }
    });
    // Stored in catalogue order, once each, so equal subscriptions look equal.
    events.push(...WEBHOOK_EVENT_TYPES.filter((t) => input.events!.includes(t)));
  }

  const description = input.description?.trim() || null;
  if (description && description.length > LIMITS.description) {
    issues.push(issue('TOO_LONG', '/description', { field: '/description', max: LIMITS.description, actual: description.length }));
  }
  // PostgreSQL refuses U+0000 in text; no control character belongs in a one-line description.
  if (description && CONTROL.test(description)) issues.push(issue('PATTERN', '/description', { field: '/description' }));
  return { issues, value: { url, events, description } };
}

export interface Backoff {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * How long to wait after the `attempts`-th failed try: base·2^(attempts−1), capped at the
 * maximum, then spread ±20 % so that receivers coming back from an outage are not hit by every
 * queued delivery in the same instant. `random` is in [0, 1).
 */
export function retryDelay(attempts: number, { baseDelayMs, maxDelayMs }: Backoff, random: () => number = Math.random): number {
  const nominal = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(nominal * (0.8 + 0.4 * random()));
}
