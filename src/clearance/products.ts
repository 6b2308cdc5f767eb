// Product records (商品备案) as an enterprise keeps them: checks shared by the API and CSV import
// (all rows or none), and the CSV form both ways.
import { parseCsv } from '../kernel/csv.js';
import { isCode } from '../kernel/codes/index.js';
import { issue, type Issue } from '../kernel/errors.js';
import { csvField } from '../registry/export.js';
import type { ItemRecordInput } from './pipeline.js';
import type { ItemRecordRow } from './table.js';

const QTY = /^\d{1,14}(\.\d{1,5})?$/;
export const PRODUCT_CSV_HEADER = ['itemNo', 'gcode', 'gname', 'gmodel', 'unit', 'unit1', 'qty1PerUnit', 'unit2', 'qty2PerUnit', 'country', 'barCode', 'contentAmount', 'contentUnit'] as const;

/** Every problem of every record, with its path (/items/3/gcode); empty when all are fine. */
export function checkProductRecords(records: readonly ItemRecordInput[]): Issue[] {
  const out: Issue[] = [];
  const seen = new Map<string, number>();
  records.forEach((r, i) => {
    const at = (f: string) => `/items/${i}/${f}`;
    if (!r.itemNo || r.itemNo.length > 20) out.push(issue('PATTERN', at('itemNo'), { field: 'itemNo' }));
    const prev = seen.get(r.itemNo);
    if (prev !== undefined) out.push(issue('PRODUCT_DUPLICATE', at('itemNo'), { value: r.itemNo, first: prev }));
    seen.set(r.itemNo, i);
    if (!/^\d{10}$/.test(r.gcode)) out.push(issue('PRODUCT_GCODE', at('gcode'), { value: r.gcode }));
    if (!r.gname || r.gname.length > 250) out.push(issue('REQUIRED', at('gname'), { field: 'gname' }));
    for (const f of ['unit', 'unit1', 'unit2'] as const) {
      const v = r[f];
      if (v && !isCode('unit', v)) out.push(issue('PRODUCT_UNIT', at(f), { value: v }));
    }
    if (!r.unit1) out.push(issue('REQUIRED', at('unit1'), { field: 'unit1' }));
    if (!QTY.test(r.qty1PerUnit ?? '')) out.push(issue('PATTERN', at('qty1PerUnit'), { field: 'qty1PerUnit' }));
    if ((r.unit2 ?? null) !== null && !QTY.test(r.qty2PerUnit ?? '')) out.push(issue('PATTERN', at('qty2PerUnit'), { field: 'qty2PerUnit' }));
    if (r.country && !isCode('country', r.country)) out.push(issue('PRODUCT_COUNTRY', at('country'), { value: r.country }));
    if (r.barCode && !/^[0-9A-Za-z-]{1,50}$/.test(r.barCode)) out.push(issue('PATTERN', at('barCode'), { field: 'barCode' }));
    const hasAmount = !!r.contentAmount;
    const hasUnit = !!r.contentUnit;
    if (hasAmount !== hasUnit) out.push(issue('PRODUCT_CONTENT', at(hasAmount ? 'contentUnit' : 'contentAmount'), {}));
    if (hasAmount && (!QTY.test(r.contentAmount!) || /^0+(\.0+)?$/.test(r.contentAmount!))) out.push(issue('PATTERN', at('contentAmount'), { field: 'contentAmount' }));
    if (hasUnit && !['ml', 'g', 'piece'].includes(r.contentUnit!)) out.push(issue('ENUM', at('contentUnit'), { field: 'contentUnit', value: r.contentUnit! }));
  });
  return out;
}

/** Records from CSV text with the PRODUCT_CSV_HEADER columns (empty cells are absent values). */
export function productsFromCsv(text: string): ItemRecordInput[] {
  return parseCsv(text).map((r) => {
    const v = (k: string) => (r[k] ? r[k] : null);
    return {
      itemNo: r.itemNo ?? '', gcode: r.gcode ?? '', gname: r.gname ?? '', unit1: r.unit1 ?? '', qty1PerUnit: r.qty1PerUnit ?? '',
      gmodel: v('gmodel'), unit: v('unit'), unit2: v('unit2'), qty2PerUnit: v('qty2PerUnit'), country: v('country'), barCode: v('barCode'),
      contentAmount: v('contentAmount'), contentUnit: v('contentUnit') as ItemRecordInput['contentUnit'],
    };
  });
}

export function productFromRow(r: ItemRecordRow) {
  return {
    itemNo: r.item_no, gcode: r.gcode, gname: r.gname, gmodel: r.gmodel, unit: r.unit, unit1: r.unit1, qty1PerUnit: r.qty1_per_unit,
    unit2: r.unit2, qty2PerUnit: r.qty2_per_unit, country: r.country, barCode: r.bar_code, contentAmount: r.content_amount,
    contentUnit: r.content_unit as 'ml' | 'g' | 'piece' | null, updatedAt: r.updated_at,
  };
}

/** UTF-8 CSV with BOM (opens in Excel), the same columns the import takes. */
export function productsCsv(rows: readonly ItemRecordRow[]): string {
  const lines = rows.map((r) => {
    const p = productFromRow(r);
    return PRODUCT_CSV_HEADER.map((k) => csvField(String(p[k] ?? ''))).join(',');
  });
  return '\uFEFF' + [PRODUCT_CSV_HEADER.join(','), ...lines].join('\r\n') + '\r\n';
}
