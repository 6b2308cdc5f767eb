// The rollup arithmetic by hand: what two export lists add to each cell, a take-back that undoes
// them, a monthly report's parts, USD at the month's rate, and 1039 kept out of CBEC.
import { describe, expect, it } from 'vitest';
import { deltasOf, filterOf, inMeasure, usdCents, change, share, type Delta, type TradeFact } from './rules.js';
import { reportFacts } from './record.js';
import { splitRange, yearBefore } from './periods.js';
import { dueDateOf as dueDay } from './reports.js';

const E1 = { id: 'E1', county: '330782', park: '', cluster: 'yiwu-commodities' };
// 304 is in two groups here, to show a list counted under each group its lines reach.
const markets = (c: string) => ({ '502': ['eu_us'], '304': ['eu_us', 'bri'], '303': ['eu_us'] } as Record<string, string[]>)[c] ?? ['other'];

const listA: TradeFact = {
  basis: 'customs', direction: 'E', mode: '9610', day: '2026-11-03', month: '2026-11', enterprise: E1, goods: true, documents: 1, sign: 1,
  lines: [{ country: '502', gcode: '9505100000', valueFen: 25_560 }, { country: '304', gcode: '6109100022', valueFen: 10_000 }],
};
const listB: TradeFact = {
  ...listA,
  // The second line has no exchange rate: counted, valued 0.
  lines: [{ country: '502', gcode: '9505100000', valueFen: 1_000 }, { country: '303', gcode: '9503000000', valueFen: undefined }],
};

const cell = (ds: readonly Delta[], grain: string, dim: string, key: string) => {
  const d = ds.find((x) => x.grain === grain && x.dim === dim && x.key === key);
  return d ? { lists: d.lists, valueFen: d.valueFen, unpriced: d.unpriced } : undefined;
};

describe('rollup deltas', () => {
  const { zone, enterprise } = deltasOf([listA, listB], markets);

  it('adds both lists to the day and the month, per key, with list counts per key', () => {
    for (const grain of ['d', 'm']) {
      expect(cell(zone, grain, 'none', '')).toEqual({ lists: 2, valueFen: 36_560, unpriced: 1 });
      expect(cell(zone, grain, 'county', '330782')).toEqual({ lists: 2, valueFen: 36_560, unpriced: 1 });
      expect(cell(zone, grain, 'park', '')).toEqual({ lists: 2, valueFen: 36_560, unpriced: 1 });
      expect(cell(zone, grain, 'cluster', 'yiwu-commodities')).toEqual({ lists: 2, valueFen: 36_560, unpriced: 1 });
      expect(cell(zone, grain, 'country', '502')).toEqual({ lists: 2, valueFen: 26_560, unpriced: 0 });
      expect(cell(zone, grain, 'country', '304')).toEqual({ lists: 1, valueFen: 10_000, unpriced: 0 });
      expect(cell(zone, grain, 'country', '303')).toEqual({ lists: 1, valueFen: 0, unpriced: 1 });
      // eu_us: A's two lines (35,560) and B's two (1,000 + unpriced); bri: A's German line only.
      expect(cell(zone, grain, 'market', 'eu_us')).toEqual({ lists: 2, valueFen: 36_560, unpriced: 1 });
      expect(cell(zone, grain, 'market', 'bri')).toEqual({ lists: 1, valueFen: 10_000, unpriced: 0 });
      expect(cell(zone, grain, 'chapter', '95')).toEqual({ lists: 2, valueFen: 26_560, unpriced: 1 });
      expect(cell(zone, grain, 'chapter', '61')).toEqual({ lists: 1, valueFen: 10_000, unpriced: 0 });
      expect(cell(zone, grain, 'enterprise', 'E1')).toEqual({ lists: 2, valueFen: 36_560, unpriced: 1 });
    }
    expect(zone.filter((d) => d.grain === 'd').every((d) => d.period === '2026-11-03')).toBe(true);
    expect(zone.filter((d) => d.grain === 'm').every((d) => d.period === '2026-11')).toBe(true);
    // The enterprise's year, for the ranking.
    expect(cell(zone, 'y', 'enterprise', 'E1')).toEqual({ lists: 2, valueFen: 36_560, unpriced: 1 });
    expect(zone.find((d) => d.grain === 'y')!.period).toBe('2026');
    // One upsert per cell: 12 cells a grain, and the year.
    expect(zone.length).toBe(25);
  });

  it('keeps the enterprise\'s own cells', () => {
    expect(enterprise.every((d) => d.enterpriseId === 'E1')).toBe(true);
    expect(cell(enterprise, 'd', 'none', '')).toEqual({ lists: 2, valueFen: 36_560, unpriced: 1 });
    expect(cell(enterprise, 'm', 'country', '304')).toEqual({ lists: 1, valueFen: 10_000, unpriced: 0 });
    expect(cell(enterprise, 'm', 'market', 'bri')).toEqual({ lists: 1, valueFen: 10_000, unpriced: 0 });
    // No county, park or cluster cells per enterprise (an enterprise has one of each), no year.
    expect(enterprise.some((d) => d.dim === 'county' || d.dim === 'park' || d.dim === 'cluster' || d.grain === 'y')).toBe(false);
    expect(enterprise.length).toBe(16);
  });

  it('a take-back (sign −1) of the same facts cancels every cell', () => {
    const undo = deltasOf([listA, listB, { ...listA, sign: -1 }, { ...listB, sign: -1 }], markets);
    expect(undo.zone.length).toBe(25);
    expect(undo.zone.every((d) => d.lists === 0 && d.valueFen === 0 && d.unpriced === 0)).toBe(true);
    expect(undo.enterprise.every((d) => d.lists === 0 && d.valueFen === 0)).toBe(true);
  });

  it('gives cells in one fixed order (no lock-order deadlocks between concurrent rounds)', () => {
    const a = deltasOf([listA, listB], markets).zone.map((d) => `${d.grain}${d.dim}${d.key}`);
    const b = deltasOf([listB, listA], markets).zone.map((d) => `${d.grain}${d.dim}${d.key}`);
    expect(a).toEqual(b);
  });

  it('splits a monthly report into retail exports, B2B, retail imports and 1039, monthly cells only, no goods', () => {
    const facts = reportFacts({
      enterprise_id: 'E2', month: '2026-10', county: '330784', park: '', cluster: 'yongkang-hardware',
      export_fen: 100_000, b2b_export_fen: 30_000, import_fen: 50_000, market_procurement_fen: 20_000,
    }, 1);
    expect(facts.map((f) => `${f.direction}/${f.mode}/${f.lines[0]!.valueFen}`)).toEqual(['E/B2C/70000', 'E/B2B/30000', 'I/B2C/50000', 'E/1039/20000']);
    const { zone } = deltasOf(facts, markets);
    expect(new Set(zone.filter((d) => d.dim !== 'enterprise').map((d) => d.grain))).toEqual(new Set(['m']));
    expect(new Set(zone.map((d) => d.dim))).toEqual(new Set(['none', 'county', 'park', 'cluster', 'enterprise']));
    expect(zone.filter((d) => d.dim === 'none').reduce((s, d) => s + d.lists, 0)).toBe(0);
    // A report of zeros adds nothing.
    expect(reportFacts({ enterprise_id: 'E2', month: '2026-10', county: '', park: '', cluster: '', export_fen: 0, b2b_export_fen: 0, import_fen: 0, market_procurement_fen: 0 }, 1)).toEqual([]);
  });
});

describe('measures and money', () => {
  it('never counts 1039 as CBEC, and takes it only for market_procurement', () => {
    expect(inMeasure('cbec_export', 'E', '1039')).toBe(false);
    expect(inMeasure('cbec_total', 'E', '1039')).toBe(false);
    expect(inMeasure('market_procurement', 'E', '1039')).toBe(true);
    expect(inMeasure('market_procurement', 'E', '9610')).toBe(false);
    expect(inMeasure('cbec_import', 'I', '1210')).toBe(true);
    expect(inMeasure('cbec_import', 'E', '9610')).toBe(false);
    expect(filterOf({})).toEqual({ excludeMode: '1039' });
    expect(filterOf({ measure: 'cbec_export' })).toEqual({ direction: 'E', excludeMode: '1039' });
    expect(filterOf({ measure: 'market_procurement' })).toEqual({ mode: '1039' });
    expect(filterOf({ mode: '9610', direction: 'I' })).toEqual({ direction: 'I', mode: '9610' });
  });

  it('converts fen to US cents at the month\'s rate, half-up', () => {
    expect(usdCents(25_560, '7.10')).toBe(3_600);
    // 100 / 7.1 = 14.08…
    expect(usdCents(100, '7.1')).toBe(14);
    // 12 / 8 = 1.5 → 2; 4 / 8 = 0.5 → 1; 3 / 8 = 0.375 → 0
    expect(usdCents(12, '8')).toBe(2);
    expect(usdCents(4, '8')).toBe(1);
    expect(usdCents(3, '8')).toBe(0);
    expect(usdCents(-12, '8')).toBe(-2);
  });

  it('gives ratios, or null without a base', () => {
    expect(change(125, 100)).toBe(0.25);
    expect(change(50, 0)).toBeNull();
    expect(share(1, 3)).toBe(0.333333);
    expect(share(1, 0)).toBeNull();
  });
});

describe('periods', () => {
  it('cuts a day range into whole months and partial ones', () => {
    expect(splitRange('2026-01-01', '2026-11-27')).toEqual({ months: { from: '2026-01', to: '2026-10' }, days: [{ from: '2026-11-01', to: '2026-11-27' }] });
    expect(splitRange('2025-01-01', '2025-12-31')).toEqual({ months: { from: '2025-01', to: '2025-12' }, days: [] });
    expect(splitRange('2026-02-10', '2026-04-05')).toEqual({ months: { from: '2026-03', to: '2026-03' }, days: [{ from: '2026-02-10', to: '2026-02-28' }, { from: '2026-04-01', to: '2026-04-05' }] });
    expect(splitRange('2026-02-10', '2026-03-05')).toEqual({ months: undefined, days: [{ from: '2026-02-10', to: '2026-02-28' }, { from: '2026-03-01', to: '2026-03-05' }] });
    expect(splitRange('2026-02-10', '2026-02-12')).toEqual({ months: undefined, days: [{ from: '2026-02-10', to: '2026-02-12' }] });
    expect(yearBefore('2028-02-29')).toBe('2027-02-28');
    expect(dueDay('2026-11', 10)).toBe('2026-12-10');
    expect(dueDay('2026-12', 10)).toBe('2027-01-10');
    expect(dueDay('2027-01', 31)).toBe('2027-02-28');
  });
});
