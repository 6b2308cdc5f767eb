// What the intake needs to know of each message an enterprise files: the business entity and its
// head, the role the filer must hold, which head fields name the filer, the business key customs
// identifies the document by, and the key that links it to its order before the order arrives.
import type { Role } from '../registry/rules/catalogue.js';

export type Head = Record<string, unknown>;

/**
 * What comes after a list is declared: its cancellation (623/605), return (625/213), the return's
 * tally at the site (215), the waybill's sign-off (513) and the site's entry record (711).
 */
export type Aftercare = 'cancel' | 'refund' | 'tally' | 'status' | 'delivery';
export const AFTERCARE_PARTS: ReadonlySet<string> = new Set<Aftercare>(['cancel', 'refund', 'tally', 'status', 'delivery']);

export interface Kind {
  readonly messageType: string;
  readonly direction: 'import' | 'export';
  /** Business entity under the root ('Order', 'Payment' …). */
  readonly entity: string;
  /** Its head element ('OrderHead' …); undefined when the entity is flat (export 403/505). */
  readonly head: string | undefined;
  /** Any one of these roles may file it. */
  readonly roles: readonly Role[];
  /**
   * A carrier (快件运营人/邮政企业) may file it on behalf of the parties it names, which then need not
   * name the carrier (the spec's titles of CEB311 and CEB411).
   */
  readonly carrierMayFile?: true;
  /** Head fields one of which must name the filer (its customs code or USCC). */
  readonly parties: readonly string[];
  /** Head fields naming enterprises that may see the document. */
  readonly named: readonly string[];
  readonly part: 'order' | 'payment' | 'waybill' | 'inventory' | 'transport' | Aftercare;
  /** The document's business key. */
  key(h: Head): string;
  /** How it finds its order: the order's key, or the orderNo alone (the import waybill has no ebpCode). */
  link(h: Head): string | undefined;
  /** Transport documents (607 总分单, 507 运抵, 509 离境): the waybill keys they list. */
  waybills?(entity: Head): string[];
  /** The receipt type customs answers with, and how the receipt's fields rebuild the key. */
  readonly receipt: { readonly messageType: string; readonly entity: string; key(r: Head): string };
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const k = (type: string, ...parts: unknown[]) => `${type.slice(3, 6)}|${parts.map(s).join('|')}`;
export const orderKey = (direction: 'import' | 'export', ebpCode: string, orderNo: string) => `${direction === 'import' ? '311' : '303'}|${ebpCode}|${orderNo}`;
export const orderNoLink = (direction: 'import' | 'export', orderNo: string) => `${direction}|no|${orderNo}`;

export const KINDS: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ['CEB311Message', {
    messageType: 'CEB311Message', direction: 'import', entity: 'Order', head: 'OrderHead', part: 'order',
    // 电商企业或电商平台或受委托的快件运营人、邮政企业 (spec message title).
    roles: ['ebp', 'ebc', 'logistics'], carrierMayFile: true, parties: ['ebpCode', 'ebcCode'], named: ['ebpCode', 'ebcCode', 'payCode'],
    key: (h) => orderKey('import', s(h.ebpCode), s(h.orderNo)), link: () => undefined,
    receipt: { messageType: 'CEB312Message', entity: 'OrderReturn', key: (r) => orderKey('import', s(r.ebpCode), s(r.orderNo)) },
  }],
  ['CEB411Message', {
    messageType: 'CEB411Message', direction: 'import', entity: 'Payment', head: 'PaymentHead', part: 'payment',
    roles: ['payment', 'logistics'], carrierMayFile: true, parties: ['payCode'], named: ['payCode', 'ebpCode'],
    key: (h) => k('CEB411', h.payCode, h.payTransactionId), link: (h) => orderKey('import', s(h.ebpCode), s(h.orderNo)),
    receipt: { messageType: 'CEB412Message', entity: 'PaymentReturn', key: (r) => k('CEB411', r.payCode, r.payTransactionId) },
  }],
  ['CEB511Message', {
    messageType: 'CEB511Message', direction: 'import', entity: 'Logistics', head: 'LogisticsHead', part: 'waybill',
    roles: ['logistics'], parties: ['logisticsCode'], named: ['logisticsCode'],
    key: (h) => k('CEB511', h.logisticsCode, h.logisticsNo), link: (h) => orderNoLink('import', s(h.orderNo)),
    receipt: { messageType: 'CEB512Message', entity: 'LogisticsReturn', key: (r) => k('CEB511', r.logisticsCode, r.logisticsNo) },
  }],
  // Export 9610 (cbec-rules.md §1.4, §2.2): order, collection and waybill, then the 603 list filed
  // by the declarant, then 607 总分单, 507 运抵, 509 离境.
  ['CEB303Message', {
    messageType: 'CEB303Message', direction: 'export', entity: 'Order', head: 'OrderHead', part: 'order',
    roles: ['ebp', 'ebc'], parties: ['ebpCode', 'ebcCode'], named: ['ebpCode', 'ebcCode'],
    key: (h) => orderKey('export', s(h.ebpCode), s(h.orderNo)), link: () => undefined,
    receipt: { messageType: 'CEB304Message', entity: 'OrderReturn', key: (r) => orderKey('export', s(r.ebpCode), s(r.orderNo)) },
  }],
  ['CEB403Message', {
    messageType: 'CEB403Message', direction: 'export', entity: 'Receipts', head: undefined, part: 'payment',
    // 收款单: the payment enterprise, or the e-commerce enterprise for offline collection (payName 现金支付).
    roles: ['payment', 'ebc'], parties: ['payCode', 'ebcCode'], named: ['payCode', 'ebcCode', 'ebpCode'],
    key: (h) => k('CEB403', h.ebcCode, h.orderNo), link: (h) => orderKey('export', s(h.ebpCode), s(h.orderNo)),
    receipt: { messageType: 'CEB404Message', entity: 'ReceiptsReturn', key: (r) => k('CEB403', r.ebcCode, r.orderNo) },
  }],
  ['CEB505Message', {
    messageType: 'CEB505Message', direction: 'export', entity: 'Logistics', head: undefined, part: 'waybill',
    // The export waybill names no order: the declarant's 603 list ties them together.
    roles: ['logistics'], parties: ['logisticsCode'], named: ['logisticsCode', 'ebcCode'],
    key: (h) => exportWaybillKey(s(h.logisticsCode), s(h.logisticsNo)), link: () => undefined,
    receipt: { messageType: 'CEB506Message', entity: 'LogisticsReturn', key: (r) => exportWaybillKey(s(r.logisticsCode), s(r.logisticsNo)) },
  }],
  ['CEB607Message', {
    messageType: 'CEB607Message', direction: 'export', entity: 'WayBill', head: 'WayBillHead', part: 'transport',
    roles: ['logistics', 'declarant', 'agent', 'ebc'], parties: ['agentCode', 'logisticsCode'], named: ['agentCode', 'logisticsCode'],
    key: (h) => k('CEB607', h.agentCode, h.copNo), link: () => undefined,
    waybills: (e) => listed(e, 'WayBillList', 'WayBillHead'),
    receipt: { messageType: 'CEB608Message', entity: 'WayBillReturn', key: (r) => k('CEB607', r.agentCode, r.copNo) },
  }],
  ['CEB507Message', {
    messageType: 'CEB507Message', direction: 'export', entity: 'Arrival', head: 'ArrivalHead', part: 'transport',
    roles: ['logistics', 'warehouse'], parties: ['operatorCode', 'logisticsCode'], named: ['operatorCode', 'logisticsCode'],
    key: (h) => k('CEB507', h.operatorCode, h.copNo), link: () => undefined,
    waybills: (e) => listed(e, 'ArrivalList', 'ArrivalHead'),
    receipt: { messageType: 'CEB508Message', entity: 'ArrivalReturn', key: (r) => k('CEB507', r.operatorCode, r.copNo) },
  }],
  ['CEB509Message', {
    messageType: 'CEB509Message', direction: 'export', entity: 'Departure', head: 'DepartureHead', part: 'transport',
    roles: ['logistics'], parties: ['logisticsCode'], named: ['logisticsCode'],
    key: (h) => k('CEB509', h.logisticsCode, h.copNo), link: () => undefined,
    waybills: (e) => listed(e, 'DepartureList', 'DepartureHead'),
    receipt: { messageType: 'CEB510Message', entity: 'DepartureReturn', key: (r) => k('CEB509', r.logisticsCode, r.copNo) },
  }],
  // After the list (cbec-rules.md §1.3 steps 5 and 7, §1.6; ceb-messages.md §5). A cancellation or
  // return names the customs list number (invtNo) of the list it undoes.
  ['CEB623Message', {
    messageType: 'CEB623Message', direction: 'import', entity: 'InvtCancel', head: undefined, part: 'cancel',
    roles: ['ebc', 'agent', 'declarant'], parties: ['agentCode', 'ebcCode'], named: ['agentCode', 'ebcCode', 'ebpCode', 'logisticsCode'],
    key: (h) => k('CEB623', h.invtNo), link: () => undefined,
    receipt: { messageType: 'CEB624Message', entity: 'InvtCancelReturn', key: (r) => k('CEB623', r.invtNo) },
  }],
  ['CEB625Message', {
    messageType: 'CEB625Message', direction: 'import', entity: 'InvtRefund', head: 'InvtRefundHead', part: 'refund',
    roles: ['ebc', 'agent', 'declarant'], parties: ['agentCode', 'ebcCode'], named: ['agentCode', 'ebcCode', 'ebpCode', 'logisticsCode'],
    key: (h) => k('CEB625', h.invtNo), link: () => undefined,
    receipt: { messageType: 'CEB626Message', entity: 'InvtRefundReturn', key: (r) => k('CEB625', r.invtNo) },
  }],
  ['CEB513Message', {
    messageType: 'CEB513Message', direction: 'import', entity: 'LogisticsStatus', head: undefined, part: 'status',
    roles: ['logistics'], parties: ['logisticsCode'], named: ['logisticsCode'],
    key: (h) => k('CEB513', h.logisticsCode, h.logisticsNo), link: () => undefined,
    receipt: { messageType: 'CEB514Message', entity: 'LogisticsStatusReturn', key: (r) => k('CEB513', r.logisticsCode, r.logisticsNo) },
  }],
  ['CEB711Message', {
    messageType: 'CEB711Message', direction: 'import', entity: 'Delivery', head: 'DeliveryHead', part: 'delivery',
    roles: ['warehouse'], parties: ['operatorCode'], named: ['operatorCode', 'logisticsCode'],
    key: (h) => k('CEB711', h.operatorCode, h.copNo), link: () => undefined,
    receipt: { messageType: 'CEB712Message', entity: 'DeliveryReturn', key: (r) => k('CEB711', r.operatorCode, r.copNo) },
  }],
  ['CEB605Message', {
    messageType: 'CEB605Message', direction: 'export', entity: 'InvtCancel', head: undefined, part: 'cancel',
    roles: ['ebc', 'agent', 'declarant'], parties: ['agentCode', 'ebcCode'], named: ['agentCode', 'ebcCode'],
    key: (h) => k('CEB605', h.invtNo), link: () => undefined,
    receipt: { messageType: 'CEB606Message', entity: 'InvtCancelReturn', key: (r) => k('CEB605', r.invtNo) },
  }],
  // 退货企业: the exporter, a special-area enterprise or their broker (2020年第44号).
  ['CEB213Message', {
    messageType: 'CEB213Message', direction: 'export', entity: 'InvtRefund', head: 'InvtRefundHead', part: 'refund',
    roles: ['ebc', 'agent', 'declarant'], parties: ['agentCode', 'ebcCode'], named: ['agentCode', 'ebcCode', 'ebpCode', 'logisticsCode'],
    key: (h) => k('CEB213', h.agentCode, h.coElNo), link: () => undefined,
    receipt: { messageType: 'CEB214Message', entity: 'RefundReturn', key: (r) => k('CEB213', r.agentCode, r.coElNo) },
  }],
  ['CEB215Message', {
    messageType: 'CEB215Message', direction: 'export', entity: 'InvtRefundDetail', head: undefined, part: 'tally',
    roles: ['warehouse', 'logistics'], parties: ['operatorCode', 'logisticsCode'], named: ['operatorCode', 'logisticsCode'],
    key: (h) => k('CEB215', h.operatorCode, h.coElNo), link: () => undefined,
    receipt: { messageType: 'CEB216Message', entity: 'InvtRefundDetailReturn', key: (r) => k('CEB215', r.operatorCode, r.coElNo) },
  }],
]);

export function exportWaybillKey(logisticsCode: string, logisticsNo: string): string {
  return `505|${logisticsCode}|${logisticsNo}`;
}
export function importWaybillKey(logisticsCode: string, logisticsNo: string): string {
  return `511|${logisticsCode}|${logisticsNo}`;
}

/** The waybills a transport document lists, keyed like CEB505 (its head's carrier + each logisticsNo). */
function listed(entity: Head, list: string, head: string): string[] {
  const h = (entity[head] ?? {}) as Head;
  const rows = (entity[list] as Head[] | undefined) ?? [];
  return rows.map((r) => exportWaybillKey(s(h.logisticsCode), s(r.logisticsNo)));
}

/** Every enterprise-filed message type the intake knows, for the error that lists them. */
export const INTAKE_TYPES: readonly string[] = [...KINDS.keys(), 'CEB621Message', 'CEB603Message'];
