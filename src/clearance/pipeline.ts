// The clearance pipeline: intake → three-document match → inventory list → customs gateway →
// receipts. Each stage commits its outcome together with the work it hands to the next stage
// (the outbox), so stages can move to separate worker processes over a durable queue without
// changing what they do; here they run in one process.
import { createHash, hash as oneShotHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { AppError, issue, type Issue } from '../kernel/errors.js';
import { text, type MessageCode, type Params, type Text } from '../kernel/i18n/index.js';
import { newGuid, newSeqId } from '../kernel/ids.js';
import { formatCustomsTime } from '../kernel/time.js';
import { readMessage, type Model } from '../ceb/codec.js';
import type { Logistics, Order, Payment, Inventory } from '../ceb/model/import-202205.js';
import type { Enterprise } from '../registry/model.js';
import type { CustomsGateway, InboundReceipt, OutboundMessage } from './gateway/port.js';
import type { ClearanceEvent, ReceiptInfo, SubjectKind } from './events.js';
import { exportWaybillKey, importWaybillKey, INTAKE_TYPES, KINDS, orderKey, orderNoLink, type Head, type Kind } from './kinds.js';
import { matchImport, dutiableFen } from './match/import.js';
import { matchExport } from './match/export.js';
import { checkExportMode, type ModeContext } from './match/modes.js';
import type { Inventory as ExportInventory, Logistics as ExportLogistics, Order as ExportOrder, Receipts as ExportReceipts } from '../ceb/model/export-202205.js';
import type { Mismatch } from './match/mismatch.js';
import { buildInventory, checkFiledInventory, missingItems, type Declaration, type ItemRecord } from './inventory.js';
import { canMoveDocument, canMoveInventory, DECLARED, documentStateFor, inventoryStateFor } from './states.js';
import type { DocumentRow, EventRow, InventoryRow, OutboxRow, ParcelRow, ReceiptRow } from './table.js';
import type { OutboundSigner, SignOutcome } from '../signing/outbound.js';
import type { TaxCheck } from '../tax/check.js';
import type { PositiveListCheck } from '../tax/positive.js';
import * as repo from './repository.js';
import { AFTERCARE_PARTS } from './kinds.js';
import { checkAftercare, decideApplications, recordApplications, withdrawApplications } from './aftercare.js';
import * as bondedStock from '../bonded/index.js';

export interface Submission {
  readonly messageType: string;
  readonly model: Model;
  /** DxpMsg SenderId when the message came in an envelope. */
  readonly envelopeSender?: string;
  /** The business message as received, when it carries a ds:Signature (what the signature covers). */
  readonly signedXml?: string;
}

export interface RiskInput {
  readonly documentId: string;
  readonly messageType: string;
  readonly enterpriseId: string;
  readonly entity: Head;
  readonly at: Date;
  /** The version the document will be stored with. */
  readonly version?: number;
}
export interface RiskVerdict {
  readonly decision: 'pass' | 'review' | 'refuse';
  readonly score: number;
  /** Codes of the rules that fired. */
  readonly rules: readonly string[];
}

export type AnswerStatus = 'accepted' | 'replayed' | 'refused' | 'discarded';

export interface DocumentAnswer {
  readonly guid: string;
  readonly messageType: string;
  readonly key: string;
  readonly status: AnswerStatus;
  /** '2' (申报中) when accepted, the customs business code when refused. */
  readonly returnStatus: string;
  readonly returnInfo: Text;
  readonly documentId?: string;
}

export interface IntakeAnswer {
  readonly messageType: string;
  readonly receipts: readonly DocumentAnswer[];
}

export interface DeclarationDefaults {
  readonly customsCode: string;
  readonly portCode: string;
}

export interface PipelineDeps {
  readonly store: Store;
  readonly gateway: CustomsGateway;
  readonly declaration: DeclarationDefaults;
  /** Parks whose enterprises import bonded (1210); others file direct purchase (9610). */
  readonly bondedParks?: readonly string[];
  /** Called inside the transaction that produced the events (webhook deliveries are queued here). */
  readonly onEvents?: (trx: Kysely<Database>, events: readonly ClearanceEvent[]) => Promise<unknown>;
  /** False when nobody would receive the events (then they are not rendered for delivery). */
  readonly wantsEvents?: () => boolean;
  readonly now?: () => Date;
  /** A declaration customs has not answered for this long is sent again (default 60 s). */
  readonly resendAfterMs?: number;
  /** Told how long the match decisions of a message took from its documents being stored to the commit. */
  readonly observe?: { decision(ms: number, parcels: number): void };
  readonly log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** The order's taxTotal against the tax engine (a mismatch, or nothing when it agrees or cannot tell). */
  readonly taxCheck?: TaxCheck;
  /** Where customs' answers to consolidated declarations (CEB702/792) go. */
  readonly summaries?: { receive(messageType: string, model: Model): Promise<unknown> };
  /** Told, in the receipts' transaction, of export lists customs closed (结关): the consolidated declaration's lines. */
  readonly onExportClosed?: (trx: Kysely<Database>, lists: readonly { invtNo: string; closedAt: Date; body: ExportInventory }[]) => Promise<unknown>;
  /** Told, in the receipts' transaction, of lists customs released (800), import (CEB621) and export (CEB603): the statistics. */
  readonly onListsReleased?: (trx: Kysely<Database>, lists: readonly { invtNo: string; messageType: string; releasedAt: Date; body: ExportInventory | import('../ceb/model/import-202205.js').Inventory }[]) => Promise<unknown>;
  /** Where customs' tax bills (CEB816/818) go. */
  readonly taxBills?: { receive(messageType: string, model: Model): Promise<number> };
  /** The goods against the positive list in force (not on it, or beyond a remark). */
  readonly positiveList?: PositiveListCheck;
  /** Export mode rules (order type ↔ trade mode, the 9710/9810 list-route limit, simplified declaration). */
  readonly exportModes?: ModeContext;
  /**
   * Risk control: judges new and changed documents before they are stored. Refused ones are
   * answered with the rules that fired and change nothing; those held for review wait in state
   * 'held' until `decideHeld`.
   */
  readonly risk?: {
    judge(trx: Kysely<Database>, docs: readonly RiskInput[]): Promise<ReadonlyMap<string, RiskVerdict>>;
  };
  /** Checks the signature of a signed submission (throws the refusal: DXP 1001/1002). */
  readonly verifySignature?: (enterprise: Enterprise, submission: Submission) => Promise<void>;
  /** Signs declarations customs requires signed; without one, messages go as built (tests of the pipeline alone). */
  readonly signer?: OutboundSigner;
  /** A declaration waiting for its filer's signing key is tried again after this long (default 60 s). */
  readonly holdRetryMs?: number;
}

const SIX_MONTHS_MS = 183 * 24 * 3600 * 1000;
const MAX_SEND_BATCH = 100;
/**
 * How long a claimed job is its claimer's. A round takes milliseconds; a process killed in one
 * leaves its jobs to the next claimer after this. Sending twice is harmless (customs answers a
 * repeat by its guid), waiting long after a crash is not.
 */
const CLAIM_LEASE_MS = 20_000;
/** Jobs per dispatch round: small rounds keep the receipts' transactions short, so intake never waits long. */
const ROUND_JOBS = 6;

/** Customs codes for a refused document, per message type (spec table 7-2). */
// Export messages have no codes of their own in table 7-2: their refusals carry -1 and our words.
const GENERIC_REFUSAL = { duplicate: '-1', noSuchDoc: '-1', declared: '-1', stale: null };
const REFUSAL: Record<string, { duplicate: string; noSuchDoc: string; declared: string; stale: string | null }> = {
  CEB311Message: { duplicate: '-301010', noSuchDoc: '-301009', declared: '-301011', stale: '-301014' },
  CEB411Message: { duplicate: '-401007', noSuchDoc: '-401006', declared: '-401008', stale: '-401012' },
  CEB511Message: { duplicate: '-504015', noSuchDoc: '-504014', declared: '-504016', stale: null },
  CEB621Message: { duplicate: '-621004', noSuchDoc: '-621011', declared: '-621012', stale: null },
  CEB623Message: { duplicate: '-623009', noSuchDoc: '-623004', declared: '-623005', stale: null },
  CEB625Message: { duplicate: '-625022', noSuchDoc: '-625016', declared: '-625004', stale: null },
  CEB513Message: { duplicate: '-505012', noSuchDoc: '-505014', declared: '-505014', stale: '-505016' },
  CEB711Message: { duplicate: '-800003', noSuchDoc: '-800000', declared: '-800001', stale: '-800005' },
};

/** Which kind a customs receipt answers, by the receipt's message type. */
/** The documents risk control judges at intake (besides the lists a declarant files): the three documents of a parcel. */
const RISK_PARTS: ReadonlySet<string> = new Set(['order', 'payment', 'waybill']);

const RECEIPT_KINDS: ReadonlyMap<string, Kind> = new Map([...KINDS.values()].map((k) => [k.receipt.messageType, k]));

let lastSeq = 0;
/** Event order within a subject: monotonic in this process, roughly time-ordered across processes. */
const seq = (): number => (lastSeq = Math.max(lastSeq + 1, Date.now() * 1000));

const digest = (json: string): string => createHash('sha256').update(json).digest('base64url');
const hashOf = (v: unknown): string => digest(JSON.stringify(v));
export const buyerKey = (idType: string, idNumber: string): string => sha256Url(`${idType}:${idNumber.toUpperCase()}`);
const sha256Url = (s: string): string => oneShotHash('sha256', s, 'base64url');
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

interface Pending {
  events: ClearanceEvent[];
  eventRows: EventRow[];
  /** Parcels whose match was decided in this transaction. */
  decided?: number;
  /** Whether events are rendered for delivery (webhooks) in this transaction. */
  deliver?: boolean;
}

export interface Pipeline {
  submit(enterprise: Enterprise, submission: Submission): Promise<IntakeAnswer>;
  /** Sends what is waiting in the outbox; returns how many messages were handed to the gateway. */
  dispatch(): Promise<number>;
  /** Stores receipts from the gateway (the gateway's sink). */
  receive(receipts: readonly InboundReceipt[]): Promise<void>;
  putItemRecords(enterprise: Enterprise, records: readonly ItemRecordInput[]): Promise<number>;
  /** A risk review decided: approved documents go on (matched, sent), rejected ones stop with the reason. */
  decideHeld(documentIds: readonly string[], approve: boolean, actor: string, reason: string): Promise<number>;
  /** Queues messages the platform prepared for an enterprise (a CEB701 summary), signed on the way out like the rest. */
  enqueue(enterpriseId: string, messageType: string, direction: 'import' | 'export', models: readonly Model[]): Promise<void>;
  /** A platform declares buyers whose identity it verified (then their payer may differ). */
  verifyBuyers(enterprise: Enterprise, buyers: readonly { idType: string; idNumber: string }[]): Promise<number>;
  start(): Promise<void>;
  /** Declarations held for a signing key are tried now (a key was just registered). */
  retryHeld(): Promise<number>;
  /** Dispatches until the outbox is empty and the gateway has nothing in flight (tests, bench). */
  drain(maxRounds?: number): Promise<void>;
  close(): Promise<void>;
}

export interface ItemRecordInput {
  readonly itemNo: string;
  readonly gcode: string;
  readonly gname: string;
  readonly unit1: string;
  readonly qty1PerUnit: string;
  readonly unit2?: string | null;
  readonly qty2PerUnit?: string | null;
  readonly gmodel?: string | null;
  readonly unit?: string | null;
  readonly country?: string | null;
  readonly barCode?: string | null;
  /** Content of one piece (e.g. "50"), with contentUnit ml | g | piece: what consumption-tax thresholds are priced on. */
  readonly contentAmount?: string | null;
  readonly contentUnit?: 'ml' | 'g' | 'piece' | null;
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { store, gateway } = deps;
  const db = store.db;
  const ins = store.insertRows;
  const now = deps.now ?? (() => new Date());
  const bonded = new Set(deps.bondedParks ?? []);
  const resendAfter = deps.resendAfterMs ?? 60_000;
  const holdMs = deps.holdRetryMs ?? 60_000;
  let lastResendCheck = 0;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let started = false;
  /** Jobs handed to the gateway, awaiting deletion from the outbox. */
  let sentJobs: string[] = [];
  async function flushSent(trx: repo.Db): Promise<void> {
    if (!sentJobs.length) return;
    const ids = sentJobs;
    sentJobs = [];
    await repo.deleteJobs(trx, ids);
  }
  let dispatching: Promise<number> | undefined;
  let closed = false;

  // Enterprise codes (customs code or USCC) → id, for audiences; refreshed on a miss.
  const codeCache = new Map<string, { id: string; name: string }>();
  async function resolveCodes(trx: repo.Db, codes: Iterable<string>): Promise<void> {
    const missing = [...new Set(codes)].filter((c) => c && !codeCache.has(c));
    if (!missing.length) return;
    for (const e of await repo.enterprisesByCode(trx, missing)) {
      codeCache.set(e.uscc, { id: e.id, name: e.name_zh });
      if (e.customs_code) codeCache.set(e.customs_code, { id: e.id, name: e.name_zh });
    }
  }
  // The e-commerce enterprise's park decides bonded (1210) or direct (9610); looked up once a minute.
  const parks = new Map<string, { park: string | null; at: number }>();
  async function parkOf(trx: repo.Db, id: string): Promise<string | null> {
    const hit = parks.get(id);
    if (hit && Date.now() - hit.at < 60_000) return hit.park;
    const park = (await repo.enterpriseById(trx, id))?.park ?? null;
    parks.set(id, { park, at: Date.now() });
    return park;
  }

  // Bodies are stored as JSON; a body already parsed (or just filed) is not parsed again.
  const parsedBodies = new WeakMap<object, unknown>();
  function bodyOf<T>(row: { body: string }): T {
    let v = parsedBodies.get(row);
    if (v === undefined) parsedBodies.set(row, v = JSON.parse(row.body));
    return v as T;
  }
  function remember<R extends { body: string }>(entity: unknown, row: R): R {
    parsedBodies.set(row, entity);
    return row;
  }

  const audienceOf = (filer: string, head: Head, fields: readonly string[]): string[] => {
    const ids = new Set([filer]);
    for (const f of fields) {
      const hit = codeCache.get(str(head[f]));
      if (hit) ids.add(hit.id);
    }
    return [...ids];
  };

  const pending = (): Pending => ({ events: [], eventRows: [], deliver: !!deps.onEvents && (deps.wantsEvents?.() ?? true) });

  /**
   * Appends an event. The row keeps the cause as a catalogue key and its parameters (words are
   * rendered when read, in every locale); subscribers get the rendered words.
   */
  function event(p: Pending, subject: SubjectKind, subjectId: string, messageType: string, key: string, from: string | null, to: string,
    actor: string, code: string, m: Msg, audience: readonly string[], at: string, receipt?: ReceiptInfo): void {
    const id = newSeqId();
    p.eventRows.push({
      id, subject, subject_id: subjectId, n: seq(), type: receipt ? 'receipt' : 'status', from_state: from, to_state: to, actor,
      cause: JSON.stringify({ code, key: m.key, ...(m.params ? { params: m.params } : {}), ...(receipt ? { receipt: { messageType: receipt.messageType, returnStatus: receipt.returnStatus, returnTime: receipt.returnTime } } : {}) }), at,
    });
    if (!p.deliver) return;
    p.events.push({
      id, at, type: receipt ? 'receipt' : 'status', subject, subjectId, messageType, key, from, to, actor,
      cause: { code, message: text(m.key, m.params) }, audience, ...(receipt ? { receipt } : {}),
    });
  }

  async function flushEvents(trx: Kysely<Database>, p: Pending): Promise<void> {
    await repo.insertEvents(ins, trx, p.eventRows);
    if (deps.onEvents && p.events.length) await deps.onEvents(trx, p.events);
  }

  // ---------------------------------------------------------------- intake

  function checkSender(enterprise: Enterprise, kind: Kind | undefined, s: Submission, docs: readonly Head[], listParties?: readonly string[]): void {
    const issues: Issue[] = [];
    const own = new Set([enterprise.uscc, enterprise.customsCode].filter((x): x is string => !!x));
    const bt = (s.model.BaseTransfer ?? {}) as Head;
    if (!own.has(str(bt.copCode))) {
      issues.push(issue('INTAKE_SENDER_CODE', '/BaseTransfer/copCode', { found: str(bt.copCode), expected: [...own].join(' / ') }));
    }
    if (enterprise.dxpId && str(bt.dxpId) !== enterprise.dxpId) {
      issues.push(issue('INTAKE_SENDER_DXP', '/BaseTransfer/dxpId', { found: str(bt.dxpId), expected: enterprise.dxpId }));
    }
    if (s.envelopeSender !== undefined && s.envelopeSender !== str(bt.dxpId)) {
      issues.push(issue('INTAKE_SENDER_DXP', '/DxpMsg/TransInfo/SenderId', { found: s.envelopeSender, expected: str(bt.dxpId) }));
    }
    if (issues.length) throw new AppError('forbidden', 'INTAKE_WRONG_SENDER', { count: issues.length }, issues);
    const roles = kind?.roles ?? ['agent', 'ebc', 'declarant'];
    if (!enterprise.roles.some((r) => (roles as readonly string[]).includes(r))) {
      throw new AppError('forbidden', 'INTAKE_ROLE', { type: s.messageType, roles: roles.join(', '), held: enterprise.roles.join(', ') || '—' });
    }
    // Each document must name the filer in its own party field, unless an entrusted carrier files it.
    const parties = kind?.parties ?? listParties ?? ['agentCode', 'ebcCode'];
    const entrusted = kind?.carrierMayFile && enterprise.roles.includes('logistics')
      && !enterprise.roles.some((r) => r !== 'logistics' && (kind.roles as readonly string[]).includes(r));
    if (!entrusted) {
      docs.forEach((h, i) => {
        if (!parties.some((f) => own.has(str(h[f])))) {
          const head = kind ? (kind.head ? `/${kind.head}` : '') : '/InventoryHead';
          issues.push(issue('INTAKE_NOT_YOUR_DOCUMENT', `/${kind?.entity ?? 'Inventory'}/${i}${head}/${parties[0]}`, {
            fields: parties.join(' / '), found: parties.map((f) => str(h[f])).join(' / '), expected: [...own].join(' / '),
          }));
        }
      });
      if (issues.length) throw new AppError('forbidden', 'INTAKE_WRONG_SENDER', { count: issues.length }, issues);
    }
  }

  interface DocIn {
    readonly index: number;
    readonly entity: Model;
    readonly head: Head;
    readonly guid: string;
    /** The entity as stored (JSON), written once and reused for the hash and the outbox. */
    readonly json: string;
    readonly hash: string;
    readonly key: string;
    readonly link: string | undefined;
  }

  async function submit(enterprise: Enterprise, s: Submission): Promise<IntakeAnswer> {
    // A signed message is checked before anything is written: a bad signature refuses it whole.
    if (deps.verifySignature && (s.signedXml !== undefined || s.model.Signature !== undefined)) await deps.verifySignature(enterprise, s);
    const answer = await (s.messageType === 'CEB621Message' || s.messageType === 'CEB603Message' ? submitInventories(enterprise, s) : submitDocuments(enterprise, s));
    // Committed: the dispatcher may now see the outbox rows.
    wake();
    return answer;
  }

  async function submitDocuments(enterprise: Enterprise, s: Submission): Promise<IntakeAnswer> {
    const kind = KINDS.get(s.messageType);
    if (!kind) throw new AppError('invalid', 'INTAKE_UNSUPPORTED', { type: s.messageType, supported: INTAKE_TYPES.join(', ') });
    // CEB711 holds one Delivery (maxOccurs 1): the model has an object where others have a list.
    const raw = s.model[kind.entity] as Model[] | Model | undefined;
    const single = raw !== undefined && !Array.isArray(raw);
    const entities = Array.isArray(raw) ? raw : raw ? [raw] : [];
    const docs: DocIn[] = entities.map((entity, index) => {
      const head = (kind.head ? entity[kind.head] : entity) as Head;
      const json = JSON.stringify(entity);
      return { index, entity, head, guid: str(head.guid), json, hash: digest(json), key: kind.key(head), link: kind.link(head) };
    });
    checkSender(enterprise, kind, s, docs.map((d) => d.head));
    // A signature covers a whole message: only a document alone in its signed message can keep it.
    const signedAlone = docs.length === 1 ? s.signedXml ?? null : null;
    const dupGuid = docs.find((d, i) => docs.findIndex((o) => o.guid === d.guid) !== i);
    if (dupGuid) throw new AppError('invalid', 'INTAKE_DUPLICATE_IN_MESSAGE', { value: dupGuid.guid }, [issue('INTAKE_DUPLICATE_IN_MESSAGE', `/${kind.entity}/${dupGuid.index}/${kind.head}/guid`, { value: dupGuid.guid })]);
    const dupKey = docs.find((d, i) => docs.findIndex((o) => o.key === d.key) !== i);
    if (dupKey) throw new AppError('invalid', 'INTAKE_DUPLICATE_IN_MESSAGE', { value: dupKey.key }, [issue('INTAKE_DUPLICATE_IN_MESSAGE', `/${kind.entity}/${dupKey.index}/${kind.head}`, { value: dupKey.key })]);

    const at = now();
    const iso = at.toISOString();
    const actor = `enterprise:${enterprise.id}`;
    let stored = 0;
    let decided = 0;
    const answer = await db.transaction().execute(async (trx) => {
      const p: Pending = pending();
      const seen = await replays(trx, docs, `/${kind.entity}`, kind.head ? `/${kind.head}` : '');
      const fresh = docs.filter((d) => !seen.has(d.guid));
      const existing = new Map((await repo.findDocumentsByKey(trx, fresh.map((d) => d.key))).map((r) => [r.doc_key, r]));
      await resolveCodes(trx, fresh.flatMap((d) => kind.named.map((f) => str(d.head[f]))));
      const codes = REFUSAL[kind.messageType] ?? GENERIC_REFUSAL;
      const answers = new Map<string, DocumentAnswer>();
      const inserts: DocumentRow[] = [];
      const touched: DocumentRow[] = [];
      const removed: DocumentRow[] = [];
      const refuse = (d: DocIn, status: AnswerStatus, code: string, key: MessageCode, params: Record<string, string> = {}) =>
        answers.set(d.guid, { guid: d.guid, messageType: kind.messageType, key: d.key, status, returnStatus: code, returnInfo: text(key, { key: d.key, ...params }) });

      // Which held documents already sit in a declared list (then they may not change).
      const heldIds = [...existing.values()].map((r) => r.id);
      const declaredIds = await declaredDocumentIds(trx, heldIds);

      // Cancellations, returns, sign-offs and site entries are checked against what they name.
      const aftercare = AFTERCARE_PARTS.has(kind.part)
        ? await checkAftercare(trx, kind, fresh.map((d) => ({ guid: d.guid, appType: str(d.head.appType), head: d.head, entity: d.entity })), new Set([enterprise.customsCode, enterprise.uscc].filter((c): c is string => !!c)), at, { announced: bondedStock.announcedWaybills })
        : undefined;
      // Transport documents (607/507/509) may list only waybills whose export list was filed.
      const listedBy = new Map<string, InventoryRow[]>();
      if (kind.waybills) {
        const lists = await repo.findInventoriesByWaybill(trx, fresh.flatMap((d) => kind.waybills!(d.entity)));
        for (const l of lists) listedBy.set(l.waybill_key!, [...(listedBy.get(l.waybill_key!) ?? []), l]);
      }
      for (const d of fresh) {
        const appType = str(d.head.appType);
        const verdict = aftercare?.get(d.guid);
        if (verdict) { refuse(d, 'refused', verdict.code, verdict.key, verdict.params); continue; }
        if (kind.waybills && appType !== '3') {
          const unknown = kind.waybills(d.entity).filter((w) => !listedBy.has(w));
          if (unknown.length) { refuse(d, 'refused', '-1', 'INTAKE_UNKNOWN_WAYBILL', { waybills: unknown.map((w) => w.split('|').pop()).join(', ') }); continue; }
        }
        const appTime = str(d.head.appTime);
        let held = existing.get(d.key);
        if (held && kind.part === 'waybill' && appType === '1' && at.getTime() - Date.parse(held.created_at) > SIX_MONTHS_MS) {
          // A carrier may reuse a waybill number after six months: the old one steps aside.
          await repo.renameDocumentKey(trx, held.id, `${held.doc_key}#${held.id}`);
          held = undefined;
        }
        const row = (): DocumentRow => remember(d.entity, {
          id: newSeqId(), enterprise_id: enterprise.id, message_type: kind.messageType, doc_key: d.key, link_key: d.link ?? null,
          head_guid: d.guid, app_type: appType, app_time: appTime, state: 'received', body: d.json,
          audience: JSON.stringify(audienceOf(enterprise.id, d.head, kind.named)), created_at: iso, updated_at: iso, version: 1,
          signed_xml: signedAlone,
        });
        const withId = (extra: Partial<DocumentRow>): DocumentRow => remember(d.entity, { ...row(), ...extra });
        if (appType === '1') {
          if (held && held.state !== 'deleted') { refuse(d, 'refused', codes.duplicate, 'INTAKE_DUPLICATE'); continue; }
          if (held) {
            const r = withId({ id: held.id, created_at: held.created_at, version: held.version + 1 });
            touched.push(r);
            event(p, 'document', r.id, kind.messageType, d.key, held.state, 'received', actor, 'filed', msg('EVENT_FILED', { appType }), JSON.parse(r.audience), iso);
            answers.set(d.guid, accepted(kind, d, r.id));
            continue;
          }
          const r = row();
          inserts.push(r);
          event(p, 'document', r.id, kind.messageType, d.key, null, 'received', actor, 'filed', msg('EVENT_FILED', { appType }), JSON.parse(r.audience), iso);
          answers.set(d.guid, accepted(kind, d, r.id));
          continue;
        }
        if (!held || held.state === 'deleted' || held.enterprise_id !== enterprise.id) { refuse(d, 'refused', codes.noSuchDoc, 'INTAKE_NO_SUCH_DOCUMENT'); continue; }
        if (appTime < held.app_time) {
          // 旧报文数据，不做处理: customs drops a change older than what it holds.
          refuse(d, 'discarded', codes.stale ?? '-1', 'INTAKE_STALE', { held: held.app_time, found: appTime });
          continue;
        }
        if (declaredIds.has(held.id)) { refuse(d, 'refused', codes.declared, 'INTAKE_ALREADY_DECLARED'); continue; }
        if (appType === '3') {
          const r = { ...held, head_guid: d.guid, app_type: '3', app_time: appTime, state: 'deleted', updated_at: iso, version: held.version + 1 };
          touched.push(r);
          removed.push(r);
          event(p, 'document', r.id, kind.messageType, d.key, held.state, 'deleted', actor, 'deleted', msg('EVENT_DELETED'), JSON.parse(r.audience), iso);
          answers.set(d.guid, accepted(kind, d, r.id));
          continue;
        }
        const r = withId({ id: held.id, created_at: held.created_at, version: held.version + 1 });
        touched.push(r);
        event(p, 'document', r.id, kind.messageType, d.key, held.state, 'received', actor, 'changed', msg('EVENT_FILED', { appType }), JSON.parse(r.audience), iso);
        answers.set(d.guid, accepted(kind, d, r.id));
      }

      // Risk control: new and changed documents are judged before they are stored.
      if (deps.risk && RISK_PARTS.has(kind.part)) {
        const judged = [...inserts, ...touched.filter((r) => r.state !== 'deleted')];
        const verdicts = await deps.risk.judge(trx, judged.map((r) => ({ documentId: r.id, messageType: kind.messageType, enterpriseId: enterprise.id, entity: bodyOf<Head>(r), at, version: r.version })));
        const refused = new Set<string>();
        for (const r of judged) {
          const v = verdicts.get(r.id);
          if (!v || v.decision === 'pass') continue;
          const rules = v.rules.join(', ');
          if (v.decision === 'refuse') {
            refused.add(r.id);
            answers.set(r.head_guid, { guid: r.head_guid, messageType: kind.messageType, key: r.doc_key, status: 'refused', returnStatus: '-1', returnInfo: text('RISK_REFUSED', { key: r.doc_key, rules, score: String(v.score) }) });
            continue;
          }
          r.state = 'held';
          answers.set(r.head_guid, { ...answers.get(r.head_guid)!, returnInfo: text('RISK_HELD', { key: r.doc_key, rules, score: String(v.score) }) });
          event(p, 'document', r.id, kind.messageType, r.doc_key, 'received', 'held', 'platform', 'risk_review', msg('EVENT_RISK_HELD', { rules, score: String(v.score) }), JSON.parse(r.audience), iso);
        }
        if (refused.size) {
          // Refused whole: nothing of theirs is stored, not even the filing events.
          for (const list of [inserts, touched]) list.splice(0, list.length, ...list.filter((r) => !refused.has(r.id)));
          p.eventRows = p.eventRows.filter((e) => !refused.has(e.subject_id));
          p.events = p.events.filter((e) => !refused.has(e.subjectId));
        }
      }
      await repo.insertDocuments(ins, trx, inserts);
      stored = performance.now();
      for (const r of touched) await repo.updateDocument(trx, r);
      const live = [...inserts, ...touched.filter((r) => r.state !== 'deleted')].filter((r) => r.state !== 'held');
      if (removed.length) {
        if (aftercare) await withdrawApplications(trx, removed.map((r) => r.id), at);
        else await detach(trx, removed, iso, p);
      }
      if (live.length) {
        if (kind.waybills) milestones(kind, live, listedBy, iso, p, actor);
        else if (aftercare) await afterList(trx, kind, live, at, p, actor);
        else await link(trx, kind, live, at, p);
        // Forward what was accepted to customs, as filed.
        // The payload is spliced from the stored JSON of each document, not written a third time.
        const jsonOf = new Map(docs.map((d) => [d.guid, d.json]));
        const forward = live.map((r) => jsonOf.get(r.head_guid)).filter((j): j is string => !!j);
        // A signature covers the message as received: rebuilt, it would no longer verify. A signed
        // message whose every document went through is forwarded byte for byte; otherwise the part
        // that went through is forwarded without the filer's signature (the outbound signer signs
        // what customs requires signed).
        const { Signature: _signature, ...unsigned } = s.model;
        const root = JSON.stringify({ ...unsigned, [kind.entity]: [] });
        const model = single ? JSON.stringify(unsigned)
          : `${root.slice(0, root.indexOf(`"${kind.entity}":[]`) + kind.entity.length + 4)}${forward.join(',')}${root.slice(root.indexOf(`"${kind.entity}":[]`) + kind.entity.length + 4)}`;
        const asFiled = live.length === docs.length ? s.signedXml : undefined;
        const meta = JSON.stringify({ kind: 'documents', messageType: kind.messageType, direction: kind.direction, senderId: enterprise.dxpId ?? enterprise.uscc, enterpriseId: enterprise.id, ids: live.map((r) => r.id), ...(asFiled !== undefined ? { xml: asFiled } : {}) });
        await repo.insertOutbox(ins, trx, [{
          id: newSeqId(), stage: 'send', run_at: iso, attempts: 0, last_error: null,
          payload: `${meta.slice(0, -1)},"model":${model}}`,
        }]);
      }
      const list = docs.map((d) => answers.get(d.guid) ?? JSON.parse(seen.get(d.guid)!.answer) as DocumentAnswer);
      const replayed = docs.filter((d) => seen.has(d.guid));
      await repo.insertGuids(ins, trx, fresh.map((d) => ({ guid: d.guid, enterprise_id: enterprise.id, hash: d.hash, answer: JSON.stringify(answers.get(d.guid)), at: iso })));
      await flushEvents(trx, p);
      decided = p.decided ?? 0;
      return {
        messageType: kind.messageType,
        receipts: list.map((a) => (replayed.some((d) => d.guid === a.guid) ? { ...a, status: a.status === 'accepted' ? 'replayed' as const : a.status } : a)),
      };
    });
    if (decided && stored) deps.observe?.decision(performance.now() - stored, decided);
    return answer;
  }

  /**
   * The guids of this message already answered. The same guid with other content is refused
   * (409, nothing written); the same content gets its stored answer.
   */
  async function replays(trx: repo.Db, docs: readonly { guid: string; hash: string; index: number }[], entity: string, head: string) {
    const seen = new Map((await repo.findGuids(trx, docs.map((d) => d.guid))).map((g) => [g.guid, g]));
    const conflicts = docs.filter((d) => seen.has(d.guid) && seen.get(d.guid)!.hash !== d.hash);
    if (conflicts.length) {
      throw new AppError('conflict', 'INTAKE_GUID_REUSED', { count: conflicts.length },
        conflicts.map((d) => issue('INTAKE_GUID_REUSED', `${entity}/${d.index}${head}/guid`, { value: d.guid })));
    }
    return seen;
  }

  const accepted = (kind: Kind, d: DocIn, id: string): DocumentAnswer => ({
    guid: d.guid, messageType: kind.messageType, key: d.key, status: 'accepted', returnStatus: '2',
    returnInfo: text('INTAKE_ACCEPTED', { key: d.key }), documentId: id,
  });

  async function declaredDocumentIds(trx: repo.Db, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const parcels = await repo.listedParcelsHolding(trx, ids);
    if (!parcels.length) return new Set();
    const invs = await repo.findInventoriesById(trx, parcels.map((x) => x.inventory_id!));
    const declared = new Set(invs.filter((i) => DECLARED.has(i.state)).map((i) => i.parcel_id));
    return new Set(parcels.filter((x) => declared.has(x.id)).flatMap((x) => [x.order_id, x.payment_id, x.waybill_id]).filter((x): x is string => !!x));
  }

  /** A deleted document leaves its parcel, which becomes incomplete again. */
  async function detach(trx: Kysely<Database>, rows: readonly DocumentRow[], iso: string, p: Pending): Promise<void> {
    const changed: ParcelRow[] = [];
    for (const r of rows) {
      const parcel = await repo.findParcelOf(trx, r.id);
      if (!parcel) continue;
      await releaseQuota(trx, parcel);
      const next: ParcelRow = {
        ...parcel,
        payment_id: parcel.payment_id === r.id ? null : parcel.payment_id,
        waybill_id: parcel.waybill_id === r.id ? null : parcel.waybill_id,
        state: parcel.order_id === r.id ? 'cancelled' : 'incomplete', mismatches: '[]', updated_at: iso,
      };
      await dropUnsentInventory(trx, next, iso, p);
      changed.push(next);
      event(p, 'parcel', next.id, 'parcel', next.order_key, parcel.state, next.state, 'platform', 'detached', msg('EVENT_DETACHED', { key: r.doc_key }), JSON.parse(r.audience), iso);
    }
    await repo.upsertParcels(ins, trx, changed);
  }

  /**
   * A matched parcel holds its value against the buyer's annual quota; whoever moves it out of
   * 'matched' gives the quota back, once (decide() does so itself when it re-decides a parcel).
   */
  async function releaseQuota(trx: Kysely<Database>, parcel: ParcelRow): Promise<void> {
    if (parcel.state !== 'matched' || !parcel.buyer_key || !parcel.value_fen) return;
    // A list customs refused or sent back has already given the quota back (see receive()).
    const [list] = parcel.inventory_id ? await repo.findInventoriesById(trx, [parcel.inventory_id]) : [];
    if (list && (list.state === 'rejected' || list.state === 'returned' || list.state === 'cancelled' || list.state === 'refunded')) return;
    await repo.addQuotas(trx, new Map([[`${parcel.buyer_key}|${parcel.year}`, -Number(parcel.value_fen)]]));
  }

  /** A list built or filed but not yet sent is withdrawn when its documents change (the parcel is decided again). */
  async function dropUnsentInventory(trx: Kysely<Database>, parcel: ParcelRow, iso: string, p: Pending): Promise<void> {
    if (!parcel.inventory_id) return;
    const [inv] = await repo.findInventoriesById(trx, [parcel.inventory_id]);
    if (inv && !DECLARED.has(inv.state)) {
      await repo.deleteInventories(trx, [inv.id]);
      event(p, 'inventory', inv.id, inv.message_type, inv.cop_no, inv.state, 'cancelled', 'platform', 'withdrawn', msg('EVENT_WITHDRAWN'), JSON.parse(inv.audience), iso);
      parcel.inventory_id = null;
    }
  }

  /** A 总分单, 运抵 or 离境 document is recorded on each list whose waybill it names (the list's state stays). */
  function milestones(kind: Kind, rows: readonly DocumentRow[], listedBy: ReadonlyMap<string, InventoryRow[]>, iso: string, p: Pending, actor: string): void {
    const what = kind.messageType === 'CEB607Message' ? 'waybill_bill' : kind.messageType === 'CEB507Message' ? 'arrived' : 'departed';
    for (const r of rows) {
      for (const key of kind.waybills!(bodyOf<Model>(r))) {
        for (const l of listedBy.get(key) ?? []) {
          event(p, 'inventory', l.id, l.message_type, l.cop_no, l.state, l.state, actor, what,
            msg('EVENT_MILESTONE', { type: `${kind.messageType.slice(0, 6)} ${what}`, key: r.doc_key }), JSON.parse(l.audience), iso);
        }
      }
    }
  }

  /**
   * Cancellations and returns are recorded against their list (customs decides them); a sign-off
   * (513), a site entry (711) or a return's tally (215) is recorded on the lists of its waybills.
   */
  async function afterList(trx: Kysely<Database>, kind: Kind, rows: readonly DocumentRow[], at: Date, p: Pending, actor: string): Promise<void> {
    const iso = at.toISOString();
    const type = kind.messageType.slice(0, 6);
    for (const { list, row } of await recordApplications(trx, kind, rows, at)) {
      event(p, 'inventory', list.id, list.message_type, list.cop_no, list.state, list.state, actor, `${row.kind}_applied`,
        msg('EVENT_AFTERCARE_APPLIED', { type, key: list.invt_no ?? list.cop_no }), JSON.parse(row.audience), iso);
    }
    const waybillsOf = (r: DocumentRow): string[] => {
      const e = bodyOf<Head>(r);
      if (kind.part === 'status') return [importWaybillKey(str(e.logisticsCode), str(e.logisticsNo))];
      if (kind.part === 'delivery') {
        const h = (e.DeliveryHead ?? {}) as Head;
        return ((e.DeliveryList as Head[] | undefined) ?? []).map((l) => importWaybillKey(str(h.logisticsCode), str(l.logisticsNo)));
      }
      if (kind.part === 'tally') return [exportWaybillKey(str(e.logisticsCode), str(e.logisticsNo))];
      return [];
    };
    const keys = rows.flatMap(waybillsOf);
    if (!keys.length) return;
    const lists = await repo.findInventoriesByWaybill(trx, keys);
    const what = kind.part === 'status' ? 'signed' : kind.part === 'delivery' ? 'at_site' : 'tallied';
    for (const r of rows) {
      for (const key of waybillsOf(r)) {
        for (const l of lists.filter((x) => x.waybill_key === key)) {
          event(p, 'inventory', l.id, l.message_type, l.cop_no, l.state, l.state, actor, what,
            msg('EVENT_MILESTONE', { type: `${type} ${what}`, key: r.doc_key }), JSON.parse(l.audience), iso);
        }
      }
    }
  }

  /** Attaches stored documents to their parcels (creating a parcel per order) and decides matches. */
  async function link(trx: Kysely<Database>, kind: Kind, rows: readonly DocumentRow[], at: Date, p: Pending): Promise<void> {
    const iso = at.toISOString();
    const parcels = new Map<string, ParcelRow>();
    const bodies = new Map<string, DocumentRow>(rows.map((r) => [r.id, r]));
    if (kind.part === 'order') {
      const keys = rows.map((r) => r.doc_key);
      for (const x of await repo.findParcelsByOrderKey(trx, keys)) parcels.set(x.order_key, x);
      const orderNos = new Map<string, DocumentRow>();
      for (const r of rows) {
        const head = bodyOf<Order>(r).OrderHead;
        let parcel = parcels.get(r.doc_key);
        if (!parcel) {
          parcel = {
            id: newSeqId(), enterprise_id: r.enterprise_id, direction: kind.direction, order_key: r.doc_key, order_no: head.orderNo, order_id: r.id,
            payment_id: null, waybill_id: null, inventory_id: null, state: 'incomplete', mismatches: '[]', buyer_key: null, year: null,
            value_fen: null, decided_at: null, created_at: iso, updated_at: iso,
          };
          parcels.set(r.doc_key, parcel);
        } else {
          parcel.order_id = r.id;
          await dropUnsentInventory(trx, parcel, iso, p);
        }
        orderNos.set(head.orderNo, r);
      }
      // Payments and waybills that arrived first.
      const links = [...rows.map((r) => r.doc_key), ...[...orderNos.keys()].map((n) => orderNoLink(kind.direction, n))];
      const waiting = await repo.findByLink(trx, links);
      const taken = await repo.attachedIds(trx, waiting.map((w) => w.id));
      for (const w of waiting) {
        if (taken.has(w.id)) continue;
        bodies.set(w.id, w);
        if (w.message_type === 'CEB411Message') {
          const parcel = parcels.get(w.link_key!);
          if (parcel && !parcel.payment_id) parcel.payment_id = w.id;
        } else {
          const orderNo = w.link_key!.slice(`${kind.direction}|no|`.length);
          const parcel = parcels.get(orderNos.get(orderNo)?.doc_key ?? '');
          if (parcel && !parcel.waybill_id) parcel.waybill_id = w.id;
        }
      }
    } else if (kind.part === 'payment') {
      const found = await repo.findParcelsByOrderKey(trx, rows.map((r) => r.link_key!));
      const byKey = new Map(found.map((x) => [x.order_key, x]));
      for (const r of rows) {
        const parcel = byKey.get(r.link_key!);
        if (!parcel) continue;
        if (parcel.payment_id !== r.id) await dropUnsentInventory(trx, parcel, iso, p);
        parcel.payment_id = r.id;
        parcels.set(parcel.order_key, parcel);
      }
    } else if (kind.direction === 'export') {
      // An export waybill names no order: it joins the parcel of the 603 list that names it.
      const lists = await repo.findInventoriesByWaybill(trx, rows.map((r) => r.doc_key));
      const found = await repo.findParcelsById(trx, lists.map((l) => l.parcel_id));
      for (const l of lists) {
        const parcel = found.find((x) => x.id === l.parcel_id);
        const r = rows.find((x) => x.doc_key === l.waybill_key);
        if (!parcel || !r || DECLARED.has(l.state)) continue;
        parcel.waybill_id = r.id;
        parcels.set(parcel.order_key, parcel);
      }
    } else {
      const orderNos = rows.map((r) => r.link_key!.slice(`${kind.direction}|no|`.length));
      const found = await repo.findParcelsByOrderNo(trx, kind.direction, orderNos);
      for (const r of rows) {
        const orderNo = r.link_key!.slice(`${kind.direction}|no|`.length);
        // The import waybill names the order by number only; prefer a parcel still without one.
        const candidates = found.filter((x) => x.order_no === orderNo);
        const parcel = candidates.find((x) => x.waybill_id === r.id) ?? candidates.find((x) => !x.waybill_id) ?? candidates[0];
        if (!parcel) continue;
        if (parcel.waybill_id !== r.id) await dropUnsentInventory(trx, parcel, iso, p);
        parcel.waybill_id = r.id;
        parcels.set(parcel.order_key, parcel);
      }
    }
    await decide(trx, [...parcels.values()], bodies, at, p);
  }

  /** Runs the three-document match on every complete parcel and builds lists for the matched ones. */
  async function decide(trx: Kysely<Database>, parcelsIn: ParcelRow[], bodies: Map<string, DocumentRow>, at: Date, p: Pending): Promise<void> {
    const iso = at.toISOString();
    let parcels = parcelsIn;
    const all = parcels.filter((x) => x.payment_id && x.waybill_id);
    const missing = all.flatMap((x) => [x.order_id, x.payment_id!, x.waybill_id!]).filter((id) => !bodies.has(id));
    for (const r of await repo.findDocumentsById(trx, missing)) bodies.set(r.id, r);
    const exports = parcels.filter((x) => x.direction === 'export');
    if (exports.length) await decideExport(trx, exports, bodies, iso, p);
    parcels = parcels.filter((x) => x.direction !== 'export');
    const complete = all.filter((x) => x.direction !== 'export');
    const docsOf = (x: ParcelRow) => ({
      order: bodyOf<Order>(bodies.get(x.order_id)!),
      payment: bodyOf<Payment>(bodies.get(x.payment_id!)!),
      waybill: bodyOf<Logistics>(bodies.get(x.waybill_id!)!),
    });
    const parsed = new Map(complete.map((x) => [x.id, docsOf(x)]));
    const year = Number(formatCustomsTime(at, 'YYYYMMDD').slice(0, 4));
    const buyerOf = new Map(complete.map((x) => {
      const h = parsed.get(x.id)!.order.OrderHead;
      return [x.id, buyerKey(h.buyerIdType, h.buyerIdNumber)];
    }));
    // Race-free quota: two transactions deciding parcels of one buyer take turns (PostgreSQL runs
    // them side by side; SQLite already writes one at a time). Locks in key order, so never a deadlock.
    if (store.dialect === 'postgres') await repo.lockBuyers(trx, complete.map((x) => `${buyerOf.get(x.id)!}|${year}`));
    const used = await repo.quotas(trx, complete.map((x) => ({ buyer: buyerOf.get(x.id)!, year })));
    const verified = await repo.verifiedBuyers(trx, complete.map((x) => ({ ebp: parsed.get(x.id)!.order.OrderHead.ebpCode, buyer: buyerOf.get(x.id)! })));
    const deltas = new Map<string, number>();
    const ebcCodes = [...new Set(complete.map((x) => parsed.get(x.id)!.order.OrderHead.ebcCode))];
    const items = new Map<string, Map<string, ItemRecord>>();
    for (const r of await repo.itemRecords(trx, ebcCodes)) {
      if (!items.has(r.ebc_code)) items.set(r.ebc_code, new Map());
      items.get(r.ebc_code)!.set(r.item_no, {
        gcode: r.gcode, gname: r.gname, unit1: r.unit1, qty1PerUnit: r.qty1_per_unit, unit2: r.unit2, qty2PerUnit: r.qty2_per_unit,
        ...(r.content_amount && r.content_unit ? { content: { amount: r.content_amount, unit: r.content_unit as 'ml' | 'g' | 'piece' } } : {}),
      });
    }
    const waitingLists = new Map((await repo.findInventoriesByParcel(trx, complete.map((x) => x.id))).map((i) => [i.parcel_id, i]));
    // E-commerce enterprises keeping bonded stock on the platform: their 1210/1239 lists reserve it.
    const managed = new Set<string>();
    for (const code of ebcCodes) if (await bondedStock.isBondedManaged(trx, code)) managed.add(code);
    const newLists: InventoryRow[] = [];
    const promoted = new Map<string, string>();
    await resolveCodes(trx, complete.flatMap((x) => {
      const h = parsed.get(x.id)!.order.OrderHead;
      return [h.ebcCode, h.ebpCode];
    }));

    for (const x of parcels) {
      const before = x.state;
      if (!x.payment_id || !x.waybill_id) {
        x.state = 'incomplete';
        x.updated_at = iso;
        continue;
      }
      const docs = parsed.get(x.id)!;
      const oh = docs.order.OrderHead;
      const bk = buyerOf.get(x.id)!;
      const qk = `${bk}|${year}`;
      // A parcel that already holds quota (re-decided after a change) gives it back first.
      if (before === 'matched' && x.buyer_key && x.value_fen) deltas.set(`${x.buyer_key}|${x.year}`, (deltas.get(`${x.buyer_key}|${x.year}`) ?? 0) - Number(x.value_fen));
      const ytd = (used.get(qk) ?? 0) + (deltas.get(qk) ?? 0);
      const result = matchImport(docs, { yearToDateFen: ytd, buyerVerified: verified.has(`${oh.ebpCode}|${bk}`) });
      const ebcItems = items.get(oh.ebcCode) ?? new Map<string, ItemRecord>();
      const filed = waitingLists.get(x.id);
      // The declarant's list is held for a risk review: nothing is decided until a person has.
      if (filed?.state === 'held') {
        x.state = 'incomplete';
        x.updated_at = iso;
        continue;
      }
      const mismatches: Mismatch[] = [...result.mismatches];
      if (filed) mismatches.push(...checkFiledInventory(bodyOf<Inventory>(filed), docs.order, docs.waybill));
      else mismatches.push(...missingItems(docs.order, ebcItems));
      // The order's taxTotal against the engine's, where every line has a record and a rate.
      const tax = deps.taxCheck?.(docs, ebcItems, ytd);
      if (tax) mismatches.push(tax);
      const ebcRef = codeCache.get(oh.ebcCode);
      const park = ebcRef ? await parkOf(trx, ebcRef.id) : null;
      const tradeMode = filed ? String(bodyOf<Inventory>(filed).InventoryHead.tradeMode ?? '') : park && bonded.has(park) ? '1210' : '9610';
      // The positive list, with its remarks (bonded only, quantity limits) against the trade mode the list takes.
      if (deps.positiveList) mismatches.push(...deps.positiveList(docs.order, ebcItems, tradeMode));
      // Bonded stock: the goods must be on the warehouse's book (never below zero); held until customs decides.
      let account: bondedStock.BondedAccountRef | undefined;
      if ((tradeMode === '1210' || tradeMode === '1239') && managed.has(oh.ebcCode)) {
        if (mismatches.length) await bondedStock.release(trx, x.id, at, 'mismatched');
        else {
          const held = await bondedStock.reserve(trx, {
            ref: x.id, ebcCode: oh.ebcCode, at,
            lines: docs.order.OrderList.map((l) => ({ itemNo: l.itemNo ?? '', gcode: ebcItems.get(l.itemNo ?? '')?.gcode ?? '', qty: l.qty })),
          });
          if (held.ok) account = held.account;
          else {
            for (const s of held.shortfalls) {
              mismatches.push({ rule: 'bonded_stock', code: null, document: 'CEB311Message', field: `OrderList[itemNo=${s.itemNo}]/qty`, expected: `≤ ${s.available}`, found: s.needed, message: s.message });
            }
          }
        }
      }
      const value = dutiableFen(docs);
      x.buyer_key = bk;
      x.year = year;
      x.value_fen = value;
      x.decided_at = iso;
      p.decided = (p.decided ?? 0) + 1;
      x.updated_at = iso;
      x.mismatches = JSON.stringify(mismatches);
      x.state = mismatches.length ? 'mismatched' : 'matched';
      const audience = [...new Set([x.enterprise_id, ...JSON.parse(bodies.get(x.payment_id)!.audience) as string[], ...JSON.parse(bodies.get(x.waybill_id)!.audience) as string[], ...JSON.parse(bodies.get(x.order_id)!.audience) as string[]])];
      event(p, 'parcel', x.id, 'parcel', x.order_key, before, x.state, 'platform', x.state,
        mismatches.length ? msg('EVENT_MISMATCHED', { count: mismatches.length, document: mismatches[0]!.document, field: mismatches[0]!.field }) : msg('EVENT_MATCHED'), audience, iso);
      if (mismatches.length) continue;
      deltas.set(qk, (deltas.get(qk) ?? 0) + value);
      if (filed) {
        promoted.set(filed.id, 'filed');
        event(p, 'inventory', filed.id, filed.message_type, filed.cop_no, filed.state, 'filed', 'platform', 'checked', msg('EVENT_LIST_CHECKED'), JSON.parse(filed.audience), iso);
        x.inventory_id = filed.id;
        continue;
      }
      const ebc = ebcRef;
      const declaration: Declaration = {
        customsCode: deps.declaration.customsCode, portCode: deps.declaration.portCode,
        tradeMode, trafMode: tradeMode === '9610' ? '5' : 'Y',
        agentCode: oh.ebcCode, agentName: oh.ebcName,
        // 保税模式必填: the warehouse and account book the goods leave from (二线出区核减).
        ...(account ? { areaCode: account.areaCode, areaName: account.areaName ?? account.areaCode, emsNo: account.emsNo } : {}),
      };
      // 企业内部编号 (C..20): date and 48 random bits, unique across restarts and processes.
      const id = newSeqId();
      const copNo = `SG${formatCustomsTime(at, 'YYYYMMDD').slice(2)}${randomUUID().slice(24).toUpperCase()}`;
      const inventory = buildInventory({ ...docs, items: ebcItems, declaration, copNo, at });
      newLists.push({
        id, enterprise_id: ebc?.id ?? x.enterprise_id, parcel_id: x.id, message_type: 'CEB621Message', source: 'platform', cop_no: copNo,
        pre_no: null, invt_no: null, waybill_key: importWaybillKey(docs.waybill.LogisticsHead.logisticsCode, docs.waybill.LogisticsHead.logisticsNo), head_guid: str(inventory.InventoryHead.guid), state: 'built', body: JSON.stringify(inventory),
        audience: JSON.stringify(audience), created_at: iso, updated_at: iso, version: 1, signed_xml: null,
      });
      x.inventory_id = id;
      event(p, 'inventory', id, 'CEB621Message', copNo, null, 'built', 'platform', 'built', msg('EVENT_LIST_BUILT'), audience, iso);
    }
    await repo.upsertParcels(ins, trx, parcels);
    await repo.insertInventories(ins, trx, newLists);
    await repo.setStates(trx, 'inventories', promoted, iso);
    await repo.addQuotas(trx, deltas);
    const ready = [...newLists.map((l) => l.id), ...promoted.keys()];
    if (ready.length) {
      await repo.insertOutbox(ins, trx, [{ id: newSeqId(), stage: 'send', run_at: iso, attempts: 0, last_error: null, payload: JSON.stringify({ kind: 'inventories', ids: ready }) }]);
    }
  }

  /**
   * Export 9610: the parcel is decided once its order, collection, waybill and the declarant's 603
   * list are all there; the list is then sent, or the mismatches explained.
   */
  async function decideExport(trx: Kysely<Database>, parcels: ParcelRow[], bodies: Map<string, DocumentRow>, iso: string, p: Pending): Promise<void> {
    const lists = new Map((await repo.findInventoriesByParcel(trx, parcels.map((x) => x.id))).map((l) => [l.parcel_id, l]));
    const promoted = new Map<string, string>();
    for (const x of parcels) {
      const before = x.state;
      const list = lists.get(x.id);
      x.updated_at = iso;
      if (!x.payment_id || !x.waybill_id || !list || list.state !== 'waiting') {
        if (!list || list.state === 'waiting') x.state = 'incomplete';
        continue;
      }
      const order = bodyOf<ExportOrder>(bodies.get(x.order_id)!);
      const inventory = JSON.parse(list.body) as ExportInventory;
      const matched = matchExport({ order, receipts: bodyOf<ExportReceipts>(bodies.get(x.payment_id)!), waybill: bodyOf<ExportLogistics>(bodies.get(x.waybill_id)!), inventory });
      const modes = deps.exportModes ? checkExportMode(order, inventory, deps.exportModes) : [];
      const result = modes.length ? { matched: false, mismatches: [...matched.mismatches, ...modes] } : matched;
      x.state = result.matched ? 'matched' : 'mismatched';
      x.mismatches = JSON.stringify(result.mismatches);
      x.decided_at = iso;
      p.decided = (p.decided ?? 0) + 1;
      const audience = [...new Set([x.enterprise_id, ...JSON.parse(list.audience) as string[], ...[x.order_id, x.payment_id, x.waybill_id].flatMap((id) => JSON.parse(bodies.get(id)!.audience) as string[])])];
      event(p, 'parcel', x.id, 'parcel', x.order_key, before, x.state, 'platform', x.state,
        result.matched ? msg('EVENT_MATCHED') : msg('EVENT_MISMATCHED', { count: result.mismatches.length, document: result.mismatches[0]!.document, field: result.mismatches[0]!.field }), audience, iso);
      if (!result.matched) continue;
      x.inventory_id = list.id;
      promoted.set(list.id, 'filed');
      event(p, 'inventory', list.id, list.message_type, list.cop_no, list.state, 'filed', 'platform', 'checked', msg('EVENT_LIST_CHECKED'), audience, iso);
    }
    await repo.upsertParcels(ins, trx, parcels);
    await repo.setStates(trx, 'inventories', promoted, iso);
    if (promoted.size) {
      await repo.insertOutbox(ins, trx, [{ id: newSeqId(), stage: 'send', run_at: iso, attempts: 0, last_error: null, payload: JSON.stringify({ kind: 'inventories', ids: [...promoted.keys()] }) }]);
    }
  }

  /** A declarant files its own list: it waits for the parcel's match, then is checked against it. */
  async function submitInventories(enterprise: Enterprise, s: Submission): Promise<IntakeAnswer> {
    const type = s.messageType;
    const direction = type === 'CEB603Message' ? 'export' : 'import';
    const entities = (s.model.Inventory as { InventoryHead: Head }[] | undefined) ?? [];
    // The declarant's own signature can travel with a list only when its message held that list alone.
    const asFiled = entities.length === 1 ? s.signedXml ?? null : null;
    // 申报企业: the declarant names itself as agentCode (import: or the e-commerce enterprise).
    checkSender(enterprise, undefined, s, entities.map((e) => e.InventoryHead), direction === 'export' ? ['agentCode', 'ebcCode'] : undefined);
    const at = now();
    const iso = at.toISOString();
    const actor = `enterprise:${enterprise.id}`;
    const code = direction === 'import' ? { noParcel: '-621003', duplicate: '-621004' } : { noParcel: '-1', duplicate: '-1' };
    return db.transaction().execute(async (trx) => {
      const p: Pending = pending();
      const docs = entities.map((e, index) => {
        const h = e.InventoryHead;
        return {
          e, h, index, guid: str(h.guid), hash: hashOf(e), key: orderKey(direction, str(h.ebpCode), str(h.orderNo)),
          waybill: (direction === 'export' ? exportWaybillKey : importWaybillKey)(str(h.logisticsCode), str(h.logisticsNo)),
        };
      });
      const seen = await replays(trx, docs, '/Inventory', '/InventoryHead');
      const fresh = docs.filter((d) => !seen.has(d.guid));
      const parcels = new Map((await repo.findParcelsByOrderKey(trx, fresh.map((d) => d.key))).map((x) => [x.order_key, x]));
      const held = new Map((await repo.findInventoriesByParcel(trx, [...parcels.values()].map((x) => x.id))).map((i) => [i.parcel_id, i]));
      // The export waybill joins its parcel through the list that names it.
      const waybills = direction === 'export' ? new Map((await repo.findDocumentsByKey(trx, fresh.map((d) => d.waybill))).map((r) => [r.doc_key, r])) : new Map<string, DocumentRow>();
      const answers = new Map<string, DocumentAnswer>();
      const lists: InventoryRow[] = [];
      const toDecide: ParcelRow[] = [];
      // Risk control judges the lists that would be taken, before anything is changed for them.
      const ids = new Map(fresh.map((d) => [d.guid, newSeqId()]));
      const takeable = fresh.filter((d) => {
        const x = parcels.get(d.key);
        const prior = x ? held.get(x.id) : undefined;
        return !!x && !(prior && DECLARED.has(prior.state));
      });
      const verdicts = deps.risk && takeable.length
        ? await deps.risk.judge(trx, takeable.map((d) => ({ documentId: ids.get(d.guid)!, messageType: type, enterpriseId: enterprise.id, entity: d.e as unknown as Head, at })))
        : new Map<string, RiskVerdict>();
      for (const d of fresh) {
        const parcel = parcels.get(d.key);
        const refuse = (c: string, key: MessageCode) => answers.set(d.guid, { guid: d.guid, messageType: type, key: d.key, status: 'refused', returnStatus: c, returnInfo: text(key, { key: d.key }) });
        if (!parcel) { refuse(code.noParcel, 'INTAKE_NO_PARCEL'); continue; }
        const prior = held.get(parcel.id);
        if (prior && DECLARED.has(prior.state)) { refuse(code.duplicate, 'INTAKE_DUPLICATE'); continue; }
        const verdict = verdicts.get(ids.get(d.guid)!);
        const rules = verdict?.rules.join(', ') ?? '';
        if (verdict?.decision === 'refuse') {
          answers.set(d.guid, { guid: d.guid, messageType: type, key: d.key, status: 'refused', returnStatus: '-1', returnInfo: text('RISK_REFUSED', { key: d.key, rules, score: String(verdict.score) }) });
          continue;
        }
        const isHeld = verdict?.decision === 'review';
        // A parcel matched before this list arrived gives its quota back; the decision is taken again.
        await releaseQuota(trx, parcel);
        if (prior) await repo.deleteInventories(trx, [prior.id]);
        const id = ids.get(d.guid)!;
        const copNo = str(d.h.copNo) || id;
        const audience = [...new Set([enterprise.id, parcel.enterprise_id])];
        lists.push({
          id, enterprise_id: enterprise.id, parcel_id: parcel.id, message_type: type, source: 'filed', cop_no: copNo,
          pre_no: null, invt_no: null, waybill_key: d.waybill, head_guid: d.guid, state: isHeld ? 'held' : 'waiting', body: JSON.stringify(d.e), audience: JSON.stringify(audience),
          created_at: iso, updated_at: iso, version: 1, signed_xml: asFiled,
        });
        event(p, 'inventory', id, type, copNo, null, 'waiting', actor, 'filed', msg('EVENT_FILED', { appType: str(d.h.appType) }), audience, iso);
        answers.set(d.guid, {
          guid: d.guid, messageType: type, key: d.key, status: 'accepted', returnStatus: '2', documentId: id,
          returnInfo: isHeld ? text('RISK_HELD', { key: d.key, rules, score: String(verdict!.score) }) : text('INTAKE_ACCEPTED', { key: d.key }),
        });
        if (isHeld) {
          event(p, 'inventory', id, type, copNo, 'waiting', 'held', 'platform', 'risk_review', msg('EVENT_RISK_HELD', { rules, score: String(verdict!.score) }), audience, iso);
        }
        if (parcel.state === 'matched') parcel.state = 'incomplete';
        parcel.inventory_id = null;
        const waybill = waybills.get(d.waybill);
        if (waybill) parcel.waybill_id = waybill.id;
        toDecide.push(parcel);
      }
      await repo.insertInventories(ins, trx, lists);
      await decide(trx, toDecide, new Map(), at, p);
      await repo.insertGuids(ins, trx, fresh.map((d) => ({ guid: d.guid, enterprise_id: enterprise.id, hash: d.hash, answer: JSON.stringify(answers.get(d.guid)), at: iso })));
      await flushEvents(trx, p);
      return { messageType: type, receipts: docs.map((d) => answers.get(d.guid) ?? { ...(JSON.parse(seen.get(d.guid)!.answer) as DocumentAnswer), status: 'replayed' as const }) };
    });
  }

  // ---------------------------------------------------------------- dispatch (outbox → gateway)

  async function dispatchOnce(): Promise<number> {
    const at = now();
    const iso = at.toISOString();
    const jobs = await db.transaction().execute(async (trx) => {
      await flushSent(trx);
      return repo.claimJobs(trx, 'send', iso, new Date(at.getTime() + CLAIM_LEASE_MS).toISOString(), newSeqId(), ROUND_JOBS);
    });
    if (!jobs.length) return 0;
    type Payload =
      | { kind: 'documents'; messageType: string; direction: 'import' | 'export'; senderId: string; enterpriseId?: string; model: Model; ids: string[]; xml?: string }
      | { kind: 'inventories'; ids: string[] }
      | { kind: 'resend-documents'; ids: string[] }
      | { kind: 'prepared'; enterpriseId: string; messageType: string; direction: 'import' | 'export'; models: Model[]; ids?: undefined };
    const payloads = jobs.map((j) => JSON.parse(j.payload) as Payload);
    const heldBefore = new Set(jobs.flatMap((j, i) => (j.last_error === repo.HELD_FOR_KEY ? payloads[i]!.ids ?? [] : [])));
    const p: Pending = pending();
    const docChanges = new Map<string, string>();
    const invChanges = new Map<string, string>();
    const sent: { subject: SubjectKind; id: string; type: string; key: string; audience: string }[] = [];
    const messages: OutboundMessage[] = [];
    // Declarations that could not be signed (no key yet) wait in a job of their own.
    const held: OutboxRow[] = [];
    const hold = (payload: object) => held.push({ id: newSeqId(), stage: 'send', run_at: new Date(at.getTime() + holdMs).toISOString(), attempts: 0, last_error: repo.HELD_FOR_KEY, payload: JSON.stringify(payload) });
    const sentCause = (o: SignOutcome) => ('signedWith' in o && o.signedWith
      ? msg('EVENT_SENT_SIGNED', { gateway: gateway.name, ...o.signedWith }) : msg('EVENT_SENT', { gateway: gateway.name }));
    type Subject = { id: string; state: string; message_type: string; audience: string };
    const mark = (subject: SubjectKind, r: Subject, key: string, o: SignOutcome) => {
      if ('held' in o) {
        // Held again by a job that was itself held: nothing new to tell. Held for the first time
        // (also after a failed send or an unanswered resend), the reason is told.
        if (r.state === 'send_failed' && heldBefore.has(r.id)) return;
        (subject === 'document' ? docChanges : invChanges).set(r.id, 'send_failed');
        event(p, subject, r.id, r.message_type, key, r.state, 'send_failed', 'platform', 'send_failed', o.held, JSON.parse(r.audience), iso);
        return;
      }
      (subject === 'document' ? docChanges : invChanges).set(r.id, 'sent');
      sent.push({ subject, id: r.id, type: r.message_type, key, audience: r.audience });
      event(p, subject, r.id, r.message_type, key, r.state, 'sent', 'platform', 'sent', sentCause(o), JSON.parse(r.audience), iso);
    };
    // All claimed jobs go in one round: one transaction marks their subjects sent, one send hands
    // them over. Subjects are marked first: a receipt may come back before send() returns.
    const forwarded = new Map((await repo.findDocumentSubjects(db, 'id', payloads.flatMap((x) => (x.kind === 'documents' ? x.ids : [])))).map((r) => [r.id, r]));
    for (const x of payloads) {
      if (x.kind !== 'documents') continue;
      const subjects = x.ids.map((id) => forwarded.get(id)).filter((r): r is repo.DocumentSubject => !!r && (r.state === 'received' || r.state === 'send_failed'));
      const filer = x.enterpriseId ?? subjects[0]?.enterprise_id;
      const outcome = await signFor(filer, { messageType: x.messageType, direction: x.direction, model: x.model, senderId: x.senderId, ...(x.xml !== undefined ? { xml: x.xml } : {}) });
      // Held documents come back by id and are rebuilt from their rows then: a change or a
      // withdrawal in the meantime is what goes (or nothing), never this round's snapshot.
      if ('held' in outcome) {
        if (subjects.length) hold({ kind: 'resend-documents', ids: subjects.map((r) => r.id) });
      }
      else messages.push(outcome.message);
      for (const r of subjects) mark('document', r, r.doc_key, outcome);
    }
    // Prepared messages go together (a summary's parts in one send), signed for their enterprise.
    for (const x of payloads) {
      if (x.kind !== 'prepared') continue;
      const e = await repo.enterpriseById(db, x.enterpriseId);
      const senderId = e?.dxp_id ?? e?.uscc ?? x.enterpriseId;
      const out: OutboundMessage[] = [];
      for (const model of x.models) {
        const o = await signFor(x.enterpriseId, { messageType: x.messageType, direction: x.direction, model, senderId });
        if ('held' in o) break;
        out.push(o.message);
      }
      if (out.length === x.models.length) messages.push(...out);
      else hold(x);
    }
    // Documents waiting to go: sent and unanswered or failed, or released from a risk review.
    const resend = (await repo.findDocumentsById(db, payloads.flatMap((x) => (x.kind === 'resend-documents' ? x.ids : []))))
      .filter((r) => r.state === 'send_failed' || r.state === 'received');
    for (const { rows, outcome } of await messagesOf(resend)) {
      if ('held' in outcome) hold({ kind: 'resend-documents', ids: rows.map((r) => r.id) });
      else messages.push(outcome.message);
      for (const r of rows as DocumentRow[]) mark('document', r, r.doc_key, outcome);
    }
    const lists = (await repo.findInventoriesById(db, payloads.flatMap((x) => (x.kind === 'inventories' ? x.ids : []))))
      .filter((r) => r.state === 'built' || r.state === 'filed' || r.state === 'send_failed');
    for (const { rows, outcome } of await messagesOf(lists)) {
      if ('held' in outcome) hold({ kind: 'inventories', ids: rows.map((r) => r.id) });
      else messages.push(outcome.message);
      for (const r of rows as InventoryRow[]) mark('inventory', r, r.cop_no, outcome);
    }
    await db.transaction().execute(async (trx) => {
      await repo.setStates(trx, 'ceb_documents', docChanges, iso);
      await repo.setStates(trx, 'inventories', invChanges, iso);
      if (held.length) await repo.insertOutbox(ins, trx, held);
      await flushEvents(trx, p);
    });
    try {
      if (messages.length) await gateway.send(messages);
      // Deleted with the next round's claim (or on drain/close): one transaction fewer per round. A
      // crash before that sends them again after the lease; customs answers a repeat by its guid.
      sentJobs.push(...jobs.map((j) => j.id));
      return messages.length || jobs.length;
    } catch (err) {
      // The subjects go back to send_failed and the jobs come back after a backoff to send them again.
      const failed: Pending = pending();
      const why = msg('EVENT_SEND_FAILED', { gateway: gateway.name, detail: (err as Error).message.slice(0, 300) });
      for (const x of sent) event(failed, x.subject, x.id, x.type, x.key, 'sent', 'send_failed', 'platform', 'send_failed', why, JSON.parse(x.audience) as string[], iso);
      await db.transaction().execute(async (trx) => {
        await repo.setStates(trx, 'ceb_documents', new Map([...docChanges.keys()].map((id) => [id, 'send_failed'])), iso);
        await repo.setStates(trx, 'inventories', new Map([...invChanges.keys()].map((id) => [id, 'send_failed'])), iso);
        // The postponed jobs below take their held subjects up again: this round's held copies would double them.
        await repo.deleteJobs(trx, held.map((h) => h.id));
        await flushEvents(trx, failed);
      });
      for (const job of jobs) {
        const delay = Math.min(600_000, 1000 * 2 ** Math.min(job.attempts, 10));
        await repo.postponeJob(db, job.id, new Date(at.getTime() + delay).toISOString(), (err as Error).message);
      }
      deps.log?.warn({ err, jobs: jobs.length }, 'customs gateway refused a send; retrying later');
      return 0;
    }
  }

  /** Signs a message for its filer when its type must be signed (no signer configured: sent as is). */
  async function signFor(enterpriseId: string | undefined, m: OutboundMessage): Promise<SignOutcome> {
    if (!deps.signer || !enterpriseId) return { message: m };
    const e = await repo.enterpriseById(db, enterpriseId);
    return deps.signer.sign({ id: enterpriseId, name: e?.name_zh ?? enterpriseId }, m);
  }

  /**
   * Stored documents or lists rebuilt into outbound messages: grouped per filer and type, up to
   * 100 per message, each message from its filer (a resend of documents, or the lists to declare)
   * and signed for it where customs requires.
   */
  async function messagesOf<R extends DocumentRow | InventoryRow>(rows: readonly R[]): Promise<{ rows: R[]; outcome: SignOutcome }[]> {
    const groups = new Map<string, R[]>();
    const out: { rows: R[]; outcome: SignOutcome }[] = [];
    for (const r of rows) {
      // A list or document filed signed goes alone, exactly as filed (its signature covers that message).
      if ('signed_xml' in r && r.signed_xml) {
        const e = await repo.enterpriseById(db, r.enterprise_id);
        const model: Model = { ...(readMessage(r.signed_xml).message ?? {}) };
        const direction = r.message_type === 'CEB603Message' ? 'export' : r.message_type === 'CEB621Message' ? 'import' : KINDS.get(r.message_type)!.direction;
        out.push({ rows: [r], outcome: { message: { messageType: r.message_type, direction, senderId: e?.dxp_id ?? e?.uscc ?? r.enterprise_id, model, xml: r.signed_xml } } });
        continue;
      }
      const key = `${r.enterprise_id} ${r.message_type}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const list of groups.values()) {
      const { enterprise_id: enterpriseId, message_type: type } = list[0]!;
      const [entity, direction] = type === 'CEB621Message' ? ['Inventory', 'import'] as const
        : type === 'CEB603Message' ? ['Inventory', 'export'] as const : [KINDS.get(type)!.entity, KINDS.get(type)!.direction] as const;
      const e = await repo.enterpriseById(db, enterpriseId);
      // One entity per message where the schema allows one (CEB711's Delivery).
      const per = type === 'CEB711Message' ? 1 : MAX_SEND_BATCH;
      for (let i = 0; i < list.length; i += per) {
        const part = list.slice(i, i + per);
        const message: OutboundMessage = {
          messageType: type, direction, senderId: e?.dxp_id ?? e?.uscc ?? enterpriseId,
          model: {
            guid: newGuid(), version: '1.0', [entity]: per === 1 ? bodyOf<Model>(part[0]!) : part.map((r) => bodyOf<Model>(r)),
            BaseTransfer: { copCode: e?.customs_code ?? e?.uscc ?? '', copName: e?.name_zh ?? '', dxpMode: 'DXP', dxpId: e?.dxp_id ?? '' },
          },
        };
        out.push({ rows: part, outcome: deps.signer ? await deps.signer.sign({ id: enterpriseId, name: e?.name_zh ?? enterpriseId }, message) : { message } });
      }
    }
    return out;
  }

  /**
   * Declarations customs has not answered (the simulator lost its receipts in a crash, a transport
   * dropped them) are sent again; customs answers a repeat by its guid, so a resend is harmless.
   */
  async function resendUnanswered(): Promise<number> {
    const at = now();
    const iso = at.toISOString();
    const cutoff = new Date(at.getTime() - resendAfter).toISOString();
    const invs = await repo.sentBefore(db, 'inventories', cutoff, 1000);
    const docs = await repo.sentBefore(db, 'ceb_documents', cutoff, 1000);
    if (!invs.length && !docs.length) return 0;
    const p: Pending = pending();
    for (const r of invs) event(p, 'inventory', r.id, r.message_type, r.cop_no, 'sent', 'send_failed', 'platform', 'unanswered', msg('EVENT_UNANSWERED', { seconds: Math.round(resendAfter / 1000) }), JSON.parse(r.audience), iso);
    for (const r of docs) event(p, 'document', r.id, r.message_type, r.doc_key, 'sent', 'send_failed', 'platform', 'unanswered', msg('EVENT_UNANSWERED', { seconds: Math.round(resendAfter / 1000) }), JSON.parse(r.audience), iso);
    await db.transaction().execute(async (trx) => {
      await repo.setStates(trx, 'inventories', new Map(invs.map((r) => [r.id, 'send_failed'])), iso);
      await repo.setStates(trx, 'ceb_documents', new Map(docs.map((r) => [r.id, 'send_failed'])), iso);
      const jobs = [];
      if (invs.length) jobs.push({ id: newSeqId(), stage: 'send', run_at: iso, attempts: 0, last_error: null, payload: JSON.stringify({ kind: 'inventories', ids: invs.map((r) => r.id) }) });
      if (docs.length) jobs.push({ id: newSeqId(), stage: 'send', run_at: iso, attempts: 0, last_error: null, payload: JSON.stringify({ kind: 'resend-documents', ids: docs.map((r) => r.id) }) });
      await repo.insertOutbox(ins, trx, jobs);
      await flushEvents(trx, p);
    });
    return invs.length + docs.length;
  }

  async function dispatch(): Promise<number> {
    if (dispatching) return dispatching;
    dispatching = (async () => {
      let total = 0;
      for (;;) {
        const n = await dispatchOnce();
        total += n;
        if (!n) break;
      }
      return total;
    })().finally(() => { dispatching = undefined; });
    return dispatching;
  }

  function wake(): void {
    // Only a started pipeline sends: a CLI intake leaves the work in the outbox for the server.
    if (closed || !started || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      const check = Date.now() - lastResendCheck > Math.min(10_000, resendAfter / 2);
      if (check) lastResendCheck = Date.now();
      (check ? resendUnanswered() : Promise.resolve(0))
        .then(() => dispatch())
        .catch((err) => deps.log?.error({ err }, 'dispatch failed'));
    }, 0);
  }

  // ---------------------------------------------------------------- receipts (gateway → platform)

  async function receive(receipts: readonly InboundReceipt[]): Promise<void> {
    const at = now();
    const iso = at.toISOString();
    interface R { type: string; entity: Head; key: string; subject: 'document' | 'inventory'; receivedAt: string }
    const items: R[] = [];
    const taxMessages: InboundReceipt[] = [];
    for (const r of receipts) {
      // Tax bills and their status go to the tax engine's ledger, after the lists' receipts of the
      // same batch (a bill names the list by the invtNo its 800 receipt brings).
      if (r.messageType === 'CEB816Message' || r.messageType === 'CEB818Message' || r.messageType === 'CEB702Message' || r.messageType === 'CEB792Message') {
        taxMessages.push(r);
        continue;
      }
      if (r.messageType === 'CEB622Message' || r.messageType === 'CEB604Message') {
        for (const e of (r.model.InventoryReturn as Head[] | undefined) ?? []) items.push({ type: r.messageType, entity: e, key: str(e.copNo), subject: 'inventory', receivedAt: r.receivedAt.toISOString() });
        continue;
      }
      const k = RECEIPT_KINDS.get(r.messageType);
      if (!k) {
        deps.log?.warn({ type: r.messageType }, 'receipt type not handled by the pipeline; stored without a subject');
      }
      const list = (r.model[k?.receipt.entity ?? ''] as Head[] | undefined) ?? [];
      for (const e of list) items.push({ type: r.messageType, entity: e, key: k!.receipt.key(e), subject: 'document', receivedAt: r.receivedAt.toISOString() });
      if (!k) {
        const info = (r.model.MessageReturn ?? {}) as Head;
        items.push({ type: r.messageType, entity: info, key: str(info.guid) || 'unknown', subject: 'document', receivedAt: r.receivedAt.toISOString() });
      }
    }
    await db.transaction().execute(async (trx) => {
      const p: Pending = pending();
      const docs = new Map((await repo.findDocumentSubjects(trx, 'doc_key', items.filter((i) => i.subject === 'document').map((i) => i.key))).map((d) => [d.doc_key, d]));
      const invs = new Map((await repo.findInventorySubjects(trx, items.filter((i) => i.subject === 'inventory').map((i) => i.key))).map((d) => [d.cop_no, d]));
      const audiences = new Map<string, string[]>();
      const rows: ReceiptRow[] = [];
      const docStates = new Map<string, string>();
      const invStates = new Map<string, string>();
      const giveBack = new Map<string, number>();
      const numbers = new Map<string, { pre: string | null; invt: string | null }>();
      const parcelIds = new Set<string>();
      // Bonded stock held by lists customs released (it leaves the book) or refused (it is free again).
      const stockMoves = new Map<string, 'exit' | 'release'>();
      const released = new Set<string>();
      for (const it of items) {
        const status = str(it.entity.returnStatus);
        const info: ReceiptInfo = { messageType: it.type, returnStatus: status, returnTime: str(it.entity.returnTime), returnInfo: str(it.entity.returnInfo) };
        const subject = it.subject === 'document' ? docs.get(it.key) : invs.get(it.key);
        rows.push({
          id: newSeqId(), subject: it.subject, subject_id: subject?.id ?? null, message_type: it.type, subject_key: it.key, return_status: status,
          return_time: info.returnTime, return_info: info.returnInfo, received_at: it.receivedAt,
        });
        if (!subject) {
          deps.log?.warn({ type: it.type, key: it.key }, 'receipt for an unknown document; stored');
          continue;
        }
        const states = it.subject === 'document' ? docStates : invStates;
        const from = states.get(subject.id) ?? subject.state;
        const to = it.subject === 'document' ? documentStateFor(status) : inventoryStateFor(status);
        const ok = to !== undefined && to !== from && (it.subject === 'document' ? canMoveDocument(from, to) : canMoveInventory(from, to));
        let audience = audiences.get(subject.id);
        if (!audience) audiences.set(subject.id, audience = JSON.parse(subject.audience) as string[]);
        const key = it.subject === 'document' ? (subject as repo.DocumentSubject).doc_key : (subject as repo.InventorySubject).cop_no;
        event(p, it.subject, subject.id, subject.message_type, key, from, ok ? to! : from, 'customs', `receipt:${status}`,
          msg(ok ? 'EVENT_RECEIPT' : 'EVENT_RECEIPT_KEPT', { status }), audience, iso, info);
        if (!ok) continue;
        states.set(subject.id, to!);
        if (it.subject === 'inventory') {
          const inv = subject as repo.InventorySubject;
          const pre = str(it.entity.preNo) || inv.pre_no;
          const invt = str(it.entity.invtNo) || inv.invt_no;
          if (pre !== inv.pre_no || invt !== inv.invt_no) numbers.set(inv.id, { pre, invt });
          if (to === 'rejected' || to === 'returned') parcelIds.add(inv.parcel_id);
          if (inv.message_type === 'CEB621Message' && (to === 'released' || to === 'rejected' || to === 'returned')) stockMoves.set(inv.parcel_id, to === 'released' ? 'exit' : 'release');
          if (to === 'released') released.add(inv.id);
        }
      }
      // Cancellations and returns customs decided: approval undoes the list (whole or in part) and
      // gives the buyer's quota back; a refusal leaves the list as it was.
      const verdicts = new Map<string, 'approved' | 'refused'>();
      const subjectById = new Map([...docs.values()].filter((d) => AFTERCARE_PARTS.has(KINDS.get(d.message_type)?.part ?? '')).map((d) => [d.id, d]));
      for (const [id, to] of subjectById.size ? docStates : []) {
        const d = subjectById.get(id);
        const part = d ? KINDS.get(d.message_type)?.part : undefined;
        if (part !== 'cancel' && part !== 'refund') continue;
        if (to === 'concluded') verdicts.set(id, 'approved');
        else if (to === 'rejected') verdicts.set(id, 'refused');
      }
      // A site entry record customs accepted (120 入库 / 399): the inbound consignments it lists — waybills
      // that are not direct-purchase parcels — enter the bonded warehouse's stock (entries by 711).
      const entered = [...subjectById.size ? docStates : []].filter(([id, to]) => (to === 'stored' || to === 'concluded') && subjectById.get(id)?.message_type === 'CEB711Message').map(([id]) => id);
      for (const r of entered.length ? await repo.findDocumentsById(trx, entered) : []) {
        const e = bodyOf<Head>(r);
        const h = (e.DeliveryHead ?? {}) as Head;
        const nos = ((e.DeliveryList as Head[] | undefined) ?? []).map((l) => str(l.logisticsNo));
        const parcels = new Set((await repo.findDocumentsByKey(trx, nos.map((n) => importWaybillKey(str(h.logisticsCode), n)))).map((d) => d.doc_key));
        const inbound = nos.filter((n) => !parcels.has(importWaybillKey(str(h.logisticsCode), n)));
        if (!inbound.length) continue;
        const done = await bondedStock.deliver(trx, { guid: str(h.guid), operatorCode: str(h.operatorCode), logisticsCode: str(h.logisticsCode), logisticsNos: inbound, at, actor: 'customs' });
        if (!done.ok) deps.log?.warn({ copNo: str(h.copNo), unknown: done.unknown }, 'a site entry customs accepted lists consignments no longer announced; not entered');
      }
      for (const dec of await decideApplications(trx, verdicts, at)) {
        const l = dec.list;
        const from = invStates.get(l.id) ?? l.state;
        const to = dec.listState && canMoveInventory(from, dec.listState) ? dec.listState : from;
        if (to !== from) invStates.set(l.id, to);
        event(p, 'inventory', l.id, l.message_type, l.cop_no, from, to, 'customs', `${dec.row.kind}_approved`,
          dec.listState ? msg('EVENT_AFTERCARE_APPROVED', { type: dec.row.message_type.slice(0, 6), key: l.invt_no ?? l.cop_no }) : msg('EVENT_AFTERCARE_PARTLY', { key: l.invt_no ?? l.cop_no }),
          JSON.parse(dec.row.audience), iso);
        if (dec.quota) giveBack.set(dec.quota.key, (giveBack.get(dec.quota.key) ?? 0) - dec.quota.fen);
      }
      // Quota held by a list customs refused or sent back is given back to the buyer.
      if (parcelIds.size) {
        for (const x of await repo.findParcelsById(trx, [...parcelIds])) {
          if (x.buyer_key && x.value_fen) giveBack.set(`${x.buyer_key}|${x.year}`, (giveBack.get(`${x.buyer_key}|${x.year}`) ?? 0) - Number(x.value_fen));
        }
      }
      // Export lists customs closed: their lines join the month's consolidated declaration.
      const closing = [...invStates].filter(([, to]) => to === 'closed').map(([id]) => id);
      const typeOf = closing.length ? new Map([...invs.values()].map((v) => [v.id, v.message_type])) : new Map<string, string>();
      const closedExports = closing.filter((id) => typeOf.get(id) === 'CEB603Message');
      if (closedExports.length && deps.onExportClosed) {
        const rows = await repo.findInventoriesById(trx, closedExports);
        await deps.onExportClosed(trx, rows.filter((l) => l.invt_no || numbers.get(l.id)?.invt).map((l) => ({ invtNo: numbers.get(l.id)?.invt ?? l.invt_no!, closedAt: at, body: JSON.parse(l.body) as ExportInventory })));
      }
      if (released.size && deps.onListsReleased) {
        const rows = await repo.findInventoriesById(trx, [...released]);
        await deps.onListsReleased(trx, rows.map((l) => ({ invtNo: numbers.get(l.id)?.invt ?? l.invt_no ?? l.cop_no, messageType: l.message_type, releasedAt: at, body: JSON.parse(l.body) as ExportInventory })));
      }
      if (stockMoves.size) {
        const holding = await bondedStock.heldRefs(trx, [...stockMoves.keys()]);
        for (const ref of holding) {
          if (stockMoves.get(ref) === 'exit') await bondedStock.exit(trx, ref, at);
          else await bondedStock.release(trx, ref, at, 'customs');
        }
      }
      await repo.insertReceipts(ins, trx, rows);
      await repo.setStates(trx, 'ceb_documents', docStates, iso);
      await repo.setStates(trx, 'inventories', invStates, iso);
      await repo.setInventoryNumbers(trx, numbers);
      await repo.addQuotas(trx, giveBack);
      await flushEvents(trx, p);
    });
    for (const r of taxMessages) {
      if (r.messageType === 'CEB702Message' || r.messageType === 'CEB792Message') {
        if (deps.summaries) await deps.summaries.receive(r.messageType, r.model);
        else deps.log?.warn({ type: r.messageType }, 'summary answer received without a summary service; not stored');
        continue;
      }
      if (deps.taxBills) await deps.taxBills.receive(r.messageType, r.model);
      else deps.log?.warn({ type: r.messageType }, 'tax bill received without a tax ledger; not stored');
    }
  }

  // ---------------------------------------------------------------- item records

  async function putItemRecords(enterprise: Enterprise, records: readonly ItemRecordInput[]): Promise<number> {
    const ebcCode = enterprise.customsCode ?? enterprise.uscc;
    const iso = now().toISOString();
    await db.transaction().execute((trx) => repo.upsertItemRecords(trx, records.map((r) => ({
      ebc_code: ebcCode, item_no: r.itemNo, enterprise_id: enterprise.id, gcode: r.gcode, gname: r.gname, unit1: r.unit1,
      qty1_per_unit: r.qty1PerUnit, unit2: r.unit2 ?? null, qty2_per_unit: r.qty2PerUnit ?? null, updated_at: iso,
      gmodel: r.gmodel ?? null, unit: r.unit ?? null, country: r.country ?? null, bar_code: r.barCode ?? null,
      content_amount: r.contentAmount ?? null, content_unit: r.contentUnit ?? null,
    }))));
    return records.length;
  }

  async function verifyBuyers(enterprise: Enterprise, buyers: readonly { idType: string; idNumber: string }[]): Promise<number> {
    const ebpCode = enterprise.customsCode ?? enterprise.uscc;
    const iso = now().toISOString();
    await db.transaction().execute((trx) => repo.upsertBuyerVerifications(ins, trx, buyers.map((b) => ({
      ebp_code: ebpCode, buyer_key: buyerKey(b.idType, b.idNumber), enterprise_id: enterprise.id, verified_at: iso,
    }))));
    return buyers.length;
  }

  async function decideHeld(documentIds: readonly string[], approve: boolean, actor: string, reason: string): Promise<number> {
    const at = now();
    const iso = at.toISOString();
    const n = await db.transaction().execute(async (trx) => {
      const p: Pending = pending();
      const rows = (await repo.findDocumentsById(trx, documentIds)).filter((r) => r.state === 'held');
      // Lists a declarant filed: approved they wait for their parcel (decided now), rejected they stop.
      const lists = (await repo.findInventoriesById(trx, documentIds)).filter((l) => l.state === 'held');
      if (lists.length) {
        const next = approve ? 'waiting' : 'rejected';
        for (const l of lists) {
          event(p, 'inventory', l.id, l.message_type, l.cop_no, 'held', next, actor, approve ? 'review_approved' : 'review_rejected',
            msg(approve ? 'EVENT_REVIEW_APPROVED' : 'EVENT_REVIEW_REJECTED', { reason }), JSON.parse(l.audience), iso);
        }
        await repo.setStates(trx, 'inventories', new Map(lists.map((l) => [l.id, next])), iso);
        if (approve) await decide(trx, await repo.findParcelsById(trx, lists.map((l) => l.parcel_id)), new Map(), at, p);
      }
      if (!rows.length) {
        await flushEvents(trx, p);
        return lists.length;
      }
      const to = approve ? 'received' : 'rejected';
      for (const r of rows) {
        event(p, 'document', r.id, r.message_type, r.doc_key, 'held', to, actor, approve ? 'review_approved' : 'review_rejected',
          msg(approve ? 'EVENT_REVIEW_APPROVED' : 'EVENT_REVIEW_REJECTED', { reason }), JSON.parse(r.audience), iso);
      }
      await repo.setStates(trx, 'ceb_documents', new Map(rows.map((r) => [r.id, to])), iso);
      if (approve) {
        const byType = new Map<string, DocumentRow[]>();
        for (const r of rows) byType.set(r.message_type, [...(byType.get(r.message_type) ?? []), { ...r, state: 'received' }]);
        for (const [type, list] of byType) await link(trx, KINDS.get(type)!, list, at, p);
        await repo.insertOutbox(ins, trx, [{ id: newSeqId(), stage: 'send', run_at: iso, attempts: 0, last_error: null, payload: JSON.stringify({ kind: 'resend-documents', ids: rows.map((r) => r.id) }) }]);
      }
      await flushEvents(trx, p);
      return rows.length + lists.length;
    });
    wake();
    return n;
  }

  async function enqueue(enterpriseId: string, messageType: string, direction: 'import' | 'export', models: readonly Model[]): Promise<void> {
    if (!models.length) return;
    const iso = now().toISOString();
    await db.transaction().execute((trx) => repo.insertOutbox(ins, trx, [{
      id: newSeqId(), stage: 'send', run_at: iso, attempts: 0, last_error: null,
      payload: JSON.stringify({ kind: 'prepared', enterpriseId, messageType, direction, models }),
    }]));
    wake();
  }

  return {
    submit, dispatch, receive, putItemRecords, verifyBuyers, enqueue, decideHeld,
    async start() {
      await gateway.start((r) => receive(r));
      started = true;
      // Work left by a previous run, and sends postponed after a gateway failure, are picked up here.
      poll = setInterval(wake, 1000).unref();
      wake();
    },
    async retryHeld() {
      const n = await repo.releaseHeldJobs(db, now().toISOString());
      if (n) wake();
      return n;
    },
    async drain(maxRounds = 1000) {
      const idle = (gateway as { idle?: () => Promise<void> }).idle;
      for (let i = 0; i < maxRounds; i++) {
        await dispatch();
        if (idle) await idle.call(gateway);
        await flushSent(db);
        if ((await repo.countJobs(db)) === 0 && !dispatching) {
          if (idle) await idle.call(gateway);
          if ((await repo.countJobs(db)) === 0) return;
        }
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      await dispatching?.catch(() => 0);
      await flushSent(db).catch(() => undefined);
      await gateway.close();
    },
  };
}

interface Msg { readonly key: MessageCode; readonly params?: Params }
const msg = (key: MessageCode, params?: Params): Msg => (params ? { key, params } : { key });
