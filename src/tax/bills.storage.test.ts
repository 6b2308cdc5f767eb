// The tax-bill ledger on both databases: upsert by taxNo, status changes, totals per guarantor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { createTaxBills, type TaxBills } from './bills.js';
import { rateTable } from './rates.js';
import type { Principal } from '../registry/index.js';

const admin = { kind: 'admin', tokenId: 't' } as unknown as Principal;
const bill = (taxNo: string, assureCode: string, vat: string, status = '1') => ({
  Tax: [{ TaxHeadRd: { guid: 'G', returnTime: '20261127120000000', invtNo: `2900${taxNo}`, taxNo, customsTax: '0', valueAddedTax: vat, consumptionTax: '1.5', status, assureCode }, TaxListRd: [{ gnum: '1', gcode: '1901101010', taxPrice: '320', customsTax: '0', valueAddedTax: vat, consumptionTax: '1.5' }] }],
});

describe.each(adapters)('tax bills on %s', (adapter) => {
  let t: TestStore;
  let bills: TaxBills;
  beforeAll(async () => {
    t = await openTestStore(adapter);
    bills = createTaxBills({ store: t.store, rates: () => rateTable([]), products: async () => () => undefined });
  });
  afterAll(() => t?.dispose());

  it('stores bills once per taxNo, applies status changes and sums per guarantor without void bills', async () => {
    expect(await bills.receive('CEB816Message', bill('T1', 'A', '29.12'))).toBe(1);
    expect(await bills.receive('CEB816Message', bill('T2', 'A', '10'))).toBe(1);
    expect(await bills.receive('CEB816Message', bill('T3', 'B', '5'))).toBe(1);
    // The same bill again (customs resends) replaces, never doubles.
    await bills.receive('CEB816Message', bill('T1', 'A', '29.12'));
    const all = await bills.list(admin, undefined, { limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    // No list known: nothing to reconcile against, so nothing flagged.
    expect(all.items.every((b) => b.computedTaxTotal === null && !b.flagged)).toBe(true);
    expect(await bills.totals(admin, undefined)).toEqual([
      { assureCode: 'A', bills: 2, customsTax: '0.00', valueAddedTax: '39.12', consumptionTax: '3.00', taxTotal: '42.12', flagged: 0 },
      { assureCode: 'B', bills: 1, customsTax: '0.00', valueAddedTax: '5.00', consumptionTax: '1.50', taxTotal: '6.50', flagged: 0 },
    ]);
    expect(await bills.receive('CEB818Message', { Tax: [{ TaxHeadStatus: { taxNo: 'T2', status: '3' } }] })).toBe(1);
    expect((await bills.totals(admin, undefined))[0]).toMatchObject({ assureCode: 'A', bills: 1, taxTotal: '30.62' });
    const enterprise = { kind: 'enterprise', enterpriseId: 'e', tokenId: 't' } as unknown as Principal;
    expect((await bills.list(enterprise, 'B', { limit: 10, offset: 0 })).items.map((b) => b.taxNo)).toEqual(['T3']);
    expect(await bills.totals(enterprise, 'B')).toHaveLength(1);
  });

  it('never revives a void bill, and keeps a status that comes before its bill', async () => {
    // T2 was voided above; customs sends the bill itself again.
    await bills.receive('CEB816Message', bill('T2', 'A', '10'));
    expect((await bills.list(admin, undefined, { limit: 10, offset: 0 })).items.find((b) => b.taxNo === 'T2')?.status).toBe('3');
    // A void for T9 arrives before T9's bill.
    await bills.receive('CEB818Message', { Tax: [{ TaxHeadStatus: { taxNo: 'T9', invtNo: '2900T9', status: '3' } }] });
    await bills.receive('CEB816Message', bill('T9', 'C', '7'));
    const t9 = (await bills.list(admin, undefined, { limit: 20, offset: 0 })).items.find((b) => b.taxNo === 'T9')!;
    expect(t9).toMatchObject({ status: '3', valueAddedTax: '7.00', assureCode: 'C' });
    expect((await bills.totals(admin, undefined)).map((x) => x.assureCode)).not.toContain('C');
  });
});
