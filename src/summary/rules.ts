// The consolidation rule as pure functions (清单核放、汇总申报, 海关总署公告2018年第194号 as quoted in
// cbec-rules §1.4 [M]): the B lists closed in a month are merged per
//   表头: 收发货人, 运输方式, 生产销售单位 (only with summaryFlag 2), 运抵国, 出境关别
//   表体: 最终目的国, 10位海关商品编码, 币制 (+ the original item name with itemNameFlag 1)
// into one 报关单 per header group and one declaration line per line group.
//
// Two keys are added, both technical and both stated so a reviewer can strike them:
//  * 申报计量单位 / 法定计量单位 / 第二计量单位 on the line: a 报关单 line carries one quantity per
//    unit, so lines in different units cannot be added up (the 2014年第56号 predecessor listed the
//    units among the keys; for one 10-digit code the legal units are fixed anyway);
//  * 监管场所 (loctNo) on the header: the CEB701 head carries one loctNo.
// The declaring customs is not a key but a filter: a CEB701 goes to one customs.

import { formatDecimal, parseDecimal } from '../kernel/money.js';

/** CEB quantities and amounts are N19,5: scaled by 10^5 every one of them is an exact integer. */
export const SCALE = 5;
const FACTOR = 10n ** BigInt(SCALE);
const INT64_MAX = 2n ** 63n - 1n;

/** Decimal text to an integer of 10^-5 units, exactly; more than five decimals is refused. */
export function toScaled(text: string): bigint {
  const d = parseDecimal(text);
  let v: bigint;
  if (d.scale > SCALE) {
    const excess = 10n ** BigInt(d.scale - SCALE);
    if (d.units % excess !== 0n) throw new RangeError(`"${text}" has more than ${SCALE} decimals (N19,5)`);
    v = d.units / excess;
  } else v = d.units * 10n ** BigInt(SCALE - d.scale);
  if (v > INT64_MAX || -v > INT64_MAX) throw new RangeError(`"${text}" does not fit the store (int64 of 10^-5)`);
  return v;
}

/** An integer of 10^-5 units as the shortest exact decimal text ("30000" → "0.3"). */
export function fromScaled(v: bigint): string {
  const s = formatDecimal({ units: v, scale: SCALE });
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** A value for a bigint column: a number while exact in a double, else its digits (both drivers take them). */
export const dbInt = (v: bigint): number | string => (v <= 9007199254740991n && v >= -9007199254740991n ? Number(v) : v.toString());

/**
 * A stored sum read back as text (cast in SQL, so no double ever holds it). SQLite turns an
 * overflowing integer addition into a float silently; such a value is refused here, never used.
 */
export function readScaled(text: string | number | bigint | null | undefined): bigint {
  const s = typeof text === 'string' ? text : text === null || text === undefined ? '0' : String(text);
  if (!/^-?\d+$/.test(s)) throw new RangeError(`stored sum "${s}" is not an exact integer: it overflowed`);
  return BigInt(s);
}

export interface GroupingFlags {
  /** 1: by 收发货人 only; 2: by 收发货人 and 生产销售单位. */
  readonly summaryFlag: '1' | '2';
  /** Merge by the original item name too (itemNameFlag 1). */
  readonly itemNameFlag: boolean;
}

/** What the grouping reads of a line, or of a pre-aggregate of lines sharing every key. */
export interface KeyedAmounts {
  readonly loctNo: string;
  readonly ownerCode: string;
  readonly trafMode: string;
  readonly headCountry: string;
  readonly portCode: string;
  readonly country: string;
  readonly gcode: string;
  readonly currency: string;
  readonly gname: string;
  readonly unit: string;
  readonly unit1: string;
  /** '' when none. */
  readonly unit2: string;
  readonly lines: bigint;
  readonly qty: bigint;
  readonly qty1: bigint;
  readonly qty2: bigint;
  readonly totalPrice: bigint;
}

export interface HeadKeys {
  readonly loctNo: string;
  /** '' under summaryFlag 1. */
  readonly ownerCode: string;
  readonly trafMode: string;
  readonly headCountry: string;
  readonly portCode: string;
}

export interface DeclarationLine {
  readonly gseqno: number;
  readonly country: string;
  readonly gcode: string;
  readonly currency: string;
  readonly gname: string;
  readonly unit: string;
  readonly unit1: string;
  readonly unit2: string;
  readonly lines: bigint;
  readonly qty: bigint;
  readonly qty1: bigint;
  readonly qty2: bigint;
  readonly totalPrice: bigint;
}

export interface HeadGroup extends HeadKeys {
  readonly groupNo: number;
  readonly items: readonly DeclarationLine[];
}

const SEP = '\u0001';
export const headKeyOf = (x: HeadKeys & { ownerCode: string }, f: GroupingFlags): string =>
  [x.loctNo, f.summaryFlag === '2' ? x.ownerCode : '', x.trafMode, x.headCountry, x.portCode].join(SEP);
export const lineKeyOf = (x: KeyedAmounts, f: GroupingFlags): string =>
  [x.country, x.gcode, x.currency, f.itemNameFlag ? x.gname : '', x.unit, x.unit1, x.unit2].join(SEP);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Merges lines (or pre-aggregates) into header groups, numbered 1… in key order, each with its
 * declaration lines numbered (gseqno) 1… in key order. Without itemNameFlag the line keeps the
 * name most of its lines carry (ties: the first in code order) for the preview; customs names the
 * 报关单 line by its classification.
 */
export function consolidate(rows: Iterable<KeyedAmounts>, flags: GroupingFlags): HeadGroup[] {
  interface Acc { keys: KeyedAmounts; lines: bigint; qty: bigint; qty1: bigint; qty2: bigint; totalPrice: bigint; names: Map<string, bigint> }
  const heads = new Map<string, { keys: HeadKeys; items: Map<string, Acc> }>();
  for (const r of rows) {
    const hk = headKeyOf(r, flags);
    let h = heads.get(hk);
    if (!h) {
      h = { keys: { loctNo: r.loctNo, ownerCode: flags.summaryFlag === '2' ? r.ownerCode : '', trafMode: r.trafMode, headCountry: r.headCountry, portCode: r.portCode }, items: new Map() };
      heads.set(hk, h);
    }
    const lk = lineKeyOf(r, flags);
    let a = h.items.get(lk);
    if (!a) {
      a = { keys: r, lines: 0n, qty: 0n, qty1: 0n, qty2: 0n, totalPrice: 0n, names: new Map() };
      h.items.set(lk, a);
    }
    a.lines += r.lines; a.qty += r.qty; a.qty1 += r.qty1; a.qty2 += r.qty2; a.totalPrice += r.totalPrice;
    a.names.set(r.gname, (a.names.get(r.gname) ?? 0n) + r.lines);
  }
  return [...heads].sort(([a], [b]) => cmp(a, b)).map(([, h], i) => ({
    ...h.keys,
    groupNo: i + 1,
    items: [...h.items].sort(([a], [b]) => cmp(a, b)).map(([, a], j) => {
      const name = [...a.names].sort(([n1, c1], [n2, c2]) => (c1 === c2 ? cmp(n1, n2) : c1 > c2 ? -1 : 1))[0]![0];
      return {
        gseqno: j + 1, country: a.keys.country, gcode: a.keys.gcode, currency: a.keys.currency, gname: flags.itemNameFlag ? a.keys.gname : name,
        unit: a.keys.unit, unit1: a.keys.unit1, unit2: a.keys.unit2,
        lines: a.lines, qty: a.qty, qty1: a.qty1, qty2: a.qty2, totalPrice: a.totalPrice,
      };
    }),
  }));
}

/** Where each line lands: its header group and declaration line (by the keys consolidate used). */
export function locator(groups: readonly HeadGroup[], flags: GroupingFlags): (line: KeyedAmounts) => { groupNo: number; gseqno: number } | undefined {
  const index = new Map<string, { groupNo: number; gseqno: number }>();
  for (const g of groups) {
    for (const i of g.items) {
      const probe = { ...g, ownerCode: g.ownerCode, country: i.country, gcode: i.gcode, currency: i.currency, gname: i.gname, unit: i.unit, unit1: i.unit1, unit2: i.unit2 } as unknown as KeyedAmounts;
      index.set(headKeyOf(probe, flags) + SEP + SEP + lineKeyOf(probe, flags), { groupNo: g.groupNo, gseqno: i.gseqno });
    }
  }
  return (line) => index.get(headKeyOf(line, flags) + SEP + SEP + lineKeyOf(line, flags));
}

/**
 * Lists per SummaryApply part. A CEB701 body is unbounded in the XSD, but the message must still
 * be read whole by the receiving side: 50,000 invtNos make about 4.6 MB of XML and 100,000
 * elements, half of the platform's own reader limits (10 MB, 200,000 elements, src/ceb/xml/reader)
 * and under them still once base64-wrapped in a DxpMsg (× 4/3) with a signature.
 */
export const MAX_LISTS_PER_MESSAGE = 50_000;
/** The XSD's limit of business entities per message (SummaryApply 1..100). */
export const MAX_APPLIES_PER_MESSAGE = 100;

/** One part of a header group's lists: lists [offset, offset + count) in the group's order. */
export interface Part {
  readonly groupNo: number;
  readonly partNo: number;
  readonly partCount: number;
  readonly offset: number;
  readonly count: number;
}

/**
 * Packs the groups' lists into messages: a group longer than the limit is split in parts
 * (msgCount/msgSeqNo on its head); short groups share a message up to 100 applies and the limit.
 */
export function planMessages(groups: readonly { groupNo: number; lists: number }[], maxLists = MAX_LISTS_PER_MESSAGE, maxApplies = MAX_APPLIES_PER_MESSAGE): Part[][] {
  const messages: Part[][] = [];
  let current: Part[] = [];
  let used = 0;
  for (const g of groups) {
    const partCount = Math.max(1, Math.ceil(g.lists / maxLists));
    for (let p = 0; p < partCount; p++) {
      const count = Math.min(maxLists, g.lists - p * maxLists);
      if (current.length && (current.length >= maxApplies || used + count > maxLists)) {
        messages.push(current);
        current = [];
        used = 0;
      }
      current.push({ groupNo: g.groupNo, partNo: p + 1, partCount, offset: p * maxLists, count });
      used += count;
    }
  }
  if (current.length) messages.push(current);
  return messages;
}
