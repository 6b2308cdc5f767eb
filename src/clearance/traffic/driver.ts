// Drives generated traffic into the platform's intake API (POST /api/v1/messages) at a set rate:
// documents are grouped per message type and filer — the documents of one CEB message must come
// from one transmitting enterprise (ceb-messages §3, BaseTransfer) — and sent as CEB XML (or the
// JSON form) with that filer's bearer token. A token bucket paces parcels; at most `concurrency`
// requests are in flight. Refusals and network failures are counted, never thrown.
import { setTimeout as sleep } from 'node:timers/promises';
import { writeMessage, type Model } from '../../ceb/codec.js';
import { AppError } from '../../kernel/errors.js';
import { text, type Text } from '../../kernel/i18n/index.js';
import { newGuid } from '../../kernel/ids.js';
import { FAULT_KINDS, type FaultKind, type Parcel, type ParcelDocument, type Traffic } from './generator.js';

/** The XSDs allow 100 business documents per message (ceb-messages §3). */
export const MAX_BATCH = 100;

export interface TrafficStats {
  /** Parcels generated (3 documents each). */
  parcels: number;
  /** Documents in the requests sent. Less than 3 × parcels only after an abort (unsent batches are dropped). */
  documents: number;
  /** HTTP requests sent. */
  posted: number;
  /** Requests answered 2xx. */
  accepted: number;
  /** Requests answered 4xx. */
  refused: number;
  /** Requests that failed: network error, timeout, abort, 5xx or any other status. */
  errors: number;
  /** Receipts in 2xx answers, and how many of them carry a negative returnStatus (a per-document refusal). */
  receipts: number;
  receiptsNegative: number;
  faults: Record<FaultKind, number>;
  /** Request latency percentiles (nearest rank), send to end of body, over all requests. */
  p50Ms: number;
  p99Ms: number;
  elapsedMs: number;
}

export interface DriveOptions {
  readonly baseUrl: string;
  /** Bearer token per filing enterprise's code (the BaseTransfer copCode). */
  readonly tokens: Readonly<Record<string, string>>;
  readonly traffic: Traffic;
  /** Parcels per second (each parcel is three documents). */
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  /** Documents per POST, 1…100 (default 30). */
  readonly batchSize?: number;
  /** Requests in flight at most (default 4). */
  readonly concurrency?: number;
  readonly mode: 'import' | 'export' | 'mixed';
  /** 'xml' (default): CEB XML bodies; 'json': {messageType, message}. Broken documents are always XML. */
  readonly format?: 'xml' | 'json';
  /** A part-filled batch is sent after waiting this long for more documents (default 500 ms). */
  readonly lingerMs?: number;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  readonly progressIntervalMs?: number;
  onProgress?(stats: TrafficStats): void;
  readonly signal?: AbortSignal;
}

interface Batch {
  readonly messageType: string;
  readonly filer: string;
  readonly body: string;
  readonly contentType: string;
  readonly documents: number;
}

interface Pending {
  readonly doc: ParcelDocument;
  readonly items: unknown[];
  readonly since: number;
}

const badOption = (option: string, value: unknown, allowed: string) =>
  new AppError('invalid', 'TRAFFIC_BAD_OPTION', { option, value: String(value), allowed });

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** One line for a console or log, in both languages. */
export function describeStats(s: TrafficStats): Text {
  return text('TRAFFIC_PROGRESS', {
    parcels: s.parcels, posted: s.posted, documents: s.documents, accepted: s.accepted, refused: s.refused,
    errors: s.errors, p50: Math.round(s.p50Ms), p99: Math.round(s.p99Ms),
  });
}

export async function driveTraffic(options: DriveOptions): Promise<TrafficStats> {
  const batchSize = options.batchSize ?? 30;
  const concurrency = options.concurrency ?? 4;
  const lingerMs = options.lingerMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const progressMs = options.progressIntervalMs ?? 1000;
  const format = options.format ?? 'xml';
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) throw badOption('batchSize', batchSize, `an integer 1–${MAX_BATCH}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw badOption('concurrency', concurrency, 'an integer ≥ 1');
  if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) throw badOption('ratePerSecond', options.ratePerSecond, '> 0');
  if (!(options.durationSeconds >= 0) || !Number.isFinite(options.durationSeconds)) throw badOption('durationSeconds', options.durationSeconds, '≥ 0');
  if (!['import', 'export', 'mixed'].includes(options.mode)) throw badOption('mode', options.mode, 'import, export, mixed');
  const url = new URL('/api/v1/messages', options.baseUrl).toString();
  // Every enterprise that may file must have a token: finding out mid-run would skew the figures.
  const { parties } = options.traffic;
  // Export lists (CEB603) come from the declarants, or from the sellers when there are none.
  const listers = parties.declarant?.length ? parties.declarant : parties.ebc;
  for (const p of [...parties.ebp, ...parties.payment, ...parties.logistics, ...(options.mode === 'import' ? [] : listers)]) {
    if (!options.tokens[p.code]) throw new AppError('invalid', 'TRAFFIC_NO_TOKEN', { party: p.code });
  }

  const stats: TrafficStats = {
    parcels: 0, documents: 0, posted: 0, accepted: 0, refused: 0, errors: 0, receipts: 0, receiptsNegative: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    p50Ms: 0, p99Ms: 0, elapsedMs: 0,
  };
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;
  const signal = options.signal;
  const aborted = () => signal?.aborted === true;

  const snapshot = (): TrafficStats => {
    const sorted = Float64Array.from(latencies).sort();
    return { ...stats, faults: { ...stats.faults }, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), elapsedMs: performance.now() - started };
  };

  // ——— Sending ———
  const queue: Batch[] = [];
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const changed = () => new Promise<void>((resolve) => { wake = resolve; });

  async function send(batch: Batch): Promise<void> {
    stats.posted++;
    stats.documents += batch.documents;
    const t0 = performance.now();
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.tokens[batch.filer]}`, 'content-type': batch.contentType, accept: 'application/json' },
        body: batch.body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const body = await res.text();
      if (res.status >= 200 && res.status < 300) {
        stats.accepted++;
        try {
          const receipts = (JSON.parse(body) as { receipts?: { returnStatus?: unknown }[] }).receipts ?? [];
          stats.receipts += receipts.length;
          stats.receiptsNegative += receipts.filter((r) => String(r.returnStatus ?? '').startsWith('-')).length;
        } catch {
          // A 2xx with an unreadable body still committed; the receipts are simply not counted.
        }
      } else if (res.status >= 400 && res.status < 500) stats.refused++;
      else stats.errors++;
    } catch {
      stats.errors++;
    } finally {
      latencies.push(performance.now() - t0);
    }
  }

  function pump(): void {
    while (inFlight < concurrency && queue.length) {
      const batch = queue.shift()!;
      inFlight++;
      void send(batch).finally(() => {
        inFlight--;
        pump();
        notify();
      });
    }
  }

  // ——— Batching per message type and filer ———
  const pending = new Map<string, Pending>();

  function seal(p: Pending): void {
    const { messageType, rootKey, transfer } = p.doc;
    const model: Model = { guid: newGuid(), version: '1.0', [rootKey]: p.items, BaseTransfer: transfer };
    queue.push(format === 'json'
      ? { messageType, filer: transfer.copCode, body: JSON.stringify({ messageType, message: model }), contentType: 'application/json', documents: p.items.length }
      : { messageType, filer: transfer.copCode, body: writeMessage(messageType, model), contentType: 'application/xml', documents: p.items.length });
  }

  function add(parcel: Parcel): void {
    stats.parcels++;
    if (parcel.fault) stats.faults[parcel.fault]++;
    for (const doc of parcel.documents()) {
      if (doc.broken) {
        // Alone, so one broken document does not take a whole batch of good ones down with it.
        queue.push({ messageType: doc.messageType, filer: doc.transfer.copCode, body: parcel.toXml(doc.kind as never), contentType: 'application/xml', documents: 1 });
        continue;
      }
      const key = `${doc.messageType}\u0000${doc.transfer.copCode}`;
      let p = pending.get(key);
      if (!p) pending.set(key, (p = { doc, items: [], since: performance.now() }));
      p.items.push(doc.document);
      if (p.items.length >= batchSize) {
        pending.delete(key);
        seal(p);
      }
    }
  }

  function flush(olderThan: number): void {
    for (const [key, p] of pending) {
      if (p.since <= olderThan) {
        pending.delete(key);
        seal(p);
      }
    }
  }

  // ——— Pacing: a token bucket of parcels ———
  const burst = Math.max(1, options.ratePerSecond / 10);
  let tokens = 1;
  let last = performance.now();
  let turn = 0;
  let lastProgress = started;
  const maxQueue = concurrency * 4;
  while (!aborted()) {
    const t = performance.now();
    if (t >= deadline) break;
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * options.ratePerSecond);
    last = t;
    // Generate only while the send queue is short: if the platform cannot keep up, the achieved
    // rate drops below the target instead of memory growing without bound.
    while (tokens >= 1 && queue.length < maxQueue) {
      tokens--;
      const mode = options.mode === 'mixed' ? (turn++ % 2 ? 'export' : 'import') : options.mode;
      add(mode === 'import' ? options.traffic.nextImportParcel() : options.traffic.nextExportParcel());
    }
    flush(t - lingerMs);
    pump();
    if (options.onProgress && t - lastProgress >= progressMs) {
      lastProgress = t;
      options.onProgress(snapshot());
    }
    if (queue.length >= maxQueue) {
      await changed();
      continue;
    }
    const untilToken = tokens >= 1 ? 0 : ((1 - tokens) / options.ratePerSecond) * 1000;
    const wait = Math.max(1, Math.min(untilToken, lingerMs, deadline - t));
    try {
      await sleep(wait, undefined, signal ? { signal } : undefined);
    } catch {
      break; // aborted
    }
  }

  // Duration reached: send what is left. Aborted: drop it, and let the in-flight requests end
  // (they carry the abort signal, so they end at once).
  if (aborted()) {
    pending.clear();
    queue.length = 0;
  } else {
    flush(Infinity);
    pump();
  }
  while (inFlight > 0 || queue.length > 0) {
    await changed();
    if (aborted()) queue.length = 0;
  }
  const final = snapshot();
  options.onProgress?.(final);
  return final;
}
