// Risk control at intake, over HTTP with the customs simulator: a rule tuned by the zone office (and
// audited) fires on a split purchase; the order is held for review and goes on — matched, declared,
// released — once a reviewer approves it; with the refuse threshold lowered the next one is refused
// at intake with the rule named, and nothing of it is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../src/platform.js';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import { writeMessage } from '../src/ceb/codec.js';
import type { Enterprise } from '../src/registry/model.js';
import { ITEM_RECORDS, parcel, type Parties } from './support/parcels.js';

let harness: ClearanceHarness;
let platform: Platform;
let app: FastifyInstance;
let parties: Parties;
const auth = (e: Enterprise) => ({ authorization: `Bearer ${harness.token(e)}` });
const admin = () => ({ authorization: `Bearer ${harness.admin}` });
const BUYER = '330782199212120017';

/** One buyer's parcel (320.00 with freight), its order filed last; the order's answer. */
async function file() {
  const x = parcel(parties, { order: { buyerIdNumber: BUYER }, payment: { payerIdNumber: BUYER } });
  await app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage('CEB511Message', x.waybill), headers: { 'content-type': 'application/xml', ...auth(parties.logistics) } });
  await app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage('CEB411Message', x.payment), headers: { 'content-type': 'application/xml', ...auth(parties.payment) } });
  const o = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage('CEB311Message', x.order), headers: { 'content-type': 'application/xml', ...auth(parties.ebp) } });
  await platform.pipeline.drain();
  return { x, answer: o.json().receipts[0] };
}
const order = (orderNo: string) => platform.store.db.selectFrom('ceb_documents').select(['id', 'state']).where('doc_key', 'like', `311|%|${orderNo}`).executeTakeFirst();
const parcelState = async (orderNo: string) => (await platform.store.db.selectFrom('parcels').select('state').where('order_no', '=', orderNo).executeTakeFirst())?.state;

beforeAll(async () => {
  harness = await startClearance();
  ({ platform, app } = harness);
  const pick = harness.enterprise;
  parties = { ebp: await pick('义乌小商品跨境电商平台'), ebc: await pick('金义综保区美妆进口'), payment: await pick('浙江金义支付'), logistics: await pick('义乌国际快递') };
  await app.inject({ method: 'PUT', url: '/api/v1/item-records', payload: { items: ITEM_RECORDS }, headers: auth(parties.ebc) });
});
afterAll(() => harness?.close());

describe('risk control at intake', () => {
  it('a tuned split-purchase rule holds the second order for review; approval lets it match and go to customs', async () => {
    // The zone office lowers the split limit to 500 CNY for this test; the change is audited.
    const tuned = await app.inject({ method: 'PUT', url: '/api/v1/risk/rules/R-SPLIT-ORDER', headers: admin(), payload: { params: { weight: 40, windowHours: 72, limitYuan: 500, minOrders: 2 } } });
    expect(tuned.statusCode, tuned.body).toBe(200);
    const history = (await app.inject({ url: '/api/v1/risk/rules/R-SPLIT-ORDER/history', headers: admin() })).json();
    expect(JSON.stringify(history)).toContain('500');
    expect((await app.inject({ method: 'PUT', url: '/api/v1/risk/rules/R-SPLIT-ORDER', headers: auth(parties.ebp), payload: { params: { limitYuan: 1 } } })).statusCode).toBe(403);

    const first = await file();
    expect(first.answer.status).toBe('accepted');
    expect(await parcelState(first.x.orderNo)).toBe('matched');
    const second = await file();
    expect(second.answer).toMatchObject({ status: 'accepted', returnStatus: '2' });
    expect(second.answer.returnInfo.en).toContain('R-SPLIT-ORDER');
    expect((await order(second.x.orderNo))?.state).toBe('held');
    // Held: not matched (no parcel yet) and not sent to customs.
    expect(await parcelState(second.x.orderNo)).toBeUndefined();
    // The review queue shows it with the rule's values; an assigned review is approved.
    const reviews = (await app.inject({ url: '/api/v1/risk/reviews', headers: admin() })).json();
    const heldId = (await order(second.x.orderNo))!.id;
    const item = reviews.items.find((r: { documentId: string }) => r.documentId === heldId);
    expect(item).toMatchObject({ state: 'open', score: 40 });
    expect((await app.inject({ method: 'POST', url: `/api/v1/risk/reviews/${item.id}/assign`, headers: admin(), payload: {} })).statusCode).toBe(200);
    const ok = await app.inject({ method: 'POST', url: `/api/v1/risk/reviews/${item.id}/approve`, headers: admin(), payload: { reason: '同一家庭分次购买，已电话核实' } });
    expect(ok.statusCode, ok.body).toBe(200);
    await platform.pipeline.drain();
    expect(await parcelState(second.x.orderNo)).toBe('matched');
    const list = await platform.store.db.selectFrom('inventories').innerJoin('parcels', 'parcels.id', 'inventories.parcel_id').select('inventories.state').where('parcels.order_no', '=', second.x.orderNo).executeTakeFirst();
    expect(list?.state).toBe('closed');
    // The result is stored with the document; the filer sees its own.
    const results = (await app.inject({ url: `/api/v1/risk/results?decision=review`, headers: auth(parties.ebp) })).json();
    expect(results.items.some((r: { hits: { code: string }[] }) => r.hits.some((h) => h.code === 'R-SPLIT-ORDER'))).toBe(true);
  });

  it('with the refuse threshold at 40 the next split order is refused at intake, naming the rule, and nothing is stored', async () => {
    const t = await app.inject({ method: 'PUT', url: '/api/v1/risk/rules/ROUTING', headers: admin(), payload: { params: { review: 30, refuse: 40 } } });
    expect(t.statusCode, t.body).toBe(200);
    const third = await file();
    expect(third.answer).toMatchObject({ status: 'refused', returnStatus: '-1' });
    expect(third.answer.returnInfo['zh-CN']).toContain('R-SPLIT-ORDER');
    expect(await order(third.x.orderNo)).toBeUndefined();
    expect(await parcelState(third.x.orderNo)).toBeUndefined();
  });
});
