import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../kernel/config.js';
import { createPlatform } from '../platform.js';
import { buildApp } from '../http/server.js';
import { AppError } from '../kernel/errors.js';
import { demoEnterprises } from '../zone/demo.js';
import { createWebhookDispatcher } from '../clearance/webhooks/index.js';

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
  }
  const app = await buildApp(platform, { logger: { level: config.logLevel } });
  await platform.pipeline.start();
  const webhooks = createWebhookDispatcher({ store: platform.store, logger: app.log });
  webhooks.start();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await app.close();
      await webhooks.stop();
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
    await platform.close();
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is already in use` : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' ? `cannot listen on host ${config.host}` : e.message;
    throw new AppError('invalid', 'CONFIG_INVALID', { detail: `${why}; choose another with --port / --host` });
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const base = `http://${host}:${port}`;
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
  if (generated) lines.push(`  运营令牌 operator token (shown once, also saved to ${tokenFile}):`, `    ${generated}`);
  process.stdout.write(lines.join('\n') + '\n');
}
