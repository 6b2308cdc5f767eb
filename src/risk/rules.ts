// The rule catalogue: each rule a stable code, words in the catalogues, a severity, typed parameters
// with defaults (stored as data and tunable by the zone office), and a pure check that returns the
// values that made it fire. Sources: cbec-rules §2.1 (rule 7 buyer = payer, rule 11 limits), 财关税
// 〔2018〕49号 (5,000 single limit), issue 8 §2.
import { Type, type Static, type TObject } from 'typebox';
import { fenToYuan } from '../kernel/money.js';
import type { MessageCode } from '../kernel/i18n/index.js';
import { buyerKey } from '../clearance/pipeline.js';
import type { Facts, KeyField, Observation } from './facts.js';
import type { DocumentKind, Subject } from './subject.js';

export type Severity = 'low' | 'medium' | 'high';
export type HitValues = Readonly<Record<string, string | number | boolean>>;

/** What a fired rule shows: the figures that made it fire. */
export interface Windows {
  readonly history?: number;
  readonly enterprise?: number;
  readonly prices?: number;
  readonly rejections?: number;
}

export interface Rule<P extends TObject = TObject> {
  readonly code: string;
  readonly name: MessageCode;
  /** Explanation, filled with the hit's values. */
  readonly why: MessageCode;
  readonly severity: Severity;
  readonly applies: readonly DocumentKind[];
  readonly params: P;
  /** How far back (ms) the facts must reach for these parameters. */
  windows?(p: Static<P>): Windows;
  check(s: Subject, f: Facts, p: Static<P>): HitValues | undefined;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const weight = (d: number) => Type.Integer({ minimum: 0, maximum: 1000, default: d, description: 'points added to the document\'s score when the rule fires' });
const define = <P extends TObject>(r: Rule<P>): Rule => r as unknown as Rule;
// The window's start for an instant: asked by several rules for each document, so remembered.
const starts = new Map<string, string>();
const after = (at: string, ms: number): string => {
  const key = `${at}|${ms}`;
  let from = starts.get(key);
  if (from === undefined) {
    if (starts.size >= 10_000) starts.clear();
    from = new Date(Date.parse(at) - ms).toISOString();
    starts.set(key, from);
  }
  return from;
};
const inWindow = (obs: readonly Observation[], at: string, ms: number) => {
  const from = after(at, ms);
  return obs.filter((o) => o.at > from && o.at <= at);
};
const distinct = (values: readonly (string | null)[]) => new Set(values.filter((v): v is string => v !== null)).size;

/** The single-transaction limit (财关税〔2018〕49号 §1: 5,000 CNY). */
export const SINGLE_LIMIT_YUAN = 5000;

const SPLIT_DIMENSIONS: readonly KeyField[] = ['buyerKey', 'consigneeKey', 'addressKey'];
const DIMENSION_NAME: Readonly<Record<KeyField, string>> = { buyerKey: 'buyer', consigneeKey: 'consignee', addressKey: 'address', phoneKey: 'phone' };

export const splitOrder = define({
  code: 'R-SPLIT-ORDER', name: 'RISK_SPLIT_ORDER', why: 'RISK_SPLIT_ORDER_WHY', severity: 'high', applies: ['order'],
  params: Type.Object({
    weight: weight(40),
    windowHours: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 72 }),
    limitYuan: Type.Integer({ minimum: 1, maximum: 1_000_000, default: SINGLE_LIMIT_YUAN }),
    minOrders: Type.Integer({ minimum: 2, maximum: 100, default: 2 }),
  }, { additionalProperties: false }),
  windows: (p) => ({ history: p.windowHours * HOUR }),
  // Several orders, each under the single limit, that together exceed it: one purchase split to
  // stay under 5,000 (cbec-rules §2.1 rule 11).
  check(s, f, p) {
    const o = s.order;
    const limit = p.limitYuan * 100;
    if (!o || o.valueFen >= limit) return undefined;
    let best: HitValues | undefined;
    let bestTotal = 0;
    for (const dim of SPLIT_DIMENSIONS) {
      if (!o[dim]) continue;
      const under = inWindow(f.history[dim], s.input.at, p.windowHours * HOUR).filter((x) => x.valueFen < limit);
      const n = under.length + 1;
      const total = under.reduce((t, x) => t + x.valueFen, o.valueFen);
      if (n >= p.minOrders && total > limit && total > bestTotal) {
        bestTotal = total;
        best = { by: DIMENSION_NAME[dim], orders: n, total: fenToYuan(total), limit: fenToYuan(limit), hours: p.windowHours };
      }
    }
    return best;
  },
});

export const manyConsignees = define({
  code: 'R-BUYER-MANY-CONSIGNEES', name: 'RISK_BUYER_MANY_CONSIGNEES', why: 'RISK_BUYER_MANY_CONSIGNEES_WHY', severity: 'medium', applies: ['order'],
  params: Type.Object({ weight: weight(20), windowDays: Type.Integer({ minimum: 1, maximum: 365, default: 30 }), maxConsignees: Type.Integer({ minimum: 1, maximum: 1000, default: 3 }) }, { additionalProperties: false }),
  windows: (p) => ({ history: p.windowDays * DAY }),
  check(s, f, p) {
    const o = s.order;
    if (!o?.buyerKey) return undefined;
    const n = distinct([...inWindow(f.history.buyerKey, s.input.at, p.windowDays * DAY).map((x) => x.consigneeKey), o.consigneeKey]);
    return n > p.maxConsignees ? { consignees: n, max: p.maxConsignees, days: p.windowDays } : undefined;
  },
});

export const manyBuyers = define({
  code: 'R-MANY-BUYERS-ONE-ADDRESS', name: 'RISK_MANY_BUYERS', why: 'RISK_MANY_BUYERS_WHY', severity: 'medium', applies: ['order'],
  params: Type.Object({ weight: weight(20), windowDays: Type.Integer({ minimum: 1, maximum: 365, default: 30 }), maxBuyers: Type.Integer({ minimum: 1, maximum: 1000, default: 3 }) }, { additionalProperties: false }),
  windows: (p) => ({ history: p.windowDays * DAY }),
  // Many IDs behind one address or phone: borrowed identities (代购 using others' quotas).
  check(s, f, p) {
    const o = s.order;
    if (!o) return undefined;
    for (const dim of ['addressKey', 'phoneKey'] as const) {
      if (!o[dim]) continue;
      const n = distinct([...inWindow(f.history[dim], s.input.at, p.windowDays * DAY).map((x) => x.buyerKey), o.buyerKey]);
      if (n > p.maxBuyers) return { by: DIMENSION_NAME[dim], buyers: n, max: p.maxBuyers, days: p.windowDays };
    }
    return undefined;
  },
});

export const buyerNotPayer = define({
  code: 'R-BUYER-NOT-PAYER', name: 'RISK_BUYER_NOT_PAYER', why: 'RISK_BUYER_NOT_PAYER_WHY', severity: 'high', applies: ['payment'],
  // Below the review threshold alone: the three-document match already refuses an unverified payer
  // (explained field by field); here it adds to the document's score with other signals.
  params: Type.Object({ weight: weight(15) }, { additionalProperties: false }),
  // 18号 art 5 (cbec-rules §2.1 rule 7): an unverified buyer must be the payer.
  check(s, f) {
    const o = f.order;
    if (!o || f.buyerVerified || !s.head.payerIdNumber) return undefined;
    const idMatches = buyerKey(s.head.payerIdType ?? '1', s.head.payerIdNumber) === buyerKey(o.buyerIdType, o.buyerIdNumber);
    const nameMatches = (s.head.payerName ?? '').trim() === o.buyerName.trim();
    return idMatches && nameMatches ? undefined : { orderNo: o.orderNo, idMatches, nameMatches };
  },
});

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}
/** Median absolute deviation (unscaled), robust to the outliers the rule looks for. */
export const mad = (xs: readonly number[]): number => {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
};

/** Median and MAD of a price sample, computed once per sample (a batch shares one sample per code). */
const statsMemo = new WeakMap<readonly number[], { m: number; d: number }>();
function sampleStats(sample: readonly number[]): { m: number; d: number } {
  let s = statsMemo.get(sample);
  if (!s) {
    s = { m: median(sample), d: mad(sample) };
    statsMemo.set(sample, s);
  }
  return s;
}

export const priceBelowUsual = define({
  code: 'R-PRICE-BELOW-USUAL', name: 'RISK_PRICE_BELOW_USUAL', why: 'RISK_PRICE_BELOW_USUAL_WHY', severity: 'medium', applies: ['order', 'list'],
  params: Type.Object({
    weight: weight(30),
    windowDays: Type.Integer({ minimum: 1, maximum: 730, default: 90 }),
    minSample: Type.Integer({ minimum: 3, maximum: 10_000, default: 30 }),
    k: Type.Number({ minimum: 0, maximum: 100, default: 3, description: 'fires below median − k·MAD' }),
    ratio: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.5, description: 'and below ratio × median' }),
  }, { additionalProperties: false }),
  windows: (p) => ({ prices: p.windowDays * DAY }),
  // Undervaluation (low declared price to cut the tax): both bounds must be crossed, so a code whose
  // prices barely vary (MAD 0) does not fire on a small discount. Gifts (price 0) are exempt.
  check(s, f, p) {
    let worst: HitValues | undefined;
    let worstRatio = Infinity;
    for (const l of f.lines) {
      if (!l.gcode || l.gcode.length !== 10 || !l.priceFen) continue;
      const sample = f.prices.get(l.gcode) ?? [];
      if (sample.length < p.minSample) continue;
      const { m, d } = sampleStats(sample);
      if (m <= 0 || !(l.priceFen < m - p.k * d && l.priceFen < p.ratio * m)) continue;
      if (l.priceFen / m < worstRatio) {
        worstRatio = l.priceFen / m;
        worst = { gnum: l.gnum, gcode: l.gcode, price: fenToYuan(l.priceFen), median: fenToYuan(Math.round(m)), mad: fenToYuan(Math.round(d)), sample: sample.length };
      }
    }
    return worst;
  },
});

export const buyerVelocity = define({
  code: 'R-VELOCITY-BUYER', name: 'RISK_VELOCITY_BUYER', why: 'RISK_VELOCITY_BUYER_WHY', severity: 'low', applies: ['order'],
  params: Type.Object({ weight: weight(15), windowHours: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 }), maxOrders: Type.Integer({ minimum: 1, maximum: 100_000, default: 5 }) }, { additionalProperties: false }),
  windows: (p) => ({ history: p.windowHours * HOUR }),
  check(s, f, p) {
    if (!s.order?.buyerKey) return undefined;
    const n = inWindow(f.history.buyerKey, s.input.at, p.windowHours * HOUR).length + 1;
    return n > p.maxOrders ? { orders: n, max: p.maxOrders, hours: p.windowHours } : undefined;
  },
});

export const enterpriseVelocity = define({
  code: 'R-VELOCITY-ENTERPRISE', name: 'RISK_VELOCITY_ENTERPRISE', why: 'RISK_VELOCITY_ENTERPRISE_WHY', severity: 'low', applies: ['order'],
  params: Type.Object({ weight: weight(10), windowMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60, default: 60 }), maxOrders: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 20_000 }) }, { additionalProperties: false }),
  windows: (p) => ({ enterprise: p.windowMinutes * 60_000 }),
  check(s, f, p) {
    if (!s.order) return undefined;
    const n = f.enterpriseOrders + 1;
    return n > p.maxOrders ? { ebcCode: s.order.ebcCode, orders: n, max: p.maxOrders, minutes: p.windowMinutes } : undefined;
  },
});

export const goodsNotListed = define({
  code: 'R-GOODS-NOT-LISTED', name: 'RISK_GOODS_NOT_LISTED', why: 'RISK_GOODS_NOT_LISTED_WHY', severity: 'high', applies: ['order', 'list'],
  // Below the review threshold alone for the same reason: the match refuses goods off the list with the reason.
  params: Type.Object({ weight: weight(20), restrictedToo: Type.Boolean({ default: true, description: 'fire on restricted (监管要求) codes as well as codes off the list' }) }, { additionalProperties: false }),
  check(s, f, p) {
    if (s.direction !== 'import') return undefined;
    const bad = [...new Set(f.lines.map((l) => l.gcode).filter((g): g is string => !!g).filter((g) => f.goods.get(g) === 'off' || (p.restrictedToo && f.goods.get(g) === 'restricted')))];
    return bad.length ? { gcodes: bad.join(', '), off: bad.filter((g) => f.goods.get(g) === 'off').join(', ') || '-', restricted: bad.filter((g) => f.goods.get(g) === 'restricted').join(', ') || '-' } : undefined;
  },
});

/** kg per legal unit: JGS-20 035 千克, 036 克. */
const KG_PER_UNIT: Readonly<Record<string, number>> = { '035': 1, '036': 0.001 };

export const waybillWeight = define({
  code: 'R-WAYBILL-WEIGHT', name: 'RISK_WAYBILL_WEIGHT', why: 'RISK_WAYBILL_WEIGHT_WHY', severity: 'medium', applies: ['waybill'],
  params: Type.Object({
    weight: weight(20),
    tolerance: Type.Number({ minimum: 0, maximum: 1, default: 0.1, description: 'gross may be this share under the goods\' net weight (scales, rounding)' }),
    maxRatio: Type.Number({ minimum: 1, maximum: 1000, default: 5, description: 'gross more than this multiple of the net weight is suspect' }),
  }, { additionalProperties: false }),
  // Gross weight (511 weight, kg) against the goods' legal weight (qty × kg per piece from the item
  // record). Only when every line's legal unit is a weight; otherwise there is nothing to compare.
  check(s, f, p) {
    const gross = Number(s.head.weight);
    const o = f.order;
    if (!o || !o.lines.length || !Number.isFinite(gross)) return undefined;
    let net = 0;
    for (const l of o.lines) {
      const item = f.items.get(`${o.ebcCode}|${l.itemNo}`);
      const per = item ? KG_PER_UNIT[item.unit1] : undefined;
      const qty = Number(l.qty);
      if (!item || per === undefined || !Number.isFinite(qty)) return undefined;
      net += qty * Number(item.qty1PerUnit) * per;
    }
    if (!(net > 0)) return undefined;
    const ratio = gross / net;
    return ratio < 1 - p.tolerance || ratio > p.maxRatio ? { gross: s.head.weight!, net: net.toFixed(3), ratio: ratio.toFixed(2) } : undefined;
  },
});

export const repeatedRejections = define({
  code: 'R-REPEATED-REJECTIONS', name: 'RISK_REPEATED_REJECTIONS', why: 'RISK_REPEATED_REJECTIONS_WHY', severity: 'medium', applies: ['order', 'payment', 'waybill', 'list'],
  params: Type.Object({ weight: weight(25), windowDays: Type.Integer({ minimum: 1, maximum: 365, default: 30 }), minRejections: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 5 }) }, { additionalProperties: false }),
  windows: (p) => ({ rejections: p.windowDays * DAY }),
  check(_s, f, p) {
    return f.rejections >= p.minRejections ? { rejections: f.rejections, min: p.minRejections, days: p.windowDays } : undefined;
  },
});

/**
 * A party the document names is on the credit negative list. By default this sends the document to
 * a person (weight 40 ≥ review 30, < refuse 80): what the filer's own entry means — filing blocked or
 * mandatory review — is decided by the entry itself (src/credit/gate.ts), not by this weight.
 */
export const negativeList = define({
  code: 'R-NEGATIVE-LIST', name: 'RISK_NEGATIVE_LIST', why: 'RISK_NEGATIVE_LIST_WHY', severity: 'high', applies: ['order', 'payment', 'waybill', 'list'],
  params: Type.Object({ weight: weight(40) }, { additionalProperties: false }),
  check(s, f) {
    const named = s.parties.filter((c) => f.negativeList.has(c));
    return named.length ? { parties: named.join(', ') } : undefined;
  },
});

export const highRiskCountry = define({
  code: 'R-HIGH-RISK-COUNTRY', name: 'RISK_HIGH_RISK_COUNTRY', why: 'RISK_HIGH_RISK_COUNTRY_WHY', severity: 'medium', applies: ['order', 'waybill', 'list'],
  params: Type.Object({
    weight: weight(40),
    countries: Type.Array(Type.String({ pattern: '^[0-9A-Z]{3}$' }), { maxItems: 300, uniqueItems: true, default: [], description: 'customs country codes (JGS-20 国别代码)' }),
  }, { additionalProperties: false }),
  // Export: the destination (运抵国, head `country`); import: each line's origin.
  check(s, f, p) {
    const list = new Set(p.countries);
    const found = [...new Set([s.head.country, ...f.lines.map((l) => l.country)].filter((c): c is string => !!c && list.has(c)))];
    return found.length ? { countries: found.join(', ') } : undefined;
  },
});

export const RULES: readonly Rule[] = [
  splitOrder, manyConsignees, manyBuyers, buyerNotPayer, priceBelowUsual, buyerVelocity, enterpriseVelocity,
  goodsNotListed, waybillWeight, repeatedRejections, negativeList, highRiskCountry,
];
export const ruleByCode = (code: string): Rule | undefined => RULES.find((r) => r.code === code);

/** The routing thresholds, tunable like a rule's parameters (stored under this code). */
export const ROUTING = 'ROUTING';
export const routingParams = Type.Object({
  review: Type.Integer({ minimum: 1, maximum: 100_000, default: 30, description: 'a score at or above holds the document for manual review' }),
  refuse: Type.Integer({ minimum: 1, maximum: 100_000, default: 80, description: 'a score at or above refuses it' }),
}, { additionalProperties: false });
export type Routing = Static<typeof routingParams>;
