// Reading the pipeline: a document or list with its state, its parcel's match result, its
// receipts and its history. An enterprise sees what it filed or is named in; the zone office all.
import type { Store } from '../db/store.js';
import { notFound } from '../kernel/errors.js';
import { text, type MessageCode, type Params, type Text } from '../kernel/i18n/index.js';
import type { Principal } from '../registry/index.js';
import * as repo from './repository.js';
import type { Mismatch } from './match/mismatch.js';
import type { DocumentRow, InventoryRow, ParcelRow } from './table.js';

export const DOCUMENT_KINDS = { order: 'CEB311Message', payment: 'CEB411Message', waybill: 'CEB511Message' } as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;
export const STATUS_KINDS = ['order', 'payment', 'waybill', 'inventory'] as const;

// Import first, then export (303 order, 403 collection, 505 waybill): keys never collide across them.
const prefixes: Record<DocumentKind, readonly string[]> = { order: ['311', '303'], payment: ['411', '403'], waybill: ['511', '505'] };

export interface StatusView {
  readonly kind: string;
  readonly id: string;
  readonly messageType: string;
  readonly key: string;
  readonly state: string;
  readonly filedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  readonly numbers?: { readonly copNo: string; readonly preNo: string | null; readonly invtNo: string | null };
  readonly match: { readonly state: string; readonly matched: boolean; readonly mismatches: readonly Mismatch[]; readonly parcelId: string; readonly inventoryId: string | null } | null;
  readonly receipts: readonly { messageType: string; returnStatus: string; returnTime: string; returnInfo: string; receivedAt: string }[];
  readonly history: readonly { at: string; type: string; from: string | null; to: string; actor: string; cause: unknown }[];
  readonly body: unknown;
}

/** Event rows keep a catalogue key and parameters; the words are rendered here, in every locale. */
function renderCause(json: string): { code: string; message: Text; receipt?: { messageType: string; returnStatus: string; returnTime: string } } {
  const c = JSON.parse(json) as { code: string; key: MessageCode; params?: Params; receipt?: { messageType: string; returnStatus: string; returnTime: string } };
  return { code: c.code, message: text(c.key, c.params ?? {}), ...(c.receipt ? { receipt: c.receipt } : {}) };
}

const visible = (p: Principal, audience: string) => p.kind === 'admin' || (JSON.parse(audience) as string[]).includes(p.enterpriseId);

export function createClearanceQueries(store: Store) {
  const db = store.db;

  async function view(kind: string, row: DocumentRow | InventoryRow, parcel: ParcelRow | undefined): Promise<StatusView> {
    const receipts = await repo.receiptsOf(db, row.id);
    const events = await repo.eventsOf(db, row.id);
    const parcelEvents = parcel ? await repo.eventsOf(db, parcel.id) : [];
    const history = [...events, ...parcelEvents].sort((a, b) => Number(a.n) - Number(b.n));
    const inv = 'cop_no' in row ? row : undefined;
    return {
      kind, id: row.id, messageType: row.message_type, key: inv ? inv.cop_no : (row as DocumentRow).doc_key, state: row.state,
      filedBy: row.enterprise_id, createdAt: row.created_at, updatedAt: row.updated_at, version: row.version,
      ...(inv ? { numbers: { copNo: inv.cop_no, preNo: inv.pre_no, invtNo: inv.invt_no } } : {}),
      match: parcel ? {
        state: parcel.state, matched: parcel.state === 'matched', mismatches: JSON.parse(parcel.mismatches) as Mismatch[],
        parcelId: parcel.id, inventoryId: parcel.inventory_id,
      } : null,
      receipts: receipts.map((r) => ({ messageType: r.message_type, returnStatus: r.return_status, returnTime: r.return_time, returnInfo: r.return_info, receivedAt: r.received_at })),
      history: history.map((e) => ({ at: e.at, type: e.type, subject: e.subject, from: e.from_state, to: e.to_state, actor: e.actor, cause: renderCause(e.cause) })),
      body: JSON.parse(row.body) as unknown,
    };
  }

  /** Parcels the principal may see: its own, and those whose order names it. */
  function visibleParcels(principal: Principal) {
    const base = db.selectFrom('parcels');
    if (principal.kind === 'admin') return base;
    const id = principal.enterpriseId;
    return base.where((eb) => eb.or([eb('enterprise_id', '=', id), eb.exists(eb.selectFrom('ceb_documents').select('ceb_documents.id')
      .whereRef('ceb_documents.id', '=', 'parcels.order_id').where('ceb_documents.audience', 'like', `%"${id}"%`))]));
  }

  return {
    /** kind order|payment|waybill with key "code:number", or inventory with copNo, preNo or invtNo. */
    async status(principal: Principal, kind: string, key: string): Promise<StatusView> {
      if (kind === 'inventory') {
        const row = await db.selectFrom('inventories').selectAll()
          .where((eb) => eb.or([eb('cop_no', '=', key), eb('invt_no', '=', key), eb('pre_no', '=', key), eb('id', '=', key)])).executeTakeFirst();
        if (!row || !visible(principal, row.audience)) throw notFound('DOCUMENT_NOT_FOUND', `${kind} ${key}`);
        const [parcel] = await repo.findParcelsById(db, [row.parcel_id]);
        return view(kind, row, parcel);
      }
      const k = kind as DocumentKind;
      if (!(k in DOCUMENT_KINDS)) throw notFound('DOCUMENT_NOT_FOUND', `${kind} ${key}`);
      const i = key.indexOf(':');
      const docKeys = i > 0 ? prefixes[k].map((p) => `${p}|${key.slice(0, i)}|${key.slice(i + 1)}`) : [key];
      const [row] = await repo.findDocumentsByKey(db, docKeys);
      const found = row ?? (await repo.findDocumentsById(db, [key]))[0];
      if (!found || !visible(principal, found.audience)) throw notFound('DOCUMENT_NOT_FOUND', `${kind} ${key}`);
      return view(kind, found, await repo.findParcelOf(db, found.id));
    },

    async listParcels(principal: Principal, q: { state?: string; limit?: number; offset?: number }) {
      const limit = Math.min(q.limit ?? 50, 500);
      const offset = q.offset ?? 0;
      let base = visibleParcels(principal);
      if (q.state) base = base.where('state', '=', q.state);
      const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await base.selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
      return {
        total, limit, offset,
        items: rows.map((x) => ({
          id: x.id, orderKey: x.order_key, orderNo: x.order_no, direction: x.direction, state: x.state,
          // The key /status/order/{orderRef} takes (ebpCode:orderNo), and the documents present.
          orderRef: x.order_key.split('|').slice(1).join(':'), orderId: x.order_id, paymentId: x.payment_id, waybillId: x.waybill_id,
          mismatches: JSON.parse(x.mismatches) as Mismatch[], inventoryId: x.inventory_id, valueFen: x.value_fen === null ? null : Number(x.value_fen),
          decidedAt: x.decided_at, updatedAt: x.updated_at,
        })),
      };
    },

    /**
     * Cancellations and returns the principal may see, newest first, with their clocks: apply by
     * (30 days / 1 year after release), goods back by (45 days), the tax-free re-import window, and
     * whether the goods-back deadline has passed for an approved import return.
     */
    async listReturns(principal: Principal, q: { state?: string; kind?: string; direction?: string; invtNo?: string; limit?: number; offset?: number }, asOf = new Date()) {
      const limit = Math.min(q.limit ?? 50, 500);
      const offset = q.offset ?? 0;
      let base = db.selectFrom('list_returns');
      if (principal.kind !== 'admin') base = base.where('audience', 'like', `%"${principal.enterpriseId}"%`);
      if (q.state) base = base.where('state', '=', q.state as 'applied');
      if (q.kind) base = base.where('kind', '=', q.kind as 'return');
      if (q.direction) base = base.where('direction', '=', q.direction);
      if (q.invtNo) base = base.where('invt_no', '=', q.invtNo);
      const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await base.selectAll().orderBy('applied_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
      const fen = (v: number | string | null) => (v === null ? null : Number(v));
      return {
        total, limit, offset,
        items: rows.map((r) => ({
          id: r.id, messageType: r.message_type, kind: r.kind, direction: r.direction, invtNo: r.invt_no, inventoryId: r.inventory_id, documentId: r.document_id,
          state: r.state, whole: r.whole === 1, lines: JSON.parse(r.lines) as unknown[], valueFen: Number(r.value_fen), quotaFen: fen(r.quota_fen), taxFen: fen(r.tax_fen),
          reason: r.reason, releasedAt: r.released_at, appliedAt: r.applied_at, applyBy: r.apply_by, goodsBackBy: r.goods_back_by,
          goodsBackOverdue: r.direction === 'import' && r.kind === 'return' && r.state === 'approved' && !!r.goods_back_by && r.goods_back_by < asOf.toISOString(),
          taxFreeUntil: r.tax_free_until, taxFree: r.tax_free === null ? null : r.tax_free === 1, decidedAt: r.decided_at,
        })),
      };
    },

    /** An enterprise's product records (商品备案), searched and paged. */
    products(ebcCode: string, q: string | undefined, limit: number, offset: number) {
      return repo.listItemRecords(db, ebcCode, q, limit, offset);
    },

    async summary(principal: Principal) {
      const scope = principal.kind === 'admin' ? undefined : `%"${principal.enterpriseId}"%`;
      let docs = db.selectFrom('ceb_documents').select(['message_type', 'state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['message_type', 'state']);
      let invs = db.selectFrom('inventories').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state');
      if (scope) {
        docs = docs.where('audience', 'like', scope);
        invs = invs.where('audience', 'like', scope);
      }
      const parcels = visibleParcels(principal).select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state');
      return {
        documents: (await docs.execute()).map((r) => ({ messageType: r.message_type, state: r.state, count: Number(r.n) })),
        inventories: (await invs.execute()).map((r) => ({ state: r.state, count: Number(r.n) })),
        parcels: (await parcels.execute()).map((r) => ({ state: r.state, count: Number(r.n) })),
      };
    },
  };
}
export type ClearanceQueries = ReturnType<typeof createClearanceQueries>;
