// Evaluation: gather the facts of a batch of documents (one query per kind of fact), run the enabled
// rules' pure checks, add up the weights and route by the thresholds. Pure apart from the FactSource.
import { Value } from 'typebox/value';
import { buyerKey } from '../clearance/pipeline.js';
import { text, type Text } from '../kernel/i18n/index.js';
import { yuanFieldToFen, subjectOf, type RiskInput, type Subject } from './subject.js';
import { KEY_FIELDS, observationOf, type Facts, type FactSource, type KeyField, type LineFact, type LinkedOrder, type Observation } from './facts.js';
import { RULES, routingParams, type HitValues, type Routing, type Rule, type Severity, type Windows } from './rules.js';

export type Decision = 'pass' | 'review' | 'refuse';

/** A rule's settings as stored: on or off, and its parameters (complete, defaults filled). */
export interface RuleSetting {
  readonly enabled: boolean;
  readonly params: Readonly<Record<string, unknown>>;
}
export interface Settings {
  readonly rules: ReadonlyMap<string, RuleSetting>;
  readonly routing: Routing;
}

export interface Hit {
  readonly code: string;
  readonly severity: Severity;
  readonly weight: number;
  readonly values: HitValues;
  readonly name: Text;
  readonly explanation: Text;
}

export interface Evaluation {
  readonly documentId: string;
  readonly messageType: string;
  readonly enterpriseId: string;
  readonly at: string;
  readonly score: number;
  readonly decision: Decision;
  readonly hits: readonly Hit[];
  /** What `record` keeps for later window queries (orders only). */
  readonly observation: Observation | undefined;
  /** An import order as its payment and waybill will look it up (kept by the platform between batches). */
  readonly linked?: LinkedOrder;
  readonly prices: readonly { gnum: number; gcode: string; priceFen: number }[];
}

/** Defaults of a parameter schema, with `given` laid over them. */
export const withDefaults = (rule: Pick<Rule, 'params'>, given: Readonly<Record<string, unknown>> = {}): Record<string, unknown> =>
  Value.Default(rule.params, structuredClone({ ...given })) as Record<string, unknown>;

export const defaultSettings = (): Settings => ({
  rules: new Map(RULES.map((r) => [r.code, { enabled: true, params: withDefaults(r) }])),
  routing: Value.Default(routingParams, {}) as Routing,
});

/** The score is the sum of the weights of the rules that fired. */
export const scoreOf = (hits: readonly Pick<Hit, 'weight'>[]): number => hits.reduce((t, h) => t + h.weight, 0);

/** Monotone in the score: refuse at or above `refuse`, review at or above `review`, else pass. */
export function decide(score: number, routing: Routing): Decision {
  if (score >= routing.refuse) return 'refuse';
  if (score >= routing.review) return 'review';
  return 'pass';
}

const back = (at: string, ms: number) => new Date(Date.parse(at) - ms).toISOString();
const maxOf = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
const positiveFen = (s: string | undefined): number | undefined => {
  const f = yuanFieldToFen(s);
  return f > 0 ? f : undefined;
};

/**
 * Evaluates a batch. Window facts are fetched once for the batch, reaching back from its earliest
 * document by the longest window an enabled rule asks for; each check then keeps its own window per
 * document (history by key). Two facts are counted for the batch as a whole rather than per
 * document — the enterprise's orders and the price sample — which over a batch of seconds
 * changes nothing the thresholds could see. Orders of the batch count for one another (an order
 * split in one upload is still split), each seeing those at or before its own time.
 */
export async function evaluateBatch(inputs: readonly RiskInput[], settings: Settings, source: FactSource): Promise<Evaluation[]> {
  if (!inputs.length) return [];
  const subjects = inputs.map(subjectOf);
  const active = RULES.filter((r) => settings.rules.get(r.code)?.enabled !== false).map((r) => ({ rule: r, params: settings.rules.get(r.code)?.params ?? withDefaults(r) }));
  const relevant = active.filter(({ rule }) => subjects.some((s) => rule.applies.includes(s.kind)));
  const uses = (code: string) => relevant.some((r) => r.rule.code === code);
  const windows = relevant.map(({ rule, params }) => rule.windows?.(params as never) ?? ({} as Windows));
  const reach = (k: keyof Windows) => maxOf(windows.map((w) => w[k] ?? 0));
  const ats = subjects.map((s) => s.input.at).sort();
  const first = ats[0]!;
  const last = ats[ats.length - 1]!;
  const orders = subjects.filter((s) => s.order);
  const batchObservations = orders.map((s) => observationOf(s)!);
  const inBatch = new Set(batchObservations.map((o) => o.documentId));

  // One query per kind of fact for the whole batch.
  const historyMs = reach('history');
  // Per key field, the stored observations by key (those of the batch's own documents left out:
  // the batch's versions count instead), and the batch's own by key.
  const history = new Map<KeyField, Map<string, Observation[]>>();
  const batchBy = new Map<KeyField, Map<string, Observation[]>>();
  const group = (obs: readonly Observation[], field: KeyField) => {
    const by = new Map<string, Observation[]>();
    for (const o of obs) {
      const k = o[field];
      if (k === null) continue;
      const list = by.get(k);
      if (list) list.push(o);
      else by.set(k, [o]);
    }
    return by;
  };
  for (const field of KEY_FIELDS) batchBy.set(field, group(batchObservations, field));
  if (historyMs > 0 && orders.length) {
    const keysOf = (field: KeyField) => [...batchBy.get(field)!.keys()];
    if (source.observationsAny) {
      // One read for the four keys: a row found through one key is grouped under each of its keys, and
      // only the batch's keys are ever looked up, so the answer is the same as four reads.
      const rows = (await source.observationsAny({ buyerKey: keysOf('buyerKey'), consigneeKey: keysOf('consigneeKey'), addressKey: keysOf('addressKey'), phoneKey: keysOf('phoneKey') }, back(first, historyMs), last))
        .filter((o) => !inBatch.has(o.documentId));
      for (const field of KEY_FIELDS) history.set(field, group(rows, field));
    } else {
      await Promise.all(KEY_FIELDS.map(async (field) => {
        const keys = keysOf(field);
        const rows = keys.length ? await source.observations(field, keys, back(first, historyMs), last) : [];
        history.set(field, group(rows.filter((o) => !inBatch.has(o.documentId)), field));
      }));
    }
  }
  const enterpriseMs = reach('enterprise');
  const ebcCodes = [...new Set(orders.map((s) => s.order!.ebcCode))];
  const enterpriseCounts = enterpriseMs > 0 && ebcCodes.length ? await source.enterpriseOrders(ebcCodes, back(first, enterpriseMs), last) : new Map<string, number>();

  const linkNos = [...new Set(subjects.filter((s) => s.kind === 'payment' || s.kind === 'waybill').map((s) => s.head.orderNo).filter((n): n is string => !!n))];
  const stored = linkNos.length && (uses('R-BUYER-NOT-PAYER') || uses('R-WAYBILL-WEIGHT')) ? await source.orders(linkNos) : new Map<string, readonly LinkedOrder[]>();
  const linked = new Map<Subject, LinkedOrder>();
  const batchOrders = new Map<string, LinkedOrder[]>();
  for (const o of subjects) {
    if (o.kind !== 'order' || o.direction !== 'import') continue;
    const no = o.head.orderNo ?? '';
    const list = batchOrders.get(no);
    if (list) list.push(linkedOf(o));
    else batchOrders.set(no, [linkedOf(o)]);
  }
  for (const s of subjects) {
    if (s.kind !== 'payment' && s.kind !== 'waybill') continue;
    const no = s.head.orderNo;
    const fromBatch = batchOrders.get(no ?? '') ?? [];
    const candidates = [...fromBatch, ...(no ? stored.get(no) ?? [] : [])];
    const hit = candidates.find((o) => !s.head.ebpCode || o.ebpCode === s.head.ebpCode);
    if (hit) linked.set(s, hit);
  }

  const itemRefs = new Map<string, { ebcCode: string; itemNo: string }>();
  const addRef = (ebcCode: string | undefined, itemNo: string | undefined) => { if (ebcCode && itemNo) itemRefs.set(`${ebcCode}|${itemNo}`, { ebcCode, itemNo }); };
  for (const s of subjects) if (s.kind === 'order' || s.kind === 'list') for (const l of s.lines) if (!l.gcode) addRef(s.head.ebcCode, l.itemNo);
  for (const o of linked.values()) for (const l of o.lines) addRef(o.ebcCode, l.itemNo);
  const items = itemRefs.size ? await source.itemRecords([...itemRefs.values()]) : new Map();

  const linesOf = new Map<Subject, LineFact[]>(subjects.map((s) => [s, s.lines.map((l) => ({
    gnum: l.gnum ?? '', itemNo: l.itemNo, gcode: l.gcode ?? items.get(`${s.head.ebcCode}|${l.itemNo}`)?.gcode,
    priceFen: positiveFen(l.price), qty: l.qty, country: l.country ?? items.get(`${s.head.ebcCode}|${l.itemNo}`)?.country ?? undefined,
  }))]));
  const gcodes = [...new Set([...linesOf.values()].flat().map((l) => l.gcode).filter((g): g is string => !!g))];
  const pricesMs = reach('prices');
  const prices = pricesMs > 0 && gcodes.length ? await source.prices(gcodes, back(first, pricesMs), PRICE_SAMPLE) : new Map<string, readonly number[]>();
  const goods = uses('R-GOODS-NOT-LISTED') && gcodes.length ? await source.goodsStatus(gcodes) : new Map();
  const verifyPairs = [...linked].filter(([s]) => s.kind === 'payment').map(([, o]) => ({ ebpCode: o.ebpCode, buyerKey: buyerKeyOf(o) }));
  const verified = verifyPairs.length && uses('R-BUYER-NOT-PAYER') ? await source.verifiedBuyers(verifyPairs) : new Set<string>();
  const rejectionsMs = reach('rejections');
  const enterpriseIds = [...new Set(subjects.map((s) => s.input.enterpriseId))];
  const rejections = rejectionsMs > 0 ? await source.rejections(enterpriseIds, back(first, rejectionsMs)) : new Map<string, number>();
  const negative = uses('R-NEGATIVE-LIST') ? await source.negativeList() : new Set<string>();

  // The batch's own orders per e-commerce enterprise, for the enterprise's velocity.
  const batchByEbc = new Map<string, Observation[]>();
  for (const o of batchObservations) {
    const list = batchByEbc.get(o.ebcCode);
    if (list) list.push(o);
    else batchByEbc.set(o.ebcCode, [o]);
  }
  const NONE: Record<KeyField, Observation[]> = { buyerKey: [], consigneeKey: [], addressKey: [], phoneKey: [] };

  return subjects.map((s) => {
    const own = s.input.documentId;
    const at = s.input.at;
    const others = (field: KeyField): Observation[] => {
      const key = s.order?.[field];
      if (!key) return [];
      return [...(history.get(field)?.get(key) ?? []), ...(batchBy.get(field)!.get(key) ?? []).filter((o) => o.documentId !== own && o.at <= at)];
    };
    const order = linked.get(s);
    const facts: Facts = {
      history: s.order ? { buyerKey: others('buyerKey'), consigneeKey: others('consigneeKey'), addressKey: others('addressKey'), phoneKey: others('phoneKey') } : NONE,
      enterpriseOrders: s.order ? (enterpriseCounts.get(s.order.ebcCode) ?? 0) + (batchByEbc.get(s.order.ebcCode) ?? []).filter((o) => o.documentId !== own && o.at <= at).length : 0,
      lines: linesOf.get(s)!, prices, items, order,
      buyerVerified: !!order && verified.has(`${order.ebpCode}|${buyerKeyOf(order)}`),
      rejections: rejections.get(s.input.enterpriseId) ?? 0, negativeList: negative, goods,
    };
    const hits: Hit[] = [];
    for (const { rule, params } of relevant) {
      if (!rule.applies.includes(s.kind)) continue;
      const values = rule.check(s, facts, params as never);
      if (!values) continue;
      const weight = Number(params.weight ?? 0);
      hits.push({ code: rule.code, severity: rule.severity, weight, values, name: text(rule.name), explanation: text(rule.why, values) });
    }
    const score = scoreOf(hits);
    return {
      documentId: own, messageType: s.input.messageType, enterpriseId: s.input.enterpriseId, at, score, decision: decide(score, settings.routing), hits,
      observation: observationOf(s),
      ...(s.kind === 'order' && s.direction === 'import' ? { linked: linkedOf(s) } : {}),
      // The sample is of orders only: a list repeats its order's prices and would count them twice.
      prices: s.kind === 'order'
        ? facts.lines.filter((l) => l.gcode?.length === 10 && l.priceFen !== undefined && Number.isInteger(Number(l.gnum))).map((l) => ({ gnum: Number(l.gnum), gcode: l.gcode!, priceFen: l.priceFen! }))
        : [],
    };
  });
}

/** How many recent prices per HS code the statistics use at most. */
export const PRICE_SAMPLE = 200;

const buyerKeyOf = (o: LinkedOrder) => buyerKey(o.buyerIdType, o.buyerIdNumber);

/** An order of the batch as a payment or waybill of the same batch refers to it. */
export function linkedOf(s: Subject): LinkedOrder {
  return {
    documentId: s.input.documentId, orderNo: s.head.orderNo ?? '', ebpCode: s.head.ebpCode ?? '', ebcCode: s.head.ebcCode ?? '',
    buyerIdType: s.head.buyerIdType ?? '1', buyerIdNumber: s.head.buyerIdNumber ?? '', buyerName: s.head.buyerName ?? '',
    lines: s.lines.map((l) => ({ itemNo: l.itemNo ?? '', qty: l.qty ?? '' })),
  };
}
