// Just enough DER (ITU-T X.690) to read certificates and keys and to write the few structures the
// keystore builds: SM2 PKCS#8 and SubjectPublicKeyInfo, and certificates for demo and test keys.

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export interface Tlv {
  readonly tag: number;
  /** Offsets into the buffer: the whole element, and its contents. */
  readonly start: number;
  readonly body: number;
  readonly end: number;
}

/** Reads one element at `at`; lengths must be definite and minimal (DER). */
export function readTlv(buf: Uint8Array, at: number, limit = buf.length): Tlv {
  if (at + 2 > limit) throw new DerError('truncated element');
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used here');
  let len = buf[at + 1]!;
  let body = at + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 4) throw new DerError('indefinite or oversized length');
    if (body + count > limit) throw new DerError('truncated length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + buf[body + i]!;
    if (buf[body] === 0 || len < 0x80) throw new DerError('non-minimal length');
    body += count;
  }
  const end = body + len;
  if (end > limit) throw new DerError('element runs past its container');
  return { tag, start: at, body, end };
}

/** The children of a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.body; at < parent.end;) {
    const t = readTlv(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`${what} expected`);
  return t;
}

export const contents = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.body, t.end);

/** A whole buffer that is exactly one element. */
export function readWhole(buf: Uint8Array): Tlv {
  const t = readTlv(buf, 0);
  if (t.end !== buf.length) throw new DerError('trailing bytes after the element');
  return t;
}

export function decodeOid(bytes: Uint8Array): string {
  if (!bytes.length) throw new DerError('empty object identifier');
  const parts: number[] = [];
  let v = 0;
  for (const b of bytes) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift()!;
  return [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80, ...parts].join('.');
}

/** An unsigned big-endian integer (INTEGER contents without the sign byte). */
export function unsignedInteger(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

// ---- writing -------------------------------------------------------------------------------

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((s, p) => s + p.length, 0);
  const head = [tag, ...lengthBytes(len)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let at = head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const seq = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
export const set = (...parts: Uint8Array[]) => tlv(0x31, ...parts);
export const octets = (b: Uint8Array) => tlv(0x04, b);
export const bitString = (b: Uint8Array) => tlv(0x03, new Uint8Array([0]), b);
export const nullValue = () => new Uint8Array([0x05, 0x00]);
export const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
export const printable = (s: string) => tlv(0x13, Buffer.from(s, 'ascii'));
export const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 | n, inner);

export function integer(v: bigint): Uint8Array {
  if (v < 0n) throw new DerError('negative integers are not written here');
  let hex = v.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const v of [a! * 40 + b!, ...rest]) {
    const chunk = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift(0x80 | (x & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function time(d: Date): Uint8Array {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'));
}

export function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/** The DER inside the first PEM block with this label, or the input when it is not PEM. */
export function fromPem(input: string | Uint8Array, label: string): Uint8Array {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  const m = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(text);
  if (m) return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  if (typeof input !== 'string') return input;
  // Bare Base64 (as in ds:X509Certificate).
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) return Buffer.from(text.replace(/\s+/g, ''), 'base64');
  throw new DerError(`no ${label} PEM block found`);
}
