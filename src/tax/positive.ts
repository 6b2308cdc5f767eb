// The 跨境电子商务零售进口商品清单 (positive list) as data with effective dates: 8-digit tariff
// lines with their remarks — 仅限网购保税进口 (bonded 1210/1239 only) and quantity limits. Matching
// refuses a good not on the list, or beyond a remark, with the reason (cbec-rules §3.4).
//
// The seed (data/positive-list.csv) holds only the lines the demo catalogue uses and the two
// quantity remarks the reference cites (糖类 ≤ 2 kg); the zone office imports the official list.
// A quantity remark is a per-person annual limit in the list; it is checked here per order.

import { parseCsv } from '../kernel/csv.js';
import { multiplyDecimal, parseDecimal } from '../kernel/money.js';
import type { Order } from '../ceb/model/import-202205.js';
import type { ItemRecord } from '../clearance/inventory.js';
import { mismatch, type Mismatch } from '../clearance/match/mismatch.js';
import { RateTableError, dayOf, isDay, todayInBeijing } from './rates.js';

export interface ListLine {
  readonly hs8: string;
  readonly name: string;
  readonly from: string;
  readonly to: string | null;
  readonly bondedOnly: boolean;
  /** Quantity limit in the legal unit `maxQtyUnit` (JGS-20 code), exact decimal text. */
  readonly maxQty: string | null;
  readonly maxQtyUnit: string | null;
  readonly remark: string;
}

export interface PositiveList {
  readonly lines: readonly ListLine[];
  find(gcode: string, day: string): ListLine | undefined;
}

const DAY = { test: isDay };

/** Reads the CSV (hs8,name,from,to,bonded_only,max_qty,max_qty_unit,remark); all rows or none. */
export function parsePositiveList(csv: string): ListLine[] {
  const problems: string[] = [];
  const lines = parseCsv(csv).map((r, i) => {
    const bad = (what: string) => problems.push(`line ${i + 2}: ${what}`);
    if (!/^\d{8}$/.test(r.hs8 ?? '')) bad(`hs8 must be 8 digits, got "${r.hs8 ?? ''}"`);
    if (!DAY.test(r.from ?? '')) bad(`from must be YYYY-MM-DD, got "${r.from ?? ''}"`);
    if (r.to && (!DAY.test(r.to) || r.to <= (r.from ?? ''))) bad(`to must be a later YYYY-MM-DD, got "${r.to}"`);
    if (!['', '0', '1'].includes(r.bonded_only ?? '')) bad(`bonded_only must be 0 or 1, got "${r.bonded_only}"`);
    if ((r.max_qty ? 1 : 0) !== (r.max_qty_unit ? 1 : 0)) bad('max_qty and max_qty_unit go together');
    if (r.max_qty && !/^\d+(\.\d+)?$/.test(r.max_qty)) bad(`max_qty must be a quantity, got "${r.max_qty}"`);
    return { hs8: r.hs8 ?? '', name: r.name ?? '', from: r.from ?? '', to: r.to || null, bondedOnly: r.bonded_only === '1', maxQty: r.max_qty || null, maxQtyUnit: r.max_qty_unit || null, remark: r.remark ?? '' };
  });
  const seen = new Map<string, ListLine[]>();
  for (const l of lines) seen.set(l.hs8, [...(seen.get(l.hs8) ?? []), l]);
  for (const [hs8, ls] of seen) {
    const sorted = [...ls].sort((a, b) => (a.from < b.from ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) if (sorted[i - 1]!.to === null || sorted[i - 1]!.to! > sorted[i]!.from) problems.push(`hs8 ${hs8}: periods overlap`);
  }
  if (problems.length) throw new RateTableError(problems);
  return lines;
}

export function positiveList(lines: readonly ListLine[]): PositiveList {
  const by = new Map<string, ListLine[]>();
  for (const l of lines) by.set(l.hs8, [...(by.get(l.hs8) ?? []), l]);
  return { lines, find: (gcode, day) => by.get(gcode.slice(0, 8))?.find((l) => l.from <= day && (l.to === null || day < l.to)) };
}

export type PositiveListCheck = (order: Order, items: ReadonlyMap<string, ItemRecord>, tradeMode: string) => Mismatch[];

export function createPositiveListCheck(list: () => PositiveList): PositiveListCheck {
  return (order, items, tradeMode) => {
    const h = order.OrderHead;
    const day = dayOf(h.appTime) ?? todayInBeijing();
    const table = list();
    const out: Mismatch[] = [];
    // Quantities per list line, in the remark's unit, summed over the order's lines.
    const qty = new Map<string, { units: bigint; scale: number; line: ListLine; at: number }>();
    order.OrderList.forEach((l, i) => {
      const rec = l.itemNo ? items.get(l.itemNo) : undefined;
      if (!rec) return; // a missing record is its own mismatch
      const field = `OrderList/${i}/itemNo`;
      const entry = table.find(rec.gcode, day);
      if (!entry) {
        out.push(mismatch('MATCH_NOT_ON_LIST', 'positive_list', null, 'CEB311Message', field, `${rec.gcode.slice(0, 8)} on the list`, `${l.itemNo} ${rec.gcode}`));
        return;
      }
      if (entry.bondedOnly && tradeMode !== '1210' && tradeMode !== '1239') {
        out.push(mismatch('MATCH_BONDED_ONLY', 'positive_list_remark', null, 'CEB311Message', field, '1210/1239', tradeMode));
      }
      if (entry.maxQty && entry.maxQtyUnit) {
        const legal = rec.unit1 === entry.maxQtyUnit ? multiplyDecimal(l.qty, rec.qty1PerUnit) : rec.unit2 === entry.maxQtyUnit && rec.qty2PerUnit ? multiplyDecimal(l.qty, rec.qty2PerUnit) : undefined;
        if (!legal) return;
        const prev = qty.get(entry.hs8);
        if (!prev) qty.set(entry.hs8, { ...legal, line: entry, at: i });
        else {
          const scale = Math.max(prev.scale, legal.scale);
          qty.set(entry.hs8, { units: prev.units * 10n ** BigInt(scale - prev.scale) + legal.units * 10n ** BigInt(scale - legal.scale), scale, line: entry, at: prev.at });
        }
      }
    });
    for (const { units, scale, line, at } of qty.values()) {
      const max = parseDecimal(line.maxQty!);
      const s = Math.max(scale, max.scale);
      if (units * 10n ** BigInt(s - scale) > max.units * 10n ** BigInt(s - max.scale)) {
        const shown = (units * 10n ** BigInt(s - scale)).toString().padStart(s + 1, '0');
        out.push(mismatch('MATCH_LIST_QUANTITY', 'positive_list_remark', null, 'CEB311Message', `OrderList/${at}/qty`, `≤ ${line.maxQty} (${line.remark || line.name})`, s ? `${shown.slice(0, -s)}.${shown.slice(-s)}` : shown));
      }
    }
    return out;
  };
}

/**
 * A 10-digit code's standing on the list in force today, for risk control: 'off' when not on it,
 * 'restricted' when its line carries a remark that limits it (bonded only, a quantity limit), else 'listed'.
 */
export function goodsStatusOf(list: PositiveList, gcode: string, day = todayInBeijing()): 'listed' | 'restricted' | 'off' | undefined {
  if (!/^\d{8,10}$/.test(gcode)) return undefined;
  const line = list.find(gcode, day);
  if (!line) return 'off';
  return line.bondedOnly || line.maxQty !== null ? 'restricted' : 'listed';
}
