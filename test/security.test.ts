// Security monitoring over HTTP: failed authentications from one address, refusals outside an
// enterprise's scope and one token used from many addresses raise alerts the zone office sees and
// acknowledges; below the thresholds nothing is raised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import type { Enterprise } from '../src/registry/model.js';

let harness: ClearanceHarness;
let app: FastifyInstance;
let ebc: Enterprise;
const admin = () => ({ authorization: `Bearer ${harness.admin}` });
const alerts = async (kind: string) => (await app.inject({ url: `/api/v1/security/alerts?kind=${kind}`, headers: admin() })).json();

beforeAll(async () => {
  harness = await startClearance();
  app = harness.app;
  ebc = await harness.enterprise('金义综保区美妆进口');
});
afterAll(() => harness?.close());

describe('security monitoring and early warning', () => {
  it('ten failed authentications from one address raise one alert that counts on; nine do not', async () => {
    const bad = () => app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer not-a-real-token-000000000000' }, remoteAddress: '10.9.8.7' });
    for (let i = 0; i < 9; i++) expect((await bad()).statusCode).toBe(401);
    expect((await alerts('auth_failures')).total).toBe(0);
    await bad();
    await bad();
    const a = await alerts('auth_failures');
    expect(a.items).toEqual([expect.objectContaining({ subject: 'ip:10.9.8.7', severity: 'high', state: 'open', count: 2 })]);
    expect(a.items[0].detail).toMatchObject({ threshold: 10, lastPath: 'GET /api/v1/me' });
    // Acknowledged by the zone office, with a note; only the operator sees or acknowledges alerts.
    const ack = await app.inject({ method: 'POST', url: `/api/v1/security/alerts/${a.items[0].id}/ack`, headers: admin(), payload: { note: '测试地址，已封禁' } });
    expect(ack.json()).toMatchObject({ state: 'acknowledged', note: '测试地址，已封禁' });
    expect((await app.inject({ url: '/api/v1/security/alerts', headers: { authorization: `Bearer ${harness.token(ebc)}` } })).statusCode).toBe(403);
  });

  it('an enterprise refused again and again outside its scope raises a scope alert naming it', async () => {
    const other = await harness.enterprise('浙江金义支付');
    const token = harness.token(other);
    for (let i = 0; i < 4; i++) expect((await app.inject({ url: '/api/v1/security/alerts', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);
    expect((await alerts('scope_violations')).items.filter((x: { enterpriseId: string }) => x.enterpriseId === other.id)).toEqual([]);
    await app.inject({ url: '/api/v1/security/alerts', headers: { authorization: `Bearer ${token}` } });
    const mine = (await alerts('scope_violations')).items.filter((x: { enterpriseId: string }) => x.enterpriseId === other.id);
    expect(mine).toEqual([expect.objectContaining({ subject: `enterprise:${other.id}`, count: 1 })]);
  });

  it('one token used from three addresses within ten minutes raises an alert; two addresses do not', async () => {
    const e = await harness.enterprise('义乌国际快递');
    const call = (ip: string) => app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${harness.token(e)}` }, remoteAddress: ip });
    await call('192.0.2.1');
    await call('192.0.2.2');
    await call('192.0.2.1');
    expect((await alerts('token_many_addresses')).items.filter((x: { enterpriseId: string }) => x.enterpriseId === e.id)).toEqual([]);
    await call('198.51.100.9');
    const raised = (await alerts('token_many_addresses')).items.filter((x: { enterpriseId: string }) => x.enterpriseId === e.id);
    expect(raised).toHaveLength(1);
    expect(raised[0].detail.addresses).toEqual(['192.0.2.1', '192.0.2.2', '198.51.100.9']);
  });
});
