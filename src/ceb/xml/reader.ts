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
  readonly line: number;
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
  return bad < 0 ? 1 : text.slice(0, bad).split('\n').length;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0xc0;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 0xb7;
}
const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;

/** XML 1.0 Char production: refuses control characters that XML forbids. */
function checkChars(s: string, line: number): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) throw new XmlError('XML_MALFORMED', `character U+${c.toString(16).padStart(4, '0')} is not allowed in XML`, line);
    if (c === 0xfffe || c === 0xffff) throw new XmlError('XML_MALFORMED', 'non-character in text', line);
  }
}

export function parseXml(input: string | Uint8Array, limits: XmlLimits = DEFAULT_LIMITS): XNode {
  let src = typeof input === 'string' ? input : decodeUtf8(input, limits);
  if (typeof input === 'string' && input.length > limits.maxBytes) {
    throw new XmlError('XML_TOO_LARGE', `${input.length} characters > ${limits.maxBytes}`, 0);
  }
  if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
  const n = src.length;
  let pos = 0;
  let line = 1;
  let elements = 0;
  const stack: XNode[] = [];
  const scopes: Record<string, string>[] = [{ xml: XML_NS }];
  let root: XNode | null = null;

  const fail = (code: XmlErrorCode, detail: string): never => {
    throw new XmlError(code, detail, line);
  };
  const countLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (src.charCodeAt(i) === 10) line++;
  };

  function decodeEntities(s: string): string {
    if (s.indexOf('&') < 0) return s;
    let out = '';
    let last = 0;
    for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', last)) {
      out += s.slice(last, i);
      const semi = s.indexOf(';', i);
      if (semi < 0 || semi - i > 12) fail('XML_MALFORMED', 'unterminated entity reference');
      const name = s.slice(i + 1, semi);
      if (name.charCodeAt(0) === 35) {
        const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        const valid = Number.isInteger(code) && (code === 9 || code === 10 || code === 13 || (code >= 32 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff));
        if (!valid || !/^#(x[0-9a-fA-F]+|[0-9]+)$/.test(name)) fail('XML_MALFORMED', `bad character reference &${name};`);
        out += String.fromCodePoint(code);
      } else {
        const v = ENTITIES[name];
        // Any other entity would need a DTD, which is refused: report it as undeclared.
        if (v === undefined) fail('XML_MALFORMED', `undeclared entity &${name};`);
        out += v;
      }
      last = semi + 1;
    }
    return out + s.slice(last);
  }

  function appendText(raw: string) {
    const top = stack[stack.length - 1];
    if (!top) {
      for (let i = 0; i < raw.length; i++) if (!isSpace(raw.charCodeAt(i))) fail('XML_MALFORMED', 'text outside the root element');
      return;
    }
    if (raw.indexOf('<') >= 0) fail('XML_MALFORMED', '"<" in text');
    checkChars(raw, line);
    const text = decodeEntities(raw);
    if (top.text.length + text.length > limits.maxTextLength) fail('XML_TEXT_TOO_LONG', `text of <${top.qname}> exceeds ${limits.maxTextLength} characters`);
    top.text = top.text.length ? top.text + text : text;
  }

  function readName(): string {
    const start = pos;
    if (pos >= n) fail('XML_TRUNCATED', 'document ends inside a tag');
    if (!isNameStart(src.charCodeAt(pos))) fail('XML_MALFORMED', `bad name start "${src[pos]}"`);
    pos++;
    while (pos < n && isNameChar(src.charCodeAt(pos))) pos++;
    if (pos - start > 256) fail('XML_MALFORMED', 'name too long');
    return src.slice(start, pos);
  }
  function skipSpace() {
    while (pos < n) {
      const c = src.charCodeAt(pos);
      if (!isSpace(c)) break;
      if (c === 10) line++;
      pos++;
    }
  }
  function resolve(prefix: string, scope: Record<string, string>): string {
    const uri = scope[prefix];
    if (uri === undefined) {
      if (prefix === '') return '';
      fail('XML_UNBOUND_PREFIX', `namespace prefix "${prefix}" is not declared`);
    }
    return uri as string;
  }

  // XML declaration: optional, first thing; only UTF-8 is accepted.
  if (src.startsWith('<?xml') && isSpace(src.charCodeAt(5))) {
    const end = src.indexOf('?>');
    if (end < 0) fail('XML_TRUNCATED', 'unterminated XML declaration');
    const decl = src.slice(0, end);
    const enc = /encoding\s*=\s*["']([^"']+)["']/.exec(decl);
    if (enc && !/^utf-?8$/i.test(enc[1]!)) fail('XML_ENCODING', `encoding ${enc[1]} is not supported; send UTF-8`);
    countLines(0, end);
    pos = end + 2;
  }

  while (pos < n) {
    const lt = src.indexOf('<', pos);
    if (lt < 0) {
      appendText(src.slice(pos));
      countLines(pos, n);
      pos = n;
      break;
    }
    if (lt > pos) {
      const raw = src.slice(pos, lt);
      appendText(raw);
      countLines(pos, lt);
    }
    pos = lt + 1;
    const c = src.charCodeAt(pos);
    if (c === 47) {
      // </name>
      pos++;
      const qname = readName();
      skipSpace();
      if (src.charCodeAt(pos) !== 62) fail(pos >= n ? 'XML_TRUNCATED' : 'XML_MALFORMED', `bad end tag </${qname}`);
      pos++;
      const top = stack.pop();
      if (!top) fail('XML_MALFORMED', `end tag </${qname}> without a start tag`);
      if (top!.qname !== qname) fail('XML_MALFORMED', `end tag </${qname}> does not match <${top!.qname}>`);
      scopes.pop();
      continue;
    }
    if (c === 33) {
      // <!-- comment -->, <![CDATA[ ]]>, anything else (DOCTYPE, ENTITY …) is refused
      if (src.startsWith('!--', pos)) {
        const end = src.indexOf('-->', pos + 3);
        if (end < 0) fail('XML_TRUNCATED', 'unterminated comment');
        countLines(pos, end);
        pos = end + 3;
        continue;
      }
      if (src.startsWith('![CDATA[', pos)) {
        if (!stack.length) fail('XML_MALFORMED', 'CDATA outside the root element');
        const end = src.indexOf(']]>', pos + 8);
        if (end < 0) fail('XML_TRUNCATED', 'unterminated CDATA section');
        const text = src.slice(pos + 8, end);
        checkChars(text, line);
        const top = stack[stack.length - 1]!;
        if (top.text.length + text.length > limits.maxTextLength) fail('XML_TEXT_TOO_LONG', `text of <${top.qname}> exceeds ${limits.maxTextLength} characters`);
        top.text += text;
        countLines(pos, end);
        pos = end + 3;
        continue;
      }
      fail('XML_DTD_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted');
    }
    if (c === 63) {
      // Processing instruction: skipped (a second XML declaration is an error).
      if (src.startsWith('?xml', pos) && isSpace(src.charCodeAt(pos + 4))) fail('XML_MALFORMED', 'XML declaration not at the start');
      const end = src.indexOf('?>', pos);
      if (end < 0) fail('XML_TRUNCATED', 'unterminated processing instruction');
      countLines(pos, end);
      pos = end + 2;
      continue;
    }
    // Start tag.
    if (root && !stack.length) fail('XML_MALFORMED', 'more than one root element');
    if (stack.length >= limits.maxDepth) fail('XML_TOO_DEEP', `nesting deeper than ${limits.maxDepth}`);
    if (++elements > limits.maxElements) fail('XML_TOO_MANY_ELEMENTS', `more than ${limits.maxElements} elements`);
    const startLine = line;
    const qname = readName();
    let raw: { qname: string; value: string }[] | null = null;
    let selfClosing = false;
    for (;;) {
      const before = pos;
      skipSpace();
      if (pos >= n) fail('XML_TRUNCATED', `document ends inside <${qname}>`);
      const ch = src.charCodeAt(pos);
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
      checkChars(rawValue, line);
      countLines(pos, end);
      pos = end + 1;
      raw ??= [];
      if (raw.some((a) => a.qname === aname)) fail('XML_MALFORMED', `attribute ${aname} repeated on <${qname}>`);
      if (raw.length >= limits.maxAttributes) fail('XML_TOO_MANY_ATTRIBUTES', `<${qname}> has more than ${limits.maxAttributes} attributes`);
      // Attribute-value normalisation (XML 1.0 §3.3.3): white space characters become spaces.
      raw.push({ qname: aname, value: decodeEntities(rawValue.replace(/[\t\n\r]/g, ' ')) });
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
      if (decls) scope = Object.assign(Object.create(scope) as Record<string, string>, decls);
      for (const a of raw) {
        if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) continue;
        const colon = a.qname.indexOf(':');
        // Unprefixed attributes are in no namespace (Namespaces in XML §6.2).
        const ans = colon < 0 ? '' : resolve(a.qname.slice(0, colon), scope);
        (attrs ??= []).push({ ns: ans, name: colon < 0 ? a.qname : a.qname.slice(colon + 1), qname: a.qname, value: a.value });
      }
    }
    const colon = qname.indexOf(':');
    const node: XNode = {
      ns: resolve(colon < 0 ? '' : qname.slice(0, colon), scope),
      name: colon < 0 ? qname : qname.slice(colon + 1),
      qname, attrs, kids: null, text: '', decls, line: startLine,
    };
    const parent = stack[stack.length - 1];
    if (parent) (parent.kids ??= []).push(node);
    else root = node;
    if (!selfClosing) {
      stack.push(node);
      scopes.push(scope);
    }
  }
  if (stack.length) fail('XML_TRUNCATED', `document ends before </${stack[stack.length - 1]!.qname}>`);
  if (!root) fail('XML_NO_ROOT', 'no root element');
  return root!;
}

/** The text of an attribute in no namespace, or undefined. */
export function attr(node: XNode, name: string): string | undefined {
  if (!node.attrs) return undefined;
  for (const a of node.attrs) if (a.name === name && a.ns === '') return a.value;
  return undefined;
}
