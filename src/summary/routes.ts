// The monthly consolidation over HTTP: build a month's summary, list and read summaries (the
// preview: header groups and declaration lines), fetch the CEB701 XML, and the reminder list.
import type { Model } from '../ceb/codec.js';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, requirePrincipal } from '../http/auth.js';
import { AppError } from '../kernel/errors.js';
import { writeMessage } from '../ceb/codec.js';
import type { RegistryService, Principal } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import type { Summaries, SummaryView } from './service.js';

const MONTH = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });
const CODE = Type.String({ minLength: 1, maxLength: 18 });
const NAME = Type.String({ minLength: 1, maxLength: 100 });

export function summaryRoutes(app: FastifyInstance, deps: { summaries: Summaries; registry: RegistryService; now?: () => Date; pipeline?: { enqueue(enterpriseId: string, messageType: string, direction: 'import' | 'export', models: readonly Model[]): Promise<void> } }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const now = deps.now ?? (() => new Date());
  const me = async (p: Principal): Promise<Enterprise | undefined> => (p.kind === 'enterprise' ? deps.registry.get(p.enterpriseId) : undefined);
  const codeOf = (e: Enterprise) => e.customsCode ?? e.uscc;
  const known = async (code: string) => deps.registry.get(code).catch(() => undefined);
  /** An enterprise sees the summaries it is the 收发货人 or the declarant of. */
  const mayRead = (e: Enterprise | undefined, s: Pick<SummaryView, 'ebcCode' | 'agentCode' | 'declAgentCode'>) =>
    !e || [s.ebcCode, s.agentCode, s.declAgentCode].includes(codeOf(e));

  r.post('/api/v1/summaries', {
    schema: {
      tags: ['summary'], security: [{ bearer: [] }],
      summary: 'Consolidate a month\'s closed B export lists (清单核放、汇总申报) of a 收发货人: the preview (one 报关单 per header group, one line per line group, exact sums) and the CEB701 messages',
      description: 'An enterprise builds for itself (ebcCode is its own code); the operator for any. mode statistics (汇总统计) groups the same way and sends nothing.',
      body: Type.Object({
        ebcCode: Type.Optional(CODE), month: MONTH, customsCode: Type.Optional(Type.String({ pattern: '^\\d{4}$' })),
        summaryFlag: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2')])), itemNameFlag: Type.Optional(Type.Boolean()),
        mode: Type.Optional(Type.Union([Type.Literal('declaration'), Type.Literal('statistics')])),
        agentCode: Type.Optional(CODE), agentName: Type.Optional(NAME), declAgentCode: Type.Optional(CODE), declAgentName: Type.Optional(NAME),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const self = await me(p);
    const b = request.body;
    if (!self && !b.ebcCode) throw new AppError('invalid', 'REQUIRED', { path: '/ebcCode' });
    const ebcCode = b.ebcCode ?? codeOf(self!);
    if (self && ebcCode !== codeOf(self)) throw new AppError('forbidden', 'SUMMARY_FORBIDDEN', { ebcCode });
    const ebc = self ?? await known(ebcCode);
    const agent = b.agentCode ? await known(b.agentCode) : ebc;
    const out = await deps.summaries.build({
      ebcCode, ebcName: ebc?.nameZh ?? ebcCode, month: b.month, customsCode: await deps.summaries.customsOf(ebcCode, b.month, b.customsCode),
      summaryFlag: b.summaryFlag ?? '1', itemNameFlag: b.itemNameFlag ?? false, mode: b.mode ?? 'declaration',
      agentCode: b.agentCode, agentName: b.agentName ?? agent?.nameZh, declAgentCode: b.declAgentCode, declAgentName: b.declAgentName,
      transfer: agent ? { copCode: codeOf(agent), copName: agent.nameZh, dxpId: agent.dxpId ?? '' } : undefined,
    }, actorOf(p));
    return reply.status(201).send(out);
  });

  r.get('/api/v1/summaries', {
    schema: {
      tags: ['summary'], security: [{ bearer: [] }], summary: 'Summaries, newest first (an enterprise: its own)',
      querystring: Type.Object({
        ebcCode: Type.Optional(CODE), month: Type.Optional(MONTH),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
    },
  }, async (request) => {
    const self = await me(requirePrincipal(request));
    const { month, limit = 50, offset = 0 } = request.query;
    return deps.summaries.list({ ebcCode: self ? codeOf(self) : request.query.ebcCode, month, limit, offset });
  });

  r.get('/api/v1/summaries/deadlines', {
    schema: {
      tags: ['summary'], security: [{ bearer: [] }],
      summary: 'The reminder list: per 收发货人, customs and month, the closed B lists not yet summarised, the due date (15th of the next month, next working day), days left, overdue',
      querystring: Type.Object({ asOf: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }),
    },
  }, async (request) => {
    const self = await me(requirePrincipal(request));
    // A day is taken as Beijing noon: its Beijing date is that day whatever the server's zone.
    const asOf = request.query.asOf ? new Date(`${request.query.asOf}T12:00:00+08:00`) : now();
    return { asOf: asOf.toISOString(), items: await deps.summaries.deadlines(asOf, self ? codeOf(self) : undefined) };
  });

  r.get('/api/v1/summaries/:id', {
    schema: { tags: ['summary'], security: [{ bearer: [] }], summary: 'A summary with its header groups (future 报关单) and declaration lines', params: Type.Object({ id: Type.String({ maxLength: 64 }) }) },
  }, async (request) => {
    const self = await me(requirePrincipal(request));
    const s = await deps.summaries.get(request.params.id);
    if (!mayRead(self, s)) throw new AppError('not_found', 'SUMMARY_NOT_FOUND', { value: request.params.id });
    return s;
  });

  r.post('/api/v1/summaries/:id/send', {
    schema: {
      tags: ['summary'], security: [{ bearer: [] }],
      summary: 'Send a built summary\'s CEB701 messages to customs, signed with the declarant\'s key; CEB702 and CEB792 come back as receipts',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    const self = await me(p);
    const s = await deps.summaries.get(request.params.id);
    if (!mayRead(self, s)) throw new AppError('not_found', 'SUMMARY_NOT_FOUND', { value: request.params.id });
    if (!deps.pipeline) throw new AppError('conflict', 'SUMMARY_STATE', { id: s.id, state: s.state, to: 'sent' });
    // The declarant (申报单位) signs and sends; an operator sends on the declarant's behalf.
    const sender = self ?? await known(s.agentCode) ?? await known(s.ebcCode);
    if (!sender) throw new AppError('not_found', 'SUMMARY_NOT_FOUND', { value: s.id });
    const models: Model[] = [];
    for await (const m of deps.summaries.messages(s.id)) models.push(m.model);
    const sent = await deps.summaries.markSent(s.id);
    await deps.pipeline.enqueue(sender.id, 'CEB701Message', 'export', models);
    return { ...sent, messages: models.length };
  });

  r.get('/api/v1/summaries/:id/mapping', {
    schema: {
      tags: ['summary'], security: [{ bearer: [] }], summary: 'Each list line → its header group and declaration line (gseqno), beside customs\' own mapping from the CEB792; paged by invtNo and gnum',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })), afterInvtNo: Type.Optional(Type.String({ maxLength: 20 })), afterGnum: Type.Optional(Type.Integer({ minimum: 0 })) }),
    },
  }, async (request) => {
    const self = await me(requirePrincipal(request));
    const s = await deps.summaries.get(request.params.id);
    if (!mayRead(self, s)) throw new AppError('not_found', 'SUMMARY_NOT_FOUND', { value: request.params.id });
    const { limit = 500, afterInvtNo, afterGnum } = request.query;
    return { items: await deps.summaries.mapping(s.id, { limit, after: afterInvtNo ? [afterInvtNo, afterGnum ?? 0] : undefined }) };
  });

  r.get('/api/v1/summaries/:id/ceb701.xml', {
    schema: {
      tags: ['summary'], security: [{ bearer: [] }],
      summary: 'A CEB701 message of the summary (msg, 1-based; the X-Message-Count header says how many there are), unsigned',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      querystring: Type.Object({ msg: Type.Optional(Type.Integer({ minimum: 1, default: 1 })) }),
    },
  }, async (request, reply) => {
    const self = await me(requirePrincipal(request));
    const s = await deps.summaries.get(request.params.id);
    if (!mayRead(self, s)) throw new AppError('not_found', 'SUMMARY_NOT_FOUND', { value: request.params.id });
    const m = await deps.summaries.message(s.id, request.query.msg ?? 1);
    return reply.header('x-message-count', String(m.count)).type('application/xml; charset=utf-8').send(writeMessage('CEB701Message', m.model));
  });
}
