// What the credit negative list means at intake (issue 8 §4): an enterprise whose active entry
// blocks filing has its documents refused, one under mandatory review has them held for a person,
// and every listed enterprise's codes feed the risk rule R-NEGATIVE-LIST (parties named in a
// document). The active entries are read once and kept for a short while, so judging a batch costs
// no query; a change made through this process is seen at once, one made by another process
// within `ttlMs`.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { beijingDay } from '../kernel/time.js';
import type { Text } from '../kernel/i18n/index.js';
import type { Decision, Evaluation, Hit } from '../risk/engine.js';
import * as repo from './repository.js';

/** The code under which an entry's effect appears among a document's hits. */
export const NEGATIVE_ENTRY_HIT = 'C-NEGATIVE-ENTRY';

export interface FilerEffect { readonly entryId: string; readonly reason: string; readonly filingBlocked: boolean; readonly mandatoryReview: boolean }
interface Snapshot { readonly at: number; readonly day: string; readonly byEnterprise: ReadonlyMap<string, FilerEffect>; readonly codes: ReadonlySet<string> }

const NAME: Text = { 'zh-CN': '信用负面清单：申报企业', en: 'Credit negative list: the filing enterprise' };
const EXPLAIN: Readonly<Record<'blocked' | 'review', Text>> = {
  blocked: { 'zh-CN': '申报企业列入信用负面清单（禁止申报），单证不予接收', en: 'The filing enterprise is on the credit negative list with filing blocked; the document is not accepted' },
  review: { 'zh-CN': '申报企业列入信用负面清单（强制人工审核），单证转人工审核', en: 'The filing enterprise is on the credit negative list under mandatory review; the document waits for a person' },
};
const RANK: Readonly<Record<Decision, number>> = { pass: 0, review: 1, refuse: 2 };

export type CreditGate = ReturnType<typeof createCreditGate>;

/**
 * Reads go through the executor the caller passes (inside an intake, its transaction: on embedded
 * SQLite the one connection is held by it, and a read beside it would wait for ever).
 */
export function createCreditGate({ ttlMs = 5_000, now = () => new Date() }: { ttlMs?: number; now?: () => Date } = {}) {
  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;

  async function load(db: Kysely<Database>): Promise<Snapshot> {
    const at = now();
    const day = beijingDay(at.toISOString());
    const entries = (await repo.activeEntries(db)).filter((e) => e.start_day <= day);
    const byEnterprise = new Map<string, FilerEffect>();
    for (const e of entries) {
      const held = byEnterprise.get(e.enterprise_id);
      byEnterprise.set(e.enterprise_id, {
        entryId: held?.entryId ?? e.id, reason: held?.reason ?? e.reason_code,
        filingBlocked: !!Number(e.filing_blocked) || !!held?.filingBlocked, mandatoryReview: !!Number(e.mandatory_review) || !!held?.mandatoryReview,
      });
    }
    const ids = [...byEnterprise.keys()];
    const people = ids.length ? await db.selectFrom('enterprises').select(['customs_code', 'uscc']).where('id', 'in', ids).execute() : [];
    const codes = new Set(people.flatMap((p) => [p.customs_code, p.uscc].filter((c): c is string => !!c)));
    return { at: at.getTime(), day, byEnterprise, codes };
  }

  async function current(db: Kysely<Database>): Promise<Snapshot> {
    const t = now();
    if (snapshot && t.getTime() - snapshot.at < ttlMs && beijingDay(t.toISOString()) === snapshot.day) return snapshot;
    loading ??= load(db).finally(() => { loading = undefined; });
    const s = await loading;
    snapshot = s;
    return s;
  }

  return {
    /** Customs codes and USCCs of every enterprise with an active entry (R-NEGATIVE-LIST's facts). */
    async codes(db: Kysely<Database>): Promise<ReadonlySet<string>> { return (await current(db)).codes; },
    /** The effect on the filings of these enterprises (absent: none). */
    async effects(db: Kysely<Database>, enterpriseIds: readonly string[]): Promise<ReadonlyMap<string, FilerEffect>> {
      const s = await current(db);
      const out = new Map<string, FilerEffect>();
      for (const id of enterpriseIds) { const e = s.byEnterprise.get(id); if (e) out.set(id, e); }
      return out;
    },
    /** Forget what was read: the next judgement reads the list again. */
    invalidate(): void { snapshot = undefined; },
  };
}

/**
 * Raises the decisions of documents whose filer is listed: blocked → refuse, mandatory review →
 * at least review, with a hit that names the entry. Other documents are returned as they are.
 */
export function applyFilerEffects(results: readonly Evaluation[], effects: ReadonlyMap<string, FilerEffect>): Evaluation[] {
  if (!effects.size) return [...results];
  return results.map((r) => {
    const e = effects.get(r.enterpriseId);
    if (!e || (!e.filingBlocked && !e.mandatoryReview)) return r;
    const floor: Decision = e.filingBlocked ? 'refuse' : 'review';
    const hit: Hit = {
      code: NEGATIVE_ENTRY_HIT, severity: 'high', weight: 0, name: NAME, explanation: EXPLAIN[e.filingBlocked ? 'blocked' : 'review'],
      values: { entryId: e.entryId, reason: e.reason, filingBlocked: e.filingBlocked, mandatoryReview: e.mandatoryReview },
    };
    return { ...r, decision: RANK[floor] > RANK[r.decision] ? floor : r.decision, hits: [...r.hits, hit] };
  });
}
