// Product records (商品备案) over HTTP: checked all or none, imported from CSV, searched, exported,
// and used by the tax quote of an order (HS code, legal units, the content a CT threshold is priced on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import { writeMessage } from '../src/ceb/codec.js';
import { parcel, type Parties } from './support/parcels.js';
import type { Enterprise } from '../src/registry/model.js';

let harness: ClearanceHarness;
let app: FastifyInstance;
let parties: Parties;
const auth = (e: Enterprise) => ({ authorization: `Bearer ${harness.token(e)}` });
const CSV = 'itemNo,gcode,gname,gmodel,unit,unit1,qty1PerUnit,unit2,qty2PerUnit,country,barCode,contentAmount,contentUnit\n' +
  'IF-900,1901101010,婴幼儿配方奶粉,900g/罐,122,035,0.9,,,304,4008976022336,,\n' +
  'SK-50,3304990099,"精华液, 50 毫升",50ml/瓶,142,035,0.08,,,116,4901872000001,50,ml\n';

beforeAll(async () => {
  harness = await startClearance();
  app = harness.app;
  const pick = harness.enterprise;
  parties = { ebp: await pick('义乌小商品跨境电商平台'), ebc: await pick('金义综保区美妆进口'), payment: await pick('浙江金义支付'), logistics: await pick('义乌国际快递') };
});
afterAll(() => harness?.close());

describe('product records', () => {
  it('imports CSV all or none, naming every bad cell', async () => {
    const bad = CSV + 'X-1,33049900,短编码,,999,035,1,,,000,,50,\n';
    const r = await app.inject({ method: 'POST', url: '/api/v1/item-records/import', payload: bad, headers: { 'content-type': 'text/csv', ...auth(parties.ebc) } });
    expect(r.statusCode).toBe(400);
    const paths = r.json().error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['/items/2/gcode', '/items/2/unit', '/items/2/country', '/items/2/contentUnit']));
    expect((await app.inject({ url: '/api/v1/item-records', headers: auth(parties.ebc) })).json().total).toBe(0);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/item-records/import', payload: CSV, headers: { 'content-type': 'text/csv', ...auth(parties.ebc) } });
    expect(ok.json()).toEqual({ saved: 2 });
  });

  it('searches by number, name, HS code or barcode, pages, and exports what it imports', async () => {
    const find = async (q: string) => (await app.inject({ url: `/api/v1/item-records?q=${encodeURIComponent(q)}`, headers: auth(parties.ebc) })).json();
    expect((await find('精华')).items.map((i: { itemNo: string }) => i.itemNo)).toEqual(['SK-50']);
    expect((await find('190110')).items[0]).toMatchObject({ itemNo: 'IF-900', country: '304', barCode: '4008976022336', contentAmount: null });
    expect((await find('%')).total).toBe(0);
    expect((await find('sk-50')).items.map((i: { itemNo: string }) => i.itemNo)).toEqual(['SK-50']);
    const page = (await app.inject({ url: '/api/v1/item-records?limit=1&offset=1', headers: auth(parties.ebc) })).json();
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
    const csv = await app.inject({ url: '/api/v1/item-records/export.csv', headers: auth(parties.ebc) });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n')).toBe(CSV.replace(',,\n', ',,\n'));
    // Another enterprise sees none of them; the operator names whose.
    expect((await app.inject({ url: '/api/v1/item-records', headers: auth(parties.ebp) })).json().total).toBe(0);
    expect((await app.inject({ url: `/api/v1/item-records?ebcCode=${parties.ebc.customsCode}`, headers: { authorization: `Bearer ${harness.admin}` } })).json().total).toBe(2);
  });

  it('quotes an order through its records, pricing the cosmetics threshold on the content of one piece', async () => {
    const x = parcel(parties);
    const quote = async (price: string) => {
      const order = structuredClone(x.order) as { Order: { OrderHead: Record<string, string>; OrderList: Record<string, string>[] }[] };
      Object.assign(order.Order[0]!.OrderList[0]!, { itemNo: 'SK-50', qty: '1', price, totalPrice: price });
      Object.assign(order.Order[0]!.OrderHead, { goodsValue: price, freight: '0' });
      const r = await app.inject({ method: 'POST', url: '/api/v1/tax/quote', payload: writeMessage('CEB311Message', order as never), headers: { 'content-type': 'application/xml', ...auth(parties.ebc) } });
      expect(r.statusCode).toBe(200);
      return r.json().lists[0];
    };
    // 300 for 50 ml = 6 元/毫升, below 10: no consumption tax, 300 × 13 % × 70 % = 27.30.
    const low = await quote('300');
    expect(low).toMatchObject({ status: 'quoted', consumptionTax: '0.00', valueAddedTax: '27.30', taxTotal: '27.30' });
    // The content came from the record: no warning that the threshold could not be checked.
    expect(low.warnings.join(' ')).not.toContain('content');
    // 800 for 50 ml = 16 元/毫升: 高档化妆品, CT 800/0.85 × 0.15 × 0.7 = 98.82, VAT (800 + 141.18) × 0.13 × 0.7 = 85.65.
    expect(await quote('800')).toMatchObject({ consumptionTax: '98.82', valueAddedTax: '85.65', taxTotal: '184.47' });
    // An item without a record cannot be quoted from an order.
    const order = structuredClone(x.order) as { Order: { OrderList: Record<string, string>[] }[] };
    order.Order[0]!.OrderList[0]!.itemNo = 'NOPE';
    const r = await app.inject({ method: 'POST', url: '/api/v1/tax/quote', payload: writeMessage('CEB311Message', order as never), headers: { 'content-type': 'application/xml', ...auth(parties.ebc) } });
    expect(r.json().lists[0]).toMatchObject({ status: 'unrated' });
    expect(r.json().lists[0].reason).toContain('NOPE');
  });
});
