// DxpMsg / DxpMsgSv envelopes and the CEB900 format receipt.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMessage } from '../src/ceb/codec.js';
import { CUSTOMS_RECEIVER, unwrap, wrap, wrapSv } from '../src/ceb/dxp.js';
import { renderFormatReceipt } from '../src/ceb/receipt.js';
import { refAvailable, validateXml } from './support/xsd.js';

const order = readFileSync(join(import.meta.dirname, 'fixtures/ceb/ceb311-realistic.xml'), 'utf8');

describe('DxpMsg', () => {
  it('wraps a business message as Base64 and unwraps it back byte for byte', () => {
    const env = wrap(order, { senderId: 'DXPENT0000330782', copMsgId: 'COP-1', createdAt: new Date('2026-11-27T01:30:15Z') });
    expect(env).toContain(`<dxp:ReceiverId>${CUSTOMS_RECEIVER.import}</dxp:ReceiverId>`);
    expect(env).toContain('<dxp:CreatTime>2026-11-27T09:30:15</dxp:CreatTime>');
    expect(env).toContain('<dxp:MsgType>CEB311Message</dxp:MsgType>');
    const u = unwrap(env);
    expect(u.errors).toEqual([]);
    expect(u.dxp?.TransInfo).toEqual({ CopMsgId: 'COP-1', SenderId: 'DXPENT0000330782', ReceiverIds: ['DXPEDCCEB0000002'], CreatTime: '2026-11-27T09:30:15', MsgType: 'CEB311Message' });
    expect(Buffer.from(u.dxp!.Data, 'base64').toString('utf8')).toBe(order);
    expect(u.business?.valid).toBe(true);
    expect(u.business?.message).toEqual(readMessage(order).message);
  });

  it('addresses export messages to the customs export system', () => {
    const export303 = '<ceb:CEB303Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="X" version="1.0"/>';
    expect(wrap(export303, { senderId: 'DXPENT0000000001' })).toContain(`<dxp:ReceiverId>${CUSTOMS_RECEIVER.export}</dxp:ReceiverId>`);
  });

  it('wraps a DxpMsg for a transport node and unwraps through both layers', () => {
    const sv = wrapSv(wrap(order, { senderId: 'DXPENT0000330782' }), { msgId: '3307820120261127093015000000001', endNode: '00000001', staNode: '33070001' });
    const u = unwrap(sv);
    expect(u.envelope).toBe('DxpMsgSv');
    expect(u.errors).toEqual([]);
    expect(u.svNo).toMatchObject({ Ver: '1.0', EndNode: '00000001', StaNode: '33070001' });
    expect(u.business?.messageType).toBe('CEB311Message');
  });

  it('reports a broken envelope: Base64 that is not, a missing sender, a MsgType that lies', () => {
    const env = wrap(order, { senderId: 'DXPENT0000330782' });
    expect(unwrap(env.replace(/<dxp:Data>[^<]*/, '<dxp:Data>***')).errors.map((e) => e.path)).toContain('/Data');
    expect(unwrap(env.replace(/<dxp:SenderId>[^<]*<\/dxp:SenderId>/, '')).errors.map((e) => [e.rule, e.path])).toContainEqual(['CEB_REQUIRED', '/TransInfo/SenderId']);
    const lying = unwrap(env.replace('<dxp:MsgType>CEB311Message', '<dxp:MsgType>CEB411Message'));
    expect(lying.errors.map((e) => e.path)).toContain('/TransInfo/MsgType');
    expect(unwrap('<dxp:DxpMsg xmlns:dxp="http://www.chinaport.gov.cn/dxp" ver="1.0">').errors[0]?.code).toBe('0001');
  });

  it('reports the business message\'s own problems separately from the envelope', () => {
    const bad = order.replace('<ceb:appType>1</ceb:appType>', '<ceb:appType>9</ceb:appType>');
    const u = unwrap(wrap(bad, { senderId: 'DXPENT0000330782' }));
    expect(u.errors).toEqual([]);
    expect(u.business?.valid).toBe(false);
    expect(u.business?.errors.map((e) => [e.code, e.path])).toEqual([['-301008', '/Order/0/OrderHead/appType']]);
  });

  it.skipIf(!refAvailable)('writes envelopes that validate against the official terminal and transport XSDs', () => {
    const env = wrap(order, { senderId: 'DXPENT0000330782', fileName: 'order.xml' });
    expect(validateXml(env, 'dxp')).toEqual({ valid: true, errors: [] });
    const sv = wrapSv(env, { msgId: 'M1', subMsgId: '1', endNode: '00000001', staNode: '33070001' });
    expect(validateXml(sv, 'dxpsv')).toEqual({ valid: true, errors: [] });
  });
});

describe('CEB900 format receipt', () => {
  const broken = '<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="short" version="1.0"/>';

  it('echoes the original and lists every problem with its customs code', () => {
    const r = readMessage(broken);
    const receipt = renderFormatReceipt({ issues: r.errors, original: broken, messageType: 'CEB311Message', copMsgId: 'COP-9', at: new Date('2026-11-27T01:30:15.123Z'), locale: 'en' });
    const back = readMessage(receipt);
    expect(back.valid).toBe(true);
    expect(back.messageType).toBe('CEB900Message');
    const ret = (back.message as { MessageReturn: Record<string, string> }).MessageReturn;
    expect(ret.returnStatus).toBe('-1');
    expect(ret.returnTime).toBe('20261127093015123');
    expect(ret.oriCopMsgId).toBe('COP-9');
    expect(ret.oriMessageType).toBe('CEB311Message');
    expect(ret.oriBizMessage).toBe(broken);
    expect(ret.returnInfo).toContain('[0002] /@guid must have length 36, found 5');
    expect(ret.returnInfo).toContain('Required element /Order is missing');
  });

  it('uses a negative business code as the return status when there is one', () => {
    const r = readMessage(order.replace('<ceb:appType>1</ceb:appType>', '<ceb:appType>9</ceb:appType>'));
    const receipt = renderFormatReceipt({ issues: r.errors, original: 'x' });
    expect((readMessage(receipt).message as { MessageReturn: { returnStatus: string } }).MessageReturn.returnStatus).toBe('-301008');
  });

  it.skipIf(!refAvailable)('validates against the official import XSD', () => {
    const receipt = renderFormatReceipt({ issues: readMessage('<<<').errors, original: '<<<' });
    expect(validateXml(receipt, 'import')).toEqual({ valid: true, errors: [] });
  });
});
