// Customs' electronic tax bills (CEB816) and their status changes (CEB818): stored once per taxNo,
// reconciled against the engine's tax for the list they name (by invtNo), differences flagged;
// running totals per guaranteeing enterprise (assureCode, 代收代缴).

import { sql } from 'kysely';
import type { Store } from '../db/store.js';
import type { Inventory } from '../ceb/model/import-202205.js';
import type { Model } from '../ceb/codec.js';
import { fenToYuan, yuanToFenHalfUp } from '../kernel/money.js';
import type { Principal } from '../registry/index.js';
import type { TaxBillTable } from './table.js';
import { quoteInventory, type ProductFacts } from './quote.js';
import type { RateTable } from './rates.js';
import type { TaxBillFigures } from '../clearance/gateway/simulator.js';

type Head = Record<string, string | undefined>;

export interface TaxBillDeps {
  readonly store: Store;
  readonly rates: () => RateTable;
  readonly products: (ebcCode: string | undefined) => Promise<(itemNo: string) => ProductFacts | undefined>;
  readonly now?: () => Date;
}

const fen = (v: string | undefined) => {
  try {
    return yuanToFenHalfUp(v ?? '0');
  } catch {
    return 0;
  }
};

export function toBill(r: TaxBillTable) {
  const total = Number(r.customs_tax_fen) + Number(r.vat_fen) + Number(r.ct_fen);
  return {
    taxNo: r.tax_no, invtNo: r.invt_no, inventoryId: r.inventory_id, assureCode: r.assure_code, ebcCode: r.ebc_code, agentCode: r.agent_code,
    customsTax: fenToYuan(Number(r.customs_tax_fen)), valueAddedTax: fenToYuan(Number(r.vat_fen)), consumptionTax: fenToYuan(Number(r.ct_fen)), taxTotal: fenToYuan(total),
    status: r.status, computedTaxTotal: r.computed_fen === null ? null : fenToYuan(Number(r.computed_fen)),
    difference: r.difference_fen === null ? null : fenToYuan(Number(r.difference_fen)), flagged: r.difference_fen !== null && Number(r.difference_fen) !== 0,
    returnTime: r.return_time, receivedAt: r.received_at, lines: JSON.parse(r.lines) as unknown[],
  };
}

export type TaxBills = ReturnType<typeof createTaxBills>;

export function createTaxBills({ store, rates, products, now = () => new Date() }: TaxBillDeps) {
  const { db } = store;

  /**
   * The engine's taxTotal for the list with this customs number, in fen, in both rounding
   * conventions (once per tax on the list, or per line then summed); undefined when it cannot tell.
   */
  async function computed(invtNo: string): Promise<{ fen: number | undefined; lineRounded: number | undefined; inventoryId: string | null }> {
    const row = await db.selectFrom('inventories').select(['id', 'body']).where('invt_no', '=', invtNo).executeTakeFirst();
    if (!row) return { fen: undefined, lineRounded: undefined, inventoryId: null };
    const list = JSON.parse(row.body) as Inventory;
    // The bill is for a released list: the limits were passed, so the quote's own limit check is off the question.
    const q = quoteInventory(list, { rates: rates(), products: await products(list.InventoryHead.ebcCode) });
    if (q.status !== 'quoted') return { fen: undefined, lineRounded: undefined, inventoryId: row.id };
    const lineRounded = (q.lines ?? []).reduce((t, l) => t + yuanToFenHalfUp(l.customsTax) + yuanToFenHalfUp(l.valueAddedTax) + yuanToFenHalfUp(l.consumptionTax), 0);
    return { fen: yuanToFenHalfUp(q.taxTotal!), lineRounded, inventoryId: row.id };
  }

  // Bill status only moves on (1 已生成 → 2 已汇总 → 3 作废): a bill sent again never revives a void.
  const laterStatus = sql<string>`case when tax_bills.status > excluded.status then tax_bills.status else excluded.status end`;

  return {
    /** Stores a CEB816 (bills) or CEB818 (status) message; the same taxNo again updates it. */
    async receive(messageType: string, model: Model): Promise<number> {
      const at = now().toISOString();
      let n = 0;
      for (const t of (model.Tax as { TaxHeadRd?: Head; TaxListRd?: Head[]; TaxHeadStatus?: Head }[] | undefined) ?? []) {
        if (messageType === 'CEB818Message' && t.TaxHeadStatus?.taxNo) {
          const h = t.TaxHeadStatus;
          // A status may come before its bill: kept as a bill without amounts, which the bill fills in.
          await db.insertInto('tax_bills').values({
            tax_no: h.taxNo!, invt_no: h.invtNo ?? '', inventory_id: null, assure_code: h.assureCode ?? null, ebc_code: null, agent_code: null,
            customs_tax_fen: 0, vat_fen: 0, ct_fen: 0, status: h.status ?? '1', computed_fen: null, difference_fen: null, lines: '[]',
            return_time: h.returnTime ?? '', received_at: at, updated_at: at,
          }).onConflict((oc) => oc.column('tax_no').doUpdateSet({ status: laterStatus, updated_at: at })).execute();
          n++;
          continue;
        }
        const h = t.TaxHeadRd;
        if (!h?.taxNo || !h.invtNo) continue;
        const c = await computed(h.invtNo);
        const total = fen(h.customsTax) + fen(h.valueAddedTax) + fen(h.consumptionTax);
        const row: TaxBillTable = {
          tax_no: h.taxNo, invt_no: h.invtNo, inventory_id: c.inventoryId, assure_code: h.assureCode ?? null, ebc_code: h.ebcCode ?? null, agent_code: h.agentCode ?? null,
          customs_tax_fen: fen(h.customsTax), vat_fen: fen(h.valueAddedTax), ct_fen: fen(h.consumptionTax), status: h.status ?? '1',
          computed_fen: c.fen ?? null, difference_fen: c.fen === undefined ? null : total === c.lineRounded ? 0 : total - c.fen,
          lines: JSON.stringify(t.TaxListRd ?? []), return_time: h.returnTime ?? '', received_at: at, updated_at: at,
        };
        await db.insertInto('tax_bills').values(row).onConflict((oc) => oc.column('tax_no').doUpdateSet({
          customs_tax_fen: row.customs_tax_fen, vat_fen: row.vat_fen, ct_fen: row.ct_fen, status: laterStatus, computed_fen: row.computed_fen,
          invt_no: row.invt_no, inventory_id: row.inventory_id, assure_code: row.assure_code, ebc_code: row.ebc_code, agent_code: row.agent_code,
          difference_fen: row.difference_fen, lines: row.lines, return_time: row.return_time, updated_at: at,
        })).execute();
        n++;
      }
      return n;
    },

    /** Bills the principal may see (an enterprise: those naming it as guarantor, e-commerce enterprise or declarant), newest first. */
    async list(p: Principal, code: string | undefined, q: { flagged?: boolean; assureCode?: string; limit: number; offset: number }) {
      let base = db.selectFrom('tax_bills');
      if (p.kind === 'enterprise') {
        const mine = code ?? '\u0000';
        base = base.where((eb) => eb.or([eb('assure_code', '=', mine), eb('ebc_code', '=', mine), eb('agent_code', '=', mine)]));
      }
      if (q.assureCode) base = base.where('assure_code', '=', q.assureCode);
      if (q.flagged) base = base.where('difference_fen', 'is not', null).where('difference_fen', '!=', 0);
      const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await base.selectAll().orderBy('received_at', 'desc').orderBy('tax_no').limit(q.limit).offset(q.offset).execute();
      return { total, limit: q.limit, offset: q.offset, items: rows.map(toBill) };
    },

    /** Running totals per guaranteeing enterprise: bills, taxes (void bills left out), flagged differences. */
    async totals(p: Principal, code: string | undefined) {
      let base = db.selectFrom('tax_bills').where('status', '!=', '3');
      if (p.kind === 'enterprise') base = base.where('assure_code', '=', code ?? '\u0000');
      const rows = await base.select((eb) => [
        'assure_code',
        eb.fn.countAll<number>().as('bills'),
        eb.fn.sum<number>('customs_tax_fen').as('duty'),
        eb.fn.sum<number>('vat_fen').as('vat'),
        eb.fn.sum<number>('ct_fen').as('ct'),
        eb.fn.sum<number>(eb.case().when('difference_fen', '!=', 0).then(1).else(0).end()).as('flagged'),
      ]).groupBy('assure_code').orderBy('assure_code').execute();
      return rows.map((r) => {
        const duty = Number(r.duty ?? 0), vat = Number(r.vat ?? 0), ct = Number(r.ct ?? 0);
        return {
          assureCode: r.assure_code, bills: Number(r.bills), customsTax: fenToYuan(duty), valueAddedTax: fenToYuan(vat), consumptionTax: fenToYuan(ct),
          taxTotal: fenToYuan(duty + vat + ct), flagged: Number(r.flagged ?? 0),
        };
      });
    },
  };
}

/**
 * Customs' side of a tax bill, for the simulator: the list taxed by the same engine and tables
 * (a real customs computes its own; the ledger reconciles whatever arrives).
 */
export function customsTaxBill(rates: () => RateTable, products: TaxBillDeps['products']) {
  return async (inventory: Inventory): Promise<TaxBillFigures | undefined> => {
    const q = quoteInventory(inventory, { rates: rates(), products: await products(inventory.InventoryHead.ebcCode) });
    if (q.status !== 'quoted') return undefined;
    // A bill's head adds up its lines (each rounded), as a bill built from its lines does.
    const sumOf = (k: 'customsTax' | 'valueAddedTax' | 'consumptionTax') => fenToYuan((q.lines ?? []).reduce((t, l) => t + yuanToFenHalfUp(l[k]), 0));
    return {
      customsTax: sumOf('customsTax'), valueAddedTax: sumOf('valueAddedTax'), consumptionTax: sumOf('consumptionTax'),
      lines: (q.lines ?? []).map((l) => ({ gnum: l.gnum, gcode: l.gcode, taxPrice: l.dutiablePrice, customsTax: l.customsTax, valueAddedTax: l.valueAddedTax, consumptionTax: l.consumptionTax })),
    };
  };
}
