import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readMessage } from '../ceb/codec.js';
import { inventoryXml } from '../../test/support/ceb-models.js';
import { prepareSignature, signXml, signXmlWithKey, verifyXml, URI } from './dsig.js';
import { generateKey, signBytes, type SoftwareKey } from './keys.js';
import type { Signer } from './port.js';
import { createSoftwareSigner } from './software.js';
import { checkCertificate, issueCertificate, type Certificate } from './x509.js';

const sm2 = generateKey('sm2');
const sm2Cert = issueCertificate({ subject: { CN: '金义综保区美妆进口有限公司', O: '91330782MA2EXAMPLE', C: 'CN' }, key: sm2 });
const rsa = generateKey('rsa');
const rsaCert = issueCertificate({ subject: { CN: 'Yiwu Express', C: 'CN' }, key: rsa });
const list = inventoryXml();

const EXPORT = '<?xml version="1.0" encoding="UTF-8"?>\n<ceb:CEB603Message guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94" version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
  '  <ceb:Inventory><ceb:InventoryHead><ceb:copNo>EXP001</ceb:copNo></ceb:InventoryHead></ceb:Inventory>\n  <ceb:BaseTransfer><ceb:copCode>3318900011</ceb:copCode></ceb:BaseTransfer>\n' +
  '  <ceb:ExtendMessage><ceb:name>x</ceb:name><ceb:version>1</ceb:version><ceb:Message>m</ceb:Message></ceb:ExtendMessage>\n</ceb:CEB603Message>\n';

function flip(s: string, at: number): string {
  const c = s.charCodeAt(at);
  // Another printable ASCII character in the same class, so the XML stays well-formed as often as possible.
  const next = c >= 48 && c <= 57 ? 48 + ((c - 47) % 10) : c >= 65 && c <= 90 ? 65 + ((c - 64) % 26) : c >= 97 && c <= 122 ? 97 + ((c - 96) % 26) : c === 43 ? 47 : c;
  return s.slice(0, at) + String.fromCharCode(next) + s.slice(at + 1);
}

describe.each([
  ['SM2-SM3', sm2, sm2Cert, URI.sm2sm3, URI.sm3],
  ['RSA-SHA1', rsa, rsaCert, URI.rsaSha1, URI.sha1],
] as [string, SoftwareKey, Certificate, string, string][])('enveloped signature, %s', (_name, key, cert, sigUri, digestUri) => {
  const signed = signXmlWithKey(list, key, cert);

  it('verifies, names the algorithm and the certificate, and keeps the message valid for the codec', () => {
    const r = verifyXml(signed);
    expect(r).toMatchObject({ valid: true, algorithm: key.algorithm, keyName: cert.serial });
    expect(r.certificate?.fingerprint).toBe(cert.fingerprint);
    expect(signed).toContain(`<ds:SignatureMethod Algorithm="${sigUri}">`);
    expect(signed).toContain(`<ds:DigestMethod Algorithm="${digestUri}">`);
    const read = readMessage(signed);
    expect(read.errors).toEqual([]);
    expect(read.message?.Signature).toBeDefined();
  });

  it('replaces the signature a message already had (the fixture carries a placeholder) and puts it last in an import message', () => {
    expect(list).toContain('<ds:SignatureValue>AAAA</ds:SignatureValue>');
    expect(signed).not.toContain('AAAA</ds:SignatureValue>');
    expect(signed.match(/<ds:Signature /g)).toHaveLength(1);
    expect(signed.trimEnd()).toMatch(/<\/ds:Signature><\/ceb:CEB621Message>$/);
  });

  it('detects a change of any character of the content', () => {
    const sigStart = signed.indexOf('<ds:Signature');
    const bodyStart = signed.indexOf('<ceb:Inventory>');
    fc.assert(fc.property(fc.integer({ min: bodyStart, max: sigStart - 1 }), (at) => {
      const changed = flip(signed, at);
      fc.pre(changed !== signed);
      expect(verifyXml(changed).valid).toBe(false);
    }), { numRuns: 60 });
  });

  it('detects a change of any character of SignedInfo', () => {
    const from = signed.indexOf('<ds:SignedInfo>');
    const to = signed.indexOf('</ds:SignedInfo>');
    fc.assert(fc.property(fc.integer({ min: from, max: to }), (at) => {
      const changed = flip(signed, at);
      fc.pre(changed !== signed);
      expect(verifyXml(changed).valid).toBe(false);
    }), { numRuns: 60 });
  });

  it('detects a change of any character of the certificate (signature or certificate check fails)', () => {
    const from = signed.indexOf('<ds:X509Certificate>') + '<ds:X509Certificate>'.length;
    const to = signed.indexOf('</ds:X509Certificate>');
    fc.assert(fc.property(fc.integer({ min: from, max: to - 4 }), (at) => {
      const changed = flip(signed, at);
      fc.pre(changed !== signed);
      // Either the signature fails, or the certificate no longer vouches for itself: its own
      // signature breaks, or a changed issuer name makes it claim an issuer nobody gave us.
      const r = verifyXml(changed);
      const vouched = r.valid && r.certificate ? checkCertificate(r.certificate).status === 'self-signed' : false;
      expect(vouched).toBe(false);
    }), { numRuns: 40 });
  });

  it('canonicalises SignedInfo with the namespaces it inherits from the message root', () => {
    const { signedInfo } = prepareSignature(EXPORT, key.algorithm);
    expect(Buffer.from(signedInfo).toString('utf8')).toMatch(/^<ds:SignedInfo xmlns:ceb="http:\/\/www\.chinaport\.gov\.cn\/ceb" xmlns:ds="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#" xmlns:xsi="http:\/\/www\.w3\.org\/2001\/XMLSchema-instance">/);
  });
});

describe('placement and signers', () => {
  it('puts the signature before ExtendMessage in an export message', async () => {
    const signed = signXmlWithKey(EXPORT, sm2, sm2Cert);
    expect(signed.indexOf('<ds:Signature')).toBeLessThan(signed.indexOf('<ceb:ExtendMessage>'));
    expect(signed.indexOf('<ds:Signature')).toBeGreaterThan(signed.indexOf('</ceb:BaseTransfer>'));
    expect(verifyXml(signed).valid).toBe(true);
  });

  it('signs through any Signer, taking DER or raw r||s from it and writing r||s', async () => {
    for (const form of ['der', 'raw'] as const) {
      const signer: Signer = {
        algorithm: 'sm2',
        certificate: async () => ({ der: sm2Cert.der, keyName: 'card-0001' }),
        async sign(data) {
          const der = signBytes(sm2, data);
          if (form === 'der') return der;
          const hex = Buffer.from(der).toString('hex');
          // DER → r||s by hand, so the test does not lean on the code under test.
          const rLen = parseInt(hex.slice(6, 8), 16);
          const r = hex.slice(8, 8 + rLen * 2).replace(/^00/, '').padStart(64, '0');
          const s = hex.slice(8 + rLen * 2 + 4).replace(/^00/, '').padStart(64, '0');
          return Buffer.from(r + s, 'hex');
        },
      };
      const signed = await signXml(list, signer);
      const value = /<ds:SignatureValue>([^<]+)</.exec(signed)![1]!;
      expect(Buffer.from(value, 'base64')).toHaveLength(64);
      expect(verifyXml(signed)).toMatchObject({ valid: true, keyName: 'card-0001' });
    }
  });

  it('the software signer adapter signs like the key itself and refuses a certificate of the other algorithm', async () => {
    const signed = await signXml(list, createSoftwareSigner(rsa, rsaCert));
    expect(verifyXml(signed)).toMatchObject({ valid: true, algorithm: 'rsa', keyName: rsaCert.serial });
    expect(() => createSoftwareSigner(sm2, rsaCert)).toThrow(RangeError);
  });

  it('explains what is wrong with messages it cannot verify', () => {
    const signed = signXmlWithKey(list, sm2, sm2Cert);
    expect(verifyXml(list.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ''))).toMatchObject({ valid: false, reason: 'unsigned' });
    expect(verifyXml(signed.slice(0, 200))).toMatchObject({ valid: false, reason: 'malformed' });
    expect(verifyXml(signed.replace(URI.sm2sm3, 'http://www.w3.org/2000/09/xmldsig#dsa-sha1'))).toMatchObject({ valid: false, reason: 'unsupported-algorithm' });
    expect(verifyXml(signed.replace(URI.c14n, 'http://www.w3.org/2001/10/xml-exc-c14n#'))).toMatchObject({ valid: false, reason: 'unsupported-algorithm' });
    expect(verifyXml(signed.replace('<ds:Reference URI="">', '<ds:Reference URI="#x">'))).toMatchObject({ valid: false, reason: 'unsupported-algorithm' });
    // The digest goes with the signature method; a transform must name its algorithm.
    expect(verifyXml(signed.replace(URI.sm3, URI.sha1))).toMatchObject({ valid: false, reason: 'unsupported-algorithm' });
    expect(verifyXml(signed.replace('</ds:Transforms>', '<ds:Transform></ds:Transform></ds:Transforms>'))).toMatchObject({ valid: false, reason: 'unsupported-algorithm' });
    expect(verifyXml(signed.replace('金义', '金华'))).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    expect(verifyXml(signed.replace(/<ds:X509Certificate>[^<]+/, `<ds:X509Certificate>${Buffer.from(rsaCert.der).toString('base64')}`))).toMatchObject({ valid: false, reason: 'signature-mismatch' });
    const other = issueCertificate({ subject: { CN: 'someone else' }, key: generateKey('sm2') });
    expect(verifyXml(signed.replace(/<ds:X509Certificate>[^<]+/, `<ds:X509Certificate>${Buffer.from(other.der).toString('base64')}`))).toMatchObject({ valid: false, reason: 'signature-mismatch' });
    expect(verifyXml(signed.replace(/<ds:X509Certificate>[^<]+/, '<ds:X509Certificate>AAAA'))).toMatchObject({ valid: false, reason: 'certificate' });
    expect(verifyXml(signed.replace('<!DOCTYPE', '').replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY a "b">]>'))).toMatchObject({ valid: false, reason: 'malformed' });
  });

  it('tolerates what transports do to white space around the signature, but not inside the content', () => {
    const signed = signXmlWithKey(list, rsa, rsaCert);
    // Base64 wrapped at 76 columns, as the spec's example shows: still the same value.
    const wrapped = signed.replace(/<ds:SignatureValue>([^<]+)</, (_m, v: string) => `<ds:SignatureValue>\n${v.replace(/.{1,76}/g, '$&\n')}<`);
    expect(verifyXml(wrapped).valid).toBe(true);
    expect(verifyXml(signed.replace(/\r?\n/g, '\r\n')).valid).toBe(true);
  });
});
