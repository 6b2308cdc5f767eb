// silkgate simulate — realistic CEB traffic through the HTTP API of a running server: the database
// (the server's --data / --db) is opened only to find the parties, issue their tokens and register
// the catalogue's item records; then it is closed and the traffic goes over HTTP like any client's.
import { parseArgs } from 'node:util';
import type { Config } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';
import { text, type Locale } from '../kernel/i18n/index.js';
import { createPlatform } from '../platform.js';
import { createTraffic, DEFAULT_FAULT_SHARES, FAULT_KINDS, type FaultShares } from '../clearance/traffic/generator.js';
import { describeStats, driveTraffic, type TrafficStats } from '../clearance/traffic/driver.js';
import { prepareDemoTraffic } from '../clearance/traffic/setup.js';
import { usage } from './usage.js';

const USAGE = 'simulate [--rate N] [--duration S] [--mode import|export|mixed] [--faults SHARE] [--seed N] [--url BASE] [--label L] [--json]';
const MODES = ['import', 'export', 'mixed'] as const;
type Mode = (typeof MODES)[number];

/** The default fault mix (5 % in all) scaled to a total share. */
export function faultMix(total: number): FaultShares {
  const sum = FAULT_KINDS.reduce((s, k) => s + DEFAULT_FAULT_SHARES[k], 0);
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, (DEFAULT_FAULT_SHARES[k] * total) / sum]));
}

function number(name: string, raw: string | undefined, fallback: number, ok: (n: number) => boolean): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !ok(n)) throw usage(`${USAGE}\n  --${name} cannot be "${raw}"`);
  return n;
}

/** The server's own address for a client on this machine: a wildcard host is reached on loopback. */
export function defaultUrl(config: Config): string {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port || 8080}`;
}

/** Reachable, and a Silkgate server (its health check answers)? Otherwise a clear refusal, exit 1. */
async function checkReachable(url: string): Promise<void> {
  let detail: string;
  try {
    const res = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(5000) });
    await res.text();
    if (res.ok) return;
    detail = `GET /healthz: HTTP ${res.status}`;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    detail = e.cause?.code ?? e.cause?.message ?? e.message;
  }
  throw new AppError('unavailable', 'TRAFFIC_UNREACHABLE', { url, detail });
}

/** A token issued in our database must work on the server: otherwise it runs on another one. */
async function checkSameDatabase(url: string, token: string, database: string): Promise<void> {
  const res = await fetch(new URL('/api/v1/me', url), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
  await res.text();
  if (res.status === 401 || res.status === 403) throw new AppError('invalid', 'TRAFFIC_OTHER_DATABASE', { url, status: res.status, database });
}

/** One line on stderr, redrawn at most four times a second; silent when stderr is not a terminal. */
function progressLine(locale: Locale) {
  const tty = process.stderr.isTTY === true;
  let drawn = 0;
  return (s: TrafficStats, last = false) => {
    if (!tty || (!last && Date.now() - drawn < 250)) return;
    drawn = Date.now();
    const rate = (s.parcels / Math.max(s.elapsedMs / 1000, 0.001)).toFixed(1);
    const words = text('TRAFFIC_LIVE', { parcels: s.parcels, documents: s.documents, accepted: s.accepted, refused: s.refused, errors: s.errors, rate })[locale];
    process.stderr.write(`\r${words}\x1b[K${last ? '\n' : ''}`);
  };
}

export async function simulateCommand(args: string[], config: Config, locale: Locale): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      rate: { type: 'string' }, duration: { type: 'string' }, mode: { type: 'string' }, faults: { type: 'string' },
      seed: { type: 'string' }, url: { type: 'string' }, label: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  if (positionals.length) throw usage(USAGE);
  const rate = number('rate', values.rate, 5, (n) => n > 0 && n <= 10_000);
  const duration = number('duration', values.duration, 60, (n) => n >= 0);
  const faults = number('faults', values.faults, 0.05, (n) => n >= 0 && n <= 1);
  const seed = number('seed', values.seed, Math.floor(Math.random() * 2 ** 31), Number.isSafeInteger);
  const mode = (values.mode ?? 'mixed') as Mode;
  if (!MODES.includes(mode)) throw usage(`${USAGE}\n  --mode must be import, export or mixed`);
  const url = (values.url ?? defaultUrl(config)).replace(/\/+$/, '');
  try {
    new URL(url);
  } catch {
    throw usage(`${USAGE}\n  --url must be an http(s) address such as http://127.0.0.1:8080`);
  }

  // Before anything is written to the database: is there a server to send to?
  await checkReachable(url);
  const platform = await createPlatform(config);
  let prepared;
  try {
    prepared = await prepareDemoTraffic(platform, { label: values.label ?? 'simulate' });
  } finally {
    await platform.close();
  }
  const first = Object.values(prepared.tokens)[0];
  if (first) await checkSameDatabase(url, first, platform.store.describe);

  const traffic = createTraffic({ seed, parties: prepared.parties, faults: faultMix(faults) });
  if (process.stderr.isTTY) {
    process.stderr.write(text('TRAFFIC_STARTING', { url, count: prepared.enterprises.length, rate, duration, mode, faults, seed })[locale] + '\n');
  }
  // Ctrl-C ends the run early; what was sent is still counted and summed up.
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const draw = progressLine(locale);
  let stats: TrafficStats;
  try {
    stats = await driveTraffic({
      baseUrl: url, tokens: prepared.tokens, traffic, ratePerSecond: rate, durationSeconds: duration, mode,
      signal: controller.signal, progressIntervalMs: 250, onProgress: (s) => draw(s),
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  draw(stats, true);

  if (values.json) process.stdout.write(JSON.stringify({ seed, url, mode, rate, duration, ...stats }, null, 2) + '\n');
  else {
    const kinds = FAULT_KINDS.filter((k) => stats.faults[k] > 0).map((k) => `${k} ${stats.faults[k]}`);
    const count = FAULT_KINDS.reduce((n, k) => n + stats.faults[k], 0);
    process.stdout.write(describeStats(stats)[locale] + '\n');
    process.stdout.write(text('TRAFFIC_FAULTS', { count, list: kinds.join(', ') || '—', seed })[locale] + '\n');
  }
  // Refusals are the point of faulty traffic; only a server that answered nothing is a failure.
  if (stats.posted > 0 && stats.accepted + stats.refused === 0) {
    process.stderr.write(`silkgate: TRAFFIC_NO_ANSWER: ${text('TRAFFIC_NO_ANSWER', { url, posted: stats.posted })[locale]}\n`);
    return 1;
  }
  return 0;
}
