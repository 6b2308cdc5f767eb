// Every SQL statement of the bonded stock ledger. Balances change only through `move`, one
// conditional UPDATE per balance: the condition keeps them non-negative, so two transactions
// taking the last units cannot both succeed (on PostgreSQL the second waits for the first's row
// lock, then re-checks the condition against the committed row; SQLite runs one transaction at a
// time). The table's CHECK constraint backs the same rule.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AuditEventTable } from '../registry/table.js';
import { newSeqId } from '../kernel/ids.js';
import { dbUnits, MAX_BALANCE, unitsOf, type Units } from './quantity.js';
import type { BondedAccountTable, BondedCountTable, BondedMovementTable, BondedNoticeTable, BondedReservationTable, BondedStockTable } from './table.js';

export type Db = Kysely<Database> | Transaction<Database>;

export interface StockKey {
  readonly accountId: string;
  readonly ebcCode: string;
  readonly itemNo: string;
}

/** Deterministic lock order for balances: every path that changes several takes them in this order. */
export const byKey = (a: StockKey, b: StockKey): number =>
  a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : a.ebcCode < b.ebcCode ? -1 : a.ebcCode > b.ebcCode ? 1 : a.itemNo < b.itemNo ? -1 : a.itemNo > b.itemNo ? 1 : 0;

// — accounts —

export const insertAccount = async (db: Db, row: BondedAccountTable): Promise<boolean> =>
  Number((await db.insertInto('bonded_accounts').values(row).onConflict((oc) => oc.columns(['area_code', 'ems_no']).doNothing()).executeTakeFirst()).numInsertedOrUpdatedRows ?? 0) > 0;

export const findAccount = (db: Db, areaCode: string, emsNo: string): Promise<BondedAccountTable | undefined> =>
  db.selectFrom('bonded_accounts').selectAll().where('area_code', '=', areaCode).where('ems_no', '=', emsNo).executeTakeFirst();

/** Accounts by either or both of their keys. */
export const accountsMatching = (db: Db, areaCode: string | undefined, emsNo: string | undefined): Promise<BondedAccountTable[]> => {
  let q = db.selectFrom('bonded_accounts').selectAll();
  if (areaCode) q = q.where('area_code', '=', areaCode);
  if (emsNo) q = q.where('ems_no', '=', emsNo);
  return q.execute();
};

export const accountsById = async (db: Db, ids: readonly string[]): Promise<Map<string, BondedAccountTable>> =>
  new Map((ids.length ? await db.selectFrom('bonded_accounts').selectAll().where('id', 'in', [...new Set(ids)]).execute() : []).map((a) => [a.id, a]));

/** Accounts an enterprise operates or holds stock on; all for the operator (`who` undefined). */
export async function listAccounts(db: Db, who: { enterpriseId: string; code: string } | undefined, page: { limit: number; offset: number }) {
  let base = db.selectFrom('bonded_accounts');
  if (who) {
    base = base.where((eb) => eb.or([
      eb('operator_enterprise_id', '=', who.enterpriseId),
      eb('id', 'in', eb.selectFrom('bonded_stock').select('account_id').where('ebc_code', '=', who.code)),
    ]));
  }
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base.selectAll().orderBy('area_code').orderBy('ems_no').limit(page.limit).offset(page.offset).execute();
  return { total, rows };
}

// — notices —

export const insertNotice = (db: Db, row: BondedNoticeTable) => db.insertInto('bonded_notices').values(row).execute();

export const noticesForWaybills = (db: Db, areaCode: string, logisticsCode: string, nos: readonly string[]) =>
  nos.length
    ? db.selectFrom('bonded_notices as n').innerJoin('bonded_accounts as a', 'a.id', 'n.account_id')
      .selectAll('n').where('a.area_code', '=', areaCode).where('n.logistics_code', '=', logisticsCode).where('n.logistics_no', 'in', [...nos])
      .orderBy('n.created_at').execute()
    : Promise.resolve([] as BondedNoticeTable[]);

/** Takes a pending notice for the CEB711 `guid`; false when another has taken it meanwhile. */
export const claimNotice = async (db: Db, id: string, guid: string, at: string): Promise<boolean> =>
  Number((await db.updateTable('bonded_notices').set({ state: 'entered', delivery_guid: guid, entered_at: at }).where('id', '=', id).where('state', '=', 'pending').executeTakeFirst()).numUpdatedRows) > 0;

export interface NoticeFilter {
  readonly visibleTo?: { enterpriseId: string; code: string };
  readonly accountIds?: readonly string[];
  readonly ebcCode?: string;
  readonly state?: string;
  readonly logisticsNo?: string;
}

export async function listNotices(db: Db, f: NoticeFilter, page: { limit: number; offset: number }) {
  let base = db.selectFrom('bonded_notices');
  if (f.visibleTo) {
    const who = f.visibleTo;
    base = base.where((eb) => eb.or([eb('ebc_code', '=', who.code), eb('account_id', 'in', operated(db, who.enterpriseId))]));
  }
  if (f.accountIds) base = base.where('account_id', 'in', f.accountIds.length ? [...f.accountIds] : ['\u0000']);
  if (f.ebcCode) base = base.where('ebc_code', '=', f.ebcCode);
  if (f.state) base = base.where('state', '=', f.state);
  if (f.logisticsNo) base = base.where('logistics_no', '=', f.logisticsNo);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(page.limit).offset(page.offset).execute();
  return { total, rows };
}

/** The accounts an enterprise operates, as a subquery. */
const operated = (db: Db, enterpriseId: string) => db.selectFrom('bonded_accounts').select('id').where('operator_enterprise_id', '=', enterpriseId);

// — balances —

export type StockRow = BondedStockTable & Pick<BondedAccountTable, 'area_code' | 'area_name' | 'ems_no'>;

/** The enterprise's balances of these items on every account, with the accounts. */
export const stockOfItems = (db: Db, ebcCode: string, itemNos: readonly string[]): Promise<StockRow[]> =>
  itemNos.length
    ? db.selectFrom('bonded_stock as s').innerJoin('bonded_accounts as a', 'a.id', 's.account_id')
      .selectAll('s').select(['a.area_code', 'a.area_name', 'a.ems_no'])
      .where('s.ebc_code', '=', ebcCode).where('s.item_no', 'in', [...itemNos]).execute()
    : Promise.resolve([]);

export const stockRow = (db: Db, k: StockKey) =>
  db.selectFrom('bonded_stock').selectAll().where('account_id', '=', k.accountId).where('ebc_code', '=', k.ebcCode).where('item_no', '=', k.itemNo).executeTakeFirst();

export const hasStock = async (db: Db, ebcCode: string): Promise<boolean> =>
  (await db.selectFrom('bonded_stock').select('item_no').where('ebc_code', '=', ebcCode).limit(1).executeTakeFirst()) !== undefined;

/** Opens a zero balance for an item (the first entry or adjustment of it); an existing one is kept. */
export const openBalance = (db: Db, k: StockKey, item: { gcode: string; gname: string; unit: string }, at: string) =>
  db.insertInto('bonded_stock').values({ account_id: k.accountId, ebc_code: k.ebcCode, item_no: k.itemNo, ...item, on_hand: 0, reserved: 0, updated_at: at })
    .onConflict((oc) => oc.columns(['account_id', 'ebc_code', 'item_no']).doNothing()).execute();

export interface StockFilter {
  readonly visibleTo?: { enterpriseId: string; code: string };
  readonly accountIds?: readonly string[];
  readonly ebcCode?: string;
  readonly itemNo?: string;
  /** Searches item number, name and HS code. */
  readonly q?: string;
}

export async function listStock(db: Db, f: StockFilter, page: { limit: number; offset: number }) {
  let base = db.selectFrom('bonded_stock as s').innerJoin('bonded_accounts as a', 'a.id', 's.account_id');
  if (f.visibleTo) {
    const who = f.visibleTo;
    base = base.where((eb) => eb.or([eb('s.ebc_code', '=', who.code), eb('a.operator_enterprise_id', '=', who.enterpriseId)]));
  }
  if (f.accountIds) base = base.where('s.account_id', 'in', f.accountIds.length ? [...f.accountIds] : ['\u0000']);
  if (f.ebcCode) base = base.where('s.ebc_code', '=', f.ebcCode);
  if (f.itemNo) base = base.where('s.item_no', '=', f.itemNo);
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where(sql<boolean>`(lower(s.item_no) like ${like} escape '\\' or lower(s.gname) like ${like} escape '\\' or s.gcode like ${like} escape '\\')`);
  }
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows: StockRow[] = await base.selectAll('s').select(['a.area_code', 'a.area_name', 'a.ems_no'])
    .orderBy('a.area_code').orderBy('a.ems_no').orderBy('s.ebc_code').orderBy('s.item_no').limit(page.limit).offset(page.offset).execute();
  return { total, rows };
}

export interface Balance {
  readonly onHand: Units;
  readonly reserved: Units;
}

export type MovementKind = 'entry' | 'reserve' | 'unreserve' | 'exit' | 'adjustment';

export interface Change {
  readonly onHand: Units;
  readonly reserved: Units;
}

/**
 * Changes one balance by `d` when the result stays valid (0 ≤ reserved ≤ on hand ≤ MAX_BALANCE);
 * the balance after, or undefined (and nothing changed) when it would not.
 */
export async function changeBalance(db: Db, k: StockKey, d: Change, at: string): Promise<Balance | undefined> {
  const o = dbUnits(d.onHand);
  const r = dbUnits(d.reserved);
  const row = await db.updateTable('bonded_stock')
    .set({ on_hand: sql`on_hand + cast(${o} as bigint)`, reserved: sql`reserved + cast(${r} as bigint)`, updated_at: at })
    .where('account_id', '=', k.accountId).where('ebc_code', '=', k.ebcCode).where('item_no', '=', k.itemNo)
    // Casts keep the parameters bigint on PostgreSQL (an untyped text parameter would not add to a bigint).
    .where(sql<boolean>`reserved + cast(${r} as bigint) >= 0`)
    .where(sql<boolean>`on_hand + cast(${o} as bigint) >= reserved + cast(${r} as bigint)`)
    .where(sql<boolean>`on_hand + cast(${o} as bigint) <= cast(${dbUnits(MAX_BALANCE)} as bigint)`)
    .returning(['on_hand', 'reserved']).executeTakeFirst();
  return row ? { onHand: unitsOf(row.on_hand), reserved: unitsOf(row.reserved) } : undefined;
}

export interface MovementInput {
  readonly at: string;
  readonly kind: MovementKind;
  readonly ref: string;
  readonly noticeId?: string | null;
  readonly actor: string;
  readonly reason?: string | null;
}

/** Writes the journal row of a balance change already made (`after` is the balance it left). */
export async function journal(db: Db, k: StockKey, d: Change, after: Balance, m: MovementInput): Promise<BondedMovementTable> {
  const row: BondedMovementTable = {
    id: newSeqId(), at: m.at, account_id: k.accountId, ebc_code: k.ebcCode, item_no: k.itemNo, kind: m.kind,
    qty: dbUnits(d.onHand), reserved_delta: dbUnits(d.reserved), on_hand_after: dbUnits(after.onHand), reserved_after: dbUnits(after.reserved),
    ref: m.ref, notice_id: m.noticeId ?? null, actor: m.actor, reason: m.reason ?? null,
  };
  await db.insertInto('bonded_movements').values(row).execute();
  return row;
}

/** Changes a balance and journals it in one step; undefined (nothing written) when the balance would go wrong. */
export async function move(db: Db, k: StockKey, d: Change, m: MovementInput): Promise<BondedMovementTable | undefined> {
  const after = await changeBalance(db, k, d, m.at);
  return after ? journal(db, k, d, after, m) : undefined;
}

// — reservations —

export const reservationsOf = (db: Db, ref: string): Promise<BondedReservationTable[]> =>
  db.selectFrom('bonded_reservations').selectAll().where('ref', '=', ref).orderBy('item_no').execute();

export const deleteReservations = (db: Db, ref: string) => db.deleteFrom('bonded_reservations').where('ref', '=', ref).execute();

export const insertReservations = (db: Db, rows: readonly BondedReservationTable[]) =>
  rows.length ? db.insertInto('bonded_reservations').values([...rows]).execute() : Promise.resolve();

/** Settles a held reservation line; false when it is no longer held (settled meanwhile). */
export const settleReservation = async (db: Db, ref: string, itemNo: string, state: 'exited' | 'released', at: string, cause: string | null): Promise<boolean> =>
  Number((await db.updateTable('bonded_reservations').set({ state, settled_at: at, cause })
    .where('ref', '=', ref).where('item_no', '=', itemNo).where('state', '=', 'held').executeTakeFirst()).numUpdatedRows) > 0;

// — movements —

export interface MovementFilter {
  readonly visibleTo?: { enterpriseId: string; code: string };
  readonly accountIds?: readonly string[];
  readonly ebcCode?: string;
  readonly itemNo?: string;
  readonly kind?: string;
  readonly ref?: string;
  /** ISO instants, from inclusive, to exclusive. */
  readonly from?: string;
  readonly to?: string;
}

export async function listMovements(db: Db, f: MovementFilter, page: { limit: number; offset: number }) {
  let base = db.selectFrom('bonded_movements');
  if (f.visibleTo) {
    const who = f.visibleTo;
    base = base.where((eb) => eb.or([eb('ebc_code', '=', who.code), eb('account_id', 'in', operated(db, who.enterpriseId))]));
  }
  if (f.accountIds) base = base.where('account_id', 'in', f.accountIds.length ? [...f.accountIds] : ['\u0000']);
  if (f.ebcCode) base = base.where('ebc_code', '=', f.ebcCode);
  if (f.itemNo) base = base.where('item_no', '=', f.itemNo);
  if (f.kind) base = base.where('kind', '=', f.kind);
  if (f.ref) base = base.where('ref', '=', f.ref);
  if (f.from) base = base.where('at', '>=', f.from);
  if (f.to) base = base.where('at', '<', f.to);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base.selectAll().orderBy('at').orderBy('id').limit(page.limit).offset(page.offset).execute();
  return { total, rows };
}

export interface PeriodSums {
  account_id: string;
  ebc_code: string;
  item_no: string;
  opening: Units;
  entries: Units;
  exits: Units;
  adjustments: Units;
  reserved: Units;
}

/** Per item of an account: on hand before `start`, entries, exits and adjustments in [start, end), reserved at `end`. */
export async function periodSums(db: Db, accountId: string, ebcCode: string | undefined, start: string, end: string): Promise<PeriodSums[]> {
  const inPeriod = (kind: string) => sql<string>`sum(case when kind = ${kind} and at >= ${start} then qty else 0 end)`;
  let q = db.selectFrom('bonded_movements')
    .select(['account_id', 'ebc_code', 'item_no'])
    .select([
      sql<string>`sum(case when at < ${start} then qty else 0 end)`.as('opening'),
      inPeriod('entry').as('entries'), inPeriod('exit').as('exits'), inPeriod('adjustment').as('adjustments'),
      sql<string>`sum(reserved_delta)`.as('reserved'),
    ])
    .where('account_id', '=', accountId).where('at', '<', end);
  if (ebcCode) q = q.where('ebc_code', '=', ebcCode);
  const rows = await q.groupBy(['account_id', 'ebc_code', 'item_no']).execute();
  return rows.map((r) => ({
    account_id: r.account_id, ebc_code: r.ebc_code, item_no: r.item_no,
    opening: unitsOf(r.opening), entries: unitsOf(r.entries), exits: -unitsOf(r.exits), adjustments: unitsOf(r.adjustments), reserved: unitsOf(r.reserved),
  }));
}

/** On hand of one item as the journal has it at `at` (movements up to and including that instant). */
export async function bookAt(db: Db, k: StockKey, at: string): Promise<Units> {
  const r = await db.selectFrom('bonded_movements').select(sql<string>`coalesce(sum(qty), 0)`.as('n'))
    .where('account_id', '=', k.accountId).where('ebc_code', '=', k.ebcCode).where('item_no', '=', k.itemNo).where('at', '<=', at).executeTakeFirstOrThrow();
  return unitsOf(r.n);
}

export const stockOfAccount = (db: Db, accountId: string, ebcCode: string | undefined): Promise<BondedStockTable[]> => {
  let q = db.selectFrom('bonded_stock').selectAll().where('account_id', '=', accountId);
  if (ebcCode) q = q.where('ebc_code', '=', ebcCode);
  return q.execute();
};

export const insertAudit = (db: Db, row: AuditEventTable) => db.insertInto('audit_events').values(row).execute();

// — counts —

export const insertCounts = (db: Db, rows: readonly BondedCountTable[]) =>
  rows.length ? db.insertInto('bonded_counts').values([...rows]).execute() : Promise.resolve();

export const countById = (db: Db, id: string) => db.selectFrom('bonded_counts').selectAll().where('id', '=', id).executeTakeFirst();

export const countsIn = (db: Db, accountId: string, ebcCode: string | undefined, start: string, end: string): Promise<BondedCountTable[]> => {
  let q = db.selectFrom('bonded_counts').selectAll().where('account_id', '=', accountId).where('counted_at', '>=', start).where('counted_at', '<', end);
  if (ebcCode) q = q.where('ebc_code', '=', ebcCode);
  return q.orderBy('counted_at').orderBy('id').execute();
};
