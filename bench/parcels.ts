// Import parcels as enterprises file them, for the benchmarks: per block of 100 parcels, one message
// per document type and filer (orders by the platform, payments by the payment company, waybills by
// the carrier), generated from the demo traffic with a fixed seed.
import { writeMessage, type Model } from '../src/ceb/codec.js';
import { createTraffic, partiesFromEnterprises } from '../src/clearance/traffic/generator.js';
import type { Enterprise } from '../src/registry/model.js';

export interface FiledMessage { readonly filer: string; readonly xml: string }

export function importBlocks(all: Enterprise[], parcels: number, seed: number, block = 100): FiledMessage[][] {
  const traffic = createTraffic({ seed, parties: partiesFromEnterprises(all), faults: {} });
  const blocks: FiledMessage[][] = [];
  for (let b = 0; b < parcels / block; b++) {
    const xs = Array.from({ length: block }, () => traffic.nextImportParcel());
    const out: FiledMessage[] = [];
    for (const [type, entity, pick] of [
      ['CEB311Message', 'Order', (x: (typeof xs)[number]) => x.order],
      ['CEB411Message', 'Payment', (x: (typeof xs)[number]) => x.payment],
      ['CEB511Message', 'Logistics', (x: (typeof xs)[number]) => x.waybill],
    ] as const) {
      const byFiler = new Map<string, Model[]>();
      for (const x of xs) {
        const m = pick(x) as unknown as Model;
        const filer = (m.BaseTransfer as { copCode: string }).copCode;
        byFiler.set(filer, [...(byFiler.get(filer) ?? []), m]);
      }
      for (const [filer, ms] of byFiler) out.push({ filer, xml: writeMessage(type, { ...ms[0]!, [entity]: ms.flatMap((m) => m[entity] as Model[]) }) });
    }
    blocks.push(out);
  }
  return blocks;
}
