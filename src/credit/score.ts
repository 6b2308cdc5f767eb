// The credit score: pure, from inputs gathered elsewhere, every component shown with its value,
// its points and the computation. Points are whole numbers; shares are rounded half up once, here.
import { creditLevel } from '../registry/rules/catalogue.js';
import type { Text } from '../kernel/i18n/index.js';
import { COMPONENTS, GRADES, PROFILE_COMPONENTS, type ComponentCode, type CreditModel, type Grade, type Profile } from './model.js';

export interface ShareInput { readonly of: number; readonly count: number }
/** What a computation reads; null where no source is supplied (then it costs nothing, and says so). */
export interface CreditInputs {
  readonly profile: Profile;
  /** The enterprise's customs credit level code (registry, normalised to 令282). */
  readonly level: string;
  readonly lists: { readonly total: number; readonly refused: number; readonly inspected: number; readonly detained: number; readonly returned: number };
  readonly payments: { readonly total: number; readonly refused: number };
  readonly riskHits: number | null;
  readonly lateReports: number | null;
  readonly arrears: { readonly bills: number; readonly oldestDaysOverdue: number } | null;
  /** Ids of the enterprise's active negative-list entries. */
  readonly negativeEntries: readonly string[];
}

export interface Component {
  readonly code: ComponentCode;
  readonly name: Text;
  readonly value: Readonly<Record<string, string | number | boolean | null | readonly string[]>>;
  readonly points: number;
  readonly computation: string;
}

export interface CreditResult {
  readonly profile: Profile;
  readonly score: number;
  readonly grade: Grade;
  readonly gradeName: Text;
  readonly components: readonly Component[];
  readonly computation: string;
}

/** round(count × full / of), half up, in integers; 0 when there is nothing to divide by. */
export const shareOf = (count: number, of: number, full: number): number => (of > 0 ? Math.floor((2 * count * full + of) / (2 * of)) : 0);

const deduct = (n: number, max: number): number => -Math.min(max, n);

export function gradeOf(score: number, thresholds: CreditModel['grades']): Grade {
  if (score >= thresholds.A) return 'A';
  if (score >= thresholds.B) return 'B';
  if (score >= thresholds.C) return 'C';
  return 'D';
}

function rateComponent(code: ComponentCode, count: number, of: number, w: { full: number; max: number }, unit: string): Component {
  const raw = shareOf(count, of, w.full);
  const points = deduct(raw, w.max);
  return {
    code, name: COMPONENTS[code], value: { [unit]: of, count }, points,
    computation: of > 0 ? `-min(${w.max}, round(${count} × ${w.full} / ${of}) = ${raw}) = ${points}` : `no ${unit} in the window: 0`,
  };
}

function countComponent(code: ComponentCode, n: number | null, w: { each: number; max: number }): Component {
  if (n === null) return { code, name: COMPONENTS[code], value: { count: null, supplied: false }, points: 0, computation: 'no source supplied: 0' };
  const points = deduct(n * w.each, w.max);
  return { code, name: COMPONENTS[code], value: { count: n }, points, computation: `-min(${w.max}, ${n} × ${w.each}) = ${points}` };
}

function component(code: ComponentCode, i: CreditInputs, m: CreditModel): Component {
  switch (code) {
    case 'customs_level': {
      const level = creditLevel(i.level);
      const key = (level?.mapsTo ?? 'regular') as keyof CreditModel['levelPoints'];
      const points = m.levelPoints[key];
      return { code, name: COMPONENTS[code], value: { level: i.level, rank: level?.rank ?? null, levelName: level?.zh ?? null }, points, computation: `${key}: +${points}` };
    }
    case 'lists_refused': return rateComponent(code, i.lists.refused, i.lists.total, m.listsRefused, 'lists');
    case 'lists_inspected': return rateComponent(code, i.lists.inspected, i.lists.total, m.listsInspected, 'lists');
    case 'lists_detained': return rateComponent(code, i.lists.detained, i.lists.total, m.listsDetained, 'lists');
    case 'returns': return rateComponent(code, i.lists.returned, i.lists.total, m.returns, 'lists');
    case 'payments_refused': return rateComponent(code, i.payments.refused, i.payments.total, m.paymentsRefused, 'payments');
    case 'risk_hits': return countComponent(code, i.riskHits, m.riskHits);
    case 'late_reports': return countComponent(code, i.lateReports, m.lateReports);
    case 'tax_arrears': {
      const a = i.arrears;
      if (!a) return { code, name: COMPONENTS[code], value: { bills: null, supplied: false }, points: 0, computation: 'no source supplied: 0' };
      const w = m.taxArrears;
      const base = deduct(a.bills * w.each, w.max);
      const severe = a.bills > 0 && a.oldestDaysOverdue > w.severeAfterDays ? -w.severe : 0;
      return {
        code, name: COMPONENTS[code], value: { bills: a.bills, oldestDaysOverdue: a.oldestDaysOverdue }, points: base + severe,
        computation: `-min(${w.max}, ${a.bills} × ${w.each}) = ${base}; oldest ${a.oldestDaysOverdue} days overdue ${severe ? `> ${w.severeAfterDays}: ${severe}` : `≤ ${w.severeAfterDays}: 0`}; = ${base + severe}`,
      };
    }
    case 'negative_list': {
      const points = i.negativeEntries.length ? -m.negativeList : 0;
      return { code, name: COMPONENTS[code], value: { entries: i.negativeEntries }, points, computation: i.negativeEntries.length ? `listed: -${m.negativeList}` : 'not listed: 0' };
    }
  }
}

/** The score (the sum of the components' points, kept within 0…100) and its grade. */
export function computeCredit(i: CreditInputs, m: CreditModel): CreditResult {
  const components = PROFILE_COMPONENTS[i.profile].map((c) => component(c, i, m));
  const sum = components.reduce((t, c) => t + c.points, 0);
  const score = Math.max(0, Math.min(100, sum));
  const grade = gradeOf(score, m.grades);
  const terms = components.map((c) => (c.points < 0 ? `- ${-c.points}` : `+ ${c.points}`)).join(' ').replace(/^\+ /, '');
  return {
    profile: i.profile, score, grade, gradeName: GRADES[grade], components,
    computation: `${terms} = ${sum}${sum !== score ? ` → ${score}` : ''}; grade ${grade} (A ≥ ${m.grades.A}, B ≥ ${m.grades.B}, C ≥ ${m.grades.C}, else D)`,
  };
}
