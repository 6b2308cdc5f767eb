// Recording the export list lines customs closed (结关, 899), inside the pipeline's transaction,
// with the pre-aggregates the monthly consolidation reads instead of the lines themselves.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Inventory } from '../ceb/model/export-202205.js';
import type { SummaryHeadTotalTable, SummaryLineTable, SummaryLineTotalTable } from './table.js';
import { beijingMonth } from './calendar.js';
import { dbInt, toScaled } from './rules.js';

export interface ClosedList {
  readonly invtNo: string;
  readonly closedAt: Date;
  readonly body: Inventory;
}

const CHUNK = 1000;
const PERIOD = ['ebc_code', 'close_month', 'customs_code', 'batch', 'loct_no', 'owner_code', 'traf_mode', 'head_country', 'port_code'] as const;
const LINE_KEY = [...PERIOD, 'line_country', 'gcode', 'currency', 'gname', 'unit', 'unit1', 'unit2'] as const;

/** Rows of one closed list, batch still to be set (0 for A lists, which no summary takes). */
export function lineRows(list: ClosedList): SummaryLineTable[] {
  const h = list.body.InventoryHead;
  const lines = list.body.InventoryList ?? [];
  const first = Math.min(...lines.map((l) => Number(l.gnum)));
  const closedAt = list.closedAt.toISOString();
  const month = beijingMonth(list.closedAt);
  return lines.map((l) => ({
    invt_no: list.invtNo, gnum: Number(l.gnum), ebc_code: h.ebcCode, close_month: month, closed_at: closedAt, logistics_no: h.logisticsNo ?? '',
    statistics_flag: h.statisticsFlag, trade_mode: h.tradeMode, customs_code: h.customsCode, loct_no: h.loctNo || null,
    owner_code: h.ownerCode, traf_mode: h.trafMode, head_country: h.country, port_code: h.portCode,
    line_country: l.country, gcode: l.gcode, currency: l.currency, gname: l.gname,
    unit: l.unit, qty: dbInt(toScaled(l.qty)), unit1: l.unit1, qty1: dbInt(toScaled(l.qty1)),
    unit2: l.unit2 || null, qty2: l.qty2 ? dbInt(toScaled(l.qty2)) : null, total_price: dbInt(toScaled(l.totalPrice)),
    gross_weight: dbInt(toScaled(h.grossWeight || '0')), net_weight: dbInt(toScaled(h.netWeight || '0')),
    batch: 0, list_head: Number(l.gnum) === first ? 1 : 0,
  }));
}

/** The pre-aggregate rows that `lines` (all of batch-numbered B lines) add. */
export function totalsOf(lines: readonly SummaryLineTable[]): { heads: SummaryHeadTotalTable[]; items: SummaryLineTotalTable[] } {
  const heads = new Map<string, { row: SummaryHeadTotalTable; lists: bigint; lines: bigint; gross: bigint; net: bigint }>();
  const items = new Map<string, { row: SummaryLineTotalTable; lines: bigint; qty: bigint; qty1: bigint; qty2: bigint; price: bigint }>();
  const big = (v: number | string | null) => (v === null ? 0n : BigInt(v));
  for (const l of lines) {
    const p = { ebc_code: l.ebc_code, close_month: l.close_month, customs_code: l.customs_code, batch: l.batch, loct_no: l.loct_no ?? '', owner_code: l.owner_code, traf_mode: l.traf_mode, head_country: l.head_country, port_code: l.port_code };
    const hk = PERIOD.map((k) => p[k]).join('\u0001');
    const h = heads.get(hk) ?? { row: { ...p, lists: 0, lines: 0, gross_weight: 0, net_weight: 0 }, lists: 0n, lines: 0n, gross: 0n, net: 0n };
    heads.set(hk, h);
    h.lines += 1n;
    if (l.list_head) { h.lists += 1n; h.gross += big(l.gross_weight); h.net += big(l.net_weight); }
    const k = { ...p, line_country: l.line_country, gcode: l.gcode, currency: l.currency, gname: l.gname, unit: l.unit, unit1: l.unit1, unit2: l.unit2 ?? '' };
    const ik = LINE_KEY.map((c) => k[c]).join('\u0001');
    const i = items.get(ik) ?? { row: { ...k, lines: 0, qty: 0, qty1: 0, qty2: 0, total_price: 0 }, lines: 0n, qty: 0n, qty1: 0n, qty2: 0n, price: 0n };
    items.set(ik, i);
    i.lines += 1n; i.qty += big(l.qty); i.qty1 += big(l.qty1); i.qty2 += big(l.qty2); i.price += big(l.total_price);
  }
  return {
    heads: [...heads.values()].map((h) => ({ ...h.row, lists: dbInt(h.lists), lines: dbInt(h.lines), gross_weight: dbInt(h.gross), net_weight: dbInt(h.net) })),
    items: [...items.values()].map((i) => ({ ...i.row, lines: dbInt(i.lines), qty: dbInt(i.qty), qty1: dbInt(i.qty1), qty2: dbInt(i.qty2), total_price: dbInt(i.price) })),
  };
}

const add = (table: string, column: string) => sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`;

/**
 * Records the lines of export lists that reached 结关 (call it in the transaction that moves them
 * to 'closed'). Idempotent per (invt_no, gnum): a line recorded before is left alone and adds
 * nothing to the pre-aggregates. A B list joins the current batch of its (收发货人, month,
 * customs): the period row is written first, so a summary being built for that month (which
 * writes the same row) is either wholly before or wholly after this recording — a list recorded
 * after the build joins the next batch and shows as still to summarise, never as summarised.
 */
export async function recordClosedLists(trx: Kysely<Database>, lists: readonly ClosedList[], now: Date = new Date()): Promise<{ lists: number; lines: number }> {
  const rows = lists.flatMap(lineRows);
  if (!rows.length) return { lists: 0, lines: 0 };
  const at = now.toISOString();
  const periods = new Map<string, { ebc_code: string; close_month: string; customs_code: string }>();
  for (const r of rows) if (r.statistics_flag === 'B') periods.set(`${r.ebc_code}|${r.close_month}|${r.customs_code}`, { ebc_code: r.ebc_code, close_month: r.close_month, customs_code: r.customs_code });
  const batchOf = new Map<string, number>();
  for (const [k, p] of [...periods].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const got = await trx.insertInto('summary_periods').values({ ...p, batch: 0, updated_at: at })
      .onConflict((oc) => oc.columns(['ebc_code', 'close_month', 'customs_code']).doUpdateSet({ updated_at: at }))
      .returning('batch').executeTakeFirstOrThrow();
    batchOf.set(k, Number(got.batch));
  }
  for (const r of rows) if (r.statistics_flag === 'B') r.batch = batchOf.get(`${r.ebc_code}|${r.close_month}|${r.customs_code}`)!;
  const inserted = new Set<string>();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const done = await trx.insertInto('summary_lines').values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.columns(['invt_no', 'gnum']).doNothing()).returning(['invt_no', 'gnum']).execute();
    for (const d of done) inserted.add(`${d.invt_no}|${d.gnum}`);
  }
  const fresh = rows.filter((r) => inserted.has(`${r.invt_no}|${r.gnum}`));
  const { heads, items } = totalsOf(fresh.filter((r) => r.statistics_flag === 'B'));
  for (let i = 0; i < heads.length; i += CHUNK) {
    await trx.insertInto('summary_head_totals').values(heads.slice(i, i + CHUNK)).onConflict((oc) => oc.columns([...PERIOD]).doUpdateSet({
      lists: add('summary_head_totals', 'lists'), lines: add('summary_head_totals', 'lines'),
      gross_weight: add('summary_head_totals', 'gross_weight'), net_weight: add('summary_head_totals', 'net_weight'),
    })).execute();
  }
  for (let i = 0; i < items.length; i += CHUNK) {
    await trx.insertInto('summary_line_totals').values(items.slice(i, i + CHUNK)).onConflict((oc) => oc.columns([...LINE_KEY]).doUpdateSet({
      lines: add('summary_line_totals', 'lines'), qty: add('summary_line_totals', 'qty'), qty1: add('summary_line_totals', 'qty1'),
      qty2: add('summary_line_totals', 'qty2'), total_price: add('summary_line_totals', 'total_price'),
    })).execute();
  }
  return { lists: new Set(fresh.map((r) => r.invt_no)).size, lines: fresh.length };
}
