// The fast path of the reader, for the common case on the intake hot path: a well-formed 202205
// message in the customs vocabulary, without comments, CDATA or namespace tricks below the root.
// It walks the text directly against the compiled schema — no tree, no name slicing — and runs
// exactly the same field checks as the general path (checkLeaf). Anything unusual, and any
// error, makes it give up (returns undefined) so the general path produces the full report; a
// result from here is therefore always the one the general path would give.
import { CEB_NS, DS_NS, messages, rootDef } from './catalogue.js';
import { checkLeaf, checkSequence, newCtx, type Ctx, type Model } from './decode.js';
import type { ElementDef } from './schema/types.js';
import { DEFAULT_LIMITS, decodeEntities, parseXml, XML_DECL, type XmlLimits, type XNode } from './xml/reader.js';
import { serializeFragment } from './xml/writer.js';

class Bailout {}
const BAIL = new Bailout();
const bail = (): never => {
  throw BAIL;
};

const ROOT_ATTR = /[ \t\r\n]+([A-Za-z_][-A-Za-z0-9_.:]*)[ \t\r\n]*=[ \t\r\n]*(?:"([^"<&]*)"|'([^'<&]*)')/y;

export interface FastResult {
  readonly messageType: string;
  readonly message: Model;
  readonly ctx: Ctx;
}

const fragmentSize = (n: XNode): number => 1 + (n.kids ?? []).reduce((sum, k) => sum + fragmentSize(k), 0);

const isWs = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;

export function fastRead(src: string, tolerant: boolean, limits: XmlLimits = DEFAULT_LIMITS): FastResult | undefined {
  try {
    return run(src, tolerant, limits);
  } catch (err) {
    if (err === BAIL) return undefined;
    // Any surprise (an entity error, a fragment that does not parse) goes to the general path too.
    return undefined;
  }
}

// The children's qualified names of a complex definition, per prefix: built once and flattened
// (a concatenated string compared again and again would otherwise be flattened on every
// comparison), and looked up once per element rather than once per child.
const childQnames = new Map<string, WeakMap<ElementDef, readonly string[]>>();
function qnamesOf(def: ElementDef, prefix: string): readonly string[] {
  let byDef = childQnames.get(prefix);
  if (!byDef) {
    byDef = new WeakMap();
    childQnames.set(prefix, byDef);
  }
  let qs = byDef.get(def);
  if (!qs) {
    qs = def.children!.map((c) => {
      const q = prefix + c.name;
      q.charCodeAt(0);
      return q;
    });
    byDef.set(def, qs);
  }
  return qs;
}

// One scan of a leaf's text for anything the fast path leaves to the general one: control
// characters, CR (line ends need normalising), surrogates (pairs are checked there), U+FFFE/U+FFFF, "]]>".
const LEAF_UNUSUAL = /[\x00-\x08\x0B-\x1F\uD800-\uDFFF\uFFFE\uFFFF]|\]\]>/;

function run(src: string, tolerant: boolean, limits: XmlLimits): FastResult {
  if (src.length * 3 > limits.maxBytes && Buffer.byteLength(src, 'utf8') > limits.maxBytes) bail();
  const n = src.length;
  let pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (src.startsWith('<?xml', pos)) {
    const end = src.indexOf('?>', pos);
    if (end < 0 || !XML_DECL.test(src.slice(pos, end + 2))) bail();
    const enc = /encoding\s*=\s*["']([^"']+)["']/.exec(src.slice(pos, end));
    if (enc && !/^utf-?8$/i.test(enc[1]!)) bail();
    pos = end + 2;
  }
  while (pos < n && isWs(src.charCodeAt(pos))) pos++;
  if (src.charCodeAt(pos) !== 60) bail();
  const rootStart = pos;
  const nameEnd = src.slice(pos + 1, pos + 80).search(/[ \t\r\n/>]/);
  if (nameEnd <= 0) bail();
  const rootQname = src.slice(pos + 1, pos + 1 + nameEnd);
  pos += 1 + nameEnd;
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  let attrCount = 0;
  let prefix: string | undefined;
  for (;;) {
    ROOT_ATTR.lastIndex = pos;
    const m = ROOT_ATTR.exec(src);
    if (!m) break;
    const name = m[1]!;
    const value = m[2] ?? m[3]!;
    if (Object.hasOwn(attrs, name) || /[\t\n\r]/.test(value) || LEAF_UNUSUAL.test(value) || ++attrCount > limits.maxAttributes) bail();
    attrs[name] = value;
    if (name === 'xmlns' && value === CEB_NS) prefix = '';
    else if (name.startsWith('xmlns:') && value === CEB_NS) prefix = name.slice(6);
    pos = ROOT_ATTR.lastIndex;
  }
  while (pos < n && isWs(src.charCodeAt(pos))) pos++;
  if (src.charCodeAt(pos) !== 62 || prefix === undefined) bail();
  pos++;
  const p = prefix ? prefix + ':' : '';
  if (!rootQname.startsWith(p) || rootQname.indexOf(':', p.length) >= 0) bail();
  const type = rootQname.slice(p.length);
  const info = messages.get(type);
  if (!info || !info.editions.includes('202205')) bail();
  const def = rootDef(type, '202205')!;
  const ctx = newCtx(type, '202205', tolerant, src);
  let elements = 1;

  const out: Model = {};
  for (const a of def.attrs ?? []) {
    const v = attrs[a.name];
    if (v === undefined) {
      if (a.required) bail();
      continue;
    }
    out[a.name] = checkLeaf(ctx, { name: a.name, min: 1, max: 1, simple: a.simple }, v, `/@${a.name}`, type, rootStart, a);
  }
  for (const k of Object.keys(attrs)) {
    if (k !== 'xmlns' && !k.startsWith('xmlns:') && !def.attrs?.some((a) => a.name === k)) bail();
  }

  function complex(def: ElementDef, obj: Model, path: string, elementName: string, startPos: number, depth: number): void {
    if (depth >= limits.maxDepth) bail();
    const defs = def.children!;
    const qs = qnamesOf(def, p);
    const counts = new Array<number>(defs.length).fill(0);
    let at = 0;
    for (;;) {
      while (pos < n && isWs(src.charCodeAt(pos))) pos++;
      if (src.charCodeAt(pos) !== 60) bail();
      const c1 = src.charCodeAt(pos + 1);
      if (c1 === 47) {
        // </p:name>
        if (!src.startsWith(elementName, pos + 2) || src.charCodeAt(pos + 2 + elementName.length) !== 62) bail();
        pos += 3 + elementName.length;
        break;
      }
      if (c1 === 33 || c1 === 63) bail();
      if (++elements > limits.maxElements) bail();
      const elStart = pos;
      // The child's name, read once and looked up; the sequence rules decide whether it fits here.
      // A tag with attributes, or anything else unusual, fails the lookup and goes to the general path.
      let gt = src.indexOf('>', pos);
      if (gt < 0) bail();
      const empty = src.charCodeAt(gt - 1) === 47;
      // Which definition? In a valid message it is nearly always the current one or the next, so
      // candidates are tried in sequence order by comparing qualified names in place.
      let j = -1;
      const nameEnd = empty ? gt - 1 : gt;
      for (let k = at; k < defs.length; k++) {
        const d = defs[k]!;
        if (d.signature) {
          const colon = src.indexOf(':', pos + 1);
          if (colon > 0 && colon < gt && src.startsWith('Signature', colon + 1) && (colon + 10 === gt || isWs(src.charCodeAt(colon + 10)))) { j = k; break; }
          continue;
        }
        const q = qs[k]!;
        if (pos + 1 + q.length === nameEnd && src.charCodeAt(nameEnd - 1) === q.charCodeAt(q.length - 1) && src.startsWith(q, pos + 1)) { j = k; break; }
      }
      if (j < 0) bail();
      for (let k = at; k < j; k++) if (counts[k]! < defs[k]!.min) bail();
      const d = defs[j]!;
      if (counts[j]! >= d.max) bail();
      at = j;
      const index = counts[j]!;
      counts[j] = index + 1;
      const childPath = d.max > 1 ? `${path}/${d.name}/${index}` : `${path}/${d.name}`;
      let value: unknown;
      if (d.signature) {
        const qEnd = src.indexOf('>', pos);
        const q = src.slice(pos + 1, qEnd).split(/[ \t\r\n]/)[0]!;
        const close = `</${q}>`;
        const end = src.indexOf(close, qEnd);
        if (end < 0) bail();
        // The fragment is part of this document: it gets what is left of the depth and element budgets.
        const fragment = parseXml(src.slice(pos, end + close.length), { ...limits, maxDepth: limits.maxDepth - depth - 1, maxElements: limits.maxElements - elements + 1 });
        elements += fragmentSize(fragment) - 1;
        if (fragment.ns !== DS_NS || fragment.name !== 'Signature') bail();
        value = { xml: serializeFragment(fragment) };
        pos = end + close.length;
      } else {
        const qname = qs[j]!;
        pos = gt;
        if (empty) {
          pos = gt + 1;
          if (!d.simple) bail();
          value = checkLeaf(ctx, d, '', childPath, def.name, elStart);
        } else {
          pos++;
          if (d.simple) {
            const lt = src.indexOf('<', pos);
            if (lt < 0) bail();
            let raw = src.slice(pos, lt);
            // Carriage returns need end-of-line normalisation: the general path does that.
            if (raw.length > limits.maxTextLength || LEAF_UNUSUAL.test(raw)) bail();
            // Character references can produce surrogate pairs; only undecoded text is known to have none.
            const hadRefs = raw.indexOf('&') >= 0;
            if (hadRefs) raw = decodeEntities(raw);
            if (src.charCodeAt(lt + 1) !== 47 || !src.startsWith(qname, lt + 2) || src.charCodeAt(lt + 2 + qname.length) !== 62) bail();
            pos = lt + 3 + qname.length;
            value = checkLeaf(ctx, d, raw, childPath, def.name, elStart, d, !hadRefs);
          } else if (d.children) {
            const child: Model = {};
            complex(d, child, childPath, qname, elStart, depth + 1);
            value = child;
          } else bail();
        }
      }
      if (d.max > 1) ((obj[d.name] ??= []) as unknown[]).push(value);
      else obj[d.name] = value;
    }
    for (let k = at; k < defs.length; k++) if (counts[k]! < defs[k]!.min) bail();
    checkSequence(ctx, obj, path, startPos);
  }

  complex(def, out, '', rootQname, rootStart, 1);
  while (pos < n && isWs(src.charCodeAt(pos))) pos++;
  if (pos < n) bail();
  if (ctx.errors.length) bail();
  return { messageType: type, message: out, ctx };
}
