// The DXP envelopes: DxpMsg (terminal node, the business XML Base64-encoded in Data) and DxpMsgSv
// (transport node, a routing header around a DxpMsg). Spec 202205 §4–5; the terminal and transport
// XSDs are identical in both editions.
import { text } from '../kernel/i18n/index.js';
import { newGuid } from '../kernel/ids.js';
import { readMessage, readTree, type ReadOptions, type ReadResult } from './codec.js';
import type { CebIssue } from './decode.js';
import type { XmlFragment } from './fragment.js';
import { messages } from './catalogue.js';
import { attr, DEFAULT_LIMITS, lineIndex, parseDocument, XmlError, type XNode } from './xml/reader.js';
import { escapeAttr, escapeText, serializeFragment } from './xml/writer.js';

export const DXP_NS = 'http://www.chinaport.gov.cn/dxp';
/** Customs receivers (ceb-messages.md §2.1): the import and the export CEB systems. */
export const CUSTOMS_RECEIVER = { import: 'DXPEDCCEB0000002', export: 'DXPEDCCEB0000003' } as const;

export interface TransInfo {
  CopMsgId: string;
  SenderId: string;
  ReceiverIds: string[];
  /** xs:dateTime, e.g. 2026-11-27T09:30:15 (Beijing time, as the DXP writes it). */
  CreatTime: string;
  MsgType: string;
}

export interface DxpMsg {
  ver: string;
  Id?: string;
  TransInfo: TransInfo;
  /** Base64 of the business message's UTF-8 bytes. */
  Data: string;
  AddInfo?: { FileName?: string; IcCard?: string; BizKey?: { name?: string; value: string }[]; IsText?: { Encode: string }; RecMapId?: string };
  Signature?: XmlFragment;
}

export interface SvNo {
  Ver: string;
  MsgId: string;
  SubMsgId?: string;
  SendTime: string;
  EndNode: string;
  StaNode: string;
}

export interface Unwrapped {
  readonly envelope: 'DxpMsg' | 'DxpMsgSv';
  readonly dxp: DxpMsg | undefined;
  readonly svNo?: SvNo;
  /** Problems with the envelope itself. */
  readonly errors: readonly CebIssue[];
  /** The business message inside Data, read with the codec (undefined when the envelope failed). */
  readonly business: ReadResult | undefined;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** xs:dateTime in Beijing time without a zone, the form the DXP uses. */
export function dxpDateTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19);
}

export interface WrapOptions {
  readonly senderId: string;
  readonly receiverIds?: readonly string[];
  readonly copMsgId?: string;
  readonly createdAt?: Date;
  readonly fileName?: string;
}

/** Wraps a business message in a DxpMsg; the receiver defaults to the customs system of its direction. */
export function wrap(businessXml: string, options: WrapOptions): string {
  const read = readMessage(businessXml);
  const msgType = read.messageType ?? 'Unknown';
  const direction = read.direction ?? messages.get(msgType)?.direction ?? 'import';
  const receivers = options.receiverIds ?? [CUSTOMS_RECEIVER[direction]];
  const data = Buffer.from(businessXml, 'utf8').toString('base64');
  return '<?xml version="1.0" encoding="UTF-8"?>' +
    `<dxp:DxpMsg ver="1.0" xmlns:dxp="${DXP_NS}">` +
    '<dxp:TransInfo>' +
    `<dxp:CopMsgId>${escapeText(options.copMsgId ?? newGuid())}</dxp:CopMsgId>` +
    `<dxp:SenderId>${escapeText(options.senderId)}</dxp:SenderId>` +
    `<dxp:ReceiverIds>${receivers.map((r) => `<dxp:ReceiverId>${escapeText(r)}</dxp:ReceiverId>`).join('')}</dxp:ReceiverIds>` +
    `<dxp:CreatTime>${dxpDateTime(options.createdAt ?? new Date())}</dxp:CreatTime>` +
    `<dxp:MsgType>${escapeText(msgType)}</dxp:MsgType>` +
    '</dxp:TransInfo>' +
    `<dxp:Data>${data}</dxp:Data>` +
    (options.fileName ? `<dxp:AddInfo><dxp:FileName>${escapeText(options.fileName)}</dxp:FileName></dxp:AddInfo>` : '') +
    '</dxp:DxpMsg>';
}

export interface SvOptions {
  readonly msgId: string;
  readonly subMsgId?: string;
  readonly sendTime?: Date;
  readonly endNode: string;
  readonly staNode: string;
}

/** Wraps a DxpMsg in a DxpMsgSv for a transport node. */
export function wrapSv(dxpMsgXml: string, options: SvOptions): string {
  const { root } = parseDocument(dxpMsgXml);
  if (root.ns !== DXP_NS || root.name !== 'DxpMsg') throw new XmlError('XML_MALFORMED', 'not a DxpMsg', 1);
  return '<?xml version="1.0" encoding="UTF-8"?>' +
    `<dxp:DxpMsgSv ver="1.0" xmlns:dxp="${DXP_NS}">` +
    `<dxp:SvNo Ver="1.0"><dxp:MsgId>${escapeText(options.msgId)}</dxp:MsgId>` +
    (options.subMsgId ? `<dxp:SubMsgId>${escapeText(options.subMsgId)}</dxp:SubMsgId>` : '') +
    `<dxp:SendTime>${dxpDateTime(options.sendTime ?? new Date())}</dxp:SendTime>` +
    `<dxp:EndNode>${escapeText(options.endNode)}</dxp:EndNode><dxp:StaNode>${escapeText(options.staNode)}</dxp:StaNode></dxp:SvNo>` +
    serializeFragment(root, { dxp: DXP_NS }).replace(/^<dxp:DxpMsg/, '<dxp:DxpMsg') +
    '</dxp:DxpMsgSv>';
}

// ---- reading -----------------------------------------------------------------------------------

class EnvelopeReader {
  readonly errors: CebIssue[] = [];
  constructor(private readonly lineOf: (pos: number) => number) {}

  problem(rule: 'CEB_REQUIRED' | 'CEB_LENGTH' | 'CEB_UNEXPECTED' | 'CEB_NAMESPACE' | 'CEB_WRONG_MODEL', path: string, params: Record<string, string | number>, at?: XNode): void {
    this.errors.push({ code: '0002', rule, path, message: text(rule, { path, ...params }), ...(at ? { line: this.lineOf(at.pos) } : {}) });
  }

  kids(node: XNode, path: string, allowed: readonly string[]): Map<string, XNode[]> {
    const out = new Map<string, XNode[]>();
    for (const k of node.kids ?? []) {
      if (k.name === 'Signature' && k.ns === 'http://www.w3.org/2000/09/xmldsig#') {
        out.set('Signature', [k]);
        continue;
      }
      if (k.ns !== DXP_NS) this.problem('CEB_NAMESPACE', `${path}/${k.name}`, { ns: k.ns || '(none)', expected: DXP_NS }, k);
      else if (!allowed.includes(k.name)) this.problem('CEB_UNEXPECTED', path, { name: k.name }, k);
      else out.set(k.name, [...(out.get(k.name) ?? []), k]);
    }
    return out;
  }

  text(map: Map<string, XNode[]>, name: string, path: string, min: number, max: number, parent: XNode, required = true): string | undefined {
    const node = map.get(name)?.[0];
    if (!node) {
      if (required) this.problem('CEB_REQUIRED', `${path}/${name}`, {}, parent);
      return undefined;
    }
    const v = node.text;
    if ([...v].length < min || [...v].length > max) this.problem('CEB_LENGTH', `${path}/${name}`, { expected: `${min}..${max}`, actual: [...v].length }, node);
    return v;
  }

  dxpMsg(node: XNode, path: string): DxpMsg {
    const k = this.kids(node, path, ['TransInfo', 'Data', 'AddInfo']);
    const ver = attr(node, 'ver');
    if (ver !== '1.0') this.problem('CEB_WRONG_MODEL', `${path}/@ver`, { detail: `ver must be "1.0", got ${JSON.stringify(ver ?? null)}` }, node);
    const ti = k.get('TransInfo')?.[0];
    const tp = `${path}/TransInfo`;
    let trans: TransInfo = { CopMsgId: '', SenderId: '', ReceiverIds: [], CreatTime: '', MsgType: '' };
    if (!ti) this.problem('CEB_REQUIRED', tp, {}, node);
    else {
      const t = this.kids(ti, tp, ['CopMsgId', 'SenderId', 'ReceiverIds', 'CreatTime', 'MsgType']);
      const rids = t.get('ReceiverIds')?.[0];
      const receivers = rids ? (rids.kids ?? []).filter((r) => r.ns === DXP_NS && r.name === 'ReceiverId').map((r) => r.text) : [];
      if (!rids) this.problem('CEB_REQUIRED', `${tp}/ReceiverIds`, {}, ti);
      else if (receivers.length < 1 || receivers.length > 5) this.problem('CEB_LENGTH', `${tp}/ReceiverIds`, { expected: '1..5', actual: receivers.length }, rids);
      const created = this.text(t, 'CreatTime', tp, 1, 64, ti) ?? '';
      if (created && !DATE_TIME.test(created.trim())) this.problem('CEB_WRONG_MODEL', `${tp}/CreatTime`, { detail: `not an xs:dateTime: ${created}` }, ti);
      trans = {
        CopMsgId: this.text(t, 'CopMsgId', tp, 1, 255, ti) ?? '',
        SenderId: this.text(t, 'SenderId', tp, 1, 16, ti) ?? '',
        ReceiverIds: receivers,
        CreatTime: created.trim(),
        MsgType: this.text(t, 'MsgType', tp, 0, 30, ti) ?? '',
      };
    }
    const dataNode = k.get('Data')?.[0];
    if (!dataNode) this.problem('CEB_REQUIRED', `${path}/Data`, {}, node);
    else if (!BASE64.test(dataNode.text)) this.problem('CEB_WRONG_MODEL', `${path}/Data`, { detail: 'not Base64' }, dataNode);
    const msg: DxpMsg = { ver: ver ?? '', TransInfo: trans, Data: (dataNode?.text ?? '').replace(/\s+/g, '') };
    const id = attr(node, 'Id');
    if (id !== undefined) msg.Id = id;
    const add = k.get('AddInfo')?.[0];
    if (add) {
      const a = this.kids(add, `${path}/AddInfo`, ['FileName', 'IcCard', 'BizKey', 'IsText', 'RecMapId']);
      msg.AddInfo = {};
      const fileName = this.text(a, 'FileName', `${path}/AddInfo`, 1, 255, add, false);
      if (fileName !== undefined) msg.AddInfo.FileName = fileName;
      const ic = this.text(a, 'IcCard', `${path}/AddInfo`, 1, 13, add, false);
      if (ic !== undefined) msg.AddInfo.IcCard = ic;
      const biz = a.get('BizKey')?.[0];
      if (biz) msg.AddInfo.BizKey = (biz.kids ?? []).map((key) => ({ ...(attr(key, 'name') !== undefined ? { name: attr(key, 'name')! } : {}), value: key.text }));
      const isText = a.get('IsText')?.[0];
      if (isText) msg.AddInfo.IsText = { Encode: attr(isText, 'Encode') ?? '' };
      const rec = a.get('RecMapId')?.[0];
      if (rec) msg.AddInfo.RecMapId = rec.text;
    }
    const sig = k.get('Signature')?.[0];
    if (sig) msg.Signature = { xml: serializeFragment(sig) };
    return msg;
  }
}

/** Reads a DxpMsg or DxpMsgSv and the business message inside it. */
export function unwrap(input: string | Uint8Array, options: ReadOptions = {}): Unwrapped {
  let doc: { root: XNode; src: string };
  try {
    doc = parseDocument(input, options.limits ?? DEFAULT_LIMITS);
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    const issue: CebIssue = { code: '0001', rule: 'CEB_XML', path: '/', message: text('CEB_XML', { detail: `${err.code}: ${err.detail}` }) };
    return { envelope: 'DxpMsg', dxp: undefined, errors: [issue], business: undefined };
  }
  const { root, src } = doc;
  const r = new EnvelopeReader(lineIndex(src));
  if (root.ns !== DXP_NS || (root.name !== 'DxpMsg' && root.name !== 'DxpMsgSv')) {
    // Not an envelope: maybe a bare business message, which the caller may accept as is.
    r.problem('CEB_UNEXPECTED', '/', { name: root.name }, root);
    return { envelope: 'DxpMsg', dxp: undefined, errors: r.errors, business: root.ns !== DXP_NS ? readTree(root, options, src) : undefined };
  }
  let dxpNode = root;
  let svNo: SvNo | undefined;
  if (root.name === 'DxpMsgSv') {
    const k = r.kids(root, '', ['SvNo', 'DxpMsg']);
    const sv = k.get('SvNo')?.[0];
    if (sv) {
      const s = r.kids(sv, '/SvNo', ['MsgId', 'SubMsgId', 'SendTime', 'EndNode', 'StaNode']);
      svNo = {
        Ver: attr(sv, 'Ver') ?? '',
        MsgId: r.text(s, 'MsgId', '/SvNo', 1, 32, sv) ?? '',
        SendTime: r.text(s, 'SendTime', '/SvNo', 1, 64, sv) ?? '',
        EndNode: r.text(s, 'EndNode', '/SvNo', 1, 8, sv) ?? '',
        StaNode: r.text(s, 'StaNode', '/SvNo', 1, 8, sv) ?? '',
      };
      const sub = r.text(s, 'SubMsgId', '/SvNo', 1, 1, sv, false);
      if (sub !== undefined) svNo.SubMsgId = sub;
    } else r.problem('CEB_REQUIRED', '/SvNo', {}, root);
    const inner = k.get('DxpMsg')?.[0];
    if (!inner) {
      r.problem('CEB_REQUIRED', '/DxpMsg', {}, root);
      return { envelope: 'DxpMsgSv', dxp: undefined, ...(svNo ? { svNo } : {}), errors: r.errors, business: undefined };
    }
    dxpNode = inner;
  }
  const path = root.name === 'DxpMsgSv' ? '/DxpMsg' : '';
  const dxp = r.dxpMsg(dxpNode, path);
  let business: ReadResult | undefined;
  if (dxp.Data && !r.errors.some((e) => e.path === `${path}/Data`)) {
    business = readMessage(Buffer.from(dxp.Data, 'base64'), options);
    if (business.messageType && dxp.TransInfo.MsgType && dxp.TransInfo.MsgType !== business.messageType) {
      r.problem('CEB_WRONG_MODEL', `${path}/TransInfo/MsgType`, { detail: `says ${dxp.TransInfo.MsgType} but Data holds ${business.messageType}` });
    }
  }
  return { envelope: root.name as 'DxpMsg' | 'DxpMsgSv', dxp, ...(svNo ? { svNo } : {}), errors: r.errors, business };
}
