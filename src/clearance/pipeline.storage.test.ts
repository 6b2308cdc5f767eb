// The clearance pipeline on a real database: SQLite always, PostgreSQL when
// SILKGATE_TEST_DATABASE_URL is set. Intake → match → list → customs (the simulator, answering at
// once) → receipts, with the raw SQL of the repository (CASE updates, ON CONFLICT upserts, quota
// sums, the outbox claim) exercised on each engine. Pipelines are never started: nothing is sent
// until a test calls drain(), so two pipelines on one store never steal each other's work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { ITEM_RECORDS, parcel, type Parties } from '../../test/support/parcels.js';
import { writeMessage, type Model } from '../ceb/codec.js';
import type { Inventory } from '../ceb/model/import-202205.js';
import type { Store } from '../db/store.js';
import { AppError } from '../kernel/errors.js';
import { newGuid } from '../kernel/ids.js';
import { createRegistryService, type Principal } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import { demoEnterprises } from '../zone/demo.js';
import { zoneProfiles } from '../zone/index.js';
import { createCustomsSimulator, type SimulatorGateway, type SimulatorShares } from './gateway/simulator.js';
import type { InboundReceipt, OutboundMessage } from './gateway/port.js';
import { parseXmlSubmission } from './parse.js';
import { buyerKey, createPipeline, type IntakeAnswer, type Pipeline } from './pipeline.js';
import { createClearanceQueries, type ClearanceQueries } from './query.js';
import { addQuotas } from './repository.js';
import { refused } from '../../test/support/refused.js';


type Part = 'order' | 'payment' | 'waybill';
type Parcel = ReturnType<typeof parcel>;
type Head = Record<string, string>;
const TYPE: Record<Part, string> = { order: 'CEB311Message', payment: 'CEB411Message', waybill: 'CEB511Message' };
const ENTITY: Record<Part, [string, string]> = { order: ['Order', 'OrderHead'], payment: ['Payment', 'PaymentHead'], waybill: ['Logistics', 'LogisticsHead'] };
const NO_SURPRISES: SimulatorShares = { reject: 0, review: 0, inspect: 0, detain: 0, returned: 0 };
const FULL_RUN = ['2', '3', '120', '399', '800', '899'];
const admin: Principal = { kind: 'admin', tokenId: 'op' };
const as = (e: Enterprise): Principal => ({ kind: 'enterprise', tokenId: `t-${e.id}`, enterpriseId: e.id });

const headsOf = (m: Model, part: Part): Head[] => (m[ENTITY[part][0]] as Model[]).map((e) => e[ENTITY[part][1]] as Head);
const orderHead = (x: Parcel): Head => headsOf(x.order, 'order')[0]!;
const fen = (n: number): string => `${Math.trunc(n / 100)}.${String(n % 100).padStart(2, '0')}`;

/** One message carrying the `part` of every parcel (a batch of up to 100 documents). */
function batch(part: Part, xs: readonly Parcel[]): Model {
  const [entity] = ENTITY[part];
  return { guid: newGuid(), version: '1.0', [entity]: xs.flatMap((x) => x[part][entity] as Model[]), BaseTransfer: xs[0]![part].BaseTransfer };
}

/** A parcel of `goodsFen` (one line) for a given buyer, the 三单 amounts kept consistent. */
function priced(parties: Parties, buyerId: string, goodsFen: number): Parcel {
  const taxFen = Math.round(goodsFen * 0.091);
  const paid = fen(goodsFen + 2000 + taxFen);
  const x = parcel(parties, {
    order: { goodsValue: fen(goodsFen), freight: '20', discount: '0', taxTotal: fen(taxFen), acturalPaid: paid, buyerIdNumber: buyerId },
    payment: { amountPaid: paid, payerIdNumber: buyerId },
  });
  const entity = (x.order.Order as { OrderList: Head[] }[])[0]!;
  entity.OrderList = [{ ...entity.OrderList[0]!, qty: '1', price: fen(goodsFen), totalPrice: fen(goodsFen) }];
  return x;
}

interface Rig {
  readonly pipeline: Pipeline;
  /** Every message handed to this rig's gateway. */
  readonly sent: OutboundMessage[];
  /** Errors the pipeline raised storing receipts (kept here instead of the simulator retrying forever). */
  readonly sinkErrors: unknown[];
}

/** A pipeline over its own simulator, whose gateway records what it was sent; not started. */
async function rig(store: Store, shares: Partial<SimulatorShares> = {}): Promise<Rig> {
  const sim = createCustomsSimulator({ stepDelayMs: 0, validate: true, shares: { ...NO_SURPRISES, ...shares } });
  const sent: OutboundMessage[] = [];
  const sinkErrors: unknown[] = [];
  const gateway: SimulatorGateway = {
    name: 'counting-simulator',
    start: (sink) => sim.start(sink),
    async send(messages) {
      sent.push(...messages);
      await sim.send(messages);
    },
    idle: () => sim.idle(),
    close: () => sim.close(),
  };
  const pipeline = createPipeline({
    store, gateway, declaration: { customsCode: '2900', portCode: '2900' }, bondedParks: zoneProfiles.jinhua.parks.map((p) => p.code),
  });
  await gateway.start(async (receipts: readonly InboundReceipt[]) => {
    try {
      await pipeline.receive(receipts);
    } catch (err) {
      sinkErrors.push(err);
    }
  });
  return { pipeline, sent, sinkErrors };
}

interface World {
  readonly t: TestStore;
  readonly parties: Parties;
  readonly other: Enterprise;
  readonly queries: ClearanceQueries;
  readonly closers: (() => Promise<void>)[];
  file(r: Rig, part: Part, model: Model): Promise<IntakeAnswer>;
  count(table: CountedTable, where?: { column: string; value: string }): Promise<number>;
  counts(): Promise<Record<CountedTable, number>>;
  usedFen(buyerId: string): Promise<number | undefined>;
  parcelRow(orderNo: string): Promise<{ id: string; state: string; inventory_id: string | null; mismatches: string; value_fen: unknown }>;
}

const COUNTED = ['ceb_documents', 'intake_guids', 'parcels', 'clearance_events', 'outbox', 'receipts', 'inventories', 'buyer_quotas'] as const;
type CountedTable = (typeof COUNTED)[number];

async function world(adapter: string): Promise<World> {
  const t = await openTestStore(adapter);
  const registry = createRegistryService({ store: t.store, zone: zoneProfiles.jinhua });
  await registry.importMany(demoEnterprises(zoneProfiles.jinhua), 'test');
  const all = (await registry.list({ limit: 100 })).items;
  const pick = (name: string) => all.find((e) => e.nameZh.startsWith(name))!;
  const parties: Parties = { ebp: pick('义乌小商品跨境电商平台'), ebc: pick('金义综保区美妆进口'), payment: pick('浙江金义支付'), logistics: pick('义乌国际快递') };
  const other = pick('金华报关服务');
  const filer: Record<Part, Enterprise> = { order: parties.ebp, payment: parties.payment, waybill: parties.logistics };
  const db = t.store.db;
  const count = async (table: CountedTable, where?: { column: string; value: string }) => {
    let q = db.selectFrom(table as 'parcels').select((eb) => eb.fn.countAll<number>().as('n'));
    if (where) q = q.where(where.column as 'id', '=', where.value);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const w: World = {
    t, parties, other, queries: createClearanceQueries(t.store), closers: [],
    // Through the XML codec, as an enterprise files it.
    file: (r, part, model) => r.pipeline.submit(filer[part], parseXmlSubmission(writeMessage(TYPE[part], model))),
    count,
    async counts() {
      const out = {} as Record<CountedTable, number>;
      for (const table of COUNTED) out[table] = await count(table);
      return out;
    },
    async usedFen(buyerId) {
      const row = await db.selectFrom('buyer_quotas').select('used_fen').where('buyer_key', '=', buyerKey('1', buyerId)).executeTakeFirst();
      return row === undefined ? undefined : Number(row.used_fen);
    },
    parcelRow: (orderNo) => db.selectFrom('parcels').selectAll().where('order_no', '=', orderNo).executeTakeFirstOrThrow(),
  };
  // Item records (商品备案) of the e-commerce enterprise: without them no list can be built.
  const setup = await rig(t.store);
  await setup.pipeline.putItemRecords(parties.ebc, ITEM_RECORDS);
  await setup.pipeline.close();
  return w;
}

async function dispose(w: World | undefined): Promise<void> {
  if (!w) return;
  for (const c of w.closers) await c();
  await w.t.dispose();
}

/** How many lists for this order were declared to customs through the rig's gateway. */
const declared = (r: Rig, orderNo: string): number => r.sent.filter((m) => m.messageType === 'CEB621Message')
  .flatMap((m) => m.model.Inventory as Inventory[]).filter((i) => i.InventoryHead.orderNo === orderNo).length;

const keys = (p: Parties, x: Parcel): Record<Part, string> => ({
  order: `${p.ebp.customsCode}:${x.orderNo}`, payment: `${p.payment.customsCode}:PAY${x.orderNo}`, waybill: `${p.logistics.customsCode}:${x.logisticsNo}`,
});

describe.each(adapters)('clearance pipeline on %s', (adapter) => {
  let w: World;
  let main: Rig;
  let parties: Parties;

  beforeAll(async () => {
    w = await world(adapter);
    parties = w.parties;
    main = await rig(w.t.store);
    w.closers.push(() => main.pipeline.close());
  });
  afterAll(async () => dispose(w));

  const drain = async (r: Rig = main) => {
    await r.pipeline.drain();
    expect(r.sinkErrors).toEqual([]);
  };

  describe('three documents in every arrival order', () => {
    const PARTS: readonly Part[] = ['order', 'payment', 'waybill'];
    const PERMUTATIONS = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]].map((p) => p.map((i) => PARTS[i]!));
    const cases = PERMUTATIONS.flatMap((perm) => [false, true].map((between) => ({ perm, between })));

    for (const { perm, between } of cases) {
      it(`${perm.join(' → ')}${between ? ', customs answering between arrivals' : ''}: one list, closed through 899`, async () => {
        const x = parcel(parties);
        for (const part of perm) {
          const a = await w.file(main, part, x[part]);
          expect(a.receipts).toEqual([expect.objectContaining({ status: 'accepted', returnStatus: '2', messageType: TYPE[part] })]);
          if (between) await drain();
        }
        await drain();

        const parcels = await w.t.store.db.selectFrom('parcels').selectAll().where('order_no', '=', x.orderNo).execute();
        expect(parcels).toHaveLength(1);
        const px = parcels[0]!;
        expect(px).toMatchObject({ state: 'matched', mismatches: '[]' });
        expect(Number(px.value_fen)).toBe(32_000);
        const lists = await w.t.store.db.selectFrom('inventories').selectAll().where('parcel_id', '=', px.id).execute();
        expect(lists).toHaveLength(1);
        expect(px.inventory_id).toBe(lists[0]!.id);
        expect(declared(main, x.orderNo)).toBe(1);

        const inv = await w.queries.status(admin, 'inventory', lists[0]!.cop_no);
        expect(inv.state).toBe('closed');
        expect(inv.receipts.map((r) => r.returnStatus)).toEqual(FULL_RUN);
        expect(inv.numbers?.invtNo).toMatch(/^2900/);
        const history = inv.history as unknown as { subject: string; to: string }[];
        expect(history.filter((h) => h.subject === 'inventory').map((h) => h.to))
          .toEqual(['built', 'sent', 'declaring', 'delivered', 'stored', 'concluded', 'released', 'closed']);
        for (const part of PARTS) {
          const s = await w.queries.status(admin, part, keys(parties, x)[part]);
          expect(s.state, part).toBe('stored');
          expect(s.receipts.map((r) => r.returnStatus), part).toEqual(['2', '120']);
          expect(s.match, part).toMatchObject({ state: 'matched', matched: true, parcelId: px.id, inventoryId: lists[0]!.id });
        }
        expect(await w.usedFen(orderHead(x).buyerIdNumber!)).toBe(32_000);
      });
    }
  });

  it('explains a mismatch (amount), an appType 2 change repairs it, a stale change is discarded with -401012', async () => {
    const x = parcel(parties, { payment: { amountPaid: '319.13' } });
    for (const part of ['order', 'payment', 'waybill'] as const) await w.file(main, part, x[part]);
    await drain();
    const buyer = orderHead(x).buyerIdNumber!;
    let s = await w.queries.status(admin, 'payment', keys(parties, x).payment);
    expect(s.match).toMatchObject({ state: 'mismatched', matched: false, inventoryId: null });
    expect(s.match!.mismatches).toEqual([expect.objectContaining({
      rule: 'amount_paid', document: 'CEB411Message', field: 'PaymentHead/amountPaid', expected: '319.12', found: '319.13',
    })]);
    expect(s.match!.mismatches[0]!.message['zh-CN']).toContain('319.13');
    expect(await w.count('inventories', { column: 'parcel_id', value: s.match!.parcelId })).toBe(0);
    expect(declared(main, x.orderNo)).toBe(0);
    expect(await w.usedFen(buyer)).toBeUndefined();

    const head = headsOf(x.payment, 'payment')[0]!;
    const change = (over: Head): Model => ({ ...x.payment, guid: newGuid(), Payment: [{ PaymentHead: { ...head, guid: newGuid(), appType: '2', ...over } }] });
    const fixed = await w.file(main, 'payment', change({ appTime: '20261127100000', amountPaid: '319.12' }));
    expect(fixed.receipts[0]).toMatchObject({ status: 'accepted', returnStatus: '2', documentId: s.id });
    const staleMessage = change({ appTime: '20261127095959', amountPaid: '5' });
    const stale = await w.file(main, 'payment', staleMessage);
    expect(stale.receipts[0]).toMatchObject({ status: 'discarded', returnStatus: '-401012' });
    expect(stale.receipts[0]!.documentId).toBeUndefined();
    // The discarded answer is remembered like any other.
    expect((await w.file(main, 'payment', staleMessage)).receipts).toEqual(stale.receipts);
    await drain();

    s = await w.queries.status(admin, 'order', keys(parties, x).order);
    expect(s.match).toMatchObject({ state: 'matched', matched: true, mismatches: [] });
    const pay = await w.queries.status(admin, 'payment', keys(parties, x).payment);
    expect((pay.body as { PaymentHead: Head }).PaymentHead).toMatchObject({ amountPaid: '319.12', appType: '2', appTime: '20261127100000' });
    expect(pay.state).toBe('stored');
    const inv = await w.queries.status(admin, 'inventory', s.match!.inventoryId!);
    expect(inv.state).toBe('closed');
    expect(inv.receipts.map((r) => r.returnStatus)).toEqual(FULL_RUN);
    expect(declared(main, x.orderNo)).toBe(1);
    expect(await w.usedFen(buyer)).toBe(32_000);
  });

  it('holds the buyer\'s quota once across a change and gives it back when a document is deleted, while the list is unsent', async () => {
    const x = parcel(parties);
    for (const part of ['order', 'payment', 'waybill'] as const) await w.file(main, part, x[part]);
    const buyer = orderHead(x).buyerIdNumber!;
    expect(await w.usedFen(buyer)).toBe(32_000);
    // A change re-decides the parcel and withdraws its unsent list: the quota is held once, not given back twice.
    const head = headsOf(x.payment, 'payment')[0]!;
    const again = (over: Head): Model => ({ ...x.payment, guid: newGuid(), Payment: [{ PaymentHead: { ...head, guid: newGuid(), ...over } }] });
    expect((await w.file(main, 'payment', again({ appType: '2', appTime: '20261127100000' }))).receipts[0]!.status).toBe('accepted');
    expect((await w.parcelRow(x.orderNo)).state).toBe('matched');
    expect(await w.usedFen(buyer)).toBe(32_000);
    // Deleting the payment leaves the parcel incomplete and gives the quota back.
    expect((await w.file(main, 'payment', again({ appType: '3', appTime: '20261127100001' }))).receipts[0]!.status).toBe('accepted');
    expect((await w.parcelRow(x.orderNo)).state).toBe('incomplete');
    expect(await w.usedFen(buyer)).toBe(0);
    await drain();
  });

  it('a replayed message gets the first answers, marked replayed, and writes nothing; another content under a used guid is a conflict', async () => {
    const xs = [parcel(parties), parcel(parties), parcel(parties)];
    const orders = batch('order', xs);
    const first = await w.file(main, 'order', orders);
    expect(first.receipts.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    await drain();
    const before = await w.counts();
    const sentBefore = main.sent.length;

    const again = await w.file(main, 'order', orders);
    expect(again.receipts).toEqual(first.receipts.map((r) => ({ ...r, status: 'replayed' })));
    await drain();
    expect(await w.counts()).toEqual(before);
    expect(main.sent.length).toBe(sentBefore);

    // Guid of the second order reused for other content, next to a fresh order: all refused.
    const fresh = parcel(parties);
    const entities = structuredClone(orders.Order) as { OrderHead: Head }[];
    entities[1]!.OrderHead.buyerName = '李四';
    const reused: Model = { ...orders, guid: newGuid(), Order: [...entities, ...(fresh.order.Order as Model[])] };
    const err = await refused(w.file(main, 'order', reused));
    expect(err.kind).toBe('conflict');
    expect(err.code).toBe('INTAKE_GUID_REUSED');
    expect(err.issues.map((i) => i.path)).toEqual(['/Order/1/OrderHead/guid']);
    await drain();
    expect(await w.counts()).toEqual(before);
    expect(await w.count('ceb_documents', { column: 'doc_key', value: `311|${parties.ebp.customsCode}|${fresh.orderNo}` })).toBe(0);
    expect(main.sent.length).toBe(sentBefore);
  });

  it('annual quota: -621018 beyond 26,000; exactly 26,000 passes; a list customs rejects gives its quota back', async () => {
    const buyer = '330782198505051234';
    // 5 × 5,000.00 + 680.01 = 26,000 − 320 + 0.01, filed as one message of six of each document.
    const used = [...Array.from({ length: 5 }, () => priced(parties, buyer, 498_000)), priced(parties, buyer, 66_001)];
    for (const part of ['waybill', 'order', 'payment'] as const) {
      const a = await w.file(main, part, batch(part, used));
      expect(a.receipts.map((r) => r.status)).toEqual(Array(6).fill('accepted'));
    }
    await drain();
    for (const x of used) {
      const px = await w.parcelRow(x.orderNo);
      expect(px.state, x.orderNo).toBe('matched');
      const inv = await w.queries.status(admin, 'inventory', px.inventory_id!);
      expect(inv.receipts.map((r) => r.returnStatus), x.orderNo).toEqual(FULL_RUN);
    }
    const base = 2_600_000 - 32_000 + 1;
    expect(await w.usedFen(buyer)).toBe(base);

    // 320.00 more is 26,000.01: stopped at the match with customs' code, no list, no quota used.
    const over = priced(parties, buyer, 30_000);
    for (const part of ['order', 'payment', 'waybill'] as const) await w.file(main, part, over[part]);
    await drain();
    const o = await w.queries.status(admin, 'order', keys(parties, over).order);
    expect(o.match).toMatchObject({ state: 'mismatched', inventoryId: null });
    expect(o.match!.mismatches.map((m) => m.code)).toEqual(['-621018']);
    expect(declared(main, over.orderNo)).toBe(0);
    expect(await w.usedFen(buyer)).toBe(base);

    // 319.99 reaches 26,000.00 exactly: matched; customs (rejecting everything) refuses the list.
    const rejecting = await rig(w.t.store, { reject: 1 });
    w.closers.push(() => rejecting.pipeline.close());
    const edge = priced(parties, buyer, 29_999);
    for (const part of ['order', 'payment', 'waybill'] as const) await w.file(rejecting, part, edge[part]);
    const pe = await w.parcelRow(edge.orderNo);
    expect(pe.state).toBe('matched');
    expect(await w.usedFen(buyer)).toBe(2_600_000);
    await drain(rejecting);
    const rejected = await w.queries.status(admin, 'inventory', pe.inventory_id!);
    expect(rejected.state).toBe('rejected');
    expect(rejected.receipts.map((r) => r.returnStatus)).toEqual(['2', '3', '100']);
    expect(declared(rejecting, edge.orderNo)).toBe(1);
    expect(await w.usedFen(buyer)).toBe(base);

    // The quota given back can be used again.
    const again = priced(parties, buyer, 29_999);
    for (const part of ['payment', 'waybill', 'order'] as const) await w.file(main, part, again[part]);
    await drain();
    const pa = await w.parcelRow(again.orderNo);
    expect(pa.state).toBe('matched');
    expect((await w.queries.status(admin, 'inventory', pa.inventory_id!)).state).toBe('closed');
    expect(await w.usedFen(buyer)).toBe(2_600_000);
  });

  it('two parcels of one buyer decided at the same moment cannot both take a quota only one fits', async () => {
    const buyer = '330782199202021111';
    // 25,600.00 already used this year: one more 300.00 parcel fits, two do not.
    await w.t.store.db.transaction().execute((trx) => addQuotas(trx, new Map([[`${buyerKey('1', buyer)}|${new Date(Date.now() + 8 * 3600_000).getUTCFullYear()}`, 2_560_000]])));
    const a = priced(parties, buyer, 28_000);
    const b = priced(parties, buyer, 28_000);
    for (const x of [a, b]) for (const part of ['order', 'payment'] as const) await w.file(main, part, x[part]);
    // The waybills complete both parcels in two transactions running side by side (PostgreSQL: two connections).
    const other = await rig(w.t.store);
    w.closers.push(() => other.pipeline.close());
    await Promise.all([w.file(main, 'waybill', a.waybill), w.file(other, 'waybill', b.waybill)]);
    const states = [(await w.parcelRow(a.orderNo)).state, (await w.parcelRow(b.orderNo)).state].sort();
    expect(states).toEqual(['matched', 'mismatched']);
    expect(await w.usedFen(buyer)).toBe(2_590_000);
  });
});

describe.each(adapters)('the outbox claim on %s', (adapter) => {
  let w: World;
  beforeAll(async () => {
    w = await world(adapter);
  });
  afterAll(async () => dispose(w));

  it('two pipelines draining one store concurrently never send a job twice', async () => {
    const a = await rig(w.t.store);
    const b = await rig(w.t.store);
    w.closers.push(() => a.pipeline.close(), () => b.pipeline.close());
    const n = 30;
    const xs = Array.from({ length: n }, () => parcel(w.parties));
    // One message per document: 3n document jobs, and one list job per parcel (when its third arrives).
    for (const [i, x] of xs.entries()) {
      const order: Part[] = i % 2 ? ['waybill', 'payment', 'order'] : ['order', 'payment', 'waybill'];
      for (const part of order) await w.file(i % 3 ? a : b, part, x[part]);
    }
    // What each job carries: a forwarded message (by its guid) or lists (by id).
    const jobs = (await w.t.store.db.selectFrom('outbox').select('payload').execute())
      .map((r) => JSON.parse(r.payload) as { kind: string; model?: Model; ids: string[] });
    expect(jobs.map((j) => j.kind).sort()).toEqual([...Array(3 * n).fill('documents'), ...Array(n).fill('inventories')]);
    expect(jobs.filter((j) => j.kind === 'inventories').map((j) => j.ids.length)).toEqual(Array(n).fill(1));
    expect(a.sent.length + b.sent.length).toBe(0);

    await Promise.all([a.pipeline.drain(), b.pipeline.drain(), a.pipeline.drain(), b.pipeline.drain()]);
    await a.pipeline.drain();
    await b.pipeline.drain();
    expect([...a.sinkErrors, ...b.sinkErrors]).toEqual([]);

    // Every job went out exactly once: its message once, its lists once. (The dispatcher may put
    // the lists of several jobs in one CEB621, so messages are not counted, contents are.)
    const sent = [...a.sent, ...b.sent];
    const forwarded = sent.filter((m) => m.messageType !== 'CEB621Message');
    expect(forwarded.map((m) => String(m.model.guid)).sort()).toEqual(jobs.filter((j) => j.kind === 'documents').map((j) => String(j.model!.guid)).sort());
    const docGuids = forwarded.flatMap((m) => {
      const part = (Object.keys(TYPE) as Part[]).find((k) => TYPE[k] === m.messageType)!;
      return headsOf(m.model, part).map((h) => h.guid);
    });
    expect(docGuids).toHaveLength(3 * n);
    expect(new Set(docGuids).size).toBe(3 * n);
    const copNos = sent.filter((m) => m.messageType === 'CEB621Message').flatMap((m) => (m.model.Inventory as Inventory[]).map((i) => i.InventoryHead.copNo));
    const listIds = jobs.flatMap((j) => (j.kind === 'inventories' ? j.ids : []));
    const lists = await w.t.store.db.selectFrom('inventories').select(['id', 'cop_no']).execute();
    expect(lists.map((l) => l.id).sort()).toEqual([...listIds].sort());
    expect([...copNos].sort()).toEqual(lists.map((l) => l.cop_no).sort());
    for (const x of xs) expect(declared(a, x.orderNo) + declared(b, x.orderNo), x.orderNo).toBe(1);
    expect(await w.count('outbox')).toBe(0);
    const closed = await w.t.store.db.selectFrom('inventories').select('state').execute();
    expect(closed.map((r) => r.state)).toEqual(Array(n).fill('closed'));
  });
});

describe.each(adapters)('who sees what, on %s', (adapter) => {
  let w: World;
  let p: Parties;
  let xs: Parcel[];
  const N = 50;
  const MISMATCHED = 10;
  const INCOMPLETE = 5;
  const MATCHED = N - MISMATCHED - INCOMPLETE;

  // 50 parcels in messages of 50 documents: waybills first (45, five parcels never get one), then
  // the 50 orders, then the 50 payments, ten of which pay a cent too much.
  beforeAll(async () => {
    w = await world(adapter);
    p = w.parties;
    const r = await rig(w.t.store);
    w.closers.push(() => r.pipeline.close());
    xs = Array.from({ length: N }, (_, i) => parcel(p, i < MISMATCHED ? { payment: { amountPaid: '319.13' } } : {}));
    const answers = [
      await w.file(r, 'waybill', batch('waybill', xs.slice(0, N - INCOMPLETE))),
      await w.file(r, 'order', batch('order', xs)),
      await w.file(r, 'payment', batch('payment', xs)),
    ];
    expect(answers.map((a) => a.receipts.filter((x) => x.status === 'accepted').length)).toEqual([N - INCOMPLETE, N, N]);
    await r.pipeline.drain();
    expect(r.sinkErrors).toEqual([]);
    expect(r.sent.filter((m) => m.messageType === 'CEB621Message').flatMap((m) => m.model.Inventory as Inventory[])).toHaveLength(MATCHED);
  });
  afterAll(async () => dispose(w));

  it('an enterprise not named in a document gets not-found; the filer and named parties see it; admin sees all', async () => {
    const x = xs[N - 1 - INCOMPLETE]!;
    const k = keys(p, x);
    const px = await w.parcelRow(x.orderNo);
    const sees = async (who: Principal, kind: string, key: string): Promise<boolean> => {
      try {
        await w.queries.status(who, kind, key);
        return true;
      } catch (err) {
        if (err instanceof AppError && err.kind === 'not_found') return false;
        throw err;
      }
    };
    const table: [string, string, Record<'ebp' | 'ebc' | 'payment' | 'logistics' | 'other', boolean>][] = [
      ['order', k.order, { ebp: true, ebc: true, payment: true, logistics: false, other: false }],
      ['payment', k.payment, { ebp: true, ebc: false, payment: true, logistics: false, other: false }],
      ['waybill', k.waybill, { ebp: false, ebc: false, payment: false, logistics: true, other: false }],
      ['inventory', px.inventory_id!, { ebp: true, ebc: true, payment: true, logistics: true, other: false }],
    ];
    const who = { ...p, other: w.other };
    for (const [kind, key, expected] of table) {
      const seen: Record<string, boolean> = {};
      for (const name of Object.keys(expected)) seen[name] = await sees(as(who[name as keyof typeof who]), kind, key);
      expect(seen, kind).toEqual(expected);
      expect(await sees(admin, kind, key), kind).toBe(true);
    }
    // Invisible and non-existent answer alike.
    const hidden = await refused(w.queries.status(as(w.other), 'order', k.order));
    const missing = await refused(w.queries.status(as(w.other), 'order', `${p.ebp.customsCode}:NO-SUCH-ORDER`));
    expect(hidden.code).toBe(missing.code);
    expect(hidden.kind).toBe('not_found');
  });

  const pageAll = async (who: Principal, state: string | undefined, limit: number) => {
    const ids: string[] = [];
    const updated: string[] = [];
    for (let offset = 0; ; offset += limit) {
      const page = await w.queries.listParcels(who, { limit, offset, ...(state ? { state } : {}) });
      ids.push(...page.items.map((i) => i.id));
      updated.push(...page.items.map((i) => i.updatedAt));
      if (page.items.length < limit) return { ids, updated, total: page.total };
    }
  };

  // All 50 parcels were decided in one transaction, so they share updated_at: only a tie-breaker
  // in the ORDER BY makes LIMIT/OFFSET pages disjoint.
  it('listParcels pages through every parcel exactly once, newest first, also within a state', async () => {
    const all = await w.t.store.db.selectFrom('parcels').select('id').execute();
    expect(all).toHaveLength(N);
    const everything = await pageAll(admin, undefined, 7);
    expect(everything.total).toBe(N);
    expect(everything.ids).toHaveLength(N);
    expect(new Set(everything.ids).size).toBe(N);
    expect([...everything.ids].sort()).toEqual(all.map((r) => r.id).sort());
    expect(everything.updated).toEqual([...everything.updated].sort().reverse());

    const mismatched = await pageAll(admin, 'mismatched', 4);
    expect(mismatched.total).toBe(MISMATCHED);
    expect(new Set(mismatched.ids).size).toBe(MISMATCHED);
    const expected = await Promise.all(xs.slice(0, MISMATCHED).map(async (x) => (await w.parcelRow(x.orderNo)).id));
    expect([...mismatched.ids].sort()).toEqual(expected.sort());

    const filer = await pageAll(as(p.ebp), undefined, 9);
    expect(filer.total).toBe(N);
    expect(new Set(filer.ids).size).toBe(N);
  });

  it('listParcels filters by state and by visibility, with the match result of each parcel', async () => {
    const mismatched = await w.queries.listParcels(admin, { state: 'mismatched', limit: 500 });
    expect(mismatched.total).toBe(MISMATCHED);
    expect(mismatched.items).toHaveLength(MISMATCHED);
    for (const i of mismatched.items) {
      expect(i).toMatchObject({ state: 'mismatched', valueFen: 32_000, inventoryId: null, direction: 'import' });
      expect(i.mismatches.map((m) => m.rule)).toEqual(['amount_paid']);
    }
    const incomplete = await w.queries.listParcels(admin, { state: 'incomplete', limit: 500 });
    expect(incomplete.total).toBe(INCOMPLETE);
    expect(incomplete.items.map((i) => i.valueFen)).toEqual(Array(INCOMPLETE).fill(null));
    expect(incomplete.items.map((i) => i.orderNo).sort()).toEqual(xs.slice(N - INCOMPLETE).map((x) => x.orderNo).sort());
    const matched = await w.queries.listParcels(admin, { state: 'matched', limit: 500 });
    expect(matched.total).toBe(MATCHED);
    expect(matched.items.every((i) => i.inventoryId !== null && i.valueFen === 32_000 && i.mismatches.length === 0)).toBe(true);
    const short = await w.queries.listParcels(admin, { limit: 3, offset: N - 2 });
    expect(short).toMatchObject({ total: N, limit: 3, offset: N - 2 });
    expect(short.items).toHaveLength(2);

    // The filer and the parties named in the order see the parcels; a stranger and the carrier
    // (named in the waybill only) see none.
    expect((await w.queries.listParcels(as(p.ebp), { limit: 500 })).total).toBe(N);
    expect((await w.queries.listParcels(as(p.ebc), { limit: 500 })).total).toBe(N);
    expect((await w.queries.listParcels(as(p.payment), { limit: 500 })).total).toBe(N);
    expect((await w.queries.listParcels(as(p.ebc), { state: 'mismatched', limit: 500 })).total).toBe(MISMATCHED);
    expect(await w.queries.listParcels(as(p.logistics), { limit: 500 })).toMatchObject({ total: 0, items: [] });
    expect(await w.queries.listParcels(as(w.other), { limit: 500 })).toMatchObject({ total: 0, items: [] });
  });

  it('summary counts documents, lists and parcels by state, scoped to the principal', async () => {
    const sorted = <T extends { state: string; messageType?: string }>(rows: readonly T[]) =>
      [...rows].sort((a, b) => `${a.messageType ?? ''}${a.state}`.localeCompare(`${b.messageType ?? ''}${b.state}`));
    const s = await w.queries.summary(admin);
    expect(sorted(s.documents)).toEqual([
      { messageType: 'CEB311Message', state: 'stored', count: N },
      { messageType: 'CEB411Message', state: 'stored', count: N },
      { messageType: 'CEB511Message', state: 'stored', count: N - INCOMPLETE },
    ]);
    expect(s.inventories).toEqual([{ state: 'closed', count: MATCHED }]);
    expect(sorted(s.parcels)).toEqual([
      { state: 'incomplete', count: INCOMPLETE }, { state: 'matched', count: MATCHED }, { state: 'mismatched', count: MISMATCHED },
    ]);

    const ebp = await w.queries.summary(as(p.ebp));
    expect(sorted(ebp.documents)).toEqual([
      { messageType: 'CEB311Message', state: 'stored', count: N },
      { messageType: 'CEB411Message', state: 'stored', count: N },
    ]);
    expect(ebp.inventories).toEqual([{ state: 'closed', count: MATCHED }]);
    expect(sorted(ebp.parcels)).toEqual(sorted(s.parcels));

    const carrier = await w.queries.summary(as(p.logistics));
    expect(carrier.documents).toEqual([{ messageType: 'CEB511Message', state: 'stored', count: N - INCOMPLETE }]);
    expect(carrier.inventories).toEqual([{ state: 'closed', count: MATCHED }]);

    expect(await w.queries.summary(as(w.other))).toEqual({ documents: [], inventories: [], parcels: [] });
  });

  it('summary and listParcels agree on the parcels a named party sees', async () => {
    for (const e of [p.ebp, p.ebc, p.payment, p.logistics, w.other]) {
      const byState = new Map<string, number>();
      for (const i of (await w.queries.listParcels(as(e), { limit: 500 })).items) byState.set(i.state, (byState.get(i.state) ?? 0) + 1);
      const summary = (await w.queries.summary(as(e))).parcels;
      expect(new Map(summary.map((r) => [r.state, r.count])), e.nameZh).toEqual(byState);
    }
  });
});
