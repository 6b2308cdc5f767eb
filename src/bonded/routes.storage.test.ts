// The bonded API over HTTP (Fastify inject): who may do what, JSON and CSV, errors in both languages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { sendError } from '../http/errors.js';
import { AppError } from '../kernel/errors.js';
import type { Principal, RegistryService } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import { bondedRoutes, createBonded, deliver } from './index.js';

const enterprise = (id: string, customsCode: string, roles: string[]) => ({ id, customsCode, uscc: `91330000${id.padStart(10, '0')}`, nameZh: `企业${id}`, roles } as unknown as Enterprise);
const people = [enterprise('wh', '3318960001', ['warehouse']), enterprise('ebc', '3318900011', ['ebc']), enterprise('ebp', '3318900099', ['ebp'])];
const registry = {
  async get(ref: string) {
    const e = people.find((x) => x.id === ref || x.customsCode === ref || x.uscc === ref);
    if (!e) throw new AppError('not_found', 'ENTERPRISE_NOT_FOUND', { value: ref });
    return e;
  },
} as unknown as RegistryService;
const principals: Record<string, Principal> = {
  admin: { kind: 'admin', tokenId: 'ta' }, wh: { kind: 'enterprise', tokenId: 't1', enterpriseId: 'wh' },
  ebc: { kind: 'enterprise', tokenId: 't2', enterpriseId: 'ebc' }, ebp: { kind: 'enterprise', tokenId: 't3', enterpriseId: 'ebp' },
};

describe.each(adapters)('bonded API on %s', (adapter) => {
  let t: TestStore;
  let app: FastifyInstance;
  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { 'x-test-principal': who, ...headers }, ...(payload === undefined ? {} : typeof payload === 'string' ? { payload } : { payload: payload as object }) });

  beforeAll(async () => {
    t = await openTestStore(adapter);
    app = Fastify();
    // As src/http/server.ts: bodies strict, query strings coerced.
    const strict = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false });
    const lenient = new Ajv({ allErrors: true, coerceTypes: 'array', useDefaults: true, strict: false });
    app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema));
    app.setErrorHandler((err, request, reply) => sendError(request, reply, err));
    app.addHook('onRequest', async (request) => {
      const p = principals[String(request.headers['x-test-principal'])];
      if (p) request.principal = p;
    });
    bondedRoutes(app, { ...createBonded({ store: t.store, registry }), registry });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('takes an account, a notice, an entry, and shows each enterprise what it may see', async () => {
    expect((await call('ebc', 'POST', '/api/v1/bonded/accounts', { emsNo: 'T2923W000001' })).statusCode).toBe(403);
    const acc = await call('wh', 'POST', '/api/v1/bonded/accounts', { emsNo: 'T2923W000001' });
    expect(acc.statusCode).toBe(201);
    expect(acc.json()).toMatchObject({ areaCode: '3318960001', areaName: '企业wh', emsNo: 'T2923W000001' });

    const notice = { areaCode: '3318960001', emsNo: 'T2923W000001', logisticsCode: '3318980001', logisticsNo: 'W-1', lines: [{ itemNo: 'SKU-A', gcode: '3304990099', gname: '面霜', unit: '011', qty: '12.5' }] };
    expect((await call('ebp', 'POST', '/api/v1/bonded/notices', notice)).statusCode).toBe(403);
    const bad = await call('ebc', 'POST', '/api/v1/bonded/notices', { ...notice, lines: [{ ...notice.lines[0], qty: '1.123456' }] }, { 'accept-language': 'en' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues).toEqual([expect.objectContaining({ code: 'BONDED_QTY', path: '/lines/0/qty', message: expect.stringContaining('at most 5 decimals') })]);
    const filed = await call('ebc', 'POST', '/api/v1/bonded/notices', notice);
    expect(filed.statusCode).toBe(201);
    expect(filed.json()).toMatchObject({ ebcCode: '3318900011', state: 'pending' });
    expect((await call('ebc', 'POST', '/api/v1/bonded/notices', { ...notice, emsNo: 'NOPE' })).json().error.code).toBe('BONDED_ACCOUNT_NOT_FOUND');

    await t.store.db.transaction().execute((trx) => deliver(trx, { guid: 'G-1', operatorCode: '3318960001', logisticsCode: '3318980001', logisticsNos: ['W-1'], at: new Date(), actor: 'enterprise:wh' }));
    const mine = await call('ebc', 'GET', '/api/v1/bonded/stock?itemNo=SKU-A');
    expect(mine.json()).toMatchObject({ total: 1, items: [{ ebcCode: '3318900011', itemNo: 'SKU-A', onHand: '12.5', reserved: '0', available: '12.5' }] });
    expect((await call('ebp', 'GET', '/api/v1/bonded/stock')).json().total).toBe(0);
    expect((await call('wh', 'GET', '/api/v1/bonded/movements?kind=entry')).json().items).toEqual([expect.objectContaining({ ref: 'G-1', qty: '12.5', onHandAfter: '12.5' })]);
    const csv = await call('admin', 'GET', '/api/v1/bonded/stock/export.csv?emsNo=T2923W000001');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('3318900011,SKU-A,3304990099,面霜,011,12.5,0,12.5');
  });

  it('takes counts as CSV from the warehouse operator only, and adjusts with a reason', async () => {
    const q = 'areaCode=3318960001&emsNo=T2923W000001&countedAt=2030-01-01T00:00:00%2B08:00';
    const csv = 'ebcCode,itemNo,qty\n3318900011,SKU-A,12\n';
    expect((await call('ebc', 'POST', `/api/v1/bonded/counts/import?${q}`, csv, { 'content-type': 'text/csv' })).statusCode).toBe(403);
    const up = await call('wh', 'POST', `/api/v1/bonded/counts/import?${q}`, csv, { 'content-type': 'text/csv' });
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ countedAt: '2029-12-31T16:00:00.000Z', lines: [{ itemNo: 'SKU-A', counted: '12', book: '12.5', difference: '-0.5' }] });
    expect((await call('wh', 'POST', `/api/v1/bonded/counts/import?${q}`, 'ebcCode,itemNo,qty\n', { 'content-type': 'text/csv' })).json().error.code).toBe('BONDED_CSV_EXPECTED');
    const noReason = await call('wh', 'POST', '/api/v1/bonded/adjustments', { areaCode: '3318960001', emsNo: 'T2923W000001', ebcCode: '3318900011', itemNo: 'SKU-A', qty: '-0.5' });
    expect(noReason.json().error.issues).toEqual([expect.objectContaining({ code: 'REQUIRED', path: '/reason' })]);
    const adj = await call('wh', 'POST', '/api/v1/bonded/adjustments', { areaCode: '3318960001', emsNo: 'T2923W000001', ebcCode: '3318900011', itemNo: 'SKU-A', qty: '-0.5', reason: '盘亏', countId: up.json().lines[0].countId });
    expect(adj.statusCode).toBe(201);
    expect(adj.json()).toMatchObject({ kind: 'adjustment', onHandAfter: '12', actor: 'enterprise:wh', reason: '盘亏' });
    const report = await call('ebc', 'GET', '/api/v1/bonded/stocktaking?areaCode=3318960001&emsNo=T2923W000001&from=2020-01-01&to=2030-12-31');
    expect(report.json().items).toEqual([expect.objectContaining({ itemNo: 'SKU-A', entries: '12.5', adjustments: '-0.5', closing: '12', count: expect.objectContaining({ difference: '-0.5' }) })]);
    expect((await call('ebc', 'GET', '/api/v1/bonded/stocktaking?areaCode=3318960001&emsNo=T2923W000001&from=2020-01-01')).statusCode).toBe(400);
  });
});
