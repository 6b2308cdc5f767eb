// Constructed cases for every rule: one that fires and one at the boundary that must not.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, defaultSettings, evaluateBatch, scoreOf, withDefaults, type Settings } from './engine.js';
import { MemoryFactSource, type Observation } from './facts.js';
import { RULES, ruleByCode } from './rules.js';
import { subjectOf, type RiskInput } from './subject.js';

const T0 = '2026-11-01T00:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();
let n = 0;
const order = (o: { id?: string; buyer?: string; consignee?: string; phone?: string; address?: string; value?: string; at?: string; ebc?: string; lines?: object[] } = {}): RiskInput => ({
  documentId: o.id ?? `doc-${++n}`, messageType: 'CEB311Message', enterpriseId: 'e1', at: o.at ?? T0,
  entity: {
    OrderHead: {
      orderNo: `NO-${n}`, ebpCode: 'EBP1', ebcCode: o.ebc ?? 'EBC1', goodsValue: o.value ?? '100.00', buyerIdType: '1', buyerIdNumber: o.buyer ?? 'B1', buyerName: '张三',
      consignee: o.consignee ?? '张三', consigneeTelephone: o.phone ?? '13800000000', consigneeAddress: o.address ?? '北京市朝阳区1号',
    },
    OrderList: o.lines ?? [{ gnum: '1', itemNo: 'SKU1', qty: '1', price: '100', country: '116' }],
  },
});
/** Observations of earlier orders, as the store would hold them. */
const seen = (inputs: RiskInput[]): Observation[] => inputs.map((i) => {
  const s = subjectOf(i);
  return { documentId: i.documentId, enterpriseId: i.enterpriseId, ebcCode: s.order!.ebcCode, buyerKey: s.order!.buyerKey, consigneeKey: s.order!.consigneeKey, addressKey: s.order!.addressKey, phoneKey: s.order!.phoneKey, valueFen: s.order!.valueFen, at: i.at };
});
/** Only `code` enabled, with `params` over its defaults; thresholds low so a hit shows in the decision. */
const only = (code: string, params: Record<string, unknown> = {}): Settings => {
  const d = defaultSettings();
  return { routing: { review: 1, refuse: 100_000 }, rules: new Map([...d.rules].map(([c, s]) => [c, c === code ? { enabled: true, params: withDefaults(ruleByCode(c)!, params) } : { ...s, enabled: false }])) };
};
const codes = async (settings: Settings, doc: RiskInput, facts: MemoryFactSource = new MemoryFactSource()) => (await evaluateBatch([doc], settings, facts))[0]!.hits.map((h) => h.code);
const hitOf = async (settings: Settings, doc: RiskInput, facts: MemoryFactSource = new MemoryFactSource()) => (await evaluateBatch([doc], settings, facts))[0]!.hits[0];

describe('risk rules', () => {
  it('R-SPLIT-ORDER: orders under 5,000 that together pass it, within the window', async () => {
    const s = only('R-SPLIT-ORDER');
    const before = [order({ value: '3000.00', at: at(-10), consignee: '李四', address: '上海市1号' })];
    const facts = new MemoryFactSource({ observations: seen(before) });
    const hit = await hitOf(s, order({ value: '2000.01' }), facts);
    expect(hit?.values).toMatchObject({ by: 'buyer', orders: 2, total: '5000.01', limit: '5000.00' });
    expect(hit?.explanation.en).toContain('5000.01');
    // Exactly 5,000 together is within the limit; an older order outside the 72-hour window does not count.
    expect(await codes(s, order({ value: '2000.00' }), facts)).toEqual([]);
    expect(await codes(s, order({ value: '2500.00' }), new MemoryFactSource({ observations: seen([order({ value: '3000.00', at: at(-72) })]) }))).toEqual([]);
    // Same consignee, different buyers; and within one batch.
    const batch = [order({ buyer: 'X1', value: '4000', at: at(-1) }), order({ buyer: 'X2', value: '1500' })];
    const out = await evaluateBatch(batch, s, new MemoryFactSource());
    expect(out[1]!.hits[0]?.values).toMatchObject({ orders: 2, total: '5500.00' });
    expect(out[0]!.hits).toEqual([]);
  });

  it('R-BUYER-MANY-CONSIGNEES fires above the maximum, not at it', async () => {
    const s = only('R-BUYER-MANY-CONSIGNEES', { maxConsignees: 2 });
    const two = seen([order({ consignee: 'A', at: at(-5) }), order({ consignee: 'B', at: at(-4) })]);
    expect((await hitOf(s, order({ consignee: 'C' }), new MemoryFactSource({ observations: two })))?.values).toMatchObject({ consignees: 3, max: 2 });
    expect(await codes(s, order({ consignee: 'B' }), new MemoryFactSource({ observations: two }))).toEqual([]);
  });

  it('R-MANY-BUYERS-ONE-ADDRESS: the address compared after folding width and spaces', async () => {
    const s = only('R-MANY-BUYERS-ONE-ADDRESS', { maxBuyers: 2 });
    const two = seen([order({ buyer: 'P1', phone: '1', address: '杭州市 西湖区１号' }), order({ buyer: 'P2', phone: '2', address: '杭州市西湖区1号' })]);
    expect((await hitOf(s, order({ buyer: 'P3', phone: '3', address: '杭州市西湖区1号' }), new MemoryFactSource({ observations: two })))?.values).toMatchObject({ by: 'address', buyers: 3 });
    expect(await codes(s, order({ buyer: 'P2', phone: '3', address: '杭州市西湖区1号' }), new MemoryFactSource({ observations: two }))).toEqual([]);
  });

  it('R-BUYER-NOT-PAYER on a payment, unless the buyer was verified', async () => {
    const s = only('R-BUYER-NOT-PAYER');
    const linked = { documentId: 'o1', orderNo: 'NO-P', ebpCode: 'EBP1', ebcCode: 'EBC1', buyerIdType: '1', buyerIdNumber: '11010519491231002X', buyerName: '张三', lines: [] };
    const pay = (id: string, name: string): RiskInput => ({ documentId: 'pay', messageType: 'CEB411Message', enterpriseId: 'e2', at: T0, entity: { PaymentHead: { orderNo: 'NO-P', ebpCode: 'EBP1', payerIdType: '1', payerIdNumber: id, payerName: name } } });
    const facts = new MemoryFactSource({ orders: [linked] });
    expect((await hitOf(s, pay('110105194912310021', '张三'), facts))?.values).toMatchObject({ idMatches: false, nameMatches: true });
    // The same ID in lower case is the same buyer.
    expect(await codes(s, pay('11010519491231002x', '张三'), facts)).toEqual([]);
    const { buyerKey } = await import('../clearance/pipeline.js');
    expect(await codes(s, pay('110105194912310021', '李四'), new MemoryFactSource({ orders: [linked], verified: [`EBP1|${buyerKey('1', linked.buyerIdNumber)}`] }))).toEqual([]);
  });

  it('R-PRICE-BELOW-USUAL: below median − k·MAD and below ratio × median, with a minimum sample', async () => {
    const s = only('R-PRICE-BELOW-USUAL', { minSample: 5, k: 3, ratio: 0.5 });
    // Median 100.00; deviations 2,1,0,1,2,0,3 → MAD 1.00; bounds 97.00 (k·MAD) and 50.00 (ratio).
    const prices = [98, 99, 100, 101, 102, 100, 97].map((y, i) => ({ gcode: '3304990099', priceFen: y * 100, at: at(-i - 1) }));
    const items = { 'EBC1|SKU1': { gcode: '3304990099', unit1: '035', qty1PerUnit: '0.1', country: '116' } };
    const doc = (price: string) => order({ lines: [{ gnum: '1', itemNo: 'SKU1', qty: '1', price }] });
    expect((await hitOf(s, doc('49.99'), new MemoryFactSource({ prices, items })))?.values).toMatchObject({ gcode: '3304990099', median: '100.00', mad: '1.00', sample: 7 });
    expect(await codes(s, doc('50.00'), new MemoryFactSource({ prices, items }))).toEqual([]);
    expect(await codes(s, doc('0'), new MemoryFactSource({ prices, items }))).toEqual([]);
    // With the ratio out of the way, the k·MAD bound decides: 96.99 fires, 97.00 does not.
    const loose = only('R-PRICE-BELOW-USUAL', { minSample: 5, k: 3, ratio: 1 });
    expect(await codes(loose, doc('96.99'), new MemoryFactSource({ prices, items }))).toEqual(['R-PRICE-BELOW-USUAL']);
    expect(await codes(loose, doc('97.00'), new MemoryFactSource({ prices, items }))).toEqual([]);
    expect(await codes(s, doc('10.00'), new MemoryFactSource({ prices: prices.slice(0, 4), items }))).toEqual([]);
  });

  it('R-VELOCITY-BUYER and R-VELOCITY-ENTERPRISE count orders in their windows', async () => {
    const prior = seen([0, 1, 2].map((i) => order({ buyer: 'V', at: at(-i - 1) })));
    expect((await hitOf(only('R-VELOCITY-BUYER', { maxOrders: 3 }), order({ buyer: 'V' }), new MemoryFactSource({ observations: prior })))?.values).toMatchObject({ orders: 4 });
    expect(await codes(only('R-VELOCITY-BUYER', { maxOrders: 4 }), order({ buyer: 'V' }), new MemoryFactSource({ observations: prior }))).toEqual([]);
    const e = seen([0, 1].map((i) => order({ ebc: 'EBC9', buyer: `Q${i}`, at: at(-0.1 * (i + 1)) })));
    expect(await codes(only('R-VELOCITY-ENTERPRISE', { maxOrders: 2 }), order({ ebc: 'EBC9' }), new MemoryFactSource({ observations: e }))).toEqual(['R-VELOCITY-ENTERPRISE']);
    expect(await codes(only('R-VELOCITY-ENTERPRISE', { maxOrders: 3 }), order({ ebc: 'EBC9' }), new MemoryFactSource({ observations: e }))).toEqual([]);
  });

  it('R-GOODS-NOT-LISTED on off-list and restricted codes', async () => {
    const items = { 'EBC1|SKU1': { gcode: '9999999999', unit1: '007', qty1PerUnit: '1', country: null } };
    expect((await hitOf(only('R-GOODS-NOT-LISTED'), order(), new MemoryFactSource({ items, goods: { '9999999999': 'restricted' } })))?.values).toMatchObject({ restricted: '9999999999' });
    expect(await codes(only('R-GOODS-NOT-LISTED', { restrictedToo: false }), order(), new MemoryFactSource({ items, goods: { '9999999999': 'restricted' } }))).toEqual([]);
    expect(await codes(only('R-GOODS-NOT-LISTED'), order(), new MemoryFactSource({ items, goods: { '9999999999': 'listed' } }))).toEqual([]);
  });

  it('R-WAYBILL-WEIGHT against the goods\' legal weight, within tolerance', async () => {
    const s = only('R-WAYBILL-WEIGHT', { tolerance: 0.1, maxRatio: 5 });
    const facts = new MemoryFactSource({
      orders: [{ documentId: 'o', orderNo: 'W1', ebpCode: 'EBP1', ebcCode: 'EBC1', buyerIdType: '1', buyerIdNumber: 'X', buyerName: 'x', lines: [{ itemNo: 'SKU1', qty: '4' }, { itemNo: 'SKU2', qty: '2' }] }],
      items: { 'EBC1|SKU1': { gcode: '1', unit1: '035', qty1PerUnit: '0.5', country: null }, 'EBC1|SKU2': { gcode: '2', unit1: '036', qty1PerUnit: '500', country: null } },
    });
    const bill = (w: string): RiskInput => ({ documentId: 'wb', messageType: 'CEB511Message', enterpriseId: 'e3', at: T0, entity: { LogisticsHead: { orderNo: 'W1', weight: w } } });
    // Net 4 × 0.5 + 2 × 0.5 = 3 kg: 2.7 is the lowest gross allowed, 15 the highest.
    expect((await hitOf(s, bill('2.69'), facts))?.values).toMatchObject({ net: '3.000' });
    expect(await codes(s, bill('2.7'), facts)).toEqual([]);
    expect(await codes(s, bill('15'), facts)).toEqual([]);
    expect(await codes(s, bill('15.01'), facts)).toEqual(['R-WAYBILL-WEIGHT']);
  });

  it('R-REPEATED-REJECTIONS, R-NEGATIVE-LIST and R-HIGH-RISK-COUNTRY', async () => {
    const rej = (k: number) => new MemoryFactSource({ rejections: Array.from({ length: k }, (_, i) => ({ enterpriseId: 'e1', at: at(-i - 1) })) });
    expect(await codes(only('R-REPEATED-REJECTIONS', { minRejections: 3 }), order(), rej(3))).toEqual(['R-REPEATED-REJECTIONS']);
    expect(await codes(only('R-REPEATED-REJECTIONS', { minRejections: 3 }), order(), rej(2))).toEqual([]);
    expect((await hitOf(only('R-NEGATIVE-LIST'), order(), new MemoryFactSource({ negative: ['EBC1'] })))?.values).toEqual({ parties: 'EBC1' });
    expect(await codes(only('R-NEGATIVE-LIST'), order(), new MemoryFactSource({ negative: ['EBC2'] }))).toEqual([]);
    expect(await codes(only('R-HIGH-RISK-COUNTRY', { countries: ['116'] }), order())).toEqual(['R-HIGH-RISK-COUNTRY']);
    expect(await codes(only('R-HIGH-RISK-COUNTRY', { countries: ['133'] }), order())).toEqual([]);
    expect(await codes(only('R-HIGH-RISK-COUNTRY'), order())).toEqual([]);
  });

  it('every rule has a case above (the catalogue and the tests stay in step)', () => {
    expect(RULES.map((r) => r.code).sort()).toEqual([
      'R-BUYER-MANY-CONSIGNEES', 'R-BUYER-NOT-PAYER', 'R-GOODS-NOT-LISTED', 'R-HIGH-RISK-COUNTRY', 'R-MANY-BUYERS-ONE-ADDRESS', 'R-NEGATIVE-LIST',
      'R-PRICE-BELOW-USUAL', 'R-REPEATED-REJECTIONS', 'R-SPLIT-ORDER', 'R-VELOCITY-BUYER', 'R-VELOCITY-ENTERPRISE', 'R-WAYBILL-WEIGHT',
    ]);
  });
});

describe('scores and routing', () => {
  it('routes at the thresholds', () => {
    const r = { review: 30, refuse: 80 };
    expect([0, 29, 30, 79, 80, 500].map((s) => decide(s, r))).toEqual(['pass', 'pass', 'review', 'review', 'refuse', 'refuse']);
  });

  it('the score is the sum of the fired rules\' weights; the decision is monotone in the score', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 200 }), { minLength: RULES.length, maxLength: RULES.length }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 300 }),
      async (weights, review, extra) => {
        const d = defaultSettings();
        const settings: Settings = { routing: { review, refuse: review + extra }, rules: new Map(RULES.map((r, i) => [r.code, { enabled: true, params: { ...d.rules.get(r.code)!.params, weight: weights[i]!, ...(r.code === 'R-HIGH-RISK-COUNTRY' ? { countries: ['116'] } : {}) } }])) };
        const facts = new MemoryFactSource({ negative: ['EBC1'], rejections: Array.from({ length: 6 }, () => ({ enterpriseId: 'e1', at: at(-1) })), observations: seen([order({ value: '4000', at: at(-1) })]) });
        const [e] = await evaluateBatch([order({ value: '1500' })], settings, facts);
        expect(e!.hits.length).toBeGreaterThan(0);
        expect(e!.score).toBe(scoreOf(e!.hits));
        expect(e!.score).toBe(e!.hits.reduce((t, h) => t + weights[RULES.findIndex((r) => r.code === h.code)]!, 0));
        const rank = { pass: 0, review: 1, refuse: 2 };
        expect(rank[decide(e!.score + 1, settings.routing)]).toBeGreaterThanOrEqual(rank[e!.decision]);
      }), { numRuns: 50 });
  });
});
