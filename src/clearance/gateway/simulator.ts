// A customs simulator behind the gateway port: it answers like customs does. Documents get
// 2 (申报中) then 120 (入库); inventory lists walk the official sequence 2 → 3 → 120 → 399 → 800 →
// 899, with configurable shares of 100 退单, 300 人工审核, 500 查验, 501–503/599 扣留 and 700 退运.
// It keeps its own per-buyer annual ledger and applies the limits itself (-621005, -621018), and
// answers a message it cannot read with CEB900. Receipts are held in memory: a simulator restart
// loses receipts not yet delivered (a real transport keeps them; see the AMQP adapter).
import { verifyXml } from '../../signing/dsig.js';
import { mustSign } from '../../signing/outbound.js';
import { createHash } from 'node:crypto';
import type { Model } from '../../ceb/codec.js';
import { checkModel } from '../../ceb/codec.js';
import { formatCustomsTime } from '../../kernel/time.js';
import { Rng } from '../../kernel/random.js';
import { newGuid } from '../../kernel/ids.js';
import type { Inventory } from '../../ceb/model/import-202205.js';
import { units, unitsToFen } from '../match/mismatch.js';
import { ANNUAL_LIMIT_FEN, SINGLE_LIMIT_FEN } from '../match/import.js';
import type { CustomsGateway, InboundReceipt, OutboundMessage, ReceiptSink } from './port.js';

export interface SimulatorShares {
  /** 100 海关退单 */
  readonly reject: number;
  /** 300 人工审核 (then released) */
  readonly review: number;
  /** 500 查验 (then released) */
  readonly inspect: number;
  /** 501–503/599 扣留 (the list stays detained) */
  readonly detain: number;
  /** 700 退运 (after inspection) */
  readonly returned: number;
}

export interface SimulatorOptions {
  readonly shares?: Partial<SimulatorShares>;
  /** Time between two receipts of one document (ms); 0 delivers every step at once. */
  readonly stepDelayMs?: number;
  /** Seed of the simulator's own choices, so a run can be repeated. */
  readonly seed?: number;
  /** Check every message with the codec and answer CEB900 when it fails (costs a write and a read). */
  readonly validate?: boolean;
  /**
   * Check the signature of every declaration customs requires signed (catalogue mustSign), as
   * customs does: unsigned or invalid → CEB900 with DXP 1001 (costs a verification per message).
   */
  readonly verifySignatures?: boolean;
  /**
   * Customs' tax for a released import list, for its electronic tax bill (CEB816, sent with 800);
   * undefined (or no function): no bill. Taxes in yuan with two decimals.
   */
  readonly taxBill?: (inventory: Inventory) => Promise<TaxBillFigures | undefined>;
  /**
   * Customs' answers to consolidated declarations (CEB701 → CEB702, then CEB792), given every
   * CEB701 of one send together (a split application's parts travel together).
   */
  readonly summaryAnswer?: (ceb701: readonly Model[], at: Date) => Promise<{ returns: Model[]; results: Model[] }>;
  readonly now?: () => Date;
}

export interface TaxBillFigures {
  readonly customsTax: string;
  readonly valueAddedTax: string;
  readonly consumptionTax: string;
  readonly lines: readonly { gnum: string; gcode: string; taxPrice: string; customsTax: string; valueAddedTax: string; consumptionTax: string }[];
}

export const DEFAULT_SHARES: SimulatorShares = { reject: 0.01, review: 0.03, inspect: 0.02, detain: 0.002, returned: 0.001 };

/** What customs answers each enterprise document with: receipt type, entity, and the fields echoed. */
const DOCS: Record<string, { type: string; entity: string; head?: string; ret: string; keys: readonly string[] }> = {
  CEB311Message: { type: 'CEB312Message', entity: 'Order', head: 'OrderHead', ret: 'OrderReturn', keys: ['guid', 'ebpCode', 'ebcCode', 'orderNo'] },
  CEB411Message: { type: 'CEB412Message', entity: 'Payment', head: 'PaymentHead', ret: 'PaymentReturn', keys: ['guid', 'payCode', 'payTransactionId'] },
  CEB511Message: { type: 'CEB512Message', entity: 'Logistics', head: 'LogisticsHead', ret: 'LogisticsReturn', keys: ['guid', 'logisticsCode', 'logisticsNo'] },
  CEB303Message: { type: 'CEB304Message', entity: 'Order', head: 'OrderHead', ret: 'OrderReturn', keys: ['guid', 'ebpCode', 'ebcCode', 'orderNo'] },
  CEB403Message: { type: 'CEB404Message', entity: 'Receipts', ret: 'ReceiptsReturn', keys: ['guid', 'ebcCode', 'orderNo', 'payNo'] },
  CEB505Message: { type: 'CEB506Message', entity: 'Logistics', ret: 'LogisticsReturn', keys: ['guid', 'logisticsCode', 'logisticsNo'] },
  CEB607Message: { type: 'CEB608Message', entity: 'WayBill', head: 'WayBillHead', ret: 'WayBillReturn', keys: ['guid', 'agentCode', 'logisticsCode', 'copNo', 'preNo', 'billNo', 'msgSeqNo'] },
  CEB507Message: { type: 'CEB508Message', entity: 'Arrival', head: 'ArrivalHead', ret: 'ArrivalReturn', keys: ['guid', 'operatorCode', 'logisticsCode', 'preNo', 'copNo', 'billNo', 'msgSeqNo'] },
  CEB509Message: { type: 'CEB510Message', entity: 'Departure', head: 'DepartureHead', ret: 'DepartureReturn', keys: ['guid', 'logisticsCode', 'copNo', 'preNo', 'msgSeqNo'] },
  CEB513Message: { type: 'CEB514Message', entity: 'LogisticsStatus', ret: 'LogisticsStatusReturn', keys: ['guid', 'logisticsCode', 'logisticsNo', 'logisticsStatus'] },
  CEB711Message: { type: 'CEB712Message', entity: 'Delivery', head: 'DeliveryHead', ret: 'DeliveryReturn', keys: ['guid', 'customsCode', 'operatorCode', 'copNo', 'preNo'] },
  CEB215Message: { type: 'CEB216Message', entity: 'InvtRefundDetail', ret: 'InvtRefundDetailReturn', keys: ['guid', 'operatorCode', 'logisticsCode', 'logisticsNo', 'coElNo', 'preNo'] },
};

/** Cancellations and returns: customs decides them against the list they name. */
const UNDO: Record<string, { type: string; entity: string; head?: string; ret: string; keys: readonly string[]; ok: string }> = {
  CEB623Message: { type: 'CEB624Message', entity: 'InvtCancel', ret: 'InvtCancelReturn', keys: ['guid', 'customsCode', 'agentCode', 'ebpCode', 'ebcCode', 'copNo', 'preNo', 'invtNo'], ok: '399' },
  CEB625Message: { type: 'CEB626Message', entity: 'InvtRefund', head: 'InvtRefundHead', ret: 'InvtRefundReturn', keys: ['guid', 'customsCode', 'agentCode', 'ebpCode', 'ebcCode', 'copNo', 'preNo', 'invtNo'], ok: '399' },
  CEB605Message: { type: 'CEB606Message', entity: 'InvtCancel', ret: 'InvtCancelReturn', keys: ['guid', 'agentCode', 'copNo', 'preNo', 'invtNo'], ok: '399' },
  CEB213Message: { type: 'CEB214Message', entity: 'InvtRefund', head: 'InvtRefundHead', ret: 'RefundReturn', keys: ['guid', 'ebpCode', 'ebcCode', 'agentCode', 'coElNo', 'preNo', 'invtNo'], ok: '800' },
};

/** What customs remembers of a list it released, to decide a later cancellation or return. */
interface Released {
  readonly list: Model;
  readonly at: Date;
  readonly buyer?: string;
  readonly valueFen: number;
  readonly taxNo?: string;
  /** Quantities already returned per gnum (5-decimal units). */
  readonly returned: Map<string, bigint>;
  undone: boolean;
  closed: boolean;
}


export interface SimulatorGateway extends CustomsGateway {
  /** Resolves once every receipt produced so far has been delivered. */
  idle(): Promise<void>;
}

export function createCustomsSimulator(options: SimulatorOptions = {}): SimulatorGateway {
  const shares = { ...DEFAULT_SHARES, ...options.shares };
  const step = options.stepDelayMs ?? 0;
  const rng = new Rng(options.seed ?? 20260401);
  const rand = () => rng.float();
  const now = options.now ?? (() => new Date());
  const ledger = new Map<string, number>();
  // Released export lists by carrier + waybill number, for 结关 on departure.
  const exportLists = new Map<string, Model>();
  // Lists customs released, by invtNo (import and export), for cancellations and returns.
  const released = new Map<string, Released>();
  let sink: ReceiptSink | undefined;
  let seq = 0;
  // Due receipts grouped by delivery time; one timer at a time.
  const due = new Map<number, InboundReceipt[]>();
  let timer: NodeJS.Timeout | undefined;
  let delivering: Promise<void> = Promise.resolve();
  let closed = false;
  let waiters: (() => void)[] = [];

  const returnTime = (at: Date, offset: number) => formatCustomsTime(new Date(at.getTime() + offset), 'YYYYMMDDhhmmssSSS');

  function schedule(receipts: InboundReceipt[], delay: number): void {
    if (!receipts.length) return;
    const at = Date.now() + delay;
    due.set(at, [...(due.get(at) ?? []), ...receipts]);
    arm();
  }
  function arm(): void {
    if (timer || closed || !due.size) return;
    const next = Math.min(...due.keys());
    timer = setTimeout(flush, Math.max(0, next - Date.now()));
  }
  function flush(): void {
    timer = undefined;
    const t = Date.now();
    const ready: InboundReceipt[] = [];
    for (const at of [...due.keys()].sort((a, b) => a - b)) {
      if (at > t) break;
      ready.push(...due.get(at)!);
      due.delete(at);
    }
    delivering = delivering.then(async () => {
      if (!ready.length || !sink) return;
      try {
        await sink(ready);
      } catch {
        // The platform could not store them: offer them again shortly, as a queue would.
        schedule(ready, 200);
      }
    }).finally(() => {
      arm();
      if (!due.size && !timer) {
        const w = waiters;
        waiters = [];
        w.forEach((f) => f());
      }
    });
  }

  function documentReceipts(m: OutboundMessage, at: Date): InboundReceipt[][] {
    const d = DOCS[m.messageType];
    if (!d) return [];
    const raw = m.model[d.entity] as Model[] | Model | undefined;
    const heads = (Array.isArray(raw) ? raw : raw ? [raw] : []).map((e) => (d.head ? e[d.head] : e) as Model);
    const pre = () => `B${formatCustomsTime(at, 'YYYYMMDD')}${String(++seq).padStart(9, '0')}`;
    const echoed = heads.map((h) => ({ ...Object.fromEntries(d.keys.map((k) => [k, h[k] ?? ''])), ...(d.keys.includes('preNo') ? { preNo: h.preNo || pre() } : {}) }));
    const one = (status: string, info: string, offset: number): InboundReceipt => ({
      messageType: d.type, receivedAt: at,
      model: { guid: newGuid(), version: '1.0', [d.ret]: echoed.map((e) => ({ ...e, returnStatus: status, returnTime: returnTime(at, offset), returnInfo: info })) },
    });
    const steps = [[one('2', '电子口岸已暂存，申报中', 0)], [one('120', '海关入库成功', 1)]];
    // 离境: the lists of the departed waybills are closed (结关) after the departure is stored.
    if (m.messageType === 'CEB509Message') {
      const closed: Model[] = [];
      for (const e of (m.model.Departure as Model[] | undefined) ?? []) {
        const h = e.DepartureHead as Model;
        for (const l of (e.DepartureList as Model[] | undefined) ?? []) {
          const list = exportLists.get(`${String(h.logisticsCode)}|${String(l.logisticsNo)}`);
          if (list) {
            closed.push({ ...list, returnStatus: '899', returnTime: returnTime(at, 2), returnInfo: '结关（离境）' });
            const r = released.get(String(list.invtNo));
            if (r) r.closed = true;
          }
        }
      }
      if (closed.length) steps.push([{ messageType: 'CEB604Message', receivedAt: at, model: { guid: newGuid(), version: '1.0', InventoryReturn: closed } }]);
    }
    return steps;
  }

  type Write = (i: number, status: string, info: string, withInvt?: boolean) => void;

  /**
   * Receipts for each list of a 621/603 message: customs' numbers (preNo at once, invtNo from 120
   * on), a writer for the receipt at step i echoing the list's fields, and one receipt message per step.
   */
  function listReceipts(m: OutboundMessage, at: Date, type: 'CEB622Message' | 'CEB604Message', ieFlag: 'I' | 'E',
    echo: (h: Record<string, string>, preNo: string) => Model, walk: (inv: Model, h: Record<string, string>, receipt: Write, base: Model, invtNo: string) => void): InboundReceipt[][] {
    const steps: Model[][] = [];
    const day = formatCustomsTime(at, 'YYYYMMDD');
    for (const inv of (m.model.Inventory as Model[] | undefined) ?? []) {
      const h = inv.InventoryHead as Record<string, string>;
      const n = ++seq;
      const invtNo = `${h.customsCode}${day.slice(0, 4)}${ieFlag}${String(n).padStart(9, '0')}`.slice(0, 18);
      const base = echo(h, `B${day}${String(n).padStart(9, '0')}`);
      const receipt: Write = (i, status, info, withInvt = false) =>
        (steps[i] ??= []).push({ ...base, ...(withInvt ? { invtNo } : {}), returnStatus: status, returnTime: returnTime(at, i), returnInfo: info });
      walk(inv, h, receipt, base, invtNo);
    }
    return steps.map((entities) => [{ messageType: type, receivedAt: at, model: { guid: newGuid(), version: '1.0', InventoryReturn: entities } }]);
  }

  /** From 120 on: 300 人工审核 or 500 查验 by their shares, then 399 审结 and 800 放行; the next step. */
  function release(receipt: Write, i: number, r: number): number {
    if (r < shares.review) receipt(i++, '300', '人工审核');
    else if (r < shares.review + shares.inspect) receipt(i++, '500', '查验');
    receipt(i++, '399', '海关审结', true);
    receipt(i++, '800', '放行', true);
    return i;
  }

  /** Export lists (CEB603) answered up to 800 放行; 899 结关 comes with the waybill's departure. */
  function exportInventoryReceipts(m: OutboundMessage, at: Date): InboundReceipt[][] {
    const echo = (h: Record<string, string>, preNo: string) => ({
      guid: h.guid, agentCode: h.agentCode, copNo: h.copNo, preNo, invtNo: '', ebcCode: h.ebcCode, ebpCode: h.ebpCode, orderNo: h.orderNo, statisticsFlag: h.statisticsFlag,
    });
    return listReceipts(m, at, 'CEB604Message', 'E', echo, (_inv, h, receipt, base, invtNo) => {
      receipt(0, '2', '新增申报成功');
      receipt(1, '3', '发送海关成功');
      const roll = rand();
      if (roll < shares.reject) { receipt(2, '100', '海关退单：申报要素不全'); return; }
      receipt(2, '120', '海关入库', true);
      release(receipt, 3, roll - shares.reject);
      exportLists.set(`${h.logisticsCode}|${h.logisticsNo}`, { ...base, invtNo });
      released.set(invtNo, { list: _inv, at: now(), valueFen: 0, returned: new Map(), undone: false, closed: false });
    });
  }

  function inventoryReceipts(m: OutboundMessage, at: Date, bills: ReadonlyMap<string, TaxBillFigures> = new Map()): InboundReceipt[][] {
    const echo = (h: Record<string, string>, preNo: string) => ({
      guid: h.guid, customsCode: h.customsCode, ebpCode: h.ebpCode, ebcCode: h.ebcCode, agentCode: h.agentCode, copNo: h.copNo, preNo,
    });
    // Tax bills go out with the release (800): step index → bills of that step.
    const taxed = new Map<number, Model[]>();
    const steps = listReceipts(m, at, 'CEB622Message', 'I', echo, (model, h, receipt, _base, invtNo) => {
      const bill = bills.get(h.copNo ?? '');
      const write: Write = (i, status, info, withInvt) => {
        receipt(i, status, info, withInvt);
        if (status === '800' && bill) {
          (taxed.get(i) ?? taxed.set(i, []).get(i)!).push({
            TaxHeadRd: {
              guid: newGuid(), returnTime: returnTime(at, i), invtNo, taxNo: `${invtNo}01`, customsTax: bill.customsTax, valueAddedTax: bill.valueAddedTax,
              consumptionTax: bill.consumptionTax, status: '1', assureCode: h.assureCode, ebcCode: h.ebcCode, logisticsCode: h.logisticsCode, agentCode: h.agentCode, customsCode: h.customsCode,
            },
            TaxListRd: bill.lines.map((l) => ({ ...l })),
          });
        }
      };
      walkImport(model, h, write, invtNo, bill ? `${invtNo}01` : undefined);
    });
    for (const [i, tax] of taxed) (steps[i] ??= []).push({ messageType: 'CEB816Message', receivedAt: at, model: { guid: newGuid(), version: '1.0', Tax: tax } });
    return steps;
  }

  /** One import list's answers: customs' own limit checks, then 120 and the release path by the shares. */
  function walkImport(model: Model, h: Record<string, string>, receipt: Write, invtNo: string, taxNo: string | undefined): void {
    const inv = model as unknown as Inventory;
    receipt(0, '2', '新增申报成功');
    // Customs' own limit checks on the list (cbec-rules.md §3.1).
    const value = unitsToFen(inv.InventoryList.reduce((s, l) => s + (units(l.totalPrice) ?? 0n), 0n) + (units(h.freight) ?? 0n) + (units(h.insuredFee) ?? 0n));
    const single = inv.InventoryList.length === 1 && units(inv.InventoryList[0]!.qty) === 100000n;
    const buyer = createHash('sha256').update(h.buyerIdNumber!).digest('base64url');
    const used = ledger.get(buyer) ?? 0;
    if (value > SINGLE_LIMIT_FEN && !single) { receipt(1, '-621005', `清单[${h.copNo}]的购买金额超过单笔限额[5000]`); return; }
    if (used + value > ANNUAL_LIMIT_FEN) { receipt(1, '-621018', `清单[${h.copNo}]中购买人[${h.buyerName}]已用购买额度为[${(used / 100).toFixed(2)}]，本次购买将超过年度限额[26000]`); return; }
    receipt(1, '3', '发送海关成功');
    const roll = rand();
    let i = 2;
    if (roll < shares.reject) { receipt(i, '100', '海关退单：申报要素不全'); return; }
    receipt(i++, '120', '海关入库', true);
    ledger.set(buyer, used + value);
    let r = roll - shares.reject;
    if (r < shares.detain) { receipt(i, ['501', '502', '503', '599'][Math.floor(rand() * 4)]!, '扣留'); return; }
    r -= shares.detain;
    if (r < shares.returned) {
      receipt(i++, '500', '查验');
      receipt(i, '700', '退运');
      ledger.set(buyer, used);
      return;
    }
    receipt(release(receipt, i, r - shares.returned), '899', '结关', true);
    released.set(invtNo, { list: model, at: now(), buyer, valueFen: value, ...(taxNo ? { taxNo } : {}), returned: new Map(), undone: false, closed: true });
  }

  /**
   * A cancellation (623/605) or return (625/213): customs checks it against the list it released
   * — known, not undone already, returns within their window and within the quantities — then
   * approves it (399; a return of exports is released, 800). An approved import cancellation or
   * whole return voids the tax bill (CEB818 status 3) and gives the buyer's quota back.
   */
  function undoReceipts(m: OutboundMessage, at: Date): InboundReceipt[][] {
    const d = UNDO[m.messageType]!;
    const steps: InboundReceipt[][] = [[], [], []];
    const voids: Model[] = [];
    for (const e of (m.model[d.entity] as Model[] | undefined) ?? []) {
      const h = (d.head ? e[d.head] : e) as Model;
      const echo = { ...Object.fromEntries(d.keys.map((k) => [k, h[k] ?? ''])), preNo: h.preNo || `B${formatCustomsTime(at, 'YYYYMMDD')}${String(++seq).padStart(9, '0')}` };
      const push = (i: number, status: string, info: string) => steps[i]!.push({
        messageType: d.type, receivedAt: at,
        model: { guid: newGuid(), version: '1.0', [d.ret]: [{ ...echo, returnStatus: status, returnTime: returnTime(at, i), returnInfo: info }] },
      });
      // A withdrawal (appType 3) is acknowledged and changes nothing.
      if (String(h.appType ?? '1') === '3') { push(0, '2', '删除申报成功'); push(1, '399', '已删除'); continue; }
      push(0, '2', '新增申报成功');
      const invtNo = String(h.invtNo ?? '');
      const list = released.get(invtNo);
      const importing = m.messageType === 'CEB623Message' || m.messageType === 'CEB625Message';
      if (!list) { push(1, importing ? (m.messageType === 'CEB623Message' ? '-623003' : '-625016') : '100', `系统中不存在清单编号为[${invtNo}]的清单`); continue; }
      if (list.undone) { push(1, m.messageType === 'CEB623Message' ? '-623009' : m.messageType === 'CEB625Message' ? '-625022' : '100', `清单[${invtNo}]已撤销或退货`); continue; }
      const days = (at.getTime() - list.at.getTime()) / 86_400_000;
      if (m.messageType === 'CEB625Message' && days > 30) { push(1, '100', `清单[${invtNo}]放行已超过30天，不予退货`); continue; }
      if (m.messageType === 'CEB213Message' && days > 366) { push(1, '100', `清单[${invtNo}]放行已超过1年，不予退货`); continue; }
      if (m.messageType === 'CEB605Message' && list.closed) { push(1, '100', `清单[${invtNo}]已离境结关，不能撤销`); continue; }
      let whole = m.messageType === 'CEB623Message' || m.messageType === 'CEB605Message';
      let share = whole ? list.valueFen : 0;
      if (!whole) {
        const own = new Map(((list.list.InventoryList as Model[] | undefined) ?? []).map((l) => [String(l.gnum), l]));
        let bad = '';
        const asked = new Map<string, bigint>();
        for (const r of (e.InvtRefundList as Model[] | undefined) ?? []) {
          const l = own.get(String(r.gnum));
          const q = units(String(r.qty)) ?? 0n;
          const left = (units(String(l?.qty ?? '0')) ?? 0n) - (list.returned.get(String(r.gnum)) ?? 0n) - (asked.get(String(r.gnum)) ?? 0n);
          if (!l || q <= 0n || q > left) { bad = `第[${String(r.gnum)}]项退货数量不符`; break; }
          asked.set(String(r.gnum), (asked.get(String(r.gnum)) ?? 0n) + q);
        }
        if (bad) { push(1, importing ? '-625001' : '100', `退货申请单报文校验失败，${bad}`); continue; }
        for (const [g, q] of asked) list.returned.set(g, (list.returned.get(g) ?? 0n) + q);
        whole = [...own.values()].every((l) => (list.returned.get(String(l.gnum)) ?? 0n) >= (units(String(l.qty)) ?? 0n));
        const total = [...own.values()].reduce((s2, l) => s2 + (units(String(l.totalPrice)) ?? 0n), 0n);
        const back = [...asked].reduce((s2, [g, q]) => {
          const l = own.get(g)!;
          const of = units(String(l.qty)) ?? 1n;
          return s2 + (units(String(l.totalPrice)) ?? 0n) * q / (of || 1n);
        }, 0n);
        share = whole ? list.valueFen : total > 0n ? Number(BigInt(list.valueFen) * back / total) : 0;
      }
      push(1, '120', '海关入库');
      push(2, d.ok, d.ok === '800' ? '退货放行' : '海关审结');
      if (whole) list.undone = true;
      if (importing && list.buyer) ledger.set(list.buyer, Math.max(0, (ledger.get(list.buyer) ?? 0) - share));
      if (importing && whole && list.taxNo) {
        voids.push({ TaxHeadStatus: { guid: newGuid(), returnTime: returnTime(at, 2), invtNo, taxNo: list.taxNo, status: '3' } });
      }
    }
    if (voids.length) steps[2]!.push({ messageType: 'CEB818Message', receivedAt: at, model: { guid: newGuid(), version: '1.0', Tax: voids } });
    return steps.filter((x) => x.length);
  }

  function formatReceipt(m: OutboundMessage, at: Date, problems: string): InboundReceipt {
    return {
      messageType: 'CEB900Message', receivedAt: at,
      model: { guid: newGuid(), version: '1.0', MessageReturn: { guid: String(m.model.guid ?? ''), messageType: m.messageType, returnStatus: '-1', returnTime: returnTime(at, 0), returnInfo: problems.slice(0, 5000) } },
    };
  }

  return {
    name: 'simulator',
    async start(s) { sink = s; },
    async send(messages) {
      if (closed) throw new Error('customs simulator is closed');
      const at = now();
      const summaries: Model[] = [];
      for (const m of messages) {
        if (options.verifySignatures && mustSign(m.messageType)) {
          const report = m.xml === undefined ? undefined : verifyXml(m.xml);
          if (!report?.valid) {
            schedule([formatReceipt(m, at, `1001 数字签名无效 / invalid digital signature: ${report ? report.detail : 'the declaration is not signed'}`)], 0);
            continue;
          }
        }
        if (options.validate) {
          const check = checkModel(m.messageType, m.model);
          const errors = check.errors.filter((e) => !/Signature/.test(e.path));
          if (errors.length) {
            schedule([formatReceipt(m, at, errors.map((e) => `${e.code} ${e.path} ${e.message['zh-CN']}`).join('; '))], 0);
            continue;
          }
        }
        if (m.messageType === 'CEB701Message') {
          summaries.push(m.model);
          continue;
        }
        const bills = new Map<string, TaxBillFigures>();
        if (options.taxBill && m.messageType === 'CEB621Message') {
          for (const inv of (m.model.Inventory as Inventory[] | undefined) ?? []) {
            const b = await options.taxBill(inv).catch(() => undefined);
            if (b) bills.set(inv.InventoryHead.copNo ?? '', b);
          }
        }
        const steps = m.messageType === 'CEB621Message' ? inventoryReceipts(m, at, bills)
          : m.messageType === 'CEB603Message' ? exportInventoryReceipts(m, at)
            : UNDO[m.messageType] ? undoReceipts(m, at) : documentReceipts(m, at);
        if (step === 0) schedule(steps.flat(), 0);
        else steps.forEach((batch, i) => schedule(batch, (i + 1) * step));
      }
      if (summaries.length && options.summaryAnswer) {
        const answer = await options.summaryAnswer(summaries, at);
        const returns = answer.returns.map((model) => ({ messageType: 'CEB702Message', receivedAt: at, model }));
        const results = answer.results.map((model) => ({ messageType: 'CEB792Message', receivedAt: at, model }));
        if (step === 0) schedule([...returns, ...results], 0);
        else { schedule(returns, step); schedule(results, 2 * step); }
      }
    },
    idle() {
      if (!due.size && !timer) return delivering;
      return new Promise<void>((resolve) => waiters.push(resolve)).then(() => delivering);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await delivering;
    },
  };
}
