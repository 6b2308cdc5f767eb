// The software keystore: per enterprise, the certificates it signs with and — when the platform is
// to sign for it — the private key, kept as PKCS#8 encrypted under the platform's keystore secret.
// Certificates alone (keys on a USB key or a crypto device) make incoming signatures trusted.

import type { Store } from '../db/store.js';
import { AppError, conflict, notFound } from '../kernel/errors.js';
import { newSeqId } from '../kernel/ids.js';
import { DerError, pem } from './der.js';
import { KeyError, exportPrivateKey, generateKey, importPrivateKey, publicKeyOf, sameKey, type SoftwareKey } from './keys.js';
import type { SignatureAlgorithm } from './port.js';
import type { SigningKeyTable } from './table.js';
import { issueCertificate, readCertificate, type Certificate } from './x509.js';

export interface KeyEntry {
  readonly id: string;
  readonly enterpriseId: string;
  readonly algorithm: SignatureAlgorithm;
  readonly keyName: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly fingerprint: string;
  /** The platform holds the private key and signs for the enterprise. */
  readonly platformSigns: boolean;
  readonly source: 'upload' | 'platform';
  readonly active: boolean;
  readonly createdAt: string;
  readonly certificatePem: string;
}

export interface AddKeyInput {
  /** PEM or Base64 DER. */
  readonly certificate: string;
  /** PKCS#8 PEM (optionally encrypted) or SEC1 EC PEM; omitted → certificate only. */
  readonly privateKey?: string;
  readonly passphrase?: string;
}

export interface SigningMaterial {
  readonly key: SoftwareKey;
  readonly certificate: Certificate;
  readonly entryId: string;
}

export interface KeystoreDeps {
  readonly store: Store;
  /** Encrypts private keys at rest. */
  readonly secret: string;
  readonly now?: () => Date;
  /** How long decrypted keys and registered certificates are trusted before they are read again (ms). */
  readonly cacheMs?: number;
  /** Told when an enterprise gains a key the platform can sign with (held declarations can go). */
  readonly onSigningKey?: (enterpriseId: string) => void;
}

const toEntry = (r: SigningKeyTable): KeyEntry => ({
  id: r.id,
  enterpriseId: r.enterprise_id,
  algorithm: r.algorithm as SignatureAlgorithm,
  keyName: r.key_name,
  subject: r.subject,
  issuer: r.issuer,
  notBefore: r.not_before,
  notAfter: r.not_after,
  fingerprint: r.fingerprint,
  platformSigns: r.private_key !== null,
  source: r.source as KeyEntry['source'],
  active: r.active === 1,
  createdAt: r.created_at,
  certificatePem: pem('CERTIFICATE', Buffer.from(r.certificate, 'base64')),
});

export type Keystore = ReturnType<typeof createKeystore>;

export function createKeystore({ store, secret, now = () => new Date(), cacheMs = 30_000, onSigningKey }: KeystoreDeps) {
  const { db } = store;
  const signing = new Map<string, { material: SigningMaterial | undefined; until: number }>();
  const registered = new Map<string, { fingerprints: Set<string>; until: number }>();
  const forget = (enterpriseId: string) => {
    signing.delete(enterpriseId);
    registered.delete(enterpriseId);
  };

  async function insert(enterpriseId: string, cert: Certificate, key: SoftwareKey | undefined, source: KeyEntry['source'], actor: string): Promise<KeyEntry> {
    const at = now().toISOString();
    const row: SigningKeyTable = {
      // Time-ordered ids: the newest key wins even when two were made in the same millisecond.
      id: newSeqId(), enterprise_id: enterpriseId, algorithm: cert.publicKey.algorithm, key_name: cert.serial,
      subject: cert.subject, issuer: cert.issuer, not_before: cert.notBefore.toISOString(), not_after: cert.notAfter.toISOString(),
      fingerprint: cert.fingerprint, certificate: Buffer.from(cert.der).toString('base64'),
      private_key: key ? exportPrivateKey(key, secret) : null, source, active: 1, created_by: actor, created_at: at, updated_at: at,
    };
    const dup = await db.selectFrom('signing_keys').selectAll().where('enterprise_id', '=', enterpriseId).where('fingerprint', '=', cert.fingerprint).executeTakeFirst();
    if (dup?.active === 1) throw conflict('SIGNING_CERT_DUPLICATE', { value: dup.id });
    if (dup) {
      // A deactivated certificate registered again comes back (with the key given now, if any).
      const back = { active: 1, updated_at: at, ...(row.private_key ? { private_key: row.private_key } : {}) };
      await db.updateTable('signing_keys').set(back).where('id', '=', dup.id).execute();
      forget(enterpriseId);
      const entry = toEntry({ ...dup, ...back });
      if (entry.platformSigns) onSigningKey?.(enterpriseId);
      return entry;
    }
    try {
      await db.insertInto('signing_keys').values(row).execute();
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw notFound('ENTERPRISE_NOT_FOUND', enterpriseId);
      if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw conflict('SIGNING_CERT_DUPLICATE', { value: cert.fingerprint.slice(0, 16) });
      throw err;
    }
    forget(enterpriseId);
    if (key) onSigningKey?.(enterpriseId);
    return toEntry(row);
  }

  return {
    /** Registers a certificate, with the private key when the platform is to sign for the enterprise. */
    async add(enterpriseId: string, input: AddKeyInput, actor: string): Promise<KeyEntry> {
      let cert: Certificate;
      try {
        cert = readCertificate(input.certificate.trim());
      } catch (e) {
        if (e instanceof DerError || e instanceof KeyError) throw new AppError('invalid', 'SIGNING_CERT_INVALID', { detail: e.message });
        throw e;
      }
      const at = now();
      if (at < cert.notBefore || at > cert.notAfter) {
        throw new AppError('invalid', 'SIGNING_CERT_NOT_VALID_NOW', { from: cert.notBefore.toISOString(), to: cert.notAfter.toISOString() });
      }
      let key: SoftwareKey | undefined;
      if (input.privateKey) {
        try {
          key = importPrivateKey(input.privateKey, input.passphrase);
        } catch (e) {
          if (e instanceof KeyError) throw new AppError('invalid', e.reason === 'passphrase' ? 'SIGNING_KEY_PASSPHRASE' : 'SIGNING_KEY_INVALID', { detail: e.message });
          throw e;
        }
        if (!sameKey(publicKeyOf(key), cert.publicKey)) throw new AppError('invalid', 'SIGNING_KEY_MISMATCH');
      }
      return insert(enterpriseId, cert, key, 'upload', actor);
    },

    /**
     * A new key and a self-signed certificate made by the platform: for the demo zone and for trying
     * the flow out. Customs accepts only certificates from the E-port data sub-centre.
     */
    async generate(enterpriseId: string, algorithm: SignatureAlgorithm, subject: { CN: string; O?: string }, actor: string): Promise<KeyEntry> {
      const key = generateKey(algorithm);
      const cert = issueCertificate({ subject: { ...subject, OU: 'Silkgate demo (not valid at customs)', C: 'CN' }, key, notBefore: new Date(now().getTime() - 60_000), days: 3 * 365 });
      return insert(enterpriseId, cert, key, 'platform', actor);
    },

    async list(enterpriseId: string): Promise<KeyEntry[]> {
      const rows = await db.selectFrom('signing_keys').selectAll().where('enterprise_id', '=', enterpriseId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toEntry);
    },

    async deactivate(enterpriseId: string, id: string): Promise<KeyEntry> {
      const at = now().toISOString();
      const res = await db.updateTable('signing_keys').set({ active: 0, updated_at: at }).where('id', '=', id).where('enterprise_id', '=', enterpriseId).executeTakeFirst();
      if (!res.numUpdatedRows) throw notFound('SIGNING_KEY_NOT_FOUND', id);
      forget(enterpriseId);
      const row = await db.selectFrom('signing_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return toEntry(row);
    },

    /** The newest active key the platform holds for the enterprise and whose certificate is valid now. */
    async signingMaterial(enterpriseId: string): Promise<SigningMaterial | undefined> {
      const t = now().getTime();
      const hit = signing.get(enterpriseId);
      if (hit && hit.until > t) return hit.material;
      const iso = new Date(t).toISOString();
      const row = await db.selectFrom('signing_keys').selectAll()
        .where('enterprise_id', '=', enterpriseId).where('active', '=', 1).where('private_key', 'is not', null)
        .where('not_before', '<=', iso).where('not_after', '>', iso)
        .orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
      const material = row ? { key: importPrivateKey(row.private_key!, secret), certificate: readCertificate(row.certificate), entryId: row.id } : undefined;
      // A missing key is looked for again sooner: it may be registered by another process.
      signing.set(enterpriseId, { material, until: t + (material ? cacheMs : Math.min(cacheMs, 5_000)) });
      return material;
    },

    /** Whether the certificate is registered (active) for the enterprise. */
    async isRegistered(enterpriseId: string, fingerprint: string): Promise<boolean> {
      const t = now().getTime();
      let hit = registered.get(enterpriseId);
      if (!hit || hit.until <= t) {
        const rows = await db.selectFrom('signing_keys').select('fingerprint').where('enterprise_id', '=', enterpriseId).where('active', '=', 1).execute();
        hit = { fingerprints: new Set(rows.map((r) => r.fingerprint)), until: t + cacheMs };
        registered.set(enterpriseId, hit);
      }
      return hit.fingerprints.has(fingerprint);
    },
  };
}
