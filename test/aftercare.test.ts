// After release, over HTTP with the customs simulator: import returns (CEB625, whole and in part,
// within 30 days), cancellations (CEB623) and sign-offs (CEB513) — the list's state, the buyer's
// annual quota and the tax bill follow customs' decision; bad applications are refused with
// customs' codes and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../src/platform.js';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import { writeMessage, type Model } from '../src/ceb/codec.js';
import type { Enterprise } from '../src/registry/model.js';
import { newGuid } from '../src/kernel/ids.js';
import { signXmlWithKey } from '../src/signing/dsig.js';
import { mustSign } from '../src/signing/outbound.js';
import { ITEM_RECORDS, parcel, transfer, type Parties } from './support/parcels.js';

let harness: ClearanceHarness;
let platform: Platform;
let app: FastifyInstance;
let parties: Parties;
let other: Enterprise;

const auth = (e: Enterprise) => ({ authorization: `Bearer ${harness.token(e)}` });
/** Files a message; those the standard requires signed (623/625/711) are signed with the filer's demo key. */
const post = async (e: Enterprise, type: string, model: Model) => {
  let xml = writeMessage(type, model);
  if (mustSign(type)) {
    const m = (await platform.keystore.signingMaterial(e.id))!;
    xml = signXmlWithKey(xml, m.key, m.certificate);
  }
  return app.inject({ method: 'POST', url: '/api/v1/messages', payload: xml, headers: { 'content-type': 'application/xml', ...auth(e) } });
};

interface Released { orderNo: string; logisticsNo: string; buyerId: string; invtNo: string; inventoryId: string }

/** Files a parcel (two tins of formula, 300 + freight 20, tax 29.12) and waits until customs closes its list. */
async function released(): Promise<Released> {
  const x = parcel(parties);
  for (const [e, type, m] of [[parties.logistics, 'CEB511Message', x.waybill], [parties.payment, 'CEB411Message', x.payment], [parties.ebp, 'CEB311Message', x.order]] as const) {
    expect((await post(e, type, m)).json().receipts[0].status).toBe('accepted');
  }
  await platform.pipeline.drain();
  const list = await platform.store.db.selectFrom('inventories').innerJoin('parcels', 'parcels.id', 'inventories.parcel_id')
    .select(['inventories.id', 'inventories.invt_no', 'inventories.state']).where('parcels.order_no', '=', x.orderNo).executeTakeFirstOrThrow();
  expect(list.state).toBe('closed');
  const buyerId = ((x.order.Order as Model[])[0]!.OrderHead as Record<string, string>).buyerIdNumber!;
  return { orderNo: x.orderNo, logisticsNo: x.logisticsNo, buyerId, invtNo: list.invt_no!, inventoryId: list.id };
}

const head = (r: Released, over: Record<string, string> = {}) => ({
  guid: newGuid(), appType: '1', appTime: '20261128100000', appStatus: '2', customsCode: '2900', orderNo: r.orderNo,
  ebpCode: parties.ebp.customsCode!, ebpName: parties.ebp.nameZh, ebcCode: parties.ebc.customsCode!, ebcName: parties.ebc.nameZh,
  logisticsNo: r.logisticsNo, logisticsCode: parties.logistics.customsCode!, logisticsName: parties.logistics.nameZh,
  invtNo: r.invtNo, buyerIdType: '1', buyerIdNumber: r.buyerId, buyerName: '王小明', buyerTelephone: '13800000000',
  agentCode: parties.ebc.customsCode!, agentName: parties.ebc.nameZh, reason: '消费者七天无理由退货', ...over,
});
const refund = (r: Released, qty: string, over: Record<string, string> = {}, gnum = '1', gcode = '1901101010') => ({
  guid: newGuid(), version: '1.0',
  InvtRefund: [{ InvtRefundHead: head(r, over), InvtRefundList: [{ gnum, gcode, gname: '婴幼儿配方奶粉 900克', qty, unit: '122' }] }],
  BaseTransfer: transfer(parties.ebc),
}) as Model;
const cancel = (r: Released, over: Record<string, string> = {}) => ({ guid: newGuid(), version: '1.0', InvtCancel: [head(r, { reason: '订单取消', ...over })], BaseTransfer: transfer(parties.ebc) }) as Model;

const quota = async (r: Released) => (await app.inject({ url: `/api/v1/buyers/quota?idNumber=${r.buyerId}&year=${new Date().getUTCFullYear()}`, headers: { authorization: `Bearer ${harness.admin}` } })).json();
const listState = async (r: Released) => (await platform.store.db.selectFrom('inventories').select('state').where('id', '=', r.inventoryId).executeTakeFirstOrThrow()).state;
const bills = async (r: Released) => platform.store.db.selectFrom('tax_bills').select(['status', 'customs_tax_fen', 'vat_fen', 'ct_fen']).where('invt_no', '=', r.invtNo).execute();
const application = async (r: Released) => platform.store.db.selectFrom('list_returns').selectAll().where('invt_no', '=', r.invtNo).execute();

beforeAll(async () => {
  harness = await startClearance();
  ({ platform, app } = harness);
  const pick = harness.enterprise;
  parties = { ebp: await pick('义乌小商品跨境电商平台'), ebc: await pick('金义综保区美妆进口'), payment: await pick('浙江金义支付'), logistics: await pick('义乌国际快递') };
  other = await pick('金华报关服务');
  await app.inject({ method: 'PUT', url: '/api/v1/item-records', payload: { items: ITEM_RECORDS }, headers: auth(parties.ebc) });
});
afterAll(() => harness?.close());

describe('import returns (CEB625) and cancellations (CEB623)', () => {
  it('a whole return approved by customs returns the list, gives the buyer\'s quota back and voids the tax bill', async () => {
    const r = await released();
    expect((await quota(r)).usedFen ?? (await quota(r)).used).toBeTruthy();
    expect((await bills(r)).map((b) => b.status)).toEqual(['1']);
    const a = await post(parties.ebc, 'CEB625Message', refund(r, '2'));
    expect(a.statusCode).toBe(200);
    expect(a.json().receipts[0]).toMatchObject({ status: 'accepted', returnStatus: '2' });
    await platform.pipeline.drain();
    expect(await listState(r)).toBe('refunded');
    const [row] = await application(r);
    expect(row).toMatchObject({ kind: 'return', state: 'approved', whole: 1, value_fen: 30000 });
    // The parcel held 320.00 (goods 300 + freight 20) of the buyer's 26,000: all of it comes back.
    expect(Number(row!.quota_fen)).toBe(32000);
    expect(Number(row!.tax_fen)).toBe(2912);
    expect(row!.goods_back_by! > row!.apply_by).toBe(true);
    expect((await bills(r)).map((b) => b.status)).toEqual(['3']);
    const q = await quota(r);
    expect(q.used).toBe('0.00');
    // The platform's view of it, for the enterprise and nobody else.
    const mine = (await app.inject({ url: `/api/v1/returns?invtNo=${r.invtNo}`, headers: auth(parties.ebc) })).json();
    expect(mine.items).toEqual([expect.objectContaining({ kind: 'return', state: 'approved', whole: true, quotaFen: 32000, taxFen: 2912, goodsBackOverdue: false })]);
    expect(Date.parse(mine.items[0].goodsBackBy) - Date.parse(mine.items[0].releasedAt)).toBe(45 * 86_400_000);
    expect((await app.inject({ url: `/api/v1/returns?invtNo=${r.invtNo}`, headers: auth(other) })).json().total).toBe(0);
  });

  it('a partial return gives back the returned goods\' share: one tin of two is half the quota and half the tax', async () => {
    const r = await released();
    await post(parties.ebc, 'CEB625Message', refund(r, '1'));
    await platform.pipeline.drain();
    // The other tin stays with the buyer: the list stays closed and the bill stands.
    expect(await listState(r)).toBe('closed');
    const [row] = await application(r);
    expect(row).toMatchObject({ state: 'approved', whole: 0, value_fen: 15000 });
    expect(Number(row!.quota_fen)).toBe(16000);
    expect(Number(row!.tax_fen)).toBe(1456);
    expect((await bills(r)).map((b) => b.status)).toEqual(['1']);
    expect((await quota(r)).used).toBe('160.00');
    // One application per list (customs' -625022): the second tin cannot be asked back again.
    const again = await post(parties.ebc, 'CEB625Message', refund(r, '1'));
    expect(again.json().receipts[0]).toMatchObject({ status: 'refused', returnStatus: '-625022' });
  });

  it('refuses, with customs\' codes and nothing changed: more than was declared, an unknown list, another enterprise, a late return', async () => {
    const r = await released();
    const tooMany = (await post(parties.ebc, 'CEB625Message', refund(r, '3'))).json().receipts[0];
    expect(tooMany).toMatchObject({ status: 'refused', returnStatus: '-625001' });
    expect(tooMany.returnInfo['zh-CN']).toContain('可退数量为 2');
    expect((await post(parties.ebc, 'CEB625Message', refund(r, '1', {}, '2'))).json().receipts[0].returnInfo.en).toContain('has no line 2');
    expect((await post(parties.ebc, 'CEB625Message', refund(r, '1', {}, '1', '3304990000'))).json().receipts[0].returnStatus).toBe('-625001');
    expect((await post(parties.ebc, 'CEB625Message', refund({ ...r, invtNo: '290020269999999999' }, '1'))).json().receipts[0].returnStatus).toBe('-625016');
    expect((await post(parties.ebc, 'CEB625Message', refund(r, '1', { buyerIdNumber: '330782199001019999' }))).json().receipts[0].returnInfo.en).toContain('buyerIdNumber');
    // A broker that is not party to the list.
    const foreign = refund(r, '1', { agentCode: other.customsCode!, agentName: other.nameZh, ebcCode: other.customsCode!, ebcName: other.nameZh });
    foreign.BaseTransfer = transfer(other);
    const f = await post(other, 'CEB625Message', foreign);
    expect(f.json().receipts[0]).toMatchObject({ status: 'refused', returnStatus: '-625021' });
    // Released 31 days ago: the 30-day window (2020年第45号) has passed.
    await platform.store.db.updateTable('clearance_events').set({ at: new Date(Date.now() - 31 * 86_400_000).toISOString() })
      .where('subject_id', '=', r.inventoryId).where('to_state', '=', 'released').execute();
    const late = (await post(parties.ebc, 'CEB625Message', refund(r, '1'))).json().receipts[0];
    expect(late).toMatchObject({ status: 'refused', returnStatus: '-625004' });
    expect(late.returnInfo['zh-CN']).toContain('退货申请期限');
    expect(await application(r)).toEqual([]);
    expect(await listState(r)).toBe('closed');
  });

  it('a cancellation approved by customs cancels the released list, restores the quota and voids the bill; a second one is refused', async () => {
    const r = await released();
    const a = await post(parties.ebc, 'CEB623Message', cancel(r));
    expect(a.json().receipts[0]).toMatchObject({ status: 'accepted' });
    await platform.pipeline.drain();
    expect(await listState(r)).toBe('cancelled');
    expect((await application(r))[0]).toMatchObject({ kind: 'cancel', state: 'approved', whole: 1 });
    expect((await quota(r)).used).toBe('0.00');
    expect((await bills(r)).map((b) => b.status)).toEqual(['3']);
    expect((await post(parties.ebc, 'CEB623Message', cancel(r))).json().receipts[0].returnStatus).toBe('-623009');
    // A returned or cancelled list cannot be returned afterwards.
    expect((await post(parties.ebc, 'CEB625Message', refund(r, '1'))).json().receipts[0]).toMatchObject({ status: 'refused', returnStatus: '-625004' });
  });

  it('a list partly returned cannot also be cancelled, and one application cannot ask a line back twice', async () => {
    const r = await released();
    const twice = refund(r, '1');
    (twice.InvtRefund as { InvtRefundList: object[] }[])[0]!.InvtRefundList.push({ gnum: '1', gcode: '1901101010', gname: '婴幼儿配方奶粉 900克', qty: '2', unit: '122' });
    expect((await post(parties.ebc, 'CEB625Message', twice)).json().receipts[0]).toMatchObject({ status: 'refused', returnStatus: '-625001' });
    expect(await application(r)).toEqual([]);
    await post(parties.ebc, 'CEB625Message', refund(r, '1'));
    await platform.pipeline.drain();
    const c = (await post(parties.ebc, 'CEB623Message', cancel(r))).json().receipts[0];
    expect(c).toMatchObject({ status: 'refused', returnStatus: '-623005' });
    expect(c.returnInfo.en).toContain('cannot be both cancelled and returned');
    // The buyer got back the one tin's share only.
    expect((await quota(r)).used).toBe('160.00');
  });

  it('records the waybill\'s sign-off (CEB513) on its list and refuses one for an unknown waybill', async () => {
    const r = await released();
    const status = (logisticsNo: string) => ({
      guid: newGuid(), version: '1.0', BaseTransfer: transfer(parties.logistics),
      LogisticsStatus: [{ guid: newGuid(), appType: '1', appTime: '20261128120000', appStatus: '2', logisticsCode: parties.logistics.customsCode!, logisticsName: parties.logistics.nameZh, logisticsNo, logisticsStatus: 'S', logisticsTime: '20261128115900' }],
    }) as Model;
    expect((await post(parties.logistics, 'CEB513Message', status(r.logisticsNo))).json().receipts[0].status).toBe('accepted');
    expect((await post(parties.logistics, 'CEB513Message', status('NO-SUCH-WAYBILL'))).json().receipts[0]).toMatchObject({ status: 'refused', returnStatus: '-505014' });
    await platform.pipeline.drain();
    const inv = (await app.inject({ url: `/api/v1/status/inventory/${r.inventoryId}`, headers: { authorization: `Bearer ${harness.admin}` } })).json();
    expect(inv.history.some((h: { cause: { code: string } }) => h.cause.code === 'signed')).toBe(true);
  });
});
