import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../kernel/paths.js';
import { RateTableError, parseRates, rateTable } from './rates.js';

const HEADER = 'hs,name,from,to,duty,vat,consumption,specific_yuan_per_unit,specific_unit,threshold,note\n';

describe('rate table', () => {
  it('reads the seed and finds the longest prefix in force on the day', () => {
    const t = rateTable(parseRates(readFileSync(projectPath('src/tax/data/rates.csv'), 'utf8')));
    expect(t.find('3304990099', '2026-11-28')).toMatchObject({ hs: '3304', vat: '0.13', consumption: '0.15', thresholds: [{ fenPerUnit: 1000, unit: 'ml' }, { fenPerUnit: 1000, unit: 'g' }, { fenPerUnit: 1500, unit: 'piece' }] });
    expect(t.find('1901101090', '2026-11-28')).toMatchObject({ hs: '19011010', vat: '0.13' });
    expect(t.find('0409000000', '2026-11-28')).toMatchObject({ vat: '0.09' });
    expect(t.find('2208300000', '2026-11-28')).toMatchObject({ consumption: '0.2', specificFenPerUnit: 100, specificUnit: 'L' });
    expect(t.find('3304990099', '2019-03-31')).toBeUndefined();
    expect(t.find('9999999999', '2026-11-28')).toBeUndefined();
  });

  it('moves to the next period on its first day', () => {
    const t = rateTable(parseRates(HEADER +
      '3304,化妆品,2019-04-01,2027-01-01,0.01,0.13,0.15,,,,\n3304,化妆品,2027-01-01,,0.01,0.13,0.1,,,,\n330499,其他,2019-04-01,,0.02,0.13,,,,,\n'));
    expect(t.find('3304100000', '2026-12-31')?.consumption).toBe('0.15');
    expect(t.find('3304100000', '2027-01-01')?.consumption).toBe('0.1');
    expect(t.find('3304990099', '2027-06-01')).toMatchObject({ hs: '330499', consumption: null });
  });

  it('refuses the whole file for any bad row, naming each problem', () => {
    const bad = HEADER + '33,x,2019-04-01,,0.01,1.3,,,,,\n3304,y,20190401,,0.01,0.13,,,,,\n2208,z,2019-04-01,,0.1,0.13,0.2,1,,,\n3304,a,2019-04-01,,0.01,0.13,,,,5/litre,\n';
    let err: unknown;
    try {
      parseRates(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RateTableError);
    const problems = (err as RateTableError).problems.join('\n');
    expect(problems).toContain('line 2: vat must be a rate');
    expect(problems).toContain('line 3: from must be YYYY-MM-DD');
    expect(problems).toContain('line 4: specific_yuan_per_unit and specific_unit go together');
    expect(problems).toContain('line 5: threshold must look like');
    expect(() => parseRates(HEADER + '3304,a,2019-04-01,,0.01,0.13,,,,,\n3304,b,2020-01-01,,0.01,0.13,,,,,\n')).toThrow(/overlap/);
    expect(() => parseRates(HEADER + '3304,a,2019-02-30,,0.01,0.13,,,,,\n')).toThrow(/from must be YYYY-MM-DD/);
  });
});

describe('tax data in force', () => {
  it('takes the configured files instead of the seed, and stops on a bad one', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadTaxData } = await import('./index.js');
    const dir = mkdtempSync(join(tmpdir(), 'silkgate-rates-'));
    const file = join(dir, 'rates.csv');
    writeFileSync(file, HEADER + '1901,食品,2020-01-01,,0.1,0.09,,,,,\n');
    const { rates, positiveList } = loadTaxData({ rates: file });
    expect(rates.find('1901101010', '2026-11-28')?.vat).toBe('0.09');
    expect(rates.find('3304990099', '2026-11-28')).toBeUndefined();
    expect(positiveList.find('1901101010', '2026-11-28')).toBeDefined();
    writeFileSync(file, HEADER + '1901,食品,2020-01-01,,0.1,9,,,,,\n');
    expect(() => loadTaxData({ rates: file })).toThrow(RateTableError);
    expect(() => loadTaxData({ positiveList: join(dir, 'missing.csv') })).toThrow(/ENOENT/);
  });
});
