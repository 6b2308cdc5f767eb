// The credit capability's SQL, and nothing else: the model setting, computations, the negative list,
// and the reads of the platform's tables a computation takes its inputs from. Every function takes
// the executor it runs on.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CreditLatestRow, CreditNegativeEntryRow, CreditScoreRow, CreditSettingRow } from './table.js';

export type Executor = Kysely<Database> | Transaction<Database>;

/** Customs receipt statuses of a list (CEB622/CEB626 returnStatus, cbec-rules; ceb-messages §6). */
export const REFUSED = '100';
export const INSPECTED = '500';
export const DETAINED = ['501', '502', '503', '599'] as const;
export const ACTIVE_STATES = ['listed', 'repair_requested', 'kept'] as const;

/** No empty IN on PostgreSQL. */
const nonEmpty = <T>(xs: readonly T[], none: T): T[] => (xs.length ? [...xs] : [none]);
/** A LIKE pattern that narrows the audience scan; the caller checks the parsed audience exactly. */
const namedIn = (id: string) => `%"${id.replace(/[\\%_]/g, '')}"%`;
const audienceOf = (json: string): string[] => { try { return JSON.parse(json) as string[]; } catch { return []; } };

export interface EnterpriseFacts { id: string; credit_level: string; customs_code: string | null; uscc: string; name_zh: string; roles: string[] }
export async function enterprises(db: Executor, id?: string): Promise<EnterpriseFacts[]> {
  let q = db.selectFrom('enterprises').select(['id', 'credit_level', 'customs_code', 'uscc', 'name_zh']).where('status', '!=', 'cancelled');
  if (id) q = q.where('id', '=', id);
  const rows = await q.orderBy('id').execute();
  const roles = await db.selectFrom('enterprise_roles').select(['enterprise_id', 'role']).where('enterprise_id', 'in', nonEmpty(rows.map((r) => r.id), '\u0000')).execute();
  return rows.map((r) => ({ ...r, roles: roles.filter((x) => x.enterprise_id === r.id).map((x) => x.role) }));
}

export interface ListCounts { total: number; refused: number; inspected: number; detained: number; returned: number }
export interface PaymentCounts { total: number; refused: number }
const zeroLists = (): ListCounts => ({ total: 0, refused: 0, inspected: 0, detained: 0, returned: 0 });

/**
 * Per enterprise named in a list (its audience: filer, platform, e-commerce enterprise, agent …):
 * the lists filed in [from, to) and how many of them customs refused, inspected or detained, or
 * were cancelled or returned with approval, by `to`. Each list counts once per outcome.
 */
export async function listCounts(db: Executor, from: string, to: string, only?: string): Promise<Map<string, ListCounts>> {
  let lists = db.selectFrom('inventories').select(['id', 'audience']).where('created_at', '>=', from).where('created_at', '<', to);
  if (only) lists = lists.where('audience', 'like', namedIn(only));
  let receipts = db.selectFrom('receipts').innerJoin('inventories', 'inventories.id', 'receipts.subject_id')
    .select(['receipts.subject_id as id', 'receipts.return_status as status'])
    .where('receipts.subject', '=', 'inventory').where('receipts.return_status', 'in', [REFUSED, INSPECTED, ...DETAINED]).where('receipts.received_at', '<', to)
    .where('inventories.created_at', '>=', from).where('inventories.created_at', '<', to);
  if (only) receipts = receipts.where('inventories.audience', 'like', namedIn(only));
  let returns = db.selectFrom('list_returns').innerJoin('inventories', 'inventories.id', 'list_returns.inventory_id').select('list_returns.inventory_id as id')
    .where('list_returns.state', '=', 'approved').where('list_returns.applied_at', '<', to)
    .where('inventories.created_at', '>=', from).where('inventories.created_at', '<', to);
  if (only) returns = returns.where('inventories.audience', 'like', namedIn(only));
  const [l, r, x] = await Promise.all([lists.execute(), receipts.execute(), returns.execute()]);
  const outcomes = new Map<string, Set<keyof ListCounts>>();
  const mark = (id: string, k: keyof ListCounts) => outcomes.set(id, (outcomes.get(id) ?? new Set()).add(k));
  for (const row of r) mark(row.id!, row.status === REFUSED ? 'refused' : row.status === INSPECTED ? 'inspected' : 'detained');
  for (const row of x) mark(row.id, 'returned');
  const out = new Map<string, ListCounts>();
  for (const list of l) {
    for (const e of audienceOf(list.audience)) {
      if (only && e !== only) continue;
      const c = out.get(e) ?? zeroLists();
      c.total++;
      for (const k of outcomes.get(list.id) ?? []) c[k]++;
      out.set(e, c);
    }
  }
  return out;
}

/** Per enterprise named: payment documents (CEB411) filed in [from, to) and those customs refused (CEB412 100) by `to`. */
export async function paymentCounts(db: Executor, from: string, to: string, only?: string): Promise<Map<string, PaymentCounts>> {
  let docs = db.selectFrom('ceb_documents').select(['id', 'audience']).where('message_type', '=', 'CEB411Message').where('created_at', '>=', from).where('created_at', '<', to);
  if (only) docs = docs.where('audience', 'like', namedIn(only));
  let refused = db.selectFrom('receipts').innerJoin('ceb_documents', 'ceb_documents.id', 'receipts.subject_id').select('receipts.subject_id as id')
    .where('receipts.subject', '=', 'document').where('receipts.message_type', '=', 'CEB412Message').where('receipts.return_status', '=', REFUSED).where('receipts.received_at', '<', to)
    .where('ceb_documents.message_type', '=', 'CEB411Message').where('ceb_documents.created_at', '>=', from).where('ceb_documents.created_at', '<', to);
  if (only) refused = refused.where('ceb_documents.audience', 'like', namedIn(only));
  const [d, r] = await Promise.all([docs.execute(), refused.execute()]);
  const no = new Set(r.map((x) => x.id));
  const out = new Map<string, PaymentCounts>();
  for (const doc of d) {
    for (const e of audienceOf(doc.audience)) {
      if (only && e !== only) continue;
      const c = out.get(e) ?? { total: 0, refused: 0 };
      c.total++;
      if (no.has(doc.id)) c.refused++;
      out.set(e, c);
    }
  }
  return out;
}

/** Risk results held or refused for an enterprise in [since, until): the default risk signal. */
export async function riskHits(db: Executor, enterpriseId: string, since: string, until?: string): Promise<number> {
  let q = db.selectFrom('risk_results').select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('enterprise_id', '=', enterpriseId).where('decision', '!=', 'pass').where('evaluated_at', '>=', since);
  if (until) q = q.where('evaluated_at', '<', until);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function setting(db: Executor, code: string): Promise<CreditSettingRow | undefined> {
  return db.selectFrom('credit_settings').selectAll().where('code', '=', code).executeTakeFirst();
}
/** Writes the setting if the stored version is still `expected` (0: not yet stored). */
export async function saveSetting(db: Executor, row: CreditSettingRow, expected: number): Promise<boolean> {
  if (expected === 0) {
    const r = await db.insertInto('credit_settings').values(row).onConflict((oc) => oc.column('code').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const r = await db.updateTable('credit_settings').set({ params: row.params, updated_at: row.updated_at, updated_by: row.updated_by, version: row.version })
    .where('code', '=', row.code).where('version', '=', expected).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface AuditRow { id: string; at: string; actor: string; entity: string; entity_id: string; action: string; detail: string }
/** The registry's audit trail table serves every capability: entity names who it is about. */
export async function insertAudit(db: Executor, row: AuditRow): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}
export async function auditTrail(db: Executor, entity: string, entityId: string): Promise<AuditRow[]> {
  return db.selectFrom('audit_events').selectAll().where('entity', '=', entity).where('entity_id', '=', entityId).orderBy('at').orderBy('id').execute();
}

/** Stores a computation and moves the enterprise's latest pointer to it (a later one stays latest). */
export async function insertScore(db: Executor, row: CreditScoreRow): Promise<void> {
  await db.insertInto('credit_scores').values(row).execute();
  const latest: CreditLatestRow = { enterprise_id: row.enterprise_id, score_id: row.id, score: row.score, grade: row.grade, as_of: row.window_to };
  const held = await db.selectFrom('credit_latest').select('as_of').where('enterprise_id', '=', row.enterprise_id).executeTakeFirst();
  if (!held) await db.insertInto('credit_latest').values(latest).onConflict((oc) => oc.column('enterprise_id').doUpdateSet({ score_id: row.id, score: row.score, grade: row.grade, as_of: row.window_to })).execute();
  else if (held.as_of <= row.window_to) await db.updateTable('credit_latest').set(latest).where('enterprise_id', '=', row.enterprise_id).execute();
}
export async function scores(db: Executor, enterpriseId: string, limit: number, offset: number): Promise<{ rows: CreditScoreRow[]; total: number }> {
  const base = db.selectFrom('credit_scores').where('enterprise_id', '=', enterpriseId);
  const [rows, n] = await Promise.all([
    base.selectAll().orderBy('window_to', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(n.n) };
}
export async function latestScore(db: Executor, enterpriseId: string): Promise<CreditScoreRow | undefined> {
  const l = await db.selectFrom('credit_latest').select('score_id').where('enterprise_id', '=', enterpriseId).executeTakeFirst();
  return l ? db.selectFrom('credit_scores').selectAll().where('id', '=', l.score_id).executeTakeFirst() : undefined;
}
export async function ranking(db: Executor, q: { grade?: string; limit: number; offset: number }) {
  const counts = await db.selectFrom('credit_latest').select((eb) => ['grade', eb.fn.countAll<string | number>().as('n')]).groupBy('grade').execute();
  let base = db.selectFrom('credit_latest').innerJoin('enterprises', 'enterprises.id', 'credit_latest.enterprise_id');
  if (q.grade) base = base.where('credit_latest.grade', '=', q.grade);
  const [rows, n] = await Promise.all([
    base.select(['credit_latest.enterprise_id', 'credit_latest.score', 'credit_latest.grade', 'credit_latest.as_of', 'enterprises.name_zh', 'enterprises.customs_code', 'enterprises.uscc'])
      .orderBy('credit_latest.score').orderBy('credit_latest.enterprise_id').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { counts: new Map(counts.map((c) => [c.grade, Number(c.n)])), rows, total: Number(n.n) };
}

export async function insertEntry(db: Executor, row: CreditNegativeEntryRow): Promise<void> {
  await db.insertInto('credit_negative_entries').values(row).execute();
}
export async function entry(db: Executor, id: string): Promise<CreditNegativeEntryRow | undefined> {
  return db.selectFrom('credit_negative_entries').selectAll().where('id', '=', id).executeTakeFirst();
}
/** Moves an entry to `to` if it is still at `version`; returns whether it moved. */
export async function moveEntry(db: Executor, id: string, version: number, to: CreditNegativeEntryRow['state'], at: string): Promise<boolean> {
  const r = await db.updateTable('credit_negative_entries').set({ state: to, updated_at: at, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
export async function entries(db: Executor, q: { enterpriseId?: string; state?: string; limit: number; offset: number }) {
  let base = db.selectFrom('credit_negative_entries');
  if (q.enterpriseId) base = base.where('enterprise_id', '=', q.enterpriseId);
  if (q.state) base = base.where('state', '=', q.state as CreditNegativeEntryRow['state']);
  const [rows, n] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(n.n) };
}
export async function activeEntries(db: Executor, enterpriseIds?: readonly string[]): Promise<CreditNegativeEntryRow[]> {
  let q = db.selectFrom('credit_negative_entries').selectAll().where('state', 'in', [...ACTIVE_STATES]);
  if (enterpriseIds) q = q.where('enterprise_id', 'in', nonEmpty(enterpriseIds, '\u0000'));
  return q.orderBy('created_at').orderBy('id').execute();
}
/** Active entries of the enterprises a customs code or USCC names, with the code that named them. */
export async function activeEntriesByCode(db: Executor, codes: readonly string[]) {
  const want = nonEmpty([...new Set(codes)], '\u0000');
  return db.selectFrom('credit_negative_entries').innerJoin('enterprises', 'enterprises.id', 'credit_negative_entries.enterprise_id')
    .select(['credit_negative_entries.id', 'credit_negative_entries.reason_code', 'credit_negative_entries.reason_text', 'credit_negative_entries.filing_blocked',
      'credit_negative_entries.mandatory_review', 'enterprises.customs_code', 'enterprises.uscc'])
    .where('credit_negative_entries.state', 'in', [...ACTIVE_STATES])
    .where((eb) => eb.or([eb('enterprises.customs_code', 'in', want), eb('enterprises.uscc', 'in', want)]))
    .orderBy('credit_negative_entries.created_at').orderBy('credit_negative_entries.id').execute();
}
/** When the newest credit computation was made (null: never). */
export async function newestComputation(db: Executor): Promise<string | null> {
  const r = await db.selectFrom('credit_scores').select((eb) => eb.fn.max('computed_at').as('at')).executeTakeFirst();
  return (r?.at as string | null | undefined) ?? null;
}
