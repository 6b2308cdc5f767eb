// Canonical XML 1.0 without comments (http://www.w3.org/TR/2001/REC-xml-c14n-20010315), the
// canonicalisation customs prescribes for the enveloped signature (spec 202205 §6.2.1.1).
//
// The codec's reader keeps only what the message model needs (text per element, no order of
// mixed content, no comments or processing instructions), so signing needs its own light tree
// that keeps every character of content in document order. The reader's strictness carries over:
// no DTD (so no entities beyond the five predefined and character references), UTF-8 only,
// bounded size and depth.

import { BAD_CHARS, DEFAULT_LIMITS, XmlError, decodeEntities, decodeUtf8, eol, hasLoneSurrogate, lineAt, type XmlErrorCode, type XmlLimits } from '../ceb/xml/reader.js';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface CAttr {
  readonly prefix: string;
  readonly local: string;
  readonly qname: string;
  /** Namespace URI ('' for an unprefixed attribute). */
  readonly ns: string;
  /** Value after XML attribute-value normalisation (entities decoded, literal white space as spaces). */
  readonly value: string;
}

export interface CElement {
  readonly kind: 'element';
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  readonly ns: string;
  readonly parent: CElement | null;
  /** Namespace declarations written on this element: prefix ('' = default) → URI ('' undeclares the default). */
  readonly decls: ReadonlyMap<string, string>;
  readonly attrs: readonly CAttr[];
  readonly children: CChild[];
  /** Offsets in the (line-end normalised) source text: start of `<`, just after the start tag, just after the end tag. */
  readonly start: number;
  readonly contentStart: number;
  end: number;
}

export interface CText {
  readonly kind: 'text';
  readonly value: string;
}
export interface CPi {
  readonly kind: 'pi';
  readonly target: string;
  readonly data: string;
}
export type CChild = CElement | CText | CPi;

export interface CDocument {
  /** The text the offsets refer to: decoded, BOM removed, line ends normalised to LF. */
  readonly src: string;
  readonly root: CElement;
  /** Processing instructions before and after the document element (comments are dropped). */
  readonly before: readonly CPi[];
  readonly after: readonly CPi[];
}

const NAME = /[A-Za-z_\u00C0-\uFFFD][-A-Za-z0-9_.\u00B7\u00C0-\uFFFD]*(?::[A-Za-z_\u00C0-\uFFFD][-A-Za-z0-9_.\u00B7\u00C0-\uFFFD]*)?/y;
const SPACES = /[ \t\n]*/y;
const isSpace = (c: number) => c === 32 || c === 10 || c === 9;
const NO_DECLS: ReadonlyMap<string, string> = new Map();
/** CEB messages declare a handful of namespaces; a thousand is far beyond any real one. */
const MAX_NS_DECLS = 1000;

/** The namespace a prefix is bound to at `el` ('' undeclares the default), by its declarations and its ancestors'. */
export function inScope(el: CElement, prefix: string): string | undefined {
  for (let e: CElement | null = el; e; e = e.parent) if (e.decls.has(prefix)) return e.decls.get(prefix);
  return undefined;
}

/** Parses a document for canonicalisation. Throws XmlError (the codec's codes) on anything not well-formed. */
export function parseForC14n(input: string | Uint8Array, limits: XmlLimits = DEFAULT_LIMITS): CDocument {
  if (typeof input !== 'string' && input.length > limits.maxBytes) throw new XmlError('XML_TOO_LARGE', `${input.length} bytes > ${limits.maxBytes}`, 0);
  let src = typeof input === 'string' ? input : decodeUtf8(input, limits);
  if (typeof input === 'string' && src.length > limits.maxBytes) throw new XmlError('XML_TOO_LARGE', `${src.length} characters > ${limits.maxBytes}`, 0);
  if (typeof input === 'string' && hasLoneSurrogate(src)) throw new XmlError('XML_ENCODING', 'a lone UTF-16 surrogate is not a character', lineAt(src, src.search(/[\uD800-\uDFFF]/)));
  if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
  src = eol(src);
  const n = src.length;
  const bad = src.search(BAD_CHARS);
  if (bad >= 0) throw new XmlError('XML_ENCODING', `character U+${src.charCodeAt(bad).toString(16).padStart(4, '0')} is not allowed in XML`, lineAt(src, bad));
  let pos = 0;
  let elements = 0;
  let nsDecls = 0;
  const fail = (detail: string, at = pos, code: XmlErrorCode = 'XML_MALFORMED'): never => {
    throw new XmlError(code, detail, lineAt(src, at));
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(src);
    if (!m) fail('a name was expected');
    pos = NAME.lastIndex;
    return m![0];
  };
  const skipSpaces = () => {
    SPACES.lastIndex = pos;
    SPACES.exec(src);
    pos = SPACES.lastIndex;
  };
  const pi = (): CPi => {
    const end = src.indexOf('?>', pos);
    if (end < 0) fail('unterminated processing instruction');
    const body = src.slice(pos + 2, end);
    pos = end + 2;
    const sp = body.search(/[ \t\n]/);
    const target = sp < 0 ? body : body.slice(0, sp);
    if (!target || /^xml$/i.test(target)) fail('bad processing instruction target', pos);
    return { kind: 'pi', target, data: sp < 0 ? '' : body.slice(sp).replace(/^[ \t\n]+/, '') };
  };
  const comment = () => {
    const end = src.indexOf('-->', pos + 4);
    if (end < 0) fail('unterminated comment');
    pos = end + 3;
  };

  // Prolog: the XML declaration, comments, PIs, white space; a DOCTYPE is refused.
  const before: CPi[] = [];
  if (src.startsWith('<?xml', 0) && isSpace(src.charCodeAt(5))) {
    const end = src.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration', 0);
    pos = end + 2;
  }
  for (;;) {
    skipSpaces();
    if (src.startsWith('<!--', pos)) comment();
    else if (src.startsWith('<?', pos)) before.push(pi());
    else if (src.startsWith('<!DOCTYPE', pos)) fail('a DOCTYPE is not accepted (no DTDs, no entities)', pos, 'XML_DTD_FORBIDDEN');
    else break;
  }
  if (src.charCodeAt(pos) !== 60) fail('the document element was expected', pos, 'XML_NO_ROOT');

  let text = '';
  const root = startTag(null);
  let current: CElement | null = root.end < 0 ? root : null;
  let depth = 1;
  const flushText = () => {
    if (text && current) current.children.push({ kind: 'text', value: text });
    text = '';
  };
  while (current !== null) {
    const lt = src.indexOf('<', pos);
    if (lt < 0) fail('unexpected end of document', n, 'XML_TRUNCATED');
    if (lt > pos) {
      const raw = src.slice(pos, lt);
      if (raw.includes(']]>')) fail("']]>' is not allowed in text", pos);
      text += raw.indexOf('&') < 0 ? raw : decodeEntities(raw, pos, src);
    }
    pos = lt;
    if (src.startsWith('</', pos)) {
      pos += 2;
      const q = name();
      skipSpaces();
      if (src.charCodeAt(pos) !== 62) fail('> expected after the end tag name');
      pos++;
      if (q !== current.qname) fail(`end tag </${q}> does not match <${current.qname}>`, lt);
      flushText();
      current.end = pos;
      current = current.parent;
      depth--;
    } else if (src.startsWith('<!--', pos)) {
      comment();
    } else if (src.startsWith('<![CDATA[', pos)) {
      const end = src.indexOf(']]>', pos + 9);
      if (end < 0) fail('unterminated CDATA section');
      text += src.slice(pos + 9, end);
      pos = end + 3;
    } else if (src.startsWith('<?', pos)) {
      flushText();
      current.children.push(pi());
    } else if (src.startsWith('<!', pos)) {
      fail('markup declarations are not accepted', pos, 'XML_DTD_FORBIDDEN');
    } else {
      flushText();
      const el = startTag(current);
      current.children.push(el);
      if (el.end < 0) {
        current = el;
        if (++depth > limits.maxDepth) fail(`nesting deeper than ${limits.maxDepth}`, lt, 'XML_TOO_DEEP');
      }
    }
  }

  const after: CPi[] = [];
  for (;;) {
    skipSpaces();
    if (pos >= n) break;
    if (src.startsWith('<!--', pos)) comment();
    else if (src.startsWith('<?', pos)) after.push(pi());
    else fail('content after the document element');
  }
  return { src, root, before, after };

  function startTag(parent: CElement | null): CElement {
    if (++elements > limits.maxElements) fail(`more than ${limits.maxElements} elements`, pos, 'XML_TOO_MANY_ELEMENTS');
    const start = pos;
    pos++;
    const qname = name();
    const raw: [string, string, number][] = [];
    let decls: Map<string, string> | null = null;
    for (;;) {
      const before = pos;
      skipSpaces();
      const c = src.charCodeAt(pos);
      if (c === 62 || c === 47) break;
      if (pos === before) fail('white space expected between attributes');
      const at = pos;
      const an = name();
      skipSpaces();
      if (src.charCodeAt(pos) !== 61) fail('= expected after an attribute name');
      pos++;
      skipSpaces();
      const quote = src.charCodeAt(pos);
      if (quote !== 34 && quote !== 39) fail('a quoted attribute value was expected');
      const close = src.indexOf(quote === 34 ? '"' : "'", pos + 1);
      if (close < 0) fail('unterminated attribute value');
      const literal = src.slice(pos + 1, close);
      if (literal.includes('<')) fail("'<' is not allowed in an attribute value", pos);
      pos = close + 1;
      // Attribute-value normalisation (XML 1.0 §3.3.3): literal white space becomes a space before
      // references are expanded, so &#9; stays a tab while a typed tab does not.
      const value = decodeEntities(literal.replace(/[\t\n]/g, ' '), at, src);
      if (an === 'xmlns' || an.startsWith('xmlns:')) {
        const prefix = an === 'xmlns' ? '' : an.slice(6);
        if (prefix && !value) fail(`the prefix ${prefix} cannot be undeclared in XML 1.0`, at);
        // Namespaces in XML §3: xml is bound to its URI for good, xmlns is never declared, neither URI goes elsewhere.
        if (prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS) || value === 'http://www.w3.org/2000/xmlns/') fail(`namespace declaration ${an}="${value}" is not allowed`, at);
        decls ??= new Map();
        if (decls.has(prefix)) fail(`namespace ${an} declared twice`, at);
        decls.set(prefix, value);
      } else {
        if (raw.some((r) => r[0] === an)) fail(`attribute ${an} repeated`, at);
        raw.push([an, value, at]);
      }
      if (raw.length + (decls?.size ?? 0) > limits.maxAttributes) fail(`more than ${limits.maxAttributes} attributes`, at, 'XML_TOO_MANY_ATTRIBUTES');
    }
    const empty = src.charCodeAt(pos) === 47;
    if (empty) {
      if (src.charCodeAt(pos + 1) !== 62) fail('> expected after /');
      pos += 2;
    } else pos++;
    if (decls) {
      // A cap on declarations per document: each one costs the canonicaliser work at every
      // element below it that renders a subset apex, so thousands of them are only an attack.
      nsDecls += decls.size;
      if (nsDecls > MAX_NS_DECLS) fail(`more than ${MAX_NS_DECLS} namespace declarations`, start, 'XML_TOO_MANY_ATTRIBUTES');
    }
    const own = decls;
    const scopeUri = (prefix: string): string | undefined => (own?.has(prefix) ? own.get(prefix) : parent ? inScope(parent, prefix) : undefined);
    const resolve = (q: string, forElement: boolean, at: number): [string, string, string] => {
      const colon = q.indexOf(':');
      if (colon < 0) return ['', q, forElement ? (scopeUri('') ?? '') : ''];
      const prefix = q.slice(0, colon);
      const uri = prefix === 'xml' ? XML_NS : scopeUri(prefix) || undefined;
      if (uri === undefined) fail(`namespace prefix ${prefix} is not declared`, at, 'XML_UNBOUND_PREFIX');
      return [prefix, q.slice(colon + 1), uri!];
    };
    const [prefix, local, ns] = resolve(qname, true, start);
    const attrs: CAttr[] = raw.map(([q, value, at]) => {
      const [p, l, u] = resolve(q, false, at);
      return { prefix: p, local: l, qname: q, ns: u, value };
    });
    for (let i = 0; i < attrs.length; i++) {
      for (let j = i + 1; j < attrs.length; j++) {
        if (attrs[i]!.ns && attrs[i]!.ns === attrs[j]!.ns && attrs[i]!.local === attrs[j]!.local) fail(`attribute {${attrs[i]!.ns}}${attrs[i]!.local} repeated`, start);
      }
    }
    return { kind: 'element', qname, prefix, local, ns, parent, decls: decls ?? NO_DECLS, attrs, children: [], start, contentStart: pos, end: empty ? pos : -1 };
  }
}

// ---------------------------------------------------------------------------------------------
// Serialisation (C14N 1.0 §2.2–2.3 and §4): UTF-8 text, no XML declaration, start and end tags for
// every element, namespace declarations then attributes in canonical order, character
// references for the few characters that need them, comments dropped.

const textEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const attrEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };
export const escapeText = (s: string) => (/[&<>\r]/.test(s) ? s.replace(/[&<>\r]/g, (c) => textEscapes[c]!) : s);
const escapeAttr = (s: string) => (/[&<"\t\n\r]/.test(s) ? s.replace(/[&<"\t\n\r]/g, (c) => attrEscapes[c]!) : s);
const renderPi = (p: CPi) => `<?${p.target}${p.data ? ' ' + p.data : ''}?>`;

/** The whole document, without `exclude` (the enveloped-signature transform removes the ds:Signature). */
export function canonicalDocument(doc: CDocument, exclude?: CElement): string {
  let out = '';
  for (const p of doc.before) out += renderPi(p) + '\n';
  out += renderElement(doc.root, apexNamespaces(doc.root), exclude, []);
  for (const p of doc.after) out += '\n' + renderPi(p);
  return out;
}

/**
 * One element and its descendants as a document subset (how SignedInfo is canonicalised): the apex
 * renders every namespace in scope, inherited ones included, and the xml:* attributes of its
 * ancestors (C14N 1.0 §2.4) — which is why a SignedInfo inside a ceb: message carries xmlns:ceb.
 */
export function canonicalElement(el: CElement): string {
  const inherited: CAttr[] = [];
  for (let a = el.parent; a; a = a.parent) {
    for (const x of a.attrs) {
      if (x.ns === XML_NS && !el.attrs.some((o) => o.ns === XML_NS && o.local === x.local) && !inherited.some((o) => o.local === x.local)) inherited.push(x);
    }
  }
  return renderElement(el, apexNamespaces(el), undefined, inherited);
}

/** Every namespace in scope at an apex (nearest declaration wins), as [prefix, uri]; an undeclared default is left out. */
function apexNamespaces(el: CElement): [string, string][] {
  const seen = new Map<string, string>();
  for (let e: CElement | null = el; e; e = e.parent) for (const [p, u] of e.decls) if (!seen.has(p)) seen.set(p, u);
  return [...seen].filter(([p, u]) => p !== 'xml' && !(p === '' && u === ''));
}

/**
 * Namespace nodes an element below the apex renders: only its own declarations can differ from its
 * output parent's (whatever it inherits is the parent's), and only those that do are written; an
 * undeclared default is written only where the parent has one.
 */
function ownNamespaces(el: CElement): [string, string][] | null {
  let out: [string, string][] | null = null;
  for (const [p, u] of el.decls) {
    if (p === 'xml') continue;
    const parent = el.parent ? inScope(el.parent, p) : undefined;
    if (p === '' && u === '') {
      if (parent) (out ??= []).push(['', '']);
    } else if (parent !== u) (out ??= []).push([p, u]);
  }
  return out;
}

/** Code-point order (UTF-8 byte order), which UTF-16 comparison breaks only for characters beyond U+FFFF. */
function codePointCompare(a: string, b: string): number {
  if (!/[\uD800-\uDFFF]/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function renderElement(el: CElement, apex: [string, string][] | null, exclude: CElement | undefined, extraAttrs: readonly CAttr[]): string {
  const nsNodes = apex ?? ownNamespaces(el);
  let out = '<' + el.qname;
  if (nsNodes) {
    if (nsNodes.length > 1) nsNodes.sort((a, b) => codePointCompare(a[0], b[0]));
    for (const [p, u] of nsNodes) out += (p ? ' xmlns:' + p : ' xmlns') + '="' + escapeAttr(u) + '"';
  }
  let attrs = el.attrs;
  if (extraAttrs.length) attrs = [...attrs, ...extraAttrs];
  if (attrs.length > 1) attrs = [...attrs].sort((a, b) => (a.ns !== b.ns ? codePointCompare(a.ns, b.ns) : codePointCompare(a.local, b.local)));
  for (const a of attrs) out += ' ' + a.qname + '="' + escapeAttr(a.value) + '"';
  out += '>';
  for (const c of el.children) {
    if (c.kind === 'text') out += escapeText(c.value);
    else if (c.kind === 'element') {
      if (c !== exclude) out += renderElement(c, null, exclude, []);
    } else out += renderPi(c);
  }
  return out + '</' + el.qname + '>';
}

/** The first child element of `el` with this namespace and local name. */
export function childElement(el: CElement, ns: string, local: string): CElement | undefined {
  for (const c of el.children) if (c.kind === 'element' && c.ns === ns && c.local === local) return c;
  return undefined;
}

/** The text content of an element (its text children joined; for leaf elements such as DigestValue). */
export function textOf(el: CElement): string {
  let s = '';
  for (const c of el.children) if (c.kind === 'text') s += c.value;
  return s;
}
