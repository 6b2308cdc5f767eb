// Interoperability of our XML signatures with independent implementations: xmlsec1 (Debian's
// package, OpenSSL backend) for RSA-SHA1 in both directions; for SM2-SM3 the OpenSSL command line
// with the explicit SM2 ID and the sm-crypto package, again in both directions. Changing a byte of
// content, SignedInfo or certificate is detected on both sides.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// sm-crypto ships CommonJS without types.
import smCrypto from 'sm-crypto';
import { inventoryXml } from './support/ceb-models.js';
import { prepareSignature, signXmlWithKey, verifyXml } from '../src/signing/dsig.js';
import { exportPrivateKey, generateKey } from '../src/signing/keys.js';
import { certificatePem, issueCertificate } from '../src/signing/x509.js';

const dir = mkdtempSync(join(tmpdir(), 'silkgate-interop-'));
const file = (name: string, content?: string | Uint8Array) => {
  const p = join(dir, name);
  if (content !== undefined) writeFileSync(p, content);
  return p;
};
const xmlsec = (...args: string[]) => spawnSync('xmlsec1', args, { encoding: 'utf8' });

/** The official samples are pretty-printed with CRLF line ends and a comment: make ours look like that too. */
const pretty = (xml: string) => xml.replace(/></g, '>\r\n\t<').replace('?>\r\n\t<', '?>\r\n<!-- 报文 -->\r\n<');

const rsa = generateKey('rsa');
const rsaCert = issueCertificate({ subject: { CN: '义乌国际快递物流有限公司', C: 'CN' }, key: rsa });
const sm2 = generateKey('sm2');
const sm2Cert = issueCertificate({ subject: { CN: '金义综保区美妆进口有限公司', C: 'CN' }, key: sm2 });
const unsigned = inventoryXml().replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');

beforeAll(() => {
  const v = spawnSync('xmlsec1', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error('xmlsec1 is missing: apt-get install xmlsec1 (.ci/run installs it)');
  file('rsa-cert.pem', certificatePem(rsaCert));
  file('rsa-key.pem', exportPrivateKey(rsa));
});

describe('RSA-SHA1 with xmlsec1', () => {
  it.each([['compact', unsigned], ['pretty-printed with CRLF and a comment', pretty(unsigned)]])('xmlsec1 verifies our signature (%s)', (_what, xml) => {
    const signed = signXmlWithKey(xml, rsa, rsaCert);
    const ok = xmlsec('--verify', '--pubkey-cert-pem', file('rsa-cert.pem'), file('ours.xml', signed));
    expect(ok.stderr).toMatch(/^OK$/m);
    expect(ok.status).toBe(0);
    // The same through the certificate carried in KeyInfo.
    expect(xmlsec('--verify', '--insecure', '--enabled-key-data', 'x509', file('ours.xml')).status).toBe(0);
    // One character of content changed: xmlsec1 refuses it too.
    const bad = xmlsec('--verify', '--pubkey-cert-pem', file('rsa-cert.pem'), file('ours-bad.xml', signed.replace('金义', '金华')));
    expect(bad.status).not.toBe(0);
  });

  it('we verify what xmlsec1 signs, and see its tampering', () => {
    const template = unsigned.replace('</ceb:CEB621Message>', '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
      '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/><ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/>' +
      '<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms>' +
      '<ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>' +
      '<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></ceb:CEB621Message>');
    for (const xml of [template, pretty(template)]) {
      const out = file('theirs.xml');
      execFileSync('xmlsec1', ['--sign', '--privkey-pem', `${file('rsa-key.pem')},${file('rsa-cert.pem')}`, '--output', out, file('template.xml', xml)], { stdio: 'pipe' });
      const theirs = readFileSync(out, 'utf8');
      const r = verifyXml(theirs);
      expect(r).toMatchObject({ valid: true, algorithm: 'rsa', digestAlgorithm: 'sha1' });
      expect(r.certificate?.fingerprint).toBe(rsaCert.fingerprint);
      expect(verifyXml(theirs.replace('金义', '金华'))).toMatchObject({ valid: false, reason: 'digest-mismatch' });
      expect(verifyXml(theirs.replace('#rsa-sha1"', '#rsa-sha1" '))).toMatchObject({ valid: true });
      expect(verifyXml(theirs.replace(/(<ds:DigestValue>)(.)/, (_m, a: string, c: string) => a + (c === 'A' ? 'B' : 'A')))).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    }
  });
});

describe('SM2-SM3 with OpenSSL 3 and sm-crypto', () => {
  const pubPem = () => execFileSync('openssl', ['x509', '-in', file('sm2-cert.pem', certificatePem(sm2Cert)), '-pubkey', '-noout'], { encoding: 'utf8' });
  const rsHexToDer = (hex: string) => {
    const int = (h: string) => {
      let b = Buffer.from(h, 'hex');
      while (b.length > 1 && b[0] === 0 && !(b[1]! & 0x80)) b = b.subarray(1);
      if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
      return Buffer.concat([Buffer.from([2, b.length]), b]);
    };
    const body = Buffer.concat([int(hex.slice(0, 64)), int(hex.slice(64))]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  };
  const signedInfoOf = (xml: string) => {
    // The SignedInfo bytes that were signed: our canonical form, re-derived from the signed message.
    const again = prepareSignature(xml, 'sm2');
    return Buffer.from(again.signedInfo);
  };

  it('OpenSSL and sm-crypto verify our SignatureValue over the canonical SignedInfo with ID 1234567812345678', () => {
    const signed = signXmlWithKey(pretty(unsigned), sm2, sm2Cert);
    const value = Buffer.from(/<ds:SignatureValue>([^<]+)</.exec(signed)![1]!, 'base64');
    expect(value).toHaveLength(64);
    const info = signedInfoOf(signed);
    file('pub.pem', pubPem());
    const args = (sig: Buffer) => ['pkeyutl', '-verify', '-pubin', '-inkey', file('pub.pem'), '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-in', file('info.bin', info), '-sigfile', file('sig.der', sig)];
    expect(spawnSync('openssl', args(rsHexToDer(value.toString('hex'))), { encoding: 'utf8' }).stdout).toMatch(/Signature Verified Successfully/);
    // Another ID (OpenSSL's default when none is given is empty): the signature does not verify.
    const wrongId = spawnSync('openssl', args(rsHexToDer(value.toString('hex'))).map((a) => (a.startsWith('distid:') ? 'distid:0000000000000000' : a)), { encoding: 'utf8' });
    expect(wrongId.stdout).not.toMatch(/Verified Successfully/);
    const point = '04' + (sm2.algorithm === 'sm2' ? sm2.sm2.publicKey.x.toString(16).padStart(64, '0') + sm2.sm2.publicKey.y.toString(16).padStart(64, '0') : '');
    expect(smCrypto.sm2.doVerifySignature(info.toString('utf8'), value.toString('hex'), point, { hash: true })).toBe(true);
    expect(smCrypto.sm2.doVerifySignature(info.toString('utf8') + ' ', value.toString('hex'), point, { hash: true })).toBe(false);
  });

  it('we verify SignedInfo signatures made by OpenSSL (DER) and by sm-crypto (r||s)', () => {
    const prepared = prepareSignature(unsigned, 'sm2');
    file('sm2-key.pem', exportPrivateKey(sm2));
    const der = execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', file('sm2-key.pem'), '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-in', file('info2.bin', prepared.signedInfo)]);
    const byOpenssl = prepared.finish(der, { der: sm2Cert.der, keyName: sm2Cert.serial });
    expect(verifyXml(byOpenssl)).toMatchObject({ valid: true, algorithm: 'sm2', digestAlgorithm: 'sm3' });
    const d = sm2.algorithm === 'sm2' ? sm2.sm2.d.toString(16).padStart(64, '0') : '';
    const rs = smCrypto.sm2.doSignature(Buffer.from(prepared.signedInfo).toString('utf8'), d, { hash: true });
    const bySmCrypto = prepared.finish(Buffer.from(rs, 'hex'), { der: sm2Cert.der, keyName: sm2Cert.serial });
    expect(verifyXml(bySmCrypto)).toMatchObject({ valid: true });
    expect(verifyXml(bySmCrypto.replace('金义', '金华'))).toMatchObject({ valid: false, reason: 'digest-mismatch' });
    const other = issueCertificate({ subject: { CN: 'x' }, key: generateKey('sm2') });
    expect(verifyXml(prepared.finish(der, { der: other.der, keyName: other.serial }))).toMatchObject({ valid: false, reason: 'signature-mismatch' });
  });
});
