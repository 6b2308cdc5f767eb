// The statistics' SQL: the only place that knows its tables. Reads touch the rollups (and the
// reports, targets and the registry's enterprises for names), never the lists.
import { sql, type Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../db/schema.js';
import type { Delta, EnterpriseDelta } from './rules.js';
import type { StatsReportRow, StatsTargetRow } from './table.js';

type Db = Kysely<Database>;
const CHUNK = 500;
const CELL = ['basis', 'grain', 'dim', 'period', 'direction', 'mode', 'key'] as const;
const add = (table: string, column: string) => sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`;

const upsertSql = (table: string, key: readonly string[]) =>
  `insert into ${table} (${key.join(', ')}, lists, value_fen, unpriced) values (${key.map(() => '?').join(', ')}, ?, ?, ?) ` +
  `on conflict (${key.join(', ')}) do update set lists = lists + excluded.lists, value_fen = value_fen + excluded.value_fen, unpriced = unpriced + excluded.unpriced`;
const prepared = new WeakMap<BetterSqlite3.Database, { zone: BetterSqlite3.Statement; enterprise: BetterSqlite3.Statement }>();

/**
 * Adds the deltas to their cells (insert or add), in the caller's transaction, in cell order. On
 * SQLite (`sqlite`: the handle whose one connection the transaction holds) through two cached
 * prepared statements, since building a multi-row query per round costs more than the upserts.
 */
export async function addDeltas(db: Db, zone: readonly Delta[], enterprise: readonly EnterpriseDelta[], sqlite?: BetterSqlite3.Database): Promise<void> {
  if (sqlite) {
    let st = prepared.get(sqlite);
    if (!st) prepared.set(sqlite, st = { zone: sqlite.prepare(upsertSql('stats_rollups', CELL)), enterprise: sqlite.prepare(upsertSql('stats_enterprise_rollups', ['enterprise_id', ...CELL])) });
    for (const d of zone) st.zone.run(d.basis, d.grain, d.dim, d.period, d.direction, d.mode, d.key, d.lists, d.valueFen, d.unpriced);
    for (const d of enterprise) st.enterprise.run(d.enterpriseId, d.basis, d.grain, d.dim, d.period, d.direction, d.mode, d.key, d.lists, d.valueFen, d.unpriced);
    return;
  }
  const cell = (d: Delta) => ({ basis: d.basis, grain: d.grain, dim: d.dim, period: d.period, direction: d.direction, mode: d.mode, key: d.key, lists: d.lists, value_fen: d.valueFen, unpriced: d.unpriced });
  for (let i = 0; i < zone.length; i += CHUNK) {
    await db.insertInto('stats_rollups').values(zone.slice(i, i + CHUNK).map(cell))
      .onConflict((oc) => oc.columns([...CELL]).doUpdateSet({
        lists: add('stats_rollups', 'lists'), value_fen: add('stats_rollups', 'value_fen'), unpriced: add('stats_rollups', 'unpriced'),
      })).execute();
  }
  for (let i = 0; i < enterprise.length; i += CHUNK) {
    await db.insertInto('stats_enterprise_rollups').values(enterprise.slice(i, i + CHUNK).map((d) => ({ enterprise_id: d.enterpriseId, ...cell(d) })))
      .onConflict((oc) => oc.columns(['enterprise_id', ...CELL]).doUpdateSet({
        lists: add('stats_enterprise_rollups', 'lists'), value_fen: add('stats_enterprise_rollups', 'value_fen'), unpriced: add('stats_enterprise_rollups', 'unpriced'),
      })).execute();
  }
}

export interface EnterprisePlace {
  id: string;
  customs_code: string | null;
  uscc: string;
  name_zh: string;
  name_en: string | null;
  county: string | null;
  park: string | null;
  cluster: string | null;
}

const PLACE = ['id', 'customs_code', 'uscc', 'name_zh', 'name_en', 'county', 'park', 'cluster'] as const;

/** Registered enterprises by customs code or USCC (the codes lists and declarations name). */
export async function enterprisesByCode(db: Db, codes: readonly string[]): Promise<EnterprisePlace[]> {
  const out: EnterprisePlace[] = [];
  for (let i = 0; i < codes.length; i += CHUNK) {
    const part = codes.slice(i, i + CHUNK);
    out.push(...await db.selectFrom('enterprises').select([...PLACE]).where((eb) => eb.or([eb('customs_code', 'in', part), eb('uscc', 'in', part)])).execute());
  }
  return out;
}

export async function enterprisesById(db: Db, ids: readonly string[]): Promise<EnterprisePlace[]> {
  const out: EnterprisePlace[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...await db.selectFrom('enterprises').select([...PLACE]).where('id', 'in', ids.slice(i, i + CHUNK)).execute());
  return out;
}

/** Enterprises expected to report monthly: active, holding one of `roles`, registered by `until`. */
export async function reporters(db: Db, roles: readonly string[], until: string, enterpriseId?: string): Promise<EnterprisePlace[]> {
  let q = db.selectFrom('enterprises').select(PLACE.map((c) => `enterprises.${c}` as const))
    .where('status', '=', 'active').where('created_at', '<=', until)
    .where((eb) => eb.exists(eb.selectFrom('enterprise_roles').select('role').whereRef('enterprise_roles.enterprise_id', '=', 'enterprises.id').where('role', 'in', [...roles])));
  if (enterpriseId !== undefined) q = q.where('enterprises.id', '=', enterpriseId);
  return q.orderBy('enterprises.id').execute();
}

// ---------------------------------------------------------------- rollup reads

export type Column = 'period' | 'key' | 'direction' | 'mode' | 'enterprise_id';

export interface CellQuery {
  /** 'zone' reads stats_rollups; 'enterprise' reads stats_enterprise_rollups. */
  readonly table: 'zone' | 'enterprise';
  readonly basis: string;
  readonly grain: 'd' | 'm' | 'y';
  readonly dim: string;
  readonly from: string;
  readonly to: string;
  readonly direction?: string | undefined;
  readonly mode?: string | undefined;
  readonly excludeMode?: string | undefined;
  readonly enterpriseId?: string | undefined;
  /** Columns grouped by (and returned). */
  readonly by: readonly Column[];
  /** Keep only these values of `keyColumn`. */
  readonly keys?: readonly string[] | undefined;
  readonly keyColumn?: Column | undefined;
}

export interface Cell {
  readonly [column: string]: string | number;
  lists: number;
  value_fen: number;
  unpriced: number;
}

function cellsQuery(db: Db, q: CellQuery) {
  const table = q.table === 'zone' ? 'stats_rollups' : 'stats_enterprise_rollups';
  let s = db.selectFrom(table as 'stats_enterprise_rollups')
    .where('basis', '=', q.basis).where('grain', '=', q.grain).where('dim', '=', q.dim)
    .where('period', '>=', q.from).where('period', '<=', q.to);
  if (q.enterpriseId !== undefined) s = s.where('enterprise_id', '=', q.enterpriseId);
  if (q.direction !== undefined) s = s.where('direction', '=', q.direction);
  if (q.mode !== undefined) s = s.where('mode', '=', q.mode);
  if (q.excludeMode !== undefined) s = s.where('mode', '!=', q.excludeMode);
  if (q.keys) s = s.where(q.keyColumn ?? 'key', 'in', [...q.keys]);
  return s;
}

const num = (v: unknown): number => Number(v ?? 0);

/** Sums of the cells grouped by `by`; cells that came back to nothing (taken back) are left out. */
export async function cells(db: Db, q: CellQuery): Promise<Cell[]> {
  if (q.keys && !q.keys.length) return [];
  const rows = await cellsQuery(db, q)
    .select((eb) => [...q.by, eb.fn.sum<string>('lists').as('lists'), eb.fn.sum<string>('value_fen').as('value_fen'), eb.fn.sum<string>('unpriced').as('unpriced')])
    .groupBy([...q.by])
    .having((eb) => eb.or([eb(eb.fn.sum('value_fen'), '!=', 0), eb(eb.fn.sum('lists'), '!=', 0), eb(eb.fn.sum('unpriced'), '!=', 0)]))
    .execute();
  return rows.map((r) => ({ ...(r as Record<string, string>), lists: num(r.lists), value_fen: num(r.value_fen), unpriced: num(r.unpriced) }));
}

/** The `limit` values of `column` with the largest value over the range (ties by the value itself). */
export async function topKeys(db: Db, q: CellQuery, column: Column, limit: number): Promise<string[]> {
  const rows = await cellsQuery(db, q)
    .select((eb) => [column, eb.fn.sum<string>('value_fen').as('v'), eb.fn.sum<string>('lists').as('n')])
    .groupBy(column)
    .having((eb) => eb.or([eb(eb.fn.sum('value_fen'), '!=', 0), eb(eb.fn.sum('lists'), '!=', 0)]))
    .orderBy(sql`sum(value_fen)`, 'desc').orderBy(column).limit(limit).execute();
  return rows.map((r) => String((r as Record<string, unknown>)[column]));
}

/** Per enterprise and year, its total within a filter (the zone's enterprise cells by year): the ranking's source. */
export async function enterpriseYears(db: Db, q: { basis: string; years: readonly string[]; excludeMode: string }) {
  const rows = await db.selectFrom('stats_rollups')
    .select((eb) => ['key', 'period', eb.fn.sum<string>('value_fen').as('value_fen'), eb.fn.sum<string>('lists').as('lists')])
    .where('basis', '=', q.basis).where('grain', '=', 'y').where('dim', '=', 'enterprise').where('period', 'in', [...q.years]).where('mode', '!=', q.excludeMode)
    .groupBy(['key', 'period']).execute();
  return rows.map((r) => ({ enterpriseId: r.key, year: r.period, valueFen: num(r.value_fen), lists: num(r.lists) }));
}

// ---------------------------------------------------------------- reports

export const currentReport = (db: Db, enterpriseId: string, month: string) =>
  db.selectFrom('stats_reports').selectAll().where('enterprise_id', '=', enterpriseId).where('month', '=', month).where('current', '=', 1).executeTakeFirst();

export async function replaceReport(db: Db, previous: StatsReportRow | undefined, row: StatsReportRow): Promise<void> {
  if (previous) await db.updateTable('stats_reports').set({ current: 0 }).where('id', '=', previous.id).execute();
  await db.insertInto('stats_reports').values(row).execute();
}

export async function listReports(db: Db, q: { month?: string | undefined; enterpriseId?: string | undefined; history?: boolean; limit: number; offset: number }) {
  let base = db.selectFrom('stats_reports');
  if (!q.history) base = base.where('current', '=', 1);
  if (q.month) base = base.where('month', '=', q.month);
  if (q.enterpriseId !== undefined) base = base.where('enterprise_id', '=', q.enterpriseId);
  const total = num((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base.selectAll().orderBy('month', 'desc').orderBy('enterprise_id').orderBy('version', 'desc').limit(q.limit).offset(q.offset).execute();
  return { total, rows };
}

/** Per enterprise, its first filing for the month (late or not is decided by the first). */
export async function firstFilings(db: Db, month: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('stats_reports').select((eb) => ['enterprise_id', eb.fn.min<string>('filed_at').as('first')]).where('month', '=', month).groupBy('enterprise_id').execute();
  return new Map(rows.map((r) => [r.enterprise_id, r.first]));
}

/** The reports in force for months in [from, to], for the stock measures (warehouses at the latest month). */
export const reportsBetween = (db: Db, from: string, to: string) =>
  db.selectFrom('stats_reports').select(['enterprise_id', 'month', 'overseas_warehouses', 'overseas_warehouse_area_m2'])
    .where('current', '=', 1).where('month', '>=', from).where('month', '<=', to).execute();

export async function lastReminders(db: Db, month: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('stats_reminders').select((eb) => ['enterprise_id', eb.fn.max<string>('reminded_at').as('last')]).where('month', '=', month).groupBy('enterprise_id').execute();
  return new Map(rows.map((r) => [r.enterprise_id, r.last]));
}

export async function insertReminders(db: Db, rows: readonly Database['stats_reminders'][]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('stats_reminders').values(rows.slice(i, i + CHUNK)).execute();
}

// ---------------------------------------------------------------- targets

/** Seeds targets not yet stored (a figure the operator changed is never overwritten). */
export async function seedTargets(db: Db, rows: readonly StatsTargetRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('stats_targets').values(rows.slice(i, i + CHUNK)).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function targets(db: Db, q: { zone?: string | undefined; year?: number | undefined }) {
  let s = db.selectFrom('stats_targets').selectAll();
  if (q.zone) s = s.where('zone', '=', q.zone);
  if (q.year !== undefined) s = s.where('year', '=', q.year);
  return s.orderBy('zone').orderBy('year').orderBy('id').execute();
}

export const target = (db: Db, id: string) => db.selectFrom('stats_targets').selectAll().where('id', '=', id).executeTakeFirst();

/** Stores a new figure if the version is still `version`; false when someone changed it meanwhile. */
export async function saveTarget(db: Db, id: string, version: number, set: Pick<StatsTargetRow, 'target' | 'updated_at' | 'updated_by'>): Promise<boolean> {
  const r = await db.updateTable('stats_targets').set({ ...set, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertAudit(db: Db, row: Database['audit_events']): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

export const auditTrail = (db: Db, entity: string, entityId: string) =>
  db.selectFrom('audit_events').selectAll().where('entity', '=', entity).where('entity_id', '=', entityId).orderBy('at').orderBy('id').execute();
