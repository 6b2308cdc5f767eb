// The webhook tables as Kysely sees them. `webhooks` is small (a handful per enterprise);
// `webhook_deliveries` grows with traffic and carries enterprise_id as its distribution key.

export interface WebhookTable {
  id: string;
  enterprise_id: string;
  url: string;
  /** Kept in clear: every delivery is signed with it. */
  secret: string;
  /** JSON array, a subset of WEBHOOK_EVENT_TYPES. */
  events: string;
  description: string | null;
  /** 1 or 0 (portable boolean). */
  active: number;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryTable {
  id: string;
  webhook_id: string;
  enterprise_id: string;
  event_id: string;
  event_type: string;
  /** The exact request body, so every retry sends (and signs) the same bytes. */
  payload: string;
  /** 'pending' | 'delivered' | 'failed'. */
  state: string;
  /** Completed tries. */
  attempts: number;
  next_attempt_at: string;
  /** A dispatcher holds the row until then; null when nobody does. */
  locked_until: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookTables {
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
}
