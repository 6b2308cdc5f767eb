import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quoteTax, type LineRates, type TaxLineInput } from './compute.js';

const VAT13: LineRates = { duty: '0', vat: '0.13', source: 'test' };
const line = (valueFen: number, rates: LineRates, qty = '1', extra: Partial<TaxLineInput> = {}): TaxLineInput => ({ gnum: '1', valueFen, qty, rates, ...extra });
const ok = (r: ReturnType<typeof quoteTax>) => {
  if (!r.ok) throw new Error(`refused: ${r.code}`);
  return r;
};

describe('retail-import comprehensive tax: the worked examples of cbec-rules.md §3.3', () => {
  it('A: infant formula, goods 300 (30 of it by coupon) + freight 20 → P 320, tax 29.12', () => {
    const r = ok(quoteTax({ lines: [line(30_000, VAT13, '2')], freightFen: 2_000, insuranceFen: 0, yearToDateFen: 0 }));
    expect(r).toMatchObject({ rule: 'cbec-within-limits', dutiableFen: 32_000, customsTax: 0, consumptionTax: 0, valueAddedTax: 2_912, taxTotal: 2_912 });
  });

  it('A2: food at 9 %, P 200 → 12.60', () => {
    expect(ok(quoteTax({ lines: [line(20_000, { duty: '0.15', vat: '0.09', source: 't' }, '3')], freightFen: 0, insuranceFen: 0, yearToDateFen: 0 })).taxTotal).toBe(1_260);
  });

  it('B: 高档化妆品 P 500, VAT 13 %, CT 15 % → CT 61.76, VAT 53.53 (on the statutory CT), total 115.29', () => {
    const r = ok(quoteTax({ lines: [line(50_000, { duty: '0.05', vat: '0.13', consumption: '0.15', source: 't' })], freightFen: 0, insuranceFen: 0, yearToDateFen: 0 }));
    expect(r).toMatchObject({ customsTax: 0, consumptionTax: 6_176, valueAddedTax: 5_353, taxTotal: 11_529 });
    // The shortcut "(v + c) × 70 %" some pages print would give 98.00: not what the formula says.
    expect(r.taxTotal).not.toBe(9_800);
  });

  it('C: one item, P 6 000, the only item in its order, year-to-date 15 000 → full duty and VAT, 1 458.00', () => {
    const r = ok(quoteTax({ lines: [line(600_000, { duty: '0.10', vat: '0.13', source: 't' })], freightFen: 0, insuranceFen: 0, yearToDateFen: 1_500_000 }));
    expect(r).toMatchObject({ rule: 'cbec-single-item-full', customsTax: 60_000, valueAddedTax: 85_800, consumptionTax: 0, taxTotal: 145_800 });
  });

  it('C′: the same item with 22 000 used this year → beyond the annual limit, -621018', () => {
    expect(quoteTax({ lines: [line(600_000, { duty: '0.10', vat: '0.13', source: 't' })], freightFen: 0, insuranceFen: 0, yearToDateFen: 2_200_000 }))
      .toMatchObject({ ok: false, code: '-621018', reason: 'annual_limit', allowedFen: 400_000 });
  });

  it('D: two items totalling 5 200 → beyond the single limit, -621005', () => {
    const r = quoteTax({ lines: [line(260_000, VAT13), { ...line(260_000, VAT13), gnum: '2' }], freightFen: 0, insuranceFen: 0, yearToDateFen: 0 });
    expect(r).toMatchObject({ ok: false, code: '-621005', reason: 'single_limit' });
    // Two pieces on one line are not "one indivisible item" either.
    expect(quoteTax({ lines: [line(520_000, VAT13, '2')], freightFen: 0, insuranceFen: 0, yearToDateFen: 0 })).toMatchObject({ ok: false, code: '-621005' });
  });

  it('E: 25 000 used and an order of 1 500 → -621018', () => {
    expect(quoteTax({ lines: [line(150_000, VAT13)], freightFen: 0, insuranceFen: 0, yearToDateFen: 2_500_000 })).toMatchObject({ ok: false, code: '-621018' });
  });
});

describe('details', () => {
  it('shares freight and insurance over the lines by value and adds specific consumption tax', () => {
    const spirits: LineRates = { duty: '0.10', vat: '0.13', consumption: '0.20', specificFenPerUnit: 100, source: 'spirits' };
    const r = ok(quoteTax({
      lines: [line(30_000, VAT13, '1'), { ...line(10_000, spirits, '1', { specificQty: '1' }), gnum: '2' }],
      freightFen: 4_000, insuranceFen: 0, yearToDateFen: 0,
    }));
    expect(r.lines.map((l) => l.dutiableFen)).toEqual([33_000, 11_000]);
    // Line 2 within limits: CT = ((110 + 1) / 0.8 × 0.2 + 1) × 0.7 = 20.125 → 20.13; VAT = (110 + 28.75) × 0.13 × 0.7 = 12.62625 → 12.63.
    expect(r.lines[1]).toMatchObject({ customsTax: 0, consumptionTax: 2_013, valueAddedTax: 1_263 });
    expect(r.lines[0]).toMatchObject({ consumptionTax: 0, valueAddedTax: 3_003 });
  });

  it('leaves out the ad-valorem consumption tax below the price threshold (ordinary cosmetics)', () => {
    const rates: LineRates = { duty: '0.05', vat: '0.13', consumption: '0.15', source: 'cosmetics' };
    const r = ok(quoteTax({ lines: [line(20_000, rates, '1', { belowConsumptionThreshold: true })], freightFen: 0, insuranceFen: 0, yearToDateFen: 0 }));
    expect(r).toMatchObject({ consumptionTax: 0, valueAddedTax: 1_820 });
  });

  it('within the limits equals P × 0.7 × (v + c)/(1 − c) to the fen per tax, and the total is the sum of the rounded taxes', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 500_000 }), fc.constantFrom('0.13', '0.09'), fc.constantFrom('0', '0.1', '0.15', '0.3'),
      (p, v, c) => {
        const r = ok(quoteTax({ lines: [line(p, { duty: '0.2', vat: v, consumption: c, source: 't' }, '3')], freightFen: 0, insuranceFen: 0, yearToDateFen: 0 }));
        expect(r.customsTax).toBe(0);
        expect(r.taxTotal).toBe(r.customsTax + r.valueAddedTax + r.consumptionTax);
        const exact = (p * 0.7 * (Number(v) + Number(c))) / (1 - Number(c));
        expect(Math.abs(r.taxTotal - exact)).toBeLessThanOrEqual(1.01);
      },
    ), { numRuns: 300 });
  });

  it('never lets the annual limit be passed, whatever the order', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2_600_000 }), fc.integer({ min: 1, max: 700_000 }), fc.integer({ min: 1, max: 3 }), (ytd, value, pieces) => {
      const r = quoteTax({ lines: [line(value, VAT13, String(pieces))], freightFen: 0, insuranceFen: 0, yearToDateFen: ytd });
      if (r.ok) {
        expect(ytd + r.dutiableFen).toBeLessThanOrEqual(2_600_000);
        expect(r.dutiableFen <= 500_000 || pieces === 1).toBe(true);
      } else expect(r.code === '-621018' ? ytd + value > 2_600_000 : value > 500_000 && pieces > 1).toBe(true);
    }), { numRuns: 500 });
  });
});
