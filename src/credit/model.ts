// The credit vocabulary and scoring model as data: grades, components, negative-list reasons with
// their minimum periods before repair, and the default weights (tuned by the zone office through
// PUT /api/v1/credit/model, every change audited).
import { Type, type Static } from 'typebox';
import type { Text } from '../kernel/i18n/index.js';

export type Profile = 'trade' | 'payment';

export const GRADE_CODES = ['A', 'B', 'C', 'D'] as const;
export type Grade = (typeof GRADE_CODES)[number];
export const GRADES: Readonly<Record<Grade, Text>> = {
  A: { 'zh-CN': 'A 级（信用优良）', en: 'A (excellent)' },
  B: { 'zh-CN': 'B 级（信用良好）', en: 'B (good)' },
  C: { 'zh-CN': 'C 级（重点关注）', en: 'C (under watch)' },
  D: { 'zh-CN': 'D 级（信用较差）', en: 'D (poor)' },
};

export const COMPONENTS = {
  customs_level: { 'zh-CN': '海关信用等级', en: 'Customs credit level' },
  lists_refused: { 'zh-CN': '清单退单（100）', en: 'Lists refused (100)' },
  lists_inspected: { 'zh-CN': '清单查验（500）', en: 'Lists inspected (500)' },
  lists_detained: { 'zh-CN': '清单扣留（501–503、599）', en: 'Lists detained (501–503, 599)' },
  returns: { 'zh-CN': '退货与撤单（已批准）', en: 'Returns and cancellations (approved)' },
  payments_refused: { 'zh-CN': '支付单退单（CEB412 100）', en: 'Payments refused (CEB412 100)' },
  risk_hits: { 'zh-CN': '风险规则命中', en: 'Risk rule hits' },
  late_reports: { 'zh-CN': '月度报告逾期', en: 'Late monthly reports' },
  tax_arrears: { 'zh-CN': '欠缴税款', en: 'Tax arrears' },
  negative_list: { 'zh-CN': '信用负面清单', en: 'Credit negative list' },
} as const satisfies Record<string, Text>;
export type ComponentCode = keyof typeof COMPONENTS;

/** Which components rate which profile: payment institutions by their own payments' receipts. */
export const PROFILE_COMPONENTS: Readonly<Record<Profile, readonly ComponentCode[]>> = {
  trade: ['customs_level', 'lists_refused', 'lists_inspected', 'lists_detained', 'returns', 'risk_hits', 'late_reports', 'tax_arrears', 'negative_list'],
  payment: ['customs_level', 'payments_refused', 'risk_hits', 'negative_list'],
};

const points = Type.Integer({ minimum: 0, maximum: 100 });
/** A share of documents: `full` points off at 100 %, in proportion below, never more than `max`. */
const rate = Type.Object({ full: Type.Integer({ minimum: 0, maximum: 1000 }), max: points }, { additionalProperties: false });
/** A count: `each` points off per occurrence, never more than `max`. */
const count = Type.Object({ each: points, max: points }, { additionalProperties: false });

export const modelSchema = Type.Object({
  windowDays: Type.Integer({ minimum: 1, maximum: 1096 }),
  /** Starting points per 令282 level (令251 levels are normalised to 282 by the registry). */
  levelPoints: Type.Object({ advanced: points, certified: points, regular: points, dishonest: points, severely_dishonest: points }, { additionalProperties: false }),
  listsRefused: rate, listsInspected: rate, listsDetained: rate, returns: rate, paymentsRefused: rate,
  riskHits: count, lateReports: count,
  taxArrears: Type.Object({ each: points, max: points, severeAfterDays: Type.Integer({ minimum: 1, maximum: 3650 }), severe: points }, { additionalProperties: false }),
  negativeList: points,
  /** Lowest score of each grade; D takes the rest. */
  grades: Type.Object({ A: points, B: points, C: points }, { additionalProperties: false }),
}, { additionalProperties: false });
export type CreditModel = Static<typeof modelSchema>;

/**
 * Defaults. Customs' own level dominates (令251/令282, cbec-rules §6): a 失信 enterprise starts
 * below grade C whatever its receipts say. Detention weighs most, then refusal, then inspection.
 * Taxes unpaid more than 3 months after the deadline are a 失信 criterion (令251 art 22(4)): the
 * severe deduction starts there.
 */
export const DEFAULT_MODEL: CreditModel = Object.freeze({
  windowDays: 365,
  levelPoints: { advanced: 100, certified: 95, regular: 85, dishonest: 50, severely_dishonest: 20 },
  listsRefused: { full: 100, max: 30 },
  listsInspected: { full: 50, max: 15 },
  listsDetained: { full: 200, max: 40 },
  returns: { full: 50, max: 10 },
  paymentsRefused: { full: 100, max: 30 },
  riskHits: { each: 1, max: 20 },
  lateReports: { each: 5, max: 20 },
  taxArrears: { each: 5, max: 20, severeAfterDays: 90, severe: 30 },
  negativeList: 40,
  grades: { A: 90, B: 75, C: 60 },
}) as CreditModel;

export interface NegativeReason {
  readonly code: string;
  readonly name: Text;
  /** Minimum months listed before repair may be requested. */
  readonly months: number;
  readonly filingBlocked: boolean;
  readonly mandatoryReview: boolean;
}

/**
 * Reasons for listing, with the minimum period before repair. The periods follow customs credit
 * repair under 令251 (cbec-rules §6.1): ≥ 1 year for smuggling and obstruction cases, ≥ 6 months for
 * violation-count cases. The period for unpaid-tax cases is cut off in the source found; 6 months
 * is assumed until the text is found. The zone's own reasons (repeated refusals, fraud) take the
 * nearest customs case: repeated refusals ~ violations, fraud ~ smuggling.
 */
export const NEGATIVE_REASONS: readonly NegativeReason[] = [
  { code: 'customs_dishonest', name: { 'zh-CN': '海关认定失信企业', en: 'Customs dishonest enterprise' }, months: 12, filingBlocked: false, mandatoryReview: true },
  { code: 'smuggling', name: { 'zh-CN': '走私犯罪或走私行为', en: 'Smuggling case' }, months: 12, filingBlocked: true, mandatoryReview: true },
  { code: 'obstruction', name: { 'zh-CN': '暴力抗拒、阻碍海关监管', en: 'Obstructing customs officers' }, months: 12, filingBlocked: true, mandatoryReview: true },
  { code: 'violations', name: { 'zh-CN': '违反海关监管规定超过比例', en: 'Customs violations above the threshold' }, months: 6, filingBlocked: false, mandatoryReview: true },
  { code: 'tax_arrears', name: { 'zh-CN': '欠缴税款超过三个月', en: 'Taxes unpaid more than 3 months' }, months: 6, filingBlocked: false, mandatoryReview: true },
  { code: 'repeated_refusals', name: { 'zh-CN': '多次被海关退单', en: 'Repeated customs refusals' }, months: 6, filingBlocked: false, mandatoryReview: true },
  { code: 'fraud', name: { 'zh-CN': '虚假交易、伪报瞒报', en: 'Fraud or non-genuine trade' }, months: 12, filingBlocked: true, mandatoryReview: true },
];
export const negativeReason = (code: string): NegativeReason | undefined => NEGATIVE_REASONS.find((r) => r.code === code);
