// Tax rates as data with effective dates: HS code prefix → MFN duty, VAT, consumption tax (ad
// valorem and/or specific, with a price threshold where the tax has one, e.g. 高档化妆品). A line
// takes the longest prefix of its 10-digit code that is in force on the day. Loaded from CSV (the
// seed in data/rates.csv, or a file the zone office keeps current from the tariff).

import { parseCsv } from '../kernel/csv.js';
import { parseDecimal, yuanToFen } from '../kernel/money.js';
import type { LineRates } from './compute.js';

export type ThresholdUnit = 'ml' | 'g' | 'piece';

export interface RateEntry {
  /** HS code prefix, 2 to 10 digits. */
  readonly hs: string;
  readonly name: string;
  /** First day in force, YYYY-MM-DD. */
  readonly from: string;
  /** First day no longer in force (exclusive), or null while in force. */
  readonly to: string | null;
  readonly duty: string;
  readonly vat: string;
  readonly consumption: string | null;
  readonly specificFenPerUnit: number | null;
  /** What the specific tax is levied on (e.g. 'L'): the line's quantity in that unit must be given. */
  readonly specificUnit: string | null;
  /**
   * The ad-valorem consumption tax applies only at or above these prices (fen per ml, g or piece of
   * content), e.g. 高档化妆品: 10 元/毫升（克） or 15 元/片（张）. Empty: it always applies.
   */
  readonly thresholds: readonly { readonly fenPerUnit: number; readonly unit: ThresholdUnit }[];
  readonly note: string;
}

export class RateTableError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`rate table: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
    this.name = 'RateTableError';
  }
}

const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day in YYYY-MM-DD (2019-02-30 is not one). */
export const isDay = (s: string): boolean => DAY_SHAPE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const DAY = { test: isDay };
const RATE = /^(0|0\.\d{1,6})$/;

/**
 * Reads the CSV (header: hs,name,from,to,duty,vat,consumption,specific_yuan_per_unit,specific_unit,threshold,note;
 * threshold as "10/ml;10/g;15/piece"). All rows or none.
 */
export function parseRates(csv: string): RateEntry[] {
  const problems: string[] = [];
  const out: RateEntry[] = [];
  parseCsv(csv).forEach((r, i) => {
    const at = `line ${i + 2}`;
    const bad = (what: string) => problems.push(`${at}: ${what}`);
    const hs = r.hs ?? '';
    if (!/^\d{2,10}$/.test(hs)) bad(`hs must be 2–10 digits, got "${hs}"`);
    const from = r.from ?? '';
    if (!DAY.test(from)) bad(`from must be YYYY-MM-DD, got "${from}"`);
    const to = r.to ? r.to : null;
    if (to !== null && (!DAY.test(to) || to <= from)) bad(`to must be a later YYYY-MM-DD than from, got "${to}"`);
    for (const [k, v] of [['duty', r.duty], ['vat', r.vat], ['consumption', r.consumption || '0']] as const) {
      if (!RATE.test(v ?? '')) bad(`${k} must be a rate 0 ≤ r < 1 with at most 6 decimals, got "${v ?? ''}"`);
    }
    const fenOf = (k: string, v: string | undefined): number | null => {
      if (!v) return null;
      try {
        const f = yuanToFen(v);
        if (f < 0) throw new RangeError('negative');
        return f;
      } catch {
        bad(`${k} must be an amount in yuan, got "${v}"`);
        return null;
      }
    };
    const specific = fenOf('specific_yuan_per_unit', r.specific_yuan_per_unit);
    const specificUnit = r.specific_unit || null;
    if ((specific === null) !== (specificUnit === null)) bad('specific_yuan_per_unit and specific_unit go together');
    const thresholds: { fenPerUnit: number; unit: ThresholdUnit }[] = [];
    for (const part of (r.threshold ?? '').split(';').map((x) => x.trim()).filter(Boolean)) {
      const m = /^([0-9.]+)\/(ml|g|piece)$/.exec(part);
      const f = m ? fenOf('threshold', m[1]) : null;
      if (!m || f === null) bad(`threshold must look like "10/ml;10/g;15/piece", got "${part}"`);
      else thresholds.push({ fenPerUnit: f, unit: m[2] as ThresholdUnit });
    }
    out.push({
      hs, name: r.name ?? '', from, to, duty: r.duty ?? '0', vat: r.vat ?? '0', consumption: r.consumption && parseDecimal(r.consumption).units !== 0n ? r.consumption : null,
      specificFenPerUnit: specific, specificUnit, thresholds, note: r.note ?? '',
    });
  });
  // One prefix, one rate on any day: overlapping periods would make the answer depend on row order.
  const byHs = new Map<string, RateEntry[]>();
  for (const e of out) byHs.set(e.hs, [...(byHs.get(e.hs) ?? []), e]);
  for (const [hs, list] of byHs) {
    const sorted = [...list].sort((a, b) => (a.from < b.from ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      if (prev.to === null || prev.to > sorted[i]!.from) problems.push(`hs ${hs}: periods from ${prev.from} and ${sorted[i]!.from} overlap`);
    }
  }
  if (problems.length) throw new RateTableError(problems);
  return out;
}

/** The day (YYYY-MM-DD) of a customs time (YYYYMMDD…), or undefined when it is not one. */
export function dayOf(customsTime: string | undefined): string | undefined {
  return customsTime && /^\d{8}/.test(customsTime) ? `${customsTime.slice(0, 4)}-${customsTime.slice(4, 6)}-${customsTime.slice(6, 8)}` : undefined;
}

/** Today in Beijing time (customs days are Beijing days). */
export const todayInBeijing = (): string => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export interface RateTable {
  readonly entries: readonly RateEntry[];
  /** The entry for a 10-digit code on a day: the longest prefix in force, or undefined. */
  find(hs: string, day: string): RateEntry | undefined;
}

export function rateTable(entries: readonly RateEntry[]): RateTable {
  const byHs = new Map<string, RateEntry[]>();
  for (const e of entries) byHs.set(e.hs, [...(byHs.get(e.hs) ?? []), e]);
  return {
    entries,
    find(hs, day) {
      for (let len = Math.min(10, hs.length); len >= 2; len--) {
        const hit = byHs.get(hs.slice(0, len))?.find((e) => e.from <= day && (e.to === null || day < e.to));
        if (hit) return hit;
      }
      return undefined;
    },
  };
}

/** The compute layer's view of an entry. */
export function lineRates(e: RateEntry): LineRates {
  return {
    duty: e.duty, vat: e.vat, source: `${e.hs} ${e.name} (${e.from}${e.to ? ` – ${e.to}` : ''})`,
    ...(e.consumption ? { consumption: e.consumption } : {}),
    ...(e.specificFenPerUnit !== null ? { specificFenPerUnit: e.specificFenPerUnit } : {}),
  };
}
