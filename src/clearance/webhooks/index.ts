export { createWebhookService, newSecret, type WebhookService, type WebhookDeps, type DeliveryQuery } from './service.js';
export {
  createWebhookDispatcher, type WebhookDispatcher, type DispatcherOptions, type DispatchResult, type DispatcherLogger,
} from './dispatcher.js';
export { verifySignature, signPayload, type VerifyOptions } from './signature.js';
export { webhookRoutes } from './routes.js';
export {
  WEBHOOK_EVENT_TYPES, DELIVERY_STATES, type WebhookEventType, type DeliveryState, type Webhook, type CreatedWebhook,
  type WebhookInput, type Delivery, type WebhookBody, type Page,
} from './model.js';
export type { WebhookTables } from './table.js';
