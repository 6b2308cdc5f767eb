// Use cases of enterprise credit: the scoring model tuned as data (every change audited), computing
// and keeping each enterprise's score (never overwritten), the enterprise view and the ranking.
import { Value } from 'typebox/value';
import type { Store } from '../db/store.js';
import { AppError, invalid, issue } from '../kernel/errors.js';
import { newSeqId } from '../kernel/ids.js';
import type { Principal } from '../registry/index.js';
import { DEFAULT_MODEL, GRADE_CODES, GRADES, modelSchema, type CreditModel, type Profile } from './model.js';
import * as repo from './repository.js';
import { computeCredit, type CreditInputs } from './score.js';
import type { CreditScoreRow } from './table.js';

/** Risk rule hits of an enterprise since an instant (the risk capability's results). */
export interface RiskSignal { hits(enterpriseId: string, since: string, until?: string): Promise<number> }
/** Monthly reports an enterprise filed late, or not at all, since an instant. */
export interface ReportSignal { lateReports(enterpriseId: string, since: string, until: string): Promise<number> }
/** Tax bills unpaid past their deadline at an instant, and the oldest's days overdue. */
export interface ArrearsSignal { arrears(enterpriseId: string, at: string): Promise<{ bills: number; oldestDaysOverdue: number }> }
/** Sources the platform's tables do not hold; a missing one costs nothing and the component says so. */
export interface CreditSignals { readonly risk?: RiskSignal; readonly reports?: ReportSignal; readonly arrears?: ArrearsSignal }

/** The default risk signal: results the risk engine held for review or refused. */
export const riskResultsSignal = (store: Store): RiskSignal => ({ hits: (id, since, until) => repo.riskHits(store.db, id, since, until) });

export const MODEL = 'MODEL';
const DAY_MS = 86_400_000;
/** Roles whose enterprises are rated by their lists; an enterprise with only the payment role is rated by its payments. */
const profileOf = (roles: readonly string[]): Profile => (roles.includes('payment') && roles.every((r) => r === 'payment' || r === 'finance') ? 'payment' : 'trade');

const toScore = (r: CreditScoreRow) => ({
  id: r.id, enterpriseId: r.enterprise_id, profile: r.profile, score: Number(r.score), grade: r.grade, gradeName: GRADES[r.grade as keyof typeof GRADES] ?? null,
  ...(JSON.parse(r.components) as { components: unknown[]; computation: string }),
  window: { from: r.window_from, to: r.window_to }, modelVersion: Number(r.model_version), computedAt: r.computed_at, computedBy: r.computed_by,
});

export type CreditService = ReturnType<typeof createCredit>;

export function createCredit({ store, signals = {}, now = () => new Date() }: { store: Store; signals?: CreditSignals; now?: () => Date }) {
  const { db } = store;

  async function model(x: repo.Executor = db): Promise<{ model: CreditModel; version: number; updatedAt: string | null; updatedBy: string | null }> {
    const row = await repo.setting(x, MODEL);
    if (!row) return { model: DEFAULT_MODEL, version: 0, updatedAt: null, updatedBy: null };
    return { model: JSON.parse(row.params) as CreditModel, version: Number(row.version), updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  const visible = (p: Principal, enterpriseId: string) => {
    if (p.kind === 'enterprise' && p.enterpriseId !== enterpriseId) throw new AppError('forbidden', 'CREDIT_NOT_YOURS');
  };

  /** Computes and stores the credit of one enterprise or all, as of `at`; each computation is a new record. */
  async function recompute(target: { enterpriseId: string } | 'all', at: Date, actor: string) {
    const to = at.toISOString();
    const { model: m, version } = await model();
    const from = new Date(at.getTime() - m.windowDays * DAY_MS).toISOString();
    const only = target === 'all' ? undefined : target.enterpriseId;
    const people = await repo.enterprises(db, only);
    if (only && !people.length) throw new AppError('not_found', 'ENTERPRISE_NOT_FOUND', { value: only });
    const [lists, payments, active] = await Promise.all([
      repo.listCounts(db, from, to, only), repo.paymentCounts(db, from, to, only), repo.activeEntries(db, only ? [only] : undefined),
    ]);
    const out = [];
    for (const e of people) {
      const inputs: CreditInputs = {
        profile: profileOf(e.roles), level: e.credit_level,
        lists: lists.get(e.id) ?? { total: 0, refused: 0, inspected: 0, detained: 0, returned: 0 },
        payments: payments.get(e.id) ?? { total: 0, refused: 0 },
        riskHits: signals.risk ? await signals.risk.hits(e.id, from, to) : null,
        lateReports: signals.reports ? await signals.reports.lateReports(e.id, from, to) : null,
        arrears: signals.arrears ? await signals.arrears.arrears(e.id, to) : null,
        negativeEntries: active.filter((x) => x.enterprise_id === e.id && x.start_day <= to.slice(0, 10)).map((x) => x.id),
      };
      const r = computeCredit(inputs, m);
      const row: CreditScoreRow = {
        id: newSeqId(), enterprise_id: e.id, profile: r.profile, score: r.score, grade: r.grade,
        components: JSON.stringify({ components: r.components, computation: r.computation }),
        window_from: from, window_to: to, model_version: version, computed_at: now().toISOString(), computed_by: actor,
      };
      await db.transaction().execute((trx) => repo.insertScore(trx, row));
      out.push(toScore(row));
    }
    return out;
  }

  return {
    model,
    recompute,

    /**
     * Changes the model: the fields given are laid over the current model, the whole checked against
     * its schema (grade thresholds must fall A > B > C), stored, and audited with before and after.
     */
    async updateModel(change: Partial<CreditModel>, expected: number | undefined, actor: string) {
      return db.transaction().execute(async (trx) => {
        const held = await model(trx);
        if (expected !== undefined && expected !== held.version) throw new AppError('conflict', 'CREDIT_MODEL_CHANGED', { version: held.version });
        const next = { ...held.model, ...change } as CreditModel;
        const issues = [...Value.Errors(modelSchema, next)].map((e) => issue('CREDIT_MODEL_INVALID', e.instancePath || '/', { path: e.instancePath || '/', detail: e.message }));
        if (!issues.length && !(next.grades.A > next.grades.B && next.grades.B > next.grades.C)) issues.push(issue('CREDIT_GRADES_ORDER', '/grades', { a: next.grades.A, b: next.grades.B, c: next.grades.C }));
        if (issues.length) throw invalid(issues);
        const at = now().toISOString();
        const ok = await repo.saveSetting(trx, { code: MODEL, params: JSON.stringify(next), updated_at: at, updated_by: actor, version: held.version + 1 }, held.version);
        if (!ok) throw new AppError('conflict', 'CREDIT_MODEL_CHANGED', { version: held.version });
        await repo.insertAudit(trx, { id: newSeqId(), at, actor, entity: 'credit_model', entity_id: MODEL, action: 'update', detail: JSON.stringify({ before: held.model, after: next, version: held.version + 1 }) });
        return { model: next, version: held.version + 1, updatedAt: at, updatedBy: actor };
      });
    },

    async modelHistory() {
      return (await repo.auditTrail(db, 'credit_model', MODEL)).map((a) => ({ at: a.at, actor: a.actor, action: a.action, ...(JSON.parse(a.detail) as object) }));
    },

    /** The latest score with its components, and the history newest first (an enterprise: its own). */
    async enterprise(p: Principal, enterpriseId: string, page: { limit: number; offset: number }) {
      visible(p, enterpriseId);
      const [latest, history] = await Promise.all([repo.latestScore(db, enterpriseId), repo.scores(db, enterpriseId, page.limit, page.offset)]);
      if (!latest && !history.total) throw new AppError('not_found', 'CREDIT_NOT_COMPUTED', { value: enterpriseId });
      return { enterpriseId, latest: latest ? toScore(latest) : null, history: { total: history.total, limit: page.limit, offset: page.offset, items: history.rows.map(toScore) } };
    },

    /** Grades with their counts, and enterprises lowest score first (operator). */
    async ranking(q: { grade?: string; limit: number; offset: number }) {
      const r = await repo.ranking(db, q);
      return {
        grades: GRADE_CODES.map((g) => ({ grade: g, name: GRADES[g], count: r.counts.get(g) ?? 0 })),
        total: r.total, limit: q.limit, offset: q.offset,
        items: r.rows.map((x) => ({ enterpriseId: x.enterprise_id, name: x.name_zh, code: x.customs_code ?? x.uscc, score: Number(x.score), grade: x.grade, asOf: x.as_of })),
      };
    },
  };
}

/**
 * Keeps every enterprise's credit current: when the newest computation is older than `everyMs`
 * (or there is none), all are computed again as of now. Checked at start and then every
 * `checkMs`; several processes may each compute — every computation is kept, none overwritten.
 */
export function createCreditSchedule({ store, credit, everyMs, checkMs = 3_600_000, now = () => new Date(), onError }: {
  store: Store; credit: CreditService; everyMs: number; checkMs?: number; now?: () => Date; onError?: (err: unknown) => void;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  /** Computes all if due; the number of enterprises computed (0 when not due). */
  async function tick(): Promise<number> {
    if (everyMs <= 0) return 0;
    const at = now();
    const newest = await repo.newestComputation(store.db);
    if (newest && at.getTime() - Date.parse(newest) < everyMs) return 0;
    return (await credit.recompute('all', at, 'system:schedule')).length;
  }
  const run = () => {
    running ??= tick().catch((err) => { onError?.(err); return 0; }).finally(() => { running = undefined; });
    return running;
  };
  return {
    tick,
    start() {
      if (everyMs <= 0 || timer) return;
      void run();
      timer = setInterval(() => void run(), Math.min(checkMs, everyMs)).unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
