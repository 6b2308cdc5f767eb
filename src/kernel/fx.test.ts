import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fxTable, FxTableError, loadFxTable, parseFxRates } from './fx.js';

const table = fxTable(parseFxRates('currency,from,cny_per_unit,note\n502,2025-01,7.1884,\n502,2025-07,7.1600,\n116,2025-01,0.046521,\n'));

describe('monthly exchange rates', () => {
  it('takes the latest entry in force for the month, and CNY as itself', () => {
    expect(table.rate('502', '2025-03')).toBe('7.1884');
    expect(table.rate('502', '2025-07')).toBe('7.1600');
    expect(table.rate('502', '2026-02')).toBe('7.1600');
    expect(table.rate('502', '2024-12')).toBeUndefined();
    expect(table.rate('300', '2025-03')).toBeUndefined();
    expect(table.rate('142', '1999-01')).toBe('1');
  });

  it('converts exactly with one half-up rounding to the fen', () => {
    // 696.00 USD × 7.1884 = 5003.1264 → 5,003.13 yuan
    expect(table.toFen('696', '502', '2025-03')).toBe(500313);
    // 0.0005 yuan rounds up, 0.0004999 down: 1 JPY × 0.046521 = 0.046521 → 0.05
    expect(table.toFen('1', '116', '2025-03')).toBe(5);
    expect(table.toFen('100.5', '142', '2025-03')).toBe(10050);
    expect(table.toFen('1', '300', '2025-03')).toBeUndefined();
  });

  it('conversion is monotone and never off by more than half a fen', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), (cents) => {
      const amount = (cents / 100).toFixed(2);
      const fen = table.toFen(amount, '502', '2025-03')!;
      const exact = (BigInt(cents) * 71884n) / 10000n; // floor of cents × rate, in fen
      return fen === Number(exact) || fen === Number(exact) + 1;
    }));
  });

  it('refuses a table with a bad row, whole', () => {
    expect(() => parseFxRates('currency,from,cny_per_unit,note\n502,2025-13,7.1,\n')).toThrow(FxTableError);
    expect(() => parseFxRates('currency,from,cny_per_unit,note\nUSD,2025-01,7.1,\n')).toThrow(/3-digit/);
    expect(() => parseFxRates('currency,from,cny_per_unit,note\n502,2025-01,0,\n')).toThrow(/positive/);
    expect(() => parseFxRates('currency,from,cny_per_unit,note\n502,2025-01,7.1,\n502,2025-01,7.2,\n')).toThrow(/twice/);
  });

  it('the seeded table loads and covers the currencies exports are invoiced in', () => {
    const seed = loadFxTable();
    for (const c of ['502', '300', '303', '116', '110']) expect(seed.rate(c, '2026-11')).toBeDefined();
  });
});
