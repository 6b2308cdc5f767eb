// Customs' side of a summary application, for the simulator: what a CEB701 gets back — a CEB702
// per SummaryApply (399 with a sumNo, or 100 when a list is unknown or not closed) and, once every
// part of an application has arrived, a CEB792 per resulting 报关单 mapping each list line to its
// declaration line (gseqno) by the same grouping the platform uses (rules.ts). The numbers customs
// gives (preNo, sumNo, declSeqNo, entryId) are derived from the copNo, so the answer is the same
// for the same application; their layout (4-digit customs, year, a letter or 0, 9 digits) is the
// simulator's, real ones are customs' own.
import { createHash } from 'node:crypto';
import type { Model } from '../ceb/codec.js';
import type { SummaryApply, SummaryApplyHead } from '../ceb/model/export-202205.js';
import { formatCustomsTime } from '../kernel/time.js';
import { consolidate, fromScaled, locator, MAX_LISTS_PER_MESSAGE, type GroupingFlags, type KeyedAmounts } from './rules.js';

/** A closed list line as customs holds it. Weights count once per list, on its head line. */
export interface CustomsLine extends Omit<KeyedAmounts, 'lines'> {
  readonly invtNo: string;
  readonly gnum: number;
  readonly logisticsNo: string;
  readonly listHead: boolean;
  readonly grossWeight: bigint;
  readonly netWeight: bigint;
}

export interface CustomsAnswer {
  /** CEB702Message models, one per CEB701 given. */
  readonly returns: Model[];
  /** CEB792Message models for the applications complete in what was given. */
  readonly results: Model[];
}

const digits = (seed: string, n: number) => (BigInt(`0x${createHash('sha256').update(seed).digest('hex').slice(0, 15)}`) % 10n ** BigInt(n)).toString().padStart(n, '0');
const guidOf = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};
const number = (head: SummaryApplyHead, letter: string, seed: string) => `${head.customsCode}${head.appTime.slice(0, 4)}${letter}${digits(seed, 9)}`;

/**
 * The answer to one or more CEB701 messages. `linesOf` gives the closed lines of the named lists
 * (an unknown or unclosed list has none). Parts of a split application (msgCount > 1) may come in
 * several calls; its CEB792 comes with the call that holds all of them.
 */
export function customsAnswer(ceb701: Model | readonly Model[], linesOf: (invtNos: readonly string[]) => readonly CustomsLine[], at: Date = new Date()): CustomsAnswer {
  const messages = (Array.isArray(ceb701) ? ceb701 : [ceb701]) as Model[];
  const returnTime = formatCustomsTime(at, 'YYYYMMDDhhmmssSSS');
  const byCop = new Map<string, { head: SummaryApplyHead; parts: Map<string, string[]> }>();
  const returns: Model[] = [];
  for (const m of messages) {
    const applies = (m.SummaryApply ?? []) as unknown as SummaryApply[];
    const out = applies.map((a) => {
      const h = a.SummaryApplyHead;
      const invtNos = (a.SummaryApplyList ?? []).map((l) => l.invtNo);
      const known = new Set(linesOf(invtNos).map((l) => l.invtNo));
      const missing = invtNos.filter((n) => !known.has(n));
      const refused = missing.length > 0 || invtNos.length === 0;
      if (!refused) {
        const c = byCop.get(h.copNo) ?? { head: h, parts: new Map<string, string[]>() };
        c.parts.set(h.msgSeqNo, invtNos);
        byCop.set(h.copNo, c);
      }
      return {
        guid: guidOf(`702|${h.guid}`), agentCode: h.agentCode, ebcCode: h.ebcCode, copNo: h.copNo, preNo: number(h, 'P', `pre|${h.copNo}`),
        ...(refused ? {} : { sumNo: number(h, 'S', `sum|${h.copNo}`) }), msgSeqNo: h.msgSeqNo,
        returnStatus: refused ? '100' : '399', returnTime,
        returnInfo: refused ? (invtNos.length ? `清单不存在或未结关: ${missing.slice(0, 5).join(',')}${missing.length > 5 ? ` (+${missing.length - 5})` : ''}` : '表体为空') : '海关审结',
      };
    });
    returns.push({ guid: guidOf(`702|${String(m.guid)}`), version: '1.0', SummaryReturn: out as unknown as Model[] });
  }
  const results: Model[] = [];
  for (const [copNo, c] of byCop) {
    const count = Number(c.head.msgCount) || 1;
    if (c.parts.size < count) continue;
    const flags: GroupingFlags = { summaryFlag: c.head.summaryFlag === '2' ? '2' : '1', itemNameFlag: c.head.itemNameFlag === '1' };
    const lines = linesOf([...c.parts.values()].flat());
    const groups = consolidate(lines.map((l) => ({ ...l, lines: 1n })), flags);
    const locate = locator(groups, flags);
    const perGroup = new Map<number, CustomsLine[]>();
    for (const l of lines) {
      const where = locate({ ...l, lines: 1n })!;
      const list = perGroup.get(where.groupNo);
      if (list) list.push(l);
      else perGroup.set(where.groupNo, [l]);
    }
    for (const g of groups) {
      const mine = perGroup.get(g.groupNo) ?? [];
      const gseq = (l: CustomsLine) => locate({ ...l, lines: 1n })!.gseqno;
      const sorted = [...mine].sort((a, b) => (a.invtNo < b.invtNo ? -1 : a.invtNo > b.invtNo ? 1 : a.gnum - b.gnum));
      const weight = (k: 'grossWeight' | 'netWeight') => fromScaled(mine.filter((l) => l.listHead).reduce((t, l) => t + l[k], 0n));
      const chunks = Math.max(1, Math.ceil(sorted.length / MAX_LISTS_PER_MESSAGE));
      const seed = `${copNo}|${g.groupNo}`;
      for (let k = 0; k < chunks; k++) {
        const part = sorted.slice(k * MAX_LISTS_PER_MESSAGE, (k + 1) * MAX_LISTS_PER_MESSAGE);
        results.push({
          guid: guidOf(`792|${seed}|${k}`), version: '1.0',
          SummaryResult: [{
            SummaryResultHead: {
              guid: guidOf(`792h|${seed}|${k}`), customsCode: c.head.customsCode, sumNo: number(c.head, 'S', `sum|${copNo}`), opDate: returnTime,
              declSeqNo: number(c.head, 'D', `decl|${seed}`), entryId: number(c.head, '0', `entry|${seed}`), decState: '10',
              agentCode: c.head.agentCode, agentName: c.head.agentName, ebcCode: c.head.ebcCode, ebcName: c.head.ebcName,
              declAgentCode: c.head.declAgentCode, declAgentName: c.head.declAgentName, grossWeight: weight('grossWeight'), netWeight: weight('netWeight'),
              msgCount: String(chunks), msgSeqNo: String(k + 1),
            },
            SummaryResultList: part.map((l) => ({ invtNo: l.invtNo, logisticsNo: l.logisticsNo, gseqno: String(gseq(l)), gnum: String(l.gnum), gcode: l.gcode })),
          }] as unknown as Model[],
        });
      }
    }
  }
  return { returns, results };
}
