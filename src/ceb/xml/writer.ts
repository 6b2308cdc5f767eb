// XML text output: escaping, and self-contained serialisation of kept fragments.
import { isXmlBlank, type XNode } from './reader.js';

const TEXT_ESC = /[&<>\r]/g;
const ATTR_ESC = /[&<>"\t\n\r]/g;
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\t': '&#9;', '\n': '&#10;' };

export const escapeText = (s: string): string => (/[&<>\r]/.test(s) ? s.replace(TEXT_ESC, (c) => ESC[c]!) : s);
export const escapeAttr = (s: string): string => (/[&<>"\t\n\r]/.test(s) ? s.replace(ATTR_ESC, (c) => ESC[c]!) : s);

/**
 * Writes a subtree as XML that stands on its own: every prefix it uses is declared inside it (on
 * the element where it is first needed), whatever ancestor declared it in the source.
 */
export function serializeFragment(node: XNode, scope: Record<string, string> = {}): string {
  const local: Record<string, string> = Object.create(scope) as Record<string, string>;
  const prefixOf = (qname: string) => {
    const c = qname.indexOf(':');
    return c < 0 ? '' : qname.slice(0, c);
  };
  let decls = '';
  const need = (prefix: string, ns: string) => {
    if (local[prefix] !== ns && !(prefix === '' && ns === '' && local[''] === undefined)) {
      local[prefix] = ns;
      decls += prefix ? ` xmlns:${prefix}="${escapeAttr(ns)}"` : ` xmlns="${escapeAttr(ns)}"`;
    }
  };
  need(prefixOf(node.qname), node.ns);
  let attrs = '';
  for (const a of node.attrs ?? []) {
    const p = prefixOf(a.qname);
    if (p && p !== 'xml') need(p, a.ns);
    attrs += ` ${a.qname}="${escapeAttr(a.value)}"`;
  }
  const inner = escapeText(isXmlBlank(node.text) && node.kids ? '' : node.text) + (node.kids ?? []).map((k) => serializeFragment(k, local)).join('');
  return `<${node.qname}${decls}${attrs}>${inner}</${node.qname}>`;
}
