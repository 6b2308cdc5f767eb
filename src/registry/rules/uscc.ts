// 统一社会信用代码, GB 32100-2015: 18 characters from a 31-symbol alphabet (digits and upper-case
// letters without I, O, Z, S, V); positions 3–8 are the administrative division code; position 18
// is a check character over the first 17, weights 3^(i-1) mod 31, value 31 − (Σ mod 31), 31 → 0.

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = Array.from({ length: 17 }, (_, i) => Number(3n ** BigInt(i) % 31n));
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character for the first 17 characters of a code. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) throw new RangeError(`not a USCC character at position ${i + 1}: "${first17[i]}"`);
    sum += v * WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export type UsccVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'format' }
  | { readonly ok: false; readonly reason: 'check'; readonly expected: string; readonly actual: string };

export function checkUscc(code: string): UsccVerdict {
  if (!SHAPE.test(code)) return { ok: false, reason: 'format' };
  const expected = usccCheckChar(code.slice(0, 17));
  const actual = code[17]!;
  return expected === actual ? { ok: true } : { ok: false, reason: 'check', expected, actual };
}
