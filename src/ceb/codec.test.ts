// Regressions found by review: each case once read a bad message as valid, or a good one as bad.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkModel, readMessage, writeMessage } from './codec.js';
import { checkLeaf, newCtx } from './decode.js';
import { projectPath } from '../kernel/paths.js';

const order = readFileSync(projectPath('test/fixtures/ceb/ceb311-realistic.xml'), 'utf8');
const rules = (xml: string) => readMessage(xml).errors.map((e) => [e.rule, e.path]);
const head = (xml: string) => (readMessage(xml).message as { Order: { OrderHead: Record<string, string> }[] }).Order[0]!.OrderHead;

describe('codec regressions', () => {
  it('enforces XSD fixed values and fills XSD defaults of empty elements', () => {
    expect(rules(order.replace('<ceb:currency>142</ceb:currency>', '<ceb:currency>502</ceb:currency>'))).toEqual([['CEB_ENUM', '/Order/0/OrderHead/currency']]);
    const emptied = order.replace('<ceb:currency>142</ceb:currency>', '<ceb:currency></ceb:currency>');
    expect(readMessage(emptied).errors).toEqual([]);
    expect(head(emptied).currency).toBe('142');
    // CEB303's freight has default="0" in the export XSD.
    const ctx = newCtx('CEB303Message', '202205', true);
    expect(checkLeaf(ctx, { name: 'freight', min: 1, max: 1, simple: { t: 'dec', digits: 19, frac: 5 }, default: '0' }, '', '/freight', 'OrderHead', 0)).toBe('0');
    expect(ctx.errors).toEqual([]);
  });

  it('trims XML white space only, never U+3000 or U+00A0', () => {
    expect(rules(order.replace('<ceb:freight>20</ceb:freight>', '<ceb:freight>20\u3000</ceb:freight>'))).toEqual([['CEB_DECIMAL', '/Order/0/OrderHead/freight']]);
    expect(head(order.replace('<ceb:freight>20</ceb:freight>', '<ceb:freight> 20\n</ceb:freight>')).freight).toBe('20');
  });

  it('normalises line ends (XML 1.0 §2.11) before counting characters', () => {
    // BaseTransfer/note allows 1,000 characters: 334 × "a CR LF" is 668 once CR LF counts as one.
    const note = 'a\r\n'.repeat(334);
    const ok = readMessage(order.replace('</ceb:dxpId>', `</ceb:dxpId><ceb:note>${note}</ceb:note>`));
    expect(ok.errors).toEqual([]);
    expect((ok.message as { BaseTransfer: { note: string } }).BaseTransfer.note).toBe('a\n'.repeat(334));
    const lone = readMessage(order.replace('</ceb:dxpId>', '</ceb:dxpId><ceb:note>x\ry</ceb:note>'));
    expect((lone.message as { BaseTransfer: { note: string } }).BaseTransfer.note).toBe('x\ny');
  });

  it('refuses attributes on leaf elements and text or several elements in ExtendMessage/Message', () => {
    expect(rules(order.replace('<ceb:appType>', '<ceb:appType foo="1">'))).toEqual([['CEB_ATTRIBUTE', '/Order/0/OrderHead/appType']]);
    const ext = (inner: string) => order.replace('</ceb:BaseTransfer>', `</ceb:BaseTransfer><ceb:ExtendMessage><ceb:name>n</ceb:name><ceb:version>1</ceb:version><ceb:Message>${inner}</ceb:Message></ceb:ExtendMessage>`);
    expect(readMessage(ext('<a xmlns="urn:x">1</a>')).errors).toEqual([]);
    expect(rules(ext('hello'))).toEqual([['CEB_TEXT_IN_COMPLEX', '/ExtendMessage/Message']]);
    expect(rules(ext('<a/><b/>'))).toEqual([['CEB_TOO_MANY', '/ExtendMessage/Message']]);
  });

  it('refuses a Signature outside the xmldsig namespace, on both paths', () => {
    const signed = order.replace('</ceb:BaseTransfer>', '</ceb:BaseTransfer><ds:Signature xmlns:ds="urn:wrong"><ds:SignedInfo/></ds:Signature>');
    expect(rules(signed)).toEqual([['CEB_NAMESPACE', '/Signature']]);
  });

  it('checks a model against the edition it is given, and refuses unknown fields', () => {
    const m = readMessage(order).message!;
    expect(checkModel('CEB311Message', m).valid).toBe(true);
    const misspelt = structuredClone(m) as { Order: { OrderHead: Record<string, string> }[] };
    misspelt.Order[0]!.OrderHead.consigneeAdress = 'typo';
    expect(checkModel('CEB311Message', misspelt as never).errors.map((e) => [e.rule, e.path])).toEqual([['CEB_WRONG_MODEL', '/Order/0/OrderHead/consigneeAdress']]);
    expect(checkModel('CEB311Message', m, { edition: '2018' }).edition).toBe('2018');
  });

  it('refuses to write a fragment that is not one well-formed element', () => {
    const m = { ...readMessage(order).message!, ExtendMessage: { name: 'n', version: '1', Message: { xml: '</ceb:Message><ceb:evil>' } } };
    expect(() => writeMessage('CEB311Message', m)).toThrow(/well-formed/);
  });
});
