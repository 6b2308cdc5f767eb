// POST /api/v1/tax/quote: the comprehensive tax of the lists in a CEB621 (XML, DxpMsg or JSON),
// with the buyer's year-to-date total from the clearance quota ledger when the caller may know it.
import type { FastifyRequest, FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { fenToYuan } from '../kernel/money.js';
import { ANNUAL_LIMIT_FEN, SINGLE_LIMIT_FEN } from './compute.js';
import { actorOf, requirePrincipal } from '../http/auth.js';
import type { Inventory, Order } from '../ceb/model/import-202205.js';
import { AppError } from '../kernel/errors.js';
import { IntakeRefused, readBusinessMessage } from '../clearance/parse.js';
import { checkModel, type Model, type ReadResult } from '../ceb/codec.js';
import { buyerKey } from '../clearance/pipeline.js';
import * as clearance from '../clearance/repository.js';
import type { Store } from '../db/store.js';
import type { RegistryService } from '../registry/index.js';
import { quoteInventory, quoteOrder, type RateTable } from './index.js';
import { productsOf } from './facts.js';
import { todayInBeijing } from './rates.js';
import type { TaxBills } from './bills.js';
import type { Prerefunds } from './prerefund.js';
import type { ExportRegistry } from './exports.js';
export { productsOf } from './facts.js';

/** A buyer's parcels filed through one platform (the order key is 311|ebpCode|orderNo). */
const through = <T extends { order_key: string }>(parcels: readonly T[], platformCode: string | undefined): T[] =>
  parcels.filter((x) => x.order_key.split('|')[1] === platformCode);

export function taxRoutes(app: FastifyInstance, deps: { store: Store; registry: RegistryService; rates: () => RateTable; bills: TaxBills; exports: ExportRegistry; prerefunds: Prerefunds }): void {
  const codeOf = async (p: ReturnType<typeof requirePrincipal>) => {
    if (p.kind !== 'enterprise') return undefined;
    const me = await deps.registry.get(p.enterpriseId);
    return me.customsCode ?? me.uscc;
  };
  app.withTypeProvider<TypeBoxTypeProvider>().get('/api/v1/tax/bills', {
    schema: {
      tags: ['tax'], security: [{ bearer: [] }],
      summary: 'Customs\' tax bills (CEB816) with their reconciliation against the engine (computedTaxTotal, difference, flagged), newest first',
      querystring: Type.Object({
        flagged: Type.Optional(Type.Boolean()), assureCode: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    const { flagged, assureCode, limit = 50, offset = 0 } = request.query;
    return deps.bills.list(p, await codeOf(p), { ...(flagged !== undefined ? { flagged } : {}), ...(assureCode ? { assureCode } : {}), limit, offset });
  });
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const DAY = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
  r.post('/api/v1/tax/export-registrations', {
    schema: {
      tags: ['tax'], security: [{ bearer: [] }], body: Type.Object({ invtNo: Type.String({ minLength: 1, maxLength: 18 }) }, { additionalProperties: false }),
      summary: 'Register a released export list\'s lines (出口日期、货物名称、计量单位、数量、单价、金额) for 无票免税 and 核定征收; once per line, never changed',
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    if (p.kind !== 'enterprise') throw new AppError('forbidden', 'INTAKE_ENTERPRISE_ONLY');
    const out = await deps.exports.register(await deps.registry.get(p.enterpriseId), request.body.invtNo, actorOf(p));
    return reply.status(out.registered ? 201 : 200).send(out);
  });
  r.get('/api/v1/tax/export-registrations', {
    schema: {
      tags: ['tax'], security: [{ bearer: [] }], summary: 'Registered export lines by export date (an enterprise: its own)',
      querystring: Type.Object({ from: Type.Optional(DAY), to: Type.Optional(DAY), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) }),
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    const { from, to, limit = 50, offset = 0 } = request.query;
    return deps.exports.list(p, await codeOf(p), { ...(from ? { from } : {}), ...(to ? { to } : {}), limit, offset });
  });
  const me = async (request: FastifyRequest) => {
    const p = requirePrincipal(request);
    if (p.kind !== 'enterprise') throw new AppError('forbidden', 'INTAKE_ENTERPRISE_ONLY');
    return deps.registry.get(p.enterpriseId);
  };
  const LINE = Type.Object({ invtNo: Type.String({ minLength: 1, maxLength: 20 }), gnum: Type.Integer({ minimum: 1, maximum: 99999 }) });
  r.post('/api/v1/tax/prerefunds', {
    schema: {
      tags: ['tax'], security: [{ bearer: [] }], body: Type.Object({ invtNo: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false }),
      summary: 'Track a departed 9810 list for 出口预退税 (HWC-YT, 国家税务总局公告2025年第3号): each line until its sales settle it, by 30 April of the next year',
    },
  }, async (request, reply) => reply.status(201).send({ items: await deps.prerefunds.track(await me(request), request.body.invtNo) }));
  r.post('/api/v1/tax/prerefunds/:invtNo/:gnum/claim', {
    schema: { tags: ['tax'], security: [{ bearer: [] }], params: LINE, body: Type.Object({ ref: Type.String({ minLength: 1, maxLength: 40, description: '申报序号 (生产企业) or 关联号 (外贸企业)' }) }, { additionalProperties: false }), summary: 'Record the pre-refund declaration of a line' },
  }, async (request) => deps.prerefunds.claim(await me(request), request.params.invtNo, request.params.gnum, request.body.ref));
  r.post('/api/v1/tax/prerefunds/:invtNo/:gnum/sales', {
    schema: {
      tags: ['tax'], security: [{ bearer: [] }], params: LINE, summary: 'Record a sale from the overseas warehouse against a line (evidence is due within 15 days of the sale)',
      body: Type.Object({ qty: Type.String({ minLength: 1, maxLength: 21 }), date: DAY, evidence: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
    },
  }, async (request) => deps.prerefunds.sell(await me(request), request.params.invtNo, request.params.gnum, request.body));
  r.get('/api/v1/tax/prerefunds', {
    schema: {
      tags: ['tax'], security: [{ bearer: [] }], summary: 'Pre-refund lines with sold and unsold quantities, the settlement deadline and what is overdue (an enterprise: its own)',
      querystring: Type.Object({
        status: Type.Optional(Type.Union([Type.Literal('exported'), Type.Literal('pre_refunded'), Type.Literal('settled')])), overdue: Type.Optional(Type.Boolean()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      }),
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    const { status, overdue, limit = 50, offset = 0 } = request.query;
    return deps.prerefunds.list(p, await codeOf(p), { ...(status ? { status } : {}), ...(overdue !== undefined ? { overdue } : {}), limit, offset });
  });
  r.get('/api/v1/tax/export-registrations/report', {
    schema: {
      tags: ['tax'], security: [{ bearer: [] }], querystring: Type.Object({ from: DAY, to: DAY }),
      summary: '无票免税 eligibility and the 核定征收 computation (revenue × 4 % × 25 %) per exporter and currency for a period',
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    return deps.exports.report(p, await codeOf(p), request.query);
  });

  app.get('/api/v1/tax/bills/totals', {
    schema: { tags: ['tax'], security: [{ bearer: [] }], summary: 'Running totals of the tax bills per guaranteeing enterprise (assureCode, 代收代缴); void bills left out' },
  }, async (request) => {
    const p = requirePrincipal(request);
    return { totals: await deps.bills.totals(p, await codeOf(p)) };
  });

  app.withTypeProvider<TypeBoxTypeProvider>().get('/api/v1/buyers/quota', {
    schema: {
      tags: ['tax'], security: [{ bearer: [] }],
      summary: 'A buyer\'s personal annual quota (26,000 per calendar year): used, of it released by customs and still pending, remaining, with the parcels',
      description: 'For agencies (operator token) and for the platforms the buyer ordered through; other enterprises are refused.',
      querystring: Type.Object({
        idType: Type.String({ pattern: '^\\d$', default: '1' }), idNumber: Type.String({ minLength: 1, maxLength: 60 }),
        year: Type.Optional(Type.Integer({ minimum: 2016, maximum: 2100 })),
      }),
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    const { idType, idNumber } = request.query;
    const year = request.query.year ?? Number(todayInBeijing().slice(0, 4));
    const key = buyerKey(idType, idNumber);
    const parcels = await clearance.buyerYear(deps.store.db, key, year);
    // A platform sees the totals and its own parcels, not the buyer's parcels on other platforms.
    let myParcels = parcels;
    if (p.kind === 'enterprise') {
      const me = await deps.registry.get(p.enterpriseId);
      myParcels = through(parcels, me.customsCode ?? me.uscc);
      if (!me.roles.includes('ebp') || !myParcels.length) throw new AppError('forbidden', 'QUOTA_FORBIDDEN');
    }
    const used = (await clearance.quotas(deps.store.db, [{ buyer: key, year }])).get(`${key}|${year}`) ?? 0;
    const released = parcels.filter((x) => x.list_state === 'released' || x.list_state === 'closed').reduce((t, x) => t + Number(x.value_fen ?? 0), 0);
    return {
      year, limit: fenToYuan(ANNUAL_LIMIT_FEN), singleLimit: fenToYuan(SINGLE_LIMIT_FEN),
      used: fenToYuan(used), released: fenToYuan(released), pending: fenToYuan(Math.max(0, used - released)), remaining: fenToYuan(Math.max(0, ANNUAL_LIMIT_FEN - used)),
      parcels: myParcels.map((x) => ({ orderNo: x.order_no, value: fenToYuan(Number(x.value_fen ?? 0)), listState: x.list_state ?? null, invtNo: x.invt_no ?? null, decidedAt: x.decided_at })),
    };
  });

  app.post('/api/v1/tax/quote', {
    schema: {
      tags: ['tax'], security: [{ bearer: [] }],
      summary: 'Retail-import comprehensive tax of the lists in a CEB621, or of the orders in a CEB311 through product records (XML, DxpMsg or JSON {messageType, message}): CEB816 field names, per-line detail, the rule applied',
      description: 'The buyer\'s year-to-date total counts when the caller is the operator or an enterprise the list names (platform, e-commerce enterprise or declarant); otherwise the quote assumes none used and says so.',
    },
  }, async (request) => {
    const p = requirePrincipal(request);
    const s = readList(request.body);
    if (s.messageType !== 'CEB621Message' && s.messageType !== 'CEB311Message') throw new AppError('invalid', 'TAX_QUOTE_TYPE', { type: s.messageType ?? '?' });
    const me = p.kind === 'enterprise' ? await deps.registry.get(p.enterpriseId) : undefined;
    const myCode = me ? me.customsCode ?? me.uscc : undefined;
    const rates = deps.rates();
    const docs = (s.messageType === 'CEB621Message' ? s.model.Inventory : s.model.Order) as (Inventory | Order)[] | undefined ?? [];
    const quotes = [];
    for (const doc of docs) {
      const h = 'InventoryHead' in doc ? doc.InventoryHead : doc.OrderHead;
      const year = Number((h.appTime ?? '').slice(0, 4)) || Number(todayInBeijing().slice(0, 4));
      // What the caller writes in the list proves nothing: the buyer's total counts for the operator
      // and for a platform the buyer has ordered through (the rule of GET /api/v1/buyers/quota).
      let ytd = 0;
      let knowsBuyer = !me;
      if (h.buyerIdType && h.buyerIdNumber) {
        const key = buyerKey(h.buyerIdType, h.buyerIdNumber);
        if (me) knowsBuyer = me.roles.includes('ebp') && through(await clearance.buyerYear(deps.store.db, key, year), myCode).length > 0;
        if (knowsBuyer) ytd = (await clearance.quotas(deps.store.db, [{ buyer: key, year }])).get(`${key}|${year}`) ?? 0;
      }
      // Product records are the e-commerce enterprise's own: used for it (and the operator) only.
      const products = !me || h.ebcCode === myCode ? await productsOf(deps.store, h.ebcCode) : () => undefined;
      const q = 'InventoryHead' in doc ? quoteInventory(doc, { rates, yearToDateFen: ytd, products }) : quoteOrder(doc, { rates, yearToDateFen: ytd, products });
      quotes.push(knowsBuyer ? q : { ...q, warnings: [...q.warnings, 'the buyer\'s year-to-date total is shown to the operator and to the platforms the buyer ordered through only: none assumed'] });
    }
    return { messageType: s.messageType, lists: quotes };
  });
}

/**
 * The message to quote, read with the codec's checks except one: a quote is asked before the list
 * is signed, so the ds:Signature the import XSD requires on a 621 may be missing.
 */
function readList(body: unknown): { messageType: string | undefined; model: Model } {
  let read: ReadResult | undefined;
  let original: string;
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    original = bytes.toString('utf8');
    read = readBusinessMessage(bytes);
  } else {
    const b = body as { messageType?: unknown; message?: unknown } | null;
    original = JSON.stringify(body ?? null).slice(0, 100_000);
    if (!b || typeof b.messageType !== 'string' || !b.message || typeof b.message !== 'object') throw new AppError('invalid', 'INTAKE_BAD_JSON');
    read = checkModel(b.messageType.endsWith('Message') ? b.messageType : `${b.messageType}Message`, b.message as Model);
  }
  const errors = (read?.errors ?? []).filter((e) => !e.path.startsWith('/Signature'));
  if (!read?.message || errors.length) throw new IntakeRefused(errors, original, read?.messageType);
  return { messageType: read.messageType, model: read.message };
}
