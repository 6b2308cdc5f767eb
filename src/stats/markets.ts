// Market groups as data (src/stats/data/markets.csv and market-countries.csv): 欧美, 日韩, 东南亚, 非洲
// and "一带一路", each a set of customs country codes (src/kernel/codes). A country may be in several
// groups (Greece is European and a Belt and Road partner), so the groups' shares may add up to
// more than the whole. The Belt and Road list is illustrative (see the CSV); the zone loads its own.
import { readFileSync } from 'node:fs';
import { parseCsv } from '../kernel/csv.js';
import { isCode } from '../kernel/codes/index.js';
import { projectPath } from '../kernel/paths.js';

export interface MarketGroup {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  readonly note: string;
}

export interface Markets {
  readonly groups: readonly MarketGroup[];
  /** The groups of a customs country code; ['other'] when it is in none. */
  of(country: string): readonly string[];
}

export const OTHER_MARKET = 'other';

export function parseMarkets(groupsCsv: string, countriesCsv: string): Markets {
  const problems: string[] = [];
  const groups = parseCsv(groupsCsv).map((r, i) => {
    if (!/^[a-z_]{2,20}$/.test(r.code ?? '')) problems.push(`markets line ${i + 2}: code must be 2–20 lower-case letters, got "${r.code}"`);
    if (!r.zh || !r.en) problems.push(`markets line ${i + 2}: zh and en are required`);
    return { code: r.code ?? '', zh: r.zh ?? '', en: r.en ?? '', note: r.note ?? '' };
  });
  const known = new Set(groups.map((g) => g.code));
  if (!known.has(OTHER_MARKET)) problems.push(`markets: the group "${OTHER_MARKET}" (countries in no group) is required`);
  const by = new Map<string, string[]>();
  parseCsv(countriesCsv).forEach((r, i) => {
    const market = r.market ?? '';
    const country = r.country ?? '';
    if (!known.has(market) || market === OTHER_MARKET) problems.push(`market countries line ${i + 2}: unknown market "${market}"`);
    if (!isCode('country', country)) problems.push(`market countries line ${i + 2}: "${country}" is not a customs country code`);
    const list = by.get(country) ?? [];
    if (list.includes(market)) problems.push(`market countries line ${i + 2}: ${country} is in ${market} twice`);
    by.set(country, [...list, market]);
  });
  if (problems.length) throw new Error(`market groups: ${problems.slice(0, 5).join('; ')}`);
  const other = [OTHER_MARKET] as const;
  return { groups, of: (country) => by.get(country) ?? other };
}

export function loadMarkets(files: { groups?: string; countries?: string } = {}): Markets {
  return parseMarkets(
    readFileSync(files.groups ?? projectPath('src/stats/data/markets.csv'), 'utf8'),
    readFileSync(files.countries ?? projectPath('src/stats/data/market-countries.csv'), 'utf8'),
  );
}
