import { describe, expect, it } from 'vitest';
import { countries } from './data/countries.js';
import { codeTables, country, countryFromIso3, currencyFromIso, isCode, lookupCode } from './index.js';

describe('code tables', () => {
  it('map the codes CEB messages use to ISO and back (cbec-rules §8 key values)', () => {
    expect(country('142')?.iso3).toBe('CHN');
    expect(countryFromIso3('USA')?.code).toBe('502');
    expect(countryFromIso3('jpn')?.code).toBe('116');
    expect(countryFromIso3('VNM')?.code).toBe('141');
    expect(currencyFromIso('CNY')?.code).toBe('142');
    expect(currencyFromIso('USD')?.code).toBe('502');
    expect(currencyFromIso('EUR')?.code).toBe('300');
  });
  it('know units, transport and trade modes', () => {
    expect(lookupCode('unit', '035')?.zh).toBe('千克');
    expect(lookupCode('transport-mode', '5')?.zh).toBe('航空运输');
    for (const mode of ['9610', '1210', '1239', '9710', '9810', '9661', '1261']) expect(isCode('trade-mode', mode), mode).toBe(true);
    expect(lookupCode('dxp-error', '1001')?.zh).toBe('数字签名无效');
    expect(lookupCode('business-error', '-621005')).toBeDefined();
  });
  it('have unique codes in every table and unique ISO codes', () => {
    for (const t of codeTables.values()) {
      expect(new Set(t.rows.map((r) => r.code)).size, t.name).toBe(t.rows.length);
    }
    const iso = countries.map((r) => r.iso3).filter(Boolean);
    expect(new Set(iso).size).toBe(iso.length);
    expect(iso.every((c) => /^[A-Z]{3}$/.test(c!))).toBe(true);
  });
  it('throws only for an unknown table name', () => {
    expect(lookupCode('country', '000')).toBeUndefined();
    expect(() => lookupCode('nope', '1')).toThrow(/unknown code table/);
  });
});
