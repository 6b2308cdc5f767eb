// The bonded ledger on both databases: entries by CEB711 against notices, reservations, exits and
// releases, balances that never go negative, and reservations racing for the last units.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pg from 'pg';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { announcedWaybills, deliver, exit, isBondedManaged, release, reserve, UNKNOWN_DELIVERY_CODE, type ReserveResult } from './ledger.js';
import { createBondedService, type BondedService, type Caller, type EnterpriseFacts } from './service.js';
import { createStocktaking, type Stocktaking } from './stocktaking.js';
import { formatQty, unitsOf } from './quantity.js';

const admin: Caller = { kind: 'admin', actor: 'admin:test' };
const WAREHOUSE: EnterpriseFacts = { id: 'ent-wh', code: '3318960001', name: '金义综保仓储', roles: ['warehouse'] };
const WAREHOUSE2: EnterpriseFacts = { id: 'ent-wh2', code: '3318960002', name: '义乌保税仓', roles: ['warehouse'] };
const LOGISTICS = '3318980001';
const GCODE = { A: '3304990099', B: '1901101010', C: '3401300000' } as const;

async function setup(t: TestStore) {
  const enterprises = new Map([[WAREHOUSE.id, WAREHOUSE], [WAREHOUSE.code, WAREHOUSE], [WAREHOUSE2.id, WAREHOUSE2], [WAREHOUSE2.code, WAREHOUSE2]]);
  const deps = { store: t.store, enterprise: async (ref: string) => enterprises.get(ref) };
  const service = createBondedService(deps);
  const stocktaking = createStocktaking(deps);
  await service.registerAccount(admin, { areaCode: WAREHOUSE.code, emsNo: 'T2923W000001' });
  await service.registerAccount(admin, { areaCode: WAREHOUSE2.code, emsNo: 'T2923W000002' });
  return { service, stocktaking };
}

const line = (item: keyof typeof GCODE, qty: string) => ({ itemNo: `SKU-${item}`, gcode: GCODE[item], gname: `商品${item}`, unit: '011', qty });

/** Files a notice and enters it with a CEB711 of its own. */
async function stockUp(t: TestStore, service: BondedService, ebcCode: string, waybill: string, lines: ReturnType<typeof line>[], at = '2026-11-10T02:00:00.000Z', operator = WAREHOUSE, emsNo = 'T2923W000001') {
  await service.createNotice(admin, { areaCode: operator.code, emsNo, ebcCode, logisticsCode: LOGISTICS, logisticsNo: waybill, lines });
  const r = await t.store.db.transaction().execute((trx) => deliver(trx, { guid: `G-${waybill}`, operatorCode: operator.code, logisticsCode: LOGISTICS, logisticsNos: [waybill], at, actor: 'enterprise:ent-wh' }));
  expect(r.ok).toBe(true);
}

async function balance(t: TestStore, ebcCode: string, itemNo: string, emsNo = 'T2923W000001') {
  const row = await t.store.db.selectFrom('bonded_stock as s').innerJoin('bonded_accounts as a', 'a.id', 's.account_id')
    .select(['s.on_hand', 's.reserved']).where('s.ebc_code', '=', ebcCode).where('s.item_no', '=', itemNo).where('a.ems_no', '=', emsNo).executeTakeFirst();
  return row ? { onHand: formatQty(unitsOf(row.on_hand)), reserved: formatQty(unitsOf(row.reserved)) } : undefined;
}

const AT = '2026-11-12T03:00:00.000Z';

describe.each(adapters)('bonded ledger on %s', (adapter) => {
  let t: TestStore;
  let service: BondedService;
  let stocktaking: Stocktaking;
  beforeAll(async () => {
    t = await openTestStore(adapter);
    ({ service, stocktaking } = await setup(t));
  });
  afterAll(() => t?.dispose());

  it('enters a notice when the operator\'s CEB711 lists its waybill, once, even when the 711 comes again', async () => {
    const ebc = 'EBC0000001';
    expect(await t.store.db.transaction().execute((trx) => isBondedManaged(trx, ebc))).toBe(false);
    await service.createNotice(admin, { areaCode: WAREHOUSE.code, emsNo: 'T2923W000001', ebcCode: ebc, logisticsCode: LOGISTICS, logisticsNo: 'W-1', lines: [line('A', '10'), line('B', '2.5')] });
    await service.createNotice(admin, { areaCode: WAREHOUSE.code, emsNo: 'T2923W000001', ebcCode: ebc, logisticsCode: LOGISTICS, logisticsNo: 'W-2', lines: [line('A', '5')] });
    const input = { guid: 'G-711-1', operatorCode: WAREHOUSE.code, logisticsCode: LOGISTICS, logisticsNos: ['W-1', 'W-2'], at: AT, actor: 'enterprise:ent-wh' };
    const first = await t.store.db.transaction().execute((trx) => deliver(trx, input));
    expect(first).toMatchObject({ ok: true, already: [] });
    expect(first.ok && first.entries.map((e) => `${e.logisticsNo} ${e.itemNo} ${e.qty}`).sort()).toEqual(['W-1 SKU-A 10', 'W-1 SKU-B 2.5', 'W-2 SKU-A 5']);
    expect(await balance(t, ebc, 'SKU-A')).toEqual({ onHand: '15', reserved: '0' });
    expect(await balance(t, ebc, 'SKU-B')).toEqual({ onHand: '2.5', reserved: '0' });
    const replay = await t.store.db.transaction().execute((trx) => deliver(trx, input));
    expect(replay).toMatchObject({ ok: true, entries: [], already: ['W-1', 'W-2'] });
    expect(await balance(t, ebc, 'SKU-A')).toEqual({ onHand: '15', reserved: '0' });
    const entries = await service.movements(admin, { ebcCode: ebc, kind: 'entry', limit: 50, offset: 0 });
    expect(entries.total).toBe(3);
    expect(entries.items.every((m) => m.ref === 'G-711-1' && m.noticeId && m.actor === 'enterprise:ent-wh')).toBe(true);
    const notices = await service.listNotices(admin, { ebcCode: ebc, limit: 10, offset: 0 });
    expect(notices.items.map((n) => [n.logisticsNo, n.state, n.deliveryGuid]).sort()).toEqual([['W-1', 'entered', 'G-711-1'], ['W-2', 'entered', 'G-711-1']]);
    expect(await t.store.db.transaction().execute((trx) => isBondedManaged(trx, ebc))).toBe(true);
  });

  it('refuses a CEB711 naming a waybill without a notice (-800000) and changes nothing', async () => {
    const ebc = 'EBC0000002';
    await service.createNotice(admin, { areaCode: WAREHOUSE.code, emsNo: 'T2923W000001', ebcCode: ebc, logisticsCode: LOGISTICS, logisticsNo: 'W-3', lines: [line('A', '1')] });
    const r = await t.store.db.transaction().execute((trx) => deliver(trx, { guid: 'G-711-2', operatorCode: WAREHOUSE.code, logisticsCode: LOGISTICS, logisticsNos: ['W-3', 'W-X'], at: AT, actor: 'a' }));
    expect(r).toMatchObject({ ok: false, code: UNKNOWN_DELIVERY_CODE, unknown: ['W-X'] });
    expect(!r.ok && r.message.en).toContain('W-X');
    // Another operator's 711 does not enter a notice on this operator's account.
    const other = await t.store.db.transaction().execute((trx) => deliver(trx, { guid: 'G-711-3', operatorCode: WAREHOUSE2.code, logisticsCode: LOGISTICS, logisticsNos: ['W-3'], at: AT, actor: 'a' }));
    expect(other).toMatchObject({ ok: false, unknown: ['W-3'] });
    expect(await balance(t, ebc, 'SKU-A')).toBeUndefined();
    expect([...await t.store.db.transaction().execute((trx) => announcedWaybills(trx, WAREHOUSE.code, LOGISTICS, ['W-3', 'W-X', 'W-1']))].sort()).toEqual(['W-1', 'W-3']);
    expect((await t.store.db.transaction().execute((trx) => announcedWaybills(trx, WAREHOUSE2.code, LOGISTICS, ['W-3']))).size).toBe(0);
    expect((await service.listNotices(admin, { ebcCode: ebc, limit: 10, offset: 0 })).items[0]!.state).toBe('pending');
    // A second pending notice for the same waybill is refused.
    await expect(service.createNotice(admin, { areaCode: WAREHOUSE.code, emsNo: 'T2923W000001', ebcCode: ebc, logisticsCode: LOGISTICS, logisticsNo: 'W-3', lines: [line('A', '1')] }))
      .rejects.toMatchObject({ code: 'BONDED_NOTICE_DUPLICATE' });
  });

  it('checks notice lines: HS code, unit, quantity, an item once, and the HS code the book knows the item by', async () => {
    await expect(service.createNotice(admin, {
      areaCode: WAREHOUSE.code, emsNo: 'T2923W000001', ebcCode: 'EBC0000001', logisticsCode: LOGISTICS, logisticsNo: 'W-BAD',
      lines: [{ ...line('A', '0'), gcode: '12' }, { ...line('A', '1.000001'), unit: 'XX' }, { ...line('B', '1'), gcode: '9999999999' }],
    })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [
        expect.objectContaining({ code: 'PRODUCT_GCODE', path: '/lines/0/gcode' }), expect.objectContaining({ code: 'BONDED_QTY', path: '/lines/0/qty' }),
        expect.objectContaining({ code: 'BONDED_ITEM_DUPLICATE', path: '/lines/1/itemNo' }), expect.objectContaining({ code: 'PRODUCT_UNIT', path: '/lines/1/unit' }),
        expect.objectContaining({ code: 'BONDED_QTY', path: '/lines/1/qty' }),
        expect.objectContaining({ code: 'BONDED_GCODE_MISMATCH', path: '/lines/0/gcode' }), expect.objectContaining({ code: 'BONDED_GCODE_MISMATCH', path: '/lines/2/gcode' }),
      ],
    });
  });

  it('reserves a list on one account that covers it, preferring the one with most stock, and refuses a shortfall with what is missing', async () => {
    const ebc = 'EBC0000003';
    await stockUp(t, service, ebc, 'W-10', [line('A', '3'), line('B', '1')]);
    await stockUp(t, service, ebc, 'W-11', [line('A', '8'), line('B', '4')], AT, WAREHOUSE2, 'T2923W000002');
    const r1 = await t.store.db.transaction().execute((trx) => reserve(trx, { ref: 'L-1', ebcCode: ebc, lines: [{ itemNo: 'SKU-A', gcode: GCODE.A, qty: '2' }, { itemNo: 'SKU-A', gcode: GCODE.A, qty: '1' }], at: AT }));
    expect(r1).toEqual({ ok: true, account: { areaCode: WAREHOUSE2.code, areaName: WAREHOUSE2.name, emsNo: 'T2923W000002' } });
    expect(await balance(t, ebc, 'SKU-A', 'T2923W000002')).toEqual({ onHand: '8', reserved: '3' });
    // 4 of B: only the second account has it.
    const r2 = await t.store.db.transaction().execute((trx) => reserve(trx, { ref: 'L-2', ebcCode: ebc, lines: [{ itemNo: 'SKU-B', gcode: GCODE.B, qty: '4' }], at: AT }));
    expect(r2).toMatchObject({ ok: true, account: { emsNo: 'T2923W000002' } });
    // 6 of A and 1 of B: account 2 has 5 of A left and no B, account 1 has 3 of A and 1 of B — neither covers the list.
    const r3 = await t.store.db.transaction().execute((trx) => reserve(trx, { ref: 'L-3', ebcCode: ebc, lines: [{ itemNo: 'SKU-A', gcode: GCODE.A, qty: '6' }, { itemNo: 'SKU-B', gcode: GCODE.B, qty: '1' }], at: AT }));
    expect(r3.ok).toBe(false);
    expect(!r3.ok && r3.shortfalls.map(({ message: _m, ...s }) => s)).toEqual([{ itemNo: 'SKU-A', needed: '6', available: '3' }]);
    expect(!r3.ok && r3.shortfalls[0]!.message['zh-CN']).toContain('SKU-A');
    expect(await balance(t, ebc, 'SKU-A', 'T2923W000001')).toEqual({ onHand: '3', reserved: '0' });
    // Same item number under another HS code is not the same goods.
    const r4 = await t.store.db.transaction().execute((trx) => reserve(trx, { ref: 'L-4', ebcCode: ebc, lines: [{ itemNo: 'SKU-A', gcode: GCODE.C, qty: '1' }], at: AT }));
    expect(!r4.ok && r4.shortfalls.map(({ message: _m, ...s }) => s)).toEqual([{ itemNo: 'SKU-A', needed: '1', available: '0', bookedGcode: GCODE.A }]);
    // An enterprise without stock anywhere.
    const r5 = await t.store.db.transaction().execute((trx) => reserve(trx, { ref: 'L-5', ebcCode: 'EBC-NONE', lines: [{ itemNo: 'SKU-A', gcode: GCODE.A, qty: '1' }], at: AT }));
    expect(!r5.ok && r5.shortfalls.map((s) => [s.itemNo, s.available])).toEqual([['SKU-A', '0']]);
  });

  it('exits on release, gives the hold back on refusal, replaces a hold reserved again, and never exits twice', async () => {
    const ebc = 'EBC0000004';
    await stockUp(t, service, ebc, 'W-20', [line('A', '10')]);
    const hold = (ref: string, qty: string) => t.store.db.transaction().execute((trx) => reserve(trx, { ref, ebcCode: ebc, lines: [{ itemNo: 'SKU-A', gcode: GCODE.A, qty }], at: AT }));
    await hold('L-20', '4');
    await hold('L-21', '3');
    expect(await balance(t, ebc, 'SKU-A')).toEqual({ onHand: '10', reserved: '7' });
    // Re-deciding L-21 with 5 replaces its hold of 3.
    await hold('L-21', '5');
    expect(await balance(t, ebc, 'SKU-A')).toEqual({ onHand: '10', reserved: '9' });
    expect(await t.store.db.transaction().execute((trx) => exit(trx, 'L-20', AT))).toEqual({ exited: [{ itemNo: 'SKU-A', qty: '4' }] });
    expect(await t.store.db.transaction().execute((trx) => exit(trx, 'L-20', AT))).toEqual({ exited: [] });
    expect(await balance(t, ebc, 'SKU-A')).toEqual({ onHand: '6', reserved: '5' });
    expect(await t.store.db.transaction().execute((trx) => release(trx, 'L-21', AT, '100'))).toEqual({ released: 1 });
    expect(await t.store.db.transaction().execute((trx) => release(trx, 'L-21', AT, '100'))).toEqual({ released: 0 });
    // Released, then customs' 800 arrives anyway: nothing is held, nothing leaves.
    expect(await t.store.db.transaction().execute((trx) => exit(trx, 'L-21', AT))).toEqual({ exited: [] });
    expect(await balance(t, ebc, 'SKU-A')).toEqual({ onHand: '6', reserved: '0' });
    await expect(hold('L-20', '1')).rejects.toMatchObject({ code: 'BONDED_RESERVATION_EXITED' });
    const journal = await service.movements(admin, { ebcCode: ebc, limit: 50, offset: 0 });
    expect(journal.items.map((m) => [m.kind, m.ref, m.qty, m.reservedChange, m.reason])).toEqual([
      ['entry', 'G-W-20', '10', '0', null], ['reserve', 'L-20', '0', '4', null], ['reserve', 'L-21', '0', '3', null],
      ['unreserve', 'L-21', '0', '-3', 'replaced'], ['reserve', 'L-21', '0', '5', null], ['exit', 'L-20', '-4', '-4', null], ['unreserve', 'L-21', '0', '-5', '100'],
    ]);
  });

  it('never lets a balance go negative, whatever writes to it', async () => {
    const ebc = 'EBC0000005';
    await stockUp(t, service, ebc, 'W-30', [line('A', '2')]);
    await t.store.db.transaction().execute((trx) => reserve(trx, { ref: 'L-30', ebcCode: ebc, lines: [{ itemNo: 'SKU-A', gcode: GCODE.A, qty: '2' }], at: AT }));
    await expect(stocktaking.adjust(admin, { areaCode: WAREHOUSE.code, emsNo: 'T2923W000001', ebcCode: ebc, itemNo: 'SKU-A', qty: '-1', reason: '破损' }))
      .rejects.toMatchObject({ code: 'BONDED_ADJUST_BELOW' });
    // The table itself refuses, should any code path forget the check (3 pieces are 300000 units).
    await expect(t.store.db.updateTable('bonded_stock').set({ reserved: 300_000 }).where('ebc_code', '=', ebc).execute()).rejects.toThrow();
    await expect(t.store.db.updateTable('bonded_stock').set({ on_hand: -1, reserved: 0 }).where('ebc_code', '=', ebc).execute()).rejects.toThrow();
    expect(await balance(t, ebc, 'SKU-A')).toEqual({ onHand: '2', reserved: '2' });
  });

  it('lets only one of two lists racing for the last units have them', async () => {
    const ebc = 'EBC0000006';
    await stockUp(t, service, ebc, 'W-40', [line('A', '5')]);
    const input = (ref: string) => ({ ref, ebcCode: ebc, lines: [{ itemNo: 'SKU-A', gcode: GCODE.A, qty: '3' }], at: AT });
    let results: ReserveResult[];
    if (adapter === 'postgres') {
      // The first transaction holds its reservation uncommitted until the second is seen waiting
      // for the row: the second read 5 available before the first committed, and must still fail.
      let commitFirst!: () => void;
      const gate = new Promise<void>((resolve) => { commitFirst = resolve; });
      let firstReserved!: () => void;
      const reserved = new Promise<void>((resolve) => { firstReserved = resolve; });
      const first = t.store.db.transaction().execute(async (trx) => {
        const r = await reserve(trx, input('L-40'));
        firstReserved();
        await gate;
        return r;
      });
      await reserved;
      const second = t.store.db.transaction().execute((trx) => reserve(trx, input('L-41')));
      await waitForLockWaiter();
      commitFirst();
      results = await Promise.all([first, second]);
    } else {
      results = await Promise.all([
        t.store.db.transaction().execute((trx) => reserve(trx, input('L-40'))),
        t.store.db.transaction().execute((trx) => reserve(trx, input('L-41'))),
      ]);
    }
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    const lost = results.find((r) => !r.ok);
    expect(lost && !lost.ok && lost.shortfalls.map((s) => [s.needed, s.available])).toEqual([['3', '2']]);
    expect(await balance(t, ebc, 'SKU-A')).toEqual({ onHand: '5', reserved: '3' });
  });

  it('keeps on hand = entries − exits + adjustments and available ≥ 0 through any sequence', async () => {
    type Op =
      | { kind: 'deliver'; item: 'A' | 'B'; qty: number }
      | { kind: 'reserve'; list: number; a: number; b: number }
      | { kind: 'exit' | 'release'; list: number }
      | { kind: 'adjust'; item: 'A' | 'B'; qty: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('deliver' as const), item: fc.constantFrom('A' as const, 'B' as const), qty: fc.integer({ min: 1, max: 400_000 }) }),
      fc.record({ kind: fc.constant('reserve' as const), list: fc.integer({ min: 0, max: 3 }), a: fc.integer({ min: 0, max: 300_000 }), b: fc.integer({ min: 0, max: 300_000 }) }),
      fc.record({ kind: fc.constantFrom('exit' as const, 'release' as const), list: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('adjust' as const), item: fc.constantFrom('A' as const, 'B' as const), qty: fc.integer({ min: -300_000, max: 300_000 }).filter((q) => q !== 0) }),
    );
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
      const ebc = `PROP${adapter.slice(0, 2)}${++run}`;
      const exited = new Set<string>();
      for (const [i, o] of ops.entries()) {
        const units = (n: number) => formatQty(BigInt(n));
        if (o.kind === 'deliver') {
          await stockUp(t, service, ebc, `${ebc}-W${i}`, [line(o.item, units(o.qty))]);
        } else if (o.kind === 'reserve') {
          const ref = `${ebc}-L${o.list}`;
          const lines = [...(o.a ? [{ itemNo: 'SKU-A', gcode: GCODE.A, qty: units(o.a) }] : []), ...(o.b ? [{ itemNo: 'SKU-B', gcode: GCODE.B, qty: units(o.b) }] : [])];
          if (!lines.length) continue;
          const attempt = t.store.db.transaction().execute((trx) => reserve(trx, { ref, ebcCode: ebc, lines, at: AT }));
          if (exited.has(ref)) await expect(attempt).rejects.toMatchObject({ code: 'BONDED_RESERVATION_EXITED' });
          else await attempt;
        } else if (o.kind === 'exit') {
          const r = await t.store.db.transaction().execute((trx) => exit(trx, `${ebc}-L${o.list}`, AT));
          if (r.exited.length) exited.add(`${ebc}-L${o.list}`);
        } else if (o.kind === 'release') {
          await t.store.db.transaction().execute((trx) => release(trx, `${ebc}-L${o.list}`, AT, 'test'));
        } else if (o.kind === 'adjust') {
          await stocktaking.adjust(admin, { areaCode: WAREHOUSE.code, emsNo: 'T2923W000001', ebcCode: ebc, itemNo: `SKU-${o.item}`, qty: units(o.qty), reason: 'property', gcode: GCODE[o.item], gname: 'x', unit: '011' })
            .catch((err: { code?: string }) => { if (err.code !== 'BONDED_ADJUST_BELOW' && err.code !== 'VALIDATION_FAILED') throw err; });
        }
      }
      const stock = await t.store.db.selectFrom('bonded_stock').selectAll().where('ebc_code', '=', ebc).execute();
      const moves = await t.store.db.selectFrom('bonded_movements').selectAll().where('ebc_code', '=', ebc).execute();
      const held = await t.store.db.selectFrom('bonded_reservations').selectAll().where('ebc_code', '=', ebc).where('state', '=', 'held').execute();
      for (const s of stock) {
        const mine = moves.filter((m) => m.item_no === s.item_no && m.account_id === s.account_id);
        const sum = (kind: string) => mine.filter((m) => m.kind === kind).reduce((x, m) => x + unitsOf(m.qty), 0n);
        const onHand = unitsOf(s.on_hand);
        const reserved = unitsOf(s.reserved);
        expect(onHand).toBe(sum('entry') + sum('exit') + sum('adjustment'));
        expect(sum('exit')).toBeLessThanOrEqual(0n);
        expect(reserved).toBe(mine.reduce((x, m) => x + unitsOf(m.reserved_delta), 0n));
        expect(reserved).toBe(held.filter((h) => h.item_no === s.item_no && h.account_id === s.account_id).reduce((x, h) => x + unitsOf(h.qty), 0n));
        expect(reserved).toBeGreaterThanOrEqual(0n);
        expect(onHand - reserved).toBeGreaterThanOrEqual(0n);
      }
      // The journal's balance after each movement is the running sum, never below zero.
      for (const s of stock) {
        let o = 0n;
        let r = 0n;
        for (const m of moves.filter((x) => x.item_no === s.item_no && x.account_id === s.account_id).sort((x, y) => (x.id < y.id ? -1 : 1))) {
          o += unitsOf(m.qty);
          r += unitsOf(m.reserved_delta);
          expect([unitsOf(m.on_hand_after), unitsOf(m.reserved_after)]).toEqual([o, r]);
          expect(r >= 0n && o >= r).toBe(true);
        }
      }
    }), { numRuns: adapter === 'postgres' ? 15 : 40 });
  });
});

/** Waits until some session of the test database waits for a row lock (the racing reservation). */
async function waitForLockWaiter(): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.SILKGATE_TEST_DATABASE_URL });
  await c.connect();
  try {
    for (let i = 0; i < 500; i++) {
      const r = await c.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      if ((r.rows[0] as { n: number }).n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the second reservation never waited for the first one\'s lock');
  } finally {
    await c.end();
  }
}
