// The keystore as Kysely sees it: a few certificates (and, for software keys, private keys) per
// enterprise. Private keys are stored as encrypted PKCS#8 under the platform's keystore secret.

export interface SigningKeyTable {
  id: string;
  enterprise_id: string;
  /** 'sm2' | 'rsa'. */
  algorithm: string;
  /** Certificate serial (hex): what ds:KeyName carries. */
  key_name: string;
  subject: string;
  issuer: string;
  not_before: string;
  not_after: string;
  /** SHA-256 of the certificate DER, hex; unique per enterprise. */
  fingerprint: string;
  /** Base64 DER. */
  certificate: string;
  /** Encrypted PKCS#8 PEM; null when only the certificate is registered (the key stays on a device). */
  private_key: string | null;
  /** 'upload' | 'platform' (issued by the platform's own demo CA: not valid at customs). */
  source: string;
  /** 1 or 0. */
  active: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface SigningTables {
  signing_keys: SigningKeyTable;
}
