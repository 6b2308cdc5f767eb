import { afterAll, beforeAll, describe, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { buildApp } from '../src/http/server.js';
import { enterpriseInput, usccFor } from './support/fixtures.js';

const PG = 'postgres://postgres@127.0.0.1:5432/test';
for (const adapter of ['sqlite', 'postgres']) {
describe(adapter, () => {
  let platform: Platform; let app: FastifyInstance; let admin: string; let schema = '';
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  const log = (label: string, res: any) => console.log(`[${adapter}] ${label}: ${res.statusCode} ${String(res.body).slice(0, 300)}`);
  beforeAll(async () => {
    if (adapter === 'sqlite') platform = await createPlatform(loadConfig({ db: 'sqlite::memory:' }, {}));
    else { schema = 'zz_review_' + randomBytes(4).toString('hex'); platform = await createPlatform(loadConfig({ db: PG }, {}), { schema }); }
    admin = (await platform.registry.ensureAdminToken())!;
    app = await buildApp(platform);
  });
  afterAll(async () => {
    await app?.close(); await platform?.close();
    if (schema) { const c = new pg.Client({ connectionString: PG }); await c.connect(); await c.query(`DROP SCHEMA ${schema} CASCADE`); await c.end(); }
  });
  it('probes', async () => {
    const A = auth(admin);
    const inj = (o: any) => app.inject({ ...o, headers: { ...A, ...(o.headers ?? {}) } });
    const total = async () => (await inj({ url: '/api/v1/enterprises?limit=1' })).json().total;
    log('create1', await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(1) }));
    // offsets
    for (const off of ['1e20', '9007199254740993', '99999999999', '2147483648', '-1', 'abc', '1.5'])
      log(`offset=${off}`, await inj({ url: `/api/v1/enterprises?offset=${off}` }));
    log('limit=0', await inj({ url: `/api/v1/enterprises?limit=0` }));
    log('q NUL', await inj({ url: `/api/v1/enterprises?q=a%00b` }));
    log('ref NUL', await inj({ url: `/api/v1/enterprises/a%00b` }));
    log('create NUL name', await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(2, { nameZh: 'a\u0000b' }) }));
    log('create NUL contact', await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(3, { contacts: [{ name: 'x\u0000' }] }) }));
    log('import NUL', await inj({ method: 'POST', url: '/api/v1/enterprises/import', payload: [enterpriseInput(4, { nameEn: 'z\u0000' })] }));
    console.log(`[${adapter}] total after NUL probes`, await total());
    log('whitespace name', await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(5, { nameZh: '   ' }) }));
    // fullwidth search
    log('create FW', await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(6, { nameZh: 'ＡＢＣ义乌贸易', nameEn: 'Équipe Ünited' }) }));
    for (const q of ['ＡＢＣ', 'ａｂｃ', 'ÉQUIPE', 'équipe', 'Équipe', 'ünited', 'yiwu'])
      console.log(`[${adapter}] search ${q}:`, (await inj({ url: `/api/v1/enterprises?q=${encodeURIComponent(q)}` })).json().total);
    // PATCH odd bodies
    const id = (await inj({ url: `/api/v1/enterprises/${usccFor(1)}` })).json().id;
    log('patch no body', await inj({ method: 'PATCH', url: `/api/v1/enterprises/${id}` }));
    log('patch {}', await inj({ method: 'PATCH', url: `/api/v1/enterprises/${id}`, payload: {} }));
    log('patch null json', await inj({ method: 'PATCH', url: `/api/v1/enterprises/${id}`, payload: 'null', headers: { 'content-type': 'application/json' } }));
    log('patch text', await inj({ method: 'PATCH', url: `/api/v1/enterprises/${id}`, payload: 'hello', headers: { 'content-type': 'text/plain' } }));
    log('post xml', await inj({ method: 'POST', url: `/api/v1/enterprises`, payload: '<a/>', headers: { 'content-type': 'application/xml' } }));
    log('post bad json', await inj({ method: 'POST', url: `/api/v1/enterprises`, payload: '{', headers: { 'content-type': 'application/json' } }));
    log('post array', await inj({ method: 'POST', url: `/api/v1/enterprises`, payload: [] }));
    log('import non-array', await inj({ method: 'POST', url: `/api/v1/enterprises/import`, payload: {} }));
    log('import empty', await inj({ method: 'POST', url: `/api/v1/enterprises/import`, payload: [] }));
    log('token no body', await inj({ method: 'POST', url: `/api/v1/enterprises/${id}/tokens` }));
    log('token null body', await inj({ method: 'POST', url: `/api/v1/enterprises/${id}/tokens`, payload: 'null', headers: { 'content-type': 'application/json' } }));
    log('patch nameZh null', await inj({ method: 'PATCH', url: `/api/v1/enterprises/${id}`, payload: { nameZh: null } }));
    log('patch roles null', await inj({ method: 'PATCH', url: `/api/v1/enterprises/${id}`, payload: { roles: null } }));
    log('patch version 1e300', await inj({ method: 'PATCH', url: `/api/v1/enterprises/${id}`, payload: { version: 1e300 } }));
    log('patch proto', await inj({ method: 'PATCH', url: `/api/v1/enterprises/${id}`, payload: '{"__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } }));
    log('accept-lang weird', await inj({ url: `/api/v1/enterprises/nope`, headers: { 'accept-language': 'en;q=abc,,,*' } }));
    log('q array', await inj({ url: `/api/v1/enterprises?q=a&q=b` }));
    log('healthz', await inj({ url: '/healthz' }));
    log('code table q', await inj({ url: '/api/v1/code-tables/currencies?q=%00' }));
    log('export', await inj({ url: '/api/v1/enterprises/export.csv?q=%E2%80' }));
    // ambiguity: enterprise B whose dxpId equals A's USCC
    const a = (await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(10, { dxpId: null }) })).json();
    const b = await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(11, { dxpId: a.uscc }) });
    log('B with dxpId = A.uscc', b);
    const c = await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(12, { dxpId: enterpriseInput(13).customsCode, customsCode: null }) });
    log('C with dxpId = D.customs', c);
    const got = (await inj({ url: `/api/v1/enterprises/${a.uscc}` })).json();
    console.log(`[${adapter}] GET by A.uscc returned`, got.id === a.id ? 'A' : 'B', got.nameZh);
    const tok = (await inj({ method: 'POST', url: `/api/v1/enterprises/${a.uscc}/tokens`, payload: { label: 'for A' } })).json();
    const me = (await app.inject({ url: '/api/v1/me', headers: auth(tok.token) })).json();
    console.log(`[${adapter}] token issued "for A" authenticates as`, me.id === a.id ? 'A' : 'B', me.nameZh);
    // cancelled enterprise token still works
    await inj({ method: 'PATCH', url: `/api/v1/enterprises/${me.id}`, payload: { status: 'cancelled' } });
    log('cancelled enterprise /me', await app.inject({ url: '/api/v1/me', headers: auth(tok.token) }));
    // enterprise token probing others: 404 vs 403
    log('ent token GET other existing', await app.inject({ url: `/api/v1/enterprises/${usccFor(1)}`, headers: auth(tok.token) }));
    log('ent token GET nonexisting', await app.inject({ url: `/api/v1/enterprises/${usccFor(999)}`, headers: auth(tok.token) }));
    // concurrency
    const before = await total();
    const rs = await Promise.all([0, 1, 2, 3].map(() => inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(50) })));
    console.log(`[${adapter}] concurrent same USCC:`, rs.map((r) => r.statusCode + ' ' + (r.statusCode !== 201 ? r.json().error.code + ' ' + JSON.stringify(r.json().error.issues.map((i: any) => i.path)) : '')), 'delta', (await total()) - before);
    const rs2 = await Promise.all([0, 1].map((i) => inj({ method: 'POST', url: '/api/v1/enterprises/import', payload: [enterpriseInput(60 + i), enterpriseInput(70)] })));
    console.log(`[${adapter}] concurrent imports sharing a USCC:`, rs2.map((r) => r.statusCode + ' ' + r.body.slice(0, 250)));
    // update race: two PATCH same customsCode
    const e1 = (await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(80, { customsCode: null }) })).json();
    const e2 = (await inj({ method: 'POST', url: '/api/v1/enterprises', payload: enterpriseInput(81, { customsCode: null }) })).json();
    const rs3 = await Promise.all([e1, e2].map((e) => inj({ method: 'PATCH', url: `/api/v1/enterprises/${e.id}`, payload: { customsCode: '3318999999' } })));
    console.log(`[${adapter}] concurrent patch same customs:`, rs3.map((r) => r.statusCode + ' ' + r.body.slice(0, 200)));
    const h = (await inj({ url: '/api/v1/registry/summary' })).json();
    console.log(`[${adapter}] summary total`, h.total, 'list total', await total());
  });
});
}
