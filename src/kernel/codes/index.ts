// Code tables used in the CEB messages and the registry. The facts come from the reference
// tables (spec 202205 §7 and the transcribed CSVs); gaps are listed per table so the UI can say so.
import type { CountryCode, CurrencyCode, SimpleCode } from './types.js';
import { countries } from './data/countries.js';
import { currencies } from './data/currencies.js';
import { units } from './data/units.js';
import { transportModes } from './data/transport-modes.js';
import { tradeModes } from './data/trade-modes.js';
import { wrapTypes } from './data/wrap-types.js';
import { wrapTypesDeclaration } from './data/wrap-types-declaration.js';
import { returnStatuses } from './data/return-statuses.js';
import { dxpErrors } from './data/dxp-errors.js';
import { businessErrors } from './data/business-errors.js';

export type { CountryCode, CurrencyCode, SimpleCode } from './types.js';

/** buyerIdType / payerIdType of CEB 311/411/621/623/625 (XSD annotation: 1 is the only value customs takes today). */
export const idTypes: readonly SimpleCode[] = [
  { code: '1', zh: '身份证', en: 'Resident identity card' },
  { code: '2', zh: '其它', en: 'Other' },
];

export interface CodeTableInfo {
  readonly name: string;
  readonly title: { readonly 'zh-CN': string; readonly en: string };
  readonly source: string;
  readonly gaps?: string;
  readonly rows: readonly SimpleCode[];
}

const table = (
  name: string, zh: string, en: string, rows: readonly SimpleCode[], source: string, gaps?: string,
): CodeTableInfo => ({ name, title: { 'zh-CN': zh, en }, rows, source, ...(gaps ? { gaps } : {}) });

export const codeTables: ReadonlyMap<string, CodeTableInfo> = new Map(
  [
    table('country', '国别(地区)代码', 'Countries and regions', countries,
      'customs 3-digit table (old), as used by CEB 202205; ISO 3166-1 alpha-3 added',
      'iso3 is null for regions, parts of countries and withdrawn codes'),
    table('currency', '币制代码', 'Currencies', currencies,
      'customs 3-digit table (old), as used by CEB 202205; ISO 4217 added',
      'partial: only the 23 currencies the transcribed source listed'),
    table('unit', '计量单位代码', 'Units of measure', units, 'JGS-20', 'no English names in the source'),
    table('transport-mode', '运输方式代码', 'Transport modes', transportModes,
      'CEB C1 table; G/H/L/T from the newer declaration table'),
    table('trade-mode', '监管方式代码', 'Trade (supervision) modes', tradeModes,
      'customs 监管方式 table; 9710/9810 and 9661/1261 from spec 202205',
      '9661/1261 appear only in spec §2.17.4 and should be confirmed against the current table'),
    table('wrap-type', '包装种类代码', 'Wrap types', wrapTypes, 'CEB 1-digit table (621/603)'),
    table('wrap-type-declaration', '包装种类代码(报关单)', 'Wrap types (declaration)', wrapTypesDeclaration,
      '2-digit table of the customs declaration'),
    table('id-type', '证件类型', 'Identity document types', idTypes, 'XSD annotation of CEB 311/411/621'),
    table('return-status', '回执状态', 'Receipt return statuses', returnStatuses,
      'XSD 202205 annotations and spec', 'negative values are business errors (table 7-2)'),
    table('dxp-error', 'DXP 错误代码', 'DXP error codes', dxpErrors, 'spec 202205 table 7-1'),
    table('business-error', '业务错误代码', 'Business error codes', businessErrors, 'spec 202205 table 7-2',
      'no English text in the source'),
  ].map((t) => [t.name, t] as const),
);

const indexes = new Map<string, Map<string, SimpleCode>>();
function indexOf(name: string): Map<string, SimpleCode> {
  let idx = indexes.get(name);
  if (!idx) {
    const t = codeTables.get(name);
    if (!t) throw new Error(`unknown code table ${name}`);
    idx = new Map(t.rows.map((r) => [r.code, r]));
    indexes.set(name, idx);
  }
  return idx;
}

/** The row for `code` in table `name`, or undefined. Throws only for an unknown table name. */
export function lookupCode(name: string, code: string): SimpleCode | undefined {
  return indexOf(name).get(code);
}

export function isCode(name: string, code: string): boolean {
  return indexOf(name).has(code);
}

const countryByIso = new Map(countries.filter((c) => c.iso3).map((c) => [c.iso3 as string, c]));
const currencyByIso = new Map(currencies.filter((c) => c.iso4217).map((c) => [c.iso4217 as string, c]));

/** Customs 3-digit country code for an ISO 3166-1 alpha-3 code (CHN → 142). */
export const countryFromIso3 = (iso3: string): CountryCode | undefined => countryByIso.get(iso3.toUpperCase());
/** Customs 3-digit currency code for an ISO 4217 code (USD → 502). */
export const currencyFromIso = (iso: string): CurrencyCode | undefined => currencyByIso.get(iso.toUpperCase());
export const country = (code: string): CountryCode | undefined => indexOf('country').get(code) as CountryCode | undefined;
export const currency = (code: string): CurrencyCode | undefined => indexOf('currency').get(code) as CurrencyCode | undefined;
