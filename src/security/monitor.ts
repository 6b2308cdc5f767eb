// Security monitoring and early warning (网络安全监测预警, issue 8 part 5): every API response is
// counted in memory — by source address, by token and by enterprise — and a threshold crossed
// raises an alert (or counts into the one still open for that kind and subject). Alerts are kept in
// the database and shown beside the risk reviews. The counting is in memory per process; the
// thresholds are data with defaults.
import type { Store } from '../db/store.js';
import { AppError } from '../kernel/errors.js';
import { newSeqId } from '../kernel/ids.js';
import type { SecurityAlertTable } from './table.js';

export type AlertKind = 'auth_failures' | 'token_many_addresses' | 'traffic_spike' | 'scope_violations';

export interface MonitorThresholds {
  /** Failed authentications (401) from one address within the window. */
  readonly authFailures: { readonly count: number; readonly windowMs: number };
  /** Distinct source addresses using one token within the window. */
  readonly tokenAddresses: { readonly count: number; readonly windowMs: number };
  /** Requests of one principal in a minute: at least `floor`, and `factor` times its average minute over the last hour. */
  readonly trafficSpike: { readonly floor: number; readonly factor: number };
  /** Refusals for lack of rights (403) of one enterprise within the window: reaching outside its scope. */
  readonly scopeViolations: { readonly count: number; readonly windowMs: number };
}

export const DEFAULT_THRESHOLDS: MonitorThresholds = {
  authFailures: { count: 10, windowMs: 5 * 60_000 },
  tokenAddresses: { count: 3, windowMs: 10 * 60_000 },
  trafficSpike: { floor: 600, factor: 10 },
  scopeViolations: { count: 5, windowMs: 10 * 60_000 },
};

const SEVERITY: Record<AlertKind, string> = { auth_failures: 'high', token_many_addresses: 'high', traffic_spike: 'medium', scope_violations: 'medium' };

export interface Observation {
  readonly at: number;
  readonly ip: string;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly tokenId?: string | undefined;
  readonly enterpriseId?: string | undefined;
}

interface Raised { kind: AlertKind; subject: string; enterpriseId?: string | undefined; detail: Record<string, unknown>; at: number }

/** Times of events per key, trimmed to a window. */
class Window {
  private readonly times = new Map<string, number[]>();
  add(key: string, at: number, windowMs: number): number {
    const list = (this.times.get(key) ?? []).filter((t) => t > at - windowMs);
    list.push(at);
    this.times.set(key, list);
    return list.length;
  }
  /** Bounded memory: keys idle for the window are dropped. */
  sweep(at: number, windowMs: number): void {
    for (const [k, list] of this.times) if (!list.length || list[list.length - 1]! <= at - windowMs) this.times.delete(k);
  }
}

export type SecurityMonitor = ReturnType<typeof createSecurityMonitor>;

export function createSecurityMonitor({ store, thresholds = DEFAULT_THRESHOLDS, log }: {
  store: Store; thresholds?: MonitorThresholds; log?: { error(obj: object, msg: string): void };
}) {
  const { db } = store;
  const failures = new Window();
  const scope = new Window();
  const addresses = new Map<string, Map<string, number>>();
  const perMinute = new Map<string, { minute: number; count: number; history: number[] }>();
  let pending: Promise<void> = Promise.resolve();
  let lastSweep = 0;

  /** Opens an alert, or counts into the open one of the same kind and subject. */
  async function raise(r: Raised): Promise<void> {
    const at = new Date(r.at).toISOString();
    await db.transaction().execute(async (trx) => {
      const open = await trx.selectFrom('security_alerts').select(['id', 'count']).where('kind', '=', r.kind).where('subject', '=', r.subject).where('state', '=', 'open').executeTakeFirst();
      if (open) {
        await trx.updateTable('security_alerts').set({ count: open.count + 1, last_at: at, detail: JSON.stringify(r.detail) }).where('id', '=', open.id).execute();
        return;
      }
      await trx.insertInto('security_alerts').values({
        id: newSeqId(), kind: r.kind, subject: r.subject, enterprise_id: r.enterpriseId ?? null, severity: SEVERITY[r.kind], state: 'open', count: 1,
        detail: JSON.stringify(r.detail), first_at: at, last_at: at, acked_by: null, acked_at: null, note: null,
      }).execute();
    });
  }

  function queue(r: Raised): void {
    pending = pending.then(() => raise(r)).catch((err) => log?.error({ err, kind: r.kind }, 'security alert could not be stored'));
  }

  /** Counts one response; cheap (in memory), storing only when a threshold is crossed. */
  function observe(o: Observation): void {
    const t = thresholds;
    if (o.status === 401) {
      const n = failures.add(`ip:${o.ip}`, o.at, t.authFailures.windowMs);
      if (n >= t.authFailures.count) queue({ kind: 'auth_failures', subject: `ip:${o.ip}`, detail: { failures: n, threshold: t.authFailures.count, windowMs: t.authFailures.windowMs, lastPath: `${o.method} ${o.path}` }, at: o.at });
    }
    if (o.status === 403 && o.enterpriseId) {
      const n = scope.add(`enterprise:${o.enterpriseId}`, o.at, t.scopeViolations.windowMs);
      if (n >= t.scopeViolations.count) {
        queue({ kind: 'scope_violations', subject: `enterprise:${o.enterpriseId}`, enterpriseId: o.enterpriseId, detail: { refusals: n, threshold: t.scopeViolations.count, windowMs: t.scopeViolations.windowMs, lastPath: `${o.method} ${o.path}` }, at: o.at });
      }
    }
    if (o.tokenId) {
      const seen = addresses.get(o.tokenId) ?? new Map<string, number>();
      seen.set(o.ip, o.at);
      for (const [ip, when] of seen) if (when <= o.at - t.tokenAddresses.windowMs) seen.delete(ip);
      addresses.set(o.tokenId, seen);
      if (seen.size >= t.tokenAddresses.count) {
        queue({ kind: 'token_many_addresses', subject: `token:${o.tokenId}`, enterpriseId: o.enterpriseId, detail: { addresses: [...seen.keys()].slice(0, 20), threshold: t.tokenAddresses.count, windowMs: t.tokenAddresses.windowMs }, at: o.at });
      }
      const key = o.enterpriseId ? `enterprise:${o.enterpriseId}` : `token:${o.tokenId}`;
      const minute = Math.floor(o.at / 60_000);
      const m = perMinute.get(key) ?? { minute, count: 0, history: [] };
      if (m.minute !== minute) {
        // Minutes without requests count as zero in the hour's average.
        for (let i = m.minute; i < minute && m.history.length <= 60; i++) m.history.push(i === m.minute ? m.count : 0);
        m.history = m.history.slice(-60);
        m.minute = minute;
        m.count = 0;
      }
      m.count += 1;
      perMinute.set(key, m);
      const avg = m.history.length ? m.history.reduce((a, b) => a + b, 0) / m.history.length : 0;
      if (m.count === Math.max(t.trafficSpike.floor, Math.ceil(avg * t.trafficSpike.factor))) {
        queue({ kind: 'traffic_spike', subject: key, enterpriseId: o.enterpriseId, detail: { requestsThisMinute: m.count, averagePerMinute: Math.round(avg * 10) / 10, floor: t.trafficSpike.floor, factor: t.trafficSpike.factor }, at: o.at });
      }
    }
    if (o.at - lastSweep > 60_000) {
      lastSweep = o.at;
      failures.sweep(o.at, t.authFailures.windowMs);
      scope.sweep(o.at, t.scopeViolations.windowMs);
      for (const [k, m] of perMinute) if (m.minute < Math.floor(o.at / 60_000) - 60) perMinute.delete(k);
      for (const [k, seen] of addresses) if (![...seen.values()].some((w) => w > o.at - t.tokenAddresses.windowMs)) addresses.delete(k);
    }
  }

  const toView = (r: SecurityAlertTable) => ({
    id: r.id, kind: r.kind, subject: r.subject, enterpriseId: r.enterprise_id, severity: r.severity, state: r.state, count: r.count,
    detail: JSON.parse(r.detail) as Record<string, unknown>, firstAt: r.first_at, lastAt: r.last_at, ackedBy: r.acked_by, ackedAt: r.acked_at, note: r.note,
  });

  return {
    observe,
    /** Resolves once the alerts raised so far are stored (tests, shutdown). */
    flush: () => pending,
    async list(q: { state?: string; kind?: string; limit: number; offset: number }) {
      let base = db.selectFrom('security_alerts');
      if (q.state) base = base.where('state', '=', q.state as 'open');
      if (q.kind) base = base.where('kind', '=', q.kind);
      const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await base.selectAll().orderBy('last_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
      return { total, limit: q.limit, offset: q.offset, items: rows.map(toView) };
    },
    async acknowledge(id: string, actor: string, note: string | undefined, at = new Date()) {
      const r = await db.selectFrom('security_alerts').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) throw new AppError('not_found', 'SECURITY_ALERT_NOT_FOUND', { value: id });
      if (r.state !== 'open') return toView(r);
      const set = { state: 'acknowledged' as const, acked_by: actor, acked_at: at.toISOString(), note: note ?? null };
      await db.updateTable('security_alerts').set(set).where('id', '=', id).execute();
      return toView({ ...r, ...set });
    },
  };
}
