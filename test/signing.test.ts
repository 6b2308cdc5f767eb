// Signing in the platform, over HTTP: the keystore API, declarations signed with the declarant's
// key on their way to customs (the simulator checks the signature as customs does), held while
// no key exists, and incoming signed messages verified — refused whole with DXP 1001 when bad.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../src/platform.js';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import { writeMessage } from '../src/ceb/codec.js';
import { wrap } from '../src/ceb/dxp.js';
import type { Enterprise } from '../src/registry/model.js';
import { ITEM_RECORDS, parcel, type Parties } from './support/parcels.js';
import { inventoryMessage } from './support/ceb-models.js';
import { signXmlWithKey, verifyXml } from '../src/signing/dsig.js';
import type { OutboundMessage } from '../src/clearance/gateway/port.js';
import { exportPrivateKey, generateKey } from '../src/signing/keys.js';
import { certificatePem, issueCertificate } from '../src/signing/x509.js';
import { createSignatureCheck } from '../src/signing/intake.js';
import { parseXmlSubmission } from '../src/clearance/parse.js';
import { createKeystore, type Keystore } from '../src/signing/keystore.js';

let platform: Platform;
let app: FastifyInstance;
let admin: string;
const tokens = new Map<string, string>();
let parties: Parties;
let harness: ClearanceHarness;

const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const tokenOf = (e: Enterprise) => tokens.get(e.id)!;
const postXml = (e: Enterprise, xml: string) => app.inject({ method: 'POST', url: '/api/v1/messages', payload: xml, headers: { 'content-type': 'application/xml', ...auth(tokenOf(e)) } });
const keysUrl = (e: Enterprise) => `/api/v1/enterprises/${e.id}/signing-keys`;
const status = (kind: string, key: string) => app.inject({ url: `/api/v1/status/${kind}/${encodeURIComponent(key)}`, headers: auth(admin) });

async function fileParcel(x: ReturnType<typeof parcel>) {
  for (const [e, type, model] of [[parties.ebp, 'CEB311Message', x.order], [parties.payment, 'CEB411Message', x.payment], [parties.logistics, 'CEB511Message', x.waybill]] as const) {
    const r = await postXml(e, writeMessage(type, model));
    expect(r.statusCode).toBe(200);
  }
  await platform.pipeline.drain();
  const order = (await status('order', `${parties.ebp.customsCode}:${x.orderNo}`)).json();
  return (await status('inventory', order.match.inventoryId)).json();
}

beforeAll(async () => {
  harness = await startClearance();
  ({ platform, app, admin } = harness);
  const pick = harness.enterprise;
  parties = { ebp: await pick('义乌小商品跨境电商平台'), ebc: await pick('金义综保区美妆进口'), payment: await pick('浙江金义支付'), logistics: await pick('义乌国际快递') };
  for (const e of Object.values(parties)) tokens.set(e.id, harness.token(e));
  await app.inject({ method: 'PUT', url: '/api/v1/item-records', payload: { items: ITEM_RECORDS }, headers: auth(tokenOf(parties.ebc)) });
});
afterAll(() => harness?.close());

describe('keystore API', () => {
  it('registers a certificate with its encrypted key, lists it without the key, refuses what does not fit', async () => {
    const key = generateKey('sm2');
    const cert = issueCertificate({ subject: { CN: parties.logistics.nameZh }, key });
    const add = await app.inject({
      method: 'POST', url: keysUrl(parties.logistics), headers: auth(tokenOf(parties.logistics)),
      payload: { certificate: certificatePem(cert), privateKey: exportPrivateKey(key, '企业口令'), passphrase: '企业口令' },
    });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({ algorithm: 'sm2', keyName: cert.serial, platformSigns: true, source: 'upload', active: true, fingerprint: cert.fingerprint });
    const list = await app.inject({ url: keysUrl(parties.logistics), headers: auth(tokenOf(parties.logistics)) });
    expect(list.json().map((k: { keyName: string }) => k.keyName)).toContain(cert.serial);
    expect(list.body).not.toMatch(/PRIVATE KEY/);

    const again = await app.inject({ method: 'POST', url: keysUrl(parties.logistics), headers: auth(tokenOf(parties.logistics)), payload: { certificate: certificatePem(cert) } });
    expect(again.statusCode).toBe(409);
    const other = generateKey('sm2');
    const mismatch = await app.inject({ method: 'POST', url: keysUrl(parties.logistics), headers: auth(tokenOf(parties.logistics)), payload: { certificate: certificatePem(issueCertificate({ subject: { CN: 'x' }, key: other })), privateKey: exportPrivateKey(key) } });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error.code).toBe('SIGNING_KEY_MISMATCH');
    const wrongPass = await app.inject({ method: 'POST', url: keysUrl(parties.logistics), headers: auth(tokenOf(parties.logistics)), payload: { certificate: certificatePem(issueCertificate({ subject: { CN: 'y' }, key: other })), privateKey: exportPrivateKey(other, 'a'), passphrase: 'b' } });
    expect(wrongPass.json().error.code).toBe('SIGNING_KEY_PASSPHRASE');
    const garbage = await app.inject({ method: 'POST', url: keysUrl(parties.logistics), headers: auth(tokenOf(parties.logistics)), payload: { certificate: 'MIIB' } });
    expect(garbage.json().error.code).toBe('SIGNING_CERT_INVALID');
    const expired = issueCertificate({ subject: { CN: 'old' }, key: other, notBefore: new Date('2020-01-01'), days: 30 });
    expect((await app.inject({ method: 'POST', url: keysUrl(parties.logistics), headers: auth(tokenOf(parties.logistics)), payload: { certificate: certificatePem(expired) } })).json().error.code).toBe('SIGNING_CERT_NOT_VALID_NOW');
  });

  it('keeps enterprises to their own keys; only the operator generates demo keys', async () => {
    expect((await app.inject({ url: keysUrl(parties.ebc), headers: auth(tokenOf(parties.logistics)) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `${keysUrl(parties.ebc)}/generate`, headers: auth(tokenOf(parties.ebc)), payload: {} })).statusCode).toBe(403);
    expect((await app.inject({ url: keysUrl(parties.ebc) })).statusCode).toBe(401);
  });
});

describe('declarations leave signed', () => {
  it('a built CEB621 is signed with the declarant\'s key, verified by the simulated customs and released', async () => {
    const inv = await fileParcel(parcel(parties));
    expect(inv.state).toBe('closed');
    const sent = inv.history.find((h: { subject: string; to: string }) => h.subject === 'inventory' && h.to === 'sent');
    const keys = (await app.inject({ url: keysUrl(parties.ebc), headers: auth(admin) })).json();
    expect(sent.cause.message.en).toContain(`signed with certificate ${keys[0].keyName} (SM2-SM3)`);
    expect(sent.cause.message['zh-CN']).toContain('加签');
  });

  it('waits while the declarant has no key, says why, and goes once a key is registered', async () => {
    for (const k of (await app.inject({ url: keysUrl(parties.ebc), headers: auth(admin) })).json()) {
      expect((await app.inject({ method: 'DELETE', url: `${keysUrl(parties.ebc)}/${k.id}`, headers: auth(admin) })).statusCode).toBe(200);
    }
    const x = parcel(parties);
    const held = await fileParcel(x);
    expect(held.state).toBe('send_failed');
    const why = held.history.find((h: { to: string }) => h.to === 'send_failed');
    expect(why.cause.message['zh-CN']).toContain('尚未登记签名密钥');
    expect(why.cause.message.en).toContain('No signing key is registered');
    const gen = await app.inject({ method: 'POST', url: `${keysUrl(parties.ebc)}/generate`, headers: auth(admin), payload: { algorithm: 'rsa' } });
    expect(gen.statusCode).toBe(201);
    await platform.pipeline.retryHeld();
    await platform.pipeline.drain();
    const order = (await status('order', `${parties.ebp.customsCode}:${x.orderNo}`)).json();
    const after = (await status('inventory', order.match.inventoryId)).json();
    expect(after.state).toBe('closed');
    expect(after.history.find((h: { to: string; from: string }) => h.to === 'sent' && h.from === 'send_failed').cause.message.en).toContain('(RSA-SHA1)');
  });
});

describe('a key the platform cannot open', () => {
  it('holds that declarant\'s lists with the reason and keeps sending everyone else\'s', async () => {
    for (const k of (await app.inject({ url: keysUrl(parties.ebc), headers: auth(admin) })).json()) {
      if (k.active) await app.inject({ method: 'DELETE', url: `${keysUrl(parties.ebc)}/${k.id}`, headers: auth(admin) });
    }
    // Stored under another keystore secret (a CLI run without the server's SILKGATE_KEYSTORE_SECRET).
    const elsewhere = createKeystore({ store: platform.store, secret: 'another secret, not the server one' });
    await elsewhere.generate(parties.ebc.id, 'sm2', { CN: 'x' }, 'test');
    const x = parcel(parties);
    const inv = await fileParcel(x);
    expect(inv.state).toBe('send_failed');
    expect(inv.history.find((h: { to: string }) => h.to === 'send_failed').cause.message.en).toContain('could not be decrypted');
    const order = (await status('order', `${parties.ebp.customsCode}:${x.orderNo}`)).json();
    expect(order.receipts.length).toBeGreaterThan(0);
    // Retire the key it cannot open; the tests that follow register their own.
    for (const k of (await app.inject({ url: keysUrl(parties.ebc), headers: auth(admin) })).json()) {
      if (k.active) await app.inject({ method: 'DELETE', url: `${keysUrl(parties.ebc)}/${k.id}`, headers: auth(admin) });
    }
  });
});

describe('a list the declarant signs itself (USB key: the platform holds only the certificate)', () => {
  it('is kept as filed and sent to customs with the declarant\'s own signature', async () => {
    // No key the platform could sign with: only a certificate, as with a card in the E-port client.
    for (const k of (await app.inject({ url: keysUrl(parties.ebc), headers: auth(admin) })).json()) {
      if (k.active) await app.inject({ method: 'DELETE', url: `${keysUrl(parties.ebc)}/${k.id}`, headers: auth(admin) });
    }
    const card = generateKey('sm2');
    const cardCert = issueCertificate({ subject: { CN: parties.ebc.nameZh }, key: card });
    expect((await app.inject({ method: 'POST', url: keysUrl(parties.ebc), headers: auth(tokenOf(parties.ebc)), payload: { certificate: certificatePem(cardCert) } })).statusCode).toBe(201);
    const x = parcel(parties);
    const list = signXmlWithKey(writeMessage('CEB621Message', inventoryMessage(x, parties.ebc, `CARD${Date.now()}`.slice(0, 20))), card, cardCert);
    const sent: OutboundMessage[] = [];
    const send = platform.gateway.send.bind(platform.gateway);
    platform.gateway.send = async (ms) => { sent.push(...ms); return send(ms); };
    try {
      // The order first (a list names it), then the declarant's list, then payment and waybill.
      expect((await postXml(parties.ebp, writeMessage('CEB311Message', x.order))).statusCode).toBe(200);
      const filed = await postXml(parties.ebc, list);
      expect(filed.json().receipts[0].status).toBe('accepted');
      expect((await postXml(parties.payment, writeMessage('CEB411Message', x.payment))).statusCode).toBe(200);
      expect((await postXml(parties.logistics, writeMessage('CEB511Message', x.waybill))).statusCode).toBe(200);
      await platform.pipeline.drain();
      const order = (await status('order', `${parties.ebp.customsCode}:${x.orderNo}`)).json();
      const inv = (await status('inventory', order.match.inventoryId)).json();
      expect(inv.state).toBe('closed');
      const out = sent.find((m) => m.messageType === 'CEB621Message' && m.xml?.includes(x.orderNo));
      expect(out?.xml).toBe(list);
      expect(verifyXml(out!.xml!).certificate?.fingerprint).toBe(cardCert.fingerprint);
    } finally {
      platform.gateway.send = send;
    }
  });
});

describe('incoming signed messages', () => {
  const key = generateKey('sm2');
  const cert = issueCertificate({ subject: { CN: '义乌小商品跨境电商平台' }, key });

  it('accepts a message signed with a registered certificate, in an envelope too', async () => {
    const add = await app.inject({ method: 'POST', url: keysUrl(parties.ebp), headers: auth(tokenOf(parties.ebp)), payload: { certificate: certificatePem(cert) } });
    expect(add.json()).toMatchObject({ platformSigns: false });
    const x = parcel(parties);
    const signed = signXmlWithKey(writeMessage('CEB311Message', x.order), key, cert);
    const sent: OutboundMessage[] = [];
    const send = platform.gateway.send.bind(platform.gateway);
    platform.gateway.send = async (ms) => { sent.push(...ms); return send(ms); };
    const r = await postXml(parties.ebp, signed);
    expect(r.statusCode).toBe(200);
    expect(r.json().receipts[0].status).toBe('accepted');
    // Forwarded to customs byte for byte, so the filer's signature still verifies there.
    await platform.pipeline.drain();
    platform.gateway.send = send;
    const forwarded = sent.find((m) => m.messageType === 'CEB311Message' && m.xml?.includes(x.orderNo));
    expect(forwarded?.xml).toBe(signed);
    expect(verifyXml(forwarded!.xml!).valid).toBe(true);
    const y = parcel(parties);
    const env = wrap(signXmlWithKey(writeMessage('CEB311Message', y.order), key, cert), { senderId: parties.ebp.dxpId! });
    expect((await postXml(parties.ebp, env)).statusCode).toBe(200);
  });

  it('refuses a signed message the reader would have to repair (it would reach customs unrepaired)', async () => {
    const x = parcel(parties);
    // A field given twice: the tolerant reader keeps the first and warns; signed, the bytes go on as they are.
    const twice = writeMessage('CEB311Message', x.order).replace(/(<ceb:acturalPaid>[^<]*<\/ceb:acturalPaid>)/, '$1<ceb:acturalPaid>1.00</ceb:acturalPaid>');
    const r = await postXml(parties.ebp, signXmlWithKey(twice, key, cert));
    expect(r.statusCode).toBe(400);
    expect((await status('order', `${parties.ebp.customsCode}:${x.orderNo}`)).statusCode).toBe(404);
    // Unsigned, the same message is read tolerantly as before.
    expect((await postXml(parties.ebp, twice)).statusCode).toBe(200);
  });

  it.each([
    ['a changed byte of content', (s: string) => s.replace('<ceb:orderNo>', '<ceb:orderNo>X'), 'SIGNATURE_INVALID'],
    ['a certificate not registered to the sender', (s: string) => {
      const stranger = generateKey('sm2');
      return signXmlWithKey(s, stranger, issueCertificate({ subject: { CN: 'stranger' }, key: stranger }));
    }, 'SIGNATURE_UNREGISTERED'],
  ])('refuses %s with DXP 1001 and records nothing', async (_what, change, rule) => {
    const x = parcel(parties);
    const signed = signXmlWithKey(writeMessage('CEB311Message', x.order), key, cert);
    const bad = change(signed);
    const r = await postXml(parties.ebp, bad);
    expect(r.statusCode).toBe(400);
    const body = r.json().error;
    expect(body.issues[0]).toMatchObject({ code: '1001', path: '/Signature' });
    expect(JSON.stringify(body.issues[0].message)).toContain(rule === 'SIGNATURE_INVALID' ? 'digest' : '未登记为');
    expect(body.receipt.xml).toContain('1001');
    expect((await status('order', `${parties.ebp.customsCode}:${x.orderNo}`)).statusCode).toBe(404);
  });
});

describe('signature check', () => {
  it('answers DXP 1002 for a certificate that has expired, 1001 for an unregistered one', async () => {
    const key = generateKey('sm2');
    const cert = issueCertificate({ subject: { CN: 'x' }, key, notBefore: new Date('2025-01-01T00:00:00Z'), days: 10 });
    const xml = signXmlWithKey(writeMessage('CEB311Message', parcel(parties).order), key, cert);
    const s = parseXmlSubmission(xml);
    const registered = { isRegistered: async () => true } as unknown as Keystore;
    const refusal = (e: unknown) => (e as { issues: { code: string }[] }).issues[0]!.code;
    await expect(createSignatureCheck(registered, () => new Date('2025-01-05T00:00:00Z'))(parties.ebp, s)).resolves.toBeUndefined();
    await expect(createSignatureCheck(registered, () => new Date('2025-02-01T00:00:00Z'))(parties.ebp, s).catch(refusal)).resolves.toBe('1002');
    const unknown = { isRegistered: async () => false } as unknown as Keystore;
    await expect(createSignatureCheck(unknown, () => new Date('2025-01-05T00:00:00Z'))(parties.ebp, s).catch(refusal)).resolves.toBe('1001');
  });
});
