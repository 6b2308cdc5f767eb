// Statistics over HTTP with the customs simulator: lists released through the API show in the
// series, key figures, analysis and ranking; an enterprise sees only its own figures; every table
// downloads as CSV and xlsx with headers in the asked language; monthly reports through JSON and
// CSV, late reporters and reminders; targets changed by the operator only; the printable report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startClearance, type ClearanceHarness } from './support/clearance.js';
import { ITEM_RECORDS, parcel, type Parties } from './support/parcels.js';
import { writeMessage } from '../src/ceb/codec.js';
import type { Enterprise } from '../src/registry/model.js';
import { unzip } from './support/zip.js';

// The platform's clock: the 3rd of the month after this one, so the demo enterprises (registered
// now, by the real clock) are expected to report this month, and this month has ended.
const real = new Date(Date.now() + 8 * 3600_000);
const MONTH = real.toISOString().slice(0, 7);
const NEXT = new Date(Date.UTC(real.getUTCFullYear(), real.getUTCMonth() + 1, 3, 2));
const NEXT_MONTH = NEXT.toISOString().slice(0, 7);
const lastDay = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);

let harness: ClearanceHarness;
let app: FastifyInstance;
let parties: Parties;
let exporter: Enterprise;
const auth = (e: Enterprise) => ({ authorization: `Bearer ${harness.token(e)}` });
const admin = () => ({ authorization: `Bearer ${harness.admin}` });
const get = (url: string, headers: Record<string, string>) => app.inject({ url, headers });

beforeAll(async () => {
  harness = await startClearance({ now: () => NEXT });
  app = harness.app;
  const pick = harness.enterprise;
  parties = { ebp: await pick('义乌小商品跨境电商平台'), ebc: await pick('金义综保区美妆进口'), payment: await pick('浙江金义支付'), logistics: await pick('义乌国际快递') };
  exporter = await pick('义乌环球日用品出口');
  await app.inject({ method: 'PUT', url: '/api/v1/item-records', payload: { items: ITEM_RECORDS }, headers: auth(parties.ebc) });
  // Two bonded imports of 300.00 each (worked example A): 60,000 fen.
  for (let i = 0; i < 2; i++) {
    const x = parcel(parties);
    for (const [by, type, m] of [[parties.logistics, 'CEB511Message', x.waybill], [parties.payment, 'CEB411Message', x.payment], [parties.ebp, 'CEB311Message', x.order]] as const) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/messages', payload: writeMessage(type, m), headers: { 'content-type': 'application/xml', ...auth(by) } });
      expect(r.statusCode, r.body).toBe(200);
    }
  }
  await harness.platform.pipeline.drain();
});
afterAll(() => harness?.close());

const series = `/api/v1/stats/series?from=${NEXT_MONTH}-01&to=${lastDay(NEXT_MONTH)}&grain=month`;

describe('statistics over HTTP', () => {
  it('answers the series: the zone for the operator, its own for an enterprise, nothing for another', async () => {
    expect((await get(series, {})).statusCode).toBe(401);
    const zone = await get(`${series}&dim=none`, admin());
    expect(zone.statusCode, zone.body).toBe(200);
    // 60,000 fen at 7.10 CNY/USD = 8,450.70 cents → 8,451.
    expect(zone.json()).toMatchObject({ grain: 'month', dim: 'none', basis: 'customs', rows: [{ period: NEXT_MONTH, key: '', lists: 2, valueFen: 60_000, valueUsdCents: 8_451 }] });
    const mine = await get(`${series}&dim=park`, auth(parties.ebc));
    expect(mine.json().rows).toEqual([expect.objectContaining({ key: 'JYZB', labelZh: '金义综合保税区', valueFen: 60_000 })]);
    expect((await get(`${series}&dim=none`, auth(exporter))).json().rows).toEqual([]);
    expect((await get(`${series}&dim=enterprise`, auth(exporter))).json().rows).toEqual([]);
    const bad = await get(`/api/v1/stats/series?from=2026-02-30&to=2026-03-01`, admin());
    expect(bad.json().error.issues[0]).toMatchObject({ code: 'STATS_BAD_DATE', path: '/querystring/from' });
    expect((await get('/api/v1/stats/series?dim=province', admin())).statusCode).toBe(400);
    // Countries by day: a quarter at most.
    const long = await get('/api/v1/stats/series?from=2026-01-01&to=2026-06-30&grain=day&dim=country', { ...admin(), 'accept-language': 'en' });
    expect(long.json().error.issues[0]).toMatchObject({ code: 'STATS_RANGE_TOO_LONG', message: 'The range is too long: for this dimension at most 93 days by day, 120 months by month' });
    const docs = (await get('/docs/json', {})).json();
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/api/v1/stats/series', '/api/v1/stats/reports/csv', '/api/v1/stats/targets/{id}']));
    expect(docs.paths['/api/v1/stats/series'].get.parameters.find((x: { name: string }) => x.name === 'dim').schema.anyOf.length).toBe(10);
  });

  it('downloads the rows as CSV and xlsx with headers in the asked language', async () => {
    const csv = await get(`${series}&dim=mode&format=csv`, admin());
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain(`attachment; filename="stats-series-month-mode-`);
    expect(csv.body.split('\r\n').slice(0, 2)).toEqual(['\uFEFF期间,代码,名称,单数,金额（元）,金额（美元）', `${NEXT_MONTH},1210,1210 保税电商,2,600.00,84.51`]);
    const en = await get(`${series}&dim=mode&format=csv`, { ...admin(), 'accept-language': 'en' });
    expect(en.body.split('\r\n')[1]).toBe(`${NEXT_MONTH},1210,1210 Bonded e-commerce,2,600.00,84.51`);
    const x = await app.inject({ url: `${series}&dim=mode&format=xlsx`, headers: { ...admin(), 'accept-language': 'en' } });
    expect(x.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const parts = unzip(x.rawPayload);
    expect(parts.get('xl/sharedStrings.xml')!.toString()).toContain('<t xml:space="preserve">1210 Bonded e-commerce</t>');
    expect(parts.get('xl/worksheets/sheet1.xml')!.toString()).toContain('<v>600.00</v>');
    for (const url of ['/api/v1/stats/targets?format=xlsx', `/api/v1/stats/leading?format=csv`, `/api/v1/stats/reports?format=xlsx`, `/api/v1/stats/reports/late?month=${MONTH}&format=csv`, `/api/v1/stats/analysis?month=${NEXT_MONTH}&format=xlsx`, `/api/v1/stats/overview?format=csv`]) {
      const r = await get(url, admin());
      expect(r.statusCode, `${url} ${r.body.slice(0, 200)}`).toBe(200);
      expect(r.headers['content-disposition']).toMatch(/^attachment; filename="stats-/);
    }
  });

  it('gives the year\'s key figures, the analysis and the ranking; an enterprise its own row', async () => {
    const year = Number(NEXT_MONTH.slice(0, 4));
    const o = (await get(`/api/v1/stats/overview?year=${year}`, admin())).json();
    expect(o.kpis.find((k: { measure: string }) => k.measure === 'cbec_import')).toMatchObject({ valueFen: 60_000, lists: 2, previousFen: 0, yoy: null });
    expect(o.kpis.find((k: { measure: string }) => k.measure === 'market_procurement')).toMatchObject({ valueFen: 0 });
    const a = (await get(`/api/v1/stats/analysis?month=${NEXT_MONTH}&by=market`, admin())).json();
    expect(a).toMatchObject({ month: NEXT_MONTH, by: 'market', rows: [{ key: 'eu_us', labelZh: '欧美', valueFen: 60_000, share: 1, mom: null }] });
    const lead = (await get(`/api/v1/stats/leading?year=${year}`, admin())).json();
    expect(lead).toMatchObject({ total: 1, rows: [{ rank: 1, enterpriseId: parties.ebc.id, valueFen: 60_000, over1billion: false, county: '330703' }] });
    expect((await get(`/api/v1/stats/leading?year=${year}`, auth(parties.ebc))).json().rows.map((r: { enterpriseId: string }) => r.enterpriseId)).toEqual([parties.ebc.id]);
    expect((await get(`/api/v1/stats/leading?year=${year}`, auth(exporter))).json()).toMatchObject({ total: 0, rows: [] });
  });

  it('lets the operator change a target, version-checked; an enterprise only reads them', async () => {
    const rows = (await get('/api/v1/stats/targets?zone=jinhua', auth(exporter))).json().rows;
    expect(rows.map((r: { id: string }) => r.id)).toContain('jh-2024-warehouses');
    const t = rows.find((r: { id: string }) => r.id === 'jh-2024-warehouses');
    expect(t).toMatchObject({ unit: 'count', target: 100, basis: 'self_report', source: expect.stringContaining('issue 7') });
    expect((await app.inject({ method: 'PUT', url: '/api/v1/stats/targets/jh-2024-warehouses', headers: auth(exporter), payload: { target: 120, version: t.version } })).statusCode).toBe(403);
    const ok = await app.inject({ method: 'PUT', url: '/api/v1/stats/targets/jh-2024-warehouses', headers: admin(), payload: { target: 120, version: t.version } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ target: 120, version: t.version + 1 });
    const again = await app.inject({ method: 'PUT', url: '/api/v1/stats/targets/jh-2024-warehouses', headers: admin(), payload: { target: 130, version: t.version } });
    expect(again.statusCode).toBe(409);
    expect((await get('/api/v1/stats/targets/jh-2024-warehouses/history', admin())).json().items).toHaveLength(1);
  });

  it('takes monthly reports as JSON and CSV, checked field by field, in the caller\'s language', async () => {
    const body = { month: MONTH, exportFen: 500_000, importFen: 0, b2bExportFen: 100_000, marketProcurementFen: 70_000, overseasWarehouses: 1, overseasWarehouseAreaM2: 800 };
    const post = (payload: object, headers: Record<string, string>) => app.inject({ method: 'POST', url: '/api/v1/stats/reports', payload, headers });
    const filed = await post(body, auth(exporter));
    expect(filed.statusCode, filed.body).toBe(201);
    expect(filed.json()).toMatchObject({ enterpriseId: exporter.id, version: 1, late: false, dueDate: `${NEXT_MONTH}-10` });
    expect((await post({ ...body, enterpriseId: parties.ebc.id }, auth(exporter))).statusCode).toBe(403);
    const wrong = await post({ ...body, b2bExportFen: 600_000 }, { ...auth(exporter), 'accept-language': 'en' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.issues).toEqual([expect.objectContaining({ code: 'STATS_REPORT_B2B_EXCEEDS', path: '/b2bExportFen', message: expect.stringContaining('b2bExportFen') })]);
    expect((await post(body, admin())).json().error.issues[0]).toMatchObject({ code: 'REQUIRED', path: '/enterpriseId' });
    const typed = await post({ ...body, exportFen: '5' }, auth(exporter));
    expect(typed.json().error.issues[0]).toMatchObject({ code: 'TYPE', path: '/exportFen' });

    const head = 'enterpriseId,month,exportFen,importFen,b2bExportFen,marketProcurementFen,overseasWarehouses,overseasWarehouseAreaM2,note\n';
    const csv = (text: string, headers: Record<string, string>) => app.inject({ method: 'POST', url: '/api/v1/stats/reports/csv', payload: text, headers: { 'content-type': 'text/csv', ...headers } });
    const count = async () => (await get('/api/v1/stats/reports?history=true', admin())).json().total;
    const before = await count();
    const bad = await csv(`${head}${parties.ebc.id},${MONTH},1,0,0,0,0,0,\n${parties.ebc.id},${MONTH},1,0,0,0,0,0,again\n`, admin());
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues).toEqual([expect.objectContaining({ code: 'STATS_REPORT_CSV_DUPLICATE', path: '/lines/3/month', line: 3 })]);
    expect(await count()).toBe(before);
    const good = await csv(`${head}${parties.ebc.id},${MONTH},0,120000,0,0,0,0,进口\n`, admin());
    expect(good.statusCode, good.body).toBe(201);
    expect(good.json()).toMatchObject({ filed: 1, rows: [{ enterpriseId: parties.ebc.id, importFen: 120_000, source: 'csv' }] });
    // An enterprise's CSV may name only itself.
    expect((await csv(`${head}${parties.ebc.id},${MONTH},1,0,0,0,0,0,\n`, auth(exporter))).statusCode).toBe(403);
    const own = (await get('/api/v1/stats/reports', auth(exporter))).json();
    expect(own.rows.map((r: { enterpriseId: string }) => r.enterpriseId)).toEqual([exporter.id]);
    // The self-report series keeps 1039 out of the CBEC total.
    const kpis = (await get(`/api/v1/stats/overview?year=${MONTH.slice(0, 4)}&basis=self_report`, admin())).json().kpis;
    expect(Object.fromEntries(kpis.map((k: { measure: string; valueFen: number }) => [k.measure, k.valueFen]))).toMatchObject({ cbec_export: 500_000, cbec_import: 120_000, cbec_total: 620_000, market_procurement: 70_000 });
  });

  it('lists who has not reported and records reminders (operator only)', async () => {
    const late = (await get(`/api/v1/stats/reports/late?month=${MONTH}`, admin())).json();
    expect(late).toMatchObject({ month: MONTH, dueDate: `${NEXT_MONTH}-10` });
    const ids = late.rows.map((r: { enterpriseId: string }) => r.enterpriseId);
    expect(ids).not.toContain(exporter.id);
    expect(ids).not.toContain(parties.ebc.id);
    // 13 demo enterprises report (ebc / overseas_warehouse); two have.
    expect(late.rows).toHaveLength(11);
    expect(late.rows.every((r: { status: string }) => r.status === 'missing')).toBe(true);
    expect((await get(`/api/v1/stats/reports/late?month=${MONTH}`, auth(exporter))).json().rows).toEqual([]);
    expect((await app.inject({ method: 'POST', url: `/api/v1/stats/reports/reminders?month=${MONTH}`, headers: auth(exporter) })).statusCode).toBe(403);
    const sent = await app.inject({ method: 'POST', url: `/api/v1/stats/reports/reminders?month=${MONTH}`, headers: admin() });
    expect(sent.json()).toMatchObject({ reminded: 11 });
  });

  it('prints the monthly report in either language', async () => {
    const zh = await get(`/api/v1/stats/report/monthly?month=${NEXT_MONTH}`, admin());
    expect(zh.headers['content-type']).toContain('text/html');
    expect(zh.body).toContain('跨境电商统计月报');
    expect(zh.body).toContain('600.00');
    expect(zh.body).toContain('@page');
    const en = await get(`/api/v1/stats/report/monthly?month=${NEXT_MONTH}&lang=en`, auth(exporter));
    expect(en.body).toContain('Cross-border e-commerce monthly report');
    expect(en.body).toContain('your enterprise');
    expect(en.body).not.toContain('600.00');
  });
});
