import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCustomsTime, parseCustomsTime, type CustomsTimeFormat } from '../kernel/time.js';
import { checkDecimal, checkInt } from './decode.js';
import { enumFor, tableFor, timeFormatFor, validTime } from './rules.js';

describe('validTime', () => {
  it.each([
    ['20240229', 'YYYYMMDD', true], ['20230229', 'YYYYMMDD', false], ['19000229', 'YYYYMMDD', false], ['20000229', 'YYYYMMDD', true],
    ['20231131', 'YYYYMMDD', false], ['20231301', 'YYYYMMDD', false], ['20230100', 'YYYYMMDD', false],
    ['20231127093015', 'YYYYMMDDhhmmss', true], ['20231127240000', 'YYYYMMDDhhmmss', false], ['20231127236000', 'YYYYMMDDhhmmss', false],
    ['20231127093015123', 'YYYYMMDDhhmmssSSS', true], ['2023112709301512', 'YYYYMMDDhhmmssSSS', false], ['2023-11-27', 'YYYYMMDD', false],
  ] as const)('%s as %s → %s', (value, format, ok) => {
    expect(validTime(value, format)).toBe(ok);
  });

  const formats: CustomsTimeFormat[] = ['YYYYMMDD', 'YYYYMMDDhhmmss', 'YYYYMMDDhhmmssSSS'];
  it('agrees with the kernel parser on every digit string of the right length', () => {
    fc.assert(fc.property(fc.constantFrom(...formats), fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 }), (format, a, b) => {
      const len = { YYYYMMDD: 8, YYYYMMDDhhmmss: 14, YYYYMMDDhhmmssSSS: 17 }[format];
      // Years 1000–2999 and loosely plausible other fields, so both valid and invalid values occur.
      const digits = (String(1000 + (a % 2000)) + String(a).padStart(10, '0').slice(-4) + String(b).padStart(10, '0')).slice(0, len);
      let parsed = true;
      try {
        parseCustomsTime(digits, format);
      } catch {
        parsed = false;
      }
      return validTime(digits, format) === parsed;
    }), { numRuns: 2000 });
  });

  it('accepts every formatted instant', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), fc.constantFrom(...formats), (d, f) => validTime(formatCustomsTime(d, f), f)));
  });
});

describe('decimals and integers (XML Schema facets)', () => {
  it.each([
    ['0', 19, 5, true], ['12345678901234.12345', 19, 5, true], ['123456789012345.1234', 19, 5, true], ['1234567890123456.1234', 19, 5, false],
    ['1.123456', 19, 5, false], ['1.123450', 19, 5, true], ['000123.5', 4, 1, true], ['-3.5', 2, 1, true], ['+7', 1, 0, true],
    ['.5', 1, 1, true], ['5.', 1, 0, true], ['.', 5, 2, false], ['', 5, 2, false], ['1e5', 19, 5, false], ['1,5', 19, 5, false],
    ['--1', 19, 5, false], ['1.2.3', 19, 5, false], [' 1', 19, 5, false],
  ] as const)('%s with totalDigits %d fractionDigits %d → %s', (v, digits, frac, ok) => {
    expect(checkDecimal(v, { digits, frac })).toBe(ok);
  });
  it.each([['5', 5, true], ['99999', 5, true], ['100000', 5, false], ['00012', 2, true], ['-12', 2, true], ['2147483648', 10, false], ['1.0', 5, false], ['', 5, false]] as const)(
    'int %s with totalDigits %d → %s', (v, digits, ok) => {
      expect(checkInt(v, digits)).toBe(ok);
    });
});

describe('field rules', () => {
  it('restricts appType by message (CEB623 takes only 1)', () => {
    expect(enumFor('CEB311Message', 'OrderHead', 'appType')?.values).toEqual(['1', '2', '3']);
    expect(enumFor('CEB623Message', 'InvtCancel', 'appType')?.values).toEqual(['1']);
    expect(enumFor('CEB303Message', 'OrderHead', 'orderType')?.values).toEqual(['E', 'B', 'W']);
    expect(enumFor('CEB311Message', 'BaseSubscribe', 'status')?.values).toEqual(['ALL', 'DATA', 'RET']);
    expect(enumFor('CEB622Message', 'InventoryReturn', 'status')).toBeUndefined();
  });
  it('fixes the import currency to RMB and checks code tables', () => {
    expect(tableFor('import', 'currency')).toEqual({ table: 'currency', partial: true, fixed: '142' });
    expect(tableFor('export', 'currency')?.fixed).toBeUndefined();
    expect(tableFor('export', 'tradeCountry')?.table).toBe('country');
    expect(tableFor('export', 'unit2')?.table).toBe('unit');
    expect(tableFor('export', 'goodsValue')).toBeUndefined();
  });
  it('knows time fields by name and length', () => {
    expect(timeFormatFor('appTime', 14)).toBe('YYYYMMDDhhmmss');
    expect(timeFormatFor('returnTime', 17)).toBe('YYYYMMDDhhmmssSSS');
    expect(timeFormatFor('ieDate', 8)).toBe('YYYYMMDD');
    expect(timeFormatFor('orderNo', 14)).toBeUndefined();
  });
});
