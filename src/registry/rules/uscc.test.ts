import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkUscc, usccCheckChar, USCC_ALPHABET } from './uscc.js';

describe('GB 32100-2015 check character', () => {
  it('accepts the standard\'s widely cited sample code', () => {
    // 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4 with weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    // 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 21·20 + 0 + 0 + 0 + 8 + 0 + 0 + 29·30 + 4·28 = 1640;
    // 1640 mod 31 = 28; 31 − 28 = 3 → "3".
    expect(checkUscc('91350100M000100Y43')).toEqual({ ok: true });
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('maps a remainder of 0 to the character 0, not 31', () => {
    // 1·1 + 3·(3·10)… is hard by hand; instead: the all-zero prefix sums to 0 → 31 − 0 = 31 → 0.
    expect(usccCheckChar('00000000000000000')).toBe('0');
    // "1" in position 17 (weight 28) sums to 28 → 31 − 28 = 3.
    expect(usccCheckChar('00000000000000001')).toBe('3');
    // "Y" (30) in position 1 (weight 1): 30 → 31 − 30 = 1.
    expect(usccCheckChar('Y0000000000000000')).toBe('1');
  });

  it('reports the expected and actual character for a wrong check character', () => {
    expect(checkUscc('91350100M000100Y44')).toEqual({ ok: false, reason: 'check', expected: '3', actual: '4' });
  });

  it.each([
    ['too short', '91350100M000100Y4'],
    ['too long', '91350100M000100Y433'],
    ['lower case', '91350100m000100Y43'],
    ['forbidden letter I', '91350100I000100Y43'],
    ['forbidden letter O', '91350100M000100O43'],
    ['letters where the division code goes', '913501A0M000100Y43'],
    ['empty', ''],
  ])('rejects a malformed code (%s)', (_why, code) => {
    expect(checkUscc(code)).toEqual({ ok: false, reason: 'format' });
  });

  const char = fc.constantFrom(...USCC_ALPHABET);
  const digit = fc.constantFrom(...'0123456789');
  const prefix = fc.tuple(fc.array(char, { minLength: 2, maxLength: 2 }), fc.array(digit, { minLength: 6, maxLength: 6 }), fc.array(char, { minLength: 9, maxLength: 9 }))
    .map(([a, b, c]) => [...a, ...b, ...c].join(''));

  it('accepts every well-formed prefix completed with its check character', () => {
    fc.assert(fc.property(prefix, (p) => checkUscc(p + usccCheckChar(p)).ok));
  });

  it('detects every single-character substitution (31 is prime and no weight is 0 mod 31)', () => {
    fc.assert(fc.property(prefix, fc.nat(16), char, (p, pos, c) => {
      fc.pre(p[pos] !== c);
      const code = p + usccCheckChar(p);
      const changed = code.slice(0, pos) + c + code.slice(pos + 1);
      return !checkUscc(changed).ok;
    }));
  });
});
