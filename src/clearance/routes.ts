// HTTP surface of the clearance pipeline: intake, status, parcels, item records.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/auth.js';
import { AppError } from '../kernel/errors.js';
import type { RegistryService } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import type { Metrics } from '../ops/metrics.js';
import { IntakeRefused, parseJsonSubmission, parseXmlSubmission } from './parse.js';
import type { Pipeline } from './pipeline.js';
import { STATUS_KINDS, type ClearanceQueries } from './query.js';

const tags = ['clearance 通关'];
const security = [{ bearer: [] }];

export function clearanceRoutes(app: FastifyInstance, deps: { pipeline: Pipeline; queries: ClearanceQueries; registry: RegistryService; metrics: Metrics }): void {
  const { pipeline, queries, registry } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  // CEB XML arrives as text; the codec reads it strictly (no DTDs, size and depth limits).
  for (const type of ['application/xml', 'text/xml']) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    }
  }

  async function filer(request: FastifyRequest): Promise<Enterprise> {
    const p = requirePrincipal(request);
    if (p.kind !== 'enterprise') throw new AppError('forbidden', 'INTAKE_ENTERPRISE_ONLY');
    return registry.get(p.enterpriseId);
  }

  app.post('/api/v1/messages', {
    schema: {
      tags, security,
      summary: 'File CEB messages (orders, payments, waybills, inventory lists): CEB XML, DxpMsg-wrapped XML, or JSON {messageType, message}',
      description: 'Up to 100 documents per message. 200 means every answered document is committed; per-document refusals (duplicate number, stale change …) come back as receipts with a negative returnStatus. A message that fails its checks is refused as a whole with 400, the problems and the CEB900 receipt.',
    },
  }, async (request) => {
    const enterprise = await filer(request);
    let submission;
    try {
      submission = Buffer.isBuffer(request.body) || typeof request.body === 'string'
        ? parseXmlSubmission(request.body as Buffer | string)
        : parseJsonSubmission(request.body);
    } catch (err) {
      if (err instanceof IntakeRefused) deps.metrics.intakeDocuments.inc({ outcome: 'malformed' });
      throw err;
    }
    const answer = await pipeline.submit(enterprise, submission);
    for (const a of answer.receipts) deps.metrics.intakeDocuments.inc({ outcome: a.status });
    return answer;
  });

  r.get('/api/v1/status/:kind/:key', {
    schema: {
      tags, security, summary: 'A document or inventory list with its state, match result, receipts and history',
      description: 'kind: order | payment | waybill (key "code:number", e.g. ebpCode:orderNo) or inventory (copNo, preNo or invtNo).',
      params: Type.Object({ kind: Type.Union(STATUS_KINDS.map((k) => Type.Literal(k))), key: Type.String({ minLength: 1, maxLength: 200 }) }),
    },
  }, async (request) => queries.status(requirePrincipal(request), request.params.kind, request.params.key));

  r.get('/api/v1/parcels', {
    schema: {
      tags, security, summary: 'Parcels (the three documents of one order) with their match decision',
      querystring: Type.Object({
        state: Type.Optional(Type.Union(['incomplete', 'matched', 'mismatched', 'cancelled'].map((s) => Type.Literal(s)))),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
    },
  }, async (request) => queries.listParcels(requirePrincipal(request), request.query));

  r.get('/api/v1/clearance/summary', {
    schema: { tags, security, summary: 'Counts of documents, parcels and lists by state (what the caller may see)' },
  }, async (request) => queries.summary(requirePrincipal(request)));

  r.put('/api/v1/buyer-verifications', {
    schema: {
      tags, security,
      summary: 'A platform declares buyers whose identity it has verified (18号 art 5): their payer may then differ from the buyer',
      description: 'Only the ID is kept, as a SHA-256 digest, per platform. Needs an e-commerce platform (ebp) token.',
      body: Type.Object({
        buyers: Type.Array(Type.Object({
          idType: Type.Literal('1'),
          idNumber: Type.String({ minLength: 15, maxLength: 18, pattern: '^[0-9]{15}([0-9]{2}[0-9Xx])?$' }),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 5000 }),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const e = await filer(request);
    if (!e.roles.includes('ebp')) throw new AppError('forbidden', 'INTAKE_ROLE', { type: 'buyer-verifications', roles: 'ebp', held: e.roles.join(', ') || '—' });
    return { saved: await pipeline.verifyBuyers(e, request.body.buyers) };
  });

  r.put('/api/v1/item-records', {
    schema: {
      tags, security, summary: 'Register item records (商品备案) of the calling e-commerce enterprise: what a list needs beyond the order',
      body: Type.Object({
        items: Type.Array(Type.Object({
          itemNo: Type.String({ minLength: 1, maxLength: 20 }),
          gcode: Type.String({ pattern: '^\\d{10}$' }),
          gname: Type.String({ minLength: 1, maxLength: 250 }),
          unit1: Type.String({ pattern: '^\\d{3}$' }),
          qty1PerUnit: Type.String({ pattern: '^\\d{1,14}(\\.\\d{1,5})?$' }),
          unit2: Type.Optional(Type.Union([Type.String({ pattern: '^\\d{3}$' }), Type.Null()])),
          qty2PerUnit: Type.Optional(Type.Union([Type.String({ pattern: '^\\d{1,14}(\\.\\d{1,5})?$' }), Type.Null()])),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 5000 }),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const e = await filer(request);
    const count = await pipeline.putItemRecords(e, request.body.items);
    return { saved: count };
  });
}
