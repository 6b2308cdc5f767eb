import { describe, expect, it } from 'vitest';
import { fxTable, parseFxRates } from '../../kernel/fx.js';
import type { Inventory, Order } from '../../ceb/model/export-202205.js';
import { checkExportMode, exportControls, hsDigitsGiven, loadExportControls, parseExportControls, parseSimplifiedDigits } from './modes.js';

const fx = fxTable(parseFxRates('currency,from,cny_per_unit,note\n502,2026-01,7.1000,\n'));
const controls = exportControls(parseExportControls('hs,licence,inspection,duty,note\n2805,1,0,0,rare earths\n3102,0,1,1,fertiliser\n0302,0,1,0,fish\n'));
const ctx = { fx, controls };

function shipment(orderType: string, tradeMode: string, lines: { gcode: string; totalPrice: string; currency?: string }[], statisticsFlag = 'B') {
  const order = { OrderHead: { orderType } } as unknown as Order;
  const inventory = {
    InventoryHead: { tradeMode, statisticsFlag, ieDate: '20261127', appTime: '20261127100000' },
    InventoryList: lines.map((l, i) => ({ gnum: String(i + 1), gcode: l.gcode, totalPrice: l.totalPrice, currency: l.currency ?? '502' })),
  } as unknown as Inventory;
  return [order, inventory] as const;
}
const rules = (o: Order, i: Inventory) => checkExportMode(o, i, ctx).map((m) => `${m.rule}:${m.field}`);

describe('export modes on the list route', () => {
  it('the order type names the mode: E 9610 (or 1210/1239), B 9710, W 9810', () => {
    expect(rules(...shipment('E', '9610', [{ gcode: '9505100000', totalPrice: '36' }]))).toEqual([]);
    expect(rules(...shipment('E', '1210', [{ gcode: '9505100000', totalPrice: '36' }]))).toEqual([]);
    expect(rules(...shipment('B', '9710', [{ gcode: '9505100000', totalPrice: '36' }]))).toEqual([]);
    expect(rules(...shipment('W', '9810', [{ gcode: '9505100000', totalPrice: '36' }]))).toEqual([]);
    expect(rules(...shipment('B', '9610', [{ gcode: '9505100000', totalPrice: '36' }]))).toEqual(['trade_mode:InventoryHead/tradeMode']);
    expect(rules(...shipment('E', '9810', [{ gcode: '9505100000', totalPrice: '36' }]))).toEqual(['trade_mode:InventoryHead/tradeMode']);
  });

  it('a 9710/9810 shipment over 5,000 CNY at the month\'s rate must go by customs declaration; 5,000.00 exactly may use the list', () => {
    // 704.23 USD × 7.1 = 5,000.033 → 5,000.03 CNY: over. 704.22 × 7.1 = 4,999.962 → 4,999.96: within.
    const over = checkExportMode(...shipment('B', '9710', [{ gcode: '9505100000', totalPrice: '704.23' }]), ctx);
    expect(over).toEqual([expect.objectContaining({ rule: 'route', found: '5000.03 CNY', expected: '≤ 5000.00 CNY' })]);
    expect(over[0]!.message['zh-CN']).toContain('报关单');
    expect(rules(...shipment('W', '9810', [{ gcode: '9505100000', totalPrice: '704.22' }]))).toEqual([]);
    expect(rules(...shipment('B', '9710', [{ gcode: '9505100000', totalPrice: '5000', currency: '142' }]))).toEqual([]);
    // Lines add up: two lines of 2,500.01 CNY.
    expect(rules(...shipment('B', '9710', [{ gcode: '9505100000', totalPrice: '2500.01', currency: '142' }, { gcode: '9505900000', totalPrice: '2500', currency: '142' }]))).toEqual(['route:InventoryList/totalPrice']);
  });

  it('goods under licence, inspection or export duty leave 9710/9810 by declaration, and never by simplified declaration when licensed or dutiable', () => {
    expect(rules(...shipment('B', '9710', [{ gcode: '0302110000', totalPrice: '10' }]))).toEqual(['route:InventoryList[gnum=1]/gcode']);
    expect(checkExportMode(...shipment('W', '9810', [{ gcode: '3102100000', totalPrice: '10' }]), ctx)[0]!.found).toBe('3102100000 (inspection+duty)');
    expect(rules(...shipment('E', '9610', [{ gcode: '2805301100', totalPrice: '10' }], 'A'))).toEqual(['simplified:InventoryList[gnum=1]/gcode']);
    // Inspection alone does not bar simplified declaration; 汇总申报 (B) is not simplified.
    expect(rules(...shipment('E', '9610', [{ gcode: '0302110000', totalPrice: '10' }], 'A'))).toEqual([]);
    expect(rules(...shipment('E', '9610', [{ gcode: '2805301100', totalPrice: '10' }], 'B'))).toEqual([]);
  });

  it('9610 simplified declaration is for shipments within 5,000 CNY; without a rate for the month the limit cannot be checked', () => {
    expect(rules(...shipment('E', '9610', [{ gcode: '9505100000', totalPrice: '800' }], 'A'))).toEqual(['simplified:InventoryList/totalPrice']);
    expect(rules(...shipment('E', '9610', [{ gcode: '9505100000', totalPrice: '800' }], 'B'))).toEqual([]);
    expect(rules(...shipment('B', '9710', [{ gcode: '9505100000', totalPrice: '10', currency: '300' }]))).toEqual(['fx_rate:InventoryList/currency']);
  });

  it('the seeded controls load; a bad flag refuses the table', () => {
    expect(loadExportControls().of('2805301100')?.licence).toBe(true);
    expect(loadExportControls().of('9505100000')).toBeUndefined();
    expect(() => parseExportControls('hs,licence,inspection,duty,note\n2805,yes,0,0,x\n')).toThrow(/0 or 1/);
  });
});

describe('simplified declaration: HS digits per mode and customs (cbec-rules §9 D1)', () => {
  const digits = parseSimplifiedDigits('9610:4,9710:6,9810:6,2900/9610:6');
  const withDigits = { ...ctx, simplifiedDigits: digits };
  const a = (mode: string, orderType: string, gcode: string, customsCode = '3100') => {
    const [o, i] = shipment(orderType, mode, [{ gcode, totalPrice: '10' }], 'A');
    (i.InventoryHead as unknown as Record<string, string>).customsCode = customsCode;
    return checkExportMode(o, i, withDigits).map((m) => `${m.rule}:${m.expected}`);
  };

  it('counts the digits a padded code gives at the HS levels 2/4/6/8/10', () => {
    expect(hsDigitsGiven('9505000000')).toBe(4);
    expect(hsDigitsGiven('9505100000')).toBe(6);
    expect(hsDigitsGiven('9505109000')).toBe(8);
    expect(hsDigitsGiven('9505100001')).toBe(10);
  });

  it('9610 may declare 4 digits, 9710/9810 need 6; a zone customs can ask 6 for 9610 too', () => {
    expect(a('9610', 'E', '9505000000')).toEqual([]);
    expect(a('9710', 'B', '9505000000')).toEqual(['simplified:≥ 6 HS digits (9710)']);
    expect(a('9710', 'B', '9505100000')).toEqual([]);
    expect(a('9810', 'W', '9505000000')).toEqual(['simplified:≥ 6 HS digits (9810)']);
    expect(a('9610', 'E', '9505000000', '2900')).toEqual(['simplified:≥ 6 HS digits (9610)']);
  });

  it('refuses a malformed setting', () => {
    expect(() => parseSimplifiedDigits('9610:5')).toThrow(/MODE:DIGITS/);
    expect(() => parseSimplifiedDigits('96104')).toThrow();
  });
});
