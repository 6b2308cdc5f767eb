// Compiles a CEB business XSD into ElementDef data. The official XSDs use a small subset of XML
// Schema: global elements, inline complex types with one xs:sequence, element refs, inline simple
// types restricting xs:string / xs:decimal / xs:int by length and digits, xs:any for extensions,
// and a ref to ds:Signature. Anything else is reported rather than guessed.
import { attr, parseXml, type XNode } from '../xml/reader.js';
import type { AttrDef, ElementDef, SimpleType } from './types.js';

const XS = 'http://www.w3.org/2001/XMLSchema';

const kids = (n: XNode, name?: string): XNode[] => (n.kids ?? []).filter((k) => k.ns === XS && (!name || k.name === name));
const kid = (n: XNode, name: string): XNode | undefined => kids(n, name)[0];

function docOf(n: XNode): string | undefined {
  const d = kid(n, 'annotation');
  const text = d ? kid(d, 'documentation')?.text.trim().replace(/\s+/g, ' ') : undefined;
  return text ? (text.length > 160 ? text.slice(0, 157) + '…' : text) : undefined;
}

function occurs(n: XNode): { min: number; max: number } {
  const min = Number(attr(n, 'minOccurs') ?? '1');
  const maxText = attr(n, 'maxOccurs') ?? '1';
  return { min, max: maxText === 'unbounded' ? Infinity : Number(maxText) };
}

function simpleOf(st: XNode, where: string): SimpleType {
  const r = kid(st, 'restriction');
  if (!r) throw new Error(`${where}: simpleType without restriction`);
  const base = (attr(r, 'base') ?? '').replace(/^xs:/, '');
  const facet = (name: string) => {
    const f = kid(r, name);
    return f ? Number(attr(f, 'value')) : undefined;
  };
  if (base === 'string') {
    const s: { t: 'str'; len?: number; minLen?: number; maxLen?: number; collapse?: true } = { t: 'str' };
    const len = facet('length'), minLen = facet('minLength'), maxLen = facet('maxLength');
    if (len !== undefined) s.len = len;
    if (minLen !== undefined) s.minLen = minLen;
    if (maxLen !== undefined) s.maxLen = maxLen;
    if (kid(r, 'whiteSpace') && attr(kid(r, 'whiteSpace')!, 'value') === 'collapse') s.collapse = true;
    return s;
  }
  if (base === 'decimal') {
    const s: { t: 'dec'; digits?: number; frac?: number } = { t: 'dec' };
    const d = facet('totalDigits'), f = facet('fractionDigits');
    if (d !== undefined) s.digits = d;
    if (f !== undefined) s.frac = f;
    return s;
  }
  if (base === 'int') {
    const s: { t: 'int'; digits?: number } = { t: 'int' };
    const d = facet('totalDigits');
    if (d !== undefined) s.digits = d;
    return s;
  }
  throw new Error(`${where}: unsupported base type ${base}`);
}

export function compileXsd(xsd: string): Record<string, ElementDef> {
  const schema = parseXml(xsd);
  const globals = new Map<string, XNode>();
  for (const el of kids(schema, 'element')) globals.set(attr(el, 'name')!, el);
  const cache = new Map<string, Omit<ElementDef, 'min' | 'max'>>();

  function body(el: XNode, name: string, path: string): Omit<ElementDef, 'min' | 'max' | 'name'> {
    const out: { doc?: string; simple?: SimpleType; fixed?: string; default?: string; children?: ElementDef[]; attrs?: AttrDef[]; any?: true } = {};
    const doc = docOf(el);
    if (doc) out.doc = doc;
    const fixed = attr(el, 'fixed');
    if (fixed !== undefined) out.fixed = fixed;
    const dflt = attr(el, 'default');
    if (dflt !== undefined) out.default = dflt;
    const type = attr(el, 'type');
    if (type === 'ceb:XMLElement') {
      out.any = true;
      return out;
    }
    if (type) {
      const base = type.replace(/^xs:/, '');
      if (base === 'string') out.simple = { t: 'str' };
      else if (base === 'int') out.simple = { t: 'int' };
      else if (base === 'decimal') out.simple = { t: 'dec' };
      else throw new Error(`${path}: unsupported type ${type}`);
      return out;
    }
    const st = kid(el, 'simpleType');
    if (st) {
      out.simple = simpleOf(st, path);
      return out;
    }
    const ct = kid(el, 'complexType');
    if (!ct) {
      out.simple = { t: 'str' };
      return out;
    }
    const seq = kid(ct, 'sequence');
    if (seq) out.children = kids(seq).map((c) => child(c, `${path}/${attr(c, 'name') ?? attr(c, 'ref')}`));
    const attrs = kids(ct, 'attribute').map((a): AttrDef => {
      const aname = attr(a, 'name')!;
      const ast = kid(a, 'simpleType');
      return { name: aname, required: attr(a, 'use') === 'required', simple: ast ? simpleOf(ast, `${path}@${aname}`) : { t: 'str' } };
    });
    if (attrs.length) out.attrs = attrs;
    void name;
    return out;
  }

  function child(c: XNode, path: string): ElementDef {
    const { min, max } = occurs(c);
    if (c.name === 'any') return { name: '*', min, max, any: true };
    if (c.name !== 'element') throw new Error(`${path}: unsupported particle xs:${c.name}`);
    const ref = attr(c, 'ref');
    if (ref) {
      if (ref === 'ds:Signature') return { name: 'Signature', ns: 'ds', min, max, signature: true };
      const gname = ref.replace(/^ceb:/, '');
      let def = cache.get(gname);
      if (!def) {
        const g = globals.get(gname);
        if (!g) throw new Error(`${path}: unknown element ref ${ref}`);
        def = { name: gname, ...body(g, gname, gname) };
        cache.set(gname, def);
      }
      return { ...def, min, max };
    }
    const name = attr(c, 'name')!;
    return { name, min, max, ...body(c, name, path) };
  }

  const roots: Record<string, ElementDef> = {};
  for (const [name, el] of globals) {
    if (/^CEB\d+Message$/.test(name)) roots[name] = { name, min: 1, max: 1, ...body(el, name, name) };
  }
  return roots;
}
