// Stock-taking on both databases: the period report's figures, counts against the book, audited
// adjustments, and what each kind of enterprise may see and do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { deliver, exit, release, reserve } from './ledger.js';
import { createBondedService, type BondedService, type Caller, type EnterpriseFacts } from './service.js';
import { countsFromCsv, createStocktaking, type Stocktaking } from './stocktaking.js';

const admin: Caller = { kind: 'admin', actor: 'admin:t' };
const WAREHOUSE: EnterpriseFacts = { id: 'ent-wh', code: '3318960001', name: '金义综保仓储', roles: ['warehouse'] };
const EBC: EnterpriseFacts = { id: 'ent-ebc', code: '3318900011', name: '电商一', roles: ['ebc'] };
const OTHER_EBC: EnterpriseFacts = { id: 'ent-ebc2', code: '3318900022', name: '电商二', roles: ['ebc'] };
const asEnterprise = (e: EnterpriseFacts): Caller => ({ kind: 'enterprise', actor: `enterprise:${e.id}`, enterpriseId: e.id, code: e.code, roles: e.roles });
const ACCOUNT = { areaCode: WAREHOUSE.code, emsNo: 'T2923W000009' };
const A = { itemNo: 'SKU-A', gcode: '3304990099', gname: '面霜', unit: '011' };
const B = { itemNo: 'SKU-B', gcode: '1901101010', gname: '奶粉', unit: '122' };

describe.each(adapters)('bonded stock-taking on %s', (adapter) => {
  let t: TestStore;
  let service: BondedService;
  let st: Stocktaking;
  let clock = new Date('2026-11-01T00:00:00.000Z');
  const tx = <T>(work: (trx: Transaction<Database>) => Promise<T>) => t.store.db.transaction().execute(work);

  async function enter(ebc: EnterpriseFacts, waybill: string, lines: { itemNo: string; gcode: string; gname: string; unit: string; qty: string }[], at: string) {
    await service.createNotice(asEnterprise(ebc), { ...ACCOUNT, logisticsCode: '3318980001', logisticsNo: waybill, lines });
    const r = await tx((trx) => deliver(trx, { guid: `G-${waybill}`, operatorCode: WAREHOUSE.code, logisticsCode: '3318980001', logisticsNos: [waybill], at, actor: 'enterprise:ent-wh' }));
    expect(r.ok).toBe(true);
  }
  const sell = async (ref: string, ebc: string, item: typeof A, qty: string, at: string) =>
    expect(await tx((trx) => reserve(trx, { ref, ebcCode: ebc, lines: [{ itemNo: item.itemNo, gcode: item.gcode, qty }], at }))).toMatchObject({ ok: true });

  beforeAll(async () => {
    t = await openTestStore(adapter);
    const known = new Map([WAREHOUSE, EBC, OTHER_EBC].flatMap((e) => [[e.id, e], [e.code, e]] as const));
    const deps = { store: t.store, enterprise: async (ref: string) => known.get(ref), now: () => clock };
    service = createBondedService(deps);
    st = createStocktaking(deps);
    await service.registerAccount(asEnterprise(WAREHOUSE), { emsNo: ACCOUNT.emsNo });

    // Before November (Beijing): 10 A and 4 B in, 1 A out.
    await enter(EBC, 'W-1', [{ ...A, qty: '10' }, { ...B, qty: '4' }], '2026-10-20T02:00:00.000Z');
    await sell('L-1', EBC.code, A, '1', '2026-10-25T02:00:00.000Z');
    await tx((trx) => exit(trx, 'L-1', '2026-10-26T02:00:00.000Z'));
    // In November: 5.5 A in (at 00:30 Beijing on 1 November, 16:30 UTC the day before), 2 A out, 3 A held, 1 B given back.
    await enter(EBC, 'W-2', [{ ...A, qty: '5.5' }], '2026-10-31T16:30:00.000Z');
    await sell('L-2', EBC.code, A, '2', '2026-11-05T02:00:00.000Z');
    await tx((trx) => exit(trx, 'L-2', '2026-11-06T02:00:00.000Z'));
    await sell('L-3', EBC.code, A, '3', '2026-11-20T02:00:00.000Z');
    await sell('L-4', EBC.code, B, '1', '2026-11-21T02:00:00.000Z');
    await tx((trx) => release(trx, 'L-4', '2026-11-22T02:00:00.000Z', '100'));
    // After November (1 December in Beijing): 7 A out, not in the period.
    await sell('L-5', EBC.code, A, '0.5', '2026-11-30T17:00:00.000Z');
    await tx((trx) => exit(trx, 'L-5', '2026-11-30T17:00:00.000Z'));
    // Another enterprise's goods on the same account.
    await enter(OTHER_EBC, 'W-3', [{ ...A, qty: '1' }], '2026-11-10T02:00:00.000Z');
  });
  afterAll(() => t?.dispose());

  it('reports opening, entries, exits, closing and reserved per item for a period of Beijing days', async () => {
    const r = await st.report(admin, { ...ACCOUNT, from: '2026-11-01', to: '2026-11-30', ebcCode: EBC.code });
    expect(r.account).toEqual({ areaCode: WAREHOUSE.code, areaName: WAREHOUSE.name, emsNo: ACCOUNT.emsNo });
    expect(r.items.map(({ count: _c, ...i }) => i)).toEqual([
      { ebcCode: EBC.code, ...A, opening: '9', entries: '5.5', exits: '2', adjustments: '0', closing: '12.5', reserved: '3', available: '9.5' },
      { ebcCode: EBC.code, ...B, opening: '4', entries: '0', exits: '0', adjustments: '0', closing: '4', reserved: '0', available: '4' },
    ]);
    // October: everything before the period, the 5.5 of 1 November (Beijing) not yet.
    const oct = await st.report(admin, { ...ACCOUNT, from: '2026-10-01', to: '2026-10-31' });
    expect(oct.items.map((i) => [i.ebcCode, i.itemNo, i.opening, i.entries, i.exits, i.closing])).toEqual([
      [EBC.code, 'SKU-A', '0', '10', '1', '9'], [EBC.code, 'SKU-B', '0', '4', '0', '4'],
    ]);
    // The closing balance of the last period is the book now.
    const dec = await st.report(admin, { ...ACCOUNT, from: '2026-12-01', to: '2026-12-31', ebcCode: EBC.code });
    const now = await service.stock(admin, { ...ACCOUNT, ebcCode: EBC.code, limit: 10, offset: 0 });
    expect(dec.items.map((i) => [i.itemNo, i.closing, i.reserved])).toEqual(now.items.map((s) => [s.itemNo, s.onHand, s.reserved]));
    await expect(st.report(admin, { ...ACCOUNT, from: '2026-12-01', to: '2026-11-01' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('shows an e-commerce enterprise its own items only, and the operator everyone\'s', async () => {
    const own = await st.report(asEnterprise(OTHER_EBC), { ...ACCOUNT, from: '2026-11-01', to: '2026-11-30' });
    expect(own.items.map((i) => [i.ebcCode, i.itemNo, i.closing])).toEqual([[OTHER_EBC.code, 'SKU-A', '1']]);
    await expect(st.report(asEnterprise(OTHER_EBC), { ...ACCOUNT, from: '2026-11-01', to: '2026-11-30', ebcCode: EBC.code })).rejects.toMatchObject({ code: 'BONDED_EBC_ONLY_OWN' });
    const all = await st.report(asEnterprise(WAREHOUSE), { ...ACCOUNT, from: '2026-11-01', to: '2026-11-30' });
    expect(all.items.map((i) => i.ebcCode)).toEqual([EBC.code, EBC.code, OTHER_EBC.code]);
    expect((await service.stock(asEnterprise(OTHER_EBC), { limit: 10, offset: 0 })).items.map((s) => s.ebcCode)).toEqual([OTHER_EBC.code]);
    expect((await service.stock(asEnterprise(WAREHOUSE), { limit: 10, offset: 0 })).total).toBe(3);
    expect((await service.movements(asEnterprise(OTHER_EBC), { limit: 50, offset: 0 })).items.every((m) => m.ebcCode === OTHER_EBC.code)).toBe(true);
    expect((await service.listAccounts(asEnterprise(OTHER_EBC), { limit: 10, offset: 0 })).items.map((a) => a.emsNo)).toEqual([ACCOUNT.emsNo]);
    expect((await service.listAccounts(asEnterprise({ ...EBC, id: 'x', code: 'NOBODY' }), { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('keeps counts with the book at the moment counted and the difference, from JSON or CSV, changing no balance', async () => {
    clock = new Date('2026-11-30T08:00:00.000Z');
    const up = await st.uploadCounts(asEnterprise(WAREHOUSE), {
      ...ACCOUNT, countedAt: '2026-11-15T00:00:00.000Z',
      lines: countsFromCsv('\uFEFFebcCode,itemNo,qty\r\n3318900011,SKU-A,12\r\n3318900011,SKU-B,4\r\n3318900011,SKU-Z,1\r\n'),
    });
    // On 15 November the book held 9 + 5.5 − 2 = 12.5 of A.
    expect(up.lines.map((l) => [l.itemNo, l.counted, l.book, l.difference])).toEqual([['SKU-A', '12', '12.5', '-0.5'], ['SKU-B', '4', '4', '0'], ['SKU-Z', '1', '0', '1']]);
    expect(up.differences).toBe(2);
    const r = await st.report(admin, { ...ACCOUNT, from: '2026-11-01', to: '2026-11-30', ebcCode: EBC.code });
    expect(r.items.map((i) => [i.itemNo, i.closing, i.count?.counted ?? null, i.count?.difference ?? null])).toEqual([
      ['SKU-A', '12.5', '12', '-0.5'], ['SKU-B', '4', '4', '0'], ['SKU-Z', '0', '1', '1'],
    ]);
    expect((await service.stock(admin, { ...ACCOUNT, ebcCode: EBC.code, itemNo: 'SKU-A', limit: 1, offset: 0 })).items[0]!.onHand).toBe('12');
    await expect(st.uploadCounts(asEnterprise(EBC), { ...ACCOUNT, lines: [{ ebcCode: EBC.code, itemNo: 'SKU-A', qty: '1' }] })).rejects.toMatchObject({ code: 'BONDED_NOT_OPERATOR' });
    await expect(st.uploadCounts(admin, { ...ACCOUNT, lines: [{ ebcCode: EBC.code, itemNo: 'SKU-A', qty: '-1' }, { ebcCode: EBC.code, itemNo: 'SKU-A', qty: '1' }] }))
      .rejects.toMatchObject({ issues: [expect.objectContaining({ code: 'BONDED_QTY', path: '/lines/0/qty' }), expect.objectContaining({ code: 'BONDED_ITEM_DUPLICATE', path: '/lines/1/itemNo' })] });
  });

  it('corrects the book only by an adjustment with a reason, journalled and in the audit trail', async () => {
    clock = new Date('2026-11-30T09:00:00.000Z');
    const count = (await st.report(admin, { ...ACCOUNT, from: '2026-11-01', to: '2026-11-30', ebcCode: EBC.code })).items[0]!.count!;
    const m = await st.adjust(asEnterprise(WAREHOUSE), { ...ACCOUNT, ebcCode: EBC.code, itemNo: 'SKU-A', qty: '-0.5', reason: '盘亏：破损', countId: count.countId });
    expect(m).toMatchObject({ kind: 'adjustment', qty: '-0.5', onHandAfter: '11.5', ref: count.countId, reason: '盘亏：破损', actor: 'enterprise:ent-wh' });
    const audit = await t.store.db.selectFrom('audit_events').selectAll().where('entity', '=', 'bonded_stock').where('action', '=', 'adjust').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ movementId: m.id, qty: '-0.5', reason: '盘亏：破损', countId: count.countId });
    const r = await st.report(admin, { ...ACCOUNT, from: '2026-11-01', to: '2026-11-30', ebcCode: EBC.code });
    expect(r.items[0]).toMatchObject({ itemNo: 'SKU-A', adjustments: '-0.5', closing: '12' });
    // A found item is opened by a positive adjustment naming its goods.
    await expect(st.adjust(admin, { ...ACCOUNT, ebcCode: EBC.code, itemNo: 'SKU-Z', qty: '1', reason: '盘盈' })).rejects.toMatchObject({ issues: [expect.objectContaining({ code: 'BONDED_ITEM_NOT_ON_BOOK' })] });
    expect(await st.adjust(admin, { ...ACCOUNT, ebcCode: EBC.code, itemNo: 'SKU-Z', qty: '1', reason: '盘盈', gcode: '3401300000', gname: '香皂', unit: '011' })).toMatchObject({ onHandAfter: '1' });
    await expect(st.adjust(admin, { ...ACCOUNT, ebcCode: EBC.code, itemNo: 'SKU-A', qty: '1', reason: '  ' })).rejects.toMatchObject({ issues: [expect.objectContaining({ code: 'REQUIRED', path: '/reason' })] });
    await expect(st.adjust(admin, { ...ACCOUNT, ebcCode: EBC.code, itemNo: 'SKU-A', qty: '0', reason: 'x' })).rejects.toMatchObject({ issues: [expect.objectContaining({ code: 'BONDED_ADJUST_QTY' })] });
    await expect(st.adjust(admin, { ...ACCOUNT, ebcCode: EBC.code, itemNo: 'SKU-B', qty: '1', reason: 'x', countId: count.countId })).rejects.toMatchObject({ issues: [expect.objectContaining({ code: 'BONDED_COUNT_OTHER_ITEM' })] });
    await expect(st.adjust(asEnterprise(EBC), { ...ACCOUNT, ebcCode: EBC.code, itemNo: 'SKU-A', qty: '1', reason: 'x' })).rejects.toMatchObject({ code: 'BONDED_NOT_OPERATOR' });
    // Below what is reserved (3 held of 12): refused, nothing written.
    await expect(st.adjust(admin, { ...ACCOUNT, ebcCode: EBC.code, itemNo: 'SKU-A', qty: '-9.5', reason: 'x' })).rejects.toMatchObject({ code: 'BONDED_ADJUST_BELOW' });
    expect((await service.movements(admin, { ...ACCOUNT, kind: 'adjustment', limit: 10, offset: 0 })).total).toBe(2);
  });

  it('exports the balances as CSV and registers each account once', async () => {
    const csv = await service.stockCsv(admin, { ...ACCOUNT, ebcCode: EBC.code });
    expect(csv.split('\r\n').slice(0, 2)).toEqual([
      '\uFEFFareaCode,areaName,emsNo,ebcCode,itemNo,gcode,gname,unit,onHand,reserved,available,updatedAt',
      expect.stringMatching(/^3318960001,金义综保仓储,T2923W000009,3318900011,SKU-A,3304990099,面霜,011,11.5,3,8.5,/),
    ]);
    await expect(service.registerAccount(admin, { areaCode: WAREHOUSE.code, emsNo: ACCOUNT.emsNo })).rejects.toMatchObject({ code: 'BONDED_ACCOUNT_DUPLICATE' });
    await expect(service.registerAccount(asEnterprise(WAREHOUSE), { areaCode: '3318969999', emsNo: 'T1' })).rejects.toMatchObject({ code: 'BONDED_ACCOUNT_NOT_OWN' });
    await expect(service.registerAccount(asEnterprise(EBC), { emsNo: 'T2' })).rejects.toMatchObject({ code: 'BONDED_OPERATOR_NOT_WAREHOUSE' });
    await expect(service.registerAccount(admin, { areaCode: EBC.code, emsNo: 'T3' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(service.createNotice(asEnterprise(EBC), { ...ACCOUNT, ebcCode: OTHER_EBC.code, logisticsCode: 'L', logisticsNo: 'W-9', lines: [{ ...A, qty: '1' }] })).rejects.toMatchObject({ code: 'BONDED_EBC_ONLY_OWN' });
  });
});
