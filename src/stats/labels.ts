// Words for the keys of every dimension, in zh-CN and en: the zone profile's counties, parks and
// clusters, the customs code tables' modes and countries, the market groups; enterprises come
// from the registry (the service looks them up per page).
import { lookupCode } from '../kernel/codes/index.js';
import type { ZoneProfile } from '../zone/index.js';
import type { Markets } from './markets.js';

export interface Label { readonly zh: string; readonly en: string }

/** The self-reports' modes: the report says retail or B2B, not the customs mode. */
const REPORT_MODES: Readonly<Record<string, Label>> = {
  B2C: { zh: '零售（企业自报，不分监管方式）', en: 'Retail (self-reported, mode not given)' },
  B2B: { zh: 'B2B 出口（企业自报，9710/9810）', en: 'B2B exports (self-reported, 9710/9810)' },
};

const UNKNOWN: Readonly<Record<string, Label>> = {
  county: { zh: '未登记县（市、区）', en: 'County not registered' },
  park: { zh: '园区外', en: 'Outside the parks' },
  cluster: { zh: '未归入产业集群', en: 'No industry cluster' },
  country: { zh: '国别不详', en: 'Country not given' },
  market: { zh: '市场不详', en: 'Market not known' },
  chapter: { zh: '商品编码不详', en: 'HS code not given' },
  enterprise: { zh: '未登记企业', en: 'Enterprise not registered' },
};

export type Labeller = (dim: string, key: string) => Label;

export function labeller(zone: ZoneProfile, markets: Markets): Labeller {
  const divisions = new Map(zone.divisions.map((d) => [d.code, d]));
  const parks = new Map(zone.parks.map((p) => [p.code, p]));
  const clusters = new Map(zone.clusters.map((c) => [c.code, c]));
  const groups = new Map(markets.groups.map((g) => [g.code, g]));
  return (dim, key) => {
    if (dim === 'none') return { zh: '合计', en: 'Total' };
    if (dim === 'direction') return key === 'E' ? { zh: '出口', en: 'Exports' } : { zh: '进口', en: 'Imports' };
    if (key === '' && UNKNOWN[dim]) return UNKNOWN[dim]!;
    const named = (n: { zh: string; en?: string | null } | undefined): Label => (n ? { zh: n.zh, en: n.en ?? n.zh } : { zh: key, en: key });
    switch (dim) {
      case 'mode': return REPORT_MODES[key] ?? (() => { const m = lookupCode('trade-mode', key); return m ? { zh: `${key} ${m.zh}`, en: `${key} ${m.en ?? m.zh}` } : { zh: key, en: key }; })();
      case 'county': return named(divisions.get(key));
      case 'park': return named(parks.get(key));
      case 'cluster': return named(clusters.get(key));
      case 'country': return named(lookupCode('country', key));
      case 'market': return named(groups.get(key));
      case 'chapter': return { zh: `第${key}章`, en: `Chapter ${key}` };
      default: return { zh: key, en: key };
    }
  };
}
