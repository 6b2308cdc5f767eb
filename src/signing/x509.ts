// X.509 v3 certificates (RFC 5280; SM2 certificates per GM/T 0015): read the fields a signature
// check needs, check a certificate against its issuer, and issue certificates for demo and test
// keys. Real enterprise certificates come from the E-port data sub-centre.

import { createHash, randomBytes, verify as nodeVerify } from 'node:crypto';
import { DerError, bitString, children, contents, decodeOid, expectTag, explicit, fromPem, integer, oid, pem, printable, readWhole, seq, set, time, tlv, unsignedInteger, utf8 } from './der.js';
import { OID, publicKeyFromSpki, signBytes, spkiDer, publicKeyOf, type PublicKey, type SoftwareKey } from './keys.js';
import { decodeSm2Signature, sm2Verify } from './sm2.js';

export interface Certificate {
  readonly der: Uint8Array;
  /** Serial number in lower-case hex, as written into ds:KeyName. */
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: PublicKey;
  readonly signatureAlgorithm: string;
  /** SHA-256 of the DER, hex: how the keystore recognises a certificate. */
  readonly fingerprint: string;
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
}

const NAME_OIDS: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '1.2.840.113549.1.9.1': 'emailAddress',
};

function decodeString(tag: number, bytes: Uint8Array): string {
  if (tag === 0x1e) {
    // BMPString (UTF-16BE) — E-port certificates write Chinese names this way.
    let s = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return s;
  }
  return Buffer.from(bytes).toString(tag === 0x0c ? 'utf8' : 'latin1');
}

function readName(der: Uint8Array, name: ReturnType<typeof readWhole>): string {
  const parts: string[] = [];
  for (const rdn of children(der, expectTag(name, 0x30, 'Name'))) {
    for (const atv of children(der, expectTag(rdn, 0x31, 'RelativeDistinguishedName'))) {
      const [type, value] = children(der, expectTag(atv, 0x30, 'AttributeTypeAndValue'));
      const o = decodeOid(contents(der, expectTag(type, 0x06, 'attribute type')));
      if (!value) throw new DerError('attribute value expected');
      parts.push(`${NAME_OIDS[o] ?? o}=${decodeString(value.tag, contents(der, value))}`);
    }
  }
  return parts.join(', ');
}

function readTime(der: Uint8Array, t: ReturnType<typeof readWhole> | undefined): Date {
  if (!t || (t.tag !== 0x17 && t.tag !== 0x18)) throw new DerError('validity time expected');
  const s = Buffer.from(contents(der, t)).toString('latin1');
  const m = (t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/).exec(s);
  if (!m) throw new DerError(`bad time ${s}`);
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** Reads a certificate from PEM, Base64 (as in ds:X509Certificate) or DER. Throws DerError when malformed. */
export function readCertificate(input: string | Uint8Array): Certificate {
  const der = new Uint8Array(fromPem(input, 'CERTIFICATE'));
  const top = readWhole(der);
  const [tbsT, algT, sigT, extra] = children(der, expectTag(top, 0x30, 'Certificate'));
  if (extra) throw new DerError('unexpected element after the signature');
  const tbsEl = expectTag(tbsT, 0x30, 'TBSCertificate');
  const tbsParts = children(der, tbsEl);
  let i = tbsParts[0]?.tag === 0xa0 ? 1 : 0;
  const serialT = expectTag(tbsParts[i++], 0x02, 'serialNumber');
  const innerAlg = expectTag(tbsParts[i++], 0x30, 'signature algorithm');
  const issuerT = tbsParts[i++]!;
  const validity = children(der, expectTag(tbsParts[i++], 0x30, 'Validity'));
  const subjectT = tbsParts[i++]!;
  const spkiT = expectTag(tbsParts[i++], 0x30, 'SubjectPublicKeyInfo');
  const algOid = decodeOid(contents(der, expectTag(children(der, expectTag(algT, 0x30, 'AlgorithmIdentifier'))[0], 0x06, 'algorithm')));
  const innerOid = decodeOid(contents(der, expectTag(children(der, innerAlg)[0], 0x06, 'algorithm')));
  // RFC 5280 §4.1.1.2: the outer field (not signed) must equal the signed one, parameters included.
  if (algOid !== innerOid || Buffer.compare(der.subarray(algT!.start, algT!.end), der.subarray(innerAlg.start, innerAlg.end)) !== 0) {
    throw new DerError('the two signature algorithm fields differ');
  }
  const sigBits = contents(der, expectTag(sigT, 0x03, 'signatureValue'));
  if (sigBits[0] !== 0) throw new DerError('signature bit string with unused bits');
  return {
    der,
    serial: unsignedInteger(contents(der, serialT)).toString(16),
    issuer: readName(der, issuerT),
    subject: readName(der, subjectT),
    notBefore: readTime(der, validity[0]),
    notAfter: readTime(der, validity[1]),
    publicKey: publicKeyFromSpki(der, spkiT),
    signatureAlgorithm: algOid,
    fingerprint: createHash('sha256').update(der).digest('hex'),
    tbs: der.subarray(tbsEl.start, tbsEl.end),
    signature: sigBits.subarray(1),
    issuerDer: der.subarray(issuerT.start, issuerT.end),
    subjectDer: der.subarray(subjectT.start, subjectT.end),
  };
}

/** True when `issuer`'s key made `cert`'s signature (and the names chain). */
export function isIssuedBy(cert: Certificate, issuer: Certificate): boolean {
  if (Buffer.compare(cert.issuerDer, issuer.subjectDer) !== 0) return false;
  const key = issuer.publicKey;
  switch (cert.signatureAlgorithm) {
    case OID.sm2WithSm3: {
      if (key.algorithm !== 'sm2') return false;
      const sig = decodeSm2Signature(cert.signature);
      return sig !== null && sm2Verify(key.sm2, cert.tbs, sig);
    }
    case OID.sha1WithRsa:
    case OID.sha256WithRsa:
      try {
        return key.algorithm === 'rsa' && nodeVerify(cert.signatureAlgorithm === OID.sha1WithRsa ? 'sha1' : 'sha256', cert.tbs, key.key, cert.signature);
      } catch {
        return false;
      }
    default:
      return false;
  }
}

export const isSelfIssued = (c: Certificate): boolean => Buffer.compare(c.issuerDer, c.subjectDer) === 0;

export interface NameFields {
  readonly CN: string;
  readonly O?: string;
  readonly OU?: string;
  readonly C?: string;
}

function writeName(n: NameFields): Uint8Array {
  const rdn = (o: string, v: Uint8Array) => set(seq(oid(o), v));
  return seq(
    ...(n.C ? [rdn('2.5.4.6', printable(n.C))] : []),
    ...(n.O ? [rdn('2.5.4.10', utf8(n.O))] : []),
    ...(n.OU ? [rdn('2.5.4.11', utf8(n.OU))] : []),
    rdn('2.5.4.3', utf8(n.CN)),
  );
}

export interface IssueOptions {
  readonly subject: NameFields;
  /** The subject's key (its public half goes into the certificate). */
  readonly key: SoftwareKey;
  /** The issuing CA; omitted → self-signed with `key`. */
  readonly issuer?: { readonly certificate: Certificate; readonly key: SoftwareKey };
  readonly ca?: boolean;
  readonly notBefore?: Date;
  readonly days?: number;
  readonly serial?: bigint;
}

/** Issues a certificate (SM2 keys sign with SM2-SM3, RSA keys with SHA-256). Returns it read back. */
export function issueCertificate(o: IssueOptions): Certificate {
  const signer = o.issuer?.key ?? o.key;
  const alg = signer.algorithm === 'sm2' ? seq(oid(OID.sm2WithSm3)) : seq(oid(OID.sha256WithRsa), new Uint8Array([5, 0]));
  const from = o.notBefore ?? new Date(Date.now() - 60_000);
  const to = new Date(from.getTime() + (o.days ?? 365) * 86_400_000);
  const serial = o.serial ?? BigInt('0x' + randomBytes(8).toString('hex')) | 1n;
  const extensions = explicit(3, seq(
    seq(oid('2.5.29.19'), tlv(0x01, new Uint8Array([0xff])), tlv(0x04, seq(...(o.ca ? [tlv(0x01, new Uint8Array([0xff]))] : [])))),
    // keyUsage: digitalSignature + nonRepudiation for signers; keyCertSign + cRLSign for a CA.
    seq(oid('2.5.29.15'), tlv(0x01, new Uint8Array([0xff])), tlv(0x04, o.ca ? tlv(0x03, new Uint8Array([1, 0x06])) : tlv(0x03, new Uint8Array([6, 0xc0])))),
  ));
  const issuerName = o.issuer ? o.issuer.certificate.subjectDer : writeName(o.subject);
  const tbs = seq(explicit(0, integer(2n)), integer(serial), alg, issuerName, seq(time(from), time(to)), writeName(o.subject), spkiDer(publicKeyOf(o.key)), extensions);
  return readCertificate(seq(tbs, alg, bitString(signBytes(signer, tbs, 'sha256'))));
}

export const certificatePem = (c: Certificate): string => pem('CERTIFICATE', c.der);

export type CertificateCheck =
  | { readonly status: 'self-signed' | 'issued-by-anchor'; readonly anchor?: Certificate }
  | { readonly status: 'broken'; readonly detail: string }
  | { readonly status: 'issuer-unknown' };

/**
 * Whether the certificate is intact: a self-signed one must verify with its own key, one issued by
 * a known anchor with the anchor's key. An unknown issuer leaves its integrity unchecked (the
 * signature over the message still binds the key inside it).
 */
export function checkCertificate(cert: Certificate, anchors: readonly Certificate[] = []): CertificateCheck {
  if (isSelfIssued(cert)) return isIssuedBy(cert, cert) ? { status: 'self-signed' } : { status: 'broken', detail: 'the self-signed certificate does not verify with its own key' };
  const issuers = anchors.filter((a) => Buffer.compare(a.subjectDer, cert.issuerDer) === 0);
  if (!issuers.length) return { status: 'issuer-unknown' };
  const anchor = issuers.find((a) => isIssuedBy(cert, a));
  return anchor ? { status: 'issued-by-anchor', anchor } : { status: 'broken', detail: `the certificate does not verify with its issuer's key (${cert.issuer})` };
}
