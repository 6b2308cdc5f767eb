// The statistics' arithmetic as pure functions: what a released list, a declaration or a monthly
// report adds to the rollups, the measures read back from them, USD at the month's rate, and the
// ratios (year on year, month on month, share).
//
// Bases are kept apart (cbec-rules §7): customs statistics are the lists and declarations by
// supervision mode ("非业态全口径"); the enterprises' monthly reports are a second, labelled series;
// market procurement (市场采购, 1039) is never CBEC and never enters a cbec_* measure.
import { parseDecimal, roundHalfUp, type Fen } from '../kernel/money.js';

export const BASES = ['customs', 'self_report', 'certified'] as const;
export type Basis = (typeof BASES)[number];

export const MONEY_MEASURES = ['cbec_export', 'cbec_import', 'cbec_total', 'market_procurement'] as const;
export type MoneyMeasure = (typeof MONEY_MEASURES)[number];
export const COUNT_MEASURES = ['overseas_warehouses', 'overseas_warehouse_area_m2', 'parks', 'clusters', 'leading_enterprises', 'enterprises_cultivated'] as const;
export const MEASURES = [...MONEY_MEASURES, ...COUNT_MEASURES] as const;
export type Measure = (typeof MEASURES)[number];

/** 市场采购贸易方式 (customs 监管方式 1039): a series of its own, never CBEC. */
export const MARKET_PROCUREMENT = '1039';

export const MEASURE_LABELS: Readonly<Record<Measure, { zh: string; en: string }>> = {
  cbec_export: { zh: '跨境电商出口', en: 'CBEC exports' },
  cbec_import: { zh: '跨境电商零售进口', en: 'CBEC retail imports' },
  cbec_total: { zh: '跨境电商进出口', en: 'CBEC imports and exports' },
  market_procurement: { zh: '市场采购出口（1039，不计入跨境电商）', en: 'Market procurement exports (1039, not CBEC)' },
  overseas_warehouses: { zh: '海外仓数量', en: 'Overseas warehouses' },
  overseas_warehouse_area_m2: { zh: '海外仓面积（平方米）', en: 'Overseas warehouse area (m²)' },
  parks: { zh: '跨境电商园区', en: 'CBEC parks' },
  clusters: { zh: '跨境电商产业集群', en: 'CBEC industry clusters' },
  leading_enterprises: { zh: '龙头企业', en: 'Leading enterprises' },
  enterprises_cultivated: { zh: '培育跨境电商企业', en: 'CBEC enterprises cultivated' },
};

/** Which direction and modes a money measure takes. */
export function inMeasure(measure: MoneyMeasure, direction: string, mode: string): boolean {
  if (measure === 'market_procurement') return mode === MARKET_PROCUREMENT;
  if (mode === MARKET_PROCUREMENT) return false;
  return measure === 'cbec_total' || (measure === 'cbec_export' ? direction === 'E' : direction === 'I');
}

/** The rows a query takes: a measure's direction and the 1039 rule, narrowed by explicit filters. */
export interface RowFilter {
  readonly direction?: 'E' | 'I' | undefined;
  /** An exact mode; without one, 1039 is left out unless the measure is market_procurement. */
  readonly mode?: string | undefined;
  readonly measure?: MoneyMeasure | undefined;
}

export function filterOf(f: RowFilter): { direction?: 'E' | 'I'; mode?: string; excludeMode?: string } {
  const measure = f.measure;
  const direction = f.direction ?? (measure === 'cbec_export' ? 'E' : measure === 'cbec_import' ? 'I' : undefined);
  if (f.mode !== undefined) return { ...(direction ? { direction } : {}), mode: f.mode };
  if (measure === 'market_procurement') return { ...(direction ? { direction } : {}), mode: MARKET_PROCUREMENT };
  return { ...(direction ? { direction } : {}), excludeMode: MARKET_PROCUREMENT };
}

// ---------------------------------------------------------------- rollup deltas

/**
 * Dimensions of the zone rollup (mode and direction are columns of every row). Its enterprise cells
 * (key: the enterprise) serve the zone's view across enterprises and, by year, the ranking; the
 * enterprise rollup serves one enterprise's own figures.
 */
export const ZONE_DIMS = ['none', 'county', 'park', 'cluster', 'country', 'market', 'chapter', 'enterprise'] as const;
/** Dimensions of one enterprise's own rollup (it has one county, park and cluster: its totals). */
export const ENTERPRISE_DIMS = ['none', 'country', 'market', 'chapter'] as const;

export interface Where {
  readonly id: string;
  readonly county: string;
  readonly park: string;
  readonly cluster: string;
}

/** One line's part: where it goes and what it is worth (undefined: no exchange rate). */
export interface FactLine {
  readonly country: string;
  readonly gcode: string;
  readonly valueFen: Fen | undefined;
}

/**
 * What one list, declaration or report part adds (sign 1) or takes back (sign −1). A report has no
 * day (monthly rows only) and no goods (no country, market or chapter rows) and counts no list.
 */
export interface TradeFact {
  readonly basis: Basis;
  readonly direction: 'E' | 'I';
  readonly mode: string;
  /** Beijing day YYYY-MM-DD, or undefined for monthly figures. */
  readonly day?: string | undefined;
  readonly month: string;
  readonly enterprise: Where;
  readonly lines: readonly FactLine[];
  /** Whether the lines carry goods (country, HS code): lists and declarations do, reports do not. */
  readonly goods: boolean;
  /** Documents this fact counts (1 for a list or declaration, 0 for a report). */
  readonly documents: 0 | 1;
  readonly sign: 1 | -1;
}

export interface Delta {
  readonly basis: string;
  readonly grain: 'd' | 'm' | 'y';
  readonly dim: string;
  readonly period: string;
  readonly direction: string;
  readonly mode: string;
  readonly key: string;
  lists: number;
  valueFen: number;
  unpriced: number;
}

export interface EnterpriseDelta extends Delta {
  readonly enterpriseId: string;
}

/** HS chapter: the first two digits of the commodity code ('' when there are none). */
export const chapterOf = (gcode: string): string => (/^\d{2}/.test(gcode) ? gcode.slice(0, 2) : '');

/** Market groups a country belongs to ('other' when none; '' for an unknown country). */
export type MarketsOf = (country: string) => readonly string[];

const cellKey = (d: Omit<Delta, 'lists' | 'valueFen' | 'unpriced'>, enterprise = '') =>
  `${enterprise}\u0001${d.basis}\u0001${d.grain}\u0001${d.dim}\u0001${d.period}\u0001${d.direction}\u0001${d.mode}\u0001${d.key}`;

/**
 * The rollup deltas of a batch of facts, merged by cell (a round of receipts adds one upsert per
 * cell it touches, whatever the number of lists). A document counts once under each key its lines
 * reach: a list with lines of two chapters counts in both, so counts by key may add up to more
 * than the total; values always add up.
 */
export function deltasOf(facts: readonly TradeFact[], marketsOf: MarketsOf): { zone: Delta[]; enterprise: EnterpriseDelta[] } {
  const zone = new Map<string, Delta>();
  const ent = new Map<string, EnterpriseDelta>();
  const add = (cell: Omit<Delta, 'lists' | 'valueFen' | 'unpriced'>, lists: number, valueFen: number, unpriced: number, enterpriseId?: string) => {
    const k = cellKey(cell, enterpriseId);
    const into = enterpriseId === undefined ? zone : ent;
    let d: Delta | undefined = into.get(k);
    if (!d) {
      const fresh: EnterpriseDelta = { ...cell, enterpriseId: enterpriseId ?? '', lists: 0, valueFen: 0, unpriced: 0 };
      d = enterpriseId === undefined ? { ...cell, lists: 0, valueFen: 0, unpriced: 0 } : fresh;
      into.set(k, d as EnterpriseDelta);
    }
    d.lists += lists;
    d.valueFen += valueFen;
    d.unpriced += unpriced;
  };
  for (const f of facts) {
    const s = f.sign;
    const grains: ['d' | 'm', string][] = f.day ? [['d', f.day], ['m', f.month]] : [['m', f.month]];
    // Per key of each goods dimension: the lines' value, unpriced count, and whether the document reaches it.
    const byDim = new Map<string, Map<string, { fen: number; unpriced: number }>>();
    const put = (dim: string, key: string, line: FactLine) => {
      let m = byDim.get(dim);
      if (!m) byDim.set(dim, (m = new Map()));
      const v = m.get(key) ?? { fen: 0, unpriced: 0 };
      v.fen += line.valueFen ?? 0;
      v.unpriced += line.valueFen === undefined ? 1 : 0;
      m.set(key, v);
    };
    let totalFen = 0;
    let totalUnpriced = 0;
    for (const l of f.lines) {
      totalFen += l.valueFen ?? 0;
      totalUnpriced += l.valueFen === undefined ? 1 : 0;
      if (!f.goods) continue;
      put('country', l.country, l);
      for (const m of l.country ? marketsOf(l.country) : ['']) put('market', m, l);
      put('chapter', chapterOf(l.gcode), l);
    }
    const base = { basis: f.basis, direction: f.direction, mode: f.mode };
    const docs = f.documents * s;
    for (const [grain, period] of grains) {
      const at = { ...base, grain, period };
      const whole: [string, string][] = [['none', ''], ['county', f.enterprise.county], ['park', f.enterprise.park], ['cluster', f.enterprise.cluster], ['enterprise', f.enterprise.id]];
      for (const [dim, key] of whole) add({ ...at, dim, key }, docs, s * totalFen, s * totalUnpriced);
      add({ ...at, dim: 'none', key: '' }, docs, s * totalFen, s * totalUnpriced, f.enterprise.id);
      for (const [dim, keys] of byDim) {
        for (const [key, v] of keys) {
          add({ ...at, dim, key }, docs, s * v.fen, s * v.unpriced);
          add({ ...at, dim, key }, docs, s * v.fen, s * v.unpriced, f.enterprise.id);
        }
      }
    }
    // The enterprise's year: what the ranking of leading enterprises reads.
    add({ ...base, grain: 'y', period: f.month.slice(0, 4), dim: 'enterprise', key: f.enterprise.id }, docs, s * totalFen, s * totalUnpriced);
  }
  const order = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  // Sorted by cell: concurrent rounds upsert in the same order (no lock-order deadlock on PostgreSQL).
  return {
    zone: [...zone].sort(order).map(([, d]) => d),
    enterprise: [...ent].sort(order).map(([, d]) => d),
  };
}

// ---------------------------------------------------------------- money and ratios

/** Fen in US cents at a rate of `rate` CNY per USD, half-up (1 cent = `rate` fen). */
export function usdCents(fen: Fen, rate: string): number {
  const r = parseDecimal(rate);
  return Number(roundHalfUp(BigInt(fen) * 10n ** BigInt(r.scale), r.units));
}

const round = (x: number, places: number): number => {
  const k = 10 ** places;
  return Math.round(x * k) / k;
};

/** current / previous − 1 (a ratio, 0.25 = +25 %), or null when there is nothing to compare with. */
export const change = (current: number, previous: number): number | null => (previous > 0 ? round(current / previous - 1, 6) : null);

/** part / whole, or null for an empty whole. */
export const share = (part: number, whole: number): number | null => (whole > 0 ? round(part / whole, 6) : null);

/** actual / target, or null when either is missing. */
export const progress = (actual: number | null, target: number): number | null => (actual === null || target <= 0 ? null : round(actual / target, 6));

/**
 * The annual growth still needed to go from `base` (the last complete year's figure) to `target`
 * in `years` years: (target / base)^(1/years) − 1. Null without a base or when no year is left.
 */
export function growthNeeded(target: number, base: number | null, years: number): number | null {
  if (base === null || base <= 0 || years <= 0) return null;
  return round((target / base) ** (1 / years) - 1, 6);
}

/** Growth in percent (for percent targets): (current / previous − 1) × 100, two places. */
export const growthPercent = (current: number, previous: number): number | null => (previous > 0 ? round((current / previous - 1) * 100, 2) : null);
