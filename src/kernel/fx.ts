// Monthly exchange rates as data: customs currency code → CNY per unit, in force from a month until
// the next entry for that currency. Customs converts with the rate of the month (海关月度汇率); the
// seed holds illustrative levels only and says so — the zone loads its table (SILKGATE_FX_RATES).
// Conversion is exact: amount × rate in decimal units, one half-up rounding to the fen.
import { readFileSync } from 'node:fs';
import { parseCsv } from './csv.js';
import { parseDecimal, roundHalfUp, type Fen } from './money.js';
import { projectPath } from './paths.js';

export interface FxEntry {
  /** Customs 3-digit currency code (142 is CNY itself and needs no entry). */
  readonly currency: string;
  /** First month in force, YYYY-MM. */
  readonly from: string;
  /** CNY per one unit of the currency, decimal text. */
  readonly rate: string;
  readonly note: string;
}

export interface FxTable {
  readonly entries: readonly FxEntry[];
  /** The rate in force for a currency in a month (YYYY-MM); '1' for CNY; undefined when none. */
  rate(currency: string, month: string): string | undefined;
  /** An amount (decimal text) of a currency in fen at the month's rate, half-up; undefined without a rate. */
  toFen(amount: string, currency: string, month: string): Fen | undefined;
}

export class FxTableError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`exchange rates: ${problems.slice(0, 5).join('; ')}`);
    this.name = 'FxTableError';
  }
}

/** Reads the CSV (header: currency,from,cny_per_unit,note). All rows or none. */
export function parseFxRates(csv: string): FxEntry[] {
  const problems: string[] = [];
  const out: FxEntry[] = [];
  const seen = new Set<string>();
  parseCsv(csv).forEach((r, i) => {
    const at = `line ${i + 2}`;
    const currency = r.currency ?? '';
    const from = r.from ?? '';
    const rate = r.cny_per_unit ?? '';
    if (!/^\d{3}$/.test(currency)) problems.push(`${at}: currency must be a 3-digit customs code, got "${currency}"`);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(from)) problems.push(`${at}: from must be YYYY-MM, got "${from}"`);
    if (!/^\d{1,6}(\.\d{1,8})?$/.test(rate) || /^0+(\.0+)?$/.test(rate)) problems.push(`${at}: cny_per_unit must be a positive decimal, got "${rate}"`);
    if (seen.has(`${currency}|${from}`)) problems.push(`${at}: ${currency} from ${from} is given twice`);
    seen.add(`${currency}|${from}`);
    out.push({ currency, from, rate, note: r.note ?? '' });
  });
  if (problems.length) throw new FxTableError(problems);
  return out;
}

export function fxTable(entries: readonly FxEntry[]): FxTable {
  const by = new Map<string, FxEntry[]>();
  for (const e of entries) by.set(e.currency, [...(by.get(e.currency) ?? []), e]);
  for (const list of by.values()) list.sort((a, b) => (a.from < b.from ? 1 : -1));
  const rate = (currency: string, month: string): string | undefined =>
    currency === '142' ? '1' : by.get(currency)?.find((e) => e.from <= month)?.rate;
  return {
    entries,
    rate,
    toFen(amount, currency, month) {
      const r = rate(currency, month);
      if (r === undefined) return undefined;
      const a = parseDecimal(amount);
      const k = parseDecimal(r);
      // amount × rate has scale a.scale + k.scale (yuan); fen is two places in.
      return Number(roundHalfUp(a.units * k.units * 100n, 10n ** BigInt(a.scale + k.scale)));
    },
  };
}

/** The seeded table, or the zone's file. */
export function loadFxTable(file?: string): FxTable {
  const path = file ?? projectPath('src/kernel/data/fx-rates.csv');
  return fxTable(parseFxRates(readFileSync(path, 'utf8')));
}
