// Bonded import (1210) against the warehouse's book, over HTTP with the customs simulator: an
// inbound notice and the operator's CEB711 put goods on the account; a matching parcel reserves
// them and its list carries the account (areaCode, emsNo); release takes them off the book; a
// parcel the stock cannot cover is refused with the shortfall; an unknown 711 waybill is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../src/platform.js';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import { writeMessage, type Model } from '../src/ceb/codec.js';
import type { Enterprise } from '../src/registry/model.js';
import { newGuid } from '../src/kernel/ids.js';
import { signXmlWithKey } from '../src/signing/dsig.js';
import { ITEM_RECORDS, parcel, transfer, type Parties } from './support/parcels.js';

let harness: ClearanceHarness;
let platform: Platform;
let app: FastifyInstance;
let parties: Parties;
let site: Enterprise;
const auth = (e: Enterprise) => ({ authorization: `Bearer ${harness.token(e)}` });

async function file711(logisticsNos: string[], copNo: string) {
  const m = (await platform.keystore.signingMaterial(site.id))!;
  const model = {
    guid: newGuid(), version: '1.0', BaseTransfer: transfer(site),
    Delivery: {
      DeliveryHead: {
        guid: newGuid(), appType: '1', appTime: '20261128090000', appStatus: '2', customsCode: '2900', copNo, operatorCode: site.customsCode!, operatorName: site.nameZh,
        ieFlag: 'I', trafMode: '2', trafNo: 'COSCO ASIA', voyageNo: '026E', billNo: 'COSU2026112801', logisticsCode: parties.logistics.customsCode!, logisticsName: parties.logistics.nameZh,
      },
      DeliveryList: logisticsNos.map((n, i) => ({ gnum: String(i + 1), logisticsNo: n })),
    },
  } as Model;
  const xml = signXmlWithKey(writeMessage('CEB711Message', model), m.key, m.certificate);
  return app.inject({ method: 'POST', url: '/api/v1/messages', payload: xml, headers: { 'content-type': 'application/xml', ...auth(site) } });
}

async function file(x: ReturnType<typeof parcel>) {
  for (const [e, type, m] of [[parties.logistics, 'CEB511Message', x.waybill], [parties.payment, 'CEB411Message', x.payment], [parties.ebp, 'CEB311Message', x.order]] as const) {
    await app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage(type, m), headers: { 'content-type': 'application/xml', ...auth(e) } });
  }
  await platform.pipeline.drain();
  return platform.store.db.selectFrom('parcels').leftJoin('inventories', 'inventories.parcel_id', 'parcels.id')
    .select(['parcels.state as parcel', 'parcels.mismatches', 'inventories.state as list', 'inventories.body']).where('parcels.order_no', '=', x.orderNo).executeTakeFirstOrThrow();
}
const stock = async () => (await app.inject({ url: `/api/v1/bonded/stock?itemNo=IF-900`, headers: auth(parties.ebc) })).json().items[0];

beforeAll(async () => {
  harness = await startClearance();
  ({ platform, app } = harness);
  const pick = harness.enterprise;
  parties = { ebp: await pick('义乌小商品跨境电商平台'), ebc: await pick('金义综保区美妆进口'), payment: await pick('浙江金义支付'), logistics: await pick('义乌国际快递') };
  site = await pick('金华陆港供应链');
  await app.inject({ method: 'PUT', url: '/api/v1/item-records', payload: { items: ITEM_RECORDS }, headers: auth(parties.ebc) });
});
afterAll(() => harness?.close());

describe('bonded stock ledger in the clearance', () => {
  it('enters goods by notice + CEB711, reserves them for a matched 1210 list that names the account, and takes them off the book at release', async () => {
    const acct = await app.inject({ method: 'POST', url: '/api/v1/bonded/accounts', headers: auth(site), payload: { areaCode: site.customsCode, areaName: site.nameZh, emsNo: 'T29002026000001' } });
    expect(acct.statusCode, acct.body).toBe(201);
    const notice = await app.inject({
      method: 'POST', url: '/api/v1/bonded/notices', headers: auth(parties.ebc),
      payload: { areaCode: site.customsCode, emsNo: 'T29002026000001', logisticsCode: parties.logistics.customsCode, logisticsNo: 'INBOUND-0001', lines: [{ itemNo: 'IF-900', gcode: '1901101010', gname: '婴幼儿配方奶粉', unit: '122', qty: '3' }] },
    });
    expect(notice.statusCode, notice.body).toBe(201);
    // A 711 listing a waybill nobody announced is refused whole (-800000) and enters nothing.
    const unknown = (await file711(['INBOUND-0001', 'INBOUND-9999'], 'RKD-0001')).json();
    expect(unknown.receipts[0]).toMatchObject({ status: 'refused', returnStatus: '-800000' });
    expect(await stock()).toBeUndefined();
    const entry = (await file711(['INBOUND-0001'], 'RKD-0002')).json();
    expect(entry.receipts[0].status).toBe('accepted');
    // The goods enter the book when customs accepts the entry record (120), not when it is filed.
    expect(await stock()).toBeUndefined();
    await platform.pipeline.drain();
    expect(await stock()).toMatchObject({ onHand: '3', reserved: '0', available: '3' });

    // Two tins per parcel: the first fits, its list carries the account book.
    const first = await file(parcel(parties));
    expect(first.parcel).toBe('matched');
    expect(first.list).toBe('closed');
    expect(JSON.parse(first.body!).InventoryHead).toMatchObject({ tradeMode: '1210', areaCode: site.customsCode, emsNo: 'T29002026000001' });
    expect(await stock()).toMatchObject({ onHand: '1', reserved: '0', available: '1' });
    // The second needs 2 of the 1 left: refused with the shortfall, nothing taken.
    const second = await file(parcel(parties));
    expect(second.parcel).toBe('mismatched');
    expect(JSON.parse(second.mismatches)).toEqual([expect.objectContaining({ rule: 'bonded_stock', expected: '≤ 1', found: '2' })]);
    expect(await stock()).toMatchObject({ onHand: '1', reserved: '0' });
    const moves = (await app.inject({ url: '/api/v1/bonded/movements?itemNo=IF-900', headers: auth(site) })).json();
    expect(moves.items.map((m: { kind: string }) => m.kind).sort()).toEqual(['entry', 'exit', 'reserve']);
  });
});
