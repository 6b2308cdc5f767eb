// Test support: validate XML strings against the official customs (CEB) XSDs with libxml2-wasm.
//
// The XSDs live outside the repository (../shared/ref/ceb, see its README). Three things about
// them and libxml2-wasm shape this module:
//  * Their file names are Chinese, and libxml2 refuses to resolve a non-ASCII schemaLocation
//    against any base URL ("could not build an URI from the schemaLocation"). The 202205
//    transport XSD also xs:includes "终端节点报文.xsd", a file that exists only under its 2018 name.
//    So every XSD is read here, its schemaLocation attributes are rewritten to ASCII absolute
//    URLs of a private scheme, and the bytes are served from memory by one input provider.
//  * libxml2 keeps input providers in a small global table (9 free slots in libxml2-wasm 0.7.2)
//    that can only be cleared as a whole. When vitest shares a process between test files
//    (--isolate=false), libxml2-wasm is loaded once while this module is re-evaluated per file;
//    the provider and the compiled schemas are therefore kept on globalThis, keyed by the
//    libxml2-wasm instance, and registered once.
//  * Every XmlDocument is disposed here; compiled XsdValidators live for the worker's lifetime
//    (disposeXsdCache() frees them).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  closeBuffer,
  openBuffer,
  ParseOption,
  readBuffer,
  XmlDocument,
  XmlLibError,
  xmlRegisterInputProvider,
  XsdValidator,
} from 'libxml2-wasm';
import type { ErrorDetail, XmlInputProvider } from 'libxml2-wasm';

export type XsdKind = 'import' | 'export' | 'dxp' | 'dxpsv';
export type Edition = '202205' | '2018';
export interface XsdResult {
  valid: boolean;
  /** `line N: <libxml2 message>` (plus `, col C` when libxml2 knows the column). */
  errors: string[];
}

export const XSD_KINDS: readonly XsdKind[] = ['import', 'export', 'dxp', 'dxpsv'];
export const EDITIONS: readonly Edition[] = ['202205', '2018'];

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../..');
}

/** The shared reference tree: `<project root>/../shared/ref/ceb`. */
export const REF_DIR: string = resolve(projectRoot(), '../shared/ref/ceb');

const EDITION_DIR: Record<Edition, string> = { '202205': 'official-202205', '2018': 'official-2018' };
const XSD_FILES: Record<Edition, Record<XsdKind | 'xmldsig', string>> = {
  '202205': {
    import: '海关跨境进口业务节点报文定义202205.xsd',
    export: '海关跨境出口业务节点报文定义202205.xsd',
    dxp: '海关跨境终端节点报文定义202205.xsd',
    dxpsv: '海关跨境传输节点报文定义202205.xsd',
    xmldsig: 'xmldsig-core-schema.xsd',
  },
  '2018': {
    import: '进口业务节点报文.xsd',
    export: '出口业务节点报文.xsd',
    dxp: '终端节点报文.xsd',
    dxpsv: '传输节点报文.xsd',
    xmldsig: 'xmldsig-core-schema.xsd',
  },
};
/** schemaLocation values found inside the XSDs that do not match a file name of their edition. */
const LOCATION_ALIASES: Record<string, XsdKind | 'xmldsig'> = { '终端节点报文.xsd': 'dxp' };

export function xsdDir(edition: Edition): string {
  return join(REF_DIR, EDITION_DIR[edition], 'xsd');
}
export function samplesDir(edition: Edition): string {
  return join(REF_DIR, EDITION_DIR[edition], 'samples');
}
export function xsdPath(kind: XsdKind, edition: Edition = '202205'): string {
  return join(xsdDir(edition), XSD_FILES[edition][kind]);
}

/** True when every XSD of both editions is readable. */
export const refAvailable: boolean = EDITIONS.every((e) =>
  Object.values(XSD_FILES[e]).every((f) => existsSync(join(xsdDir(e), f))),
);

// ---------------------------------------------------------------------------------------------
// Shared state (one per libxml2-wasm instance, see the header comment).

const SCHEME = 'silkgate-xsd:///';
const virtualUrl = (edition: Edition, kind: XsdKind | 'xmldsig'): string => `${SCHEME}${edition}/${kind}.xsd`;

interface SharedState {
  buffers: Map<string, Uint8Array>;
  validators: Map<string, XsdValidator>;
  roots: Map<Edition, Map<string, XsdKind>>;
}
const STATE_KEY = Symbol.for('silkgate.test.xsd-support');
type StateHolder = { [STATE_KEY]?: WeakMap<object, SharedState> };

function state(): SharedState {
  const holder = globalThis as StateHolder;
  const byInstance = (holder[STATE_KEY] ??= new WeakMap());
  let s = byInstance.get(xmlRegisterInputProvider);
  if (!s) {
    const created: SharedState = { buffers: new Map(), validators: new Map(), roots: new Map() };
    const provider: XmlInputProvider = {
      match: (name) => created.buffers.has(name),
      open: (name) => {
        const buf = created.buffers.get(name);
        return buf ? openBuffer(buf) : undefined;
      },
      read: (fd, buf) => readBuffer(fd, buf),
      close: (fd) => {
        closeBuffer(fd);
        return true;
      },
    };
    if (!xmlRegisterInputProvider(provider)) {
      throw new Error('libxml2-wasm: input provider table is full, cannot register the XSD provider');
    }
    byInstance.set(xmlRegisterInputProvider, created);
    s = created;
  }
  return s;
}

/** Reads the XSDs of an edition into the provider, with schemaLocations rewritten to virtual URLs. */
function loadEdition(s: SharedState, edition: Edition): void {
  if (s.buffers.has(virtualUrl(edition, 'xmldsig'))) return;
  if (!refAvailable) throw new Error(`customs reference XSDs not found under ${REF_DIR}`);
  const files = XSD_FILES[edition];
  const byFile = new Map<string, XsdKind | 'xmldsig'>();
  for (const [kind, file] of Object.entries(files)) byFile.set(file, kind as XsdKind | 'xmldsig');
  const loaded = new Map<string, Uint8Array>();
  for (const [kind, file] of Object.entries(files)) {
    const text = readFileSync(join(xsdDir(edition), file), 'utf8').replace(
      /schemaLocation\s*=\s*(["'])([^"']*)\1/g,
      (_m, _q: string, loc: string) => {
        const target = byFile.get(loc) ?? LOCATION_ALIASES[loc];
        if (!target) throw new Error(`${file}: unknown schemaLocation "${loc}"`);
        return `schemaLocation="${virtualUrl(edition, target)}"`;
      },
    );
    loaded.set(virtualUrl(edition, kind as XsdKind | 'xmldsig'), new TextEncoder().encode(text));
  }
  for (const [url, buf] of loaded) s.buffers.set(url, buf);
}

function parseSchemaDoc(s: SharedState, kind: XsdKind, edition: Edition): XmlDocument {
  loadEdition(s, edition);
  const url = virtualUrl(edition, kind);
  const buf = s.buffers.get(url);
  if (!buf) throw new Error(`no XSD buffer for ${url}`);
  return XmlDocument.fromBuffer(buf, { url });
}

function validatorFor(kind: XsdKind, edition: Edition): XsdValidator {
  const s = state();
  const key = `${edition}/${kind}`;
  let v = s.validators.get(key);
  if (!v) {
    const doc = parseSchemaDoc(s, kind, edition);
    try {
      v = XsdValidator.fromDoc(doc);
    } catch (err) {
      const msg = err instanceof XmlLibError ? formatDetails(err.details).join('\n') : String(err);
      throw new Error(`cannot compile ${XSD_FILES[edition][kind]} (${edition}): ${msg}`);
    } finally {
      doc.dispose();
    }
    s.validators.set(key, v);
  }
  return v;
}

/** Compiles (and caches) a schema now, e.g. in beforeAll, so the first test is not charged for it. */
export function precompileXsd(kind: XsdKind, edition: Edition = '202205'): void {
  validatorFor(kind, edition);
}

/** Frees the compiled schemas of this worker. */
export function disposeXsdCache(): void {
  const s = state();
  for (const v of s.validators.values()) v.dispose();
  s.validators.clear();
}

// ---------------------------------------------------------------------------------------------
// Validation.

function formatDetails(details: readonly ErrorDetail[]): string[] {
  return details.map((d) => `line ${d.line}${d.col > 0 ? `, col ${d.col}` : ''}: ${d.message.trim()}`);
}

// The string is already decoded: ignore the declared encoding; never touch the network or
// external entities; keep line numbers above 65535 exact.
const PARSE_OPTIONS =
  ParseOption.XML_PARSE_IGNORE_ENC | ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES;

function parseMessage(xml: string): XmlDocument | XsdResult {
  try {
    return XmlDocument.fromString(xml, { option: PARSE_OPTIONS });
  } catch (err) {
    if (err instanceof XmlLibError) {
      const errors = formatDetails(err.details);
      return { valid: false, errors: errors.length > 0 ? errors : [`not well-formed: ${err.message}`] };
    }
    throw err;
  }
}

function validateDoc(doc: XmlDocument, kind: XsdKind, edition: Edition): XsdResult {
  const validator = validatorFor(kind, edition);
  try {
    validator.validate(doc);
    return { valid: true, errors: [] };
  } catch (err) {
    if (err instanceof XmlLibError) {
      const errors = formatDetails(err.details);
      return { valid: false, errors: errors.length > 0 ? errors : [err.message] };
    }
    throw err;
  }
}

/**
 * Validates an XML string against one official XSD. A document that is not well-formed is
 * reported as invalid (with the parser's messages), never thrown.
 */
export function validateXml(xml: string, kind: XsdKind, edition: Edition = '202205'): XsdResult {
  validatorFor(kind, edition); // compile errors surface before parsing
  const doc = parseMessage(xml);
  if (!(doc instanceof XmlDocument)) return doc;
  try {
    return validateDoc(doc, kind, edition);
  } finally {
    doc.dispose();
  }
}

/** Global element names declared directly by one XSD (its own xs:schema/xs:element, not includes). */
export function rootElementsOf(kind: XsdKind, edition: Edition = '202205'): string[] {
  const doc = parseSchemaDoc(state(), kind, edition);
  try {
    return doc
      .find('/xs:schema/xs:element/@name', { xs: 'http://www.w3.org/2001/XMLSchema' })
      .map((n) => n.content);
  } finally {
    doc.dispose();
  }
}

/** Global elements that can be the root of a message: the CEB messages and the DXP envelopes. */
const MESSAGE_ROOT = /^(CEB\d{3}Message|Dxp\w+)$/;

/**
 * The XSD that declares a message root (local name or prefixed, e.g. `CEB311Message`, `DxpMsg`),
 * read from the XSDs themselves; undefined when no XSD of that edition declares it. Only message
 * roots are mapped: building blocks such as `OrderHead` or `BaseTransfer` are global elements of
 * both business XSDs.
 */
export function kindForRoot(rootName: string, edition: Edition = '202205'): XsdKind | undefined {
  const s = state();
  let map = s.roots.get(edition);
  if (!map) {
    map = new Map();
    for (const kind of XSD_KINDS) {
      for (const name of rootElementsOf(kind, edition)) {
        if (MESSAGE_ROOT.test(name) && !map.has(name)) map.set(name, kind);
      }
    }
    s.roots.set(edition, map);
  }
  const local = rootName.includes(':') ? rootName.slice(rootName.indexOf(':') + 1) : rootName;
  return map.get(local);
}

/** Validates a message against the XSD that declares its root element. */
export function validateMessage(xml: string, edition: Edition = '202205'): XsdResult & { kind?: XsdKind } {
  const doc = parseMessage(xml);
  if (!(doc instanceof XmlDocument)) return doc;
  try {
    const root = doc.root.name;
    const kind = kindForRoot(root, edition);
    if (!kind) {
      return {
        valid: false,
        errors: [`line ${doc.root.line}: no ${edition} customs XSD declares the root element '${root}'`],
      };
    }
    return { ...validateDoc(doc, kind, edition), kind };
  } finally {
    doc.dispose();
  }
}
