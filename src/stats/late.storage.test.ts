// Late monthly reports as credit counts them (lateReportCount): the months whose due date (the
// 10th of the next month, Beijing time) fell in the window, owed by an active enterprise holding a
// reporting role once registered, and first filed after the due date or never.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { lateReportCount } from './reports.js';

const T = '2026-01-15T00:00:00.000Z';
const enterprise = (id: string, createdAt = T) => ({
  id, uscc: `91330000MA${id.padStart(8, '0')}`, customs_code: null, dxp_id: null, name_zh: `企业${id}`, name_en: null, county: null, park: null, cluster: null,
  credit_level: 'regular', credit_level_given: 'regular', status: 'active', address: null, contacts: '[]', created_at: createdAt, updated_at: createdAt, version: 1,
});
let n = 0;
const report = (enterpriseId: string, month: string, filedAt: string, version = 1) => ({
  id: `rep-${++n}`, enterprise_id: enterpriseId, month, version, current: 1, export_fen: 100, import_fen: 0, b2b_export_fen: 0, market_procurement_fen: 0,
  overseas_warehouses: 0, overseas_warehouse_area_m2: 0, note: null, county: '', park: '', cluster: '', source: 'api', filed_at: filedAt, filed_by: 'test',
});

describe.each(adapters)('late monthly reports on %s', (adapter) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(adapter);
    const db = t.store.db;
    await db.insertInto('enterprises').values([enterprise('91'), enterprise('92', '2026-05-20T02:00:00.000Z'), enterprise('93')]).execute();
    await db.insertInto('enterprise_roles').values([{ enterprise_id: '91', role: 'ebc' }, { enterprise_id: '92', role: 'ebc' }, { enterprise_id: '93', role: 'payment' }]).execute();
    await db.insertInto('stats_reports').values([
      report('91', '2026-02', '2026-03-05T02:00:00.000Z'),
      report('91', '2026-03', '2026-04-11T02:00:00.000Z'), // 04-11 10:00 Beijing: a day late
      report('91', '2026-04', '2026-05-10T15:00:00.000Z'), // 05-10 23:00 Beijing: on the due day
      report('91', '2026-06', '2026-06-30T02:00:00.000Z'),
      { ...report('91', '2026-06', '2026-07-15T02:00:00.000Z', 2) }, // a later revision does not make June late
    ].map((r, i) => ({ ...r, current: i === 3 ? 0 : 1 }))).execute();
  });
  afterAll(async () => { await t?.dispose(); });

  const since = '2026-03-01T00:00:00.000Z';
  const at = '2026-07-20T00:00:00.000Z';
  it('counts March (late) and May (missing) among the five months due in the window', async () => {
    expect(await lateReportCount(t.store.db, '91', since, at)).toBe(2);
  });
  it('a month is owed only once the enterprise was registered by its end', async () => {
    // Registered 20 May: May and June are owed, neither filed.
    expect(await lateReportCount(t.store.db, '92', since, at)).toBe(2);
  });
  it('an enterprise without a reporting role owes nothing; the due day is an option', async () => {
    expect(await lateReportCount(t.store.db, '93', since, at)).toBe(0);
    // Due on the 5th: February's (5 March, 10:00 Beijing) is on time; March's and April's (10 May) are late, May's missing.
    expect(await lateReportCount(t.store.db, '91', since, at, { dueDay: 5 })).toBe(3);
    // A window ending 9 July: June's report is not yet due.
    expect(await lateReportCount(t.store.db, '92', since, '2026-07-09T00:00:00.000Z')).toBe(1);
  });
});
