// 三单对碰 for retail imports (9610 直购, 1210/1239 网购保税): the order (CEB311), the payment
// (CEB411) and the waybill (CEB511) checked against each other and the buyer's quotas, every rule
// of cbec-rules.md §2.1 that the three documents can decide. A pure function: the service supplies
// what needs the database (the buyer's year-to-date total, a clash on the waybill number).
import type { Order, Payment, Logistics } from '../../ceb/model/import-202205.js';
import { fenToYuan } from '../../kernel/money.js';
import { mismatch, showUnits, units, unitsToFen, type MatchResult, type Mismatch } from './mismatch.js';

/** 财关税〔2018〕49号 §1: single transaction 5,000 RMB, per person per year 26,000 RMB (in fen). */
export const SINGLE_LIMIT_FEN = 500_000;
export const ANNUAL_LIMIT_FEN = 2_600_000;

export interface ImportMatchContext {
  /** The buyer's identity was verified by the platform (18号 art 5); then the payer may differ. */
  readonly buyerVerified?: boolean;
  /** What the buyer has already used this calendar year, in fen, not counting this parcel. */
  readonly yearToDateFen: number;
  /** Another order that used this carrier's waybill number within the last 6 months. */
  readonly waybillClash?: { readonly orderNo: string; readonly at: string };
}

export interface ImportParcel {
  readonly order: Order;
  readonly payment: Payment;
  readonly waybill: Logistics;
}

const O = 'CEB311Message';
const P = 'CEB411Message';
const W = 'CEB511Message';

/** 完税价格 P = goods value (incl. what coupons paid, rule 4) + freight + insurance (18号 art 1). */
export function dutiableFen(parcel: ImportParcel): number {
  const h = parcel.order.OrderHead;
  const u = (units(h.goodsValue) ?? 0n) + (units(h.freight) ?? 0n) + (units(parcel.waybill.LogisticsHead.insuredFee) ?? 0n);
  return unitsToFen(u);
}

/** True when the order holds exactly one indivisible item (49号 §2, the single-item exception). */
export function singleItem(order: Order): boolean {
  return order.OrderList.length === 1 && units(order.OrderList[0]!.qty) === 100000n;
}

export function matchImport(parcel: ImportParcel, ctx: ImportMatchContext): MatchResult {
  const out: Mismatch[] = [];
  const oh = parcel.order.OrderHead;
  const ph = parcel.payment.PaymentHead;
  const wh = parcel.waybill.LogisticsHead;

  // Rule 1 and 2: the keys that tie the three together.
  if (ph.orderNo !== oh.orderNo) out.push(mismatch('MATCH_FIELD', 'order_key', null, P, 'PaymentHead/orderNo', oh.orderNo, ph.orderNo));
  if (ph.ebpCode !== oh.ebpCode) out.push(mismatch('MATCH_FIELD', 'order_key', null, P, 'PaymentHead/ebpCode', oh.ebpCode, ph.ebpCode));
  if (wh.orderNo !== oh.orderNo) out.push(mismatch('MATCH_FIELD', 'order_key', null, W, 'LogisticsHead/orderNo', oh.orderNo, wh.orderNo));
  if (oh.payCode && oh.payCode !== ph.payCode) out.push(mismatch('MATCH_FIELD', 'payment_key', null, P, 'PaymentHead/payCode', oh.payCode, ph.payCode));
  if (oh.payTransactionId && oh.payTransactionId !== ph.payTransactionId) {
    out.push(mismatch('MATCH_FIELD', 'payment_key', null, P, 'PaymentHead/payTransactionId', oh.payTransactionId, ph.payTransactionId));
  }
  if (ctx.waybillClash) {
    out.push(mismatch('MATCH_WAYBILL_REUSED', 'waybill_unique', '-504015', W, 'LogisticsHead/logisticsNo', `${wh.logisticsNo} ≠ ${ctx.waybillClash.orderNo}`, `${ctx.waybillClash.orderNo} (${ctx.waybillClash.at.slice(0, 10)})`));
  }

  // Rule 3: acturalPaid = goodsValue + freight + taxTotal − discount = amountPaid.
  const paid = units(oh.acturalPaid) ?? 0n;
  const formula = (units(oh.goodsValue) ?? 0n) + (units(oh.freight) ?? 0n) + (units(oh.taxTotal) ?? 0n) - (units(oh.discount) ?? 0n);
  if (paid !== formula) out.push(mismatch('MATCH_AMOUNT_FORMULA', 'amount_formula', null, O, 'OrderHead/acturalPaid', showUnits(formula), showUnits(paid)));
  const amountPaid = units(ph.amountPaid) ?? 0n;
  if (amountPaid !== paid) out.push(mismatch('MATCH_AMOUNT_PAID', 'amount_paid', null, P, 'PaymentHead/amountPaid', showUnits(paid), showUnits(amountPaid)));

  // Rule 5: currency 142 throughout.
  const rmb = (doc: string, field: string, v: string | undefined) => {
    if (v !== undefined && v !== '142') out.push(mismatch('MATCH_CURRENCY', 'currency', null, doc, field, '142', v));
  };
  rmb(O, 'OrderHead/currency', oh.currency);
  rmb(P, 'PaymentHead/currency', ph.currency);
  rmb(W, 'LogisticsHead/currency', wh.currency);
  parcel.order.OrderList.forEach((l, i) => rmb(O, `OrderList/${i}/currency`, l.currency));

  // Rule 6 and 7: the buyer's identity document; the payer is the buyer unless verified.
  if (oh.buyerIdType !== '1') out.push(mismatch('MATCH_FIELD', 'buyer_id_type', null, O, 'OrderHead/buyerIdType', '1', oh.buyerIdType));
  if (!ctx.buyerVerified) {
    const pairs: [string, string, string][] = [
      ['PaymentHead/payerIdType', oh.buyerIdType, ph.payerIdType],
      ['PaymentHead/payerIdNumber', oh.buyerIdNumber, ph.payerIdNumber],
      ['PaymentHead/payerName', oh.buyerName, ph.payerName],
    ];
    for (const [field, want, got] of pairs) if (want !== got) out.push(mismatch('MATCH_PAYER', 'payer_is_buyer', null, P, field, want, got));
  }

  // Rule 8: consignee equal between order and waybill (compared as written, outer blanks aside).
  const same = (a: string, b: string) => a.trim() === b.trim();
  const consignee: [string, string, string][] = [
    ['LogisticsHead/consignee', oh.consignee, wh.consignee],
    ['LogisticsHead/consigneeTelephone', oh.consigneeTelephone, wh.consigneeTelephone],
    ['LogisticsHead/consigneeAddress', oh.consigneeAddress, wh.consigneeAddress],
  ];
  for (const [field, want, got] of consignee) if (!same(want, got)) out.push(mismatch('MATCH_CONSIGNEE', 'consignee', null, W, field, want, got));

  // Rule 10: one parcel per waybill.
  if (wh.packNo !== '1') out.push(mismatch('MATCH_FIELD', 'one_parcel', null, W, 'LogisticsHead/packNo', '1', wh.packNo));

  // Rule 11: limits on the dutiable value. Over the single limit passes only for one indivisible
  // item (49号 §2), taxed in full; the annual limit binds in every case.
  const value = dutiableFen(parcel);
  if (value > SINGLE_LIMIT_FEN && !singleItem(parcel.order)) {
    out.push(mismatch('MATCH_SINGLE_LIMIT', 'single_limit', '-621005', O, 'OrderHead/goodsValue', `≤ ${fenToYuan(SINGLE_LIMIT_FEN)}`, fenToYuan(value)));
  }
  if (ctx.yearToDateFen + value > ANNUAL_LIMIT_FEN) {
    out.push(mismatch('MATCH_ANNUAL_LIMIT', 'annual_limit', '-621018', O, 'OrderHead/buyerIdNumber', `≤ ${fenToYuan(ANNUAL_LIMIT_FEN - ctx.yearToDateFen)}`, fenToYuan(value)));
  }
  return { matched: out.length === 0, mismatches: out };
}

export const fmtFen = (fen: number): string => `${fen < 0 ? '-' : ''}${Math.trunc(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
