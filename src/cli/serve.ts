import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../kernel/config.js';
import { createPlatform } from '../platform.js';
import { buildApp } from '../http/server.js';
import { AppError } from '../kernel/errors.js';
import { createCreditSchedule } from '../credit/index.js';
import { provisionDemoKeys } from '../signing/demo.js';
import { demoEnterprises } from '../zone/demo.js';
import { createWebhookDispatcher } from '../clearance/webhooks/index.js';
import { prepareDemoTraffic, type PreparedTraffic } from '../clearance/traffic/setup.js';
import { createTraffic } from '../clearance/traffic/generator.js';
import { describeStats, driveTraffic } from '../clearance/traffic/driver.js';

/** Demo traffic: about one parcel every two seconds, imports and exports, 5 % with a deliberate fault (the generator's default mix). */
const DEMO_RATE = 0.5;
const DEMO_RUN_SECONDS = 600;

/**
 * Files generated traffic through the server's own API until stopped, in runs of ten minutes (each
 * run its own generator, so nothing it keeps grows without bound). Never throws: a failed run is
 * logged and the next one starts a little later.
 */
/** Demo traffic stops once the database holds this many parcels (about 1 GB): a demo left running must not fill the disk. */
const DEMO_MAX_PARCELS = 50_000;

function startDemoTraffic(baseUrl: string, prepared: PreparedTraffic, log: FastifyBaseLogger, parcels: () => Promise<number>): { stop(): Promise<void> } {
  const controller = new AbortController();
  const { signal } = controller;
  const running = (async () => {
    let seed = Math.floor(Math.random() * 2 ** 31);
    while (!signal.aborted) {
      try {
        if ((await parcels()) >= DEMO_MAX_PARCELS) {
          log.info(`demo traffic stopped: the database holds ${DEMO_MAX_PARCELS} parcels 演示流量已停止（已达 ${DEMO_MAX_PARCELS} 票）`);
          return;
        }
        const stats = await driveTraffic({
          baseUrl, tokens: prepared.tokens, traffic: createTraffic({ seed: seed++, parties: prepared.parties }),
          ratePerSecond: DEMO_RATE, durationSeconds: DEMO_RUN_SECONDS, mode: 'mixed', concurrency: 2,
          // Enterprises file in batches: a few documents per message rather than one request each.
          lingerMs: 5000, signal,
        });
        if (!signal.aborted) log.info({ stats }, `demo traffic: ${describeStats(stats).en}`);
      } catch (err) {
        log.warn({ err }, 'demo traffic run failed; trying again in a minute');
        await sleep(60_000, undefined, { signal }).catch(() => undefined);
      }
    }
  })().catch((err) => log.error({ err }, 'demo traffic stopped'));
  return {
    async stop() {
      controller.abort();
      await running;
    },
  };
}

export async function serve(config: Config): Promise<void> {
  const platform = await createPlatform(config);
  const generated = await platform.registry.ensureAdminToken(config.adminToken);
  // Saved before anything else can fail: a token that exists only in the database would lock the operator out.
  const tokenFile = join(config.dataDir, 'admin-token');
  if (generated) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(tokenFile, generated + '\n', { mode: 0o600 });
  }
  // A first start on the embedded database gets demo enterprises, so the dashboard has something to show.
  let demo = 0;
  if (config.demo && (await platform.registry.list({ limit: 1 })).total === 0) {
    demo = await platform.registry.importMany(demoEnterprises(platform.zone), 'demo');
    await provisionDemoKeys(platform.keystore, (await platform.registry.list({ limit: 100 })).items, 'demo');
  }
  const app = await buildApp(platform, { logger: { level: config.logLevel } });

  // Demo data comes with demo traffic, so the dashboard moves; only ever as the demo enterprises.
  let demoTraffic: PreparedTraffic | undefined;
  let demoTrafficNote: string | undefined;
  if (config.demo && process.env.SILKGATE_DEMO_TRAFFIC !== '0') {
    try {
      demoTraffic = await prepareDemoTraffic(platform, { label: 'demo-traffic', demoOnly: true, actor: 'platform:demo-traffic' });
    } catch (err) {
      // Never a reason not to start: the platform runs without its demo traffic.
      if (!(err instanceof AppError && err.code === 'TRAFFIC_NO_ENTERPRISES')) app.log.warn({ err }, 'demo traffic not started');
      demoTrafficNote = err instanceof AppError && err.code === 'TRAFFIC_NO_ENTERPRISES'
        ? 'off: the demo enterprises it files as are not in the registry 登记库中没有演示企业'
        : 'off: could not be prepared (see the log) 未能启动';
    }
  }
  if (demoTraffic) {
    // Its requests are logged only when something goes wrong: a demo should not flood the console.
    const own = new Set(Object.values(demoTraffic.tokens).map((t) => `Bearer ${t}`));
    app.addHook('onRequest', async (request) => {
      if (own.has(request.headers.authorization ?? '') && ['trace', 'debug', 'info'].includes(request.log.level)) request.log.level = 'warn';
    });
  }

  await platform.pipeline.start();
  const webhooks = createWebhookDispatcher({ store: platform.store, logger: app.log });
  webhooks.start();
  // Every enterprise's credit is kept current (SILKGATE_CREDIT_EVERY_HOURS, default daily).
  const creditSchedule = createCreditSchedule({
    store: platform.store, credit: platform.credit, everyMs: config.creditEveryHours * 3_600_000,
    onError: (err) => app.log.warn({ err }, 'credit recomputation failed; trying again within the hour'),
  });
  creditSchedule.start();
  let traffic: { stop(): Promise<void> } | undefined;

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      // The demo traffic goes first: it is a client of this very server.
      await traffic?.stop();
      await app.close();
      await webhooks.stop();
      await creditSchedule.stop();
      await platform.close();
    } finally {
      clearTimeout(force);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await webhooks.stop();
    await creditSchedule.stop();
    await platform.close();
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is already in use` : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' ? `cannot listen on host ${config.host}` : e.message;
    throw new AppError('invalid', 'CONFIG_INVALID', { detail: `${why}; choose another with --port / --host` });
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const base = `http://${host}:${port}`;
  if (demoTraffic && !closing) {
    // To the address the server listens on (a wildcard one is reached on loopback).
    const bound = typeof addr === 'object' && addr ? addr.address : config.host;
    const own = bound === '0.0.0.0' ? '127.0.0.1' : bound === '::' ? '::1' : bound;
    const parcels = async () => Number((await platform.store.db.selectFrom('parcels').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    traffic = startDemoTraffic(`http://${own.includes(':') ? `[${own}]` : own}:${port}`, demoTraffic, app.log, parcels);
  }
  const lines = [
    `Silkgate 丝路通 — ${platform.zone.zoneName.zh}`,
    `  数据库 database   ${platform.store.describe}${platform.store.applied.length ? ` (migrated: ${platform.store.applied.join(', ')})` : ''}`,
    `  接口 API          ${base}/api/v1`,
    `  文档 OpenAPI docs ${base}/docs`,
    `  看板 dashboard    ${base}/`,
    `  健康 health       ${base}/healthz   指标 metrics ${base}/metrics`,
    `  海关 customs      ${config.customs.kind === 'simulator' ? `built-in simulator 模拟海关 (receipt step ${config.customs.stepMs} ms)` : config.customs.url.replace(/\/\/[^@/]*@/, '//***@')}`,
  ];
  if (demo) lines.push(`  演示数据 demo data  ${demo} enterprises marked 演示/demo (start with --no-demo or SILKGATE_DEMO=0 to skip)`);
  if (traffic) lines.push(`  演示流量 demo traffic  about 1 parcel every 2 s through the API as the demo enterprises, up to 50,000 parcels (SILKGATE_DEMO_TRAFFIC=0 to turn off)`);
  else if (demoTrafficNote) lines.push(`  演示流量 demo traffic  ${demoTrafficNote}`);
  if (generated) lines.push(`  运营令牌 operator token (shown once, also saved to ${tokenFile}):`, `    ${generated}`);
  process.stdout.write(lines.join('\n') + '\n');
}
