// What a document is to the rules: its kind, head and lines, the parties it names, and for an order
// the keys the window rules compare (hashed, never the personal data itself). Pure.
import { hash as digest } from 'node:crypto';
import { buyerKey } from '../clearance/pipeline.js';
import { yuanToFenHalfUp } from '../kernel/money.js';

export type DocumentKind = 'order' | 'payment' | 'waybill' | 'list' | 'other';

/** One document to evaluate, as the intake holds it. */
export interface RiskInput {
  readonly documentId: string;
  readonly messageType: string;
  readonly enterpriseId: string;
  /** The document's JSON entity (Order, Payment, Logistics, Inventory …). */
  readonly entity: unknown;
  /** ISO instant of the intake. */
  readonly at: string;
}

/** The keys of one order the window rules look across. */
export interface OrderKeys {
  readonly buyerKey: string | null;
  readonly consigneeKey: string | null;
  readonly addressKey: string | null;
  readonly phoneKey: string | null;
  readonly valueFen: number;
  readonly ebcCode: string;
}

export type Fields = Readonly<Record<string, string | undefined>>;

export interface Subject {
  readonly input: RiskInput;
  readonly kind: DocumentKind;
  readonly direction: 'import' | 'export';
  readonly head: Fields;
  readonly lines: readonly Fields[];
  /** Enterprise codes the document names (platform, e-commerce enterprise, payer, carrier, declarant …). */
  readonly parties: readonly string[];
  /** Set on orders only. */
  readonly order?: OrderKeys;
}

const KINDS: Readonly<Record<string, readonly [DocumentKind, 'import' | 'export']>> = {
  CEB311Message: ['order', 'import'], CEB303Message: ['order', 'export'],
  CEB411Message: ['payment', 'import'], CEB403Message: ['payment', 'export'],
  CEB511Message: ['waybill', 'import'], CEB505Message: ['waybill', 'export'],
  CEB621Message: ['list', 'import'], CEB603Message: ['list', 'export'],
};
const PARTY_FIELDS = ['ebpCode', 'ebcCode', 'payCode', 'logisticsCode', 'agentCode', 'areaCode', 'ownerCode', 'assureCode', 'copCode'] as const;

const hash = (prefix: string, s: string): string => digest('sha256', `${prefix}:${s}`, 'base64url');
/** Full-width to half-width, case and spacing folded: "北京市 朝阳区１号" and "北京市朝阳区1号" are one address. */
const fold = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/[\s,.，。、;；:：\-_#（）()]/g, '');
/** Mobile numbers compared on their digits, without the country prefix. */
const phoneDigits = (s: string): string => s.replace(/\D/g, '').replace(/^(0086|86)(?=1\d{10}$)/, '');

export const consigneeKey = (name: string, phone: string): string => hash('consignee', `${fold(name)}|${phoneDigits(phone)}`);
export const addressKey = (address: string): string => hash('address', fold(address));
export const phoneKey = (phone: string): string => hash('phone', phoneDigits(phone));

function fieldsOf(v: unknown): Fields {
  const out: Record<string, string> = {};
  if (!v || typeof v !== 'object') return out;
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number') out[k] = String(x);
  }
  return out;
}

/** A yuan amount of a document field in fen; 0 when absent or not a number (the codec checked the format). */
export const yuanFieldToFen = (s: string | undefined): number => {
  try {
    return s ? yuanToFenHalfUp(s) : 0;
  } catch {
    return 0;
  }
};

export function subjectOf(input: RiskInput): Subject {
  const [kind, direction] = KINDS[input.messageType.endsWith('Message') ? input.messageType : `${input.messageType}Message`] ?? ['other', 'import'];
  const e = (input.entity ?? {}) as Record<string, unknown>;
  const headKey = Object.keys(e).find((k) => k.endsWith('Head'));
  const listKey = Object.keys(e).find((k) => k.endsWith('List'));
  const head = headKey ? fieldsOf(e[headKey]) : fieldsOf(e);
  const rawLines = listKey ? e[listKey] : undefined;
  const lines = (Array.isArray(rawLines) ? rawLines : rawLines ? [rawLines] : []).map(fieldsOf);
  const parties = [...new Set(PARTY_FIELDS.map((f) => head[f]).filter((x): x is string => !!x))];
  let order: OrderKeys | undefined;
  if (kind === 'order') {
    const name = head.consignee ?? '';
    const phone = head.consigneeTelephone ?? '';
    const address = head.consigneeAddress ?? '';
    order = {
      buyerKey: head.buyerIdNumber ? buyerKey(head.buyerIdType ?? '1', head.buyerIdNumber) : null,
      consigneeKey: name || phone ? consigneeKey(name, phone) : null,
      addressKey: address ? addressKey(address) : null,
      phoneKey: phone ? phoneKey(phone) : null,
      valueFen: yuanFieldToFen(head.goodsValue ?? head.totalPrice),
      ebcCode: head.ebcCode ?? '',
    };
  }
  return { input, kind, direction, head, lines, parties, ...(order ? { order } : {}) };
}

