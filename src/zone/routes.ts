import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { codeTables } from '../kernel/codes/index.js';
import { notFound } from '../kernel/errors.js';
import type { ZoneProfile } from './profiles.js';

export function zoneRoutes(app: FastifyInstance, zone: ZoneProfile): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/zone', { schema: { tags: ['zone 综试区'], summary: 'The zone profile: divisions, bonded areas, clusters' } }, async () => zone);

  r.get('/api/v1/code-tables', { schema: { tags: ['code tables 代码表'], summary: 'The code tables the platform carries' } }, async () => ({
    items: [...codeTables.values()].map(({ rows, ...info }) => ({ ...info, count: rows.length })),
  }));

  r.get('/api/v1/code-tables/:name', {
    schema: {
      tags: ['code tables 代码表'], summary: 'Rows of one code table, optionally filtered by code or name',
      params: Type.Object({ name: Type.String({ maxLength: 40 }) }),
      querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 50 })) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const t = codeTables.get(request.params.name);
    if (!t) throw notFound('CODE_TABLE_UNKNOWN', request.params.name);
    const q = request.query.q?.toLowerCase();
    const rows = q
      ? t.rows.filter((row) => [row.code, row.zh, row.en ?? '', ...Object.values(row).map(String)].some((v) => v.toLowerCase().includes(q)))
      : t.rows;
    return { ...t, rows };
  });
}
