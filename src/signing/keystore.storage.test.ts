// The keystore on both databases: keys stored encrypted, found for signing, trusted by fingerprint,
// deactivated, duplicates and strangers refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { createRegistryService } from '../registry/index.js';
import { zoneProfiles } from '../zone/index.js';
import { demoEnterprises } from '../zone/demo.js';
import { createKeystore, type Keystore } from './keystore.js';
import { exportPrivateKey, generateKey, publicKeyOf, sameKey } from './keys.js';
import { certificatePem, issueCertificate } from './x509.js';
import type { Enterprise } from '../registry/model.js';

describe.each(adapters)('keystore on %s', (adapter) => {
  let t: TestStore;
  let keystore: Keystore;
  let e: Enterprise;
  const start = new Date();
  const clock = start;
  const days = (n: number) => new Date(start.getTime() + n * 86_400_000);
  const released: string[] = [];

  beforeAll(async () => {
    t = await openTestStore(adapter);
    const registry = createRegistryService({ store: t.store, zone: zoneProfiles.jinhua });
    await registry.importMany(demoEnterprises(zoneProfiles.jinhua).slice(0, 2), 'test');
    e = (await registry.list({ limit: 1 })).items[0]!;
    keystore = createKeystore({ store: t.store, secret: 'a test secret of some length', now: () => clock, cacheMs: 0, onSigningKey: (id) => released.push(id) });
  });
  afterAll(() => t?.dispose());

  it('stores an uploaded key encrypted and gives it back for signing; certificates alone only make signatures trusted', async () => {
    const key = generateKey('sm2');
    const cert = issueCertificate({ subject: { CN: e.nameZh }, key, notBefore: days(-1), days: 60 });
    expect(await keystore.signingMaterial(e.id)).toBeUndefined();
    const entry = await keystore.add(e.id, { certificate: certificatePem(cert), privateKey: exportPrivateKey(key) }, 'test');
    expect(released).toEqual([e.id]);
    const row = await t.store.db.selectFrom('signing_keys').select(['private_key']).where('id', '=', entry.id).executeTakeFirstOrThrow();
    expect(row.private_key).toContain('ENCRYPTED PRIVATE KEY');
    const material = await keystore.signingMaterial(e.id);
    expect(material && sameKey(publicKeyOf(material.key), publicKeyOf(key))).toBe(true);
    expect(await keystore.isRegistered(e.id, cert.fingerprint)).toBe(true);

    const deviceKey = generateKey('rsa');
    const deviceCert = issueCertificate({ subject: { CN: 'USB key' }, key: deviceKey });
    expect((await keystore.add(e.id, { certificate: Buffer.from(deviceCert.der).toString('base64') }, 'test')).platformSigns).toBe(false);
    expect(released).toHaveLength(1);
    expect(await keystore.isRegistered(e.id, deviceCert.fingerprint)).toBe(true);
    // The platform still signs with the key it holds, not with the device's certificate.
    expect((await keystore.signingMaterial(e.id))?.certificate.fingerprint).toBe(cert.fingerprint);
  });

  it('stops signing with a certificate once it expires or is deactivated', async () => {
    const [entry] = (await keystore.list(e.id)).filter((k) => k.platformSigns);
    // The same keystore seen 90 days on, after the certificate's end.
    const later = createKeystore({ store: t.store, secret: 'a test secret of some length', now: () => days(90), cacheMs: 0 });
    expect(await later.signingMaterial(e.id)).toBeUndefined();
    expect(await keystore.signingMaterial(e.id)).toBeDefined();
    await keystore.deactivate(e.id, entry!.id);
    expect(await keystore.signingMaterial(e.id)).toBeUndefined();
    expect(await keystore.isRegistered(e.id, entry!.fingerprint)).toBe(false);
    await expect(keystore.deactivate(e.id, 'no-such-key')).rejects.toMatchObject({ code: 'SIGNING_KEY_NOT_FOUND' });
  });

  it('refuses a duplicate certificate and an unknown enterprise, and writes nothing for them', async () => {
    const key = generateKey('sm2');
    const cert = issueCertificate({ subject: { CN: 'dup' }, key });
    await keystore.add(e.id, { certificate: certificatePem(cert) }, 'test');
    const before = (await keystore.list(e.id)).length;
    await expect(keystore.add(e.id, { certificate: certificatePem(cert) }, 'test')).rejects.toMatchObject({ code: 'SIGNING_CERT_DUPLICATE' });
    // Deactivated, the same certificate can be registered again: it comes back, now with its key.
    const entry = (await keystore.list(e.id)).find((k) => k.fingerprint === cert.fingerprint)!;
    await keystore.deactivate(e.id, entry.id);
    const back = await keystore.add(e.id, { certificate: certificatePem(cert), privateKey: exportPrivateKey(key) }, 'test');
    expect(back).toMatchObject({ id: entry.id, active: true, platformSigns: true });
    expect(await keystore.isRegistered(e.id, cert.fingerprint)).toBe(true);
    await expect(keystore.add('no-such-enterprise', { certificate: certificatePem(issueCertificate({ subject: { CN: 'x' }, key })) }, 'test')).rejects.toMatchObject({ code: 'ENTERPRISE_NOT_FOUND' });
    expect((await keystore.list(e.id)).length).toBe(before);
  });

  it('makes a demo key on request, marked as made by the platform', async () => {
    const entry = await keystore.generate(e.id, 'sm2', { CN: e.nameZh, O: e.uscc }, 'test');
    expect(entry).toMatchObject({ algorithm: 'sm2', source: 'platform', platformSigns: true });
    expect(entry.subject).toContain('not valid at customs');
    expect((await keystore.signingMaterial(e.id))?.entryId).toBe(entry.id);
  });
});
