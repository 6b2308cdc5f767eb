// Hostile input to the customs message codec: every malformed, malicious or oversized document
// must come back as valid=false with one clear error (never an exception, never a hang), and a
// bounded fuzz run over mutated official samples checks the same invariants at random.
//
// The sample-based parts need the official samples under ../shared/ref/ceb (see
// test/support/xsd.ts); without them they are skipped and the synthetic cases still run.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XmlDocument, ParseOption } from 'libxml2-wasm';
import { readMessage, type ReadResult, type ReadOptions } from '../src/ceb/codec.js';
import { MAX_ISSUES } from '../src/ceb/decode.js';
import { DEFAULT_LIMITS, parseXml, XmlError, type XmlLimits } from '../src/ceb/xml/reader.js';
import { refAvailable, samplesDir } from './support/xsd.js';

const NS = 'http://www.chinaport.gov.cn/ceb';
const enc = new TextEncoder();

// A small, complete, valid CEB312Message (order receipt), so the synthetic cases need no samples.
const MIN = `<?xml version="1.0" encoding="UTF-8"?>
<CEB312Message xmlns="${NS}" guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94" version="1.0">
  <OrderReturn>
    <guid>4CDE1CFD-EDED-46B1-946C-B8022E42FC94</guid>
    <ebpCode>1105910159</ebpCode>
    <ebcCode>1105910159</ebcCode>
    <orderNo>order20160321116420545</orderNo>
    <returnStatus>2</returnStatus>
    <returnTime>20160428182238000</returnTime>
    <returnInfo>新增申报成功</returnInfo>
  </OrderReturn>
</CEB312Message>
`;
const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
/** MIN with its returnInfo text replaced (raw XML, not escaped). */
const withInfo = (raw: string) => MIN.replace('新增申报成功', raw);
/** MIN with raw XML inserted right after the <OrderReturn> start tag. */
const inOrderReturn = (raw: string) => MIN.replace('<OrderReturn>', `<OrderReturn>${raw}`);
/** MIN with the root's version attribute (the last one of its start tag) replaced by raw text. */
const rootAttr = (raw: string) => MIN.replace('version="1.0">', `${raw}>`);
/** MIN with raw attribute text on the first <OrderReturn>. */
const childAttr = (raw: string) => MIN.replace('<OrderReturn>', `<OrderReturn ${raw}>`);
const limits = (over: Partial<XmlLimits>): XmlLimits => ({ ...DEFAULT_LIMITS, ...over });

// ---------------------------------------------------------------------------------------------
// Helpers

/** readMessage, failing the test (instead of propagating) if it throws. */
function read(input: string | Uint8Array, options?: ReadOptions): ReadResult {
  let result: ReadResult | undefined;
  let thrown: unknown;
  try {
    result = readMessage(input, options);
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `readMessage threw: ${String(thrown)}`).toBeUndefined();
  return result!;
}

/** The reader's error code for input, or 'OK' when it parses. Anything but XmlError is re-thrown. */
function readerCode(input: string | Uint8Array, lim?: XmlLimits): string {
  try {
    parseXml(input, lim);
    return 'OK';
  } catch (err) {
    if (err instanceof XmlError) return err.code;
    throw err;
  }
}

/** Every issue names its code, rule and path and has words in both locales, with no unfilled placeholder. */
function expectClearIssues(issues: ReadResult['errors']): void {
  for (const e of issues) {
    expect(typeof e.code === 'string' && e.code.length > 0, `code of ${JSON.stringify(e)}`).toBe(true);
    expect(typeof e.rule === 'string' && e.rule.length > 0, `rule of ${JSON.stringify(e)}`).toBe(true);
    expect(typeof e.path === 'string' && e.path.length > 0, `path of ${JSON.stringify(e)}`).toBe(true);
    for (const locale of ['zh-CN', 'en'] as const) {
      const words = e.message[locale];
      expect(typeof words === 'string' && words.trim().length > 0, `${locale} message of ${JSON.stringify(e)}`).toBe(true);
      expect(words, `unfilled placeholder in ${JSON.stringify(e)}`).not.toMatch(/\{(path|detail|name|ns|found|expected|value|rule)\}/);
    }
    if (e.line !== undefined) expect(Number.isInteger(e.line) && e.line >= 1).toBe(true);
  }
}

/** valid=false with exactly one error: code 0001, rule CEB_XML, the reader's code in both languages. */
function expectXmlError(input: string | Uint8Array, code: string, options?: ReadOptions): ReadResult {
  const r = read(input, options);
  expect(r.valid).toBe(false);
  expect(r.message).toBeUndefined();
  expect(r.errors, JSON.stringify(r.errors)).toHaveLength(1);
  const e = r.errors[0]!;
  expect(e.code).toBe('0001');
  expect(e.rule).toBe('CEB_XML');
  expect(e.path).toBe('/');
  expect(e.message.en).toContain(code);
  expect(e.message['zh-CN']).toContain(code);
  expectClearIssues(r.errors);
  // The low-level reader agrees, and throws its typed error rather than anything else.
  expect(readerCode(input, options?.limits)).toBe(code);
  return r;
}

/** valid=false at the schema level (0002) with an error of the given rule. */
function expectSchemaError(input: string | Uint8Array, rule: string, options?: ReadOptions): ReadResult {
  const r = read(input, options);
  expect(r.valid).toBe(false);
  expect(r.errors.length).toBeGreaterThan(0);
  const hit = r.errors.find((e) => e.rule === rule);
  expect(hit, `no ${rule} in ${JSON.stringify(r.errors)}`).toBeDefined();
  expect(hit!.code).toBe('0002');
  expectClearIssues(r.errors);
  expect(readerCode(input, options?.limits)).toBe('OK');
  return r;
}

// ---------------------------------------------------------------------------------------------
// Official samples (optional)

interface Sample { file: string; text: string; bytes: Uint8Array }

function loadSamples(): Sample[] {
  if (!refAvailable) return [];
  const out: Sample[] = [];
  for (const kind of ['import', 'export'] as const) {
    const dir = join(samplesDir('202205'), kind);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml')).sort()) {
      const bytes = new Uint8Array(readFileSync(join(dir, file)));
      out.push({ file: `${kind}/${file}`, text: new TextDecoder().decode(bytes), bytes });
    }
  }
  return out;
}
const SAMPLES = loadSamples();
const haveSamples = SAMPLES.length > 0;
const validSamples = SAMPLES.filter((s) => readMessage(s.bytes).valid);

// ---------------------------------------------------------------------------------------------

describe('the self-contained message used below', () => {
  it('is valid, so the errors below come from the hostile part alone', () => {
    const r = read(MIN);
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.messageType).toBe('CEB312Message');
  });
});

describe('DTDs and entities are refused before anything is expanded or fetched', () => {
  it('refuses a DOCTYPE with an internal subset', () => {
    expectXmlError(`${DECL}<!DOCTYPE CEB312Message [<!ELEMENT CEB312Message ANY>]>${MIN.slice(DECL.length)}`, 'XML_DTD_FORBIDDEN');
    expectXmlError(`<!DOCTYPE a [ <!ATTLIST a b CDATA "x"> ]><a/>`, 'XML_DTD_FORBIDDEN');
  });

  it('refuses a DOCTYPE without a subset too', () => {
    expectXmlError(`${DECL}<!DOCTYPE CEB312Message>${MIN.slice(DECL.length)}`, 'XML_DTD_FORBIDDEN');
  });

  it('refuses "billion laughs" at once, without expanding anything', () => {
    const lines = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) lines.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const bomb = `${DECL}\n<!DOCTYPE lolz [\n ${lines.join('\n ')}\n]>\n<lolz>&lol9;</lolz>`;
    const r = expectXmlError(bomb, 'XML_DTD_FORBIDDEN');
    expect(JSON.stringify(r).length).toBeLessThan(2000);
    expect(JSON.stringify(r)).not.toContain('lollol');
  });

  it('refuses an external entity (XXE) and leaks nothing of the file', () => {
    const xxe = `${DECL}\n<!DOCTYPE CEB312Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${MIN.slice(DECL.length).replace('新增申报成功', '&xxe;')}`;
    const r = expectXmlError(xxe, 'XML_DTD_FORBIDDEN');
    const out = JSON.stringify(r);
    expect(out).not.toMatch(/root:|\/bin\/(ba)?sh|nologin/);
    if (existsSync('/etc/passwd')) {
      const firstLine = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;
      if (firstLine) expect(out).not.toContain(firstLine);
    }
    // The same with the bytes, and with an external DTD instead of an entity.
    expectXmlError(enc.encode(xxe), 'XML_DTD_FORBIDDEN');
    expectXmlError(`${DECL}<!DOCTYPE CEB312Message SYSTEM "file:///etc/passwd">${MIN.slice(DECL.length)}`, 'XML_DTD_FORBIDDEN');
    expectXmlError(`<!DOCTYPE a PUBLIC "-//X//Y" "http://127.0.0.1:1/x.dtd"><a/>`, 'XML_DTD_FORBIDDEN');
  });

  it('refuses a parameter entity', () => {
    expectXmlError(`${DECL}<!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><a/>`, 'XML_DTD_FORBIDDEN');
    expectXmlError(`<!DOCTYPE a [<!ENTITY % p "<!ENTITY e 'x'>"> %p;]><a>&e;</a>`, 'XML_DTD_FORBIDDEN');
  });

  it('refuses an entity declaration anywhere, even inside the root', () => {
    expectXmlError(inOrderReturn('<!ENTITY e "x">'), 'XML_DTD_FORBIDDEN');
    expectXmlError(inOrderReturn('<!DOCTYPE x>'), 'XML_DTD_FORBIDDEN');
  });

  it('reports an undeclared entity reference, naming it', () => {
    const r = expectXmlError(withInfo('a &foo; b'), 'XML_MALFORMED');
    expect(r.errors[0]!.message.en).toContain('&foo;');
    expectXmlError(withInfo('&xxe;'), 'XML_MALFORMED');
    expectXmlError(MIN.replace('version="1.0">', 'version="&foo;">'), 'XML_MALFORMED');
  });

  it('accepts the five predefined entities and character references, and nothing else', () => {
    const r = read(withInfo('&lt;&gt;&amp;&quot;&apos;&#20013;&#x6587;'));
    expect(r.valid).toBe(true);
    expect(JSON.stringify(r.message)).toContain(`<>&\\"'中文`);
    expectXmlError(withInfo('&#0;'), 'XML_MALFORMED');
    expectXmlError(withInfo('&#x1;'), 'XML_MALFORMED');
    expectXmlError(withInfo('&#xD800;'), 'XML_MALFORMED');
    expectXmlError(withInfo('&#x110000;'), 'XML_MALFORMED');
    expectXmlError(withInfo('&#xFFFF;'), 'XML_MALFORMED');
    expectXmlError(withInfo('&#;'), 'XML_MALFORMED');
    expectXmlError(withInfo('&#x;'), 'XML_MALFORMED');
    expectXmlError(withInfo('&#12a;'), 'XML_MALFORMED');
    expectXmlError(withInfo('&amp'), 'XML_MALFORMED');
    expectXmlError(withInfo('a & b'), 'XML_MALFORMED');
  });
});

describe('limits', () => {
  it('refuses a document over a configured maxBytes, as text and as bytes', () => {
    const lim = limits({ maxBytes: 256 });
    expect(MIN.length).toBeGreaterThan(256);
    expectXmlError(MIN, 'XML_TOO_LARGE', { limits: lim });
    expectXmlError(enc.encode(MIN), 'XML_TOO_LARGE', { limits: lim });
    // Exactly at the limit is fine (as far as size goes).
    const small = `<a>${'x'.repeat(249)}</a>`;
    expect(small.length).toBe(256);
    expect(readerCode(small, lim)).toBe('OK');
    expect(readerCode(small + ' ', lim)).toBe('XML_TOO_LARGE');
  });

  it('refuses 10,000 nested elements without overflowing the stack', () => {
    const deep = `${DECL}<CEB312Message xmlns="${NS}">${'<OrderReturn>'.repeat(10_000)}${'</OrderReturn>'.repeat(10_000)}</CEB312Message>`;
    expectXmlError(deep, 'XML_TOO_DEEP');
    // Unclosed too: the depth limit is hit before the end of the document is noticed.
    expectXmlError('<a>'.repeat(10_000), 'XML_TOO_DEEP');
    // A small configured depth (the fast path's disregard of it is a known defect, below).
    expectXmlError('<a><b><c/></b></a>', 'XML_TOO_DEEP', { limits: limits({ maxDepth: 2 }) });
    expect(readerCode('<a><b/></a>', limits({ maxDepth: 2 }))).toBe('OK');
  });

  it('does not overflow the stack even when a caller allows very deep nesting', () => {
    const lim = limits({ maxDepth: 1_000_000 });
    const deep = `<CEB312Message xmlns="${NS}">${'<OrderReturn>'.repeat(50_000)}${'</OrderReturn>'.repeat(50_000)}</CEB312Message>`;
    const r = read(deep, { limits: lim });
    expect(r.valid).toBe(false);
    expect(r.errors.length).toBeGreaterThan(0);
    expectClearIssues(r.errors);
  });

  it('refuses too many attributes', () => {
    const attrs = (k: number) => Array.from({ length: k }, (_, i) => ` a${i}="${i}"`).join('');
    expectXmlError(rootAttr(`version="1.0"${attrs(DEFAULT_LIMITS.maxAttributes)}`), 'XML_TOO_MANY_ATTRIBUTES');
    // 100,000 attributes: refused at the limit, not after reading them all.
    expectXmlError(`<a${attrs(100_000)}/>`, 'XML_TOO_MANY_ATTRIBUTES');
    expectXmlError(`<a${attrs(5)}/>`, 'XML_TOO_MANY_ATTRIBUTES', { limits: limits({ maxAttributes: 4 }) });
  });

  it('refuses text longer than a configured maxTextLength, however it is split', () => {
    const lim = { limits: limits({ maxTextLength: 100 }) };
    expectXmlError(withInfo('x'.repeat(101)), 'XML_TEXT_TOO_LONG', lim);
    expectXmlError(withInfo(`<![CDATA[${'x'.repeat(101)}]]>`), 'XML_TEXT_TOO_LONG', lim);
    expectXmlError(withInfo(`${'x'.repeat(60)}<!-- split -->${'x'.repeat(60)}`), 'XML_TEXT_TOO_LONG', lim);
    expectXmlError(withInfo(`${'x'.repeat(60)}<![CDATA[${'y'.repeat(60)}]]>`), 'XML_TEXT_TOO_LONG', lim);
    expectXmlError(withInfo('&amp;'.repeat(101)), 'XML_TEXT_TOO_LONG', lim);
    expect(readerCode(withInfo('x'.repeat(100)), lim.limits)).toBe('OK');
  });

  it('refuses more elements than a configured maxElements', () => {
    expectXmlError(MIN, 'XML_TOO_MANY_ELEMENTS', { limits: limits({ maxElements: 5 }) });
    expectXmlError(`<a>${'<b/>'.repeat(10)}</a>`, 'XML_TOO_MANY_ELEMENTS', { limits: limits({ maxElements: 10 }) });
    expect(readerCode(`<a>${'<b/>'.repeat(9)}</a>`, limits({ maxElements: 10 }))).toBe('OK');
    // The default limit, with self-closing elements.
    expectXmlError(`<a>${'<b/>'.repeat(DEFAULT_LIMITS.maxElements)}</a>`, 'XML_TOO_MANY_ELEMENTS');
  });
});

describe('encoding', () => {
  it('refuses invalid UTF-8 bytes', () => {
    const bad: Record<string, number[]> = {
      'a lone continuation byte': [0x80],
      'an overlong "/"': [0xc0, 0xaf],
      'a truncated sequence': [0xe4, 0xb8],
      'an encoded surrogate': [0xed, 0xa0, 0x80],
      'a byte that never occurs': [0xff],
      'a code point above U+10FFFF': [0xf4, 0x90, 0x80, 0x80],
      'GBK bytes for 中文': [0xd6, 0xd0, 0xce, 0xc4],
    };
    const [head, tail] = MIN.split('新增申报成功') as [string, string];
    for (const [what, bytes] of Object.entries(bad)) {
      const doc = new Uint8Array([...enc.encode(head), ...bytes, ...enc.encode(tail)]);
      const r = expectXmlError(doc, 'XML_ENCODING');
      expect(r.errors[0]!.line, what).toBe(10);
    }
  });

  it('refuses UTF-16 (with its BOM) as bytes', () => {
    const u16 = new Uint8Array([0xff, 0xfe, ...[...MIN].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]);
    expectXmlError(u16, 'XML_ENCODING');
  });

  it('refuses an encoding declaration other than UTF-8', () => {
    for (const name of ['GBK', 'gb2312', 'GB18030', 'UTF-16', 'ISO-8859-1']) {
      const doc = MIN.replace('encoding="UTF-8"', `encoding="${name}"`);
      const r = expectXmlError(doc, 'XML_ENCODING');
      expect(r.errors[0]!.message.en).toContain(name);
      expectXmlError(enc.encode(doc), 'XML_ENCODING');
    }
    expectXmlError(MIN.replace('encoding="UTF-8"', `encoding = 'GBK'`), 'XML_ENCODING');
    for (const name of ['utf-8', 'UTF8']) expect(read(MIN.replace('encoding="UTF-8"', `encoding="${name}"`)).valid).toBe(true);
  });

  it('refuses a lone surrogate in a string (bytes cannot carry one)', () => {
    expectXmlError(withInfo('\uD800'), 'XML_ENCODING');
    expectXmlError(withInfo('a\uDC00b'), 'XML_ENCODING');
    expectXmlError(rootAttr('version="\uD800"'), 'XML_ENCODING');
    // A proper pair is one character.
    expect(read(withInfo('\uD842\uDFB7')).valid).toBe(true);
  });

  it('tolerates a UTF-8 BOM before the declaration', () => {
    expect(read(`\uFEFF${MIN}`).valid).toBe(true);
    expect(read(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(MIN)])).valid).toBe(true);
    // …but not two, nor one anywhere else.
    expectXmlError(`\uFEFF\uFEFF${MIN}`, 'XML_MALFORMED');
  });
});

describe('the root and its namespace', () => {
  it('reports an unknown root element', () => {
    const doc = MIN.replaceAll('CEB312Message', 'CEB999Message');
    const r = expectSchemaError(doc, 'CEB_UNKNOWN_ROOT');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message.en).toContain('CEB999Message');
    expect(r.errors[0]!.message['zh-CN']).toContain('CEB999Message');
    const prefixed = `<ceb:CEB999Message xmlns:ceb="${NS}" guid="x" version="1.0"/>`;
    expect(expectSchemaError(prefixed, 'CEB_UNKNOWN_ROOT').errors).toHaveLength(1);
    // A building block of a message is not a message.
    expect(expectSchemaError(`<OrderHead xmlns="${NS}"/>`, 'CEB_UNKNOWN_ROOT').errors).toHaveLength(1);
  });

  it('reports an unknown namespace on the root', () => {
    for (const ns of ['http://evil.example/ceb', 'http://www.chinaport.gov.cn/ceb/', 'HTTP://WWW.CHINAPORT.GOV.CN/CEB']) {
      const r = expectSchemaError(MIN.replace(`xmlns="${NS}"`, `xmlns="${ns}"`), 'CEB_NAMESPACE');
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]!.message.en).toContain(ns);
    }
    const prefixed = `<ceb:CEB311Message xmlns:ceb="http://evil.example/ceb" guid="x" version="1.0"/>`;
    expect(expectSchemaError(prefixed, 'CEB_NAMESPACE').errors).toHaveLength(1);
  });

  it('reports an unknown namespace on a child element', () => {
    const r = expectSchemaError(MIN.replace('<OrderReturn>', '<OrderReturn xmlns="urn:evil">'), 'CEB_NAMESPACE');
    const hit = r.errors.find((e) => e.rule === 'CEB_NAMESPACE')!;
    expect(hit.path).toMatch(/^\/OrderReturn/);
    expect(hit.message.en).toContain('urn:evil');
    // A leaf in another namespace.
    const leaf = MIN.replace('<orderNo>order20160321116420545</orderNo>', '<x:orderNo xmlns:x="urn:evil">order20160321116420545</x:orderNo>');
    expect(read(leaf).valid).toBe(false);
    expectClearIssues(read(leaf).errors);
  });

  it('reports a message with no namespace at all', () => {
    const r = expectSchemaError(MIN.replace(` xmlns="${NS}"`, ''), 'CEB_NAMESPACE');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message.en).toContain('(none)');
  });

  it('reports a document with no root element', () => {
    expectXmlError('', 'XML_NO_ROOT');
    expectXmlError(DECL, 'XML_NO_ROOT');
    expectXmlError(`${DECL}\n<!-- nothing -->\n`, 'XML_NO_ROOT');
    expectXmlError('   \n\t ', 'XML_NO_ROOT');
    expectXmlError(new Uint8Array(0), 'XML_NO_ROOT');
  });
});

describe('well-formedness', () => {
  const cases: [string, string, string][] = [
    ['mismatched end tags', inOrderReturn('<a><b></a></b>'), 'XML_MALFORMED'],
    ['a wrong end tag for the root', MIN.replace('</CEB312Message>', '</CEB311Message>'), 'XML_MALFORMED'],
    ['an end tag that only starts like the open one', MIN.replace('</OrderReturn>', '</OrderReturnX>'), 'XML_MALFORMED'],
    ['an end tag with nothing open', `${MIN}</CEB312Message>`, 'XML_MALFORMED'],
    ['two root elements', `${MIN}<CEB312Message xmlns="${NS}"/>`, 'XML_MALFORMED'],
    ['two root elements (self-closing)', '<a/><b/>', 'XML_MALFORMED'],
    ['text after the root', `${MIN}trailing`, 'XML_MALFORMED'],
    ['text before the root', MIN.replace('<CEB312Message', 'x<CEB312Message'), 'XML_MALFORMED'],
    ['an entity reference outside the root', `${MIN}&amp;`, 'XML_MALFORMED'],
    ['CDATA outside the root', `${MIN}<![CDATA[x]]>`, 'XML_MALFORMED'],
    ['an unbound element prefix', inOrderReturn('<x:a/>'), 'XML_UNBOUND_PREFIX'],
    ['an unbound root prefix', '<ceb:CEB312Message guid="x" version="1.0"/>', 'XML_UNBOUND_PREFIX'],
    ['an unbound attribute prefix', rootAttr('version="1.0" x:y="1"'), 'XML_UNBOUND_PREFIX'],
    ['an unbound attribute prefix on a child', childAttr('x:y="1"'), 'XML_UNBOUND_PREFIX'],
    ['a prefix used outside the element that declares it', inOrderReturn('<x:a xmlns:x="urn:x"/><x:b/>'), 'XML_UNBOUND_PREFIX'],
    ['a duplicated attribute', rootAttr('version="1.0" version="1.0"'), 'XML_MALFORMED'],
    ['a duplicated attribute on a child', childAttr('a="1" a="2"'), 'XML_MALFORMED'],
    ['a duplicated namespace declaration', MIN.replace(`xmlns="${NS}"`, `xmlns="${NS}" xmlns="${NS}"`), 'XML_MALFORMED'],
    ['a second XML declaration', MIN.replace('<CEB312Message', `${DECL}<CEB312Message`), 'XML_MALFORMED'],
    ['an XML declaration inside the root', inOrderReturn(DECL), 'XML_MALFORMED'],
    ['an XML declaration after white space', ` ${MIN}`, 'XML_MALFORMED'],
    ['"<" in an attribute value', rootAttr('version="1<0"'), 'XML_MALFORMED'],
    ['"<" in a single-quoted attribute value', rootAttr("version='<ceb:x/>'"), 'XML_MALFORMED'],
    ['"<" in an attribute value on a child', childAttr('a="<"'), 'XML_MALFORMED'],
    ['an unquoted attribute', rootAttr('version=1.0'), 'XML_MALFORMED'],
    ['an unquoted attribute on a child', childAttr('a=1'), 'XML_MALFORMED'],
    ['an attribute with no value', rootAttr('version'), 'XML_MALFORMED'],
    ['an attribute with no value on a child', childAttr('a'), 'XML_MALFORMED'],
    ['attributes not separated by space', MIN.replace('" version=', '"version='), 'XML_MALFORMED'],
    ['a bad "/" in a start tag', inOrderReturn('<a / >'), 'XML_MALFORMED'],
    ['a bad name start', inOrderReturn('<1a/>'), 'XML_MALFORMED'],
    ['"<" followed by space', withInfo('a < b'), 'XML_MALFORMED'],
    ['a NUL in text', withInfo('a\u0000b'), 'XML_MALFORMED'],
    ['U+0001 in text', withInfo('a\u0001b'), 'XML_MALFORMED'],
    ['U+001F in text', withInfo('\u001f'), 'XML_MALFORMED'],
    ['U+000B in text', withInfo('\u000b'), 'XML_MALFORMED'],
    ['U+FFFE in text', withInfo('\ufffe'), 'XML_MALFORMED'],
    ['a NUL in CDATA', withInfo('<![CDATA[a\u0000b]]>'), 'XML_MALFORMED'],
    ['a NUL in an attribute on a child', childAttr('a="\u0000"'), 'XML_MALFORMED'],
    ['U+001F in an attribute on a child', childAttr("a='\u001f'"), 'XML_MALFORMED'],
    ['a NUL between elements', inOrderReturn('\u0000'), 'XML_MALFORMED'],
    ['a NUL after the root', `${MIN}\u0000`, 'XML_MALFORMED'],
    ['a NUL inside a tag', MIN.replace('<OrderReturn>', '<OrderReturn\u0000>'), 'XML_MALFORMED'],
    ['a stray "<!"', inOrderReturn('<!x>'), 'XML_DTD_FORBIDDEN'],
  ];
  it.each(cases)('refuses %s', (_what, doc, code) => {
    expectXmlError(doc, code);
    expectXmlError(enc.encode(doc), code);
  });

  const truncated: [string, string][] = [
    ['an unterminated comment', inOrderReturn('<!-- never closed')],
    ['an unterminated CDATA section', withInfo('<![CDATA[ never closed')],
    ['an unterminated processing instruction', inOrderReturn('<?pi never closed')],
    ['an unterminated attribute value', rootAttr('version="1.0')],
  ];
  it.each(truncated)('refuses %s', (_what, doc) => {
    const r = read(doc);
    expect(r.valid).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.rule).toBe('CEB_XML');
    expect(r.errors[0]!.message.en).toMatch(/XML_(TRUNCATED|MALFORMED)/);
    expectClearIssues(r.errors);
  });

  it('reports the line of a well-formedness error', () => {
    const r = expectXmlError(withInfo('a\u0000b'), 'XML_MALFORMED');
    expect(r.errors[0]!.line).toBe(10);
  });

  it('accepts comments, processing instructions, CDATA and layout white space (no false alarms)', () => {
    const doc = MIN
      .replace('<CEB312Message', '<!-- before --><?pi data?>\n<CEB312Message')
      .replace('<OrderReturn>', '<OrderReturn><!-- c --><?pi x?>')
      .replace('新增申报成功', '<![CDATA[新增]]>申报<!-- x -->成功')
      .replace('version="1.0">', "version = '1.0' >")
      .concat('<!-- after -->\n\n');
    const r = read(doc);
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(JSON.stringify(r.message)).toContain('新增申报成功');
  });
});

describe('a hostile document is answered, not hung on', () => {
  // Each of these is within the default limits; each must be refused (or read) in linear time.
  // No timing assertion: the test's own timeout (ten times what linear reading needs here) is
  // the bound, and a quadratic reader blows through it.
  const bounded = (what: string, doc: string, ms: number) =>
    it(what, () => {
      const r = read(doc);
      expect(r.valid).toBe(false);
      expectClearIssues(r.errors.slice(0, 100));
    }, ms * 10);

  bounded('many "&" without ";"', `<a>${'&'.repeat(1_000_000)}</a>`, 3000);
  bounded('many entity references far from their ";"', `<a>${'&a'.repeat(500_000)};</a>`, 3000);
  bounded('many "<!--" never closed', `<a>${'<!--'.repeat(500_000)}`, 3000);
  bounded('many "<?" never closed', `<a>${'<?x'.repeat(500_000)}`, 3000);
  bounded('many "<![CDATA[" never closed', `<a>${'<![CDATA['.repeat(200_000)}`, 3000);
  bounded('a very long name', `<${'a'.repeat(1_000_000)}/>`, 3000);
  bounded('a very long attribute value never closed', `<a b="${'x'.repeat(5_000_000)}`, 3000);
  bounded('150,000 prefixed elements under 30 nested namespace scopes', `<a>${'<b xmlns:p="urn:x">'.repeat(30)}${'<p:c/>'.repeat(150_000)}`, 5000);
  bounded('thousands of unexpected elements on one line',
    `<CEB312Message xmlns="${NS}" guid="x" version="1.0">${'<bogus/>'.repeat(20_000)}</CEB312Message>`, 5000);
});

// ---------------------------------------------------------------------------------------------
// Official samples: truncation, BOM, fuzzing

/** Where the root's end tag starts (a cut at or after it may legitimately still be valid). */
function rootEnd(text: string): number {
  const i = text.lastIndexOf('</');
  expect(i).toBeGreaterThan(0);
  return i;
}

describe.skipIf(!haveSamples)('official samples, cut short', () => {
  it('has samples that are valid before they are cut', () => {
    expect(validSamples.length).toBeGreaterThan(20);
  });

  it('every cut before the root end tag is an error, as text', () => {
    for (const s of validSamples) {
      const end = rootEnd(s.text);
      for (let k = 0; k < 20; k++) {
        const cut = Math.floor((end * k) / 20) + (k === 0 ? 0 : (k * 7919) % 13); // spread, not aligned to tags
        const r = read(s.text.slice(0, Math.min(cut, end)));
        expect(r.valid, `${s.file} cut at ${cut}`).toBe(false);
        expect(r.errors).toHaveLength(1);
        expect(r.errors[0]!.rule).toBe('CEB_XML');
        expect(r.errors[0]!.message.en).toMatch(/XML_(TRUNCATED|NO_ROOT|MALFORMED)/);
        expectClearIssues(r.errors);
      }
    }
  });

  it('every cut before the root end tag is an error, as bytes (also mid-character)', () => {
    for (const s of validSamples) {
      const end = enc.encode(s.text.slice(0, rootEnd(s.text))).length + (s.bytes[0] === 0xef ? 3 : 0);
      for (let k = 0; k < 20; k++) {
        const cut = Math.min(Math.floor((end * k) / 20) + ((k * 104729) % 17), end);
        const r = read(s.bytes.subarray(0, cut));
        expect(r.valid, `${s.file} cut at byte ${cut}`).toBe(false);
        expect(r.errors).toHaveLength(1);
        expect(r.errors[0]!.message.en).toMatch(/XML_(TRUNCATED|NO_ROOT|MALFORMED|ENCODING)/);
        expectClearIssues(r.errors);
      }
    }
  });

  it('a cut inside the root end tag is an error; the complete document is valid', () => {
    for (const s of validSamples) {
      const end = rootEnd(s.text);
      const close = s.text.indexOf('>', end) + 1;
      for (let cut = end + 1; cut < close; cut++) expect(read(s.text.slice(0, cut)).valid, `${s.file} cut at ${cut}`).toBe(false);
      expect(read(s.text.slice(0, close)).valid).toBe(true);
    }
  });
});

describe.skipIf(!haveSamples)('official samples with a BOM', () => {
  it('stay valid with a UTF-8 BOM before the declaration, as text and bytes', () => {
    for (const s of validSamples) {
      const bare = s.text.replace(/^\uFEFF/, '');
      expect(read(`\uFEFF${bare}`).valid, s.file).toBe(true);
      expect(read(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(bare)])).valid, s.file).toBe(true);
      expect(read(bare).valid, s.file).toBe(true);
    }
  });
});

// Mutations. Positions are drawn as large naturals and reduced modulo the current length, so a
// counterexample stays meaningful when fast-check shrinks it.
const TOKENS = [
  '<', '>', '&', ';', '"', "'", '=', '/', '/>', '</', '</ceb:', '<ceb:', '<ceb:x>', ']]>', '<![CDATA[', '<!--', '-->', '<!DOCTYPE x>',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '<!ENTITY e "x">', '&e;', '%p;', '&foo;', '&#0;', '&#x110000;',
  '&#x41;', '&lt;', '&amp;', '&', '<?xml version="1.0"?>', '<?pi ?>', '?>', ' encoding="GBK"', ' xmlns="urn:evil"',
  ' xmlns:ceb="urn:evil"', ' xmlns:ceb=""', ' a="1"', ' a="1" a="2"', ' guid="x"', 'x:', 'ceb:', '\u0000', '\u0001', '\uFEFF',
  '\uFFFE', '\uD800', '\r\n', '\t', ' ', '中文', '1'.repeat(40), '-1', '99999999999999999999', '0.123456789',
];

type StrOp =
  | { t: 'delete'; at: number; len: number }
  | { t: 'dup'; at: number; len: number; to: number }
  | { t: 'token'; at: number; token: string }
  | { t: 'chars'; at: number; s: string }
  | { t: 'swap'; a: number; b: number; len: number }
  | { t: 'text'; at: number; s: string };
type ByteOp =
  | { t: 'flip'; at: number; xor: number }
  | { t: 'bytes'; at: number; b: Uint8Array }
  | { t: 'bdelete'; at: number; len: number };

const pos = fc.nat({ max: 0x3fffffff });
const len = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 16 }), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 4000 }), weight: 1 });
// Replacement text for an element: mostly plausible, sometimes hostile, so that the fuzz also
// reaches the field rules of the decoder and not only the reader's errors.
const textValue = fc.oneof(
  fc.constantFrom('', ' ', '0', '-1', '1.5', '1e5', '99999999999999999999', '0.000001', '20240230', '2024-01-01', 'I', 'E', 'x'.repeat(300), '中文', '&amp;', '&#x4E2D;', '<![CDATA[<x>]]>'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const strOp: fc.Arbitrary<StrOp> = fc.oneof(
  fc.record({ t: fc.constant('delete' as const), at: pos, len }),
  fc.record({ t: fc.constant('dup' as const), at: pos, len, to: pos }),
  { arbitrary: fc.record({ t: fc.constant('token' as const), at: pos, token: fc.constantFrom(...TOKENS) }), weight: 3 },
  fc.record({ t: fc.constant('chars' as const), at: pos, s: fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }) }),
  fc.record({ t: fc.constant('swap' as const), a: pos, b: pos, len }),
  { arbitrary: fc.record({ t: fc.constant('text' as const), at: pos, s: textValue }), weight: 5 },
);
const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('flip' as const), at: pos, xor: fc.integer({ min: 1, max: 255 }) }), weight: 3 },
  fc.record({ t: fc.constant('bytes' as const), at: pos, b: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ t: fc.constant('bdelete' as const), at: pos, len }),
);

function applyStr(s: string, op: StrOp): string {
  const n = s.length;
  const at = (p: number) => (n === 0 ? 0 : p % (n + 1));
  switch (op.t) {
    case 'delete': { const a = at(op.at); return s.slice(0, a) + s.slice(a + op.len); }
    case 'dup': { const a = at(op.at); const piece = s.slice(a, a + op.len); const to = at(op.to); return s.slice(0, to) + piece + s.slice(to); }
    case 'token': { const a = at(op.at); return s.slice(0, a) + op.token + s.slice(a); }
    case 'chars': { const a = at(op.at); return s.slice(0, a) + op.s + s.slice(a); }
    case 'swap': {
      let a = at(op.a), b = at(op.b);
      if (a > b) [a, b] = [b, a];
      const l = Math.min(op.len, b - a, n - b);
      if (l <= 0) return s;
      return s.slice(0, a) + s.slice(b, b + l) + s.slice(a + l, b) + s.slice(a, a + l) + s.slice(b + l);
    }
    case 'text': {
      // The text between the next ">" and the "<" after it: usually the value of a leaf element.
      const a = s.indexOf('>', at(op.at)) + 1;
      const b = a > 0 ? s.indexOf('<', a) : -1;
      return b < 0 ? s : s.slice(0, a) + op.s + s.slice(b);
    }
  }
}

function applyBytes(bytes: Uint8Array, op: ByteOp): Uint8Array {
  const n = bytes.length;
  const at = (p: number) => (n === 0 ? 0 : p % (n + 1));
  switch (op.t) {
    case 'flip': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      const i = op.at % n;
      out[i] = out[i]! ^ op.xor;
      return out;
    }
    case 'bytes': {
      const a = at(op.at);
      const out = new Uint8Array(n + op.b.length);
      out.set(bytes.subarray(0, a));
      out.set(op.b, a);
      out.set(bytes.subarray(a), a + op.b.length);
      return out;
    }
    case 'bdelete': {
      const a = at(op.at);
      const e = Math.min(n, a + op.len);
      const out = new Uint8Array(n - (e - a));
      out.set(bytes.subarray(0, a));
      out.set(bytes.subarray(e), a);
      return out;
    }
  }
}

/** An element or attribute name with a non-ASCII character (approximately: errs on the side of yes). */
const NON_ASCII_NAME = /<\/?[^\s/>!?]*[^\x00-\x7F]|[\s"'][^\s=<>"']*[^\x00-\x7F][^\s=<>"']*\s*=\s*["']/;
const LIBXML_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_IGNORE_ENC;

/**
 * libxml2's objection to a document the codec accepted, or undefined when it has none, as an
 * independent well-formedness oracle. Known and documented differences are not counted: the
 * reader does not check the XML declaration and processing instructions (so they are left out of
 * what libxml2 sees), lets "]]>" through in text (see the known defects below), and libxml2 also
 * checks namespace names as URIs, which XML does not require. The reader also takes any non-ASCII
 * character as a name character (a stated simplification), so documents with such a name are not
 * judged here; the non-characters U+FFFE/U+FFFF in names are a known defect below.
 */
function libxmlObjection(text: string): string | undefined {
  if (NON_ASCII_NAME.test(text)) return undefined;
  const xml = text.replace(/^\uFEFF/, '').replace(/^<\?xml[^]*?\?>/, '').replace(/<\?[^]*?\?>/g, '');
  try {
    XmlDocument.fromString(xml, { option: LIBXML_OPTIONS }).dispose();
    return undefined;
  } catch (err) {
    const details = (err as { details?: { message: string }[] }).details ?? [{ message: String(err) }];
    const real = details.map((d) => d.message.trim()).filter((m) => !/is not a valid URI|Sequence '\]\]>' not allowed in content/.test(m));
    return real.length ? real.join('; ') : undefined;
  }
}

/** The invariants that hold for any input whatsoever. */
function checkInvariants(r: ReadResult): void {
  expect(typeof r.valid).toBe('boolean');
  expect(Array.isArray(r.errors)).toBe(true);
  expect(Array.isArray(r.warnings)).toBe(true);
  if (r.valid) {
    expect(r.errors).toEqual([]);
    expect(typeof r.messageType === 'string' && r.messageType.length > 0).toBe(true);
    expect(r.message !== null && typeof r.message === 'object').toBe(true);
    expect(Object.keys(r.message!).length).toBeGreaterThan(0);
  } else {
    expect(r.errors.length).toBeGreaterThan(0);
    expectClearIssues(r.errors);
  }
  expectClearIssues(r.warnings);
}

/**
 * The same document read by the general path: a comment after the root makes the fast path give
 * up (it accepts nothing after the root end tag) and changes nothing else.
 */
function viaGeneralPath(input: string | Uint8Array): ReadResult {
  return read(typeof input === 'string' ? `${input}<!---->` : new Uint8Array([...input, ...enc.encode('<!---->')]));
}

describe.skipIf(!haveSamples)('fuzzing mutated official samples', () => {
  it('never throws; accepts only well-formed messages, consistently; always explains a refusal', () => {
    const stats = { runs: 0, valid: 0, invalid: 0, xml: 0, totalMs: 0, maxMs: 0 };
    fc.assert(
      fc.property(
        fc.nat({ max: SAMPLES.length - 1 }),
        fc.array(strOp, { minLength: 1, maxLength: 3 }),
        // Text mutations alone twice as often as followed by byte mutations.
        fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: fc.array(byteOp, { minLength: 1, maxLength: 4 }), weight: 1 }),
        (index, ops, bytesOps) => {
          const sample = SAMPLES[index]!;
          const text = ops.reduce(applyStr, sample.text);
          const input: string | Uint8Array = bytesOps ? bytesOps.reduce(applyBytes, enc.encode(text)) : text;
          const t0 = performance.now();
          const r = read(input);
          const ms = performance.now() - t0;
          stats.runs++;
          stats.totalMs += ms;
          stats.maxMs = Math.max(stats.maxMs, ms);
          checkInvariants(r);
          if (!r.valid) {
            stats.invalid++;
            if (r.errors[0]!.rule === 'CEB_XML') stats.xml++;
            return;
          }
          stats.valid++;
          const decoded = typeof input === 'string' ? input : new TextDecoder().decode(input);
          // Whatever was accepted is well-formed to libxml2 as well…
          const objection = libxmlObjection(decoded);
          expect(objection, `accepted, but libxml2 says "${objection}":\n${decoded}`).toBeUndefined();
          // …and the general path agrees with the fast path.
          const general = viaGeneralPath(input);
          expect(general.errors, `the general path disagrees:\n${decoded}`).toEqual([]);
          expect(general.message).toEqual(r.message);
        },
      ),
      { seed: 0x5ca1ab1e, numRuns: 500 },
    );
    // The fuzz reached both outcomes and the reader's own errors.
    expect(stats.valid).toBeGreaterThan(0);
    expect(stats.invalid).toBeGreaterThan(200);
    expect(stats.xml).toBeGreaterThan(100);
    console.info(`fuzz: ${stats.runs} runs, ${stats.valid} valid, ${stats.invalid} invalid (${stats.xml} XML errors); readMessage ${stats.totalMs.toFixed(0)} ms in all, slowest ${stats.maxMs.toFixed(1)} ms`);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Known defects found by this suite. Each it.fails holds the behaviour that should be, so it
// passes while the defect is there and fails once it is fixed: then turn it into `it`.

describe('known defects (it.fails: make them `it` when fixed)', () => {
  // decode.ts push() → reader.ts lineAt(): each issue's line is found by counting newlines from
  // the start, so N issues on N lines cost O(N²): 20,000 take ~10 s, 150,000 (1.6 MB, well inside
  // the default limits) ~400 s.
  it('thousands of unexpected elements, one per line: the first 200 are listed with their lines, then a note', () => {
    const doc = `<CEB312Message xmlns="${NS}" guid="${'A'.repeat(36)}" version="1.0">\n${'<bogus/>\n'.repeat(150_000)}</CEB312Message>`;
    const r = read(doc);
    expect(r.valid).toBe(false);
    expect(r.errors).toHaveLength(MAX_ISSUES + 1);
    expect(r.errors.slice(0, MAX_ISSUES).every((e) => e.rule === 'CEB_UNEXPECTED')).toBe(true);
    expect(r.errors[MAX_ISSUES - 1]!.line).toBe(MAX_ISSUES + 1);
    expect(r.errors[MAX_ISSUES]!.rule).toBe('CEB_ERRORS_TRUNCATED');
  }, 30_000);

  // reader.ts decodeEntities(): ENTITIES[name] on a plain object finds Object.prototype members,
  // so "&constructor;" becomes "function Object() { [native code] }" and the message is valid.
  it('refuses an entity named like an Object.prototype member (&constructor;)', () => {
    expectXmlError(withInfo('&constructor;'), 'XML_MALFORMED');
  });
  it('refuses an entity named like an Object.prototype member (&toString;, &valueOf;, &__proto__;)', () => {
    for (const e of ['toString', 'valueOf', '__proto__']) expectXmlError(withInfo(`&${e};`), 'XML_MALFORMED');
  });

  // reader.ts Scope.uri(): decls[prefix] on plain objects finds Object.prototype members, so an
  // undeclared "toString:" prefix resolves to a function ("namespace function toString() …").
  it('refuses an undeclared element prefix named like an Object.prototype member', () => {
    expectXmlError(inOrderReturn('<toString:x/>'), 'XML_UNBOUND_PREFIX');
  });
  it('refuses an undeclared attribute prefix named like an Object.prototype member', () => {
    expectXmlError(childAttr('valueOf:a="1"'), 'XML_UNBOUND_PREFIX');
  });

  // fast.ts run(): the fast path checks maxBytes, maxElements and maxTextLength but not maxDepth
  // nor maxAttributes, and reads the root's attributes with its own regex, without the count limit
  // or the control-character check the reader applies.
  it('honours a configured maxDepth on the fast path', () => {
    expectXmlError(MIN, 'XML_TOO_DEEP', { limits: limits({ maxDepth: 1 }) });
  });
  it('honours a configured maxAttributes on the fast path', () => {
    expectXmlError(MIN, 'XML_TOO_MANY_ATTRIBUTES', { limits: limits({ maxAttributes: 2 }) });
  });
  it('refuses more than maxAttributes namespace declarations on the root (default limits)', () => {
    const decls = Array.from({ length: 40 }, (_, i) => ` xmlns:p${i}="urn:x"`).join('');
    expectXmlError(rootAttr(`version="1.0"${decls}`), 'XML_TOO_MANY_ATTRIBUTES');
  });
  it('refuses a control character in a root attribute value', () => {
    expectXmlError(rootAttr('version="1.0\u0001"'), 'XML_MALFORMED');
  });
  it('refuses a NUL in a namespace declaration on the root', () => {
    expectXmlError(rootAttr('version="1.0" xmlns:p="\u0000"'), 'XML_MALFORMED');
  });

  // reader.ts: text is not checked for "]]>" (XML 1.0 §2.4).
  it('refuses "]]>" in text', () => {
    expectXmlError(withInfo('a]]>b'), 'XML_MALFORMED');
  });

  // reader.ts NAME: names take any character from U+00C0 to U+FFFF, the non-characters U+FFFE
  // and U+FFFF included; inside a ds:Signature (kept as raw XML) such a name is accepted.
  it('refuses U+FFFE and U+FFFF in names', () => {
    expect(readerCode('<a b\uFFFE="1"/>')).toBe('XML_MALFORMED');
    expect(readerCode('<a\uFFFF/>')).toBe('XML_MALFORMED');
  });

  // reader.ts parseDocument(): the XML declaration is only searched for an encoding.
  it('refuses a malformed XML declaration', () => {
    expectXmlError(MIN.replace('version="1.0" encoding="UTF-8"', 'hello world'), 'XML_MALFORMED');
  });

  // reader.ts parseDocument(): a string's maxBytes is compared with its length in UTF-16 units, so
  // 4 million Chinese characters (12 MB of UTF-8) pass a 10 MB limit as a string, not as bytes.
  it('measures a string against maxBytes in UTF-8 bytes', () => {
    const big = withInfo('中'.repeat(4_000_000));
    expect(enc.encode(big).length).toBeGreaterThan(DEFAULT_LIMITS.maxBytes);
    expectXmlError(big, 'XML_TOO_LARGE');
  });

  // reader.ts readName(): "<ceb:>" is read as an element with an empty local name; the error
  // that follows says "Element  is not allowed at /" instead of naming a malformed name.
  it('refuses an empty local name as malformed XML', () => {
    expectXmlError(inOrderReturn(`<ceb: xmlns:ceb="${NS}"/>`), 'XML_MALFORMED');
  });
});

describe.skipIf(!haveSamples)('a signature, and known defects with it (it.fails: make them `it` when fixed)', () => {
  const DS = 'http://www.w3.org/2000/09/xmldsig#';
  const sample = SAMPLES.find((s) => s.file === 'import/CEB311Message.xml');
  const withSignature = (xml: string) => {
    const text = sample!.text;
    const from = text.indexOf('<ds:Signature');
    const to = text.indexOf('</ds:Signature>') + '</ds:Signature>'.length;
    return text.slice(0, from) + xml + text.slice(to);
  };

  it('the sample is valid with its signature, and without it', () => {
    expect(read(sample!.text).valid).toBe(true);
    expect(read(withSignature('')).valid).toBe(true);
  });

  it('refuses a Signature in a namespace other than xmldsig, on both paths', () => {
    const doc = withSignature('<x:Signature xmlns:x="urn:evil"><x:SignedInfo/></x:Signature>');
    expect(viaGeneralPath(doc).valid).toBe(false);
    expectSchemaError(doc, 'CEB_NAMESPACE');
  });

  // fast.ts complex(): the signature fragment is parsed by parseXml with fresh limits, so its
  // depth and element count start again from zero.
  it('counts the depth inside a signature from the document root', () => {
    const doc = withSignature(`<ds:Signature xmlns:ds="${DS}">${'<ds:a>'.repeat(31)}${'</ds:a>'.repeat(31)}</ds:Signature>`);
    expect(viaGeneralPath(doc).valid).toBe(false);
    expectXmlError(doc, 'XML_TOO_DEEP');
  });

  // decode.ts / i18n CEB_NAMESPACE: the text always names the customs namespace as the expected
  // one, even where xmldsig is expected: "…is in namespace http://www.chinaport.gov.cn/ceb;
  // expected http://www.chinaport.gov.cn/ceb".
  it('names the expected namespace of a misplaced signature', () => {
    const r = read(withSignature('<ceb:Signature><ceb:SignedInfo/></ceb:Signature>'));
    const hit = r.errors.find((e) => e.rule === 'CEB_NAMESPACE');
    expect(hit).toBeDefined();
    expect(hit!.message.en).toContain(DS);
  });
});
