// The summary capability's SQL: the only place that knows its tables.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Store } from '../db/store.js';
import type { SummaryGroupTable, SummaryItemTable, SummaryTable } from './table.js';
import { readScaled, type KeyedAmounts } from './rules.js';

type Db = Kysely<Database>;
const text = (column: string) => sql<string>`cast(${sql.ref(column)} as text)`;

export interface Period { readonly ebcCode: string; readonly month: string; readonly customsCode: string }

/** Locks the period row (the recording of its lists writes it too) and gives its current batch. */
export async function lockPeriod(db: Db, p: Period, at: string): Promise<number | undefined> {
  const row = await db.updateTable('summary_periods').set({ updated_at: at })
    .where('ebc_code', '=', p.ebcCode).where('close_month', '=', p.month).where('customs_code', '=', p.customsCode)
    .returning('batch').executeTakeFirst();
  return row ? Number(row.batch) : undefined;
}

export async function setBatch(db: Db, p: Period, batch: number): Promise<void> {
  await db.updateTable('summary_periods').set({ batch })
    .where('ebc_code', '=', p.ebcCode).where('close_month', '=', p.month).where('customs_code', '=', p.customsCode).execute();
}

/** Batches taken by summaries that still stand (a rejected one gives its batches back). */
export async function coveredBatches(db: Db, p: Period): Promise<{ id: string; batches: number[] }[]> {
  const rows = await db.selectFrom('summaries').select(['id', 'batches'])
    .where('ebc_code', '=', p.ebcCode).where('month', '=', p.month).where('customs_code', '=', p.customsCode).where('state', '!=', 'rejected').execute();
  return rows.map((r) => ({ id: r.id, batches: JSON.parse(r.batches) as number[] }));
}

export interface HeadTotal { loctNo: string; ownerCode: string; trafMode: string; headCountry: string; portCode: string; batch: number; lists: bigint; lines: bigint; grossWeight: bigint; netWeight: bigint }

export async function headTotals(db: Db, p: Period, batches: readonly number[]): Promise<HeadTotal[]> {
  if (!batches.length) return [];
  const rows = await db.selectFrom('summary_head_totals')
    .select(['loct_no', 'owner_code', 'traf_mode', 'head_country', 'port_code', 'batch', text('lists').as('lists'), text('lines').as('lines'), text('gross_weight').as('gross'), text('net_weight').as('net')])
    .where('ebc_code', '=', p.ebcCode).where('close_month', '=', p.month).where('customs_code', '=', p.customsCode).where('batch', 'in', [...batches]).execute();
  return rows.map((r) => ({
    loctNo: r.loct_no, ownerCode: r.owner_code, trafMode: r.traf_mode, headCountry: r.head_country, portCode: r.port_code, batch: Number(r.batch),
    lists: readScaled(r.lists), lines: readScaled(r.lines), grossWeight: readScaled(r.gross), netWeight: readScaled(r.net),
  }));
}

export async function lineTotals(db: Db, p: Period, batches: readonly number[]): Promise<KeyedAmounts[]> {
  if (!batches.length) return [];
  const rows = await db.selectFrom('summary_line_totals')
    .select(['loct_no', 'owner_code', 'traf_mode', 'head_country', 'port_code', 'line_country', 'gcode', 'currency', 'gname', 'unit', 'unit1', 'unit2',
      text('lines').as('lines'), text('qty').as('qty'), text('qty1').as('qty1'), text('qty2').as('qty2'), text('total_price').as('price')])
    .where('ebc_code', '=', p.ebcCode).where('close_month', '=', p.month).where('customs_code', '=', p.customsCode).where('batch', 'in', [...batches]).execute();
  return rows.map((r) => ({
    loctNo: r.loct_no, ownerCode: r.owner_code, trafMode: r.traf_mode, headCountry: r.head_country, portCode: r.port_code,
    country: r.line_country, gcode: r.gcode, currency: r.currency, gname: r.gname, unit: r.unit, unit1: r.unit1, unit2: r.unit2,
    lines: readScaled(r.lines), qty: readScaled(r.qty), qty1: readScaled(r.qty1), qty2: readScaled(r.qty2), totalPrice: readScaled(r.price),
  }));
}

export interface GroupScope extends Period {
  readonly batches: readonly number[];
  readonly summaryFlag: string;
  readonly loctNo: string;
  readonly ownerCode: string;
  readonly trafMode: string;
  readonly headCountry: string;
  readonly portCode: string;
}

/**
 * A page of a header group's lists in their fixed order (owner, invtNo), from the partial index
 * alone. `after` continues from a key (keyset paging while streaming); `offset` finds a part anew.
 */
export async function groupLists(db: Db, g: GroupScope, page: { limit: number; after?: readonly [string, string]; offset?: number }): Promise<{ ownerCode: string; invtNo: string }[]> {
  // The literal terms let both databases prove the partial index (a bound parameter would not).
  let q = db.selectFrom('summary_lines').select(['owner_code', 'invt_no'])
    .where(sql<boolean>`list_head = 1 and statistics_flag = 'B'`)
    .where('ebc_code', '=', g.ebcCode).where('close_month', '=', g.month).where('customs_code', '=', g.customsCode)
    .where((eb) => (g.loctNo ? eb('loct_no', '=', g.loctNo) : eb('loct_no', 'is', null)))
    .where('traf_mode', '=', g.trafMode).where('head_country', '=', g.headCountry).where('port_code', '=', g.portCode)
    .where('batch', 'in', [...g.batches]);
  if (g.summaryFlag === '2') q = q.where('owner_code', '=', g.ownerCode);
  if (page.after) q = q.where((eb) => eb(eb.refTuple('owner_code', 'invt_no'), '>', eb.tuple(page.after![0], page.after![1])));
  q = q.orderBy('owner_code').orderBy('invt_no').limit(page.limit);
  if (page.offset) q = q.offset(page.offset);
  return (await q.execute()).map((r) => ({ ownerCode: r.owner_code, invtNo: r.invt_no }));
}

/** The lines of a summary's lists (to map each to its declaration line), a page at a time by key. */
export async function scopeLines(db: Db, p: Period, batches: readonly number[], page: { limit: number; after?: readonly [string, number] }) {
  let q = db.selectFrom('summary_lines').selectAll()
    .where('ebc_code', '=', p.ebcCode).where('close_month', '=', p.month).where('customs_code', '=', p.customsCode)
    .where('statistics_flag', '=', 'B').where('batch', 'in', [...batches]);
  if (page.after) q = q.where((eb) => eb(eb.refTuple('invt_no', 'gnum'), '>', eb.tuple(page.after![0], page.after![1])));
  return q.orderBy('invt_no').orderBy('gnum').limit(page.limit).execute();
}

/** The recorded lines of the given lists (the customs simulator's view of them). */
export async function linesOfLists(db: Db, invtNos: readonly string[]) {
  const out = [];
  for (let i = 0; i < invtNos.length; i += 1000) {
    out.push(...await db.selectFrom('summary_lines').selectAll().where('invt_no', 'in', invtNos.slice(i, i + 1000)).execute());
  }
  return out;
}

/** In the caller's transaction `db`; the groups and lines by the store's bulk insert (hundreds of thousands of lines in a large month). */
export async function insertSummary(db: Db, store: Pick<Store, 'insertRows'>, s: SummaryTable, groups: readonly SummaryGroupTable[], items: readonly SummaryItemTable[]): Promise<void> {
  await db.insertInto('summaries').values(s).execute();
  await store.insertRows(db, 'summary_groups', groups as unknown as Record<string, unknown>[]);
  await store.insertRows(db, 'summary_items', items as unknown as Record<string, unknown>[]);
}

export const findSummary = (db: Db, id: string) => db.selectFrom('summaries').selectAll().where('id', '=', id).executeTakeFirst();
export const groupsOf = (db: Db, id: string) => db.selectFrom('summary_groups').selectAll().where('summary_id', '=', id).orderBy('group_no').execute();
export const itemsOf = (db: Db, id: string) => db.selectFrom('summary_items').selectAll().where('summary_id', '=', id).orderBy('group_no').orderBy('gseqno').execute();

export async function listSummaries(db: Db, q: { ebcCode?: string | undefined; month?: string | undefined; limit: number; offset: number }) {
  let base = db.selectFrom('summaries');
  if (q.ebcCode !== undefined) base = base.where('ebc_code', '=', q.ebcCode);
  if (q.month) base = base.where('month', '=', q.month);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
  return { total, rows };
}

export const groupByCopNo = (db: Db, copNo: string) => db.selectFrom('summary_groups').selectAll().where('cop_no', '=', copNo).executeTakeFirst();
export const groupBySumNo = (db: Db, sumNo: string) => db.selectFrom('summary_groups').selectAll().where('sum_no', '=', sumNo).executeTakeFirst();

export async function updateGroup(db: Db, summaryId: string, groupNo: number, patch: Partial<SummaryGroupTable>): Promise<void> {
  await db.updateTable('summary_groups').set(patch).where('summary_id', '=', summaryId).where('group_no', '=', groupNo).execute();
}

export async function setSummaryState(db: Db, id: string, state: string, at: string): Promise<void> {
  await db.updateTable('summaries').set({ state, updated_at: at }).where('id', '=', id).execute();
}

/** Every period with B lists, with its lists per batch (the reminder list's source). */
export async function periodBatches(db: Db, ebcCode?: string) {
  let q = db.selectFrom('summary_head_totals')
    .select((eb) => ['ebc_code', 'close_month', 'customs_code', 'batch', eb.fn.sum<string>('lists').as('lists'), eb.fn.sum<string>('lines').as('lines')])
    .groupBy(['ebc_code', 'close_month', 'customs_code', 'batch']);
  if (ebcCode !== undefined) q = q.where('ebc_code', '=', ebcCode);
  return (await q.execute()).map((r) => ({ ebcCode: r.ebc_code, month: r.close_month, customsCode: r.customs_code, batch: Number(r.batch), lists: BigInt(r.lists), lines: BigInt(r.lines) }));
}

export async function standingSummaries(db: Db, ebcCode?: string) {
  let q = db.selectFrom('summaries').select(['id', 'ebc_code', 'month', 'customs_code', 'batches', 'state']).where('state', '!=', 'rejected');
  if (ebcCode !== undefined) q = q.where('ebc_code', '=', ebcCode);
  return q.execute();
}

export async function upsertResults(db: Db, rows: readonly Database['summary_results'][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insertInto('summary_results').values(rows.slice(i, i + 1000)).onConflict((oc) => oc.columns(['invt_no', 'gnum']).doUpdateSet({
      sum_no: sql.ref('excluded.sum_no'), decl_seq_no: sql.ref('excluded.decl_seq_no'), entry_id: sql.ref('excluded.entry_id'),
      gseqno: sql.ref('excluded.gseqno'), gcode: sql.ref('excluded.gcode'), logistics_no: sql.ref('excluded.logistics_no'), received_at: sql.ref('excluded.received_at'),
    })).execute();
  }
}

export async function resultsOf(db: Db, sumNos: readonly string[], page: { limit: number; offset: number }) {
  if (!sumNos.length) return [];
  return db.selectFrom('summary_results').selectAll().where('sum_no', 'in', [...sumNos]).orderBy('invt_no').orderBy('gnum').limit(page.limit).offset(page.offset).execute();
}
