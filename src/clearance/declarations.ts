// 9710/9810 by customs declaration (报关单): a shipment over 5,000 CNY, or one involving licences,
// inspection or export duty, leaves by declaration rather than by list (cbec-rules.md §1.5). The
// platform records the declaration's number (entryId) and matches its header and lines against the
// orders or booking notes (CEB303 orderType B/W) it attaches as 随附单据 10000004, as customs does
// ("对碰": 报关单表头、表体 against 订单表头、表体): 收发货人, trade mode ↔ order type, currency, the
// total (FOB goods value, freight excluded), and line by line quantity, unit, amount and name.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { AppError, invalid, issue } from '../kernel/errors.js';
import type { Principal } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import type { Order } from '../ceb/model/export-202205.js';
import { orderKey } from './kinds.js';
import { MODE_OF_ORDER_TYPE } from './match/modes.js';
import { mismatch, showUnits, units, type Mismatch } from './match/mismatch.js';
import type { B2bDeclarationRow } from './table.js';

/** 随附单据代码 for the B2B export order or booking note. */
export const ATTACHMENT_B2B = '10000004';
const D = 'declaration';

export interface DeclarationLine {
  readonly gnum: number;
  readonly gcode: string;
  readonly gname: string;
  readonly qty: string;
  readonly unit: string;
  readonly totalPrice: string;
  readonly currency: string;
}

export interface DeclarationInput {
  /** 报关单编号 (18 digits). */
  readonly entryId: string;
  readonly tradeMode: '9710' | '9810';
  /** 收发货人 (the e-commerce enterprise's customs code). */
  readonly ebcCode: string;
  readonly currency: string;
  readonly attachments: readonly { readonly type: string; readonly number: string; readonly ebpCode?: string }[];
  readonly lines: readonly DeclarationLine[];
}

const toView = (r: B2bDeclarationRow) => ({
  entryId: r.entry_id, tradeMode: r.trade_mode, ebcCode: r.ebc_code, state: r.state, orders: JSON.parse(r.orders) as string[],
  mismatches: JSON.parse(r.mismatches) as Mismatch[], declaration: JSON.parse(r.body) as DeclarationInput, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** The match itself: the declaration against its orders, in attachment order (pure). */
export function matchDeclaration(d: DeclarationInput, orders: readonly Order[]): Mismatch[] {
  const out: Mismatch[] = [];
  const head = (field: string, expected: string, found: string) => out.push(mismatch('DECL_FIELD', 'declaration', null, D, field, expected, found));
  for (const o of orders) {
    const h = o.OrderHead;
    if (h.ebcCode !== d.ebcCode) head('ebcCode', h.ebcCode, d.ebcCode);
    const modes = MODE_OF_ORDER_TYPE[h.orderType] ?? [];
    if (!modes.includes(d.tradeMode) || h.orderType === 'E') head('tradeMode', `${modes.join('/')} (orderType ${h.orderType} ${h.orderNo})`, d.tradeMode);
    if (h.currency !== d.currency) head('currency', h.currency, d.currency);
  }
  const goods = orders.reduce((s, o) => s + (units(o.OrderHead.goodsValue) ?? 0n), 0n);
  const declared = d.lines.reduce((s, l) => s + (units(l.totalPrice) ?? 0n), 0n);
  if (goods !== declared) head('totalPrice', showUnits(goods), showUnits(declared));
  // Lines follow the attached orders' lines in order.
  const wanted = orders.flatMap((o) => [...o.OrderList].sort((a, b) => Number(a.gnum) - Number(b.gnum)).map((l) => ({ o: o.OrderHead.orderNo, l })));
  const lines = [...d.lines].sort((a, b) => a.gnum - b.gnum);
  for (let i = 0; i < Math.max(wanted.length, lines.length); i++) {
    const w = wanted[i];
    const l = lines[i];
    const at = `lines[gnum=${l?.gnum ?? i + 1}]`;
    if (!w) { out.push(mismatch('DECL_LINE', 'declaration_line', null, D, at, '—', `${l!.gname} ${l!.qty}`)); continue; }
    if (!l) { out.push(mismatch('DECL_LINE', 'declaration_line', null, D, at, `${w.o}#${w.l.gnum} ${w.l.itemName} ${w.l.qty}`, '—')); continue; }
    const line = (field: string, expected: string, found: string) => out.push(mismatch('DECL_LINE', 'declaration_line', null, D, `${at}/${field}`, expected, found));
    if (units(l.qty) !== units(w.l.qty)) line('qty', w.l.qty, l.qty);
    if (l.unit !== w.l.unit) line('unit', w.l.unit, l.unit);
    if (units(l.totalPrice) !== units(w.l.totalPrice)) line('totalPrice', w.l.totalPrice, l.totalPrice);
    if (l.currency !== w.l.currency) line('currency', w.l.currency, l.currency);
    if (l.gname.trim() !== w.l.itemName.trim()) line('gname', w.l.itemName, l.gname);
  }
  return out;
}

export type B2bDeclarations = ReturnType<typeof createB2bDeclarations>;

/** A declaration as recorded: its content, whether it matched its orders, when it was first recorded. */
export interface RecordedDeclaration {
  readonly declaration: DeclarationInput;
  readonly matched: boolean;
  readonly recordedAt: string;
}

export function createB2bDeclarations({ store, now = () => new Date(), onRecorded }: {
  store: Store;
  now?: () => Date;
  /** Told, in the recording's transaction, of a declaration recorded or changed (the statistics count it). */
  onRecorded?: (trx: Kysely<Database>, change: { previous?: RecordedDeclaration | undefined; current: RecordedDeclaration }) => Promise<unknown>;
}) {
  const { db } = store;
  return {
    /**
     * Files (or files again) a declaration: its orders must exist as B/W orders of the same
     * e-commerce enterprise; the match result is stored with it. Filing the same content again
     * changes nothing; other content re-matches it (version + 1).
     */
    async file(filer: Enterprise, d: DeclarationInput) {
      const problems = [];
      if (!/^\d{18}$/.test(d.entryId)) problems.push(issue('DECL_ENTRY_ID', '/entryId', { value: d.entryId }));
      // Each order once, whatever the attachments repeat.
      const attached = [...new Map(d.attachments.filter((a) => a.type === ATTACHMENT_B2B).map((a) => [`${a.ebpCode ?? ''}|${a.number}`, a])).values()];
      if (!attached.length) problems.push(issue('DECL_NO_ATTACHMENT', '/attachments', { value: ATTACHMENT_B2B }));
      if (problems.length) throw invalid(problems);
      const code = filer.customsCode ?? filer.uscc;
      if (d.ebcCode !== code && !filer.roles.some((r) => r === 'declarant' || r === 'agent')) throw new AppError('forbidden', 'DECL_NOT_YOURS', { value: d.ebcCode });
      // Order numbers are matched exactly (LIKE wildcards in a number match nothing but themselves).
      const like = (n: string) => `303|%|${n.replace(/[\\%_]/g, (c) => `\\${c}`)}`;
      const docs = await db.selectFrom('ceb_documents').select(['id', 'doc_key', 'body', 'audience', 'state', 'enterprise_id'])
        .where('message_type', '=', 'CEB303Message').where('state', '!=', 'deleted')
        .where('link_key', 'is', null)
        .where((eb) => eb.or(attached.map((a) => (a.ebpCode ? eb('doc_key', '=', orderKey('export', a.ebpCode, a.number)) : sql<boolean>`doc_key like ${like(a.number)} escape '\\'`))))
        .execute();
      // The filer's reach: orders naming it, and orders whose export list it filed (the exporter's declarant).
      const viaList = new Set((await db.selectFrom('inventories').innerJoin('parcels', 'parcels.id', 'inventories.parcel_id').select('parcels.order_key')
        .where('parcels.order_key', 'in', docs.length ? docs.map((r) => r.doc_key) : ['\u0000']).where('inventories.audience', 'like', `%"${filer.id}"%`).execute()).map((r) => r.order_key));
      const orders: { key: string; order: Order; audience: string[] }[] = [];
      for (const a of attached) {
        const hits = docs.filter((r) => (a.ebpCode ? r.doc_key === orderKey('export', a.ebpCode, a.number) : r.doc_key.endsWith(`|${a.number}`)))
          .map((r) => ({ key: r.doc_key, order: JSON.parse(r.body) as Order, audience: JSON.parse(r.audience) as string[] }))
          .filter((x) => x.order.OrderHead.ebcCode === d.ebcCode)
          // Only orders the filer may see: its own as 收发货人, or ones that name it (its declarant).
          .filter((x) => d.ebcCode === code || x.audience.includes(filer.id) || viaList.has(x.key));
        if (!hits.length) throw invalid([issue('DECL_ORDER_NOT_FOUND', '/attachments', { value: a.number })]);
        if (hits.length > 1) throw invalid([issue('DECL_ORDER_AMBIGUOUS', '/attachments', { value: a.number })]);
        orders.push(hits[0]!);
      }
      const mismatches = matchDeclaration(d, orders.map((o) => o.order));
      const body = JSON.stringify(d);
      const hash = createHash('sha256').update(body).digest('base64url');
      const at = now().toISOString();
      const audience = JSON.stringify([...new Set([filer.id, ...orders.flatMap((o) => o.audience)])]);
      return db.transaction().execute(async (trx) => {
        const held = await trx.selectFrom('b2b_declarations').selectAll().where('entry_id', '=', d.entryId).executeTakeFirst();
        if (held && held.hash === hash) return { created: false, declaration: toView(held) };
        if (held && !(JSON.parse(held.audience) as string[]).includes(filer.id)) throw new AppError('conflict', 'DECL_TAKEN', { value: d.entryId });
        const row: B2bDeclarationRow = {
          entry_id: d.entryId, enterprise_id: filer.id, trade_mode: d.tradeMode, ebc_code: d.ebcCode, orders: JSON.stringify(orders.map((o) => o.key)), body, hash,
          state: mismatches.length ? 'mismatched' : 'matched', mismatches: JSON.stringify(mismatches), audience,
          version: (held?.version ?? 0) + 1, created_at: held?.created_at ?? at, updated_at: at,
        };
        if (held) await trx.updateTable('b2b_declarations').set(row).where('entry_id', '=', d.entryId).execute();
        else await trx.insertInto('b2b_declarations').values(row).execute();
        await onRecorded?.(trx, {
          previous: held ? { declaration: JSON.parse(held.body) as DeclarationInput, matched: held.state === 'matched', recordedAt: held.created_at } : undefined,
          current: { declaration: d, matched: row.state === 'matched', recordedAt: row.created_at },
        });
        return { created: !held, declaration: toView(row) };
      });
    },

    async get(p: Principal, entryId: string) {
      const r = await db.selectFrom('b2b_declarations').selectAll().where('entry_id', '=', entryId).executeTakeFirst();
      if (!r || (p.kind !== 'admin' && !(JSON.parse(r.audience) as string[]).includes(p.enterpriseId))) throw new AppError('not_found', 'DECL_NOT_FOUND', { value: entryId });
      return toView(r);
    },

    async list(p: Principal, q: { state?: string; limit: number; offset: number }) {
      let base = db.selectFrom('b2b_declarations');
      if (p.kind !== 'admin') base = base.where('audience', 'like', `%"${p.enterpriseId}"%`);
      if (q.state) base = base.where('state', '=', q.state as 'matched');
      const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const rows = await base.selectAll().orderBy('updated_at', 'desc').orderBy('entry_id').limit(q.limit).offset(q.offset).execute();
      return { total, limit: q.limit, offset: q.offset, items: rows.map(toView) };
    },
  };
}
