import { describe, expect, it } from 'vitest';
import { XmlError } from '../ceb/xml/reader.js';
import { canonicalDocument, canonicalElement, childElement, parseForC14n } from './c14n.js';

const c14n = (xml: string) => canonicalDocument(parseForC14n(xml));

describe('Canonical XML 1.0 without comments', () => {
  it('drops the XML declaration and comments, keeps PIs with their line breaks outside the root', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\r\n<?pi-a one?>\n<!-- gone -->\n<a><!--x-->b<?pi-b  two  ?></a>\n<?pi-c?>\n';
    expect(c14n(xml)).toBe('<?pi-a one?>\n<a>b<?pi-b two  ?></a>\n<?pi-c?>');
  });

  it('writes empty elements as start and end tags, attributes sorted by namespace then name', () => {
    const xml = '<r xmlns:b="urn:b" xmlns:a="urn:a"><e z="1" b:y="2" a:y="3" a="4"/></r>';
    // Unqualified attributes first; then by namespace URI (urn:a before urn:b), not by prefix.
    expect(c14n(xml)).toBe('<r xmlns:a="urn:a" xmlns:b="urn:b"><e a="4" z="1" a:y="3" b:y="2"></e></r>');
  });

  it('escapes text and attribute values the canonical way and normalises line ends', () => {
    const xml = '<r a="x&#9;y&#xA;z&#xD;&quot;&lt;&amp;&gt;\'" b="tab\there">1 &lt; 2 &amp;&amp; 3 &gt; 2&#xD;\r\n<![CDATA[<raw> & ]]></r>';
    expect(c14n(xml)).toBe('<r a="x&#x9;y&#xA;z&#xD;&quot;&lt;&amp;>\'" b="tab here">1 &lt; 2 &amp;&amp; 3 &gt; 2&#xD;\n&lt;raw&gt; &amp; </r>');
  });

  it('drops superfluous namespace declarations and keeps needed undeclarations', () => {
    const xml = '<a xmlns="urn:d" xmlns:p="urn:p"><b xmlns:p="urn:p"><c xmlns=""><d xmlns=""/></c></b><e xmlns:p="urn:other"/></a>';
    expect(c14n(xml)).toBe('<a xmlns="urn:d" xmlns:p="urn:p"><b><c xmlns=""><d></d></c></b><e xmlns:p="urn:other"></e></a>');
  });

  it('keeps white space between elements exactly', () => {
    const xml = '<a>\n\t<b> x </b>\n  <c/>\n</a>';
    expect(c14n(xml)).toBe('<a>\n\t<b> x </b>\n  <c></c>\n</a>');
  });

  it('renders a subset apex with every namespace and xml:* attribute in scope', () => {
    const xml = '<ceb:M xmlns:ceb="urn:ceb" xmlns:xsi="urn:xsi" xml:lang="zh"><ds:S xmlns:ds="urn:ds"><ds:I><ds:X a="1"/></ds:I></ds:S></ceb:M>';
    const doc = parseForC14n(xml);
    const info = childElement(childElement(doc.root, 'urn:ds', 'S')!, 'urn:ds', 'I')!;
    expect(canonicalElement(info)).toBe('<ds:I xmlns:ceb="urn:ceb" xmlns:ds="urn:ds" xmlns:xsi="urn:xsi" xml:lang="zh"><ds:X a="1"></ds:X></ds:I>');
  });

  it('leaves out an excluded element but keeps the white space around it', () => {
    const doc = parseForC14n('<a>\n<b/>\n<s><t/></s>\n</a>');
    const s = childElement(doc.root, '', 's')!;
    expect(canonicalDocument(doc, s)).toBe('<a>\n<b></b>\n\n</a>');
  });

  it('reads UTF-8 bytes and keeps non-ASCII text as characters', () => {
    expect(c14n('\uFEFF<a t="杭州">义乌　小商品</a>')).toBe('<a t="杭州">义乌　小商品</a>');
    expect(canonicalDocument(parseForC14n(Buffer.from('<a>金华</a>', 'utf8')))).toBe('<a>金华</a>');
  });

  it('does not write the xml namespace, and orders by code point (not UTF-16 unit) beyond U+FFFF', () => {
    expect(c14n('<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="zh"/>')).toBe('<a xml:lang="zh"></a>');
    // U+FFFD sorts before U+1F600 by code point; UTF-16 would put the surrogate pair first.
    expect(c14n('<r xmlns:a="urn:\u{1F600}" xmlns:b="urn:\uFFFD" a:x="1" b:x="2"/>')).toBe('<r xmlns:a="urn:\u{1F600}" xmlns:b="urn:\uFFFD" b:x="2" a:x="1"></r>');
  });

  it('caps namespace declarations, so a crafted message cannot make canonicalisation quadratic', () => {
    const leaves = Array.from({ length: 2000 }, (_, i) => `<x xmlns:p${i}="urn:${i}"/>`).join('');
    expect(() => parseForC14n(`<a>${leaves}</a>`)).toThrow(expect.objectContaining({ code: 'XML_TOO_MANY_ATTRIBUTES' }));
    // Below the cap, deep inherited scopes cost per declaration, not per element times scope.
    const deep = Array.from({ length: 25 }, (_, d) => `<n${d} ${Array.from({ length: 30 }, (_, i) => `xmlns:q${d}_${i}="urn:${d}:${i}"`).join(' ')}>`).join('');
    const close = Array.from({ length: 25 }, (_, d) => `</n${24 - d}>`).join('');
    const doc = parseForC14n(`<a>${deep}${'<leaf/>'.repeat(20000)}${close}</a>`);
    expect(canonicalDocument(doc).length).toBeGreaterThan(20000 * 13);
  });

  it.each([
    ['xmlns bound as a prefix', '<a xmlns:xmlns="urn:x"/>', 'XML_MALFORMED'],
    ['xml bound elsewhere', '<a xmlns:xml="urn:x"/>', 'XML_MALFORMED'],
    ['another prefix bound to the xml namespace', '<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>', 'XML_MALFORMED'],
    ['a lone surrogate in a string', '<a>\uD800</a>', 'XML_ENCODING'],
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'XML_DTD_FORBIDDEN'],
    ['an undeclared entity', '<a>&x;</a>', 'XML_MALFORMED'],
    ['mismatched tags', '<a><b></a></b>', 'XML_MALFORMED'],
    ['an unbound prefix', '<p:a/>', 'XML_UNBOUND_PREFIX'],
    ['a truncated document', '<a><b>', 'XML_TRUNCATED'],
    ['content after the root', '<a/><b/>', 'XML_MALFORMED'],
    ['a duplicate attribute', '<a x="1" x="2"/>', 'XML_MALFORMED'],
    ['the same expanded attribute twice', '<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>', 'XML_MALFORMED'],
    ['a control character', '<a>\u0001</a>', 'XML_ENCODING'],
    ['too deep', '<a>'.repeat(40) + '</a>'.repeat(40), 'XML_TOO_DEEP'],
  ])('refuses %s', (_what, xml, code) => {
    let err: unknown;
    try {
      parseForC14n(xml);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(XmlError);
    expect((err as XmlError).code).toBe(code);
  });
});
