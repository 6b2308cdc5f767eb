// The API end to end over HTTP (Fastify inject), on an in-memory SQLite database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { buildApp } from '../src/http/server.js';
import { enterpriseInput } from './support/fixtures.js';

let platform: Platform;
let app: FastifyInstance;
let admin: string;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  platform = await createPlatform(loadConfig({ db: 'sqlite::memory:' }, {}));
  admin = (await platform.registry.ensureAdminToken())!;
  app = await buildApp(platform);
});
afterAll(async () => {
  await app?.close();
  await platform?.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = auth(admin)) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers });
const total = async () => (await app.inject({ url: '/api/v1/enterprises?limit=1', headers: auth(admin) })).json().total as number;

describe('registry API', () => {
  it('needs a token to register, and refuses an unknown one', async () => {
    expect((await post('/api/v1/enterprises', enterpriseInput(1), {})).statusCode).toBe(401);
    const bad = await post('/api/v1/enterprises', enterpriseInput(1), auth('sg_nope'));
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('UNAUTHORIZED');
  });

  it('registers an enterprise: 201 with a Location, then reads it back', async () => {
    const res = await post('/api/v1/enterprises', enterpriseInput(1, { roles: ['ebc', 'payment'], park: 'YWZB', cluster: 'yiwu-commodities' }));
    expect(res.statusCode).toBe(201);
    const e = res.json();
    expect(res.headers.location).toBe(`/api/v1/enterprises/${e.id}`);
    const got = await app.inject({ url: `/api/v1/enterprises/${e.uscc}`, headers: auth(admin) });
    expect(got.json()).toEqual(e);
  });

  it('answers a wrong check character with 400, code, path and message in zh-CN by default, and writes nothing', async () => {
    const before = await total();
    const input = enterpriseInput(2);
    const res = await post('/api/v1/enterprises', { ...input, uscc: '91350100M000100Y44' });
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.issues).toEqual([expect.objectContaining({ code: 'USCC_CHECK_CHAR', path: '/uscc', message: expect.stringContaining('应为 3，实际为 4') })]);
    expect(err.requestId).toBeTruthy();
    expect(await total()).toBe(before);
  });

  it('speaks English when asked', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/v1/enterprises', payload: { ...enterpriseInput(3), roles: ['pirate'] },
      headers: { ...auth(admin), 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0]).toMatchObject({ code: 'ROLE_UNKNOWN', path: '/roles/0', message: 'Unknown enterprise role: pirate' });
  });

  it.each([
    ['an oversize name', { nameZh: 'x'.repeat(201) }, 'TOO_LONG', '/nameZh'],
    ['an unknown field', { shareholder: 'me' }, 'UNKNOWN_FIELD', '/shareholder'],
    ['a missing USCC', { uscc: undefined }, 'REQUIRED', '/uscc'],
    ['a number for a name', { nameZh: 42 }, 'TYPE', '/nameZh'],
    ['a bad customs code', { customsCode: '33180-0001' }, 'CUSTOMS_CODE_FORMAT', '/customsCode'],
    ['a park of another zone', { park: 'ZSZB' }, 'PARK_UNKNOWN', '/park'],
    ['an unknown credit level', { creditLevel: 'AAA' }, 'CREDIT_LEVEL_UNKNOWN', '/creditLevel'],
  ])('answers %s with 400 and nothing written', async (_why, change, code, path) => {
    const before = await total();
    const res = await post('/api/v1/enterprises', { ...enterpriseInput(4), ...change });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues).toContainEqual(expect.objectContaining({ code, path }));
    expect(await total()).toBe(before);
  });

  it.each([
    ['a huge offset', '/api/v1/enterprises?offset=1e20'],
    ['a NUL in the search', '/api/v1/enterprises?q=a%00b'],
    ['a NUL in a reference', '/api/v1/enterprises/a%00b'],
  ])('answers %s with 400, not 500', async (_why, url) => {
    const res = await app.inject({ url, headers: auth(admin) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a name of spaces or with control characters', async () => {
    const before = await total();
    for (const nameZh of ['   ', 'a\u0000b', 'line\nbreak']) {
      const res = await post('/api/v1/enterprises', { ...enterpriseInput(5), nameZh });
      expect(res.statusCode, JSON.stringify(nameZh)).toBe(400);
      expect(res.json().error.issues[0].path).toBe('/nameZh');
    }
    expect(await total()).toBe(before);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/enterprises', payload: '{"uscc":', headers: { ...auth(admin), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MALFORMED_REQUEST');
  });

  it('answers a duplicate with 409', async () => {
    const res = await post('/api/v1/enterprises', enterpriseInput(1));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('DUPLICATE_USCC');
  });

  it('patches with a version guard: 200, then 409 for the stale version', async () => {
    const ref = enterpriseInput(1).uscc;
    const ok = await app.inject({ method: 'PATCH', url: `/api/v1/enterprises/${ref}`, payload: { status: 'suspended', version: 1 }, headers: auth(admin) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'suspended', version: 2 });
    const stale = await app.inject({ method: 'PATCH', url: `/api/v1/enterprises/${ref}`, payload: { status: 'active', version: 1 }, headers: auth(admin) });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
  });

  it('lists with filters and pagination, and 404s an unknown enterprise', async () => {
    for (let n = 10; n < 16; n++) expect((await post('/api/v1/enterprises', enterpriseInput(n, { county: '330784' }))).statusCode).toBe(201);
    const page = await app.inject({ url: '/api/v1/enterprises?county=330784&limit=4&offset=4', headers: auth(admin) });
    expect(page.json()).toMatchObject({ total: 6, limit: 4, offset: 4 });
    expect(page.json().items).toHaveLength(2);
    const tooMany = await app.inject({ url: '/api/v1/enterprises?limit=100000', headers: auth(admin) });
    expect(tooMany.statusCode).toBe(400);
    const missing = await app.inject({ url: '/api/v1/enterprises/nobody', headers: auth(admin) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ENTERPRISE_NOT_FOUND');
  });

  it('exports CSV that Excel opens (BOM) and quotes awkward cells', async () => {
    await post('/api/v1/enterprises', enterpriseInput(20, { nameZh: '=HYPERLINK("x"),有限公司', county: '330781' }));
    const res = await app.inject({ url: '/api/v1/enterprises/export.csv?county=330781', headers: auth(admin) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x""),有限公司"`);
  });

  it('lets an enterprise token read its own record only', async () => {
    const mine = (await post('/api/v1/enterprises', enterpriseInput(30))).json();
    const other = (await post('/api/v1/enterprises', enterpriseInput(31))).json();
    const issued = (await post(`/api/v1/enterprises/${mine.id}/tokens`, { label: 'erp' })).json();
    expect(issued.token).toMatch(/^sg_/);
    expect((await app.inject({ url: '/api/v1/me', headers: auth(issued.token) })).json().id).toBe(mine.id);
    expect((await app.inject({ url: `/api/v1/enterprises/${mine.uscc}`, headers: auth(issued.token) })).statusCode).toBe(200);
    // Another enterprise answers like an unknown one: a token cannot probe which codes exist.
    const probe = await app.inject({ url: `/api/v1/enterprises/${other.id}`, headers: auth(issued.token) });
    expect(probe.statusCode).toBe(404);
    expect(probe.json().error.code).toBe('ENTERPRISE_NOT_FOUND');
    expect((await post('/api/v1/enterprises', enterpriseInput(32), auth(issued.token))).statusCode).toBe(403);
    const tokens = await app.inject({ url: `/api/v1/enterprises/${mine.id}/tokens`, headers: auth(admin) });
    expect(JSON.stringify(tokens.json())).not.toContain(issued.token);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/enterprises/${mine.id}/tokens/${issued.id}`, headers: auth(admin) })).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/v1/me', headers: auth(issued.token) })).statusCode).toBe(401);
  });

  it('imports a batch all or nothing', async () => {
    const before = await total();
    const batch = [enterpriseInput(40), enterpriseInput(41), { ...enterpriseInput(42), county: '999999' }];
    const bad = await post('/api/v1/enterprises/import', batch);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues).toEqual([expect.objectContaining({ code: 'COUNTY_UNKNOWN', path: '/2/county' })]);
    expect(await total()).toBe(before);
    const ok = await post('/api/v1/enterprises/import', batch.slice(0, 2));
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({ imported: 2 });
    expect(await total()).toBe(before + 2);
  });
});

describe('platform endpoints', () => {
  it('serves the zone profile with the nine Jinhua divisions and three bonded areas', async () => {
    const z = (await app.inject({ url: '/api/v1/zone' })).json();
    expect(z.divisions.map((d: { zh: string }) => d.zh).sort()).toEqual(
      ['婺城区', '金东区', '兰溪市', '东阳市', '义乌市', '永康市', '浦江县', '武义县', '磐安县'].sort());
    expect(z.parks.map((p: { zh: string }) => p.zh)).toEqual(['金义综合保税区', '义乌综合保税区', '义乌保税物流中心(B型)']);
  });

  it('serves code tables with search, and 404s an unknown one', async () => {
    const list = (await app.inject({ url: '/api/v1/code-tables' })).json();
    expect(list.items.map((t: { name: string }) => t.name)).toContain('currency');
    const usd = (await app.inject({ url: '/api/v1/code-tables/currency?q=usd' })).json();
    expect(usd.rows.map((r: { code: string }) => r.code)).toEqual(['502']);
    const none = await app.inject({ url: '/api/v1/code-tables/planets' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('CODE_TABLE_UNKNOWN');
  });

  it('reports health, Prometheus metrics and the OpenAPI document', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toMatchObject({ status: 'ok', database: 'sqlite' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/silkgate_http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/enterprises"/);
    expect(metrics.body).toMatch(/silkgate_registry_writes_total\{action="create"\} \d+/);
    const doc = (await app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/enterprises', '/api/v1/enterprises/{ref}', '/api/v1/zone']));
    expect(doc.paths['/api/v1/enterprises'].post.requestBody).toBeDefined();
  });

  it('answers an unknown route with a coded 404', async () => {
    const res = await app.inject({ url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('serves the dashboard page', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('丝路通');
  });
});
