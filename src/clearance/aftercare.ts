// After the list: cancellations (import CEB623, export CEB605), returns (import CEB625 within 30
// days of release, goods back within 45 — 海关总署公告2020年第45号; export CEB213 within a year —
// 2020年第44号), the return's tally at the site (CEB215), the waybill's sign-off (CEB513) and the
// supervised site's entry record (CEB711). The platform checks each against the list it names
// before anything is stored (customs' own codes where table 7-2 has them), records the application
// with its clocks, and applies customs' approval: the list is cancelled or returned, the buyer's
// annual quota and the tax are given back (whole, or the returned lines' share). Rules:
// cbec-rules.md §1.3 step 7, §1.6; messages: ceb-messages.md §5.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { MessageCode } from '../kernel/i18n/index.js';
import { newSeqId } from '../kernel/ids.js';
import { roundHalfUp } from '../kernel/money.js';
import { beijingDay } from '../kernel/time.js';
import type { Head, Kind } from './kinds.js';
import { importWaybillKey } from './kinds.js';
import { showUnits, units } from './match/mismatch.js';
import type { InventoryRow, ListReturnRow } from './table.js';

/** Days after release within which a return may be applied for (2020年第45号). */
export const IMPORT_RETURN_DAYS = 30;
/** Days after release within which returned goods must be back at the site (2020年第45号). */
export const IMPORT_GOODS_BACK_DAYS = 45;
/** Export returns: within one year of the export's release (2020年第44号). */
export const EXPORT_RETURN_YEARS = 1;
/**
 * Returned exports re-enter free of import duty, VAT and consumption tax within six months of the
 * export, in their original state, for goods exported in this window (2023年第4号 as amended by
 * 2023年第34号; cbec-rules.md §1.6, D8: an extension beyond 2025-12-31 is not confirmed).
 */
export const EXPORT_TAX_FREE = { months: 6, exportedFrom: '2023-01-30', exportedUntil: '2025-12-31' } as const;

const DAY_MS = 86_400_000;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface Refusal {
  readonly code: string;
  readonly key: MessageCode;
  readonly params: Record<string, string>;
}

/** Customs codes per message where table 7-2 has them; export messages have none (-1 and our words). */
const CODES: Record<string, { noList: string; state: string; mismatch: string; decided: string; noAuth: string }> = {
  CEB623Message: { noList: '-623003', state: '-623005', mismatch: '-623014', decided: '-623013', noAuth: '-623026' },
  CEB625Message: { noList: '-625016', state: '-625004', mismatch: '-625001', decided: '-625004', noAuth: '-625021' },
};
const GENERIC = { noList: '-1', state: '-1', mismatch: '-1', decided: '-1', noAuth: '-1' };

/** States from which a list may be cancelled or returned. */
const UNDOABLE: Record<string, ReadonlySet<string>> = {
  // Import: a released list (cbec-rules §1.3 step 7); 结关 follows release at once for parcels.
  CEB623Message: new Set(['released', 'closed']),
  CEB625Message: new Set(['released', 'closed']),
  // Export: a list with customs that has not left the country (结关 is departure).
  CEB605Message: new Set(['stored', 'review', 'inspection', 'detained', 'concluded', 'released']),
  // Export returns: goods that left (结关 on departure).
  CEB213Message: new Set(['closed']),
};

export interface AftercareDoc {
  readonly guid: string;
  readonly appType: string;
  readonly head: Head;
  readonly entity: Head;
}

export interface ListFacts {
  readonly list: InventoryRow;
  readonly releasedAt: string | null;
}

/** The lists named by these invtNos (per direction), with the time customs released each. */
export async function listsByInvtNo(trx: Kysely<Database>, direction: 'import' | 'export', invtNos: readonly string[]): Promise<Map<string, ListFacts>> {
  const out = new Map<string, ListFacts>();
  const wanted = [...new Set(invtNos.filter(Boolean))];
  if (!wanted.length) return out;
  const type = direction === 'import' ? 'CEB621Message' : 'CEB603Message';
  const lists = await trx.selectFrom('inventories').selectAll().where('invt_no', 'in', wanted).where('message_type', '=', type).execute();
  if (!lists.length) return out;
  const released = await trx.selectFrom('clearance_events').select(['subject_id', sql<string>`min(at)`.as('at')])
    .where('subject', '=', 'inventory').where('subject_id', 'in', lists.map((l) => l.id)).where('to_state', '=', 'released')
    .groupBy('subject_id').execute();
  const at = new Map(released.map((r) => [r.subject_id, r.at]));
  for (const l of lists) out.set(l.invt_no!, { list: l, releasedAt: at.get(l.id) ?? null });
  return out;
}

/** Returned quantity so far per list line (5-decimal units), from applications still standing. */
async function returnedSoFar(trx: Kysely<Database>, inventoryIds: readonly string[], exceptDocs: ReadonlySet<string>): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (!inventoryIds.length) return out;
  const rows = await trx.selectFrom('list_returns').select(['inventory_id', 'document_id', 'lines'])
    .where('inventory_id', 'in', [...inventoryIds]).where('kind', '=', 'return').where('state', 'in', ['applied', 'approved']).execute();
  for (const r of rows) {
    if (exceptDocs.has(r.document_id)) continue;
    for (const l of JSON.parse(r.lines) as ReturnLine[]) {
      const k = `${r.inventory_id}|${l.gnum}`;
      out.set(k, (out.get(k) ?? 0n) + (units(l.qty) ?? 0n));
    }
  }
  return out;
}

export interface ReturnLine { gnum: string; gcode: string; gname: string; qty: string; of: string; valueFen: number }

/** The list's own lines, by gnum. */
function linesOf(list: InventoryRow): Map<string, Head> {
  const body = JSON.parse(list.body) as { InventoryList?: Head[] };
  return new Map((body.InventoryList ?? []).map((l) => [str(l.gnum), l]));
}

const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY_MS).toISOString();
const addMonths = (iso: string, months: number): string => {
  const d = new Date(iso);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  // The same day of the month, or the month's last day when it has fewer (31 Jan + 1 month → 28/29 Feb).
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return target.toISOString();
};

/**
 * Checks cancellations and returns against the lists they name, before anything is stored.
 * `codes` are the filer's own customs code and USCC (it must be a party of the list).
 */
export interface AftercareOptions {
  /** Inbound consignments announced for a bonded warehouse: which of these waybill numbers it knows. */
  readonly announced?: (trx: Kysely<Database>, operatorCode: string, logisticsCode: string, logisticsNos: readonly string[]) => Promise<Set<string>>;
}

export async function checkAftercare(trx: Kysely<Database>, kind: Kind, docs: readonly AftercareDoc[], filerCodes: ReadonlySet<string>, at: Date, options: AftercareOptions = {}): Promise<Map<string, Refusal>> {
  const refusals = new Map<string, Refusal>();
  const type = kind.messageType;
  const c = CODES[type] ?? GENERIC;
  const refuse = (d: AftercareDoc, code: string, key: MessageCode, params: Record<string, string> = {}) => refusals.set(d.guid, { code, key, params });

  if (kind.part === 'status') {
    // 签收 of a waybill the platform holds (CEB511).
    const keys = docs.map((d) => importWaybillKey(str(d.head.logisticsCode), str(d.head.logisticsNo)));
    const known = new Set((await trx.selectFrom('ceb_documents').select('doc_key').where('doc_key', 'in', keys.length ? keys : ['\u0000']).where('state', '!=', 'deleted').execute()).map((r) => r.doc_key));
    for (const [i, d] of docs.entries()) {
      if (d.appType !== '3' && !known.has(keys[i]!)) refuse(d, '-505014', 'AFTERCARE_NO_WAYBILL', { waybill: str(d.head.logisticsNo) });
    }
    return refusals;
  }
  if (kind.part === 'delivery') {
    for (const d of docs) {
      if (!str(d.head.copNo)) { refuse(d, '-800001', 'AFTERCARE_COPNO_REQUIRED'); continue; }
      const rows = (d.entity.DeliveryList as Head[] | undefined) ?? [];
      if (!rows.length) { refuse(d, '-800000', 'AFTERCARE_DELIVERY_EMPTY'); continue; }
      if (d.appType === '3') continue;
      // Each waybill is a direct-purchase parcel the platform holds (CEB511), or an inbound
      // consignment announced for a bonded warehouse (the bonded ledger's notices).
      const code = str(d.head.logisticsCode);
      const nos = rows.map((r) => str(r.logisticsNo));
      const keys = nos.map((n) => importWaybillKey(code, n));
      const parcels = new Set((await trx.selectFrom('ceb_documents').select('doc_key').where('doc_key', 'in', keys).where('state', '!=', 'deleted').execute()).map((r) => r.doc_key));
      const rest = nos.filter((n, i) => !parcels.has(keys[i]!));
      const announced = rest.length && options.announced ? await options.announced(trx, str(d.head.operatorCode), code, rest) : new Set<string>();
      const unknown = rest.filter((n) => !announced.has(n));
      // -800000 入库明细单表体信息不存在: the listed waybills are not known.
      if (unknown.length) refuse(d, '-800000', 'AFTERCARE_DELIVERY_UNKNOWN', { waybills: unknown.slice(0, 20).join(', ') });
    }
    return refusals;
  }
  if (kind.part === 'tally' || !docs.length) return refusals;

  const direction = kind.direction;
  const lists = await listsByInvtNo(trx, direction, docs.map((d) => str(d.head.invtNo)));
  const existing = await trx.selectFrom('ceb_documents').select(['id', 'doc_key', 'state']).where('doc_key', 'in', docs.map((d) => kind.key(d.head))).execute();
  const idOf = new Map(existing.map((r) => [r.doc_key, r.id]));
  // A second application under the same key is the intake's duplicate (customs' -623009/-625022).
  const taken = new Set(existing.filter((r) => r.state !== 'deleted').map((r) => r.doc_key));
  const docIds = new Set(idOf.values());
  const decided = new Map((await trx.selectFrom('list_returns').select(['document_id', 'state']).where('document_id', 'in', docIds.size ? [...docIds] : ['\u0000']).execute()).map((r) => [r.document_id, r.state]));
  // Quantities other applications already take (this document's own earlier version excluded).
  const held = await returnedSoFar(trx, [...lists.values()].map((f) => f.list.id), docIds);
  // Other applications standing on the lists: a cancellation and a return may not both undo one list.
  const standing = new Map<string, Set<string>>();
  const listIds = [...lists.values()].map((f) => f.list.id);
  for (const r of listIds.length ? await trx.selectFrom('list_returns').select(['inventory_id', 'kind', 'document_id']).where('inventory_id', 'in', listIds).where('state', 'in', ['applied', 'approved']).execute() : []) {
    if (docIds.has(r.document_id)) continue;
    standing.set(r.inventory_id, new Set([...(standing.get(r.inventory_id) ?? []), r.kind]));
  }
  // Quantities asked in this batch so far, per list line (repeated lines and several applications at once).
  const asked = new Map<string, bigint>();
  for (const d of docs) {
    const invtNo = str(d.head.invtNo);
    // A decided application can no longer be changed or withdrawn.
    const state = decided.get(idOf.get(kind.key(d.head)) ?? '');
    // A refused one may be changed (appType 2) and filed again; an approved one is final.
    if (d.appType !== '1' && state === 'approved') { refuse(d, c.decided, 'AFTERCARE_DECIDED', { invtNo }); continue; }
    if (d.appType === '3' || (d.appType === '1' && taken.has(kind.key(d.head)))) continue;
    const facts = lists.get(invtNo);
    if (!facts) { refuse(d, c.noList, 'AFTERCARE_NO_LIST', { invtNo }); continue; }
    const list = facts.list;
    const lh = (JSON.parse(list.body) as { InventoryHead: Head }).InventoryHead;
    // The filer must be the list's e-commerce enterprise or its declarant, and say so.
    const parties = new Set([str(lh.ebcCode), str(lh.agentCode)]);
    if (![...filerCodes].some((x) => parties.has(x)) || !parties.has(str(d.head.ebcCode)) && !parties.has(str(d.head.agentCode))) {
      refuse(d, c.noAuth, 'AFTERCARE_NOT_YOUR_LIST', { invtNo });
      continue;
    }
    // The application repeats the list's keys; a difference is named field by field.
    const same = direction === 'import' ? ['orderNo', 'ebpCode', 'ebcCode', 'logisticsNo', 'logisticsCode', 'buyerIdNumber'] : ['ebcCode'];
    const differs = same.find((f) => d.head[f] !== undefined && str(d.head[f]) !== str(lh[f]));
    if (differs) { refuse(d, c.mismatch, 'AFTERCARE_FIELD_DIFFERS', { invtNo, field: differs, expected: str(lh[differs]), found: str(d.head[differs]) }); continue; }
    if (!UNDOABLE[type]!.has(list.state)) { refuse(d, c.state, 'AFTERCARE_LIST_STATE', { invtNo, state: list.state }); continue; }
    const other = standing.get(list.id);
    if (kind.part === 'cancel' ? other?.size : other?.has('cancel')) { refuse(d, c.state, 'AFTERCARE_OTHER_STANDING', { invtNo }); continue; }
    if (kind.part !== 'refund') continue;
    const releasedAt = facts.releasedAt ?? list.updated_at;
    const applyBy = direction === 'import' ? addDays(releasedAt, IMPORT_RETURN_DAYS) : addMonths(releasedAt, 12 * EXPORT_RETURN_YEARS);
    // Counted in Beijing calendar days: the whole last day counts.
    if (beijingDay(at.toISOString()) > beijingDay(applyBy)) {
      refuse(d, c.state, 'AFTERCARE_RETURN_LATE', { invtNo, released: beijingDay(releasedAt), by: beijingDay(applyBy) });
      continue;
    }
    const own = linesOf(list);
    for (const r of (d.entity.InvtRefundList as Head[] | undefined) ?? []) {
      const gnum = str(r.gnum);
      const line = own.get(gnum);
      if (!line) { refuse(d, c.mismatch, 'AFTERCARE_NO_LINE', { invtNo, gnum }); break; }
      if (str(r.gcode) !== str(line.gcode)) { refuse(d, c.mismatch, 'AFTERCARE_FIELD_DIFFERS', { invtNo, field: `InvtRefundList[${gnum}]/gcode`, expected: str(line.gcode), found: str(r.gcode) }); break; }
      const qty = units(str(r.qty)) ?? 0n;
      const k = `${list.id}|${gnum}`;
      const left = (units(str(line.qty)) ?? 0n) - (held.get(k) ?? 0n) - (asked.get(k) ?? 0n);
      if (qty <= 0n || qty > left) { refuse(d, c.mismatch, 'AFTERCARE_RETURN_QTY', { invtNo, gnum, qty: str(r.qty), left: showUnits(left > 0n ? left : 0n) }); break; }
      asked.set(k, (asked.get(k) ?? 0n) + qty);
    }
  }
  return refusals;
}

/** What an accepted application records: one list_returns row per cancellation or return. */
export async function recordApplications(trx: Kysely<Database>, kind: Kind, rows: readonly { id: string; enterprise_id: string; audience: string; body: string; app_type: string }[], at: Date): Promise<{ list: InventoryRow; row: ListReturnRow }[]> {
  if (kind.part !== 'cancel' && kind.part !== 'refund') return [];
  const iso = at.toISOString();
  const heads = rows.map((r) => {
    const entity = JSON.parse(r.body) as Head;
    return { r, entity, head: (kind.head ? entity[kind.head] : entity) as Head };
  });
  const lists = await listsByInvtNo(trx, kind.direction, heads.map((h) => str(h.head.invtNo)));
  const out: { list: InventoryRow; row: ListReturnRow }[] = [];
  for (const { r, entity, head } of heads) {
    const facts = lists.get(str(head.invtNo));
    if (!facts) continue;
    const list = facts.list;
    const releasedAt = facts.releasedAt ?? list.updated_at;
    const own = linesOf(list);
    const listed = kind.part === 'cancel' ? [...own.values()].map((l) => ({ gnum: str(l.gnum), qty: str(l.qty) })) : ((entity.InvtRefundList as Head[] | undefined) ?? []).map((l) => ({ gnum: str(l.gnum), qty: str(l.qty) }));
    const lines: ReturnLine[] = listed.map((x) => {
      const l = own.get(x.gnum) ?? {};
      const of = units(str(l.qty)) ?? 0n;
      const total = units(str(l.totalPrice)) ?? 0n;
      const q = units(x.qty) ?? 0n;
      // The returned share of the line's value, in fen, half-up (5-decimal units: 1 fen = 1000).
      const valueFen = of > 0n ? Number(roundHalfUp(total * q, of * 1000n)) : 0;
      return { gnum: x.gnum, gcode: str(l.gcode), gname: str(l.gname), qty: x.qty, of: str(l.qty), valueFen };
    });
    const whole = kind.part === 'cancel' || [...own.values()].every((l) => {
      const back = lines.filter((x) => x.gnum === str(l.gnum)).reduce((s, x) => s + (units(x.qty) ?? 0n), 0n);
      return back >= (units(str(l.qty)) ?? 0n);
    });
    const row: ListReturnRow = {
      id: newSeqId(), document_id: r.id, message_type: kind.messageType, kind: kind.part === 'cancel' ? 'cancel' : 'return', direction: kind.direction,
      inventory_id: list.id, invt_no: list.invt_no!, enterprise_id: r.enterprise_id, state: 'applied', lines: JSON.stringify(lines), whole: whole ? 1 : 0,
      value_fen: lines.reduce((s, l) => s + l.valueFen, 0), quota_fen: null, tax_fen: null, released_at: releasedAt, applied_at: iso,
      apply_by: kind.part === 'cancel' ? releasedAt : kind.direction === 'import' ? addDays(releasedAt, IMPORT_RETURN_DAYS) : addMonths(releasedAt, 12 * EXPORT_RETURN_YEARS),
      goods_back_by: kind.part === 'refund' && kind.direction === 'import' ? addDays(releasedAt, IMPORT_GOODS_BACK_DAYS) : null,
      tax_free_until: kind.part === 'refund' && kind.direction === 'export' ? addMonths(releasedAt, EXPORT_TAX_FREE.months) : null,
      tax_free: null, decided_at: null, reason: str(head.reason), audience: JSON.stringify([...new Set([...JSON.parse(list.audience) as string[], ...JSON.parse(r.audience) as string[]])]),
    };
    // A change (appType 2) replaces the application it changes.
    await trx.deleteFrom('list_returns').where('document_id', '=', r.id).execute();
    await trx.insertInto('list_returns').values(row).execute();
    out.push({ list, row });
  }
  return out;
}

/** A withdrawn application (appType 3) stops counting against the list's quantities. */
export async function withdrawApplications(trx: Kysely<Database>, documentIds: readonly string[], at: Date): Promise<void> {
  if (!documentIds.length) return;
  await trx.updateTable('list_returns').set({ state: 'withdrawn', decided_at: at.toISOString() }).where('document_id', 'in', [...documentIds]).where('state', '=', 'applied').execute();
}

export interface Decision {
  readonly row: ListReturnRow;
  readonly list: InventoryRow;
  /** The list's next state when the whole list is undone ('cancelled' | 'refunded'), else undefined. */
  readonly listState: 'cancelled' | 'refunded' | undefined;
  /** Quota given back to the buyer: key `${buyer}|${year}` and fen. */
  readonly quota?: { readonly key: string; readonly fen: number };
}

/**
 * Customs decided applications (399 审结 / 800 放行 approves, 100 or a negative code refuses): the
 * rows are updated, and for each approval the caller gets the list's new state and the quota to give back.
 */
export async function decideApplications(trx: Kysely<Database>, decisions: ReadonlyMap<string, 'approved' | 'refused'>, at: Date): Promise<Decision[]> {
  if (!decisions.size) return [];
  const iso = at.toISOString();
  const rows = await trx.selectFrom('list_returns').selectAll().where('document_id', 'in', [...decisions.keys()]).where('state', '=', 'applied').execute();
  if (!rows.length) return [];
  const lists = new Map((await trx.selectFrom('inventories').selectAll().where('id', 'in', rows.map((r) => r.inventory_id)).execute()).map((l) => [l.id, l]));
  const parcels = new Map((await trx.selectFrom('parcels').selectAll().where('id', 'in', [...lists.values()].map((l) => l.parcel_id)).execute()).map((x) => [x.id, x]));
  const bills = await trx.selectFrom('tax_bills').select(['invt_no', 'customs_tax_fen', 'vat_fen', 'ct_fen']).where('invt_no', 'in', rows.map((r) => r.invt_no)).where('status', '!=', '3').execute();
  // What approved applications already gave back on these lists: never more than the whole in total.
  const given = new Map<string, { quota: number; tax: number }>();
  for (const g of await trx.selectFrom('list_returns').select(['inventory_id', 'quota_fen', 'tax_fen']).where('inventory_id', 'in', rows.map((r) => r.inventory_id)).where('state', '=', 'approved').execute()) {
    const t = given.get(g.inventory_id) ?? { quota: 0, tax: 0 };
    given.set(g.inventory_id, { quota: t.quota + Number(g.quota_fen ?? 0), tax: t.tax + Number(g.tax_fen ?? 0) });
  }
  const tax = new Map<string, number>();
  for (const b of bills) tax.set(b.invt_no, (tax.get(b.invt_no) ?? 0) + Number(b.customs_tax_fen) + Number(b.vat_fen) + Number(b.ct_fen));
  const out: Decision[] = [];
  for (const row of rows) {
    const verdict = decisions.get(row.document_id)!;
    const list = lists.get(row.inventory_id);
    if (!list) continue;
    if (verdict === 'refused') {
      await trx.updateTable('list_returns').set({ state: 'refused', decided_at: iso }).where('id', '=', row.id).execute();
      continue;
    }
    const update: Partial<ListReturnRow> = { state: 'approved', decided_at: iso };
    let quota: Decision['quota'];
    if (row.direction === 'import') {
      // The buyer's annual total and the tax are given back: whole, or the returned goods' share.
      const parcel = parcels.get(list.parcel_id);
      const goods = linesOf(list);
      const goodsFen = [...goods.values()].reduce((s, l) => s + Number(roundHalfUp(units(str(l.totalPrice)) ?? 0n, 1000n)), 0);
      const share = (fen: number): number => (row.whole || goodsFen === 0 ? fen : Number(roundHalfUp(BigInt(fen) * BigInt(Number(row.value_fen)), BigInt(goodsFen))));
      const before = given.get(row.inventory_id) ?? { quota: 0, tax: 0 };
      if (parcel?.buyer_key && parcel.value_fen !== null && parcel.year !== null) {
        const fen = Math.max(0, Math.min(share(Number(parcel.value_fen)), Number(parcel.value_fen) - before.quota));
        update.quota_fen = fen;
        quota = { key: `${parcel.buyer_key}|${parcel.year}`, fen };
      }
      const billed = tax.get(row.invt_no);
      if (billed !== undefined) update.tax_fen = Math.max(0, Math.min(share(billed), billed - before.tax));
      given.set(row.inventory_id, { quota: before.quota + Number(update.quota_fen ?? 0), tax: before.tax + Number(update.tax_fen ?? 0) });
    } else if (row.kind === 'return') {
      // 2023年第4号/第34号: exported in the window and back within six months → no import taxes.
      const exported = beijingDay(row.released_at);
      const inWindow = exported >= EXPORT_TAX_FREE.exportedFrom && exported <= EXPORT_TAX_FREE.exportedUntil;
      update.tax_free = inWindow && iso <= (row.tax_free_until ?? '') ? 1 : 0;
    }
    await trx.updateTable('list_returns').set(update).where('id', '=', row.id).execute();
    out.push({ row: { ...row, ...update } as ListReturnRow, list, listState: row.whole ? (row.kind === 'cancel' ? 'cancelled' : 'refunded') : undefined, ...(quota ? { quota } : {}) });
  }
  return out;
}
