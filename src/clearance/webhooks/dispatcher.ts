// Delivers the webhook queue: claims due rows (a lease in locked_until, so dispatchers in any
// number of processes never send the same row at the same time), POSTs them signed, and records
// the outcome — delivered on 2xx, otherwise tried again later with exponential backoff until
// maxAttempts. Everything lives in the database, so a restart loses nothing: pending rows are
// picked up by the next dispatcher and an abandoned lease simply expires. Delivery is at least
// once (a crash between the receiver's answer and the record sends again): receivers dedupe by
// x-silkgate-delivery.
import type { Store } from '../../db/store.js';
import * as repo from './repository.js';
import { retryDelay } from './rules.js';
import { signPayload } from './signature.js';

export { verifySignature, signPayload, type VerifyOptions } from './signature.js';

/** What the dispatcher logs through; pino (Fastify's logger) fits. */
export interface DispatcherLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DispatcherOptions {
  readonly store: Store;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
  /** How often to look for due rows when the queue is idle (ms). */
  readonly pollMs?: number;
  /** Requests in flight at most. */
  readonly concurrency?: number;
  /** Tries before a delivery is given up as failed. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per request, body included (ms). */
  readonly timeoutMs?: number;
  readonly logger?: DispatcherLogger;
  /** Jitter source in [0, 1); tests pin it. */
  readonly random?: () => number;
}

export interface DispatchResult {
  /** Rows this run took. */
  claimed: number;
  delivered: number;
  /** Failed tries scheduled for another. */
  retried: number;
  /** Given up after maxAttempts. */
  failed: number;
  /** Claimed but not sent: the webhook was removed (row dropped) or is inactive (row put back). */
  skipped: number;
}

export interface WebhookDispatcher {
  /** Starts polling in the background; a second call does nothing. */
  start(): void;
  /** Stops polling and resolves once every request in flight is answered and recorded. */
  stop(): Promise<void>;
  /** One round: claims up to `concurrency` due rows, sends them and records the outcomes. */
  runOnce(): Promise<DispatchResult>;
}

type Outcome = 'delivered' | 'retried' | 'failed' | 'skipped';

interface Job {
  readonly row: repo.DeliveryRow;
  readonly url: string;
  readonly secret: string;
  readonly lease: string;
}

/** How much of a refusing receiver's answer is kept in last_error. */
const ERROR_SNIPPET = 512;
/** Extra lease beyond the request timeout, for claiming, signing and recording. */
const LEASE_MARGIN_MS = 30_000;

async function readSnippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    // Never read a whole body: a hostile receiver could stream forever.
    while (size < ERROR_SNIPPET) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.byteLength;
    }
  } catch {
    // The answer's status is what counts; a body cut short is no extra failure.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts).toString('utf8', 0, Math.min(size, ERROR_SNIPPET)).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  // undici reports "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND …) in cause.
  const cause = e?.cause?.code ?? e?.cause?.message;
  return (cause ? `${e?.message ?? 'error'}: ${cause}` : e?.message ?? String(err)).slice(0, ERROR_SNIPPET);
}

export function createWebhookDispatcher(options: DispatcherOptions): WebhookDispatcher {
  const {
    store, fetch: send = globalThis.fetch, now = () => new Date(), pollMs = 500, concurrency = 8, maxAttempts = 12,
    baseDelayMs = 1000, maxDelayMs = 3_600_000, timeoutMs = 10_000, random = Math.random,
  } = options;
  const logger: DispatcherLogger = options.logger ?? { warn: () => undefined, error: () => undefined };
  const { db, dialect } = store;
  const leaseMs = timeoutMs + LEASE_MARGIN_MS;

  async function claim(limit: number): Promise<{ jobs: Job[]; skipped: number }> {
    const at = now();
    const lease = new Date(at.getTime() + leaseMs).toISOString();
    const rows = await db.transaction().execute((trx) => repo.claimDue(trx, dialect, at.toISOString(), lease, limit));
    if (!rows.length) return { jobs: [], skipped: 0 };
    const hooks = new Map((await repo.webhooksByIds(db, [...new Set(rows.map((r) => r.webhook_id))])).map((h) => [h.id, h]));
    // Removing a webhook deletes its queue, but a pipeline transaction running at that moment can
    // still queue rows for it: those are dropped here.
    const orphans = rows.filter((r) => !hooks.has(r.webhook_id)).map((r) => r.id);
    if (orphans.length) await repo.deleteDeliveries(db, orphans);
    // An inactive webhook keeps its queue, looked at again after the longest backoff.
    const paused = rows.filter((r) => hooks.get(r.webhook_id)?.active === 0).map((r) => r.id);
    if (paused.length) await repo.releaseDeliveries(db, paused, new Date(at.getTime() + maxDelayMs).toISOString());
    const jobs: Job[] = [];
    for (const row of rows) {
      const h = hooks.get(row.webhook_id);
      if (h && h.active !== 0) jobs.push({ row, url: h.url, secret: h.secret, lease });
    }
    return { jobs, skipped: orphans.length + paused.length };
  }

  /** Sends one delivery and records the outcome; never rejects. */
  async function deliver({ row, url, secret, lease }: Job): Promise<Outcome> {
    const timestamp = Math.floor(now().getTime() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await send(url, {
        method: 'POST',
        body: row.payload,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Silkgate-Webhooks/1',
          'x-silkgate-event': row.event_type,
          'x-silkgate-delivery': row.id,
          'x-silkgate-timestamp': String(timestamp),
          'x-silkgate-signature': signPayload(secret, timestamp, row.payload),
        },
        // A redirect is not followed: the signed request goes to the registered URL or nowhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      if (status >= 200 && status < 300) await res.body?.cancel().catch(() => undefined);
      else {
        const snippet = await readSnippet(res);
        error = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
      }
    } catch (err) {
      error = describeError(err, timeoutMs);
    }

    const at = now();
    const attempts = row.attempts + 1;
    const outcome: Outcome = error === null ? 'delivered' : attempts >= maxAttempts ? 'failed' : 'retried';
    const next = outcome === 'retried'
      ? new Date(at.getTime() + retryDelay(attempts, { baseDelayMs, maxDelayMs }, random)).toISOString()
      : row.next_attempt_at;
    try {
      const recorded = await repo.recordOutcome(db, row.id, lease, {
        state: outcome === 'retried' ? 'pending' : outcome,
        attempts, next_attempt_at: next, last_status: status, last_error: error,
        delivered_at: outcome === 'delivered' ? at.toISOString() : null,
      });
      // The lease expired and another dispatcher took the row, or the webhook was removed meanwhile.
      if (!recorded) logger.warn({ delivery: row.id, outcome }, 'webhook delivery outcome not recorded: the row is no longer held by this dispatcher');
    } catch (err) {
      // The lease expires and the row is tried again: at least once, never lost.
      logger.error({ err, delivery: row.id }, 'webhook delivery outcome not recorded');
    }
    if (outcome === 'failed') logger.warn({ delivery: row.id, webhook: row.webhook_id, error }, 'webhook delivery given up');
    return outcome;
  }

  // Background loop state.
  let running = false;
  // Bumped by start(), so a loop still winding down from stop() never runs beside a new one.
  let generation = 0;
  let loop: Promise<void> | undefined;
  const inflight = new Set<Promise<Outcome>>();
  let wake: (() => void) | undefined;

  function track(job: Job): void {
    const p: Promise<Outcome> = deliver(job).finally(() => {
      inflight.delete(p);
      wake?.();
    });
    inflight.add(p);
  }

  /** Waits `ms`, or less when stopped or when a request in flight finishes. */
  function nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // A forgotten dispatcher must not keep the process alive.
      timer.unref();
      wake = done;
    });
  }

  async function run(gen: number): Promise<void> {
    while (running && gen === generation) {
      const free = concurrency - inflight.size;
      let full = false;
      if (free > 0) {
        try {
          const { jobs } = await claim(free);
          for (const job of jobs) track(job);
          full = jobs.length === free;
        } catch (err) {
          logger.error({ err }, 'webhook queue poll failed');
        }
      }
      // A full batch suggests more is due: ask again at once (the next round naps if no slot is free).
      if (running && gen === generation && !full) await nap(pollMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run(++generation);
    },

    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
      await Promise.all(inflight);
    },

    async runOnce() {
      const { jobs, skipped } = await claim(concurrency);
      const outcomes = await Promise.all(jobs.map(deliver));
      const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
      return { claimed: jobs.length + skipped, delivered: count('delivered'), retried: count('retried'), failed: count('failed'), skipped };
    },
  };
}
