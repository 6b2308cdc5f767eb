// 9810 出口预退税 tracking (国家税务总局公告2025年第3号, from 2025-01-27; cbec-rules.md §4.4): goods
// exported to an overseas warehouse under 9810 may be declared for refund as soon as they have left
// the country, marked 海外仓预退 with business type HWC-YT; sales are then reconciled ("销售再核算")
// and the pre-refund settled by 30 April of the following year (多退少补). Sales evidence is due
// within 15 days after each sale. The platform tracks each departed 9810 list line: the claim, the
// sales against it, what is still unsold, and the deadline.
import type { Store } from '../db/store.js';
import type { Inventory } from '../ceb/model/export-202205.js';
import { AppError, invalid, issue } from '../kernel/errors.js';
import { formatDecimal, parseDecimal, sumDecimals } from '../kernel/money.js';
import { beijingDay } from '../kernel/time.js';
import type { Principal } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import type { PrerefundTable } from './table.js';
import { dayOf, isDay } from './rates.js';

/** 业务类型代码 of a pre-refunded overseas-warehouse line. */
export const HWC_YT = 'HWC-YT';
/** Days after a sale within which its evidence is filed. */
export const SALE_EVIDENCE_DAYS = 15;

export interface Sale { readonly qty: string; readonly date: string; readonly evidence: string; readonly filedAt: string; readonly late: boolean }

const DAY_MS = 86_400_000;
const minus = (a: string, b: string) => formatDecimal(sumDecimals([a, `-${b}`.replace('--', '')]));
const cmp = (a: string, b: string): number => {
  const d = sumDecimals([a, b.startsWith('-') ? b.slice(1) : `-${b}`]);
  return d.units === 0n ? 0 : d.units > 0n ? 1 : -1;
};

function view(r: PrerefundTable, today: string) {
  const sales = JSON.parse(r.sales) as Sale[];
  const unsold = minus(r.qty, r.sold_qty);
  const settled = cmp(unsold, '0') === 0;
  return {
    invtNo: r.invt_no, gnum: r.gnum, ebcCode: r.ebc_code, businessType: HWC_YT, exportDate: r.export_date, goodsName: r.goods_name, gcode: r.gcode,
    unit: r.unit, qty: r.qty, amount: r.amount, currency: r.currency, claimRef: r.claim_ref, claimedAt: r.claimed_at,
    sales, soldQty: r.sold_qty, unsoldQty: unsold, settleBy: r.settle_by,
    status: settled ? 'settled' : r.claim_ref ? 'pre_refunded' : 'exported',
    // Unsold at the deadline: the pre-refund on those goods is paid back (多退少补).
    overdue: !settled && !!r.claim_ref && today > r.settle_by,
    lateEvidence: sales.filter((s) => s.late).length,
  };
}

export type Prerefunds = ReturnType<typeof createPrerefunds>;

export function createPrerefunds({ store, now = () => new Date() }: { store: Store; now?: () => Date }) {
  const { db } = store;
  const today = () => beijingDay(now().toISOString());
  const mine = (e: Enterprise) => e.customsCode ?? e.uscc;

  async function load(e: Enterprise, invtNo: string, gnum: number): Promise<PrerefundTable> {
    const r = await db.selectFrom('prerefunds').selectAll().where('invt_no', '=', invtNo).where('gnum', '=', gnum).executeTakeFirst();
    if (!r || r.ebc_code !== mine(e)) throw new AppError('not_found', 'PREREFUND_NOT_FOUND', { value: `${invtNo}#${gnum}` });
    return r;
  }

  return {
    /** Tracks every line of a departed (结关) 9810 list of the enterprise; idempotent. */
    async track(e: Enterprise, invtNo: string) {
      const row = await db.selectFrom('inventories').select(['id', 'body', 'state', 'message_type', 'updated_at']).where('invt_no', '=', invtNo).executeTakeFirst();
      if (!row || row.message_type !== 'CEB603Message') throw new AppError('not_found', 'EXPORT_LIST_NOT_FOUND', { value: invtNo });
      const list = JSON.parse(row.body) as Inventory;
      const h = list.InventoryHead;
      if (h.ebcCode !== mine(e)) throw new AppError('forbidden', 'EXPORT_LIST_NOT_YOURS', { value: invtNo });
      if (h.tradeMode !== '9810') throw new AppError('conflict', 'PREREFUND_NOT_9810', { value: invtNo, mode: h.tradeMode });
      // 离境即退税: only goods that have left (the list closed on departure).
      if (row.state !== 'closed') throw new AppError('conflict', 'PREREFUND_NOT_DEPARTED', { value: invtNo, state: row.state });
      const exportDate = dayOf(h.ieDate) ?? beijingDay(row.updated_at);
      const at = now().toISOString();
      const rows: PrerefundTable[] = list.InventoryList.map((l) => ({
        invt_no: invtNo, gnum: Number(l.gnum), enterprise_id: e.id, ebc_code: h.ebcCode, export_date: exportDate, goods_name: l.gname, gcode: l.gcode,
        unit: l.unit, qty: l.qty, amount: l.totalPrice, currency: l.currency, claim_ref: null, claimed_at: null, sales: '[]', sold_qty: '0',
        settle_by: `${Number(exportDate.slice(0, 4)) + 1}-04-30`, created_at: at, updated_at: at,
      }));
      await db.insertInto('prerefunds').values(rows).onConflict((oc) => oc.columns(['invt_no', 'gnum']).doNothing()).execute();
      const held = await db.selectFrom('prerefunds').selectAll().where('invt_no', '=', invtNo).orderBy('gnum').execute();
      return held.map((r) => view(r, today()));
    },

    /** The pre-refund was declared to the tax office (申报序号 / 关联号); once. */
    async claim(e: Enterprise, invtNo: string, gnum: number, ref: string) {
      const r = await load(e, invtNo, gnum);
      if (r.claim_ref && r.claim_ref !== ref) throw new AppError('conflict', 'PREREFUND_CLAIMED', { value: `${invtNo}#${gnum}`, ref: r.claim_ref });
      const at = now().toISOString();
      await db.updateTable('prerefunds').set({ claim_ref: ref, claimed_at: r.claimed_at ?? at, updated_at: at }).where('invt_no', '=', invtNo).where('gnum', '=', gnum).execute();
      return view({ ...r, claim_ref: ref, claimed_at: r.claimed_at ?? at }, today());
    },

    /** A sale from the overseas warehouse: never more than is unsold; evidence later than 15 days is marked late. */
    async sell(e: Enterprise, invtNo: string, gnum: number, sale: { qty: string; date: string; evidence: string }) {
      const problems = [];
      if (!isDay(sale.date)) problems.push(issue('PATTERN', '/date', { value: sale.date }));
      let qtyOk = true;
      try { qtyOk = parseDecimal(sale.qty).units > 0n; } catch { qtyOk = false; }
      if (!qtyOk) problems.push(issue('PREREFUND_QTY', '/qty', { value: sale.qty }));
      if (problems.length) throw invalid(problems);
      return db.transaction().execute(async (trx) => {
        // Two sales at once must not both take the last units: the row is locked (SQLite writes one at a time anyway).
        const q = trx.selectFrom('prerefunds').selectAll().where('invt_no', '=', invtNo).where('gnum', '=', gnum);
        const r = await (store.dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
        if (!r || r.ebc_code !== mine(e)) throw new AppError('not_found', 'PREREFUND_NOT_FOUND', { value: `${invtNo}#${gnum}` });
        const unsold = minus(r.qty, r.sold_qty);
        if (cmp(sale.qty, unsold) > 0) throw new AppError('conflict', 'PREREFUND_OVERSOLD', { value: `${invtNo}#${gnum}`, qty: sale.qty, unsold });
        if (sale.date < r.export_date) throw invalid([issue('PREREFUND_SALE_BEFORE_EXPORT', '/date', { value: sale.date, exported: r.export_date })]);
        if (sale.date > today()) throw invalid([issue('PREREFUND_SALE_IN_FUTURE', '/date', { value: sale.date })]);
        const filedAt = now().toISOString();
        const late = Date.parse(`${beijingDay(filedAt)}T00:00:00Z`) - Date.parse(`${sale.date}T00:00:00Z`) > SALE_EVIDENCE_DAYS * DAY_MS;
        const sales = [...JSON.parse(r.sales) as Sale[], { qty: sale.qty, date: sale.date, evidence: sale.evidence, filedAt, late }];
        const sold = formatDecimal(sumDecimals([r.sold_qty, sale.qty]));
        await trx.updateTable('prerefunds').set({ sales: JSON.stringify(sales), sold_qty: sold, updated_at: filedAt }).where('invt_no', '=', invtNo).where('gnum', '=', gnum).execute();
        return view({ ...r, sales: JSON.stringify(sales), sold_qty: sold }, today());
      });
    },

    async list(p: Principal, code: string | undefined, q: { status?: string; overdue?: boolean; limit: number; offset: number }) {
      let base = db.selectFrom('prerefunds');
      if (p.kind === 'enterprise') base = base.where('ebc_code', '=', code ?? '\u0000');
      const rows = await base.selectAll().orderBy('settle_by').orderBy('invt_no').orderBy('gnum').execute();
      const all = rows.map((r) => view(r, today())).filter((v) => (!q.status || v.status === q.status) && (q.overdue === undefined || v.overdue === q.overdue));
      return { total: all.length, limit: q.limit, offset: q.offset, items: all.slice(q.offset, q.offset + q.limit) };
    },
  };
}
