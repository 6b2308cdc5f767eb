// /api/v1/risk: the rule catalogue and its tuning (operator), results (an enterprise: its own
// documents'), enterprise scores, and the manual review queue (operator).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, requireAdmin, requirePrincipal } from '../http/auth.js';
import { AppError } from '../kernel/errors.js';
import type { RiskService } from './service.js';

const PAGE = { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) };
const INSTANT = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+Z?)?$' });

export function riskRoutes(app: FastifyInstance, deps: { risk: RiskService }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { risk } = deps;
  r.get('/api/v1/risk/rules', {
    schema: { tags: ['risk'], security: [{ bearer: [] }], summary: 'The risk rules with their severity, parameters (and schema), enabled flag and the routing thresholds (operator only: thresholds known are thresholds dodged)' },
  }, async (request) => {
    requireAdmin(request);
    return risk.rules();
  });
  r.put('/api/v1/risk/rules/:code', {
    schema: {
      tags: ['risk'], security: [{ bearer: [] }], params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
      summary: 'Tune a rule (or ROUTING: the review and refuse thresholds): enabled flag and parameters, checked against its schema, audited (operator only)',
      body: Type.Object({
        enabled: Type.Optional(Type.Boolean()), params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        version: Type.Optional(Type.Integer({ minimum: 0, description: 'the version read; a change made meanwhile is refused' })),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const p = requireAdmin(request);
    return risk.updateRule(request.params.code, request.body, actorOf(p));
  });
  r.get('/api/v1/risk/rules/:code/history', {
    schema: { tags: ['risk'], security: [{ bearer: [] }], params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }), summary: 'Every change of a rule\'s settings: who, when, before and after' },
  }, async (request) => {
    requireAdmin(request);
    return risk.history(request.params.code);
  });
  r.get('/api/v1/risk/results', {
    schema: {
      tags: ['risk'], security: [{ bearer: [] }], summary: 'Risk results, newest first, each with the rules that fired and their values (an enterprise: its own documents)',
      querystring: Type.Object({
        documentId: Type.Optional(Type.String({ maxLength: 64 })), decision: Type.Optional(Type.Union([Type.Literal('pass'), Type.Literal('review'), Type.Literal('refuse')])),
        enterpriseId: Type.Optional(Type.String({ maxLength: 64 })), from: Type.Optional(INSTANT), to: Type.Optional(INSTANT), ...PAGE,
      }),
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    const { limit = 50, offset = 0, ...q } = request.query;
    return risk.results(p, { ...q, limit, offset });
  });
  r.get('/api/v1/risk/enterprises/:id/score', {
    schema: {
      tags: ['risk'], security: [{ bearer: [] }], params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
      querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })) }),
      summary: 'An enterprise\'s rolling risk score: documents, sum, mean and highest score over the last days (an enterprise: its own)',
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    if (p.kind === 'enterprise' && p.enterpriseId !== request.params.id) throw new AppError('forbidden', 'FORBIDDEN');
    return risk.enterpriseScore(request.params.id, request.query.days ?? 30);
  });
  r.get('/api/v1/risk/reviews', {
    schema: {
      tags: ['risk'], security: [{ bearer: [] }], summary: 'The manual review queue, oldest first (operator only)',
      querystring: Type.Object({
        state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('assigned'), Type.Literal('approved'), Type.Literal('rejected')])),
        assignee: Type.Optional(Type.String({ maxLength: 100 })), ...PAGE,
      }),
    },
  }, async (request) => {
    requireAdmin(request);
    const { limit = 50, offset = 0, ...q } = request.query;
    return risk.reviews({ ...q, limit, offset });
  });
  r.get('/api/v1/risk/reviews/:id', {
    schema: { tags: ['risk'], security: [{ bearer: [] }], params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }), summary: 'A review with its result and its history (operator only)' },
  }, async (request) => {
    requireAdmin(request);
    return risk.reviewDetail(request.params.id);
  });
  for (const action of ['assign', 'approve', 'reject'] as const) {
    r.post(`/api/v1/risk/reviews/:id/${action}`, {
      schema: {
        tags: ['risk'], security: [{ bearer: [] }], params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        summary: action === 'assign' ? 'Assign a review (to the caller unless an assignee is given)' : action === 'approve' ? 'Approve an assigned review: the document goes on' : 'Reject an assigned review, with a reason',
        body: Type.Object({ assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), reason: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
      },
    }, async (request) => {
      const p = requireAdmin(request);
      return risk.act(request.params.id, action, request.body ?? {}, actorOf(p));
    });
  }
}
