// Enveloped XML-DSig as customs prescribes (spec 202205 §6, ceb-messages.md §4): the whole message
// minus its ds:Signature, canonicalised (C14N 1.0, no comments), digested with SM3 (or SHA-1); the
// SignedInfo canonicalised in place and signed with SM2-SM3 (or RSA-SHA1); KeyInfo names the
// certificate by serial and carries it. Import messages put the Signature last; export messages
// put it before ExtendMessage (their XSDs order the two the other way round).

import { createHash } from 'node:crypto';
import { DS_NS, messages } from '../ceb/catalogue.js';
import { XmlError } from '../ceb/xml/reader.js';
import { canonicalDocument, canonicalElement, childElement, escapeText, parseForC14n, textOf, type CDocument, type CElement } from './c14n.js';
import { DerError } from './der.js';
import { KeyError, signBytes, verifyBytes, type SoftwareKey } from './keys.js';
import { SignerError, type SignatureAlgorithm, type Signer, type SignerCertificate } from './port.js';
import { decodeSm2Signature } from './sm2.js';
import { readCertificate, type Certificate } from './x509.js';

export const URI = {
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  sm2sm3: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3',
  sm3: 'http://www.chinaport.gov.cn/2022/04/xmldsig#sm3',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
} as const;

const SIGNATURE_METHODS: Record<string, SignatureAlgorithm> = { [URI.sm2sm3]: 'sm2', [URI.rsaSha1]: 'rsa' };
const DIGEST_METHODS: Record<string, 'sm3' | 'sha1'> = { [URI.sm3]: 'sm3', [URI.sha1]: 'sha1' };
const METHODS: Record<SignatureAlgorithm, { signature: string; digest: string; hash: 'sm3' | 'sha1' }> = {
  sm2: { signature: URI.sm2sm3, digest: URI.sm3, hash: 'sm3' },
  rsa: { signature: URI.rsaSha1, digest: URI.sha1, hash: 'sha1' },
};

/**
 * SM2 signature values go into the message as raw r||s, 64 bytes: the form the E-port client's
 * card returns (Weasley-J/chinaport-data-signature README, a real SM2 call), hence the form customs
 * receives from every enterprise; verification also takes DER (GB/T 35276-2017 §7.3).
 */
function valueForXml(algorithm: SignatureAlgorithm, value: Uint8Array): Uint8Array {
  if (algorithm !== 'sm2') return value;
  const sig = decodeSm2Signature(value);
  if (!sig) throw new SignerError('bad-response', `the signer returned ${value.length} bytes that are neither DER nor r||s`);
  const hex = sig.r.toString(16).padStart(64, '0') + sig.s.toString(16).padStart(64, '0');
  return Buffer.from(hex, 'hex');
}

const digest = (hash: 'sm3' | 'sha1', text: string) => createHash(hash).update(text, 'utf8').digest('base64');

function signatureOf(root: CElement): CElement | undefined {
  let found: CElement | undefined;
  for (const c of root.children) {
    if (c.kind === 'element' && c.ns === DS_NS && c.local === 'Signature') {
      if (found) throw new XmlError('XML_MALFORMED', 'more than one ds:Signature in the message', 0);
      found = c;
    }
  }
  return found;
}

/** Where the Signature goes: before ExtendMessage in export messages, last otherwise. */
function insertionPoint(doc: CDocument): number {
  const root = doc.root;
  if (messages.get(root.local)?.direction === 'export') {
    const extend = childElement(root, root.ns, 'ExtendMessage');
    if (extend) return extend.start;
  }
  return doc.src.lastIndexOf('</', root.end);
}

export interface PreparedSignature {
  /** The canonical SignedInfo: what the signer signs. */
  readonly signedInfo: Uint8Array;
  /** The signed message, given the signature value and the certificate. */
  finish(signatureValue: Uint8Array, certificate: SignerCertificate): string;
}

/**
 * Digests the message (replacing any Signature it already has) and builds the SignedInfo. The
 * SignedInfo is canonicalised inside a copy of the root's start tag, so it inherits exactly the
 * namespaces (and xml:* attributes) it will have in the finished message.
 */
export function prepareSignature(xml: string | Uint8Array, algorithm: SignatureAlgorithm): PreparedSignature {
  const doc = parseForC14n(xml);
  const old = signatureOf(doc.root);
  const m = METHODS[algorithm];
  const digestValue = digest(m.hash, canonicalDocument(doc, old));
  let at = insertionPoint(doc);
  let text = doc.src;
  if (old) {
    text = text.slice(0, old.start) + text.slice(old.end);
    if (at >= old.end) at -= old.end - old.start;
  }
  const signedInfo =
    `<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${URI.c14n}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${m.signature}"></ds:SignatureMethod><ds:Reference URI=""><ds:Transforms>` +
    `<ds:Transform Algorithm="${URI.enveloped}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${m.digest}"></ds:DigestMethod><ds:DigestValue>${digestValue}</ds:DigestValue></ds:Reference></ds:SignedInfo>`;
  const open = `<ds:Signature xmlns:ds="${DS_NS}">`;
  const context = parseForC14n(doc.src.slice(doc.root.start, doc.root.contentStart) + open + signedInfo + `</ds:Signature></${doc.root.qname}>`);
  const canonical = canonicalElement(childElement(childElement(context.root, DS_NS, 'Signature')!, DS_NS, 'SignedInfo')!);
  return {
    signedInfo: Buffer.from(canonical, 'utf8'),
    finish(value, cert) {
      const signature = `${open}${signedInfo}<ds:SignatureValue>${Buffer.from(valueForXml(algorithm, value)).toString('base64')}</ds:SignatureValue>` +
        `<ds:KeyInfo><ds:KeyName>${escapeText(cert.keyName)}</ds:KeyName><ds:X509Data><ds:X509Certificate>` +
        `${Buffer.from(cert.der).toString('base64')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`;
      return text.slice(0, at) + signature + text.slice(at);
    },
  };
}


/** Signs with any Signer (software key, E-port client control, crypto device). */
export async function signXml(xml: string | Uint8Array, signer: Signer): Promise<string> {
  const prepared = prepareSignature(xml, signer.algorithm);
  const [value, cert] = await Promise.all([signer.sign(prepared.signedInfo), signer.certificate()]);
  return prepared.finish(value, cert);
}

/** Signs with a software key in the same turn (the platform's own path). */
export function signXmlWithKey(xml: string | Uint8Array, key: SoftwareKey, certificate: Certificate): string {
  const prepared = prepareSignature(xml, key.algorithm);
  return prepared.finish(signBytes(key, prepared.signedInfo), { der: certificate.der, keyName: certificate.serial });
}

export type VerifyFailure = 'malformed' | 'unsigned' | 'unsupported-algorithm' | 'digest-mismatch' | 'signature-mismatch' | 'certificate';

export interface VerifyReport {
  readonly valid: boolean;
  readonly algorithm?: SignatureAlgorithm;
  readonly digestAlgorithm?: 'sm3' | 'sha1';
  readonly certificate?: Certificate;
  readonly keyName?: string;
  readonly reason?: VerifyFailure;
  /** Why, in English (the CLI and the refusal add their own words). */
  readonly detail?: string;
}

const fail = (reason: VerifyFailure, detail: string, extra: Partial<VerifyReport> = {}): VerifyReport => ({ valid: false, reason, detail, ...extra });

/** Checks the enveloped signature of a message. Trust in the certificate is the caller's decision. */
export function verifyXml(xml: string | Uint8Array): VerifyReport {
  let doc: CDocument;
  let sig: CElement | undefined;
  try {
    doc = parseForC14n(xml);
    sig = signatureOf(doc.root);
  } catch (e) {
    if (e instanceof XmlError) return fail('malformed', `not well-formed XML: ${e.message}`);
    throw e;
  }
  if (!sig) return fail('unsigned', 'the message has no ds:Signature');
  const el = (parent: CElement | undefined, name: string) => (parent ? childElement(parent, DS_NS, name) : undefined);
  const algorithmOf = (e: CElement | undefined) => e?.attrs.find((a) => a.ns === '' && a.local === 'Algorithm')?.value;
  const signedInfo = el(sig, 'SignedInfo');
  if (!signedInfo) return fail('malformed', 'ds:SignedInfo is missing');
  const c14n = algorithmOf(el(signedInfo, 'CanonicalizationMethod'));
  if (c14n !== URI.c14n) return fail('unsupported-algorithm', `canonicalisation ${c14n ?? '(none)'} is not ${URI.c14n}`);
  const sigMethod = algorithmOf(el(signedInfo, 'SignatureMethod'));
  const algorithm = sigMethod ? SIGNATURE_METHODS[sigMethod] : undefined;
  if (!algorithm) return fail('unsupported-algorithm', `signature method ${sigMethod ?? '(none)'} is neither ${URI.sm2sm3} nor ${URI.rsaSha1}`);
  const refs = signedInfo.children.filter((c): c is CElement => c.kind === 'element' && c.ns === DS_NS && c.local === 'Reference');
  if (refs.length !== 1) return fail('malformed', `one ds:Reference expected, found ${refs.length}`, { algorithm });
  const ref = refs[0]!;
  const uri = ref.attrs.find((a) => a.ns === '' && a.local === 'URI')?.value;
  if (uri !== '') return fail('unsupported-algorithm', `the reference must cover the whole message (URI=""), found ${uri === undefined ? 'no URI' : `URI="${uri}"`}`, { algorithm });
  const transforms = (el(ref, 'Transforms')?.children ?? []).filter((c): c is CElement => c.kind === 'element').map(algorithmOf);
  if (!transforms.includes(URI.enveloped)) return fail('unsupported-algorithm', 'the enveloped-signature transform is missing', { algorithm });
  const other = transforms.findIndex((t) => t !== URI.enveloped && t !== URI.c14n);
  if (other >= 0) return fail('unsupported-algorithm', `transform ${transforms[other] ?? '(without Algorithm)'} is not supported`, { algorithm });
  const digestUri = algorithmOf(el(ref, 'DigestMethod'));
  const digestAlgorithm = digestUri ? DIGEST_METHODS[digestUri] : undefined;
  if (!digestAlgorithm) return fail('unsupported-algorithm', `digest method ${digestUri ?? '(none)'} is neither ${URI.sm3} nor ${URI.sha1}`, { algorithm });
  // The spec pairs them (§6.2.1.2–3): SM2-SM3 with SM3, RSA-SHA1 with SHA-1.
  if (digestAlgorithm !== METHODS[algorithm].hash) return fail('unsupported-algorithm', `digest method ${digestUri} does not go with signature method ${sigMethod}`, { algorithm, digestAlgorithm });
  const digestEl = el(ref, 'DigestValue');
  const valueEl = el(sig, 'SignatureValue');
  const certEl = el(el(el(sig, 'KeyInfo'), 'X509Data'), 'X509Certificate');
  if (!digestEl || !valueEl) return fail('malformed', 'ds:DigestValue or ds:SignatureValue is missing', { algorithm, digestAlgorithm });
  if (!certEl) return fail('certificate', 'ds:KeyInfo carries no ds:X509Certificate', { algorithm, digestAlgorithm });
  const keyNameEl = el(el(sig, 'KeyInfo'), 'KeyName');
  const keyName = keyNameEl ? textOf(keyNameEl).trim() : undefined;
  let certificate: Certificate;
  try {
    certificate = readCertificate(textOf(certEl));
  } catch (e) {
    if (e instanceof DerError || e instanceof KeyError) return fail('certificate', `the certificate cannot be read: ${e.message}`, { algorithm, digestAlgorithm });
    throw e;
  }
  const base = { algorithm, digestAlgorithm, certificate, ...(keyName !== undefined ? { keyName } : {}) };
  if (certificate.publicKey.algorithm !== algorithm) return fail('signature-mismatch', `the certificate holds an ${certificate.publicKey.algorithm.toUpperCase()} key but the signature method is ${algorithm.toUpperCase()}`, base);
  const expected = digest(digestAlgorithm, canonicalDocument(doc, sig));
  const found = textOf(digestEl).replace(/\s+/g, '');
  if (found !== expected) return fail('digest-mismatch', `the message content does not match the signed digest (expected ${expected}, found ${found})`, base);
  const value = textOf(valueEl).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return fail('malformed', 'ds:SignatureValue is not Base64', base);
  const ok = verifyBytes(certificate.publicKey, Buffer.from(canonicalElement(signedInfo), 'utf8'), Buffer.from(value, 'base64'));
  if (!ok) return fail('signature-mismatch', 'the signature value does not match the SignedInfo and the certificate', base);
  return { valid: true, ...base };
}
