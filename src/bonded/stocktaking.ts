// Stock-taking (盘点) on an account: the period report per e-commerce enterprise and item (opening
// balance, entries, exits, adjustments, closing balance, reserved), the warehouse operator's counted
// quantities against the book, and the only way to correct the book — an adjustment with a reason,
// journalled and written to the audit trail.

import { AppError, invalid, issue, type Issue } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { parseCsv } from '../kernel/csv.js';
import { dayEnd, dayStart } from './period.js';
import { formatQty, parseQty, parseSignedQty, unitsOf, type Units } from './quantity.js';
import * as repo from './repository.js';
import { operates, toMovement, type BondedDeps, type Caller } from './service.js';
import type { BondedAccountTable, BondedCountTable } from './table.js';

export interface CountLine {
  readonly ebcCode: string;
  readonly itemNo: string;
  /** The counted quantity, decimal text (0 allowed: nothing found). */
  readonly qty: string;
}

/** Counts from CSV with the columns ebcCode, itemNo, qty (countedQty accepted for qty). */
export function countsFromCsv(text: string): CountLine[] {
  return parseCsv(text).map((r) => ({ ebcCode: r.ebcCode ?? '', itemNo: r.itemNo ?? '', qty: r.qty ?? r.countedQty ?? '' }));
}

export function checkCountLines(lines: readonly CountLine[]): Issue[] {
  const out: Issue[] = [];
  const seen = new Map<string, number>();
  lines.forEach((l, i) => {
    const at = (f: string) => `/lines/${i}/${f}`;
    if (!l.ebcCode) out.push(issue('REQUIRED', at('ebcCode'), { field: at('ebcCode') }));
    if (!l.itemNo) out.push(issue('REQUIRED', at('itemNo'), { field: at('itemNo') }));
    const key = `${l.ebcCode}|${l.itemNo}`;
    const prev = seen.get(key);
    if (prev !== undefined) out.push(issue('BONDED_ITEM_DUPLICATE', at('itemNo'), { value: l.itemNo, first: prev }));
    seen.set(key, i);
    if (parseQty(l.qty) === undefined) out.push(issue('BONDED_QTY', at('qty'), { field: at('qty'), value: l.qty }));
  });
  return out;
}

const toCount = (c: BondedCountTable) => {
  const counted = unitsOf(c.counted_qty);
  const book = unitsOf(c.book_qty);
  return { countId: c.id, batchId: c.batch_id, ebcCode: c.ebc_code, itemNo: c.item_no, countedAt: c.counted_at, counted: formatQty(counted), book: formatQty(book), difference: formatQty(counted - book), uploadedBy: c.uploaded_by };
};

export type Stocktaking = ReturnType<typeof createStocktaking>;

export function createStocktaking(deps: BondedDeps) {
  const { db } = deps.store;
  const now = deps.now ?? (() => new Date());

  async function account(areaCode: string, emsNo: string): Promise<BondedAccountTable> {
    const a = await repo.findAccount(db, areaCode, emsNo);
    if (!a) throw new AppError('not_found', 'BONDED_ACCOUNT_NOT_FOUND', { areaCode, emsNo });
    return a;
  }
  const operatorOnly = (c: Caller, a: BondedAccountTable) => {
    if (!operates(c, a)) throw new AppError('forbidden', 'BONDED_NOT_OPERATOR', { emsNo: a.ems_no });
  };

  return {
    /**
     * The stock-taking report of an account for a period of Beijing days: per enterprise and item
     * the opening balance, entries, exits and adjustments in the period, the closing balance
     * (opening + entries − exits + adjustments), what lists still held at the end, and the latest
     * count in the period against the book at the moment counted. An e-commerce enterprise that
     * does not operate the account sees its own items only.
     */
    async report(c: Caller, q: { areaCode: string; emsNo: string; from: string; to: string; ebcCode?: string | undefined }) {
      const a = await account(q.areaCode, q.emsNo);
      let ebcCode = q.ebcCode;
      if (c.kind === 'enterprise' && !operates(c, a)) {
        if (ebcCode && ebcCode !== c.code) throw new AppError('forbidden', 'BONDED_EBC_ONLY_OWN', { code: c.code });
        ebcCode = c.code;
      }
      if (q.from > q.to) throw invalid([issue('BONDED_PERIOD', '/querystring/from', { from: q.from, to: q.to })]);
      const start = dayStart(q.from);
      const end = dayEnd(q.to);
      const [sums, stock, counts] = await Promise.all([
        repo.periodSums(db, a.id, ebcCode, start, end), repo.stockOfAccount(db, a.id, ebcCode), repo.countsIn(db, a.id, ebcCode, start, end),
      ]);
      const key = (e: string, i: string) => `${e}\u0000${i}`;
      const items = new Map(stock.map((s) => [key(s.ebc_code, s.item_no), s]));
      const sumsBy = new Map(sums.map((s) => [key(s.ebc_code, s.item_no), s]));
      // The latest count of each item in the period (counts come oldest first).
      const lastCount = new Map(counts.map((n) => [key(n.ebc_code, n.item_no), n]));
      const keys = [...new Set([...sumsBy.keys(), ...lastCount.keys()])].sort();
      return {
        account: { areaCode: a.area_code, areaName: a.area_name, emsNo: a.ems_no }, from: q.from, to: q.to,
        items: keys.map((k) => {
          const s = sumsBy.get(k);
          const n = lastCount.get(k);
          const item = items.get(k);
          const [ebc, itemNo] = k.split('\u0000') as [string, string];
          const opening: Units = s?.opening ?? 0n;
          const closing = opening + (s?.entries ?? 0n) - (s?.exits ?? 0n) + (s?.adjustments ?? 0n);
          const reserved = s?.reserved ?? 0n;
          return {
            ebcCode: ebc, itemNo, gcode: item?.gcode ?? null, gname: item?.gname ?? null, unit: item?.unit ?? null,
            opening: formatQty(opening), entries: formatQty(s?.entries ?? 0n), exits: formatQty(s?.exits ?? 0n), adjustments: formatQty(s?.adjustments ?? 0n),
            closing: formatQty(closing), reserved: formatQty(reserved), available: formatQty(closing - reserved),
            count: n ? toCount(n) : null,
          };
        }),
        counts: counts.map(toCount),
      };
    },

    /**
     * The warehouse operator's counted quantities (one stock-taking, all lines or none), each kept
     * with the book quantity at the moment counted and the difference. Changes no balance.
     */
    async uploadCounts(c: Caller, input: { areaCode: string; emsNo: string; countedAt?: string | undefined; lines: readonly CountLine[] }, path = '') {
      const a = await account(input.areaCode, input.emsNo);
      operatorOnly(c, a);
      const problems = checkCountLines(input.lines).map((i) => ({ ...i, path: path + i.path }));
      const countedAt = input.countedAt === undefined ? now() : new Date(input.countedAt);
      if (Number.isNaN(countedAt.getTime())) problems.push(issue('PATTERN', `${path}/countedAt`, { field: 'countedAt' }));
      if (!input.lines.length) problems.push(issue('REQUIRED', `${path}/lines`, { field: 'lines' }));
      if (problems.length) throw invalid(problems);
      const at = countedAt.toISOString();
      const batchId = newId();
      const uploadedAt = now().toISOString();
      const rows = await db.transaction().execute(async (trx) => {
        const out: BondedCountTable[] = [];
        for (const l of input.lines) {
          const book = await repo.bookAt(trx, { accountId: a.id, ebcCode: l.ebcCode, itemNo: l.itemNo }, at);
          out.push({
            id: newId(), batch_id: batchId, account_id: a.id, ebc_code: l.ebcCode, item_no: l.itemNo, counted_qty: parseQty(l.qty)!.toString(), book_qty: book.toString(),
            counted_at: at, uploaded_at: uploadedAt, uploaded_by: c.actor,
          });
        }
        await repo.insertCounts(trx, out);
        return out;
      });
      const lines = rows.map(toCount);
      return { batchId, countedAt: at, lines, differences: lines.filter((l) => l.difference !== '0').length };
    },

    /**
     * Corrects the book of one item by a signed quantity, for a stated reason (and, when it settles
     * a count, that count). Refused when the book would go below zero or below what is reserved.
     * An item not yet on the book is opened by a positive adjustment that names its goods.
     */
    async adjust(c: Caller, input: {
      areaCode: string; emsNo: string; ebcCode: string; itemNo: string; qty: string; reason: string;
      countId?: string | undefined; gcode?: string | undefined; gname?: string | undefined; unit?: string | undefined;
    }) {
      const a = await account(input.areaCode, input.emsNo);
      operatorOnly(c, a);
      const qty = parseSignedQty(input.qty);
      const problems: Issue[] = [];
      if (qty === undefined || qty === 0n) problems.push(issue('BONDED_ADJUST_QTY', '/qty', { value: input.qty }));
      if (!input.reason.trim()) problems.push(issue('REQUIRED', '/reason', { field: 'reason' }));
      if (input.gcode !== undefined && !/^\d{10}$/.test(input.gcode)) problems.push(issue('PRODUCT_GCODE', '/gcode', { value: input.gcode }));
      if (problems.length) throw invalid(problems);
      const key = { accountId: a.id, ebcCode: input.ebcCode, itemNo: input.itemNo };
      if (input.countId) {
        const n = await repo.countById(db, input.countId);
        if (!n) throw new AppError('not_found', 'BONDED_COUNT_NOT_FOUND', { value: input.countId });
        if (n.account_id !== a.id || n.ebc_code !== input.ebcCode || n.item_no !== input.itemNo) throw invalid([issue('BONDED_COUNT_OTHER_ITEM', '/countId', { value: input.countId })]);
      }
      const at = now().toISOString();
      const d = qty!;
      const movement = await db.transaction().execute(async (trx) => {
        const row = await repo.stockRow(trx, key);
        if (!row) {
          if (d < 0n || !input.gcode || !input.gname || !input.unit) throw invalid([issue('BONDED_ITEM_NOT_ON_BOOK', '/itemNo', { emsNo: a.ems_no, ebcCode: input.ebcCode, itemNo: input.itemNo })]);
          await repo.openBalance(trx, key, { gcode: input.gcode, gname: input.gname, unit: input.unit }, at);
        } else if (input.gcode && input.gcode !== row.gcode) {
          throw invalid([issue('BONDED_GCODE_MISMATCH', '/gcode', { itemNo: input.itemNo, booked: row.gcode, given: input.gcode })]);
        }
        const m = await repo.move(trx, key, { onHand: d, reserved: 0n }, { at, kind: 'adjustment', ref: input.countId ?? 'manual', actor: c.actor, reason: input.reason.trim() });
        if (!m) {
          const b = await repo.stockRow(trx, key);
          throw new AppError('conflict', 'BONDED_ADJUST_BELOW', { itemNo: input.itemNo, qty: formatQty(d), onHand: formatQty(unitsOf(b?.on_hand)), reserved: formatQty(unitsOf(b?.reserved)) });
        }
        await repo.insertAudit(trx, {
          id: newId(), at, actor: c.actor, entity: 'bonded_stock', entity_id: `${a.id}|${input.ebcCode}|${input.itemNo}`, action: 'adjust',
          detail: JSON.stringify({ movementId: m.id, areaCode: a.area_code, emsNo: a.ems_no, qty: formatQty(d), reason: input.reason.trim(), countId: input.countId ?? null }),
        });
        return m;
      });
      return toMovement(movement, a);
    },
  };
}
