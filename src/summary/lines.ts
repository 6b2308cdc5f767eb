// The closed lines of given lists as the customs simulator needs them (customsAnswer's linesOf).
import type { Store } from '../db/store.js';
import type { CustomsLine } from './customs.js';
import { linesOfLists } from './repository.js';

/** Reads the lines first (async), then answers customsAnswer's synchronous look-up from them. */
export async function customsLinesOf(store: Store, invtNos: readonly string[]): Promise<(names: readonly string[]) => CustomsLine[]> {
  const rows = await linesOfLists(store.db, invtNos);
  const byList = new Map<string, CustomsLine[]>();
  for (const r of rows) {
    // A 简化申报 (A) list is never summarised: customs does not know it for a CEB701.
    if (r.statistics_flag !== 'B') continue;
    const line: CustomsLine = {
      invtNo: r.invt_no, gnum: r.gnum, logisticsNo: r.logistics_no, listHead: r.list_head === 1,
      loctNo: r.loct_no ?? '', ownerCode: r.owner_code, trafMode: r.traf_mode, headCountry: r.head_country, portCode: r.port_code,
      country: r.line_country, gcode: r.gcode, currency: r.currency, gname: r.gname, unit: r.unit, unit1: r.unit1, unit2: r.unit2 ?? '',
      qty: BigInt(r.qty), qty1: BigInt(r.qty1), qty2: BigInt(r.qty2 ?? 0), totalPrice: BigInt(r.total_price),
      grossWeight: BigInt(r.gross_weight), netWeight: BigInt(r.net_weight),
    };
    const list = byList.get(r.invt_no);
    if (list) list.push(line);
    else byList.set(r.invt_no, [line]);
  }
  return (names) => names.flatMap((n) => byList.get(n) ?? []);
}
