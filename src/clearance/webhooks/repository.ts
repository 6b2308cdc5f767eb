// The webhooks' SQL, and nothing else. Every function takes the executor it runs on, so callers
// decide what shares a transaction (enqueue runs inside the pipeline's).
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Dialect } from '../../db/store.js';
import type { WebhookDeliveryTable, WebhookTable } from './table.js';

export type Executor = Kysely<Database> | Transaction<Database>;
export type WebhookRow = Selectable<WebhookTable>;
export type DeliveryRow = Selectable<WebhookDeliveryTable>;

// SQLite binds at most 32766 variables per statement; PostgreSQL 65535.
const SQLITE_MAX_VARIABLES = 32766;
const DELIVERY_COLUMNS = 14;
/** Rows per multi-row insert: fits either database's limit on bound variables. */
export const DELIVERY_CHUNK = Math.floor(SQLITE_MAX_VARIABLES / DELIVERY_COLUMNS);
/** Ids per `in (…)` list. */
const ID_CHUNK = 500;

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export async function insertWebhook(db: Executor, row: WebhookTable): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function findWebhook(db: Executor, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countWebhooks(db: Executor, enterpriseId: string): Promise<number> {
  const r = await db.selectFrom('webhooks').select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('enterprise_id', '=', enterpriseId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function listWebhooks(
  db: Executor, q: { enterpriseId?: string; limit: number; offset: number },
): Promise<{ rows: WebhookRow[]; total: number }> {
  let base = db.selectFrom('webhooks');
  if (q.enterpriseId !== undefined) base = base.where('enterprise_id', '=', q.enterpriseId);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at').orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Deletes the webhook and its queue; returns whether the webhook existed. */
export async function deleteWebhook(db: Executor, id: string): Promise<boolean> {
  await db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
  const res = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

/** Enterprises having at least one active webhook (the enqueue fast path's filter). */
export async function enterprisesWithActiveWebhooks(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('webhooks').select('enterprise_id').distinct().where('active', '=', 1).execute();
  return rows.map((r) => r.enterprise_id);
}

export async function activeWebhooksOf(
  db: Executor, enterpriseIds: readonly string[],
): Promise<Pick<WebhookRow, 'id' | 'enterprise_id' | 'events'>[]> {
  const out: Pick<WebhookRow, 'id' | 'enterprise_id' | 'events'>[] = [];
  for (const ids of chunks(enterpriseIds, ID_CHUNK)) {
    out.push(...await db.selectFrom('webhooks').select(['id', 'enterprise_id', 'events'])
      .where('active', '=', 1).where('enterprise_id', 'in', ids).execute());
  }
  return out;
}

export async function webhooksByIds(db: Executor, ids: readonly string[]): Promise<WebhookRow[]> {
  const out: WebhookRow[] = [];
  for (const part of chunks(ids, ID_CHUNK)) out.push(...await db.selectFrom('webhooks').selectAll().where('id', 'in', part).execute());
  return out;
}

/** Queues deliveries, skipping (webhook, event) pairs already queued; returns how many were new. */
export async function insertDeliveries(db: Executor, rows: readonly WebhookDeliveryTable[]): Promise<number> {
  let inserted = 0;
  for (const part of chunks(rows, DELIVERY_CHUNK)) {
    const res = await db.insertInto('webhook_deliveries').values(part)
      .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
      .executeTakeFirst();
    inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

export async function listDeliveries(
  db: Executor, webhookId: string, q: { state?: string; limit: number; offset: number },
): Promise<{ rows: DeliveryRow[]; total: number }> {
  let base = db.selectFrom('webhook_deliveries').where('webhook_id', '=', webhookId);
  if (q.state !== undefined) base = base.where('state', '=', q.state);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/**
 * Takes up to `limit` due rows by setting locked_until to `lease`. Call inside a transaction.
 * PostgreSQL: the candidates are row-locked with SKIP LOCKED, so concurrent dispatchers pick
 * different rows instead of queueing behind each other. Both: the update re-checks that each row
 * is still pending and unheld, so a row another dispatcher took in between is not taken twice;
 * RETURNING tells exactly which rows this call won.
 */
export async function claimDue(
  db: Executor, dialect: Dialect, nowIso: string, lease: string, limit: number,
): Promise<DeliveryRow[]> {
  // The literal (not a bound parameter) lets SQLite match the partial index's `state = 'pending'`.
  let pick = db.selectFrom('webhook_deliveries').select('id')
    .where('state', '=', sql.lit('pending')).where('next_attempt_at', '<=', nowIso)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]))
    .orderBy('next_attempt_at').orderBy('id').limit(limit);
  if (dialect === 'postgres') pick = pick.forUpdate().skipLocked();
  const ids = (await pick.execute()).map((r) => r.id);
  if (!ids.length) return [];
  return db.updateTable('webhook_deliveries').set({ locked_until: lease })
    .where('id', 'in', ids).where('state', '=', 'pending')
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]))
    .returningAll().execute();
}

/**
 * Records a try's outcome, fenced by the lease: when the lease expired and another dispatcher
 * took the row, this (late) answer does not overwrite theirs. Returns whether it was recorded.
 */
export async function recordOutcome(
  db: Executor, id: string, lease: string,
  changes: Pick<WebhookDeliveryTable, 'state' | 'attempts' | 'next_attempt_at' | 'last_status' | 'last_error' | 'delivered_at'>,
): Promise<boolean> {
  const res = await db.updateTable('webhook_deliveries').set({ ...changes, locked_until: null })
    .where('id', '=', id).where('locked_until', '=', lease).where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Lets claimed rows go without a try, due again at `next`. */
export async function releaseDeliveries(db: Executor, ids: readonly string[], next: string): Promise<void> {
  for (const part of chunks(ids, ID_CHUNK)) {
    await db.updateTable('webhook_deliveries').set({ locked_until: null, next_attempt_at: next })
      .where('id', 'in', part).where('state', '=', 'pending').execute();
  }
}

export async function deleteDeliveries(db: Executor, ids: readonly string[]): Promise<void> {
  for (const part of chunks(ids, ID_CHUNK)) await db.deleteFrom('webhook_deliveries').where('id', 'in', part).execute();
}
