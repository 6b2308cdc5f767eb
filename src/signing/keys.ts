// Software keys: SM2 (our own arithmetic, sm2.ts) and RSA (node:crypto). Keys come in as PKCS#8
// PEM — optionally encrypted — or SEC1 "EC PRIVATE KEY"; SM2 keys are recognised whether the
// algorithm identifier is id-ecPublicKey with the SM2 curve (what OpenSSL writes) or the SM2 OID.

import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { DerError, bitString, children, contents, decodeOid, expectTag, explicit, fromPem, integer, octets, oid, pem, readWhole, seq, type Tlv } from './der.js';
import type { SignatureAlgorithm } from './port.js';
import { decodeSm2Signature, encodeSm2Der, generateSm2Key, sm2PrivateKey, sm2PublicKey, sm2Sign, sm2Verify, type Sm2PrivateKey, type Sm2PublicKey } from './sm2.js';

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  sm2: '1.2.156.10197.1.301',
  sm2WithSm3: '1.2.156.10197.1.501',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

export type SoftwareKey = { readonly algorithm: 'sm2'; readonly sm2: Sm2PrivateKey } | { readonly algorithm: 'rsa'; readonly key: KeyObject };
export type PublicKey = { readonly algorithm: 'sm2'; readonly sm2: Sm2PublicKey } | { readonly algorithm: 'rsa'; readonly key: KeyObject };

export class KeyError extends Error {
  constructor(readonly reason: 'passphrase' | 'unsupported' | 'malformed', message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

export function generateKey(algorithm: SignatureAlgorithm): SoftwareKey {
  if (algorithm === 'sm2') return { algorithm, sm2: generateSm2Key() };
  return { algorithm, key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
}

/** Reads a private key: PKCS#8 PEM/DER (encrypted with `passphrase`) or SEC1 EC PEM. */
export function importPrivateKey(input: string | Uint8Array, passphrase?: string): SoftwareKey {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    if (!passphrase) throw new KeyError('passphrase', 'the private key is encrypted: a passphrase is needed');
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: text, format: 'pem', passphrase });
    } catch (e) {
      throw new KeyError('passphrase', `the private key could not be decrypted (wrong passphrase?): ${(e as Error).message}`);
    }
    try {
      return fromKeyObject(key);
    } catch (e) {
      if (e instanceof KeyError) throw e;
      throw new KeyError('malformed', `the private key could not be read: ${(e as Error).message}`);
    }
  }
  try {
    if (text.includes('-----BEGIN EC PRIVATE KEY-----')) return sm2FromSec1(fromPem(text, 'EC PRIVATE KEY'), undefined);
    if (text.includes('-----BEGIN RSA PRIVATE KEY-----')) return fromKeyObject(createPrivateKey(text));
    const der = typeof input === 'string' ? fromPem(input, 'PRIVATE KEY') : text.includes('-----BEGIN') ? fromPem(text, 'PRIVATE KEY') : input;
    return fromPkcs8(der);
  } catch (e) {
    if (e instanceof KeyError) throw e;
    throw new KeyError('malformed', `the private key could not be read: ${(e as Error).message}`);
  }
}

function fromKeyObject(key: KeyObject): SoftwareKey {
  if (key.asymmetricKeyType === 'rsa') return { algorithm: 'rsa', key };
  // OpenSSL 3 loads a key on the SM2 curve as its own SM2 type, which node:crypto does not name:
  // take the decrypted PKCS#8 and read it ourselves.
  if (key.asymmetricKeyType === undefined) return fromPkcs8(key.export({ type: 'pkcs8', format: 'der' }));
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'SM2') {
    const jwk = key.export({ format: 'jwk' });
    return { algorithm: 'sm2', sm2: sm2PrivateKey(Buffer.from(jwk.d!, 'base64url')) };
  }
  throw new KeyError('unsupported', `keys of type ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ' ' + key.asymmetricKeyDetails.namedCurve : ''} are not used for customs signatures (SM2 or RSA)`);
}

function fromPkcs8(der: Uint8Array): SoftwareKey {
  const top = readWhole(der);
  const [version, algId, keyOctets] = children(der, expectTag(top, 0x30, 'PrivateKeyInfo'));
  expectTag(version, 0x02, 'version');
  const [algOid, params] = children(der, expectTag(algId, 0x30, 'AlgorithmIdentifier'));
  const alg = decodeOid(contents(der, expectTag(algOid, 0x06, 'algorithm')));
  const curve = params?.tag === 0x06 ? decodeOid(contents(der, params)) : undefined;
  if (alg === OID.sm2 || (alg === OID.ecPublicKey && curve === OID.sm2)) return sm2FromSec1(contents(der, expectTag(keyOctets, 0x04, 'privateKey')), curve);
  if (alg === OID.rsaEncryption) return { algorithm: 'rsa', key: createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }) };
  if (alg === OID.ecPublicKey) throw new KeyError('unsupported', `EC keys on curve ${curve ?? '(unnamed)'} are not SM2 keys`);
  throw new KeyError('unsupported', `key algorithm ${alg} is neither SM2 nor RSA`);
}

/** SEC1 ECPrivateKey { version 1, privateKey OCTET STRING, [0] parameters, [1] publicKey }. */
function sm2FromSec1(der: Uint8Array, outerCurve: string | undefined): SoftwareKey {
  const top = readWhole(der);
  const parts = children(der, expectTag(top, 0x30, 'ECPrivateKey'));
  const d = contents(der, expectTag(parts[1], 0x04, 'privateKey'));
  const params = parts.find((p: Tlv) => p.tag === 0xa0);
  if (params) {
    const curve = decodeOid(contents(der, expectTag(children(der, params)[0], 0x06, 'namedCurve')));
    if (curve !== OID.sm2) throw new KeyError('unsupported', `EC key on curve ${curve} is not an SM2 key`);
  } else if (!outerCurve) throw new KeyError('unsupported', 'the EC key names no curve; SM2 was expected');
  return { algorithm: 'sm2', sm2: sm2PrivateKey(d) };
}

const d32 = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
const point = (p: Sm2PublicKey) => Buffer.concat([Buffer.from([4]), d32(p.x), d32(p.y)]);

/** PKCS#8 DER of an SM2 key, in the form OpenSSL writes (id-ecPublicKey with the SM2 curve). */
function sm2Pkcs8(k: Sm2PrivateKey): Uint8Array {
  const sec1 = seq(integer(1n), octets(d32(k.d)), explicit(1, bitString(point(k.publicKey))));
  return seq(integer(0n), seq(oid(OID.ecPublicKey), oid(OID.sm2)), octets(sec1));
}

/** PKCS#8 PEM, encrypted (PBES2, AES-256-CBC) when a passphrase is given. */
export function exportPrivateKey(key: SoftwareKey, passphrase?: string): string {
  const obj = key.algorithm === 'rsa' ? key.key : createPrivateKey({ key: Buffer.from(sm2Pkcs8(key.sm2)), format: 'der', type: 'pkcs8' });
  if (!passphrase) return key.algorithm === 'sm2' ? pem('PRIVATE KEY', sm2Pkcs8(key.sm2)) : (obj.export({ type: 'pkcs8', format: 'pem' }) as string);
  return obj.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
}

export function publicKeyOf(key: SoftwareKey): PublicKey {
  return key.algorithm === 'sm2' ? { algorithm: 'sm2', sm2: key.sm2.publicKey } : { algorithm: 'rsa', key: createPublicKey(key.key) };
}

export function spkiDer(pub: PublicKey): Uint8Array {
  if (pub.algorithm === 'rsa') return pub.key.export({ type: 'spki', format: 'der' });
  return seq(seq(oid(OID.ecPublicKey), oid(OID.sm2)), bitString(point(pub.sm2)));
}

/** A SubjectPublicKeyInfo (from a certificate) as a key we can verify with. */
export function publicKeyFromSpki(der: Uint8Array, spki: Tlv): PublicKey {
  const [algId, bits] = children(der, expectTag(spki, 0x30, 'SubjectPublicKeyInfo'));
  const [algOid, params] = children(der, expectTag(algId, 0x30, 'AlgorithmIdentifier'));
  const alg = decodeOid(contents(der, expectTag(algOid, 0x06, 'algorithm')));
  const curve = params?.tag === 0x06 ? decodeOid(contents(der, params)) : undefined;
  if (alg === OID.sm2 || (alg === OID.ecPublicKey && curve === OID.sm2)) {
    const b = contents(der, expectTag(bits, 0x03, 'subjectPublicKey'));
    if (b[0] !== 0) throw new DerError('public key bit string with unused bits');
    try {
      return { algorithm: 'sm2', sm2: sm2PublicKey(b.subarray(1)) };
    } catch (e) {
      throw new DerError(`SM2 public key: ${(e as Error).message}`);
    }
  }
  if (alg === OID.rsaEncryption) {
    try {
      return { algorithm: 'rsa', key: createPublicKey({ key: Buffer.from(der.subarray(spki.start, spki.end)), format: 'der', type: 'spki' }) };
    } catch (e) {
      // OpenSSL's own refusal of a damaged key (e.g. "invalid bit string bits left").
      throw new DerError(`RSA public key: ${(e as Error).message}`);
    }
  }
  throw new KeyError('unsupported', `public key algorithm ${alg}${curve ? ' on ' + curve : ''} is neither SM2 nor RSA`);
}

/** The bytes of ds:SignatureValue: SM2 with SM3 and the default ID, DER-encoded; RSA PKCS#1 v1.5 with SHA-1. */
export function signBytes(key: SoftwareKey, data: Uint8Array, rsaHash: 'sha1' | 'sha256' = 'sha1'): Uint8Array {
  return key.algorithm === 'sm2' ? encodeSm2Der(sm2Sign(key.sm2, data)) : nodeSign(rsaHash, data, key.key);
}

export function verifyBytes(pub: PublicKey, data: Uint8Array, signature: Uint8Array): boolean {
  if (pub.algorithm === 'rsa') {
    try {
      return nodeVerify('sha1', data, pub.key, signature);
    } catch {
      return false;
    }
  }
  const sig = decodeSm2Signature(signature);
  return sig !== null && sm2Verify(pub.sm2, data, sig);
}

export const sameKey = (a: PublicKey, b: PublicKey): boolean =>
  a.algorithm === 'sm2' && b.algorithm === 'sm2' ? a.sm2.x === b.sm2.x && a.sm2.y === b.sm2.y
    : a.algorithm === 'rsa' && b.algorithm === 'rsa' ? a.key.equals(b.key) : false;
