// Use cases of the risk engine: settings tuned as data (every change audited), evaluation of a batch
// at intake, results stored with the document, and the manual review queue.
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import type { Store } from '../db/store.js';
import { AppError, invalid, issue, type Issue } from '../kernel/errors.js';
import { newSeqId } from '../kernel/ids.js';
import { text } from '../kernel/i18n/index.js';
import type { Principal } from '../registry/index.js';
import { defaultSettings, evaluateBatch, withDefaults, type Evaluation, type RuleSetting, type Settings } from './engine.js';
import type { FactSource } from './facts.js';
import * as repo from './repository.js';
import { RULES, ROUTING, routingParams, ruleByCode, type Routing } from './rules.js';
import type { RiskInput } from './subject.js';
import type { RiskResultRow, RiskReviewRow } from './table.js';

export type ReviewState = RiskReviewRow['state'];
export type ReviewAction = 'assign' | 'approve' | 'reject';
/** The review life cycle: open → assigned → approved | rejected (an assigned item may be handed on). */
export const REVIEW_TRANSITIONS: Readonly<Record<ReviewAction, { from: readonly ReviewState[]; to: ReviewState }>> = {
  assign: { from: ['open', 'assigned'], to: 'assigned' },
  approve: { from: ['assigned'], to: 'approved' },
  reject: { from: ['assigned'], to: 'rejected' },
};

const toResult = (r: RiskResultRow) => ({
  id: r.id, documentId: r.document_id, messageType: r.message_type, enterpriseId: r.enterprise_id, score: Number(r.score), decision: r.decision,
  hits: JSON.parse(r.hits) as unknown[], evaluatedAt: r.evaluated_at,
});
const toReview = (r: RiskReviewRow) => ({
  id: r.id, resultId: r.result_id, documentId: r.document_id, enterpriseId: r.enterprise_id, score: Number(r.score), state: r.state,
  assignee: r.assignee, reason: r.reason, createdAt: r.created_at, updatedAt: r.updated_at, version: Number(r.version),
});

const schemaIssues = (schema: TSchema, value: unknown): Issue[] =>
  Value.Errors(schema, value).map((e) => issue('RISK_PARAM_INVALID', `/params${e.instancePath}`, { path: e.instancePath || '/', detail: e.message }));

export type RiskService = ReturnType<typeof createRisk>;

/** How long the rules' settings are reused between batches (a change made in this process is seen at once). */
export const SETTINGS_TTL_MS = 2_000;

export function createRisk({ store, facts, now = () => new Date(), settingsTtlMs = SETTINGS_TTL_MS }: { store: Store; facts: (db: repo.Executor) => FactSource; now?: () => Date; settingsTtlMs?: number }) {
  const { db } = store;
  // Settings read for intake, kept briefly: batches arrive many per second and the settings rarely
  // change. Timed by the process clock, not `now` (which tests move at will).
  let kept: { at: number; settings: Settings } | undefined;
  async function currentSettings(x: repo.Executor): Promise<Settings> {
    if (kept && performance.now() - kept.at < settingsTtlMs) return kept.settings;
    const fresh = await settings(x);
    kept = { at: performance.now(), settings: fresh };
    return fresh;
  }

  async function settings(x: repo.Executor = db): Promise<Settings> {
    const base = defaultSettings();
    const rows = new Map((await repo.ruleRows(x)).map((r) => [r.code, r]));
    const rules = new Map<string, RuleSetting>(RULES.map((rule) => {
      const row = rows.get(rule.code);
      return [rule.code, row ? { enabled: !!Number(row.enabled), params: withDefaults(rule, JSON.parse(row.params) as Record<string, unknown>) } : base.rules.get(rule.code)!];
    }));
    const routing = rows.get(ROUTING);
    return { rules, routing: routing ? (Value.Default(routingParams, JSON.parse(routing.params)) as Routing) : base.routing };
  }

  const describe = (code: string, s: Settings, row: { version: number; updated_at: string; updated_by: string } | undefined) => {
    const rule = ruleByCode(code);
    const common = { version: Number(row?.version ?? 0), updatedAt: row?.updated_at ?? null, updatedBy: row?.updated_by ?? null };
    if (!rule) return { code, enabled: true, params: s.routing, schema: routingParams, ...common };
    const set = s.rules.get(code)!;
    return { code, name: text(rule.name), severity: rule.severity, applies: rule.applies, enabled: set.enabled, params: set.params, schema: rule.params, ...common };
  };

  return {
    settings,

    async rules() {
      const s = await settings();
      const rows = new Map((await repo.ruleRows(db)).map((r) => [r.code, r]));
      return { rules: RULES.map((r) => describe(r.code, s, rows.get(r.code))), routing: describe(ROUTING, s, rows.get(ROUTING)) };
    },

    /**
     * Changes a rule's enabled flag and parameters (or the routing thresholds, code ROUTING): the
     * parameters given are laid over the current ones, checked against the rule's schema, stored,
     * and the change audited with its before and after. `version` guards against a lost update.
     */
    async updateRule(code: string, change: { enabled?: boolean; params?: Record<string, unknown>; version?: number }, actor: string) {
      const rule = ruleByCode(code);
      if (!rule && code !== ROUTING) throw new AppError('not_found', 'RISK_RULE_NOT_FOUND', { value: code });
      return db.transaction().execute(async (trx) => {
        const s = await settings(trx);
        const row = await repo.ruleRow(trx, code);
        const version = Number(row?.version ?? 0);
        if (change.version !== undefined && change.version !== version) throw new AppError('conflict', 'RISK_VERSION_CONFLICT', { current: version, given: change.version });
        const before = describe(code, s, row);
        const schema = rule ? rule.params : routingParams;
        // Settings stored before a parameter left the schema keep it; it is dropped, not refused.
        const kept = Object.entries(before.params as Record<string, unknown>).filter(([k]) => k in schema.properties);
        const params = { ...Object.fromEntries(kept), ...(change.params ?? {}) };
        const problems = schemaIssues(schema, params);
        if (problems.length) throw invalid(problems);
        if (!rule) {
          const r = params as Routing;
          if (r.refuse < r.review) throw invalid([issue('RISK_ROUTING_ORDER', '/params/refuse', { refuse: r.refuse, review: r.review })]);
        }
        const enabled = change.enabled ?? before.enabled;
        const at = now().toISOString();
        const next = { code, enabled: enabled ? 1 : 0, params: JSON.stringify(params), updated_at: at, updated_by: actor, version: version + 1 };
        if (!(await repo.saveRule(trx, next, version))) throw new AppError('conflict', 'RISK_VERSION_CONFLICT', { current: '?', given: version });
        await repo.insertAudit(trx, {
          id: newSeqId(), at, actor, entity: 'risk_rule', entity_id: code, action: 'update',
          detail: JSON.stringify({ before: { enabled: before.enabled, params: before.params }, after: { enabled, params } }),
        });
        return describe(code, await settings(trx), next);
      }).finally(() => { kept = undefined; });
    },

    async history(code: string) {
      if (!ruleByCode(code) && code !== ROUTING) throw new AppError('not_found', 'RISK_RULE_NOT_FOUND', { value: code });
      return { code, items: (await repo.auditTrail(db, 'risk_rule', code)).map((e) => ({ at: e.at, actor: e.actor, action: e.action, ...(JSON.parse(e.detail) as object) })) };
    },

    /** Evaluates a batch of documents inside the caller's transaction; stores nothing. */
    async evaluate(trx: repo.Executor, inputs: readonly RiskInput[]): Promise<Evaluation[]> {
      if (!inputs.length) return [];
      return evaluateBatch(inputs, await currentSettings(trx), facts(trx));
    },

    /** Stores results with their documents, the keys later windows look across, and a review item per `review`. */
    async record(trx: repo.Executor, results: readonly Evaluation[]): Promise<{ id: string; documentId: string; reviewId: string | null }[]> {
      const at = now().toISOString();
      const rows: RiskResultRow[] = results.map((r) => ({
        id: newSeqId(), document_id: r.documentId, message_type: r.messageType, enterprise_id: r.enterpriseId, score: r.score, decision: r.decision,
        hits: JSON.stringify(r.hits), evaluated_at: r.at,
      }));
      const reviews: RiskReviewRow[] = rows.filter((r) => r.decision === 'review').map((r) => ({
        id: newSeqId(), result_id: r.id, document_id: r.document_id, enterprise_id: r.enterprise_id, score: r.score, state: 'open',
        assignee: null, reason: null, created_at: at, updated_at: at, version: 1,
      }));
      await repo.insertEvaluations(store, trx, {
        results: rows,
        observations: results.flatMap((r) => (r.observation ? [{
          document_id: r.documentId, enterprise_id: r.enterpriseId, ebc_code: r.observation.ebcCode, buyer_key: r.observation.buyerKey, consignee_key: r.observation.consigneeKey,
          address_key: r.observation.addressKey, phone_key: r.observation.phoneKey, value_fen: r.observation.valueFen, at: r.at,
        }] : [])),
        prices: results.flatMap((r) => r.prices.map((p) => ({ document_id: r.documentId, gnum: p.gnum, gcode: p.gcode, price_fen: p.priceFen, at: r.at }))),
      });
      await repo.insertReviews(trx, reviews);
      for (const v of reviews) await repo.insertAudit(trx, { id: newSeqId(), at, actor: 'system', entity: 'risk_review', entity_id: v.id, action: 'open', detail: JSON.stringify({ state: 'open', score: v.score, documentId: v.document_id }) });
      const byResult = new Map(reviews.map((v) => [v.result_id, v.id]));
      return rows.map((r) => ({ id: r.id, documentId: r.document_id, reviewId: byResult.get(r.id) ?? null }));
    },

    /** Results, newest first; an enterprise sees its own documents' only. */
    async results(p: Principal, q: repo.ResultQuery) {
      const { rows, total } = await repo.listResults(db, p.kind === 'enterprise' ? { ...q, enterpriseId: p.enterpriseId } : q);
      return { total, limit: q.limit, offset: q.offset, items: rows.map(toResult) };
    },

    /** An enterprise's rolling score: mean and sum of its documents' scores over the last `days`. */
    async enterpriseScore(enterpriseId: string, days: number) {
      const since = new Date(now().getTime() - days * 86_400_000).toISOString();
      const s = await repo.enterpriseScore(db, enterpriseId, since);
      return { enterpriseId, days, since, documents: s.documents, total: s.total, max: s.max, mean: s.documents ? Math.round((s.total / s.documents) * 100) / 100 : 0 };
    },

    async reviews(q: { state?: ReviewState; assignee?: string; limit: number; offset: number }) {
      const { rows, total } = await repo.listReviews(db, q);
      return { total, limit: q.limit, offset: q.offset, items: rows.map(toReview) };
    },

    async reviewDetail(id: string) {
      const r = await repo.review(db, id);
      if (!r) throw new AppError('not_found', 'RISK_REVIEW_NOT_FOUND', { value: id });
      const result = await repo.resultById(db, r.result_id);
      const trail = await repo.auditTrail(db, 'risk_review', id);
      return { ...toReview(r), result: result ? toResult(result) : null, history: trail.map((e) => ({ at: e.at, actor: e.actor, action: e.action, ...(JSON.parse(e.detail) as object) })) };
    },

    /** One step of the review life cycle, audited; reject needs a reason. */
    async act(id: string, action: ReviewAction, input: { assignee?: string; reason?: string }, actor: string) {
      const reason = input.reason?.trim() || null;
      if (action === 'reject' && !reason) throw invalid([issue('RISK_REASON_REQUIRED', '/reason')]);
      return db.transaction().execute(async (trx) => {
        const r = await repo.review(trx, id);
        if (!r) throw new AppError('not_found', 'RISK_REVIEW_NOT_FOUND', { value: id });
        const t = REVIEW_TRANSITIONS[action];
        if (!t.from.includes(r.state)) throw new AppError('conflict', 'RISK_REVIEW_STATE', { state: r.state, action });
        const at = now().toISOString();
        const assignee = action === 'assign' ? input.assignee ?? actor : r.assignee;
        const set = { state: t.to, assignee, reason: reason ?? r.reason, updated_at: at };
        if (!(await repo.moveReview(trx, id, Number(r.version), set))) throw new AppError('conflict', 'RISK_REVIEW_STATE', { state: r.state, action });
        await repo.insertAudit(trx, { id: newSeqId(), at, actor, entity: 'risk_review', entity_id: id, action, detail: JSON.stringify({ from: r.state, to: t.to, assignee, reason }) });
        return toReview({ ...r, ...set, version: Number(r.version) + 1 });
      });
    },
  };
}
