// The import inventory list (申报清单, CEB621) built from the three matched documents, and the
// check of a list a declarant filed against them (cbec-rules.md §2.1 rules 1, 2, 9, 10).
import type { Inventory, InventoryList, Logistics, Order, Payment } from '../ceb/model/import-202205.js';
import { formatCustomsTime } from '../kernel/time.js';
import { newGuid } from '../kernel/ids.js';
import { formatDecimal, multiplyDecimal, roundHalfUp } from '../kernel/money.js';
import { mismatch, units, type Mismatch } from './match/mismatch.js';

export interface ItemRecord {
  readonly gcode: string;
  readonly gname: string;
  readonly unit1: string;
  /** Legal quantity per unit sold, exact decimal ("0.9" kg per tin). */
  readonly qty1PerUnit: string;
  readonly unit2: string | null;
  readonly qty2PerUnit: string | null;
  /** Content of one piece (商品备案), for consumption-tax price thresholds. */
  readonly content?: { readonly amount: string; readonly unit: 'ml' | 'g' | 'piece' };
}

export interface Declaration {
  /** 申报海关 / 口岸海关 (关区代码, C4). */
  readonly customsCode: string;
  readonly portCode: string;
  /** Customs supervision mode: 1210/1239 bonded, 9610 direct purchase. */
  readonly tradeMode: string;
  /** 运输方式 (transport-mode table). */
  readonly trafMode: string;
  /** The declarant (境内代理人 / 电商企业 / its broker). */
  readonly agentCode: string;
  readonly agentName: string;
  /** 区内企业 for bonded imports, when known. */
  readonly areaCode?: string;
  readonly areaName?: string;
  /** 账册编号 of the bonded warehouse, when known. */
  readonly emsNo?: string;
}

/** exact decimal product, at most 5 decimals kept (N19,5), rounded half-up beyond that. */
function times(a: string, b: string): string {
  let { units: u, scale } = multiplyDecimal(a, b);
  if (scale > 5) {
    u = roundHalfUp(u, 10n ** BigInt(scale - 5));
    scale = 5;
  }
  return formatDecimal({ units: u, scale });
}

export interface BuildInput {
  readonly order: Order;
  readonly payment: Payment;
  readonly waybill: Logistics;
  readonly items: ReadonlyMap<string, ItemRecord>;
  readonly declaration: Declaration;
  readonly copNo: string;
  readonly at: Date;
}

/** Lines whose item has no record (商品备案) — the list cannot be built without their HS code. */
export function missingItems(order: Order, items: ReadonlyMap<string, ItemRecord>): Mismatch[] {
  return order.OrderList.flatMap((l, i) => (l.itemNo && items.has(l.itemNo)) ? [] : [
    mismatch('MATCH_ITEM_RECORD', 'item_record', null, 'CEB311Message', `OrderList/${i}/itemNo`, l.itemNo ? `${l.itemNo} ∈ 商品备案` : 'itemNo', l.itemNo ?? '—'),
  ]);
}

export function buildInventory(input: BuildInput): Inventory {
  const { order, waybill, declaration: d } = input;
  const oh = order.OrderHead;
  const wh = waybill.LogisticsHead;
  const lines: InventoryList[] = order.OrderList.map((l) => {
    const rec = input.items.get(l.itemNo!)!;
    return {
      gnum: l.gnum, itemNo: l.itemNo, itemName: l.itemName, gcode: rec.gcode, gname: l.itemName, gmodel: l.gmodel,
      ...(l.barCode ? { barCode: l.barCode } : {}),
      country: l.country, currency: '142', qty: l.qty, unit: l.unit,
      qty1: times(l.qty, rec.qty1PerUnit), unit1: rec.unit1,
      ...(rec.unit2 && rec.qty2PerUnit ? { qty2: times(l.qty, rec.qty2PerUnit), unit2: rec.unit2 } : {}),
      price: l.price, totalPrice: l.totalPrice,
    } as InventoryList;
  });
  const head = {
    guid: newGuid(), appType: '1', appTime: formatCustomsTime(input.at), appStatus: '2',
    orderNo: oh.orderNo, ebpCode: oh.ebpCode, ebpName: oh.ebpName, ebcCode: oh.ebcCode, ebcName: oh.ebcName,
    logisticsNo: wh.logisticsNo, logisticsCode: wh.logisticsCode, logisticsName: wh.logisticsName,
    copNo: input.copNo, assureCode: oh.ebcCode,
    ...(d.emsNo ? { emsNo: d.emsNo } : {}),
    ieFlag: 'I', declTime: formatCustomsTime(input.at, 'YYYYMMDD'), customsCode: d.customsCode, portCode: d.portCode,
    buyerIdType: oh.buyerIdType, buyerIdNumber: oh.buyerIdNumber, buyerName: oh.buyerName, buyerTelephone: oh.buyerTelephone,
    consigneeAddress: oh.consigneeAddress, agentCode: d.agentCode, agentName: d.agentName,
    ...(d.areaCode ? { areaCode: d.areaCode, areaName: d.areaName ?? d.areaCode } : {}),
    tradeMode: d.tradeMode, trafMode: d.trafMode,
    ...(wh.billNo ? { billNo: wh.billNo } : {}),
    country: order.OrderList[0]?.country ?? '142',
    freight: oh.freight, insuredFee: wh.insuredFee ?? '0', currency: '142', packNo: wh.packNo,
    grossWeight: wh.weight, netWeight: wh.weight,
  };
  return { InventoryHead: head, InventoryList: lines } as unknown as Inventory;
}

/** Checks a list a declarant filed against the parcel's three documents. */
export function checkFiledInventory(inv: Inventory, order: Order, waybill: Logistics): Mismatch[] {
  const out: Mismatch[] = [];
  const ih = inv.InventoryHead;
  const oh = order.OrderHead;
  const wh = waybill.LogisticsHead;
  const T = 'CEB621Message';
  const eq = (field: string, want: string | undefined, got: string | undefined, code: string | null = null) => {
    if ((want ?? '') !== (got ?? '')) out.push(mismatch('MATCH_FIELD', 'inventory_field', code, T, `InventoryHead/${field}`, want ?? '', got ?? ''));
  };
  eq('orderNo', oh.orderNo, ih.orderNo);
  eq('ebpCode', oh.ebpCode, ih.ebpCode);
  eq('ebcCode', oh.ebcCode, ih.ebcCode);
  eq('logisticsNo', wh.logisticsNo, ih.logisticsNo);
  eq('logisticsCode', wh.logisticsCode, ih.logisticsCode);
  eq('buyerIdType', oh.buyerIdType, ih.buyerIdType);
  eq('buyerIdNumber', oh.buyerIdNumber, ih.buyerIdNumber);
  eq('buyerName', oh.buyerName, ih.buyerName);
  eq('currency', '142', ih.currency);
  eq('packNo', '1', ih.packNo);
  if (units(ih.freight) !== units(oh.freight)) eq('freight', oh.freight, ih.freight);
  const byGnum = new Map(inv.InventoryList.map((l) => [l.gnum, l]));
  order.OrderList.forEach((ol) => {
    const il = byGnum.get(ol.gnum);
    if (!il) {
      out.push(mismatch('MATCH_MISSING_LINE', 'line', null, T, `InventoryList[gnum=${ol.gnum}]`, `${ol.gnum} ${ol.itemName}`, '—'));
      return;
    }
    const line = (field: string, want: string, got: string) => {
      if (want !== got) out.push(mismatch('MATCH_LINE', 'line', null, T, `InventoryList[gnum=${ol.gnum}]/${field}`, want, got));
    };
    line('gname', ol.itemName, il.gname);
    if (units(ol.qty) !== units(il.qty)) line('qty', ol.qty, il.qty);
    if (units(ol.totalPrice) !== units(il.totalPrice)) line('totalPrice', ol.totalPrice, il.totalPrice);
  });
  for (const il of inv.InventoryList) {
    if (!order.OrderList.some((ol) => ol.gnum === il.gnum)) out.push(mismatch('MATCH_LINE', 'line', null, T, `InventoryList[gnum=${il.gnum}]`, '—', `${il.gnum} ${il.gname}`));
  }
  return out;
}
