// The facts the rules read, and where they come from. A FactSource answers window queries for a
// whole batch of documents at once (one query per kind of fact), so the checks stay pure and the
// cost per document stays a fraction of the intake's.
import type { Subject } from './subject.js';

/** A recent order, by the keys it shares with others. */
export interface Observation {
  readonly documentId: string;
  readonly enterpriseId: string;
  readonly ebcCode: string;
  readonly buyerKey: string | null;
  readonly consigneeKey: string | null;
  readonly addressKey: string | null;
  readonly phoneKey: string | null;
  readonly valueFen: number;
  readonly at: string;
}

export type KeyField = 'buyerKey' | 'consigneeKey' | 'addressKey' | 'phoneKey';
export const KEY_FIELDS: readonly KeyField[] = ['buyerKey', 'consigneeKey', 'addressKey', 'phoneKey'];

/** 商品备案 of an item: HS code, first legal unit and its quantity per piece, origin. */
export interface ItemFact {
  readonly gcode: string;
  readonly unit1: string;
  readonly qty1PerUnit: string;
  readonly country: string | null;
}

/** Where a 10-digit code stands against the positive list (跨境电子商务零售进口商品清单). */
export type GoodsStatus = 'listed' | 'restricted' | 'off';

/** An order a payment or waybill refers to: who bought, and the lines shipped. */
export interface LinkedOrder {
  readonly documentId: string;
  readonly orderNo: string;
  readonly ebpCode: string;
  readonly ebcCode: string;
  readonly buyerIdType: string;
  readonly buyerIdNumber: string;
  readonly buyerName: string;
  readonly lines: readonly { readonly itemNo: string; readonly qty: string }[];
}

export interface FactSource {
  /** Orders sharing any of `keys` in `field`, with `since` ≤ at ≤ `until`. */
  observations(field: KeyField, keys: readonly string[], since: string, until: string): Promise<readonly Observation[]>;
  /** Observations matching any of the keys of any field, in one read (optional: else one read per field). */
  observationsAny?(keys: Readonly<Record<KeyField, readonly string[]>>, since: string, until: string): Promise<readonly Observation[]>;
  /** Orders per e-commerce enterprise code in the window. */
  enterpriseOrders(ebcCodes: readonly string[], since: string, until: string): Promise<ReadonlyMap<string, number>>;
  /** Recent declared unit prices (fen) per 10-digit HS code, newest first, at most `limit` each. */
  prices(gcodes: readonly string[], since: string, limit: number): Promise<ReadonlyMap<string, readonly number[]>>;
  /** Item records by `${ebcCode}|${itemNo}`. */
  itemRecords(refs: readonly { ebcCode: string; itemNo: string }[]): Promise<ReadonlyMap<string, ItemFact>>;
  /** Import orders by orderNo (several platforms may use one number). */
  orders(orderNos: readonly string[]): Promise<ReadonlyMap<string, readonly LinkedOrder[]>>;
  /** Buyers whose identity a platform verified (18号 art 5), as `${ebpCode}|${buyerKey}`. */
  verifiedBuyers(pairs: readonly { ebpCode: string; buyerKey: string }[]): Promise<ReadonlySet<string>>;
  /** Customs rejections (return status 100 退单) per filing enterprise id since `since`. */
  rejections(enterpriseIds: readonly string[], since: string): Promise<ReadonlyMap<string, number>>;
  /** Enterprise codes on the negative list. */
  negativeList(): Promise<ReadonlySet<string>>;
  /** Positive-list standing of 10-digit codes; a code left out is unknown and fires nothing. */
  goodsStatus(gcodes: readonly string[]): Promise<ReadonlyMap<string, GoodsStatus>>;
}

/** One line of the document with what its item record adds. */
export interface LineFact {
  readonly gnum: string;
  readonly itemNo: string | undefined;
  readonly gcode: string | undefined;
  readonly priceFen: number | undefined;
  readonly qty: string | undefined;
  readonly country: string | undefined;
}

/** Everything the checks may read about one document, gathered for it. */
export interface Facts {
  /** Other orders sharing this order's keys (the document itself left out), each key field apart. */
  readonly history: Readonly<Record<KeyField, readonly Observation[]>>;
  /** Other orders of the same e-commerce enterprise in the velocity window. */
  readonly enterpriseOrders: number;
  readonly lines: readonly LineFact[];
  readonly prices: ReadonlyMap<string, readonly number[]>;
  readonly items: ReadonlyMap<string, ItemFact>;
  /** For a payment or waybill: the order it names. */
  readonly order: LinkedOrder | undefined;
  readonly buyerVerified: boolean;
  readonly rejections: number;
  readonly negativeList: ReadonlySet<string>;
  readonly goods: ReadonlyMap<string, GoodsStatus>;
}

export const observationOf = (s: Subject): Observation | undefined => s.order && {
  documentId: s.input.documentId, enterpriseId: s.input.enterpriseId, ebcCode: s.order.ebcCode,
  buyerKey: s.order.buyerKey, consigneeKey: s.order.consigneeKey, addressKey: s.order.addressKey, phoneKey: s.order.phoneKey,
  valueFen: s.order.valueFen, at: s.input.at,
};

/** Facts held in memory: for the unit tests, and a reference for what the database source answers. */
export class MemoryFactSource implements FactSource {
  constructor(readonly data: {
    observations?: Observation[]; prices?: { gcode: string; priceFen: number; at: string }[]; items?: Record<string, ItemFact>;
    orders?: LinkedOrder[]; verified?: string[]; rejections?: { enterpriseId: string; at: string }[];
    negative?: string[]; goods?: Record<string, GoodsStatus>;
  } = {}) {}

  async observations(field: KeyField, keys: readonly string[], since: string, until: string) {
    const want = new Set(keys);
    return (this.data.observations ?? []).filter((o) => o[field] !== null && want.has(o[field]!) && o.at >= since && o.at <= until);
  }
  async enterpriseOrders(ebcCodes: readonly string[], since: string, until: string) {
    const out = new Map<string, number>();
    for (const o of this.data.observations ?? []) if (ebcCodes.includes(o.ebcCode) && o.at >= since && o.at <= until) out.set(o.ebcCode, (out.get(o.ebcCode) ?? 0) + 1);
    return out;
  }
  async prices(gcodes: readonly string[], since: string, limit: number) {
    const out = new Map<string, number[]>();
    const rows = (this.data.prices ?? []).filter((p) => gcodes.includes(p.gcode) && p.at >= since).sort((a, b) => (a.at < b.at ? 1 : -1));
    for (const p of rows) {
      const list = out.get(p.gcode) ?? [];
      if (list.length < limit) list.push(p.priceFen);
      out.set(p.gcode, list);
    }
    return out;
  }
  async itemRecords(refs: readonly { ebcCode: string; itemNo: string }[]) {
    const items = this.data.items ?? {};
    return new Map(refs.map((r) => `${r.ebcCode}|${r.itemNo}`).filter((k) => items[k]).map((k) => [k, items[k]!] as const));
  }
  async orders(orderNos: readonly string[]) {
    const out = new Map<string, LinkedOrder[]>();
    for (const o of this.data.orders ?? []) if (orderNos.includes(o.orderNo)) out.set(o.orderNo, [...(out.get(o.orderNo) ?? []), o]);
    return out;
  }
  async verifiedBuyers(pairs: readonly { ebpCode: string; buyerKey: string }[]) {
    const held = new Set(this.data.verified ?? []);
    return new Set(pairs.map((p) => `${p.ebpCode}|${p.buyerKey}`).filter((k) => held.has(k)));
  }
  async rejections(enterpriseIds: readonly string[], since: string) {
    const out = new Map<string, number>();
    for (const r of this.data.rejections ?? []) if (enterpriseIds.includes(r.enterpriseId) && r.at >= since) out.set(r.enterpriseId, (out.get(r.enterpriseId) ?? 0) + 1);
    return out;
  }
  async negativeList() {
    return new Set(this.data.negative ?? []);
  }
  async goodsStatus(gcodes: readonly string[]) {
    const goods = this.data.goods ?? {};
    return new Map(gcodes.filter((g) => goods[g]).map((g) => [g, goods[g]!] as const));
  }
}
