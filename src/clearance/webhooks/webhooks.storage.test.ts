// Webhooks on a real database: SQLite always, PostgreSQL when SILKGATE_TEST_DATABASE_URL is set.
// Time is injected: backoff is checked by moving a clock, never by sleeping.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../../test/support/stores.js';
import { enterpriseInput } from '../../../test/support/fixtures.js';
import { newId } from '../../kernel/ids.js';
import { createRegistryService, type Principal } from '../../registry/index.js';
import { zoneProfiles } from '../../zone/index.js';
import type { ClearanceEvent } from '../events.js';
import { createWebhookDispatcher, createWebhookService, verifySignature, type DispatcherOptions, type WebhookService } from './index.js';
import * as repo from './repository.js';
import { retryDelay } from './rules.js';
import { refused } from '../../../test/support/refused.js';


const admin: Principal = { kind: 'admin', tokenId: 'op' };
const as = (enterpriseId: string): Principal => ({ kind: 'enterprise', tokenId: `t-${enterpriseId}`, enterpriseId });

function event(type: ClearanceEvent['type'], audience: readonly string[], id = newId()): ClearanceEvent {
  return {
    id, at: '2024-05-01T08:00:00.000Z', type, subject: 'document', subjectId: `doc-${id}`, messageType: 'CEB311Message',
    key: `EBP001:ORDER-${id}`, from: 'submitted', to: type === 'receipt' ? 'accepted' : 'submitted', actor: 'customs',
    cause: { code: 'RECEIPT', message: { 'zh-CN': '海关回执', en: 'customs receipt' } }, audience,
    ...(type === 'receipt' ? { receipt: { messageType: 'CEB312Message', returnStatus: '120', returnTime: '20240501160000000', returnInfo: '入库成功' } } : {}),
  };
}

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records requests and answers with `status(n)` for the n-th call (or throws it). */
function fakeFetch(answer: (n: number, sent: Sent) => number | Error = () => 200) {
  const sent: Sent[] = [];
  const fn = (async (url: string | URL | Request, init?: RequestInit) => {
    const s = { url: String(url), headers: { ...(init?.headers as Record<string, string>) }, body: String(init?.body) };
    sent.push(s);
    const a = answer(sent.length, s);
    if (a instanceof Error) throw a;
    // 204 and 304 carry no body (Response refuses one).
    const body = a === 204 || a === 304 ? null : a >= 200 && a < 300 ? 'ok' : 'receiver says no';
    return new Response(body, { status: a });
  }) as typeof fetch;
  return { fetch: fn, sent };
}

describe.each(adapters)('webhooks on %s', (adapter) => {
  let t: TestStore;
  let webhooks: WebhookService;
  let clock = Date.parse('2024-05-01T08:00:00.000Z');
  const now = () => new Date(clock);
  const ents: string[] = [];
  const dispatcher = (o: Partial<DispatcherOptions> = {}) =>
    createWebhookDispatcher({ store: t.store, now, random: () => 0.5, baseDelayMs: 1000, maxDelayMs: 3_600_000, ...o });
  const enqueue = (events: readonly ClearanceEvent[], service = webhooks) =>
    t.store.db.transaction().execute((trx) => service.enqueue(trx, events));
  const rowsOf = (webhookId: string) =>
    t.store.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('created_at').orderBy('id').execute();
  /** Removes every queued delivery, so each test starts from an empty queue. */
  const clearQueue = () => t.store.db.deleteFrom('webhook_deliveries').execute();

  beforeAll(async () => {
    t = await openTestStore(adapter);
    const registry = createRegistryService({ store: t.store, zone: zoneProfiles.jinhua });
    for (let n = 1; n <= 4; n++) ents.push((await registry.create(enterpriseInput(n), 'test')).id);
    webhooks = createWebhookService({ store: t.store, now });
  });
  afterAll(async () => t?.dispose());
  // A failed test must not leave webhooks behind that would receive the next tests' events.
  afterEach(async () => {
    await clearQueue();
    await t.store.db.deleteFrom('webhooks').execute();
  });

  it('creates a webhook with a secret shown once, and refuses bad URLs and event types in both languages', async () => {
    const created = await webhooks.create(ents[3]!, { url: 'https://erp.example.com/hooks/silkgate', description: '  ERP  ' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ enterpriseId: ents[3], events: ['receipt', 'status'], description: 'ERP', active: true });
    expect(await webhooks.get(admin, created.id)).not.toHaveProperty('secret');

    for (const url of ['ftp://example.com/x', 'not a url', '/relative/path', 'https://user:pw@example.com/', 'http://exa\nmple.com/', 'javascript:alert(1)']) {
      const err = await refused(webhooks.create(ents[3]!, { url }));
      expect(err.kind, url).toBe('invalid');
      expect(err.issues.map((i) => [i.code, i.path]), url).toEqual([['WEBHOOK_URL_INVALID', '/url']]);
      expect(err.issues[0]!.message['zh-CN']).toContain('http:// 或 https://');
      expect(err.issues[0]!.message.en).toContain('http:// or https://');
    }
    const types = await refused(webhooks.create(ents[3]!, { url: 'https://example.com/', events: ['status', 'customs-raid'] }));
    expect(types.issues.map((i) => [i.code, i.path])).toEqual([['WEBHOOK_EVENT_UNKNOWN', '/events/1']]);
    expect(types.issues[0]!.message.en).toBe('Unknown webhook event type: customs-raid (allowed: receipt, status)');
    const none = await refused(webhooks.create(ents[3]!, { url: 'https://example.com/', events: [] }));
    expect(none.issues.map((i) => i.code)).toEqual(['WEBHOOK_EVENTS_EMPTY']);
    const nobody = await refused(webhooks.create('no-such-enterprise', { url: 'https://example.com/' }));
    expect(nobody.code).toBe('ENTERPRISE_NOT_FOUND');
    await webhooks.remove(admin, created.id);
  });

  it('shows an enterprise only its own webhooks; the operator sees all', async () => {
    const [a, b] = [ents[0]!, ents[1]!];
    const ha = await webhooks.create(a, { url: 'https://a.example.com/hook' });
    const hb = await webhooks.create(b, { url: 'https://b.example.com/hook' });
    expect((await webhooks.list(as(a))).items.map((w) => w.id)).toEqual([ha.id]);
    expect((await webhooks.list(as(a), { enterpriseId: b })).total).toBe(0);
    expect((await webhooks.list(admin)).items.map((w) => w.id)).toEqual(expect.arrayContaining([ha.id, hb.id]));
    expect((await webhooks.list(admin, { enterpriseId: b })).items.map((w) => w.id)).toEqual([hb.id]);
    expect((await refused(webhooks.get(as(a), hb.id))).code).toBe('WEBHOOK_NOT_FOUND');
    expect((await refused(webhooks.remove(as(a), hb.id))).kind).toBe('not_found');
    expect((await refused(webhooks.deliveries(as(a), hb.id))).kind).toBe('not_found');
    expect((await webhooks.get(as(b), hb.id)).url).toBe('https://b.example.com/hook');
    await webhooks.remove(as(a), ha.id);
    await webhooks.remove(admin, hb.id);
    expect((await refused(webhooks.get(admin, ha.id))).kind).toBe('not_found');
    expect((await webhooks.list(admin)).total).toBe(0);
  });

  it('queues an event only for webhooks of its audience that subscribe to its type, once per webhook', async () => {
    const [a, b, c] = [ents[0]!, ents[1]!, ents[2]!];
    const aAll = await webhooks.create(a, { url: 'https://a.example.com/all' });
    const aReceipts = await webhooks.create(a, { url: 'https://a.example.com/receipts', events: ['receipt'] });
    const bStatus = await webhooks.create(b, { url: 'https://b.example.com/status', events: ['status'] });
    const e1 = event('status', [a, b]);
    const e2 = event('receipt', [a, a]);
    const e3 = event('status', [c]);
    const e4 = event('receipt', [b, c]);
    expect(await enqueue([e1, e2, e3, e4, e1])).toBe(4);
    const pairs = async () => (await t.store.db.selectFrom('webhook_deliveries').select(['webhook_id', 'event_id', 'enterprise_id']).execute())
      .map((r) => `${r.webhook_id}:${r.event_id}:${r.enterprise_id}`).sort();
    const expected = [`${aAll.id}:${e1.id}:${a}`, `${bStatus.id}:${e1.id}:${b}`, `${aAll.id}:${e2.id}:${a}`, `${aReceipts.id}:${e2.id}:${a}`].sort();
    expect(await pairs()).toEqual(expected);
    // Again, say after a retried pipeline step: nothing new.
    expect(await enqueue([e2, e1])).toBe(0);
    expect(await pairs()).toEqual(expected);

    const [row] = await rowsOf(bStatus.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 0, event_type: 'status', locked_until: null, next_attempt_at: now().toISOString() });
    const { audience: _audience, ...data } = e1;
    // The receiver gets the event without its audience (the other enterprises involved).
    expect(JSON.parse(row!.payload)).toEqual({ id: e1.id, type: 'status', createdAt: e1.at, data });

    // The queue belongs to the caller's transaction: rolled back with it.
    const e5 = event('status', [a]);
    await expect(t.store.db.transaction().execute(async (trx) => {
      expect(await webhooks.enqueue(trx, [e5])).toBe(1);
      throw new Error('pipeline step failed');
    })).rejects.toThrow('pipeline step failed');
    expect(await pairs()).toEqual(expected);

    for (const h of [aAll, aReceipts, bStatus]) await webhooks.remove(admin, h.id);
    expect(await t.store.db.selectFrom('webhook_deliveries').select('id').execute()).toEqual([]);
  });

  it('costs no query for events whose audience has no webhook, and sees a new webhook at once', async () => {
    let queries = 0;
    const counting = t.store.db.withPlugin({
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const service = createWebhookService({ store: t.store, now });
    const run = (events: ClearanceEvent[]) => counting.transaction().execute((trx) => service.enqueue(trx, events));
    expect(await run([event('status', [ents[2]!])])).toBe(0);
    const first = queries;
    expect(first).toBeLessThanOrEqual(1);
    for (let i = 0; i < 5; i++) expect(await run([event('status', [ents[2]!]), event('receipt', [ents[1]!])])).toBe(0);
    expect(queries).toBe(first);
    expect(await run([])).toBe(0);
    expect(queries).toBe(first);
    // A webhook created through this service is seen by its next enqueue, not 5 s later.
    const h = await service.create(ents[2]!, { url: 'https://c.example.com/hook' });
    expect(await run([event('status', [ents[2]!])])).toBe(1);
    await service.remove(admin, h.id);
    const after = queries;
    expect(await run([event('status', [ents[2]!])])).toBe(0);
    expect(await run([event('status', [ents[2]!])])).toBe(0);
    expect(queries - after).toBeLessThanOrEqual(1);
  });

  it('queues large batches in chunks below SQLite\'s variable limit', async () => {
    const h = await webhooks.create(ents[0]!, { url: 'https://a.example.com/bulk' });
    const events = Array.from({ length: repo.DELIVERY_CHUNK + 200 }, () => event('status', [ents[0]!, ents[1]!]));
    expect(await enqueue(events)).toBe(events.length);
    expect((await webhooks.deliveries(admin, h.id, { limit: 1 })).total).toBe(events.length);
    expect(await enqueue(events.slice(0, 10))).toBe(0);
    await webhooks.remove(admin, h.id);
  });

  it('delivers signed POSTs and lists deliveries by state, page by page, newest first', async () => {
    await clearQueue();
    const h = await webhooks.create(ents[0]!, { url: 'https://a.example.com/signed' });
    const events = [event('status', [ents[0]!]), event('receipt', [ents[0]!]), event('status', [ents[0]!])];
    for (const e of events) {
      await enqueue([e]);
      clock += 1000;
    }
    const { fetch, sent } = fakeFetch((n) => (n === 2 ? 503 : 204));
    const r = await dispatcher({ fetch }).runOnce();
    expect(r).toEqual({ claimed: 3, delivered: 2, retried: 1, failed: 0, skipped: 0 });
    for (const s of sent) {
      expect(s.url).toBe('https://a.example.com/signed');
      expect(s.headers['content-type']).toBe('application/json');
      expect(verifySignature(h.secret, s.headers['x-silkgate-timestamp']!, s.body, s.headers['x-silkgate-signature'])).toBe(true);
      expect(verifySignature(h.secret, s.headers['x-silkgate-timestamp']!, s.body + ' ', s.headers['x-silkgate-signature'])).toBe(false);
      expect(verifySignature('whsec_other', s.headers['x-silkgate-timestamp']!, s.body, s.headers['x-silkgate-signature'])).toBe(false);
      expect(s.headers['x-silkgate-timestamp']).toBe(String(Math.floor(clock / 1000)));
      const body = JSON.parse(s.body);
      expect(s.headers['x-silkgate-event']).toBe(body.type);
      expect(events.map((e) => e.id)).toContain(body.id);
    }
    const all = await webhooks.deliveries(as(ents[0]!), h.id, { limit: 2 });
    expect(all.total).toBe(3);
    expect(all.items.map((d) => d.eventId)).toEqual([events[2]!.id, events[1]!.id]);
    const rest = await webhooks.deliveries(as(ents[0]!), h.id, { limit: 2, offset: 2 });
    expect(rest.items.map((d) => d.eventId)).toEqual([events[0]!.id]);
    const pending = await webhooks.deliveries(admin, h.id, { state: 'pending' });
    expect(pending.items).toHaveLength(1);
    expect(pending.items[0]).toMatchObject({ attempts: 1, lastStatus: 503, lastError: 'HTTP 503: receiver says no', deliveredAt: null });
    const delivered = await webhooks.deliveries(admin, h.id, { state: 'delivered' });
    expect(delivered.items.map((d) => [d.attempts, d.lastStatus, d.nextAttemptAt, d.deliveredAt])).toEqual([
      [1, 204, null, now().toISOString()], [1, 204, null, now().toISOString()],
    ]);
    expect((await refused(webhooks.deliveries(admin, h.id, { state: 'lost' }))).issues.map((i) => i.code)).toEqual(['WEBHOOK_STATE_UNKNOWN']);
    await webhooks.remove(admin, h.id);
  });

  it('schedules retries with exponential backoff and ±20 % jitter, capped at the maximum', () => {
    const b = { baseDelayMs: 1000, maxDelayMs: 3_600_000 };
    expect([1, 2, 3, 4].map((n) => retryDelay(n, b, () => 0.5))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(3, b, () => 0)).toBe(3200);
    expect(retryDelay(3, b, () => 0.999999)).toBe(4800);
    expect(retryDelay(30, b, () => 0.5)).toBe(3_600_000);
    expect(retryDelay(5000, b, () => 0.5)).toBe(3_600_000);
    for (let i = 0; i < 200; i++) {
      const d = retryDelay(2, b);
      expect(d).toBeGreaterThanOrEqual(1600);
      expect(d).toBeLessThanOrEqual(2400);
    }
  });

  it('tries a refused delivery again only when due, and gives up after maxAttempts', async () => {
    await clearQueue();
    const h = await webhooks.create(ents[1]!, { url: 'https://b.example.com/flaky' });
    await enqueue([event('receipt', [ents[1]!])]);
    const refusedConn = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const { fetch, sent } = fakeFetch((n) => (n % 2 ? 500 : refusedConn));
    const d = dispatcher({ fetch, maxAttempts: 4 });
    const row = async () => (await rowsOf(h.id))[0]!;

    expect((await d.runOnce()).retried).toBe(1);
    let r = await row();
    expect(r).toMatchObject({ state: 'pending', attempts: 1, last_status: 500, locked_until: null });
    expect(Date.parse(r.next_attempt_at) - clock).toBe(1000);

    clock += 999;
    expect((await d.runOnce()).claimed).toBe(0);
    clock += 1;
    expect((await d.runOnce()).retried).toBe(1);
    r = await row();
    expect(r).toMatchObject({ attempts: 2, last_status: null, last_error: 'fetch failed: ECONNREFUSED' });
    expect(Date.parse(r.next_attempt_at) - clock).toBe(2000);

    clock += 2000;
    expect((await d.runOnce()).retried).toBe(1);
    expect(Date.parse((await row()).next_attempt_at) - clock).toBe(4000);
    clock += 4000;
    expect((await d.runOnce()).failed).toBe(1);
    r = await row();
    expect(r).toMatchObject({ state: 'failed', attempts: 4, locked_until: null, delivered_at: null });
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((s) => s.headers['x-silkgate-delivery']))).toEqual(new Set([r.id]));

    clock += 3_600_000 * 2;
    expect((await d.runOnce()).claimed).toBe(0);
    expect(sent).toHaveLength(4);
    await webhooks.remove(admin, h.id);
  });

  it('counts a receiver that does not answer within timeoutMs as a failed try', async () => {
    const h = await webhooks.create(ents[1]!, { url: 'https://b.example.com/slow' });
    await enqueue([event('receipt', [ents[1]!])]);
    // Answers only when aborted, i.e. never by itself.
    const silent = ((_url: string | URL | Request, init?: RequestInit) => new Promise<Response>((_resolve, reject) => {
      init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason));
    })) as typeof fetch;
    expect((await dispatcher({ fetch: silent, timeoutMs: 20 }).runOnce()).retried).toBe(1);
    expect((await rowsOf(h.id))[0]).toMatchObject({ state: 'pending', attempts: 1, last_status: null, last_error: 'timeout after 20 ms', locked_until: null });
  });

  it('never lets two dispatchers send the same row at once; an abandoned lease expires', async () => {
    await clearQueue();
    const h = await webhooks.create(ents[0]!, { url: 'https://a.example.com/race' });
    await enqueue(Array.from({ length: 40 }, () => event('status', [ents[0]!])));

    // A dispatcher that claimed rows and died: its lease holds them until it expires.
    const lease = new Date(clock + 60_000).toISOString();
    const held = await t.store.db.transaction().execute((trx) => repo.claimDue(trx, t.store.dialect, now().toISOString(), lease, 10));
    expect(held).toHaveLength(10);

    const { fetch, sent } = fakeFetch();
    const [d1, d2] = [dispatcher({ fetch, concurrency: 7 }), dispatcher({ fetch, concurrency: 7 })];
    let total = 0;
    for (let round = 0; round < 10; round++) {
      const [r1, r2] = await Promise.all([d1.runOnce(), d2.runOnce()]);
      total += r1.delivered + r2.delivered;
    }
    expect(total).toBe(30);
    const ids = sent.map((s) => s.headers['x-silkgate-delivery']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(held[0]!.id);

    clock += 60_000;
    const late = await d1.runOnce();
    expect(late.delivered).toBe(7);
    expect((await d1.runOnce()).delivered).toBe(3);
    expect(new Set(sent.map((s) => s.headers['x-silkgate-delivery'])).size).toBe(40);
    expect((await webhooks.deliveries(admin, h.id, { state: 'delivered', limit: 1 })).total).toBe(40);
    await webhooks.remove(admin, h.id);
  });

  it('a new dispatcher (after a restart) picks up pending rows, and a late answer does not overwrite a newer one', async () => {
    await clearQueue();
    const h = await webhooks.create(ents[2]!, { url: 'https://c.example.com/restart' });
    await enqueue([event('status', [ents[2]!]), event('receipt', [ents[2]!])]);
    const before = fakeFetch(() => 502);
    expect((await dispatcher({ fetch: before.fetch }).runOnce()).retried).toBe(2);

    // "Restart": fresh service and dispatcher objects, nothing shared but the database.
    const after = fakeFetch();
    const reborn = dispatcher({ fetch: after.fetch });
    expect((await reborn.runOnce()).claimed).toBe(0);
    clock += 1200;
    expect((await reborn.runOnce()).delivered).toBe(2);
    expect((await rowsOf(h.id)).map((r) => [r.state, r.attempts])).toEqual([['delivered', 2], ['delivered', 2]]);

    // Fencing: an outcome recorded under a lease the row no longer holds changes nothing.
    const [r] = await rowsOf(h.id);
    expect(await repo.recordOutcome(t.store.db, r!.id, 'stale-lease', {
      state: 'pending', attempts: 9, next_attempt_at: r!.next_attempt_at, last_status: 500, last_error: 'late', delivered_at: null,
    })).toBe(false);
    expect((await rowsOf(h.id))[0]).toMatchObject({ state: 'delivered', attempts: 2 });
    await webhooks.remove(admin, h.id);
  });

  it('drops queued rows of a webhook removed meanwhile instead of sending them', async () => {
    await clearQueue();
    await repo.insertDeliveries(t.store.db, [{
      id: newId(), webhook_id: 'removed-webhook', enterprise_id: ents[0]!, event_id: newId(), event_type: 'status', payload: '{}',
      state: 'pending', attempts: 0, next_attempt_at: now().toISOString(), locked_until: null, last_status: null, last_error: null,
      created_at: now().toISOString(), delivered_at: null,
    }]);
    const { fetch, sent } = fakeFetch();
    expect(await dispatcher({ fetch }).runOnce()).toEqual({ claimed: 1, delivered: 0, retried: 0, failed: 0, skipped: 1 });
    expect(sent).toHaveLength(0);
    expect(await t.store.db.selectFrom('webhook_deliveries').select('id').execute()).toEqual([]);
  });

  it('caps the number of webhooks per enterprise', async () => {
    const made = [];
    for (let i = 0; i < 20; i++) made.push(await webhooks.create(ents[3]!, { url: `https://d.example.com/${i}` }));
    const err = await refused(webhooks.create(ents[3]!, { url: 'https://d.example.com/one-too-many' }));
    expect(err.code).toBe('WEBHOOK_LIMIT');
    for (const h of made) await webhooks.remove(as(ents[3]!), h.id);
  });
});
