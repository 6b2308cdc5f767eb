// The consolidated declaration on both databases: recording, grouping keys per flag, exact sums,
// the Beijing month, late lists, split messages, and customs' answers stored as the line mapping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { refAvailable, validateMessage } from '../../test/support/xsd.js';
import { checkModel, writeMessage, type Model } from '../ceb/codec.js';
import { createSummaries, type Summaries } from './service.js';
import { recordClosedLists } from './record.js';
import { customsAnswer } from './customs.js';
import { customsLinesOf } from './lines.js';
import { seedCalendar } from './calendar.js';
import { exportList, type ListSpec } from './fixtures.js';
import { Rng } from '../kernel/random.js';
import { consolidateSqlite, sqliteHandle } from './fast.js';

const EBC = '3318960001';
const at = (iso: string) => new Date(iso);
const record = (t: TestStore, closedAt: string, ...specs: ListSpec[]) =>
  t.store.db.transaction().execute((trx) => recordClosedLists(trx, specs.map((s) => ({ invtNo: s.invtNo, closedAt: at(closedAt), body: exportList(s) }))));
const req = (month: string, over: Partial<Parameters<Summaries['build']>[0]> = {}) => ({
  ebcCode: EBC, ebcName: '义乌出口电商', month, customsCode: '2900', summaryFlag: '1' as const, itemNameFlag: false, mode: 'declaration' as const, ...over,
});
async function all(s: Summaries, id: string): Promise<Model[]> {
  const out: Model[] = [];
  for await (const m of s.messages(id)) out.push(m.model);
  return out;
}
const invtNos = (ms: Model[]) => ms.flatMap((m) => (m.SummaryApply as { SummaryApplyList?: { invtNo: string }[] }[]).flatMap((a) => (a.SummaryApplyList ?? []).map((l) => l.invtNo)));

describe.each(adapters)('monthly summary on %s', (adapter) => {
  let t: TestStore;
  let s: Summaries;
  beforeAll(async () => {
    t = await openTestStore(adapter);
    s = createSummaries({ store: t.store, calendar: seedCalendar(), now: () => at('2026-12-05T02:00:00Z'), maxListsPerMessage: 2 });
  });
  afterAll(() => t?.dispose());

  it('records each line once, puts it in its Beijing month, and leaves A lists out of the summary', async () => {
    const a = { invtNo: 'E1', ownerCode: 'OWNA', lines: [{ gcode: '9505100000', qty: '0.1', qty1: '0.1', totalPrice: '0.1' }, { gcode: '9505100000', qty: '0.2', qty1: '0.2', totalPrice: '0.2' }] };
    expect(await record(t, '2026-09-30T15:59:59Z', a)).toEqual({ lists: 1, lines: 2 });
    expect(await record(t, '2026-09-30T15:59:59Z', a)).toEqual({ lists: 0, lines: 0 });
    // 00:30 on 1 October in Beijing: an October list, though still September in UTC.
    await record(t, '2026-09-30T16:30:00Z', { invtNo: 'E2', ownerCode: 'OWNB', lines: [{ gcode: '9505100000', qty: '99999999999.12345', qty1: '1', totalPrice: '99999999999.12345' }] });
    await record(t, '2026-09-10T01:00:00Z', { invtNo: 'E3', ownerCode: 'OWNB', lines: [{ gcode: '9505100000', qty: '0.00001', qty1: '1', totalPrice: '0.00001' }] });
    await record(t, '2026-09-11T01:00:00Z', { invtNo: 'EA', statisticsFlag: 'A', lines: [{ gcode: '9505', qty: '5', qty1: '5', totalPrice: '500' }] });
    const months = await t.store.db.selectFrom('summary_lines').select(['invt_no', 'close_month']).orderBy('invt_no').orderBy('gnum').execute();
    expect(months.map((m) => `${m.invt_no}:${m.close_month}`)).toEqual(['E1:2026-09', 'E1:2026-09', 'E2:2026-10', 'E3:2026-09', 'EA:2026-09']);

    const sep = await s.build(req('2026-09'), 'test');
    expect(sep.counts).toMatchObject({ groups: 1, items: 1, lists: 2, lines: 3, messages: 1 });
    expect(sep.groups[0]!.items[0]).toMatchObject({ gcode: '9505100000', qty: '0.30001', qty1: '1.3', totalPrice: '0.30001', lines: 3 });
    expect(sep.dueDate).toBe('2026-10-15');
    const oct = await s.build(req('2026-10'), 'test');
    expect(oct.groups[0]!.items[0]).toMatchObject({ qty: '99999999999.12345', lines: 1 });
  });

  it('groups by 生产销售单位 only with summaryFlag 2, and by the item name only with itemNameFlag', async () => {
    const line = (gname: string, qty: string) => ({ gcode: '6109100022', gname, qty, qty1: qty, totalPrice: qty });
    await record(t, '2026-11-03T04:00:00Z',
      { invtNo: 'N1', ownerCode: 'OWNA', lines: [line('T恤', '1'), line('短袖T恤', '2')] },
      { invtNo: 'N2', ownerCode: 'OWNB', lines: [line('T恤', '4')] },
      { invtNo: 'N3', ownerCode: 'OWNB', country: '303', lines: [{ ...line('T恤', '8'), country: '303', currency: '303' }] });
    const one = await s.build(req('2026-11'), 'test');
    expect(one.groups.map((g) => [g.head.ownerCode, g.head.country, g.lists, g.items.map((i) => `${i.country}/${i.currency}/${i.qty}/${i.gname}`)])).toEqual([
      [null, '303', 1, ['303/303/8/T恤']],
      [null, '502', 2, ['502/502/7/T恤']],
    ]);
    // Customs refuses it: the month is free again and is built by the other keys.
    const applies = (await all(s, one.id)).flatMap((m) => m.SummaryApply as { SummaryApplyHead: Record<string, string> }[]);
    const refused = { guid: 'G', version: '1.0', SummaryReturn: (applies as { SummaryApplyHead: Record<string, string> }[]).map((a) => ({ guid: 'G', agentCode: EBC, ebcCode: EBC, copNo: a.SummaryApplyHead.copNo, preNo: 'P', msgSeqNo: '1', returnStatus: '100', returnTime: '20261206100000000', returnInfo: 'no' })) };
    expect(await s.receiveSummaryReturn(refused as unknown as Model)).toEqual({ matched: 2, unmatched: 0 });
    expect((await s.get(one.id)).state).toBe('rejected');
    const two = await s.build(req('2026-11', { summaryFlag: '2', itemNameFlag: true }), 'test');
    expect(two.groups.map((g) => [g.head.ownerCode, g.head.country, g.items.map((i) => `${i.gname}:${i.qty}`)])).toEqual([
      ['OWNA', '502', ['T恤:1', '短袖T恤:2']],
      ['OWNB', '303', ['T恤:8']],
      ['OWNB', '502', ['T恤:4']],
    ]);
  });

  it('refuses a month still running and a month already summarised, and lists lists closed late as still due', async () => {
    await expect(s.build(req('2026-12'), 'test')).rejects.toMatchObject({ code: 'SUMMARY_MONTH_OPEN' });
    await expect(s.build(req('2026-09'), 'test')).rejects.toMatchObject({ code: 'SUMMARY_EXISTS' });
    await expect(s.build(req('2026-08'), 'test')).rejects.toMatchObject({ code: 'SUMMARY_NOTHING' });
    expect(await s.deadlines(at('2026-10-10T00:00:00Z'))).toEqual([]);
    await record(t, '2026-09-29T01:00:00Z', { invtNo: 'LATE', lines: [{ gcode: '9505100000', qty: '3' }] });
    expect(await s.deadlines(at('2026-10-20T00:00:00Z'))).toEqual([
      { ebcCode: EBC, month: '2026-09', customsCode: '2900', lists: 1, lines: 1, supplementary: true, monthEnded: true, dueDate: '2026-10-15', daysLeft: -5, overdue: true, calendarCovers: true },
    ]);
    const more = await s.build(req('2026-09'), 'test');
    expect(more.counts).toMatchObject({ lists: 1, lines: 1 });
    expect(invtNos(await all(s, more.id))).toEqual(['LATE']);
    expect(await s.deadlines(at('2026-10-20T00:00:00Z'))).toEqual([]);
  });

  it('splits a long group over messages (msgCount/msgSeqNo), each valid, every list once; 汇总统计 sends none', async () => {
    const lists = ['S1', 'S2', 'S3', 'S4', 'S5'].map((invtNo, i) => ({ invtNo, trafMode: '4', lines: [{ gcode: '9503002100', qty: String(i + 1), qty1: String(i + 1), totalPrice: '2.5' }] }));
    await record(t, '2026-08-15T04:00:00Z', ...lists, { invtNo: 'S6', trafMode: '5', lines: [{ gcode: '9503002100' }] });
    const built = await s.build(req('2026-08'), 'test');
    expect(built.groups.map((g) => [g.head.trafMode, g.lists, g.parts])).toEqual([['4', 5, 3], ['5', 1, 1]]);
    const ms = await all(s, built.id);
    expect(ms.length).toBe(3);
    const heads = ms.flatMap((m) => (m.SummaryApply as { SummaryApplyHead: Record<string, string> }[]).map((a) => `${a.SummaryApplyHead.copNo!.split('-')[1]}:${a.SummaryApplyHead.msgSeqNo}/${a.SummaryApplyHead.msgCount}`));
    expect(heads).toEqual(['1:1/3', '1:2/3', '1:3/3', '2:1/1']);
    expect(invtNos(ms).sort()).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
    for (const [i, m] of ms.entries()) {
      expect(checkModel('CEB701Message', m).errors).toEqual([]);
      if (refAvailable) expect(validateMessage(writeMessage('CEB701Message', m)).errors).toEqual([]);
      expect((await s.message(built.id, i + 1)).model).toEqual(m);
    }
    await record(t, '2026-07-15T04:00:00Z', ...lists.map((l) => ({ ...l, invtNo: `T${l.invtNo}` })));
    const stats = await s.build(req('2026-07', { mode: 'statistics' }), 'test');
    expect(stats).toMatchObject({ state: 'statistics', counts: { messages: 0, lists: 5 } });
    expect(stats.groups[0]!.items[0]).toMatchObject({ qty: '15', totalPrice: '12.5' });
    await expect(s.message(stats.id, 1)).rejects.toMatchObject({ code: 'SUMMARY_NO_MESSAGE' });
  });

  it('gives the same preview and, byte for byte, writeMessage\'s CEB701 text on the fast (SQLite) and the generic path', async () => {
    const rng = new Rng(701);
    const specs: ListSpec[] = Array.from({ length: 60 }, (_, i) => ({
      // Characters XML escapes, in a few invtNos.
      invtNo: i % 17 === 3 ? `F&<>\r${i}` : `F${String(i).padStart(3, '0')}`,
      ownerCode: rng.pick(['OWNA', 'OWNB', 'OWNC']), trafMode: rng.pick(['4', '5']), country: rng.pick(['502', '303']), portCode: rng.pick(['2900', '2901']),
      ...(rng.chance(0.2) ? { loctNo: 'LOCT1' } : {}), grossWeight: `${rng.int(1, 9)}.${rng.int(0, 99_999)}`,
      lines: Array.from({ length: rng.int(1, 3) }, () => ({
        gcode: rng.pick(['9505100000', '6109100022']), gname: rng.pick(['彩球', '彩球（礼盒）', 'Ball']), country: rng.pick(['502', '303', '116']), currency: rng.pick(['502', '300']),
        unit: rng.pick(['011', '007']), qty: String(rng.int(1, 30)), qty1: `${rng.int(0, 50)}.${rng.int(0, 99_999)}`, totalPrice: `${rng.int(0, 999)}.${rng.int(0, 99)}`,
        ...(rng.chance(0.3) ? { unit2: '035', qty2: `${rng.int(0, 9)}.5` } : {}),
      })),
    }));
    const other = await openTestStore(adapter);
    try {
      const opts = { calendar: seedCalendar(), now: () => at('2026-12-05T02:00:00Z'), maxListsPerMessage: 4 };
      const quick = createSummaries({ ...opts, store: t.store });
      const generic = createSummaries({ ...opts, store: other.store, fast: false });
      const months = ['2026-03', '2026-04', '2026-05', '2026-06'] as const;
      const flagSets = [['1', false], ['1', true], ['2', false], ['2', true]] as const;
      for (const [k, month] of months.entries()) {
        const lists = specs.map((sp) => ({ ...sp, invtNo: `${month.slice(5)}${sp.invtNo}` }));
        await record(t, `${month}-10T04:00:00Z`, ...lists);
        await record(other, `${month}-10T04:00:00Z`, ...lists);
        const [summaryFlag, itemNameFlag] = flagSets[k]!;
        const a = await quick.build(req(month, { summaryFlag, itemNameFlag }), 'test');
        const b = await generic.build(req(month, { summaryFlag, itemNameFlag }), 'test');
        // What build returns is what get reads back.
        expect(await quick.get(a.id)).toEqual(a);
        const plain = (d: typeof a) => ({ ...d, id: '', copNo: '', groups: d.groups.map((g) => ({ ...g, copNo: '' })) });
        expect(plain(a)).toEqual(plain(b));
        // On SQLite the fast read did run (and did not hand back to the generic one).
        const handle = sqliteHandle(t.store);
        expect(handle === undefined).toBe(adapter !== 'sqlite');
        if (handle) expect(consolidateSqlite(handle, { ebcCode: EBC, month, customsCode: '2900' }, [0], { summaryFlag, itemNameFlag })).toBeDefined();
        expect(a.counts.messages).toBeGreaterThan(3);
        const models: Model[] = [];
        for await (const m of quick.messages(a.id)) models.push(m.model);
        const texts: string[] = [];
        for await (const m of quick.messageXml(a.id)) texts.push(Buffer.concat(m.chunks).toString('utf8'));
        expect(texts).toEqual(models.map((m) => writeMessage('CEB701Message', m)));
        expect(texts.join('')).toContain('F&amp;&lt;&gt;&#13;3');
        expect(new Set(invtNos(models)).size).toBe(specs.length);
      }
    } finally {
      await other.dispose();
    }
  });

  it('stores customs\' answers: 702 gives the sumNo, 792 the 报关单 and the line mapping', async () => {
    const sum = (await s.list({ month: '2026-08', limit: 10, offset: 0 })).items[0]!;
    const ms = await all(s, sum.id);
    const lookup = await customsLinesOf(t.store, invtNos(ms));
    const answer = customsAnswer(ms, lookup, at('2026-12-06T02:00:00Z'));
    expect(answer.returns.length).toBe(3);
    expect(answer.results.length).toBe(2);
    for (const r of answer.returns) expect(checkModel('CEB702Message', r).errors).toEqual([]);
    for (const r of answer.results) expect(checkModel('CEB792Message', r).errors).toEqual([]);
    for (const r of answer.returns) await s.receiveSummaryReturn(r);
    expect((await s.get(sum.id)).state).toBe('accepted');
    let lines = 0;
    for (const r of answer.results) lines += (await s.receiveSummaryResult(r)).lines;
    expect(lines).toBe(6);
    const done = await s.get(sum.id);
    expect(done.state).toBe('concluded');
    expect(done.groups.every((g) => g.customs.sumNo && g.customs.declSeqNo && g.customs.entryId)).toBe(true);
    const map = await s.mapping(sum.id, { limit: 100 });
    expect(map.map((m) => m.invtNo)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
    expect(map.every((m) => m.customs && m.customs.gseqno === m.gseqno)).toBe(true);
    expect(map.map((m) => m.groupNo)).toEqual([1, 1, 1, 1, 1, 2]);
    // A list customs never closed is refused with 100, and no 792 follows.
    const bad = structuredClone(ms[2]!) as { SummaryApply: { SummaryApplyList: { invtNo: string }[] }[] };
    bad.SummaryApply[0]!.SummaryApplyList.push({ invtNo: 'NOPE' });
    const refused = customsAnswer(bad as unknown as Model, lookup);
    expect(((refused.returns[0]!.SummaryReturn as { returnStatus: string }[])[0]!).returnStatus).toBe('100');
    // The other application in that message (S6's group) is whole and answered.
    expect(refused.results.map((r) => (r.SummaryResult as { SummaryResultList: { invtNo: string }[] }[])[0]!.SummaryResultList.map((l) => l.invtNo))).toEqual([['S6']]);
  });
});
