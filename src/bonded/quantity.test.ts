import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatQty, parseQty, parseSignedQty, unitsOf } from './quantity.js';

describe('stock quantities', () => {
  it.each([
    ['12', 1_200_000n], ['1.5', 150_000n], ['0.00001', 1n], ['007.10000', 710_000n], ['99999999999999.99999', 9_999_999_999_999_999_999n],
  ])('reads %s exactly', (text, units) => {
    expect(parseQty(text)).toBe(units);
  });
  it.each(['', '-1', '1.000001', '1e3', '1,5', '.5', '123456789012345', 'NaN'])('refuses %j', (text) => {
    expect(parseQty(text)).toBeUndefined();
  });
  it('reads signs for adjustments only', () => {
    expect(parseSignedQty('-2.5')).toBe(-250_000n);
    expect(parseSignedQty('+3')).toBe(300_000n);
    expect(parseSignedQty('--3')).toBeUndefined();
  });
  it('writes the shortest exact text and reads it back', () => {
    expect(formatQty(150_000n)).toBe('1.5');
    expect(formatQty(-1n)).toBe('-0.00001');
    expect(formatQty(0n)).toBe('0');
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), (u) => {
      expect(parseSignedQty(formatQty(u))).toBe(u);
    }));
  });
  it('reads bigint columns from either driver', () => {
    expect(unitsOf('9007199254740993')).toBe(9_007_199_254_740_993n);
    expect(unitsOf(42)).toBe(42n);
    expect(unitsOf(null)).toBe(0n);
  });
});
