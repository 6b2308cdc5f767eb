// Import parcels for the pipeline tests: worked example A of cbec-rules.md §3.3 (infant formula,
// goods 300 of which 30 by coupon, freight 20, tax 29.12, paid 319.12), filed by real registry
// enterprises. Each call gives fresh numbers and guids.
import { newGuid } from '../../src/kernel/ids.js';
import type { Enterprise } from '../../src/registry/model.js';
import type { Model } from '../../src/ceb/codec.js';

export interface Parties {
  readonly ebp: Enterprise;
  readonly ebc: Enterprise;
  readonly payment: Enterprise;
  readonly logistics: Enterprise;
}

let n = 0;
export const transfer = (e: Enterprise) => ({ copCode: e.customsCode!, copName: e.nameZh, dxpMode: 'DXP', dxpId: e.dxpId! });

export function parcel(p: Parties, over: { order?: Record<string, string>; payment?: Record<string, string>; waybill?: Record<string, string>; appTime?: string } = {}) {
  n += 1;
  const orderNo = `SO2026${String(Date.now()).slice(-7)}${String(n).padStart(5, '0')}`;
  const logisticsNo = `YW${String(Date.now()).slice(-6)}${String(n).padStart(6, '0')}`;
  const appTime = over.appTime ?? '20261127093000';
  // A buyer per parcel, so the annual quota (26,000) never binds unless a test wants it to; each with
  // its own telephone and address, as different households have (risk control would see one
  // consignee splitting purchases otherwise).
  const buyerId = `33078219900101${String(n % 10000).padStart(4, '0')}`;
  const phone = `138${String(n).padStart(8, '0')}`;
  const address = `浙江省金华市义乌市稠城街道${n}号`;
  const order = {
    guid: newGuid(), appType: '1', appTime, appStatus: '2', orderType: 'I', orderNo,
    ebpCode: p.ebp.customsCode!, ebpName: p.ebp.nameZh, ebcCode: p.ebc.customsCode!, ebcName: p.ebc.nameZh,
    goodsValue: '300', freight: '20', discount: '30', taxTotal: '29.12', acturalPaid: '319.12', currency: '142',
    buyerRegNo: 'u1001', buyerName: '王小明', buyerTelephone: phone, buyerIdType: '1', buyerIdNumber: buyerId,
    payCode: p.payment.customsCode!, payName: p.payment.nameZh, payTransactionId: `PAY${orderNo}`,
    consignee: '王小明', consigneeTelephone: phone, consigneeAddress: address, ...over.order,
  };
  const lines = [{ gnum: '1', itemNo: 'IF-900', itemName: '婴幼儿配方奶粉 900克', gmodel: '900g/罐', unit: '122', qty: '2', price: '150', totalPrice: '300', currency: '142', country: '304' }];
  const payment = {
    guid: newGuid(), appType: '1', appTime, appStatus: '2', payCode: p.payment.customsCode!, payName: p.payment.nameZh,
    payTransactionId: `PAY${orderNo}`, orderNo, ebpCode: p.ebp.customsCode!, ebpName: p.ebp.nameZh,
    payerIdType: '1', payerIdNumber: buyerId, payerName: '王小明', amountPaid: '319.12', currency: '142', payTime: appTime, ...over.payment,
  };
  const waybill = {
    guid: newGuid(), appType: '1', appTime, appStatus: '2', logisticsCode: p.logistics.customsCode!, logisticsName: p.logistics.nameZh,
    logisticsNo, orderNo, freight: '20', insuredFee: '0', currency: '142', weight: '2.1', packNo: '1',
    consignee: '王小明', consigneeAddress: address, consigneeTelephone: phone, ...over.waybill,
  };
  return {
    orderNo, logisticsNo,
    order: { guid: newGuid(), version: '1.0', Order: [{ OrderHead: order, OrderList: lines }], BaseTransfer: transfer(p.ebp) } as Model,
    payment: { guid: newGuid(), version: '1.0', Payment: [{ PaymentHead: payment }], BaseTransfer: transfer(p.payment) } as Model,
    waybill: { guid: newGuid(), version: '1.0', Logistics: [{ LogisticsHead: waybill }], BaseTransfer: transfer(p.logistics) } as Model,
  };
}

export const ITEM_RECORDS = [{ itemNo: 'IF-900', gcode: '1901101010', gname: '婴幼儿配方奶粉', unit1: '035', qty1PerUnit: '0.9' }];
