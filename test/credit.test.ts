// The credit negative list at intake, over HTTP with the customs simulator: an entry that blocks
// filing refuses the listed enterprise's documents (nothing stored) until its repair is approved; an
// entry under mandatory review holds them for a person with the entry named; a document naming a
// listed party goes to review through R-NEGATIVE-LIST; the enterprise's credit shows the entry.
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

const post = (type: 'CEB311Message' | 'CEB411Message' | 'CEB511Message', body: Parameters<typeof writeMessage>[1], by: Enterprise) =>
  app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage(type, body), headers: { 'content-type': 'application/xml', ...auth(by) } });
const docState = async (pattern: string) => (await platform.store.db.selectFrom('ceb_documents').select(['id', 'state']).where('doc_key', 'like', pattern).executeTakeFirst());
const list = (enterpriseId: string, reason: string, start = '2024-01-02') =>
  app.inject({ method: 'POST', url: '/api/v1/credit/negative-list', headers: admin(), payload: { enterpriseId, reason, text: '测试列入', start } });

beforeAll(async () => {
  harness = await startClearance();
  ({ platform, app } = harness);
  const pick = harness.enterprise;
  parties = { ebp: await pick('义乌小商品跨境电商平台'), ebc: await pick('金义综保区美妆进口'), payment: await pick('浙江金义支付'), logistics: await pick('义乌国际快递') };
  await app.inject({ method: 'PUT', url: '/api/v1/item-records', payload: { items: ITEM_RECORDS }, headers: auth(parties.ebc) });
});
afterAll(() => harness?.close());

describe('the credit negative list at intake', () => {
  it('only the operator lists an enterprise; the listed enterprise sees its own entry, others see nothing', async () => {
    const byEnterprise = await app.inject({ method: 'POST', url: '/api/v1/credit/negative-list', headers: auth(parties.ebp), payload: { enterpriseId: parties.payment.id, reason: 'smuggling', text: 'x' } });
    expect(byEnterprise.statusCode).toBe(403);
    const unknown = await list(parties.payment.id, 'no_such_reason');
    expect(unknown.statusCode).toBe(400);
  });

  it('filing blocked: the payment enterprise\'s payment is refused naming the entry, nothing is stored; after an approved repair it is accepted', async () => {
    const added = await list(parties.payment.id, 'smuggling');
    expect(added.statusCode, added.body).toBe(201);
    const entry = added.json();
    expect(entry).toMatchObject({ state: 'listed', effects: { filingBlocked: true } });

    const x = parcel(parties);
    const refused = (await post('CEB411Message', x.payment, parties.payment)).json().receipts[0];
    expect(refused).toMatchObject({ status: 'refused', returnStatus: '-1' });
    expect(refused.returnInfo.en).toContain('C-NEGATIVE-ENTRY');
    expect(await docState(`411|%|%${x.orderNo}`)).toBeUndefined();
    // The entry is visible to the listed enterprise, not to another one.
    expect((await app.inject({ url: `/api/v1/credit/negative-list/${entry.id}`, headers: auth(parties.payment) })).statusCode).toBe(200);
    expect((await app.inject({ url: `/api/v1/credit/negative-list/${entry.id}`, headers: auth(parties.ebp) })).statusCode).toBe(404);

    // Repair: the enterprise asks (the 12 months since 2024-01-02 have passed), the operator approves.
    const asked = await app.inject({ method: 'POST', url: `/api/v1/credit/negative-list/${entry.id}/repair`, headers: auth(parties.payment), payload: { statement: '已完成整改并经海关信用修复' } });
    expect(asked.statusCode, asked.body).toBe(200);
    const approved = await app.inject({ method: 'POST', url: `/api/v1/credit/negative-list/${entry.id}/decide`, headers: admin(), payload: { decision: 'approve', reason: '整改到位' } });
    expect(approved.json()).toMatchObject({ state: 'repaired' });

    // The refused message replayed keeps its answer (idempotent by guid); a new filing goes through.
    expect((await post('CEB411Message', x.payment, parties.payment)).json().receipts[0]).toMatchObject({ status: 'refused' });
    const y = parcel(parties);
    const again = (await post('CEB411Message', y.payment, parties.payment)).json().receipts[0];
    expect(again, JSON.stringify(again)).toMatchObject({ status: 'accepted' });
    expect(await docState(`411|%|%${y.orderNo}`)).toMatchObject({ state: 'received' });
  });

  it('a repair asked for before the reason\'s period is refused and the entry stays listed', async () => {
    const other = await harness.enterprise('兰溪纺织品出口');
    const today = new Date().toISOString().slice(0, 10);
    const added = (await list(other.id, 'violations', today)).json();
    expect(added.repairFrom > today).toBe(true);
    const early = await app.inject({ method: 'POST', url: `/api/v1/credit/negative-list/${added.id}/repair`, headers: auth(other), payload: { statement: '整改' } });
    expect(early.statusCode).toBe(409);
    expect((await app.inject({ url: `/api/v1/credit/negative-list/${added.id}`, headers: admin() })).json()).toMatchObject({ state: 'listed' });
  });

  it('mandatory review: the logistics enterprise\'s waybill is held with the entry named; an order naming a listed party goes to review', async () => {
    const added = await list(parties.logistics.id, 'customs_dishonest');
    expect(added.json()).toMatchObject({ effects: { filingBlocked: false, mandatoryReview: true } });
    const x = parcel(parties);
    const answer = (await post('CEB511Message', x.waybill, parties.logistics)).json().receipts[0];
    expect(answer).toMatchObject({ status: 'accepted' });
    expect(answer.returnInfo.en).toContain('C-NEGATIVE-ENTRY');
    const held = await docState(`511|%|${x.logisticsNo}`);
    expect(held?.state).toBe('held');
    const reviews = (await app.inject({ url: '/api/v1/risk/reviews', headers: admin() })).json();
    expect(reviews.items.some((r: { documentId: string }) => r.documentId === held!.id)).toBe(true);
    const results = (await app.inject({ url: '/api/v1/risk/results?decision=review', headers: auth(parties.logistics) })).json();
    const mine = results.items.find((r: { documentId: string }) => r.documentId === held!.id);
    expect(mine.hits.map((h: { code: string }) => h.code)).toEqual(expect.arrayContaining(['C-NEGATIVE-ENTRY', 'R-NEGATIVE-LIST']));

    // The e-commerce enterprise is listed under review as well: the order of the same parcel, filed by
    // a platform that is not listed, names it — R-NEGATIVE-LIST (weight 40 ≥ review 30) sends the
    // order to a person too.
    expect((await list(parties.ebc.id, 'customs_dishonest')).statusCode).toBe(201);
    const order = (await post('CEB311Message', x.order, parties.ebp)).json().receipts[0];
    expect(order.returnInfo.en).toContain('R-NEGATIVE-LIST');
    expect((await docState(`311|%|${x.orderNo}`))?.state).toBe('held');
  });

  it('credit: the listed enterprise\'s score counts the entry; it sees its own credit and no one else\'s', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/credit/recompute', headers: admin(), payload: { enterpriseId: parties.logistics.id } });
    expect(r.statusCode, r.body).toBe(200);
    const mine = (await app.inject({ url: `/api/v1/credit/enterprises/${parties.logistics.id}`, headers: auth(parties.logistics) })).json();
    const negative = mine.latest.components.find((c: { code: string }) => c.code === 'negative_list');
    expect(negative.points).toBeLessThan(0);
    // The same enterprise computed while clean scores higher (the entry is what differs).
    const clean = (await app.inject({ method: 'POST', url: '/api/v1/credit/recompute', headers: admin(), payload: { enterpriseId: (await harness.enterprise('金华陆港供应链')).id } })).json();
    expect(clean.items[0].score).toBeGreaterThan(mine.latest.score);
    expect((await app.inject({ url: `/api/v1/credit/enterprises/${parties.logistics.id}`, headers: auth(parties.ebp) })).statusCode).toBe(403);
    // Late monthly reports come from the statistics' monthly reporting: supplied (none owed yet by a
    // newly registered enterprise), not "no source".
    const ebc = (await app.inject({ method: 'POST', url: '/api/v1/credit/recompute', headers: admin(), payload: { enterpriseId: parties.ebc.id } })).json().items[0];
    expect(ebc.components.find((c: { code: string }) => c.code === 'late_reports')).toMatchObject({ value: { count: 0 }, points: 0 });
  });
});
