// The risk engine's SQL, and nothing else: settings, results, the review queue, the observations
// the window rules read, and the database FactSource. Every function takes the executor it runs on.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { FactSource, GoodsStatus, ItemFact, KeyField, LinkedOrder, Observation } from './facts.js';
import type { Store } from '../db/store.js';
import type { RiskObservationRow, RiskPriceRow, RiskResultRow, RiskReviewRow, RiskRuleRow } from './table.js';

export type Executor = Kysely<Database> | Transaction<Database>;

const COLUMN: Readonly<Record<KeyField, 'buyer_key' | 'consignee_key' | 'address_key' | 'phone_key'>> = {
  buyerKey: 'buyer_key', consigneeKey: 'consignee_key', addressKey: 'address_key', phoneKey: 'phone_key',
};
const KEY_FIELD_LIST = Object.keys(COLUMN) as KeyField[];
/** No empty IN on PostgreSQL. */
const nonEmpty = <T>(xs: readonly T[], none: T): T[] => (xs.length ? [...xs] : [none]);

export async function ruleRows(db: Executor): Promise<RiskRuleRow[]> {
  return db.selectFrom('risk_rules').selectAll().execute();
}
export async function ruleRow(db: Executor, code: string): Promise<RiskRuleRow | undefined> {
  return db.selectFrom('risk_rules').selectAll().where('code', '=', code).executeTakeFirst();
}
/** Writes a rule's settings if the stored version is still `expected` (0: not yet stored). */
export async function saveRule(db: Executor, row: RiskRuleRow, expected: number): Promise<boolean> {
  if (expected === 0) {
    const r = await db.insertInto('risk_rules').values(row).onConflict((oc) => oc.column('code').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const r = await db.updateTable('risk_rules').set({ enabled: row.enabled, params: row.params, updated_at: row.updated_at, updated_by: row.updated_by, version: row.version })
    .where('code', '=', row.code).where('version', '=', expected).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface AuditRow { id: string; at: string; actor: string; entity: string; entity_id: string; action: string; detail: string }
/** The registry's audit trail table serves every capability: entity names who it is about. */
export async function insertAudit(db: Executor, row: AuditRow): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}
export async function auditTrail(db: Executor, entity: string, entityId: string): Promise<AuditRow[]> {
  return db.selectFrom('audit_events').selectAll().where('entity', '=', entity).where('entity_id', '=', entityId).orderBy('at').orderBy('id').execute();
}

/**
 * Results, observations and prices of a batch, through the store's bulk insert (cached prepared
 * statements on SQLite): the intake's hot path. Re-evaluating a document replaces its observation
 * and prices; its results accumulate (each evaluation is kept).
 */
export async function insertEvaluations(store: Store, db: Executor, rows: {
  results: readonly RiskResultRow[]; observations: readonly RiskObservationRow[]; prices: readonly RiskPriceRow[];
}): Promise<void> {
  await store.insertRows(db as Kysely<Database>, 'risk_results', rows.results as unknown as Record<string, unknown>[]);
  await store.insertRows(db as Kysely<Database>, 'risk_observations', rows.observations as unknown as Record<string, unknown>[],
    { conflict: ['document_id'], update: ['enterprise_id', 'ebc_code', 'buyer_key', 'consignee_key', 'address_key', 'phone_key', 'value_fen', 'at'] });
  await store.insertRows(db as Kysely<Database>, 'risk_prices', rows.prices as unknown as Record<string, unknown>[], { conflict: ['document_id', 'gnum'], update: ['gcode', 'price_fen', 'at'] });
}
export async function insertReviews(db: Executor, rows: readonly RiskReviewRow[]): Promise<void> {
  if (rows.length) await db.insertInto('risk_reviews').values([...rows]).onConflict((oc) => oc.column('result_id').doNothing()).execute();
}

export interface ResultQuery {
  documentId?: string;
  decision?: string;
  enterpriseId?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}
export async function listResults(db: Executor, q: ResultQuery): Promise<{ rows: RiskResultRow[]; total: number }> {
  let base = db.selectFrom('risk_results');
  if (q.documentId) base = base.where('document_id', '=', q.documentId);
  if (q.decision) base = base.where('decision', '=', q.decision as RiskResultRow['decision']);
  if (q.enterpriseId) base = base.where('enterprise_id', '=', q.enterpriseId);
  if (q.from) base = base.where('evaluated_at', '>=', q.from);
  if (q.to) base = base.where('evaluated_at', '<=', q.to);
  const [rows, n] = await Promise.all([
    base.selectAll().orderBy('evaluated_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(n.n) };
}

export async function enterpriseScore(db: Executor, enterpriseId: string, since: string): Promise<{ documents: number; total: number; max: number }> {
  const r = await db.selectFrom('risk_results').where('enterprise_id', '=', enterpriseId).where('evaluated_at', '>=', since)
    .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.sum<string | number | null>('score').as('total'), eb.fn.max<string | number | null>('score').as('max')])
    .executeTakeFirstOrThrow();
  return { documents: Number(r.n), total: Number(r.total ?? 0), max: Number(r.max ?? 0) };
}

export async function listReviews(db: Executor, q: { state?: string; assignee?: string; limit: number; offset: number }): Promise<{ rows: RiskReviewRow[]; total: number }> {
  let base = db.selectFrom('risk_reviews');
  if (q.state) base = base.where('state', '=', q.state as RiskReviewRow['state']);
  if (q.assignee) base = base.where('assignee', '=', q.assignee);
  const [rows, n] = await Promise.all([
    base.selectAll().orderBy('created_at').orderBy('id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(n.n) };
}
export async function review(db: Executor, id: string): Promise<RiskReviewRow | undefined> {
  return db.selectFrom('risk_reviews').selectAll().where('id', '=', id).executeTakeFirst();
}
export async function resultById(db: Executor, id: string): Promise<RiskResultRow | undefined> {
  return db.selectFrom('risk_results').selectAll().where('id', '=', id).executeTakeFirst();
}
/** Moves a review on if nobody moved it meanwhile (optimistic on the version). */
export async function moveReview(db: Executor, id: string, version: number, set: Pick<RiskReviewRow, 'state' | 'assignee' | 'reason' | 'updated_at'>): Promise<boolean> {
  const r = await db.updateTable('risk_reviews').set({ ...set, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

const observation = (r: RiskObservationRow): Observation => ({
  documentId: r.document_id, enterpriseId: r.enterprise_id, ebcCode: r.ebc_code, buyerKey: r.buyer_key, consigneeKey: r.consignee_key,
  addressKey: r.address_key, phoneKey: r.phone_key, valueFen: Number(r.value_fen), at: r.at,
});

/**
 * Window facts that move slowly, kept between batches for a few seconds: the price sample per HS
 * code (90 days of prices: seconds do not change its median) and customs rejections per enterprise.
 * Keyed by what the query asks (the window's start to the hour), bounded in size.
 */
export function createFactCache({ ttlMs = 10_000, maxEntries = 50_000 }: { ttlMs?: number; maxEntries?: number } = {}) {
  const entries = new Map<string, { at: number; value: unknown }>();
  return {
    get<T>(key: string): T | undefined {
      const e = entries.get(key);
      if (!e) return undefined;
      if (performance.now() - e.at >= ttlMs) { entries.delete(key); return undefined; }
      return e.value as T;
    },
    set(key: string, value: unknown): void {
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { at: performance.now(), value });
    },
    clear(): void { entries.clear(); },
  };
}
export type FactCache = ReturnType<typeof createFactCache>;

/** Where an order's facts are kept by id and version (a change makes a new version). */
export const orderCacheKey = (id: string, version: number): string => `order|${id}|${version}`;

/** Fetches what the cache lacks, keeps it (absent keys as `empty`), and answers from both. */
async function cached<T>(cache: FactCache | undefined, keys: readonly string[], tag: string, fetch: (missing: string[]) => Promise<Map<string, T>>, empty: T): Promise<Map<string, T>> {
  if (!cache) return fetch([...keys]);
  const out = new Map<string, T>();
  const missing: string[] = [];
  for (const k of keys) {
    const v = cache.get<T>(`${tag}|${k}`);
    if (v === undefined) missing.push(k);
    else out.set(k, v);
  }
  if (missing.length) {
    const got = await fetch(missing);
    for (const k of missing) {
      const v = got.get(k) ?? empty;
      cache.set(`${tag}|${k}`, v);
      out.set(k, v);
    }
  }
  return out;
}

/** Customs refusals (100) of documents and lists per enterprise since an instant. */
async function rejectionsOf(db: Executor, enterpriseIds: readonly string[], since: string): Promise<Map<string, number>> {
  const ids = nonEmpty(enterpriseIds, '\u0000');
  const [docs, lists] = await Promise.all([
    db.selectFrom('receipts').innerJoin('ceb_documents', 'ceb_documents.id', 'receipts.subject_id').select((eb) => ['ceb_documents.enterprise_id as e', eb.fn.countAll<string | number>().as('n')])
      .where('receipts.return_status', '=', '100').where('receipts.received_at', '>=', since).where('ceb_documents.enterprise_id', 'in', ids).groupBy('ceb_documents.enterprise_id').execute(),
    db.selectFrom('receipts').innerJoin('inventories', 'inventories.id', 'receipts.subject_id').select((eb) => ['inventories.enterprise_id as e', eb.fn.countAll<string | number>().as('n')])
      .where('receipts.return_status', '=', '100').where('receipts.received_at', '>=', since).where('inventories.enterprise_id', 'in', ids).groupBy('inventories.enterprise_id').execute(),
  ]);
  const out = new Map<string, number>();
  for (const r of [...docs, ...lists]) out.set(r.e, (out.get(r.e) ?? 0) + Number(r.n));
  return out;
}

export interface DatabaseFactOptions {
  /** Slow-moving window facts kept between batches (the platform keeps one per process). */
  readonly cache?: FactCache;
  /** The credit negative list (issue 8 §4); none until that capability provides it. */
  readonly negativeList?: () => Promise<ReadonlySet<string>> | ReadonlySet<string>;
  /** Positive-list standing of a 10-digit code (src/tax positive list); unknown when absent. */
  readonly goodsStatus?: (gcode: string) => GoodsStatus | undefined;
}

/** Facts from the platform's tables: one indexed query per kind of fact for a batch. */
export function databaseFacts(db: Executor, options: DatabaseFactOptions = {}): FactSource {
  return {
    async observations(field, keys, since, until) {
      const col = COLUMN[field];
      const rows = await db.selectFrom('risk_observations').selectAll().where(col, 'in', nonEmpty(keys, '\u0000')).where('at', '>=', since).where('at', '<=', until).execute();
      return rows.map(observation);
    },
    async observationsAny(keys, since, until) {
      const fields = KEY_FIELD_LIST.filter((f) => keys[f].length);
      if (!fields.length) return [];
      const rows = await db.selectFrom('risk_observations').selectAll()
        .where((eb) => eb.or(fields.map((f) => eb(COLUMN[f], 'in', [...keys[f]]))))
        .where('at', '>=', since).where('at', '<=', until).execute();
      return rows.map(observation);
    },
    async enterpriseOrders(ebcCodes, since, until) {
      const rows = await db.selectFrom('risk_observations').select((eb) => ['ebc_code', eb.fn.countAll<string | number>().as('n')])
        .where('ebc_code', 'in', nonEmpty(ebcCodes, '\u0000')).where('at', '>=', since).where('at', '<=', until).groupBy('ebc_code').execute();
      return new Map(rows.map((r) => [r.ebc_code, Number(r.n)]));
    },
    async prices(gcodes, since, limit) {
      const all = await cached<readonly number[]>(options.cache, gcodes, `prices|${limit}|${since.slice(0, 13)}`, async (missing) => {
        // The newest `limit` per code: a window function, on both databases.
        const rows = await sql<{ gcode: string; price_fen: string | number }>`
          select gcode, price_fen from (
            select gcode, price_fen, row_number() over (partition by gcode order by at desc) as rn
            from risk_prices where gcode in (${sql.join(nonEmpty(missing, '\u0000'))}) and at >= ${since}
          ) t where rn <= ${limit}`.execute(db);
        const out = new Map<string, number[]>();
        for (const r of rows.rows) {
          const list = out.get(r.gcode);
          if (list) list.push(Number(r.price_fen));
          else out.set(r.gcode, [Number(r.price_fen)]);
        }
        return out;
      }, []);
      // Codes without a sample are left out, as the query leaves them.
      return new Map([...all].filter(([, v]) => v.length));
    },
    async itemRecords(refs) {
      const want = new Set(refs.map((r) => `${r.ebcCode}|${r.itemNo}`));
      const rows = await db.selectFrom('item_records').select(['ebc_code', 'item_no', 'gcode', 'unit1', 'qty1_per_unit', 'country'])
        .where('ebc_code', 'in', nonEmpty([...new Set(refs.map((r) => r.ebcCode))], '\u0000'))
        .where('item_no', 'in', nonEmpty([...new Set(refs.map((r) => r.itemNo))], '\u0000')).execute();
      return new Map(rows.filter((r) => want.has(`${r.ebc_code}|${r.item_no}`))
        .map((r) => [`${r.ebc_code}|${r.item_no}`, { gcode: r.gcode, unit1: r.unit1, qty1PerUnit: r.qty1_per_unit, country: r.country } satisfies ItemFact]));
    },
    async orders(orderNos) {
      const rows = await db.selectFrom('parcels').innerJoin('ceb_documents', 'ceb_documents.id', 'parcels.order_id')
        .select(['parcels.order_no', 'ceb_documents.id', 'ceb_documents.version']).where('parcels.order_no', 'in', nonEmpty(orderNos, '\u0000'))
        .where('parcels.direction', '=', 'import').execute();
      // Orders judged or read lately are kept by id and version; only the others' bodies are read.
      const missing = rows.filter((r) => !options.cache?.get<LinkedOrder>(orderCacheKey(r.id, Number(r.version))));
      const bodies = missing.length
        ? new Map((await db.selectFrom('ceb_documents').select(['id', 'body']).where('id', 'in', missing.map((r) => r.id)).execute()).map((r) => [r.id, r.body]))
        : new Map<string, string>();
      const out = new Map<string, LinkedOrder[]>();
      for (const r of rows) {
        const key = orderCacheKey(r.id, Number(r.version));
        let linked = options.cache?.get<LinkedOrder>(key);
        if (!linked) {
          const body = bodies.get(r.id);
          if (body === undefined) continue;
          const o = JSON.parse(body) as { OrderHead?: Record<string, string>; OrderList?: Record<string, string>[] };
          const h = o.OrderHead ?? {};
          linked = {
            documentId: r.id, orderNo: r.order_no, ebpCode: h.ebpCode ?? '', ebcCode: h.ebcCode ?? '', buyerIdType: h.buyerIdType ?? '1',
            buyerIdNumber: h.buyerIdNumber ?? '', buyerName: h.buyerName ?? '', lines: (o.OrderList ?? []).map((l) => ({ itemNo: l.itemNo ?? '', qty: l.qty ?? '' })),
          };
          options.cache?.set(key, linked);
        }
        const list = out.get(r.order_no);
        if (list) list.push(linked);
        else out.set(r.order_no, [linked]);
      }
      return out;
    },
    async verifiedBuyers(pairs) {
      const rows = await db.selectFrom('buyer_verifications').select(['ebp_code', 'buyer_key']).where('buyer_key', 'in', nonEmpty([...new Set(pairs.map((p) => p.buyerKey))], '\u0000')).execute();
      const want = new Set(pairs.map((p) => `${p.ebpCode}|${p.buyerKey}`));
      return new Set(rows.map((r) => `${r.ebp_code}|${r.buyer_key}`).filter((k) => want.has(k)));
    },
    async rejections(enterpriseIds, since) {
      return cached<number>(options.cache, enterpriseIds, `rejections|${since.slice(0, 13)}`, (missing) => rejectionsOf(db, missing, since), 0);
    },
    async negativeList() {
      return (await options.negativeList?.()) ?? new Set<string>();
    },
    async goodsStatus(gcodes) {
      const out = new Map<string, GoodsStatus>();
      if (options.goodsStatus) for (const g of gcodes) { const s = options.goodsStatus(g); if (s) out.set(g, s); }
      return out;
    },
  };
}
