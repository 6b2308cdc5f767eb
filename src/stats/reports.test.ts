// Monthly reports' checks and the CSV reader: every problem named by field and line, in both languages.
import { describe, expect, it } from 'vitest';
import { checkReport, parseReportCsv, type ReportInput } from './reports.js';

const ok: ReportInput = { month: '2026-10', exportFen: 100_000, importFen: 0, b2bExportFen: 30_000, marketProcurementFen: 5_000, overseasWarehouses: 2, overseasWarehouseAreaM2: 1_500 };
const HEAD = 'uscc,month,exportFen,importFen,b2bExportFen,marketProcurementFen,overseasWarehouses,overseasWarehouseAreaM2,note';

describe('checkReport', () => {
  it('takes a good report of a month that has ended', () => {
    expect(checkReport(ok, '2026-11')).toEqual([]);
  });

  it('names each field that is wrong', () => {
    const problems = checkReport({ ...ok, month: '2026-11', exportFen: -1, b2bExportFen: 2.5, overseasWarehouses: 0 }, '2026-11');
    expect(problems.map((p) => `${p.code} ${p.path}`)).toEqual([
      'STATS_REPORT_MONTH_OPEN /month', 'STATS_REPORT_AMOUNT /exportFen', 'STATS_REPORT_AMOUNT /b2bExportFen', 'STATS_REPORT_AREA_WITHOUT_WAREHOUSES /overseasWarehouseAreaM2',
    ]);
    expect(problems[1]!.message.en).toContain('exportFen');
    expect(problems[1]!.message['zh-CN']).toContain('exportFen');
    const b2b = checkReport({ ...ok, b2bExportFen: 100_001 }, '2026-11');
    expect(b2b.map((p) => p.code)).toEqual(['STATS_REPORT_B2B_EXCEEDS']);
    expect(b2b[0]!.message['zh-CN']).toBe('b2bExportFen（其中 B2B 出口 100001 分）不能大于 exportFen（跨境电商出口 100000 分）');
    expect(checkReport({ ...ok, month: '2026-13' }, '2026-11').map((p) => p.code)).toEqual(['PATTERN']);
  });
});

describe('parseReportCsv', () => {
  it('reads one report per line with its enterprise reference', () => {
    const { reports, issues } = parseReportCsv(`${HEAD}\r\n91330782DEM0000012,2026-10,100000,0,30000,5000,2,1500,"九月, 补报"\n91330782DEM0000013,2026-09,0,0,0,0,0,0,\n`, '2026-11');
    expect(issues).toEqual([]);
    expect(reports.map((r) => [r.line, r.ref.uscc, r.input.month, r.input.exportFen, r.input.note])).toEqual([
      [2, '91330782DEM0000012', '2026-10', 100_000, '九月, 补报'], [3, '91330782DEM0000013', '2026-09', 0, undefined],
    ]);
  });

  it('reports every bad line by number and field', () => {
    const { issues } = parseReportCsv(`${HEAD}\nX,2026-10,100000,0,30000,5000,2,1500,\nX,2026-10,1.5,0,,5000,0,10,\nX,2026-12,1,0,2,0,0,0,\n`, '2026-11');
    expect(issues.map((i) => `${i.line} ${i.code} ${i.path}`)).toEqual([
      '3 STATS_REPORT_AMOUNT /lines/3/exportFen', '3 REQUIRED /lines/3/b2bExportFen', '3 STATS_REPORT_AREA_WITHOUT_WAREHOUSES /lines/3/overseasWarehouseAreaM2',
      '4 STATS_REPORT_MONTH_OPEN /lines/4/month', '4 STATS_REPORT_B2B_EXCEEDS /lines/4/b2bExportFen',
    ]);
  });

  it('wants every column and at least one line', () => {
    expect(parseReportCsv('month,exportFen\n2026-10,1\n', '2026-11').issues.map((i) => i.path)).toEqual([
      '/header/importFen', '/header/b2bExportFen', '/header/marketProcurementFen', '/header/overseasWarehouses', '/header/overseasWarehouseAreaM2',
    ]);
    expect(parseReportCsv(`${HEAD}\n`, '2026-11').issues.map((i) => i.code)).toEqual(['STATS_REPORT_CSV']);
    expect(parseReportCsv('"unclosed', '2026-11').issues.map((i) => i.code)).toEqual(['STATS_REPORT_CSV']);
  });
});
