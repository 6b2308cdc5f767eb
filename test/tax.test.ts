// The tax quote over HTTP, with the buyer's year-to-date total taken from the clearance ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import { writeMessage, type Model } from '../src/ceb/codec.js';
import { inventoryMessage } from './support/ceb-models.js';
import { ITEM_RECORDS, parcel, type Parties } from './support/parcels.js';
import type { Inventory } from '../src/ceb/model/import-202205.js';
import type { Enterprise } from '../src/registry/model.js';
import { newGuid } from '../src/kernel/ids.js';

let harness: ClearanceHarness;
let app: FastifyInstance;
let parties: Parties;
let other: Enterprise;
const auth = (e: Enterprise) => ({ authorization: `Bearer ${harness.token(e)}` });
const quote = (e: Enterprise, m: Model) => app.inject({ method: 'POST', url: '/api/v1/tax/quote', payload: writeMessage('CEB621Message', m), headers: { 'content-type': 'application/xml', ...auth(e) } });

beforeAll(async () => {
  harness = await startClearance();
  app = harness.app;
  const pick = harness.enterprise;
  parties = { ebp: await pick('义乌小商品跨境电商平台'), ebc: await pick('金义综保区美妆进口'), payment: await pick('浙江金义支付'), logistics: await pick('义乌国际快递') };
  other = await pick('金华报关服务');
  await app.inject({ method: 'PUT', url: '/api/v1/item-records', payload: { items: ITEM_RECORDS }, headers: auth(parties.ebc) });
});
afterAll(() => harness?.close());

describe('POST /api/v1/tax/quote', () => {
  it('quotes a list (worked example A: 29.12) for the enterprise it names', async () => {
    const r = await quote(parties.ebc, inventoryMessage(parcel(parties), parties.ebc));
    expect(r.statusCode).toBe(200);
    expect(r.json().lists[0]).toMatchObject({ status: 'quoted', taxTotal: '29.12', valueAddedTax: '29.12', rule: 'cbec-within-limits' });
  });

  it('counts what the buyer has already used this year (from the clearance ledger) for the buyer\'s platform and the operator only', async () => {
    // The buyer's first parcel goes through: 320.00 of the 26,000 used.
    const x = parcel(parties);
    for (const [e, type, m] of [[parties.ebp, 'CEB311Message', x.order], [parties.payment, 'CEB411Message', x.payment], [parties.logistics, 'CEB511Message', x.waybill]] as const) {
      expect((await app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage(type, m), headers: { 'content-type': 'application/xml', ...auth(e) } })).statusCode).toBe(200);
    }
    await harness.platform.pipeline.drain();
    // A second list for the same buyer: one item of 25,700 — alone fine (taxed in full), with the 320 used beyond the limit.
    const m = inventoryMessage(parcel(parties), parties.ebc);
    const inv = (m.Inventory as Inventory[])[0]!;
    Object.assign(inv.InventoryHead, { buyerIdType: '1', buyerIdNumber: (x.order.Order as { OrderHead: { buyerIdNumber: string } }[])[0]!.OrderHead.buyerIdNumber, freight: '0', insuredFee: '0' });
    Object.assign(inv.InventoryList[0]!, { qty: '1', price: '25700', totalPrice: '25700' });
    const platform = await quote(parties.ebp, m);
    expect(platform.json().lists[0]).toMatchObject({ status: 'refused', code: '-621018' });
    // Writing its own code into the list proves nothing: another enterprise learns nothing of the buyer's total.
    const forged = structuredClone(m);
    Object.assign((forged.Inventory as Inventory[])[0]!.InventoryHead, { ebcCode: other.customsCode, agentCode: other.customsCode });
    const stranger = await quote(other, forged);
    expect(stranger.json().lists[0]).toMatchObject({ status: 'quoted', rule: 'cbec-single-item-full' });
    expect(stranger.json().lists[0].warnings.join(' ')).toContain('year-to-date');

    // The year-to-date view: the platform the buyer ordered through and the agencies see it, no one else.
    const buyer = (x.order.Order as { OrderHead: { buyerIdNumber: string } }[])[0]!.OrderHead.buyerIdNumber;
    const url = `/api/v1/buyers/quota?idType=1&idNumber=${buyer}&year=2026`;
    const mine = await app.inject({ url, headers: auth(parties.ebp) });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ year: 2026, limit: '26000.00', used: '320.00', released: '320.00', pending: '0.00', remaining: '25680.00' });
    expect(mine.json().parcels).toEqual([expect.objectContaining({ orderNo: x.orderNo, value: '320.00', listState: 'closed' })]);
    expect((await app.inject({ url, headers: { authorization: `Bearer ${harness.admin}` } })).json().used).toBe('320.00');
    const refused = await app.inject({ url, headers: auth(other) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('QUOTA_FORBIDDEN');
  });

  it('matching checks the order\'s taxTotal against the engine (9.1 % of 320 = 29.12, not 20.00)', async () => {
    // Formula and payment agree with each other (319.12 − 9.12), only the tax itself is wrong.
    const x = parcel(parties, { order: { taxTotal: '20', acturalPaid: '310' }, payment: { amountPaid: '310' } });
    for (const [e, type, m] of [[parties.ebp, 'CEB311Message', x.order], [parties.payment, 'CEB411Message', x.payment], [parties.logistics, 'CEB511Message', x.waybill]] as const) {
      await app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage(type, m), headers: { 'content-type': 'application/xml', ...auth(e) } });
    }
    await harness.platform.pipeline.drain();
    const s = (await app.inject({ url: `/api/v1/status/order/${parties.ebp.customsCode}:${x.orderNo}`, headers: auth(parties.ebp) })).json();
    expect(s.match.state).toBe('mismatched');
    expect(s.match.mismatches).toEqual([expect.objectContaining({ rule: 'tax_total', document: 'CEB311Message', field: 'OrderHead/taxTotal', expected: '29.12', found: '20' })]);
    expect(s.match.mismatches[0].message['zh-CN']).toContain('综合税');
  });

  it('matching refuses a good that is not on the positive list, saying which', async () => {
    await app.inject({ method: 'PUT', url: '/api/v1/item-records', payload: { items: [{ itemNo: 'PC-14', gcode: '8471300000', gname: '便携式电脑', unit1: '011', qty1PerUnit: '1' }] }, headers: auth(parties.ebc) });
    const x = parcel(parties);
    (x.order.Order as { OrderList: { itemNo: string }[] }[])[0]!.OrderList[0]!.itemNo = 'PC-14';
    for (const [e, type, m] of [[parties.ebp, 'CEB311Message', x.order], [parties.payment, 'CEB411Message', x.payment], [parties.logistics, 'CEB511Message', x.waybill]] as const) {
      await app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage(type, m), headers: { 'content-type': 'application/xml', ...auth(e) } });
    }
    await harness.platform.pipeline.drain();
    const s = (await app.inject({ url: `/api/v1/status/order/${parties.ebp.customsCode}:${x.orderNo}`, headers: auth(parties.ebp) })).json();
    expect(s.match.state).toBe('mismatched');
    expect(s.match.mismatches).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'positive_list', field: 'OrderList/0/itemNo', found: 'PC-14 8471300000' })]));
    expect(s.match.mismatches.find((m: { rule: string }) => m.rule === 'positive_list').message['zh-CN']).toContain('跨境电子商务零售进口商品清单');
  });

  it('stores customs\' tax bills, reconciles them against the engine, flags a difference and keeps totals per guarantor', async () => {
    const bills = (await app.inject({ url: '/api/v1/tax/bills', headers: auth(parties.ebc) })).json();
    expect(bills.total).toBeGreaterThan(0);
    const bill = bills.items[0];
    expect(bill).toMatchObject({ taxTotal: '29.12', computedTaxTotal: '29.12', difference: '0.00', flagged: false, status: '1', assureCode: parties.ebc.customsCode });
    expect(bill.lines[0]).toMatchObject({ gnum: '1', gcode: '1901101010', taxPrice: '320.00' });
    // A bill that disagrees with the engine (customs charged 1.00 more VAT) is flagged.
    await harness.platform.pipeline.receive([{
      messageType: 'CEB816Message', receivedAt: new Date(),
      model: { guid: newGuid(), version: '1.0', Tax: [{ TaxHeadRd: { guid: newGuid(), returnTime: '20261127120000000', invtNo: bill.invtNo, taxNo: 'TAX-DIFF-1', customsTax: '0', valueAddedTax: '30.12', consumptionTax: '0', status: '1', assureCode: parties.ebc.customsCode }, TaxListRd: [] }] },
    }]);
    const flagged = (await app.inject({ url: '/api/v1/tax/bills?flagged=true', headers: auth(parties.ebc) })).json();
    expect(flagged.items).toEqual([expect.objectContaining({ taxNo: 'TAX-DIFF-1', taxTotal: '30.12', computedTaxTotal: '29.12', difference: '1.00', flagged: true })]);
    // CEB818 voids it; void bills leave the running totals.
    const before = (await app.inject({ url: '/api/v1/tax/bills/totals', headers: auth(parties.ebc) })).json().totals[0];
    expect(before).toMatchObject({ assureCode: parties.ebc.customsCode, flagged: 1 });
    await harness.platform.pipeline.receive([{ messageType: 'CEB818Message', receivedAt: new Date(), model: { guid: newGuid(), version: '1.0', Tax: [{ TaxHeadStatus: { guid: newGuid(), returnTime: '20261127130000000', invtNo: bill.invtNo, taxNo: 'TAX-DIFF-1', status: '3' } }] } }]);
    const after = (await app.inject({ url: '/api/v1/tax/bills/totals', headers: auth(parties.ebc) })).json().totals[0];
    expect(after.bills).toBe(before.bills - 1);
    expect(Number(after.valueAddedTax)).toBeCloseTo(Number(before.valueAddedTax) - 30.12, 2);
    // Enterprises the bills do not name see none of them.
    expect((await app.inject({ url: '/api/v1/tax/bills', headers: auth(other) })).json().total).toBe(0);
  });

  it('takes inventory lists and orders only', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/tax/quote', payload: writeMessage('CEB411Message', parcel(parties).payment), headers: { 'content-type': 'application/xml', ...auth(parties.ebc) } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('TAX_QUOTE_TYPE');
    expect((await app.inject({ method: 'POST', url: '/api/v1/tax/quote', payload: '<x/>', headers: { 'content-type': 'application/xml' } })).statusCode).toBe(401);
  });
});
