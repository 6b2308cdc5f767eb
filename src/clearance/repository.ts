// Every SQL statement of the clearance pipeline, batch-shaped: a call touches many rows in one
// statement, because intake works in messages of up to 100 documents.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Store } from '../db/store.js';
import type { DocumentRow, EventRow, InventoryRow, IntakeGuidRow, ItemRecordRow, OutboxRow, ParcelRow, ReceiptRow } from './table.js';

export type Db = Kysely<Database> | Transaction<Database>;

// SQLite allows 32,766 bound variables per statement; stay well under for any row width.
const CHUNK_VARS = 30_000;
function chunks<T>(rows: readonly T[], width: number): T[][] {
  const size = Math.max(1, Math.floor(CHUNK_VARS / Math.max(1, width)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

type Inserter = Store['insertRows'];

export const insertDocuments = (ins: Inserter, db: Db, rows: readonly DocumentRow[]) => ins(db as Kysely<Database>, 'ceb_documents', rows as never);
export const insertGuids = (ins: Inserter, db: Db, rows: readonly IntakeGuidRow[]) => ins(db as Kysely<Database>, 'intake_guids', rows as never);
export const insertInventories = (ins: Inserter, db: Db, rows: readonly InventoryRow[]) => ins(db as Kysely<Database>, 'inventories', rows as never);
export const insertReceipts = (ins: Inserter, db: Db, rows: readonly ReceiptRow[]) => ins(db as Kysely<Database>, 'receipts', rows as never);
export const insertEvents = (ins: Inserter, db: Db, rows: readonly EventRow[]) => ins(db as Kysely<Database>, 'clearance_events', rows as never);
export const insertOutbox = (ins: Inserter, db: Db, rows: readonly OutboxRow[]) => ins(db as Kysely<Database>, 'outbox', rows as never);

/** Runs `query` over `values` in chunks a statement can bind, and concatenates the rows; no query for none. */
async function inChunks<V, R>(values: readonly V[], query: (part: V[]) => Promise<R[]>, bindsPerValue = 1): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunks(values, bindsPerValue)) out.push(...await query(part));
  return out;
}

export const findGuids = (db: Db, guids: readonly string[]): Promise<IntakeGuidRow[]> =>
  inChunks(guids, (part) => db.selectFrom('intake_guids').selectAll().where('guid', 'in', part).execute());

export const findDocumentsByKey = (db: Db, keys: readonly string[]): Promise<DocumentRow[]> =>
  inChunks(keys, (part) => db.selectFrom('ceb_documents').selectAll().where('doc_key', 'in', part).execute());

export const findDocumentsById = (db: Db, ids: readonly string[]): Promise<DocumentRow[]> =>
  inChunks(ids, (part) => db.selectFrom('ceb_documents').selectAll().where('id', 'in', part).execute());

export type DocumentSubject = Pick<DocumentRow, 'id' | 'state' | 'message_type' | 'doc_key' | 'audience' | 'enterprise_id'>;
export type InventorySubject = Pick<InventoryRow, 'id' | 'state' | 'message_type' | 'cop_no' | 'audience' | 'parcel_id' | 'pre_no' | 'invt_no'>;

/** What the dispatcher and the receipts need of documents, by id or by business key: no bodies. */
export const findDocumentSubjects = (db: Db, by: 'id' | 'doc_key', values: readonly string[]): Promise<DocumentSubject[]> =>
  inChunks(values, (part) => db.selectFrom('ceb_documents').select(['id', 'state', 'message_type', 'doc_key', 'audience', 'enterprise_id']).where(by, 'in', part).execute());

export const findInventorySubjects = (db: Db, copNos: readonly string[]): Promise<InventorySubject[]> =>
  inChunks(copNos, (part) => db.selectFrom('inventories').select(['id', 'state', 'message_type', 'cop_no', 'audience', 'parcel_id', 'pre_no', 'invt_no']).where('cop_no', 'in', part).execute());

/** Documents waiting for their order: by link key, not deleted. */
export const findByLink = (db: Db, links: readonly string[]): Promise<DocumentRow[]> =>
  inChunks(links, (part) => db.selectFrom('ceb_documents').selectAll().where('link_key', 'in', part).where('state', '!=', 'deleted').execute());

export const findParcelsByOrderKey = (db: Db, keys: readonly string[]): Promise<ParcelRow[]> =>
  inChunks(keys, (part) => db.selectFrom('parcels').selectAll().where('order_key', 'in', part).execute());

export const findParcelsByOrderNo = (db: Db, direction: string, orderNos: readonly string[]): Promise<ParcelRow[]> =>
  inChunks(orderNos, (part) => db.selectFrom('parcels').selectAll().where('order_no', 'in', part).where('direction', '=', direction).execute());

export const findParcelsById = (db: Db, ids: readonly string[]): Promise<ParcelRow[]> =>
  inChunks(ids, (part) => db.selectFrom('parcels').selectAll().where('id', 'in', part).execute());

export async function findParcelOf(db: Db, documentId: string): Promise<ParcelRow | undefined> {
  return db.selectFrom('parcels').selectAll()
    .where((eb) => eb.or([eb('order_id', '=', documentId), eb('payment_id', '=', documentId), eb('waybill_id', '=', documentId)]))
    .executeTakeFirst();
}

/** Parcels that hold any of these documents and have a list. */
export const listedParcelsHolding = (db: Db, ids: readonly string[]): Promise<ParcelRow[]> =>
  inChunks(ids, (part) => db.selectFrom('parcels').selectAll()
    .where((eb) => eb.or([eb('order_id', 'in', part), eb('payment_id', 'in', part), eb('waybill_id', 'in', part)]))
    .where('inventory_id', 'is not', null).execute(), 3);

/** Parcels already holding any of these documents (so a pending document is not attached twice). */
export async function attachedIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('parcels').select(['payment_id', 'waybill_id'])
    .where((eb) => eb.or([eb('payment_id', 'in', [...ids]), eb('waybill_id', 'in', [...ids])])).execute();
  return new Set(rows.flatMap((r) => [r.payment_id, r.waybill_id]).filter((x): x is string => !!x));
}

const PARCEL_UPDATE = ['payment_id', 'waybill_id', 'order_id', 'inventory_id', 'state', 'mismatches', 'buyer_key', 'year', 'value_fen', 'decided_at', 'updated_at'];
/** Inserts new parcels and rewrites the decided columns of existing ones. */
export async function upsertParcels(ins: Inserter, db: Db, rows: readonly ParcelRow[]): Promise<void> {
  await ins(db as Kysely<Database>, 'parcels', rows as never, { conflict: ['id'], update: PARCEL_UPDATE });
}

/** Sets state (and version, updated_at) of many rows: one statement per target state. */
export async function setStates(db: Db, table: 'ceb_documents' | 'inventories', changes: ReadonlyMap<string, string>, at: string): Promise<void> {
  if (!changes.size) return;
  const byState = new Map<string, string[]>();
  for (const [id, state] of changes) byState.set(state, [...(byState.get(state) ?? []), id]);
  for (const [state, ids] of byState) {
    for (const part of chunks(ids, 1)) {
      await db.updateTable(table).set((eb) => ({ state, version: eb('version', '+', 1), updated_at: at })).where('id', 'in', part).execute();
    }
  }
}

export async function updateDocument(db: Db, row: DocumentRow): Promise<void> {
  await db.updateTable('ceb_documents').set({
    head_guid: row.head_guid, app_type: row.app_type, app_time: row.app_time, state: row.state, body: row.body,
    audience: row.audience, updated_at: row.updated_at, version: row.version, doc_key: row.doc_key, link_key: row.link_key,
    signed_xml: row.signed_xml,
  }).where('id', '=', row.id).execute();
}

export async function renameDocumentKey(db: Db, id: string, key: string): Promise<void> {
  await db.updateTable('ceb_documents').set({ doc_key: key }).where('id', '=', id).execute();
}

export const findInventoriesByParcel = (db: Db, parcelIds: readonly string[]): Promise<InventoryRow[]> =>
  inChunks(parcelIds, (part) => db.selectFrom('inventories').selectAll().where('parcel_id', 'in', part).execute());
export const findInventoriesById = (db: Db, ids: readonly string[]): Promise<InventoryRow[]> =>
  inChunks(ids, (part) => db.selectFrom('inventories').selectAll().where('id', 'in', part).execute());
export const findInventoriesByCopNo = (db: Db, copNos: readonly string[]): Promise<InventoryRow[]> =>
  inChunks(copNos, (part) => db.selectFrom('inventories').selectAll().where('cop_no', 'in', part).execute());
export const findInventoriesByWaybill = (db: Db, keys: readonly string[]): Promise<InventoryRow[]> =>
  inChunks(keys, (part) => db.selectFrom('inventories').selectAll().where('waybill_key', 'in', part).execute());
export async function deleteInventories(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length) await db.deleteFrom('inventories').where('id', 'in', [...ids]).execute();
}
/** Customs' numbers (preNo, invtNo) of lists: one cached statement, run per list (cheaper than a CASE per batch). */
export async function setInventoryNumbers(db: Db, numbers: ReadonlyMap<string, { pre: string | null; invt: string | null }>): Promise<void> {
  for (const [id, n] of numbers) await db.updateTable('inventories').set({ pre_no: n.pre, invt_no: n.invt }).where('id', '=', id).execute();
}

export async function quotas(db: Db, keys: readonly { buyer: string; year: number }[]): Promise<Map<string, number>> {
  const buyers = [...new Set(keys.map((k) => k.buyer))];
  const rows = await inChunks(buyers, (part) => db.selectFrom('buyer_quotas').selectAll().where('buyer_key', 'in', part).execute());
  return new Map(rows.map((r) => [`${r.buyer_key}|${r.year}`, Number(r.used_fen)]));
}

/** PostgreSQL: transaction-scoped advisory locks on buyers' quota keys, taken in sorted order. */
export async function lockBuyers(db: Db, keys: readonly string[]): Promise<void> {
  for (const k of [...new Set(keys)].sort()) await sql`select pg_advisory_xact_lock(hashtextextended(${k}, 0))`.execute(db);
}

/** Adds to buyers' annual totals (negative amounts give quota back). */
export async function addQuotas(db: Db, deltas: ReadonlyMap<string, number>): Promise<void> {
  const rows = [...deltas].filter(([, d]) => d !== 0).map(([k, d]) => {
    const i = k.lastIndexOf('|');
    return { buyer_key: k.slice(0, i), year: Number(k.slice(i + 1)), used_fen: d };
  });
  for (const part of chunks(rows, 3)) {
    await db.insertInto('buyer_quotas').values(part).onConflict((oc) => oc.columns(['buyer_key', 'year'])
      .doUpdateSet({ used_fen: sql`buyer_quotas.used_fen + excluded.used_fen` })).execute();
  }
}

/** Which of these (ebpCode, buyer) pairs a platform has verified. */
export async function verifiedBuyers(db: Db, pairs: readonly { ebp: string; buyer: string }[]): Promise<Set<string>> {
  const buyers = [...new Set(pairs.map((x) => x.buyer))];
  const rows = await inChunks(buyers, (part) => db.selectFrom('buyer_verifications').select(['ebp_code', 'buyer_key']).where('buyer_key', 'in', part).execute());
  return new Set(rows.map((r) => `${r.ebp_code}|${r.buyer_key}`));
}
export async function upsertBuyerVerifications(ins: Inserter, db: Db, rows: readonly { ebp_code: string; buyer_key: string; enterprise_id: string; verified_at: string }[]): Promise<void> {
  await ins(db as Kysely<Database>, 'buyer_verifications', rows as never, { conflict: ['ebp_code', 'buyer_key'], update: ['enterprise_id', 'verified_at'] });
}

export const itemRecords = (db: Db, ebcCodes: readonly string[]): Promise<ItemRecordRow[]> =>
  inChunks(ebcCodes, (part) => db.selectFrom('item_records').selectAll().where('ebc_code', 'in', part).execute());
/** An enterprise's product records, by item number, with an optional search over number, name, HS code and barcode. */
export async function listItemRecords(db: Db, ebcCode: string, q: string | undefined, limit: number, offset: number): Promise<{ total: number; items: ItemRecordRow[] }> {
  let base = db.selectFrom('item_records').where('ebc_code', '=', ebcCode);
  if (q) {
    // LIKE special characters in the query are escaped, so "%" finds a literal percent sign.
    // Case-insensitive on both databases (SQLite's LIKE already is for ASCII; PostgreSQL's is not).
    const like = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    base = base.where((eb) => eb.or(['item_no', 'gname', 'gcode', 'bar_code'].map((c) => eb(sql`lower(${sql.ref(c)})`, 'like', sql<string>`${like} escape '\\'`))));
  }
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const items = await base.selectAll().orderBy('item_no').limit(limit).offset(offset).execute();
  return { total, items };
}

export async function upsertItemRecords(db: Db, rows: readonly ItemRecordRow[]): Promise<void> {
  for (const part of chunks(rows, 10)) {
    await db.insertInto('item_records').values(part as never).onConflict((oc) => oc.columns(['ebc_code', 'item_no']).doUpdateSet((eb) => ({
      gcode: eb.ref('excluded.gcode'), gname: eb.ref('excluded.gname'), unit1: eb.ref('excluded.unit1'), qty1_per_unit: eb.ref('excluded.qty1_per_unit'),
      unit2: eb.ref('excluded.unit2'), qty2_per_unit: eb.ref('excluded.qty2_per_unit'), updated_at: eb.ref('excluded.updated_at'), enterprise_id: eb.ref('excluded.enterprise_id'),
      gmodel: eb.ref('excluded.gmodel'), unit: eb.ref('excluded.unit'), country: eb.ref('excluded.country'), bar_code: eb.ref('excluded.bar_code'),
      content_amount: eb.ref('excluded.content_amount'), content_unit: eb.ref('excluded.content_unit'),
    }))).execute();
  }
}

/**
 * Claims up to `limit` due jobs for one dispatcher in a single statement: their run_at moves to the
 * end of the lease, so another dispatcher (another process) skips them; an expired lease makes a
 * job due again, so a crashed dispatcher's jobs are not lost.
 */
export async function claimJobs(db: Db, stage: string, at: string, leaseUntil: string, claim: string, limit: number): Promise<OutboxRow[]> {
  const due = db.selectFrom('outbox').select('id').where('stage', '=', stage).where('run_at', '<=', at).orderBy('run_at').limit(limit);
  await db.updateTable('outbox').set({ claim, run_at: leaseUntil })
    .where('id', 'in', due).where('run_at', '<=', at).execute();
  return db.selectFrom('outbox').selectAll().where('claim', '=', claim).orderBy('id').execute();
}
export async function deleteJobs(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length) await db.deleteFrom('outbox').where('id', 'in', [...ids]).execute();
}
export async function postponeJob(db: Db, id: string, runAt: string, error: string): Promise<void> {
  await db.updateTable('outbox').set((eb) => ({ run_at: runAt, claim: null, attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1000) })).where('id', '=', id).execute();
}
/** Marks a job that waits for its filer's signing key (not a failure: nothing was tried). */
export const HELD_FOR_KEY = 'held: awaiting a signing key';

/** Jobs left to do, not counting declarations held for a signing key. */
export async function countJobs(db: Db): Promise<number> {
  const r = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('last_error', 'is', null), eb('last_error', '!=', HELD_FOR_KEY)])).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Held declarations become due now (a key was registered). */
export async function releaseHeldJobs(db: Db, at: string): Promise<number> {
  const r = await db.updateTable('outbox').set({ run_at: at }).where('last_error', '=', HELD_FOR_KEY).where('claim', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Declarations sent to customs before `cutoff` and not answered since (partial index on state = 'sent'). */
export async function sentBefore<T extends 'inventories' | 'ceb_documents'>(db: Db, table: T, cutoff: string, limit: number) {
  return db.selectFrom(table as 'inventories').selectAll().where('state', '=', 'sent').where('updated_at', '<', cutoff).limit(limit).execute() as
    Promise<(T extends 'inventories' ? InventoryRow : DocumentRow)[]>;
}

export async function enterpriseById(db: Db, id: string) {
  return db.selectFrom('enterprises').select(['uscc', 'customs_code', 'dxp_id', 'name_zh', 'park']).where('id', '=', id).executeTakeFirst();
}

export async function enterprisesByCode(db: Db, codes: readonly string[]): Promise<{ id: string; uscc: string; customs_code: string | null; dxp_id: string | null; name_zh: string }[]> {
  if (!codes.length) return [];
  const list = [...codes];
  return db.selectFrom('enterprises').select(['id', 'uscc', 'customs_code', 'dxp_id', 'name_zh'])
    .where((eb) => eb.or([eb('uscc', 'in', list), eb('customs_code', 'in', list)])).execute();
}

export async function receiptsOf(db: Db, subjectId: string): Promise<ReceiptRow[]> {
  return db.selectFrom('receipts').selectAll().where('subject_id', '=', subjectId).orderBy('return_time').orderBy('received_at').execute();
}
export async function eventsOf(db: Db, subjectId: string): Promise<EventRow[]> {
  return db.selectFrom('clearance_events').selectAll().where('subject_id', '=', subjectId).orderBy('n').orderBy('at').execute();
}

/** A buyer's matched parcels of a year with their value and where their list stands (the quota's year-to-date view). */
export async function buyerYear(db: Db, buyer: string, year: number) {
  return db.selectFrom('parcels').leftJoin('inventories', 'inventories.id', 'parcels.inventory_id')
    .select(['parcels.order_key', 'parcels.order_no', 'parcels.value_fen', 'parcels.decided_at', 'inventories.state as list_state', 'inventories.invt_no'])
    .where('parcels.buyer_key', '=', buyer).where('parcels.year', '=', year).where('parcels.state', '=', 'matched')
    .orderBy('parcels.decided_at').execute();
}
