// The printable monthly report for decision-makers: one HTML page (A4, print CSS) in zh-CN or en
// with the month's figures on the customs basis, the enterprises' own reports beside them, the
// year so far against the plans' targets, markets, counties, modes, clusters, the leading
// enterprises and who has not reported.
import { fenToYuan } from '../kernel/money.js';
import type { Locale } from '../kernel/i18n/index.js';
import type { Scope } from './figures.js';
import type { Stats } from './service.js';
import type { TargetRow } from './targets.js';

const WORDS = {
  title: { zh: '跨境电商统计月报', en: 'Cross-border e-commerce monthly report' },
  basisNote: {
    zh: '海关口径：平台记录的清单（放行）与 9710/9810 报关单，按监管方式统计；企业自报为另一口径，单独列示；市场采购（1039）不计入跨境电商。',
    en: 'Customs basis: lists released and 9710/9810 declarations recorded on the platform, by supervision mode; the enterprises\' own reports are a separate basis, shown apart; market procurement (1039) is never counted as CBEC.',
  },
  ownNote: { zh: '本报告仅含本企业数据。', en: 'This report holds your enterprise\'s figures only.' },
  generated: { zh: '生成时间', en: 'Generated' },
  s1: { zh: '一、本月主要指标（海关口径）', en: '1. The month (customs basis)' },
  s1b: { zh: '本月企业自报', en: 'The month as the enterprises report it' },
  s2: { zh: '二、本年累计与规划目标', en: '2. The year so far and the plans\' targets' },
  s3: { zh: '三、市场分布', en: '3. Markets' },
  s4: { zh: '四、县（市、区）分布', en: '4. Counties and districts' },
  s5: { zh: '五、监管方式', en: '5. Supervision modes' },
  s6: { zh: '六、产业集群', en: '6. Industry clusters' },
  s7: { zh: '七、头部企业（本年累计）', en: '7. Leading enterprises (year so far)' },
  s8: { zh: '八、企业逐月申报', en: '8. Monthly reporting' },
  measure: { zh: '指标', en: 'Measure' },
  value: { zh: '金额（元）', en: 'Value (CNY)' },
  usd: { zh: '美元', en: 'USD' },
  mom: { zh: '环比', en: 'MoM' },
  yoy: { zh: '同比', en: 'YoY' },
  lists: { zh: '单数', en: 'Lists' },
  share: { zh: '占比', en: 'Share' },
  name: { zh: '名称', en: 'Name' },
  previous: { zh: '上年同期（元）', en: 'Same period last year (CNY)' },
  target: { zh: '目标', en: 'Target' },
  year: { zh: '年份', en: 'Year' },
  targetValue: { zh: '目标值', en: 'Target value' },
  actual: { zh: '实际', en: 'Actual' },
  progress: { zh: '完成度', en: 'Progress' },
  growthNeeded: { zh: '尚需年均增长', en: 'Growth still needed a year' },
  source: { zh: '来源', en: 'Source' },
  rank: { zh: '排名', en: 'Rank' },
  enterprise: { zh: '企业', en: 'Enterprise' },
  expected: { zh: '应报企业', en: 'Expected to report' },
  missing: { zh: '未报', en: 'Missing' },
  late: { zh: '逾期报送', en: 'Filed late' },
  due: { zh: '截止日', en: 'Due' },
  none: { zh: '无', en: 'None' },
  status: { zh: '状态', en: 'Status' },
  statusMissing: { zh: '未报', en: 'missing' },
  statusLate: { zh: '逾期', en: 'late' },
} as const;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Exact yuan with thousands separators (fen in, text out; no binary floats). */
export function formatYuan(fen: number): string {
  const [int, frac] = fenToYuan(fen).split('.') as [string, string];
  const neg = int.startsWith('-');
  const digits = neg ? int.slice(1) : int;
  return `${neg ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}
const pct = (r: number | null): string => (r === null ? '—' : `${r > 0 ? '+' : ''}${(r * 100).toFixed(1)}%`);
const plainPct = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

function targetValue(t: TargetRow, v: number | null): string {
  if (v === null) return '—';
  if (t.unit === 'fen') return formatYuan(v);
  if (t.unit === 'percent') return `${v}%`;
  return v.toLocaleString('en-US');
}

export async function monthlyReportHtml(stats: Stats, month: string, locale: Locale, scope: Scope): Promise<string> {
  const L = locale === 'en' ? 'en' : 'zh';
  const w = (k: keyof typeof WORDS) => WORDS[k][L];
  const name = (x: { labelZh: string; labelEn: string }) => esc(L === 'en' ? x.labelEn : x.labelZh);
  const year = Number(month.slice(0, 4));
  const zoneName = L === 'en' ? stats.zone.zoneName.en : stats.zone.zoneName.zh;
  const customs = await stats.month(month, 'customs', scope);
  const own = await stats.month(month, 'self_report', scope);
  const overview = await stats.overview(year, 'customs', scope);
  const by = async (key: 'market' | 'county' | 'mode' | 'cluster') => (await stats.analysis({ month, by: key, basis: 'customs' }, scope)).rows;
  const [markets, counties, modes, clusters] = [await by('market'), await by('county'), await by('mode'), await by('cluster')];
  const leading = await stats.leading({ year, basis: 'customs', limit: 10, offset: 0 }, scope);
  const late = await stats.reports.late(month, scope);

  const table = (head: string[], rows: string[][]) => rows.length
    ? `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c, i) => `<td${i ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    : `<p class="empty">${w('none')}</p>`;
  const monthTable = (rows: typeof customs) => table([w('measure'), w('value'), w('usd'), w('mom'), w('yoy'), w('lists')],
    rows.map((k) => [name(k), formatYuan(k.valueFen), k.valueUsdCents === null ? '—' : `$${formatYuan(k.valueUsdCents)}`, pct(k.mom), pct(k.yoy), String(k.lists)]));
  const byTable = (rows: Awaited<ReturnType<typeof by>>) => table([w('name'), w('value'), w('share'), w('mom'), w('yoy')],
    rows.map((r) => [name(r), formatYuan(r.valueFen), plainPct(r.share), pct(r.mom), pct(r.yoy)]));

  const sections = [
    `<section><h2>${w('s1')}</h2>${monthTable(customs)}<h3>${w('s1b')}</h3>${monthTable(own.map((k) => ({ ...k, lists: 0 })))}</section>`,
    `<section><h2>${w('s2')}</h2>${table([w('measure'), w('value'), w('previous'), w('yoy')], overview.kpis.map((k) => [name(k), formatYuan(k.valueFen), formatYuan(k.previousFen), pct(k.yoy)]))}` +
      table([w('target'), w('year'), w('targetValue'), w('actual'), w('progress'), w('growthNeeded'), w('source')],
        overview.targets.map((t) => [name(t), String(t.year), targetValue(t, t.target), targetValue(t, t.actual), plainPct(t.progress), pct(t.growthNeeded), esc(t.source)])) + '</section>',
    `<section><h2>${w('s3')}</h2>${byTable(markets)}</section>`,
    `<section><h2>${w('s4')}</h2>${byTable(counties)}</section>`,
    `<section><h2>${w('s5')}</h2>${byTable(modes)}</section>`,
    `<section><h2>${w('s6')}</h2>${byTable(clusters)}</section>`,
    `<section><h2>${w('s7')}</h2>${table([w('rank'), w('enterprise'), w('value'), w('previous'), w('yoy')],
      leading.rows.map((r) => [String(r.rank), esc(L === 'en' ? r.nameEn : r.nameZh), formatYuan(r.valueFen), formatYuan(r.previousFen), pct(r.yoy)]))}</section>`,
    `<section><h2>${w('s8')}</h2><p>${w('due')}: ${late.dueDate} · ${w('expected')}: ${late.expected} · ${w('missing')}: ${late.rows.filter((r) => r.status === 'missing').length} · ${w('late')}: ${late.rows.filter((r) => r.status === 'late').length}</p>` +
      table([w('enterprise'), w('status')], late.rows.slice(0, 30).map((r) => [esc(L === 'en' ? r.nameEn : r.nameZh), r.status === 'missing' ? w('statusMissing') : w('statusLate')])) + '</section>',
  ];
  const css = `
    body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #111; margin: 24px; font-size: 12px; }
    h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px; border-bottom: 1px solid #999; } h3 { font-size: 13px; margin: 10px 0 4px; }
    .meta, .note { color: #444; } table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
    th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
    th { background: #eee; } .empty { color: #777; }
    @page { size: A4; margin: 15mm; }
    @media print { body { margin: 0; } section { page-break-inside: avoid; } thead { display: table-header-group; } }`;
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${esc(zoneName)} — ${w('title')} ${month}</title><style>${css}</style></head>
<body><header><h1>${esc(zoneName)}</h1><p class="meta">${w('title')} · ${month} · ${w('generated')}: ${stats.today()}</p>
<p class="note">${w('basisNote')}${scope.enterpriseId ? ` ${w('ownNote')}` : ''}</p></header>
${sections.join('\n')}
</body></html>
`;
}
