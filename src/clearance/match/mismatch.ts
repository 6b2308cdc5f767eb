// A mismatch explains one failed three-document check field by field: which document, which
// field, what was expected, what was found, in zh-CN and en, with the customs code where one exists.
import { text, type MessageCode, type Text } from '../../kernel/i18n/index.js';
import { formatDecimal, parseDecimal, roundHalfUp } from '../../kernel/money.js';

export interface Mismatch {
  /** Stable rule name, e.g. 'amount_paid'. */
  readonly rule: string;
  /** Customs business code (spec table 7-2) when customs has one for this failure. */
  readonly code: string | null;
  /** Message type of the document holding the field, e.g. 'CEB411Message'. */
  readonly document: string;
  /** Path of the field in that document, e.g. 'PaymentHead/amountPaid'. */
  readonly field: string;
  readonly expected: string;
  readonly found: string;
  readonly message: Text;
}

export interface MatchResult {
  readonly matched: boolean;
  readonly mismatches: readonly Mismatch[];
}

export function mismatch(
  key: MessageCode, rule: string, code: string | null, document: string, field: string, expected: string, found: string,
): Mismatch {
  return { rule, code, document, field, expected, found, message: text(key, { document: document.replace(/Message$/, ''), field, expected, found }) };
}

/** Message amounts are N19,5: compare them exactly at 5 decimals, never as floats. */
export const SCALE = 5;
export function units(value: string | undefined): bigint | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const d = parseDecimal(value);
    return d.units * 10n ** BigInt(SCALE - Math.min(d.scale, SCALE)) / (d.scale > SCALE ? 10n ** BigInt(d.scale - SCALE) : 1n);
  } catch {
    return undefined;
  }
}
/** 5-decimal units to a plain decimal string without trailing zeros ("319.12"). */
export function showUnits(u: bigint): string {
  return formatDecimal({ units: u, scale: SCALE }).replace(/\.?0+$/, '');
}
/** 5-decimal units to fen, half-up. */
export function unitsToFen(u: bigint): number {
  return Number(roundHalfUp(u, 10n ** BigInt(SCALE - 2)));
}
