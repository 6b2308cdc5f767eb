// Statistics on both databases: lists released through the real pipeline (the customs simulator
// answering at once) kept in the rollups in the receipts' transaction, read back as series and key
// figures that match sums done by hand; declarations changed and taken back; monthly reports
// replaced by versions, CSV all or nothing, late reporters and reminders; targets edited and audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { ITEM_RECORDS, parcel, transfer, type Parties } from '../../test/support/parcels.js';
import { writeMessage, type Model } from '../ceb/codec.js';
import { newGuid } from '../kernel/ids.js';
import { loadFxTable } from '../kernel/fx.js';
import { createRegistryService } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import { demoEnterprises } from '../zone/demo.js';
import { zoneProfiles } from '../zone/index.js';
import { createCustomsSimulator } from '../clearance/gateway/simulator.js';
import { parseXmlSubmission } from '../clearance/parse.js';
import { createPipeline, type Pipeline } from '../clearance/pipeline.js';
import { createStats, type Stats } from './service.js';

// Thursday 27 November 2026, noon in Beijing.
const NOW = new Date('2026-11-27T04:00:00Z');
const fx = loadFxTable();
const zone = zoneProfiles.jinhua;
type Head = Record<string, string>;

/** An import parcel whose single line is worth `goodsFen` (the 三单 amounts kept consistent). */
function priced(parties: Parties, goodsFen: number) {
  const yuan = (f: number) => `${Math.trunc(f / 100)}.${String(f % 100).padStart(2, '0')}`;
  const tax = Math.round(goodsFen * 0.091);
  const paid = yuan(goodsFen + 2000 + tax);
  const x = parcel(parties, {
    order: { goodsValue: yuan(goodsFen), freight: '20', discount: '0', taxTotal: yuan(tax), acturalPaid: paid },
    payment: { amountPaid: paid },
  });
  const entity = (x.order.Order as { OrderList: Head[] }[])[0]!;
  entity.OrderList = [{ ...entity.OrderList[0]!, qty: '1', price: yuan(goodsFen), totalPrice: yuan(goodsFen) }];
  return x;
}

let n = 0;
/** A 9610 export parcel (order, collection, waybill, the broker's list) of one line worth `usd` US dollars. */
function exportParcel(e: { ebp: Enterprise; ebc: Enterprise; pay: Enterprise; carrier: Enterprise; broker: Enterprise }, usd: number) {
  n += 1;
  const orderNo = `EXS${n}${Date.now() % 100000}`;
  const logisticsNo = `YWS${n}${Date.now() % 100000}`;
  const head = { appType: '1', appTime: '20261127100000', appStatus: '2' };
  const charge = String(usd + 4);
  return [
    [e.ebp, 'CEB303Message', { guid: newGuid(), version: '1.0', BaseTransfer: transfer(e.ebp), Order: [{
      OrderHead: { guid: newGuid(), ...head, orderType: 'E', orderNo, ebpCode: e.ebp.customsCode!, ebpName: e.ebp.nameZh, ebcCode: e.ebc.customsCode!, ebcName: e.ebc.nameZh, goodsValue: String(usd), freight: '4', currency: '502' },
      OrderList: [{ gnum: '1', itemNo: 'YW-XMAS-01', itemName: '圣诞装饰彩球', unit: '011', currency: '502', qty: '1', price: String(usd), totalPrice: String(usd) }],
    }] }],
    [e.pay, 'CEB403Message', { guid: newGuid(), version: '1.0', BaseTransfer: transfer(e.pay), Receipts: [{ guid: newGuid(), ...head, ebpCode: e.ebp.customsCode!, ebpName: e.ebp.nameZh, ebcCode: e.ebc.customsCode!, ebcName: e.ebc.nameZh, orderNo, payCode: e.pay.customsCode!, payName: e.pay.nameZh, payNo: `P${orderNo}`, charge, currency: '502', accountingDate: '20261127100000' }] }],
    [e.carrier, 'CEB505Message', { guid: newGuid(), version: '1.0', BaseTransfer: transfer(e.carrier), Logistics: [{ guid: newGuid(), ...head, logisticsCode: e.carrier.customsCode!, logisticsName: e.carrier.nameZh, logisticsNo, freight: '4', insuredFee: '0', currency: '502', grossWeight: '1.2', packNo: '1', goodsInfo: '圣诞装饰彩球' }] }],
    [e.broker, 'CEB603Message', { guid: newGuid(), version: '1.0', BaseTransfer: transfer(e.broker), Inventory: [{
      InventoryHead: {
        guid: newGuid(), ...head, customsCode: '2900', ebpCode: e.ebp.customsCode!, ebpName: e.ebp.nameZh, orderNo, logisticsCode: e.carrier.customsCode!, logisticsName: e.carrier.nameZh,
        logisticsNo, copNo: `CS603${n}${Date.now() % 100000}`, ieFlag: 'E', portCode: '2900', ieDate: '20261127', statisticsFlag: 'A', agentCode: e.broker.customsCode!, agentName: e.broker.nameZh,
        ebcCode: e.ebc.customsCode!, ebcName: e.ebc.nameZh, ownerCode: e.ebc.customsCode!, ownerName: e.ebc.nameZh, tradeMode: '9610', trafMode: '5', country: '502', POD: '502',
        freight: '4', fCurrency: '502', fFlag: '3', insuredFee: '0', iCurrency: '502', iFlag: '3', wrapType: '2', packNo: '1', grossWeight: '1.2', netWeight: '1',
      },
      InventoryList: [{ gnum: '1', itemNo: 'YW-XMAS-01', gcode: '9505100000', gname: '圣诞装饰彩球', gmodel: '8cm 塑料', barCode: '无', country: '502', currency: '502', qty: '1', qty1: '1', unit: '011', unit1: '035', price: String(usd), totalPrice: String(usd) }],
    }] }],
  ] as [Enterprise, string, Model][];
}

const month = (stats: Stats, dim: string, over: Record<string, unknown> = {}, scope = {}) =>
  stats.series({ from: '2026-11-01', to: '2026-11-30', grain: 'month', dim: dim as 'none', basis: 'customs', limit: 50, ...over }, scope);
const byKey = (rows: { key: string; valueFen: number; lists: number }[]) => Object.fromEntries(rows.map((r) => [r.key, [r.valueFen, r.lists]]));

describe.each(adapters)('statistics on %s', (adapter) => {
  let t: TestStore;
  let stats: Stats;
  let pipeline: Pipeline;
  let parties: Parties;
  let exporter: Enterprise;
  let pick: (name: string) => Enterprise;

  beforeAll(async () => {
    t = await openTestStore(adapter);
    // Registered in January: expected to report every month since.
    const registry = createRegistryService({ store: t.store, zone, now: () => new Date('2026-01-05T00:00:00Z') });
    await registry.importMany(demoEnterprises(zone), 'test');
    const all = (await registry.list({ limit: 100 })).items;
    pick = (name) => all.find((e) => e.nameZh.startsWith(name))!;
    parties = { ebp: pick('义乌小商品跨境电商平台'), ebc: pick('金义综保区美妆进口'), payment: pick('浙江金义支付'), logistics: pick('义乌国际快递') };
    exporter = pick('义乌环球日用品出口');
    stats = createStats({ store: t.store, zone, fx, now: () => NOW });
    const sim = createCustomsSimulator({ stepDelayMs: 0, validate: true, shares: { reject: 0, review: 0, inspect: 0, detain: 0, returned: 0 } });
    pipeline = createPipeline({
      store: t.store, gateway: sim, declaration: { customsCode: '2900', portCode: '2900' }, bondedParks: zone.parks.map((p) => p.code), now: () => NOW,
      onListsReleased: (trx, lists) => stats.onListsReleased(trx, lists),
    });
    await sim.start((receipts) => pipeline.receive(receipts));
    await pipeline.putItemRecords(parties.ebc, ITEM_RECORDS);
  });
  afterAll(async () => {
    await pipeline?.close();
    await t?.dispose();
  });

  it('counts lists released through the pipeline in every dimension, matching sums by hand', async () => {
    const file = (e: Enterprise, type: string, m: Model) => pipeline.submit(e, parseXmlSubmission(writeMessage(type, m)));
    // Three bonded imports (1210, the enterprise is in the Jinyi bonded zone) of 300.00, 150.00 and 99.99.
    for (const goods of [30_000, 15_000, 9_999]) {
      const x = priced(parties, goods);
      await file(parties.logistics, 'CEB511Message', x.waybill);
      await file(parties.payment, 'CEB411Message', x.payment);
      await file(parties.ebp, 'CEB311Message', x.order);
    }
    // Two 9610 exports of USD 36 and USD 50: at November's 7.10, 255.60 and 355.00 yuan.
    const e = { ebp: parties.ebp, ebc: exporter, pay: parties.payment, carrier: parties.logistics, broker: pick('金华报关服务') };
    for (const usd of [36, 50]) for (const [by, type, m] of exportParcel(e, usd)) expect((await file(by, type, m)).receipts[0]!.status).toBe('accepted');
    await pipeline.drain();
    const states = await t.store.db.selectFrom('inventories').select('state').execute();
    expect(states.map((s) => s.state).sort()).toEqual(['closed', 'closed', 'closed', 'released', 'released']);

    // 30,000 + 15,000 + 9,999 = 54,999 imported; 25,560 + 35,500 = 61,060 exported; 116,059 in all.
    const none = await month(stats, 'none');
    // 116,059 / 7.10 = 16,346.34 cents → 16,346.
    expect(none).toEqual([{ period: '2026-11', key: '', labelZh: '合计', labelEn: 'Total', lists: 5, valueFen: 116_059, valueUsdCents: 16_346, unpricedLines: 0 }]);
    expect(byKey(await month(stats, 'direction'))).toEqual({ E: [61_060, 2], I: [54_999, 3] });
    expect(byKey(await month(stats, 'mode'))).toEqual({ 9610: [61_060, 2], 1210: [54_999, 3] });
    expect(byKey(await month(stats, 'county'))).toEqual({ 330782: [61_060, 2], 330703: [54_999, 3] });
    expect(byKey(await month(stats, 'park'))).toEqual({ '': [61_060, 2], JYZB: [54_999, 3] });
    expect(byKey(await month(stats, 'country'))).toEqual({ 502: [61_060, 2], 304: [54_999, 3] });
    expect(byKey(await month(stats, 'market'))).toEqual({ eu_us: [116_059, 5] });
    expect(byKey(await month(stats, 'chapter'))).toEqual({ 95: [61_060, 2], 19: [54_999, 3] });
    expect(byKey(await month(stats, 'enterprise'))).toEqual({ [exporter.id]: [61_060, 2], [parties.ebc.id]: [54_999, 3] });
    expect((await month(stats, 'enterprise')).map((r) => r.labelZh)).toEqual([exporter.nameZh, parties.ebc.nameZh]);
    // The day (Beijing) and the filters.
    const day = await stats.series({ from: '2026-11-20', to: '2026-11-30', grain: 'day', dim: 'none', basis: 'customs', limit: 50, measure: 'cbec_export' }, {});
    expect(day.map((r) => [r.period, r.valueFen, r.valueUsdCents])).toEqual([['2026-11-27', 61_060, 8_600]]);
    expect(byKey(await month(stats, 'country', { direction: 'I' }))).toEqual({ 304: [54_999, 3] });
    expect(byKey(await month(stats, 'country', { limit: 1 }))).toEqual({ 502: [61_060, 2] });
    expect(await month(stats, 'none', { basis: 'self_report' })).toEqual([]);
    // An enterprise's own figures only, whatever the dimension.
    const own = { enterpriseId: parties.ebc.id };
    expect(byKey(await month(stats, 'none', {}, own))).toEqual({ '': [54_999, 3] });
    expect(byKey(await month(stats, 'country', {}, own))).toEqual({ 304: [54_999, 3] });
    expect(byKey(await month(stats, 'county', {}, own))).toEqual({ 330703: [54_999, 3] });
    expect(byKey(await month(stats, 'enterprise', {}, own))).toEqual({ [parties.ebc.id]: [54_999, 3] });
  });

  it('gives the year\'s key figures, the analysis and the ranking from the same cells', async () => {
    const o = await stats.overview(2026, 'customs', {});
    const k = Object.fromEntries(o.kpis.map((x) => [x.measure, [x.valueFen, x.valueUsdCents, x.lists, x.previousFen, x.yoy]]));
    // Exports 61,060 / 7.10 = 8,600 cents exactly; imports 54,999 / 7.10 = 7,746.34 → 7,746.
    expect(k).toEqual({
      cbec_export: [61_060, 8_600, 2, 0, null], cbec_import: [54_999, 7_746, 3, 0, null], cbec_total: [116_059, 16_346, 5, 0, null], market_procurement: [0, 0, 0, 0, null],
    });
    expect(o).toMatchObject({ range: { from: '2026-01-01', to: '2026-11-27' }, previousRange: { from: '2025-01-01', to: '2025-11-27' } });
    expect(o.targets.every((x) => x.zone === 'jinhua' && x.year === 2026)).toBe(true);

    const a = await stats.analysis({ month: '2026-11', by: 'county', basis: 'customs' }, {});
    expect(a.rows.map((r) => [r.key, r.valueFen, r.previousMonthFen, r.previousYearFen, r.mom, r.share])).toEqual([
      // 61,060 / 116,059 = 0.526112…
      ['330782', 61_060, 0, 0, null, 0.526112], ['330703', 54_999, 0, 0, null, 0.473888],
    ]);
    expect((await stats.analysis({ month: '2026-11', by: 'cluster', basis: 'customs' }, {})).rows.map((r) => [r.key, r.labelZh])).toEqual([['yiwu-commodities', '义乌小商品'], ['', '未归入产业集群']]);

    const lead = await stats.leading({ year: 2026, basis: 'customs', limit: 10, offset: 0 }, {});
    expect(lead.total).toBe(2);
    expect(lead.rows.map((r) => [r.rank, r.enterpriseId, r.valueFen, r.over1billion, r.county])).toEqual([[1, exporter.id, 61_060, false, '330782'], [2, parties.ebc.id, 54_999, false, '330703']]);
    const mine = await stats.leading({ year: 2026, basis: 'customs', limit: 10, offset: 0 }, { enterpriseId: parties.ebc.id });
    expect(mine.rows.map((r) => [r.rank, r.enterpriseId])).toEqual([[2, parties.ebc.id]]);
  });

  it('counts a 9710 declaration while it matches, the change when it is filed again, nothing once it stops matching', async () => {
    const decl = (totalPrice: string, matched: boolean) => ({
      declaration: { entryId: '290020261000000001', tradeMode: '9710', ebcCode: exporter.customsCode!, lines: [{ gcode: '8467210000', totalPrice, currency: '502' }] },
      matched, recordedAt: '2026-11-20T02:00:00Z',
    });
    const mode9710 = async () => byKey(await month(stats, 'mode', { mode: '9710' }));
    await t.store.db.transaction().execute((trx) => stats.onDeclaration(trx, { current: decl('1000', true) }));
    // USD 1,000 at 7.10 = 7,100.00 yuan.
    expect(await mode9710()).toEqual({ 9710: [710_000, 1] });
    await t.store.db.transaction().execute((trx) => stats.onDeclaration(trx, { previous: decl('1000', true), current: decl('1200', true) }));
    expect(await mode9710()).toEqual({ 9710: [852_000, 1] });
    expect(byKey(await month(stats, 'chapter', { mode: '9710' }))).toEqual({ 84: [852_000, 1] });
    await t.store.db.transaction().execute((trx) => stats.onDeclaration(trx, { previous: decl('1200', true), current: decl('1200', false) }));
    expect(await mode9710()).toEqual({});
    expect(byKey(await month(stats, 'none'))).toEqual({ '': [116_059, 5] });
  });

  it('keeps monthly reports as versions and the self-report series by the difference, 1039 apart from CBEC', async () => {
    const own = { enterpriseId: exporter.id };
    const base = { month: '2026-10', exportFen: 100_000, importFen: 0, b2bExportFen: 30_000, marketProcurementFen: 20_000, overseasWarehouses: 2, overseasWarehouseAreaM2: 1_500 };
    const first = await stats.reports.file(base, own, `enterprise:${exporter.id}`);
    expect(first).toMatchObject({ version: 1, current: true, dueDate: '2026-11-10', late: true });
    const k = async () => Object.fromEntries((await stats.overview(2026, 'self_report', {})).kpis.map((x) => [x.measure, x.valueFen]));
    expect(await k()).toEqual({ cbec_export: 100_000, cbec_import: 0, cbec_total: 100_000, market_procurement: 20_000 });
    const second = await stats.reports.file({ ...base, exportFen: 80_000, importFen: 5_000 }, own, `enterprise:${exporter.id}`);
    expect(second.version).toBe(2);
    expect(await k()).toEqual({ cbec_export: 80_000, cbec_import: 5_000, cbec_total: 85_000, market_procurement: 20_000 });
    const modes = await stats.series({ from: '2026-10-01', to: '2026-10-31', grain: 'month', dim: 'mode', basis: 'self_report', limit: 50 }, {});
    expect(byKey(modes)).toEqual({ B2C: [55_000, 0], B2B: [30_000, 0] });
    const mp = await stats.series({ from: '2026-10-01', to: '2026-10-31', grain: 'month', dim: 'mode', basis: 'self_report', limit: 50, measure: 'market_procurement' }, {});
    expect(byKey(mp)).toEqual({ 1039: [20_000, 0] });
    const history = await stats.reports.list({ month: '2026-10', history: true, limit: 10, offset: 0 }, own);
    expect(history.rows.map((r) => [r.version, r.current, r.exportFen])).toEqual([[2, true, 80_000], [1, false, 100_000]]);
    await expect(stats.reports.file(base, own, 'x').then(() => stats.reports.file({ ...base, enterpriseId: parties.ebc.id }, own, 'x'))).rejects.toMatchObject({ code: 'STATS_REPORT_NOT_YOURS' });
  });

  it('takes a CSV of reports whole or not at all', async () => {
    const count = async () => Number((await t.store.db.selectFrom('stats_reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const head = 'uscc,month,exportFen,importFen,b2bExportFen,marketProcurementFen,overseasWarehouses,overseasWarehouseAreaM2\n';
    const a = pick('永康五金工具出海');
    const b = pick('永康园林工具电商');
    const bad = `${head}${a.uscc},2026-09,5000,0,0,0,1,300\n${b.uscc},2026-09,5000,0,6000,0,0,0\n91330000MA0000000X,2026-09,1,0,0,0,0,0\n`;
    const err = await stats.reports.fileCsv(bad, {}, 'admin:t').catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((err as { issues: { path: string; line: number }[] }).issues.map((i) => [i.line, i.path])).toEqual([[3, '/lines/3/b2bExportFen'], [4, '/lines/4/uscc']]);
    expect(await count()).toBe(before);
    const good = await stats.reports.fileCsv(`${head}${a.uscc},2026-09,5000,0,0,0,1,300\n${b.uscc},2026-09,7000,100,6000,0,0,0\n`, {}, 'admin:t');
    expect(good.filed).toBe(2);
    expect(await count()).toBe(before + 2);
    expect(byKey(await stats.series({ from: '2026-09-01', to: '2026-09-30', grain: 'month', dim: 'county', basis: 'self_report', limit: 50 }, {}))).toEqual({ 330784: [12_100, 0] });
  });

  it('lists late and missing reporters and records reminders to the missing', async () => {
    // Another enterprise files October on time (5 November).
    const early = createStats({ store: t.store, zone, fx, now: () => new Date('2026-11-05T02:00:00Z') });
    const timely = pick('浦江水晶饰品跨境');
    await early.reports.file({ month: '2026-10', exportFen: 1, importFen: 0, b2bExportFen: 0, marketProcurementFen: 0, overseasWarehouses: 0, overseasWarehouseAreaM2: 0 }, { enterpriseId: timely.id }, 'x');
    const late = await stats.reports.late('2026-10', {});
    // 13 demo enterprises hold the ebc or overseas_warehouse role; one filed on time, one late, eleven not at all.
    expect(late).toMatchObject({ month: '2026-10', dueDate: '2026-11-10', overdue: true, expected: 13 });
    expect(late.rows.length).toBe(12);
    expect(late.rows.filter((r) => r.status === 'late').map((r) => r.enterpriseId)).toEqual([exporter.id]);
    expect(late.rows.some((r) => r.enterpriseId === timely.id)).toBe(false);
    const r = await stats.reports.remind('2026-10', 'admin:t');
    expect(r.reminded).toBe(11);
    expect((await stats.reports.late('2026-10', {})).rows.filter((x) => x.status === 'missing').every((x) => x.remindedAt === NOW.toISOString())).toBe(true);
    expect((await stats.reports.late('2026-10', { enterpriseId: exporter.id })).rows.map((x) => [x.enterpriseId, x.status])).toEqual([[exporter.id, 'late']]);
  });

  it('shows targets against actuals; the operator changes one, version-checked and audited', async () => {
    const rows = await stats.targets({ zone: 'jinhua' });
    expect(rows.length).toBe(8);
    const t24 = rows.find((x) => x.id === 'jh-2024-export')!;
    expect(t24).toMatchObject({ target: 10_000_000_000_000, actual: 0, progress: 0, growthNeeded: null, version: 1 });
    const changed = await stats.updateTarget('jh-2024-export', { target: 12_000_000_000_000, version: 1 }, 'admin:t');
    expect(changed).toMatchObject({ target: 12_000_000_000_000, version: 2, updatedBy: 'admin:t' });
    await expect(stats.updateTarget('jh-2024-export', { target: 1, version: 1 }, 'admin:t')).rejects.toMatchObject({ code: 'STATS_TARGET_VERSION' });
    await expect(stats.updateTarget('jh-2024-export', { target: 1.5, version: 2 }, 'admin:t')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await stats.targetHistory('jh-2024-export')).toEqual([expect.objectContaining({ actor: 'admin:t', before: { target: '10000000000000', version: 1 }, after: { target: '12000000000000', version: 2 } })]);
    // Another zone's targets are shown without actuals here.
    expect((await stats.targets({ zone: 'zhoushan' })).every((x) => x.actual === null)).toBe(true);
  });
});
