// Stock quantities as exact integers of 10⁻⁵: the CEB's quantities are N19,5 (ceb-messages §3), so
// five decimals hold every quantity a list or notice can carry, and sums never pass through floats.

/** Units of 10⁻⁵ per unit of measure. */
export const QTY_SCALE = 100_000n;
const FRACTION_DIGITS = 5;
/** N19,5: at most 14 digits before the point. */
const MAX_INTEGER_DIGITS = 14;
const QTY = /^(\d+)(?:\.(\d+))?$/;

export type Units = bigint;

/**
 * A non-negative decimal quantity text ("12", "1.5", "0.00001") as units; undefined when it is not
 * one or has more than five decimals (other than trailing zeros) or more than 14 integer digits.
 */
export function parseQty(text: string): Units | undefined {
  const m = QTY.exec(text.trim());
  if (!m) return undefined;
  const int = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > FRACTION_DIGITS || int.length > MAX_INTEGER_DIGITS) return undefined;
  return BigInt(int) * QTY_SCALE + BigInt(frac.padEnd(FRACTION_DIGITS, '0') || '0');
}

/** A signed quantity text ("-3", "+2.5") as units; undefined as parseQty. */
export function parseSignedQty(text: string): Units | undefined {
  const t = text.trim();
  const neg = t.startsWith('-');
  const v = parseQty(neg || t.startsWith('+') ? t.slice(1) : t);
  return v === undefined ? undefined : neg ? -v : v;
}

/** Units as the shortest exact decimal text ("150000" → "1.5", "-100000" → "-1"). */
export function formatQty(units: Units): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const int = abs / QTY_SCALE;
  const frac = (abs % QTY_SCALE).toString().padStart(FRACTION_DIGITS, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** A bigint column as units, from either driver (SQLite: number, PostgreSQL: text). */
export const unitsOf = (v: number | string | bigint | null | undefined): Units => (v === null || v === undefined ? 0n : BigInt(typeof v === 'number' ? Math.trunc(v) : v));

/**
 * Units as a column value. Both drivers take a decimal string for a bigint column (SQLite's
 * integer affinity converts it), which keeps values past 2⁵³ exact on PostgreSQL; SQLite reads
 * them back as numbers, so balances are kept within the safe range (see MAX_BALANCE).
 */
export const dbUnits = (u: Units): string => u.toString();

/** The largest balance the ledger keeps: SQLite returns integers as doubles, exact below 2⁵³. */
export const MAX_BALANCE: Units = BigInt(Number.MAX_SAFE_INTEGER);
