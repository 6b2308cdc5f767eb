// Credit over HTTP on both databases: scores from the platform's own tables with every component
// shown, payment institutions rated, history kept, the ranking, the model's audited changes, the
// negative list's life cycle and its effects, and who sees what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import type { Kysely } from 'kysely';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { sendError } from '../http/errors.js';
import type { Principal } from '../registry/index.js';
import { up } from '../db/migrations/0018_credit.js';
import { createCredit, createCreditSchedule, createNegativeList, creditRoutes, effectsFor, listedCodes, riskResultsSignal } from './index.js';

const T0 = '2026-11-20T00:00:00.000Z';
const principals: Record<string, Principal> = {
  admin: { kind: 'admin', tokenId: 'ta' }, e1: { kind: 'enterprise', tokenId: 't1', enterpriseId: 'e1' },
  e2: { kind: 'enterprise', tokenId: 't2', enterpriseId: 'e2' }, pay: { kind: 'enterprise', tokenId: 't3', enterpriseId: 'pay' },
};
const enterprise = (id: string, code: string, level: string) => ({
  id, uscc: `91330000MA${code}`, customs_code: code, dxp_id: null, name_zh: `企业${id}`, name_en: null, county: null, park: null, cluster: null,
  credit_level: level, credit_level_given: level, status: 'active', address: null, contacts: '[]', created_at: T0, updated_at: T0, version: 1,
});
const list = (id: string, audience: string[], createdAt = '2026-10-01T00:00:00.000Z') => ({
  id, enterprise_id: audience[0]!, parcel_id: `p-${id}`, message_type: 'CEB621Message', source: 'filed', cop_no: `cop-${id}`, pre_no: null, invt_no: null, waybill_key: null,
  head_guid: `g-${id}`, state: 'sent', body: '{}', audience: JSON.stringify(audience), created_at: createdAt, updated_at: createdAt, version: 1, signed_xml: null,
});
const payment = (id: string, createdAt = '2026-10-01T00:00:00.000Z') => ({
  id, enterprise_id: 'pay', message_type: 'CEB411Message', doc_key: `411|${id}`, link_key: null, head_guid: `g-${id}`, app_type: '1', app_time: '20261001000000', state: 'accepted',
  body: '{}', audience: '["pay"]', created_at: createdAt, updated_at: createdAt, version: 1, signed_xml: null,
});
const receipt = (id: string, subject: 'inventory' | 'document', subjectId: string, type: string, status: string) => ({
  id, subject, subject_id: subjectId, message_type: type, subject_key: 'k', return_status: status, return_time: '20261002000000', return_info: '', received_at: '2026-10-02T00:00:00.000Z',
});

describe.each(adapters)('credit on %s', (adapter) => {
  let t: TestStore;
  let app: FastifyInstance;
  let clock = new Date(T0);
  const call = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    app.inject({ method, url, headers: { 'x-test-principal': who, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await openTestStore(adapter);
    if (!t.store.applied.includes('0018_credit')) await up(t.store.db as unknown as Kysely<unknown>);
    const db = t.store.db;
    await db.insertInto('enterprises').values([enterprise('e1', '3318900001', 'regular'), enterprise('e2', '3318900002', 'advanced'), enterprise('pay', '3318900003', 'certified')]).execute();
    await db.insertInto('enterprise_roles').values([{ enterprise_id: 'e1', role: 'ebc' }, { enterprise_id: 'e2', role: 'ebp' }, { enterprise_id: 'pay', role: 'payment' }]).execute();
    // 20 lists naming e1 and e2: one refused, one inspected then detained, one returned; one more naming e2 alone, refused; one before the window.
    await db.insertInto('inventories').values([
      ...Array.from({ length: 20 }, (_, i) => list(`l${i}`, ['e1', 'e2'])), list('l-e2', ['e2']), list('l-old', ['e1', 'e2'], '2025-06-01T00:00:00.000Z'),
    ]).execute();
    await db.insertInto('receipts').values([
      receipt('r1', 'inventory', 'l0', 'CEB622Message', '100'), receipt('r2', 'inventory', 'l1', 'CEB622Message', '500'), receipt('r3', 'inventory', 'l1', 'CEB622Message', '501'),
      receipt('r4', 'inventory', 'l2', 'CEB622Message', '800'), receipt('r5', 'inventory', 'l-e2', 'CEB622Message', '100'), receipt('r6', 'inventory', 'l-old', 'CEB622Message', '100'),
      receipt('r7', 'document', 'pay1', 'CEB412Message', '100'), receipt('r8', 'document', 'pay2', 'CEB412Message', '120'), receipt('r9', 'document', 'pay-old', 'CEB412Message', '100'),
    ]).execute();
    await db.insertInto('list_returns').values({
      id: 'ret1', document_id: 'd-ret1', message_type: 'CEB625Message', kind: 'return', direction: 'import', inventory_id: 'l3', invt_no: 'I3', enterprise_id: 'e1', state: 'approved',
      lines: '[]', whole: 1, value_fen: 100, quota_fen: null, tax_fen: null, released_at: T0, applied_at: '2026-10-05T00:00:00.000Z', apply_by: T0, goods_back_by: null,
      tax_free_until: null, tax_free: null, decided_at: T0, reason: 'r', audience: '["e1","e2"]',
    }).execute();
    await db.insertInto('ceb_documents').values([payment('pay1'), payment('pay2'), payment('pay3'), payment('pay4'), payment('pay-old', '2025-01-01T00:00:00.000Z')]).execute();
    const result = (id: string, decision: 'pass' | 'review' | 'refuse') => ({ id, document_id: `doc-${id}`, message_type: 'CEB311Message', enterprise_id: 'e1', score: 0, decision, hits: '[]', evaluated_at: '2026-10-01T00:00:00.000Z' });
    await db.insertInto('risk_results').values([result('rr1', 'review'), result('rr2', 'refuse'), result('rr3', 'pass')]).execute();

    app = Fastify();
    const strict = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false });
    const lenient = new Ajv({ allErrors: true, coerceTypes: 'array', useDefaults: true, strict: false });
    app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema));
    app.setErrorHandler((err, request, reply) => sendError(request, reply, err));
    app.addHook('onRequest', async (request) => {
      const p = principals[String(request.headers['x-test-principal'])];
      if (p) request.principal = p;
    });
    const now = () => clock;
    creditRoutes(app, { credit: createCredit({ store: t.store, signals: { risk: riskResultsSignal(t.store) }, now }), negativeList: createNegativeList({ store: t.store, now }), now });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await t?.dispose();
  });

  it('computes each enterprise from its lists, receipts, returns and risk results, and rates the payment institution by its payments', async () => {
    const res = await call('admin', 'POST', '/api/v1/credit/recompute', { at: '2026-11-20T00:00:00Z' });
    expect(res.statusCode).toBe(200);
    const by = Object.fromEntries((res.json().items as { enterpriseId: string }[]).map((x) => [x.enterpriseId, x])) as unknown as Record<string, { score: number; grade: string; profile: string; components: { code: string; points: number; value: unknown }[] }>;
    const pts = (id: string) => Object.fromEntries(by[id]!.components.map((c) => [c.code, c.points]));
    // e1: regular 85; of 20 lists 1 refused (5), 1 inspected (2.5 → 3), 1 detained (10), 1 returned (2.5 → 3); 2 held or refused by risk.
    expect(pts('e1')).toEqual({ customs_level: 85, lists_refused: -5, lists_inspected: -3, lists_detained: -10, returns: -3, risk_hits: -2, late_reports: 0, tax_arrears: 0, negative_list: 0 });
    expect(by.e1!.components.find((c) => c.code === 'lists_refused')!.value).toEqual({ lists: 20, count: 1 });
    expect(by.e1).toMatchObject({ score: 62, grade: 'C', profile: 'trade' });
    // e2: advanced 100; of 21 lists 2 refused (9.5 → 10), 1 inspected (2.38 → 2), 1 detained (9.5 → 10), 1 returned (2).
    expect(pts('e2')).toMatchObject({ customs_level: 100, lists_refused: -10, lists_inspected: -2, lists_detained: -10, returns: -2, risk_hits: 0 });
    expect(by.e2).toMatchObject({ score: 76, grade: 'B' });
    // pay: certified 95; of 4 payments in the window 1 refused (25); the 120 receipt is not a refusal.
    expect(pts('pay')).toEqual({ customs_level: 95, payments_refused: -25, risk_hits: 0, negative_list: 0 });
    expect(by.pay).toMatchObject({ score: 70, grade: 'C', profile: 'payment' });

    const rank = (await call('admin', 'GET', '/api/v1/credit/ranking?limit=2')).json();
    expect(rank.grades).toEqual([{ grade: 'A', name: expect.any(Object), count: 0 }, { grade: 'B', name: expect.any(Object), count: 1 }, { grade: 'C', name: expect.any(Object), count: 2 }, { grade: 'D', name: expect.any(Object), count: 0 }]);
    expect(rank).toMatchObject({ total: 3, items: [{ enterpriseId: 'e1', score: 62 }, { enterpriseId: 'pay', score: 70 }] });
    expect((await call('admin', 'GET', '/api/v1/credit/ranking?grade=B')).json().items.map((x: { enterpriseId: string }) => x.enterpriseId)).toEqual(['e2']);
    expect((await call('e1', 'GET', '/api/v1/credit/ranking')).statusCode).toBe(403);
    expect((await call('e1', 'POST', '/api/v1/credit/recompute', {})).statusCode).toBe(403);
  });

  it('takes late reports and tax arrears from the ports it is given, over the model\'s window', async () => {
    const asked: string[] = [];
    const credit = createCredit({
      store: t.store, now: () => clock, signals: {
        reports: { lateReports: async (id, since) => { asked.push(`reports ${id} ${since}`); return 3; } },
        arrears: { arrears: async (id, at) => { asked.push(`arrears ${id} ${at}`); return { bills: 1, oldestDaysOverdue: 120 }; } },
      },
    });
    const [r] = await credit.recompute({ enterpriseId: 'e1' }, new Date('2026-11-20T00:00:00Z'), 'admin:ta');
    expect(asked).toEqual(['reports e1 2025-11-20T00:00:00.000Z', 'arrears e1 2026-11-20T00:00:00.000Z']);
    // 85 − 5 − 3 − 10 − 3 (lists); no risk source; 3 late × 5 = 15; 1 bill × 5 and 120 days > 90: 5 + 30.
    const c = Object.fromEntries((r!.components as { code: string; points: number }[]).map((x) => [x.code, x.points]));
    expect([c.risk_hits, c.late_reports, c.tax_arrears, r!.score, r!.grade]).toEqual([0, -15, -35, 14, 'D']);
  });

  it('lists an enterprise, refuses repair before the period with the day it becomes possible, audits each step, and ends the effects on repair', async () => {
    const add = await call('admin', 'POST', '/api/v1/credit/negative-list', { enterpriseId: 'e1', reason: 'repeated_refusals', text: '一个月内退单 12 次' });
    expect(add.statusCode).toBe(201);
    const entry = add.json();
    expect(entry).toMatchObject({ state: 'listed', start: '2026-11-20', repairFrom: '2027-05-20', effects: { filingBlocked: false, mandatoryReview: true } });
    expect((await call('admin', 'POST', '/api/v1/credit/negative-list', { enterpriseId: 'e1', reason: 'repeated_refusals', text: 'again' })).statusCode).toBe(409);
    expect((await call('admin', 'POST', '/api/v1/credit/negative-list', { enterpriseId: 'e1', reason: 'no_such', text: 'x' })).json().error.code).toBe('CREDIT_REASON_UNKNOWN');
    const fraud = (await call('admin', 'POST', '/api/v1/credit/negative-list', { enterpriseId: 'e2', reason: 'fraud', text: '刷单', start: '2026-01-31' })).json();
    expect(fraud).toMatchObject({ repairFrom: '2027-01-31', effects: { filingBlocked: true, mandatoryReview: true } });

    const effects = await effectsFor(t.store.db, ['3318900001', '91330000MA3318900002', '3318900003']);
    expect(Object.fromEntries(effects)).toEqual({
      '3318900001': { filingBlocked: false, mandatoryReview: true, entryId: entry.id, reason: 'repeated_refusals' },
      '91330000MA3318900002': { filingBlocked: true, mandatoryReview: true, entryId: fraud.id, reason: 'fraud' },
    });
    expect([...(await listedCodes(t.store.db))].sort()).toEqual(['3318900001', '3318900002', '91330000MA3318900001', '91330000MA3318900002']);

    // The last moment of 2027-05-19 in Beijing is still too early; its first moment of 2027-05-20 is not.
    clock = new Date('2027-05-19T15:59:59.000Z');
    const early = await call('e1', 'POST', `/api/v1/credit/negative-list/${entry.id}/repair`, { statement: '已整改' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'CREDIT_REPAIR_TOO_EARLY', message: expect.stringContaining('from 2027-05-20') });
    expect((await call('admin', 'POST', `/api/v1/credit/negative-list/${entry.id}/repair`, { statement: 'x' })).statusCode).toBe(403);
    expect((await call('e2', 'POST', `/api/v1/credit/negative-list/${entry.id}/repair`, { statement: 'x' })).statusCode).toBe(404);
    clock = new Date('2027-05-19T16:00:00.000Z');
    expect((await call('e1', 'POST', `/api/v1/credit/negative-list/${entry.id}/repair`, { statement: '已整改：更换报关员并复核' })).json()).toMatchObject({ state: 'repair_requested' });
    expect((await call('admin', 'POST', `/api/v1/credit/negative-list/${entry.id}/decide`, { decision: 'keep', reason: '整改材料不足' })).json()).toMatchObject({ state: 'kept' });
    expect((await effectsFor(t.store.db, ['3318900001'])).get('3318900001')?.mandatoryReview).toBe(true);
    expect((await call('admin', 'POST', `/api/v1/credit/negative-list/${entry.id}/decide`, { decision: 'approve', reason: 'x' })).json().error.code).toBe('CREDIT_ENTRY_STATE');
    await call('e1', 'POST', `/api/v1/credit/negative-list/${entry.id}/repair`, { statement: '补充材料' });
    expect((await call('e1', 'POST', `/api/v1/credit/negative-list/${entry.id}/decide`, { decision: 'approve', reason: 'x' })).statusCode).toBe(403);
    const done = (await call('admin', 'POST', `/api/v1/credit/negative-list/${entry.id}/decide`, { decision: 'approve', reason: '整改到位' })).json();
    expect(done.state).toBe('repaired');
    expect(done.trail.map((a: { action: string; actor: string; reason: string }) => [a.action, a.actor, a.reason])).toEqual([
      ['list', 'admin:ta', '一个月内退单 12 次'], ['repair', 'enterprise:e1', '已整改：更换报关员并复核'], ['keep', 'admin:ta', '整改材料不足'],
      ['repair', 'enterprise:e1', '补充材料'], ['approve', 'admin:ta', '整改到位'],
    ]);
    expect((await effectsFor(t.store.db, ['3318900001'])).size).toBe(0);
    clock = new Date(T0);
  });

  it('shows an enterprise its own entries and score only', async () => {
    const mine = (await call('e1', 'GET', '/api/v1/credit/negative-list')).json();
    expect(mine.items.map((x: { enterpriseId: string }) => x.enterpriseId)).toEqual(['e1']);
    expect((await call('e1', 'GET', '/api/v1/credit/negative-list?enterpriseId=e2')).json().total).toBe(0);
    const theirs = (await call('admin', 'GET', '/api/v1/credit/negative-list?enterpriseId=e2')).json().items[0];
    expect((await call('e1', 'GET', `/api/v1/credit/negative-list/${theirs.id}`)).statusCode).toBe(404);
    expect((await call('e2', 'GET', `/api/v1/credit/negative-list/${theirs.id}`)).json()).toMatchObject({ reason: { code: 'fraud', text: '刷单' }, trail: [{ action: 'list' }] });
    expect((await call('admin', 'GET', '/api/v1/credit/negative-list')).json().total).toBe(2);
    expect((await call('e1', 'GET', '/api/v1/credit/enterprises/e2')).json().error.code).toBe('CREDIT_NOT_YOURS');
    expect((await call('e1', 'GET', '/api/v1/credit/enterprises/e1')).statusCode).toBe(200);
  });

  it('keeps every computation: a later one is the latest, the earlier stays readable', async () => {
    // e2 is listed for fraud since 2026-01-31: the second computation counts it.
    const again = (await call('admin', 'POST', '/api/v1/credit/recompute', { enterpriseId: 'e2', at: '2026-11-21T00:00:00Z' })).json();
    expect(again.items[0]).toMatchObject({ score: 36, grade: 'D', components: expect.arrayContaining([expect.objectContaining({ code: 'negative_list', points: -40, value: { entries: [expect.any(String)] } })]) });
    const view = (await call('e2', 'GET', '/api/v1/credit/enterprises/e2')).json();
    expect(view.latest).toMatchObject({ score: 36, window: { to: '2026-11-21T00:00:00.000Z' } });
    expect(view.history.items.map((h: { score: number; grade: string }) => [h.score, h.grade])).toEqual([[36, 'D'], [76, 'B']]);
    expect(view.history.total).toBe(2);
    // As of an earlier instant: before the listing's start, with one list in that window and its refusal
    // not yet received. It joins the history without displacing the latest.
    const before = (await call('admin', 'POST', '/api/v1/credit/recompute', { enterpriseId: 'e2', at: '2026-01-15T00:00:00Z' })).json().items[0];
    expect(before).toMatchObject({ score: 100, grade: 'A', components: expect.arrayContaining([expect.objectContaining({ code: 'lists_refused', value: { lists: 1, count: 0 } }), expect.objectContaining({ code: 'negative_list', points: 0 })]) });
    const after = (await call('admin', 'GET', '/api/v1/credit/enterprises/e2')).json();
    expect([after.latest.score, after.history.total]).toEqual([36, 3]);
    expect((await call('admin', 'GET', '/api/v1/credit/enterprises/nobody')).statusCode).toBe(404);
  });

  it('changes the model as audited data, refusing thresholds out of order and a stale version', async () => {
    expect((await call('admin', 'GET', '/api/v1/credit/model')).json()).toMatchObject({ version: 0, model: { grades: { A: 90, B: 75, C: 60 } } });
    const bad = await call('admin', 'PUT', '/api/v1/credit/model', { model: { grades: { A: 50, B: 80, C: 60 } }, version: 0 });
    expect([bad.statusCode, bad.json().error.issues[0].code]).toEqual([400, 'CREDIT_GRADES_ORDER']);
    expect((await call('admin', 'PUT', '/api/v1/credit/model', { model: { windowDays: 0 } })).statusCode).toBe(400);
    expect((await call('e1', 'PUT', '/api/v1/credit/model', { model: { grades: { A: 70, B: 60, C: 30 } } })).statusCode).toBe(403);
    const ok = await call('admin', 'PUT', '/api/v1/credit/model', { model: { grades: { A: 70, B: 60, C: 30 } }, version: 0 });
    expect(ok.json()).toMatchObject({ version: 1, updatedBy: 'admin:ta' });
    expect((await call('admin', 'PUT', '/api/v1/credit/model', { model: { negativeList: 10 }, version: 0 })).statusCode).toBe(409);
    const history = (await call('admin', 'GET', '/api/v1/credit/model/history')).json().items;
    expect(history).toEqual([expect.objectContaining({ actor: 'admin:ta', version: 1, before: expect.objectContaining({ grades: { A: 90, B: 75, C: 60 } }), after: expect.objectContaining({ grades: { A: 70, B: 60, C: 30 } }) })]);
    // e1 scores 62 as before, now grade B under the new thresholds, and the computation names the model version.
    const r = (await call('admin', 'POST', '/api/v1/credit/recompute', { enterpriseId: 'e1', at: '2026-11-20T00:00:00Z' })).json().items[0];
    expect(r).toMatchObject({ score: 62, grade: 'B', modelVersion: 1 });
  });

  it('the schedule computes every enterprise once the newest computation is older than its period, not before, and never when off', async () => {
    let at = new Date('2027-01-01T00:00:00.000Z');
    const credit = createCredit({ store: t.store, now: () => at });
    const schedule = createCreditSchedule({ store: t.store, credit, everyMs: 24 * 3_600_000, now: () => at });
    const all = await schedule.tick();
    expect(all).toBe(3);
    expect(await schedule.tick()).toBe(0);
    at = new Date(at.getTime() + 23 * 3_600_000);
    expect(await schedule.tick()).toBe(0);
    at = new Date(at.getTime() + 2 * 3_600_000);
    expect(await schedule.tick()).toBe(3);
    const latest = (await call('admin', 'GET', '/api/v1/credit/enterprises/e1')).json().latest;
    expect(latest).toMatchObject({ computedBy: 'system:schedule', window: { to: at.toISOString() } });
    at = new Date(at.getTime() + 100 * 24 * 3_600_000);
    expect(await createCreditSchedule({ store: t.store, credit, everyMs: 0, now: () => at }).tick()).toBe(0);
  });
});

