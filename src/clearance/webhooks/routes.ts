import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requirePrincipal } from '../../http/auth.js';
import { AppError, invalid, issue } from '../../kernel/errors.js';
import type { WebhookService } from './service.js';
import * as s from './schemas.js';

const tags = ['webhooks'];
const security = [{ bearer: [] }];

export function webhookRoutes(app: FastifyInstance, webhooks: WebhookService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/api/v1/webhooks', {
    schema: {
      tags, security,
      summary: 'Subscribe a URL to clearance events (receipts, status changes); the signing secret is shown only in this response',
      body: s.WebhookInputSchema, response: { 201: s.CreatedWebhookSchema },
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const { enterpriseId, ...input } = request.body;
    let owner: string;
    if (p.kind === 'enterprise') {
      // A token acts for its own enterprise only.
      if (enterpriseId !== undefined && enterpriseId !== p.enterpriseId) throw new AppError('forbidden', 'FORBIDDEN');
      owner = p.enterpriseId;
    } else {
      if (!enterpriseId) throw invalid([issue('REQUIRED', '/enterpriseId', { field: '/enterpriseId' })]);
      owner = enterpriseId;
    }
    const created = await webhooks.create(owner, input);
    return reply.status(201).header('location', `/api/v1/webhooks/${created.id}`).send(created);
  });

  r.get('/api/v1/webhooks', {
    schema: {
      tags, security, summary: 'Webhooks: an enterprise sees its own, the operator all (filter with enterpriseId)',
      querystring: s.WebhookListQuery, response: { 200: s.WebhookPage },
    },
  }, async (request) => webhooks.list(requirePrincipal(request), request.query));

  r.get('/api/v1/webhooks/:id', {
    schema: { tags, security, summary: 'One webhook (never its secret)', params: s.IdParams, response: { 200: s.WebhookSchema } },
  }, async (request) => webhooks.get(requirePrincipal(request), request.params.id));

  r.delete('/api/v1/webhooks/:id', {
    schema: { tags, security, summary: 'Remove a webhook and its delivery queue', params: s.IdParams },
  }, async (request, reply) => {
    await webhooks.remove(requirePrincipal(request), request.params.id);
    return reply.status(204).send();
  });

  r.get('/api/v1/webhooks/:id/deliveries', {
    schema: {
      tags, security, summary: 'Deliveries of a webhook, newest first, with their state, tries and last error',
      params: s.IdParams, querystring: s.DeliveryQuerySchema, response: { 200: s.DeliveryPage },
    },
  }, async (request) => webhooks.deliveries(requirePrincipal(request), request.params.id, request.query));
}
