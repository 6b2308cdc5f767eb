import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyError, exportPrivateKey, generateKey, importPrivateKey, publicKeyOf, sameKey, signBytes, verifyBytes } from './keys.js';
import { certificatePem, checkCertificate, isIssuedBy, issueCertificate, readCertificate } from './x509.js';

const dir = mkdtempSync(join(tmpdir(), 'silkgate-keys-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('software keys', () => {
  it('exports an SM2 key as PKCS#8 that OpenSSL reads as an SM2 key, and reads it back', () => {
    const key = generateKey('sm2');
    const pem = exportPrivateKey(key);
    writeFileSync(join(dir, 'sm2.pem'), pem);
    expect(openssl('pkey', '-in', join(dir, 'sm2.pem'), '-noout', '-text')).toMatch(/SM2/);
    const back = importPrivateKey(pem);
    expect(back.algorithm).toBe('sm2');
    expect(sameKey(publicKeyOf(back), publicKeyOf(key))).toBe(true);
  });

  it('reads an SM2 key made by OpenSSL, plain and encrypted, and refuses a wrong passphrase', () => {
    const plain = join(dir, 'ossl-sm2.pem');
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', plain);
    const enc = join(dir, 'ossl-sm2-enc.pem');
    openssl('pkcs8', '-topk8', '-in', plain, '-out', enc, '-v2', 'aes-256-cbc', '-passout', 'pass:口令-secret');
    const a = importPrivateKey(readFileSync(plain, 'utf8'));
    const b = importPrivateKey(readFileSync(enc, 'utf8'), '口令-secret');
    expect(a.algorithm).toBe('sm2');
    expect(sameKey(publicKeyOf(a), publicKeyOf(b))).toBe(true);
    expect(() => importPrivateKey(readFileSync(enc, 'utf8'))).toThrow(expect.objectContaining({ reason: 'passphrase' }));
    expect(() => importPrivateKey(readFileSync(enc, 'utf8'), 'wrong')).toThrow(expect.objectContaining({ reason: 'passphrase' }));
  });

  it('round-trips encrypted PKCS#8 for both algorithms', () => {
    for (const alg of ['sm2', 'rsa'] as const) {
      const key = generateKey(alg);
      const pem = exportPrivateKey(key, 'the platform secret');
      expect(pem).toContain('ENCRYPTED PRIVATE KEY');
      expect(sameKey(publicKeyOf(importPrivateKey(pem, 'the platform secret')), publicKeyOf(key))).toBe(true);
    }
  });

  it('refuses keys that are neither SM2 nor RSA, and garbage', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(() => importPrivateKey(p256)).toThrow(KeyError);
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(() => importPrivateKey(ed)).toThrow(expect.objectContaining({ reason: 'unsupported' }));
    expect(() => importPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toThrow(expect.objectContaining({ reason: 'malformed' }));
  });

  it('signs and verifies raw bytes; another key or other bytes fail', () => {
    for (const alg of ['sm2', 'rsa'] as const) {
      const key = generateKey(alg);
      const data = Buffer.from('<ds:SignedInfo>…</ds:SignedInfo>');
      const sig = signBytes(key, data);
      expect(verifyBytes(publicKeyOf(key), data, sig)).toBe(true);
      expect(verifyBytes(publicKeyOf(key), Buffer.from('other'), sig)).toBe(false);
      expect(verifyBytes(publicKeyOf(generateKey(alg)), data, sig)).toBe(false);
    }
  });
});

describe('certificates', () => {
  it('issues an SM2 certificate that OpenSSL parses and verifies with the standard SM2 ID', () => {
    const key = generateKey('sm2');
    const cert = issueCertificate({ subject: { CN: '义乌国际快递物流有限公司', O: 'Silkgate test', C: 'CN' }, key, days: 30 });
    const file = join(dir, 'sm2-cert.pem');
    writeFileSync(file, certificatePem(cert));
    const text = openssl('x509', '-in', file, '-noout', '-text', '-nameopt', 'utf8');
    expect(text).toMatch(/SM2-with-SM3|sm2sign-with-sm3/i);
    expect(text).toContain('义乌国际快递物流有限公司');
    expect(openssl('verify', '-CAfile', file, file)).toMatch(/OK/);
    expect(cert.serial).toBe(openssl('x509', '-in', file, '-noout', '-serial').trim().split('=')[1]!.toLowerCase().replace(/^0+/, ''));
    expect(checkCertificate(cert).status).toBe('self-signed');
  });

  it('issues an RSA certificate node:crypto accepts, and chains an issued certificate to its CA', () => {
    const caKey = generateKey('rsa');
    const ca = issueCertificate({ subject: { CN: 'Silkgate test CA' }, key: caKey, ca: true });
    const leafKey = generateKey('sm2');
    const leaf = issueCertificate({ subject: { CN: 'leaf' }, key: leafKey, issuer: { certificate: ca, key: caKey } });
    const x = new X509Certificate(Buffer.from(ca.der));
    expect(x.verify(createPublicKey(exportPrivateKey(caKey)))).toBe(true);
    expect(isIssuedBy(leaf, ca)).toBe(true);
    expect(isIssuedBy(leaf, leaf)).toBe(false);
    expect(checkCertificate(leaf).status).toBe('issuer-unknown');
    expect(checkCertificate(leaf, [ca]).status).toBe('issued-by-anchor');
    const otherCa = issueCertificate({ subject: { CN: 'Silkgate test CA' }, key: generateKey('rsa'), ca: true });
    expect(checkCertificate(leaf, [otherCa]).status).toBe('broken');
  });

  it('never throws on a damaged certificate: every byte of one changed in turn is refused or read', () => {
    for (const cert of [issueCertificate({ subject: { CN: 'r' }, key: generateKey('rsa') }), issueCertificate({ subject: { CN: 's' }, key: generateKey('sm2') })]) {
      for (let i = 0; i < cert.der.length; i++) {
        const bad = Buffer.from(cert.der);
        bad[i] = bad[i]! ^ 0x41;
        let read;
        try {
          read = readCertificate(bad);
        } catch (e) {
          expect((e as Error).name, `byte ${i}`).toMatch(/DerError|KeyError/);
          continue;
        }
        // Read, but changed: it no longer verifies with its own key (or no longer claims to be self-issued).
        expect(checkCertificate(read).status, `byte ${i}`).not.toBe('self-signed');
      }
    }
  });

  it('reads the official sample certificate (RSA, BMPString names) and refuses broken DER', () => {
    // The certificate printed in the 202205 spec's sample messages (ds:X509Certificate of CEB621Message.xml).
    const sample = readCertificate(SAMPLE_CERT);
    expect(sample.publicKey.algorithm).toBe('rsa');
    expect(sample.serial).toBe('9927');
    expect(sample.issuer).toContain('CN=');
    expect(() => readCertificate(SAMPLE_CERT.slice(0, 200))).toThrow();
    expect(() => readCertificate('not a certificate at all!')).toThrow();
  });
});

const SAMPLE_CERT = `MIIEWzCCA8SgAwIBAgIDAJknMA0GCSqGSIb3DQEBBQUAMHYxCzAJBgNVBAYTAmNuMREwDwYDVQQK
Hgh1NVtQU+NcuDENMAsGA1UECx4EAEMAQTENMAsGA1UECB4EUxdOrDEjMCEGA1UEAx4aTi1W/XU1
W1BT41y4ZXBjbk4tX8NfAFPRUzoxETAPBgNVBAceCE4cZblef1c6MB4XDTE1MDUxOTAwMDAwMFoX
DTQ5MTIwODAwMDAwMFowJTEjMCEGA1UEAx4aADEAM1P3W8aUpW1Li9VnDVKhVmhfAFPRUzowgZ8w
DQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBAKoQc7txXMb5VuXJnALpKQ1mAxFW2hxPwRhXY0mirNIL
2gLY2z7ysqRvkpSRzr3BEq97xWLlXkQDG1QnzvTvh1YQzrffARSlCy6dYJ3YgM+Bps2NsPXhw1Lk
vk0wn7LXAskEbwRgLihu1pH6/IGEocgeFusWTXT6B/ppTiEXL/87AgMBAAGjggJGMIICQjALBgNV
HQ8EBAMCBsAwCQYDVR0TBAIwADCBoAYDVR0jBIGYMIGVgBQsaDiQrlh9ryILr2BYMK/wvmRvlqF6
pHgwdjELMAkGA1UEBhMCY24xETAPBgNVBAoeCHU1W1BT41y4MQ0wCwYDVQQLHgQAQwBBMQ0wCwYD
VQQIHgRTF06sMSMwIQYDVQQDHhpOLVb9dTVbUFPjXLhlcGNuTi1fw18AU9FTOjERMA8GA1UEBx4I
ThxluV5/VzqCASUwHQYDVR0OBBYEFPcD90hfpSLKzuhaE3NvhU1xwHDAMEIGA1UdIAQ7MDkwNwYG
K4EHAQECMC0wKwYIKwYBBQUHAgEWH2h0dHA6Ly9jcHMuY2hpbmFwb3J0Lmdvdi5jbi9DUFMwQgYD
VR0fBDswOTA3oDWgM4YxaHR0cDovL2xkYXAuY2hpbmFwb3J0Lmdvdi5jbjo4MDg4L2R6a2EwMDAt
MTk2LmNybDA9BggrBgEFBQcBAQQxMC8wLQYIKwYBBQUHMAGGIWh0dHA6Ly9vY3NwLmNoaW5hcG9y
dC5nb3YuY246ODA4ODAqBgorBgEEAalDZAUBBBwWGtbQufq159fTv9qwtsr9vt3W0NDEv6q3osf4
MBoGCisGAQQBqUNkBQYEDBYKUzAyMDEyMDAzODAaBgorBgEEAalDZAUJBAwWClMwMjAxMjAwMzgw
EgYKKwYBBAGpQ2QCBAQEFgJDQTASBgorBgEEAalDZAIBBAQWAjE5MBMGBSpWCwcFBAoWCLXn19O/
2rC2MA0GCSqGSIb3DQEBBQUAA4GBAFqdOOqCs/0zfJj5NM3UPXzAK/yIyx6b8ZEQXuY/aojzE46Q
QXX1/N+G3DsKPvUhXQj1mAsZQeT0aMiUa1aNCd0P8p+PsfrB9E5oZnFhp4cLDkkuh2gx+MCFOHe2
oEbi2/nCZpvWRJ34id5szTIw1n96/nrrg2+qFk+ddFr0xRzz
`;
