// Export lists (CEB603 bodies) for the summary's tests and benchmark: only what the summary reads
// is varied; the rest is a plausible constant.
import type { Inventory, InventoryList } from '../ceb/model/export-202205.js';

export interface ListSpec {
  readonly invtNo: string;
  readonly ebcCode?: string;
  readonly ownerCode?: string;
  readonly statisticsFlag?: 'A' | 'B';
  readonly trafMode?: string;
  readonly country?: string;
  readonly portCode?: string;
  readonly customsCode?: string;
  readonly loctNo?: string;
  readonly grossWeight?: string;
  readonly lines: readonly (Partial<InventoryList> & { gcode: string })[];
}

export function exportList(s: ListSpec): Inventory {
  const ebc = s.ebcCode ?? '3318960001';
  return {
    InventoryHead: {
      guid: '4CDE1CFD-EDED-46B1-946C-B8022E42FC94', appType: '1', appTime: '20261115100000', appStatus: '2', customsCode: s.customsCode ?? '2900',
      ebpCode: '3318900001', ebpName: '义乌小商品跨境电商平台', orderNo: `O${s.invtNo}`, logisticsCode: '3318900014', logisticsName: '义乌国际快递', logisticsNo: `L${s.invtNo}`,
      copNo: `C${s.invtNo}`, invtNo: s.invtNo, ieFlag: 'E', portCode: s.portCode ?? '2900', ieDate: '20261115', statisticsFlag: s.statisticsFlag ?? 'B',
      agentCode: ebc, agentName: '报关行', ebcCode: ebc, ebcName: '义乌出口电商', ownerCode: s.ownerCode ?? ebc, ownerName: '生产企业',
      tradeMode: '9610', trafMode: s.trafMode ?? '5', ...(s.loctNo ? { loctNo: s.loctNo } : {}), country: s.country ?? '502', POD: 'USLAX', freight: '0', fCurrency: '502', fFlag: '3',
      insuredFee: '0', iCurrency: '502', iFlag: '3', wrapType: '2', packNo: '1', grossWeight: s.grossWeight ?? '1.5', netWeight: '1.2',
    },
    InventoryList: s.lines.map((l, i) => ({
      gnum: String(i + 1), itemNo: `I${i}`, gname: '圣诞彩球', gmodel: '10cm', barCode: '', country: s.country ?? '502', currency: '502',
      qty: '1', qty1: '1', unit: '011', unit1: '011', price: '1', totalPrice: '1', ...l,
    })),
  };
}
