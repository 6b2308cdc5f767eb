// Which schema a message type belongs to, and the customs business codes (spec table 7-2) for its
// field-check and over-limit failures where customs has one.
import type { Direction, Edition, ElementDef, MessageSchema, SimpleType } from './schema/types.js';
import { import202205 } from './schema/data/import-202205.js';
import { export202205 } from './schema/data/export-202205.js';
import { import2018 } from './schema/data/import-2018.js';
import { export2018 } from './schema/data/export-2018.js';

export const CEB_NS = 'http://www.chinaport.gov.cn/ceb';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

// The generated definitions are object literals of many shapes (a field has a doc or not, a
// fixed value or not …), which makes every property read on the hot path megamorphic. They are
// rebuilt once here with every property present, in one order: one shape for all definitions.
function simpleShape(st: SimpleType | undefined): SimpleType | undefined {
  if (!st) return undefined;
  const s = st as { t: string; len?: number; minLen?: number; maxLen?: number; collapse?: true; digits?: number; frac?: number };
  return { t: s.t, len: s.len, minLen: s.minLen, maxLen: s.maxLen, collapse: s.collapse, digits: s.digits, frac: s.frac } as unknown as SimpleType;
}
function shape(d: ElementDef): ElementDef {
  return {
    name: d.name, ns: d.ns, min: d.min, max: d.max, doc: d.doc, simple: simpleShape(d.simple), fixed: d.fixed, default: d.default,
    children: d.children?.map(shape), attrs: d.attrs?.map((a) => ({ name: a.name, required: a.required, simple: simpleShape(a.simple)! })),
    any: d.any, signature: d.signature,
  } as ElementDef;
}
const shaped = (m: MessageSchema): MessageSchema => ({
  edition: m.edition, direction: m.direction,
  roots: Object.fromEntries(Object.entries(m.roots).map(([k, d]) => [k, shape(d)])),
});

export const schemas: Readonly<Record<Edition, Readonly<Record<Direction, MessageSchema>>>> = {
  '202205': { import: shaped(import202205), export: shaped(export202205) },
  '2018': { import: shaped(import2018), export: shaped(export2018) },
};

export interface MessageInfo {
  readonly type: string;
  readonly direction: Direction;
  readonly editions: readonly Edition[];
  /** Table 7-2 code for a failed field check ("参数校验不通过" …), where one exists. */
  readonly paramCode?: string;
  /** Table 7-2 code for too many documents or lines, where one exists. */
  readonly overLimitCode?: string;
  /** Spec table: declarations of these types must be signed when appStatus is 2. */
  readonly mustSign: boolean;
}

const CODES: Record<string, [string, string]> = {
  CEB311Message: ['-301008', '-301015'],
  CEB411Message: ['-401009', '-401013'],
  CEB511Message: ['-504011', '-504013'],
  CEB513Message: ['-505011', '-505013'],
  CEB621Message: ['-621001', '-621030'],
  CEB623Message: ['-623001', '-623008'],
  CEB625Message: ['-625001', '-625001'],
  CEB711Message: ['-800001', '-800006'],
};
// ceb-messages.md §3: import 621/623/625/711, export 509/603/605/607/701.
const MUST_SIGN = new Set(['CEB621Message', 'CEB623Message', 'CEB625Message', 'CEB711Message', 'CEB509Message', 'CEB603Message', 'CEB605Message', 'CEB607Message', 'CEB701Message']);

export const messages: ReadonlyMap<string, MessageInfo> = (() => {
  const map = new Map<string, MessageInfo>();
  for (const direction of ['import', 'export'] as const) {
    for (const edition of ['202205', '2018'] as const) {
      for (const type of Object.keys(schemas[edition][direction].roots)) {
        const prev = map.get(type);
        const codes = CODES[type];
        map.set(type, {
          type, direction,
          editions: prev ? [...prev.editions, edition] : [edition],
          ...(codes ? { paramCode: codes[0], overLimitCode: codes[1] } : {}),
          mustSign: MUST_SIGN.has(type),
        });
      }
    }
  }
  return map;
})();

export function rootDef(type: string, edition: Edition): ElementDef | undefined {
  const info = messages.get(type);
  return info ? schemas[edition][info.direction].roots[type] : undefined;
}
