// The tax check of 三单对碰: the order's taxTotal must be the comprehensive tax the engine computes
// for it (its lines through the product records, freight, the waybill's insurance). Where a line has
// no record or no rate, or the order is over a limit (refused by its own rule), nothing is claimed.

import type { Logistics, Order } from '../ceb/model/import-202205.js';
import { fenToYuan, yuanToFenHalfUp } from '../kernel/money.js';
import { mismatch, type Mismatch } from '../clearance/match/mismatch.js';
import type { ItemRecord } from '../clearance/inventory.js';
import { quoteTax, type TaxLineInput } from './compute.js';
import { dayOf, lineRates, todayInBeijing, type RateTable } from './rates.js';
import { priceBelow } from './quote.js';

export type TaxCheck = (docs: { readonly order: Order; readonly waybill: Logistics }, items: ReadonlyMap<string, ItemRecord>, yearToDateFen: number) => Mismatch | undefined;

export function createTaxCheck(rates: () => RateTable): TaxCheck {
  return ({ order, waybill }, items, yearToDateFen) => {
    try {
      return check(order, waybill, items, yearToDateFen, rates());
    } catch {
      // An amount beyond what the engine takes (N19,5 allows 14 integer digits) is the limits' business.
      return undefined;
    }
  };
}

function check(order: Order, waybill: Logistics, items: ReadonlyMap<string, ItemRecord>, yearToDateFen: number, table: RateTable): Mismatch | undefined {
  const h = order.OrderHead;
  // 无则填写“0” (CEB311 taxTotal): an enterprise that does not withhold the tax states none — nothing to check.
  const found = yuanToFenHalfUp(h.taxTotal || '0');
  if (found === 0) return undefined;
  const day = dayOf(h.appTime) ?? todayInBeijing();
  const lines: TaxLineInput[] = [];
  for (const l of order.OrderList) {
    const rec = l.itemNo ? items.get(l.itemNo) : undefined;
    const entry = rec ? table.find(rec.gcode, day) : undefined;
    if (!rec || !entry) return undefined;
    // A specific consumption tax needs the legal quantity, which the record gives per piece.
    if (entry.specificFenPerUnit !== null) return undefined;
    let below: boolean | undefined;
    if (entry.consumption && entry.thresholds.length) {
      const t = rec.content && entry.thresholds.find((x) => x.unit === rec.content!.unit);
      if (!rec.content || !t) return undefined;
      below = priceBelow(l.price, rec.content.amount, t.fenPerUnit);
    }
    lines.push({ gnum: l.gnum, valueFen: yuanToFenHalfUp(l.totalPrice), qty: l.qty, rates: lineRates(entry), ...(below !== undefined ? { belowConsumptionThreshold: below } : {}) });
  }
  // The match judges the limits on goodsValue; where the lines say otherwise the engine's P would
  // differ from it, and the amounts are the amount rules' business, not this one's.
  if (lines.reduce((t, l) => t + l.valueFen, 0) !== yuanToFenHalfUp(h.goodsValue || '0')) return undefined;
  const q = quoteTax({ lines, freightFen: yuanToFenHalfUp(h.freight || '0'), insuranceFen: yuanToFenHalfUp(waybill.LogisticsHead.insuredFee || '0'), yearToDateFen });
  if (!q.ok) return undefined;
  // Either rounding convention is accepted: once per tax on the order, or per line then summed.
  if (found === q.taxTotal || found === q.lineRoundedTotal) return undefined;
  return mismatch('MATCH_TAX_TOTAL', 'tax_total', null, 'CEB311Message', 'OrderHead/taxTotal', fenToYuan(q.taxTotal), h.taxTotal);
}
