// The E-port signer against a protocol double of the client control: a real websocket server on
// 127.0.0.1 that greets like the control, answers {_id, _method, _status, _args:{Result, Data,
// Error}} and signs with a key of its own, so every signature is checked with a real verifier.
import { generateKeyPairSync, sign as rsaSign, verify as rsaVerify } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { sm2 } from 'sm-crypto-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createEportSigner, EPORT_DEFAULT_METHODS, type EportSignerOptions } from './eport.js';
import { SignerError, type Signer } from './port.js';

// The certificate of the official CEB621Message sample (spec 202205, ds:X509Certificate): any real
// DER will do, the signer hands it on without reading it.
const CERT_B64 = [
  'MIIEWzCCA8SgAwIBAgIDAJknMA0GCSqGSIb3DQEBBQUAMHYxCzAJBgNVBAYTAmNuMREwDwYDVQQKHgh1NVtQU+NcuDENMAsGA1UE',
  'Cx4EAEMAQTENMAsGA1UECB4EUxdOrDEjMCEGA1UEAx4aTi1W/XU1W1BT41y4ZXBjbk4tX8NfAFPRUzoxETAPBgNVBAceCE4cZble',
  'f1c6MB4XDTE1MDUxOTAwMDAwMFoXDTQ5MTIwODAwMDAwMFowJTEjMCEGA1UEAx4aADEAM1P3W8aUpW1Li9VnDVKhVmhfAFPRUzow',
  'gZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBAKoQc7txXMb5VuXJnALpKQ1mAxFW2hxPwRhXY0mirNIL2gLY2z7ysqRvkpSRzr3B',
  'Eq97xWLlXkQDG1QnzvTvh1YQzrffARSlCy6dYJ3YgM+Bps2NsPXhw1Lkvk0wn7LXAskEbwRgLihu1pH6/IGEocgeFusWTXT6B/pp',
  'TiEXL/87AgMBAAGjggJGMIICQjALBgNVHQ8EBAMCBsAwCQYDVR0TBAIwADCBoAYDVR0jBIGYMIGVgBQsaDiQrlh9ryILr2BYMK/w',
  'vmRvlqF6pHgwdjELMAkGA1UEBhMCY24xETAPBgNVBAoeCHU1W1BT41y4MQ0wCwYDVQQLHgQAQwBBMQ0wCwYDVQQIHgRTF06sMSMw',
  'IQYDVQQDHhpOLVb9dTVbUFPjXLhlcGNuTi1fw18AU9FTOjERMA8GA1UEBx4IThxluV5/VzqCASUwHQYDVR0OBBYEFPcD90hfpSLK',
  'zuhaE3NvhU1xwHDAMEIGA1UdIAQ7MDkwNwYGK4EHAQECMC0wKwYIKwYBBQUHAgEWH2h0dHA6Ly9jcHMuY2hpbmFwb3J0Lmdvdi5j',
  'bi9DUFMwQgYDVR0fBDswOTA3oDWgM4YxaHR0cDovL2xkYXAuY2hpbmFwb3J0Lmdvdi5jbjo4MDg4L2R6a2EwMDAtMTk2LmNybDA9',
  'BggrBgEFBQcBAQQxMC8wLQYIKwYBBQUHMAGGIWh0dHA6Ly9vY3NwLmNoaW5hcG9ydC5nb3YuY246ODA4ODAqBgorBgEEAalDZAUB',
  'BBwWGtbQufq159fTv9qwtsr9vt3W0NDEv6q3osf4MBoGCisGAQQBqUNkBQYEDBYKUzAyMDEyMDAzODAaBgorBgEEAalDZAUJBAwW',
  'ClMwMjAxMjAwMzgwEgYKKwYBBAGpQ2QCBAQEFgJDQTASBgorBgEEAalDZAIBBAQWAjE5MBMGBSpWCwcFBAoWCLXn19O/2rC2MA0G',
  'CSqGSIb3DQEBBQUAA4GBAFqdOOqCs/0zfJj5NM3UPXzAK/yIyx6b8ZEQXuY/aojzE46QQXX1/N+G3DsKPvUhXQj1mAsZQeT0aMiU',
  'a1aNCd0P8p+PsfrB9E5oZnFhp4cLDkkuh2gx+MCFOHe2oEbi2/nCZpvWRJ34id5szTIw1n96/nrrg2+qFk+ddFr0xRzz',
].join('');
const CERT_DER = new Uint8Array(Buffer.from(CERT_B64, 'base64'));
const CERT_NO = '0300000000009927';
const PIN = '12345678';
const SM2_ID = '1234567812345678';
const M = EPORT_DEFAULT_METHODS;

const rsaKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const sm2Keys = sm2.generateKeyPairHex();

interface ControlRequest {
  readonly _method: string;
  readonly _id: number;
  readonly args: Record<string, unknown>;
}

type Handler = (req: ControlRequest, socket: WebSocket) => void;

function answer(req: ControlRequest, result: boolean, data: readonly string[], errors: readonly string[] = []): string {
  return JSON.stringify({ _id: req._id, _method: req._method, _status: '00', _args: { Result: result, Data: data, Error: errors } });
}

/** The control's own refusal text is not documented for a wrong PIN; this one is the double's. */
const WRONG_PIN_TEXT = '[double] 卡口令错误, 剩余重试次数 5';

/** What the control does with a card holding `key`: certificate, number, and signatures over inData. */
function control(key: 'rsa' | 'sm2', opts: { pin?: string; hold?: number } = {}): Handler {
  const held: { req: ControlRequest; frame: string; socket: WebSocket }[] = [];
  return (req, socket) => {
    const send = (frame: string) => {
      // hold: collect that many sign answers, then send them newest first.
      if (opts.hold && req._method === M.sign) {
        held.push({ req, frame, socket });
        if (held.length === opts.hold) for (const h of held.splice(0).reverse()) h.socket.send(h.frame);
        return;
      }
      socket.send(frame);
    };
    if (req._method === M.signCert) return send(answer(req, true, [wrap64(CERT_B64)]));
    if (req._method === M.certNo) return send(answer(req, true, [CERT_NO]));
    if (req._method !== M.sign) return send(answer(req, false, [], ['unknown method']));
    if (opts.pin !== undefined && req.args.passwd !== opts.pin) return send(answer(req, false, [], [WRONG_PIN_TEXT, 'Err:Double001']));
    const inData = String(req.args.inData);
    send(answer(req, true, [key === 'rsa' ? rsaSignB64(inData) : sm2SignB64(inData), CERT_NO]));
  };
}

function rsaSignB64(text: string): string {
  return rsaSign('sha1', Buffer.from(text, 'utf8'), rsaKeys.privateKey).toString('base64');
}

/** As the control answers for an SM2 card: SM3 with Z over the string, raw r||s, Base64. */
function sm2SignB64(text: string): string {
  const rs = sm2.doSignature(text, sm2Keys.privateKey, { hash: true, der: false, publicKey: sm2Keys.publicKey, userId: SM2_ID });
  return Buffer.from(rs, 'hex').toString('base64');
}

function wrap64(b64: string): string {
  return b64.replace(/.{64}/g, '$&\n');
}

class ControlDouble {
  readonly requests: ControlRequest[] = [];
  readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
    public handler: Handler,
  ) {}

  static async start(handler: Handler): Promise<ControlDouble> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const double = new ControlDouble(server, `ws://127.0.0.1:${port}`, handler);
    server.on('connection', (socket) => {
      double.sockets.add(socket);
      socket.on('close', () => double.sockets.delete(socket));
      // The greeting the control sends unasked on every connection.
      socket.send(JSON.stringify({ _id: 0, _method: 'open', _status: '00', _args: { Result: true, Data: [], Error: [] } }));
      socket.on('message', (raw) => {
        const req = JSON.parse(String(raw)) as ControlRequest;
        double.requests.push(req);
        double.handler(req, socket);
      });
    });
    return double;
  }

  count(method: string): number {
    return this.requests.filter((r) => r._method === method).length;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const doubles: ControlDouble[] = [];
const signers: Signer[] = [];

afterEach(async () => {
  await Promise.all(signers.splice(0).map((s) => s.close?.()));
  await Promise.all(doubles.splice(0).map((d) => d.close()));
});

async function startControl(handler: Handler): Promise<ControlDouble> {
  const d = await ControlDouble.start(handler);
  doubles.push(d);
  return d;
}

function signer(options: EportSignerOptions): Signer {
  const s = createEportSigner(options);
  signers.push(s);
  return s;
}

async function failure(p: Promise<unknown>): Promise<SignerError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SignerError);
  return err as SignerError;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const signedInfo = (n: number) =>
  `<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:DigestValue>digest-${n}</ds:DigestValue></ds:SignedInfo>`;

describe('E-port signer: the documented exchange', () => {
  it('fetches the certificate and its number once, however many signatures follow', async () => {
    const d = await startControl(control('rsa', { pin: PIN }));
    const s = signer({ url: d.url, algorithm: 'rsa', pin: PIN });

    const [first, again] = await Promise.all([s.certificate(), s.certificate()]);
    for (let i = 0; i < 5; i++) await s.sign(utf8(signedInfo(i)));
    const later = await s.certificate();

    expect(first.der).toEqual(CERT_DER);
    expect(first.keyName).toBe(CERT_NO);
    expect(again).toBe(first);
    expect(later).toBe(first);
    expect(d.count(M.signCert)).toBe(1);
    expect(d.count(M.certNo)).toBe(1);
    expect(d.count(M.sign)).toBe(5);
  });

  it('rsa: returns PKCS#1 v1.5 bytes over SHA-1 that verify against the card key', async () => {
    const d = await startControl(control('rsa'));
    const s = signer({ url: d.url, algorithm: 'rsa' });
    const data = utf8(signedInfo(1));

    const sig = await s.sign(data);

    expect(sig.length).toBe(256);
    expect(rsaVerify('sha1', data, rsaKeys.publicKey, sig)).toBe(true);
  });

  it('sm2: turns the control r||s into DER SEQUENCE { r, s } that verifies with SM3 and ID 1234567812345678', async () => {
    const d = await startControl(control('sm2'));
    const s = signer({ url: d.url, algorithm: 'sm2' });
    for (let i = 0; i < 20; i++) {
      const text = signedInfo(i);
      const der = await s.sign(utf8(text));
      // The verifier's DER reader is lenient, so the encoding is checked strictly here first.
      const { r, s: sv } = strictDerRS(der);
      const raw = r.toString(16).padStart(64, '0') + sv.toString(16).padStart(64, '0');
      expect(sm2.doVerifySignature(text, raw, sm2Keys.publicKey, { der: false, hash: true, userId: SM2_ID })).toBe(true);
      expect(sm2.doVerifySignature(text, Buffer.from(der).toString('hex'), sm2Keys.publicKey, { der: true, hash: true, userId: SM2_ID })).toBe(true);
    }
  });

  it('sm2: DER integers are minimal: leading zeros dropped, a 0x00 pad before a set top bit', async () => {
    const r = Buffer.alloc(32, 0x11);
    r.fill(0, 0, 2); // r = 0x0000 1111…: two leading zero bytes go
    const s32 = Buffer.alloc(32, 0xff); // s = 0xffff…: needs the pad to stay positive
    const d = await startControl((req, socket) => socket.send(answer(req, true, [Buffer.concat([r, s32]).toString('base64'), CERT_NO])));
    const s = signer({ url: d.url, algorithm: 'sm2' });

    const der = Buffer.from(await s.sign(utf8('x')));

    const expected = Buffer.concat([Buffer.from([0x30, 2 + 30 + 2 + 33, 0x02, 30]), r.subarray(2), Buffer.from([0x02, 33, 0x00]), s32]);
    expect(der.toString('hex')).toBe(expected.toString('hex'));
  });

  it('sm2: a signature recorded from a real card (public sample) verifies once converted', async () => {
    // From Weasley-J/chinaport-data-signature README.md: the SignedInfo sent as inData, the
    // Data[0] the control answered, and the public key of the certificate it returned.
    const text =
      '<ds:SignedInfo xmlns:ceb="http://www.chinaport.gov.cn/ceb" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"></ds:CanonicalizationMethod>' +
      '<ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sm2-sm3"></ds:SignatureMethod><ds:Reference URI="">' +
      '<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform></ds:Transforms>' +
      '<ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"></ds:DigestMethod>' +
      '<ds:DigestValue>b2FtM/jHvW4fnJpMMPWk/177RwA=</ds:DigestValue></ds:Reference></ds:SignedInfo>';
    const recorded = 'Pa2Ge3A1iH9e+85jIraVccvf2MB4ykjgC1MjObNd/MbPOSZRWTaizlnfReH3ErRMH5Wc3m60ZM6h56v7t7lIWg==';
    const publicKey =
      '04d2f3909a9940afd8a03d9ac0f05d66b2a9c577453efba1ba3611b9acdb885167edd01c109fb792264b79fdfbd24a87bba54836fdac075163e7ce479e41cee856';
    const d = await startControl((req, socket) => socket.send(answer(req, true, [recorded, '03000000000cde6f'])));
    const s = signer({ url: d.url, algorithm: 'sm2' });

    const der = await s.sign(utf8(text));

    expect(sm2.doVerifySignature(text, Buffer.from(der).toString('hex'), publicKey, { der: true, hash: true, userId: SM2_ID })).toBe(true);
  });

  it('sends {_method, _id, args} with inData as text, and passwd only when a PIN is set', async () => {
    const d = await startControl(control('rsa'));
    const withPin = signer({ url: d.url, algorithm: 'rsa', pin: PIN });
    const without = signer({ url: d.url, algorithm: 'rsa' });

    await withPin.sign(utf8(signedInfo(1)));
    await without.sign(utf8(signedInfo(2)));
    await without.certificate();

    const [a, b] = d.requests.filter((r) => r._method === M.sign);
    expect(a?.args).toEqual({ inData: signedInfo(1), passwd: PIN });
    expect(b?.args).toEqual({ inData: signedInfo(2) });
    expect(d.requests.find((r) => r._method === M.signCert)?.args).toEqual({});
    for (const r of d.requests) {
      expect(Number.isSafeInteger(r._id) && r._id > 0).toBe(true);
      expect(r).not.toHaveProperty('_args');
    }
  });

  it('concurrent signs each get their own answer when the control replies out of order', async () => {
    const d = await startControl(control('rsa', { hold: 4 }));
    const s = signer({ url: d.url, algorithm: 'rsa' });
    const texts = [0, 1, 2, 3].map(signedInfo);

    const sigs = await Promise.all(texts.map((t) => s.sign(utf8(t))));

    // PKCS#1 v1.5 is deterministic: each answer must be the signature over its own request's data.
    sigs.forEach((sig, i) => expect(Buffer.from(sig).equals(rsaSign('sha1', utf8(texts[i] ?? ''), rsaKeys.privateKey))).toBe(true));
    const ids = d.requests.map((r) => r._id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(d.sockets.size).toBe(1);
  });

  it('uses method names given in the options', async () => {
    const methods = { sign: 'x-sign', signCert: 'x-cert', certNo: 'x-no' };
    const d = await startControl((req, socket) => {
      const data: Record<string, string> = { 'x-sign': rsaSignB64(String(req.args.inData)), 'x-cert': CERT_B64, 'x-no': 'N1' };
      socket.send(answer(req, req._method in data, [data[req._method] ?? '']));
    });
    const s = signer({ url: d.url, algorithm: 'rsa', methods });

    expect((await s.certificate()).keyName).toBe('N1');
    expect(rsaVerify('sha1', utf8('x'), rsaKeys.publicKey, await s.sign(utf8('x')))).toBe(true);
  });
});

describe('E-port signer: failures', () => {
  it('a wrong PIN is refused with the control text, and the PIN appears nowhere in the error', async () => {
    const d = await startControl(control('rsa', { pin: PIN }));
    const s = signer({ url: d.url, algorithm: 'rsa', pin: '87654321' });

    const err = await failure(s.sign(utf8(signedInfo(1))));

    expect(err.reason).toBe('refused');
    expect(err.message).toContain(WRONG_PIN_TEXT);
    expect(err.message).toContain('Err:Double001');
    expect(`${err.message} ${err.stack ?? ''}`).not.toContain('87654321');
  });

  it('a control that is not listening is unavailable', async () => {
    const port = await freePort();
    const s = signer({ url: `ws://127.0.0.1:${port}`, algorithm: 'rsa' });

    expect((await failure(s.sign(utf8('x')))).reason).toBe('unavailable');
    expect((await failure(s.certificate())).reason).toBe('unavailable');
  });

  it('a silent control times out, each call on its own timer', async () => {
    const d = await startControl(() => undefined);
    const s = signer({ url: d.url, algorithm: 'rsa', timeoutMs: 150 });

    const errs = await Promise.all([failure(s.sign(utf8('a'))), failure(s.sign(utf8('b')))]);

    expect(errs.map((e) => e.reason)).toEqual(['timeout', 'timeout']);
    expect(d.count(M.sign)).toBe(2);
  });

  it.each([
    ['a frame that is not JSON', '{"_id": 1, "_args": {'],
    ['no _args.Result', (id: number) => JSON.stringify({ _id: id, _method: M.sign, _status: '00' })],
    ['no Data', (id: number) => JSON.stringify({ _id: id, _method: M.sign, _status: '00', _args: { Result: true, Error: [] } })],
    ['a signature that is not Base64', (id: number) => JSON.stringify({ _id: id, _method: M.sign, _status: '00', _args: { Result: true, Data: ['not base64!'], Error: [] } })],
  ])('%s is a bad response', async (_what, reply) => {
    const d = await startControl((req, socket) => socket.send(typeof reply === 'string' ? reply : reply(req._id)));
    const s = signer({ url: d.url, algorithm: 'rsa' });

    expect((await failure(s.sign(utf8('x')))).reason).toBe('bad-response');
  });

  it('an SM2 answer to a signer set up for rsa is a bad response', async () => {
    const d = await startControl(control('sm2'));
    const s = signer({ url: d.url, algorithm: 'rsa' });

    const err = await failure(s.sign(utf8('x')));

    expect(err.reason).toBe('bad-response');
    expect(err.message).toContain('SM2');
  });

  it('close() fails the calls in flight, and later calls', async () => {
    const d = await startControl(() => undefined);
    const s = signer({ url: d.url, algorithm: 'rsa' });
    const inFlight = failure(s.sign(utf8('x')));
    await waitFor(() => d.count(M.sign) === 1);

    await s.close?.();

    expect((await inFlight).reason).toBe('unavailable');
    expect((await failure(s.sign(utf8('y')))).reason).toBe('unavailable');
  });

  it('a dropped connection fails its calls as unavailable; the next call connects again', async () => {
    let drop = true;
    const rsa = control('rsa');
    const d = await startControl((req, socket) => {
      if (drop) {
        drop = false;
        socket.terminate();
        return;
      }
      rsa(req, socket);
    });
    const s = signer({ url: d.url, algorithm: 'rsa' });

    expect((await failure(s.sign(utf8('x')))).reason).toBe('unavailable');
    expect(rsaVerify('sha1', utf8('y'), rsaKeys.publicKey, await s.sign(utf8('y')))).toBe(true);
  });

  it('a failed certificate fetch is not cached', async () => {
    let ready = false;
    const rsa = control('rsa');
    const d = await startControl((req, socket) => (ready ? rsa(req, socket) : socket.send(answer(req, false, [], ['[double] 未插卡']))));
    const s = signer({ url: d.url, algorithm: 'rsa' });

    const err = await failure(s.certificate());
    ready = true;
    const cert = await s.certificate();

    expect(err.reason).toBe('refused');
    expect(err.message).toContain('未插卡');
    expect(cert.keyName).toBe(CERT_NO);
  });
});

/** Reads DER SEQUENCE { r INTEGER, s INTEGER }, rejecting any non-minimal or negative integer. */
function strictDerRS(der: Uint8Array): { r: bigint; s: bigint } {
  expect(der[0]).toBe(0x30);
  expect(der[1]).toBe(der.length - 2);
  const values: bigint[] = [];
  let at = 2;
  for (let i = 0; i < 2; i++) {
    expect(der[at]).toBe(0x02);
    const len = der[at + 1] ?? 0;
    const body = der.subarray(at + 2, at + 2 + len);
    expect(body.length).toBe(len);
    expect((body[0] ?? 0) & 0x80).toBe(0); // positive
    if (len > 1) expect(body[0] === 0 && ((body[1] ?? 0) & 0x80) === 0).toBe(false); // minimal
    values.push(BigInt(`0x${Buffer.from(body).toString('hex')}`));
    at += 2 + len;
  }
  expect(at).toBe(der.length);
  return { r: values[0] ?? 0n, s: values[1] ?? 0n };
}

/** A port nothing listens on: bound once by the OS, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
