// The Signer port: whatever holds the private key (a software keystore, the E-port client control
// with its USB key, later a server crypto device) signs the canonical SignedInfo bytes and names
// its certificate. The XML-DSig layer (dsig.ts) never sees key material.

export type SignatureAlgorithm = 'sm2' | 'rsa';

export interface SignerCertificate {
  /** The X.509 certificate, DER. */
  readonly der: Uint8Array;
  /** What goes into ds:KeyName: the certificate serial (hex, as issued) or the key's certificate number. */
  readonly keyName: string;
}

export interface Signer {
  readonly algorithm: SignatureAlgorithm;
  certificate(): Promise<SignerCertificate>;
  /**
   * Signs `data` (the canonical SignedInfo) and returns the signature value: for sm2 the
   * SM3-with-Z (ID 1234567812345678) signature, either raw r||s (64 bytes, what the E-port client
   * returns) or DER SEQUENCE { r, s } — the XML layer writes it in the form customs receives; for
   * rsa the PKCS#1 v1.5 signature over SHA-1.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
  close?(): Promise<void>;
}

/** Raised by a signer that cannot sign now (device absent, wrong PIN, refused); `reason` is stable. */
export class SignerError extends Error {
  constructor(readonly reason: 'unavailable' | 'refused' | 'bad-response' | 'timeout', message: string) {
    super(message);
    this.name = 'SignerError';
  }
}
