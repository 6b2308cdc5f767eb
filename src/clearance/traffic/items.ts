// Item records (商品备案) for the import catalogue, so the platform can build inventory lists for
// simulated traffic. HS codes are the 10-digit lines a customs broker would pick for these goods
// [M: illustrative — verify each against the current tariff before real use]; the legal unit of
// all of them is 千克 (035); the legal quantity per selling unit is the net content where the
// spec states grams or millilitres (1 ml taken as 1 g), else the gross weight.
import type { ItemRecordInput } from '../pipeline.js';
import { IMPORT_PRODUCTS, type ImportProduct } from './catalogue.js';

const HS: readonly [RegExp, string][] = [
  [/唇/, '3304100090'], // 唇用化妆品
  [/洁面/, '3401300000'], // 洗皮肤用有机表面活性产品
  [/蜂蜜/, '0409000000'], // 天然蜂蜜
  [/橄榄油/, '1509200000'], // 特级初榨油橄榄油
];
const BY_CATEGORY: Record<ImportProduct['category'], string> = {
  cosmetics: '3304990099', // 其他美容品或化妆品及护肤品
  formula: '1901101010', // 供婴幼儿食用的零售包装配方奶粉
  health: '2106909090', // 其他编号未列名的食品
  food: '2106909090',
};

function kilogramsPerUnit(p: ImportProduct): string {
  const m = /^(\d+(?:\.\d+)?)(g|ml)\//.exec(p.spec);
  const grams = m ? Number(m[1]) : p.grossGrams;
  return String(grams / 1000);
}

export function importItemRecords(products: readonly ImportProduct[] = IMPORT_PRODUCTS): ItemRecordInput[] {
  return products.map((p) => ({
    itemNo: p.sku,
    gcode: HS.find(([re]) => re.test(p.name))?.[1] ?? BY_CATEGORY[p.category],
    gname: p.name,
    unit1: '035',
    qty1PerUnit: kilogramsPerUnit(p),
    // The content the consumption-tax thresholds are priced on (高档化妆品: per ml, g or piece).
    ...(p.content ? { contentAmount: p.content.amount, contentUnit: p.content.per } : {}),
  }));
}

// Export goods by SKU family: 10-digit lines a broker would pick [M: illustrative — verify against the tariff].
const EXPORT_HS: Readonly<Record<string, string>> = {
  'YW-JW': '7117190000', // 贱金属制仿首饰
  'YW-TY': '9503008900', // 其他玩具
  'YW-XM': '9505100090', // 圣诞节用品
  'YW-ST': '9608100000', // 圆珠笔及文具
  'YK-PT': '8467290000', // 其他手提式电动工具
  'YK-HT': '8204110000', // 扳手
  'YK-GD': '8201500000', // 单手操作的修枝剪等园艺工具
  'YW-BG': '4202920000', // 其他箱包
};

/** HS code of an export SKU (the family's line; 9999999999 never occurs for the catalogue's SKUs). */
export function exportHsCode(sku: string): string {
  return EXPORT_HS[sku.slice(0, 5)] ?? '9999999999';
}
