import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyRate, fenToYuan, formatDecimal, parseDecimal, roundHalfUp, yuanToFen, yuanToFenHalfUp } from './money.js';

describe('roundHalfUp', () => {
  it.each([
    [5n, 10n, 1n], [4n, 10n, 0n], [15n, 10n, 2n], [25n, 10n, 3n], [-5n, 10n, -1n], [-4n, 10n, 0n], [-15n, 10n, -2n],
    [1n, 3n, 0n], [2n, 3n, 1n], [7n, -2n, -4n],
  ])('%d / %d → %d (half away from zero)', (n, d, q) => {
    expect(roundHalfUp(n, d)).toBe(q);
  });
  it('refuses division by zero', () => {
    expect(() => roundHalfUp(1n, 0n)).toThrow(RangeError);
  });
  it('never differs from the exact quotient by more than one half', () => {
    fc.assert(fc.property(fc.bigInt(-(10n ** 15n), 10n ** 15n), fc.bigInt(1n, 10n ** 6n), (n, d) => {
      const q = roundHalfUp(n, d);
      const diff = q * d - n; // (q − n/d)·d
      return 2n * (diff < 0n ? -diff : diff) <= d;
    }));
  });
});

describe('yuan and fen', () => {
  it('converts exactly where binary floating point would not', () => {
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('1.15')).toBe(115); // 1.15 * 100 = 114.99999999999999 in floating point
    expect(yuanToFen('5000')).toBe(500000);
    expect(yuanToFen('26000.00000')).toBe(2600000); // N19,5 with trailing zeros
    expect(yuanToFen('-3.2')).toBe(-320);
  });
  it('refuses fractions of a fen unless asked to round', () => {
    expect(() => yuanToFen('1.005')).toThrow(/fractions of a fen/);
    expect(yuanToFenHalfUp('1.005')).toBe(101);
    expect(yuanToFenHalfUp('1.00499')).toBe(100);
    expect(yuanToFenHalfUp('-1.005')).toBe(-101);
  });
  it('rejects text that is not a decimal', () => {
    for (const bad of ['', '1e3', '1,000', '¥5', '1.2.3', 'NaN']) expect(() => yuanToFen(bad)).toThrow(RangeError);
  });
  it('formats fen with two decimals', () => {
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-5)).toBe('-0.05');
    expect(fenToYuan(123456)).toBe('1234.56');
  });
  it('round-trips every fen amount', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), (fen) => yuanToFen(fenToYuan(fen)) === fen));
  });
  it('keeps N19,5 decimals exact through parse and format', () => {
    expect(formatDecimal(parseDecimal('12345678901234.12345'))).toBe('12345678901234.12345');
    expect(formatDecimal(parseDecimal('0.00001'))).toBe('0.00001');
  });
  it('applies a decimal rate with half-up rounding to the fen', () => {
    // 100.05 yuan at 9.1 % = 9.104550 yuan → 9.10
    expect(applyRate(10005, '0.091')).toBe(910);
    // 55 fen at 9.1 % = 5.005 fen → 5
    expect(applyRate(55, '0.091')).toBe(5);
    // 50 fen at 9.1 % = 4.55 fen → 5 (half up)
    expect(applyRate(50, '0.091')).toBe(5);
  });
});
