// Simulated traffic end to end: generated parcels through the real HTTP API of a platform on a
// SQLite file, then what the pipeline made of them — clean parcels matched and declared to the
// end, each deliberate fault caught by the rule it names, broken XML refused. And the command
// line: `silkgate simulate` against a server started with the built CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { buildApp } from '../src/http/server.js';
import { demoEnterprises } from '../src/zone/demo.js';
import { createCustomsSimulator } from '../src/clearance/gateway/simulator.js';
import { orderKey } from '../src/clearance/kinds.js';
import { createTraffic, type FaultKind, type ImportParcel, type Traffic } from '../src/clearance/traffic/generator.js';
import { driveTraffic } from '../src/clearance/traffic/driver.js';
import { prepareDemoTraffic } from '../src/clearance/traffic/setup.js';
import { provisionDemoKeys } from '../src/signing/demo.js';

const CLI = join(import.meta.dirname, '../dist/src/cli/main.js');
const run = promisify(execFile);
const END_STATES = ['closed', 'rejected', 'returned', 'detained'];
/** The §2.1 rule each import fault breaks (malformed XML never reaches the match). */
const RULE: Partial<Record<FaultKind, string>> = {
  amount_mismatch: 'amount_paid', payer_not_buyer: 'payer_is_buyer', over_single_limit: 'single_limit', consignee_mismatch: 'consignee',
};
// 10 % in all; with this seed the first ten import parcels carry every kind of fault.
const SEED = 9508;
const FAULTS = { amount_mismatch: 0.03, payer_not_buyer: 0.02, over_single_limit: 0.02, consignee_mismatch: 0.02, malformed_xml: 0.01 };

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'silkgate-simulate-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('simulated traffic through the HTTP API', () => {
  let platform: Platform;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    const gateway = createCustomsSimulator({ stepDelayMs: 0, validate: true });
    platform = await createPlatform(loadConfig({ db: `sqlite:${join(dir, 'inproc.db')}` }, {}), { gateway });
    await platform.registry.importMany(demoEnterprises(platform.zone), 'test');
    await provisionDemoKeys(platform.keystore, (await platform.registry.list({ limit: 100 })).items, 'test');
    app = await buildApp(platform);
    await platform.pipeline.start();
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  it('matches the clean parcels and declares them to an end, catches each fault by its rule, refuses broken XML', async () => {
    const prepared = await prepareDemoTraffic(platform, { label: 'test' });
    // Filers: the platform, the payment company, both carriers, both declarants; importers: the two bonded-zone ebcs.
    expect(Object.keys(prepared.tokens)).toHaveLength(6);
    expect(prepared.parties.ebc.filter((p) => p.trades === 'import')).toHaveLength(2);
    const items = await platform.store.db.selectFrom('item_records').select(['ebc_code']).execute();
    expect(new Set(items.map((r) => r.ebc_code)).size).toBe(2);

    const generated = createTraffic({ seed: SEED, parties: prepared.parties, faults: FAULTS });
    const sent: ImportParcel[] = [];
    const traffic: Traffic = {
      ...generated,
      nextImportParcel: () => {
        const p = generated.nextImportParcel();
        sent.push(p);
        return p;
      },
    };
    const stats = await driveTraffic({ baseUrl: base, tokens: prepared.tokens, traffic, ratePerSecond: 15, durationSeconds: 1.5, mode: 'import', lingerMs: 200 });
    await platform.pipeline.drain();

    expect(stats.parcels).toBe(sent.length);
    expect(sent.length).toBeGreaterThan(0);
    expect(stats.errors).toBe(0);
    // Each broken document goes alone and is refused as a whole (400); everything else is accepted.
    const broken = sent.filter((p) => p.fault === 'malformed_xml').length;
    expect(stats.refused).toBe(broken);
    expect(stats.accepted).toBe(stats.posted - broken);
    expect(stats.receiptsNegative).toBe(0);

    const db = platform.store.db;
    const parcels = new Map((await db.selectFrom('parcels').selectAll().execute()).map((x) => [x.order_key, x]));
    const lists = new Map((await db.selectFrom('inventories').selectAll().execute()).map((i) => [i.id, i]));
    const clean = sent.filter((p) => !p.fault);
    let matched = 0;
    for (const p of sent) {
      const head = p.order.Order[0]!.OrderHead;
      const x = parcels.get(orderKey('import', head.ebpCode, head.orderNo));
      const why = `${head.orderNo} (${p.fault ?? 'clean'}): ${x?.state} ${x?.mismatches}`;
      if (p.fault === 'malformed_xml') {
        // The broken document never arrived: no parcel (a broken order) or one still waiting for it.
        if (x) expect(x.state, why).toBe('incomplete');
        continue;
      }
      expect(x, why).toBeDefined();
      const rules = (JSON.parse(x!.mismatches) as { rule: string }[]).map((m) => m.rule);
      if (p.fault) {
        expect(x!.state, why).toBe('mismatched');
        // One rule, possibly on several fields (the payer's name and ID number).
        expect([...new Set(rules)], why).toEqual([RULE[p.fault]]);
        expect(x!.inventory_id, why).toBeNull();
        continue;
      }
      if (x!.state !== 'matched') continue;
      matched++;
      const list = lists.get(x!.inventory_id ?? '');
      expect(list, why).toBeDefined();
      expect(END_STATES, `${why}: list ${list!.state}`).toContain(list!.state);
      expect(JSON.parse(list!.body).InventoryHead.tradeMode, why).toBe('1210');
    }
    // Clean parcels all match (the generator keeps every buyer within the annual quota).
    expect(matched).toBe(clean.length);
    // The seed makes faults of every kind come early; whatever the machine's speed, some were sent.
    expect(sent.some((p) => p.fault)).toBe(true);
  });

  it('says which roles are missing when the registry has no enterprises to simulate with', async () => {
    const empty = await createPlatform(loadConfig({ db: 'sqlite::memory:' }, {}), { gateway: createCustomsSimulator() });
    try {
      await expect(prepareDemoTraffic(empty)).rejects.toMatchObject({ code: 'TRAFFIC_NO_ENTERPRISES' });
    } finally {
      await empty.close();
    }
  });
});

describe('silkgate simulate', () => {
  let server: ChildProcess | undefined;
  let base: string;
  let banner = '';
  const data = () => join(dir, 'served');

  async function silkgate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run('node', [CLI, ...args], { env: { ...process.env, LANG: 'C', DATABASE_URL: '' } });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    // A first start on the embedded database: demo enterprises, and the server's own demo traffic.
    const child = spawn('node', [CLI, 'serve', '--port', '0', '--data', data(), '--log-level', 'warn'], {
      env: { ...process.env, DATABASE_URL: '', SILKGATE_SIMULATOR_STEP_MS: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${banner}`)), 30_000);
      child.stdout!.on('data', (b: Buffer) => {
        banner += b.toString();
        const m = /接口 API\s+(http:\/\/\S+)\/api\/v1/.exec(banner);
        if (m && banner.includes('operator token')) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.stderr!.on('data', (b: Buffer) => { banner += b.toString(); });
      child.on('exit', (code) => reject(new Error(`server exited (${code}): ${banner}`)));
    });
  });
  afterAll(async () => {
    if (!server || server.exitCode !== null) return;
    const exit = new Promise<number | null>((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    // The demo traffic is stopped before the server closes: a clean exit.
    expect(await exit).toBe(0);
  });

  it('drives traffic through a running server and prints the figures', async () => {
    expect(banner).toMatch(/demo traffic\s+about 1 parcel every 2 s .*SILKGATE_DEMO_TRAFFIC=0/);
    const res = await silkgate('simulate', '--rate', '5', '--duration', '2', '--url', base, '--data', data(), '--json');
    expect(res.code, res.stderr).toBe(0);
    const stats = JSON.parse(res.stdout);
    expect(stats).toMatchObject({ url: base, mode: 'mixed', rate: 5, duration: 2 });
    expect(stats.parcels).toBeGreaterThan(0);
    expect(stats.accepted).toBeGreaterThan(0);
    expect(stats.errors).toBe(0);
  });

  it('prints a readable summary without --json', async () => {
    const res = await silkgate('simulate', '--rate', '5', '--duration', '1', '--mode', 'import', '--faults', '0', '--url', base, '--data', data(), '--lang', 'en');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/parcels generated, \d+ requests sent/);
    expect(res.stdout).toMatch(/0 of the parcels carried a deliberate fault \(—\); seed \d+/);
  });

  it('exits 1 with a clear line when no server answers, or the registry lacks the enterprises', async () => {
    const down = await silkgate('simulate', '--duration', '1', '--url', 'http://127.0.0.1:9', '--data', data(), '--lang', 'en');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/TRAFFIC_UNREACHABLE: Cannot reach a Silkgate server at http:\/\/127\.0\.0\.1:9/);
    const empty = await silkgate('simulate', '--duration', '1', '--url', base, '--data', join(dir, 'empty'), '--lang', 'en');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/TRAFFIC_NO_ENTERPRISES: .*ebp.*--no-demo/);
  });

  it('explains usage mistakes with exit code 2', async () => {
    expect((await silkgate('simulate', '--rate', '0', '--data', data())).code).toBe(2);
    expect((await silkgate('simulate', '--mode', 'sideways', '--data', data())).code).toBe(2);
  });
});
