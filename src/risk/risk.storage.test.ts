// The risk engine on a real database (SQLite, and PostgreSQL when configured): facts read from the
// platform's tables, results and observations stored, rules tuned and audited, the review queue over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import type { Kysely } from 'kysely';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { sendError } from '../http/errors.js';
import type { Principal } from '../registry/index.js';
import { buyerKey } from '../clearance/pipeline.js';
import { up } from '../db/migrations/0017_risk.js';
import { createFactCache, createRisk, databaseFacts, orderCacheKey, riskRoutes, type RiskInput, type RiskService } from './index.js';

const T0 = '2026-11-01T00:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();
const order = (id: string, o: { buyer?: string; value?: string; at?: string; enterpriseId?: string; orderNo?: string; price?: string; consignee?: string; address?: string; phone?: string } = {}): RiskInput => ({
  documentId: id, messageType: 'CEB311Message', enterpriseId: o.enterpriseId ?? 'e1', at: o.at ?? T0,
  entity: {
    OrderHead: {
      orderNo: o.orderNo ?? id, ebpCode: 'EBP1', ebcCode: 'EBC1', goodsValue: o.value ?? '100.00', buyerIdType: '1', buyerIdNumber: o.buyer ?? 'B1', buyerName: '张三',
      consignee: o.consignee ?? '张三', consigneeTelephone: o.phone ?? '13800000000', consigneeAddress: o.address ?? '北京市朝阳区1号',
    },
    OrderList: [{ gnum: '1', itemNo: 'SKU1', qty: '2', price: o.price ?? '50', country: '116' }],
  },
});
const principals: Record<string, Principal> = { admin: { kind: 'admin', tokenId: 'ta' }, e1: { kind: 'enterprise', tokenId: 't1', enterpriseId: 'e1' }, e2: { kind: 'enterprise', tokenId: 't2', enterpriseId: 'e2' } };

describe.each(adapters)('risk engine on %s', (adapter) => {
  let t: TestStore;
  let risk: RiskService;
  let app: FastifyInstance;
  const call = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url, headers: { 'x-test-principal': who, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await openTestStore(adapter);
    // Until 0016 is listed in src/db/migrate.ts.
    if (!t.store.applied.includes('0017_risk')) await up(t.store.db as unknown as Kysely<unknown>);
    risk = createRisk({ store: t.store, facts: (db) => databaseFacts(db, { negativeList: () => new Set(['NEG1']), goodsStatus: (g) => (g === '9999999999' ? 'off' : 'listed') }), now: () => new Date(at(1)) });
    app = Fastify();
    const strict = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false });
    const lenient = new Ajv({ allErrors: true, coerceTypes: 'array', useDefaults: true, strict: false });
    app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema));
    app.setErrorHandler((err, request, reply) => sendError(request, reply, err));
    app.addHook('onRequest', async (request) => {
      const p = principals[String(request.headers['x-test-principal'])];
      if (p) request.principal = p;
    });
    riskRoutes(app, { risk });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('reads window facts from the database: split orders, rejections, linked orders, item records, prices', async () => {
    const { db } = t.store;
    await db.insertInto('item_records').values([
      { ebc_code: 'EBC1', item_no: 'SKU1', enterprise_id: 'e1', gcode: '0101999901', gname: '面霜', unit1: '035', qty1_per_unit: '0.5', unit2: null, qty2_per_unit: null, updated_at: T0, gmodel: null, unit: null, country: '116', bar_code: null, content_amount: null, content_unit: null },
    ]).execute();
    // Earlier orders, evaluated and recorded as the intake does: they become the window's history.
    await db.transaction().execute(async (trx) => {
      await risk.record(trx, await risk.evaluate(trx, [order('o-1', { value: '3000.00', at: at(-5) }), order('o-2', { buyer: 'B2', at: at(-200) })]));
    });
    const [split] = await risk.evaluate(db, [order('o-3', { value: '2500.00' })]);
    expect(split!.hits.map((h) => h.code)).toContain('R-SPLIT-ORDER');
    expect(split!.hits.find((h) => h.code === 'R-SPLIT-ORDER')!.values).toMatchObject({ orders: 2, total: '5500.00' });
    // Another buyer with the same consignee and address is caught by those keys; a stranger is not.
    const [sameAddress, alone] = await risk.evaluate(db, [order('o-4', { buyer: 'B9', value: '2500.00' }), order('o-6', { buyer: 'B8', value: '2500.00', consignee: '王五', address: '广州市2号' })]);
    expect(sameAddress!.hits.find((h) => h.code === 'R-SPLIT-ORDER')?.values).toMatchObject({ by: 'consignee' });
    expect(alone!.hits.map((h) => h.code)).not.toContain('R-SPLIT-ORDER');

    // Customs rejections (100) of e9's documents and lists; one outside the window, one not a rejection.
    await db.insertInto('ceb_documents').values([
      { id: 'd-9', enterprise_id: 'e9', message_type: 'CEB311Message', doc_key: '311|EBP1|P-1', link_key: null, head_guid: 'G1', app_type: '1', app_time: '20261101000000', state: 'accepted', audience: '[]', created_at: T0, updated_at: T0, version: 1, signed_xml: null,
        body: JSON.stringify(order('x', { buyer: '11010519491231002X', orderNo: 'P-1' }).entity) },
    ]).execute();
    await db.insertInto('parcels').values({ id: 'p-1', enterprise_id: 'e9', direction: 'import', order_key: '311|EBP1|P-1', order_no: 'P-1', order_id: 'd-9', payment_id: null, waybill_id: null, inventory_id: null, state: 'matching', mismatches: '[]', buyer_key: null, year: null, value_fen: null, decided_at: null, created_at: T0, updated_at: T0 }).execute();
    await db.insertInto('inventories').values({ id: 'i-9', enterprise_id: 'e9', parcel_id: 'p-1', message_type: 'CEB621Message', source: 'filed', cop_no: 'C1', pre_no: null, invt_no: null, waybill_key: null, head_guid: 'G2', state: 'sent', body: '{}', audience: '[]', created_at: T0, updated_at: T0, version: 1, signed_xml: null }).execute();
    const receipt = (id: string, subjectId: string, status: string, receivedAt: string) => ({ id, subject: 'document', subject_id: subjectId, message_type: 'CEB312Message', subject_key: 'k', return_status: status, return_time: '20261101000000', return_info: '', received_at: receivedAt });
    await db.insertInto('receipts').values([receipt('r1', 'd-9', '100', at(-1)), receipt('r2', 'i-9', '100', at(-2)), receipt('r3', 'd-9', '120', at(-1)), receipt('r4', 'd-9', '100', at(-24 * 40))]).execute();
    await risk.updateRule('R-REPEATED-REJECTIONS', { params: { minRejections: 2 } }, 'admin:test');
    const pay = (id: string, payerId: string): RiskInput => ({ documentId: id, messageType: 'CEB411Message', enterpriseId: 'e9', at: T0, entity: { PaymentHead: { orderNo: 'P-1', ebpCode: 'EBP1', payCode: 'NEG1', payerIdType: '1', payerIdNumber: payerId, payerName: '张三' } } });
    const [p1, p2] = await risk.evaluate(db, [pay('pay-1', '110105194912310021'), pay('pay-2', '11010519491231002X')]);
    expect(p1!.hits.map((h) => h.code).sort()).toEqual(['R-BUYER-NOT-PAYER', 'R-NEGATIVE-LIST', 'R-REPEATED-REJECTIONS']);
    expect(p1!.hits.find((h) => h.code === 'R-REPEATED-REJECTIONS')!.values).toMatchObject({ rejections: 2 });
    expect(p2!.hits.map((h) => h.code)).not.toContain('R-BUYER-NOT-PAYER');
    // A platform's verification of the buyer lets the payer differ.
    await db.insertInto('buyer_verifications').values({ ebp_code: 'EBP1', buyer_key: buyerKey('1', '11010519491231002X'), enterprise_id: 'e9', verified_at: T0 }).execute();
    expect((await risk.evaluate(db, [pay('pay-3', '110105194912310021')]))[0]!.hits.map((h) => h.code)).not.toContain('R-BUYER-NOT-PAYER');

    // A waybill of 0.5 kg for goods of 1 kg (2 × 0.5 kg from the item record).
    const bill: RiskInput = { documentId: 'wb-1', messageType: 'CEB511Message', enterpriseId: 'e9', at: T0, entity: { LogisticsHead: { orderNo: 'P-1', logisticsCode: 'L1', weight: '0.5' } } };
    expect((await risk.evaluate(db, [bill]))[0]!.hits.find((h) => h.code === 'R-WAYBILL-WEIGHT')?.values).toMatchObject({ net: '1.000' });

    // Prices per HS code: the newest sample, within the window.
    await risk.updateRule('R-PRICE-BELOW-USUAL', { params: { minSample: 3, ratio: 0.5 } }, 'admin:test');
    await db.transaction().execute(async (trx) => {
      await risk.record(trx, await risk.evaluate(trx, ['100', '101', '99', '100'].map((price, i) => order(`pr-${i}`, { buyer: `PB${i}`, price, at: at(-i - 1) }))));
    });
    const low = (await risk.evaluate(db, [order('pr-x', { buyer: 'PBX', price: '40' })]))[0]!;
    expect(low.hits.find((h) => h.code === 'R-PRICE-BELOW-USUAL')?.values).toMatchObject({ gcode: '0101999901', sample: 6, median: '99.50' }); // with o-1 and o-2's 50.00
    expect((await risk.evaluate(db, [order('pr-y', { buyer: 'PBY', price: '60' })]))[0]!.hits.map((h) => h.code)).not.toContain('R-PRICE-BELOW-USUAL');
  });

  it('tunes rules as data: validated against the schema, versioned, every change audited', async () => {
    const bad = await call('admin', 'PUT', '/api/v1/risk/rules/R-SPLIT-ORDER', { params: { windowHours: 0, limitYuan: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['/params/limitYuan', '/params/windowHours']);
    expect((await call('admin', 'PUT', '/api/v1/risk/rules/R-SPLIT-ORDER', { params: { extra: 1 } })).statusCode).toBe(400);
    expect((await call('e1', 'PUT', '/api/v1/risk/rules/R-SPLIT-ORDER', { enabled: false })).statusCode).toBe(403);
    expect((await call('admin', 'PUT', '/api/v1/risk/rules/R-NOPE', { enabled: false })).statusCode).toBe(404);
    const ok = await call('admin', 'PUT', '/api/v1/risk/rules/R-SPLIT-ORDER', { params: { windowHours: 48 }, version: 0 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ version: 1, enabled: true, params: { windowHours: 48, limitYuan: 5000, weight: 40 }, updatedBy: 'admin:ta' });
    expect((await call('admin', 'PUT', '/api/v1/risk/rules/R-SPLIT-ORDER', { enabled: false, version: 0 })).statusCode).toBe(409);
    expect((await call('admin', 'PUT', '/api/v1/risk/rules/R-SPLIT-ORDER', { enabled: false, version: 1 })).statusCode).toBe(200);
    const history = (await call('admin', 'GET', '/api/v1/risk/rules/R-SPLIT-ORDER/history')).json();
    expect(history.items).toHaveLength(2);
    expect(history.items[0]).toMatchObject({ actor: 'admin:ta', before: { enabled: true, params: { windowHours: 72 } }, after: { enabled: true, params: { windowHours: 48 } } });
    expect(history.items[1]).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect((await call('e1', 'GET', '/api/v1/risk/rules')).statusCode).toBe(403);
    const listed = (await call('admin', 'GET', '/api/v1/risk/rules')).json();
    expect(listed.rules.find((r: { code: string }) => r.code === 'R-SPLIT-ORDER')).toMatchObject({ enabled: false, version: 2 });
    // A disabled rule fires no more.
    expect((await risk.evaluate(t.store.db, [order('o-5', { value: '4999.99' })]))[0]!.hits.map((h) => h.code)).not.toContain('R-SPLIT-ORDER');
    // Thresholds are data as well; refuse below review is refused.
    expect((await call('admin', 'PUT', '/api/v1/risk/rules/ROUTING', { params: { review: 50, refuse: 40 } })).statusCode).toBe(400);
    expect((await call('admin', 'PUT', '/api/v1/risk/rules/ROUTING', { params: { review: 20, refuse: 200 } })).json()).toMatchObject({ params: { review: 20, refuse: 200 } });
  });

  it('stores results, shows an enterprise its own, queues reviews through their life cycle', async () => {
    const { db } = t.store;
    // R-NEGATIVE-LIST (default weight 40): between review 20 and refuse 200 → review.
    await risk.updateRule('ROUTING', { params: { review: 20, refuse: 200 } }, 'admin:test');
    const q1 = order('q-1', { buyer: 'QB1', enterpriseId: 'e2', consignee: '赵六', address: '深圳市3号', phone: '13900000001' });
    const neg: RiskInput = { ...q1, entity: { ...(q1.entity as object), OrderHead: { ...(q1.entity as { OrderHead: object }).OrderHead, ebcCode: 'NEG1' } } };
    const stored = await db.transaction().execute(async (trx) => risk.record(trx, await risk.evaluate(trx, [neg, order('q-2', { buyer: 'QB2', enterpriseId: 'e2', consignee: '钱七', address: '深圳市4号', phone: '13900000002' })])));
    const reviewId = stored[0]!.reviewId!;
    expect(reviewId).toBeTruthy();
    expect(stored[1]!.reviewId).toBeNull();

    const mine = (await call('e2', 'GET', '/api/v1/risk/results?documentId=q-1')).json();
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({ decision: 'review', score: 40 });
    expect(mine.items[0].hits[0]).toMatchObject({ code: 'R-NEGATIVE-LIST', values: { parties: 'NEG1' }, explanation: { en: expect.stringContaining('NEG1') } });
    expect((await call('e1', 'GET', '/api/v1/risk/results?documentId=q-1')).json().items).toHaveLength(0);
    expect((await call('admin', 'GET', '/api/v1/risk/results?decision=review')).json().items.map((r: { documentId: string }) => r.documentId)).toContain('q-1');
    expect((await call('e2', 'GET', '/api/v1/risk/enterprises/e2/score')).json()).toMatchObject({ documents: 2, total: 40, mean: 20, max: 40 });
    expect((await call('e1', 'GET', '/api/v1/risk/enterprises/e2/score')).statusCode).toBe(403);

    expect((await call('e2', 'GET', '/api/v1/risk/reviews')).statusCode).toBe(403);
    expect((await call('admin', 'GET', '/api/v1/risk/reviews?state=open')).json().items.map((r: { id: string }) => r.id)).toContain(reviewId);
    expect((await call('admin', 'POST', `/api/v1/risk/reviews/${reviewId}/approve`, {})).statusCode).toBe(409);
    expect((await call('admin', 'POST', `/api/v1/risk/reviews/${reviewId}/assign`, { assignee: 'officer-1' })).json()).toMatchObject({ state: 'assigned', assignee: 'officer-1' });
    const noReason = await call('admin', 'POST', `/api/v1/risk/reviews/${reviewId}/reject`, { reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.issues[0].code).toBe('RISK_REASON_REQUIRED');
    expect((await call('admin', 'POST', `/api/v1/risk/reviews/${reviewId}/reject`, { reason: '负面清单企业' })).json()).toMatchObject({ state: 'rejected', reason: '负面清单企业' });
    expect((await call('admin', 'POST', `/api/v1/risk/reviews/${reviewId}/approve`, {})).statusCode).toBe(409);
    const detail = (await call('admin', 'GET', `/api/v1/risk/reviews/${reviewId}`)).json();
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['open', 'assign', 'reject']);
    expect(detail.history[2]).toMatchObject({ actor: 'admin:ta', from: 'assigned', to: 'rejected', reason: '负面清单企业' });
    expect(detail.result).toMatchObject({ documentId: 'q-1', decision: 'review' });
  });

  it('kept facts: a price sample and rejection counts are reused within the cache\'s life, absent codes too, and read again after it', async () => {
    const { db } = t.store;
    // Codes and documents of this run alone (the PostgreSQL database outlives a run).
    const run = `kp${Date.now().toString(36)}`;
    const A = `01${String(Date.now()).slice(-8)}`;
    const B = `02${String(Date.now()).slice(-8)}`;
    const cache = createFactCache({ ttlMs: 60_000 });
    const facts = databaseFacts(db, { cache });
    const since = at(-24);
    await db.insertInto('risk_prices').values([1, 2, 3].map((n) => ({ document_id: `${run}-${n}`, gnum: 1, gcode: A, price_fen: 1000 * n, at: at(0) }))).execute();
    expect((await facts.prices([A, B], since, 200)).get(A)?.slice().sort((a, b) => a - b)).toEqual([1000, 2000, 3000]);
    // A price recorded meanwhile (and one for the code that had none) is not seen while kept …
    await db.insertInto('risk_prices').values([{ document_id: `${run}-4`, gnum: 1, gcode: A, price_fen: 4000, at: at(0) }, { document_id: `${run}-5`, gnum: 1, gcode: B, price_fen: 5000, at: at(0) }]).execute();
    const kept = await facts.prices([A, B], since, 200);
    expect(kept.get(A)).toHaveLength(3);
    expect(kept.has(B)).toBe(false);
    // … and is once the cache is emptied (or its life is over).
    cache.clear();
    const fresh = await facts.prices([A, B], since, 200);
    expect(fresh.get(A)).toHaveLength(4);
    expect(fresh.get(B)).toEqual([5000]);
    const expired = createFactCache({ ttlMs: 0 });
    expect((await databaseFacts(db, { cache: expired }).prices([B], since, 200)).get(B)).toEqual([5000]);
    // Rejections: an enterprise without any is kept as 0, not asked again.
    expect((await facts.rejections(['e-none'], since)).get('e-none')).toBe(0);
    // Orders are kept by id and version: a kept version is answered without reading its body; a new
    // version (a change) is read again.
    const buyerOf = async () => (await facts.orders(['P-1'])).get('P-1')?.[0]?.buyerIdNumber;
    expect(await buyerOf()).toBe('11010519491231002X');
    cache.set(orderCacheKey('d-9', 1), { documentId: 'd-9', orderNo: 'P-1', ebpCode: 'EBP1', ebcCode: 'EBC1', buyerIdType: '1', buyerIdNumber: 'KEPT', buyerName: '张三', lines: [] });
    expect(await buyerOf()).toBe('KEPT');
    await db.updateTable('ceb_documents').set({ version: 2, body: JSON.stringify(order('x', { buyer: '330782199001010011', orderNo: 'P-1' }).entity) }).where('id', '=', 'd-9').execute();
    expect(await buyerOf()).toBe('330782199001010011');
  });
});
