import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../kernel/paths.js';
import type { Order } from '../ceb/model/import-202205.js';
import type { ItemRecord } from '../clearance/inventory.js';
import { RateTableError } from './rates.js';
import { createPositiveListCheck, parsePositiveList, positiveList } from './positive.js';

const HEADER = 'hs8,name,from,to,bonded_only,max_qty,max_qty_unit,remark\n';
const list = positiveList(parsePositiveList(HEADER +
  '19011010,配方奶粉,2019-04-01,,0,,,\n' +
  '21069090,保健食品,2019-04-01,,1,,,仅限网购保税进口\n' +
  '17019910,砂糖,2019-04-01,,0,2,035,每人每年限 2 千克\n' +
  '20029019,番茄汁,2022-03-01,,0,,,2022 年调整新增\n'));
const check = createPositiveListCheck(() => list);
const rec = (gcode: string, qty1PerUnit = '1'): ItemRecord => ({ gcode, gname: gcode, unit1: '035', qty1PerUnit, unit2: null, qty2PerUnit: null });
const order = (lines: [string, string][], appTime = '20261127093000') => ({
  OrderHead: { appTime }, OrderList: lines.map(([itemNo, qty], i) => ({ gnum: String(i + 1), itemNo, qty })),
} as unknown as Order);
const items = new Map<string, ItemRecord>([['F', rec('1901101010')], ['H', rec('2106909090')], ['S', rec('1701991000', '0.5')], ['X', rec('8471300000')], ['T', rec('2002901900')]]);

describe('positive list', () => {
  it('passes goods on the list and refuses the others with the reason', () => {
    expect(check(order([['F', '2']]), items, '9610')).toEqual([]);
    expect(check(order([['X', '1']]), items, '1210')).toEqual([expect.objectContaining({ rule: 'positive_list', field: 'OrderList/0/itemNo', found: 'X 8471300000' })]);
  });

  it('applies a line from its first day only (the 2022 adjustment)', () => {
    expect(check(order([['T', '1']], '20220228120000'), items, '9610')).toHaveLength(1);
    expect(check(order([['T', '1']], '20220301000000'), items, '9610')).toEqual([]);
  });

  it('keeps 仅限网购保税进口 goods to bonded import', () => {
    expect(check(order([['H', '1']]), items, '1210')).toEqual([]);
    expect(check(order([['H', '1']]), items, '9610')).toEqual([expect.objectContaining({ rule: 'positive_list_remark', expected: '1210/1239', found: '9610' })]);
  });

  it('sums a quantity remark over the order in the legal unit, exactly', () => {
    expect(check(order([['S', '4']]), items, '9610')).toEqual([]); // 4 × 0.5 kg = 2 kg: at the limit
    const over = check(order([['S', '3'], ['S', '2']]), items, '9610');
    expect(over).toEqual([expect.objectContaining({ rule: 'positive_list_remark', field: 'OrderList/0/qty', found: '2.5' })]);
    expect(over[0]!.message['zh-CN']).toContain('每人每年限 2 千克');
  });

  it('reads the seed, and refuses a bad file whole', () => {
    const seed = positiveList(parsePositiveList(readFileSync(projectPath('src/tax/data/positive-list.csv'), 'utf8')));
    expect(seed.find('1901101010', '2026-11-28')?.name).toContain('配方奶粉');
    expect(() => parsePositiveList(HEADER + '1901101,x,2019-04-01,,0,,,\n19011010,y,2019-04-01,,2,3,,\n')).toThrow(RateTableError);
  });
});
