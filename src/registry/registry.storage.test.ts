// The registry on a real database: SQLite always, PostgreSQL when SILKGATE_TEST_DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { enterpriseInput, usccFor } from '../../test/support/fixtures.js';
import { zoneProfiles } from '../zone/index.js';
import { createRegistryService, type RegistryService } from './index.js';
import { refused } from '../../test/support/refused.js';


describe.each(adapters)('registry on %s', (adapter) => {
  let t: TestStore;
  let registry: RegistryService;
  const count = async () => (await registry.list({ limit: 1 })).total;

  beforeAll(async () => {
    t = await openTestStore(adapter);
    registry = createRegistryService({ store: t.store, zone: zoneProfiles.jinhua });
  });
  afterAll(async () => t?.dispose());

  it('registers an enterprise and finds it by id, USCC, customs code and DXP id', async () => {
    const e = await registry.create(enterpriseInput(1, { roles: ['ebc', 'ebp', 'ebc'], creditLevel: '251:advanced', contacts: [{ name: '张三', phone: '0579-1234567' }] }), 'test');
    expect(e.roles).toEqual(['ebc', 'ebp']);
    expect(e.creditLevel).toBe('advanced');
    expect(e.creditLevelGiven).toBe('251:advanced');
    expect(e.version).toBe(1);
    for (const ref of [e.id, e.uscc, e.customsCode!, e.dxpId!]) {
      expect((await registry.get(ref)).id).toBe(e.id);
    }
    expect((await registry.get(e.id)).contacts).toEqual([{ name: '张三', phone: '0579-1234567' }]);
  });

  it('refuses a wrong check character, an unknown role, a county outside the zone and an oversize name — all at once, writing nothing', async () => {
    const before = await count();
    const good = enterpriseInput(2);
    const bad = { ...good, uscc: good.uscc.slice(0, 17) + (good.uscc[17] === '0' ? '1' : '0'), roles: ['ebc', 'smuggler'], county: '330100', nameZh: '名'.repeat(201) };
    const err = await refused(registry.create(bad, 'test'));
    expect(err.kind).toBe('invalid');
    expect(err.issues.map((i) => [i.code, i.path])).toEqual([
      ['USCC_CHECK_CHAR', '/uscc'], ['TOO_LONG', '/nameZh'], ['ROLE_UNKNOWN', '/roles/1'], ['COUNTY_UNKNOWN', '/county'],
    ]);
    expect(err.issues[0]!.message['zh-CN']).toMatch(/校验码错误/);
    expect(await count()).toBe(before);
  });

  it('refuses a duplicate USCC, customs code or DXP id with 409-class conflicts and writes nothing', async () => {
    const first = await registry.create(enterpriseInput(3), 'test');
    const before = await count();
    const sameUscc = await refused(registry.create(enterpriseInput(4, { uscc: first.uscc }), 'test'));
    expect(sameUscc.kind).toBe('conflict');
    expect(sameUscc.issues.map((i) => i.code)).toEqual(['DUPLICATE_USCC']);
    const sameCustoms = await refused(registry.create(enterpriseInput(5, { customsCode: first.customsCode }), 'test'));
    expect(sameCustoms.issues.map((i) => [i.code, i.path])).toEqual([['DUPLICATE_CUSTOMS_CODE', '/customsCode']]);
    const sameDxp = await refused(registry.create(enterpriseInput(6, { dxpId: first.dxpId }), 'test'));
    expect(sameDxp.issues.map((i) => i.code)).toEqual(['DUPLICATE_DXP_ID']);
    expect(await count()).toBe(before);
  });

  it('updates with optimistic locking and keeps an audit trail', async () => {
    const e = await registry.create(enterpriseInput(7), 'test');
    const u = await registry.update(e.id, { roles: ['logistics'], park: 'YWZB', creditLevel: 'certified' }, 'op1', 1);
    expect(u.version).toBe(2);
    expect(u.roles).toEqual(['logistics']);
    expect(u.park).toBe('YWZB');
    const stale = await refused(registry.update(e.id, { nameEn: 'late' }, 'op2', 1));
    expect(stale.code).toBe('VERSION_CONFLICT');
    expect((await registry.get(e.id)).nameEn).toBe(e.nameEn);
    const cleared = await registry.update(e.id, { park: null }, 'op1');
    expect(cleared.park).toBeNull();
    const history = await registry.history(e.id);
    expect(history.map((h) => [h.action, h.actor])).toEqual([['create', 'test'], ['update', 'op1'], ['update', 'op1']]);
  });

  it('refuses to change the USCC or take another enterprise\'s customs code', async () => {
    const a = await registry.create(enterpriseInput(8), 'test');
    const b = await registry.create(enterpriseInput(9), 'test');
    const immut = await refused(registry.update(a.id, { uscc: usccFor(99) } as never, 'test'));
    expect(immut.issues.map((i) => i.code)).toEqual(['USCC_IMMUTABLE']);
    const taken = await refused(registry.update(a.id, { customsCode: b.customsCode }, 'test'));
    expect(taken.kind).toBe('conflict');
    expect((await registry.get(a.id)).version).toBe(1);
  });

  it('lists with filters, search and pagination', async () => {
    for (let n = 100; n < 125; n++) {
      await registry.create(enterpriseInput(n, {
        nameZh: n % 2 ? `永康五金贸易${n}` : `东阳红木出口${n}`,
        county: n % 2 ? '330784' : '330783', roles: n % 5 === 0 ? ['payment'] : ['ebc'],
      }), 'test');
    }
    const yk = await registry.list({ county: '330784', limit: 5 });
    expect(yk.total).toBe(12);
    expect(yk.items).toHaveLength(5);
    const page3 = await registry.list({ county: '330784', limit: 5, offset: 10 });
    expect(page3.items).toHaveLength(2);
    const all = [...yk.items, ...(await registry.list({ county: '330784', limit: 5, offset: 5 })).items, ...page3.items];
    expect(new Set(all.map((e) => e.id)).size).toBe(12);
    expect((await registry.list({ role: 'payment' })).total).toBe(5);
    expect((await registry.list({ q: '红木' })).total).toBe(13);
    expect((await registry.list({ q: usccFor(101).slice(0, 14) })).items.map((e) => e.uscc)).toContain(usccFor(101));
    expect((await registry.list({ q: '100%' })).total).toBe(0);
    expect((await registry.list({ q: 'yiwu test cbec co. 11' })).total).toBeGreaterThanOrEqual(10);
  });

  it('summarises counts by county and role', async () => {
    const s = await registry.summary();
    expect(s.total).toBe((await registry.list({})).total);
    expect(s.byCounty.find((c) => c.key === '330784')?.n).toBe(12);
    expect(s.byRole.find((r) => r.key === 'payment')?.n).toBe(5);
  });

  it('imports many through the bulk path, all or nothing', async () => {
    const before = await count();
    const batch = Array.from({ length: 300 }, (_, i) => enterpriseInput(1000 + i, { roles: ['ebc', 'logistics'], nameEn: i === 7 ? 'back\\slash, \\N and "quotes"' : null }));
    expect(await registry.importMany(batch, 'test')).toBe(300);
    expect(await count()).toBe(before + 300);
    const e = await registry.get(usccFor(1007));
    expect(e.roles).toEqual(['ebc', 'logistics']);
    expect(e.nameEn).toBe('back\\slash, \\N and "quotes"');

    const mixed = [enterpriseInput(2000), enterpriseInput(2001, { uscc: usccFor(1003) }), enterpriseInput(2002), enterpriseInput(2003, { customsCode: enterpriseInput(2000).customsCode })];
    const err = await refused(registry.importMany(mixed, 'test'));
    expect(err.kind).toBe('conflict');
    expect(err.issues.map((i) => [i.code, i.path])).toEqual([['DUPLICATE_CUSTOMS_CODE', '/3/customsCode'], ['DUPLICATE_USCC', '/1/uscc']]);
    expect(await count()).toBe(before + 300);
  });

  it('keeps tabs, line breaks and backslashes exact through the bulk path (COPY escaping on PostgreSQL)', async () => {
    const { bulkInsertEnterprises } = await import('./repository.js');
    const now = new Date().toISOString();
    const odd = 'tab\there, line\nbreak, CR\r, back\\slash, \\N, \\.';
    const i = enterpriseInput(3500);
    await bulkInsertEnterprises(t.store.bulk, [{
      id: 'odd-1', uscc: i.uscc, customs_code: null, dxp_id: null, name_zh: i.nameZh, name_en: odd, county: null, park: null,
      cluster: null, credit_level: 'regular', credit_level_given: 'regular', status: 'active', address: null, contacts: '[]',
      created_at: now, updated_at: now, version: 1,
    }], [['ebc']]);
    expect((await registry.get('odd-1')).nameEn).toBe(odd);
  });

  it('keeps every code unique across the three code columns, so a reference names one enterprise', async () => {
    const a = await registry.create(enterpriseInput(3600), 'test');
    // A DXP id equal to another enterprise's USCC would make that USCC ambiguous.
    const clash = await refused(registry.create(enterpriseInput(3601, { dxpId: a.uscc }), 'test'));
    expect(clash.issues.map((i) => [i.code, i.path])).toEqual([['DUPLICATE_DXP_ID', '/dxpId']]);
    const batch = await refused(registry.importMany([enterpriseInput(3602, { dxpId: a.customsCode! })], 'test'));
    expect(batch.issues.map((i) => [i.code, i.path])).toEqual([['DUPLICATE_DXP_ID', '/0/dxpId']]);
  });

  it('refuses tokens of an enterprise that is not active', async () => {
    const e = await registry.create(enterpriseInput(3700), 'test');
    const issued = await registry.issueToken(e.id, 'erp', 'test');
    expect((await registry.authenticate(issued.token))?.kind).toBe('enterprise');
    await registry.update(e.id, { status: 'suspended' }, 'test');
    expect(await registry.authenticate(issued.token)).toBeUndefined();
    await registry.update(e.id, { status: 'active' }, 'test');
    expect((await registry.authenticate(issued.token))?.kind).toBe('enterprise');

  });

  it('searches names case-insensitively across Unicode, the same on both databases', async () => {
    await registry.create(enterpriseInput(3800, { nameZh: 'ＡＢＣ义乌贸易', nameEn: 'Équipe Ünited' }), 'test');
    for (const q of ['ＡＢＣ', 'ａｂｃ', 'Équipe', 'équipe', 'ÜNITED']) expect((await registry.list({ q })).total, q).toBe(1);
  });

  it('rolls the whole bulk write back when the database refuses one row', async () => {
    const before = await count();
    const rows = [enterpriseInput(3000), enterpriseInput(3001)];
    // Bypass the service's pre-checks to reach the database's unique index directly.
    const { bulkInsertEnterprises } = await import('./repository.js');
    const now = new Date().toISOString();
    const row = (i: typeof rows[number], id: string) => ({
      id, uscc: i.uscc, customs_code: i.customsCode ?? null, dxp_id: null, name_zh: i.nameZh, name_en: null, county: null, park: null,
      cluster: null, credit_level: 'regular', credit_level_given: 'regular', status: 'active', address: null, contacts: '[]',
      created_at: now, updated_at: now, version: 1,
    });
    await expect(bulkInsertEnterprises(t.store.bulk, [row(rows[0]!, 'x1'), row(rows[1]!, 'x2'), row(rows[0]!, 'x3')], [['ebc'], ['ebc'], ['ebc']])).rejects.toThrow();
    expect(await count()).toBe(before);
  });

  it('issues, authenticates and revokes API tokens, storing only their hash', async () => {
    const e = await registry.create(enterpriseInput(4000), 'test');
    const issued = await registry.issueToken(e.uscc, 'erp', 'test');
    expect(issued.token).toMatch(/^sg_[A-Za-z0-9_-]{32}$/);
    expect(await registry.authenticate(issued.token)).toEqual({ kind: 'enterprise', tokenId: issued.id, enterpriseId: e.id });
    expect(await registry.authenticate(issued.token + 'x')).toBeUndefined();
    const stored = await t.store.db.selectFrom('api_tokens').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(issued.token);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    await registry.revokeToken(e.id, issued.id, 'test');
    expect(await registry.authenticate(issued.token)).toBeUndefined();
    expect((await refused(registry.revokeToken(e.id, issued.id, 'test'))).code).toBe('TOKEN_NOT_FOUND');
    expect((await registry.listTokens(e.id))[0]!.revokedAt).not.toBeNull();
  });

  it('creates one operator token at first start and none after', async () => {
    const first = await registry.ensureAdminToken();
    expect(first).toMatch(/^sg_/);
    expect(await registry.ensureAdminToken()).toBeUndefined();
    expect((await registry.authenticate(first!))?.kind).toBe('admin');
  });

  it('rotates the operator token: the configured one is the only one that works', async () => {
    const first = 'sg_configured_operator_token_number_one';
    const second = 'sg_configured_operator_token_number_two';
    await registry.ensureAdminToken(first);
    expect((await registry.authenticate(first))?.kind).toBe('admin');
    await registry.ensureAdminToken(second);
    expect(await registry.authenticate(first)).toBeUndefined();
    expect((await registry.authenticate(second))?.kind).toBe('admin');
    await registry.ensureAdminToken(first);
    expect((await registry.authenticate(first))?.kind).toBe('admin');
    expect(await registry.authenticate(second)).toBeUndefined();
    const fresh = await registry.resetAdminToken();
    expect(await registry.authenticate(first)).toBeUndefined();
    expect((await registry.authenticate(fresh))?.kind).toBe('admin');
  });

});
