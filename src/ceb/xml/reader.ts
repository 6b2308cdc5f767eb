// A small, strict, namespace-aware XML reader built for the customs message vocabulary: no DTDs,
// no entity declarations (so no XXE and no entity expansion), hard limits on size, depth,
// attributes and text, fatal on invalid UTF-8. It builds a light tree; the schema-driven decoder
// maps that tree onto the message model.

export interface XmlLimits {
  /** Largest document in bytes (default 10 MB). */
  readonly maxBytes: number;
  /** Deepest element nesting (CEB messages are 5 deep; the signature adds a few). */
  readonly maxDepth: number;
  readonly maxAttributes: number;
  /** Longest text of one element, in characters (the DxpMsg Data element carries a whole message). */
  readonly maxTextLength: number;
  readonly maxElements: number;
}

export const DEFAULT_LIMITS: XmlLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 32,
  maxAttributes: 32,
  maxTextLength: 14 * 1024 * 1024,
  maxElements: 200_000,
};

export interface XAttr {
  readonly ns: string;
  readonly name: string;
  /** The name as written, with its prefix. */
  readonly qname: string;
  readonly value: string;
}

export interface XNode {
  readonly ns: string;
  readonly name: string;
  readonly qname: string;
  attrs: XAttr[] | null;
  kids: XNode[] | null;
  /** Text directly inside this element (character data and CDATA), entities decoded. */
  text: string;
  /** Namespace declarations made on this element: prefix ('' for default) → URI. */
  decls: Record<string, string> | null;
  /** Offset of the start tag in the source text; lineAt() turns it into a line number. */
  readonly pos: number;
}

/** The 1-based line of an offset. Lines are counted only when an error needs one. */
export function lineAt(src: string, pos: number): number {
  return lineIndex(src)(pos);
}

/**
 * A function from offset to line for one text: the newline positions are found once (on first
 * use) and binary-searched, so a message with thousands of problems costs n log n, not n².
 */
export function lineIndex(src: string): (pos: number) => number {
  let breaks: number[] | undefined;
  return (pos: number) => {
    if (!breaks) {
      breaks = [];
      for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) breaks.push(i);
    }
    let lo = 0, hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

export type XmlErrorCode =
  | 'XML_TOO_LARGE' | 'XML_ENCODING' | 'XML_DTD_FORBIDDEN' | 'XML_MALFORMED' | 'XML_TRUNCATED' | 'XML_TOO_DEEP'
  | 'XML_TOO_MANY_ATTRIBUTES' | 'XML_TEXT_TOO_LONG' | 'XML_TOO_MANY_ELEMENTS' | 'XML_UNBOUND_PREFIX' | 'XML_NO_ROOT';

export class XmlError extends Error {
  constructor(readonly code: XmlErrorCode, readonly detail: string, readonly line: number) {
    super(`${code} at line ${line}: ${detail}`);
    this.name = 'XmlError';
  }
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Bytes to text: UTF-8 only, invalid sequences refused, a BOM dropped. */
export function decodeUtf8(bytes: Uint8Array, limits: XmlLimits = DEFAULT_LIMITS): string {
  if (bytes.length > limits.maxBytes) throw new XmlError('XML_TOO_LARGE', `${bytes.length} bytes > ${limits.maxBytes}`, 0);
  try {
    return decoder.decode(bytes);
  } catch {
    throw new XmlError('XML_ENCODING', 'not valid UTF-8', lineAtByte(bytes));
  }
}

function lineAtByte(bytes: Uint8Array): number {
  // Best effort: the line of the first byte that fails a lenient decode.
  const text = new TextDecoder('utf-8').decode(bytes);
  const bad = text.indexOf('\uFFFD');
  return bad < 0 ? 1 : lineAt(text, bad);
}

const ENTITIES = new Map<string, string>([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]]);

const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;

/** Decodes the five predefined entities and character references; any other entity is refused. */
export function decodeEntities(s: string, at = 0, src = ''): string {
  const fail = (code: XmlErrorCode, detail: string, pos: number): never => {
    throw new XmlError(code, detail, src ? lineAt(src, pos) : 0);
  };
  let out = '';
  let last = 0;
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', last)) {
    out += s.slice(last, i);
    const semi = s.indexOf(';', i);
    if (semi < 0 || semi - i > 12) fail('XML_MALFORMED', 'unterminated entity reference', at + i);
    const name = s.slice(i + 1, semi);
    if (name.charCodeAt(0) === 35) {
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      const valid = Number.isInteger(code) && (code === 9 || code === 10 || code === 13 || (code >= 32 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff));
      if (!valid || !/^#(x[0-9a-fA-F]+|[0-9]+)$/.test(name)) fail('XML_MALFORMED', `bad character reference &${name};`, at + i);
      out += String.fromCodePoint(code);
    } else {
      const v = ENTITIES.get(name);
      // Any other entity would need a DTD, which is refused: report it as undeclared.
      if (v === undefined) fail('XML_MALFORMED', `undeclared entity &${name};`, at + i);
      out += v;
    }
    last = semi + 1;
  }
  return out + s.slice(last);
}

/** End-of-line handling (XML 1.0 §2.11): CR LF and a lone CR become LF before anything else. */
export const eol = (s: string): string => (s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n'));

/** A UTF-16 surrogate without its partner: not a character, so not allowed in XML. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const hasLoneSurrogate = (s: string): boolean => /[\uD800-\uDFFF]/.test(s) && LONE_SURROGATE.test(s);

/** <?xml version="1.x" encoding="…" standalone="yes|no"?> (XML 1.0 §2.8). */
export const XML_DECL = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1([ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?([ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(yes|no)\5)?[ \t\r\n]*\?>$/;

export const BAD_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const NOT_SPACE = /[^ \t\r\n]/;
/** Only XML white space (space, tab, CR, LF) — not U+3000 or U+00A0, which String.trim() also removes. */
export const isXmlBlank = (s: string): boolean => !NOT_SPACE.test(s);
// XML names: a start character, then name characters (XML 1.0 §2.3, with non-ASCII accepted wholesale).
const NAME = /[A-Za-z_:\u00C0-\uFFFD][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFD]*/y;
const SPACES = /[ \t\r\n]*/y;

/** One namespace scope: the declarations of one element over its parent's, with a cache of resolved names. */
class Scope {
  private readonly names = new Map<string, readonly [string, string]>();
  constructor(private readonly parent: Scope | null, private readonly decls: Record<string, string>) {}
  uri(prefix: string): string | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      if (Object.hasOwn(s.decls, prefix)) return s.decls[prefix];
    }
    return undefined;
  }
  /** [namespace, local name] of a qualified name; undefined for an undeclared prefix. */
  resolve(qname: string): readonly [string, string] | undefined {
    let r = this.names.get(qname);
    if (r === undefined) {
      const colon = qname.indexOf(':');
      const uri = this.uri(colon < 0 ? '' : qname.slice(0, colon));
      if (uri === undefined && colon >= 0) return undefined;
      r = [uri ?? '', colon < 0 ? qname : qname.slice(colon + 1)];
      this.names.set(qname, r);
    }
    return r;
  }
}

export function parseXml(input: string | Uint8Array, limits: XmlLimits = DEFAULT_LIMITS): XNode {
  return parseDocument(input, limits).root;
}

/** Parses and also returns the decoded text, so positions can become line numbers. */
export function parseDocument(input: string | Uint8Array, limits: XmlLimits = DEFAULT_LIMITS): { root: XNode; src: string } {
  if (typeof input === 'string' && input.length * 3 > limits.maxBytes && Buffer.byteLength(input, 'utf8') > limits.maxBytes) {
    throw new XmlError('XML_TOO_LARGE', `${Buffer.byteLength(input, 'utf8')} bytes > ${limits.maxBytes}`, 0);
  }
  let src = typeof input === 'string' ? input : decodeUtf8(input, limits);
  // Bytes were decoded strictly; a string can still hold half a surrogate pair.
  if (typeof input === 'string' && hasLoneSurrogate(src)) throw new XmlError('XML_ENCODING', 'a lone UTF-16 surrogate is not a character', lineAt(src, src.search(/[\uD800-\uDFFF]/)));
  if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
  const n = src.length;
  let pos = 0;
  let elements = 0;
  const stack: XNode[] = [];
  const scopes: Scope[] = [new Scope(null, { xml: XML_NS })];
  let root: XNode | null = null;

  const fail = (code: XmlErrorCode, detail: string, at = pos): never => {
    throw new XmlError(code, detail, lineAt(src, at));
  };

  function addText(top: XNode, text: string, at: number) {
    if (BAD_CHARS.test(text)) fail('XML_MALFORMED', 'a control character that XML does not allow', at);
    if (top.text.length + text.length > limits.maxTextLength) fail('XML_TEXT_TOO_LONG', `text of <${top.qname}> exceeds ${limits.maxTextLength} characters`, at);
    top.text = top.text.length ? top.text + text : text;
  }

  function appendText(from: number, to: number) {
    const top = stack[stack.length - 1];
    const blank = !NOT_SPACE.test(src.slice(from, to));
    if (!top) {
      if (!blank) fail('XML_MALFORMED', 'text outside the root element', from);
      return;
    }
    // White space between child elements is layout, not content: not kept.
    if (blank && top.kids) return;
    const raw = eol(src.slice(from, to));
    if (raw.indexOf(']]>') >= 0) fail('XML_MALFORMED', '"]]>" is not allowed in text', from);
    addText(top, raw.indexOf('&') < 0 ? raw : decodeEntities(raw, from, src), from);
  }

  function readName(): string {
    NAME.lastIndex = pos;
    const m = NAME.exec(src);
    if (!m) fail(pos >= n ? 'XML_TRUNCATED' : 'XML_MALFORMED', pos >= n ? 'document ends inside a tag' : `bad name start "${src[pos]}"`);
    const name = m![0];
    if (name.length > 256) fail('XML_MALFORMED', 'name too long');
    // Namespaces in XML: at most one colon, neither first nor last.
    const colon = name.indexOf(':');
    if (colon === 0 || colon === name.length - 1 || (colon > 0 && name.indexOf(':', colon + 1) >= 0)) fail('XML_MALFORMED', `"${name}" is not a qualified name`);
    pos += name.length;
    return name;
  }
  function skipSpace() {
    SPACES.lastIndex = pos;
    SPACES.exec(src);
    pos = SPACES.lastIndex;
  }

  // XML declaration: optional, first thing; only UTF-8 is accepted.
  if (src.startsWith('<?xml') && isSpace(src.charCodeAt(5))) {
    const end = src.indexOf('?>');
    if (end < 0) fail('XML_TRUNCATED', 'unterminated XML declaration');
    const decl = src.slice(0, end + 2);
    if (!XML_DECL.test(decl)) fail('XML_MALFORMED', 'the XML declaration is not well formed');
    const enc = /encoding\s*=\s*["']([^"']+)["']/.exec(decl);
    if (enc && !/^utf-?8$/i.test(enc[1]!)) fail('XML_ENCODING', `encoding ${enc[1]} is not supported; send UTF-8`);
    pos = end + 2;
  }

  while (pos < n) {
    const lt = src.indexOf('<', pos);
    if (lt < 0) {
      appendText(pos, n);
      pos = n;
      break;
    }
    if (lt > pos) appendText(pos, lt);
    if (src.charCodeAt(lt + 1) !== 47 && src.charCodeAt(lt + 1) !== 33 && src.charCodeAt(lt + 1) !== 63) {
      // Start tag.
      pos = lt + 1;
      if (root && !stack.length) fail('XML_MALFORMED', 'more than one root element', lt);
      if (stack.length >= limits.maxDepth) fail('XML_TOO_DEEP', `nesting deeper than ${limits.maxDepth}`, lt);
      if (++elements > limits.maxElements) fail('XML_TOO_MANY_ELEMENTS', `more than ${limits.maxElements} elements`, lt);
      const qname = readName();
      let raw: { qname: string; value: string }[] | null = null;
      let selfClosing = false;
      let ch = src.charCodeAt(pos);
      if (ch === 62) pos++;
      else {
        for (;;) {
          const before = pos;
          skipSpace();
          if (pos >= n) fail('XML_TRUNCATED', `document ends inside <${qname}>`);
          ch = src.charCodeAt(pos);
          if (ch === 62) { pos++; break; }
          if (ch === 47) {
            if (src.charCodeAt(pos + 1) !== 62) fail('XML_MALFORMED', `bad "/" in <${qname}>`);
            pos += 2;
            selfClosing = true;
            break;
          }
          if (pos === before) fail('XML_MALFORMED', `attributes of <${qname}> must be separated by spaces`);
          const aname = readName();
          skipSpace();
          if (src.charCodeAt(pos) !== 61) fail(pos >= n ? 'XML_TRUNCATED' : 'XML_MALFORMED', `attribute ${aname} of <${qname}> has no value`);
          pos++;
          skipSpace();
          const q = src.charCodeAt(pos);
          if (q !== 34 && q !== 39) fail(pos >= n ? 'XML_TRUNCATED' : 'XML_MALFORMED', `attribute ${aname} of <${qname}> is not quoted`);
          const end = src.indexOf(q === 34 ? '"' : "'", pos + 1);
          if (end < 0) fail('XML_TRUNCATED', `unterminated attribute ${aname}`);
          const rawValue = src.slice(pos + 1, end);
          if (rawValue.indexOf('<') >= 0) fail('XML_MALFORMED', `"<" in attribute ${aname}`);
          if (BAD_CHARS.test(rawValue)) fail('XML_MALFORMED', `a control character in attribute ${aname}`);
          raw ??= [];
          if (raw.some((a) => a.qname === aname)) fail('XML_MALFORMED', `attribute ${aname} repeated on <${qname}>`);
          if (raw.length >= limits.maxAttributes) fail('XML_TOO_MANY_ATTRIBUTES', `<${qname}> has more than ${limits.maxAttributes} attributes`);
          // Attribute-value normalisation (XML 1.0 §3.3.3): white space characters become spaces.
          const norm = /[\t\n\r]/.test(rawValue) ? eol(rawValue).replace(/[\t\n]/g, ' ') : rawValue;
          raw.push({ qname: aname, value: norm.indexOf('&') < 0 ? norm : decodeEntities(norm, pos, src) });
          pos = end + 1;
        }
      }
      let scope = scopes[scopes.length - 1]!;
      let decls: Record<string, string> | null = null;
      let attrs: XAttr[] | null = null;
      if (raw) {
        for (const a of raw) {
          if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) {
            decls ??= {};
            decls[a.qname === 'xmlns' ? '' : a.qname.slice(6)] = a.value;
          }
        }
        if (decls) scope = new Scope(scope, decls);
        for (const a of raw) {
          if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) continue;
          // Unprefixed attributes are in no namespace (Namespaces in XML §6.2).
          const r = a.qname.indexOf(':') < 0 ? (['', a.qname] as const) : scope.resolve(a.qname);
          if (!r) fail('XML_UNBOUND_PREFIX', `namespace prefix of ${a.qname} is not declared`, lt);
          (attrs ??= []).push({ ns: r![0], name: r![1], qname: a.qname, value: a.value });
        }
      }
      const r = scope.resolve(qname);
      if (!r) fail('XML_UNBOUND_PREFIX', `namespace prefix of ${qname} is not declared`, lt);
      const node: XNode = { ns: r![0], name: r![1], qname, attrs, kids: null, text: '', decls, pos: lt };
      const parent = stack[stack.length - 1];
      if (parent) {
        if (parent.kids) parent.kids.push(node);
        else {
          parent.kids = [node];
          // Layout white space before the first child is not content either.
          if (parent.text && !NOT_SPACE.test(parent.text)) parent.text = '';
        }
      } else root = node;
      if (!selfClosing) {
        stack.push(node);
        scopes.push(scope);
      }
      continue;
    }
    pos = lt + 1;
    const c = src.charCodeAt(pos);
    if (c === 47) {
      // </name>
      const top = stack.pop();
      if (!top) fail('XML_MALFORMED', 'end tag without a start tag', lt);
      const q = top!.qname;
      if (src.startsWith(q, pos + 1)) {
        pos += 1 + q.length;
        if (src.charCodeAt(pos) !== 62) skipSpace();
        if (src.charCodeAt(pos) !== 62) {
          if (pos >= n) fail('XML_TRUNCATED', `document ends inside </${q}`, lt);
          fail('XML_MALFORMED', `end tag does not match <${q}>`, lt);
        }
        pos++;
      } else {
        pos++;
        const name = pos < n ? readName() : '';
        fail(pos >= n ? 'XML_TRUNCATED' : 'XML_MALFORMED', `end tag </${name}> does not match <${q}>`, lt);
      }
      scopes.pop();
      continue;
    }
    if (c === 33) {
      // <!-- comment -->, <![CDATA[ ]]>, anything else (DOCTYPE, ENTITY …) is refused
      if (src.startsWith('!--', pos)) {
        const end = src.indexOf('-->', pos + 3);
        if (end < 0) fail('XML_TRUNCATED', 'unterminated comment', lt);
        pos = end + 3;
        continue;
      }
      if (src.startsWith('![CDATA[', pos)) {
        const top = stack[stack.length - 1];
        if (!top) fail('XML_MALFORMED', 'CDATA outside the root element', lt);
        const end = src.indexOf(']]>', pos + 8);
        if (end < 0) fail('XML_TRUNCATED', 'unterminated CDATA section', lt);
        addText(top!, eol(src.slice(pos + 8, end)), lt);
        pos = end + 3;
        continue;
      }
      fail('XML_DTD_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted', lt);
    }
    // Processing instruction: skipped (a second XML declaration is an error).
    if (src.startsWith('?xml', pos) && isSpace(src.charCodeAt(pos + 4))) fail('XML_MALFORMED', 'XML declaration not at the start', lt);
    const end = src.indexOf('?>', pos);
    if (end < 0) fail('XML_TRUNCATED', 'unterminated processing instruction', lt);
    pos = end + 2;
  }
  if (stack.length) fail('XML_TRUNCATED', `document ends before </${stack[stack.length - 1]!.qname}>`);
  if (!root) fail('XML_NO_ROOT', 'no root element');
  return { root: root!, src };
}

/** The text of an attribute in no namespace, or undefined. */
export function attr(node: XNode, name: string): string | undefined {
  if (!node.attrs) return undefined;
  for (const a of node.attrs) if (a.name === name && a.ns === '') return a.value;
  return undefined;
}
