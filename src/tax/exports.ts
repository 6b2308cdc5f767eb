// Export registration on the zone's online comprehensive service platform — the legal registration
// point of 无票免税 (财税〔2018〕103号 §1: 出口日期、货物名称、计量单位、数量、单价、金额) and of the 4 %
// deemed-profit corporate income tax (核定征收, 税务总局公告2019年第36号; cbec-rules §4.2–4.3).
// Each line of a released export list is registered once, tied to its invtNo and gnum, and never
// changed; the reports show eligibility and the computation per period.

import type { Store } from '../db/store.js';
import type { Inventory } from '../ceb/model/export-202205.js';
import { AppError } from '../kernel/errors.js';
import { formatDecimal, multiplyDecimal, sumDecimals } from '../kernel/money.js';
import type { Principal } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import type { ExportRegistrationTable } from './table.js';
import { dayOf } from './rates.js';
import { fenToYuan } from '../kernel/money.js';
import type { FxTable } from '../kernel/fx.js';

/** 应税所得率 for 核定征收 (公告2019年第36号). */
export const DEEMED_PROFIT_RATE = '0.04';
/** The statutory CIT rate; small-micro relief, where the tax office grants it, lowers what is due. */
export const CIT_RATE = '0.25';

const toRegistration = (r: ExportRegistrationTable) => ({
  invtNo: r.invt_no, gnum: r.gnum, ebcCode: r.ebc_code, tradeMode: r.trade_mode, customsCode: r.customs_code,
  exportDate: r.export_date, goodsName: r.goods_name, unit: r.unit, qty: r.qty, unitPrice: r.unit_price, amount: r.amount, currency: r.currency,
  registeredAt: r.registered_at,
});


const sum = (values: readonly string[]): string => formatDecimal(sumDecimals(values));
const times = (a: string, rate: string): string => formatDecimal(multiplyDecimal(a, rate));

export type ExportRegistry = ReturnType<typeof createExportRegistry>;

export function createExportRegistry({ store, zoneCustomsCodes, fx, now = () => new Date() }: { store: Store; zoneCustomsCodes: readonly string[]; fx?: FxTable; now?: () => Date }) {
  const { db } = store;
  return {
    /** Registers every line of a released export list for its e-commerce enterprise (the exporter). Idempotent; never changes a registered line. */
    async register(enterprise: Enterprise, invtNo: string, actor: string) {
      const row = await db.selectFrom('inventories').select(['id', 'body', 'state', 'message_type', 'updated_at']).where('invt_no', '=', invtNo).executeTakeFirst();
      if (!row || row.message_type !== 'CEB603Message') throw new AppError('not_found', 'EXPORT_LIST_NOT_FOUND', { value: invtNo });
      if (row.state !== 'released' && row.state !== 'closed') throw new AppError('conflict', 'EXPORT_LIST_NOT_RELEASED', { value: invtNo, state: row.state });
      const list = JSON.parse(row.body) as Inventory;
      const h = list.InventoryHead;
      const code = enterprise.customsCode ?? enterprise.uscc;
      if (h.ebcCode !== code && h.ownerCode !== code) throw new AppError('forbidden', 'EXPORT_LIST_NOT_YOURS', { value: invtNo });
      const at = now().toISOString();
      const rows: ExportRegistrationTable[] = list.InventoryList.map((l) => ({
        invt_no: invtNo, gnum: Number(l.gnum), enterprise_id: enterprise.id, ebc_code: h.ebcCode, inventory_id: row.id, trade_mode: h.tradeMode,
        customs_code: h.customsCode, export_date: dayOf(h.ieDate) ?? row.updated_at.slice(0, 10), goods_name: l.gname, unit: l.unit,
        qty: l.qty, unit_price: l.price, amount: l.totalPrice, currency: l.currency, registered_at: at, registered_by: actor,
      }));
      return db.transaction().execute(async (trx) => {
        const held = new Map((await trx.selectFrom('export_registrations').selectAll().where('invt_no', '=', invtNo).execute()).map((r) => [r.gnum, r]));
        const fresh = rows.filter((r) => !held.has(r.gnum));
        // Two registrations at once: the second finds the lines taken and changes nothing.
        const inserted = fresh.length
          ? Number((await trx.insertInto('export_registrations').values(fresh).onConflict((oc) => oc.columns(['invt_no', 'gnum']).doNothing()).executeTakeFirst()).numInsertedOrUpdatedRows ?? 0)
          : 0;
        const now = new Map((await trx.selectFrom('export_registrations').selectAll().where('invt_no', '=', invtNo).execute()).map((r) => [r.gnum, r]));
        return { registered: inserted, lines: rows.map((r) => toRegistration(now.get(r.gnum) ?? r)) };
      });
    },

    async list(p: Principal, code: string | undefined, q: { from?: string; to?: string; limit: number; offset: number }) {
      let base = db.selectFrom('export_registrations');
      if (p.kind === 'enterprise') base = base.where((eb) => eb.or([eb('ebc_code', '=', code ?? '\u0000'), eb('enterprise_id', '=', p.enterpriseId)]));
      if (q.from) base = base.where('export_date', '>=', q.from);
      if (q.to) base = base.where('export_date', '<=', q.to);
      const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await base.selectAll().orderBy('export_date').orderBy('invt_no').orderBy('gnum').limit(q.limit).offset(q.offset).execute();
      return { total, limit: q.limit, offset: q.offset, items: rows.map(toRegistration) };
    },

    /**
     * Per exporter and period: the registered lines, their amounts per currency, which lines meet the
     * 无票免税 conditions the platform can see (registered here, a 9610 retail export, declared at the
     * zone's customs), and the 核定征收 computation (revenue × 4 % = deemed taxable income × 25 %).
     */
    async report(p: Principal, code: string | undefined, q: { from: string; to: string }) {
      let base = db.selectFrom('export_registrations').selectAll().where('export_date', '>=', q.from).where('export_date', '<=', q.to);
      if (p.kind === 'enterprise') base = base.where((eb) => eb.or([eb('ebc_code', '=', code ?? '\u0000'), eb('enterprise_id', '=', p.enterpriseId)]));
      const rows = await base.orderBy('ebc_code').execute();
      // Lists customs cancelled (CEB605) or whose goods came back whole (CEB213) earn no export revenue.
      const undone = new Set((await db.selectFrom('inventories').select('id').where('id', 'in', rows.length ? [...new Set(rows.map((r) => r.inventory_id))] : ['\u0000'])
        .where('state', 'in', ['cancelled', 'refunded']).execute()).map((r) => r.id));
      const by = new Map<string, ExportRegistrationTable[]>();
      for (const r of rows) by.set(r.ebc_code, [...(by.get(r.ebc_code) ?? []), r]);
      return {
        from: q.from, to: q.to, deemedProfitRate: DEEMED_PROFIT_RATE, citRate: CIT_RATE,
        enterprises: [...by].map(([ebcCode, list]) => {
          const eligible = list.filter((r) => r.trade_mode === '9610' && zoneCustomsCodes.includes(r.customs_code) && !undone.has(r.inventory_id));
          const currencies = [...new Set(list.map((r) => r.currency))].sort();
          return {
            ebcCode, lines: list.length, eligibleLines: eligible.length,
            ineligible: list.filter((r) => !eligible.includes(r)).map((r) => ({ invtNo: r.invt_no, gnum: r.gnum, reason: undone.has(r.inventory_id) ? 'the list was cancelled or its goods returned' : r.trade_mode !== '9610' ? `trade mode ${r.trade_mode} is not retail export (9610)` : `declared at customs ${r.customs_code}, outside the zone` })),
            // In CNY, each line at the monthly rate of its export month (lines without a rate are counted apart).
            cny: (() => {
              if (!fx) return null;
              let revenueFen = 0;
              const unrated: string[] = [];
              for (const r of eligible) {
                const f = fx.toFen(r.amount, r.currency, r.export_date.slice(0, 7));
                if (f === undefined) unrated.push(`${r.invt_no}#${r.gnum} ${r.currency} ${r.export_date.slice(0, 7)}`);
                else revenueFen += f;
              }
              const revenue = fenToYuan(revenueFen);
              const deemed = times(revenue, DEEMED_PROFIT_RATE);
              return {
                exemptRevenue: revenue, deemedTaxableIncome: deemed, corporateIncomeTax: times(deemed, CIT_RATE), unrated,
                computation: `${revenue} CNY × ${DEEMED_PROFIT_RATE} = ${deemed}; × ${CIT_RATE} = ${times(deemed, CIT_RATE)} (each line at its export month's rate)`,
              };
            })(),
            byCurrency: currencies.map((currency) => {
              const revenue = sum(eligible.filter((r) => r.currency === currency).map((r) => r.amount));
              const deemed = times(revenue, DEEMED_PROFIT_RATE);
              return {
                currency, amount: sum(list.filter((r) => r.currency === currency).map((r) => r.amount)),
                exemptRevenue: revenue, deemedTaxableIncome: deemed, corporateIncomeTax: times(deemed, CIT_RATE),
                computation: `${revenue} × ${DEEMED_PROFIT_RATE} = ${deemed}; × ${CIT_RATE} = ${times(deemed, CIT_RATE)} (before any small-micro relief the tax office grants)`,
              };
            }),
          };
        }),
      };
    },
  };
}
