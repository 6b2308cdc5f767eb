import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, requireAdmin, requirePrincipal } from '../http/auth.js';
import type { Metrics } from '../ops/metrics.js';
import type { EnterprisePatch } from './model.js';
import type { RegistryService } from './service.js';
import { forbidden } from './service.js';
import { notFound } from '../kernel/errors.js';
import * as s from './schemas.js';
import { CREDIT_LEVELS, ROLES, STATUSES } from './rules/catalogue.js';
import { enterprisesCsv } from './export.js';

const tags = ['registry 企业备案'];
const security = [{ bearer: [] }];

export function registryRoutes(app: FastifyInstance, registry: RegistryService, metrics: Metrics): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/registry/vocabulary', {
    schema: { tags, summary: 'Roles, credit levels and statuses with zh-CN/en names' },
  }, async () => ({ roles: ROLES, creditLevels: CREDIT_LEVELS, statuses: STATUSES }));

  r.get('/api/v1/registry/summary', {
    schema: { tags, security, summary: 'Enterprise counts by county, park, cluster, role, status and credit level (operator)' },
  }, async (request) => {
    requireAdmin(request);
    return registry.summary();
  });

  r.post('/api/v1/enterprises', {
    schema: { tags, security, summary: 'Register an enterprise (operator)', body: s.EnterpriseInputSchema, response: { 201: s.EnterpriseSchema } },
  }, async (request, reply) => {
    const p = requireAdmin(request);
    const e = await registry.create(request.body, actorOf(p));
    metrics.registryWrites.inc({ action: 'create' });
    return reply.status(201).header('location', `/api/v1/enterprises/${e.id}`).send(e);
  });

  r.post('/api/v1/enterprises/import', {
    schema: {
      tags, security, summary: 'Register many enterprises at once, all or nothing (operator)',
      body: Type.Array(s.EnterpriseInputSchema, { maxItems: 10000 }),
      response: { 201: Type.Object({ imported: Type.Integer() }) },
    },
  }, async (request, reply) => {
    const p = requireAdmin(request);
    const imported = await registry.importMany(request.body, actorOf(p));
    metrics.registryWrites.inc({ action: 'import' }, imported);
    return reply.status(201).send({ imported });
  });

  r.get('/api/v1/enterprises', {
    schema: {
      tags, security, summary: 'List and search enterprises (operator)', querystring: s.EnterpriseQuerySchema,
      response: { 200: Type.Object({ items: Type.Array(s.EnterpriseSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) },
    },
  }, async (request) => {
    requireAdmin(request);
    return registry.list(request.query);
  });

  r.get('/api/v1/enterprises/export.csv', {
    schema: { tags, security, summary: 'Export the filtered list as CSV (UTF-8 with BOM, opens in Excel)', querystring: Type.Omit(s.EnterpriseQuerySchema, ['limit', 'offset']) },
  }, async (request, reply) => {
    requireAdmin(request);
    const csv = await enterprisesCsv(registry, request.query);
    return reply.header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="enterprises.csv"').send(csv);
  });

  r.get('/api/v1/enterprises/:ref', {
    schema: { tags, security, summary: 'One enterprise by id, USCC, customs code or DXP id', params: s.RefParams, response: { 200: s.EnterpriseSchema } },
  }, async (request) => {
    const p = requirePrincipal(request);
    if (p.kind === 'enterprise') {
      // Another enterprise's code answers exactly like an unknown one: a token cannot probe the registry.
      const own = await registry.get(p.enterpriseId);
      if (![own.id, own.uscc, own.customsCode, own.dxpId].includes(request.params.ref)) throw notFound('ENTERPRISE_NOT_FOUND', request.params.ref);
      return own;
    }
    return registry.get(request.params.ref);
  });

  r.get('/api/v1/me', {
    schema: { tags, security, summary: 'The enterprise the token belongs to', response: { 200: s.EnterpriseSchema } },
  }, async (request) => {
    const p = requirePrincipal(request);
    if (p.kind !== 'enterprise') throw forbidden();
    return registry.get(p.enterpriseId);
  });

  r.patch('/api/v1/enterprises/:ref', {
    schema: { tags, security, summary: 'Change an enterprise (operator); send version to guard against lost updates', params: s.RefParams, body: s.EnterprisePatchSchema, response: { 200: s.EnterpriseSchema } },
  }, async (request) => {
    const p = requireAdmin(request);
    const { version, ...patch } = request.body as EnterprisePatch & { version?: number };
    const e = await registry.update(request.params.ref, patch, actorOf(p), version);
    metrics.registryWrites.inc({ action: 'update' });
    return e;
  });

  r.get('/api/v1/enterprises/:ref/history', {
    schema: { tags, security, summary: 'Audit trail of an enterprise record (operator)', params: s.RefParams },
  }, async (request) => {
    requireAdmin(request);
    return { items: await registry.history(request.params.ref) };
  });

  r.post('/api/v1/enterprises/:ref/tokens', {
    schema: {
      tags, security, summary: 'Issue an API token for an enterprise; the token is shown only in this response (operator)',
      params: s.RefParams, body: Type.Object({ label: Type.Optional(Type.String({ maxLength: 80 })) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const p = requireAdmin(request);
    const issued = await registry.issueToken(request.params.ref, request.body?.label ?? 'api', actorOf(p));
    return reply.status(201).send(issued);
  });

  r.get('/api/v1/enterprises/:ref/tokens', {
    schema: { tags, security, summary: 'Tokens of an enterprise (never the secrets)', params: s.RefParams },
  }, async (request) => {
    requireAdmin(request);
    return { items: await registry.listTokens(request.params.ref) };
  });

  r.delete('/api/v1/enterprises/:ref/tokens/:tokenId', {
    schema: { tags, security, summary: 'Revoke a token (operator)', params: Type.Object({ ref: Type.String({ maxLength: 64 }), tokenId: Type.String({ maxLength: 64 }) }) },
  }, async (request, reply) => {
    const p = requireAdmin(request);
    await registry.revokeToken(request.params.ref, request.params.tokenId, actorOf(p));
    return reply.status(204).send();
  });
}
