// The XSD test-support module (test/support/xsd.ts) against the official customs samples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EDITIONS,
  XSD_KINDS,
  disposeXsdCache,
  kindForRoot,
  precompileXsd,
  refAvailable,
  rootElementsOf,
  samplesDir,
  validateMessage,
  validateXml,
} from './support/xsd.js';
import type { Edition, XsdKind } from './support/xsd.js';

interface Sample {
  file: string;
  kind: XsdKind;
  xml: string;
}

function samples(edition: Edition): Sample[] {
  if (!refAvailable) return [];
  const out: Sample[] = [];
  for (const kind of ['import', 'export'] as const) {
    const dir = join(samplesDir(edition), kind);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml')).sort()) {
      out.push({ file: `${kind}/${file}`, kind, xml: readFileSync(join(dir, file), 'utf8') });
    }
  }
  return out;
}

// The 202205 samples that fail their own XSD (see ../shared/ref/README.md), with the libxml2
// message that proves the defect.
const DEFECTIVE_202205: Record<string, RegExp> = {
  'export/CEB214Message.xml': /CEB214': No matching global declaration available for the validation root/,
  'export/CEB303Message.xml': /BaseTransfer': This element is not expected/,
  'export/CEB403Message.xml': /BaseTransfer': This element is not expected/,
  'export/CEB505Message.xml': /BaseTransfer': This element is not expected/,
  'export/CEB507Message.xml': /BaseTransfer': This element is not expected/,
  'export/CEB509Message.xml': /BaseTransfer': This element is not expected/,
  'export/CEB603Message.xml': /BaseTransfer': This element is not expected/,
  'export/CEB605Message.xml': /BaseTransfer': This element is not expected/,
  'export/CEB607Message.xml': /BaseTransfer': This element is not expected/,
  'export/CEB792Message.xml': /gnum': This element is not expected\. Expected is \( \{http:\/\/www\.chinaport\.gov\.cn\/ceb\}gseqno \)/,
};

const LINE_PREFIX = /^line \d+(, col \d+)?: \S/;

describe.skipIf(!refAvailable)('XSD test support (libxml2-wasm)', () => {
  const s202205 = samples('202205');
  const s2018 = samples('2018');

  beforeAll(() => {
    for (const edition of EDITIONS) for (const kind of XSD_KINDS) precompileXsd(kind, edition);
  });
  afterAll(() => disposeXsdCache());

  describe('official 202205 samples', () => {
    it('are all present (16 import, 23 export)', () => {
      expect(s202205.filter((s) => s.kind === 'import')).toHaveLength(16);
      expect(s202205.filter((s) => s.kind === 'export')).toHaveLength(23);
    });

    it('exactly the 10 known-defective export samples fail', () => {
      const failing = s202205.filter((s) => !validateXml(s.xml, s.kind, '202205').valid).map((s) => s.file);
      expect(failing.sort()).toEqual(Object.keys(DEFECTIVE_202205).sort());
    });

    it.each(s202205.map((s) => [s.file, s] as const))('%s', (file, s) => {
      const r = validateXml(s.xml, s.kind, '202205');
      const defect = DEFECTIVE_202205[file];
      if (defect) {
        expect(r.valid).toBe(false);
        expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.errors) expect(e).toMatch(LINE_PREFIX);
        expect(r.errors.join('\n')).toMatch(defect);
      } else {
        expect(r.errors).toEqual([]);
        expect(r.valid).toBe(true);
      }
      // Picking the XSD from the root element gives the same verdict.
      expect(validateMessage(s.xml, '202205').valid).toBe(r.valid);
    });
  });

  describe('official 2018 samples', () => {
    it('are all present (16 import, 19 export)', () => {
      expect(s2018.filter((s) => s.kind === 'import')).toHaveLength(16);
      expect(s2018.filter((s) => s.kind === 'export')).toHaveLength(19);
    });

    it.each(s2018.map((s) => [s.file, s] as const))('%s is valid', (_file, s) => {
      expect(validateXml(s.xml, s.kind, '2018')).toEqual({ valid: true, errors: [] });
      expect(validateMessage(s.xml, '2018')).toMatchObject({ valid: true, kind: s.kind });
    });
  });

  describe('broken documents', () => {
    const ceb311 = (): string => {
      const sample = s202205.find((s) => s.file === 'import/CEB311Message.xml');
      if (!sample) throw new Error('CEB311 sample missing');
      return sample.xml;
    };

    it('a CEB311 without its orderNo is rejected, naming the missing element and its line', () => {
      const xml = ceb311().replace(/\s*<ceb:orderNo>[^<]*<\/ceb:orderNo>/, '');
      expect(xml.split('<ceb:orderNo>').length).toBe(ceb311().split('<ceb:orderNo>').length - 1);
      const r = validateXml(xml, 'import');
      expect(r.valid).toBe(false);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/^line 11: Element '\{http:\/\/www\.chinaport\.gov\.cn\/ceb\}ebpCode': This element is not expected\. Expected is \( \{http:\/\/www\.chinaport\.gov\.cn\/ceb\}orderNo \)/);
    });

    it('a CEB311 with a too-long buyerName is rejected with the maxLength facet', () => {
      const xml = ceb311().replace('<ceb:buyerName>aa</ceb:buyerName>', `<ceb:buyerName>${'张'.repeat(61)}</ceb:buyerName>`);
      const r = validateXml(xml, 'import');
      expect(r.valid).toBe(false);
      expect(r.errors.join('\n')).toMatch(/^line 23: Element '\{http:\/\/www\.chinaport\.gov\.cn\/ceb\}buyerName': \[facet 'maxLength'\] The value has a length of '61'; this exceeds the allowed maximum length of '60'\./m);
    });

    it('the right message against the wrong XSD has no matching root declaration', () => {
      const r = validateXml(ceb311(), 'export');
      expect(r.valid).toBe(false);
      expect(r.errors.join('\n')).toMatch(/CEB311Message': No matching global declaration available for the validation root/);
    });

    it('a document that is not well-formed is reported, not thrown', () => {
      const r = validateXml('<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb">\n<ceb:Order>\n</ceb:CEB311Message>', 'import');
      expect(r.valid).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors[0]).toMatch(LINE_PREFIX);
      expect(r.errors.join('\n')).toMatch(/Order/);
    });

    it('a message whose root no XSD declares is reported by validateMessage', () => {
      const r = validateMessage('<ceb:CEB999Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>');
      expect(r).toEqual({ valid: false, errors: ["line 1: no 202205 customs XSD declares the root element 'CEB999Message'"] });
    });
  });

  describe('DXP envelopes', () => {
    const dxpMsg = (ver = '1.0', msgType = 'CEB311Message'): string =>
      [
        `<dxp:DxpMsg ver="${ver}" xmlns:dxp="http://www.chinaport.gov.cn/dxp">`,
        '<dxp:TransInfo>',
        '<dxp:CopMsgId>4CDE1CFD-EDED-46B1-946C-B8022E42FC94</dxp:CopMsgId>',
        '<dxp:SenderId>DXPENT0000000001</dxp:SenderId>',
        '<dxp:ReceiverIds><dxp:ReceiverId>DXPEDCCEB0000002</dxp:ReceiverId></dxp:ReceiverIds>',
        '<dxp:CreatTime>2022-05-01T10:00:00</dxp:CreatTime>',
        `<dxp:MsgType>${msgType}</dxp:MsgType>`,
        '</dxp:TransInfo>',
        `<dxp:Data>${Buffer.from('<ceb:CEB311Message/>').toString('base64')}</dxp:Data>`,
        '</dxp:DxpMsg>',
      ].join('\n');
    const dxpMsgSv = (inner: string): string =>
      [
        '<dxp:DxpMsgSv ver="1.0" xmlns:dxp="http://www.chinaport.gov.cn/dxp">',
        '<dxp:SvNo Ver="1.0"><dxp:MsgId>20220501100000000001</dxp:MsgId><dxp:SendTime>2022-05-01T10:00:00</dxp:SendTime>',
        '<dxp:EndNode>EPORT</dxp:EndNode><dxp:StaNode>CEB</dxp:StaNode></dxp:SvNo>',
        inner,
        '</dxp:DxpMsgSv>',
      ].join('\n');

    it.each(EDITIONS.map((e) => [e] as const))('DxpMsg and DxpMsgSv validate (%s)', (edition) => {
      expect(validateXml(dxpMsg(), 'dxp', edition)).toEqual({ valid: true, errors: [] });
      expect(validateXml(dxpMsgSv(dxpMsg()), 'dxpsv', edition)).toEqual({ valid: true, errors: [] });
      expect(validateMessage(dxpMsgSv(dxpMsg()), edition)).toMatchObject({ valid: true, kind: 'dxpsv' });
    });

    it('a bad envelope fails with the attribute or element named', () => {
      const badVer = validateXml(dxpMsg('2.0'), 'dxp');
      expect(badVer.valid).toBe(false);
      expect(badVer.errors.join('\n')).toMatch(/^line 1: Element '\{http:\/\/www\.chinaport\.gov\.cn\/dxp\}DxpMsg', attribute 'ver': The value '2\.0' does not match the fixed value constraint '1\.0'/m);
      const longType = validateXml(dxpMsg('1.0', 'X'.repeat(31)), 'dxp');
      expect(longType.errors.join('\n')).toMatch(/^line 7: Element '\{http:\/\/www\.chinaport\.gov\.cn\/dxp\}MsgType': \[facet 'maxLength'\]/m);
    });
  });

  describe('root element → XSD', () => {
    const IMPORT_ROOTS = ['311', '312', '411', '412', '511', '512', '513', '514', '621', '622', '623', '624', '625', '626', '711', '712', '816', '818', '900'];
    const EXPORT_ROOTS = ['303', '304', '403', '404', '505', '506', '507', '508', '509', '510', '603', '604', '605', '606', '607', '608', '701', '702', '792'];
    const EXPORT_ROOTS_202205 = ['213', '214', '215', '216'];

    it.each(EDITIONS.map((e) => [e] as const))('follows the element declarations of the %s XSDs', (edition) => {
      const expected = new Map<string, XsdKind>();
      for (const n of IMPORT_ROOTS) expected.set(`CEB${n}Message`, 'import');
      for (const n of [...EXPORT_ROOTS, ...(edition === '202205' ? EXPORT_ROOTS_202205 : [])]) expected.set(`CEB${n}Message`, 'export');
      expected.set('DxpMsg', 'dxp').set('DxpRep', 'dxp').set('DxpMsgSv', 'dxpsv');

      // Every CEB/DXP root declared by the XSDs is in the expected list, and vice versa.
      const declared = new Map<string, XsdKind[]>();
      for (const kind of XSD_KINDS) {
        for (const name of rootElementsOf(kind, edition).filter((n) => /^(CEB\d{3}Message|Dxp\w+)$/.test(n))) {
          declared.set(name, [...(declared.get(name) ?? []), kind]);
        }
      }
      expect([...declared.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [name, kinds] of declared) expect(kinds, name).toHaveLength(1);
      for (const [name, kind] of expected) expect(kindForRoot(name, edition), name).toBe(kind);

      expect(kindForRoot('ceb:CEB900Message', edition)).toBe('import');
      expect(kindForRoot('CEB214', edition)).toBeUndefined();
      expect(kindForRoot('OrderHead', edition)).toBeUndefined();
      if (edition === '2018') expect(kindForRoot('CEB213Message', edition)).toBeUndefined();
    });
  });
});
