// Webhook subscriptions: enterprises register URLs, the pipeline queues its clearance events for
// them (inside its own transaction) and the dispatcher delivers the queue.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Store } from '../../db/store.js';
import { conflict, invalid, issue, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { Principal } from '../../registry/index.js';
import type { ClearanceEvent } from '../events.js';
import {
  DELIVERY_STATES, type CreatedWebhook, type Delivery, type DeliveryState, type Page, type PageQuery,
  type Webhook, type WebhookBody, type WebhookEventType, type WebhookInput,
} from './model.js';
import * as repo from './repository.js';
import { LIMITS, validateWebhookInput } from './rules.js';
import type { WebhookDeliveryTable, WebhookTable } from './table.js';

export interface WebhookDeps {
  readonly store: Store;
  readonly now?: () => Date;
  /** How long the set of enterprises having webhooks is trusted before it is read again (ms). */
  readonly cacheMs?: number;
}

export interface DeliveryQuery extends PageQuery {
  readonly state?: string;
}

/** A signing secret: 256 random bits, prefixed so it is recognisable when pasted somewhere it should not be. */
export const newSecret = (): string => 'whsec_' + randomBytes(32).toString('base64url');

export function toWebhook(row: repo.WebhookRow): Webhook {
  return {
    id: row.id,
    enterpriseId: row.enterprise_id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    description: row.description,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toDelivery(row: repo.DeliveryRow): Delivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    state: row.state as DeliveryState,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'pending' ? row.next_attempt_at : null,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    payload: JSON.parse(row.payload) as unknown,
  };
}

const page = (q: PageQuery) => ({
  limit: Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), 500),
  offset: Math.max(Math.trunc(q.offset ?? 0), 0),
});

/** Either driver's foreign-key violation (the only one here: an unknown enterprise). */
function foreignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export function createWebhookService({ store, now = () => new Date(), cacheMs = 5_000 }: WebhookDeps) {
  const { db } = store;
  const iso = () => now().toISOString();

  // Enterprises having at least one active webhook. Most events concern enterprises without any,
  // and the pipeline calls enqueue on its hot path, so those events must cost no query. The set
  // is read lazily through the caller's transaction (on SQLite a query on `db` would wait for
  // that very transaction), dropped on every create/remove here and re-read after `cacheMs` to
  // pick up changes made by other processes. The staleness clock is monotonic and independent
  // of the injected `now`, which only stamps records.
  let subscribed: Set<string> | undefined;
  let loadedAt = 0;
  let epoch = 0;
  const clock = () => performance.now();

  async function subscribers(trx: Kysely<Database>): Promise<Set<string>> {
    if (subscribed && clock() - loadedAt < cacheMs) return subscribed;
    const started = epoch;
    const at = clock();
    const ids = new Set(await repo.enterprisesWithActiveWebhooks(trx));
    // A create or remove while reading: use what was read for this call, read again next time.
    if (started === epoch) {
      subscribed = ids;
      loadedAt = at;
    }
    return ids;
  }
  const invalidate = () => {
    epoch++;
    subscribed = undefined;
  };

  /** The webhook, if `principal` may see it; others' webhooks answer exactly like unknown ones. */
  async function load(principal: Principal, id: string): Promise<repo.WebhookRow> {
    const row = await repo.findWebhook(db, id);
    if (!row || (principal.kind === 'enterprise' && row.enterprise_id !== principal.enterpriseId)) throw notFound('WEBHOOK_NOT_FOUND', id);
    return row;
  }

  return {
    /** Registers a webhook for `enterpriseId`. The result carries the signing secret, returned only here. */
    async create(enterpriseId: string, input: WebhookInput): Promise<CreatedWebhook> {
      const { issues, value } = validateWebhookInput(input);
      if (issues.length) throw invalid(issues);
      const at = iso();
      const row: WebhookTable = {
        id: newId(), enterprise_id: enterpriseId, url: value.url, secret: newSecret(), events: JSON.stringify(value.events),
        description: value.description, active: 1, created_at: at, updated_at: at,
      };
      try {
        await db.transaction().execute(async (trx) => {
          // A soft cap: two concurrent creates may both pass it, which is harmless.
          if (await repo.countWebhooks(trx, enterpriseId) >= LIMITS.perEnterprise) {
            throw conflict('WEBHOOK_LIMIT', { max: LIMITS.perEnterprise });
          }
          await repo.insertWebhook(trx, row);
        });
      } catch (err) {
        if (foreignKeyViolation(err)) throw notFound('ENTERPRISE_NOT_FOUND', enterpriseId);
        throw err;
      }
      invalidate();
      return { ...toWebhook(row), secret: row.secret };
    },

    /** The operator sees every webhook (optionally one enterprise's); an enterprise only its own. */
    async list(principal: Principal, query: PageQuery & { enterpriseId?: string } = {}): Promise<Page<Webhook>> {
      const { limit, offset } = page(query);
      let enterpriseId = query.enterpriseId;
      if (principal.kind === 'enterprise') {
        if (enterpriseId !== undefined && enterpriseId !== principal.enterpriseId) return { items: [], total: 0, limit, offset };
        enterpriseId = principal.enterpriseId;
      }
      const { rows, total } = await repo.listWebhooks(db, { enterpriseId, limit, offset });
      return { items: rows.map(toWebhook), total, limit, offset };
    },

    async get(principal: Principal, id: string): Promise<Webhook> {
      return toWebhook(await load(principal, id));
    },

    /** Deletes the webhook and its queued and past deliveries. */
    async remove(principal: Principal, id: string): Promise<void> {
      const row = await load(principal, id);
      const gone = await db.transaction().execute((trx) => repo.deleteWebhook(trx, row.id));
      invalidate();
      if (!gone) throw notFound('WEBHOOK_NOT_FOUND', id);
    },

    /** Deliveries of one webhook, newest first. */
    async deliveries(principal: Principal, webhookId: string, query: DeliveryQuery = {}): Promise<Page<Delivery>> {
      if (query.state !== undefined && !(DELIVERY_STATES as readonly string[]).includes(query.state)) {
        throw invalid([issue('WEBHOOK_STATE_UNKNOWN', '/state', { value: query.state.slice(0, 40), allowed: DELIVERY_STATES.join(', ') })]);
      }
      const row = await load(principal, webhookId);
      const { limit, offset } = page(query);
      const { rows, total } = await repo.listDeliveries(db, row.id, { state: query.state, limit, offset });
      return { items: rows.map(toDelivery), total, limit, offset };
    },

    /**
     * Queues `events` for every active webhook whose enterprise is in the event's audience and
     * which subscribes to its type. Runs on the caller's transaction, so the queue commits (or
     * rolls back) with the change that caused the events. An event already queued for a webhook
     * is not queued again. Returns how many deliveries were queued.
     */
    /**
     * False only when it is known (from a fresh cache) that no enterprise has an active webhook:
     * the pipeline then need not render events for delivery at all.
     */
    mayDeliver(): boolean {
      return !(subscribed && clock() - loadedAt < cacheMs && subscribed.size === 0);
    },

    async enqueue(trx: Kysely<Database>, events: readonly ClearanceEvent[]): Promise<number> {
      if (!events.length) return 0;
      const known = await subscribers(trx);
      if (!known.size) return 0;
      const wanted = new Set<string>();
      for (const e of events) for (const id of e.audience) if (known.has(id)) wanted.add(id);
      if (!wanted.size) return 0;

      const hooks = new Map<string, { id: string; types: Set<string> }[]>();
      for (const h of await repo.activeWebhooksOf(trx, [...wanted])) {
        const list = hooks.get(h.enterprise_id) ?? [];
        list.push({ id: h.id, types: new Set(JSON.parse(h.events) as string[]) });
        hooks.set(h.enterprise_id, list);
      }
      const at = iso();
      const rows: WebhookDeliveryTable[] = [];
      const queued = new Set<string>();
      for (const e of events) {
        let payload: string | undefined;
        for (const enterpriseId of e.audience) {
          for (const h of hooks.get(enterpriseId) ?? []) {
            const key = `${h.id}\n${e.id}`;
            if (!h.types.has(e.type) || queued.has(key)) continue;
            queued.add(key);
            payload ??= JSON.stringify({ id: e.id, type: e.type, createdAt: e.at, data: withoutAudience(e) } satisfies WebhookBody);
            rows.push({
              id: newId(), webhook_id: h.id, enterprise_id: enterpriseId, event_id: e.id, event_type: e.type, payload,
              state: 'pending', attempts: 0, next_attempt_at: at, locked_until: null, last_status: null, last_error: null,
              created_at: at, delivered_at: null,
            });
          }
        }
      }
      return rows.length ? repo.insertDeliveries(trx, rows) : 0;
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;

function withoutAudience(e: ClearanceEvent): Omit<ClearanceEvent, 'audience'> {
  const { audience: _audience, ...rest } = e;
  return rest;
}
