// A seeded generator of realistic CEB traffic for load tests and demos: retail-import parcels (the
// 三单 CEB311 order, CEB411 payment, CEB511 waybill of a bonded 1210 import through 金义综合保税区)
// and 9610 export parcels (CEB303 order, CEB403 receipt of payment, CEB505 waybill), a configurable
// share of them carrying one deliberate fault. Same seed, same calls → same documents, except the
// guids (newGuid(), unless a `guid` function is given) and the times (from `now`).
import { quoteTax } from '../../tax/compute.js';
import type * as Imp from '../../ceb/model/import-202205.js';
import type * as Exp from '../../ceb/model/export-202205.js';
import { writeMessage, type Model } from '../../ceb/codec.js';
import { AppError } from '../../kernel/errors.js';
import { newGuid } from '../../kernel/ids.js';
import { applyRate, fenToYuan, parseDecimal, type Fen } from '../../kernel/money.js';
import { formatCustomsTime } from '../../kernel/time.js';
import { exportHsCode } from './items.js';
import { Rng } from '../../kernel/random.js';
import {
  DESTINATIONS, DISTRICTS, ESTATES, EXPORT_PRODUCTS, GIVEN_FEMALE, GIVEN_MALE, IMPORT_PRODUCTS, MOBILE_PREFIXES,
  STREETS, SURNAMES, type Destination, type ExportProduct, type ImportProduct,
} from './catalogue.js';

// ——— Rules ——————————————————————————————————————————————————————————————————————————————

/** 财关税〔2018〕49号 §1 (cbec-rules §3.1): single transaction 5,000 RMB, per person per year 26,000 RMB. */
export const SINGLE_LIMIT_FEN: Fen = 500_000;
export const ANNUAL_LIMIT_FEN: Fen = 2_600_000;

export interface TaxLine {
  readonly valueFen: Fen;
  /** Statutory VAT rate, exact decimal ("0.13"). */
  readonly vat: string;
  /** Statutory ad-valorem consumption tax rate ("0.15"), when the goods bear one. */
  readonly ct?: string;
}

export interface RetailImportTax {
  /** 完税价格 P = goods + freight + insurance (财关税〔2016〕18号 art 1). */
  readonly dutiableFen: Fen;
  readonly consumptionFen: Fen;
  readonly vatFen: Fen;
  readonly totalFen: Fen;
}

const big = (n: number) => BigInt(n);

/**
 * Retail-import tax within the limits (cbec-rules §3.2), computed by the platform's tax engine
 * (src/tax/compute.ts) so that the orders the simulator files carry exactly the taxTotal the
 * platform's match checks: duty 0 %, VAT and consumption tax at 70 % of the statutory amounts,
 * freight and insurance spread over the lines by value, one half-up rounding per tax. Coupons do
 * not reduce P (§2.1 #4). The limits are not applied here: a deliberately over-limit order still
 * states the tax it would owe.
 */
export function retailImportTax(lines: readonly TaxLine[], freightFen: Fen, insuranceFen: Fen = 0): RetailImportTax {
  const goods = lines.reduce((s, l) => s + l.valueFen, 0);
  const dutiable = goods + freightFen + insuranceFen;
  if (goods <= 0) {
    if (lines.length === 0 || dutiable === 0) return { dutiableFen: dutiable, consumptionFen: 0, vatFen: 0, totalFen: 0 };
    throw new RangeError('retail import tax needs goods of positive value to spread the freight over');
  }
  const q = quoteTax({
    lines: lines.map((l, i) => ({ gnum: String(i + 1), valueFen: l.valueFen, qty: '1', rates: { duty: '0', vat: l.vat, ...(l.ct ? { consumption: l.ct } : {}), source: 'catalogue' } })),
    freightFen, insuranceFen, yearToDateFen: 0, limits: false,
  });
  if (!q.ok) throw new Error('unreachable: limits are off');
  return { dutiableFen: dutiable, consumptionFen: q.consumptionTax, vatFen: q.valueAddedTax, totalFen: q.taxTotal };
}

/**
 * 高档化妆品 bear consumption tax 15 % when the price is ≥ 10 元 per ml or g, or ≥ 15 元 per
 * piece (财税〔2016〕103号 [M], cbec-rules §3.2 note). The rule speaks of the dutiable price net of
 * VAT; the shelf price per unit is the simulator's stand-in.
 */
export function cosmeticConsumptionTax(product: Pick<ImportProduct, 'category' | 'priceFen' | 'content'>): '0.15' | undefined {
  if (product.category !== 'cosmetics' || !product.content) return undefined;
  const thresholdFen = product.content.per === 'piece' ? 1500n : 1000n;
  const amount = parseDecimal(product.content.amount);
  // price / amount ≥ threshold  ⇔  price · 10^scale ≥ threshold · units
  return big(product.priceFen) * 10n ** big(amount.scale) >= thresholdFen * amount.units ? '0.15' : undefined;
}

// ——— Identity numbers ——————————————————————————————————————————————————————————————————————

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643-1999 check character of a resident ID number: ISO 7064 MOD 11-2 over the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`not 17 digits: "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return '10X98765432'[sum % 11]!;
}

export const isResidentId = (id: string): boolean => /^\d{17}[\dX]$/.test(id) && residentIdCheckChar(id.slice(0, 17)) === id[17];

/** GS1 check digit of an EAN-13 (weights 1,3 from the left over 12 digits). */
export function ean13(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 ? 3 : 1);
  return first12 + ((10 - (sum % 10)) % 10);
}

/** UPU S10 item identifier ("LX123456785CN"): service letters, 8 digits, check digit, country. */
export function s10(service: string, serial8: string, country = 'CN'): string {
  const w = [8, 6, 4, 2, 3, 5, 9, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial8[i]) * w[i]!;
  const c = 11 - (sum % 11);
  return `${service}${serial8}${c === 10 ? 0 : c === 11 ? 5 : c}${country}`;
}

// ——— PRNG ——————————————————————————————————————————————————————————————————————————————

export { Rng } from '../../kernel/random.js';

/**
 * Unique, random-looking serial numbers without remembering the ones issued: a counter through a
 * seeded permutation of [0, 10^width). The permutation is a bijective mixer on [0, 2^m) (odd
 * multiplications, xor-shifts) applied by cycle walking until the value falls below 10^width —
 * a bijection on the smaller range too, so no number repeats within 10^width calls.
 */
class Serial {
  private k = 0n;
  private readonly limit: bigint;
  private readonly bits: bigint;
  private readonly mask: bigint;
  private readonly keys: readonly bigint[];
  constructor(rng: Rng, private readonly width: number) {
    this.limit = 10n ** big(width);
    this.bits = big(this.limit.toString(2).length);
    this.mask = (1n << this.bits) - 1n;
    this.keys = [0, 1, 2, 3].map(() => (BigInt(rng.next()) << 21n) ^ BigInt(rng.next()));
  }
  private mix(x: bigint): bigint {
    const half = this.bits / 2n;
    for (const key of this.keys) {
      // Each step is a bijection of [0, 2^m): × odd, + constant (mod 2^m), and x ^ (x >> half).
      x = (x * (key | 1n) + key) & this.mask;
      x ^= x >> half;
    }
    return x;
  }
  next(): string {
    let v = this.mix(this.k++);
    while (v >= this.limit) v = this.mix(v);
    return v.toString().padStart(this.width, '0');
  }
}

// ——— Faults ————————————————————————————————————————————————————————————————————————————

/**
 * One deliberate fault per faulty parcel; every other rule still holds, so a matcher must name
 * exactly this one (cbec-rules §2.1 numbering):
 * - amount_mismatch — #3: the payment's amountPaid differs from the order's acturalPaid (tax not
 *   collected, coupon not deducted, freight left out, a stray yuan); the order's own formula holds.
 *   Export: the CEB403 charge differs from goodsValue + freight (the 9610 analogue, §2.2).
 * - payer_not_buyer — #7 (18号 art 5): the payer's name and ID number are another person's (a
 *   valid ID, so #6 still holds); the buyer is not marked verified.
 * - over_single_limit — #11 (49号 §1, customs -621005): dutiable value over 5,000 RMB with two or
 *   more items, so the single-item exception of 49号 §2 does not apply; the annual quota is not hit.
 * - consignee_mismatch — #8: the waybill's consigneeAddress is another flat in the same block; the
 *   consignee's name and phone still match.
 * - malformed_xml — no §2.1 rule: one of the three documents is not well-formed XML (ceb-messages
 *   §3, DXP 0001 报文格式错误, §6); its model is valid, only the text sent is broken (toXml).
 */
export type FaultKind = 'amount_mismatch' | 'payer_not_buyer' | 'over_single_limit' | 'consignee_mismatch' | 'malformed_xml';
export const FAULT_KINDS: readonly FaultKind[] = ['amount_mismatch', 'payer_not_buyer', 'over_single_limit', 'consignee_mismatch', 'malformed_xml'];

/** Share of parcels (0…1) that carry each fault. Kinds left out of a given object get none. */
export type FaultShares = Partial<Record<FaultKind, number>>;

/** 5 % in all. */
export const DEFAULT_FAULT_SHARES: Readonly<Record<FaultKind, number>> = {
  amount_mismatch: 0.015,
  payer_not_buyer: 0.01,
  over_single_limit: 0.01,
  consignee_mismatch: 0.01,
  malformed_xml: 0.005,
};

/**
 * The faults an export parcel can carry. The 9610 export documents name no buyer identity, no
 * payer and no consignee, and no single-transaction limit applies, so only these two exist there;
 * an export parcel drawn for another kind is generated clean.
 */
export const EXPORT_FAULT_KINDS: readonly FaultKind[] = ['amount_mismatch', 'malformed_xml'];

export type GarbleMode = 'truncated' | 'mismatched_tag' | 'undeclared_entity' | 'control_char';
const GARBLE_MODES: readonly GarbleMode[] = ['truncated', 'mismatched_tag', 'undeclared_entity', 'control_char'];

/**
 * Breaks a well-formed document the way broken clients do; `at` (0…1) picks the place. Every mode
 * makes the text not well-formed XML (DXP 0001 报文格式错误), never merely invalid.
 */
export function garbleXml(xml: string, mode: GarbleMode, at: number): string {
  const leaves = [...xml.matchAll(/<(ceb:\w+)>([^<]*)<\/\1>/g)];
  const leaf = leaves[Math.min(leaves.length - 1, Math.floor(at * leaves.length))];
  const tag = leaf?.[1] ?? '';
  switch (mode) {
    case 'truncated': {
      // Anywhere from 30 % to 90 % in: the root's end tag is always lost.
      return xml.slice(0, Math.floor(xml.length * (0.3 + 0.6 * at)));
    }
    case 'mismatched_tag': {
      if (!leaf) return xml.slice(0, xml.length - 1);
      const end = leaf.index! + leaf[0].length;
      return xml.slice(0, end - tag.length - 3) + `</${tag}X>` + xml.slice(end);
    }
    case 'undeclared_entity':
    case 'control_char': {
      if (!leaf) return xml.slice(0, xml.length - 1);
      // Inside the leaf's text: an HTML entity pasted into XML, or a stray control character.
      const pos = leaf.index! + tag.length + 2;
      return xml.slice(0, pos) + (mode === 'undeclared_entity' ? '&nbsp;' : '\u0001') + xml.slice(pos);
    }
  }
}

// ——— Parties ———————————————————————————————————————————————————————————————————————————

export interface Party {
  /** Customs registration code (10) or USCC (18): what goes into ebpCode, payCode, copCode … */
  readonly code: string;
  readonly name: string;
  readonly dxpId: string;
  /** For e-commerce enterprises: the direction they trade in; absent means both. */
  readonly trades?: 'import' | 'export';
  /** Registry cluster code (src/zone/profiles.ts): export orders for that cluster's goods go to this enterprise mostly. */
  readonly cluster?: string;
}

export interface Parties {
  readonly ebp: readonly Party[];
  readonly ebc: readonly Party[];
  readonly payment: readonly Party[];
  readonly logistics: readonly Party[];
  /** Declarants (报关企业) of the later 清单; the 三单 do not name them. */
  readonly declarant?: readonly Party[];
}

/**
 * Parties from registry records (e.g. the demo enterprises): code = customs code, else USCC; an
 * e-commerce enterprise that is also an agent or sits in a bonded park is an importer, others
 * export. Records without a DXP id get a made-up one.
 */
export function partiesFromEnterprises(list: readonly {
  readonly uscc: string; readonly customsCode?: string | null; readonly dxpId?: string | null; readonly nameZh: string;
  readonly roles: readonly string[]; readonly park?: string | null; readonly cluster?: string | null;
}[]): Parties {
  const party = (e: (typeof list)[number], trades?: 'import' | 'export'): Party => {
    const code = e.customsCode || e.uscc;
    return {
      code, name: e.nameZh, dxpId: e.dxpId || `DXPENT${code.slice(-10)}`,
      ...(trades ? { trades } : {}), ...(trades && e.cluster ? { cluster: e.cluster } : {}),
    };
  };
  const having = (role: string) => list.filter((e) => e.roles.includes(role));
  return {
    ebp: having('ebp').map((e) => party(e)),
    ebc: having('ebc').map((e) => party(e, e.roles.includes('agent') || e.park ? 'import' : 'export')),
    payment: having('payment').map((e) => party(e)),
    logistics: having('logistics').map((e) => party(e)),
    declarant: having('declarant').map((e) => party(e)),
  };
}

// ——— Parcels ———————————————————————————————————————————————————————————————————————————

/** One business document of a parcel as the driver batches it: same message type + filer → one message. */
export interface ParcelDocument {
  readonly kind: string;
  readonly messageType: string;
  /** Property of the root holding the business documents ('Order', 'Payment', 'Receipts', 'Logistics'). */
  readonly rootKey: string;
  /** BaseTransfer of the filer (copCode = the enterprise whose token sends it). */
  readonly transfer: Imp.BaseTransfer;
  readonly document: unknown;
  /** True when this document must be sent broken (malformed_xml), alone in its own message. */
  readonly broken: boolean;
}

export interface Garble {
  readonly document: string;
  readonly mode: GarbleMode;
  readonly at: number;
}

abstract class ParcelBase<K extends string> {
  protected abstract readonly types: Readonly<Record<K, readonly [messageType: string, rootKey: string]>>;
  abstract readonly fault: FaultKind | null;
  abstract readonly garble: Garble | null;
  protected abstract model(kind: K): Model & { BaseTransfer: Imp.BaseTransfer };

  messageType(kind: K): string {
    return this.types[kind][0];
  }

  /** The document as XML (writeMessage); for the malformed_xml fault, the chosen document comes out broken. */
  toXml(kind: K): string {
    const xml = writeMessage(this.types[kind][0], this.model(kind));
    return this.garble && this.garble.document === kind ? garbleXml(xml, this.garble.mode, this.garble.at) : xml;
  }

  documents(): ParcelDocument[] {
    return (Object.keys(this.types) as K[]).map((kind) => {
      const [messageType, rootKey] = this.types[kind];
      const m = this.model(kind);
      return {
        kind, messageType, rootKey, transfer: m.BaseTransfer,
        document: (m[rootKey] as unknown[])[0],
        broken: this.garble?.document === kind,
      };
    });
  }
}

export type ImportDocumentKind = 'order' | 'payment' | 'waybill';
export type ExportDocumentKind = 'order' | 'receipts' | 'waybill' | 'list';

export interface ImportExpected {
  /** acturalPaid by the formula, = what the payment must show (§2.1 #3). */
  readonly amountPaidFen: Fen;
  readonly taxFen: Fen;
  readonly goodsValueFen: Fen;
  readonly freightFen: Fen;
  readonly discountFen: Fen;
  readonly dutiableFen: Fen;
}

export class ImportParcel extends ParcelBase<ImportDocumentKind> {
  readonly direction = 'import' as const;
  protected readonly types = {
    order: ['CEB311Message', 'Order'], payment: ['CEB411Message', 'Payment'], waybill: ['CEB511Message', 'Logistics'],
  } as const;
  constructor(
    readonly order: Imp.CEB311Message,
    readonly payment: Imp.CEB411Message,
    readonly waybill: Imp.CEB511Message,
    readonly fault: FaultKind | null,
    /** What the documents carry when they follow the rules (a faulty document deviates from it). */
    readonly expected: ImportExpected,
    readonly garble: Garble | null,
    /** 1210 网购保税进口 through a bonded zone of the Jinhua zone. */
    readonly tradeMode: '1210' = '1210',
    readonly park = '金义综合保税区',
  ) {
    super();
  }
  protected model(kind: ImportDocumentKind) {
    return (kind === 'order' ? this.order : kind === 'payment' ? this.payment : this.waybill) as unknown as Model & { BaseTransfer: Imp.BaseTransfer };
  }
}

export interface ExportExpected {
  /** goodsValue + freight, in hundredths of `currency` (fen only when that is 142). */
  readonly amountPaidFen: Fen;
  readonly taxFen: 0;
  readonly goodsValueFen: Fen;
  readonly freightFen: Fen;
  readonly currency: string;
}

export class ExportParcel extends ParcelBase<ExportDocumentKind> {
  readonly direction = 'export' as const;
  protected readonly types = {
    order: ['CEB303Message', 'Order'], receipts: ['CEB403Message', 'Receipts'], waybill: ['CEB505Message', 'Logistics'],
    list: ['CEB603Message', 'Inventory'],
  } as const;
  constructor(
    readonly order: Exp.CEB303Message,
    readonly receipts: Exp.CEB403Message,
    readonly waybill: Exp.CEB505Message,
    /** The declarant's 申报清单 (CEB603) for the three documents (9610, 简化申报 A). */
    readonly list: Exp.CEB603Message,
    readonly fault: FaultKind | null,
    readonly expected: ExportExpected,
    readonly garble: Garble | null,
    /** The CEB303/403/505 have no buyer or country field: the destination is kept here (and in notes). */
    readonly destination: { readonly iso2: string; readonly country: string; readonly buyer: string; readonly city: string },
    readonly tradeMode: '9610' = '9610',
  ) {
    super();
  }
  protected model(kind: ExportDocumentKind) {
    return (kind === 'order' ? this.order : kind === 'receipts' ? this.receipts : kind === 'waybill' ? this.waybill : this.list) as unknown as Model & { BaseTransfer: Imp.BaseTransfer };
  }
}

export type Parcel = ImportParcel | ExportParcel;

// ——— Generator —————————————————————————————————————————————————————————————————————————

export interface TrafficOptions {
  readonly seed: number;
  readonly parties: Parties;
  readonly faults?: FaultShares;
  readonly now?: () => Date;
  /** Guid source for roots and heads; newGuid() by default. Inject a seeded one for byte-identical fixtures. */
  readonly guid?: () => string;
}

export interface Traffic {
  readonly seed: number;
  readonly parties: Parties;
  readonly faults: Readonly<Record<FaultKind, number>>;
  nextImportParcel(): ImportParcel;
  nextExportParcel(): ExportParcel;
}

interface Person {
  readonly name: string;
  readonly id: string;
  readonly phone: string;
}

interface Buyer extends Person {
  readonly regNo: string;
  readonly address: { readonly text: string; readonly district: string };
  year: number;
  ytdFen: Fen;
}

const badOption = (option: string, value: unknown, allowed: string) =>
  new AppError('invalid', 'TRAFFIC_BAD_OPTION', { option, value: String(value), allowed });

function checkParties(parties: Parties): void {
  for (const role of ['ebp', 'ebc', 'payment', 'logistics'] as const) {
    if (!parties[role]?.length) throw new AppError('invalid', 'TRAFFIC_NO_PARTY', { role });
  }
  const all = [...parties.ebp, ...parties.ebc, ...parties.payment, ...parties.logistics, ...(parties.declarant ?? [])];
  for (const p of all) {
    // XSD lengths: codes C..18, names C..100, dxpId C..30.
    if (!p.code || p.code.length > 18) throw badOption('party.code', p.code, '1–18 characters');
    if (!p.name || p.name.length > 100) throw badOption('party.name', p.name, '1–100 characters');
    if (!p.dxpId || p.dxpId.length > 30) throw badOption('party.dxpId', p.dxpId, '1–30 characters');
  }
}

function faultShares(given: FaultShares | undefined): Record<FaultKind, number> {
  const shares = Object.fromEntries(FAULT_KINDS.map((k) => [k, given ? given[k] ?? 0 : DEFAULT_FAULT_SHARES[k]])) as Record<FaultKind, number>;
  let total = 0;
  for (const k of FAULT_KINDS) {
    const s = shares[k];
    if (!Number.isFinite(s) || s < 0 || s > 1) throw badOption(`faults.${k}`, s, '0…1');
    total += s;
  }
  if (total > 1 + 1e-12) throw badOption('faults', total, 'a total of at most 1');
  return shares;
}

const yuan = fenToYuan;
const transfer = (p: Party): Imp.BaseTransfer => ({ copCode: p.code, copName: p.name, dxpMode: 'DXP', dxpId: p.dxpId });
const kg = (grams: number) => `${Math.floor(grams / 1000)}.${String(grams % 1000).padStart(3, '0')}`;
const beijingYear = (t: Date) => new Date(t.getTime() + 8 * 3600_000).getUTCFullYear();
const clip = (s: string, n: number) => (s.length <= n ? s : s.slice(0, n));

export function createTraffic(options: TrafficOptions): Traffic {
  if (!Number.isFinite(options.seed)) throw badOption('seed', options.seed, 'a finite number');
  checkParties(options.parties);
  const faults = faultShares(options.faults);
  const now = options.now ?? (() => new Date());
  const guid = options.guid ?? newGuid;
  const { parties } = options;
  const importers = parties.ebc.filter((p) => p.trades !== 'export');
  const exporters = parties.ebc.filter((p) => p.trades !== 'import');
  const ebcFor = (list: readonly Party[]) => (list.length ? list : parties.ebc);

  // Separate streams, so interleaving imports and exports does not change either sequence.
  const ri = new Rng(options.seed, 1);
  const re = new Rng(options.seed, 2);
  const serials = {
    order: new Serial(ri, 10), payment: new Serial(ri, 14), waybill: new Serial(ri, 13), regNo: new Serial(ri, 9),
    xOrder: new Serial(re, 10), xPay: new Serial(re, 12), xWaybill: new Serial(re, 8),
  };
  const buyers: Buyer[] = [];
  const MAX_BUYERS = 2000;

  function drawFault(r: Rng, applicable: readonly FaultKind[]): FaultKind | null {
    let x = r.float();
    for (const k of FAULT_KINDS) {
      if ((x -= faults[k]) < 0) return applicable.includes(k) ? k : null;
    }
    return null;
  }

  function person(r: Rng, at: Date): Person {
    const female = r.chance(0.68);
    const chars = female ? GIVEN_FEMALE : GIVEN_MALE;
    const name = r.pick(SURNAMES) + r.pick(chars) + (r.chance(0.7) ? r.pick(chars) : '');
    // Adults 20–59 at the time of the order; sequence code odd for men, even for women (GB 11643).
    const born = new Date(Date.UTC(beijingYear(at) - r.int(20, 59), r.int(0, 11), r.int(1, 28)));
    const seq = String(r.int(0, 99)).padStart(2, '0') + String(r.int(0, 4) * 2 + (female ? 0 : 1));
    const first17 = r.pick(DISTRICTS).code + formatCustomsTime(new Date(born.getTime() - 8 * 3600_000), 'YYYYMMDD') + seq;
    const phone = r.pick(MOBILE_PREFIXES) + r.digits(8);
    return { name, id: first17 + residentIdCheckChar(first17), phone };
  }

  function address(r: Rng): { text: string; district: string } {
    const d = r.weighted(DISTRICTS, (x) => x.weight);
    const text = `${d.prefix}${r.pick(STREETS)}${r.int(1, 999)}号${r.pick(ESTATES)}${r.int(1, 30)}幢${r.int(1, 4)}单元${r.int(1, 32)}0${r.int(1, 4)}室`;
    return { text, district: d.code };
  }

  /** A returning buyer whose annual quota still fits `valueFen`, or a new one (pool bounded). */
  function buyerFor(r: Rng, at: Date, valueFen: Fen, fresh: boolean): Buyer {
    const year = beijingYear(at);
    if (!fresh && buyers.length && r.chance(0.3)) {
      const b = r.pick(buyers);
      if (b.year !== year) { b.year = year; b.ytdFen = 0; }
      if (b.ytdFen + valueFen <= ANNUAL_LIMIT_FEN) return b;
    }
    const b: Buyer = { ...person(r, at), regNo: `jy_${serials.regNo.next()}`, address: address(r), year, ytdFen: 0 };
    if (buyers.length < MAX_BUYERS) buyers.push(b);
    else buyers[r.int(0, MAX_BUYERS - 1)] = b;
    return b;
  }

  function nextImportParcel(): ImportParcel {
    const r = ri;
    const at = now();
    const appTime = formatCustomsTime(at);
    const fault = drawFault(r, FAULT_KINDS);
    const ebp = r.pick(parties.ebp), ebc = r.pick(ebcFor(importers)), pay = r.pick(parties.payment), log = r.pick(parties.logistics);

    // Basket: mostly one category (a beauty order, a baby order …), 1–3 distinct products.
    const category = r.weighted(['cosmetics', 'formula', 'health', 'food'] as const, (c) => ({ cosmetics: 50, formula: 25, health: 20, food: 5 })[c]);
    const n = r.weighted([1, 2, 3], (k) => [60, 30, 10][k - 1]!);
    const picked: { p: ImportProduct; qty: number }[] = [];
    while (picked.length < n) {
      const sameCategory = r.chance(0.8);
      const pool = IMPORT_PRODUCTS.filter((p) => (!sameCategory || p.category === category) && !picked.some((x) => x.p === p));
      if (!pool.length) break;
      const p = r.weighted(pool, (x) => x.weight);
      picked.push({ p, qty: r.chance(0.7) ? 1 : r.int(1, p.maxQty) });
    }
    const freightFen = r.chance(0.5) ? 0 : r.int(5, 20) * 100;
    const goods = () => picked.reduce((s, x) => s + x.p.priceFen * x.qty, 0);
    if (fault === 'over_single_limit') {
      // A reseller's bulk order: the dearest line grows until P > 5,000 (so ≥ 2 items, 49号 §2 does not save it).
      const top = picked.reduce((a, b) => (b.p.priceFen > a.p.priceFen ? b : a));
      top.qty = Math.max(2, Math.floor((SINGLE_LIMIT_FEN - freightFen - (goods() - top.p.priceFen * top.qty)) / top.p.priceFen) + 1 + r.int(0, 2));
    } else {
      while (goods() + freightFen > SINGLE_LIMIT_FEN) {
        const top = picked.reduce((a, b) => (b.p.priceFen * b.qty > a.p.priceFen * a.qty ? b : a));
        if (top.qty > 1) top.qty--;
        else picked.splice(picked.indexOf(top), 1);
      }
    }
    const goodsValueFen = goods();
    const discountFen = r.chance(0.25) ? r.pick([500, 1000, 2000, 3000, 5000].filter((c) => c * 3 <= goodsValueFen).concat([0])) : 0;
    const tax = retailImportTax(picked.map((x) => ({ valueFen: x.p.priceFen * x.qty, vat: x.p.vat, ...(cosmeticConsumptionTax(x.p) ? { ct: '0.15' } : {}) })), freightFen);
    const paidFen = goodsValueFen + freightFen + tax.totalFen - discountFen;

    const buyer = buyerFor(r, at, tax.dutiableFen, fault === 'over_single_limit');
    if (fault === null) buyer.ytdFen += tax.dutiableFen;
    // Mostly the buyer receives the parcel; sometimes a relative at the buyer's address.
    const consignee = r.chance(0.8) ? buyer : { ...person(r, at) };
    const payer: Person = fault === 'payer_not_buyer' ? person(r, at) : buyer;
    let amountPaidFen = paidFen;
    if (fault === 'amount_mismatch') {
      // The usual slips: tax not collected, coupon not deducted, freight left out, a stray yuan.
      const slips = [-tax.totalFen, discountFen, -freightFen].filter((d) => d !== 0 && paidFen + d > 0);
      amountPaidFen = paidFen + (slips.length && r.chance(0.75) ? r.pick(slips) : r.pick([-100, 100, -1, 1]));
    }
    let waybillAddress = buyer.address.text;
    if (fault === 'consignee_mismatch') {
      // The carrier's copy of the address went stale: another flat in the same block.
      waybillAddress = waybillAddress.replace(/(\d+)0(\d)室$/, (_, floor: string, flat: string) => `${Number(floor) % 32 + 1}0${flat}室`);
    }

    const orderNo = `JY${formatCustomsTime(at, 'YYYYMMDD')}${serials.order.next()}`;
    const payTransactionId = `${formatCustomsTime(at, 'YYYYMMDD')}2200${r.digits(2)}${serials.payment.next()}`;
    const logisticsNo = `JY${serials.waybill.next()}`;
    const payTime = formatCustomsTime(new Date(at.getTime() - r.int(1, 120) * 60_000));
    const head = { appType: '1', appTime, appStatus: '2' };

    const order: Imp.CEB311Message = {
      guid: guid(), version: '1.0',
      Order: [{
        OrderHead: {
          guid: guid(), ...head, orderType: 'I', orderNo, ebpCode: ebp.code, ebpName: ebp.name, ebcCode: ebc.code, ebcName: ebc.name,
          goodsValue: yuan(goodsValueFen), freight: yuan(freightFen), discount: yuan(discountFen), taxTotal: yuan(tax.totalFen),
          acturalPaid: yuan(paidFen), currency: '142', buyerRegNo: buyer.regNo, buyerName: buyer.name,
          buyerTelephone: buyer.phone, buyerIdType: '1', buyerIdNumber: buyer.id,
          payCode: pay.code, payName: pay.name, payTransactionId,
          consignee: consignee.name, consigneeTelephone: consignee.phone, consigneeAddress: buyer.address.text,
          consigneeDistrict: buyer.address.district,
        },
        OrderList: picked.map(({ p, qty }, i) => ({
          gnum: String(i + 1), itemNo: p.sku, itemName: p.name,
          gmodel: `${p.name}|${p.brand}|${p.spec}|${p.ingredients}|${p.use}`,
          barCode: ean13((p.gs1 + p.sku.replace(/\D/g, '') + '0000000000').slice(0, 12)),
          unit: p.unit, qty: String(qty), price: yuan(p.priceFen), totalPrice: yuan(p.priceFen * qty),
          currency: '142', country: p.origin,
        })),
      }],
      BaseTransfer: transfer(ebp),
    };
    const payment: Imp.CEB411Message = {
      guid: guid(), version: '1.0',
      Payment: [{
        PaymentHead: {
          guid: guid(), ...head, payCode: pay.code, payName: pay.name, payTransactionId, orderNo,
          ebpCode: ebp.code, ebpName: ebp.name, payerIdType: '1', payerIdNumber: payer.id, payerName: payer.name,
          telephone: payer.phone, amountPaid: yuan(amountPaidFen), currency: '142', payTime,
        },
      }],
      BaseTransfer: transfer(pay),
    };
    const grams = picked.reduce((s, x) => s + x.p.grossGrams * x.qty, 0) + r.int(80, 300);
    const waybill: Imp.CEB511Message = {
      guid: guid(), version: '1.0',
      Logistics: [{
        LogisticsHead: {
          guid: guid(), ...head, logisticsCode: log.code, logisticsName: log.name, logisticsNo, orderNo,
          freight: yuan(freightFen), insuredFee: '0', currency: '142', weight: kg(grams), packNo: '1',
          goodsInfo: clip(picked.map((x) => `${x.p.name}*${x.qty}`).join(';'), 200),
          consignee: consignee.name, consigneeAddress: waybillAddress, consigneeTelephone: consignee.phone,
        },
      }],
      BaseTransfer: transfer(log),
    };
    const garble = fault === 'malformed_xml'
      ? { document: r.pick(['order', 'payment', 'waybill'] as const), mode: r.pick(GARBLE_MODES), at: r.float() }
      : null;
    return new ImportParcel(order, payment, waybill, fault, {
      amountPaidFen: paidFen, taxFen: tax.totalFen, goodsValueFen, freightFen, discountFen, dutiableFen: tax.dutiableFen,
    }, garble);
  }

  /** A shelf price in the market's currency: converted, then ending in .99, or whole units where units are small (THB, PHP). */
  function localPrice(usdCents: number, d: Destination): Fen {
    const raw = applyRate(usdCents, d.perUsd);
    if (raw < 100) return raw;
    return Number(d.perUsd) >= 20 ? Math.round(raw / 100) * 100 : Math.floor(raw / 100) * 100 + 99;
  }

  function nextExportParcel(): ExportParcel {
    const r = re;
    const at = now();
    const appTime = formatCustomsTime(at);
    const fault = drawFault(r, EXPORT_FAULT_KINDS);
    const cluster = r.weighted(['yiwu-commodities', 'yongkang-hardware', 'wuyi-tools', 'pujiang-crystal'] as const, (c) => ({ 'yiwu-commodities': 60, 'yongkang-hardware': 25, 'wuyi-tools': 8, 'pujiang-crystal': 7 })[c]);
    // The seller is mostly an enterprise of the goods' cluster, when the parties name one.
    const fitting = exporters.filter((p) => p.cluster === cluster);
    const ebc = fitting.length && r.chance(0.85) ? r.pick(fitting) : r.pick(ebcFor(exporters));
    const ebp = r.pick(parties.ebp), pay = r.pick(parties.payment), log = r.pick(parties.logistics);
    const dest = r.weighted(DESTINATIONS, (d) => d.weight);
    const n = r.weighted([1, 2, 3, 4], (k) => [55, 25, 13, 7][k - 1]!);
    const picked: { p: ExportProduct; qty: number; price: Fen }[] = [];
    while (picked.length < n) {
      const sameCluster = r.chance(0.75);
      const pool = EXPORT_PRODUCTS.filter((p) => (!sameCluster || p.cluster === cluster) && !picked.some((x) => x.p === p));
      if (!pool.length) break;
      const p = r.weighted(pool, (x) => x.weight);
      picked.push({ p, qty: r.chance(0.6) ? 1 : r.int(1, p.maxQty), price: localPrice(p.usdCents, dest) });
    }
    const goodsValueFen = picked.reduce((s, x) => s + x.price * x.qty, 0);
    const freightFen = r.chance(0.4) ? 0 : applyRate(r.int(199, 1299), dest.perUsd);
    const chargeFen = goodsValueFen + freightFen;
    let receivedFen = chargeFen;
    if (fault === 'amount_mismatch') {
      // Freight collected separately, or the platform's fee netted off the receipt.
      receivedFen = freightFen > 0 && r.chance(0.5) ? goodsValueFen : chargeFen - Math.max(1, Math.round(chargeFen * 0.05));
    }
    const buyer = `${r.pick(dest.first)} ${r.pick(dest.last)}`;
    const city = r.pick(dest.cities);
    const orderNo = `YWX${formatCustomsTime(at, 'YYYYMMDD')}${serials.xOrder.next()}`;
    const payNo = `${r.pick(['PP', 'ST', 'AX', 'PY'])}${r.digits(3)}${serials.xPay.next()}`;
    const logisticsNo = s10(r.pick(['LX', 'LY', 'RX', 'UX']), serials.xWaybill.next());
    const head = { appType: '1', appTime, appStatus: '2' };
    const currency = dest.currency;

    const order: Exp.CEB303Message = {
      guid: guid(), version: '1.0',
      Order: [{
        OrderHead: {
          guid: guid(), ...head, orderType: 'E', orderNo, ebpCode: ebp.code, ebpName: ebp.name, ebcCode: ebc.code, ebcName: ebc.name,
          goodsValue: yuan(goodsValueFen), freight: yuan(freightFen), currency,
          note: `Buyer: ${buyer}, ${city}, ${dest.iso2}`,
        },
        OrderList: picked.map(({ p, qty, price }, i) => ({
          gnum: String(i + 1), itemNo: p.sku, itemName: p.name, itemDescribe: p.title,
          barCode: ean13(('69' + p.sku.replace(/\D/g, '') + '0000000000').slice(0, 12)),
          unit: p.unit, currency, qty: String(qty), price: yuan(price), totalPrice: yuan(price * qty),
        })),
      }],
      BaseTransfer: transfer(ebp),
    };
    const receipts: Exp.CEB403Message = {
      guid: guid(), version: '1.0',
      Receipts: [{
        guid: guid(), ...head, ebpCode: ebp.code, ebpName: ebp.name, ebcCode: ebc.code, ebcName: ebc.name, orderNo,
        payCode: pay.code, payName: pay.name, payNo, charge: yuan(receivedFen), currency,
        accountingDate: formatCustomsTime(new Date(at.getTime() - r.int(10, 72 * 60) * 60_000)),
      }],
      BaseTransfer: transfer(pay),
    };
    const grams = picked.reduce((s, x) => s + x.p.grossGrams * x.qty, 0) + r.int(60, 400);
    const waybill: Exp.CEB505Message = {
      guid: guid(), version: '1.0',
      Logistics: [{
        guid: guid(), ...head, logisticsCode: log.code, logisticsName: log.name, logisticsNo,
        freight: yuan(freightFen), insuredFee: '0', currency, grossWeight: kg(grams), packNo: '1',
        goodsInfo: clip(picked.map((x) => `${x.p.name}*${x.qty}`).join(';'), 200),
        ebcCode: ebc.code, ebcName: ebc.name, note: `To ${city}, ${dest.iso2}`,
      }],
      BaseTransfer: transfer(log),
    };
    // The list is declared by a broker when the parties name one, else by the seller itself.
    const dec = parties.declarant?.length ? r.pick(parties.declarant) : ebc;
    const list: Exp.CEB603Message = {
      guid: guid(), version: '1.0',
      Inventory: [{
        InventoryHead: {
          guid: guid(), ...head, customsCode: '2900', ebpCode: ebp.code, ebpName: ebp.name, orderNo, logisticsCode: log.code, logisticsName: log.name,
          logisticsNo, copNo: `JH${formatCustomsTime(at, 'YYYYMMDD')}${serials.xOrder.next()}`, ieFlag: 'E', portCode: '2900', ieDate: formatCustomsTime(at, 'YYYYMMDD'),
          statisticsFlag: 'A', agentCode: dec.code, agentName: dec.name, ebcCode: ebc.code, ebcName: ebc.name, ownerCode: ebc.code, ownerName: ebc.name,
          tradeMode: '9610', trafMode: '5', country: dest.country, POD: dest.country, freight: yuan(freightFen), fCurrency: currency, fFlag: '3',
          insuredFee: '0', iCurrency: currency, iFlag: '3', wrapType: '2', packNo: '1', grossWeight: kg(grams), netWeight: kg(Math.max(1, grams - 50)),
        },
        InventoryList: picked.map(({ p, qty, price }, i) => ({
          gnum: String(i + 1), itemNo: p.sku, itemName: p.name, gcode: exportHsCode(p.sku), gname: p.name, gmodel: clip(p.title, 250),
          barCode: ean13(('69' + p.sku.replace(/\D/g, '') + '0000000000').slice(0, 12)), country: dest.country, currency,
          qty: String(qty), qty1: kg(p.grossGrams * qty), unit: p.unit, unit1: '035', price: yuan(price), totalPrice: yuan(price * qty),
        })),
      }],
      BaseTransfer: transfer(dec),
    };
    const garble = fault === 'malformed_xml'
      ? { document: r.pick(['order', 'receipts', 'waybill'] as const), mode: r.pick(GARBLE_MODES), at: r.float() }
      : null;
    return new ExportParcel(order, receipts, waybill, list, fault, {
      amountPaidFen: chargeFen, taxFen: 0, goodsValueFen, freightFen, currency,
    }, garble, { iso2: dest.iso2, country: dest.country, buyer, city });
  }

  return { seed: options.seed, parties, faults, nextImportParcel, nextExportParcel };
}
