// SM2 digital signatures (GB/T 32918.2-2016, GM/T 0003.2-2012) on the recommended curve sm2p256v1
// (GB/T 32918.5-2017), in TypeScript on BigInt, with SM3 from node:crypto (OpenSSL).
//
// Hand-written for speed; the choices below were measured on the target machine (one core):
// - V8's BigInt `%` on a 512-bit dividend costs ~150 ns, a 256×256 multiply ~40 ns, an add ~17 ns.
//   A reduction built from shifts/masks (p is a Solinas prime, but 2^256 mod p ≈ 2^224 only folds
//   32 bits per step) or Barrett is no faster than `%`, so the field code minimises the number of
//   `%` instead: every reduced value is the result of one `%` and lies in (−p, p) (`%` keeps the
//   dividend's sign), sums and differences are left unreduced, and a sum of products is reduced
//   once. Values are brought into [0, p) only where they leave the arithmetic.
// - Points are Jacobian (x = X/Z², y = Y/Z³; Z = 0 is infinity). Doubling uses a = −3 (3M+5S),
//   additions are mixed (Jacobian + affine, 8M+3S) so every precomputed point is stored affine.
// - Inversion is a division-based extended Euclid (~19 µs) rather than Fermat (~98 µs).
// - k·G and s·G use a fixed-window comb over signed 8-bit digits: 33 windows of affine multiples
//   j·2^(8i)·G, j ≤ 128, built on first use, so a scalar multiplication is ≤ 33 mixed additions and
//   no doublings. A public key in steady use (16 verifications) gets its own comb (6-bit windows, smaller
//   and quicker to build); a key not (yet) in steady use goes by wNAF (w = 5) with doublings.
// - Verification never inverts: x(R) is compared projectively, X ≡ x·Z² (mod p).
// Not constant-time: BigInt timing follows operand lengths (in 64-bit digits, so a nonce's length
// shows only with probability 2^-64) and the comb skips zero digits (1 in 256 per window). Signing
// where an attacker can time many signatures precisely belongs in a device.
import { createHash, randomBytes } from 'node:crypto';

const P = 0xfffffffe_ffffffff_ffffffff_ffffffff_ffffffff_00000000_ffffffff_ffffffffn;
const A = P - 3n;
const B = 0x28e9fa9e_9d9f5e34_4d5a9e4b_cf6509a7_f39789f5_15ab8f92_ddbcbd41_4d940e93n;
const N = 0xfffffffe_ffffffff_ffffffff_ffffffff_7203df6b_21c6052b_53bbf409_39d54123n;
const GX = 0x32c4ae2c_1f198119_5f990446_6a39c994_8fe30bbf_f2660be1_715a4589_334c74c7n;
const GY = 0xbc3736a2_f4f6779c_59bdcee3_6b692153_d0a9877c_c62a4740_02df32e5_2139f0a0n;

/** The domain parameters of sm2p256v1 (GB/T 32918.5-2017), for callers and tests. */
export const SM2_CURVE = Object.freeze({ p: P, a: A, b: B, n: N, gx: GX, gy: GY });

const DEFAULT_ID_TEXT = '1234567812345678';
/** The default user ID of GB/T 35276-2017, ASCII "1234567812345678". */
export const SM2_DEFAULT_ID: Uint8Array = new TextEncoder().encode(DEFAULT_ID_TEXT);
// A private copy: the exported array could be mutated, and the per-key Z caches assume this ID.
const DEFAULT_ID = new TextEncoder().encode(DEFAULT_ID_TEXT);

export interface Sm2PublicKey { readonly x: bigint; readonly y: bigint }
export interface Sm2PrivateKey { readonly d: bigint; readonly publicKey: Sm2PublicKey }
export interface Sm2Signature { r: bigint; s: bigint }

// ---------------------------------------------------------------------------------------------
// Integers

/** a mod m in [0, m). */
function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** a⁻¹ mod m for a in [1, m − 1] and m prime: extended Euclid tracking only a's coefficient. */
function invert(a: bigint, m: bigint): bigint {
  let u = a, v = m, x0 = 1n, x1 = 0n;
  while (v !== 0n) {
    const q = u / v;
    const t = u - q * v;
    u = v;
    v = t;
    const tx = x0 - q * x1;
    x0 = x1;
    x1 = tx;
  }
  return x0 < 0n ? x0 + m : x0;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex'));
}

function bigIntTo32(v: bigint): Buffer {
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
}

/** Uniform in [1, max] by rejection from 256 random bits (max is within 2^-32 of 2^256). */
function randomScalar(max: bigint): bigint {
  for (;;) {
    const v = bytesToBigInt(randomBytes(32));
    if (v >= 1n && v <= max) return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Points

/** Jacobian coordinates, each in (−p, p); z = 0n marks infinity. Mutated in place by the loops. */
interface Jacobian { x: bigint; y: bigint; z: bigint }

const infinity = (): Jacobian => ({ x: 0n, y: 0n, z: 0n });

function onCurve(x: bigint, y: bigint): boolean {
  return x >= 0n && x < P && y >= 0n && y < P && mod(y * y - (x * x + A) * x - B, P) === 0n;
}

/** q ← 2q (dbl-2001-b for a = −3). Infinity stays infinity (z' = 2yz = 0). */
function double(q: Jacobian): void {
  const { x, y, z } = q;
  const delta = (z * z) % P;
  const gamma = (y * y) % P;
  const beta = (x * gamma) % P;
  const alpha = (3n * (x - delta) * (x + delta)) % P;
  const x3 = (alpha * alpha - 8n * beta) % P;
  q.z = ((y + y) * z) % P;
  q.y = (alpha * (4n * beta - x3) - 8n * gamma * gamma) % P;
  q.x = x3;
}

/**
 * q ← q + (x2, y2) for an affine point with x2 in [0, p) (madd-2004-hmv). Handles every case
 * (q infinite, q = ±(x2, y2)) because verification feeds it attacker-chosen scalars.
 */
function addAffine(q: Jacobian, x2: bigint, y2: bigint): void {
  const { x: x1, y: y1, z: z1 } = q;
  if (z1 === 0n) {
    q.x = x2;
    q.y = y2;
    q.z = 1n;
    return;
  }
  const z1z1 = (z1 * z1) % P;
  const u2 = (x2 * z1z1) % P; // [0, p)
  const s2 = (y2 * z1 * z1z1) % P;
  const h = u2 - x1; // (−p, 2p): ≡ 0 exactly when 0 or p
  const r = s2 - y1; // (−2p, 2p)
  if (h === 0n || h === P) {
    if (r === 0n || r === P || r === -P) double(q);
    else q.z = 0n;
    return;
  }
  const hh = (h * h) % P;
  // H³ stays unreduced: it only feeds X3 and Y1·H³, which are reduced anyway.
  const hhh = h * hh;
  const v = (x1 * hh) % P;
  const x3 = (r * r - hhh - 2n * v) % P;
  q.y = (r * (v - x3) - y1 * hhh) % P;
  q.z = (z1 * h) % P;
  q.x = x3;
}

function toAffine(q: Jacobian): { x: bigint; y: bigint } | null {
  if (q.z === 0n) return null;
  const zi = invert(mod(q.z, P), P);
  const zi2 = (zi * zi) % P;
  return { x: mod(q.x * zi2, P), y: mod(((q.y * zi2) % P) * zi, P) };
}

interface AffineTable { readonly xs: bigint[]; readonly ys: bigint[] }

/** Affine forms of finite Jacobian points with one inversion (Montgomery's simultaneous inversion). */
function toAffineAll(points: readonly Jacobian[]): AffineTable {
  const prefix: bigint[] = new Array<bigint>(points.length);
  let acc = 1n;
  for (let i = 0; i < points.length; i++) {
    prefix[i] = acc;
    acc = (acc * points[i]!.z) % P;
  }
  if (acc === 0n) throw new Error('sm2: point at infinity in a precomputed table');
  let inv = invert(mod(acc, P), P);
  const xs: bigint[] = new Array<bigint>(points.length);
  const ys: bigint[] = new Array<bigint>(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const pt = points[i]!;
    const zi = (inv * prefix[i]!) % P;
    inv = (inv * pt.z) % P;
    const zi2 = (zi * zi) % P;
    xs[i] = mod(pt.x * zi2, P);
    ys[i] = mod(((pt.y * zi2) % P) * zi, P);
  }
  return { xs, ys };
}

// ---------------------------------------------------------------------------------------------
// Fixed-window comb: k = Σ d_i·2^(w·i) with signed digits d_i in (−2^(w−1), 2^(w−1)], and a table
// of |d|·2^(w·i)·Q per window, so k·Q is a sum of at most `windows` table points (negation is free).

interface Comb extends AffineTable {
  readonly w: number;
  /** ⌊bits/w⌋ + 1 for scalars below 2^bits: the last window takes the recoding's final carry. */
  readonly windows: number;
}

function buildComb(x: bigint, y: bigint, w: number, bits: number): Comb {
  const half = 1 << (w - 1);
  const windows = Math.floor(bits / w) + 1;
  // The last window holds the top bits − w·(windows − 1) bits plus a carry, so its digit is ≤ 2^that.
  const lastCount = Math.min(half, 2 ** (bits - w * (windows - 1)));
  // Window bases 2^(w·i)·Q by repeated doubling, made affine together: they are the addends below.
  const walk: Jacobian = { x, y, z: 1n };
  const bases: Jacobian[] = [{ ...walk }];
  while (bases.length < windows) {
    for (let j = 0; j < w; j++) double(walk);
    bases.push({ ...walk });
  }
  const base = toAffineAll(bases);
  const points: Jacobian[] = [];
  for (let i = 0; i < windows; i++) {
    const bx = base.xs[i]!, by = base.ys[i]!;
    const acc: Jacobian = infinity();
    const count = i === windows - 1 ? lastCount : half;
    for (let j = 1; j <= count; j++) {
      addAffine(acc, bx, by);
      points.push({ ...acc });
    }
  }
  return { w, windows, ...toAffineAll(points) };
}

/** q ← q + k·Q for 0 ≤ k < 2^bits of the comb, Q the comb's point. */
function addComb(q: Jacobian, comb: Comb, k: bigint): void {
  const { w, windows, xs, ys } = comb;
  const half = 1 << (w - 1);
  const full = 1 << w;
  const mask = BigInt(full - 1);
  const shift = BigInt(w);
  let rest = k;
  let carry = 0;
  for (let i = 0; i < windows; i++) {
    let d = Number(rest & mask) + carry;
    rest >>= shift;
    carry = d > half ? 1 : 0;
    if (carry) d -= full;
    if (d === 0) continue;
    const idx = i * half + (d > 0 ? d : -d) - 1;
    const y = ys[idx]!;
    addAffine(q, xs[idx]!, d > 0 ? y : P - y);
  }
}

let gComb: Comb | undefined;
/** The comb for G (4,098 affine points, ~20 ms, ~0.6 MB), built on first use; takes scalars < 2^257. */
const baseComb = (): Comb => (gComb ??= buildComb(GX, GY, 8, 257));

/**
 * k·G for a secret k in [1, n − 1], as (k + n)·G: k + n in [n, 2n) always ends in a non-zero top
 * digit (bit 256 set, or a carry out of a top byte of 0xff), so the number of additions does not
 * tell whether k's top bits would have carried.
 */
function mulBaseSecret(k: bigint): Jacobian {
  const q = infinity();
  addComb(q, baseComb(), k + N);
  return q;
}

// ---------------------------------------------------------------------------------------------
// wNAF for a point seen once: digits in {0, ±1, ±3, …, ±(2^(w−1) − 1)}, non-zero digits at least w
// apart, so t·Q costs 256 doublings and ~256/(w+1) additions of odd multiples of Q.

const WNAF_W = 5;

function wnaf(k: bigint, w: number): Int8Array {
  // Bits of k as 32-bit words, with a zero word so a window may run past bit 255.
  const words = new Uint32Array(9);
  for (let i = 0; i < 8; i++) words[i] = Number(BigInt.asUintN(32, k >> BigInt(32 * i)));
  const bits = (pos: number, count: number): number => {
    const wi = pos >>> 5, sh = pos & 31;
    let v = words[wi]! >>> sh;
    if (sh + count > 32) v |= words[wi + 1]! << (32 - sh);
    return v & ((1 << count) - 1);
  };
  const digits = new Int8Array(257);
  let carry = 0;
  let pos = 0;
  while (pos < 257) {
    if (bits(pos, 1) === carry) {
      pos++;
      continue;
    }
    let d = bits(pos, w) + carry; // odd
    carry = (d >> (w - 1)) & 1;
    d -= carry << w;
    digits[pos] = d;
    pos += w;
  }
  return digits;
}

/** Q, 3Q, 5Q, …, (2^(w−1) − 1)·Q, affine, with a single inversion. */
function oddMultiples(x: bigint, y: bigint, w: number): AffineTable {
  const two: Jacobian = { x, y, z: 1n };
  double(two);
  // Rather than invert Z of 2Q, run the chain on the isomorphic curve (x, y) ↦ (x·Z², y·Z³), where
  // 2Q is the affine (X, Y): mixed additions do not involve a, and a point (X', Y', Z') found there
  // is (X', Y', Z'·Z) here. No addition in the chain is exceptional (jQ ≠ ±2Q for odd j < n − 2).
  const zz = (two.z * two.z) % P;
  const tx = mod(two.x, P);
  const acc: Jacobian = { x: (x * zz) % P, y: (y * zz * two.z) % P, z: 1n };
  const points: Jacobian[] = [{ x, y, z: 1n }];
  for (let j = 1; j < 1 << (w - 2); j++) {
    addAffine(acc, tx, two.y);
    points.push({ x: acc.x, y: acc.y, z: (acc.z * two.z) % P });
  }
  return toAffineAll(points);
}

/** k·Q by wNAF; the doublings start at the top non-zero digit. */
function mulWnaf(x: bigint, y: bigint, k: bigint): Jacobian {
  const table = oddMultiples(x, y, WNAF_W);
  const digits = wnaf(k, WNAF_W);
  const q = infinity();
  for (let i = digits.length - 1; i >= 0; i--) {
    if (q.z !== 0n) double(q);
    const d = digits[i]!;
    if (d === 0) continue;
    const idx = ((d > 0 ? d : -d) - 1) >> 1;
    const yy = table.ys[idx]!;
    addAffine(q, table.xs[idx]!, d > 0 ? yy : P - yy);
  }
  return q;
}

// ---------------------------------------------------------------------------------------------
// Keys

function publicFromScalar(d: bigint): Sm2PublicKey {
  return Object.freeze(toAffine(mulBaseSecret(d))!); // d in [1, n − 1]
}

interface SignerState { readonly d: bigint; readonly dInv: bigint; readonly z: Uint8Array }
// Per-key signing state, keyed by the key object; `d` is kept to notice a caller-built object.
const signers = new WeakMap<Sm2PrivateKey, SignerState>();

function checkScalar(d: bigint): void {
  if (d < 1n || d > N - 2n) throw new RangeError('sm2: private key outside [1, n − 2]');
}

function signerState(key: Sm2PrivateKey): SignerState {
  const known = signers.get(key);
  if (known !== undefined && known.d === key.d) return known;
  checkScalar(key.d);
  // (1 + d)⁻¹ is the only per-key inversion mod n in signing; Z for the default ID is per key too.
  const state = { d: key.d, dInv: invert(key.d + 1n, N), z: sm2Z(key.publicKey) };
  signers.set(key, state);
  return state;
}

/** d in [1, n − 2] (bigint or big-endian bytes, at most 32); derives the public key; RangeError otherwise. */
export function sm2PrivateKey(d: bigint | Uint8Array): Sm2PrivateKey {
  if (typeof d !== 'bigint') {
    if (d.length > 32) throw new RangeError('sm2: private key longer than 32 bytes');
    d = bytesToBigInt(d);
  }
  checkScalar(d);
  const key: Sm2PrivateKey = Object.freeze({ d, publicKey: publicFromScalar(d) });
  signerState(key);
  return key;
}

/** An affine point (x, y) or uncompressed 04‖x‖y (65 bytes), on the curve; RangeError otherwise. */
export function sm2PublicKey(point: Uint8Array | { x: bigint; y: bigint }): Sm2PublicKey {
  let x: bigint, y: bigint;
  if (point instanceof Uint8Array) {
    if (point.length !== 65 || point[0] !== 0x04) throw new RangeError('sm2: public key is not an uncompressed 65-byte point');
    x = bytesToBigInt(point.subarray(1, 33));
    y = bytesToBigInt(point.subarray(33));
  } else {
    ({ x, y } = point);
  }
  // A finite affine point on y² = x³ + ax + b; the cofactor is 1, so it has order n.
  if (!onCurve(x, y)) throw new RangeError('sm2: public key is not a point on sm2p256v1');
  return Object.freeze({ x, y });
}

export function generateSm2Key(): Sm2PrivateKey {
  return sm2PrivateKey(randomScalar(N - 2n));
}

// The curve part of Z_A: a ‖ b ‖ xG ‖ yG.
const CURVE_BYTES = Buffer.concat([A, B, GX, GY].map(bigIntTo32));

/** Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), ENTL the ID's length in bits (2 bytes). */
export function sm2Z(pub: Sm2PublicKey, id: Uint8Array = SM2_DEFAULT_ID): Uint8Array {
  if (id.length > 8191) throw new RangeError('sm2: ID longer than 8191 bytes (ENTL is 16 bits)');
  const entl = id.length * 8;
  const digest = createHash('sm3')
    .update(Uint8Array.of(entl >> 8, entl & 0xff))
    .update(id)
    .update(CURVE_BYTES)
    .update(bigIntTo32(pub.x))
    .update(bigIntTo32(pub.y))
    .digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}

function isDefaultId(id: Uint8Array): boolean {
  if (id.length !== DEFAULT_ID.length) return false;
  for (let i = 0; i < id.length; i++) if (id[i] !== DEFAULT_ID[i]) return false;
  return true;
}

/** e = SM3(Z_A ‖ M) as an integer. */
function digest(z: Uint8Array, msg: Uint8Array): bigint {
  return BigInt('0x' + createHash('sm3').update(z).update(msg).digest('hex'));
}

// ---------------------------------------------------------------------------------------------
// Signing (GB/T 32918.2 §6.1)

/** (r, s) for nonce k, or null when k must be replaced (r = 0, r + k = n or s = 0). */
function signDigest(state: SignerState, e: bigint, k: bigint): Sm2Signature | null {
  const x1 = toAffine(mulBaseSecret(k))!.x; // k in [1, n − 1]
  const r = (e + x1) % N;
  if (r === 0n || r + k === N) return null;
  const s = mod(state.dInv * (k - r * state.d), N);
  return s === 0n ? null : { r, s };
}

function signingInput(key: Sm2PrivateKey, msg: Uint8Array, id: Uint8Array): { state: SignerState; e: bigint } {
  const state = signerState(key);
  return { state, e: digest(isDefaultId(id) ? state.z : sm2Z(key.publicKey, id), msg) };
}

/** SM2 signature of msg with a fresh random k from node:crypto. */
export function sm2Sign(key: Sm2PrivateKey, msg: Uint8Array, id: Uint8Array = SM2_DEFAULT_ID): Sm2Signature {
  const { state, e } = signingInput(key, msg, id);
  for (;;) {
    const sig = signDigest(state, e, randomScalar(N - 1n));
    if (sig !== null) return sig;
  }
}

/** Deterministic variant for known-answer tests: k in [1, n − 1]; RangeError when k is unusable. */
export function sm2SignWithK(key: Sm2PrivateKey, msg: Uint8Array, k: bigint, id: Uint8Array = SM2_DEFAULT_ID): Sm2Signature {
  if (k < 1n || k >= N) throw new RangeError('sm2: k outside [1, n − 1]');
  const { state, e } = signingInput(key, msg, id);
  const sig = signDigest(state, e, k);
  if (sig === null) throw new RangeError('sm2: this k gives r = 0, r + k = n or s = 0');
  return sig;
}

// ---------------------------------------------------------------------------------------------
// Verification (GB/T 32918.2 §7.1)

// Public keys seen recently, by x (a certificate is usually re-parsed per message, so the key
// object itself is no use as a cache key); y is compared on lookup. The state (Z_A, use count) is
// cheap and kept for many keys; a key's comb costs ~5 ms and ~150 KB and pays for itself after about
// ten verifications, so only keys in steady use get one, and only a few at a time. A comb taken
// from a key sets its count back, so keys rotating through the comb slots (hundreds of
// enterprises filing in turn) rebuild at most once per COMB_AFTER verifications each: the worst case
// stays within a constant factor of the cold path instead of building a comb per message.
interface KeyState { readonly y: bigint; readonly z: Uint8Array; uses: number; comb: Comb | null }
const KEY_CACHE_SIZE = 1024;
const COMB_SLOTS = 32;
const COMB_AFTER = 16;
const KEY_COMB_W = 6;
const keyStates = new Map<bigint, KeyState>();
let combs = 0;

/** Takes the comb of the least recently used key that has one. */
function freeCombSlot(): void {
  for (const st of keyStates.values()) {
    if (st.comb !== null) {
      st.comb = null;
      st.uses = 0;
      combs--;
      return;
    }
  }
}

/** The cached state for pub, or null when pub is not a valid point. */
function keyState(pub: Sm2PublicKey): KeyState | null {
  const known = keyStates.get(pub.x);
  if (known !== undefined && known.y === pub.y) {
    keyStates.delete(pub.x);
    keyStates.set(pub.x, known);
    if (++known.uses >= COMB_AFTER && known.comb === null) {
      if (combs >= COMB_SLOTS) freeCombSlot();
      known.comb = buildComb(pub.x, pub.y, KEY_COMB_W, 256);
      combs++;
    }
    return known;
  }
  if (!onCurve(pub.x, pub.y)) return null;
  const state: KeyState = { y: pub.y, z: sm2Z(pub), uses: 1, comb: null };
  keyStates.delete(pub.x);
  keyStates.set(pub.x, state);
  if (keyStates.size > KEY_CACHE_SIZE) {
    const [oldest, st] = keyStates.entries().next().value!;
    if (st.comb !== null) combs--;
    keyStates.delete(oldest);
  }
  return state;
}

/** q ← s·G + t·Q, with Q's comb when there is one and wNAF otherwise. */
function mulAdd(s: bigint, t: bigint, qx: bigint, qy: bigint, comb: Comb | null): Jacobian {
  // wNAF first: its doublings must not touch the s·G terms.
  const q = comb === null ? mulWnaf(qx, qy, t) : infinity();
  if (comb !== null) addComb(q, comb, t);
  addComb(q, baseComb(), s);
  return q;
}

export function sm2Verify(pub: Sm2PublicKey, msg: Uint8Array, sig: Sm2Signature, id: Uint8Array = SM2_DEFAULT_ID): boolean {
  const { r, s } = sig;
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = (r + s) % N;
  if (t === 0n) return false;
  const state = keyState(pub);
  if (state === null) return false;
  const e = digest(isDefaultId(id) ? state.z : sm2Z(pub, id), msg);
  const q = mulAdd(s, t, pub.x, pub.y, state.comb);
  if (q.z === 0n) return false;
  // R = e + x1 (mod n) with x1 = X/Z² in [0, p): x1 is r − e mod n, or that plus n when below p.
  const zz = (q.z * q.z) % P;
  for (let x1 = mod(r - e, N); x1 < P; x1 += N) {
    if ((q.x - x1 * zz) % P === 0n) return true;
  }
  return false;
}

/**
 * s·G + t·Q in affine coordinates, null for infinity; s, t in [0, n). `path` picks Q's strategy:
 * 'wnaf' as for a key seen once, 'comb' as for a cached key. Exposed for tests of the fast paths.
 */
export function sm2MulAdd(s: bigint, t: bigint, q: Sm2PublicKey, path: 'wnaf' | 'comb'): { x: bigint; y: bigint } | null {
  if (s < 0n || s >= N || t < 0n || t >= N) throw new RangeError('sm2: scalar outside [0, n)');
  return toAffine(mulAdd(s, t, q.x, q.y, path === 'comb' ? buildComb(q.x, q.y, KEY_COMB_W, 256) : null));
}

// ---------------------------------------------------------------------------------------------
// Encodings (GB/T 35276-2017 §7.3: SEQUENCE { r INTEGER, s INTEGER })

function derInteger(v: bigint): Buffer {
  if (v < 1n || v >= N) throw new RangeError('sm2: signature component outside [1, n − 1]');
  let hex = v.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = '00' + hex; // keep it positive
  const body = Buffer.from(hex, 'hex');
  return Buffer.concat([Uint8Array.of(0x02, body.length), body]);
}

export function encodeSm2Der(sig: Sm2Signature): Uint8Array {
  const r = derInteger(sig.r), s = derInteger(sig.s);
  const out = new Uint8Array(2 + r.length + s.length);
  out[0] = 0x30;
  out[1] = r.length + s.length; // ≤ 70: always the short length form
  out.set(r, 2);
  out.set(s, 2 + r.length);
  return out;
}

/** A DER INTEGER at `at`: positive, minimally encoded, at most 33 content bytes. */
function readDerInteger(b: Uint8Array, at: number): { v: bigint; end: number } | null {
  if (b[at] !== 0x02) return null;
  const len = b[at + 1];
  if (len === undefined || len < 1 || len > 33 || at + 2 + len > b.length) return null;
  const first = b[at + 2]!;
  if (first & 0x80) return null; // negative
  if (first === 0 && len > 1 && !(b[at + 3]! & 0x80)) return null; // superfluous leading zero
  return { v: bytesToBigInt(b.subarray(at + 2, at + 2 + len)), end: at + 2 + len };
}

function decodeDer(b: Uint8Array): Sm2Signature | null {
  // Short length form only: the content can never reach 128 bytes, so a long form is not minimal.
  if (b.length < 8 || b[0] !== 0x30 || b[1]! >= 0x80 || b[1] !== b.length - 2) return null;
  const r = readDerInteger(b, 2);
  if (r === null) return null;
  const s = readDerInteger(b, r.end);
  if (s === null || s.end !== b.length) return null;
  return { r: r.v, s: s.v };
}

/**
 * Strict DER (above), else — for exactly 64 bytes — raw r‖s; null when neither. Range checks are
 * the verifier's: a well-formed encoding of r = 0 decodes.
 */
export function decodeSm2Signature(bytes: Uint8Array): Sm2Signature | null {
  const der = decodeDer(bytes);
  if (der !== null || bytes.length !== 64) return der;
  return { r: bytesToBigInt(bytes.subarray(0, 32)), s: bytesToBigInt(bytes.subarray(32)) };
}
