// Targets' progress and the growth still needed, against values worked out by hand, and the seed.
import { describe, expect, it } from 'vitest';
import { growthNeeded, growthPercent, progress } from './rules.js';
import { loadTargets, needs, parseTargets, targetView } from './targets.js';
import type { StatsTargetRow } from './table.js';

const AT = '2026-11-28T00:00:00Z';
const row = (over: Partial<StatsTargetRow>): StatsTargetRow => ({
  id: 't', zone: 'jinhua', year: 2028, measure: 'cbec_export', basis: 'customs', unit: 'fen', target: '10000000000000',
  label_zh: '目标', label_en: 'Target', source: 'test', note: '', version: 1, updated_at: AT, updated_by: 'seed', ...over,
});

describe('target arithmetic', () => {
  it('progress is actual / target', () => {
    // 450亿 of 1,000亿.
    expect(progress(4_500_000_000_000, 10_000_000_000_000)).toBe(0.45);
    expect(progress(null, 100)).toBeNull();
    expect(progress(5, 0)).toBeNull();
  });

  it('growth still needed is (target / base)^(1/years) − 1', () => {
    // 800亿 → 1,000亿 in one year: 25 %.
    expect(growthNeeded(10_000_000_000_000, 8_000_000_000_000, 1)).toBe(0.25);
    // … in two years: √1.25 − 1 = 0.1180339887… → 0.118034.
    expect(growthNeeded(10_000_000_000_000, 8_000_000_000_000, 2)).toBe(0.118034);
    // 100 → 300 enterprises in three years: ∛3 − 1 = 0.4422495703… → 0.44225.
    expect(growthNeeded(300, 100, 3)).toBe(0.44225);
    // Already above the target: a negative growth would still reach it.
    expect(growthNeeded(100, 125, 1)).toBe(-0.2);
    expect(growthNeeded(100, 0, 1)).toBeNull();
    expect(growthNeeded(100, null, 1)).toBeNull();
    expect(growthNeeded(100, 50, 0)).toBeNull();
  });

  it('growth in percent, two places', () => {
    expect(growthPercent(120, 100)).toBe(20);
    // 1,337 / 1,000 − 1 = 33.7 %
    expect(growthPercent(1_337, 1_000)).toBe(33.7);
    // 2 / 3 − 1 = −33.333… % → −33.33
    expect(growthPercent(2, 3)).toBe(-33.33);
    expect(growthPercent(5, 0)).toBeNull();
  });
});

describe('targetView', () => {
  const values: Record<string, number> = {
    'cbec_export|customs|2025': 8_000_000_000_000, 'cbec_export|customs|2028': 3_000_000_000_000,
    'cbec_total|customs|2026': 1_690, 'cbec_total|customs|2025': 1_300,
  };
  const value = (m: string, b: string, y: number) => values[`${m}|${b}|${y}`] ?? null;

  it('a level target: actual, progress, growth from the last complete year', () => {
    const v = targetView(row({}), value, 2025);
    // 1,000亿 by 2028 from 800亿 in 2025: three years, ∛1.25 − 1 = 0.0772173… → 0.077217.
    expect(v).toMatchObject({ target: 10_000_000_000_000, actual: 3_000_000_000_000, progress: 0.3, growthNeeded: 0.077217, unit: 'fen', year: 2028 });
    expect(needs(row({}), 2025)).toEqual([{ measure: 'cbec_export', basis: 'customs', year: 2028 }, { measure: 'cbec_export', basis: 'customs', year: 2025 }]);
  });

  it('a percent target: the year\'s growth over the year before, no growth needed', () => {
    const v = targetView(row({ measure: 'cbec_total', unit: 'percent', target: '30', year: 2026 }), value, 2025);
    // 1,690 / 1,300 = 1.3 → 30 %, progress 30 / 30 = 1.
    expect(v).toMatchObject({ actual: 30, progress: 1, growthNeeded: null });
    expect(needs(row({ unit: 'percent', year: 2026 }), 2025).map((n) => n.year)).toEqual([2026, 2025]);
  });

  it('a past target has no growth needed; an unknown figure no actual', () => {
    expect(targetView(row({ year: 2025 }), value, 2025)).toMatchObject({ actual: 8_000_000_000_000, progress: 0.8, growthNeeded: null });
    expect(targetView(row({ measure: 'parks', unit: 'count', target: '2' }), () => null, 2025)).toMatchObject({ actual: null, progress: null, growthNeeded: null });
  });
});

describe('the targets CSV', () => {
  it('holds the plans\' figures with a source, in fen', () => {
    const t = new Map(loadTargets(AT).map((r) => [r.id, r]));
    expect(t.size).toBe(13);
    // 650亿元 = 65,000,000,000 yuan = 6,500,000,000,000 fen.
    expect(t.get('jh-2022-export')).toMatchObject({ zone: 'jinhua', year: 2022, measure: 'cbec_export', unit: 'fen', target: '6500000000000' });
    expect(t.get('jh-2024-import')).toMatchObject({ measure: 'cbec_import', target: '2000000000000' });
    expect(t.get('jh-2024-export-growth')).toMatchObject({ unit: 'percent', target: '20' });
    expect(t.get('jh-2024-warehouse-area')).toMatchObject({ basis: 'self_report', unit: 'm2', target: '2000000' });
    expect(t.get('zs-2025-cultivated')).toMatchObject({ zone: 'zhoushan', measure: 'enterprises_cultivated', target: '300' });
    expect([...t.values()].every((r) => r.source.length > 0)).toBe(true);
  });

  it('refuses a bad file whole', () => {
    const head = 'id,zone,year,measure,basis,unit,target,label_zh,label_en,source,note\n';
    expect(() => parseTargets(`${head}a,jinhua,2024,cbec_export,customs,fen,12.5,x,x,src,\n`, AT)).toThrow(/not a valid fen/);
    expect(() => parseTargets(`${head}a,jinhua,2024,gdp,customs,fen,1,x,x,src,\n`, AT)).toThrow(/unknown measure/);
    expect(() => parseTargets(`${head}a,jinhua,2024,cbec_export,customs,fen,1,x,x,,\n`, AT)).toThrow(/source/);
    expect(() => parseTargets(`${head}a,jinhua,2024,cbec_export,customs,fen,1,x,x,s,\na,jinhua,2025,cbec_export,customs,fen,1,x,x,s,\n`, AT)).toThrow(/twice/);
  });
});
