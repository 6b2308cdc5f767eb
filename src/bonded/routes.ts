// HTTP surface of the bonded stock ledger (1210/1239 网购保税进口): accounts, inbound notices,
// balances, the movement journal, stock-taking reports, counts and adjustments. Entries, holds and
// exits come from the clearance pipeline (CEB711, list decisions), not from here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, requirePrincipal } from '../http/auth.js';
import { AppError } from '../kernel/errors.js';
import type { RegistryService } from '../registry/index.js';
import type { BondedService, Caller } from './service.js';
import { countsFromCsv, type Stocktaking } from './stocktaking.js';

const tags = ['bonded 保税库存'];
const security = [{ bearer: [] }];

const DAY = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const INSTANT = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$', description: 'ISO 8601 instant with its offset, e.g. 2026-11-15T08:00:00+08:00' });
const CODE = Type.String({ minLength: 1, maxLength: 18 });
const EMS_NO = Type.String({ minLength: 1, maxLength: 30, pattern: '^[0-9A-Za-z]+$', description: '账册编号 (the list head\'s emsNo)' });
const QTY = Type.String({ minLength: 1, maxLength: 21, description: 'exact decimal, at most 5 decimals (N19,5)' });
const PAGE = { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) };
const ACCOUNT_FILTER = { areaCode: Type.Optional(CODE), emsNo: Type.Optional(EMS_NO) };
const STOCK_FILTER = { ...ACCOUNT_FILTER, ebcCode: Type.Optional(CODE), itemNo: Type.Optional(Type.String({ maxLength: 20 })), q: Type.Optional(Type.String({ maxLength: 100 })) };
const COUNT_LINE = Type.Object({ ebcCode: CODE, itemNo: Type.String({ minLength: 1, maxLength: 20 }), qty: QTY }, { additionalProperties: false });

export interface BondedRouteDeps {
  readonly service: BondedService;
  readonly stocktaking: Stocktaking;
  readonly registry: RegistryService;
}

export function bondedRoutes(app: FastifyInstance, deps: BondedRouteDeps): void {
  const { service, stocktaking, registry } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  if (!app.hasContentTypeParser('text/csv')) app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  /** The caller with what the ledger's rules need: its code (customs code, else USCC) and roles. */
  async function callerOf(request: FastifyRequest): Promise<Caller> {
    const p = requirePrincipal(request);
    if (p.kind === 'admin') return { kind: 'admin', actor: actorOf(p) };
    const e = await registry.get(p.enterpriseId);
    return { kind: 'enterprise', actor: actorOf(p), enterpriseId: e.id, code: e.customsCode ?? e.uscc, roles: e.roles };
  }

  r.post('/api/v1/bonded/accounts', {
    schema: {
      tags, security, summary: 'Register a warehouse operator\'s account book (账册): the operator its own, the platform operator anyone\'s',
      body: Type.Object({
        areaCode: Type.Optional(CODE), areaName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), emsNo: EMS_NO,
        operator: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'platform operator only: the warehouse enterprise (id, USCC or customs code); default the one areaCode names' })),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => reply.status(201).send(await service.registerAccount(await callerOf(request), request.body)));

  r.get('/api/v1/bonded/accounts', {
    schema: { tags, security, summary: 'Account books: all (operator), those an enterprise operates or keeps stock on', querystring: Type.Object({ ...PAGE }) },
  }, async (request) => {
    const { limit = 50, offset = 0 } = request.query;
    return service.listAccounts(await callerOf(request), { limit, offset });
  });

  r.post('/api/v1/bonded/notices', {
    schema: {
      tags, security,
      summary: 'File an inbound advance notice (入库通知): what a consignment brings onto an account; the warehouse operator\'s CEB711 listing its waybill enters it',
      description: 'Filed by the e-commerce enterprise for its own goods (ebcCode is then its own) or by the account\'s warehouse operator (ebcCode required).',
      body: Type.Object({
        areaCode: CODE, emsNo: EMS_NO, ebcCode: Type.Optional(CODE),
        logisticsCode: CODE, logisticsNo: Type.String({ minLength: 1, maxLength: 60 }),
        lines: Type.Array(Type.Object({
          itemNo: Type.String({ minLength: 1, maxLength: 20 }), gcode: Type.String({ maxLength: 10 }), gname: Type.String({ minLength: 1, maxLength: 250 }),
          unit: Type.String({ maxLength: 3, description: 'JGS-20 unit code' }), qty: QTY,
        }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => reply.status(201).send(await service.createNotice(await callerOf(request), request.body)));

  r.get('/api/v1/bonded/notices', {
    schema: {
      tags, security, summary: 'Inbound notices, newest first',
      querystring: Type.Object({
        ...ACCOUNT_FILTER, ebcCode: Type.Optional(CODE), state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('entered')])),
        logisticsNo: Type.Optional(Type.String({ maxLength: 60 })), ...PAGE,
      }),
    },
  }, async (request) => {
    const { limit = 50, offset = 0, ...q } = request.query;
    return service.listNotices(await callerOf(request), { ...q, limit, offset });
  });

  r.get('/api/v1/bonded/stock', {
    schema: { tags, security, summary: 'Balances per account, e-commerce enterprise and item: on hand, reserved by lists awaiting customs, available', querystring: Type.Object({ ...STOCK_FILTER, ...PAGE }) },
  }, async (request) => {
    const { limit = 50, offset = 0, ...q } = request.query;
    return service.stock(await callerOf(request), { ...q, limit, offset });
  });

  r.get('/api/v1/bonded/stock/export.csv', {
    schema: { tags, security, summary: 'The balances the filter selects as CSV (UTF-8 with BOM)', querystring: Type.Object(STOCK_FILTER) },
  }, async (request, reply) => {
    const csv = await service.stockCsv(await callerOf(request), request.query);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="bonded-stock.csv"').send(csv);
  });

  r.get('/api/v1/bonded/movements', {
    schema: {
      tags, security, summary: 'The movement journal, oldest first: entries (CEB711), reservations, releases, exits (customs release), adjustments — who, when, why, reference',
      querystring: Type.Object({
        ...ACCOUNT_FILTER, ebcCode: Type.Optional(CODE), itemNo: Type.Optional(Type.String({ maxLength: 20 })),
        kind: Type.Optional(Type.Union(['entry', 'reserve', 'unreserve', 'exit', 'adjustment'].map((k) => Type.Literal(k)))),
        ref: Type.Optional(Type.String({ maxLength: 64 })), from: Type.Optional(DAY), to: Type.Optional(DAY), ...PAGE,
      }),
    },
  }, async (request) => {
    const { limit = 50, offset = 0, ...q } = request.query;
    return service.movements(await callerOf(request), { ...q, limit, offset });
  });

  r.get('/api/v1/bonded/stocktaking', {
    schema: {
      tags, security,
      summary: 'Stock-taking report of an account for a period of Beijing days: opening, entries, exits, adjustments, closing, reserved per item, and the latest count against the book',
      querystring: Type.Object({ areaCode: CODE, emsNo: EMS_NO, from: DAY, to: DAY, ebcCode: Type.Optional(CODE) }),
    },
  }, async (request) => stocktaking.report(await callerOf(request), request.query));

  r.post('/api/v1/bonded/counts', {
    schema: {
      tags, security, summary: 'Upload counted quantities of a stock-taking (the account\'s warehouse operator): kept with the book at the moment counted; changes no balance',
      body: Type.Object({
        areaCode: CODE, emsNo: EMS_NO, countedAt: Type.Optional(INSTANT),
        lines: Type.Array(COUNT_LINE, { minItems: 1, maxItems: 10_000 }),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => reply.status(201).send(await stocktaking.uploadCounts(await callerOf(request), request.body)));

  r.post('/api/v1/bonded/counts/import', {
    schema: {
      tags, security, summary: 'Counted quantities as CSV (columns ebcCode, itemNo, qty), account and moment in the query string',
      querystring: Type.Object({ areaCode: CODE, emsNo: EMS_NO, countedAt: Type.Optional(INSTANT) }),
    },
  }, async (request, reply) => {
    if (typeof request.body !== 'string') throw new AppError('invalid', 'BONDED_CSV_EXPECTED');
    const lines = countsFromCsv(request.body);
    if (!lines.length) throw new AppError('invalid', 'BONDED_CSV_EXPECTED');
    return reply.status(201).send(await stocktaking.uploadCounts(await callerOf(request), { ...request.query, lines }));
  });

  r.post('/api/v1/bonded/adjustments', {
    schema: {
      tags, security,
      summary: 'Correct the book of one item by a signed quantity with a reason (the account\'s warehouse operator or the platform operator); journalled and audited',
      body: Type.Object({
        areaCode: CODE, emsNo: EMS_NO, ebcCode: CODE, itemNo: Type.String({ minLength: 1, maxLength: 20 }),
        qty: Type.String({ minLength: 1, maxLength: 22, description: 'signed exact decimal, e.g. -2 or 3.5' }),
        reason: Type.String({ minLength: 1, maxLength: 500 }), countId: Type.Optional(Type.String({ maxLength: 64 })),
        gcode: Type.Optional(Type.String({ maxLength: 10 })), gname: Type.Optional(Type.String({ minLength: 1, maxLength: 250 })), unit: Type.Optional(Type.String({ maxLength: 3 })),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => reply.status(201).send(await stocktaking.adjust(await callerOf(request), request.body)));
}
