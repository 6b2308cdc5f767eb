// Built-in zone profiles. Division codes are GB/T 2260 administrative division codes; the bonded
// areas are the customs special supervision areas named in the zones' implementation plans.
// Industry clusters are the well-known county specialities; they are data the zone office edits,
// not facts from the reference pack (cbec-rules.md has none), so treat them as a starting point.
import type { ZoneId } from '../kernel/config.js';

export interface Named {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

export type ParkKind = 'comprehensive_bonded_zone' | 'bonded_logistics_center_b' | 'cbec_park';

export interface Park extends Named {
  readonly kind: ParkKind;
  /** Division code of the county/district the park lies in. */
  readonly division: string;
}

export interface Cluster extends Named {
  readonly divisions: readonly string[];
}

export interface ZoneProfile {
  readonly id: ZoneId;
  readonly name: Named;
  /** 中国(金华)跨境电子商务综合试验区 … */
  readonly zoneName: { readonly zh: string; readonly en: string };
  readonly divisions: readonly Named[];
  readonly parks: readonly Park[];
  readonly clusters: readonly Cluster[];
}

const jinhua: ZoneProfile = {
  id: 'jinhua',
  name: { code: '330700', zh: '金华', en: 'Jinhua' },
  zoneName: {
    zh: '中国（金华）跨境电子商务综合试验区',
    en: 'China (Jinhua) Cross-border E-commerce Comprehensive Pilot Zone',
  },
  divisions: [
    { code: '330702', zh: '婺城区', en: 'Wucheng District' },
    { code: '330703', zh: '金东区', en: 'Jindong District' },
    { code: '330781', zh: '兰溪市', en: 'Lanxi' },
    { code: '330783', zh: '东阳市', en: 'Dongyang' },
    { code: '330782', zh: '义乌市', en: 'Yiwu' },
    { code: '330784', zh: '永康市', en: 'Yongkang' },
    { code: '330726', zh: '浦江县', en: 'Pujiang County' },
    { code: '330723', zh: '武义县', en: 'Wuyi County' },
    { code: '330727', zh: '磐安县', en: "Pan'an County" },
  ],
  parks: [
    { code: 'JYZB', zh: '金义综合保税区', en: 'Jinyi Comprehensive Bonded Zone', kind: 'comprehensive_bonded_zone', division: '330703' },
    { code: 'YWZB', zh: '义乌综合保税区', en: 'Yiwu Comprehensive Bonded Zone', kind: 'comprehensive_bonded_zone', division: '330782' },
    { code: 'YWBLC', zh: '义乌保税物流中心(B型)', en: 'Yiwu Bonded Logistics Center (Type B)', kind: 'bonded_logistics_center_b', division: '330782' },
  ],
  clusters: [
    { code: 'yiwu-commodities', zh: '义乌小商品', en: 'Yiwu small commodities', divisions: ['330782'] },
    { code: 'yongkang-hardware', zh: '永康五金', en: 'Yongkang hardware', divisions: ['330784'] },
    { code: 'wuyi-tools', zh: '武义五金工具', en: 'Wuyi hardware and tools', divisions: ['330723'] },
    { code: 'dongyang-furniture', zh: '东阳红木家具与木雕', en: 'Dongyang rosewood furniture and woodcarving', divisions: ['330783'] },
    { code: 'pujiang-crystal', zh: '浦江水晶', en: 'Pujiang crystal', divisions: ['330726'] },
    { code: 'pujiang-locks', zh: '浦江挂锁', en: 'Pujiang padlocks', divisions: ['330726'] },
    { code: 'lanxi-textiles', zh: '兰溪纺织', en: 'Lanxi textiles', divisions: ['330781'] },
    { code: 'panan-herbs', zh: '磐安中药材', en: "Pan'an medicinal herbs", divisions: ['330727'] },
    { code: 'jinhua-ev', zh: '金华新能源汽车及零部件', en: 'Jinhua new-energy vehicles and parts', divisions: ['330703', '330702'] },
  ],
};

const zhoushan: ZoneProfile = {
  id: 'zhoushan',
  name: { code: '330900', zh: '舟山', en: 'Zhoushan' },
  zoneName: {
    zh: '中国（舟山）跨境电子商务综合试验区',
    en: 'China (Zhoushan) Cross-border E-commerce Comprehensive Pilot Zone',
  },
  divisions: [
    { code: '330902', zh: '定海区', en: 'Dinghai District' },
    { code: '330903', zh: '普陀区', en: 'Putuo District' },
    { code: '330921', zh: '岱山县', en: 'Daishan County' },
    { code: '330922', zh: '嵊泗县', en: 'Shengsi County' },
  ],
  parks: [
    { code: 'ZSZB', zh: '舟山港综合保税区', en: 'Zhoushan Port Comprehensive Bonded Zone', kind: 'comprehensive_bonded_zone', division: '330902' },
  ],
  clusters: [
    { code: 'zhoushan-seafood', zh: '水产品精深加工', en: 'Seafood processing', divisions: ['330903', '330902', '330922'] },
    { code: 'zhoushan-shipbuilding', zh: '船舶修造与海工装备', en: 'Ship repair, shipbuilding and offshore equipment', divisions: ['330902', '330903', '330921'] },
    { code: 'zhoushan-oil-bulk', zh: '油气及大宗商品贸易', en: 'Oil, gas and bulk commodity trade', divisions: ['330921', '330902'] },
  ],
};

export const zoneProfiles: Readonly<Record<ZoneId, ZoneProfile>> = { jinhua, zhoushan };
