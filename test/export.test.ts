// Export 9610 end to end over HTTP: order (CEB303), collection (CEB403) and waybill (CEB505), the
// declarant's list (CEB603) checked against them and released by customs, then 总分单 (CEB607),
// 运抵 (CEB507) and 离境 (CEB509) recorded on the list, which customs closes (结关) on departure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../src/platform.js';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import { writeMessage } from '../src/ceb/codec.js';
import { newGuid } from '../src/kernel/ids.js';
import type { Enterprise } from '../src/registry/model.js';
import { transfer } from './support/parcels.js';
import { usccFor } from './support/fixtures.js';

let platform: Platform;
let app: FastifyInstance;
let admin: string;
const tokens = new Map<string, string>();
let ebp: Enterprise, ebc: Enterprise, pay: Enterprise, carrier: Enterprise, site: Enterprise, broker: Enterprise;

const auth = (e: Enterprise) => ({ authorization: `Bearer ${tokens.get(e.id)}` });
const post = (e: Enterprise, type: string, model: object) => app.inject({
  method: 'POST', url: '/api/v1/messages', payload: writeMessage(type, model as never), headers: { 'content-type': 'application/xml', ...auth(e) },
});
const T = '20261127100000';
let n = 0;

function exportParcel(over: { charge?: string; listQty?: string } = {}) {
  n += 1;
  const orderNo = `EX2026${String(n).padStart(6, '0')}${Date.now() % 100000}`;
  const logisticsNo = `YWE${String(n).padStart(6, '0')}${Date.now() % 100000}`;
  const copNo = `JH603${String(n).padStart(6, '0')}${Date.now() % 100000}`;
  const head = { appType: '1', appTime: T, appStatus: '2' };
  const order = {
    guid: newGuid(), version: '1.0', BaseTransfer: transfer(ebp),
    Order: [{
      OrderHead: { guid: newGuid(), ...head, orderType: 'E', orderNo, ebpCode: ebp.customsCode!, ebpName: ebp.nameZh, ebcCode: ebc.customsCode!, ebcName: ebc.nameZh, goodsValue: '36', freight: '4', currency: '502' },
      OrderList: [{ gnum: '1', itemNo: 'YW-XMAS-01', itemName: '圣诞装饰彩球', unit: '011', currency: '502', qty: '12', price: '3', totalPrice: '36' }],
    }],
  };
  const receipts = {
    guid: newGuid(), version: '1.0', BaseTransfer: transfer(pay),
    Receipts: [{ guid: newGuid(), ...head, ebpCode: ebp.customsCode!, ebpName: ebp.nameZh, ebcCode: ebc.customsCode!, ebcName: ebc.nameZh, orderNo, payCode: pay.customsCode!, payName: pay.nameZh, payNo: `P${orderNo}`, charge: over.charge ?? '40', currency: '502', accountingDate: T }],
  };
  const waybill = {
    guid: newGuid(), version: '1.0', BaseTransfer: transfer(carrier),
    Logistics: [{ guid: newGuid(), ...head, logisticsCode: carrier.customsCode!, logisticsName: carrier.nameZh, logisticsNo, freight: '4', insuredFee: '0', currency: '502', grossWeight: '1.2', packNo: '1', goodsInfo: '圣诞装饰彩球' }],
  };
  const list = {
    guid: newGuid(), version: '1.0', BaseTransfer: transfer(broker),
    Inventory: [{
      InventoryHead: {
        guid: newGuid(), ...head, customsCode: '2900', ebpCode: ebp.customsCode!, ebpName: ebp.nameZh, orderNo, logisticsCode: carrier.customsCode!, logisticsName: carrier.nameZh,
        logisticsNo, copNo, ieFlag: 'E', portCode: '2900', ieDate: '20261127', statisticsFlag: 'A', agentCode: broker.customsCode!, agentName: broker.nameZh,
        ebcCode: ebc.customsCode!, ebcName: ebc.nameZh, ownerCode: ebc.customsCode!, ownerName: ebc.nameZh, tradeMode: '9610', trafMode: '5', country: '502', POD: '502',
        freight: '4', fCurrency: '502', fFlag: '3', insuredFee: '0', iCurrency: '502', iFlag: '3', wrapType: '2', packNo: '1', grossWeight: '1.2', netWeight: '1',
      },
      InventoryList: [{ gnum: '1', itemNo: 'YW-XMAS-01', gcode: '9505100000', gname: '圣诞装饰彩球', gmodel: '8cm 塑料', barCode: '无', country: '502', currency: '502', qty: over.listQty ?? '12', qty1: '1', unit: '011', unit1: '035', price: '3', totalPrice: '36' }],
    }],
  };
  const transport = (type: 'WayBill' | 'Arrival' | 'Departure', by: Enterprise) => {
    const h = { guid: newGuid(), ...head, customsCode: '2900', copNo: `${type.slice(0, 2).toUpperCase()}${copNo}`, logisticsCode: carrier.customsCode!, logisticsName: carrier.nameZh, msgCount: '1', msgSeqNo: '1' };
    if (type === 'WayBill') {
      return { guid: newGuid(), version: '1.0', BaseTransfer: transfer(by), WayBill: [{ WayBillHead: { ...h, agentCode: broker.customsCode!, agentName: broker.nameZh, trafMode: '5', trafName: 'CA', voyageNo: 'CA901', billNo: `999-${n}`, grossWeight: '1.2' }, WayBillList: [{ gnum: '1', logisticsNo }] }] };
    }
    if (type === 'Arrival') {
      return { guid: newGuid(), version: '1.0', BaseTransfer: transfer(by), Arrival: [{ ArrivalHead: { ...h, operatorCode: site.customsCode!, operatorName: site.nameZh, ieFlag: 'E', trafMode: '5', domesticTrafNo: '浙G12345' }, ArrivalList: [{ gnum: '1', logisticsNo }] }] };
    }
    return { guid: newGuid(), version: '1.0', BaseTransfer: transfer(by), Departure: [{ DepartureHead: { ...h, trafMode: '5', leaveTime: T }, DepartureList: [{ gnum: '1', logisticsNo }] }] };
  };
  return { orderNo, logisticsNo, copNo, order, receipts, waybill, list, transport };
}

let harness: ClearanceHarness;
beforeAll(async () => {
  harness = await startClearance();
  ({ platform, app, admin } = harness);
  ebp = await harness.enterprise('义乌小商品跨境电商平台');
  ebc = await harness.enterprise('义乌环球日用品出口');
  pay = await harness.enterprise('浙江金义支付');
  carrier = await harness.enterprise('义乌国际快递');
  site = await harness.enterprise('金华陆港供应链');
  broker = await harness.enterprise('金华报关服务');
  for (const e of [ebp, ebc, pay, carrier, site, broker]) tokens.set(e.id, harness.token(e));
});
afterAll(() => harness?.close());

const status = async (kind: string, key: string) => (await app.inject({ url: `/api/v1/status/${kind}/${encodeURIComponent(key)}`, headers: { authorization: `Bearer ${admin}` } })).json();

describe('export 9610 over HTTP', () => {
  it('checks the list against order, collection and waybill, releases it, and closes it on departure', async () => {
    const x = exportParcel();
    // The list may come before the waybill: it waits, and the waybill completes the parcel.
    for (const [by, type, model] of [[ebp, 'CEB303Message', x.order], [pay, 'CEB403Message', x.receipts], [broker, 'CEB603Message', x.list], [carrier, 'CEB505Message', x.waybill]] as const) {
      const r = await post(by, type, model);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().receipts[0].status).toBe('accepted');
    }
    await platform.pipeline.drain();
    let inv = await status('inventory', x.copNo);
    expect(inv.match).toMatchObject({ state: 'matched', mismatches: [] });
    expect(inv.state).toBe('released');
    expect(inv.numbers.invtNo).toMatch(/^29002026E/);
    // 总分单, 运抵, 离境: each recorded on the list; customs closes it after departure.
    for (const [by, type, kind] of [[broker, 'CEB607Message', 'WayBill'], [site, 'CEB507Message', 'Arrival'], [carrier, 'CEB509Message', 'Departure']] as const) {
      const r = await post(by, type, x.transport(kind, by));
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().receipts[0].status, r.body).toBe('accepted');
    }
    await platform.pipeline.drain();
    inv = await status('inventory', x.copNo);
    expect(inv.state).toBe('closed');
    const causes = inv.history.filter((h: { subject: string }) => h.subject === 'inventory').map((h: { cause: { code: string } }) => h.cause.code);
    expect(causes).toEqual(expect.arrayContaining(['waybill_bill', 'arrived', 'departed', 'receipt:800', 'receipt:899']));
    expect(causes.indexOf('departed')).toBeLessThan(causes.indexOf('receipt:899'));
    const order = await status('order', `${ebp.customsCode}:${x.orderNo}`);
    expect(order.messageType).toBe('CEB303Message');
    expect(order.receipts.map((r: { returnStatus: string }) => r.returnStatus)).toEqual(['2', '120']);
  });

  it('explains a collection that does not equal goods value + freight, and a list line that differs from the order', async () => {
    const x = exportParcel({ charge: '36', listQty: '10' });
    await post(ebp, 'CEB303Message', x.order);
    await post(pay, 'CEB403Message', x.receipts);
    await post(carrier, 'CEB505Message', x.waybill);
    await post(broker, 'CEB603Message', x.list);
    const inv = await status('inventory', x.copNo);
    expect(inv.state).toBe('waiting');
    expect(inv.match.state).toBe('mismatched');
    expect(inv.match.mismatches).toEqual([
      expect.objectContaining({ rule: 'amount_charge', document: 'CEB403Message', field: 'Receipts/charge', expected: '40', found: '36' }),
      expect.objectContaining({ rule: 'line', document: 'CEB603Message', field: 'InventoryList[gnum=1]/qty', expected: '12', found: '10' }),
    ]);
  });

  it('an e-commerce enterprise that also carries may not file an export order naming other enterprises', async () => {
    // Only CEB311/411 may be filed by a carrier on behalf of the parties they name.
    const both = (await harness.platform.registry.create({
      uscc: usccFor(77), nameZh: '义乌自营出口物流测试有限公司', roles: ['ebc', 'logistics'], county: '330782', customsCode: '3318977001', dxpId: 'DXPENT3318977001',
    }, 'test'));
    const token = (await harness.platform.registry.issueToken(both.id, 'test', 'test')).token;
    const x = exportParcel();
    const order = { ...x.order, BaseTransfer: transfer(both) };
    const r = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage('CEB303Message', order as never), headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` } });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.issues[0].path).toBe('/Order/0/OrderHead/ebpCode');
  });

  it('refuses a departure that lists a waybill with no declared export list', async () => {
    const x = exportParcel();
    const r = await post(carrier, 'CEB509Message', x.transport('Departure', carrier));
    expect(r.statusCode).toBe(200);
    expect(r.json().receipts[0]).toMatchObject({ status: 'refused', returnStatus: '-1' });
    expect(r.json().receipts[0].returnInfo['zh-CN']).toContain(x.logisticsNo);
  });

  it('a 总分单 held for the broker\'s signing key and withdrawn meanwhile is not sent once a key comes', async () => {
    const x = exportParcel();
    for (const [by, type, model] of [[ebp, 'CEB303Message', x.order], [pay, 'CEB403Message', x.receipts], [broker, 'CEB603Message', x.list], [carrier, 'CEB505Message', x.waybill]] as const) await post(by, type, model);
    await platform.pipeline.drain();
    const keys = () => platform.keystore.list(broker.id);
    for (const k of await keys()) if (k.active) await platform.keystore.deactivate(broker.id, k.id);
    const bill = x.transport('WayBill', broker) as { WayBill: { WayBillHead: Record<string, string> }[] };
    expect((await post(broker, 'CEB607Message', bill)).json().receipts[0].status).toBe('accepted');
    await platform.pipeline.drain();
    const withdrawn = structuredClone(bill);
    Object.assign(withdrawn.WayBill[0]!.WayBillHead, { guid: newGuid(), appType: '3' });
    (withdrawn as unknown as { guid: string }).guid = newGuid();
    expect((await post(broker, 'CEB607Message', withdrawn)).json().receipts[0].status).toBe('accepted');
    const sent: string[] = [];
    const send = platform.gateway.send.bind(platform.gateway);
    platform.gateway.send = async (ms) => { sent.push(...ms.map((m) => m.messageType)); return send(ms); };
    try {
      await platform.keystore.generate(broker.id, 'sm2', { CN: broker.nameZh }, 'test');
      await platform.pipeline.retryHeld();
      await platform.pipeline.drain();
    } finally {
      platform.gateway.send = send;
    }
    expect(sent).not.toContain('CEB607Message');
  });

  it('registers a released list\'s lines for 无票免税 once, and reports eligibility and the 4 % deemed-profit computation', async () => {
    const x = exportParcel();
    for (const [by, type, model] of [[ebp, 'CEB303Message', x.order], [pay, 'CEB403Message', x.receipts], [broker, 'CEB603Message', x.list], [carrier, 'CEB505Message', x.waybill]] as const) await post(by, type, model);
    await platform.pipeline.drain();
    const inv = await status('inventory', x.copNo);
    expect(inv.state).toBe('released');
    const register = (by: Enterprise) => app.inject({ method: 'POST', url: '/api/v1/tax/export-registrations', payload: { invtNo: inv.numbers.invtNo }, headers: auth(by) });
    const first = await register(ebc);
    expect(first.statusCode).toBe(201);
    expect(first.json().lines).toEqual([expect.objectContaining({ gnum: 1, exportDate: '2026-11-27', goodsName: '圣诞装饰彩球', unit: '011', qty: '12', unitPrice: '3', amount: '36', currency: '502' })]);
    const again = await register(ebc);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ registered: 0, lines: [expect.objectContaining({ registeredAt: first.json().lines[0].registeredAt })] });
    expect((await register(broker)).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/tax/export-registrations', payload: { invtNo: 'NOPE' }, headers: auth(ebc) })).statusCode).toBe(404);
    const report = (await app.inject({ url: '/api/v1/tax/export-registrations/report?from=2026-11-01&to=2026-11-30', headers: auth(ebc) })).json();
    const mine = report.enterprises.find((e: { ebcCode: string }) => e.ebcCode === ebc.customsCode);
    expect(mine).toMatchObject({ eligibleLines: mine.lines, ineligible: [] });
    const usd = mine.byCurrency.find((c: { currency: string }) => c.currency === '502');
    expect(Number(usd.exemptRevenue)).toBeGreaterThanOrEqual(36);
    expect(Number(usd.deemedTaxableIncome)).toBeCloseTo(Number(usd.exemptRevenue) * 0.04, 6);
    expect(Number(usd.corporateIncomeTax)).toBeCloseTo(Number(usd.exemptRevenue) * 0.01, 6);
    expect(usd.computation).toContain('× 0.04 =');
    // In CNY at the month's rate (seed: 7.10 CNY per USD in 2026): 36 USD is 255.60 CNY.
    expect(mine.cny.unrated).toEqual([]);
    expect(Number(mine.cny.exemptRevenue)).toBeCloseTo(Number(usd.exemptRevenue) * 7.1, 2);
    expect(mine.cny.computation).toContain('CNY × 0.04');
    const listed = (await app.inject({ url: '/api/v1/tax/export-registrations?from=2026-11-27&to=2026-11-27', headers: auth(ebc) })).json();
    expect(listed.items.map((i: { invtNo: string }) => i.invtNo)).toContain(inv.numbers.invtNo);
    expect((await app.inject({ url: '/api/v1/tax/export-registrations', headers: auth(broker) })).json().total).toBe(0);
  });
});

describe('export cancellations (CEB605), returns (CEB213) and their tally (CEB215)', () => {
  const filed = async () => {
    const x = exportParcel();
    for (const [by, type, model] of [[ebp, 'CEB303Message', x.order], [pay, 'CEB403Message', x.receipts], [broker, 'CEB603Message', x.list], [carrier, 'CEB505Message', x.waybill]] as const) await post(by, type, model);
    await platform.pipeline.drain();
    const inv = await status('inventory', x.copNo);
    expect(inv.state).toBe('released');
    return { x, invtNo: inv.numbers.invtNo as string };
  };
  const cancel = (invtNo: string, copNo: string) => ({
    guid: newGuid(), version: '1.0', BaseTransfer: transfer(broker),
    InvtCancel: [{ guid: newGuid(), appType: '1', appTime: T, appStatus: '2', customsCode: '2900', copNo, invtNo, reason: '买家取消订单，货物未出境', agentCode: broker.customsCode!, agentName: broker.nameZh, ebcCode: ebc.customsCode!, ebcName: ebc.nameZh }],
  });
  const depart = async (x: ReturnType<typeof exportParcel>) => {
    for (const [by, type, kind] of [[broker, 'CEB607Message', 'WayBill'], [site, 'CEB507Message', 'Arrival'], [carrier, 'CEB509Message', 'Departure']] as const) await post(by, type, x.transport(kind, by));
    await platform.pipeline.drain();
  };

  it('a released list that has not left is cancelled once customs approves; one that departed cannot be', async () => {
    const { x, invtNo } = await filed();
    const r = await post(broker, 'CEB605Message', cancel(invtNo, `C${x.copNo}`.slice(0, 30)));
    expect(r.json().receipts[0]).toMatchObject({ status: 'accepted' });
    await platform.pipeline.drain();
    expect((await status('inventory', x.copNo)).state).toBe('cancelled');
    const gone = await filed();
    await depart(gone.x);
    expect((await status('inventory', gone.x.copNo)).state).toBe('closed');
    const late = (await post(broker, 'CEB605Message', cancel(gone.invtNo, `C${gone.x.copNo}`.slice(0, 30)))).json().receipts[0];
    expect(late).toMatchObject({ status: 'refused', returnStatus: '-1' });
    expect(late.returnInfo.en).toContain('closed');
    // Only the list's e-commerce enterprise or a declarant may cancel it (the site operator may not).
    const foreign = cancel(invtNo, 'C-FOREIGN');
    foreign.InvtCancel[0]!.ebcCode = site.customsCode!;
    foreign.InvtCancel[0]!.agentCode = site.customsCode!;
    foreign.BaseTransfer = transfer(site);
    const f = await post(site, 'CEB605Message', foreign);
    expect(f.statusCode).toBe(403);
    expect(f.json().error.code).toBe('INTAKE_ROLE');
  });

  it('a return of exported goods is released by customs within a year, with its tax-free re-import window as dated data', async () => {
    const { x, invtNo } = await filed();
    await depart(x);
    const coElNo = `RT${x.copNo}`.slice(0, 30);
    const back = {
      guid: newGuid(), version: '1.0', BaseTransfer: transfer(broker),
      InvtRefund: [{
        InvtRefundHead: {
          guid: newGuid(), appType: '1', appTime: T, appStatus: '2', customsCode: '2900', ebpCode: ebp.customsCode!, ebpName: ebp.nameZh, ebcCode: ebc.customsCode!, ebcName: ebc.nameZh,
          logisticsNo: x.logisticsNo, logisticsCode: carrier.customsCode!, logisticsName: carrier.nameZh, coElNo, invtNo, tradeMode: '9610', agentCode: broker.customsCode!, agentName: broker.nameZh,
          billNo: x.logisticsNo, ieFlag: 'I', trafMode: '5', trafName: 'CA', portCode: '2900', reason: '买家拒收', country: '502', voyageNo: 'CA902',
        },
        InvtRefundList: [{ gnum: '1', gcode: '9505100000', gname: '圣诞装饰彩球', gmodel: '8cm 塑料', qty: '12', qty1: '1', unit: '011', unit1: '035' }],
      }],
    };
    const tooMany = structuredClone(back);
    Object.assign(tooMany.InvtRefund[0]!.InvtRefundHead, { guid: newGuid(), coElNo: `${coElNo}X`.slice(0, 30) });
    tooMany.InvtRefund[0]!.InvtRefundList[0]!.qty = '13';
    expect((await post(broker, 'CEB213Message', tooMany)).json().receipts[0]).toMatchObject({ status: 'refused' });
    expect((await post(broker, 'CEB213Message', back)).json().receipts[0]).toMatchObject({ status: 'accepted' });
    await platform.pipeline.drain();
    const inv = await status('inventory', x.copNo);
    expect(inv.state).toBe('refunded');
    const row = await platform.store.db.selectFrom('list_returns').selectAll().where('invt_no', '=', invtNo).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'return', direction: 'export', state: 'approved', whole: 1 });
    // Six months after the export's release; exported in 2026, outside the 2023-01-30…2025-12-31 window of 2023年第4号/第34号.
    expect(row.tax_free_until!.slice(0, 7)).toBe(new Date(Date.parse(row.released_at) + 182 * 86_400_000).toISOString().slice(0, 7));
    expect(row.tax_free).toBe(0);
    // The tally at the site (CEB215) names the returned waybill and is recorded on the list.
    const tally = {
      guid: newGuid(), version: '1.0', BaseTransfer: transfer(site),
      InvtRefundDetail: [{ guid: newGuid(), appType: '1', appTime: T, appStatus: '2', customsCode: '2900', operatorCode: site.customsCode!, operatorName: site.nameZh, logisticsCode: carrier.customsCode!, logisticsName: carrier.nameZh, logisticsNo: x.logisticsNo, invtNo, coElNo, billNo: x.logisticsNo, ieFlag: 'I', trafMode: '5', trafName: 'CA', voyageNo: 'CA902' }],
    };
    expect((await post(site, 'CEB215Message', tally)).json().receipts[0]).toMatchObject({ status: 'accepted' });
    await platform.pipeline.drain();
    const after = await status('inventory', x.copNo);
    expect(after.history.some((h: { cause: { code: string } }) => h.cause.code === 'tallied')).toBe(true);
  });
});

describe('9710 B2B export: list route within its limits, customs declaration beyond them', () => {
  /** A B2B order (orderType B) of 100 garden-tool sets at a given unit price in USD, with its list. */
  const b2b = (price: string) => {
    const x = exportParcel();
    const total = String(Number(price) * 100);
    const oh = x.order.Order[0]!.OrderHead as Record<string, string>;
    Object.assign(oh, { orderType: 'B', goodsValue: total, freight: '40' });
    Object.assign(x.order.Order[0]!.OrderList[0]!, { itemNo: 'YK-GT-100', itemName: '园艺工具套装', unit: '011', qty: '100', price, totalPrice: total });
    x.receipts.Receipts[0]!.charge = String(Number(total) + 40);
    x.waybill.Logistics[0]!.freight = '40';
    const ih = x.list.Inventory[0]!.InventoryHead as Record<string, string>;
    Object.assign(ih, { tradeMode: '9710', statisticsFlag: 'B', freight: '40' });
    Object.assign(x.list.Inventory[0]!.InventoryList[0]!, { itemNo: 'YK-GT-100', gcode: '8201100000', gname: '园艺工具套装', qty: '100', price, totalPrice: total });
    return x;
  };
  const file = async (x: ReturnType<typeof exportParcel>) => {
    for (const [by, type, model] of [[ebp, 'CEB303Message', x.order], [pay, 'CEB403Message', x.receipts], [broker, 'CEB603Message', x.list], [carrier, 'CEB505Message', x.waybill]] as const) {
      expect((await post(by, type, model)).json().receipts[0].status).toBe('accepted');
    }
    await platform.pipeline.drain();
    return status('inventory', x.copNo);
  };

  it('a 9710 list within 5,000 CNY is released; one above it is refused and told to go by declaration', async () => {
    expect((await file(b2b('5'))).state).toBe('released');
    const big = await file(b2b('8'));
    expect(big.state).toBe('waiting');
    expect(big.match.mismatches).toEqual([expect.objectContaining({ rule: 'route', field: 'InventoryList/totalPrice', found: expect.stringMatching(/^5\d{3}\.\d{2} CNY$/) })]);
  });

  it('the declaration is matched against the booking of its attached order, field by field', async () => {
    const x = b2b('8');
    await file(x);
    const declare = (over: Partial<{ qty: string; entryId: string; tradeMode: string; number: string }> = {}) => app.inject({
      method: 'POST', url: '/api/v1/b2b-declarations', headers: auth(broker),
      payload: {
        entryId: over.entryId ?? `29002026${String(Date.now()).slice(-10)}`, tradeMode: over.tradeMode ?? '9710', ebcCode: ebc.customsCode!, currency: '502',
        attachments: [{ type: '10000004', number: over.number ?? x.orderNo }],
        lines: [{ gnum: 1, gcode: '8201100000', gname: '园艺工具套装', qty: over.qty ?? '100', unit: '011', totalPrice: '800', currency: '502' }],
      },
    });
    const ok = await declare({ entryId: '290020260000000101' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ state: 'matched', mismatches: [], orders: [expect.stringContaining(x.orderNo)] });
    expect((await declare({ entryId: '290020260000000101' })).statusCode).toBe(200);
    const bad = (await declare({ entryId: '290020260000000102', qty: '90', tradeMode: '9810' })).json();
    expect(bad.state).toBe('mismatched');
    expect(bad.mismatches.map((m: { field: string }) => m.field)).toEqual(['tradeMode', 'lines[gnum=1]/qty']);
    expect(bad.mismatches[1].message['zh-CN']).toContain('报关单表体');
    const missing = await declare({ entryId: '290020260000000103', number: 'NO-SUCH-ORDER' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.issues[0].code).toBe('DECL_ORDER_NOT_FOUND');
    expect((await declare({ entryId: '12345' })).json().error.issues[0].code).toBe('DECL_ENTRY_ID');
    // A declarant with nothing to do with the exporter learns nothing of its orders.
    const stranger = await harness.platform.registry.create({ uscc: usccFor(78), nameZh: '无关报关行测试有限公司', roles: ['declarant'], county: '330782', customsCode: '3318977002', dxpId: 'DXPENT3318977002' }, 'test');
    const strangerToken = (await harness.platform.registry.issueToken(stranger.id, 'test', 'test')).token;
    const probe = await app.inject({
      method: 'POST', url: '/api/v1/b2b-declarations', headers: { authorization: `Bearer ${strangerToken}` },
      payload: { entryId: '290020260000000104', tradeMode: '9710', ebcCode: ebc.customsCode!, currency: '502', attachments: [{ type: '10000004', number: x.orderNo }], lines: [{ gnum: 1, gcode: '8201100000', gname: 'x', qty: '1', unit: '011', totalPrice: '1', currency: '502' }] },
    });
    expect(probe.statusCode).toBe(400);
    expect(probe.json().error.issues[0].code).toBe('DECL_ORDER_NOT_FOUND');
    expect(probe.body).not.toContain('园艺工具套装');
    // Visible to the parties of the order, not to others.
    expect((await app.inject({ url: '/api/v1/b2b-declarations/290020260000000101', headers: auth(ebc) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/b2b-declarations/290020260000000101', headers: auth(site) })).statusCode).toBe(404);
  });
});

describe('9810 export pre-refund (出口预退税, HWC-YT)', () => {
  it('tracks a departed 9810 list line from the claim through its sales to settlement by 30 April of the next year', async () => {
    const x = exportParcel();
    Object.assign(x.order.Order[0]!.OrderHead, { orderType: 'W' });
    Object.assign(x.list.Inventory[0]!.InventoryHead, { tradeMode: '9810', statisticsFlag: 'B' });
    for (const [by, type, model] of [[ebp, 'CEB303Message', x.order], [pay, 'CEB403Message', x.receipts], [broker, 'CEB603Message', x.list], [carrier, 'CEB505Message', x.waybill]] as const) await post(by, type, model);
    await platform.pipeline.drain();
    const invtNo = (await status('inventory', x.copNo)).numbers.invtNo as string;
    const track = () => app.inject({ method: 'POST', url: '/api/v1/tax/prerefunds', payload: { invtNo }, headers: auth(ebc) });
    // Released but not yet departed: 离境即退税 waits for departure.
    expect((await track()).json().error.code).toBe('PREREFUND_NOT_DEPARTED');
    for (const [by, type, kind] of [[broker, 'CEB607Message', 'WayBill'], [site, 'CEB507Message', 'Arrival'], [carrier, 'CEB509Message', 'Departure']] as const) await post(by, type, x.transport(kind, by));
    await platform.pipeline.drain();
    const t = await track();
    expect(t.statusCode, t.body).toBe(201);
    expect(t.json().items).toEqual([expect.objectContaining({ gnum: 1, businessType: 'HWC-YT', status: 'exported', qty: '12', unsoldQty: '12', settleBy: '2027-04-30', exportDate: '2026-11-27' })]);
    const line = `/api/v1/tax/prerefunds/${invtNo}/1`;
    expect((await app.inject({ method: 'POST', url: `${line}/claim`, payload: { ref: 'YT2026110001' }, headers: auth(ebc) })).json()).toMatchObject({ status: 'pre_refunded', claimRef: 'YT2026110001' });
    expect((await app.inject({ method: 'POST', url: `${line}/claim`, payload: { ref: 'OTHER' }, headers: auth(ebc) })).statusCode).toBe(409);
    const sale = (qty: string, date: string) => app.inject({ method: 'POST', url: `${line}/sales`, payload: { qty, date, evidence: 'AMZ-ORDER-114-2026' }, headers: auth(ebc) });
    expect((await sale('5', '2026-11-28')).json()).toMatchObject({ soldQty: '5', unsoldQty: '7', status: 'pre_refunded', lateEvidence: 0 });
    expect((await sale('8', '2026-11-28')).json().error.code).toBe('PREREFUND_OVERSOLD');
    expect((await sale('1', '2026-11-01')).json().error.issues[0].code).toBe('PREREFUND_SALE_BEFORE_EXPORT');
    // The line is settled once all is sold (evidence filed within 15 days of the sale is not late).
    expect((await sale('7', '2026-11-27')).json()).toMatchObject({ unsoldQty: '0', status: 'settled', overdue: false });
    const mine = (await app.inject({ url: '/api/v1/tax/prerefunds?status=settled', headers: auth(ebc) })).json();
    expect(mine.items.map((i: { invtNo: string }) => i.invtNo)).toContain(invtNo);
    expect((await app.inject({ url: '/api/v1/tax/prerefunds', headers: auth(site) })).json().total).toBe(0);
    // Only 9810 lists are pre-refunded.
    const general = exportParcel();
    for (const [by, type, model] of [[ebp, 'CEB303Message', general.order], [pay, 'CEB403Message', general.receipts], [broker, 'CEB603Message', general.list], [carrier, 'CEB505Message', general.waybill]] as const) await post(by, type, model);
    await platform.pipeline.drain();
    const other = (await status('inventory', general.copNo)).numbers.invtNo as string;
    expect((await app.inject({ method: 'POST', url: '/api/v1/tax/prerefunds', payload: { invtNo: other }, headers: auth(ebc) })).json().error.code).toBe('PREREFUND_NOT_9810');
  });
});

describe('the monthly consolidated declaration (清单核放、汇总申报)', () => {
  // Lists closed last month are summarised this month: the platform's clock is moved back while they close.
  let shift = 0;
  let clocked: ClearanceHarness;
  beforeAll(async () => {
    // Its enterprises' demo certificates date from then too.
    shift = 35 * 86_400_000;
    clocked = await startClearance({ now: () => new Date(Date.now() - shift) });
    ({ platform, app, admin } = clocked);
    for (const e of [ebp, ebc, pay, carrier, site, broker]) tokens.set(e.id, clocked.token(await clocked.enterprise(e.nameZh)));
  });
  afterAll(async () => {
    await clocked?.close();
    ({ platform, app, admin } = harness);
  });

  it('closed B lists are consolidated by their keys, sent as CEB701 signed, and customs\' CEB702/CEB792 map each list line to its declaration line', async () => {
    const month = new Date(Date.now() - shift + 8 * 3600_000).toISOString().slice(0, 7);
    const invtNos: string[] = [];
    // Two lists of the same goods to the same country, one of other goods: one 报关单, two lines.
    for (const gcode of ['9505100000', '9505100000', '8201100000']) {
      const x = exportParcel();
      Object.assign(x.list.Inventory[0]!.InventoryHead, { statisticsFlag: 'B' });
      Object.assign(x.list.Inventory[0]!.InventoryList[0]!, { gcode });
      for (const [by, type, model] of [[ebp, 'CEB303Message', x.order], [pay, 'CEB403Message', x.receipts], [broker, 'CEB603Message', x.list], [carrier, 'CEB505Message', x.waybill]] as const) await post(by, type, model);
      await platform.pipeline.drain();
      for (const [by, type, kind] of [[broker, 'CEB607Message', 'WayBill'], [site, 'CEB507Message', 'Arrival'], [carrier, 'CEB509Message', 'Departure']] as const) await post(by, type, x.transport(kind, by));
      await platform.pipeline.drain();
      const inv = await status('inventory', x.copNo);
      expect(inv.state).toBe('closed');
      invtNos.push(inv.numbers.invtNo);
    }
    shift = 0;
    const built = await app.inject({ method: 'POST', url: '/api/v1/summaries', headers: auth(ebc), payload: { month, summaryFlag: '1', agentCode: broker.customsCode } });
    expect(built.statusCode, built.body).toBe(201);
    const s = built.json();
    const mine = s.groups.flatMap((g: { items: { gcode: string; qty: string; totalPrice: string; lines: number }[] }) => g.items).filter((i: { gcode: string }) => ['9505100000', '8201100000'].includes(i.gcode));
    expect(mine.find((i: { gcode: string }) => i.gcode === '9505100000')).toMatchObject({ qty: '24', totalPrice: '72', lines: 2 });
    expect(mine.find((i: { gcode: string }) => i.gcode === '8201100000')).toMatchObject({ qty: '12', totalPrice: '36', lines: 1 });
    const xml = await app.inject({ url: `/api/v1/summaries/${s.id}/ceb701.xml`, headers: auth(ebc) });
    expect(xml.statusCode).toBe(200);
    for (const n of invtNos) expect(xml.body).toContain(n);
    // Sent signed by the declarant; the simulated customs answers 702 (sumNo) and 792 (the 报关单).
    const sent = await app.inject({ method: 'POST', url: `/api/v1/summaries/${s.id}/send`, headers: auth(broker) });
    expect(sent.statusCode, sent.body).toBe(200);
    await platform.pipeline.drain();
    const after = (await app.inject({ url: `/api/v1/summaries/${s.id}`, headers: auth(ebc) })).json();
    expect(after.groups.every((g: { customs: { sumNo: string | null; entryId: string | null } }) => !!g.customs.sumNo && !!g.customs.entryId)).toBe(true);
    const mapping = (await app.inject({ url: `/api/v1/summaries/${s.id}/mapping?limit=500`, headers: auth(ebc) })).json();
    const rows = (mapping.items ?? mapping) as { invtNo: string; gseqno: number; customs?: { gseqno: number } | null }[];
    const ours = rows.filter((r) => invtNos.includes(r.invtNo));
    expect(ours).toHaveLength(3);
    expect(JSON.stringify(ours)).toContain('entryId');
  });

  it('risk control judges the list a declarant files: a destination marked high-risk holds it for review; approved, it is checked and sent', async () => {
    const adminAuth = { authorization: `Bearer ${admin}` };
    const tuned = await app.inject({ method: 'PUT', url: '/api/v1/risk/rules/R-HIGH-RISK-COUNTRY', headers: adminAuth, payload: { params: { weight: 40, countries: ['502'] } } });
    expect(tuned.statusCode, tuned.body).toBe(200);
    try {
      const x = exportParcel();
      const answers: Record<string, { status: string; returnInfo: { en: string } }> = {};
      for (const [by, type, model] of [[ebp, 'CEB303Message', x.order], [pay, 'CEB403Message', x.receipts], [broker, 'CEB603Message', x.list], [carrier, 'CEB505Message', x.waybill]] as const) {
        answers[type] = (await post(by, type, model)).json().receipts[0];
      }
      await platform.pipeline.drain();
      // Only the list names the destination (运抵国 502): it alone is held, with the rule named.
      expect(answers.CEB603Message).toMatchObject({ status: 'accepted' });
      expect(answers.CEB603Message!.returnInfo.en).toContain('R-HIGH-RISK-COUNTRY');
      expect(answers.CEB303Message!.returnInfo.en).not.toContain('R-HIGH-RISK-COUNTRY');
      const list = () => platform.store.db.selectFrom('inventories').select(['id', 'state']).where('cop_no', '=', x.copNo).executeTakeFirst();
      expect((await list())?.state).toBe('held');
      expect((await status('inventory', x.copNo)).state).toBe('held');
      const reviews = (await app.inject({ url: '/api/v1/risk/reviews?state=open', headers: adminAuth })).json();
      const listId = (await list())!.id;
      const item = reviews.items.find((r: { documentId: string }) => r.documentId === listId);
      expect(item).toBeTruthy();
      await app.inject({ method: 'POST', url: `/api/v1/risk/reviews/${item.id}/assign`, headers: adminAuth, payload: {} });
      const ok = await app.inject({ method: 'POST', url: `/api/v1/risk/reviews/${item.id}/approve`, headers: adminAuth, payload: { reason: '目的国业务真实，已核实' } });
      expect(ok.statusCode, ok.body).toBe(200);
      await platform.pipeline.drain();
      // Approved: the parcel is decided with its list, which goes to customs and is released.
      expect((await list())?.state).toBe('released');
    } finally {
      await app.inject({ method: 'PUT', url: '/api/v1/risk/rules/R-HIGH-RISK-COUNTRY', headers: adminAuth, payload: { params: { weight: 40, countries: [] } } });
    }
  });
});
