// The codec's public operations: read (parse + check), write, and check a model.
import { text } from '../kernel/i18n/index.js';
import { CEB_NS, messages, rootDef } from './catalogue.js';
import { decodeMessage, type CebIssue, type Model } from './decode.js';
import { encodeMessage, ModelError, type WriteOptions } from './encode.js';
import { fastRead } from './fast.js';
import type { Direction, Edition, ElementDef } from './schema/types.js';
import { DEFAULT_LIMITS, decodeUtf8, lineIndex, parseDocument, XmlError, type XmlLimits, type XNode } from './xml/reader.js';

export interface ReadOptions {
  readonly limits?: XmlLimits;
  /** Read known real-world defects with a warning (default true); false makes them errors. */
  readonly tolerant?: boolean;
  /** Read as this edition only, instead of detecting it. */
  readonly edition?: Edition;
}

export interface ReadResult {
  /** True when there are no errors (warnings allowed). */
  readonly valid: boolean;
  readonly messageType: string | undefined;
  readonly edition: Edition | undefined;
  readonly direction: Direction | undefined;
  readonly message: Model | undefined;
  readonly errors: readonly CebIssue[];
  readonly warnings: readonly CebIssue[];
}

const fail = (issue: CebIssue, messageType?: string): ReadResult => ({
  valid: false, messageType, edition: undefined, direction: undefined, message: undefined, errors: [issue], warnings: [],
});

function issue(code: string, rule: 'CEB_XML' | 'CEB_UNKNOWN_ROOT' | 'CEB_NAMESPACE', path: string, params: Record<string, string | number>, line?: number | undefined): CebIssue {
  return { code, rule, path, message: text(rule, { path, ...params }), ...(line ? { line } : {}) };
}

/** Reads a message from an already parsed tree (the DxpMsg unwrapper uses this). */
export function readTree(root: XNode, options: ReadOptions = {}, src?: string): ReadResult {
  const lines = src === undefined ? undefined : lineIndex(src);
  const lineOf = (pos: number) => lines?.(pos);
  const tolerant = options.tolerant ?? true;
  if (root.ns !== CEB_NS) return fail(issue('0002', 'CEB_NAMESPACE', '/', { ns: root.ns || '(none)', expected: CEB_NS }, lineOf(root.pos)));
  let type = root.name;
  const warnings: CebIssue[] = [];
  if (!messages.has(type) && tolerant && messages.has(`${type}Message`)) {
    // The official CEB214 sample names its root "CEB214".
    warnings.push({ code: 'CEB_DEFECT_ROOT', rule: 'CEB_DEFECT_ROOT', path: '/', message: text('CEB_DEFECT_ROOT', { found: type, expected: `${type}Message` }), ...(src ? { line: lineOf(root.pos)! } : {}) });
    type = `${type}Message`;
  }
  const info = messages.get(type);
  if (!info) return fail(issue('0002', 'CEB_UNKNOWN_ROOT', '/', { name: root.name }, lineOf(root.pos)));
  // Edition: the newest the message fits (a repaired known defect still fits); otherwise the one
  // with the fewest errors. A 2018 message whose structure 202205 kept is read as 202205.
  let best: { edition: Edition; out: ReturnType<typeof decodeMessage> } | undefined;
  const editions = options.edition ? info.editions.filter((e) => e === options.edition) : info.editions;
  if (!editions.length) return fail(issue('0002', 'CEB_UNKNOWN_ROOT', '/', { name: `${root.name} (${options.edition})` }, lineOf(root.pos)));
  for (const edition of editions) {
    const out = decodeMessage(root, type, edition, tolerant, src);
    if (!best || out.errors.length < best.out.errors.length) best = { edition, out };
    if (out.errors.length === 0) break;
  }
  const { edition, out } = best!;
  return {
    valid: out.errors.length === 0,
    messageType: type, edition, direction: info.direction,
    message: out.message,
    errors: out.errors,
    warnings: [...warnings, ...out.warnings],
  };
}

export function readMessage(input: string | Uint8Array, options: ReadOptions = {}): ReadResult {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const tolerant = options.tolerant ?? true;
  let doc: { root: XNode; src: string };
  try {
    const src = typeof input === 'string' ? input : decodeUtf8(input, limits);
    if (!options.edition || options.edition === '202205') {
      const fast = fastRead(src, tolerant, limits);
      if (fast) {
        const info = messages.get(fast.messageType)!;
        return {
          valid: true, messageType: fast.messageType, edition: '202205', direction: info.direction,
          message: fast.message, errors: fast.ctx.errors, warnings: fast.ctx.warnings,
        };
      }
    }
    doc = parseDocument(src, limits);
  } catch (err) {
    if (err instanceof XmlError) return fail(issue('0001', 'CEB_XML', '/', { detail: `${err.code}: ${err.detail}` }, err.line || undefined));
    throw err;
  }
  return readTree(doc.root, options, doc.src);
}

export function writeMessage(type: string, model: Model, options: WriteOptions = {}): string {
  return encodeMessage(type, model, options);
}

/**
 * Checks a model (the JSON form of a message) with exactly the rules used when reading XML:
 * it is written and read back. A model that cannot even be written (a number where text belongs)
 * is reported at its path.
 */
export function checkModel(type: string, model: Model, options: WriteOptions = {}): ReadResult {
  let xml: string;
  try {
    checkShape(type, model, options.edition ?? '202205');
    xml = encodeMessage(type, model, options);
  } catch (err) {
    if (err instanceof ModelError) {
      const rule = 'CEB_WRONG_MODEL' as const;
      return fail({ code: '0002', rule, path: err.path, message: text(rule, { path: err.path, detail: err.message }) }, type);
    }
    throw err;
  }
  return readMessage(xml, { tolerant: false, ...(options.edition ? { edition: options.edition } : {}) });
}

/** Properties the schema does not know would be dropped silently by the writer: refuse them. */
function checkShape(type: string, model: Model, edition: Edition): void {
  const def = rootDef(type, edition);
  if (!def) return;
  const visit = (d: ElementDef, v: unknown, path: string) => {
    if (!v || typeof v !== 'object' || d.simple || d.signature || d.any) return;
    const known = new Set([...(d.children ?? []).map((c) => c.name), ...(d.attrs ?? []).map((a) => a.name)]);
    for (const [k, x] of Object.entries(v as Model)) {
      if (!known.has(k)) throw new ModelError(`${path}/${k}`, `${d.name} has no field ${k}`);
      const c = d.children?.find((cd) => cd.name === k);
      if (c) (Array.isArray(x) ? x : [x]).forEach((item, i) => visit(c, item, Array.isArray(x) ? `${path}/${k}/${i}` : `${path}/${k}`));
    }
  };
  visit(def, model, '');
}

export type { CebIssue, Model };
