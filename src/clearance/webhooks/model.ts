// The webhooks' public shapes (what the service returns and the API sends).
import type { ClearanceEvent } from '../events.js';

export const WEBHOOK_EVENT_TYPES = ['receipt', 'status'] as const satisfies readonly ClearanceEvent['type'][];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface WebhookInput {
  readonly url: string;
  /** Default: every event type. */
  readonly events?: readonly string[];
  readonly description?: string | null;
}

export interface Webhook {
  id: string;
  enterpriseId: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** As returned once, at creation: the signing secret is never shown again. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  state: DeliveryState;
  attempts: number;
  /** When the next try is due; null once delivered or failed. */
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** The request body as sent: { id, type, createdAt, data }. */
  payload: unknown;
}

/** The POST body a receiver gets. */
export interface WebhookBody {
  id: string;
  type: ClearanceEvent['type'];
  createdAt: string;
  /** The event without its audience: a receiver learns nothing of the other enterprises involved. */
  data: Omit<ClearanceEvent, 'audience'>;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface PageQuery {
  readonly limit?: number;
  readonly offset?: number;
}
