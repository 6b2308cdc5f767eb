// Crash safety of the intake: the real server (built CLI) takes messages over HTTP while a client
// fires them concurrently; the process is killed with SIGKILL mid-run and started again on the
// same database. Every acknowledged document must be there exactly once, every message must be
// all there or not at all, and the pipeline must carry on from where it stopped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform } from '../src/platform.js';
import { demoEnterprises } from '../src/zone/demo.js';
import { writeMessage, type Model } from '../src/ceb/codec.js';
import { createCustomsSimulator } from '../src/clearance/gateway/simulator.js';
import { ITEM_RECORDS, parcel, type Parties } from './support/parcels.js';
import { provisionDemoKeys } from '../src/signing/demo.js';

const CLI = join(import.meta.dirname, '../dist/src/cli/main.js');
const ADMIN = 'crash-test-operator-token-0123456789';
const PARCELS = 300;
const PER_MESSAGE = 10;

let dir: string;
let db: string;
const tokens = new Map<string, string>();

interface Msg { filer: string; type: string; xml: string; guids: string[] }
const messages: Msg[] = [];

function startServer(): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [CLI, 'serve', '--db', `sqlite:${db}`, '--port', '0', '--no-demo', '--log-level', 'warn'], {
      env: { ...process.env, SILKGATE_ADMIN_TOKEN: ADMIN, SILKGATE_SIMULATOR_STEP_MS: '0', SILKGATE_RESEND_AFTER_MS: '2000', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /接口 API\s+(http:\/\/\S+)\/api\/v1/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1]! });
      }
    });
    child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

async function post(base: string, m: Msg): Promise<Response> {
  return fetch(`${base}/api/v1/messages`, { method: 'POST', body: m.xml, headers: { 'content-type': 'application/xml', authorization: `Bearer ${tokens.get(m.filer)}` } });
}

async function openDb() {
  return createPlatform(loadConfig({ db: `sqlite:${db}` }, {}), { gateway: createCustomsSimulator() });
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'silkgate-crash-'));
  db = join(dir, 'silkgate.db');
  const platform = await openDb();
  await platform.registry.importMany(demoEnterprises(platform.zone), 'test');
  await provisionDemoKeys(platform.keystore, (await platform.registry.list({ limit: 100 })).items, 'test');
  const all = (await platform.registry.list({ limit: 100 })).items;
  const pick = (name: string) => all.find((e) => e.nameZh.startsWith(name))!;
  const parties: Parties = { ebp: pick('义乌小商品跨境电商平台'), ebc: pick('金义综保区美妆进口'), payment: pick('浙江金义支付'), logistics: pick('义乌国际快递') };
  for (const e of Object.values(parties)) tokens.set(e.id, (await platform.registry.issueToken(e.id, 'crash', 'test')).token);
  await platform.pipeline.putItemRecords(parties.ebc, ITEM_RECORDS);
  await platform.close();
  // Messages of 10 documents each, orders, payments and waybills interleaved.
  const xs = Array.from({ length: PARCELS }, () => parcel(parties));
  const group = (filer: string, type: string, entity: string, pick: (x: (typeof xs)[number]) => Model) => {
    for (let i = 0; i < xs.length; i += PER_MESSAGE) {
      const slice = xs.slice(i, i + PER_MESSAGE).map(pick);
      const model = { ...slice[0]!, [entity]: slice.flatMap((m) => m[entity] as Model[]) };
      const head = entity === 'Order' ? 'OrderHead' : entity === 'Payment' ? 'PaymentHead' : 'LogisticsHead';
      messages.push({ filer, type, xml: writeMessage(type, model), guids: (model[entity] as Model[]).map((e) => (e[head] as Model).guid as string) });
    }
  };
  group(parties.ebp.id, 'CEB311Message', 'Order', (x) => x.order);
  group(parties.payment.id, 'CEB411Message', 'Payment', (x) => x.payment);
  group(parties.logistics.id, 'CEB511Message', 'Logistics', (x) => x.waybill);
  // Interleave so parcels complete while the process runs.
  const n = PARCELS / PER_MESSAGE;
  const ordered: Msg[] = [];
  for (let i = 0; i < n; i++) ordered.push(messages[n + i]!, messages[2 * n + i]!, messages[i]!);
  messages.splice(0, messages.length, ...ordered);
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL in the middle of a bulk intake', () => {
  it('keeps every acknowledged document exactly once and no message half-applied; the restart finishes the work', async () => {
    const first = await startServer();
    const acked = new Set<number>();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed && next < messages.length) {
        const i = next++;
        try {
          const res = await post(first.base, messages[i]!);
          // A 200 means committed, even if it arrived just as the process was being killed.
          if (res.status === 200) acked.add(i);
        } catch {
          // The connection died with the process: this message was not acknowledged.
        }
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    // Kill once a good part has been acknowledged, while requests are in flight.
    while (acked.size < messages.length / 3) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    first.child.kill('SIGKILL');
    await Promise.all(workers);
    if (first.child.exitCode === null && first.child.signalCode === null) await new Promise((r) => first.child.once('exit', r));
    expect(acked.size).toBeGreaterThan(0);
    expect(acked.size).toBeLessThan(messages.length);

    // What the database holds after the crash, before anything else touches it.
    {
      const platform = await openDb();
      const rows = await platform.store.db.selectFrom('intake_guids').select(['guid']).execute();
      const have = new Set(rows.map((r) => r.guid));
      for (const [i, m] of messages.entries()) {
        const present = m.guids.filter((g) => have.has(g)).length;
        if (acked.has(i)) expect(present, `acknowledged message ${i}`).toBe(m.guids.length);
        else expect([0, m.guids.length], `unacknowledged message ${i} is all or nothing`).toContain(present);
      }
      const docs = await platform.store.db.selectFrom('ceb_documents').select(['head_guid']).execute();
      expect(docs.length).toBe(have.size);
      expect(new Set(docs.map((d) => d.head_guid)).size).toBe(docs.length);
      await platform.close();
    }

    // Restart and send everything again: what was kept is replayed, the rest accepted.
    const second = await startServer();
    try {
      const statuses = new Map<string, number>();
      for (const m of messages) {
        const res = await post(second.base, m);
        expect(res.status, await res.clone().text()).toBe(200);
        for (const r of (await res.json() as { receipts: { status: string }[] }).receipts) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
      expect(statuses.get('accepted') ?? 0).toBeGreaterThan(0);
      expect(statuses.get('replayed') ?? 0).toBeGreaterThanOrEqual([...acked].length * PER_MESSAGE);
      expect((statuses.get('accepted') ?? 0) + (statuses.get('replayed') ?? 0)).toBe(PARCELS * 3);
      // The restarted process finishes the work the crash interrupted: every parcel is decided and
      // every list reaches an end of the customs sequence (the simulator's default shares include a
      // few 退单, 扣留 and 退运 besides 结关).
      const platform = await openDb();
      const deadline = Date.now() + 60_000;
      let closed = 0; // lists at an end state
      while (Date.now() < deadline) {
        closed = Number((await platform.store.db.selectFrom('inventories').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('state', 'in', ['closed', 'rejected', 'returned', 'detained']).executeTakeFirstOrThrow()).n);
        if (closed === PARCELS) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const states = await platform.store.db.selectFrom('inventories').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
      const pstates = await platform.store.db.selectFrom('parcels').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
      const jobs = await platform.store.db.selectFrom('outbox').selectAll().execute();
      expect(closed, JSON.stringify({ states, pstates, jobs: jobs.length })).toBe(PARCELS);
      const parcels = await platform.store.db.selectFrom('parcels').select(['state']).execute();
      expect(parcels.length).toBe(PARCELS);
      expect(parcels.every((x) => x.state === 'matched')).toBe(true);
      const docs = Number((await platform.store.db.selectFrom('ceb_documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      expect(docs).toBe(PARCELS * 3);
      await platform.close();
    } finally {
      second.child.kill('SIGTERM');
    }
  }, 180_000);
});
