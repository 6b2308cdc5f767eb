// Webhooks end to end: subscriptions through the HTTP API (Fastify inject), deliveries to a real
// receiver on 127.0.0.1, signatures checked the way a receiver would, a restart in between.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/kernel/config.js';
import { newId } from '../src/kernel/ids.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { buildApp } from '../src/http/server.js';
import { openStore } from '../src/db/store.js';
import type { ClearanceEvent } from '../src/clearance/events.js';
import {
  createWebhookDispatcher, createWebhookService, verifySignature, webhookRoutes, type WebhookService,
} from '../src/clearance/webhooks/index.js';
import { enterpriseInput } from './support/fixtures.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver that refuses the first request of every delivery with 500 and accepts the rest. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const delivery = String(req.headers['x-silkgate-delivery']);
      const first = !seen.has(delivery);
      seen.add(delivery);
      res.writeHead(first ? 500 : 200, { 'content-type': 'text/plain' }).end(first ? 'not yet' : 'thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

function event(type: ClearanceEvent['type'], audience: readonly string[]): ClearanceEvent {
  const id = newId();
  return {
    id, at: new Date().toISOString(), type, subject: 'inventory', subjectId: `inv-${id}`, messageType: 'CEB621Message',
    key: `3318000001:LOG-${id.slice(0, 8)}`, from: 'declared', to: 'released', actor: 'customs',
    cause: { code: 'RECEIPT', message: { 'zh-CN': '放行', en: 'released' } }, audience,
  };
}

/** Polls `check` until it holds; bounded, so a broken dispatcher fails the test instead of hanging it. */
async function eventually(check: () => Promise<boolean> | boolean, what: string, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('webhooks API and delivery', () => {
  let platform: Platform;
  let app: FastifyInstance;
  let webhooks: WebhookService;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: string;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let clock = Date.now();
  const now = () => new Date(clock);

  beforeAll(async () => {
    receiver = await startReceiver();
    platform = await createPlatform(loadConfig({ db: 'sqlite::memory:' }, {}), { now });
    admin = (await platform.registry.ensureAdminToken())!;
    const enterprise = async (n: number) => {
      const e = await platform.registry.create(enterpriseInput(n), 'test');
      return { id: e.id, token: (await platform.registry.issueToken(e.id, 'erp', 'test')).token };
    };
    a = await enterprise(1);
    b = await enterprise(2);
    // The platform's own service, as the real app serves it.
    webhooks = platform.webhooks;
    app = await buildApp(platform);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
    await new Promise((r) => receiver?.server.close(r));
  });

  const enqueue = (events: ClearanceEvent[]) => platform.store.db.transaction().execute((trx) => webhooks.enqueue(trx, events));

  it('subscribes with an enterprise token; the secret comes once', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(a.token), payload: { url: `${receiver.url}/a`, events: ['status'], description: 'ERP' } });
    expect(res.statusCode).toBe(201);
    const hook = res.json();
    expect(res.headers.location).toBe(`/api/v1/webhooks/${hook.id}`);
    expect(hook).toMatchObject({ enterpriseId: a.id, url: `${receiver.url}/a`, events: ['status'], description: 'ERP', active: true });
    expect(hook.secret).toMatch(/^whsec_/);
    const got = await app.inject({ url: `/api/v1/webhooks/${hook.id}`, headers: auth(a.token) });
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('secret');
  });

  it('refuses a bad URL with 400 in Chinese by default and in English when asked', async () => {
    const zh = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(a.token), payload: { url: 'ftp://example.com/in' } });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().error.issues).toEqual([expect.objectContaining({ code: 'WEBHOOK_URL_INVALID', path: '/url', message: expect.stringContaining('须为完整的') })]);
    const en = await app.inject({
      method: 'POST', url: '/api/v1/webhooks', headers: { ...auth(a.token), 'accept-language': 'en' }, payload: { url: 'https://example.com/', events: ['everything'] },
    });
    expect(en.statusCode).toBe(400);
    expect(en.json().error.issues[0]).toMatchObject({ code: 'WEBHOOK_EVENT_UNKNOWN', path: '/events/0', message: 'Unknown webhook event type: everything (allowed: receipt, status)' });
    const extra = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(a.token), payload: { url: 'https://example.com/', secret: 'mine' } });
    expect(extra.json().error.issues[0]).toMatchObject({ code: 'UNKNOWN_FIELD', path: '/secret' });
  });

  it('keeps enterprises apart: another enterprise gets 404, the operator sees and creates for any', async () => {
    const mine = (await app.inject({ url: '/api/v1/webhooks', headers: auth(a.token) })).json();
    expect(mine.total).toBe(1);
    const id = mine.items[0].id;
    for (const [method, url] of [['GET', `/api/v1/webhooks/${id}`], ['GET', `/api/v1/webhooks/${id}/deliveries`], ['DELETE', `/api/v1/webhooks/${id}`]] as const) {
      const res = await app.inject({ method, url, headers: auth(b.token) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('WEBHOOK_NOT_FOUND');
    }
    expect((await app.inject({ url: '/api/v1/webhooks', headers: auth(b.token) })).json().total).toBe(0);
    const forOther = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(b.token), payload: { url: 'https://example.com/', enterpriseId: a.id } });
    expect(forOther.statusCode).toBe(403);
    expect((await app.inject({ url: '/api/v1/webhooks' })).statusCode).toBe(401);

    const noOwner = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(admin), payload: { url: 'https://example.com/' } });
    expect(noOwner.statusCode).toBe(400);
    expect(noOwner.json().error.issues[0]).toMatchObject({ code: 'REQUIRED', path: '/enterpriseId' });
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(admin), payload: { url: 'https://example.com/', enterpriseId: 'nobody' } });
    expect(unknown.statusCode).toBe(404);
    const forB = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(admin), payload: { url: `${receiver.url}/b`, enterpriseId: b.id, events: ['receipt'] } });
    expect(forB.statusCode).toBe(201);
    expect((await app.inject({ url: '/api/v1/webhooks', headers: auth(admin) })).json().total).toBe(2);
    expect((await app.inject({ url: `/api/v1/webhooks?enterpriseId=${b.id}`, headers: auth(admin) })).json().items.map((w: { id: string }) => w.id)).toEqual([forB.json().id]);
    const gone = await app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${forB.json().id}`, headers: auth(admin) });
    expect(gone.statusCode).toBe(204);
    expect((await app.inject({ url: `/api/v1/webhooks/${forB.json().id}`, headers: auth(admin) })).statusCode).toBe(404);
  });

  it('delivers signed, and a receiver that failed the first time gets the same delivery again', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: auth(a.token), payload: { url: `${receiver.url}/signed`, events: ['receipt'] } });
    const { id, secret } = created.json();
    const e = event('receipt', [a.id, b.id]);
    expect(await enqueue([e])).toBe(1);
    const before = receiver.received.length;
    const dispatcher = createWebhookDispatcher({ store: platform.store, now, random: () => 0.5 });

    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    const pending = (await app.inject({ url: `/api/v1/webhooks/${id}/deliveries?state=pending`, headers: auth(a.token) })).json();
    expect(pending.total).toBe(1);
    expect(pending.items[0]).toMatchObject({ eventId: e.id, eventType: 'receipt', attempts: 1, lastStatus: 500, lastError: 'HTTP 500: not yet' });
    expect(Date.parse(pending.items[0].nextAttemptAt)).toBe(clock + 1000);

    expect((await dispatcher.runOnce()).claimed).toBe(0);
    clock += 1000;
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });

    const got = receiver.received.slice(before);
    expect(got).toHaveLength(2);
    for (const r of got) {
      expect(r.path).toBe('/signed');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-silkgate-event']).toBe('receipt');
      expect(r.headers['x-silkgate-delivery']).toBe(pending.items[0].id);
      const ts = String(r.headers['x-silkgate-timestamp']);
      expect(verifySignature(secret, ts, r.body, String(r.headers['x-silkgate-signature']), { toleranceSeconds: 300, now: now() })).toBe(true);
      expect(verifySignature(secret, String(Number(ts) + 1), r.body, String(r.headers['x-silkgate-signature']))).toBe(false);
      expect(JSON.parse(r.body)).toEqual({ id: e.id, type: 'receipt', createdAt: e.at, data: { ...e, audience: undefined } });
    }
    const delivered = (await app.inject({ url: `/api/v1/webhooks/${id}/deliveries?state=delivered&limit=10`, headers: auth(a.token) })).json();
    expect(delivered).toMatchObject({ total: 1, limit: 10, offset: 0 });
    expect(delivered.items[0]).toMatchObject({ attempts: 2, lastStatus: 200, lastError: null, nextAttemptAt: null, payload: { id: e.id, type: 'receipt' } });
    const badState = await app.inject({ url: `/api/v1/webhooks/${id}/deliveries?state=lost`, headers: { ...auth(a.token), 'accept-language': 'en' } });
    expect(badState.statusCode).toBe(400);
    expect(badState.json().error.issues[0]).toMatchObject({ code: 'WEBHOOK_STATE_UNKNOWN' });
    expect((await app.inject({ url: `/api/v1/webhooks/${id}/deliveries?limit=0`, headers: auth(a.token) })).statusCode).toBe(400);
  });

  it('runs in the background: start() delivers and retries on its own, stop() waits for requests in flight', async () => {
    clock = Date.now(); // the background dispatcher runs on the real clock
    const e1 = event('status', [a.id]);
    const e2 = event('status', [a.id]);
    expect(await enqueue([e1, e2])).toBe(2);
    const dispatcher = createWebhookDispatcher({ store: platform.store, pollMs: 10, baseDelayMs: 5, maxDelayMs: 50 });
    dispatcher.start();
    dispatcher.start();
    try {
      const hook = (await app.inject({ url: '/api/v1/webhooks', headers: auth(a.token) })).json().items.find((w: { url: string }) => w.url.endsWith('/a'));
      await eventually(async () => (await webhooks.deliveries({ kind: 'admin', tokenId: 'x' }, hook.id, { state: 'delivered' })).total === 2, 'two deliveries');
      const ids = receiver.received.filter((r) => r.path === '/a').map((r) => JSON.parse(r.body).id as string);
      // Each event twice: refused once, then accepted.
      expect(ids.sort()).toEqual([e1.id, e1.id, e2.id, e2.id].sort());
    } finally {
      await dispatcher.stop();
    }
    await dispatcher.stop();
  });
});

describe('webhook deliveries survive a restart', () => {
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'silkgate-webhooks-'));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await new Promise((r) => receiver?.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues before a restart and delivers after it, from the database file alone', async () => {
    const target = { kind: 'sqlite' as const, file: join(dir, 'silkgate.db') };
    const first = await createPlatform(loadConfig({ db: `sqlite:${target.file}` }, {}));
    const e = await first.registry.create(enterpriseInput(7), 'test');
    const hook = await createWebhookService({ store: first.store }).create(e.id, { url: `${receiver.url}/restart` });
    const ev = event('status', [e.id]);
    await first.store.db.transaction().execute((trx) => createWebhookService({ store: first.store }).enqueue(trx, [ev]));
    // One refused try before the "crash": the row stays pending with its attempt counted.
    let clock = Date.now();
    expect(await createWebhookDispatcher({ store: first.store, now: () => new Date(clock) }).runOnce()).toMatchObject({ retried: 1 });
    await first.close();

    const store = await openStore(target);
    try {
      clock += 2 * 3_600_000;
      const after = createWebhookDispatcher({ store, now: () => new Date(clock) });
      expect(await after.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      const got = receiver.received.filter((r) => r.path === '/restart');
      expect(got).toHaveLength(2);
      expect(got[1]!.headers['x-silkgate-delivery']).toBe(got[0]!.headers['x-silkgate-delivery']);
      expect(verifySignature(hook.secret, String(got[1]!.headers['x-silkgate-timestamp']), got[1]!.body, String(got[1]!.headers['x-silkgate-signature']))).toBe(true);
      const row = await store.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: 'delivered', attempts: 2, last_status: 200 });
    } finally {
      await store.close();
    }
  });
});
