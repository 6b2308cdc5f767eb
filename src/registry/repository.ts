// The registry's SQL, and nothing else. Every function takes the executor it runs on, so the
// service decides what shares a transaction.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { BulkWriter } from '../db/bulk.js';
import type { ApiTokenTable, AuditEventTable, EnterpriseTable } from './table.js';
import type { EnterpriseQuery } from './model.js';

export type Executor = Kysely<Database> | Transaction<Database>;
export type EnterpriseRow = Selectable<EnterpriseTable>;

export const ENTERPRISE_COLUMNS = [
  'id', 'uscc', 'customs_code', 'dxp_id', 'name_zh', 'name_en', 'county', 'park', 'cluster',
  'credit_level', 'credit_level_given', 'status', 'address', 'contacts', 'created_at', 'updated_at', 'version',
] as const satisfies readonly (keyof EnterpriseTable)[];

export async function insertEnterprise(db: Executor, row: EnterpriseTable, roles: readonly string[]): Promise<void> {
  await db.insertInto('enterprises').values(row).execute();
  if (roles.length) {
    await db.insertInto('enterprise_roles').values(roles.map((role) => ({ enterprise_id: row.id, role }))).execute();
  }
}

/** Writes many enterprises through the bulk path, all or nothing. */
export function bulkInsertEnterprises(
  bulk: BulkWriter, rows: readonly EnterpriseTable[], roles: readonly (readonly string[])[], audit?: AuditEventTable,
): Promise<number> {
  const auditColumns = ['id', 'at', 'actor', 'entity', 'entity_id', 'action', 'detail'] as const;
  return bulk.write([
    { table: 'enterprises', columns: ENTERPRISE_COLUMNS, rows: rows.map((r) => ENTERPRISE_COLUMNS.map((c) => r[c])) },
    { table: 'enterprise_roles', columns: ['enterprise_id', 'role'], rows: rows.flatMap((r, i) => roles[i]!.map((role) => [r.id, role])) },
    ...(audit ? [{ table: 'audit_events', columns: auditColumns, rows: [auditColumns.map((c) => audit[c])] }] : []),
  ]);
}

/** Updates when the stored version is `expectedVersion`; returns whether a row changed. */
export async function updateEnterprise(
  db: Executor, id: string, expectedVersion: number, changes: Partial<EnterpriseTable>, roles?: readonly string[],
): Promise<boolean> {
  const res = await db.updateTable('enterprises').set(changes)
    .where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  if (roles) {
    await db.deleteFrom('enterprise_roles').where('enterprise_id', '=', id).execute();
    await db.insertInto('enterprise_roles').values(roles.map((role) => ({ enterprise_id: id, role }))).execute();
  }
  return true;
}

/**
 * By platform id, USCC, customs code or DXP id — whichever `ref` is. The service keeps every code
 * unique across all three columns, so at most one row matches; should old data hold two, the
 * order id > USCC > customs code > DXP id decides, the same on every database.
 */
export async function findEnterprise(db: Executor, ref: string): Promise<EnterpriseRow | undefined> {
  const rows = await db.selectFrom('enterprises').selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('uscc', '=', ref), eb('customs_code', '=', ref), eb('dxp_id', '=', ref)]))
    .execute();
  const rank = (r: EnterpriseRow) => (r.id === ref ? 0 : r.uscc === ref ? 1 : r.customs_code === ref ? 2 : 3);
  return rows.sort((a, b) => rank(a) - rank(b))[0];
}

export async function findCodeHolders(
  db: Executor, codes: { uscc?: string | null; customsCode?: string | null; dxpId?: string | null },
): Promise<Pick<EnterpriseRow, 'id' | 'uscc' | 'customs_code' | 'dxp_id'>[]> {
  // Every code is checked against all three columns: a DXP id equal to another enterprise's USCC
  // would make a reference ambiguous.
  const values = [codes.uscc, codes.customsCode, codes.dxpId].filter((v): v is string => !!v);
  if (!values.length) return [];
  return db.selectFrom('enterprises').select(['id', 'uscc', 'customs_code', 'dxp_id'])
    .where((eb) => eb.or([eb('uscc', 'in', values), eb('customs_code', 'in', values), eb('dxp_id', 'in', values)]))
    .execute();
}

/** Which of the given codes are already held, in any of the three code columns (bulk pre-check). */
export async function existingCodes(db: Executor, values: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < values.length; i += 300) {
    const chunk = values.slice(i, i + 300);
    const rows = await db.selectFrom('enterprises').select(['uscc', 'customs_code', 'dxp_id'])
      .where((eb) => eb.or([eb('uscc', 'in', chunk), eb('customs_code', 'in', chunk), eb('dxp_id', 'in', chunk)]))
      .execute();
    const wanted = new Set(chunk);
    for (const r of rows) for (const v of [r.uscc, r.customs_code, r.dxp_id]) if (v && wanted.has(v)) found.add(v);
  }
  return found;
}

export async function rolesOf(db: Executor, ids: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return map;
  const rows = await db.selectFrom('enterprise_roles').select(['enterprise_id', 'role'])
    .where('enterprise_id', 'in', ids).orderBy('role').execute();
  for (const r of rows) map.get(r.enterprise_id)?.push(r.role);
  return map;
}

export async function listEnterprises(
  db: Executor, q: EnterpriseQuery & { limit: number; offset: number },
): Promise<{ rows: EnterpriseRow[]; total: number }> {
  let base = db.selectFrom('enterprises');
  if (q.q) {
    // Case-insensitive substring match on names and exact-prefix on codes; LIKE special
    // characters in the query are escaped so "%" finds a literal percent sign.
    const needle = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const prefix = `${q.q.toUpperCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    base = base.where((eb) => eb.or([
      eb(sql`lower(name_zh)`, 'like', sql`${needle} escape '\\'`),
      eb(sql`lower(coalesce(name_en, ''))`, 'like', sql`${needle} escape '\\'`),
      eb('uscc', 'like', sql<string>`${prefix} escape '\\'`),
      eb('customs_code', 'like', sql<string>`${prefix} escape '\\'`),
    ]));
  }
  if (q.county) base = base.where('county', '=', q.county);
  if (q.park) base = base.where('park', '=', q.park);
  if (q.cluster) base = base.where('cluster', '=', q.cluster);
  if (q.status) base = base.where('status', '=', q.status);
  if (q.creditLevel) base = base.where('credit_level', '=', q.creditLevel);
  if (q.role) {
    const role = q.role;
    base = base.where((eb) => eb.exists(
      eb.selectFrom('enterprise_roles').select('enterprise_roles.role')
        .whereRef('enterprise_roles.enterprise_id', '=', 'enterprises.id').where('enterprise_roles.role', '=', role),
    ));
  }
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('name_zh').orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function insertAudit(db: Executor, event: AuditEventTable): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

export async function auditTrail(db: Executor, entity: string, entityId: string): Promise<AuditEventTable[]> {
  return db.selectFrom('audit_events').selectAll()
    .where('entity', '=', entity).where('entity_id', '=', entityId).orderBy('at').orderBy('id').execute();
}

export async function insertToken(db: Executor, row: ApiTokenTable): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

export async function findTokenByHash(db: Executor, hash: string): Promise<ApiTokenTable | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export async function hasActiveAdminToken(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('api_tokens').select('id')
    .where('scope', '=', 'admin').where('revoked_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}

export async function listTokens(db: Executor, enterpriseId: string): Promise<ApiTokenTable[]> {
  return db.selectFrom('api_tokens').selectAll().where('enterprise_id', '=', enterpriseId).orderBy('created_at').execute();
}

export async function revokeToken(db: Executor, enterpriseId: string, tokenId: string, at: string): Promise<boolean> {
  const res = await db.updateTable('api_tokens').set({ revoked_at: at })
    .where('id', '=', tokenId).where('enterprise_id', '=', enterpriseId).where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Revokes the active operator tokens, except `keep`. */
export async function revokeAdminTokens(db: Executor, at: string, keep?: string): Promise<void> {
  let q = db.updateTable('api_tokens').set({ revoked_at: at }).where('scope', '=', 'admin').where('revoked_at', 'is', null);
  if (keep) q = q.where('id', '!=', keep);
  await q.execute();
}

export async function reactivateToken(db: Executor, id: string): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: null }).where('id', '=', id).execute();
}

export async function touchToken(db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** Counts of enterprises grouped by one column (roles come from their own table). */
export async function countBy(db: Executor, by: 'county' | 'park' | 'cluster' | 'status' | 'credit_level' | 'role'): Promise<{ key: string | null; n: number }[]> {
  const rows = by === 'role'
    ? await db.selectFrom('enterprise_roles').select(['role as key', (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy('role').execute()
    : await db.selectFrom('enterprises').select([`${by} as key`, (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy(by).execute();
  return rows.map((r) => ({ key: (r.key as string | null) ?? null, n: Number(r.n) })).sort((a, b) => b.n - a.n);
}
