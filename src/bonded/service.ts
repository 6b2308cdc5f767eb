// The bonded ledger's use cases for the API: accounts (账册), inbound notices (入库通知), balances and
// the movement journal. Stock-taking lives in stocktaking.ts. Who may do what: the platform
// operator everything; a warehouse operator (role 'warehouse') the accounts it operates and all
// stock on them; an e-commerce enterprise (role 'ebc') its own stock, wherever it is kept.

import type { Store } from '../db/store.js';
import { uniqueViolation } from '../db/store.js';
import { isCode } from '../kernel/codes/index.js';
import { AppError, invalid, issue, type Issue } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { csvField } from '../registry/export.js';
import type { NoticeLine } from './ledger.js';
import { dayEnd, dayStart } from './period.js';
import { formatQty, parseQty, unitsOf } from './quantity.js';
import * as repo from './repository.js';
import type { BondedAccountTable, BondedMovementTable, BondedNoticeTable } from './table.js';

/** Who is asking, as the routes resolve the bearer token. */
export type Caller =
  | { readonly kind: 'admin'; readonly actor: string }
  | { readonly kind: 'enterprise'; readonly actor: string; readonly enterpriseId: string; readonly code: string; readonly roles: readonly string[] };

/** What the ledger needs to know of a registered enterprise. */
export interface EnterpriseFacts {
  readonly id: string;
  /** Customs registration code, else the USCC (the code documents name it by). */
  readonly code: string;
  readonly name: string;
  readonly roles: readonly string[];
}

export interface BondedDeps {
  readonly store: Store;
  /** An enterprise by id, USCC, customs code or DXP id; undefined when unknown. */
  readonly enterprise: (ref: string) => Promise<EnterpriseFacts | undefined>;
  readonly now?: () => Date;
}

export interface Paging {
  readonly limit: number;
  readonly offset: number;
}

export interface AccountSelector {
  readonly areaCode?: string | undefined;
  readonly emsNo?: string | undefined;
}

export const toAccount = (a: BondedAccountTable) => ({
  id: a.id, areaCode: a.area_code, areaName: a.area_name, emsNo: a.ems_no, operatorEnterpriseId: a.operator_enterprise_id, createdAt: a.created_at,
});

export const toNotice = (n: BondedNoticeTable, a: BondedAccountTable | undefined) => ({
  id: n.id, areaCode: a?.area_code ?? null, emsNo: a?.ems_no ?? null, ebcCode: n.ebc_code, logisticsCode: n.logistics_code, logisticsNo: n.logistics_no,
  lines: JSON.parse(n.lines) as NoticeLine[], state: n.state, deliveryGuid: n.delivery_guid, enteredAt: n.entered_at, createdAt: n.created_at, createdBy: n.created_by,
});

export const toStock = (r: repo.StockRow) => {
  const onHand = unitsOf(r.on_hand);
  const reserved = unitsOf(r.reserved);
  return {
    areaCode: r.area_code, areaName: r.area_name, emsNo: r.ems_no, ebcCode: r.ebc_code, itemNo: r.item_no, gcode: r.gcode, gname: r.gname, unit: r.unit,
    onHand: formatQty(onHand), reserved: formatQty(reserved), available: formatQty(onHand - reserved), updatedAt: r.updated_at,
  };
};

export const toMovement = (m: BondedMovementTable, a: BondedAccountTable | undefined) => ({
  id: m.id, at: m.at, areaCode: a?.area_code ?? null, emsNo: a?.ems_no ?? null, ebcCode: m.ebc_code, itemNo: m.item_no, kind: m.kind,
  qty: formatQty(unitsOf(m.qty)), reservedChange: formatQty(unitsOf(m.reserved_delta)),
  onHandAfter: formatQty(unitsOf(m.on_hand_after)), reservedAfter: formatQty(unitsOf(m.reserved_after)),
  ref: m.ref, noticeId: m.notice_id, actor: m.actor, reason: m.reason,
});

const STOCK_CSV_HEADER = ['areaCode', 'areaName', 'emsNo', 'ebcCode', 'itemNo', 'gcode', 'gname', 'unit', 'onHand', 'reserved', 'available', 'updatedAt'] as const;

/** What an enterprise may see: its own stock and the accounts it operates; undefined for the operator. */
export const scopeOf = (c: Caller) => (c.kind === 'enterprise' ? { enterpriseId: c.enterpriseId, code: c.code } : undefined);

export const operates = (c: Caller, a: BondedAccountTable): boolean => c.kind === 'admin' || a.operator_enterprise_id === c.enterpriseId;

/** Checks notice lines: HS code, unit, quantity, no item twice. */
export function checkNoticeLines(lines: readonly NoticeLine[]): Issue[] {
  const out: Issue[] = [];
  const seen = new Map<string, number>();
  lines.forEach((l, i) => {
    const at = (f: string) => `/lines/${i}/${f}`;
    const prev = seen.get(l.itemNo);
    if (prev !== undefined) out.push(issue('BONDED_ITEM_DUPLICATE', at('itemNo'), { value: l.itemNo, first: prev }));
    seen.set(l.itemNo, i);
    if (!/^\d{10}$/.test(l.gcode)) out.push(issue('PRODUCT_GCODE', at('gcode'), { value: l.gcode }));
    if (!isCode('unit', l.unit)) out.push(issue('PRODUCT_UNIT', at('unit'), { value: l.unit }));
    const q = parseQty(l.qty);
    if (q === undefined || q === 0n) out.push(issue('BONDED_QTY', at('qty'), { field: at('qty'), value: l.qty }));
  });
  return out;
}

export type BondedService = ReturnType<typeof createBondedService>;

export function createBondedService(deps: BondedDeps) {
  const { db } = deps.store;
  const now = deps.now ?? (() => new Date());

  async function account(areaCode: string, emsNo: string): Promise<BondedAccountTable> {
    const a = await repo.findAccount(db, areaCode, emsNo);
    if (!a) throw new AppError('not_found', 'BONDED_ACCOUNT_NOT_FOUND', { areaCode, emsNo });
    return a;
  }

  /** The account ids a filter by areaCode and/or emsNo means; undefined when it does not filter. */
  async function accountIds(s: AccountSelector): Promise<string[] | undefined> {
    if (!s.areaCode && !s.emsNo) return undefined;
    return (await repo.accountsMatching(db, s.areaCode, s.emsNo)).map((a) => a.id);
  }

  /** The accounts the rows are on, to name them by areaCode and emsNo. */
  const accountsOf = async <T extends { account_id: string }>(rows: readonly T[]) => repo.accountsById(db, rows.map((r) => r.account_id));

  return {
    /**
     * Registers an account book. A warehouse operator registers its own (areaCode its own code);
     * the platform operator names the operator enterprise (or lets areaCode name it).
     */
    async registerAccount(c: Caller, input: { areaCode?: string | undefined; areaName?: string | undefined; emsNo: string; operator?: string | undefined }) {
      let op: EnterpriseFacts | undefined;
      let areaCode: string;
      if (c.kind === 'enterprise') {
        if (!c.roles.includes('warehouse')) throw new AppError('forbidden', 'BONDED_OPERATOR_NOT_WAREHOUSE', { value: c.code });
        areaCode = input.areaCode ?? c.code;
        if (areaCode !== c.code) throw new AppError('forbidden', 'BONDED_ACCOUNT_NOT_OWN', { expected: c.code, value: areaCode });
        op = await deps.enterprise(c.enterpriseId);
      } else {
        const ref = input.operator ?? input.areaCode;
        if (!ref) throw invalid([issue('REQUIRED', '/operator', { field: 'operator' })]);
        op = await deps.enterprise(ref);
        if (!op?.roles.includes('warehouse')) throw invalid([issue('BONDED_OPERATOR_NOT_WAREHOUSE', input.operator ? '/operator' : '/areaCode', { value: ref })]);
        areaCode = input.areaCode ?? op.code;
      }
      if (!op) throw new AppError('forbidden', 'BONDED_OPERATOR_NOT_WAREHOUSE', { value: areaCode });
      const at = now().toISOString();
      const row: BondedAccountTable = {
        id: newId(), area_code: areaCode, area_name: input.areaName ?? op.name, ems_no: input.emsNo, operator_enterprise_id: op.id, created_at: at, created_by: c.actor,
      };
      const inserted = await db.transaction().execute(async (trx) => {
        if (!(await repo.insertAccount(trx, row))) return false;
        await repo.insertAudit(trx, { id: newId(), at, actor: c.actor, entity: 'bonded_account', entity_id: row.id, action: 'create', detail: JSON.stringify(toAccount(row)) });
        return true;
      });
      if (!inserted) throw new AppError('conflict', 'BONDED_ACCOUNT_DUPLICATE', { areaCode, emsNo: input.emsNo });
      return toAccount(row);
    },

    async listAccounts(c: Caller, page: Paging) {
      const { total, rows } = await repo.listAccounts(db, scopeOf(c), page);
      return { total, limit: page.limit, offset: page.offset, items: rows.map(toAccount) };
    },

    /**
     * Files an inbound notice: the e-commerce enterprise for its own goods, or the account's
     * warehouse operator for any enterprise's. The operator's CEB711 listing the waybill enters it.
     */
    async createNotice(c: Caller, input: { areaCode: string; emsNo: string; ebcCode?: string | undefined; logisticsCode: string; logisticsNo: string; lines: readonly NoticeLine[] }) {
      const a = await account(input.areaCode, input.emsNo);
      let ebcCode = input.ebcCode;
      if (c.kind === 'enterprise' && !operates(c, a)) {
        if (!c.roles.includes('ebc')) throw new AppError('forbidden', 'BONDED_NOTICE_FORBIDDEN');
        if (ebcCode && ebcCode !== c.code) throw new AppError('forbidden', 'BONDED_EBC_ONLY_OWN', { code: c.code });
        ebcCode = c.code;
      }
      if (!ebcCode) throw invalid([issue('REQUIRED', '/ebcCode', { field: 'ebcCode' })]);
      const problems = checkNoticeLines(input.lines);
      // An item's HS code is part of what it is: a notice cannot bring other goods under a booked item number.
      for (const [i, l] of input.lines.entries()) {
        const booked = await repo.stockRow(db, { accountId: a.id, ebcCode, itemNo: l.itemNo });
        if (booked && booked.gcode !== l.gcode) problems.push(issue('BONDED_GCODE_MISMATCH', `/lines/${i}/gcode`, { itemNo: l.itemNo, booked: booked.gcode, given: l.gcode }));
      }
      if (problems.length) throw invalid(problems);
      const at = now().toISOString();
      const row: BondedNoticeTable = {
        id: newId(), account_id: a.id, ebc_code: ebcCode, logistics_code: input.logisticsCode, logistics_no: input.logisticsNo,
        lines: JSON.stringify(input.lines.map((l) => ({ itemNo: l.itemNo, gcode: l.gcode, gname: l.gname, unit: l.unit, qty: formatQty(parseQty(l.qty)!) }))),
        state: 'pending', delivery_guid: null, entered_at: null, created_at: at, created_by: c.actor,
      };
      const duplicate = () => new AppError('conflict', 'BONDED_NOTICE_DUPLICATE', { logisticsCode: input.logisticsCode, logisticsNo: input.logisticsNo });
      const pending = await repo.listNotices(db, { state: 'pending', logisticsNo: input.logisticsNo }, { limit: 100, offset: 0 });
      if (pending.rows.some((n) => n.logistics_code === input.logisticsCode)) throw duplicate();
      try {
        await repo.insertNotice(db, row);
      } catch (err) {
        // Two notices for one waybill at once: the partial unique index takes the first.
        if (uniqueViolation(err) !== undefined) throw duplicate();
        throw err;
      }
      return toNotice(row, a);
    },

    async listNotices(c: Caller, q: AccountSelector & { ebcCode?: string | undefined; state?: string | undefined; logisticsNo?: string | undefined } & Paging) {
      const ids = await accountIds(q);
      const scope = scopeOf(c);
      const { total, rows } = await repo.listNotices(db, {
        ...(scope ? { visibleTo: scope } : {}), ...(ids ? { accountIds: ids } : {}),
        ...(q.ebcCode ? { ebcCode: q.ebcCode } : {}), ...(q.state ? { state: q.state } : {}), ...(q.logisticsNo ? { logisticsNo: q.logisticsNo } : {}),
      }, q);
      const accounts = await accountsOf(rows);
      return { total, limit: q.limit, offset: q.offset, items: rows.map((n) => toNotice(n, accounts.get(n.account_id))) };
    },

    async stock(c: Caller, q: AccountSelector & { ebcCode?: string | undefined; itemNo?: string | undefined; q?: string | undefined } & Paging) {
      const ids = await accountIds(q);
      const scope = scopeOf(c);
      const { total, rows } = await repo.listStock(db, {
        ...(scope ? { visibleTo: scope } : {}), ...(ids ? { accountIds: ids } : {}),
        ...(q.ebcCode ? { ebcCode: q.ebcCode } : {}), ...(q.itemNo ? { itemNo: q.itemNo } : {}), ...(q.q ? { q: q.q } : {}),
      }, q);
      return { total, limit: q.limit, offset: q.offset, items: rows.map(toStock) };
    },

    /** The balances the filter selects as CSV (UTF-8 with BOM, opens in Excel). */
    async stockCsv(c: Caller, q: AccountSelector & { ebcCode?: string | undefined; itemNo?: string | undefined; q?: string | undefined }) {
      const lines: string[] = [STOCK_CSV_HEADER.join(',')];
      for (let offset = 0; ; offset += 1000) {
        const page = await this.stock(c, { ...q, limit: 1000, offset });
        for (const s of page.items) lines.push(STOCK_CSV_HEADER.map((k) => csvField(String(s[k] ?? ''))).join(','));
        if (!page.items.length || offset + page.items.length >= page.total) break;
      }
      return '\uFEFF' + lines.join('\r\n') + '\r\n';
    },

    /** The journal, oldest first; from and to are Beijing days (both included). */
    async movements(c: Caller, q: AccountSelector & { ebcCode?: string | undefined; itemNo?: string | undefined; kind?: string | undefined; ref?: string | undefined; from?: string | undefined; to?: string | undefined } & Paging) {
      const ids = await accountIds(q);
      const scope = scopeOf(c);
      const { total, rows } = await repo.listMovements(db, {
        ...(scope ? { visibleTo: scope } : {}), ...(ids ? { accountIds: ids } : {}),
        ...(q.ebcCode ? { ebcCode: q.ebcCode } : {}), ...(q.itemNo ? { itemNo: q.itemNo } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(q.ref ? { ref: q.ref } : {}),
        ...(q.from ? { from: dayStart(q.from) } : {}), ...(q.to ? { to: dayEnd(q.to) } : {}),
      }, q);
      const accounts = await accountsOf(rows);
      return { total, limit: q.limit, offset: q.offset, items: rows.map((m) => toMovement(m, accounts.get(m.account_id))) };
    },
  };
}
