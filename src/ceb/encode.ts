// Writes a message model as XML: namespace-qualified elements in exactly the XSD's order (so the
// import root puts ExtendMessage before Signature and the export root the reverse, as their XSDs
// say), exact text for every leaf.
import type { XmlFragment } from './fragment.js';
import { CEB_NS, DS_NS, rootDef } from './catalogue.js';
import { parseXml } from './xml/reader.js';
import type { Edition, ElementDef } from './schema/types.js';
import { escapeAttr, escapeText } from './xml/writer.js';

export interface WriteOptions {
  readonly edition?: Edition;
  /** Indent with tabs (the samples' layout); off by default for speed and exact round trips. */
  readonly pretty?: boolean;
  /** Include the <?xml … ?> declaration (default true). */
  readonly declaration?: boolean;
}

export class ModelError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'ModelError';
  }
}

/** A kept fragment is written verbatim, so it must be one well-formed element (or empty for Message). */
function checkFragment(xml: string, path: string, signature: boolean): void {
  if (xml === '' && !signature) return;
  let root;
  try {
    root = parseXml(xml);
  } catch (err) {
    throw new ModelError(path, `not one well-formed XML element: ${(err as Error).message}`);
  }
  if (signature && (root.ns !== DS_NS || root.name !== 'Signature')) throw new ModelError(path, 'not a ds:Signature element');
}

function leafText(v: unknown, path: string): string {
  if (typeof v === 'string') return v;
  // Numbers would already have passed through binary floating point; the model keeps text.
  throw new ModelError(path, `expected text, got ${v === null ? 'null' : typeof v}`);
}

// Start and end tags of a definition's children, built once per definition (one lookup per
// complex element rather than one per element).
const tags = new WeakMap<ElementDef, readonly (readonly [string, string])[]>();
function childTags(def: ElementDef): readonly (readonly [string, string])[] {
  let t = tags.get(def);
  if (!t) {
    t = (def.children ?? []).map((c) => [`<ceb:${c.name}>`, `</ceb:${c.name}>`] as const);
    tags.set(def, t);
  }
  return t;
}

interface Out {
  s: string;
}

function writeChildren(parts: Out, def: ElementDef, value: Record<string, unknown>, path: string, depth: number, pretty: boolean): void {
  const children = def.children ?? [];
  const t = childTags(def);
  for (let k = 0; k < children.length; k++) {
    const c = children[k]!;
    const v = value[c.name];
    if (v === undefined) continue;
    if (c.max > 1) {
      if (!Array.isArray(v)) throw new ModelError(`${path}/${c.name}`, 'expected a list');
      for (let i = 0; i < v.length; i++) writeElement(parts, c, t[k]!, v[i], path, c.name, i, depth, pretty);
    } else {
      if (Array.isArray(v)) throw new ModelError(`${path}/${c.name}`, 'expected one value, got a list');
      writeElement(parts, c, t[k]!, v, path, c.name, -1, depth, pretty);
    }
  }
}

// The element's path is built only when an error needs it (parent path, name, index or -1).
function writeElement(out: Out, def: ElementDef, tag: readonly [string, string], v: unknown, parentPath: string, name: string, index: number, depth: number, pretty: boolean): void {
  const indent = pretty ? '\n' + '\t'.repeat(depth) : '';
  const [open, close] = tag;
  const pathOf = () => (index < 0 ? `${parentPath}/${name}` : `${parentPath}/${name}/${index}`);
  if (def.signature || def.any) {
    const xml = (v as XmlFragment | undefined)?.xml;
    if (typeof xml !== 'string') throw new ModelError(pathOf(), 'expected {xml: "…"}');
    checkFragment(xml, pathOf(), def.signature === true);
    out.s += def.signature ? indent + xml : indent + open + xml + close;
    return;
  }
  if (def.simple) {
    if (typeof v !== 'string') leafText(v, pathOf());
    out.s += indent + open + escapeText(v as string) + close;
    return;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ModelError(pathOf(), 'expected an object');
  out.s += indent + open;
  writeChildren(out, def, v as Record<string, unknown>, pathOf(), depth + 1, pretty);
  out.s += indent + close;
}

export function encodeMessage(type: string, model: Record<string, unknown>, options: WriteOptions = {}): string {
  const def = rootDef(type, options.edition ?? '202205');
  if (!def) throw new ModelError('/', `unknown message type ${type}`);
  const pretty = options.pretty ?? false;
  const parts: Out = { s: '' };
  if (options.declaration !== false) parts.s += '<?xml version="1.0" encoding="UTF-8"?>' + (pretty ? '\n' : '');
  let attrs = '';
  for (const a of def.attrs ?? []) {
    const v = model[a.name];
    if (v !== undefined) attrs += ` ${a.name}="${escapeAttr(leafText(v, `/@${a.name}`))}"`;
  }
  parts.s += `<ceb:${type}${attrs} xmlns:ceb="${CEB_NS}">`;
  writeChildren(parts, def, model, '', 1, pretty);
  parts.s += pretty ? `\n</ceb:${type}>\n` : `</ceb:${type}>`;
  return parts.s;
}
