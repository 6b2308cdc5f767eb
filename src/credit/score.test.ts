// Golden computations worked by hand, each grade threshold from both sides, and invariants.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeCredit, gradeOf, shareOf, type CreditInputs } from './score.js';
import { DEFAULT_MODEL, type CreditModel } from './model.js';
import { addMonths } from './negative.js';

const base: CreditInputs = {
  profile: 'trade', level: 'regular', lists: { total: 0, refused: 0, inspected: 0, detained: 0, returned: 0 }, payments: { total: 0, refused: 0 },
  riskHits: null, lateReports: null, arrears: null, negativeEntries: [],
};
const points = (r: ReturnType<typeof computeCredit>) => Object.fromEntries(r.components.map((c) => [c.code, c.points]));

describe('credit score', () => {
  it('a trading enterprise: every component with its value and points (worked by hand)', () => {
    const r = computeCredit({
      ...base, lists: { total: 200, refused: 3, inspected: 10, detained: 1, returned: 4 }, riskHits: 7, lateReports: 1, arrears: { bills: 1, oldestDaysOverdue: 30 },
    }, DEFAULT_MODEL);
    // regular 85; 3/200 × 100 = 1.5 → 2; 10/200 × 50 = 2.5 → 3; 1/200 × 200 = 1; 4/200 × 50 = 1; 7 hits; 1 late × 5; 1 bill × 5, 30 days ≤ 90.
    expect(points(r)).toEqual({ customs_level: 85, lists_refused: -2, lists_inspected: -3, lists_detained: -1, returns: -1, risk_hits: -7, late_reports: -5, tax_arrears: -5, negative_list: 0 });
    expect(r).toMatchObject({ profile: 'trade', score: 61, grade: 'C', gradeName: { en: 'C (under watch)' } });
    expect(r.components.find((c) => c.code === 'lists_refused')).toMatchObject({ value: { lists: 200, count: 3 }, computation: '-min(30, round(3 × 100 / 200) = 2) = -2', name: { 'zh-CN': '清单退单（100）' } });
    expect(r.components.find((c) => c.code === 'customs_level')!.value).toMatchObject({ level: 'regular', rank: 3 });
    expect(r.computation).toBe('85 - 2 - 3 - 1 - 1 - 7 - 5 - 5 + 0 = 61; grade C (A ≥ 90, B ≥ 75, C ≥ 60, else D)');
  });

  it('a payment institution is rated by its own payments, not by lists', () => {
    const r = computeCredit({ ...base, profile: 'payment', level: 'certified', payments: { total: 40, refused: 2 }, lists: { total: 10, refused: 10, inspected: 0, detained: 0, returned: 0 }, negativeEntries: ['n-1'] }, DEFAULT_MODEL);
    // certified 95; 2/40 × 100 = 5; risk source not supplied; listed −40.
    expect(points(r)).toEqual({ customs_level: 95, payments_refused: -5, risk_hits: 0, negative_list: -40 });
    expect(r.components.find((c) => c.code === 'risk_hits')!.value).toEqual({ count: null, supplied: false });
    expect(r).toMatchObject({ score: 50, grade: 'D' });
  });

  it('keeps the score within 0…100 and shows the sum before it was kept there; long arrears cost more', () => {
    const r = computeCredit({ ...base, level: '251:dishonest', lists: { total: 10, refused: 10, inspected: 0, detained: 10, returned: 0 }, negativeEntries: ['n-1'] }, DEFAULT_MODEL);
    // 令251 失信 maps to dishonest 50; refused capped at 30, detained at 40; listed 40: 50 − 110 = −60 → 0.
    expect(points(r)).toMatchObject({ customs_level: 50, lists_refused: -30, lists_detained: -40, negative_list: -40 });
    expect(r.score).toBe(0);
    expect(r.computation).toContain('= -60 → 0');
    const late = computeCredit({ ...base, arrears: { bills: 2, oldestDaysOverdue: 91 } }, DEFAULT_MODEL);
    expect(points(late).tax_arrears).toBe(-10 - 30);
  });

  it('grades at each threshold: on it is the higher grade, one below the lower', () => {
    const m: CreditModel = { ...DEFAULT_MODEL, riskHits: { each: 1, max: 100 } };
    const at = (score: number) => computeCredit({ ...base, level: 'advanced', riskHits: 100 - score }, m).grade;
    expect([at(90), at(89), at(75), at(74), at(60), at(59), at(0)]).toEqual(['A', 'B', 'B', 'C', 'C', 'D', 'D']);
    const moved = { A: 80, B: 70, C: 50 };
    expect([gradeOf(80, moved), gradeOf(79, moved), gradeOf(50, moved), gradeOf(49, moved)]).toEqual(['A', 'B', 'C', 'D']);
  });

  it('rounds shares half up in integers', () => {
    expect([shareOf(1, 2, 1), shareOf(1, 3, 1), shareOf(2, 3, 1), shareOf(5, 0, 100), shareOf(1, 200, 100)]).toEqual([1, 0, 1, 0, 1]);
  });

  it('never rewards more refusals, and the score is the kept sum of the points', () => {
    const counts = fc.record({ total: fc.integer({ min: 1, max: 5000 }), a: fc.nat(), b: fc.nat() });
    fc.assert(fc.property(counts, ({ total, a, b }) => {
      const [lo, hi] = [Math.min(a, b) % (total + 1), Math.max(a, b) % (total + 1)].sort((x, y) => x - y) as [number, number];
      const s = (refused: number) => computeCredit({ ...base, lists: { total, refused, inspected: 0, detained: 0, returned: 0 } }, DEFAULT_MODEL);
      const r = s(hi);
      expect(r.score).toBe(Math.max(0, Math.min(100, r.components.reduce((t, c) => t + c.points, 0))));
      return s(hi).score <= s(lo).score;
    }));
  });

  it('counts the repair period in calendar months, to the month\'s last day where needed', () => {
    expect([addMonths('2026-01-15', 12), addMonths('2026-08-31', 6), addMonths('2027-11-30', 3), addMonths('2028-08-31', 6)]).toEqual(['2027-01-15', '2027-02-28', '2028-02-29', '2029-02-28']);
  });
});
