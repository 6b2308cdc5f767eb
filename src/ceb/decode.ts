// Maps a parsed XML tree onto the message model, driven by the compiled XSD, checking every field
// on the way. All problems are collected (not just the first). Known defects of real-world
// messages are read with a warning instead of an error (see DEFECTS below).
import { text, type MessageCode, type Params, type Text } from '../kernel/i18n/index.js';
import type { XmlFragment } from './fragment.js';
import { CEB_NS, DS_NS, messages, rootDef } from './catalogue.js';
import { enumFor, inTable, tableFor, timeFormatFor, validTime, type EnumRule, type TableRule } from './rules.js';
import type { CustomsTimeFormat } from '../kernel/time.js';
import type { Direction, Edition, ElementDef, SimpleType } from './schema/types.js';
import { attr, isXmlBlank, lineIndex, type XNode } from './xml/reader.js';
import { serializeFragment } from './xml/writer.js';

export interface CebIssue {
  /** The customs code: DXP 0001/0002 or a table 7-2 business code; our rule code where customs has none. */
  readonly code: string;
  /** Our stable code for the rule that failed. */
  readonly rule: MessageCode;
  /** JSON pointer into the model (/Order/0/OrderHead/appType). */
  readonly path: string;
  readonly message: Text;
  readonly line?: number;
}

export type Model = Record<string, unknown>;

export interface Ctx {
  readonly type: string;
  readonly direction: Direction;
  readonly edition: Edition;
  readonly paramCode: string | undefined;
  readonly overLimitCode: string | undefined;
  readonly tolerant: boolean;
  readonly errors: CebIssue[];
  readonly warnings: CebIssue[];
  readonly lineOf: (pos: number) => number | undefined;
}

/** Records an issue; `at` is a source offset, turned into a line number only now that it is needed. */
/** At most this many errors (and warnings) are listed; a hostile message could otherwise make millions. */
export const MAX_ISSUES = 200;

export function push(ctx: Ctx, list: CebIssue[], code: string, rule: MessageCode, path: string, params: Params, at?: number): void {
  if (list.length >= MAX_ISSUES) {
    if (list.length === MAX_ISSUES) list.push({ code, rule: 'CEB_ERRORS_TRUNCATED', path: '/', message: text('CEB_ERRORS_TRUNCATED', { max: MAX_ISSUES }) });
    return;
  }
  const line = at === undefined ? undefined : ctx.lineOf(at);
  list.push({ code, rule, path, message: text(rule, { path, ...params }), ...(line ? { line } : {}) });
}

const childIndex = new WeakMap<ElementDef, Map<string, number>>();
function indexOf(def: ElementDef): Map<string, number> {
  let m = childIndex.get(def);
  if (!m) {
    m = new Map(def.children!.map((c, i) => [c.name, i]));
    childIndex.set(def, m);
  }
  return m;
}

const SURROGATE = /[\uD800-\uDFFF]/;
const charLength = (s: string) => (SURROGATE.test(s) ? [...s].length : s.length);
// XML white space is space, tab, CR and LF only; String.trim() would also eat U+00A0, U+3000 …
const XML_TRIM = /^[ \t\r\n]+|[ \t\r\n]+$/g;
export const xmlTrim = (s: string): string => (s.length && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) ? s.replace(XML_TRIM, '') : s);
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** XSD decimal: [+-]digits[.digits]; totalDigits counts significant digits, as XML Schema does. */
export function checkDecimal(value: string, st: { digits?: number; frac?: number }): boolean {
  // One pass: optional sign, digits, optional point and digits; leading zeros of the integer part
  // and trailing zeros of the fraction are not significant (XML Schema's totalDigits).
  let i = 0;
  const n = value.length;
  if (n && (value.charCodeAt(0) === 43 || value.charCodeAt(0) === 45)) i++;
  let intDigits = 0, seenNonZero = false, fracLen = 0, fracSig = 0, point = false, any = false;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) {
      if (point) return false;
      point = true;
      continue;
    }
    if (c < 48 || c > 57) return false;
    any = true;
    if (point) {
      fracLen++;
      if (c !== 48) fracSig = fracLen;
    } else if (seenNonZero || c !== 48) {
      seenNonZero = true;
      intDigits++;
    }
  }
  if (!any) return false;
  if (st.frac !== undefined && fracSig > st.frac) return false;
  if (st.digits !== undefined && intDigits + fracSig > st.digits) return false;
  return true;
}

export function checkInt(value: string, digits?: number): boolean {
  if (!/^[+-]?\d+$/.test(value)) return false;
  const n = Number(value);
  if (n < -2147483648 || n > 2147483647) return false;
  return digits === undefined || value.replace(/^[+-]/, '').replace(/^0+(?=\d)/, '').length <= digits;
}

function lengthText(st: Extract<SimpleType, { t: 'str' }>): string {
  if (st.len !== undefined) return String(st.len);
  return `${st.minLen ?? 0}..${st.maxLen ?? '∞'}`;
}

interface LeafRules {
  readonly en: EnumRule | undefined;
  readonly table: TableRule | undefined;
  readonly time: CustomsTimeFormat | undefined;
  readonly guid: boolean;
}
// Element definitions are unique per place in each message's tree, so a definition identifies
// its message type and parent: the rules for a leaf are worked out once and kept.
const leafRules = new WeakMap<object, LeafRules>();
function rulesFor(ctx: Ctx, key: object, name: string, parent: string, st: Extract<SimpleType, { t: 'str' }>): LeafRules {
  let r = leafRules.get(key);
  if (!r) {
    r = { en: enumFor(ctx.type, parent, name), table: tableFor(ctx.direction, name), time: timeFormatFor(name, st.len), guid: name === 'guid' };
    leafRules.set(key, r);
  }
  return r;
}

/**
 * Checks one leaf and returns its value for the model. `noSurrogates` is passed by the fast path,
 * which has already scanned the text: the UTF-16 length is then the character count.
 */
export function checkLeaf(ctx: Ctx, def: ElementDef, raw: string, path: string, parent: string, line: number, key: object = def, noSurrogates = false): string {
  const st = def.simple!;
  // An empty element takes the XSD's fixed or default value; a non-empty one must equal the fixed value.
  if (raw === '' && (def.fixed ?? def.default) !== undefined) raw = (def.fixed ?? def.default)!;
  if (def.fixed !== undefined && (st.t === 'str' && !st.collapse ? raw : xmlTrim(raw)) !== def.fixed) {
    push(ctx, ctx.errors, '0002', 'CEB_ENUM', path, { value: raw, allowed: def.fixed }, line);
  }
  if (st.t === 'str') {
    const value = st.collapse ? xmlTrim(raw.replace(/[\t\n\r ]+/g, ' ')) : raw;
    // UTF-16 length is the character count unless there are surrogate pairs, which only shorten
    // the count: the exact count is needed only when a lower bound or an excess is in play.
    const n = !noSurrogates && (st.len !== undefined || st.minLen !== undefined || (st.maxLen !== undefined && value.length > st.maxLen)) ? charLength(value) : value.length;
    if ((st.len !== undefined && n !== st.len) || (st.minLen !== undefined && n < st.minLen) || (st.maxLen !== undefined && n > st.maxLen)) {
      push(ctx, ctx.errors, '0002', 'CEB_LENGTH', path, { expected: lengthText(st), actual: n }, line);
      return value;
    }
    if (value === '') return value;
    const rules = rulesFor(ctx, key, def.name, parent, st);
    const en = rules.en;
    if (en && !en.values.includes(value)) {
      push(ctx, ctx.errors, ctx.paramCode ?? '0002', 'CEB_ENUM', path, { value, allowed: en.source }, line);
    }
    const tr = rules.table;
    if (tr) {
      // Where the XSD fixes the value itself (fixed="142"), the schema check above has spoken.
      if (tr.fixed !== undefined && def.fixed === undefined && value !== tr.fixed) {
        push(ctx, ctx.errors, ctx.paramCode ?? 'CEB_ENUM', 'CEB_ENUM', path, { value, allowed: tr.fixed }, line);
      } else if (tr.fixed === undefined && !inTable(tr.table, value)) {
        push(ctx, tr.partial ? ctx.warnings : ctx.errors, ctx.paramCode ?? 'CEB_CODE_TABLE', 'CEB_CODE_TABLE', path, { value, table: tr.table }, line);
      }
    }
    const tf = rules.time;
    if (tf && !validTime(value, tf)) push(ctx, ctx.errors, ctx.paramCode ?? 'CEB_TIME', 'CEB_TIME', path, { value, format: tf }, line);
    if (rules.guid && value !== value.toUpperCase()) push(ctx, ctx.warnings, 'CEB_GUID_CASE', 'CEB_GUID_CASE', path, { value }, line);
    return value;
  }
  // xs:decimal and xs:int collapse white space by definition; the model keeps the collapsed text.
  const value = xmlTrim(raw);
  if (st.t === 'dec') {
    if (!checkDecimal(value, st)) push(ctx, ctx.errors, '0002', 'CEB_DECIMAL', path, { value, digits: st.digits ?? '∞', frac: st.frac ?? '∞' }, line);
  } else if (!checkInt(value, st.digits)) {
    push(ctx, ctx.errors, '0002', 'CEB_INT', path, { value, digits: st.digits ?? 10 }, line);
  }
  return value;
}

/**
 * Known defects of messages met in the field, read with a warning. Each names the fix, so the
 * message written back validates. The CEB792 sample of spec 202205 lacks gseqno (汇总结果单的顺序号):
 * the line's position within its summary result is the only value it can take.
 */
const REPAIRS: Record<string, (index: number) => { value: string; rule: string }> = {
  'CEB792Message/SummaryResult/SummaryResultList/gseqno': (index) => ({ value: String(index + 1), rule: 'position in SummaryResult' }),
};

/** Elements the official samples carry that their XSD does not define: read, reported, dropped. */
const EXTRA_ELEMENTS = new Set(['CEB214Message/RefundReturn/appSenderId']);

function decodeComplex(ctx: Ctx, node: XNode, def: ElementDef, path: string, defPath: string, index: number): Model {
  const out: Model = {};
  if (def.attrs) {
    for (const a of def.attrs) {
      const v = attr(node, a.name);
      if (v === undefined) {
        if (a.required) push(ctx, ctx.errors, '0002', 'CEB_REQUIRED', `${path}/@${a.name}`, {}, node.pos);
        continue;
      }
      out[a.name] = checkLeaf(ctx, { name: a.name, min: 1, max: 1, simple: a.simple }, v, `${path}/@${a.name}`, node.name, node.pos, a);
    }
  }
  checkAttributes(ctx, node, def, path);
  if (node.text !== '' && !isXmlBlank(node.text)) push(ctx, ctx.errors, '0002', 'CEB_TEXT_IN_COMPLEX', path || '/', {}, node.pos);
  const defs = def.children ?? [];
  const idx = indexOf(def);
  const counts = new Array<number>(defs.length).fill(0);
  let at = 0;
  for (const kid of node.kids ?? []) {
    const j = idx.get(kid.name);
    const expectedNs = j === undefined ? CEB_NS : defs[j]!.ns === 'ds' ? DS_NS : CEB_NS;
    if (kid.ns !== expectedNs) {
      push(ctx, ctx.errors, '0002', 'CEB_NAMESPACE', `${path}/${kid.name}`, { ns: kid.ns || '(none)', expected: expectedNs }, kid.pos);
      continue;
    }
    if (j === undefined) {
      if (ctx.tolerant && EXTRA_ELEMENTS.has(`${defPath}/${kid.name}`)) {
        push(ctx, ctx.warnings, 'CEB_DEFECT_EXTRA', 'CEB_DEFECT_EXTRA', `${path}/${kid.name}`, {}, kid.pos);
      } else {
        push(ctx, ctx.errors, '0002', 'CEB_UNEXPECTED', path || '/', { name: kid.name }, kid.pos);
      }
      continue;
    }
    const cdef = defs[j]!;
    if (j < at) {
      if (counts[j]! >= cdef.max && cdef.max === 1 && ctx.tolerant) {
        push(ctx, ctx.warnings, 'CEB_DEFECT_DUPLICATE', 'CEB_DEFECT_DUPLICATE', `${path}/${kid.name}`, {}, kid.pos);
      } else {
        push(ctx, ctx.errors, '0002', 'CEB_OUT_OF_ORDER', `${path}/${kid.name}`, { name: kid.name, after: defs[at]!.name }, kid.pos);
      }
      continue;
    }
    for (; at < j; at++) {
      if (counts[at]! < defs[at]!.min) missing(ctx, defs[at]!, path, defPath, out, index, node.pos);
    }
    const n = counts[j]!;
    if (n >= cdef.max) {
      if (cdef.max === 1 && ctx.tolerant) {
        push(ctx, ctx.warnings, 'CEB_DEFECT_DUPLICATE', 'CEB_DEFECT_DUPLICATE', `${path}/${kid.name}`, {}, kid.pos);
      } else if (n === cdef.max) {
        const top = defPath.split('/').length <= 2;
        push(ctx, ctx.errors, (top ? ctx.overLimitCode : undefined) ?? '0002', 'CEB_TOO_MANY', `${path}/${kid.name}`, { max: cdef.max, actual: (node.kids ?? []).filter((k) => k.name === kid.name).length }, kid.pos);
      }
      counts[j] = n + 1;
      continue;
    }
    counts[j] = n + 1;
    const childPath = cdef.max > 1 ? `${path}/${kid.name}/${n}` : `${path}/${kid.name}`;
    const value = decodeNode(ctx, kid, cdef, childPath, `${defPath}/${kid.name}`, n, node.name);
    if (cdef.max > 1) ((out[kid.name] ??= []) as unknown[]).push(value);
    else out[kid.name] = value;
  }
  for (; at < defs.length; at++) {
    if (counts[at]! < defs[at]!.min) missing(ctx, defs[at]!, path, defPath, out, index, node.pos);
  }
  checkSequence(ctx, out, path, node.pos);
  return out;
}

function missing(ctx: Ctx, def: ElementDef, path: string, defPath: string, out: Model, index: number, line: number): void {
  const repair = ctx.tolerant ? REPAIRS[`${defPath}/${def.name}`] : undefined;
  if (repair) {
    const { value, rule } = repair(index);
    out[def.name] = value;
    push(ctx, ctx.warnings, 'CEB_DEFECT_REPAIRED', 'CEB_DEFECT_REPAIRED', `${path}/${def.name}`, { value, rule }, line);
    return;
  }
  push(ctx, ctx.errors, '0002', 'CEB_REQUIRED', `${path}/${def.name}`, {}, line);
}

/** Attributes the schema does not define are refused (xsi:schemaLocation and friends excepted). */
function checkAttributes(ctx: Ctx, node: XNode, def: ElementDef, path: string): void {
  for (const a of node.attrs ?? []) {
    if (a.ns === '' && def.attrs?.some((d) => d.name === a.name)) continue;
    if (a.ns === XSI_NS && (a.name === 'schemaLocation' || a.name === 'noNamespaceSchemaLocation')) continue;
    push(ctx, ctx.errors, '0002', 'CEB_ATTRIBUTE', path || '/', { name: a.qname }, node.pos);
  }
}

function decodeNode(ctx: Ctx, node: XNode, def: ElementDef, path: string, defPath: string, index: number, parent: string): unknown {
  if (def.simple) {
    if (node.kids) push(ctx, ctx.errors, '0002', 'CEB_UNEXPECTED', path, { name: node.kids[0]!.name }, node.pos);
    checkAttributes(ctx, node, def, path);
    return checkLeaf(ctx, def, node.text, path, parent, node.pos);
  }
  if (def.signature) return { xml: serializeFragment(node) } satisfies XmlFragment;
  if (def.any) {
    // ExtendMessage/Message: at most one element of any namespace, and no text (XSD: xs:any, not mixed).
    if (!isXmlBlank(node.text)) push(ctx, ctx.errors, '0002', 'CEB_TEXT_IN_COMPLEX', path, {}, node.pos);
    if ((node.kids?.length ?? 0) > 1) push(ctx, ctx.errors, '0002', 'CEB_TOO_MANY', path, { max: 1, actual: node.kids!.length }, node.pos);
    checkAttributes(ctx, node, def, path);
    return { xml: (node.kids ?? []).map((k) => serializeFragment(k)).join('') } satisfies XmlFragment;
  }
  return decodeComplex(ctx, node, def, path, defPath, index);
}

export interface DecodeOutcome {
  readonly message: Model;
  readonly errors: CebIssue[];
  readonly warnings: CebIssue[];
}

/** Decodes `root` as `type` of `edition`; the caller has checked the type exists in that edition. */
export function newCtx(type: string, edition: Edition, tolerant: boolean, src?: string): Ctx {
  const info = messages.get(type)!;
  return {
    type, edition, direction: info.direction, paramCode: info.paramCode, overLimitCode: info.overLimitCode,
    tolerant, errors: [], warnings: [],
    lineOf: src === undefined ? () => undefined : lineIndex(src),
  };
}

/** msgCount / msgSeqNo of a split message: the sequence number runs from 1 to the count. */
export function checkSequence(ctx: Ctx, out: Model, path: string, at: number): void {
  if (typeof out.msgSeqNo === 'string' && typeof out.msgCount === 'string' && out.msgSeqNo !== '' && out.msgCount !== '') {
    const count = Number(out.msgCount), seq = Number(out.msgSeqNo);
    if (seq < 1 || seq > count) push(ctx, ctx.errors, ctx.paramCode ?? 'CEB_SEQUENCE', 'CEB_SEQUENCE', `${path}/msgSeqNo`, { seq, count }, at);
  }
}

export function decodeMessage(root: XNode, type: string, edition: Edition, tolerant: boolean, src?: string): DecodeOutcome {
  const def = rootDef(type, edition)!;
  const ctx = newCtx(type, edition, tolerant, src);
  const message = decodeComplex(ctx, root, def, '', type, 0);
  return { message, errors: ctx.errors, warnings: ctx.warnings };
}
