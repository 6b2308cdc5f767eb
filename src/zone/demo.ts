// Demo enterprises for a first start on the embedded database, so a newcomer sees a populated
// registry and dashboard. Names are invented and marked 演示; the codes are well-formed (valid USCC
// check characters) but belong to nobody. Never loaded into a server database unless asked.
import { usccCheckChar, USCC_ALPHABET } from '../registry/rules/uscc.js';
import type { EnterpriseInput } from '../registry/model.js';
import type { ZoneProfile } from './profiles.js';

interface Seed {
  readonly name: string;
  readonly en: string;
  readonly roles: string[];
  readonly division: number;
  readonly cluster?: number;
  readonly park?: number;
  readonly credit?: string;
}

const JINHUA: readonly Seed[] = [
  { name: '义乌小商品跨境电商平台（演示）', en: 'Yiwu Small Commodities CBEC Platform (demo)', roles: ['ebp'], division: 4, cluster: 0, credit: 'advanced' },
  { name: '义乌环球日用品出口有限公司（演示）', en: 'Yiwu Global Daily Goods Export (demo)', roles: ['ebc'], division: 4, cluster: 0 },
  { name: '义乌节庆用品跨境贸易有限公司（演示）', en: 'Yiwu Festival Supplies CBEC Trading (demo)', roles: ['ebc'], division: 4, cluster: 0 },
  { name: '永康五金工具出海有限公司（演示）', en: 'Yongkang Hardware Tools Overseas (demo)', roles: ['ebc'], division: 5, cluster: 1, credit: 'certified' },
  { name: '永康园林工具电商有限公司（演示）', en: 'Yongkang Garden Tools E-commerce (demo)', roles: ['ebc'], division: 5, cluster: 1 },
  { name: '武义电动工具跨境有限公司（演示）', en: 'Wuyi Power Tools CBEC (demo)', roles: ['ebc'], division: 7, cluster: 2 },
  { name: '东阳红木家具海外仓有限公司（演示）', en: 'Dongyang Rosewood Furniture Overseas Warehouse (demo)', roles: ['ebc', 'overseas_warehouse'], division: 3, cluster: 3 },
  { name: '浦江水晶饰品跨境有限公司（演示）', en: 'Pujiang Crystal Jewellery CBEC (demo)', roles: ['ebc'], division: 6, cluster: 4 },
  { name: '兰溪纺织品出口有限公司（演示）', en: 'Lanxi Textiles Export (demo)', roles: ['ebc'], division: 2, cluster: 6 },
  { name: '磐安中药材跨境贸易有限公司（演示）', en: "Pan'an Herbs CBEC Trading (demo)", roles: ['ebc'], division: 8, cluster: 7 },
  { name: '金义综保区美妆进口有限公司（演示）', en: 'Jinyi Bonded Cosmetics Import (demo)', roles: ['ebc', 'agent'], division: 1, park: 0 },
  { name: '义乌综保区母婴用品进口有限公司（演示）', en: 'Yiwu Bonded Baby Products Import (demo)', roles: ['ebc', 'agent'], division: 4, park: 1 },
  { name: '浙江金义支付服务有限公司（演示）', en: 'Zhejiang Jinyi Payment Services (demo)', roles: ['payment'], division: 1, credit: 'certified' },
  { name: '义乌国际快递物流有限公司（演示）', en: 'Yiwu International Express Logistics (demo)', roles: ['logistics'], division: 4 },
  { name: '金华陆港供应链有限公司（演示）', en: 'Jinhua Land Port Supply Chain (demo)', roles: ['logistics', 'warehouse'], division: 0, park: 2 },
  { name: '金华报关服务有限公司（演示）', en: 'Jinhua Customs Brokerage (demo)', roles: ['declarant'], division: 0 },
  { name: '义乌外贸综合服务有限公司（演示）', en: 'Yiwu Foreign Trade Comprehensive Services (demo)', roles: ['service', 'declarant'], division: 4 },
  { name: '金华农商银行跨境金融部（演示）', en: 'Jinhua Rural Commercial Bank Cross-border Finance (demo)', roles: ['finance'], division: 0 },
  { name: '永康车业跨境电商有限公司（演示）', en: 'Yongkang Vehicles CBEC (demo)', roles: ['ebc'], division: 5, credit: 'dishonest' },
  { name: '金东新能源配件出口有限公司（演示）', en: 'Jindong New Energy Parts Export (demo)', roles: ['ebc'], division: 1, cluster: 8 },
];

const ZHOUSHAN: readonly Seed[] = [
  { name: '舟山海鲜跨境电商有限公司（演示）', en: 'Zhoushan Seafood CBEC (demo)', roles: ['ebc'], division: 1, cluster: 0 },
  { name: '舟山港综保区进口贸易有限公司（演示）', en: 'Zhoushan Port Bonded Import Trading (demo)', roles: ['ebc', 'agent'], division: 0, park: 0 },
  { name: '岱山船舶配件出口有限公司（演示）', en: 'Daishan Ship Parts Export (demo)', roles: ['ebc'], division: 2, cluster: 1 },
  { name: '舟山国际物流有限公司（演示）', en: 'Zhoushan International Logistics (demo)', roles: ['logistics'], division: 0 },
  { name: '舟山跨境支付服务有限公司（演示）', en: 'Zhoushan Cross-border Payment Services (demo)', roles: ['payment'], division: 0 },
];

/** A well-formed USCC for demo record `n` in a division (9 = 工商, 1 = 企业, then the division code). */
function demoUscc(division: string, n: number): string {
  // "DEM" marks a demo code; six more characters of the USCC alphabet number it.
  let body = 'DEM';
  for (let i = 0, v = n + 1; i < 6; i++, v = Math.floor(v / 31)) body += USCC_ALPHABET[v % 31];
  const first17 = `91${division}${body}`;
  return first17 + usccCheckChar(first17);
}

export function demoEnterprises(zone: ZoneProfile): EnterpriseInput[] {
  const seeds = zone.id === 'zhoushan' ? ZHOUSHAN : JINHUA;
  return seeds.map((s, n) => {
    const division = zone.divisions[s.division]!.code;
    return {
      uscc: demoUscc(division, n),
      customsCode: `${zone.id === 'zhoushan' ? '3109' : '3318'}9${String(n + 1).padStart(5, '0')}`,
      // DXP ids look like the E-port's (DXPENT + digits); demo ids end in the enterprise's number.
      dxpId: `DXPENT${zone.id === 'zhoushan' ? '3109' : '3318'}${String(n + 1).padStart(6, '0')}`,
      nameZh: s.name,
      nameEn: s.en,
      roles: s.roles,
      county: division,
      ...(s.cluster !== undefined ? { cluster: zone.clusters[s.cluster]!.code } : {}),
      ...(s.park !== undefined ? { park: zone.parks[s.park]!.code } : {}),
      ...(s.credit ? { creditLevel: s.credit } : {}),
    };
  });
}
