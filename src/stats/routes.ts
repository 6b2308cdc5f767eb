// Statistics over HTTP. The operator sees the zone; an enterprise sees its own figures only (the
// targets are the zone's, and in the ranking it finds its own row). Every GET answering with rows
// also gives them as a file with format=csv|xlsx (headers in the Accept-Language's language).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, requireAdmin, requirePrincipal } from '../http/auth.js';
import { invalid, issue } from '../kernel/errors.js';
import type { Principal } from '../registry/index.js';
import { ANALYSIS_BY, SERIES_DIMS, type Scope } from './figures.js';
import { BASES, MONEY_MEASURES } from './rules.js';
import { columnsOf, FORMATS, sendTable, type Format } from './export.js';
import { isDay } from './periods.js';
import { monthlyReportHtml } from './report.js';
import type { Stats } from './service.js';
import type { TargetRow } from './targets.js';
import type { ReportView } from './reports.js';

const lit = <T extends string>(values: readonly T[]) => Type.Unsafe<T>(Type.Union(values.map((v) => Type.Literal(v))));
const MONTH = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });
const DAY = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const YEAR = Type.Integer({ minimum: 2000, maximum: 2100 });
const FORMAT = Type.Optional(lit(FORMATS));
const BASIS = Type.Optional(lit(BASES));
const MEASURE = Type.Optional(lit(MONEY_MEASURES));
const DIRECTION = Type.Optional(lit(['E', 'I'] as const));
const MODE = Type.Optional(Type.String({ pattern: '^[0-9A-Z]{3,4}$' }));
const FEN = Type.Integer({ minimum: 0, maximum: 1e15 });
const TAGS = ['stats'];
const SECURITY = [{ bearer: [] }];

const scopeOf = (p: Principal): Scope => (p.kind === 'enterprise' ? { enterpriseId: p.enterpriseId } : {});
const localeOf = (r: FastifyRequest) => r.headers['accept-language'];

export function statsRoutes(app: FastifyInstance, deps: { stats: Stats }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { stats } = deps;
  const thisYear = () => Number(stats.today().slice(0, 4));
  const lastMonth = () => {
    const [y, m] = stats.today().split('-').map(Number) as [number, number];
    return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  };
  const day = (v: string, path: string) => {
    if (!isDay(v)) throw invalid([issue('STATS_BAD_DATE', path, { value: v })]);
    return v;
  };

  r.get('/api/v1/stats/overview', {
    schema: {
      tags: TAGS, security: SECURITY,
      summary: 'The year\'s key figures (so far) against the same days of the year before, with the zone\'s targets for the year',
      querystring: Type.Object({ year: Type.Optional(YEAR), basis: BASIS, format: FORMAT }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const { year = thisYear(), basis = 'customs', format } = request.query;
    const out = await stats.overview(year, basis, scopeOf(p));
    if (format) {
      const c = columnsOf(out.kpis);
      return sendTable(request, reply, format, {
        name: `stats-overview-${year}-${basis}`, title: { zh: `${year}年主要指标`, en: `Key figures ${year}` }, rows: out.kpis,
        columns: [c.text('指标代码', 'Measure', (k) => k.measure), c.label('指标', 'Label'), c.yuan('金额（元）', 'Value (CNY)', (k) => k.valueFen),
          c.usd('金额（美元）', 'Value (USD)', (k) => k.valueUsdCents), c.num('单数', 'Lists', (k) => k.lists), c.yuan('上年同期（元）', 'Previous (CNY)', (k) => k.previousFen), c.num('同比', 'YoY', (k) => k.yoy)],
      });
    }
    return out;
  });

  r.get('/api/v1/stats/series', {
    schema: {
      tags: TAGS, security: SECURITY,
      summary: 'A series by day or month, by one dimension (top `limit` keys by value), on one basis; 1039 only with measure=market_procurement or mode=1039',
      querystring: Type.Object({
        from: Type.Optional(DAY), to: Type.Optional(DAY), grain: Type.Optional(lit(['day', 'month'] as const)), dim: Type.Optional(lit(SERIES_DIMS)), basis: BASIS,
        direction: DIRECTION, mode: MODE, measure: MEASURE, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), format: FORMAT,
      }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const q = request.query;
    const grain = q.grain ?? 'month';
    const to = day(q.to ?? stats.today(), '/querystring/to');
    const from = day(q.from ?? (grain === 'day' ? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10) : `${to.slice(0, 4)}-01-01`), '/querystring/from');
    const dim = q.dim ?? 'none';
    const basis = q.basis ?? 'customs';
    const rows = await stats.series({ from, to, grain, dim, basis, direction: q.direction, mode: q.mode, measure: q.measure, limit: q.limit ?? 50 }, scopeOf(p));
    if (q.format) {
      const c = columnsOf(rows);
      return sendTable(request, reply, q.format, {
        name: `stats-series-${grain}-${dim}-${from}-${to}`, title: { zh: '统计序列', en: 'Series' }, rows,
        columns: [c.text('期间', 'Period', (x) => x.period), c.text('代码', 'Key', (x) => x.key), c.label('名称', 'Name'), c.num('单数', 'Lists', (x) => x.lists),
          c.yuan('金额（元）', 'Value (CNY)', (x) => x.valueFen), c.usd('金额（美元）', 'Value (USD)', (x) => x.valueUsdCents)],
      });
    }
    return { grain, dim, basis, from, to, rows };
  });

  const targetTable = (rows: TargetRow[], c = columnsOf(rows)) => ({
    name: 'stats-targets', title: { zh: '规划目标', en: 'Targets' }, rows,
    columns: [c.text('编号', 'Id', (t: TargetRow) => t.id), c.text('综试区', 'Zone', (t: TargetRow) => t.zone), c.num('年份', 'Year', (t: TargetRow) => t.year),
      c.text('指标', 'Measure', (t: TargetRow) => t.measure), c.text('口径', 'Basis', (t: TargetRow) => t.basis), c.label('目标', 'Target'),
      c.text('单位', 'Unit', (t: TargetRow) => t.unit), c.num('目标值', 'Target value', (t: TargetRow) => t.target), c.num('实际', 'Actual', (t: TargetRow) => t.actual),
      c.num('完成度', 'Progress', (t: TargetRow) => t.progress), c.num('尚需年均增长', 'Growth still needed', (t: TargetRow) => t.growthNeeded), c.text('来源', 'Source', (t: TargetRow) => t.source)],
  });

  r.get('/api/v1/stats/targets', {
    schema: {
      tags: TAGS, security: SECURITY, summary: 'The plans\' targets with actual, progress and the annual growth still needed',
      querystring: Type.Object({ zone: Type.Optional(lit(['jinhua', 'zhoushan'] as const)), year: Type.Optional(YEAR), format: FORMAT }),
    },
  }, async (request, reply) => {
    requirePrincipal(request);
    const rows = await stats.targets({ zone: request.query.zone, year: request.query.year });
    return request.query.format ? sendTable(request, reply, request.query.format, targetTable(rows)) : { rows };
  });

  r.put('/api/v1/stats/targets/:id', {
    schema: {
      tags: TAGS, security: SECURITY, summary: 'Change a target\'s figure (operator; version-checked, audited)',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      body: Type.Object({ target: Type.Number({ exclusiveMinimum: 0 }), version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const p = requireAdmin(request);
    return stats.updateTarget(request.params.id, request.body, actorOf(p));
  });

  r.get('/api/v1/stats/targets/:id/history', {
    schema: { tags: TAGS, security: SECURITY, summary: 'Changes of a target (operator)', params: Type.Object({ id: Type.String({ maxLength: 64 }) }) },
  }, async (request) => {
    requireAdmin(request);
    return { id: request.params.id, items: await stats.targetHistory(request.params.id) };
  });

  r.get('/api/v1/stats/leading', {
    schema: {
      tags: TAGS, security: SECURITY,
      summary: '头部企业库: enterprises ranked by the year\'s CBEC trade (1039 left out) with the same period of the year before; over1billion ≥ 10亿元',
      querystring: Type.Object({
        year: Type.Optional(YEAR), basis: BASIS, over1billion: Type.Optional(Type.Boolean()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })), format: FORMAT,
      }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const q = request.query;
    const out = await stats.leading({ year: q.year ?? thisYear(), basis: q.basis ?? 'customs', limit: q.limit ?? 50, offset: q.offset ?? 0, over1billion: q.over1billion }, scopeOf(p));
    if (q.format) {
      type Row = (typeof out.rows)[number];
      const c = columnsOf(out.rows);
      return sendTable(request, reply, q.format, {
        name: `stats-leading-${out.year}`, title: { zh: '头部企业', en: 'Leading enterprises' }, rows: out.rows,
        columns: [c.num('排名', 'Rank', (x: Row) => x.rank), c.text('企业编号', 'Enterprise id', (x: Row) => x.enterpriseId),
          c.text('企业名称', 'Enterprise', (x: Row, l) => (l === 'en' ? x.nameEn : x.nameZh)), c.text('县（市、区）', 'County', (x: Row) => x.county),
          c.text('产业集群', 'Cluster', (x: Row) => x.cluster), c.yuan('本年（元）', 'This year (CNY)', (x: Row) => x.valueFen),
          c.yuan('上年同期（元）', 'Same period last year (CNY)', (x: Row) => x.previousFen), c.num('同比', 'YoY', (x: Row) => x.yoy),
          c.text('10亿元以上', 'Over CNY 1 bn', (x: Row) => (x.over1billion ? 'Y' : ''))],
      });
    }
    return out;
  });

  const reportBody = {
    month: MONTH, exportFen: FEN, importFen: FEN, b2bExportFen: FEN, marketProcurementFen: FEN,
    overseasWarehouses: Type.Integer({ minimum: 0, maximum: 1_000_000 }), overseasWarehouseAreaM2: FEN, note: Type.Optional(Type.String({ maxLength: 500 })),
  };

  r.post('/api/v1/stats/reports', {
    schema: {
      tags: TAGS, security: SECURITY,
      summary: 'File a monthly report (逐月申报); filing the month again replaces it as a new version (history kept). exportFen includes b2bExportFen; marketProcurementFen (1039) is apart',
      body: Type.Object({ enterpriseId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), ...reportBody }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    return reply.status(201).send(await stats.reports.file(request.body, scopeOf(p), actorOf(p)));
  });

  if (!app.hasContentTypeParser('text/csv')) app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  r.post('/api/v1/stats/reports/csv', {
    schema: {
      tags: TAGS, security: SECURITY,
      summary: 'File monthly reports as CSV (header: enterpriseId or uscc, month, exportFen, importFen, b2bExportFen, marketProcurementFen, overseasWarehouses, overseasWarehouseAreaM2, note): all lines or none, problems by line',
      consumes: ['text/csv'],
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    if (typeof request.body !== 'string') throw invalid([issue('STATS_REPORT_CSV', '/', {})]);
    return reply.status(201).send(await stats.reports.fileCsv(request.body, scopeOf(p), actorOf(p)));
  });

  const reportTable = (rows: ReportView[], c = columnsOf(rows)) => ({
    name: 'stats-reports', title: { zh: '企业逐月申报', en: 'Monthly reports' }, rows,
    columns: [c.text('企业编号', 'Enterprise id', (x: ReportView) => x.enterpriseId), c.text('月份', 'Month', (x: ReportView) => x.month), c.num('版本', 'Version', (x: ReportView) => x.version),
      c.yuan('跨境电商出口（元）', 'CBEC exports (CNY)', (x: ReportView) => x.exportFen), c.yuan('其中B2B出口（元）', 'of which B2B (CNY)', (x: ReportView) => x.b2bExportFen),
      c.yuan('零售进口（元）', 'Retail imports (CNY)', (x: ReportView) => x.importFen), c.yuan('市场采购（元）', 'Market procurement (CNY)', (x: ReportView) => x.marketProcurementFen),
      c.num('海外仓（个）', 'Overseas warehouses', (x: ReportView) => x.overseasWarehouses), c.num('海外仓面积（平方米）', 'Warehouse area (m²)', (x: ReportView) => x.overseasWarehouseAreaM2),
      c.text('备注', 'Note', (x: ReportView) => x.note), c.text('报送时间', 'Filed at', (x: ReportView) => x.filedAt), c.text('逾期', 'Late', (x: ReportView) => (x.late ? 'Y' : ''))],
  });

  r.get('/api/v1/stats/reports', {
    schema: {
      tags: TAGS, security: SECURITY, summary: 'Monthly reports in force (history=true: every version); an enterprise sees its own',
      querystring: Type.Object({
        month: Type.Optional(MONTH), enterpriseId: Type.Optional(Type.String({ maxLength: 64 })), history: Type.Optional(Type.Boolean()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })), format: FORMAT,
      }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const q = request.query;
    const out = await stats.reports.list({ month: q.month, enterpriseId: q.enterpriseId, history: q.history, limit: q.limit ?? 50, offset: q.offset ?? 0 }, scopeOf(p));
    return q.format ? sendTable(request, reply, q.format, reportTable(out.rows)) : out;
  });

  r.get('/api/v1/stats/reports/late', {
    schema: {
      tags: TAGS, security: SECURITY, summary: 'Enterprises expected to report the month that have not (missing) or did after the due date (late)',
      querystring: Type.Object({ month: Type.Optional(MONTH), format: FORMAT }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const out = await stats.reports.late(request.query.month ?? lastMonth(), scopeOf(p));
    if (request.query.format) {
      type Row = (typeof out.rows)[number];
      const c = columnsOf(out.rows);
      return sendTable(request, reply, request.query.format, {
        name: `stats-late-${out.month}`, title: { zh: '未按期申报企业', en: 'Late reporters' }, rows: out.rows,
        columns: [c.text('企业编号', 'Enterprise id', (x: Row) => x.enterpriseId), c.text('企业名称', 'Enterprise', (x: Row, l) => (l === 'en' ? x.nameEn : x.nameZh)),
          c.text('状态', 'Status', (x: Row) => x.status), c.text('报送时间', 'Filed at', (x: Row) => x.filedAt), c.text('最近提醒', 'Last reminded', (x: Row) => x.remindedAt)],
      });
    }
    return out;
  });

  r.post('/api/v1/stats/reports/reminders', {
    schema: {
      tags: TAGS, security: SECURITY, summary: 'Record a reminder to every enterprise whose report for the month is missing (operator)',
      querystring: Type.Object({ month: Type.Optional(MONTH) }),
    },
  }, async (request) => {
    const p = requireAdmin(request);
    return stats.reports.remind(request.query.month ?? lastMonth(), actorOf(p));
  });

  r.get('/api/v1/stats/analysis', {
    schema: {
      tags: TAGS, security: SECURITY, summary: 'A month by market, cluster, county or mode against the month before and a year before, with shares of the month\'s total',
      querystring: Type.Object({ month: Type.Optional(MONTH), by: Type.Optional(lit(ANALYSIS_BY)), basis: BASIS, measure: MEASURE, direction: DIRECTION, format: FORMAT }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const q = request.query;
    const month = q.month ?? lastMonth();
    const by = q.by ?? 'market';
    const basis = q.basis ?? 'customs';
    const out = await stats.analysis({ month, by, basis, measure: q.measure, direction: q.direction }, scopeOf(p));
    if (q.format) {
      type Row = (typeof out.rows)[number];
      const c = columnsOf(out.rows);
      return sendTable(request, reply, q.format as Format, {
        name: `stats-analysis-${by}-${month}`, title: { zh: `${month}动态分析`, en: `Analysis ${month}` }, rows: out.rows,
        columns: [c.text('代码', 'Key', (x: Row) => x.key), c.label('名称', 'Name'), c.yuan('本月（元）', 'Month (CNY)', (x: Row) => x.valueFen),
          c.yuan('上月（元）', 'Previous month (CNY)', (x: Row) => x.previousMonthFen), c.yuan('上年同月（元）', 'Same month last year (CNY)', (x: Row) => x.previousYearFen),
          c.num('环比', 'MoM', (x: Row) => x.mom), c.num('同比', 'YoY', (x: Row) => x.yoy), c.num('占比', 'Share', (x: Row) => x.share)],
      });
    }
    return { month, by, basis, ...out };
  });

  r.get('/api/v1/stats/report/monthly', {
    schema: {
      tags: TAGS, security: SECURITY, summary: 'The printable monthly report (HTML, A4 print CSS) in zh-CN or en',
      querystring: Type.Object({ month: Type.Optional(MONTH), lang: Type.Optional(lit(['zh-CN', 'en'] as const)) }),
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request);
    const lang = request.query.lang ?? (String(localeOf(request) ?? '').toLowerCase().startsWith('en') ? 'en' : 'zh-CN');
    const html = await monthlyReportHtml(stats, request.query.month ?? lastMonth(), lang, scopeOf(p));
    return reply.type('text/html; charset=utf-8').send(html);
  });

  r.get('/api/v1/stats/markets', {
    schema: { tags: TAGS, security: SECURITY, summary: 'The market groups and their countries (customs codes)' },
  }, async (request) => {
    requirePrincipal(request);
    return { groups: stats.markets.groups };
  });
}
