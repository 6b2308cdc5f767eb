// A Signer over the China E-port client control (中国电子口岸客户端控件): the local websocket
// service the E-port client installs so that pages can sign with the enterprise's card or USB key.
// Sources of the protocol, one a line (what each established is in the notes below):
//   "中国电子口岸数据中心 JavaScript Library v1.3.9 For 客户端控件 v1.5.12" (chinaport.gov.cn, 2019-09-05), the control's own page library; found in a public code index that does not name the repository
//   julxxy/chinaport-data-signature (was Weasley-J/…) chinaport-data-signature-webapp/src/main/java/cn/alphahub/eport/signature/core/SignHandler.java and WebSocketClientHandler.java
//   julxxy/chinaport-data-signature chinaport-data-signature-webapp/src/main/java/cn/alphahub/eport/signature/config/UkeyInitialConfig.java
//   julxxy/chinaport-data-signature README.md: one real SM2-card answer (signature, certificate, certNo) for a given SignedInfo
//   Weasley-J/chinaport-data-signature 中国电子口岸报文加签验证.md: two real RSA-card answers
//   Weasley-J/chinaport-data-signature …/core/WebSocketClientHandlerTest.java and julxxy/… core/notify/EmailNotifyStrategy.java: a real refusal
//   a public Python client of the control and its design note (same code index, repository not named): the "open" greeting
//
// The protocol, as those sources show it:
// - Request: {"_method": <name>, "_id": <number>, "args": {...}} as one text frame. The arguments
//   key is "args" (no underscore) in every source; only the reply uses "_args".
// - Reply: {"_id", "_method", "_status": "00", "_args": {"Result": bool, "Data": [string...],
//   "Error": [string...]}}. A refusal (no card, wrong PIN, reader failure) is still _status "00"
//   with Result false and the control's text in Error, e.g. ["[读卡器底层库]复位读卡器失败:错误码=50070",
//   "Err:Custom50070"]. The official page library matches replies by _method; Weasley matches by
//   the echoed _id, which is what lets several calls share one connection here.
// - On connect the control sends {"_id": 0, "_method": "open", "_status": "00", ...} unasked.
// - cus-sec_SpcSignDataAsPEM {inData, passwd?} signs the string inData itself (the card hashes)
//   and answers Data = [Base64 signature, certificate number]. The key on the card decides the
//   algorithm; there is no SM2-specific method. Checked against the public samples: with an RSA
//   card the signature is PKCS#1 v1.5 over SHA-1 of the SignedInfo (128 bytes); with an SM2 card it
//   is SM3-with-Z (ID 1234567812345678) and comes back as raw r||s, 64 bytes, not DER.
// - passwd is optional per call in the page library (what the control does without it is not
//   documented; Weasley always sends it); the certificate calls take no arguments.
// - cus-sec_SpcGetSignCertAsPEM answers Data[0] = the signing certificate, Base64 DER without PEM
//   armour (sometimes wrapped at 64 columns); cus-sec_SpcGetCertNo answers Data[0] = the
//   certificate number, which in both public samples equals the certificate serial in hex.
// Not documented, hence options or left alone: whether the control signs concurrent requests in
// parallel (calls are sent at once and matched by _id); what the *NoHash* methods want as the
// digest's encoding (not used); which certificate method older deployments used (Weasley once read
// cus-sec_SpcGetEnvCertAsPEM, the encryption certificate) — method names are options.
import WebSocket from 'ws';
import { SignerError, type SignatureAlgorithm, type Signer, type SignerCertificate } from './port.js';

/** Method names of the control; each can be overridden for a deployment that differs. */
export interface EportMethods {
  /** Signs the SignedInfo string; the card hashes it (default 'cus-sec_SpcSignDataAsPEM'). */
  readonly sign: string;
  /** Returns the signing certificate, Base64 DER (default 'cus-sec_SpcGetSignCertAsPEM'). */
  readonly signCert: string;
  /** Returns the certificate number for ds:KeyName (default 'cus-sec_SpcGetCertNo'). */
  readonly certNo: string;
}

export const EPORT_DEFAULT_METHODS: EportMethods = {
  sign: 'cus-sec_SpcSignDataAsPEM',
  signCert: 'cus-sec_SpcGetSignCertAsPEM',
  certNo: 'cus-sec_SpcGetCertNo',
};

export const EPORT_DEFAULT_URL = 'ws://127.0.0.1:61232';
export const EPORT_DEFAULT_TIMEOUT_MS = 10_000;

export interface EportSignerOptions {
  /** The control's websocket (default ws://127.0.0.1:61232, the address its page library uses over http). */
  readonly url?: string;
  /** The key on the card; the control does not say, so the caller must (it picks the output conversion). */
  readonly algorithm: SignatureAlgorithm;
  /** Card PIN, sent as `passwd` with every sign call; left out when absent. Never logged or put in errors. */
  readonly pin?: string;
  /** Per call, connecting included (default 10 000 ms). */
  readonly timeoutMs?: number;
  readonly methods?: Partial<EportMethods>;
}

export function createEportSigner(options: EportSignerOptions): Signer {
  const methods: EportMethods = { ...EPORT_DEFAULT_METHODS, ...options.methods };
  const url = controlUrl(options.url ?? EPORT_DEFAULT_URL);
  const pin = options.pin;
  const channel = new ControlChannel(url, options.timeoutMs ?? EPORT_DEFAULT_TIMEOUT_MS, redactor(pin));
  const algorithm = options.algorithm;
  let cached: Promise<SignerCertificate> | undefined;

  return {
    algorithm,
    certificate() {
      // One fetch for the signer's life; a failed one is forgotten so the next call can retry
      // (the key may simply have been plugged in late).
      cached ??= readCertificate(channel, methods).catch((err: unknown) => {
        cached = undefined;
        throw err;
      });
      return cached;
    },
    async sign(data) {
      const args: Record<string, string> = { inData: signedInfoText(data) };
      if (pin !== undefined && pin !== '') args.passwd = pin;
      const reply = await channel.call(methods.sign, args);
      const signature = base64Field(reply, 0, methods.sign, 'signature');
      return algorithm === 'sm2' ? sm2ToDer(signature) : checkRsa(signature);
    },
    close: () => channel.close(),
  };
}

/** A wrong address is a configuration error, reported when the signer is made rather than at the first call. */
function controlUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`E-port signer: not a URL: ${url}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new TypeError(`E-port signer: not a ws:// or wss:// URL: ${url}`);
  return url;
}

async function readCertificate(channel: ControlChannel, methods: EportMethods): Promise<SignerCertificate> {
  const [certReply, noReply] = await Promise.all([channel.call(methods.signCert, {}), channel.call(methods.certNo, {})]);
  const der = base64Field(certReply, 0, methods.signCert, 'certificate');
  // Every X.509 certificate is a DER SEQUENCE; anything else is not a certificate.
  if (der[0] !== 0x30) throw new SignerError('bad-response', `${methods.signCert}: Data[0] is not a DER certificate`);
  const keyName = stringField(noReply, 0, methods.certNo, 'certificate number').trim();
  if (keyName === '') throw new SignerError('bad-response', `${methods.certNo}: empty certificate number`);
  return { der, keyName };
}

/** The control takes inData as a JSON string, so the canonical bytes must be text; c14n output is UTF-8. */
function signedInfoText(data: Uint8Array): string {
  // fatal: a lossy decode would sign different bytes than the caller digested; ignoreBOM keeps bytes exact.
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
}

// ---------------------------------------------------------------------------------------------
// The connection: one websocket, opened on first use, shared by all calls and matched by _id.

interface Link {
  readonly ws: WebSocket;
  readonly open: Promise<void>;
  /** Why the link failed, from the 'error' event, for the message given on 'close'. */
  failure?: string;
}

interface Pending {
  readonly method: string;
  readonly link: Link;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (data: readonly unknown[]) => void;
  readonly reject: (err: SignerError) => void;
}

class ControlChannel {
  private link: Link | undefined;
  private readonly pending = new Map<number, Pending>();
  // From 1: the control's own greeting carries _id 0 and must never match a call.
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly redact: (text: string) => string,
  ) {}

  /** Sends one request and resolves with its reply's Data, or rejects with a SignerError. */
  call(method: string, args: Record<string, string>): Promise<readonly unknown[]> {
    if (this.closed) return Promise.reject(new SignerError('unavailable', 'the E-port signer is closed'));
    const id = this.nextId++;
    const link = this.currentLink();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignerError('timeout', `${method}: no answer from the E-port client control within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { method, link, timer, resolve, reject });
      link.open.then(
        () => this.send(id, link, JSON.stringify({ _method: method, _id: id, args })),
        () => undefined, // the 'close' handler fails every call waiting on this link
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(undefined, () => new SignerError('unavailable', 'the E-port signer was closed'));
    const link = this.link;
    this.link = undefined;
    if (!link || link.ws.readyState === WebSocket.CLOSED) return;
    const done = new Promise<void>((resolve) => link.ws.once('close', () => resolve()));
    link.ws.close();
    await done;
  }

  private send(id: number, link: Link, frame: string): void {
    // The call may have timed out while the socket was opening.
    if (!this.pending.has(id)) return;
    link.ws.send(frame, (err) => {
      if (err) this.settle(id, new SignerError('unavailable', `cannot send to the E-port client control: ${err.message}`));
    });
  }

  /** The open or opening link, or a new one when there is none (or the last one is going away). */
  private currentLink(): Link {
    const live = this.link;
    if (live && (live.ws.readyState === WebSocket.OPEN || live.ws.readyState === WebSocket.CONNECTING)) return live;
    const ws = new WebSocket(this.url, { handshakeTimeout: this.timeoutMs });
    const open = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('close', () => reject(new Error('closed before open')));
    });
    open.catch(() => undefined); // observed by call(); this keeps an unwatched rejection quiet
    const link: Link = { ws, open };
    ws.on('error', (err) => {
      link.failure = err.message;
    });
    ws.on('message', (raw) => this.receive(link, frameText(raw)));
    ws.on('close', () => this.dropped(link));
    this.link = link;
    return link;
  }

  private dropped(link: Link): void {
    if (this.link === link) this.link = undefined;
    const why = link.failure ? `: ${link.failure}` : '';
    this.failAll(link, (p) => new SignerError('unavailable', `${p.method}: connection to the E-port client control (${this.url}) lost or refused${why}`));
  }

  private receive(link: Link, text: string): void {
    const envelope = parseEnvelope(text);
    if (!envelope) {
      // A frame that is not a JSON object names no call; every call on the link is now unanswerable.
      this.failAll(link, (p) => new SignerError('bad-response', `${p.method}: the E-port client control sent a frame that is not JSON`));
      return;
    }
    const id = this.match(link, envelope);
    // Unmatched: the 'open' greeting, or a late answer to a call that already timed out.
    if (id === undefined) return;
    const pending = this.pending.get(id);
    if (!pending) return;
    const outcome = readOutcome(envelope, pending.method, this.redact);
    if (outcome instanceof SignerError) this.settle(id, outcome);
    else this.settle(id, undefined, outcome);
  }

  /** By the echoed _id; when a reply carries none, the oldest call of the same method on the link. */
  private match(link: Link, envelope: Envelope): number | undefined {
    if (envelope.id !== undefined) return this.pending.has(envelope.id) ? envelope.id : undefined;
    for (const [id, p] of this.pending) if (p.link === link && p.method === envelope.method) return id;
    return undefined;
  }

  private settle(id: number, err: SignerError | undefined, data: readonly unknown[] = []): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(data);
  }

  /** Fails the calls on `link` (all calls when undefined). */
  private failAll(link: Link | undefined, error: (p: Pending) => SignerError): void {
    for (const [id, p] of [...this.pending]) if (!link || p.link === link) this.settle(id, error(p));
  }
}

/** The control sends text frames; a binary one is read as UTF-8 all the same rather than dropped. */
function frameText(raw: WebSocket.RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (raw instanceof ArrayBuffer) return Buffer.from(raw).toString('utf8');
  return raw.toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Replies.

interface Envelope {
  readonly id: number | undefined;
  readonly method: string | undefined;
  readonly status: unknown;
  readonly args: unknown;
}

function parseEnvelope(text: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  return {
    id: envelopeId(value._id),
    method: typeof value._method === 'string' ? value._method : undefined,
    status: value._status,
    args: value._args,
  };
}

/** Numbers are what the page library sends; a client in the field sent "1", so numeric strings count too. */
function envelopeId(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
  if (typeof raw === 'string' && /^\d{1,15}$/.test(raw)) return Number(raw);
  return undefined;
}

function readOutcome(envelope: Envelope, method: string, redact: (text: string) => string): readonly unknown[] | SignerError {
  const args = envelope.args;
  const errors = isRecord(args) ? errorText(args.Error) : '';
  // "00" in every sample; compared as a number so that a 0 or "0" would not read as a refusal.
  if (envelope.status !== undefined && Number(envelope.status) !== 0) {
    return new SignerError('refused', redact(`${method}: the E-port client control answered status ${String(envelope.status)}${errors ? `: ${errors}` : ''}`));
  }
  if (!isRecord(args) || typeof args.Result !== 'boolean') {
    return new SignerError('bad-response', `${method}: the reply has no _args.Result`);
  }
  if (!args.Result) {
    return new SignerError('refused', redact(`${method}: the E-port client control refused: ${errors || 'no error text'}`));
  }
  if (!Array.isArray(args.Data)) return new SignerError('bad-response', `${method}: the reply has no _args.Data array`);
  return args.Data;
}

function errorText(raw: unknown): string {
  if (!Array.isArray(raw)) return typeof raw === 'string' ? raw : '';
  return raw.filter((e): e is string => typeof e === 'string' && e !== '').join('; ');
}

function stringField(data: readonly unknown[], index: number, method: string, what: string): string {
  const value = data[index];
  if (typeof value !== 'string') throw new SignerError('bad-response', `${method}: Data[${index}] (${what}) is not a string`);
  return value;
}

/** Strict Base64 (the control wraps long values at 64 columns; armour lines are tolerated too). */
function base64Field(data: readonly unknown[], index: number, method: string, what: string): Uint8Array {
  const text = stringField(data, index, method, what)
    .replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '')
    .replace(/\s+/g, '');
  if (text === '' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new SignerError('bad-response', `${method}: Data[${index}] (${what}) is not Base64`);
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

// ---------------------------------------------------------------------------------------------
// Signature forms.

const SM2_RAW_LENGTH = 64;

/** The control gives SM2 as r||s (32 bytes each); the port wants DER SEQUENCE { r INTEGER, s INTEGER }. */
function sm2ToDer(signature: Uint8Array): Uint8Array {
  if (signature.length === SM2_RAW_LENGTH) {
    return derSequence([derInteger(signature.subarray(0, 32)), derInteger(signature.subarray(32))]);
  }
  // A control version that already answers DER is passed through unchanged.
  if (isDerSm2(signature)) return signature;
  const hint = signature.length >= 128 ? ' (an RSA key? the signer is configured for sm2)' : '';
  throw new SignerError('bad-response', `SM2 signature of ${signature.length} bytes is neither r||s nor DER${hint}`);
}

/** PKCS#1 v1.5 signatures are as long as the modulus; 64 bytes is what an SM2 card returns. */
function checkRsa(signature: Uint8Array): Uint8Array {
  if (signature.length < 128) {
    const hint = signature.length === SM2_RAW_LENGTH ? ' (an SM2 key? the signer is configured for rsa)' : '';
    throw new SignerError('bad-response', `RSA signature of ${signature.length} bytes is shorter than a 1024-bit modulus${hint}`);
  }
  return signature;
}

/** Unsigned big-endian magnitude as a DER INTEGER: minimal length, a 0x00 pad when the top bit is set. */
function derInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const body = magnitude.subarray(start);
  const pad = (body[0] ?? 0) & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + body.length);
  out[0] = 0x02;
  out[1] = pad + body.length; // at most 33: short-form length
  out.set(body, 2 + pad);
  return out;
}

function derSequence(parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0); // at most 70: short-form length
  const out = new Uint8Array(2 + length);
  out[0] = 0x30;
  out[1] = length;
  let at = 2;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SEQUENCE (short form) of exactly two INTEGERs of at most 33 bytes, filling the whole input. */
function isDerSm2(sig: Uint8Array): boolean {
  if (sig.length < 8 || sig[0] !== 0x30 || sig[1] !== sig.length - 2) return false;
  let at = 2;
  for (let i = 0; i < 2; i++) {
    const len = sig[at + 1];
    if (sig[at] !== 0x02 || len === undefined || len < 1 || len > 33) return false;
    at += 2 + len;
  }
  return at === sig.length;
}

// ---------------------------------------------------------------------------------------------

/** Keeps the PIN out of any text that leaves the adapter, in case the control ever echoes it. */
function redactor(pin: string | undefined): (text: string) => string {
  // A very short PIN would blank out unrelated digits; real card PINs are 6 or 8 characters.
  if (!pin || pin.length < 4) return (text) => text;
  return (text) => text.split(pin).join('***');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
