// Registry vocabularies as data: enterprise roles, customs credit levels, statuses.

export interface Term {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

/** Roles an enterprise holds in the zone (海关总署公告2018年第194号 registration categories, plus the zone's service roles). */
export const ROLES = [
  { code: 'ebp', zh: '电商平台', en: 'E-commerce platform' },
  { code: 'ebc', zh: '电商企业', en: 'E-commerce enterprise' },
  { code: 'agent', zh: '境内代理人', en: 'Domestic agent' },
  { code: 'payment', zh: '支付企业', en: 'Payment enterprise' },
  { code: 'logistics', zh: '物流企业', en: 'Logistics enterprise' },
  { code: 'declarant', zh: '申报/报关企业', en: 'Declarant / customs broker' },
  { code: 'warehouse', zh: '监管场所/仓储企业', en: 'Supervised site / warehouse operator' },
  { code: 'overseas_warehouse', zh: '海外仓企业', en: 'Overseas warehouse enterprise' },
  { code: 'finance', zh: '金融机构', en: 'Financial institution' },
  { code: 'service', zh: '综合服务企业', en: 'Foreign-trade comprehensive service enterprise' },
] as const satisfies readonly Term[];
export type Role = (typeof ROLES)[number]['code'];
export const ROLE_CODES: readonly Role[] = ROLES.map((r) => r.code);

export interface CreditLevel extends Term {
  /** The measure that defines the level. */
  readonly scheme: '282' | '251';
  readonly from: string;
  readonly until: string | null;
  /** The 令282 level a 令251 level corresponds to. */
  readonly mapsTo: string;
  /** Higher is better; used for sorting and by the credit capability. */
  readonly rank: number;
}

// 海关总署令第282号 (effective 2026-04-01, five levels) and 令第251号 (2021-11-01 … 2026-03-31,
// three levels), cbec-rules.md §6. Thresholds are not modelled here; only the levels.
export const CREDIT_LEVELS: readonly CreditLevel[] = [
  { code: 'advanced', zh: '高级认证企业', en: 'Advanced certified enterprise (AEO)', scheme: '282', from: '2026-04-01', until: null, mapsTo: 'advanced', rank: 5 },
  { code: 'certified', zh: '认证企业', en: 'Certified enterprise (AEO)', scheme: '282', from: '2026-04-01', until: null, mapsTo: 'certified', rank: 4 },
  { code: 'regular', zh: '常规企业', en: 'Regular enterprise', scheme: '282', from: '2026-04-01', until: null, mapsTo: 'regular', rank: 3 },
  { code: 'dishonest', zh: '失信企业', en: 'Dishonest enterprise', scheme: '282', from: '2026-04-01', until: null, mapsTo: 'dishonest', rank: 2 },
  { code: 'severely_dishonest', zh: '严重失信企业', en: 'Severely dishonest enterprise', scheme: '282', from: '2026-04-01', until: null, mapsTo: 'severely_dishonest', rank: 1 },
  { code: '251:advanced', zh: '高级认证企业（令251）', en: 'Advanced certified enterprise (order 251)', scheme: '251', from: '2021-11-01', until: '2026-03-31', mapsTo: 'advanced', rank: 5 },
  { code: '251:regular', zh: '其他注册登记和备案企业（令251 常规管理）', en: 'Other registered enterprise (order 251, regular)', scheme: '251', from: '2021-11-01', until: '2026-03-31', mapsTo: 'regular', rank: 3 },
  { code: '251:dishonest', zh: '失信企业（令251）', en: 'Dishonest enterprise (order 251)', scheme: '251', from: '2021-11-01', until: '2026-03-31', mapsTo: 'dishonest', rank: 2 },
];
export const DEFAULT_CREDIT_LEVEL = 'regular';

export const STATUSES = [
  { code: 'active', zh: '正常', en: 'Active' },
  { code: 'suspended', zh: '暂停', en: 'Suspended' },
  { code: 'cancelled', zh: '注销', en: 'Cancelled' },
] as const satisfies readonly Term[];
export type Status = (typeof STATUSES)[number]['code'];
export const STATUS_CODES: readonly Status[] = STATUSES.map((s) => s.code);

export const creditLevel = (code: string): CreditLevel | undefined => CREDIT_LEVELS.find((l) => l.code === code);
