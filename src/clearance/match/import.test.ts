// 三单对碰 for retail imports: every check of cbec-rules.md §2.1 on its own, the limits of §3.1 with
// the single-item exception of 49号 §2, and the worked examples of §3.3.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { Order, OrderHead, OrderList, Payment, PaymentHead, Logistics, LogisticsHead } from '../../ceb/model/import-202205.js';
import { matchImport, dutiableFen, singleItem, ANNUAL_LIMIT_FEN, type ImportParcel, type ImportMatchContext } from './import.js';
import { units, showUnits, unitsToFen, type MatchResult, type Mismatch } from './mismatch.js';

// ---------------------------------------------------------------------------------------------
// A valid parcel: worked example A (infant formula, goodsValue 300 of which 30 by coupon, freight 20,
// tax 320 × 13 % × 70 % = 29.12, acturalPaid 319.12 = amountPaid), buyer = payer, same consignee.

const BUYER = { name: '王小明', idNumber: '110105199003071234' };
const CONSIGNEE = { name: '李华', tel: '13800138000', address: '浙江省杭州市西湖区文三路 100 号' };

function orderHead(): OrderHead {
  return {
    guid: '7A1C2E3F-0B4D-4E5F-8A9B-0C1D2E3F4A5B', appType: '1', appTime: '20250310093000', appStatus: '2',
    orderType: 'I', orderNo: 'SG20250310000001', ebpCode: '3301960001', ebpName: '杭州丝路通平台有限公司',
    ebcCode: '3301960002', ebcName: '杭州丝路通跨境电商有限公司',
    goodsValue: '300', freight: '20', discount: '30', taxTotal: '29.12', acturalPaid: '319.12', currency: '142',
    buyerRegNo: 'U10086', buyerName: BUYER.name, buyerTelephone: '13900139000', buyerIdType: '1', buyerIdNumber: BUYER.idNumber,
    payCode: '3301980003', payName: '杭州某支付有限公司', payTransactionId: 'PAY20250310000001',
    consignee: CONSIGNEE.name, consigneeTelephone: CONSIGNEE.tel, consigneeAddress: CONSIGNEE.address, consigneeDistrict: '330106',
  };
}

function line(gnum: number, qty: string, price: string, totalPrice: string): OrderList {
  return {
    gnum: String(gnum), itemNo: `SKU-${gnum}`, itemName: '婴儿配方奶粉', gmodel: '900克/罐', unit: '122',
    qty, price, totalPrice, currency: '142', country: '501',
  };
}

function paymentHead(): PaymentHead {
  return {
    guid: '8B2D3F4A-1C5E-4F6A-9B0C-1D2E3F4A5B6C', appType: '1', appTime: '20250310093100', appStatus: '2',
    payCode: '3301980003', payName: '杭州某支付有限公司', payTransactionId: 'PAY20250310000001',
    orderNo: 'SG20250310000001', ebpCode: '3301960001', ebpName: '杭州丝路通平台有限公司',
    payerIdType: '1', payerIdNumber: BUYER.idNumber, payerName: BUYER.name, telephone: '13900139000',
    amountPaid: '319.12', currency: '142', payTime: '20250310093055',
  };
}

function logisticsHead(): LogisticsHead {
  return {
    guid: '9C3E4A5B-2D6F-4A7B-8C1D-2E3F4A5B6C7D', appType: '1', appTime: '20250310100000', appStatus: '2',
    logisticsCode: '3301980004', logisticsName: '杭州某国际物流有限公司', logisticsNo: 'SF1234567890123',
    orderNo: 'SG20250310000001', freight: '20', insuredFee: '0', currency: '142', weight: '1.2', packNo: '1',
    goodsInfo: '婴儿配方奶粉*1', consignee: CONSIGNEE.name, consigneeAddress: CONSIGNEE.address, consigneeTelephone: CONSIGNEE.tel,
  };
}

interface Changes {
  order?: Partial<OrderHead>;
  lines?: OrderList[];
  payment?: Partial<PaymentHead>;
  waybill?: Partial<LogisticsHead>;
}

/** Example A with changes; amountPaid follows acturalPaid unless the change sets it. */
function parcel(c: Changes = {}): ImportParcel {
  const oh = { ...orderHead(), ...c.order };
  const order: Order = { OrderHead: oh, OrderList: c.lines ?? [line(1, '1', '300', '300')] };
  const payment: Payment = { PaymentHead: { ...paymentHead(), amountPaid: oh.acturalPaid, ...c.payment } };
  const waybill: Logistics = { LogisticsHead: { ...logisticsHead(), ...c.waybill } };
  return { order, payment, waybill };
}

/** An order whose goods are worth `goods` yuan (no freight, coupon or tax) in the given lines. */
function goodsOrder(goods: string, lines: OrderList[], extra: Partial<OrderHead> = {}): Changes {
  return { order: { goodsValue: goods, freight: '0', discount: '0', taxTotal: '0', acturalPaid: goods, ...extra }, lines };
}

const CTX: ImportMatchContext = { yearToDateFen: 0 };
const yuan = (y: number): number => Math.round(y * 100);

/** The number in a display value such as "≤ 5000.00" or "319.12", as exact 5-decimal units. */
function amountIn(s: string): bigint {
  const m = /-?\d+(?:\.\d+)?/.exec(s.replace(/,/g, ''));
  expect(m, `no amount in "${s}"`).not.toBeNull();
  return units(m![0])!;
}

interface Want {
  rule: string;
  code: string | null;
  document: string;
  field: string;
  expected: string;
  found: string;
}

/** The message names the document, both values and (where `withField`) the field, in both locales. */
function expectExplained(m: Mismatch, withField: boolean): void {
  const doc = m.document.replace(/Message$/, '');
  for (const locale of ['zh-CN', 'en'] as const) {
    const msg = m.message[locale];
    expect(msg, locale).toContain(doc);
    expect(msg, locale).toContain(m.found);
    expect(msg, locale).toContain(m.expected);
    if (withField) expect(msg, locale).toContain(m.field);
    expect(msg, locale).not.toMatch(/\{\w+\}/);
  }
  expect(m.message['zh-CN']).not.toBe(m.message.en);
}

function expectOnly(r: MatchResult, want: Want, withField = true): Mismatch {
  expect(r.mismatches).toHaveLength(1);
  expect(r.matched).toBe(false);
  const m = r.mismatches[0]!;
  expect({ rule: m.rule, code: m.code, document: m.document, field: m.field, expected: m.expected, found: m.found }).toEqual(want);
  expectExplained(m, withField);
  return m;
}

const rules = (r: MatchResult): string[] => r.mismatches.map((m) => m.rule);

// ---------------------------------------------------------------------------------------------

describe('the clean parcel (worked example A)', () => {
  it('matches with no mismatches', () => {
    const r = matchImport(parcel(), CTX);
    expect(r.mismatches).toEqual([]);
    expect(r.matched).toBe(true);
  });

  it('the dutiable value is goods + freight = 320; the 30 coupon does not reduce it, the tax is not in it', () => {
    expect(dutiableFen(parcel())).toBe(32_000);
  });

  it('a payment of 319.13 against acturalPaid 319.12 fails naming both amounts', () => {
    const m = expectOnly(matchImport(parcel({ payment: { amountPaid: '319.13' } }), CTX), {
      rule: 'amount_paid', code: null, document: 'CEB411Message', field: 'PaymentHead/amountPaid', expected: '319.12', found: '319.13',
    }, false);
    expect(m.message['zh-CN']).toContain('319.12');
    expect(m.message.en).toContain('319.13');
  });

  it('a matched result is the same with the buyer verified and with a clean year-to-date', () => {
    expect(matchImport(parcel(), { yearToDateFen: yuan(1000), buyerVerified: true }).matched).toBe(true);
  });
});

describe('rule 1–2: the keys that tie the three documents together', () => {
  it.each([
    ['payment orderNo', { payment: { orderNo: 'SG20250310000002' } }, 'CEB411Message', 'PaymentHead/orderNo', 'SG20250310000001', 'SG20250310000002'],
    ['payment ebpCode', { payment: { ebpCode: '3301969999' } }, 'CEB411Message', 'PaymentHead/ebpCode', '3301960001', '3301969999'],
    ['waybill orderNo', { waybill: { orderNo: 'SG20250310000003' } }, 'CEB511Message', 'LogisticsHead/orderNo', 'SG20250310000001', 'SG20250310000003'],
  ] as const)('%s differing from the order is order_key', (_, changes, document, field, expected, found) => {
    expectOnly(matchImport(parcel(changes as Changes), CTX), { rule: 'order_key', code: null, document, field, expected, found });
  });

  it('an order number differing only in case or padding is still a different key', () => {
    expect(rules(matchImport(parcel({ payment: { orderNo: 'sg20250310000001' } }), CTX))).toEqual(['order_key']);
    expect(rules(matchImport(parcel({ waybill: { orderNo: 'SG20250310000001 ' } }), CTX))).toEqual(['order_key']);
  });

  it.each([
    ['payCode', { payment: { payCode: '3301989999' } }, 'PaymentHead/payCode', '3301980003', '3301989999'],
    ['payTransactionId', { payment: { payTransactionId: 'PAY20250310000009' } }, 'PaymentHead/payTransactionId', 'PAY20250310000001', 'PAY20250310000009'],
  ] as const)('a payment %s differing from the one the order names is payment_key', (_, changes, field, expected, found) => {
    expectOnly(matchImport(parcel(changes as Changes), CTX), { rule: 'payment_key', code: null, document: 'CEB411Message', field, expected, found });
  });

  it('an order that names no payment company or transaction (both optional) is not compared on them', () => {
    const p = parcel({ payment: { payCode: '3301989999', payTransactionId: 'OTHER' } });
    delete (p.order.OrderHead as Partial<OrderHead>).payCode;
    delete (p.order.OrderHead as Partial<OrderHead>).payTransactionId;
    expect(matchImport(p, CTX)).toEqual({ matched: true, mismatches: [] });
    // …but the same payment does fail against an order that names them.
    expect(rules(matchImport(parcel({ payment: { payCode: '3301989999', payTransactionId: 'OTHER' } }), CTX))).toEqual(['payment_key', 'payment_key']);
  });

  it('a waybill number used for another order within 6 months is -504015, naming both orders', () => {
    const r = matchImport(parcel(), { yearToDateFen: 0, waybillClash: { orderNo: 'SG20241201000077', at: '2024-12-01T08:30:00+08:00' } });
    expect(r.matched).toBe(false);
    expect(r.mismatches).toHaveLength(1);
    const m = r.mismatches[0]!;
    expect(m).toMatchObject({ rule: 'waybill_unique', code: '-504015', document: 'CEB511Message', field: 'LogisticsHead/logisticsNo' });
    expect(m.expected).toContain('SF1234567890123');
    expect(m.found).toContain('SG20241201000077');
    expect(m.found).toContain('2024-12-01');
    expectExplained(m, false);
  });
});

describe('rule 3: acturalPaid = goodsValue + freight + taxTotal − discount = amountPaid', () => {
  it('an acturalPaid off the formula (payment agreeing with it) is amount_formula only', () => {
    expectOnly(matchImport(parcel({ order: { acturalPaid: '319.11' } }), CTX), {
      rule: 'amount_formula', code: null, document: 'CEB311Message', field: 'OrderHead/acturalPaid', expected: '319.12', found: '319.11',
    }, false);
  });

  it('an acturalPaid that forgot the coupon (349.12) fails even though the payment agrees', () => {
    expectOnly(matchImport(parcel({ order: { acturalPaid: '349.12' } }), CTX), {
      rule: 'amount_formula', code: null, document: 'CEB311Message', field: 'OrderHead/acturalPaid', expected: '319.12', found: '349.12',
    }, false);
  });

  it('an acturalPaid off the formula with the payment at the formula value fires both amount rules', () => {
    const r = matchImport(parcel({ order: { acturalPaid: '320' }, payment: { amountPaid: '319.12' } }), CTX);
    expect(rules(r)).toEqual(['amount_formula', 'amount_paid']);
    expect(r.mismatches[1]).toMatchObject({ expected: '320', found: '319.12' });
  });

  it('sums that binary floats get wrong compare exactly: 0.1 + 0.2 = 0.3', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the trap the code must not fall into
    const p = parcel({ order: { goodsValue: '0.1', freight: '0.2', discount: '0', taxTotal: '0', acturalPaid: '0.3' }, lines: [line(1, '1', '0.1', '0.1')] });
    expect(matchImport(p, CTX)).toEqual({ matched: true, mismatches: [] });
  });

  it('five decimals are compared exactly: a difference of 0.00001 is caught', () => {
    const order = { goodsValue: '100.12345', freight: '0.00001', discount: '0.1', taxTotal: '9.11111', acturalPaid: '109.13457' };
    expect(matchImport(parcel({ order }), CTX).matched).toBe(true);
    expectOnly(matchImport(parcel({ order: { ...order, acturalPaid: '109.13458' } }), CTX), {
      rule: 'amount_formula', code: null, document: 'CEB311Message', field: 'OrderHead/acturalPaid', expected: '109.13457', found: '109.13458',
    }, false);
    expectOnly(matchImport(parcel({ order, payment: { amountPaid: '109.13456' } }), CTX), {
      rule: 'amount_paid', code: null, document: 'CEB411Message', field: 'PaymentHead/amountPaid', expected: '109.13457', found: '109.13456',
    }, false);
  });

  it('trailing zeros and a missing fraction are the same amount', () => {
    const p = parcel({ order: { goodsValue: '300.00000', freight: '20.0', discount: '30', taxTotal: '29.120', acturalPaid: '319.12' }, payment: { amountPaid: '319.12000' } });
    expect(matchImport(p, CTX).matched).toBe(true);
  });

  it('property: integer-fen amounts with acturalPaid by the formula and amountPaid equal never fire an amount rule', () => {
    const fenText = (fen: number, style: number): string => {
      const int = Math.trunc(fen / 100), frac = String(fen % 100).padStart(2, '0');
      if (style === 0) return `${int}.${frac}`;
      if (style === 1) return `${int}.${frac}000`;
      return `${int}.${frac}`.replace(/\.?0+$/, '') || '0'; // shortest form: "320", "29.1"
    };
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 480_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: 0, max: 100 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 6, maxLength: 6 }),
      (goods, freight, tax, pct, styles) => {
        const discount = Math.floor(goods * pct / 100);
        const paid = goods + freight + tax - discount;
        const s = (i: number) => styles[i]!;
        const r = matchImport(parcel({
          order: { goodsValue: fenText(goods, s(0)), freight: fenText(freight, s(1)), taxTotal: fenText(tax, s(2)), discount: fenText(discount, s(3)), acturalPaid: fenText(paid, s(4)) },
          payment: { amountPaid: fenText(paid, s(5)) },
        }), CTX);
        // under 5,000 in every case, so nothing else fires either
        expect(r.mismatches).toEqual([]);
        expect(dutiableFen(parcel({ order: { goodsValue: fenText(goods, s(0)), freight: fenText(freight, s(1)) } }))).toBe(goods + freight);
      },
    ), { numRuns: 300 });
  });

  it('property: an amountPaid off by any non-zero amount fires exactly the amount_paid rule', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 0n, max: 40_000_000n }), fc.bigInt({ min: 0n, max: 1_000_000n }), fc.bigInt({ min: 0n, max: 5_000_000n }),
      fc.bigInt({ min: -100_000_000_000n, max: 100_000_000_000n }).filter((d) => d !== 0n),
      (goods, freight, tax, delta) => {
        const paid = goods + freight + tax;
        const amountPaid = showUnits(paid + delta);
        const r = matchImport(parcel({
          order: { goodsValue: showUnits(goods), freight: showUnits(freight), taxTotal: showUnits(tax), discount: '0', acturalPaid: showUnits(paid) },
          payment: { amountPaid },
        }), CTX);
        expect(rules(r)).toEqual(['amount_paid']);
        const m = r.mismatches[0]!;
        expect(amountIn(m.expected)).toBe(paid);
        expect(amountIn(m.found)).toBe(paid + delta);
        expect(m.message.en).toContain(m.found);
      },
    ), { numRuns: 300 });
  });
});

describe('rule 5: currency 142 throughout', () => {
  it.each([
    ['payment', { payment: { currency: '502' } }, 'CEB411Message', 'PaymentHead/currency', '502'],
    ['waybill', { waybill: { currency: '116' } }, 'CEB511Message', 'LogisticsHead/currency', '116'],
  ] as const)('a %s in another currency fails', (_, changes, document, field, found) => {
    expectOnly(matchImport(parcel(changes as Changes), CTX), { rule: 'currency', code: null, document, field, expected: '142', found });
  });

  it('an order line in another currency fails naming that line', () => {
    const lines = [line(1, '1', '200', '200'), { ...line(2, '1', '100', '100'), currency: '840' }];
    expectOnly(matchImport(parcel({ lines }), CTX), {
      rule: 'currency', code: null, document: 'CEB311Message', field: 'OrderList/1/currency', expected: '142', found: '840',
    });
  });

  // Rule 5 fixes currency 142 in the order head too (OrderHead/currency, "限定为人民币，填写142").
  it('an order head in another currency fails', () => {
    const r = matchImport(parcel({ order: { currency: '502' } }), CTX);
    expect(r.mismatches).toHaveLength(1);
    expect(r.mismatches[0]).toMatchObject({ rule: 'currency', document: 'CEB311Message', field: 'OrderHead/currency', expected: '142', found: '502' });
  });
});

describe('rules 6–7: the buyer is identified by ID card and pays unless verified', () => {
  it('a buyer ID type other than 1 (身份证) fails', () => {
    expectOnly(matchImport(parcel({ order: { buyerIdType: '2' }, payment: { payerIdType: '2' } }), CTX), {
      rule: 'buyer_id_type', code: null, document: 'CEB311Message', field: 'OrderHead/buyerIdType', expected: '1', found: '2',
    });
  });

  it.each([
    ['payerIdNumber', { payerIdNumber: '310101198805051234' }, BUYER.idNumber, '310101198805051234'],
    ['payerName', { payerName: '王大明' }, BUYER.name, '王大明'],
    ['payerIdType', { payerIdType: '2' }, '1', '2'],
  ] as const)('a payer with a different %s fails when the buyer is not verified', (f, payment, expected, found) => {
    expectOnly(matchImport(parcel({ payment }), CTX), {
      rule: 'payer_is_buyer', code: null, document: 'CEB411Message', field: `PaymentHead/${f}`, expected, found,
    });
    expectOnly(matchImport(parcel({ payment }), { yearToDateFen: 0, buyerVerified: false }), {
      rule: 'payer_is_buyer', code: null, document: 'CEB411Message', field: `PaymentHead/${f}`, expected, found,
    });
  });

  it('buyerVerified lets a completely different payer pass', () => {
    const payment = { payerIdType: '1', payerIdNumber: '310101198805051234', payerName: '王大明' };
    expect(rules(matchImport(parcel({ payment }), CTX))).toEqual(['payer_is_buyer', 'payer_is_buyer']);
    expect(matchImport(parcel({ payment }), { yearToDateFen: 0, buyerVerified: true })).toEqual({ matched: true, mismatches: [] });
  });

  it('buyerVerified does not waive the ID-card type of the buyer', () => {
    expect(rules(matchImport(parcel({ order: { buyerIdType: '2' } }), { yearToDateFen: 0, buyerVerified: true }))).toEqual(['buyer_id_type']);
  });
});

describe('rule 8: consignee equal between order and waybill', () => {
  it.each([
    ['consignee', { consignee: '李 华' }, CONSIGNEE.name, '李 华'],
    ['consigneeTelephone', { consigneeTelephone: '13800138001' }, CONSIGNEE.tel, '13800138001'],
    ['consigneeAddress', { consigneeAddress: '浙江省杭州市西湖区文三路 101 号' }, CONSIGNEE.address, '浙江省杭州市西湖区文三路 101 号'],
  ] as const)('a waybill %s differing from the order fails', (f, waybill, expected, found) => {
    expectOnly(matchImport(parcel({ waybill }), CTX), {
      rule: 'consignee', code: null, document: 'CEB511Message', field: `LogisticsHead/${f}`, expected, found,
    });
  });

  it('outer blanks on either side are ignored', () => {
    const p = parcel({
      order: { consignee: ` ${CONSIGNEE.name}`, consigneeAddress: `${CONSIGNEE.address}  ` },
      waybill: { consignee: `${CONSIGNEE.name}\t`, consigneeTelephone: ` ${CONSIGNEE.tel} `, consigneeAddress: `\n${CONSIGNEE.address}` },
    });
    expect(matchImport(p, CTX)).toEqual({ matched: true, mismatches: [] });
  });

  it('inner blanks are compared as written', () => {
    const r = matchImport(parcel({ waybill: { consigneeAddress: '浙江省杭州市西湖区文三路  100 号', consigneeTelephone: '138 0013 8000' } }), CTX);
    expect(r.mismatches.map((m) => m.field)).toEqual(['LogisticsHead/consigneeTelephone', 'LogisticsHead/consigneeAddress']);
    expect(new Set(rules(r))).toEqual(new Set(['consignee']));
  });
});

describe('rule 10: one parcel per waybill', () => {
  it('packNo other than 1 fails', () => {
    expectOnly(matchImport(parcel({ waybill: { packNo: '2' } }), CTX), {
      rule: 'one_parcel', code: null, document: 'CEB511Message', field: 'LogisticsHead/packNo', expected: '1', found: '2',
    });
  });
});

describe('rule 11: single limit 5,000 and annual limit 26,000 on the dutiable value', () => {
  const two = (a: string, b: string) => [line(1, '1', a, a), line(2, '1', b, b)];

  it('example D: two items totalling 5,200 are -621005', () => {
    const m = expectOnly(matchImport(parcel(goodsOrder('5200', two('3000', '2200'))), CTX), {
      rule: 'single_limit', code: '-621005', document: 'CEB311Message', field: 'OrderHead/goodsValue',
      expected: expect.any(String) as unknown as string, found: expect.any(String) as unknown as string,
    }, false);
    expect(amountIn(m.expected)).toBe(units('5000'));
    expect(amountIn(m.found)).toBe(units('5200'));
  });

  it('exactly 5,000 in two items passes; 5,000.01 does not', () => {
    expect(matchImport(parcel(goodsOrder('5000', two('2500', '2500'))), CTX).matched).toBe(true);
    expect(rules(matchImport(parcel(goodsOrder('5000.01', two('2500', '2500.01'))), CTX))).toEqual(['single_limit']);
  });

  it('freight and the waybill insuredFee count toward the dutiable value; the coupon does not reduce it, the tax is not in it', () => {
    const lines = two('2500', '2490');
    // 4,990 goods + 10 freight = 5,000 exactly
    expect(matchImport(parcel(goodsOrder('4990', lines, { freight: '10', acturalPaid: '5000' })), CTX).matched).toBe(true);
    // + 0.01 insurance on the waybill tips it over
    const insured = parcel({ ...goodsOrder('4990', lines, { freight: '10', acturalPaid: '5000' }), waybill: { insuredFee: '0.01' } });
    expect(dutiableFen(insured)).toBe(500_001);
    const r = matchImport(insured, CTX);
    expect(rules(r)).toEqual(['single_limit']);
    expect(amountIn(r.mismatches[0]!.found)).toBe(units('5000.01'));
    // a 100 coupon on 5,000.01 of goods still leaves P at 5,000.01
    expect(rules(matchImport(parcel(goodsOrder('5000.01', two('2500', '2500.01'), { discount: '100', acturalPaid: '4900.01' })), CTX))).toEqual(['single_limit']);
    // 455 tax on 5,000 of goods does not count
    expect(matchImport(parcel(goodsOrder('5000', two('2500', '2500'), { taxTotal: '455', acturalPaid: '5455' })), CTX).matched).toBe(true);
  });

  it('dutiableFen adds goods, freight and insurance exactly, at 5 decimals, rounded half-up to fen', () => {
    expect(dutiableFen(parcel({ order: { goodsValue: '0.1', freight: '0.2' }, waybill: { insuredFee: '0.00001' } }))).toBe(30);
    expect(dutiableFen(parcel({ order: { goodsValue: '0.004', freight: '0.001' }, waybill: { insuredFee: '0' } }))).toBe(1);
    expect(dutiableFen(parcel({ order: { goodsValue: '0.004', freight: '0.00099' }, waybill: { insuredFee: '0' } }))).toBe(0);
    const noInsurance = parcel();
    delete (noInsurance.waybill.LogisticsHead as Partial<LogisticsHead>).insuredFee;
    expect(dutiableFen(noInsurance)).toBe(32_000);
  });

  describe('the single-item exception (49号 §2)', () => {
    // Example C: one indivisible item, P 6,000, taxed in full (duty 600 + VAT 858 = 1,458).
    const c = goodsOrder('6000', [line(1, '1', '6000', '6000')], { taxTotal: '1458', acturalPaid: '7458' });

    it('example C: one item at 6,000 with 15,000 used this year passes', () => {
      expect(matchImport(parcel(c), { yearToDateFen: yuan(15_000) })).toEqual({ matched: true, mismatches: [] });
    });

    it('quantity 1 written with decimals is still one item', () => {
      expect(matchImport(parcel(goodsOrder('6000', [line(1, '1.00000', '6000', '6000')])), CTX).matched).toBe(true);
    });

    it('the same 6,000 as quantity 2 is -621005', () => {
      const r = matchImport(parcel(goodsOrder('6000', [line(1, '2', '3000', '6000')])), { yearToDateFen: yuan(15_000) });
      expect(rules(r)).toEqual(['single_limit']);
      expect(r.mismatches[0]!.code).toBe('-621005');
    });

    it('the same 6,000 as two lines of one is -621005', () => {
      const r = matchImport(parcel(goodsOrder('6000', [line(1, '1', '3000', '3000'), line(2, '1', '3000', '3000')])), { yearToDateFen: yuan(15_000) });
      expect(rules(r)).toEqual(['single_limit']);
    });

    it('a fractional quantity is not one item', () => {
      expect(rules(matchImport(parcel(goodsOrder('6000', [line(1, '0.5', '12000', '6000')])), CTX))).toEqual(['single_limit']);
    });

    it('singleItem is true for exactly one line of quantity 1', () => {
      const order = (lines: OrderList[]): Order => ({ OrderHead: orderHead(), OrderList: lines });
      expect(singleItem(order([line(1, '1', '6000', '6000')]))).toBe(true);
      expect(singleItem(order([line(1, '2', '3000', '6000')]))).toBe(false);
      expect(singleItem(order([line(1, '1', '3000', '3000'), line(2, '1', '3000', '3000')]))).toBe(false);
      expect(singleItem(order([]))).toBe(false);
    });

    it("example C′: one item at 6,000 with 22,000 used is the annual limit -621018, not the single limit", () => {
      const m = expectOnly(matchImport(parcel(c), { yearToDateFen: yuan(22_000) }), {
        rule: 'annual_limit', code: '-621018', document: 'CEB311Message', field: 'OrderHead/buyerIdNumber',
        expected: expect.any(String) as unknown as string, found: expect.any(String) as unknown as string,
      }, false);
      expect(amountIn(m.expected)).toBe(units('4000'));
      expect(amountIn(m.found)).toBe(units('6000'));
    });

    it('one item above 26,000 on a fresh year is still refused by the annual limit', () => {
      const r = matchImport(parcel(goodsOrder('26000.01', [line(1, '1', '26000.01', '26000.01')])), CTX);
      expect(rules(r)).toEqual(['annual_limit']);
    });
  });

  describe('the annual limit', () => {
    const p1500 = parcel(goodsOrder('1500', [line(1, '3', '500', '1500')]));

    it('example E: 25,000 used + 1,500 is -621018 naming the 1,000 left', () => {
      const m = expectOnly(matchImport(p1500, { yearToDateFen: yuan(25_000) }), {
        rule: 'annual_limit', code: '-621018', document: 'CEB311Message', field: 'OrderHead/buyerIdNumber',
        expected: expect.any(String) as unknown as string, found: expect.any(String) as unknown as string,
      }, false);
      expect(amountIn(m.expected)).toBe(units('1000'));
      expect(amountIn(m.found)).toBe(units('1500'));
    });

    it('reaching exactly 26,000 passes; 26,000.01 fails', () => {
      expect(matchImport(p1500, { yearToDateFen: yuan(24_500) }).matched).toBe(true);
      expect(rules(matchImport(p1500, { yearToDateFen: yuan(24_500) + 1 }))).toEqual(['annual_limit']);
      const p5000 = parcel(goodsOrder('5000', two('2500', '2500')));
      expect(matchImport(p5000, { yearToDateFen: yuan(21_000) }).matched).toBe(true);
      expect(rules(matchImport(p5000, { yearToDateFen: yuan(21_000) + 1 }))).toEqual(['annual_limit']);
      const p5000_01 = parcel(goodsOrder('5000.01', [line(1, '1', '5000.01', '5000.01')]));
      expect(matchImport(p5000_01, { yearToDateFen: yuan(21_000) - 1 }).matched).toBe(true);
      expect(rules(matchImport(p5000_01, { yearToDateFen: yuan(21_000) }))).toEqual(['annual_limit']);
    });

    it('freight and insurance count toward the annual total too', () => {
      const p = parcel({ ...goodsOrder('1490', [line(1, '3', '496.66', '1490')], { freight: '9.99', acturalPaid: '1499.99' }), waybill: { insuredFee: '0.01' } });
      expect(matchImport(p, { yearToDateFen: yuan(24_500) }).matched).toBe(true);
      expect(rules(matchImport(p, { yearToDateFen: yuan(24_500) + 1 }))).toEqual(['annual_limit']);
    });

    it('over both limits reports both codes', () => {
      const r = matchImport(parcel(goodsOrder('5200', two('3000', '2200'))), { yearToDateFen: yuan(25_000) });
      expect(r.mismatches.map((m) => m.code)).toEqual(['-621005', '-621018']);
    });

    // Amounts between −1 and 0 yuan keep their sign (Math.trunc(-0.5) is -0, which once printed as "0").
    it('a buyer already over the limit by less than 1 yuan is shown a negative remaining quota', () => {
      const r = matchImport(p1500, { yearToDateFen: ANNUAL_LIMIT_FEN + 50 });
      expect(rules(r)).toEqual(['annual_limit']);
      expect(amountIn(r.mismatches[0]!.expected)).toBe(units('-0.5'));
    });

    it('a buyer already over the limit by more than 1 yuan is shown the negative remaining quota', () => {
      const r = matchImport(p1500, { yearToDateFen: ANNUAL_LIMIT_FEN + 150 });
      expect(amountIn(r.mismatches[0]!.expected)).toBe(units('-1.5'));
    });
  });
});

describe('several failures are all reported', () => {
  it('one parcel wrong in every document reports each check once', () => {
    const r = matchImport(parcel({
      payment: { orderNo: 'X', amountPaid: '1', payerName: '某人' },
      waybill: { packNo: '3', consignee: '某人' },
    }), CTX);
    expect(rules(r).sort()).toEqual(['amount_paid', 'consignee', 'one_parcel', 'order_key', 'payer_is_buyer']);
    expect(r.matched).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe('units / showUnits / unitsToFen (N19,5 amounts)', () => {
  it('parses decimals to exact 5-decimal units', () => {
    expect(units('319.12')).toBe(31_912_000n);
    expect(units('319.12000')).toBe(units('319.12'));
    expect(units('319.1')).toBe(units('319.10'));
    expect(units('0.00001')).toBe(1n);
    expect(units('-2.5')).toBe(-250_000n);
    expect(units('0.1')! + units('0.2')!).toBe(units('0.3'));
  });

  it('gives undefined for absent or non-decimal text', () => {
    for (const bad of [undefined, '', 'abc', '1,000.00', '1e3', '12.', '.5']) expect(units(bad), String(bad)).toBeUndefined();
  });

  it('shows units as the shortest decimal', () => {
    expect(showUnits(31_912_000n)).toBe('319.12');
    expect(showUnits(30_000_000n)).toBe('300');
    expect(showUnits(1n)).toBe('0.00001');
    expect(showUnits(0n)).toBe('0');
    expect(showUnits(-50_000n)).toBe('-0.5');
  });

  it('property: showUnits and units round-trip', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n }), (u) => {
      expect(units(showUnits(u))).toBe(u);
    }));
  });

  it('converts to fen half-up (away from zero)', () => {
    expect(unitsToFen(units('319.12')!)).toBe(31_912);
    expect(unitsToFen(units('0.005')!)).toBe(1);
    expect(unitsToFen(units('0.00499')!)).toBe(0);
    expect(unitsToFen(units('-0.005')!)).toBe(-1);
    expect(unitsToFen(units('-0.00499')!)).toBe(0);
  });

  it('property: a whole number of fen converts back exactly, and rounding moves at most half a fen', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (u) => {
      const fen = unitsToFen(u);
      const diff = BigInt(fen) * 1000n - u;
      expect(u >= 0n ? diff > -500n && diff <= 500n : diff >= -500n && diff < 500n).toBe(true);
      expect(unitsToFen(BigInt(fen) * 1000n)).toBe(fen);
    }));
  });
});
