// The clearance pipeline end to end over HTTP, on in-memory SQLite with the customs simulator
// answering at once: intake → match → list → customs receipts, and every refusal on the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../src/platform.js';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import { writeMessage } from '../src/ceb/codec.js';
import { wrap } from '../src/ceb/dxp.js';
import type { Enterprise } from '../src/registry/model.js';
import { ITEM_RECORDS, parcel, type Parties } from './support/parcels.js';

let platform: Platform;
let app: FastifyInstance;
let admin: string;
const tokens = new Map<string, string>();
let parties: Parties;
let other: Enterprise;

const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const post = (e: Enterprise, type: string, model: object, headers: Record<string, string> = {}) => app.inject({
  method: 'POST', url: '/api/v1/messages', payload: writeMessage(type, model as never),
  headers: { 'content-type': 'application/xml', ...auth(tokens.get(e.id)!), ...headers },
});
const status = (t: string, kind: string, key: string) => app.inject({ url: `/api/v1/status/${kind}/${encodeURIComponent(key)}`, headers: auth(t) });

let harness: ClearanceHarness;
beforeAll(async () => {
  harness = await startClearance();
  ({ platform, app, admin } = harness);
  const pick = harness.enterprise;
  parties = { ebp: await pick('义乌小商品跨境电商平台'), ebc: await pick('金义综保区美妆进口'), payment: await pick('浙江金义支付'), logistics: await pick('义乌国际快递') };
  other = await pick('金华报关服务');
  for (const e of [...Object.values(parties), other]) tokens.set(e.id, harness.token(e));
  const put = await app.inject({ method: 'PUT', url: '/api/v1/item-records', payload: { items: ITEM_RECORDS }, headers: auth(tokens.get(parties.ebc.id)!) });
  expect(put.statusCode).toBe(200);
});
afterAll(() => harness?.close());

describe('clearance pipeline over HTTP', () => {
  it('three documents in any order match, a list is built, sent and released through 899', async () => {
    const x = parcel(parties);
    // Waybill first, then payment, then order: the match happens when the last arrives.
    const w = await post(parties.logistics, 'CEB511Message', x.waybill);
    expect(w.statusCode).toBe(200);
    expect(w.json().receipts[0]).toMatchObject({ status: 'accepted', returnStatus: '2' });
    expect((await post(parties.payment, 'CEB411Message', x.payment)).statusCode).toBe(200);
    expect((await post(parties.ebp, 'CEB311Message', x.order)).statusCode).toBe(200);
    await platform.pipeline.drain();
    const s = (await status(tokens.get(parties.ebp.id)!, 'order', `${parties.ebp.customsCode}:${x.orderNo}`)).json();
    expect(s.match).toMatchObject({ state: 'matched', matched: true, mismatches: [] });
    expect(s.state).toBe('stored');
    expect(s.receipts.map((r: { returnStatus: string }) => r.returnStatus)).toEqual(['2', '120']);
    const inv = (await status(admin, 'inventory', s.match.inventoryId)).json();
    expect(inv.state).toBe('closed');
    expect(inv.receipts.map((r: { returnStatus: string }) => r.returnStatus)).toEqual(['2', '3', '120', '399', '800', '899']);
    expect(inv.numbers.invtNo).toMatch(/^2900/);
    expect(inv.body.InventoryHead).toMatchObject({ orderNo: x.orderNo, logisticsNo: x.logisticsNo, tradeMode: '1210', currency: '142' });
    expect(inv.body.InventoryList[0]).toMatchObject({ gcode: '1901101010', qty1: '1.8', unit1: '035' });
    const states = inv.history.filter((h: { subject: string }) => h.subject === 'inventory').map((h: { to: string }) => h.to);
    expect(states).toEqual(['built', 'sent', 'declaring', 'delivered', 'stored', 'concluded', 'released', 'closed']);
  });

  it('explains a mismatch field by field in both languages, and builds no list', async () => {
    const x = parcel(parties, { payment: { amountPaid: '319.13' } });
    await post(parties.ebp, 'CEB311Message', x.order);
    await post(parties.payment, 'CEB411Message', x.payment);
    await post(parties.logistics, 'CEB511Message', x.waybill);
    await platform.pipeline.drain();
    const s = (await status(tokens.get(parties.payment.id)!, 'payment', `${parties.payment.customsCode}:PAY${x.orderNo}`)).json();
    expect(s.match.state).toBe('mismatched');
    expect(s.match.inventoryId).toBeNull();
    expect(s.match.mismatches).toEqual([expect.objectContaining({ rule: 'amount_paid', document: 'CEB411Message', field: 'PaymentHead/amountPaid', expected: '319.12', found: '319.13' })]);
    expect(s.match.mismatches[0].message['zh-CN']).toContain('319.13');
    expect(s.match.mismatches[0].message.en).toContain('amountPaid');
  });

  it('a change (appType 2) repairs a mismatch; an older change is discarded as customs does', async () => {
    const x = parcel(parties, { payment: { amountPaid: '1' } });
    await post(parties.ebp, 'CEB311Message', x.order);
    await post(parties.payment, 'CEB411Message', x.payment);
    await post(parties.logistics, 'CEB511Message', x.waybill);
    const head = (x.payment as { Payment: { PaymentHead: Record<string, string> }[] }).Payment[0]!.PaymentHead;
    const fixed = { ...x.payment, Payment: [{ PaymentHead: { ...head, guid: crypto.randomUUID().toUpperCase(), appType: '2', appTime: '20261127100000', amountPaid: '319.12' } }] };
    const r = await post(parties.payment, 'CEB411Message', fixed);
    expect(r.json().receipts[0].status).toBe('accepted');
    const stale = { ...x.payment, Payment: [{ PaymentHead: { ...head, guid: crypto.randomUUID().toUpperCase(), appType: '2', appTime: '20261127095959', amountPaid: '5' } }] };
    const d = (await post(parties.payment, 'CEB411Message', stale)).json().receipts[0];
    expect(d).toMatchObject({ status: 'discarded', returnStatus: '-401012' });
    await platform.pipeline.drain();
    const s = (await status(admin, 'order', `${parties.ebp.customsCode}:${x.orderNo}`)).json();
    expect(s.match.state).toBe('matched');
  });

  it('the same guid and content gets the same answer; other content under that guid is refused; nothing doubles', async () => {
    const x = parcel(parties);
    const first = (await post(parties.ebp, 'CEB311Message', x.order)).json();
    const again = await post(parties.ebp, 'CEB311Message', x.order);
    expect(again.statusCode).toBe(200);
    expect(again.json().receipts[0]).toMatchObject({ ...first.receipts[0], status: 'replayed' });
    const head = (x.order as { Order: { OrderHead: Record<string, string>; OrderList: unknown[] }[] }).Order[0]!;
    const changed = { ...x.order, Order: [{ ...head, OrderHead: { ...head.OrderHead, buyerName: '李四' } }] };
    const refused = await post(parties.ebp, 'CEB311Message', changed);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('INTAKE_GUID_REUSED');
    const count = await platform.store.db.selectFrom('ceb_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('doc_key', 'like', `%${x.orderNo}`).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('refuses a sender that does not match BaseTransfer or lacks the role, writing nothing', async () => {
    const x = parcel(parties);
    const wrongRole = await post(parties.ebp, 'CEB411Message', { ...x.payment, BaseTransfer: { copCode: parties.ebp.customsCode, copName: 'x', dxpMode: 'DXP', dxpId: parties.ebp.dxpId } });
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.json().error.code).toBe('INTAKE_ROLE');
    const wrongSender = await post(parties.payment, 'CEB411Message', { ...x.payment, BaseTransfer: { copCode: other.customsCode, copName: 'x', dxpMode: 'DXP', dxpId: parties.payment.dxpId } });
    expect(wrongSender.statusCode).toBe(403);
    expect(wrongSender.json().error.issues[0].path).toBe('/BaseTransfer/copCode');
    const en = await post(parties.payment, 'CEB411Message', { ...x.payment, BaseTransfer: { ...x.payment.BaseTransfer as object, dxpId: 'DXPENT999' } }, { 'accept-language': 'en' });
    expect(en.json().error.issues[0].message).toContain('DXP id');
    const count = await platform.store.db.selectFrom('ceb_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('doc_key', 'like', `%PAY${x.orderNo}`).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('malformed and hostile XML get a clear refusal with a CEB900 receipt and change nothing', async () => {
    const before = await platform.store.db.selectFrom('ceb_documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const bad = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: '<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:Order>', headers: { 'content-type': 'application/xml', ...auth(tokens.get(parties.ebp.id)!) } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.receipt.xml).toContain('CEB900Message');
    const bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>';
    const hostile = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: bomb, headers: { 'content-type': 'application/xml', ...auth(tokens.get(parties.ebp.id)!) } });
    expect(hostile.statusCode).toBe(400);
    const after = await platform.store.db.selectFrom('ceb_documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('accepts DxpMsg envelopes and the JSON form; an envelope from another sender is refused', async () => {
    const x = parcel(parties);
    const xml = writeMessage('CEB311Message', x.order as never);
    const env = wrap(xml, { senderId: parties.ebp.dxpId! });
    const ok = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: env, headers: { 'content-type': 'application/xml', ...auth(tokens.get(parties.ebp.id)!) } });
    expect(ok.statusCode).toBe(200);
    const spoof = wrap(writeMessage('CEB411Message', x.payment as never), { senderId: 'DXPENT000000000' });
    const no = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: spoof, headers: { 'content-type': 'application/xml', ...auth(tokens.get(parties.payment.id)!) } });
    expect(no.statusCode).toBe(403);
    const json = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: { messageType: 'CEB411Message', message: x.payment }, headers: auth(tokens.get(parties.payment.id)!) });
    expect(json.statusCode).toBe(200);
    expect(json.json().receipts[0].status).toBe('accepted');
  });

  it('an enterprise sees only documents it filed or is named in', async () => {
    const x = parcel(parties);
    await post(parties.ebp, 'CEB311Message', x.order);
    const key = `${parties.ebp.customsCode}:${x.orderNo}`;
    expect((await status(tokens.get(other.id)!, 'order', key)).statusCode).toBe(404);
    expect((await status(tokens.get(parties.ebc.id)!, 'order', key)).statusCode).toBe(200);
    expect((await status(admin, 'order', key)).statusCode).toBe(200);
  });

  it('a payer other than the buyer is a mismatch, unless the platform verified the buyer', async () => {
    const other = { payerName: '王大明', payerIdNumber: '330782196501011238' };
    const x = parcel(parties, { payment: other });
    await post(parties.ebp, 'CEB311Message', x.order);
    await post(parties.payment, 'CEB411Message', x.payment);
    await post(parties.logistics, 'CEB511Message', x.waybill);
    const s = (await status(admin, 'order', `${parties.ebp.customsCode}:${x.orderNo}`)).json();
    expect(s.match.mismatches.map((m: { rule: string; field: string }) => `${m.rule} ${m.field}`)).toEqual(['payer_is_buyer PaymentHead/payerIdNumber', 'payer_is_buyer PaymentHead/payerName']);
    // Only a platform may vouch for its buyers.
    const buyer = (x.order as { Order: { OrderHead: { buyerIdNumber: string } }[] }).Order[0]!.OrderHead.buyerIdNumber;
    const notPlatform = await app.inject({ method: 'PUT', url: '/api/v1/buyer-verifications', payload: { buyers: [{ idType: '1', idNumber: buyer }] }, headers: auth(tokens.get(parties.payment.id)!) });
    expect(notPlatform.statusCode).toBe(403);
    const ok = await app.inject({ method: 'PUT', url: '/api/v1/buyer-verifications', payload: { buyers: [{ idType: '1', idNumber: buyer }] }, headers: auth(tokens.get(parties.ebp.id)!) });
    expect(ok.json()).toEqual({ saved: 1 });
    const y = parcel(parties, { payment: other, order: { buyerIdNumber: buyer } });
    await post(parties.ebp, 'CEB311Message', y.order);
    await post(parties.payment, 'CEB411Message', y.payment);
    await post(parties.logistics, 'CEB511Message', y.waybill);
    const t = (await status(admin, 'order', `${parties.ebp.customsCode}:${y.orderNo}`)).json();
    expect(t.match).toMatchObject({ state: 'matched', mismatches: [] });
  });

  it('customs limits: two items over 5,000 are stopped at the match with -621005', async () => {
    const x = parcel(parties, { order: { goodsValue: '5200', acturalPaid: '5219.12' }, payment: { amountPaid: '5219.12' } });
    await post(parties.ebp, 'CEB311Message', x.order);
    await post(parties.payment, 'CEB411Message', x.payment);
    await post(parties.logistics, 'CEB511Message', x.waybill);
    const s = (await status(admin, 'order', `${parties.ebp.customsCode}:${x.orderNo}`)).json();
    expect(s.match.mismatches.map((m: { code: string }) => m.code)).toContain('-621005');
  });
});
