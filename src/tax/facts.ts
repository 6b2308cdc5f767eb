// Product facts for the tax engine, read from the clearance product records (商品备案).
import type { Store } from '../db/store.js';
import * as clearance from '../clearance/repository.js';
import type { ProductFacts } from './quote.js';

/** The e-commerce enterprise's product records as the quote needs them. */
export async function productsOf(store: Store, ebcCode: string | undefined): Promise<(itemNo: string) => ProductFacts | undefined> {
  if (!ebcCode) return () => undefined;
  const rows = await clearance.itemRecords(store.db, [ebcCode]);
  const byItem = new Map(rows.map((r) => [r.item_no, {
    gcode: r.gcode, unit1: r.unit1, qty1PerUnit: r.qty1_per_unit, unit2: r.unit2, qty2PerUnit: r.qty2_per_unit,
    ...(r.content_amount && r.content_unit ? { content: { amount: r.content_amount, unit: r.content_unit as 'ml' | 'g' | 'piece' } } : {}),
  } satisfies ProductFacts]));
  return (itemNo) => byItem.get(itemNo);
}
