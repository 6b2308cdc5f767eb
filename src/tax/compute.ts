// Retail-import comprehensive tax (跨境电商综合税), cbec-rules.md §3: exact rational arithmetic on
// fen, one half-up rounding per tax at the end. Within the limits duty is 0 and VAT and
// consumption tax are 70 % of the statutory amounts (财关税〔2016〕18号 art 3); a single indivisible
// item above the single limit and within the annual one pays the full duty, VAT and CT (2018年第49号
// §2). The statutory formulas (§3.2):
//   duty = P·t;  CT = (P + duty + S)·c/(1 − c) + S;  VAT = (P + duty + CT)·v
// where S is the specific consumption tax (定额税) of the line. Within the limits the VAT base keeps
// the statutory CT: VAT = (P + CT_statutory)·v·0.7 (worked example B: 53.53, not 500·0.13·0.7).

import { parseDecimal, roundHalfUp, type Fen } from '../kernel/money.js';

export const SINGLE_LIMIT_FEN = 500_000;
export const ANNUAL_LIMIT_FEN = 2_600_000;

/** An exact fraction of fen. */
interface Q { n: bigint; d: bigint }
const q = (n: bigint, d = 1n): Q => (d < 0n ? { n: -n, d: -d } : { n, d });
const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  while (b) [a, b] = [b, a % b];
  return a;
};
const norm = (x: Q): Q => {
  const g = gcd(x.n, x.d);
  return g > 1n ? { n: x.n / g, d: x.d / g } : x;
};
const add = (a: Q, b: Q): Q => norm({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
const mul = (a: Q, b: Q): Q => norm({ n: a.n * b.n, d: a.d * b.d });
const div = (a: Q, b: Q): Q => norm(q(a.n * b.d, a.d * b.n));
const ZERO = q(0n);
const ONE = q(1n);
const SEVEN_TENTHS = q(7n, 10n);
const rate = (text: string): Q => {
  const r = parseDecimal(text);
  if (r.units < 0n) throw new RangeError(`a tax rate cannot be negative: ${text}`);
  return norm(q(r.units, 10n ** BigInt(r.scale)));
};
const fen = (x: Q): Fen => Number(roundHalfUp(x.n, x.d));

/** The rates that apply to one line (found by HS code and date in the rate table). */
export interface LineRates {
  /** MFN import duty rate, decimal ("0.05"). */
  readonly duty: string;
  /** VAT rate ("0.13" or "0.09"). */
  readonly vat: string;
  /** Ad-valorem consumption tax rate ("0.15"), if any. */
  readonly consumption?: string;
  /** Specific consumption tax in fen per legal unit (e.g. beer per 1,000 L), if any. */
  readonly specificFenPerUnit?: number;
  /** Where the rates come from (rate-table entry), for the explanation. */
  readonly source: string;
}

export interface TaxLineInput {
  readonly gnum: string;
  /** The line's retail value in fen (after genuine price cuts; coupons and points do not reduce it). */
  readonly valueFen: Fen;
  /** Pieces on the line, exact decimal text. */
  readonly qty: string;
  /** Quantity in the unit the specific consumption tax is levied on, when the line has one. */
  readonly specificQty?: string;
  readonly rates: LineRates;
  /** The ad-valorem consumption tax applies only above a price threshold (高档化妆品) and this line is below it. */
  readonly belowConsumptionThreshold?: boolean;
}

export interface TaxInput {
  readonly lines: readonly TaxLineInput[];
  readonly freightFen: Fen;
  readonly insuranceFen: Fen;
  /** The buyer's dutiable value already used this calendar year, in fen (released lists, returns restored). */
  readonly yearToDateFen: Fen;
  /** false: tax as within the limits whatever the amounts (what an over-limit order says it owes; the traffic simulator's faults). */
  readonly limits?: boolean;
}

export type TaxRule = 'cbec-within-limits' | 'cbec-single-item-full';

export interface LineTax {
  readonly gnum: string;
  readonly dutiableFen: Fen;
  readonly customsTax: Fen;
  readonly valueAddedTax: Fen;
  readonly consumptionTax: Fen;
  readonly source: string;
}

export type TaxQuote =
  | {
    readonly ok: true;
    readonly rule: TaxRule;
    /** 完税价格 P of the order: goods + freight + insurance. */
    readonly dutiableFen: Fen;
    readonly customsTax: Fen;
    readonly valueAddedTax: Fen;
    readonly consumptionTax: Fen;
    readonly taxTotal: Fen;
    /** Per line, each tax rounded on its own (the order's taxes are rounded once from the exact sums, so lines may differ by a fen in total). */
    readonly lines: readonly LineTax[];
    /**
     * The total the other convention gives: every line's taxes rounded, then summed (how a bill built
     * from its lines adds up). Equal to taxTotal for one line; may differ by a fen or so per line.
     */
    readonly lineRoundedTotal: Fen;
  }
  | { readonly ok: false; readonly code: '-621005' | '-621018'; readonly reason: 'single_limit' | 'annual_limit'; readonly dutiableFen: Fen; readonly allowedFen: Fen };

/** True for one line holding exactly one piece: the indivisible single item of 49号 §2. */
function singleItem(lines: readonly TaxLineInput[]): boolean {
  if (lines.length !== 1) return false;
  const d = parseDecimal(lines[0]!.qty);
  return d.units === 10n ** BigInt(d.scale);
}

export function quoteTax(input: TaxInput): TaxQuote {
  const goods = input.lines.reduce((s, l) => s + BigInt(l.valueFen), 0n);
  const extra = BigInt(input.freightFen + input.insuranceFen);
  const exact = goods + extra;
  // Amounts a message can carry (N19,5) may exceed what a fen count stays exact in: such an order is
  // far over every limit, so the limits answer it without arithmetic on it.
  const dutiable = exact > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(exact);
  // Limits on the order's 完税价格: over the single limit only one indivisible item passes (taxed in
  // full); the annual limit binds always (cbec-rules §3.3 C, C′, D, E).
  const limits = input.limits !== false;
  if (limits && dutiable > SINGLE_LIMIT_FEN && !singleItem(input.lines)) {
    return { ok: false, code: '-621005', reason: 'single_limit', dutiableFen: dutiable, allowedFen: SINGLE_LIMIT_FEN };
  }
  if (limits && input.yearToDateFen + dutiable > ANNUAL_LIMIT_FEN) {
    return { ok: false, code: '-621018', reason: 'annual_limit', dutiableFen: dutiable, allowedFen: Math.max(0, ANNUAL_LIMIT_FEN - input.yearToDateFen) };
  }
  const full = limits && dutiable > SINGLE_LIMIT_FEN;
  const totals = { duty: ZERO, vat: ZERO, ct: ZERO };
  const lines: LineTax[] = input.lines.map((l) => {
    // Freight and insurance shared over the lines by value, exactly (evenly when the goods are free).
    const share = goods === 0n ? q(extra, BigInt(input.lines.length)) : q(extra * BigInt(l.valueFen), goods);
    const p = add(q(BigInt(l.valueFen)), share);
    const t = rate(l.rates.duty);
    const v = rate(l.rates.vat);
    const c = l.rates.consumption && !l.belowConsumptionThreshold ? rate(l.rates.consumption) : ZERO;
    if (c.n >= c.d) throw new RangeError(`consumption tax rate ${l.rates.consumption} must be below 1`);
    const s = l.rates.specificFenPerUnit && l.specificQty ? mul(q(BigInt(l.rates.specificFenPerUnit)), rate(l.specificQty)) : ZERO;
    const duty = full ? mul(p, t) : ZERO;
    // 组成计税价格 = (P + duty + S) / (1 − c); CT = that × c + S.
    const ctStatutory = add(mul(div(add(add(p, duty), s), add(ONE, q(-c.n, c.d))), c), s);
    const ct = full ? ctStatutory : mul(ctStatutory, SEVEN_TENTHS);
    const vatStatutory = mul(add(add(p, duty), ctStatutory), v);
    const vat = full ? vatStatutory : mul(vatStatutory, SEVEN_TENTHS);
    totals.duty = add(totals.duty, duty);
    totals.vat = add(totals.vat, vat);
    totals.ct = add(totals.ct, ct);
    return { gnum: l.gnum, dutiableFen: fen(p), customsTax: fen(duty), valueAddedTax: fen(vat), consumptionTax: fen(ct), source: l.rates.source };
  });
  const customsTax = fen(totals.duty);
  const valueAddedTax = fen(totals.vat);
  const consumptionTax = fen(totals.ct);
  return {
    ok: true, rule: full ? 'cbec-single-item-full' : 'cbec-within-limits', dutiableFen: dutiable,
    customsTax, valueAddedTax, consumptionTax, taxTotal: customsTax + valueAddedTax + consumptionTax, lines,
    lineRoundedTotal: lines.reduce((t, l) => t + l.customsTax + l.valueAddedTax + l.consumptionTax, 0),
  };
}
