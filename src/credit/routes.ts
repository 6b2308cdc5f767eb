// /api/v1/credit: enterprise scores with their computation and history (an enterprise: its own),
// recomputation, the ranking and the scoring model (operator), and the credit negative list.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, requireAdmin, requirePrincipal } from '../http/auth.js';
import { AppError } from '../kernel/errors.js';
import { GRADE_CODES, NEGATIVE_REASONS, type CreditModel } from './model.js';
import type { CreditService } from './service.js';
import type { NegativeList } from './negative.js';

const PAGE = { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) };
const ID = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const DAY = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const INSTANT = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$' });

export interface CreditRouteDeps { readonly credit: CreditService; readonly negativeList: NegativeList; readonly now?: () => Date }

export function creditRoutes(app: FastifyInstance, deps: CreditRouteDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { credit, negativeList } = deps;
  const now = deps.now ?? (() => new Date());

  r.get('/api/v1/credit/enterprises/:id', {
    schema: { tags: ['credit'], security: [{ bearer: [] }], params: ID, querystring: Type.Object(PAGE), summary: 'An enterprise\'s credit: the latest score and grade with each component (value, points, computation), and every earlier computation, newest first (an enterprise: its own)' },
  }, async (request) => {
    const p = requirePrincipal(request);
    const { limit = 50, offset = 0 } = request.query;
    return credit.enterprise(p, request.params.id, { limit, offset });
  });
  r.post('/api/v1/credit/recompute', {
    schema: {
      tags: ['credit'], security: [{ bearer: [] }], summary: 'Compute the credit of one enterprise or of all as of an instant (default now); each computation is kept (operator)',
      body: Type.Object({ enterpriseId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), at: Type.Optional(INSTANT) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const p = requireAdmin(request);
    const body = request.body ?? {};
    const at = body.at ? new Date(body.at) : now();
    const items = await credit.recompute(body.enterpriseId ? { enterpriseId: body.enterpriseId } : 'all', at, actorOf(p));
    return { at: at.toISOString(), computed: items.length, items };
  });
  r.get('/api/v1/credit/ranking', {
    schema: {
      tags: ['credit'], security: [{ bearer: [] }], summary: 'Grades with their counts, and enterprises by latest score, lowest first (operator)',
      querystring: Type.Object({ grade: Type.Optional(Type.Union(GRADE_CODES.map((g) => Type.Literal(g)))), ...PAGE }),
    },
  }, async (request) => {
    requireAdmin(request);
    const { limit = 50, offset = 0, grade } = request.query;
    return credit.ranking({ ...(grade ? { grade } : {}), limit, offset });
  });
  r.get('/api/v1/credit/model', {
    schema: { tags: ['credit'], security: [{ bearer: [] }], summary: 'The scoring model: window, points per customs level, weights, grade thresholds; and the negative-list reasons with their periods (operator)' },
  }, async (request) => {
    requireAdmin(request);
    return { ...(await credit.model()), reasons: NEGATIVE_REASONS };
  });
  r.put('/api/v1/credit/model', {
    schema: {
      tags: ['credit'], security: [{ bearer: [] }], summary: 'Change the scoring model (fields given replace the current ones), checked and audited (operator)',
      body: Type.Object({ model: Type.Record(Type.String(), Type.Unknown()), version: Type.Optional(Type.Integer({ minimum: 0, description: 'the version read; a change made meanwhile is refused' })) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const p = requireAdmin(request);
    return credit.updateModel(request.body.model as Partial<CreditModel>, request.body.version, actorOf(p));
  });
  r.get('/api/v1/credit/model/history', {
    schema: { tags: ['credit'], security: [{ bearer: [] }], summary: 'Every change of the scoring model: who, when, before and after (operator)' },
  }, async (request) => {
    requireAdmin(request);
    return { items: await credit.modelHistory() };
  });

  r.post('/api/v1/credit/negative-list', {
    schema: {
      tags: ['credit'], security: [{ bearer: [] }], summary: 'List an enterprise on the credit negative list (信用负面清单) with a reason, effects and start (operator)',
      body: Type.Object({
        enterpriseId: Type.String({ minLength: 1, maxLength: 64 }), reason: Type.String({ minLength: 1, maxLength: 40 }), text: Type.String({ minLength: 1, maxLength: 1000 }),
        start: Type.Optional(DAY), effects: Type.Optional(Type.Object({ filingBlocked: Type.Optional(Type.Boolean()), mandatoryReview: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const p = requireAdmin(request);
    return reply.status(201).send(await negativeList.add(request.body, actorOf(p)));
  });
  r.get('/api/v1/credit/negative-list', {
    schema: {
      tags: ['credit'], security: [{ bearer: [] }], summary: 'Negative-list entries, newest first (an enterprise: its own)',
      querystring: Type.Object({
        enterpriseId: Type.Optional(Type.String({ maxLength: 64 })),
        state: Type.Optional(Type.Union([Type.Literal('listed'), Type.Literal('repair_requested'), Type.Literal('repaired'), Type.Literal('kept')])), ...PAGE,
      }),
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    const { limit = 50, offset = 0, ...q } = request.query;
    return negativeList.list(p, { ...q, limit, offset });
  });
  r.get('/api/v1/credit/negative-list/:id', {
    schema: { tags: ['credit'], security: [{ bearer: [] }], params: ID, summary: 'A negative-list entry with its audit trail (an enterprise: its own)' },
  }, async (request) => negativeList.get(requirePrincipal(request), request.params.id));
  r.post('/api/v1/credit/negative-list/:id/repair', {
    schema: {
      tags: ['credit'], security: [{ bearer: [] }], params: ID, summary: 'Request credit repair (the listed enterprise, once the reason\'s minimum period has passed)',
      body: Type.Object({ statement: Type.String({ minLength: 1, maxLength: 2000, description: 'how the behaviour was corrected' }) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    if (p.kind !== 'enterprise') throw new AppError('forbidden', 'CREDIT_REPAIR_ENTERPRISE_ONLY');
    return negativeList.repair(p, request.params.id, request.body.statement, actorOf(p));
  });
  r.post('/api/v1/credit/negative-list/:id/decide', {
    schema: {
      tags: ['credit'], security: [{ bearer: [] }], params: ID, summary: 'Decide a repair request: approve (the entry stops having effects) or keep, with a reason (operator)',
      body: Type.Object({ decision: Type.Union([Type.Literal('approve'), Type.Literal('keep')]), reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const p = requireAdmin(request);
    return negativeList.decide(request.params.id, request.body.decision, request.body.reason, actorOf(p));
  });
}
