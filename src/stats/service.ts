// Statistics and monitoring (issue 7): the hooks that keep the rollups current, the figures read
// from them, the plans' targets against actuals, and the monthly reports.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Store } from '../db/store.js';
import type { FxTable } from '../kernel/fx.js';
import { AppError, invalid, issue } from '../kernel/errors.js';
import { newSeqId } from '../kernel/ids.js';
import type { ZoneProfile } from '../zone/index.js';
import * as repo from './repository.js';
import { createRecorder, type DeclarationFacts, type ReleasedList } from './record.js';
import { createFigures, type Scope } from './figures.js';
import { createReports, DEFAULT_DUE_DAY, DEFAULT_REPORT_ROLES } from './reports.js';
import { loadMarkets, type Markets } from './markets.js';
import { labeller } from './labels.js';
import { loadTargets, needs, targetView, validTarget, type TargetRow, type Unit } from './targets.js';
import { change, MEASURE_LABELS, MONEY_MEASURES, type Basis, type MoneyMeasure } from './rules.js';
import { addMonths, lastDay } from './periods.js';

export interface StatsDeps {
  readonly store: Store;
  readonly zone: ZoneProfile;
  readonly fx: FxTable;
  readonly now?: () => Date;
  readonly markets?: Markets;
  /** Day of the following month by which a monthly report is due (default 10). */
  readonly reportDueDay?: number;
  /** Roles of the enterprises expected to report monthly (default ebc, overseas_warehouse). */
  readonly reportRoles?: readonly string[];
  /** Annual CBEC trade from which an enterprise counts as leading (default 1亿元: a setting, not from the reference pack). */
  readonly leadingThresholdFen?: number;
  /** A targets CSV replacing src/stats/data/targets.csv as the seed. */
  readonly targetsFile?: string;
}

export const DEFAULT_LEADING_THRESHOLD_FEN = 10_000_000_000;

/** A 9710/9810 declaration as the declarations record it (src/clearance/declarations.ts). */
export interface RecordedDeclaration {
  readonly declaration: { readonly entryId: string; readonly tradeMode: string; readonly ebcCode: string; readonly lines: readonly { readonly gcode: string; readonly totalPrice: string; readonly currency: string }[] };
  readonly matched: boolean;
  readonly recordedAt: string;
}

const factsOf = (r: RecordedDeclaration): DeclarationFacts => ({
  entryId: r.declaration.entryId, tradeMode: r.declaration.tradeMode, ebcCode: r.declaration.ebcCode, lines: r.declaration.lines, matched: r.matched, at: r.recordedAt,
});

export function createStats(deps: StatsDeps) {
  const db = deps.store.db;
  const now = deps.now ?? (() => new Date());
  const markets = deps.markets ?? loadMarkets();
  const label = labeller(deps.zone, markets);
  const recorder = createRecorder({ fx: deps.fx, markets, sqlite: deps.store.sqlite });
  const figures = createFigures({ db, zone: deps.zone, fx: deps.fx, label, now, leadingThresholdFen: deps.leadingThresholdFen ?? DEFAULT_LEADING_THRESHOLD_FEN });
  const reports = createReports({ db, recorder, now, dueDay: deps.reportDueDay ?? DEFAULT_DUE_DAY, roles: deps.reportRoles ?? DEFAULT_REPORT_ROLES });

  // The seed goes in once per process (rows already there, edited or not, stay as they are).
  let seeded: Promise<void> | undefined;
  const seed = () => (seeded ??= repo.seedTargets(db, loadTargets(now().toISOString(), deps.targetsFile)).catch((err) => { seeded = undefined; throw err; }));

  /** A stock measure at the year's latest report of each enterprise (warehouses, their area). */
  async function stock(measure: 'overseas_warehouses' | 'overseas_warehouse_area_m2', year: number): Promise<number> {
    const y = String(year).padStart(4, '0');
    const latest = new Map<string, { month: string; n: number; area: number }>();
    for (const r of await repo.reportsBetween(db, `${y}-01`, `${y}-12`)) {
      const held = latest.get(r.enterprise_id);
      if (!held || r.month > held.month) latest.set(r.enterprise_id, { month: r.month, n: Number(r.overseas_warehouses), area: Number(r.overseas_warehouse_area_m2) });
    }
    let total = 0;
    for (const v of latest.values()) total += measure === 'overseas_warehouses' ? v.n : v.area;
    return total;
  }

  /** Targets with their actuals (always the zone's figures; another zone's targets have no actual here). */
  async function targetRows(q: { zone?: string | undefined; year?: number | undefined }): Promise<TargetRow[]> {
    await seed();
    const rows = await repo.targets(db, q);
    const lastComplete = Number(figures.today().slice(0, 4)) - 1;
    const currentYear = lastComplete + 1;
    const values = new Map<string, number | null>();
    const key = (m: string, b: string, y: number) => `${m}|${b}|${y}`;
    for (const t of rows) {
      if (t.zone !== deps.zone.id) continue;
      for (const n of needs(t, lastComplete)) {
        const k = key(n.measure, n.basis, n.year);
        if (values.has(k)) continue;
        const basis = n.basis as Basis;
        let v: number | null;
        if (n.measure === 'overseas_warehouses' || n.measure === 'overseas_warehouse_area_m2') v = basis === 'self_report' ? await stock(n.measure, n.year) : null;
        else v = await figures.yearFigure(n.measure, basis, n.year);
        values.set(k, v);
      }
      // A growth target of the running year compares its days so far with the same days of the year before.
      if (t.unit === 'percent' && t.year === currentYear && (MONEY_MEASURES as readonly string[]).includes(t.measure)) {
        values.set(key(t.measure, t.basis, t.year - 1), await figures.previousFigure(t.measure as MoneyMeasure, t.basis as Basis, t.year));
      }
    }
    return rows.map((t) => targetView(t, (m, b, y) => (t.zone === deps.zone.id ? values.get(key(m, b, y)) ?? null : null), lastComplete));
  }

  return {
    zone: deps.zone,
    markets,
    label,
    reports,

    /** The pipeline's hook: lists customs released (800), in the receipts' transaction. */
    onListsReleased: (trx: Kysely<Database>, lists: readonly ReleasedList[]) => recorder.released(trx, lists),
    /** The declarations' hook: a 9710/9810 declaration recorded or changed, in its transaction. */
    onDeclaration: (trx: Kysely<Database>, change: { previous?: RecordedDeclaration | undefined; current: RecordedDeclaration }) =>
      recorder.declaration(trx, { previous: change.previous ? factsOf(change.previous) : undefined, current: factsOf(change.current) }),

    series: figures.series,
    analysis: figures.analysis,
    leading: figures.leading,

    async overview(year: number, basis: Basis, scope: Scope) {
      const k = await figures.kpis(year, basis, scope);
      return { year, basis, ...k, targets: await targetRows({ zone: deps.zone.id, year }) };
    },

    targets: targetRows,

    /** The money measures of one month against the month before and the same month a year earlier. */
    async month(month: string, basis: Basis, scope: Scope) {
      const table = scope.enterpriseId ? 'enterprise' : 'zone';
      const at = (m: string) => figures.rangeCells(scope, table, basis, `${m}-01`, lastDay(m));
      const prevMonth = addMonths(month, -1);
      const prevYear = addMonths(month, -12);
      const [now, pm, py] = [await at(month), await at(prevMonth), await at(prevYear)];
      return MONEY_MEASURES.map((measure) => {
        const a = figures.measureOf(now, measure);
        const b = figures.measureOf(pm, measure).valueFen;
        const c = figures.measureOf(py, measure).valueFen;
        return { measure, labelZh: MEASURE_LABELS[measure].zh, labelEn: MEASURE_LABELS[measure].en, ...a, previousMonthFen: b, previousYearFen: c, mom: change(a.valueFen, b), yoy: change(a.valueFen, c) };
      });
    },

    /** The operator changes a target's figure; `version` guards against a lost update; audited with before and after. */
    async updateTarget(id: string, change: { target: number; version: number }, actor: string): Promise<TargetRow> {
      await seed();
      const at = now().toISOString();
      await db.transaction().execute(async (trx) => {
        const t = await repo.target(trx, id);
        if (!t) throw new AppError('not_found', 'STATS_TARGET_NOT_FOUND', { value: id });
        if (Number(t.version) !== change.version) throw new AppError('conflict', 'STATS_TARGET_VERSION', { current: Number(t.version), given: change.version });
        const text = String(change.target);
        if (!Number.isFinite(change.target) || !validTarget(t.unit as Unit, text) || change.target <= 0) {
          throw invalid([issue('STATS_TARGET_INVALID', '/target', { value: text, unit: t.unit })]);
        }
        if (!(await repo.saveTarget(trx, id, Number(t.version), { target: text, updated_at: at, updated_by: actor }))) {
          throw new AppError('conflict', 'STATS_TARGET_VERSION', { current: '?', given: change.version });
        }
        await repo.insertAudit(trx, { id: newSeqId(), at, actor, entity: 'stats_target', entity_id: id, action: 'update', detail: JSON.stringify({ before: { target: t.target, version: Number(t.version) }, after: { target: text, version: Number(t.version) + 1 } }) });
      });
      return (await targetRows({})).find((t) => t.id === id)!;
    },

    async targetHistory(id: string) {
      return (await repo.auditTrail(db, 'stats_target', id)).map((e) => ({ at: e.at, actor: e.actor, action: e.action, ...(JSON.parse(e.detail) as object) }));
    },

    today: figures.today,
  };
}

export type Stats = ReturnType<typeof createStats>;
