// `silkgate tax quote` on a CEB621 the way a declarant would run it: worked example A of
// cbec-rules.md §3.3 (formula, goods 300 with a 30 coupon, freight 20) gives 29.12 — the very
// taxTotal the order carries — and the limits refuse with customs' codes.
import { requireBuild, silkgate } from './support/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMessage } from '../src/ceb/codec.js';
import { wrap } from '../src/ceb/dxp.js';
import type { Enterprise } from '../src/registry/model.js';
import { inventoryMessage } from './support/ceb-models.js';
import { parcel, type Parties } from './support/parcels.js';

let dir: string;

const f = (name: string) => join(dir, name);
const party = (code: string, name: string) => ({ customsCode: code, nameZh: name, dxpId: `DXPENT${code}`, uscc: `91330782MA${code.slice(0, 8)}` } as unknown as Enterprise);
const parties: Parties = { ebp: party('3318900001', '平台'), ebc: party('3318900011', '电商企业'), payment: party('3318900013', '支付'), logistics: party('3318900014', '物流') };

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'silkgate-tax-'));
  const x = parcel(parties);
  writeFileSync(f('list.xml'), writeMessage('CEB621Message', inventoryMessage(x, parties.ebc)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('silkgate tax quote', () => {
  it('quotes worked example A: P 320, 9.1 % → 29.12, with the CEB816 field names and the rule', async () => {
    const r = await silkgate(['tax', 'quote', f('list.xml')]);
    expect(r.code).toBe(0);
    const [list] = JSON.parse(r.stdout).lists;
    expect(list).toMatchObject({ status: 'quoted', rule: 'cbec-within-limits', dutiablePrice: '320.00', customsTax: '0.00', valueAddedTax: '29.12', consumptionTax: '0.00', taxTotal: '29.12' });
    expect(list.lines[0]).toMatchObject({ gcode: '1901101010', valueAddedTax: '29.12' });
    expect(list.lines[0].rates).toContain('19011010');
  });

  it('reads a DxpMsg envelope too', async () => {
    writeFileSync(f('dxp.xml'), wrap(writeMessage('CEB621Message', inventoryMessage(parcel(parties), parties.ebc)), { senderId: 'DXPENT3318900011' }));
    expect(JSON.parse((await silkgate(['tax', 'quote', f('dxp.xml')])).stdout).lists[0].taxTotal).toBe('29.12');
  });

  it('refuses beyond the annual limit with -621018 and exits 1', async () => {
    const r = await silkgate(['tax', 'quote', f('list.xml'), '--ytd', '25900']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).lists[0]).toMatchObject({ status: 'refused', code: '-621018' });
  });

  it('takes the rates from a file, and says so when a line has none', async () => {
    writeFileSync(f('rates.csv'), 'hs,name,from,to,duty,vat,consumption,specific_yuan_per_unit,specific_unit,threshold,note\n1901,食品,2020-01-01,,0.1,0.09,,,,,\n');
    expect(JSON.parse((await silkgate(['tax', 'quote', f('list.xml'), '--rates', f('rates.csv')])).stdout).lists[0].taxTotal).toBe('20.16');
    writeFileSync(f('none.csv'), 'hs,name,from,to,duty,vat,consumption,specific_yuan_per_unit,specific_unit,threshold,note\n3304,化妆品,2020-01-01,,0.01,0.13,0.15,,,,\n');
    const r = await silkgate(['tax', 'quote', f('list.xml'), '--rates', f('none.csv')]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).lists[0]).toMatchObject({ status: 'unrated' });
    writeFileSync(f('bad.csv'), 'hs,name,from,to,duty,vat\n19,x,2020,,2,0.13\n');
    const bad = await silkgate(['tax', 'quote', f('list.xml'), '--rates', f('bad.csv')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 2');
    expect((await silkgate(['tax', 'quote', f('list.xml'), '--ytd', 'lots'])).code).toBe(2);
  });

  it('quotes a CEB311 order through the product records in the database (--data)', async () => {
    const { createPlatform } = await import('../src/platform.js');
    const { loadConfig } = await import('../src/kernel/config.js');
    const { demoEnterprises } = await import('../src/zone/demo.js');
    const { ITEM_RECORDS } = await import('./support/parcels.js');
    const data = f('data');
    const platform = await createPlatform(loadConfig({ data }, {}));
    await platform.registry.importMany(demoEnterprises(platform.zone), 'test');
    const ebc = (await platform.registry.list({ limit: 100 })).items.find((e) => e.customsCode === parties.ebc.customsCode)!;
    await platform.pipeline.putItemRecords(ebc, ITEM_RECORDS);
    await platform.close();
    writeFileSync(f('order.xml'), writeMessage('CEB311Message', parcel(parties).order));
    const r = await silkgate(['tax', 'quote', f('order.xml'), '--data', data]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ messageType: 'CEB311Message', lists: [{ status: 'quoted', taxTotal: '29.12', lines: [{ gcode: '1901101010' }] }] });
    // Without the records (another data folder), the order cannot be quoted, and says why.
    const none = await silkgate(['tax', 'quote', f('order.xml'), '--data', f('empty')]);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout).lists[0].reason).toContain('no product record');
  });
});
