// The bonded stock ledger as the clearance pipeline drives it, inside the pipeline's transaction:
// entries by the warehouse operator's CEB711 入库明细单 against inbound notices, reservations when a
// 1210/1239 list matches, exits when customs releases it (800), releases when it is refused (100,
// negative), returned (700) or re-decided. A list's goods leave on the account book (账册, emsNo) of
// the warehouse operator (areaCode) that its head names (ceb-messages CEB621 InventoryHead
// areaCode/emsNo: "用于保税进口业务在特殊区域辅助系统记账（二线出区核减）").

import { AppError } from '../kernel/errors.js';
import { text, type Text } from '../kernel/i18n/index.js';
import { formatQty, parseQty, unitsOf, type Units } from './quantity.js';
import * as repo from './repository.js';
import type { BondedReservationTable } from './table.js';

type Db = repo.Db;

/** The audit actor of ledger changes the clearance pipeline makes. */
export const CLEARANCE_ACTOR = 'system:clearance';

/**
 * Customs' own code for a CEB711 whose list names no known delivery ("入库明细单表体信息不存在",
 * code table 7-2 of the 202205 spec, ref/ceb/code-tables/error-codes-business-table7-2.csv).
 */
export const UNKNOWN_DELIVERY_CODE = '-800000';

const iso = (at: Date | string): string => (typeof at === 'string' ? new Date(at) : at).toISOString();

export interface ReserveLine {
  readonly itemNo: string;
  readonly gcode: string;
  /** Decimal text (N19,5). */
  readonly qty: string;
}

export interface ReserveInput {
  /** What the hold is for: globally unique (the inventory id or parcel id; a copNo is unique per enterprise only). */
  readonly ref: string;
  readonly ebcCode: string;
  readonly lines: readonly ReserveLine[];
  readonly at: Date | string;
  readonly actor?: string;
}

export interface BondedAccountRef {
  readonly areaCode: string;
  readonly areaName?: string;
  readonly emsNo: string;
}

export interface Shortfall {
  readonly itemNo: string;
  readonly needed: string;
  readonly available: string;
  /** Set when the item is on the book under another HS code than the list's: it is not counted as the same goods. */
  readonly bookedGcode?: string;
  /** The refusal reason in every locale (BONDED_SHORTFALL). */
  readonly message: Text;
}

const shortfall = (itemNo: string, needed: Units, available: Units, bookedGcode?: string): Shortfall => ({
  itemNo, needed: formatQty(needed), available: formatQty(available), ...(bookedGcode ? { bookedGcode } : {}),
  message: text('BONDED_SHORTFALL', { itemNo, needed: formatQty(needed), available: formatQty(available) }),
});

export type ReserveResult =
  | { readonly ok: true; readonly account: BondedAccountRef }
  | { readonly ok: false; readonly shortfalls: readonly Shortfall[] };

interface Need {
  readonly itemNo: string;
  readonly gcode: string;
  readonly qty: Units;
}

/** A list's lines per item (a list may carry one item on several lines). */
function needsOf(lines: readonly ReserveLine[]): Need[] {
  const by = new Map<string, { gcode: string; qty: Units }>();
  lines.forEach((l, i) => {
    const q = parseQty(l.qty);
    if (q === undefined || q === 0n) throw new AppError('invalid', 'BONDED_QTY', { field: `InventoryList/${i}/qty`, value: l.qty });
    const prev = by.get(l.itemNo);
    by.set(l.itemNo, { gcode: prev?.gcode ?? l.gcode, qty: (prev?.qty ?? 0n) + q });
  });
  return [...by].map(([itemNo, v]) => ({ itemNo, ...v })).sort((a, b) => (a.itemNo < b.itemNo ? -1 : a.itemNo > b.itemNo ? 1 : 0));
}

interface Candidate {
  readonly accountId: string;
  readonly account: BondedAccountRef;
  readonly shortfalls: Shortfall[];
  readonly total: Units;
}

/** Every account holding any of the items, with what it lacks for the whole list. */
function candidates(rows: readonly repo.StockRow[], needs: readonly Need[]): Candidate[] {
  const accounts = new Map<string, repo.StockRow[]>();
  for (const r of rows) accounts.set(r.account_id, [...(accounts.get(r.account_id) ?? []), r]);
  return [...accounts].map(([accountId, held]) => {
    const first = held[0]!;
    let total = 0n;
    const shortfalls: Shortfall[] = [];
    for (const n of needs) {
      const row = held.find((r) => r.item_no === n.itemNo);
      const sameGoods = row !== undefined && row.gcode === n.gcode;
      const available = sameGoods ? unitsOf(row.on_hand) - unitsOf(row.reserved) : 0n;
      total += available;
      if (available < n.qty) shortfalls.push(shortfall(n.itemNo, n.qty, available, row && !sameGoods ? row.gcode : undefined));
    }
    return { accountId, account: { areaCode: first.area_code, areaName: first.area_name, emsNo: first.ems_no }, shortfalls, total };
  });
}

/**
 * One account must cover the whole list (the list head names one areaCode and emsNo); among those
 * that do, the one with most of the list's items available, then by areaCode and emsNo.
 */
const preference = (a: Candidate, b: Candidate): number =>
  a.shortfalls.length - b.shortfalls.length || (a.total > b.total ? -1 : a.total < b.total ? 1 : 0) ||
  (a.account.areaCode < b.account.areaCode ? -1 : a.account.areaCode > b.account.areaCode ? 1 : a.account.emsNo < b.account.emsNo ? -1 : a.account.emsNo > b.account.emsNo ? 1 : 0);

/** Gives back whatever a list still holds; the movements say why. */
async function releaseHeld(db: Db, held: readonly BondedReservationTable[], at: string, cause: string, actor: string): Promise<number> {
  let n = 0;
  for (const r of [...held].sort((a, b) => repo.byKey(keyOf(a), keyOf(b)))) {
    if (r.state !== 'held' || !(await repo.settleReservation(db, r.ref, r.item_no, 'released', at, cause))) continue;
    const q = unitsOf(r.qty);
    // A held quantity is always within the balance it was taken from (both change only together).
    const moved = await repo.move(db, keyOf(r), { onHand: 0n, reserved: -q }, { at, kind: 'unreserve', ref: r.ref, actor, reason: cause });
    if (!moved) throw new Error(`bonded ledger: reservation ${r.ref}/${r.item_no} exceeds its balance`);
    n++;
  }
  return n;
}

const keyOf = (r: { account_id: string; ebc_code: string; item_no: string }): repo.StockKey => ({ accountId: r.account_id, ebcCode: r.ebc_code, itemNo: r.item_no });

/** How often a reservation re-reads the balances after losing a race for the last units. */
const RACE_RETRIES = 5;

/**
 * Reserves a 1210/1239 list's goods on one account of its e-commerce enterprise. Reserving the same
 * ref again replaces the earlier hold. A shortfall changes nothing but the release of that earlier hold.
 */
export async function reserve(db: Db, input: ReserveInput): Promise<ReserveResult> {
  const at = iso(input.at);
  const actor = input.actor ?? CLEARANCE_ACTOR;
  const needs = needsOf(input.lines);
  const earlier = await repo.reservationsOf(db, input.ref);
  if (earlier.some((r) => r.state === 'exited')) throw new AppError('conflict', 'BONDED_RESERVATION_EXITED', { ref: input.ref });
  await releaseHeld(db, earlier, at, 'replaced', actor);
  await repo.deleteReservations(db, input.ref);

  for (let attempt = 0; attempt <= RACE_RETRIES; attempt++) {
    const all = candidates(await repo.stockOfItems(db, input.ebcCode, needs.map((n) => n.itemNo)), needs).sort(preference);
    const best = all[0];
    if (!best || best.shortfalls.length) {
      return { ok: false, shortfalls: best?.shortfalls ?? needs.map((n) => shortfall(n.itemNo, n.qty, 0n)) };
    }
    const taken: { key: repo.StockKey; qty: Units; after: repo.Balance }[] = [];
    for (const n of needs) {
      const key = { accountId: best.accountId, ebcCode: input.ebcCode, itemNo: n.itemNo };
      const after = await repo.changeBalance(db, key, { onHand: 0n, reserved: n.qty }, at);
      if (!after) break;
      taken.push({ key, qty: n.qty, after });
    }
    if (taken.length < needs.length) {
      // Another transaction took units between the read and the update: give back what this one
      // took (nobody else has seen it) and decide again on the balances as they now are.
      for (const t of taken) await repo.changeBalance(db, t.key, { onHand: 0n, reserved: -t.qty }, at);
      continue;
    }
    for (const t of taken) await repo.journal(db, t.key, { onHand: 0n, reserved: t.qty }, t.after, { at, kind: 'reserve', ref: input.ref, actor });
    await repo.insertReservations(db, needs.map((n) => ({
      ref: input.ref, item_no: n.itemNo, account_id: best.accountId, ebc_code: input.ebcCode, qty: n.qty.toString(), state: 'held', cause: null, reserved_at: at, settled_at: null,
    })));
    return { ok: true, account: best.account };
  }
  // Still losing after several rounds: the stock is being taken as fast as it is read.
  throw new AppError('unavailable', 'BONDED_BUSY', { ref: input.ref });
}

/** Gives back a list's hold (customs refused (100, negative) or returned (700) it, or the parcel is decided again). Idempotent. */
export async function release(db: Db, ref: string, at: Date | string, cause: string, actor = CLEARANCE_ACTOR): Promise<{ released: number }> {
  return { released: await releaseHeld(db, await repo.reservationsOf(db, ref), iso(at), cause, actor) };
}

/**
 * Customs released the list (800): its held goods leave the warehouse (二线出区核减). Idempotent;
 * a ref with nothing held (never reserved, already released) exits nothing and says so.
 */
export async function exit(db: Db, ref: string, at: Date | string, actor = CLEARANCE_ACTOR): Promise<{ exited: { itemNo: string; qty: string }[] }> {
  const when = iso(at);
  const out: { itemNo: string; qty: string }[] = [];
  for (const r of (await repo.reservationsOf(db, ref)).sort((a, b) => repo.byKey(keyOf(a), keyOf(b)))) {
    if (r.state !== 'held' || !(await repo.settleReservation(db, ref, r.item_no, 'exited', when, null))) continue;
    const q = unitsOf(r.qty);
    const moved = await repo.move(db, keyOf(r), { onHand: -q, reserved: -q }, { at: when, kind: 'exit', ref, actor });
    if (!moved) throw new Error(`bonded ledger: reservation ${ref}/${r.item_no} exceeds its balance`);
    out.push({ itemNo: r.item_no, qty: formatQty(q) });
  }
  return { exited: out };
}

/**
 * Whether the ledger applies to an e-commerce enterprise's bonded lists: once it has any balance on
 * any account (its first entry or adjustment opened one), even at zero. Until then its 1210/1239
 * lists are not checked against stock (goods kept in warehouses not on the platform).
 */
export const isBondedManaged = (db: Db, ebcCode: string): Promise<boolean> => repo.hasStock(db, ebcCode);

/**
 * Which of these waybills have an inbound notice (pending or entered) on an account of the
 * warehouse operator: the bonded consignments a CEB711 may list beside direct-purchase parcels.
 */
export async function announcedWaybills(db: Db, operatorCode: string, logisticsCode: string, logisticsNos: readonly string[]): Promise<Set<string>> {
  return new Set((await repo.noticesForWaybills(db, operatorCode, logisticsCode, [...new Set(logisticsNos)])).map((n) => n.logistics_no));
}

export interface DeliverInput {
  /** The CEB711's guid: a replay of the same message enters nothing twice. */
  readonly guid: string;
  /** DeliveryHead.operatorCode: the warehouse operator, the accounts' areaCode. */
  readonly operatorCode: string;
  readonly logisticsCode: string;
  readonly logisticsNos: readonly string[];
  readonly at: Date | string;
  readonly actor: string;
}

export interface DeliveryEntry {
  readonly noticeId: string;
  readonly logisticsNo: string;
  readonly areaCode: string;
  readonly emsNo: string;
  readonly ebcCode: string;
  readonly itemNo: string;
  readonly qty: string;
}

export type DeliverResult =
  | { readonly ok: true; readonly entries: readonly DeliveryEntry[]; readonly already: readonly string[] }
  | { readonly ok: false; readonly code: typeof UNKNOWN_DELIVERY_CODE; readonly unknown: readonly string[]; readonly message: Text };

export interface NoticeLine {
  readonly itemNo: string;
  readonly gcode: string;
  readonly gname: string;
  readonly unit: string;
  readonly qty: string;
}

/**
 * The warehouse operator's CEB711 lists the waybills of consignments that arrived: each pending
 * inbound notice for them (on an account of that operator, same logistics enterprise) becomes
 * stock entries. A waybill without a notice refuses the whole message and changes nothing;
 * waybills already entered (a replay, or another 711 listing them again) add nothing.
 */
export async function deliver(db: Db, input: DeliverInput): Promise<DeliverResult> {
  const at = iso(input.at);
  const nos = [...new Set(input.logisticsNos)];
  const notices = await repo.noticesForWaybills(db, input.operatorCode, input.logisticsCode, nos);
  const pending = new Map(notices.filter((n) => n.state === 'pending').map((n) => [n.logistics_no, n]));
  const known = new Set(notices.map((n) => n.logistics_no));
  const unknown = nos.filter((no) => !known.has(no));
  if (unknown.length) {
    return {
      ok: false, code: UNKNOWN_DELIVERY_CODE, unknown,
      message: text('BONDED_UNKNOWN_DELIVERY', { list: unknown.join(', '), logisticsCode: input.logisticsCode, operatorCode: input.operatorCode }),
    };
  }

  const already = nos.filter((no) => !pending.has(no));
  const accounts = await repo.accountsById(db, [...pending.values()].map((n) => n.account_id));
  const lines: { key: repo.StockKey; line: NoticeLine; noticeId: string; logisticsNo: string }[] = [];
  for (const no of nos) {
    const n = pending.get(no);
    if (!n) continue;
    // Two 711s listing one waybill at once: the notice goes to whichever takes it first.
    if (!(await repo.claimNotice(db, n.id, input.guid, at))) { already.push(no); continue; }
    for (const line of JSON.parse(n.lines) as NoticeLine[]) lines.push({ key: { accountId: n.account_id, ebcCode: n.ebc_code, itemNo: line.itemNo }, line, noticeId: n.id, logisticsNo: no });
  }
  const entries: DeliveryEntry[] = [];
  for (const e of lines.sort((a, b) => repo.byKey(a.key, b.key))) {
    const q = parseQty(e.line.qty)!;
    await repo.openBalance(db, e.key, { gcode: e.line.gcode, gname: e.line.gname, unit: e.line.unit }, at);
    const moved = await repo.move(db, e.key, { onHand: q, reserved: 0n }, { at, kind: 'entry', ref: input.guid, noticeId: e.noticeId, actor: input.actor });
    if (!moved) throw new AppError('conflict', 'BONDED_BALANCE_LIMIT', { itemNo: e.key.itemNo });
    const a = accounts.get(e.key.accountId)!;
    entries.push({ noticeId: e.noticeId, logisticsNo: e.logisticsNo, areaCode: a.area_code, emsNo: a.ems_no, ebcCode: e.key.ebcCode, itemNo: e.key.itemNo, qty: formatQty(q) });
  }
  return { ok: true, entries, already };
}

/** Which of these refs hold stock (one query: the clearance calls exit/release only for them). */
export async function heldRefs(db: Db, refs: readonly string[]): Promise<string[]> {
  if (!refs.length) return [];
  const rows = await db.selectFrom('bonded_reservations').select('ref').distinct().where('ref', 'in', [...refs]).execute();
  return rows.map((r) => r.ref);
}
