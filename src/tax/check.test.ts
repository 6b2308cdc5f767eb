import { describe, expect, it } from 'vitest';
import type { Logistics, Order } from '../ceb/model/import-202205.js';
import type { ItemRecord } from '../clearance/inventory.js';
import { createTaxCheck } from './check.js';
import { parseRates, rateTable } from './rates.js';

const rates = rateTable(parseRates('hs,name,from,to,duty,vat,consumption,specific_yuan_per_unit,specific_unit,threshold,note\n1901,食品,2019-04-01,,0.1,0.13,,,,,\n'));
const check = createTaxCheck(() => rates);
const items = new Map<string, ItemRecord>([['A', { gcode: '1901101010', gname: 'a', unit1: '035', qty1PerUnit: '1', unit2: null, qty2PerUnit: null }], ['B', { gcode: '1901101010', gname: 'b', unit1: '035', qty1PerUnit: '1', unit2: null, qty2PerUnit: null }]]);
const waybill = { LogisticsHead: { insuredFee: '0' } } as unknown as Logistics;
const order = (taxTotal: string, lines: [string, string][], goodsValue?: string, freight = '0') => ({
  OrderHead: { appTime: '20261127093000', taxTotal, freight, goodsValue: goodsValue ?? String(lines.reduce((t, [, v]) => t + Number(v), 0)) },
  OrderList: lines.map(([itemNo, totalPrice], i) => ({ gnum: String(i + 1), itemNo, qty: '1', price: totalPrice, totalPrice })),
} as unknown as Order);

describe('the match\'s taxTotal check', () => {
  it('passes the engine\'s tax, flags another, and makes no claim for 0 (无则填写“0”)', () => {
    expect(check({ order: order('29.12', [['A', '300']], undefined, '20'), waybill }, items, 0)).toBeUndefined();
    expect(check({ order: order('20', [['A', '300']], undefined, '20'), waybill }, items, 0)).toMatchObject({ rule: 'tax_total', expected: '29.12', found: '20' });
    expect(check({ order: order('0', [['A', '300']], undefined, '20'), waybill }, items, 0)).toBeUndefined();
  });

  it('accepts either rounding convention: once per tax on the order, or per line then summed', () => {
    // Two lines of 100.05 at 9.1 %: 9.10 each (18.20 summed), 18.21 rounded once on the order.
    expect(check({ order: order('18.21', [['A', '100.05'], ['B', '100.05']]), waybill }, items, 0)).toBeUndefined();
    expect(check({ order: order('18.20', [['A', '100.05'], ['B', '100.05']]), waybill }, items, 0)).toBeUndefined();
    expect(check({ order: order('18.19', [['A', '100.05'], ['B', '100.05']]), waybill }, items, 0)).toMatchObject({ rule: 'tax_total' });
  });

  it('makes no claim where it cannot be sure: lines that disagree with goodsValue, amounts beyond a fen count, unknown items', () => {
    expect(check({ order: order('1458', [['A', '5001']], '4999'), waybill }, items, 0)).toBeUndefined();
    expect(check({ order: order('1', [['A', '99999999999999.99999']]), waybill }, items, 0)).toBeUndefined();
    expect(check({ order: order('1', [['X', '100']]), waybill }, items, 0)).toBeUndefined();
  });
});
