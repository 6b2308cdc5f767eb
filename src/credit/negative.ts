// The credit negative list (信用负面清单, 杭州市跨境电子商务促进条例 art 20; cbec-rules §6.3): entries
// with a reason, effects on filing, a minimum period before repair (per reason, after customs credit
// repair, §6.1) and a life cycle whose every step is audited.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { AppError } from '../kernel/errors.js';
import { beijingDay } from '../kernel/time.js';
import { newSeqId } from '../kernel/ids.js';
import type { Principal } from '../registry/index.js';
import { negativeReason } from './model.js';
import * as repo from './repository.js';
import type { CreditNegativeEntryRow } from './table.js';

export type EntryState = CreditNegativeEntryRow['state'];
export type EntryAction = 'repair' | 'approve' | 'keep';
/** listed → repair_requested → repaired | kept; a kept entry may ask again. */
export const ENTRY_TRANSITIONS: Readonly<Record<EntryAction, { from: readonly EntryState[]; to: EntryState }>> = {
  repair: { from: ['listed', 'kept'], to: 'repair_requested' },
  approve: { from: ['repair_requested'], to: 'repaired' },
  keep: { from: ['repair_requested'], to: 'kept' },
};

/** A calendar day `months` later; the 31st becomes the month's last day where it has none. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export interface Effects { readonly filingBlocked: boolean; readonly mandatoryReview: boolean; readonly entryId: string; readonly reason: string }

/**
 * What the active entries of the enterprises these codes (customs code or USCC) name mean for their
 * filings: blocked, reviewed by hand, or neither (absent from the map). Several entries combine;
 * the first listed is named.
 */
export async function effectsFor(db: Kysely<Database>, enterpriseCodes: readonly string[]): Promise<Map<string, Effects>> {
  const out = new Map<string, Effects>();
  if (!enterpriseCodes.length) return out;
  const want = new Set(enterpriseCodes);
  for (const r of await repo.activeEntriesByCode(db, enterpriseCodes)) {
    for (const code of [r.customs_code, r.uscc]) {
      if (!code || !want.has(code)) continue;
      const held = out.get(code);
      out.set(code, {
        filingBlocked: !!Number(r.filing_blocked) || !!held?.filingBlocked, mandatoryReview: !!Number(r.mandatory_review) || !!held?.mandatoryReview,
        entryId: held?.entryId ?? r.id, reason: held?.reason ?? r.reason_code,
      });
    }
  }
  return out;
}

/** Codes (customs code and USCC) of every enterprise with an active entry: the risk engine's negative-list facts. */
export async function listedCodes(db: Kysely<Database>): Promise<Set<string>> {
  const ids = [...new Set((await repo.activeEntries(db)).map((e) => e.enterprise_id))];
  const people = ids.length ? await db.selectFrom('enterprises').select(['customs_code', 'uscc']).where('id', 'in', ids).execute() : [];
  return new Set(people.flatMap((p) => [p.customs_code, p.uscc].filter((c): c is string => !!c)));
}

const toEntry = (r: CreditNegativeEntryRow) => ({
  id: r.id, enterpriseId: r.enterprise_id, reason: { code: r.reason_code, name: negativeReason(r.reason_code)?.name ?? null, text: r.reason_text },
  effects: { filingBlocked: !!Number(r.filing_blocked), mandatoryReview: !!Number(r.mandatory_review) },
  start: r.start_day, repairFrom: r.repair_from, state: r.state, createdAt: r.created_at, createdBy: r.created_by, updatedAt: r.updated_at, version: Number(r.version),
});

export type NegativeList = ReturnType<typeof createNegativeList>;

export function createNegativeList({ store, now = () => new Date() }: { store: Store; now?: () => Date }) {
  const { db } = store;
  const mine = async (p: Principal, id: string) => {
    const row = await repo.entry(db, id);
    // An enterprise does not learn of other enterprises' entries, not even that they exist.
    if (!row || (p.kind === 'enterprise' && p.enterpriseId !== row.enterprise_id)) throw new AppError('not_found', 'CREDIT_ENTRY_NOT_FOUND', { value: id });
    return row;
  };
  const trail = async (id: string) => (await repo.auditTrail(db, 'credit_negative_entry', id)).map((a) => ({ at: a.at, actor: a.actor, action: a.action, ...(JSON.parse(a.detail) as object) }));

  async function move(row: CreditNegativeEntryRow, action: EntryAction, actor: string, why: string) {
    const t = ENTRY_TRANSITIONS[action];
    if (!t.from.includes(row.state)) throw new AppError('conflict', 'CREDIT_ENTRY_STATE', { value: row.id, state: row.state, action });
    const at = now().toISOString();
    await db.transaction().execute(async (trx) => {
      if (!(await repo.moveEntry(trx, row.id, Number(row.version), t.to, at))) throw new AppError('conflict', 'CREDIT_ENTRY_CHANGED', { value: row.id });
      await repo.insertAudit(trx, { id: newSeqId(), at, actor, entity: 'credit_negative_entry', entity_id: row.id, action, detail: JSON.stringify({ from: row.state, to: t.to, reason: why }) });
    });
    return (await repo.entry(db, row.id))!;
  }

  return {
    /**
     * Lists an enterprise for a reason. Effects default to the reason's; the start (a Beijing day)
     * defaults to today and may be earlier, e.g. the day customs determined 失信.
     */
    async add(input: { enterpriseId: string; reason: string; text: string; start?: string; effects?: { filingBlocked?: boolean; mandatoryReview?: boolean } }, actor: string) {
      const reason = negativeReason(input.reason);
      if (!reason) throw new AppError('invalid', 'CREDIT_REASON_UNKNOWN', { value: input.reason });
      const known = await db.selectFrom('enterprises').select('id').where('id', '=', input.enterpriseId).executeTakeFirst();
      if (!known) throw new AppError('not_found', 'ENTERPRISE_NOT_FOUND', { value: input.enterpriseId });
      const at = now().toISOString();
      const start = input.start ?? beijingDay(at);
      const row: CreditNegativeEntryRow = {
        id: newSeqId(), enterprise_id: input.enterpriseId, reason_code: reason.code, reason_text: input.text,
        filing_blocked: (input.effects?.filingBlocked ?? reason.filingBlocked) ? 1 : 0, mandatory_review: (input.effects?.mandatoryReview ?? reason.mandatoryReview) ? 1 : 0,
        start_day: start, repair_from: addMonths(start, reason.months), state: 'listed', created_at: at, created_by: actor, updated_at: at, version: 1,
      };
      await db.transaction().execute(async (trx) => {
        const dup = (await repo.activeEntries(trx, [input.enterpriseId])).find((e) => e.reason_code === reason.code);
        if (dup) throw new AppError('conflict', 'CREDIT_ENTRY_DUPLICATE', { value: dup.id, reason: reason.code });
        await repo.insertEntry(trx, row);
        await repo.insertAudit(trx, { id: newSeqId(), at, actor, entity: 'credit_negative_entry', entity_id: row.id, action: 'list', detail: JSON.stringify({ to: 'listed', reason: input.text, reasonCode: reason.code, start, repairFrom: row.repair_from, months: reason.months }) });
      });
      return toEntry(row);
    },

    async list(p: Principal, q: { enterpriseId?: string; state?: string; limit: number; offset: number }) {
      // An enterprise asking for another's entries sees none (not its own under another's name).
      if (p.kind === 'enterprise' && q.enterpriseId && q.enterpriseId !== p.enterpriseId) return { total: 0, limit: q.limit, offset: q.offset, items: [] };
      const r = await repo.entries(db, { ...q, ...(p.kind === 'enterprise' ? { enterpriseId: p.enterpriseId } : {}) });
      return { total: r.total, limit: q.limit, offset: q.offset, items: r.rows.map(toEntry) };
    },

    async get(p: Principal, id: string) {
      const row = await mine(p, id);
      return { ...toEntry(row), trail: await trail(id) };
    },

    /** The listed enterprise asks for repair: refused before the reason's minimum period has passed, with the day it may. */
    async repair(p: Principal, id: string, statement: string, actor: string) {
      const row = await mine(p, id);
      if (p.kind !== 'enterprise') throw new AppError('forbidden', 'CREDIT_REPAIR_ENTERPRISE_ONLY');
      const today = beijingDay(now().toISOString());
      if (today < row.repair_from) throw new AppError('conflict', 'CREDIT_REPAIR_TOO_EARLY', { value: id, from: row.repair_from, start: row.start_day });
      return { ...toEntry(await move(row, 'repair', actor, statement)), trail: await trail(id) };
    },

    /** The operator repairs the entry (it stops having effects) or keeps it. */
    async decide(id: string, decision: 'approve' | 'keep', reason: string, actor: string) {
      const row = await repo.entry(db, id);
      if (!row) throw new AppError('not_found', 'CREDIT_ENTRY_NOT_FOUND', { value: id });
      return { ...toEntry(await move(row, decision, actor, reason)), trail: await trail(id) };
    },
  };
}
