import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkModel, readMessage, type Model } from '../../ceb/codec.js';
import { AppError } from '../../kernel/errors.js';
import { yuanToFen } from '../../kernel/money.js';
import { matchImport } from '../match/import.js';
import { demoEnterprises } from '../../zone/demo.js';
import { zoneProfiles } from '../../zone/profiles.js';
import { DISTRICTS, EXPORT_PRODUCTS, IMPORT_PRODUCTS } from './catalogue.js';
import { describeStats, driveTraffic, type TrafficStats } from './driver.js';
import {
  ANNUAL_LIMIT_FEN, SINGLE_LIMIT_FEN, cosmeticConsumptionTax, createTraffic, ean13, garbleXml, isResidentId,
  partiesFromEnterprises, residentIdCheckChar, retailImportTax, s10,
  type ExportParcel, type FaultKind, type FaultShares, type ImportParcel, type Parties,
} from './generator.js';

const parties: Parties = partiesFromEnterprises(demoEnterprises(zoneProfiles.jinhua));
const NOW = new Date('2026-03-10T02:00:00Z');
const fixedNow = () => NOW;
const NO_FAULTS: FaultShares = {};
const f = yuanToFen;

function counterGuid(): () => string {
  let i = 0;
  return () => `00000000-0000-4000-8000-${String(++i).padStart(12, '0')}`;
}

const heads = (p: ImportParcel) => ({
  o: p.order.Order[0]!.OrderHead, lines: p.order.Order[0]!.OrderList,
  pay: p.payment.Payment[0]!.PaymentHead, w: p.waybill.Logistics[0]!.LogisticsHead,
});

/**
 * The cbec-rules §2.1 rules the three import documents can break, checked independently of the
 * generator. Returns the rules broken (by §2.1 number), 'xml' for a document that does not parse.
 */
function brokenImportRules(p: ImportParcel): string[] {
  const { o, lines, pay, w } = heads(p);
  const out = new Set<string>();
  if (pay.orderNo !== o.orderNo || pay.ebpCode !== o.ebpCode || o.payTransactionId !== pay.payTransactionId || o.payCode !== pay.payCode) out.add('#1');
  if (w.orderNo !== o.orderNo) out.add('#2');
  if (f(o.acturalPaid) !== f(o.goodsValue) + f(o.freight) + f(o.taxTotal) - f(o.discount)) out.add('#3');
  if (f(pay.amountPaid) !== f(o.acturalPaid)) out.add('#3');
  if (f(o.discount) > f(o.goodsValue)) out.add('#4');
  if ([o.currency, pay.currency, w.currency, ...lines.map((l) => l.currency)].some((c) => c !== '142')) out.add('#5');
  if (o.buyerIdType !== '1' || pay.payerIdType !== '1' || !isResidentId(o.buyerIdNumber)) out.add('#6');
  if (pay.payerName !== o.buyerName || pay.payerIdNumber !== o.buyerIdNumber) out.add('#7');
  if (w.consignee !== o.consignee || w.consigneeTelephone !== o.consigneeTelephone || w.consigneeAddress !== o.consigneeAddress) out.add('#8');
  if (w.packNo !== '1') out.add('#10');
  const dutiable = f(o.goodsValue) + f(o.freight) + f(w.insuredFee ?? '0');
  const singleItem = lines.length === 1 && lines[0]!.qty === '1';
  if (dutiable > SINGLE_LIMIT_FEN && !singleItem) out.add('#11');
  for (const kind of ['order', 'payment', 'waybill'] as const) if (!readMessage(p.toXml(kind)).valid) out.add('xml');
  return [...out].sort();
}

function brokenExportRules(p: ExportParcel): string[] {
  const o = p.order.Order[0]!.OrderHead;
  const rc = p.receipts.Receipts[0]!;
  const out = new Set<string>();
  if (rc.orderNo !== o.orderNo || rc.ebcCode !== o.ebcCode || rc.ebpCode !== o.ebpCode) out.add('keys');
  if (f(rc.charge) !== f(o.goodsValue) + f(o.freight)) out.add('amount');
  if (rc.currency !== o.currency || p.waybill.Logistics[0]!.currency !== o.currency) out.add('currency');
  for (const kind of ['order', 'receipts', 'waybill'] as const) if (!readMessage(p.toXml(kind)).valid) out.add('xml');
  return [...out].sort();
}

/** Field-level facts every clean import parcel must show beyond the §2.1 rules. */
function importShape(p: ImportParcel): string[] {
  const { o, lines, pay, w } = heads(p);
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (l.gnum !== String(i + 1)) out.push(`gnum ${l.gnum}`);
    if (f(l.price) * Number(l.qty) !== f(l.totalPrice)) out.push(`line ${l.gnum} qty × price`);
  });
  if (lines.reduce((s, l) => s + f(l.totalPrice), 0) !== f(o.goodsValue)) out.push('goodsValue = Σ totalPrice');
  if (f(o.freight) < 0 || f(o.freight) > 2000) out.push('freight 0–20');
  if (f(w.freight ?? '0') !== f(o.freight)) out.push('waybill freight');
  // Tax recomputed from the catalogue rates, as a customs officer would from the HS lines.
  const tax = retailImportTax(lines.map((l) => {
    const prod = IMPORT_PRODUCTS.find((x) => x.sku === l.itemNo)!;
    const ct = cosmeticConsumptionTax(prod);
    return { valueFen: f(l.totalPrice), vat: prod.vat, ...(ct ? { ct } : {}) };
  }), f(o.freight));
  if (tax.totalFen !== f(o.taxTotal)) out.push(`tax ${tax.totalFen} ≠ ${o.taxTotal}`);
  if (p.expected.taxFen !== tax.totalFen || p.expected.amountPaidFen !== f(o.acturalPaid) || p.expected.goodsValueFen !== f(o.goodsValue)) out.push('expected');
  if (!/^1[3-9]\d{9}$/.test(o.buyerTelephone) || !/^1[3-9]\d{9}$/.test(o.consigneeTelephone)) out.push('mobile');
  const d = DISTRICTS.find((x) => x.code === o.consigneeDistrict);
  if (!d || !o.consigneeAddress.startsWith(d.prefix)) out.push('district');
  if (!DISTRICTS.some((x) => x.code === o.buyerIdNumber.slice(0, 6))) out.push('ID area code');
  if (o.appType !== '1' || o.appStatus !== '2' || pay.appTime !== o.appTime || w.appTime !== o.appTime) out.push('app fields');
  for (const m of [p.order, p.payment, p.waybill]) if (m.BaseTransfer.dxpMode !== 'DXP') out.push('dxpMode');
  if (p.order.BaseTransfer.copCode !== o.ebpCode || p.payment.BaseTransfer.copCode !== pay.payCode || p.waybill.BaseTransfer.copCode !== w.logisticsCode) out.push('filer');
  return out;
}

describe('retail import tax (cbec-rules §3.3 worked examples)', () => {
  it('A: infant formula, goods 300 of which 30 by coupon, freight 20, VAT 13 % → 29.12; acturalPaid 319.12', () => {
    const t = retailImportTax([{ valueFen: 30000, vat: '0.13' }], 2000);
    expect(t).toEqual({ dutiableFen: 32000, consumptionFen: 0, vatFen: 2912, totalFen: 2912 });
    expect(30000 + 2000 + t.totalFen - 3000).toBe(31912);
  });

  it('A2: food at 9 %, P 200 → 12.60', () => {
    expect(retailImportTax([{ valueFen: 20000, vat: '0.09' }], 0).totalFen).toBe(1260);
  });

  it('B: 高档化妆品, P 500, VAT 13 %, CT 15 % → CT 61.76 + VAT 53.53 = 115.29', () => {
    expect(retailImportTax([{ valueFen: 50000, vat: '0.13', ct: '0.15' }], 0)).toEqual({ dutiableFen: 50000, consumptionFen: 6176, vatFen: 5353, totalFen: 11529 });
  });

  it('does not depend on how goods of one rate are split into lines, or on where the freight sits', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 2000 }),
      fc.constantFrom({ vat: '0.13' }, { vat: '0.09' }, { vat: '0.13', ct: '0.15' }),
      (values, freight, rates) => {
        const split = retailImportTax(values.map((valueFen) => ({ valueFen, ...rates })), freight);
        const whole = retailImportTax([{ valueFen: values.reduce((a, b) => a + b, 0), ...rates }], freight);
        expect(split).toEqual(whole);
      }));
  });

  it('taxes mixed rates as the sum of exact shares, rounding once per tax', () => {
    // 100 at 13 % and 100 at 9 %, freight 20 spread 10/10: VAT = 0.7·(110·0.13 + 110·0.09) = 16.94.
    expect(retailImportTax([{ valueFen: 10000, vat: '0.13' }, { valueFen: 10000, vat: '0.09' }], 2000).vatFen).toBe(1694);
  });

  it('treats cosmetics as 高档 from 10 元/ml(g) or 15 元/piece, and nothing else', () => {
    const cream = { category: 'cosmetics' as const, content: { amount: '30', per: 'ml' as const } };
    expect(cosmeticConsumptionTax({ ...cream, priceFen: 30000 })).toBe('0.15');
    expect(cosmeticConsumptionTax({ ...cream, priceFen: 29999 })).toBeUndefined();
    expect(cosmeticConsumptionTax({ category: 'cosmetics', priceFen: 5250, content: { amount: '3.5', per: 'g' } })).toBe('0.15');
    expect(cosmeticConsumptionTax({ category: 'cosmetics', priceFen: 7499, content: { amount: '5', per: 'piece' } })).toBeUndefined();
    expect(cosmeticConsumptionTax({ category: 'cosmetics', priceFen: 7500, content: { amount: '5', per: 'piece' } })).toBe('0.15');
    expect(cosmeticConsumptionTax({ category: 'formula', priceFen: 999_999 })).toBeUndefined();
    // The catalogue keeps 高档 a minority of the cosmetics.
    const cosmetics = IMPORT_PRODUCTS.filter((p) => p.category === 'cosmetics');
    const premium = cosmetics.filter((p) => cosmeticConsumptionTax(p)).reduce((s, p) => s + p.weight, 0);
    expect(premium / cosmetics.reduce((s, p) => s + p.weight, 0)).toBeLessThan(0.25);
    expect(premium).toBeGreaterThan(0);
  });
});

describe('check characters', () => {
  it('computes GB 11643 (ISO 7064 MOD 11-2) ID check characters', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
    expect(isResidentId('11010519491231002X')).toBe(true);
    expect(isResidentId('110105194912310021')).toBe(false);
    // Against the standard's own definition: weights 2^(17−i) mod 11, check (12 − S mod 11) mod 11, 10 → X.
    fc.assert(fc.property(fc.stringMatching(/^\d{17}$/), (first17) => {
      const sum = [...first17].reduce((s, d, i) => s + Number(d) * (2 ** (17 - i) % 11), 0);
      const check = (12 - (sum % 11)) % 11;
      expect(residentIdCheckChar(first17)).toBe(check === 10 ? 'X' : String(check));
    }));
  });
  it('computes EAN-13 and UPU S10 check digits', () => {
    expect(ean13('400638133393')).toBe('4006381333931');
    expect(s10('RR', '47312482', 'GB')).toBe('RR473124829GB');
  });
  it('gives every generated buyer and payer a valid ID number', () => {
    const t = createTraffic({ seed: 3, parties, now: fixedNow, faults: { payer_not_buyer: 0.5 } });
    for (let i = 0; i < 300; i++) {
      const { o, pay } = heads(t.nextImportParcel());
      expect(isResidentId(o.buyerIdNumber), o.buyerIdNumber).toBe(true);
      expect(isResidentId(pay.payerIdNumber), pay.payerIdNumber).toBe(true);
    }
  });
});

describe('createTraffic', () => {
  it('is deterministic: same seed and clock, same parcels; the guids alone come from newGuid()', () => {
    const run = (seed: number, guid?: () => string) => {
      const t = createTraffic({ seed, parties, now: fixedNow, ...(guid ? { guid } : {}) });
      return Array.from({ length: 60 }, (_, i) => (i % 3 ? t.nextImportParcel() : t.nextExportParcel()));
    };
    expect(run(42, counterGuid())).toEqual(run(42, counterGuid()));
    expect(run(43, counterGuid())).not.toEqual(run(42, counterGuid()));
    const strip = (ps: unknown[]) => JSON.parse(JSON.stringify(ps).replace(/"guid":"[0-9A-F-]{36}"/g, '"guid":"-"'));
    const a = run(42), b = run(42);
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
    expect(strip(a)).toEqual(strip(b));
  });

  it('keeps the import and export sequences independent of how calls interleave', () => {
    const a = createTraffic({ seed: 9, parties, now: fixedNow, guid: counterGuid() });
    const b = createTraffic({ seed: 9, parties, now: fixedNow, guid: counterGuid() });
    const onlyImports = Array.from({ length: 20 }, () => a.nextImportParcel().order.Order[0]!.OrderHead.orderNo);
    const interleaved = Array.from({ length: 20 }, () => (b.nextExportParcel(), b.nextImportParcel().order.Order[0]!.OrderHead.orderNo));
    expect(interleaved).toEqual(onlyImports);
  });

  it('writes models that pass checkModel without errors or warnings, fault or not', () => {
    const t = createTraffic({ seed: 11, parties, now: fixedNow });
    for (let i = 0; i < 300; i++) {
      const p = t.nextImportParcel();
      for (const [kind, m] of [['order', p.order], ['payment', p.payment], ['waybill', p.waybill]] as const) {
        const r = checkModel(p.messageType(kind), m as unknown as Model);
        expect([r.errors, r.warnings], `${kind} ${i}`).toEqual([[], []]);
      }
      const x = t.nextExportParcel();
      for (const [kind, m] of [['order', x.order], ['receipts', x.receipts], ['waybill', x.waybill]] as const) {
        const r = checkModel(x.messageType(kind), m as unknown as Model);
        expect([r.errors, r.warnings], `${kind} ${i}`).toEqual([[], []]);
      }
    }
  });

  it('keeps the 三单 rules and the quotas in every clean import parcel', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const t = createTraffic({ seed, parties, now: fixedNow, faults: NO_FAULTS });
      const ytd = new Map<string, number>();
      for (let i = 0; i < 25; i++) {
        const p = t.nextImportParcel();
        expect(p.fault).toBeNull();
        expect(brokenImportRules(p)).toEqual([]);
        expect(importShape(p)).toEqual([]);
        const { o } = heads(p);
        ytd.set(o.buyerIdNumber, (ytd.get(o.buyerIdNumber) ?? 0) + p.expected.dutiableFen);
        expect(ytd.get(o.buyerIdNumber)!).toBeLessThanOrEqual(ANNUAL_LIMIT_FEN);
      }
    }), { numRuns: 16 });
  });

  it('keeps the export documents consistent in every clean export parcel', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const t = createTraffic({ seed, parties, now: fixedNow, faults: NO_FAULTS });
      for (let i = 0; i < 25; i++) {
        const p = t.nextExportParcel();
        const o = p.order.Order[0]!;
        const w = p.waybill.Logistics[0]!;
        expect(brokenExportRules(p)).toEqual([]);
        expect(o.OrderHead.orderType).toBe('E');
        expect(o.OrderList.every((l, k) => l.gnum === String(k + 1) && f(l.price) * Number(l.qty) === f(l.totalPrice) && l.currency === o.OrderHead.currency)).toBe(true);
        expect(o.OrderList.reduce((s, l) => s + f(l.totalPrice), 0)).toBe(f(o.OrderHead.goodsValue));
        expect(w.packNo).toBe('1');
        expect(w.logisticsNo).toMatch(/^[A-Z]{2}\d{9}CN$/);
        expect(s10(w.logisticsNo.slice(0, 2), w.logisticsNo.slice(2, 10))).toBe(w.logisticsNo);
        expect(p.expected.amountPaidFen).toBe(f(p.receipts.Receipts[0]!.charge));
      }
    }), { numRuns: 12 });
  });

  it('issues unique order, payment and waybill numbers', () => {
    const t = createTraffic({ seed: 5, parties, now: fixedNow });
    const seen = { order: new Set<string>(), pay: new Set<string>(), waybill: new Set<string>() };
    for (let i = 0; i < 2000; i++) {
      const { o, w } = heads(t.nextImportParcel());
      seen.order.add(o.orderNo); seen.pay.add(o.payTransactionId!); seen.waybill.add(w.logisticsNo);
      const x = t.nextExportParcel();
      seen.order.add(x.order.Order[0]!.OrderHead.orderNo); seen.waybill.add(x.waybill.Logistics[0]!.logisticsNo); seen.pay.add(x.receipts.Receipts[0]!.payNo!);
    }
    expect([seen.order.size, seen.pay.size, seen.waybill.size]).toEqual([4000, 4000, 4000]);
  });

  const IMPORT_RULE: Record<FaultKind, string> = {
    amount_mismatch: '#3', payer_not_buyer: '#7', over_single_limit: '#11', consignee_mismatch: '#8', malformed_xml: 'xml',
  };
  it.each(Object.entries(IMPORT_RULE))('import fault %s breaks exactly §2.1 %s', (kind, rule) => {
    const t = createTraffic({ seed: 21, parties, now: fixedNow, faults: { [kind]: 1 } });
    for (let i = 0; i < 60; i++) {
      const p = t.nextImportParcel();
      expect(p.fault).toBe(kind);
      expect(brokenImportRules(p)).toEqual([rule]);
      if (kind === 'over_single_limit') expect(p.order.Order[0]!.OrderList.reduce((s, l) => s + Number(l.qty), 0)).toBeGreaterThanOrEqual(2);
      if (kind === 'malformed_xml') {
        const broken = (['order', 'payment', 'waybill'] as const).filter((k) => !readMessage(p.toXml(k)).valid);
        expect(broken).toEqual([p.garble!.document]);
        expect(readMessage(p.toXml(broken[0]!)).errors[0]!.rule).toBe('CEB_XML');
      }
    }
  });

  it("agrees with the platform's own 三单 matcher: clean parcels match, each fault fails only its rule", () => {
    const platformRule: Partial<Record<FaultKind, string>> = {
      amount_mismatch: 'amount_paid', payer_not_buyer: 'payer_is_buyer', over_single_limit: 'single_limit', consignee_mismatch: 'consignee',
    };
    const t = createTraffic({ seed: 31, parties, now: fixedNow, faults: { amount_mismatch: 0.1, payer_not_buyer: 0.1, over_single_limit: 0.1, consignee_mismatch: 0.1 } });
    const ytd = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const p = t.nextImportParcel();
      const { o } = heads(p);
      const result = matchImport({ order: p.order.Order[0]!, payment: p.payment.Payment[0]!, waybill: p.waybill.Logistics[0]! }, { yearToDateFen: ytd.get(o.buyerIdNumber) ?? 0 });
      expect([...new Set(result.mismatches.map((m) => m.rule))], String(p.fault)).toEqual(p.fault ? [platformRule[p.fault]] : []);
      if (!p.fault) ytd.set(o.buyerIdNumber, (ytd.get(o.buyerIdNumber) ?? 0) + p.expected.dutiableFen);
    }
  });

  it.each([
    ['amount_mismatch', 'amount_mismatch', ['amount']], ['malformed_xml', 'malformed_xml', ['xml']],
    ['payer_not_buyer', null, []], ['over_single_limit', null, []], ['consignee_mismatch', null, []],
  ] as const)('export fault %s → %s', (kind, fault, broken) => {
    const t = createTraffic({ seed: 22, parties, now: fixedNow, faults: { [kind]: 1 } });
    for (let i = 0; i < 40; i++) {
      const p = t.nextExportParcel();
      expect(p.fault).toBe(fault);
      expect(brokenExportRules(p)).toEqual(broken);
    }
  });

  it('draws about 5 % faults by default, and the shares given', () => {
    const count = (faults?: FaultShares) => {
      const t = createTraffic({ seed: 1234, parties, now: fixedNow, ...(faults ? { faults } : {}) });
      const c: Record<string, number> = {};
      for (let i = 0; i < 4000; i++) {
        const k = String(t.nextImportParcel().fault);
        c[k] = (c[k] ?? 0) + 1;
      }
      return c;
    };
    const d = count();
    const faulty = 4000 - (d['null'] ?? 0);
    expect(faulty).toBeGreaterThan(4000 * 0.035);
    expect(faulty).toBeLessThan(4000 * 0.065);
    const only = count({ consignee_mismatch: 0.25 });
    expect(Object.keys(only).sort()).toEqual(['consignee_mismatch', 'null']);
    expect(only['consignee_mismatch']).toBeGreaterThan(800);
    expect(only['consignee_mismatch']).toBeLessThan(1200);
  });

  it('maps registry enterprises to parties, and sells the goods of a cluster mostly through its enterprises', () => {
    expect(parties.ebc.filter((p) => p.trades === 'import').map((p) => p.name)).toEqual(['金义综保区美妆进口有限公司（演示）', '义乌综保区母婴用品进口有限公司（演示）']);
    expect([parties.ebp.length, parties.payment.length, parties.logistics.length]).toEqual([1, 1, 2]);
    const t = createTraffic({ seed: 8, parties, now: fixedNow });
    const clusterOf = new Map(EXPORT_PRODUCTS.map((p) => [p.sku, p.cluster]));
    let fitting = 0, matched = 0;
    for (let i = 0; i < 400; i++) {
      const o = t.nextExportParcel().order.Order[0]!;
      const want = clusterOf.get(o.OrderList[0]!.itemNo);
      if (!parties.ebc.some((p) => p.cluster === want)) continue;
      fitting++;
      if (parties.ebc.find((p) => p.code === o.OrderHead.ebcCode)?.cluster === want) matched++;
      expect(parties.ebc.find((p) => p.code === o.OrderHead.ebcCode)?.trades).toBe('export');
    }
    expect(matched / fitting).toBeGreaterThan(0.7);
  });

  it('refuses shares that do not add up and missing roles', () => {
    expect(() => createTraffic({ seed: 1, parties, faults: { amount_mismatch: 0.7, malformed_xml: 0.4 } })).toThrow(AppError);
    expect(() => createTraffic({ seed: 1, parties, faults: { amount_mismatch: -0.1 } })).toThrow(AppError);
    expect(() => createTraffic({ seed: 1, parties: { ...parties, payment: [] } })).toThrow(/payment/);
  });

  it('garbles documents into XML that does not parse, in every mode', () => {
    const xml = createTraffic({ seed: 1, parties, now: fixedNow }).nextImportParcel().toXml('order');
    expect(readMessage(xml).valid).toBe(true);
    for (const mode of ['truncated', 'mismatched_tag', 'undeclared_entity', 'control_char'] as const) {
      for (const at of [0, 0.37, 0.999]) {
        const r = readMessage(garbleXml(xml, mode, at));
        expect(r.errors.map((e) => e.rule), `${mode} ${at}`).toEqual(['CEB_XML']);
      }
    }
  });
});

// ——— Driver against a local stand-in for the intake API ———

interface Seen {
  token: string;
  contentType: string;
  messageType?: string;
  copCode?: string;
  filers: string[];
  documents: number;
  status: number;
}

const FILER_FIELD: Record<string, [string, (d: Record<string, unknown>) => string]> = {
  CEB311Message: ['Order', (d) => (d['OrderHead'] as Record<string, string>)['ebpCode']!],
  CEB411Message: ['Payment', (d) => (d['PaymentHead'] as Record<string, string>)['payCode']!],
  CEB511Message: ['Logistics', (d) => (d['LogisticsHead'] as Record<string, string>)['logisticsCode']!],
  CEB303Message: ['Order', (d) => (d['OrderHead'] as Record<string, string>)['ebpCode']!],
  CEB403Message: ['Receipts', (d) => d['payCode'] as string],
  CEB505Message: ['Logistics', (d) => d['logisticsCode'] as string],
  CEB603Message: ['Inventory', (d) => (d['InventoryHead'] as Record<string, string>)['agentCode']!],
};

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers like the intake contract: 200 with one receipt per document, 400 for what does not read. */
async function intakeStub(opts: { status?: number } = {}) {
  const seen: Seen[] = [];
  let active = 0;
  let maxActive = 0;
  const server = createServer(async (req, res) => {
    active++;
    maxActive = Math.max(maxActive, active);
    const text = await body(req);
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const contentType = req.headers['content-type'] ?? '';
    await new Promise((r) => setTimeout(r, 2));
    const answer = (status: number, payload: unknown, s: Omit<Seen, 'status' | 'token' | 'contentType'>) => {
      seen.push({ token, contentType, status, ...s });
      active--;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    if (opts.status) return answer(opts.status, { code: 'X', message: 'stub', issues: [] }, { filers: [], documents: 0 });
    const read = contentType.startsWith('application/json')
      ? (() => { const j = JSON.parse(text) as { messageType: string; message: Model }; return checkModel(j.messageType, j.message); })()
      : readMessage(text);
    if (!read.valid || !read.message || !read.messageType) {
      return answer(400, { code: 'INTAKE_REJECTED', message: 'refused', issues: read.errors }, { filers: [], documents: 0 });
    }
    const [rootKey, filerOf] = FILER_FIELD[read.messageType]!;
    const docs = read.message[rootKey] as Record<string, unknown>[];
    const copCode = (read.message['BaseTransfer'] as Record<string, string>)['copCode']!;
    return answer(200, {
      receipts: docs.map((_, i) => ({ guid: `G${i}`, messageType: read.messageType, key: String(i), status: 'accepted', returnStatus: i === 0 ? '-301010' : '2', returnInfo: { 'zh-CN': '新增申报成功', en: 'ok' } })),
    }, { messageType: read.messageType, copCode, filers: docs.map(filerOf), documents: docs.length });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxActive: () => maxActive };
}

const tokens: Record<string, string> = Object.fromEntries(
  [...parties.ebp, ...parties.payment, ...parties.logistics, ...(parties.declarant ?? [])].map((p) => [p.code, `tok-${p.code}`]),
);

describe('driveTraffic', () => {
  it.each(['xml', 'json'] as const)('groups documents per filer with its token, batches ≤ batchSize, and counts answers (%s)', async (format) => {
    const stub = await intakeStub();
    const traffic = createTraffic({ seed: 77, parties, faults: { malformed_xml: 0.1, amount_mismatch: 0.1 } });
    const progress: TrafficStats[] = [];
    const stats = await driveTraffic({
      baseUrl: stub.baseUrl, tokens, traffic, ratePerSecond: 400, durationSeconds: 0.4, batchSize: 7, concurrency: 3,
      mode: 'mixed', format, progressIntervalMs: 50, onProgress: (s) => progress.push(s),
    });
    const ok = stub.seen.filter((s) => s.status === 200);
    const refused = stub.seen.filter((s) => s.status === 400);
    expect(stats.parcels).toBeGreaterThan(0);
    expect(stats.posted).toBe(stub.seen.length);
    expect([stats.accepted, stats.refused, stats.errors]).toEqual([ok.length, refused.length, 0]);
    // One broken document per malformed parcel, each sent alone and refused alone.
    expect(stats.refused).toBe(stats.faults.malformed_xml);
    // Three documents per import parcel, four per export parcel (with the declarant's CEB603).
    const exportOrders = stub.seen.filter((r) => r.messageType === 'CEB303Message').reduce((n, r) => n + r.documents, 0);
    const exportLists = stub.seen.filter((r) => r.messageType === 'CEB603Message').reduce((n, r) => n + r.documents, 0);
    expect(exportLists).toBeGreaterThan(0);
    expect(exportLists).toBeGreaterThanOrEqual(exportOrders);
    expect(stats.documents).toBe(3 * stats.parcels + exportLists);
    expect(ok.reduce((s, r) => s + r.documents, 0) + refused.length).toBe(stats.documents);
    expect(stats.receipts).toBe(ok.reduce((s, r) => s + r.documents, 0));
    expect(stats.receiptsNegative).toBe(ok.length);
    for (const r of ok) {
      expect(r.documents).toBeLessThanOrEqual(7);
      expect(r.token).toBe(`tok-${r.copCode}`);
      expect(new Set(r.filers)).toEqual(new Set([r.copCode]));
      expect(r.contentType).toContain(format === 'json' ? 'application/json' : 'application/xml');
    }
    expect(new Set(ok.map((r) => r.messageType))).toEqual(new Set(Object.keys(FILER_FIELD)));
    expect(stub.maxActive()).toBeLessThanOrEqual(3);
    expect(progress.at(-1)).toEqual(stats);
    expect(stats.p99Ms).toBeGreaterThanOrEqual(stats.p50Ms);
    expect(describeStats(stats).en).toContain(`${stats.parcels} parcels`);
  });

  it('counts 5xx answers and unreachable servers as errors without throwing', async () => {
    const stub = await intakeStub({ status: 503 });
    const traffic = createTraffic({ seed: 1, parties, faults: NO_FAULTS });
    const stats = await driveTraffic({ baseUrl: stub.baseUrl, tokens, traffic, ratePerSecond: 200, durationSeconds: 0.2, mode: 'import', batchSize: 100 });
    expect(stats.posted).toBeGreaterThan(0);
    expect([stats.accepted, stats.refused, stats.errors]).toEqual([0, 0, stats.posted]);

    const closed = await intakeStub();
    const url = closed.baseUrl;
    await new Promise((r) => servers.pop()!.close(r));
    const down = await driveTraffic({ baseUrl: url, tokens, traffic, ratePerSecond: 100, durationSeconds: 0.1, mode: 'export', timeoutMs: 2000 });
    expect(down.posted).toBeGreaterThan(0);
    expect(down.errors).toBe(down.posted);
  });

  it('refuses bad options and a filer without a token before sending anything', async () => {
    const stub = await intakeStub();
    const traffic = createTraffic({ seed: 1, parties });
    const base = { baseUrl: stub.baseUrl, tokens, traffic, ratePerSecond: 10, durationSeconds: 0.1, mode: 'import' as const };
    await expect(driveTraffic({ ...base, batchSize: 101 })).rejects.toThrow(AppError);
    await expect(driveTraffic({ ...base, concurrency: 0 })).rejects.toThrow(AppError);
    const { [parties.payment[0]!.code]: _dropped, ...fewer } = tokens;
    await expect(driveTraffic({ ...base, tokens: fewer })).rejects.toThrow(parties.payment[0]!.code);
    expect(stub.seen).toEqual([]);
  });

  it('stops at once when aborted', async () => {
    const stub = await intakeStub();
    const ac = new AbortController();
    ac.abort();
    const stats = await driveTraffic({
      baseUrl: stub.baseUrl, tokens, traffic: createTraffic({ seed: 1, parties }), ratePerSecond: 100, durationSeconds: 60, mode: 'mixed', signal: ac.signal,
    });
    expect([stats.parcels, stats.posted]).toEqual([0, 0]);
  });
});
