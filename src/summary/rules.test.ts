// The grouping's invariants, on random lines: the sums of every declaration line add up to the
// lines it takes, and every line lands on exactly one declaration line; plus message packing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { consolidate, fromScaled, locator, planMessages, toScaled, type KeyedAmounts } from './rules.js';

const line = fc.record({
  loctNo: fc.constantFrom('', 'L1'), ownerCode: fc.constantFrom('O1', 'O2', 'O3'), trafMode: fc.constantFrom('4', '5'), headCountry: fc.constantFrom('502', '303'),
  portCode: fc.constantFrom('2900', '2901'), country: fc.constantFrom('502', '303', '116'), gcode: fc.constantFrom('9505100000', '6109100022', '9503002100'),
  currency: fc.constantFrom('502', '300'), gname: fc.constantFrom('A', 'B'), unit: fc.constantFrom('011', '007'), unit1: fc.constant('035'), unit2: fc.constantFrom('', '011'),
  lines: fc.constant(1n), qty: fc.bigInt(0n, 10n ** 12n), qty1: fc.bigInt(0n, 10n ** 12n), qty2: fc.bigInt(0n, 10n ** 9n), totalPrice: fc.bigInt(0n, 10n ** 14n),
}) as fc.Arbitrary<KeyedAmounts>;
const flags = fc.record({ summaryFlag: fc.constantFrom('1' as const, '2' as const), itemNameFlag: fc.boolean() });

describe('consolidation rules', () => {
  it('sums each declaration line exactly from the lines that land on it, every line exactly once', () => {
    fc.assert(fc.property(fc.array(line, { maxLength: 60 }), flags, (lines, f) => {
      const groups = consolidate(lines, f);
      const locate = locator(groups, f);
      const got = new Map<string, { lines: bigint; qty: bigint; qty1: bigint; qty2: bigint; totalPrice: bigint }>();
      for (const l of lines) {
        const at = locate(l);
        expect(at).toBeDefined();
        const k = `${at!.groupNo}/${at!.gseqno}`;
        const t = got.get(k) ?? { lines: 0n, qty: 0n, qty1: 0n, qty2: 0n, totalPrice: 0n };
        t.lines += 1n; t.qty += l.qty; t.qty1 += l.qty1; t.qty2 += l.qty2; t.totalPrice += l.totalPrice;
        got.set(k, t);
      }
      const items = groups.flatMap((g) => g.items.map((i) => [`${g.groupNo}/${i.gseqno}`, { lines: i.lines, qty: i.qty, qty1: i.qty1, qty2: i.qty2, totalPrice: i.totalPrice }] as const));
      expect(new Map(items)).toEqual(got);
      expect(groups.map((g) => g.groupNo)).toEqual(groups.map((_, i) => i + 1));
      if (f.summaryFlag === '1') expect(groups.every((g) => g.ownerCode === '')).toBe(true);
    }));
  });

  it('keeps decimals exact (0.1 + 0.2 = 0.3) and refuses more than five decimals', () => {
    expect(fromScaled(toScaled('0.1') + toScaled('0.2'))).toBe('0.3');
    expect(fromScaled(toScaled('90000000000000.00001') + toScaled('0.00001'))).toBe('90000000000000.00002');
    // N19,5 allows more than an int64 of 10^-5 holds: the store refuses rather than wraps.
    expect(() => toScaled('99999999999999.99999')).toThrow(/does not fit/);
    expect(fromScaled(toScaled('-1.5'))).toBe('-1.5');
    expect(() => toScaled('0.000001')).toThrow(RangeError);
  });

  it('packs every list into exactly one part, parts never over the limit, at most 100 applications a message', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 150 }), fc.integer({ min: 1, max: 10 }), (sizes, max) => {
      const groups = sizes.map((lists, i) => ({ groupNo: i + 1, lists }));
      const msgs = planMessages(groups, max);
      for (const m of msgs) {
        expect(m.length).toBeLessThanOrEqual(100);
        expect(m.reduce((t, p) => t + p.count, 0)).toBeLessThanOrEqual(max);
      }
      for (const g of groups) {
        const parts = msgs.flat().filter((p) => p.groupNo === g.groupNo);
        expect(parts.map((p) => p.partNo)).toEqual(parts.map((_, i) => i + 1));
        expect(parts.every((p) => p.partCount === parts.length)).toBe(true);
        expect(parts.reduce((t, p) => t + p.count, 0)).toBe(g.lists);
      }
    }));
  });
});
