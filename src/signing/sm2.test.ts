// SM2 signatures: the optimised arithmetic against a slow affine reference written here, the
// GB/T 32918.5 known-answer vector, interop both ways with sm-crypto, sm-crypto-v2 and the
// OpenSSL 3 CLI, properties (fast-check) and the encodings.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sm2 as smV2 } from 'sm-crypto-v2';
import {
  SM2_CURVE, SM2_DEFAULT_ID, decodeSm2Signature, encodeSm2Der, generateSm2Key, sm2MulAdd, sm2PrivateKey,
  sm2PublicKey, sm2Sign, sm2SignWithK, sm2Verify, sm2Z, type Sm2PrivateKey, type Sm2PublicKey,
} from './sm2.js';

// sm-crypto ships no types; only the two calls used here are declared.
interface SmCryptoOptions { der?: boolean; hash?: boolean; publicKey?: string; userId?: string }
const smCrypto = createRequire(import.meta.url)('sm-crypto') as {
  sm2: {
    doSignature(msg: ArrayLike<number>, privateKeyHex: string, opts: SmCryptoOptions): string;
    doVerifySignature(msg: ArrayLike<number>, sigHex: string, publicKeyHex: string, opts: SmCryptoOptions): boolean;
  };
};

// sm2p256v1 as printed in GB/T 32918.5-2017 §5, typed in independently of the implementation.
const h = (s: string) => BigInt('0x' + s.replace(/\s+/g, ''));
const p = h('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF');
const a = h('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFC');
const b = h('28E9FA9E 9D9F5E34 4D5A9E4B CF6509A7 F39789F5 15AB8F92 DDBCBD41 4D940E93');
const n = h('FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123');
const G = {
  x: h('32C4AE2C 1F198119 5F990446 6A39C994 8FE30BBF F2660BE1 715A4589 334C74C7'),
  y: h('BC3736A2 F4F6779C 59BDCEE3 6B692153 D0A9877C C62A4740 02DF32E5 2139F0A0'),
};

// ---- A deliberately simple reference: affine points, Fermat inversion, double-and-add. ----
type Pt = { x: bigint; y: bigint } | null;
const md = (v: bigint, m = p) => ((v % m) + m) % m;
function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let r = 1n, x = md(base, m), e = exp;
  for (; e > 0n; e >>= 1n, x = (x * x) % m) if (e & 1n) r = (r * x) % m;
  return r;
}
const inv = (v: bigint) => modPow(v, p - 2n, p);
const onCurve = (q: { x: bigint; y: bigint }) => md(q.y * q.y - q.x ** 3n - a * q.x - b) === 0n;
function add(u: Pt, v: Pt): Pt {
  if (u === null) return v;
  if (v === null) return u;
  let lambda: bigint;
  if (u.x === v.x) {
    if (md(u.y + v.y) === 0n) return null;
    lambda = md((3n * u.x * u.x + a) * inv(2n * u.y));
  } else {
    lambda = md((v.y - u.y) * inv(v.x - u.x));
  }
  const x = md(lambda * lambda - u.x - v.x);
  return { x, y: md(lambda * (u.x - x) - u.y) };
}
function mul(k: bigint, q: Pt): Pt {
  let r: Pt = null;
  for (let i = BigInt(k.toString(2).length) - 1n; i >= 0n; i--) {
    r = add(r, r);
    if ((k >> i) & 1n) r = add(r, q);
  }
  return r;
}

const hex = (v: bigint) => v.toString(16).padStart(64, '0');
const pubHex = (q: Sm2PublicKey) => '04' + hex(q.x) + hex(q.y);
const sigHex = (der: Uint8Array) => Buffer.from(der).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);
const unDer = (hexSig: string) => decodeSm2Signature(Buffer.from(hexSig, 'hex'))!;

// Scalars that stress the recodings: tiny, near n, long zero runs, and byte patterns that sit on
// the signed-digit boundaries (0x80 = +128 stays positive, 0x81 borrows) of the 8- and 6-bit combs.
const EDGE_SCALARS = [
  1n, 2n, 3n, 16n, 17n, 31n, 32n, 33n, n - 1n, n - 2n, n - 3n, 1n << 255n, 1n << 128n, (1n << 200n) | 1n,
  (1n << 255n) | 1n, (1n << 256n) - 1n - (1n << 224n), h('80'.repeat(32)), h('81'.repeat(32)), h('7f'.repeat(32)),
  h('20'.repeat(32)), h('fc'.repeat(4) + '00'.repeat(24) + 'ff'.repeat(4)), (n - 1n) >> 1n, (n + 1n) >> 1n,
].map((k) => k % n);

const randomScalar = () => fc.sample(fc.bigInt({ min: 1n, max: n - 1n }), 1)[0]!;

describe('sm2p256v1 arithmetic', () => {
  it('has the GB/T 32918.5 parameters, G on the curve and of order n', () => {
    expect(SM2_CURVE).toEqual({ p, a, b, n, gx: G.x, gy: G.y });
    expect(Buffer.from(SM2_DEFAULT_ID).toString('latin1')).toBe('1234567812345678');
    expect(onCurve(G)).toBe(true);
    expect(mul(n, G)).toBeNull();
    expect(mul(n - 1n, G)).toEqual({ x: G.x, y: p - G.y });
  });

  it('derives public keys (k·G on the fixed-base comb) like the slow path', () => {
    for (const k of [...EDGE_SCALARS.filter((k) => k >= 1n && k <= n - 2n), randomScalar(), randomScalar()]) {
      expect(sm2PrivateKey(k).publicKey, k.toString(16)).toEqual(mul(k, G));
    }
  });

  it.each(['wnaf', 'comb'] as const)('computes s·G + t·Q like the slow path (%s path for Q)', (path) => {
    const q = mul(randomScalar(), G)!;
    const cases: [bigint, bigint][] = [
      ...EDGE_SCALARS.map((t): [bigint, bigint] => [0n, t]),
      ...EDGE_SCALARS.map((s): [bigint, bigint] => [s, 0n]),
      [n - 1n, n - 1n], [randomScalar(), randomScalar()], [randomScalar(), randomScalar()], [1n, 1n],
    ];
    for (const [s, t] of cases) {
      expect(sm2MulAdd(s, t, q, path), `s=${s.toString(16)} t=${t.toString(16)}`).toEqual(add(mul(s, G), mul(t, q)));
    }
  });

  it.each(['wnaf', 'comb'] as const)('handles the exceptional additions when Q is a multiple of G (%s path)', (path) => {
    // With Q = G (or 2^8·G, aligned with a comb window) partial sums of t·Q meet ±(table points of
    // s·G): doubling and cancellation must happen inside the mixed addition.
    const g2e8 = mul(256n, G)!;
    for (const [s, t, q] of [[5n, 5n, G], [5n, n - 5n, G], [256n, 1n, G], [1n, 256n, G], [256n, n - 1n, g2e8], [257n, 1n, g2e8],
      [0n, 1n, G], [n - 7n, 7n, G], [1n << 200n, (1n << 200n) % n, G]] as const) {
      expect(sm2MulAdd(s, t, q, path), `s=${s} t=${t}`).toEqual(add(mul(s, G), mul(t, q)));
    }
    expect(sm2MulAdd(5n, n - 5n, G, path)).toBeNull();
    // s = t = j with j < 128: t·G is built from several additions, so its lazily reduced x may be
    // x(jG) − p rather than x(jG); both representations must be recognised as "same x".
    for (let j = 40n; j < 128n; j += 5n) {
      expect(sm2MulAdd(j, j, G, path), `j=${j}`).toEqual(mul(2n * j, G));
      expect(sm2MulAdd(j, n - j, G, path), `j=${j}`).toBeNull();
    }
  });
});

describe('keys', () => {
  it('accepts d in [1, n − 2] as bigint or 32 bytes and rejects the rest', () => {
    expect(sm2PrivateKey(1n).publicKey).toEqual({ x: G.x, y: G.y });
    expect(sm2PrivateKey(Buffer.from(hex(n - 2n), 'hex')).d).toBe(n - 2n);
    for (const d of [0n, -1n, n - 1n, n, n + 1n, 1n << 256n]) expect(() => sm2PrivateKey(d), String(d)).toThrow(RangeError);
    expect(() => sm2PrivateKey(new Uint8Array(32))).toThrow(RangeError);
    expect(() => sm2PrivateKey(new Uint8Array(33).fill(1))).toThrow(RangeError);
  });

  it('accepts points on the curve, as x,y or 04‖x‖y, and rejects the rest', () => {
    const { publicKey } = generateSm2Key();
    expect(sm2PublicKey(Buffer.from(pubHex(publicKey), 'hex'))).toEqual(publicKey);
    expect(sm2PublicKey({ x: publicKey.x, y: publicKey.y })).toEqual(publicKey);
    const bad: (Uint8Array | { x: bigint; y: bigint })[] = [
      { x: publicKey.x, y: publicKey.y + 1n }, { x: 0n, y: 0n }, { x: publicKey.x + p, y: publicKey.y }, { x: publicKey.x, y: publicKey.y - p },
      Buffer.from('02' + hex(publicKey.x), 'hex'), Buffer.from('05' + pubHex(publicKey).slice(2), 'hex'), Buffer.from(pubHex(publicKey) + '00', 'hex'),
      new Uint8Array([0]),
    ];
    for (const q of bad) expect(() => sm2PublicKey(q)).toThrow(RangeError);
  });

  it('generates distinct valid keys', () => {
    const k1 = generateSm2Key(), k2 = generateSm2Key();
    expect(k1.d).not.toBe(k2.d);
    expect(onCurve(k1.publicKey)).toBe(true);
    expect(k1.publicKey).toEqual(mul(k1.d, G));
  });
});

describe('GB/T 32918.5-2017 Annex A / GM/T 0003.5 known-answer vector', () => {
  const d = h('3945208F 7B2144B1 3F36E38A C6D39F95 88939369 2860B51A 42FB81EF 4DF7C5B8');
  const k = h('59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21');
  const msg = utf8('message digest');

  it('derives the key, Z_A and (r, s)', () => {
    const key = sm2PrivateKey(d);
    expect(key.publicKey).toEqual({
      x: h('09F9DF31 1E5421A1 50DD7D16 1E4BC5C6 72179FAD 1833FC07 6BB08FF3 56F35020'),
      y: h('CCEA490C E26775A5 2DC6EA71 8CC1AA60 0AED05FB F35E084A 6632F607 2DA9AD13'),
    });
    expect(Buffer.from(sm2Z(key.publicKey)).toString('hex')).toBe('b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3');
    const sig = sm2SignWithK(key, msg, k);
    expect(sig).toEqual({
      r: h('F5A03B06 48D2C463 0EEAC513 E1BB81A1 5944DA38 27D5B741 43AC7EAC EEE720B3'),
      s: h('B1B6AA29 DF212FD8 763182BC 0D421CA1 BB9038FD 1F7F42D4 840B69C4 85BBC1AA'),
    });
    expect(sm2Verify(key.publicKey, msg, sig)).toBe(true);
    expect(smCrypto.sm2.doVerifySignature(msg, sigHex(encodeSm2Der(sig)), pubHex(key.publicKey), { der: true, hash: true })).toBe(true);
  });

  it('rejects k outside [1, n − 1]', () => {
    const key = sm2PrivateKey(d);
    for (const bad of [0n, n, -1n]) expect(() => sm2SignWithK(key, msg, bad)).toThrow(RangeError);
  });
});

describe('interop', () => {
  const messages = [new Uint8Array(0), utf8('<SignedInfo>丝路通</SignedInfo>'), Buffer.alloc(1024, 0xa5), Buffer.from(fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), 1)[0]!)];

  it('with sm-crypto, both ways (DER, SM3 with Z, default and custom IDs)', () => {
    for (const [i, msg] of messages.entries()) {
      const key = generateSm2Key();
      const id = i % 2 ? 'ALICE123@YAHOO.COM' : '1234567812345678';
      const opts = { der: true, hash: true, userId: id, publicKey: pubHex(key.publicKey) };
      const ours = encodeSm2Der(sm2Sign(key, msg, utf8(id)));
      expect(smCrypto.sm2.doVerifySignature(msg, sigHex(ours), pubHex(key.publicKey), opts)).toBe(true);
      const theirs = smCrypto.sm2.doSignature(msg, hex(key.d), opts);
      expect(sm2Verify(key.publicKey, msg, unDer(theirs), utf8(id))).toBe(true);
      expect(sm2Verify(key.publicKey, utf8('other'), unDer(theirs), utf8(id))).toBe(false);
    }
  });

  it('with sm-crypto-v2, both ways', () => {
    for (const msg of messages) {
      const key = generateSm2Key();
      const ours = encodeSm2Der(sm2Sign(key, msg));
      expect(smV2.doVerifySignature(msg, sigHex(ours), pubHex(key.publicKey), { der: true, hash: true, userId: '1234567812345678' })).toBe(true);
      const theirs = smV2.doSignature(msg, hex(key.d), { der: true, hash: true, publicKey: pubHex(key.publicKey) });
      expect(sm2Verify(key.publicKey, msg, unDer(theirs))).toBe(true);
      // Raw r‖s as well.
      const raw = smV2.doSignature(msg, hex(key.d), { hash: true, publicKey: pubHex(key.publicKey) });
      expect(sm2Verify(key.publicKey, msg, decodeSm2Signature(Buffer.from(raw, 'hex'))!)).toBe(true);
    }
  });

  const openssl = (() => {
    try {
      return /^OpenSSL 3\./.test(execFileSync('openssl', ['version'], { encoding: 'utf8' }));
    } catch {
      return false;
    }
  })();

  it('with the OpenSSL 3 CLI, both ways', () => {
    if (!openssl) throw new Error('the OpenSSL 3 command line is needed for this test (Debian: openssl)');
    const dir = mkdtempSync(join(tmpdir(), 'sm2-'));
    try {
      const key = generateSm2Key();
      const point = pubHex(key.publicKey);
      // PKCS#8 { ecPublicKey, curve sm2 (1.2.156.10197.1.301), ECPrivateKey { 1, d, [1] point } } and
      // SPKI { same algorithm, point }, assembled by hand: Node's JWK import does not know SM2.
      const alg = '301306072a8648ce3d020106082a811ccf5501822d';
      const pkcs8 = '308187020100' + alg + '046d306b0201010420' + hex(key.d) + 'a144034200' + point;
      const spki = '3059' + alg + '034200' + point;
      const pem = (label: string, der: string) =>
        `-----BEGIN ${label}-----\n${Buffer.from(der, 'hex').toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
      writeFileSync(join(dir, 'key.pem'), pem('PRIVATE KEY', pkcs8));
      writeFileSync(join(dir, 'pub.pem'), pem('PUBLIC KEY', spki));
      // OpenSSL derives the same public key from d.
      const derived = execFileSync('openssl', ['pkey', '-in', join(dir, 'key.pem'), '-pubout', '-outform', 'DER']);
      expect(derived.toString('hex')).toBe(spki);

      const msg = Buffer.alloc(1500, 0x3c);
      writeFileSync(join(dir, 'msg'), msg);
      const run = (args: string[]) => execFileSync('openssl', ['pkeyutl', ...args, '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-in', join(dir, 'msg')]);
      const theirs = run(['-sign', '-inkey', join(dir, 'key.pem')]);
      expect(sm2Verify(key.publicKey, msg, decodeSm2Signature(theirs)!)).toBe(true);

      writeFileSync(join(dir, 'sig'), encodeSm2Der(sm2Sign(key, msg)));
      expect(run(['-verify', '-pubin', '-inkey', join(dir, 'pub.pem'), '-sigfile', join(dir, 'sig')]).toString()).toMatch(/Verified Successfully/);
      // And a signature over another message is refused (non-zero exit).
      writeFileSync(join(dir, 'sig'), encodeSm2Der(sm2Sign(key, utf8('other'))));
      expect(() => run(['-verify', '-pubin', '-inkey', join(dir, 'pub.pem'), '-sigfile', join(dir, 'sig')])).toThrow();
      expect(readFileSync(join(dir, 'msg')).length).toBe(1500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sign and verify properties', () => {
  const keys: Sm2PrivateKey[] = [generateSm2Key(), generateSm2Key(), generateSm2Key()];
  const arbKey = fc.constantFrom(...keys);
  const arbMsg = fc.uint8Array({ maxLength: 2048 });

  it('a fresh signature verifies, repeatedly (cold wNAF path, then the per-key comb)', () => {
    fc.assert(fc.property(arbKey, arbMsg, (key, msg) => {
      const sig = sm2Sign(key, msg);
      return [0, 1, 2].every(() => sm2Verify(key.publicKey, msg, sig));
    }), { numRuns: 40 });
  });

  it('changing any message byte, r, s, the ID or the key makes it fail', () => {
    fc.assert(fc.property(arbKey, arbMsg.filter((m) => m.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.bigInt({ min: 1n, max: n - 1n }),
      (key, msg, at, flip, delta) => {
        const sig = sm2Sign(key, msg);
        const changed = Uint8Array.from(msg);
        changed[at % msg.length]! ^= flip;
        const other = keys[(keys.indexOf(key) + 1) % keys.length]!;
        return !sm2Verify(key.publicKey, changed, sig)
          && !sm2Verify(key.publicKey, msg, { r: (sig.r + delta) % n || 1n, s: sig.s })
          && !sm2Verify(key.publicKey, msg, { r: sig.r, s: (sig.s + delta) % n || 1n })
          && !sm2Verify(key.publicKey, msg, sig, utf8('ALICE123@YAHOO.COM'))
          && !sm2Verify(other.publicKey, msg, sig);
      }), { numRuns: 60 });
  });

  it('signs and verifies under any ID', () => {
    fc.assert(fc.property(arbKey, arbMsg, fc.uint8Array({ maxLength: 64 }), (key, msg, id) => {
      const sig = sm2Sign(key, msg, id);
      return sm2Verify(key.publicKey, msg, sig, id) === true && sm2Verify(key.publicKey, msg, sig) === (Buffer.compare(id, SM2_DEFAULT_ID) === 0);
    }), { numRuns: 20 });
  });

  it('rejects r or s outside [1, n − 1] and r + s = n', () => {
    const [key] = keys;
    const msg = utf8('m');
    const sig = sm2Sign(key!, msg);
    for (const bad of [{ r: 0n, s: sig.s }, { r: sig.r, s: 0n }, { r: n, s: sig.s }, { r: sig.r, s: n }, { r: sig.r + n, s: sig.s },
      { r: -sig.r, s: sig.s }, { r: sig.r, s: n - sig.r }]) {
      expect(sm2Verify(key!.publicKey, msg, bad)).toBe(false);
    }
  });

  it('keeps verifying right while more keys than comb slots take turns (combs built, taken back, rebuilt)', () => {
    const many = Array.from({ length: 40 }, () => generateSm2Key());
    const msg = new TextEncoder().encode('<ds:SignedInfo/>');
    const sigs = many.map((k) => sm2Sign(k, msg));
    for (let round = 0; round < 20; round++) {
      many.forEach((k, i) => {
        expect(sm2Verify(k.publicKey, msg, sigs[i]!)).toBe(true);
        expect(sm2Verify(k.publicKey, msg, sigs[(i + 1) % many.length]!)).toBe(false);
      });
    }
  });

  it('does not confuse keys sharing x in its cache, and rejects off-curve keys', () => {
    const key = generateSm2Key();
    const msg = utf8('same x');
    const sig = sm2Sign(key, msg);
    const mirrored = sm2PublicKey({ x: key.publicKey.x, y: p - key.publicKey.y });
    for (let i = 0; i < 3; i++) {
      expect(sm2Verify(key.publicKey, msg, sig)).toBe(true);
      expect(sm2Verify(mirrored, msg, sig)).toBe(false);
    }
    expect(sm2Verify({ x: key.publicKey.x, y: key.publicKey.y + 1n }, msg, sig)).toBe(false);
    // The formulas never read b, so an off-curve key is a point of another curve, here one of
    // order 2 (y = 0): it must be refused up front, not fed to the arithmetic.
    expect(sm2Verify({ x: 5n, y: 0n }, msg, sig)).toBe(false);
  });

  it('signs with a caller-built key object', () => {
    const [key] = keys;
    const literal = { d: key!.d, publicKey: { x: key!.publicKey.x, y: key!.publicKey.y } };
    const msg = utf8('literal');
    expect(sm2Verify(key!.publicKey, msg, sm2Sign(literal, msg))).toBe(true);
    expect(() => sm2Sign({ d: n - 1n, publicKey: key!.publicKey }, msg)).toThrow(RangeError);
  });
});

describe('signature encodings', () => {
  const arbSig = fc.record({
    r: fc.oneof(fc.bigInt({ min: 1n, max: n - 1n }), fc.bigInt({ min: 1n, max: 1n << 64n })),
    s: fc.oneof(fc.bigInt({ min: 1n, max: n - 1n }), fc.bigInt({ min: 1n, max: 255n })),
  });

  it('encodes minimal DER', () => {
    expect(sigHex(encodeSm2Der({ r: 1n, s: 0x80n }))).toBe('3007020101020200' + '80');
    expect(sigHex(encodeSm2Der({ r: 0x7fn, s: n - 1n }))).toBe('302602017f022100' + hex(n - 1n));
    expect(() => encodeSm2Der({ r: 0n, s: 1n })).toThrow(RangeError);
    expect(() => encodeSm2Der({ r: 1n, s: n })).toThrow(RangeError);
  });

  it('round-trips DER and raw r‖s', () => {
    fc.assert(fc.property(arbSig, (sig) => {
      const der = encodeSm2Der(sig);
      const raw = Buffer.from(hex(sig.r) + hex(sig.s), 'hex');
      expect(decodeSm2Signature(der)).toEqual(sig);
      expect(decodeSm2Signature(raw)).toEqual(sig);
    }));
  });

  it('rejects malformed DER', () => {
    const sig = { r: n - 5n, s: (1n << 255n) - 19n }; // 33- and 32-byte integers: 71 bytes in all
    const good = sigHex(encodeSm2Der(sig));
    expect(good).toBe('3045022100' + hex(sig.r) + '0220' + hex(sig.s));
    const bad = [
      '', '30', '3000', good + '00', good.slice(0, -2), '3046022100' + hex(sig.r) + '0220' + hex(sig.s), // trailing / truncated / wrong length
      '308145022100' + hex(sig.r) + '0220' + hex(sig.s), // long-form length
      '31' + good.slice(2), '3045032100' + good.slice(10), // wrong tags
      '304602220000' + hex(sig.r) + '0220' + hex(sig.s), // two leading zeros
      '3046022100' + hex(sig.r) + '022100' + hex(sig.s), // leading zero before a positive byte
      '3045022100' + hex(sig.r) + '0220' + 'ff' + hex(sig.s).slice(2), // negative s
      '3044' + '0220' + hex(sig.r) + '0220' + hex(sig.s), // negative r (no 0x00 pad)
      '3046022100' + hex(sig.r) + '0220' + hex(sig.s) + '00', // a byte after s inside the SEQUENCE
      '3007020200010201' + '01', // leading zero before a small positive value
      '3025022100' + hex(sig.r) + '0200', // empty INTEGER
      '3048022400000000' + hex(sig.r) + '0220' + hex(sig.s), // integer over 33 bytes
    ];
    for (const b of bad) expect(decodeSm2Signature(Buffer.from(b, 'hex')), b).toBeNull();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }).filter((b) => b.length !== 64), (bytes) => {
      const sig = decodeSm2Signature(bytes);
      // Whatever decodes must be the one minimal encoding of what it decodes to.
      return sig === null || (sig.r >= 1n && sig.s >= 1n && sig.r < n && sig.s < n ? sigHex(encodeSm2Der(sig)) === sigHex(bytes) : true);
    }), { numRuns: 2000 });
  });
});
