// Field rules beyond the XSD's lengths and digits: enumerations from the XSD annotations and the
// spec, code tables, and the customs time formats. Keyed by field name (and, where a name means
// different things in different places, by parent/field).
import { isCode } from '../kernel/codes/index.js';
import type { CustomsTimeFormat } from '../kernel/time.js';
import type { Direction } from './schema/types.js';

export interface EnumRule {
  readonly values: readonly string[];
  /** Source of the restriction, for the error message and the reader of this file. */
  readonly source: string;
}

/** Enumerations: enumerations.csv (XSD annotations, spec 202205 tables). */
export function enumFor(type: string, parent: string, field: string): EnumRule | undefined {
  switch (field) {
    case 'appType':
      return type === 'CEB623Message'
        ? { values: ['1'], source: 'CEB623 XSD: 1-新增 only' }
        : { values: ['1', '2', '3'], source: '1-新增 2-变更 3-删除' };
    case 'appStatus':
      return { values: ['1', '2'], source: '1-暂存 2-申报' };
    case 'buyerIdType':
    case 'payerIdType':
      return { values: ['1', '2'], source: '1-身份证 2-其它' };
    case 'ieFlag':
      return { values: ['I', 'E'], source: 'I-进口 E-出口' };
    case 'orderType':
      if (type === 'CEB311Message') return { values: ['I'], source: 'CEB311: I-进口' };
      if (type === 'CEB303Message') return { values: ['E', 'B', 'W'], source: 'CEB303: E-B2C B-B2B(9710) W-海外仓(9810)' };
      return undefined;
    case 'dxpMode':
      return { values: ['DXP'], source: 'DXP-中国电子口岸数据交换平台' };
    case 'statisticsFlag':
      return { values: ['A', 'B'], source: 'A-简化申报 B-汇总申报' };
    case 'fFlag':
    case 'iFlag':
      return { values: ['1', '2', '3'], source: '1-率 2-单价 3-总价' };
    case 'logisticsStatus':
      return type === 'CEB513Message' ? { values: ['S'], source: 'S-签收' } : undefined;
    case 'summaryFlag':
      return { values: ['1', '2'], source: '1-按收发货人 2-按收发货人和生产销售单位' };
    case 'status':
      return parent === 'BaseSubscribe' ? { values: ['ALL', 'DATA', 'RET'], source: 'ALL DATA RET' } : undefined;
    default:
      return undefined;
  }
}

export interface TableRule {
  readonly table: string;
  /** Partial tables (currency) only warn: a code missing from our copy may still be valid. */
  readonly partial: boolean;
  /** A fixed value the field must have in this direction (import currency is RMB 142). */
  readonly fixed?: string;
}

export function tableFor(direction: Direction, field: string): TableRule | undefined {
  if (field === 'currency') return { table: 'currency', partial: true, ...(direction === 'import' ? { fixed: '142' } : {}) };
  if (field === 'fCurrency' || field === 'iCurrency') return { table: 'currency', partial: true };
  if (field === 'unit' || field === 'unit1' || field === 'unit2') return { table: 'unit', partial: false };
  if (/^(c|.*C)ountry$/.test(field)) return { table: 'country', partial: false };
  if (field === 'trafMode') return { table: 'transport-mode', partial: false };
  if (field === 'wrapType') return { table: 'wrap-type', partial: false };
  if (field === 'tradeMode') return { table: 'trade-mode', partial: false };
  return undefined;
}

export const inTable = (table: string, value: string): boolean => isCode(table, value);

/** The customs time format a field uses, from its name and XSD length; undefined for non-time fields. */
export function timeFormatFor(field: string, len: number | undefined): CustomsTimeFormat | undefined {
  if (!/(Time|Date)$/.test(field) || len === undefined) return undefined;
  if (len === 14) return 'YYYYMMDDhhmmss';
  if (len === 17) return 'YYYYMMDDhhmmssSSS';
  if (len === 8) return 'YYYYMMDD';
  return undefined;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const LENGTH: Record<CustomsTimeFormat, number> = { YYYYMMDD: 8, YYYYMMDDhhmmss: 14, YYYYMMDDhhmmssSSS: 17 };

/** Whether `value` is a real date/time in `format` (checked digit by digit: this runs on every message). */
export function validTime(value: string, format: CustomsTimeFormat): boolean {
  if (value.length !== LENGTH[format]) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const num = (from: number, len: number) => Number(value.slice(from, from + len));
  const y = num(0, 4), mo = num(4, 2), d = num(6, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1]!) return false;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return false;
  if (format === 'YYYYMMDD') return true;
  return num(8, 2) <= 23 && num(10, 2) <= 59 && num(12, 2) <= 59;
}
