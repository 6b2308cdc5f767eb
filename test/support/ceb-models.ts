// CEB621 and CEB622 messages built by our own code for the transport tests, so they need nothing
// outside the repository: a list built from the worked-example parcel, with a structurally
// complete (not cryptographically valid) ds:Signature, which the import XSD requires on a 621.
import { writeMessage, type Model } from '../../src/ceb/codec.js';
import { newGuid } from '../../src/kernel/ids.js';
import { buildInventory } from '../../src/clearance/inventory.js';
import type { Logistics, Order, Payment } from '../../src/ceb/model/import-202205.js';
import type { Enterprise } from '../../src/registry/model.js';
import { ITEM_RECORDS, parcel } from './parcels.js';

const party = (code: string, name: string): Enterprise => ({ customsCode: code, nameZh: name, dxpId: `DXPENT${code}`, uscc: `91330782MA${code.slice(0, 8)}` } as unknown as Enterprise);
const PARTIES = {
  ebp: party('3318900001', '义乌小商品跨境电商平台（演示）'), ebc: party('3318900011', '金义综保区美妆进口有限公司（演示）'),
  payment: party('3318900013', '浙江金义支付服务有限公司（演示）'), logistics: party('3318900014', '义乌国际快递物流有限公司（演示）'),
};

const SIGNATURE = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
  '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
  '<ds:SignatureMethod Algorithm="http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"/>' +
  '<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms>' +
  '<ds:DigestMethod Algorithm="http://www.chinaport.gov.cn/2022/04/xmldsig#sm3"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>' +
  '</ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue><ds:KeyInfo><ds:KeyName>01</ds:KeyName></ds:KeyInfo></ds:Signature>';

/** The CEB621 message (one list) the declarant `ebc` files for parcel `x`: built from its documents and the item records. */
export function inventoryMessage(x: ReturnType<typeof parcel>, ebc: Enterprise, copNo = `SG${Date.now()}`.slice(0, 20)): Model {
  const one = <T>(m: Model, entity: string) => (m[entity] as T[])[0]!;
  const inventory = buildInventory({
    order: one<Order>(x.order, 'Order'), payment: one<Payment>(x.payment, 'Payment'), waybill: one<Logistics>(x.waybill, 'Logistics'),
    items: new Map(ITEM_RECORDS.map((r) => [r.itemNo, { ...r, unit2: null, qty2PerUnit: null }])),
    declaration: { customsCode: '2900', portCode: '2900', tradeMode: '1210', trafMode: 'Y', agentCode: ebc.customsCode!, agentName: ebc.nameZh },
    copNo, at: new Date(),
  });
  return {
    guid: newGuid(), version: '1.0', Inventory: [inventory as unknown as Model],
    BaseTransfer: { copCode: ebc.customsCode!, copName: ebc.nameZh, dxpMode: 'DXP', dxpId: ebc.dxpId! },
  };
}

/** A CEB621 message (one list) as a declarant would send it. */
export function inventoryXml(): string {
  return writeMessage('CEB621Message', { ...inventoryMessage(parcel(PARTIES), PARTIES.ebc), Signature: { xml: SIGNATURE } });
}

/** A CEB622 receipt (released) as customs would answer. */
export function inventoryReturnXml(): string {
  return writeMessage('CEB622Message', {
    guid: newGuid(), version: '1.0',
    InventoryReturn: [{
      guid: newGuid(), customsCode: '2900', ebpCode: PARTIES.ebp.customsCode!, ebcCode: PARTIES.ebc.customsCode!, agentCode: PARTIES.ebc.customsCode!,
      copNo: 'SG2026112700000001', preNo: 'B20261127000000001', invtNo: '29002026I000000001', returnStatus: '800', returnTime: '20261127100000000', returnInfo: '放行',
    }],
  });
}
