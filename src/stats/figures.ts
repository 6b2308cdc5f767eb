// Reading the statistics: series by day or month and dimension, the year's key figures against the
// year before, the month's analysis by market, cluster, county or mode, and the ranking of leading
// enterprises. Every read is a range of one (basis, grain, dimension) of a rollup: a few hundred
// cells at most, whatever the number of lists behind them.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { FxTable } from '../kernel/fx.js';
import { invalid, issue } from '../kernel/errors.js';
import type { ZoneProfile } from '../zone/index.js';
import * as repo from './repository.js';
import { change, filterOf, inMeasure, MEASURE_LABELS, MONEY_MEASURES, share, usdCents, type Basis, type MoneyMeasure, type RowFilter } from './rules.js';
import { daysBetween, monthsBetween, splitRange, yearBefore } from './periods.js';
import type { Labeller } from './labels.js';

export const SERIES_DIMS = ['none', 'mode', 'direction', 'county', 'park', 'cluster', 'country', 'market', 'chapter', 'enterprise'] as const;
export type SeriesDim = (typeof SERIES_DIMS)[number];
export const ANALYSIS_BY = ['market', 'cluster', 'county', 'mode', 'park', 'country', 'chapter', 'direction'] as const;
export type AnalysisBy = (typeof ANALYSIS_BY)[number];

/** Whose figures: the zone's, or one enterprise's own. */
export interface Scope { readonly enterpriseId?: string | undefined }

export interface SeriesRow {
  period: string;
  key: string;
  labelZh: string;
  labelEn: string;
  lists: number;
  valueFen: number;
  /** null when the month has no USD rate in the table. */
  valueUsdCents: number | null;
  unpricedLines: number;
}

export interface FigureDeps {
  readonly db: Kysely<Database>;
  readonly zone: ZoneProfile;
  readonly fx: FxTable;
  readonly label: Labeller;
  readonly now: () => Date;
  /** Annual CBEC trade from which an enterprise counts as leading (龙头企业). */
  readonly leadingThresholdFen: number;
}

const USD = '502';
/** 10亿元: the ranking flags enterprises at or above it. */
export const ONE_BILLION_YUAN_FEN = 100_000_000_000;
/**
 * Longest ranges a series answers: a year and a month of days, ten years of months; by day, the
 * dimensions with hundreds of keys a zone (countries, chapters, enterprises) a quarter at most,
 * which keeps the answer within the dashboard's 100 ms with a large zone's year loaded.
 */
const MAX_DAYS = 400;
const MAX_DAYS_MANY_KEYS = 93;
const MAX_MONTHS = 120;
const MANY_KEYS: ReadonlySet<string> = new Set(['country', 'chapter', 'enterprise']);

interface Plan {
  readonly table: 'zone' | 'enterprise';
  readonly dim: string;
  /** The column the key comes from, or a fixed key (the enterprise's own county …), or none. */
  readonly keyColumn?: repo.Column;
  readonly fixedKey?: string;
}

export function createFigures(deps: FigureDeps) {
  const { db, fx, label } = deps;
  const today = () => new Date(deps.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);

  /** Where a dimension is read from, for the zone or for one enterprise. */
  async function plan(dim: SeriesDim, scope: Scope): Promise<Plan> {
    if (dim === 'mode' || dim === 'direction') return { table: scope.enterpriseId ? 'enterprise' : 'zone', dim: 'none', keyColumn: dim };
    if (dim === 'none') return { table: scope.enterpriseId ? 'enterprise' : 'zone', dim: 'none' };
    if (dim === 'enterprise') return scope.enterpriseId ? { table: 'enterprise', dim: 'none', fixedKey: scope.enterpriseId } : { table: 'zone', dim: 'enterprise', keyColumn: 'key' };
    if (!scope.enterpriseId) return { table: 'zone', dim, keyColumn: 'key' };
    if (dim === 'country' || dim === 'market' || dim === 'chapter') return { table: 'enterprise', dim, keyColumn: 'key' };
    // An enterprise is in one county, park and cluster: its totals under that key.
    const e = (await repo.enterprisesById(db, [scope.enterpriseId]))[0];
    return { table: 'enterprise', dim: 'none', fixedKey: (e?.[dim] as string | null | undefined) ?? '' };
  }

  const usdOf = (fen: number, month: string): number | null => {
    const rate = fx.rate(USD, month);
    return rate === undefined ? (fen === 0 ? 0 : null) : usdCents(fen, rate);
  };

  async function labels(dim: string, keys: readonly string[]): Promise<(key: string) => { zh: string; en: string }> {
    if (dim !== 'enterprise') return (key) => label(dim, key);
    const names = new Map((await repo.enterprisesById(db, keys.filter((k) => !k.startsWith('code:')))).map((e) => [e.id, { zh: e.name_zh, en: e.name_en ?? e.name_zh }]));
    return (key) => names.get(key) ?? (key.startsWith('code:') ? { zh: `${key.slice(5)}（未登记）`, en: `${key.slice(5)} (not registered)` } : label('enterprise', ''));
  }

  /** Cells of a plan over a period range, grouped by period and key. */
  async function planned(p: Plan, scope: Scope, basis: string, grain: 'd' | 'm', from: string, to: string, f: RowFilter, keys?: readonly string[], by: repo.Column[] = ['period']): Promise<(repo.Cell & { key: string; period: string })[]> {
    const q: repo.CellQuery = {
      table: p.table, basis, grain, dim: p.dim, from, to, ...filterOf(f), enterpriseId: scope.enterpriseId,
      by: p.keyColumn ? [...by, p.keyColumn] : by, ...(keys && p.keyColumn ? { keys, keyColumn: p.keyColumn } : {}),
    };
    const rows = await repo.cells(db, q);
    return rows.map((r) => ({ ...r, period: String(r.period ?? ''), key: p.keyColumn ? String(r[p.keyColumn]) : p.fixedKey ?? '' }));
  }

  /**
   * The `limit` keys with the largest value over the range. A day range is ranked from the monthly
   * cells of its whole months and the daily cells of the rest (a thirtieth of the rows to read).
   */
  async function topOf(p: Plan, scope: Scope, basis: string, grain: 'd' | 'm', from: string, to: string, f: RowFilter, limit: number): Promise<string[] | undefined> {
    if (!p.keyColumn) return undefined;
    const q = { table: p.table, basis, dim: p.dim, ...filterOf(f), enterpriseId: scope.enterpriseId, by: [] };
    if (grain === 'm') return repo.topKeys(db, { ...q, grain, from, to }, p.keyColumn, limit);
    const parts = splitRange(from, to);
    const ranges = [...(parts.months ? [{ ...q, grain: 'm' as const, ...parts.months }] : []), ...parts.days.map((d) => ({ ...q, grain: 'd' as const, ...d }))];
    if (ranges.length === 1) return repo.topKeys(db, ranges[0]!, p.keyColumn, limit);
    const totals = new Map<string, number>();
    for (const r of ranges) for (const c of await repo.cells(db, { ...r, by: [p.keyColumn] })) totals.set(String(c[p.keyColumn]), (totals.get(String(c[p.keyColumn])) ?? 0) + c.value_fen);
    return [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit).map(([k]) => k);
  }

  /**
   * Money per (month, direction, mode) over a day range: whole months from the monthly rollup, the
   * partial ones from the daily one. With `enterprises`, per enterprise too (the ranking's page).
   */
  async function rangeCells(scope: Scope, table: 'zone' | 'enterprise', basis: string, from: string, to: string, enterprises?: readonly string[]) {
    const parts = splitRange(from, to);
    // Per enterprise: the zone's enterprise cells, only those asked for.
    const base = enterprises
      ? { table: 'zone' as const, basis, dim: 'enterprise', by: ['period', 'direction', 'mode', 'key'] as repo.Column[], keys: enterprises, keyColumn: 'key' as const }
      : { table, basis, dim: 'none', enterpriseId: scope.enterpriseId, by: ['period', 'direction', 'mode'] as repo.Column[] };
    const out: repo.Cell[] = [];
    if (parts.months) out.push(...await repo.cells(db, { ...base, grain: 'm', from: parts.months.from, to: parts.months.to }));
    for (const d of parts.days) {
      for (const c of await repo.cells(db, { ...base, grain: 'd', from: d.from, to: d.to })) out.push({ ...c, period: String(c.period).slice(0, 7) });
    }
    return out;
  }

  /** A money measure over cells: fen, lists, and USD month by month at each month's rate. */
  function measureOf(cells: readonly repo.Cell[], measure: MoneyMeasure) {
    const months = new Map<string, number>();
    let valueFen = 0;
    let lists = 0;
    let unpriced = 0;
    for (const c of cells) {
      if (!inMeasure(measure, String(c.direction), String(c.mode))) continue;
      valueFen += c.value_fen;
      lists += c.lists;
      unpriced += c.unpriced;
      const m = String(c.period).slice(0, 7);
      months.set(m, (months.get(m) ?? 0) + c.value_fen);
    }
    let usd: number | null = 0;
    for (const [m, fen] of months) {
      const u = usdOf(fen, m);
      usd = u === null || usd === null ? null : usd + u;
    }
    return { valueFen, valueUsdCents: usd, lists, unpricedLines: unpriced };
  }

  /** This year so far against the same days of the year before; a past year against the whole year before. */
  function yearRanges(year: number) {
    const now = today();
    const y = String(year).padStart(4, '0');
    const current = y === now.slice(0, 4);
    const to = current ? now : `${y}-12-31`;
    const from = `${y}-01-01`;
    return { from, to, previousFrom: `${String(year - 1).padStart(4, '0')}-01-01`, previousTo: yearBefore(to), current };
  }

  return {
    today,
    yearRanges,
    rangeCells,
    measureOf,

    async series(q: { from: string; to: string; grain: 'day' | 'month'; dim: SeriesDim; basis: Basis; limit: number } & RowFilter, scope: Scope): Promise<SeriesRow[]> {
      if (q.from > q.to) throw invalid([issue('STATS_RANGE_ORDER', '/to', { from: q.from, to: q.to })]);
      const grain = q.grain === 'day' ? 'd' : 'm';
      const from = grain === 'd' ? q.from : q.from.slice(0, 7);
      const to = grain === 'd' ? q.to : q.to.slice(0, 7);
      const maxDays = MANY_KEYS.has(q.dim) && !scope.enterpriseId ? MAX_DAYS_MANY_KEYS : MAX_DAYS;
      if (grain === 'd' ? daysBetween(from, to) >= maxDays : monthsBetween(from, to) >= MAX_MONTHS) {
        throw invalid([issue('STATS_RANGE_TOO_LONG', '/from', { days: maxDays, months: MAX_MONTHS })]);
      }
      const p = await plan(q.dim, scope);
      const keys = await topOf(p, scope, q.basis, grain, from, to, q, q.limit);
      const cells = await planned(p, scope, q.basis, grain, from, to, q, keys);
      const named = await labels(q.dim, [...new Set(cells.map((c) => c.key))]);
      const rank = new Map((keys ?? []).map((k, i) => [k, i]));
      return cells
        .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : (rank.get(a.key) ?? 0) - (rank.get(b.key) ?? 0)))
        .map((c) => {
          const l = named(c.key);
          return { period: String(c.period), key: c.key, labelZh: l.zh, labelEn: l.en, lists: c.lists, valueFen: c.value_fen, valueUsdCents: usdOf(c.value_fen, String(c.period).slice(0, 7)), unpricedLines: c.unpriced };
        });
    },

    /** The money measures of a year (so far) and of the same period the year before. */
    async kpis(year: number, basis: Basis, scope: Scope) {
      const r = yearRanges(year);
      const table = scope.enterpriseId ? 'enterprise' : 'zone';
      const now = await rangeCells(scope, table, basis, r.from, r.to);
      const before = await rangeCells(scope, table, basis, r.previousFrom, r.previousTo);
      const kpis = MONEY_MEASURES.map((measure) => {
        const a = measureOf(now, measure);
        const b = measureOf(before, measure);
        return {
          measure, labelZh: MEASURE_LABELS[measure].zh, labelEn: MEASURE_LABELS[measure].en,
          valueFen: a.valueFen, valueUsdCents: a.valueUsdCents, lists: a.lists, unpricedLines: a.unpricedLines,
          previousFen: b.valueFen, previousUsdCents: b.valueUsdCents, yoy: change(a.valueFen, b.valueFen),
        };
      });
      return { range: { from: r.from, to: r.to }, previousRange: { from: r.previousFrom, to: r.previousTo }, kpis };
    },

    /** One month by a dimension against the month before and the same month a year earlier. */
    async analysis(q: { month: string; by: AnalysisBy; basis: Basis } & RowFilter, scope: Scope) {
      const p = await plan(q.by, scope);
      const [y, m] = q.month.split('-').map(Number) as [number, number];
      const prevMonth = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
      const prevYear = `${y - 1}-${String(m).padStart(2, '0')}`;
      const at = async (month: string) => new Map((await planned(p, scope, q.basis, 'm', month, month, q)).map((c) => [c.key, c]));
      const [now, mom, yoy] = [await at(q.month), await at(prevMonth), await at(prevYear)];
      const whole = (await planned({ table: p.table, dim: 'none' }, scope, q.basis, 'm', q.month, q.month, q)).reduce((s, c) => s + c.value_fen, 0);
      const keys = [...new Set([...now.keys(), ...mom.keys(), ...yoy.keys()])];
      const named = await labels(q.by, keys);
      const rows = keys.map((key) => {
        const v = now.get(key)?.value_fen ?? 0;
        const pm = mom.get(key)?.value_fen ?? 0;
        const py = yoy.get(key)?.value_fen ?? 0;
        const l = named(key);
        return { key, labelZh: l.zh, labelEn: l.en, lists: now.get(key)?.lists ?? 0, valueFen: v, valueUsdCents: usdOf(v, q.month), previousMonthFen: pm, previousYearFen: py, mom: change(v, pm), yoy: change(v, py), share: share(v, whole) };
      }).sort((a, b) => b.valueFen - a.valueFen || (a.key < b.key ? -1 : 1));
      return { previousMonth: prevMonth, previousYearMonth: prevYear, totalFen: whole, rows };
    },

    /**
     * The ranking of enterprises by a year's CBEC trade (imports and exports, 1039 left out) with the
     * same period of the year before. An enterprise sees only its own row (with its rank).
     */
    async leading(q: { year: number; basis: Basis; limit: number; offset: number; over1billion?: boolean | undefined }, scope: Scope) {
      const r = yearRanges(q.year);
      const years = await repo.enterpriseYears(db, { basis: q.basis, years: [String(q.year)], excludeMode: '1039' });
      const ranked = years.filter((x) => x.valueFen > 0).sort((a, b) => b.valueFen - a.valueFen || (a.enterpriseId < b.enterpriseId ? -1 : 1))
        .map((x, i) => ({ ...x, rank: i + 1 }));
      let visible = scope.enterpriseId ? ranked.filter((x) => x.enterpriseId === scope.enterpriseId) : ranked;
      if (q.over1billion) visible = visible.filter((x) => x.valueFen >= ONE_BILLION_YUAN_FEN);
      const page = visible.slice(q.offset, q.offset + q.limit);
      const ids = page.map((x) => x.enterpriseId);
      // The same days of the year before, for the page's enterprises only.
      const before = new Map<string, number>();
      if (ids.length) {
        for (const c of await rangeCells({}, 'zone', q.basis, r.previousFrom, r.previousTo, ids)) {
          if (c.mode === '1039') continue;
          before.set(String(c.key), (before.get(String(c.key)) ?? 0) + c.value_fen);
        }
      }
      const places = new Map((await repo.enterprisesById(db, ids.filter((id) => !id.startsWith('code:')))).map((e) => [e.id, e]));
      return {
        year: q.year, basis: q.basis, range: { from: r.from, to: r.to }, previousRange: { from: r.previousFrom, to: r.previousTo }, total: visible.length,
        rows: page.map((x) => {
          const e = places.get(x.enterpriseId);
          const prev = before.get(x.enterpriseId) ?? 0;
          return {
            rank: x.rank, enterpriseId: x.enterpriseId, nameZh: e?.name_zh ?? x.enterpriseId.replace(/^code:/, ''), nameEn: e?.name_en ?? e?.name_zh ?? x.enterpriseId.replace(/^code:/, ''),
            county: e?.county ?? null, cluster: e?.cluster ?? null, valueFen: x.valueFen, lists: x.lists, previousFen: prev, yoy: change(x.valueFen, prev),
            over1billion: x.valueFen >= ONE_BILLION_YUAN_FEN, leading: x.valueFen >= deps.leadingThresholdFen,
          };
        }),
      };
    },

    /**
     * A measure's figure for the zone in a year (targets): money from the monthly rollup; parks and
     * clusters with CBEC trade in the year; enterprises with trade, or at least the leading threshold.
     * Stock measures (warehouses) are read by the caller from the reports.
     */
    async yearFigure(measure: string, basis: Basis, year: number): Promise<number | null> {
      const y = String(year).padStart(4, '0');
      if ((MONEY_MEASURES as readonly string[]).includes(measure)) {
        return measureOf(await repo.cells(db, { table: 'zone', basis, grain: 'm', dim: 'none', from: `${y}-01`, to: `${y}-12`, by: ['period', 'direction', 'mode'] }), measure as MoneyMeasure).valueFen;
      }
      if (measure === 'parks' || measure === 'clusters') {
        const dim = measure === 'parks' ? 'park' : 'cluster';
        const known = new Set((measure === 'parks' ? deps.zone.parks : deps.zone.clusters).map((x) => x.code));
        const cells = await repo.cells(db, { table: 'zone', basis, grain: 'm', dim, from: `${y}-01`, to: `${y}-12`, excludeMode: '1039', by: ['key'] });
        return cells.filter((c) => c.value_fen > 0 && known.has(String(c.key))).length;
      }
      if (measure === 'enterprises_cultivated' || measure === 'leading_enterprises') {
        const floor = measure === 'leading_enterprises' ? deps.leadingThresholdFen : 1;
        return (await repo.enterpriseYears(db, { basis, years: [y], excludeMode: '1039' })).filter((x) => x.valueFen >= floor).length;
      }
      return null;
    },

    /** The same days of `year − 1` as `year` has so far (or the whole year before a past year). */
    async previousFigure(measure: MoneyMeasure, basis: Basis, year: number): Promise<number> {
      const r = yearRanges(year);
      return measureOf(await rangeCells({}, 'zone', basis, r.previousFrom, r.previousTo), measure).valueFen;
    },
  };
}

export type Figures = ReturnType<typeof createFigures>;
