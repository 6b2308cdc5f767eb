// HTTP surface of the clearance pipeline: intake, status, parcels, item records.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/auth.js';
import { AppError, invalid, issue } from '../kernel/errors.js';
import type { RegistryService } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import type { Metrics } from '../ops/metrics.js';
import { IntakeRefused, parseJsonSubmission, parseXmlSubmission } from './parse.js';
import { PRODUCT_CSV_HEADER, checkProductRecords, productFromRow, productsCsv, productsFromCsv } from './products.js';
import type { Pipeline } from './pipeline.js';
import type { B2bDeclarations } from './declarations.js';
import { STATUS_KINDS, type ClearanceQueries } from './query.js';

const tags = ['clearance 通关'];
const security = [{ bearer: [] }];

export function clearanceRoutes(app: FastifyInstance, deps: { pipeline: Pipeline; queries: ClearanceQueries; registry: RegistryService; metrics: Metrics; declarations: B2bDeclarations }): void {
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

  r.get('/api/v1/returns', {
    schema: {
      tags, security, summary: 'Cancellations and returns of declared lists (CEB623/625 import, CEB605/213 export) with their clocks',
      description: 'applyBy: 30 days (import return, 2020年第45号) or 1 year (export return, 2020年第44号) after release; goodsBackBy: 45 days after release (import); taxFreeUntil: six months after the export release (2023年第4号/第34号, exports of 2023-01-30…2025-12-31). quotaFen and taxFen: what customs\' approval gave back to the buyer.',
      querystring: Type.Object({
        state: Type.Optional(Type.Union(['applied', 'approved', 'refused', 'withdrawn'].map((s) => Type.Literal(s)))),
        kind: Type.Optional(Type.Union([Type.Literal('cancel'), Type.Literal('return')])),
        direction: Type.Optional(Type.Union([Type.Literal('import'), Type.Literal('export')])),
        invtNo: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
    },
  }, async (request) => queries.listReturns(requirePrincipal(request), request.query));

  const Line = Type.Object({
    gnum: Type.Integer({ minimum: 1, maximum: 99999 }), gcode: Type.String({ pattern: '^\\d{10}$' }), gname: Type.String({ minLength: 1, maxLength: 250 }),
    qty: Type.String({ pattern: '^\\d{1,14}(\\.\\d{1,5})?$' }), unit: Type.String({ pattern: '^\\d{3}$' }),
    totalPrice: Type.String({ pattern: '^\\d{1,14}(\\.\\d{1,5})?$' }), currency: Type.String({ pattern: '^\\d{3}$' }),
  }, { additionalProperties: false });
  r.post('/api/v1/b2b-declarations', {
    schema: {
      tags, security,
      summary: 'Register a 9710/9810 customs declaration (报关单) and match it against the orders or booking notes it attaches (随附单据 10000004)',
      description: 'For shipments over 5,000 CNY or involving licences, inspection or export duty (cbec-rules §1.5). The header (收发货人, trade mode ↔ order type B/W, currency, FOB total) and each line (qty, unit, amount, currency, name, in the attached orders\' line order) are compared; the result is stored with the declaration. Filing the same content again changes nothing (200); new content re-matches it.',
      body: Type.Object({
        entryId: Type.String(), tradeMode: Type.Union([Type.Literal('9710'), Type.Literal('9810')]), ebcCode: Type.String({ minLength: 1, maxLength: 18 }),
        currency: Type.String({ pattern: '^\\d{3}$' }),
        attachments: Type.Array(Type.Object({ type: Type.String(), number: Type.String({ minLength: 1, maxLength: 60 }), ebpCode: Type.Optional(Type.String({ maxLength: 18 })) }), { minItems: 1, maxItems: 100 }),
        lines: Type.Array(Line, { minItems: 1, maxItems: 999 }),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const r2 = await deps.declarations.file(await filer(request), request.body);
    return reply.code(r2.created ? 201 : 200).send(r2.declaration);
  });
  r.get('/api/v1/b2b-declarations', {
    schema: {
      tags, security, summary: '9710/9810 customs declarations with their match result',
      querystring: Type.Object({
        state: Type.Optional(Type.Union([Type.Literal('matched'), Type.Literal('mismatched')])),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
    },
  }, async (request) => deps.declarations.list(requirePrincipal(request), { ...(request.query.state ? { state: request.query.state } : {}), limit: request.query.limit ?? 50, offset: request.query.offset ?? 0 }));
  r.get('/api/v1/b2b-declarations/:entryId', {
    schema: { tags, security, summary: 'One 9710/9810 customs declaration', params: Type.Object({ entryId: Type.String({ maxLength: 18 }) }) },
  }, async (request) => deps.declarations.get(requirePrincipal(request), request.params.entryId));

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

  const nullable = (t: ReturnType<typeof Type.String>) => Type.Optional(Type.Union([t, Type.Null()]));
  r.put('/api/v1/item-records', {
    schema: {
      tags, security, summary: 'Register product records (商品备案) of the calling e-commerce enterprise: what lists and tax quotes need beyond the order; all or none',
      body: Type.Object({
        items: Type.Array(Type.Object({
          itemNo: Type.String({ minLength: 1, maxLength: 20 }),
          gcode: Type.String({ maxLength: 10 }),
          gname: Type.String({ minLength: 1, maxLength: 250 }),
          unit1: Type.String({ maxLength: 3 }),
          qty1PerUnit: Type.String({ maxLength: 20 }),
          unit2: nullable(Type.String({ maxLength: 3 })),
          qty2PerUnit: nullable(Type.String({ maxLength: 20 })),
          gmodel: nullable(Type.String({ maxLength: 250 })),
          unit: nullable(Type.String({ maxLength: 3, description: 'transaction unit (JGS-20)' })),
          country: nullable(Type.String({ maxLength: 3, description: 'origin (customs country code)' })),
          barCode: nullable(Type.String({ maxLength: 50 })),
          contentAmount: nullable(Type.String({ maxLength: 20, description: 'content of one piece, e.g. 50 (with contentUnit ml): consumption-tax price thresholds are per ml, g or piece' })),
          contentUnit: Type.Optional(Type.Union([Type.Literal('ml'), Type.Literal('g'), Type.Literal('piece'), Type.Null()])),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 5000 }),
      }, { additionalProperties: false }),
    },
  }, async (request) => {
    const e = await filer(request);
    const problems = checkProductRecords(request.body.items);
    if (problems.length) throw invalid(problems);
    const count = await pipeline.putItemRecords(e, request.body.items);
    return { saved: count };
  });

  if (!app.hasContentTypeParser('text/csv')) app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.post('/api/v1/item-records/import', {
    schema: { tags, security, summary: `Product records from CSV (columns ${PRODUCT_CSV_HEADER.join(', ')}), all rows or none` },
  }, async (request) => {
    const e = await filer(request);
    if (typeof request.body !== 'string') throw new AppError('invalid', 'PRODUCT_CSV_EXPECTED');
    const items = productsFromCsv(request.body);
    if (!items.length) throw new AppError('invalid', 'PRODUCT_CSV_EXPECTED');
    const problems = checkProductRecords(items);
    if (problems.length) throw invalid(problems);
    return { saved: await pipeline.putItemRecords(e, items) };
  });

  /** Whose records: an enterprise its own; the operator names one with ebcCode. */
  const recordsOwner = async (request: FastifyRequest, ebcCode: string | undefined): Promise<string> => {
    const p = requirePrincipal(request);
    if (p.kind === 'enterprise') {
      const e = await registry.get(p.enterpriseId);
      return e.customsCode ?? e.uscc;
    }
    if (!ebcCode) throw invalid([issue('REQUIRED', '/ebcCode', { field: 'ebcCode' })]);
    return ebcCode;
  };
  r.get('/api/v1/item-records', {
    schema: {
      tags, security, summary: 'Product records, by item number; q searches number, name, HS code and barcode',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 100 })), ebcCode: Type.Optional(Type.String({ maxLength: 20 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
    },
  }, async (request) => {
    const { q, ebcCode, limit = 50, offset = 0 } = request.query;
    const page = await queries.products(await recordsOwner(request, ebcCode), q, limit, offset);
    return { total: page.total, limit, offset, items: page.items.map(productFromRow) };
  });
  r.get('/api/v1/item-records/export.csv', {
    schema: { tags, security, summary: 'Product records as CSV (the import\'s columns; UTF-8 with BOM)', querystring: Type.Object({ ebcCode: Type.Optional(Type.String({ maxLength: 20 })) }) },
  }, async (request, reply) => {
    const page = await queries.products(await recordsOwner(request, request.query.ebcCode), undefined, 1_000_000, 0);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="item-records.csv"').send(productsCsv(page.items));
  });
}
