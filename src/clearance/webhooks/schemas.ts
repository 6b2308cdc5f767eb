// Wire schemas (TypeBox) for the webhook API. Event types and delivery states are plain strings
// here so an unknown value gets the service's own error naming it and the allowed values.
import { Type } from 'typebox';
import { DELIVERY_STATES, WEBHOOK_EVENT_TYPES } from './model.js';
import { LIMITS } from './rules.js';

/** No control characters (PostgreSQL refuses U+0000 in text). */
const NO_CONTROL = '^[^\\u0000-\\u001f\\u007f]*$';
const nullableString = Type.Union([Type.String(), Type.Null()]);
const Id = Type.String({ maxLength: 64, pattern: NO_CONTROL });

export const WebhookInputSchema = Type.Object({
  url: Type.String({ maxLength: LIMITS.url, description: 'absolute http:// or https:// URL the events are POSTed to' }),
  events: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), {
    maxItems: 10, description: `event types to receive: ${WEBHOOK_EVENT_TYPES.join(', ')} (default: all)`,
  })),
  description: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.description, pattern: NO_CONTROL }), Type.Null()])),
  enterpriseId: Type.Optional(Type.String({ maxLength: 64, pattern: NO_CONTROL, description: 'operator only: the enterprise the webhook is for' })),
}, { additionalProperties: false });

export const WebhookSchema = Type.Object({
  id: Type.String(),
  enterpriseId: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: nullableString,
  active: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const CreatedWebhookSchema = Type.Object({
  ...WebhookSchema.properties,
  secret: Type.String({ description: 'signing secret (HMAC-SHA256 key); shown only in this response' }),
});

export const DeliverySchema = Type.Object({
  id: Type.String({ description: 'delivery id, sent as x-silkgate-delivery (the same on every retry)' }),
  webhookId: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  state: Type.String({ description: DELIVERY_STATES.join(' | ') }),
  attempts: Type.Integer(),
  nextAttemptAt: nullableString,
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: nullableString,
  createdAt: Type.String(),
  deliveredAt: nullableString,
  payload: Type.Unknown({ description: 'the request body: { id, type, createdAt, data }' }),
});

const paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, default: 0 })),
};

export const WebhookListQuery = Type.Object({
  enterpriseId: Type.Optional(Type.String({ maxLength: 64, pattern: NO_CONTROL })),
  ...paging,
}, { additionalProperties: false });

export const DeliveryQuerySchema = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 20, pattern: NO_CONTROL, description: DELIVERY_STATES.join(' | ') })),
  ...paging,
}, { additionalProperties: false });

export const IdParams = Type.Object({ id: Id });

const page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });
export const WebhookPage = page(WebhookSchema);
export const DeliveryPage = page(DeliverySchema);
