// Money is integer fen (分). Message amounts are exact decimals (CEB N19,5 etc.) and never pass
// through binary floating point. Rounding is explicit, half-up, in exactly one function.

/** An amount in fen. Always a safe integer. */
export type Fen = number;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** An exact decimal: value = units / 10^scale. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

export function parseDecimal(text: string): Decimal {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal number: "${text}"`);
  const frac = m[3] ?? '';
  const units = BigInt((m[2] ?? '0') + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

export function formatDecimal(d: Decimal): string {
  const neg = d.units < 0n;
  const digits = (neg ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const int = digits.slice(0, digits.length - d.scale);
  const frac = d.scale > 0 ? '.' + digits.slice(digits.length - d.scale) : '';
  return (neg ? '-' : '') + int + frac;
}

/**
 * numerator / denominator rounded half-up (half away from zero), the rounding customs and the
 * tax rules use (ROUND_HALF_UP to 0.01 yuan per tax, cbec-rules §3.3).
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) return roundHalfUp(-numerator, -denominator);
  const neg = numerator < 0n;
  const n = neg ? -numerator : numerator;
  const q = (n * 2n + denominator) / (denominator * 2n);
  return neg ? -q : q;
}

function toSafe(v: bigint): Fen {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount out of range: ${v} fen`);
  return n;
}

/** Yuan text ("12.34") to fen, exactly. More than 2 decimals is an error unless they are zeros. */
export function yuanToFen(text: string): Fen {
  const d = parseDecimal(text);
  if (d.scale <= 2) return toSafe(d.units * 10n ** BigInt(2 - d.scale));
  const excess = 10n ** BigInt(d.scale - 2);
  if (d.units % excess !== 0n) throw new RangeError(`"${text}" has fractions of a fen`);
  return toSafe(d.units / excess);
}

/** Yuan text with any number of decimals to fen, rounded half-up. */
export function yuanToFenHalfUp(text: string): Fen {
  const d = parseDecimal(text);
  if (d.scale <= 2) return toSafe(d.units * 10n ** BigInt(2 - d.scale));
  return toSafe(roundHalfUp(d.units, 10n ** BigInt(d.scale - 2)));
}

/** Fen to yuan text with exactly two decimals ("1234" → "12.34"). */
export function fenToYuan(fen: Fen): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  return formatDecimal({ units: BigInt(fen), scale: 2 });
}

/** fen × rate, with the rate as an exact decimal string ("0.091"), rounded half-up to the fen. */
export function applyRate(fen: Fen, rate: string): Fen {
  const r = parseDecimal(rate);
  return toSafe(roundHalfUp(BigInt(fen) * r.units, 10n ** BigInt(r.scale)));
}

/** a × b exactly (the scales add up). */
export function multiplyDecimal(a: string, b: string): Decimal {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  return { units: x.units * y.units, scale: x.scale + y.scale };
}

/** The exact sum of decimal texts, at the largest scale among them. */
export function sumDecimals(values: readonly string[]): Decimal {
  const ds = values.map(parseDecimal);
  const scale = ds.reduce((m, d) => Math.max(m, d.scale), 0);
  return { units: ds.reduce((t, d) => t + d.units * 10n ** BigInt(scale - d.scale), 0n), scale };
}
