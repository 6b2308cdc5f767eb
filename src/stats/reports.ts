// Monthly enterprise reports (逐月申报): filed through the API or as CSV (all rows or none), a second
// filing for a month replacing the first as a new version (the history kept, the rollups corrected
// by the difference), the reporters who are late or missing, and reminders to the missing.
//
// The reference pack (cbec-rules.md) sets no deadline for these reports: they are due by the 10th
// of the following month by default, and the day is a setting (`dueDay`).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { uniqueViolation } from '../db/store.js';
import { parseCsvRows } from '../kernel/csv.js';
import { AppError, invalid, issue, type Issue } from '../kernel/errors.js';
import { newId, newSeqId } from '../kernel/ids.js';
import * as repo from './repository.js';
import type { Recorder } from './record.js';
import { addMonths, isMonth, lastDay } from './periods.js';
import type { Scope } from './figures.js';
import type { StatsReportRow } from './table.js';

export const AMOUNT_FIELDS = ['exportFen', 'importFen', 'b2bExportFen', 'marketProcurementFen', 'overseasWarehouses', 'overseasWarehouseAreaM2'] as const;
export type AmountField = (typeof AMOUNT_FIELDS)[number];

export interface ReportInput {
  readonly enterpriseId?: string | undefined;
  readonly month: string;
  readonly exportFen: number;
  readonly importFen: number;
  /** Of exportFen, the B2B part (9710/9810). */
  readonly b2bExportFen: number;
  /** 市场采购 (1039): reported beside, never inside, the CBEC figures. */
  readonly marketProcurementFen: number;
  readonly overseasWarehouses: number;
  readonly overseasWarehouseAreaM2: number;
  readonly note?: string | undefined;
}

export const DEFAULT_REPORT_ROLES = ['ebc', 'overseas_warehouse'] as const;
export const DEFAULT_DUE_DAY = 10;
const MAX_AMOUNT = 1e15;

/** The checks every report passes, from the API or a CSV line (paths under `prefix`). */
export function checkReport(r: ReportInput, currentMonth: string, prefix = ''): Issue[] {
  const out: Issue[] = [];
  if (!isMonth(r.month)) out.push(issue('PATTERN', `${prefix}/month`, { field: 'month' }));
  else if (r.month >= currentMonth) out.push(issue('STATS_REPORT_MONTH_OPEN', `${prefix}/month`, { month: r.month }));
  for (const f of AMOUNT_FIELDS) {
    const v = r[f];
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_AMOUNT) out.push(issue('STATS_REPORT_AMOUNT', `${prefix}/${f}`, { field: f, value: String(v) }));
  }
  if (Number.isSafeInteger(r.b2bExportFen) && Number.isSafeInteger(r.exportFen) && r.b2bExportFen > r.exportFen) {
    out.push(issue('STATS_REPORT_B2B_EXCEEDS', `${prefix}/b2bExportFen`, { b2b: r.b2bExportFen, total: r.exportFen }));
  }
  if (r.overseasWarehouses === 0 && r.overseasWarehouseAreaM2 > 0) out.push(issue('STATS_REPORT_AREA_WITHOUT_WAREHOUSES', `${prefix}/overseasWarehouseAreaM2`, { area: r.overseasWarehouseAreaM2 }));
  if (r.note !== undefined && r.note.length > 500) out.push(issue('TOO_LONG', `${prefix}/note`, { field: 'note', max: 500, actual: r.note.length }));
  return out;
}

export interface CsvReport { readonly line: number; readonly ref: { readonly enterpriseId?: string; readonly uscc?: string }; readonly input: ReportInput }

const lineIssue = (line: number, it: Issue): Issue & { line: number } => ({ ...it, line });

/**
 * Reads a report CSV: a header with month and the six amount fields (note, enterpriseId and uscc
 * optional), one report per line. Issues carry the line (the header is line 1) and a path
 * /lines/{line}/{field}.
 */
export function parseReportCsv(text: string, currentMonth: string): { reports: CsvReport[]; issues: (Issue & { line: number })[] } {
  let table: string[][];
  try {
    table = parseCsvRows(text);
  } catch {
    return { reports: [], issues: [lineIssue(1, issue('STATS_REPORT_CSV', '/', {}))] };
  }
  const [header, ...body] = table;
  const cols = (header ?? []).map((h) => h.trim());
  const issues: (Issue & { line: number })[] = [];
  for (const need of ['month', ...AMOUNT_FIELDS]) if (!cols.includes(need)) issues.push(lineIssue(1, issue('STATS_REPORT_CSV_COLUMN', `/header/${need}`, { field: need })));
  if (!body.length) issues.push(lineIssue(1, issue('STATS_REPORT_CSV', '/', {})));
  if (issues.length) return { reports: [], issues };
  const reports: CsvReport[] = [];
  body.forEach((cells, i) => {
    const line = i + 2;
    const at = (name: string) => (cells[cols.indexOf(name)] ?? '').trim();
    const amounts = {} as Record<AmountField, number>;
    for (const f of AMOUNT_FIELDS) {
      const v = at(f);
      if (v === '') { issues.push(lineIssue(line, issue('REQUIRED', `/lines/${line}/${f}`, { field: f }))); amounts[f] = 0; continue; }
      if (!/^\d{1,16}$/.test(v)) { issues.push(lineIssue(line, issue('STATS_REPORT_AMOUNT', `/lines/${line}/${f}`, { field: f, value: v }))); amounts[f] = 0; continue; }
      amounts[f] = Number(v);
    }
    const note = cols.includes('note') && at('note') ? at('note') : undefined;
    const input: ReportInput = { month: at('month'), ...amounts, ...(note ? { note } : {}) };
    for (const it of checkReport(input, currentMonth, `/lines/${line}`)) if (!issues.some((x) => x.path === it.path)) issues.push(lineIssue(line, it));
    const enterpriseId = cols.includes('enterpriseId') ? at('enterpriseId') : '';
    const uscc = cols.includes('uscc') ? at('uscc') : '';
    reports.push({ line, ref: { ...(enterpriseId ? { enterpriseId } : {}), ...(uscc ? { uscc } : {}) }, input });
  });
  return { reports, issues };
}

export type ReportView = ReturnType<typeof toView>;

function toView(r: StatsReportRow, dueDay: number) {
  const due = dueDateOf(r.month, dueDay);
  return {
    id: r.id, enterpriseId: r.enterprise_id, month: r.month, version: Number(r.version), current: Number(r.current) === 1,
    exportFen: Number(r.export_fen), importFen: Number(r.import_fen), b2bExportFen: Number(r.b2b_export_fen), marketProcurementFen: Number(r.market_procurement_fen),
    overseasWarehouses: Number(r.overseas_warehouses), overseasWarehouseAreaM2: Number(r.overseas_warehouse_area_m2), note: r.note,
    source: r.source, filedAt: r.filed_at, filedBy: r.filed_by, dueDate: due, late: r.filed_at > deadlineOf(due),
  };
}

/** The due date of a month's report: `dueDay` of the following month. */
export const dueDateOf = (month: string, dueDay: number): string => {
  const next = addMonths(month, 1);
  return `${next}-${String(Math.min(dueDay, Number(lastDay(next).slice(8)))).padStart(2, '0')}`;
};
/** The end of a Beijing day as an ISO instant (a filing at or before it is on time). */
const deadlineOf = (day: string): string => new Date(`${day}T23:59:59.999+08:00`).toISOString();

export interface ReportDeps {
  readonly db: Kysely<Database>;
  readonly recorder: Recorder;
  readonly now: () => Date;
  readonly dueDay: number;
  readonly roles: readonly string[];
}

export function createReports(deps: ReportDeps) {
  const { db } = deps;
  const currentMonth = () => new Date(deps.now().getTime() + 8 * 3600_000).toISOString().slice(0, 7);

  /** Whose report: an enterprise files its own; the operator names the enterprise. */
  function owner(given: string | undefined, scope: Scope, path: string): string {
    if (scope.enterpriseId) {
      if (given && given !== scope.enterpriseId) throw new AppError('forbidden', 'STATS_REPORT_NOT_YOURS', { value: given });
      return scope.enterpriseId;
    }
    if (!given) throw invalid([issue('REQUIRED', path, { field: 'enterpriseId' })]);
    return given;
  }

  async function store(trx: Kysely<Database>, place: repo.EnterprisePlace, input: ReportInput, actor: string, source: string, at: string) {
    const previous = await repo.currentReport(trx, place.id, input.month);
    const row: StatsReportRow = {
      id: newSeqId(), enterprise_id: place.id, month: input.month, version: (previous ? Number(previous.version) : 0) + 1, current: 1,
      export_fen: input.exportFen, import_fen: input.importFen, b2b_export_fen: input.b2bExportFen, market_procurement_fen: input.marketProcurementFen,
      overseas_warehouses: input.overseasWarehouses, overseas_warehouse_area_m2: input.overseasWarehouseAreaM2, note: input.note ?? null,
      county: place.county ?? '', park: place.park ?? '', cluster: place.cluster ?? '', source, filed_at: at, filed_by: actor,
    };
    await repo.replaceReport(trx, previous, row);
    await deps.recorder.report(trx, previous, row);
    return row;
  }

  const raced = (err: unknown) => {
    if (uniqueViolation(err)) throw new AppError('conflict', 'STATS_REPORT_RACE', {});
    throw err;
  };

  /**
   * The expected reporters (active, holding a reporting role, registered by the month's end) who
   * have not filed the month ('missing') or filed after the due date ('late').
   */
  async function late(month: string, scope: Scope) {
    const dueDate = dueDateOf(month, deps.dueDay);
    const deadline = deadlineOf(dueDate);
    const until = new Date(`${lastDay(month)}T23:59:59.999+08:00`).toISOString();
    const expected = await repo.reporters(db, deps.roles, until, scope.enterpriseId);
    const filed = await repo.firstFilings(db, month);
    const reminded = await repo.lastReminders(db, month);
    const overdue = deps.now().toISOString() > deadline;
    const rows = expected.flatMap((e) => {
      const first = filed.get(e.id);
      if (first && first <= deadline) return [];
      return [{ enterpriseId: e.id, nameZh: e.name_zh, nameEn: e.name_en ?? e.name_zh, county: e.county, status: first ? 'late' as const : 'missing' as const, filedAt: first ?? null, overdue, remindedAt: reminded.get(e.id) ?? null }];
    });
    return { month, dueDate, overdue, expected: expected.length, rows };
  }

  return {
    async file(input: ReportInput, scope: Scope, actor: string) {
      const enterpriseId = owner(input.enterpriseId, scope, '/enterpriseId');
      const problems = checkReport(input, currentMonth());
      if (problems.length) throw invalid(problems);
      const place = (await repo.enterprisesById(db, [enterpriseId]))[0];
      if (!place) throw invalid([issue('ENTERPRISE_NOT_FOUND', '/enterpriseId', { value: enterpriseId })]);
      const at = deps.now().toISOString();
      const row = await db.transaction().execute((trx) => store(trx, place, input, actor, 'api', at)).catch(raced);
      return toView(row, deps.dueDay);
    },

    /** A CSV of reports: every line checked first; all are stored in one transaction, or none. */
    async fileCsv(text: string, scope: Scope, actor: string) {
      const { reports, issues } = parseReportCsv(text, currentMonth());
      const ids = [...new Set(reports.flatMap((r) => (r.ref.enterpriseId ? [r.ref.enterpriseId] : [])))];
      const usccs = [...new Set(reports.flatMap((r) => (r.ref.uscc && !r.ref.enterpriseId ? [r.ref.uscc] : [])))];
      const byId = new Map((await repo.enterprisesById(db, ids)).map((e) => [e.id, e]));
      const byUscc = new Map((await repo.enterprisesByCode(db, usccs)).map((e) => [e.uscc, e]));
      const places: repo.EnterprisePlace[] = [];
      const seen = new Map<string, number>();
      for (const r of reports) {
        let place: repo.EnterprisePlace | undefined;
        const path = `/lines/${r.line}/${r.ref.enterpriseId ? 'enterpriseId' : 'uscc'}`;
        if (r.ref.enterpriseId || r.ref.uscc) {
          place = r.ref.enterpriseId ? byId.get(r.ref.enterpriseId) : byUscc.get(r.ref.uscc!);
          if (!place) issues.push(lineIssue(r.line, issue('ENTERPRISE_NOT_FOUND', path, { value: r.ref.enterpriseId ?? r.ref.uscc })));
        } else if (scope.enterpriseId) {
          place = (await repo.enterprisesById(db, [scope.enterpriseId]))[0];
        } else {
          issues.push(lineIssue(r.line, issue('REQUIRED', `/lines/${r.line}/enterpriseId`, { field: 'enterpriseId' })));
        }
        if (place && scope.enterpriseId && place.id !== scope.enterpriseId) {
          throw new AppError('forbidden', 'STATS_REPORT_NOT_YOURS', { value: r.ref.enterpriseId ?? r.ref.uscc ?? '' });
        }
        if (place) {
          const k = `${place.id}|${r.input.month}`;
          const first = seen.get(k);
          if (first !== undefined) issues.push(lineIssue(r.line, issue('STATS_REPORT_CSV_DUPLICATE', `/lines/${r.line}/month`, { month: r.input.month, line: first })));
          else seen.set(k, r.line);
          places.push(place);
        }
      }
      if (issues.length) throw invalid(issues.sort((a, b) => a.line - b.line));
      const at = deps.now().toISOString();
      const rows = await db.transaction().execute(async (trx) => {
        const out: StatsReportRow[] = [];
        for (const [i, r] of reports.entries()) out.push(await store(trx, places[i]!, r.input, actor, 'csv', at));
        return out;
      }).catch(raced);
      return { filed: rows.length, rows: rows.map((r) => toView(r, deps.dueDay)) };
    },

    async list(q: { month?: string | undefined; enterpriseId?: string | undefined; history?: boolean | undefined; limit: number; offset: number }, scope: Scope) {
      const { total, rows } = await repo.listReports(db, { ...q, history: q.history ?? false, enterpriseId: scope.enterpriseId ?? q.enterpriseId });
      return { total, limit: q.limit, offset: q.offset, rows: rows.map((r) => toView(r, deps.dueDay)) };
    },

    late,

    /** Records a reminder to every enterprise whose report for the month is still missing. */
    async remind(month: string, actor: string) {
      const { rows } = await late(month, {});
      const at = deps.now().toISOString();
      const reminders = rows.filter((r) => r.status === 'missing').map((r) => ({ id: newId(), enterprise_id: r.enterpriseId, month, reminded_at: at, actor }));
      await repo.insertReminders(db, reminders);
      return { month, reminded: reminders.length, enterpriseIds: reminders.map((r) => r.enterprise_id) };
    },
  };
}

export type Reports = ReturnType<typeof createReports>;

/**
 * How many monthly reports an enterprise owed and filed late or not at all, counting the months
 * whose due date fell in (since, at]: an expected reporter (active, holding a reporting role) owes a
 * month once registered by its end. Credit uses it (issue 8: late monthly reports lower the score).
 */
export async function lateReportCount(db: Kysely<Database>, enterpriseId: string, since: string, at: string, options: { dueDay?: number; roles?: readonly string[] } = {}): Promise<number> {
  const dueDay = options.dueDay ?? DEFAULT_DUE_DAY;
  const roles = options.roles ?? DEFAULT_REPORT_ROLES;
  const e = (await repo.reporters(db, roles, at, enterpriseId))[0];
  if (!e) return 0;
  const registered = (await db.selectFrom('enterprises').select('created_at').where('id', '=', enterpriseId).executeTakeFirst())?.created_at ?? at;
  // Months from the one before `since` (its due date may fall after `since`) to the month of `at`.
  const beijingMonth = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 7);
  const owed: { month: string; deadline: string }[] = [];
  for (let m = addMonths(beijingMonth(since), -1); m <= beijingMonth(at); m = addMonths(m, 1)) {
    const deadline = deadlineOf(dueDateOf(m, dueDay));
    const monthEnd = new Date(`${lastDay(m)}T23:59:59.999+08:00`).toISOString();
    if (deadline > since && deadline <= at && registered <= monthEnd) owed.push({ month: m, deadline });
  }
  if (!owed.length) return 0;
  const rows = await db.selectFrom('stats_reports').select((eb) => ['month', eb.fn.min<string>('filed_at').as('first')])
    .where('enterprise_id', '=', enterpriseId).where('month', 'in', owed.map((o) => o.month)).groupBy('month').execute();
  const first = new Map(rows.map((r) => [r.month, r.first]));
  return owed.filter((o) => { const f = first.get(o.month); return !f || f > o.deadline; }).length;
}
