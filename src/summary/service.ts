// The monthly consolidation's use cases: build a month's summary (preview + CEB701 messages),
// read it back, take customs' answers (CEB702, CEB792) and list what is still due.
import type { Store } from '../db/store.js';
import { writeMessage, type Model } from '../ceb/codec.js';
import type { CEB701Message, CEB702Message, CEB792Message, SummaryApply } from '../ceb/model/export-202205.js';
import { AppError } from '../kernel/errors.js';
import { newGuid, newId } from '../kernel/ids.js';
import { formatCustomsTime } from '../kernel/time.js';
import { beijingDay, beijingMonth, daysBetween, dueDate, type WorkCalendar } from './calendar.js';
import * as repo from './repository.js';
import { consolidate, fromScaled, headKeyOf, locator, MAX_LISTS_PER_MESSAGE, planMessages, type GroupingFlags, type HeadGroup, type HeadKeys } from './rules.js';
import { consolidateSqlite, fromScaledNumber, insertItemsSqlite, listPageXml, sqliteHandle } from './fast.js';
import { canMove, stateOfReturn, summaryStateOf } from './states.js';
import type { SummaryGroupTable, SummaryItemTable, SummaryTable } from './table.js';

export interface BuildRequest {
  readonly ebcCode: string;
  readonly ebcName: string;
  /** 'YYYY-MM': the lists closed in this month (Beijing time). */
  readonly month: string;
  readonly customsCode: string;
  readonly summaryFlag: '1' | '2';
  readonly itemNameFlag: boolean;
  readonly mode: 'declaration' | 'statistics';
  /** 申报单位 (defaults to the 收发货人) and 报关单位 (defaults to the 申报单位). */
  readonly agentCode?: string | undefined;
  readonly agentName?: string | undefined;
  readonly declAgentCode?: string | undefined;
  readonly declAgentName?: string | undefined;
  /** BaseTransfer of the CEB701: the enterprise whose DXP account sends it (defaults to the 申报单位). */
  readonly transfer?: { readonly copCode: string; readonly copName: string; readonly dxpId: string } | undefined;
}

interface Plan {
  readonly maxLists: number;
  readonly transfer: { copCode: string; copName: string; dxpMode: string; dxpId: string };
  /** Per message: its guid and parts [groupNo, partNo, partCount, head guid]. */
  readonly list: { guid: string; parts: [number, number, number, string][] }[];
}

export interface SummaryMessage {
  readonly seq: number;
  readonly count: number;
  readonly model: Model;
}

/** One CEB701 message as XML: its UTF-8 bytes in order, together exactly writeMessage's text for its model. */
export interface SummaryXml {
  readonly seq: number;
  readonly count: number;
  readonly chunks: readonly Buffer[];
}

// How writeMessage writes one SummaryApplyList (not pretty): fast.ts writes the lists the same way.
const LIST_OPEN = '<ceb:SummaryApplyList><ceb:invtNo>';
const LIST_CLOSE = '</ceb:invtNo></ceb:SummaryApplyList>';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const n = (v: number | string | bigint) => Number(v);

function toSummary(s: SummaryTable) {
  const plan = JSON.parse(s.messages) as Plan;
  return {
    id: s.id, ebcCode: s.ebc_code, ebcName: s.ebc_name, month: s.month, customsCode: s.customs_code,
    summaryFlag: s.summary_flag, itemNameFlag: s.item_name_flag === 1, mode: s.mode, copNo: s.cop_no, state: s.state,
    agentCode: s.agent_code, agentName: s.agent_name, declAgentCode: s.decl_agent_code, declAgentName: s.decl_agent_name,
    dueDate: s.due_date, batches: JSON.parse(s.batches) as number[],
    counts: { groups: s.groups, items: s.items, lists: n(s.lists), lines: n(s.lines), messages: plan.list.length },
    createdAt: s.created_at, createdBy: s.created_by, updatedAt: s.updated_at,
  };
}

const toGroup = (g: SummaryGroupTable, items: readonly SummaryItemTable[]) => ({
  groupNo: g.group_no, copNo: g.cop_no, state: g.state,
  head: { loctNo: g.loct_no || null, ownerCode: g.owner_code || null, trafMode: g.traf_mode, country: g.head_country, portCode: g.port_code },
  lists: n(g.lists), lines: n(g.lines), grossWeight: g.gross_weight, netWeight: g.net_weight, parts: g.parts,
  customs: { preNo: g.pre_no, sumNo: g.sum_no, declSeqNo: g.decl_seq_no, entryId: g.entry_id, decState: g.dec_state, returnStatus: g.return_status, returnInfo: g.return_info },
  items: items.map((i) => ({
    gseqno: i.gseqno, country: i.line_country, gcode: i.gcode, currency: i.currency, gname: i.gname,
    unit: i.unit, qty: i.qty, unit1: i.unit1, qty1: i.qty1, unit2: i.unit2, qty2: i.qty2, totalPrice: i.total_price, lines: n(i.lines),
  })),
});

function detailOf(s: SummaryTable, groups: readonly SummaryGroupTable[], items: readonly SummaryItemTable[]) {
  const byGroup = new Map<number, SummaryItemTable[]>();
  for (const i of items) {
    const list = byGroup.get(i.group_no);
    if (list) list.push(i);
    else byGroup.set(i.group_no, [i]);
  }
  return { ...toSummary(s), groups: groups.map((g) => toGroup(g, byGroup.get(g.group_no) ?? [])) };
}

export type SummaryView = ReturnType<typeof toSummary>;
export type SummaryDetail = SummaryView & { groups: ReturnType<typeof toGroup>[] };
export type Summaries = ReturnType<typeof createSummaries>;

/**
 * `fast` (default true): on SQLite, read the pre-aggregates and write the CEB701 lists through the
 * raw handle (fast.ts; same results). False keeps the generic path everywhere (tests compare them).
 */
export function createSummaries({ store, calendar, now = () => new Date(), maxListsPerMessage = MAX_LISTS_PER_MESSAGE, fast = true }: { store: Store; calendar: WorkCalendar; now?: () => Date; maxListsPerMessage?: number; fast?: boolean }) {
  const { db } = store;

  async function load(id: string): Promise<SummaryTable> {
    const s = await repo.findSummary(db, id);
    if (!s) throw new AppError('not_found', 'SUMMARY_NOT_FOUND', { value: id });
    return s;
  }

  const flagsOf = (s: SummaryTable): GroupingFlags => ({ summaryFlag: s.summary_flag === '2' ? '2' : '1', itemNameFlag: s.item_name_flag === 1 });
  const scopeOf = (s: SummaryTable, g: SummaryGroupTable): repo.GroupScope => ({
    ebcCode: s.ebc_code, month: s.month, customsCode: s.customs_code, batches: JSON.parse(s.batches) as number[], summaryFlag: s.summary_flag,
    loctNo: g.loct_no, ownerCode: g.owner_code, trafMode: g.traf_mode, headCountry: g.head_country, portCode: g.port_code,
  });

  function applyOf(s: SummaryTable, g: SummaryGroupTable, partNo: number, partCount: number, guid: string, invtNos: readonly string[]): SummaryApply {
    return {
      SummaryApplyHead: {
        guid, appType: '1', appTime: formatCustomsTime(new Date(s.created_at)), appStatus: '2', customsCode: s.customs_code, copNo: g.cop_no,
        agentCode: s.agent_code, agentName: s.agent_name, ebcCode: s.ebc_code, ebcName: s.ebc_name, declAgentCode: s.decl_agent_code, declAgentName: s.decl_agent_name,
        ...(g.loct_no ? { loctNo: g.loct_no } : {}),
        summaryFlag: s.summary_flag,
        // The XSD wants one character here; the annotation defines only 1 ("不填" for by
        // classification), which a required C1 cannot express: 0 says "not by item name".
        itemNameFlag: s.item_name_flag === 1 ? '1' : '0',
        // Required xs:int in the XSD although "未拆分的不填": an unsplit application is part 1 of 1.
        msgCount: String(partCount), msgSeqNo: String(partNo),
      },
      SummaryApplyList: invtNos.map((invtNo) => ({ invtNo })),
    };
  }

  const messageModel = (plan: Plan, seq: number, applies: SummaryApply[]): Model => ({
    guid: plan.list[seq - 1]!.guid, version: '1.0', SummaryApply: applies, BaseTransfer: plan.transfer,
  } satisfies CEB701Message as unknown as Model);

  async function refreshState(summaryId: string, at: string): Promise<void> {
    const s = await load(summaryId);
    const next = summaryStateOf((await repo.groupsOf(db, summaryId)).map((g) => g.state), s.state);
    if (next !== s.state) await repo.setSummaryState(db, summaryId, next, at);
  }

  return {
    /** The declaring customs of the month's lists: `given`, else the only one there is. */
    async customsOf(ebcCode: string, month: string, given?: string): Promise<string> {
      if (given) return given;
      const codes = (await db.selectFrom('summary_periods').select('customs_code').where('ebc_code', '=', ebcCode).where('close_month', '=', month).execute()).map((r) => r.customs_code).sort();
      if (!codes.length) throw new AppError('not_found', 'SUMMARY_NOTHING', { ebcCode, month, customsCode: '-' });
      if (codes.length > 1) throw new AppError('invalid', 'SUMMARY_NO_CUSTOMS', { ebcCode, month, codes: codes.join(', ') });
      return codes[0]!;
    },

    /**
     * Consolidates the B lists of `month` for one 收发货人 at one customs that no standing summary
     * took yet (on a first build: all of them). Refused while the month is still running.
     */
    async build(req: BuildRequest, actor: string): Promise<SummaryDetail> {
      if (!MONTH.test(req.month)) throw new AppError('invalid', 'SUMMARY_BAD_MONTH', { value: req.month });
      const at = now();
      if (req.month >= beijingMonth(at)) throw new AppError('conflict', 'SUMMARY_MONTH_OPEN', { month: req.month });
      const flags: GroupingFlags = { summaryFlag: req.summaryFlag, itemNameFlag: req.itemNameFlag };
      const period = { ebcCode: req.ebcCode, month: req.month, customsCode: req.customsCode };
      const iso = at.toISOString();
      const id = newId();
      const raw = fast ? sqliteHandle(store) : undefined;
      let summary: SummaryTable | undefined;
      let stored: { groups: SummaryGroupTable[]; items: SummaryItemTable[] } | undefined;
      await db.transaction().execute(async (trx) => {
        const current = await repo.lockPeriod(trx, period, iso);
        if (current === undefined) throw new AppError('not_found', 'SUMMARY_NOTHING', { ebcCode: req.ebcCode, month: req.month, customsCode: req.customsCode });
        const standing = await repo.coveredBatches(trx, period);
        const taken = new Set(standing.flatMap((x) => x.batches));
        const open = Array.from({ length: current + 1 }, (_, i) => i).filter((b) => !taken.has(b));
        const heads = (await repo.headTotals(trx, period, open)).filter((h) => h.lists > 0n);
        const batches = [...new Set(heads.map((h) => h.batch))].sort((a, b) => a - b);
        if (!batches.length) {
          if (standing.length) throw new AppError('conflict', 'SUMMARY_EXISTS', { month: req.month, id: standing[0]!.id });
          throw new AppError('not_found', 'SUMMARY_NOTHING', { ebcCode: req.ebcCode, month: req.month, customsCode: req.customsCode });
        }
        // SQLite: the fast read (same result); the generic one on PostgreSQL, or for a value past it.
        const quick = raw ? consolidateSqlite(raw, period, batches, flags) : undefined;
        const generic = quick ? undefined : consolidate(await repo.lineTotals(trx, period, batches), flags);
        const groups: readonly (HeadKeys & { groupNo: number; items: readonly unknown[] })[] = quick ?? generic!;
        const perHead = new Map<string, { lists: bigint; lines: bigint; gross: bigint; net: bigint }>();
        for (const h of heads) {
          const k = headKeyOf(h, flags);
          const t = perHead.get(k) ?? { lists: 0n, lines: 0n, gross: 0n, net: 0n };
          t.lists += h.lists; t.lines += h.lines; t.gross += h.grossWeight; t.net += h.netWeight;
          perHead.set(k, t);
        }
        const copNo = `SUM${req.month.replace('-', '')}${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
        const declaration = req.mode === 'declaration';
        const groupRows: SummaryGroupTable[] = groups.map((g) => {
          const t = perHead.get(headKeyOf(g, flags))!;
          return {
            summary_id: id, group_no: g.groupNo, cop_no: `${copNo}-${g.groupNo}`, loct_no: g.loctNo, owner_code: g.ownerCode, traf_mode: g.trafMode,
            head_country: g.headCountry, port_code: g.portCode, lists: n(t.lists), lines: n(t.lines), items: g.items.length,
            parts: declaration ? Math.max(1, Math.ceil(n(t.lists) / maxListsPerMessage)) : 0,
            gross_weight: fromScaled(t.gross), net_weight: fromScaled(t.net), state: declaration ? 'built' : 'statistics',
            pre_no: null, sum_no: null, decl_seq_no: null, entry_id: null, dec_state: null, return_status: null, return_info: null, updated_at: iso,
          };
        });
        const plan: Plan = {
          maxLists: maxListsPerMessage,
          transfer: { copCode: req.transfer?.copCode ?? req.agentCode ?? req.ebcCode, copName: req.transfer?.copName ?? req.agentName ?? req.ebcName, dxpMode: 'DXP', dxpId: req.transfer?.dxpId ?? '' },
          list: declaration
            ? planMessages(groupRows.map((g) => ({ groupNo: g.group_no, lists: n(g.lists) })), maxListsPerMessage).map((parts) => ({ guid: newGuid(), parts: parts.map((p) => [p.groupNo, p.partNo, p.partCount, newGuid()] as [number, number, number, string]) }))
            : [],
        };
        const items: SummaryItemTable[] = [];
        if (quick) {
          for (const g of quick) {
            for (const i of g.items) {
              items.push({
                summary_id: id, group_no: g.groupNo, gseqno: i.gseqno, line_country: i.country, gcode: i.gcode, currency: i.currency, gname: i.gname,
                unit: i.unit, qty: fromScaledNumber(i.qty), unit1: i.unit1, qty1: fromScaledNumber(i.qty1), unit2: i.unit2 || null, qty2: i.unit2 ? fromScaledNumber(i.qty2) : null,
                total_price: fromScaledNumber(i.totalPrice), lines: i.lines,
              });
            }
          }
        } else {
          for (const g of generic!) {
            for (const i of g.items) {
              items.push({
                summary_id: id, group_no: g.groupNo, gseqno: i.gseqno, line_country: i.country, gcode: i.gcode, currency: i.currency, gname: i.gname,
                unit: i.unit, qty: fromScaled(i.qty), unit1: i.unit1, qty1: fromScaled(i.qty1), unit2: i.unit2 || null, qty2: i.unit2 ? fromScaled(i.qty2) : null,
                total_price: fromScaled(i.totalPrice), lines: n(i.lines),
              });
            }
          }
        }
        const agentCode = req.agentCode ?? req.ebcCode, agentName = req.agentName ?? req.ebcName;
        summary = {
          id, ebc_code: req.ebcCode, ebc_name: req.ebcName, month: req.month, customs_code: req.customsCode, summary_flag: req.summaryFlag,
          item_name_flag: req.itemNameFlag ? 1 : 0, mode: req.mode, cop_no: copNo, state: declaration ? 'built' : 'statistics',
          agent_code: agentCode, agent_name: agentName, decl_agent_code: req.declAgentCode ?? agentCode, decl_agent_name: req.declAgentName ?? agentName,
          batches: JSON.stringify(batches), groups: groups.length, items: items.length,
          lists: n(groupRows.reduce((t, g) => t + n(g.lists), 0)), lines: n(groupRows.reduce((t, g) => t + n(g.lines), 0)),
          messages: JSON.stringify(plan), due_date: dueDate(req.month, calendar), created_at: iso, created_by: actor, updated_at: iso,
        };
        if (raw) {
          await repo.insertSummary(trx, store, summary, groupRows, []);
          insertItemsSqlite(raw, items);
        } else await repo.insertSummary(trx, store, summary, groupRows, items);
        stored = { groups: groupRows, items };
        // Lists recorded from now on join the next batch: still to summarise, never silently in this one.
        await repo.setBatch(trx, period, current + 1);
      });
      // What was stored, as get() would read it back (a month's lines can number hundreds of thousands).
      return detailOf(summary!, stored!.groups, stored!.items);
    },

    async get(id: string): Promise<SummaryDetail> {
      const s = await load(id);
      const items = await repo.itemsOf(db, id);
      return detailOf(s, await repo.groupsOf(db, id), items);
    },

    async list(q: { ebcCode?: string | undefined; month?: string | undefined; limit: number; offset: number }) {
      const { total, rows } = await repo.listSummaries(db, q);
      return { total, limit: q.limit, offset: q.offset, items: rows.map(toSummary) };
    },

    /** The CEB701 messages of a summary in order, one at a time (a month may hold millions of lists). */
    async *messages(id: string): AsyncGenerator<SummaryMessage> {
      const s = await load(id);
      const plan = JSON.parse(s.messages) as Plan;
      const groups = await repo.groupsOf(db, id);
      const after = new Map<number, readonly [string, string]>();
      for (let seq = 1; seq <= plan.list.length; seq++) {
        const applies: SummaryApply[] = [];
        for (const [groupNo, partNo, partCount, guid] of plan.list[seq - 1]!.parts) {
          const g = groups[groupNo - 1]!;
          const page = await repo.groupLists(db, scopeOf(s, g), { limit: plan.maxLists, ...(after.has(groupNo) ? { after: after.get(groupNo)! } : {}) });
          if (page.length) after.set(groupNo, [page[page.length - 1]!.ownerCode, page[page.length - 1]!.invtNo]);
          applies.push(applyOf(s, g, partNo, partCount, guid, page.map((p) => p.invtNo)));
        }
        yield { seq, count: plan.list.length, model: messageModel(plan, seq, applies) };
      }
    },

    /**
     * The CEB701 messages of a summary as XML, in order, one at a time: exactly the text
     * writeMessage gives for messages()' models, as UTF-8. On SQLite each part's SummaryApplyList
     * elements come from the database as one run of bytes (fast.ts) and writeMessage writes the
     * rest: the message with one marker list per SummaryApply, whose element the part's lists replace
     * (markers are ASCII, so the pieces' UTF-8 joins to the whole text's).
     */
    async *messageXml(id: string): AsyncGenerator<SummaryXml> {
      const raw = fast ? sqliteHandle(store) : undefined;
      if (!raw) {
        for await (const m of this.messages(id)) yield { seq: m.seq, count: m.count, chunks: [Buffer.from(writeMessage('CEB701Message', m.model), 'utf8')] };
        return;
      }
      const s = await load(id);
      const plan = JSON.parse(s.messages) as Plan;
      const groups = await repo.groupsOf(db, id);
      const after = new Map<number, readonly [string, string]>();
      const tag = `SILKGATE-LISTS-${newGuid()}`;
      for (let seq = 1; seq <= plan.list.length; seq++) {
        const parts = plan.list[seq - 1]!.parts;
        const frame = writeMessage('CEB701Message', messageModel(plan, seq, parts.map(([groupNo, partNo, partCount, guid], k) => applyOf(s, groups[groupNo - 1]!, partNo, partCount, guid, [`${tag}-${k}`]))));
        const chunks: Buffer[] = [];
        let at = 0;
        for (let k = 0; k < parts.length; k++) {
          const element = `${LIST_OPEN}${tag}-${k}${LIST_CLOSE}`;
          const where = frame.indexOf(element, at);
          if (where < 0 || frame.indexOf(element, where + 1) >= 0) throw new Error(`summary ${id}: message ${seq} has no single marker list ${k}`);
          const [groupNo] = parts[k]!;
          const g = groups[groupNo - 1]!;
          const page = await db.connection().execute(async () => listPageXml(raw, scopeOf(s, g), plan.maxLists, after.get(groupNo), LIST_OPEN, LIST_CLOSE));
          if (page.last) after.set(groupNo, page.last);
          chunks.push(Buffer.from(frame.slice(at, where), 'utf8'), page.xml);
          at = where + element.length;
        }
        chunks.push(Buffer.from(frame.slice(at), 'utf8'));
        yield { seq, count: plan.list.length, chunks };
      }
    },

    /** One CEB701 message of a summary (1-based). */
    async message(id: string, seq: number): Promise<SummaryMessage> {
      const s = await load(id);
      const plan = JSON.parse(s.messages) as Plan;
      if (!plan.list[seq - 1]) throw new AppError('not_found', 'SUMMARY_NO_MESSAGE', { id, seq, count: plan.list.length });
      const groups = await repo.groupsOf(db, id);
      const applies: SummaryApply[] = [];
      for (const [groupNo, partNo, partCount, guid] of plan.list[seq - 1]!.parts) {
        const g = groups[groupNo - 1]!;
        const page = await repo.groupLists(db, scopeOf(s, g), { limit: plan.maxLists, offset: (partNo - 1) * plan.maxLists });
        applies.push(applyOf(s, g, partNo, partCount, guid, page.map((p) => p.invtNo)));
      }
      return { seq, count: plan.list.length, model: messageModel(plan, seq, applies) };
    },

    /** The platform handed the CEB701 messages to customs. */
    async markSent(id: string): Promise<SummaryView> {
      const s = await load(id);
      if (!canMove(s.state, 'sent')) throw new AppError('conflict', 'SUMMARY_STATE', { id, state: s.state, to: 'sent' });
      const at = now().toISOString();
      await db.updateTable('summary_groups').set({ state: 'sent', updated_at: at }).where('summary_id', '=', id).where('state', '=', 'built').execute();
      await refreshState(id, at);
      return toSummary(await load(id));
    },

    /**
     * Where each line of the summary's lists lands (header group, gseqno), computed from the
     * grouping, beside customs' own mapping once a CEB792 gave it; paged by (invtNo, gnum).
     */
    async mapping(id: string, page: { limit: number; after?: readonly [string, number] | undefined }) {
      const detail = await this.get(id);
      const s = await load(id);
      const flags = flagsOf(s);
      const groups: HeadGroup[] = detail.groups.map((g) => ({
        groupNo: g.groupNo, loctNo: g.head.loctNo ?? '', ownerCode: g.head.ownerCode ?? '', trafMode: g.head.trafMode, headCountry: g.head.country, portCode: g.head.portCode,
        items: g.items.map((i) => ({ ...i, unit2: i.unit2 ?? '', lines: 0n, qty: 0n, qty1: 0n, qty2: 0n, totalPrice: 0n })),
      }));
      const locate = locator(groups, flags);
      const rows = await repo.scopeLines(db, { ebcCode: s.ebc_code, month: s.month, customsCode: s.customs_code }, JSON.parse(s.batches) as number[], { limit: page.limit, ...(page.after ? { after: page.after } : {}) });
      const results = new Map((await db.selectFrom('summary_results').selectAll().where('invt_no', 'in', rows.length ? [...new Set(rows.map((r) => r.invt_no))] : ['\u0000']).execute()).map((r) => [`${r.invt_no}|${r.gnum}`, r]));
      return rows.map((r) => {
        const at = locate({
          loctNo: r.loct_no ?? '', ownerCode: r.owner_code, trafMode: r.traf_mode, headCountry: r.head_country, portCode: r.port_code, country: r.line_country,
          gcode: r.gcode, currency: r.currency, gname: r.gname, unit: r.unit, unit1: r.unit1, unit2: r.unit2 ?? '', lines: 1n, qty: 0n, qty1: 0n, qty2: 0n, totalPrice: 0n,
        });
        const c = results.get(`${r.invt_no}|${r.gnum}`);
        return {
          invtNo: r.invt_no, gnum: r.gnum, gcode: r.gcode, groupNo: at?.groupNo ?? null, gseqno: at?.gseqno ?? null,
          customs: c ? { declSeqNo: c.decl_seq_no, entryId: c.entry_id, gseqno: c.gseqno } : null,
        };
      });
    },

    /** CEB702: customs took (399, sumNo) or refused (100, < 0) a SummaryApply, matched by copNo. */
    async receiveSummaryReturn(model: Model): Promise<{ matched: number; unmatched: number }> {
      const at = now().toISOString();
      let matched = 0, unmatched = 0;
      const touched = new Set<string>();
      for (const r of (model as unknown as CEB702Message).SummaryReturn ?? []) {
        const g = r.copNo ? await repo.groupByCopNo(db, r.copNo) : undefined;
        if (!g) { unmatched++; continue; }
        matched++;
        const to = stateOfReturn(r.returnStatus);
        await repo.updateGroup(db, g.summary_id, g.group_no, {
          ...(canMove(g.state, to) ? { state: to } : {}), return_status: r.returnStatus, return_info: r.returnInfo ?? null,
          ...(r.preNo ? { pre_no: r.preNo } : {}), ...(r.sumNo ? { sum_no: r.sumNo } : {}), updated_at: at,
        });
        touched.add(g.summary_id);
      }
      for (const id of touched) await refreshState(id, at);
      return { matched, unmatched };
    },

    /** CEB792: the 报关单 a group became (declSeqNo, entryId) and customs' line mapping, by sumNo. */
    async receiveSummaryResult(model: Model): Promise<{ matched: number; unmatched: number; lines: number }> {
      const at = now().toISOString();
      let matched = 0, unmatched = 0, lines = 0;
      const touched = new Set<string>();
      for (const r of (model as unknown as CEB792Message).SummaryResult ?? []) {
        const h = r.SummaryResultHead;
        const g = h?.sumNo ? await repo.groupBySumNo(db, h.sumNo) : undefined;
        if (!g) { unmatched++; continue; }
        matched++;
        await repo.updateGroup(db, g.summary_id, g.group_no, {
          ...(canMove(g.state, 'concluded') ? { state: 'concluded' } : {}), decl_seq_no: g.decl_seq_no ?? h.declSeqNo, entry_id: g.entry_id ?? h.entryId ?? null,
          dec_state: h.decState, updated_at: at,
        });
        const rows = (r.SummaryResultList ?? []).map((l) => ({
          invt_no: l.invtNo, gnum: Number(l.gnum), sum_no: h.sumNo, decl_seq_no: h.declSeqNo, entry_id: h.entryId ?? null,
          gseqno: Number(l.gseqno), gcode: l.gcode, logistics_no: l.logisticsNo ?? '', received_at: at,
        }));
        await repo.upsertResults(db, rows);
        lines += rows.length;
        touched.add(g.summary_id);
      }
      for (const id of touched) await refreshState(id, at);
      return { matched, unmatched, lines };
    },

    /**
     * The reminder list: per 收发货人, customs and close month, the B lists no standing summary
     * took, when they are due (15th of the next month, next working day) and how many days are left.
     */
    async deadlines(asOf: Date, ebcCode?: string) {
      const today = beijingDay(asOf);
      const thisMonth = today.slice(0, 7);
      const standing = await repo.standingSummaries(db, ebcCode);
      const taken = new Map<string, Set<number>>();
      for (const s of standing) {
        const k = `${s.ebc_code}|${s.month}|${s.customs_code}`;
        const set = taken.get(k) ?? new Set<number>();
        for (const b of JSON.parse(s.batches) as number[]) set.add(b);
        taken.set(k, set);
      }
      const open = new Map<string, { ebcCode: string; month: string; customsCode: string; lists: bigint; lines: bigint }>();
      for (const b of await repo.periodBatches(db, ebcCode)) {
        const k = `${b.ebcCode}|${b.month}|${b.customsCode}`;
        if (b.lists === 0n || taken.get(k)?.has(b.batch)) continue;
        const o = open.get(k) ?? { ebcCode: b.ebcCode, month: b.month, customsCode: b.customsCode, lists: 0n, lines: 0n };
        o.lists += b.lists; o.lines += b.lines;
        open.set(k, o);
      }
      return [...open.values()].sort((a, b) => (a.ebcCode === b.ebcCode ? (a.month < b.month ? -1 : a.month > b.month ? 1 : a.customsCode < b.customsCode ? -1 : 1) : a.ebcCode < b.ebcCode ? -1 : 1)).map((o) => {
        const due = dueDate(o.month, calendar);
        const daysLeft = daysBetween(today, due);
        return {
          ebcCode: o.ebcCode, month: o.month, customsCode: o.customsCode, lists: n(o.lists), lines: n(o.lines),
          // Lists closed after a summary of the month was built need a further one.
          supplementary: taken.has(`${o.ebcCode}|${o.month}|${o.customsCode}`),
          monthEnded: o.month < thisMonth, dueDate: due, daysLeft, overdue: daysLeft < 0, calendarCovers: calendar.covers(due),
        };
      });
    },
  };
}
