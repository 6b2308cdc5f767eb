// The fast path's decimal text: exactly fromScaled's for every safe integer.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromScaledNumber } from './fast.js';
import { fromScaled } from './rules.js';

describe('fromScaledNumber', () => {
  it('writes what fromScaled writes', () => {
    const edges = [0, 1, -1, 5, 10, 99_999, 100_000, 100_001, -100_000, -99_999, 120_000, 1_234_500, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 9_007_199_254_699_999];
    for (const v of edges) expect(fromScaledNumber(v)).toBe(fromScaled(BigInt(v)));
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => fromScaledNumber(v) === fromScaled(BigInt(v))), { numRuns: 5000 });
  });
});
