// A tax quote for inventory lists (CEB621): each line's HS code (gcode) finds its rates in the rate
// table on the list's day, the head gives freight and insurance, and the answer carries the CEB816
// field names (customsTax, valueAddedTax, consumptionTax, taxTotal, in yuan with two decimals) with
// per-line detail and the rule applied.

import type { Inventory, Order } from '../ceb/model/import-202205.js';
import { fenToYuan, formatDecimal, multiplyDecimal, parseDecimal, yuanToFenHalfUp } from '../kernel/money.js';
import { quoteTax, type LineRates, type TaxLineInput, type TaxRule } from './compute.js';
import { dayOf, lineRates, todayInBeijing, type RateEntry, type RateTable } from './rates.js';

/** What the list does not say and a product record does: the HS code, legal units, the content of one piece (for CT thresholds). */
export interface ProductFacts {
  readonly gcode?: string;
  readonly unit1?: string;
  readonly qty1PerUnit?: string;
  readonly unit2?: string | null;
  readonly qty2PerUnit?: string | null;
  readonly content?: { readonly amount: string; readonly unit: 'ml' | 'g' | 'piece' };
}

export interface QuoteOptions {
  readonly rates: RateTable;
  /** The day whose rates apply (YYYY-MM-DD); default: the list's appTime, else today. */
  readonly day?: string;
  /** The buyer's dutiable value already used this year (fen). */
  readonly yearToDateFen?: number;
  readonly products?: (itemNo: string) => ProductFacts | undefined;
}

export interface ListQuote {
  readonly copNo: string;
  readonly orderNo: string;
  readonly day: string;
  readonly status: 'quoted' | 'refused' | 'unrated';
  readonly rule?: TaxRule;
  readonly code?: string;
  readonly reason?: string;
  readonly dutiablePrice?: string;
  readonly customsTax?: string;
  readonly valueAddedTax?: string;
  readonly consumptionTax?: string;
  readonly taxTotal?: string;
  readonly lines?: readonly { gnum: string; gcode: string; rates: string; dutiablePrice: string; customsTax: string; valueAddedTax: string; consumptionTax: string }[];
  /** Things the quote had to assume, in English (the CLI and API add both languages where they speak). */
  readonly warnings: readonly string[];
}

/** Legal units (JGS-20 codes) the specific consumption taxes are levied on. */
const SPECIFIC_UNITS: Record<string, string> = { L: '095', kg: '035' };


/**
 * A CEB311 order quoted before any list exists: each line's item number resolves through the
 * e-commerce enterprise's product records to its HS code and legal units; freight from the head
 * (an order carries no insurance).
 */
export function quoteOrder(order: Order, o: QuoteOptions): ListQuote {
  const h = order.OrderHead;
  const missing: string[] = [];
  const lines = order.OrderList.map((l) => {
    const p = l.itemNo ? o.products?.(l.itemNo) : undefined;
    if (!p?.gcode || !p.unit1 || !p.qty1PerUnit) {
      missing.push(`line ${l.gnum}: no product record for item ${l.itemNo ?? '(none)'}`);
      return undefined;
    }
    const times = (a: string, b: string) => formatDecimal(multiplyDecimal(a, b));
    return {
      gnum: l.gnum, itemNo: l.itemNo, gcode: p.gcode, price: l.price, qty: l.qty, totalPrice: l.totalPrice,
      unit1: p.unit1, qty1: times(l.qty, p.qty1PerUnit),
      ...(p.unit2 && p.qty2PerUnit ? { unit2: p.unit2, qty2: times(l.qty, p.qty2PerUnit) } : {}),
    };
  });
  const base = { copNo: '', orderNo: h.orderNo ?? '', day: o.day ?? dayOf(h.appTime) ?? todayInBeijing() };
  if (missing.length) return { ...base, status: 'unrated', reason: missing.join('; '), warnings: [] };
  const list = { InventoryHead: { ...h, copNo: '', freight: h.freight, insuredFee: '0' }, InventoryList: lines } as unknown as Inventory;
  return quoteInventory(list, { ...o, day: base.day });
}

export function quoteInventory(list: Inventory, o: QuoteOptions): ListQuote {
  try {
    return quoteList(list, o);
  } catch (e) {
    // Amounts beyond what a fen count holds exactly (N19,5 allows 14 integer digits), or not decimals at all.
    if (!(e instanceof RangeError)) throw e;
    const h = list.InventoryHead;
    return { copNo: h.copNo ?? '', orderNo: h.orderNo ?? '', day: o.day ?? dayOf(h.appTime) ?? todayInBeijing(), status: 'unrated', reason: e.message, warnings: [] };
  }
}

function quoteList(list: Inventory, o: QuoteOptions): ListQuote {
  const h = list.InventoryHead;
  const day = o.day ?? dayOf(h.appTime) ?? todayInBeijing();
  const base = { copNo: h.copNo ?? '', orderNo: h.orderNo ?? '', day };
  const warnings: string[] = [];
  const lines: (TaxLineInput & { gcode: string })[] = [];
  const unrated: string[] = [];
  for (const l of list.InventoryList) {
    const entry = o.rates.find(l.gcode ?? '', day);
    if (!entry) {
      unrated.push(`line ${l.gnum}: no rate for HS ${l.gcode} on ${day}`);
      continue;
    }
    const rates: LineRates = lineRates(entry);
    lines.push({ gnum: l.gnum, gcode: l.gcode, valueFen: yuanToFenHalfUp(l.totalPrice), qty: l.qty, rates, ...specificAndThreshold(entry, l, o, warnings) });
  }
  if (unrated.length) return { ...base, status: 'unrated', reason: unrated.join('; '), warnings };
  const r = quoteTax({ lines, freightFen: yuanToFenHalfUp(h.freight || '0'), insuranceFen: yuanToFenHalfUp(h.insuredFee || '0'), yearToDateFen: o.yearToDateFen ?? 0 });
  if (!r.ok) {
    const limit = r.reason === 'single_limit' ? 'single-transaction limit 5,000' : `annual limit 26,000 (left this year: ${fenToYuan(r.allowedFen)})`;
    return { ...base, status: 'refused', code: r.code, reason: `dutiable price ${fenToYuan(r.dutiableFen)} exceeds the ${limit}`, dutiablePrice: fenToYuan(r.dutiableFen), warnings };
  }
  return {
    ...base, status: 'quoted', rule: r.rule, dutiablePrice: fenToYuan(r.dutiableFen),
    customsTax: fenToYuan(r.customsTax), valueAddedTax: fenToYuan(r.valueAddedTax), consumptionTax: fenToYuan(r.consumptionTax), taxTotal: fenToYuan(r.taxTotal),
    lines: r.lines.map((x, i) => ({
      gnum: x.gnum, gcode: lines[i]!.gcode, rates: x.source, dutiablePrice: fenToYuan(x.dutiableFen),
      customsTax: fenToYuan(x.customsTax), valueAddedTax: fenToYuan(x.valueAddedTax), consumptionTax: fenToYuan(x.consumptionTax),
    })),
    warnings,
  };
}

/** The line's specific-tax quantity and whether it is under the CT price threshold, from what the list and product records say. */
function specificAndThreshold(e: RateEntry, l: Inventory['InventoryList'][number], o: QuoteOptions, warnings: string[]): Partial<TaxLineInput> {
  const out: { specificQty?: string; belowConsumptionThreshold?: boolean } = {};
  if (e.specificFenPerUnit !== null && e.specificUnit) {
    const code = SPECIFIC_UNITS[e.specificUnit];
    if (code && l.unit1 === code) out.specificQty = l.qty1;
    else if (code && l.unit2 === code && l.qty2) out.specificQty = l.qty2;
    else warnings.push(`line ${l.gnum}: the specific consumption tax is per ${e.specificUnit} but the list gives no quantity in it; left out`);
  }
  if (e.consumption && e.thresholds.length) {
    const content = l.itemNo ? o.products?.(l.itemNo)?.content : undefined;
    const t = content && e.thresholds.find((x) => x.unit === content.unit);
    if (!content || !t) {
      warnings.push(`line ${l.gnum}: the content of one piece is not known, so the consumption tax threshold (${e.thresholds.map((x) => `${fenToYuan(x.fenPerUnit)}/${x.unit}`).join(', ')}) was not checked and the tax applied`);
    } else {
      out.belowConsumptionThreshold = priceBelow(l.price, content.amount, t.fenPerUnit);
    }
  }
  return out;
}


/** Whether a unit price (yuan text) divided by the content of one piece is below a threshold in fen per unit of content, exactly. */
export function priceBelow(price: string, contentAmount: string, thresholdFen: number): boolean {
  const p = parseDecimal(price);
  const a = parseDecimal(contentAmount);
  // p/10^ps yuan ÷ a/10^as < threshold/100 yuan  ⇔  p·100·10^as < threshold·a·10^ps
  return p.units * 100n * 10n ** BigInt(a.scale) < BigInt(thresholdFen) * a.units * 10n ** BigInt(p.scale);
}
