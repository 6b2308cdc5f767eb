// The security alerts over HTTP, for the zone office (operator token).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, requireAdmin } from '../http/auth.js';
import type { SecurityMonitor } from './monitor.js';

export function securityRoutes(app: FastifyInstance, monitor: SecurityMonitor): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['security 安全监测'];
  const security = [{ bearer: [] }];
  r.get('/api/v1/security/alerts', {
    schema: {
      tags, security, summary: 'Alerts on API misuse: failed authentications by address, a token used from many addresses, traffic spikes, refusals outside an enterprise\'s scope (operator)',
      querystring: Type.Object({
        state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged')])),
        kind: Type.Optional(Type.Union(['auth_failures', 'token_many_addresses', 'traffic_spike', 'scope_violations'].map((k) => Type.Literal(k)))),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
    },
  }, async (request) => {
    requireAdmin(request);
    const { state, kind, limit = 50, offset = 0 } = request.query;
    await monitor.flush();
    return monitor.list({ ...(state ? { state } : {}), ...(kind ? { kind } : {}), limit, offset });
  });
  r.post('/api/v1/security/alerts/:id/ack', {
    schema: {
      tags, security, summary: 'Acknowledge an alert, with a note (operator); a later crossing opens a new one',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const p = requireAdmin(request);
    return monitor.acknowledge(request.params.id, actorOf(p), request.body.note);
  });
}
