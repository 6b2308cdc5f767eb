// The export 9610 check (cbec-rules.md §2.2): the declarant's list (CEB603) against the order
// (CEB303), the collection (CEB403) and the waybill (CEB505). Keys tie them together (orderNo +
// ebpCode, logisticsNo + logisticsCode); there are no buyer-identity checks for foreign buyers.
// The amount rule is the export analogue of import rule 3: what was collected equals the order's
// goods value plus freight.
import type { Order, Receipts, Logistics, Inventory } from '../../ceb/model/export-202205.js';
import { mismatch, showUnits, units, type MatchResult, type Mismatch } from './mismatch.js';

export interface ExportParcel {
  readonly order: Order;
  readonly receipts: Receipts;
  readonly waybill: Logistics;
  readonly inventory: Inventory;
}

const O = 'CEB303Message';
const R = 'CEB403Message';
const L = 'CEB603Message';

export function matchExport(x: ExportParcel): MatchResult {
  const out: Mismatch[] = [];
  const oh = x.order.OrderHead;
  const ih = x.inventory.InventoryHead;
  const eq = (doc: string, field: string, want: string | undefined, got: string | undefined) => {
    if ((want ?? '') !== (got ?? '')) out.push(mismatch('MATCH_FIELD', 'party', null, doc, field, want ?? '', got ?? ''));
  };
  eq(R, 'Receipts/ebcCode', oh.ebcCode, x.receipts.ebcCode);
  eq(L, 'InventoryHead/ebcCode', oh.ebcCode, ih.ebcCode);
  eq(L, 'InventoryHead/logisticsCode', x.waybill.logisticsCode, ih.logisticsCode);
  eq(L, 'InventoryHead/logisticsNo', x.waybill.logisticsNo, ih.logisticsNo);
  if (x.receipts.currency !== oh.currency) out.push(mismatch('MATCH_FIELD', 'currency', null, R, 'Receipts/currency', oh.currency, x.receipts.currency));
  const due = (units(oh.goodsValue) ?? 0n) + (units(oh.freight) ?? 0n);
  const got = units(x.receipts.charge) ?? 0n;
  if (got !== due) out.push(mismatch('MATCH_EXPORT_CHARGE', 'amount_charge', null, R, 'Receipts/charge', showUnits(due), showUnits(got)));
  // 清单 line n ↔ order line n (gnum), with the same goods and amounts.
  const lines = new Map(x.inventory.InventoryList.map((l) => [l.gnum, l]));
  for (const ol of x.order.OrderList) {
    const il = lines.get(ol.gnum);
    if (!il) {
      out.push(mismatch('MATCH_MISSING_LINE', 'line', null, L, `InventoryList[gnum=${ol.gnum}]`, `${ol.gnum} ${ol.itemName}`, '—'));
      continue;
    }
    const line = (field: string, want: string, found: string) => out.push(mismatch('MATCH_LINE', 'line', null, L, `InventoryList[gnum=${ol.gnum}]/${field}`, want, found));
    if (il.itemNo !== ol.itemNo) line('itemNo', ol.itemNo, il.itemNo);
    if (units(il.qty) !== units(ol.qty)) line('qty', ol.qty, il.qty);
    if (units(il.totalPrice) !== units(ol.totalPrice)) line('totalPrice', ol.totalPrice, il.totalPrice);
    if (il.currency !== ol.currency) line('currency', ol.currency, il.currency);
  }
  for (const il of x.inventory.InventoryList) {
    if (!x.order.OrderList.some((ol) => ol.gnum === il.gnum)) out.push(mismatch('MATCH_LINE', 'line', null, L, `InventoryList[gnum=${il.gnum}]`, '—', `${il.gnum} ${il.gname}`));
  }
  return { matched: out.length === 0, mismatches: out };
}
