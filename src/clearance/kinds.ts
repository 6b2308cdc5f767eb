// What the intake needs to know of each message an enterprise files: the business entity and its
// head, the role the filer must hold, which head fields name the filer, the business key customs
// identifies the document by, and the key that links it to its order before the order arrives.
import type { Role } from '../registry/rules/catalogue.js';

export type Head = Record<string, unknown>;

export interface Kind {
  readonly messageType: string;
  readonly direction: 'import' | 'export';
  /** Business entity under the root ('Order', 'Payment' …). */
  readonly entity: string;
  /** Its head element ('OrderHead' …); undefined when the entity is flat (export 403/505). */
  readonly head: string | undefined;
  /** Any one of these roles may file it. */
  readonly roles: readonly Role[];
  /** Head fields one of which must name the filer (its customs code or USCC). */
  readonly parties: readonly string[];
  /** Head fields naming enterprises that may see the document. */
  readonly named: readonly string[];
  readonly part: 'order' | 'payment' | 'waybill' | 'inventory';
  /** The document's business key. */
  key(h: Head): string;
  /** How it finds its order: the order's key, or the orderNo alone (the import waybill has no ebpCode). */
  link(h: Head): string | undefined;
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
    roles: ['ebp', 'ebc', 'logistics'], parties: ['ebpCode', 'ebcCode'], named: ['ebpCode', 'ebcCode', 'payCode'],
    key: (h) => orderKey('import', s(h.ebpCode), s(h.orderNo)), link: () => undefined,
    receipt: { messageType: 'CEB312Message', entity: 'OrderReturn', key: (r) => orderKey('import', s(r.ebpCode), s(r.orderNo)) },
  }],
  ['CEB411Message', {
    messageType: 'CEB411Message', direction: 'import', entity: 'Payment', head: 'PaymentHead', part: 'payment',
    roles: ['payment', 'logistics'], parties: ['payCode'], named: ['payCode', 'ebpCode'],
    key: (h) => k('CEB411', h.payCode, h.payTransactionId), link: (h) => orderKey('import', s(h.ebpCode), s(h.orderNo)),
    receipt: { messageType: 'CEB412Message', entity: 'PaymentReturn', key: (r) => k('CEB411', r.payCode, r.payTransactionId) },
  }],
  ['CEB511Message', {
    messageType: 'CEB511Message', direction: 'import', entity: 'Logistics', head: 'LogisticsHead', part: 'waybill',
    roles: ['logistics'], parties: ['logisticsCode'], named: ['logisticsCode'],
    key: (h) => k('CEB511', h.logisticsCode, h.logisticsNo), link: (h) => orderNoLink('import', s(h.orderNo)),
    receipt: { messageType: 'CEB512Message', entity: 'LogisticsReturn', key: (r) => k('CEB511', r.logisticsCode, r.logisticsNo) },
  }],
]);

/** Every enterprise-filed message type the intake knows, for the error that lists them. */
export const INTAKE_TYPES: readonly string[] = [...KINDS.keys(), 'CEB621Message'];
