import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../kernel/config.js';
import { createPlatform } from '../platform.js';
import { buildApp } from '../http/server.js';

export async function serve(config: Config): Promise<void> {
  const platform = await createPlatform(config);
  const generated = await platform.registry.ensureAdminToken(config.adminToken);
  const app = await buildApp(platform, { logger: { level: config.logLevel } });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await app.close();
      await platform.close();
    } finally {
      clearTimeout(force);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
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
  ];
  if (generated) {
    mkdirSync(config.dataDir, { recursive: true });
    const file = join(config.dataDir, 'admin-token');
    writeFileSync(file, generated + '\n', { mode: 0o600 });
    lines.push(`  运营令牌 operator token (shown once, also saved to ${file}):`, `    ${generated}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
