// Assembles the HTTP API: one error mapper, OpenAPI docs at /docs, health, metrics, dashboard.
import { readFile } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Platform } from '../platform.js';
import { registryRoutes } from '../registry/index.js';
import { zoneRoutes } from '../zone/routes.js';
import { clearanceRoutes } from '../clearance/routes.js';
import { webhookRoutes } from '../clearance/webhooks/index.js';
import { signingRoutes } from '../signing/routes.js';
import { taxRoutes } from '../tax/routes.js';
import { bondedRoutes } from '../bonded/index.js';
import { summaryRoutes } from '../summary/index.js';
import { securityRoutes } from '../security/routes.js';
import { riskRoutes } from '../risk/index.js';
import { creditRoutes } from '../credit/index.js';
import { statsRoutes } from '../stats/index.js';
import { AppError } from '../kernel/errors.js';
import { bearerHook } from './auth.js';
import { sendError } from './errors.js';
import { projectPath } from '../kernel/paths.js';

export interface AppOptions {
  /** pino logger options, or false for none (tests). */
  readonly logger?: boolean | { level: string };
}

export async function buildApp(platform: Platform, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 16 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
  });
  const { metrics, registry, zone, store } = platform;

  // Bodies are checked strictly (a number is not a name); query strings and path parameters
  // arrive as text, so only they are coerced to the schema's types.
  const strict = new Ajv({ allErrors: true, removeAdditional: false, coerceTypes: false, useDefaults: true, strict: false });
  const lenient = new Ajv({ allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema));

  app.setErrorHandler((err, request, reply) => sendError(request, reply, err));
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new AppError('not_found', 'NOT_FOUND', { value: request.url })));

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Silkgate 丝路通 API',
        description: `${zone.zoneName.zh} 线上综合服务平台 — online comprehensive service platform of the ${zone.zoneName.en}. ` +
          'Errors carry a stable code, a path per problem and messages in zh-CN (default) and en; send Accept-Language: en for English.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', bearerHook(registry));
  app.addHook('onResponse', async (request, reply) => {
    const p = request.principal;
    platform.security.observe({
      at: Date.now(), ip: request.ip, status: reply.statusCode, method: request.method, path: request.routeOptions.url ?? request.url.split('?')[0]!,
      tokenId: p?.tokenId, enterpriseId: p?.kind === 'enterprise' ? p.enterpriseId : undefined,
    });
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await store.ping();
      return { status: 'ok', database: store.dialect, zone: zone.id };
    } catch (err) {
      return reply.status(503).send({ status: 'unavailable', database: store.dialect, detail: (err as Error).message });
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));

  const dashboard = await readFile(projectPath('web/index.html'), 'utf8');
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(dashboard));

  zoneRoutes(app, zone);
  registryRoutes(app, registry, metrics);
  clearanceRoutes(app, { pipeline: platform.pipeline, queries: platform.clearance, registry, metrics, declarations: platform.b2bDeclarations });
  webhookRoutes(app, platform.webhooks);
  signingRoutes(app, platform.keystore, registry);
  bondedRoutes(app, { ...platform.bonded, registry });
  summaryRoutes(app, { summaries: platform.summaries, registry, pipeline: platform.pipeline });
  securityRoutes(app, platform.security);
  riskRoutes(app, { risk: platform.risk });
  creditRoutes(app, { credit: platform.credit, negativeList: platform.negativeList });
  taxRoutes(app, { store: platform.store, registry, rates: () => platform.taxRates, bills: platform.taxBills, exports: platform.exportRegistry, prerefunds: platform.prerefunds });
  statsRoutes(app, { stats: platform.stats });
  return app;
}
