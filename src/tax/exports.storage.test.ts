// Export registration on both databases: immutable lines, and the report's eligibility reasons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { createExportRegistry, type ExportRegistry } from './exports.js';
import type { Enterprise } from '../registry/model.js';
import type { Principal } from '../registry/index.js';

const exporter = { id: 'ent-1', customsCode: '3318900021', uscc: '91330782MA00000021' } as unknown as Enterprise;
const admin = { kind: 'admin', tokenId: 't' } as unknown as Principal;

function listRow(id: string, invtNo: string, tradeMode: string, customsCode: string, state = 'released') {
  const body = {
    InventoryHead: { invtNo, ebcCode: exporter.customsCode, ownerCode: exporter.customsCode, tradeMode, customsCode, ieDate: '20261115' },
    InventoryList: [
      { gnum: '1', gname: '圣诞彩球', unit: '011', qty: '12', price: '3', totalPrice: '36', currency: '502' },
      { gnum: '2', gname: '扳手', unit: '011', qty: '2', price: '7.25', totalPrice: '14.5', currency: '502' },
    ],
  };
  return {
    id, enterprise_id: 'broker', parcel_id: `p-${id}`, message_type: 'CEB603Message', source: 'filed', cop_no: `cop-${id}`, pre_no: null, invt_no: invtNo,
    waybill_key: null, head_guid: `g-${id}`, state, body: JSON.stringify(body), audience: '[]', created_at: '2026-11-15T00:00:00Z', updated_at: '2026-11-15T01:00:00Z', version: 1, signed_xml: null,
  };
}

describe.each(adapters)('export registration on %s', (adapter) => {
  let t: TestStore;
  let reg: ExportRegistry;
  beforeAll(async () => {
    t = await openTestStore(adapter);
    reg = createExportRegistry({ store: t.store, zoneCustomsCodes: ['2900'] });
    await t.store.db.insertInto('inventories').values([
      listRow('a', '29002026E000000001', '9610', '2900'), listRow('b', '31002026E000000002', '9610', '3100'),
      listRow('c', '29002026E000000003', '9710', '2900'), listRow('d', '29002026E000000004', '9610', '2900', 'sent'),
      listRow('e', '29002026E000000005', '9610', '2900'),
      { ...listRow('f', '29002026E000000006', '9610', '2900'), body: listRow('f', '29002026E000000006', '9610', '2900').body.replace(`"ownerCode":"${exporter.customsCode}"`, '"ownerCode":"3318900099"') },
    ]).execute();
  });
  afterAll(() => t?.dispose());

  it('registers each released list once and keeps the first registration', async () => {
    for (const invt of ['29002026E000000001', '31002026E000000002', '29002026E000000003']) expect((await reg.register(exporter, invt, 'test')).registered).toBe(2);
    expect((await reg.register(exporter, '29002026E000000001', 'test')).registered).toBe(0);
    await expect(reg.register(exporter, '29002026E000000004', 'test')).rejects.toMatchObject({ code: 'EXPORT_LIST_NOT_RELEASED' });
    await expect(reg.register({ ...exporter, customsCode: '9999999999' } as Enterprise, '29002026E000000001', 'test')).rejects.toMatchObject({ code: 'EXPORT_LIST_NOT_YOURS' });
    expect((await reg.list(admin, undefined, { limit: 50, offset: 0 })).total).toBe(6);
  });

  it('reports eligible lines and the 4 % computation exactly, and says why others are not eligible', async () => {
    const r = await reg.report(admin, undefined, { from: '2026-11-01', to: '2026-11-30' });
    const e = r.enterprises[0]!;
    expect(e).toMatchObject({ ebcCode: exporter.customsCode, lines: 6, eligibleLines: 2 });
    expect(e.ineligible.map((x) => x.reason).sort()).toEqual([
      'declared at customs 3100, outside the zone', 'declared at customs 3100, outside the zone',
      'trade mode 9710 is not retail export (9610)', 'trade mode 9710 is not retail export (9610)',
    ]);
    expect(e.byCurrency).toEqual([expect.objectContaining({ currency: '502', amount: '151.5', exemptRevenue: '50.5', deemedTaxableIncome: '2.020', corporateIncomeTax: '0.50500' })]);
  });

  it('takes two registrations of one list at once without an error, and shows the owner what it registered', async () => {
    const [a, b] = await Promise.all([reg.register(exporter, '29002026E000000005', 'one'), reg.register(exporter, '29002026E000000005', 'two')]);
    expect(a.registered + b.registered).toBe(2);
    expect(a.lines).toEqual(b.lines);
    const owner = { id: 'ent-owner', customsCode: '3318900099', uscc: '91330782MA00000099' } as unknown as Enterprise;
    expect((await reg.register(owner, '29002026E000000006', 'owner')).registered).toBe(2);
    const asOwner = { kind: 'enterprise', enterpriseId: 'ent-owner', tokenId: 't' } as unknown as Principal;
    expect((await reg.list(asOwner, owner.customsCode ?? undefined, { limit: 10, offset: 0 })).items.map((i) => i.invtNo)).toEqual(['29002026E000000006', '29002026E000000006']);
  });
});
